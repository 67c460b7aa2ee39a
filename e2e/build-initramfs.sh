#!/bin/bash
# Build the L2 guest's initramfs for e2e/l1-e2e: static busybox, e2e/guest-init
# as /init, and the virtio drivers the stock cloud kernel has as modules
# (virtio_mmio, virtio_net, virtio_blk and what they depend on), decompressed.
#
# usage: e2e/build-initramfs.sh        -> build/e2e/initramfs.cpio.gz
#        E2E_L2_FLAVOUR=generic e2e/build-initramfs.sh
#                                      -> build/e2e/initramfs-generic.cpio.gz
#        E2E_BENCH_TOOLS=1 e2e/build-initramfs.sh
#                                      -> build/e2e/initramfs[-generic]-bench.cpio.gz
#
# E2E_BENCH_TOOLS=1 adds the guest tools of scripts/bench.sh: fio (static,
# scripts/bench-tools.sh) and Debian's iperf3 with its shared libraries.
#
# The L2 kernel is by default the one L1 runs: build/linux/root/boot/vmlinuz-$KREL
# (scripts/linux-fetch.sh), for -M microvm.  With E2E_L2_FLAVOUR=generic it is
# Debian's generic image of the same version (scripts/l2-generic-fetch.sh,
# build/l2-generic/root), for q35/pc guests with PCI devices the cloud kernel
# has no drivers for (e1000, rtl8139); its initramfs also carries those, nvme
# and virtio-pci.  guest-init loads every module of /etc/modules, in order;
# one whose hardware is absent just binds nothing.
# The kernel's config decides which drivers go in: a driver
# built in (=y) needs nothing, a module (=m) is copied with its dependencies,
# anything else is an error.
set -euo pipefail

E2E=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$E2E/../scripts/common.sh"

BUSYBOX=${BUSYBOX:-/usr/bin/busybox}
OUT=$BUILD/e2e
FLAVOUR=${E2E_L2_FLAVOUR:-cloud}

# Kernel options the guest needs, and the module providing each.
# (virtio-mmio devices of -M microvm are found through ACPI: the kernel has
# no CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES, so virtio_mmio.device= would not do.)
NEEDED="VIRTIO:virtio VIRTIO_MMIO:virtio_mmio VIRTIO_NET:virtio_net
	VIRTIO_BLK:virtio_blk ACPI: BLK_DEV_INITRD: RD_GZIP: DEVTMPFS:
	SERIAL_8250_CONSOLE: INET: TMPFS:"

linux_env
case $FLAVOUR in
cloud)
	ROOT=$BUILD/linux/root FETCH=scripts/linux-fetch.sh
	IMG=$OUT/initramfs.cpio.gz ;;
generic)
	# PCI machines: the NICs and disks tests/qemu-e2e-pci picks from
	# (virtio-pci is built in on Debian's kernels, then nothing is copied).
	NEEDED+=" VIRTIO_PCI:virtio_pci E1000:e1000 8139CP:8139cp 8139TOO:8139too
	NVME_CORE:nvme_core BLK_DEV_NVME:nvme PCI:"
	KREL=$(l2_generic_krel)
	ROOT=$BUILD/l2-generic/root FETCH=scripts/l2-generic-fetch.sh
	IMG=$OUT/initramfs-generic.cpio.gz ;;
*) die "E2E_L2_FLAVOUR=$FLAVOUR: want cloud or generic" ;;
esac
TOOLS=${E2E_BENCH_TOOLS:-0}
case $TOOLS in
0) ;;
1)	IMG=${IMG%.cpio.gz}-bench.cpio.gz
	FIO=$BUILD/bench-tools/bin/fio
	[ -x "$FIO" ] || die "no $FIO (run scripts/bench-tools.sh)"
	IPERF3=$(command -v iperf3) || die "no iperf3 (apt-get install iperf3)" ;;
*) die "E2E_BENCH_TOOLS=$TOOLS: want 0 or 1" ;;
esac
CONFIG=$ROOT/boot/config-$KREL
KERNEL=$ROOT/boot/vmlinuz-$KREL
MODSRC=$ROOT/lib/modules/$KREL
[ -f "$KERNEL" ] || die "no $KERNEL (run $FETCH)"
[ -f "$CONFIG" ] || die "no $CONFIG (run $FETCH)"
[ -x "$BUSYBOX" ] || die "no static busybox at $BUSYBOX (apt-get install busybox-static)"
file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked' ||
	ldd "$BUSYBOX" 2>&1 | grep -q 'not a dynamic' ||
	die "$BUSYBOX is not statically linked (busybox-static is needed)"
