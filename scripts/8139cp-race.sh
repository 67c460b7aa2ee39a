#!/bin/bash
# The 8139cp race that posted TxPoll writes expose (docs/performance.md,
# "rtl8139: the soft lockup was a race in 8139cp"), made likely on
# purpose: L2's 8139cp module rebuilt with a delay of 200 us between
# napi_complete_done() and the unmasking of receive interrupts, once as
# it is ("race") and once with the fix of linux/guest-fixes ("fixed"),
# then pc with rtl8139 benchmarked in one-CPU L1 boots, use-ioregionfd on
# and off, once each.  The figure to look at is tcp_tx_mbit_per_s: with
# the race, on falls to almost nothing.
#
# usage: scripts/8139cp-race.sh [OUT-DIR]   (default $BUILD/8139cp-race)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
cd "$TOP"
linux_env

out=${1:-$BUILD/8139cp-race}
krel=$(l2_generic_krel)
qemu=$BUILD/qemu/work/build/qemu-system-x86_64
src=$BUILD/linux/work/drivers/net/ethernet/realtek/8139cp.c
mods=$BUILD/l2-generic/root/lib/modules/$krel
ko=$mods/kernel/drivers/net/ethernet/realtek/8139cp.ko.xz
img=$BUILD/e2e/initramfs-generic-bench.cpio.gz
[ -x "$qemu" ] || die "no $qemu; run make qemu first"
[ -f "$src" ] || die "no $src; run scripts/linux-tree.sh first"
scripts/l2-generic-fetch.sh >/dev/null
[ -f "$ko" ] || die "no $ko"
mkdir -p "$out"
out=$(cd "$out" && pwd)

# The generic kernel's headers, to build one module for it.
hdr=$out/headers/usr/src/linux-headers-$krel
if [ ! -d "$hdr" ]; then
	log "fetching the headers of $krel ($LINUX_DEB_VERSION)"
	rm -rf "$out/debs" "$out/headers"
	mkdir -p "$out/debs" "$out/headers"
	(cd "$out/debs" && apt-get download -q "${APT_AS_ROOT[@]}" \
		"linux-headers-$krel=$LINUX_DEB_VERSION" \
		"linux-headers-${krel%-amd64}-common=$LINUX_DEB_VERSION" \
		"linux-kbuild-${krel%-amd64}=$LINUX_DEB_VERSION")
	for d in "$out"/debs/*.deb; do
		dpkg-deb -x "$d" "$out/headers"
	done
	# its Makefile includes the common part by its installed path
	sed -i "s|^include /usr/src/|include $out/headers/usr/src/|" "$hdr/Makefile"
fi

# The driver with the delay, and a switch for the fix.
python3 - "$src" "$out/8139cp.c" <<'EOF'
import sys

s = open(sys.argv[1]).read()
old = """	if (rx < budget && napi_complete_done(napi, rx)) {
		unsigned long flags;

		spin_lock_irqsave(&cp->lock, flags);
		cpw16_f(IntrMask, cp_intr_mask);
"""
new = """	if (rx < budget && napi_complete_done(napi, rx)) {
		unsigned long flags;

		udelay(200);
		spin_lock_irqsave(&cp->lock, flags);
		if (!RACE_FIX || !napi_is_scheduled(napi))
			cpw16_f(IntrMask, cp_intr_mask);
"""
if old not in s:
    sys.exit("8139cp.c: cp_rx_poll() is not as expected")
open(sys.argv[2], "w").write(s.replace(old, new))
EOF

cp "$ko" "$out/8139cp.ko.xz.orig"
restore() {
	cp "$out/8139cp.ko.xz.orig" "$ko"
	E2E_BENCH_TOOLS=1 E2E_L2_FLAVOUR=generic e2e/build-initramfs.sh >/dev/null 2>&1 || true
}
trap restore EXIT
rc=0
for v in race fixed; do
	mkdir -p "$out/build-$v"
	cp "$out/8139cp.c" "$out/build-$v/"
	printf 'obj-m := 8139cp.o\nccflags-y := -DRACE_FIX=%d\n' \
		"$([ $v = fixed ] && echo 1 || echo 0)" >"$out/build-$v/Kbuild"
	make -s -C "$hdr" M="$out/build-$v" modules
	xz -c "$out/build-$v/8139cp.ko" >"$ko"
	E2E_BENCH_TOOLS=1 E2E_L2_FLAVOUR=generic e2e/build-initramfs.sh >/dev/null
	log "$v: L1 with one CPU, pc with rtl8139, use-ioregionfd on and off (about 3 min)"
	harness/l1-run -q --modules patched --smp 1 --hold-vm --stall 120 --timeout 1500 \
		--results "$out/$v" -- e2e/l1-bench -r 1 -c pc-rtl8139 -m on,off -s 5 -u 50 \
		-T 400 -l "$out/$v/logs" "$qemu" >"$out/$v.log" 2>&1 || rc=1
	for m in on off; do
		echo "$v $m tcp_tx_mbit_per_s $(awk -v m=$m '$1 == "RESULT" && $3 == m && $5 == "tcp_tx_mbit_per_s" { print $6 }' "$out/$v/output")"
	done
done
exit $rc