for t in cpio gzip xz objcopy ${CC:-gcc}; do
	command -v $t >/dev/null || die "$t is needed"
done

STAGE=$(mktemp -d "${TMPDIR:-/tmp}/e2e-initramfs.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT

# Module name -> path of its .ko.xz (file names may use - where names use _).
declare -A KO=()
while IFS= read -r f; do
	n=${f##*/}; n=${n%.ko.xz}; n=${n%.ko}
	KO[${n//-/_}]=$f
done < <(find "$MODSRC/kernel" -name '*.ko.xz' -o -name '*.ko')

modinfo_field() {	# KO FIELD
	local ko=$1 tmp=$STAGE/modinfo.ko
	case $ko in
	*.xz) xz -dc "$ko" >"$tmp" ;;
	*) cp "$ko" "$tmp" ;;
	esac
	objcopy -O binary -j .modinfo "$tmp" /dev/stdout 2>/dev/null |
		tr '\0' '\n' | sed -n "s/^$2=//p"
}

# Dependencies first, each once.
declare -A SEEN=()
ORDER=()
add_module() {	# NAME
	local m=${1//-/_} d deps
	[ -z "${SEEN[$m]:-}" ] || return 0
	SEEN[$m]=1
	[ -n "${KO[$m]:-}" ] || die "module $m not found under $MODSRC"
	deps=$(modinfo_field "${KO[$m]}" depends)
	for d in ${deps//,/ }; do
		add_module "$d"
	done
	ORDER+=("$m")
}

for want in $NEEDED; do
	opt=${want%%:*} mod=${want#*:}
	val=$(sed -n "s/^CONFIG_$opt=//p" "$CONFIG")
	case $val in
	y) ;;
	m) [ -n "$mod" ] || die "CONFIG_$opt=m in $CONFIG: must be built in"
	   add_module "$mod" ;;
	*) die "CONFIG_$opt is not set in $CONFIG" ;;
	esac
done

mkdir -p "$STAGE"/root/{bin,dev,proc,sys,tmp,lib/modules,etc}
R=$STAGE/root
cp "$BUSYBOX" "$R/bin/busybox"
for a in $("$BUSYBOX" --list); do
	[ "$a" = busybox ] || ln -s busybox "$R/bin/$a"
done
install -m 755 "$E2E/guest-init" "$R/init"
# The benchmark's register reads, static
${CC:-gcc} -static -O2 -Wall -o "$R/bin/mmio-bench" "$E2E/bench/mmio-bench.c" ||
	die "cannot build $E2E/bench/mmio-bench.c (gcc and libc6-dev are needed)"
if [ "$TOOLS" = 1 ]; then
	# fio is static; iperf3 comes with its libraries and the loader, at
	# the paths ldd names.
	install -m 755 "$FIO" "$R/bin/fio"
	install -m 755 "$IPERF3" "$R/bin/iperf3"
	for lib in $(ldd "$IPERF3" | grep -o '/[^ ]*'); do
		mkdir -p "$R${lib%/*}"
		cp -L "$lib" "$R$lib"
	done
	strip -s "$R/bin/fio" "$R/bin/iperf3"
	chroot "$R" /bin/iperf3 --version >/dev/null 2>&1 ||
		die "iperf3 does not run in the initramfs' root"
fi
: >"$R/etc/modules"
for m in "${ORDER[@]}"; do
	ko=${KO[$m]}
	case $ko in
	*.xz) xz -dc "$ko" >"$R/lib/modules/$m.ko" ;;
	*) cp "$ko" "$R/lib/modules/$m.ko" ;;
	esac
	vm=$(modinfo_field "$R/lib/modules/$m.ko" vermagic)
	[ "${vm%% *}" = "$KREL" ] || die "$ko: vermagic '$vm' is not $KREL"
	echo "$m" >>"$R/etc/modules"
done
echo "$KREL" >"$R/etc/e2e-kernel"

# Reproducible archive: fixed owner and time stamps, sorted names.
find "$R" -exec touch -h -d @0 {} +
mkdir -p "$OUT"
(cd "$R" && find . -mindepth 1 | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0 --reproducible) | gzip -9n >"$IMG.tmp"
mv "$IMG.tmp" "$IMG"
log "$IMG: $(stat -c %s "$IMG") bytes; modules: ${ORDER[*]:-none}; kernel $KERNEL"
