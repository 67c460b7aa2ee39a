#!/bin/bash
# The series under a debug kernel (issue 7 item 14, issue 11 item 1): build
# an L1 kernel from the same Debian linux-source-6.12 with the stock cloud
# kernel's config plus lockdep, PROVE_RCU, DEBUG_ATOMIC_SLEEP, KASAN
# (generic, inline), KFENCE and kmemleak; build the series' kvm modules
# against it; boot L1 with it (two CPUs, a VM held open) and run the
# series' selftest, its concurrency subtests and the upstream KVM
# selftests of the suite, then scan for leaks.  Any splat fails the run
# (harness/l1-run, exit status 123).
#
# Usage: scripts/debug-kernel.sh [--build-only] [-- L1-RUN-OPTIONS...]
#   --build-only  build (or find cached) kernel and modules, do not boot
#   L1-RUN-OPTIONS go to harness/l1-run (e.g. --qemu PATH, --timeout N)
#
# Output in $BUILD/linux-debug: kernel/ (the O= build; arch/x86/boot/bzImage),
# src/ (linux-source + the series, where the modules are built), modules/
# (irqbypass.ko, kvm.ko, kvm-amd.ko), logs/.  Both builds are cached: a
# second run rebuilds nothing unless the stock config, the config below,
# the Debian version or the series changed.  Cold: about 35 min on 2 cores
# (nice -n 19, ccache in $QEMU_CCACHE_DIR, see scripts/common.sh); the L1
# run about 10 min.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"

build_only=0
while [ $# -gt 0 ]; do
	case $1 in
	--build-only) build_only=1 ;;
	--) shift; break ;;
	-h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) die "unknown argument: $1 (see --help)" ;;
	esac
	shift
done

"$here/linux-fetch.sh" >/dev/null
linux_env
out=$BUILD/linux-debug
obj=$out/kernel
src=$out/src
logs=$out/logs
mkdir -p "$out" "$logs"
exec 9>"$out/.lock"
flock -n 9 || { log "waiting for another debug-kernel.sh"; flock 9; }

# What the debug kernel has on top of the stock cloud config (module
# signing off: the lockdown LSM selects it, and L1 does not use lockdown).  Debug info
# is off for vmlinux (it would double the build; stacks still have
# function+offset) and on for the kvm modules (KCFLAGS=-g below), so
# scripts/faddr2line works on their frames.
debug_config() {
	cat <<'EOC'
CONFIG_LOCALVERSION="-ioregionfd-debug"
# CONFIG_LOCALVERSION_AUTO is not set
# CONFIG_SECURITY_LOCKDOWN_LSM is not set
# CONFIG_MODULE_SIG is not set
CONFIG_DEBUG_INFO_NONE=y
# CONFIG_DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT is not set
# CONFIG_DEBUG_INFO_BTF is not set
CONFIG_PROVE_LOCKING=y
CONFIG_PROVE_RCU=y
CONFIG_DEBUG_ATOMIC_SLEEP=y
CONFIG_KASAN=y
CONFIG_KASAN_GENERIC=y
CONFIG_KASAN_INLINE=y
CONFIG_KASAN_VMALLOC=y
CONFIG_KFENCE=y
CONFIG_KFENCE_SAMPLE_INTERVAL=100
CONFIG_DEBUG_KMEMLEAK=y
CONFIG_DEBUG_KMEMLEAK_DEFAULT_OFF=y
CONFIG_KVM=m
CONFIG_KVM_AMD=m
CONFIG_IRQ_BYPASS_MANAGER=m
CONFIG_VIRTIO_PCI=y
CONFIG_VIRTIO_FS=y
CONFIG_FUSE_FS=y
CONFIG_DEVTMPFS=y
CONFIG_TMPFS=y
CONFIG_DEBUG_FS=y
CONFIG_SERIAL_8250_CONSOLE=y
EOC
}

stock_config=$BUILD/linux/root/boot/config-$KREL
[ -f "$stock_config" ] || die "no $stock_config (run scripts/linux-fetch.sh)"
kver=$(make -s -C "$BUILD/linux/pristine" kernelversion)
DREL=$kver-ioregionfd-debug
kmake() {	# DIR ARGS...: make in a kernel tree, niced, with ccache
	local d=$1
	shift
	(
		ccache_env "$d"
		exec nice -n 19 make -C "$d" ARCH=x86 \
			CC="ccache $LINUX_CC" HOSTCC="ccache gcc" \
			KERNELRELEASE="$DREL" -j"$(nproc)" "$@"
	)
}

# Every line of debug_config must hold in the final .config.
check_config() {	# CONFIG
	local line bad=0 name

	while IFS= read -r line; do
		case $line in
		"# CONFIG_"*" is not set")
			name=${line#\# }; name=${name%% *}
			! grep -q "^$name=" "$1" || { warn "$name is set in $1"; bad=1; } ;;
		CONFIG_*)
			grep -qxF "$line" "$1" || { warn "$1 lacks $line"; bad=1; } ;;
		esac
	done < <(debug_config)
	return $bad
}

# run_step runs these in an || context, where set -e does not apply:
# every step checks its own status.
build_kernel() {
	mkdir -p "$obj" &&
	cp "$stock_config" "$obj/.config" &&
	debug_config >>"$obj/.config" &&
	kmake "$BUILD/linux/pristine" O="$obj" olddefconfig &&
	check_config "$obj/.config" &&
	kmake "$BUILD/linux/pristine" O="$obj" bzImage || return 1
	[ "$(cat "$obj/include/config/kernel.release")" = "$DREL" ] ||
		die "kernel release $(cat "$obj/include/config/kernel.release"), expected $DREL"
}

# The kvm modules: linux-source + the series (as linux/patches has it,
# not the work tree others edit), with the debug kernel's .config and
# vmlinux's symbol versions, built like scripts/linux-build.sh builds
# them against the stock headers.
build_modules() {
	local p

	rm -rf "$src" "$out/modules" &&
	cp -a "$BUILD/linux/pristine" "$src" || return 1
	for p in "$TOP"/linux/patches/0*.patch; do
		case $p in */0000-*) continue ;; esac
		patch -s -p1 -d "$src" <"$p" || die "cannot apply $p"
	done
	cp "$obj/.config" "$src/.config" &&
	cp "$obj/vmlinux.symvers" "$src/Module.symvers" &&
	kmake "$src" olddefconfig &&
	kmake "$src" modules_prepare &&
	kmake "$src" M=virt/lib KCFLAGS=-g modules &&
	kmake "$src" M=arch/x86/kvm CONFIG_KVM_INTEL=n KCFLAGS=-g \
		KBUILD_EXTRA_SYMBOLS="$src/virt/lib/Module.symvers" modules &&
	mkdir -p "$out/modules" &&
	cp "$src"/virt/lib/irqbypass.ko "$src"/arch/x86/kvm/{kvm,kvm-amd}.ko \
		"$out/modules/"
}

# Cache keys: what each build is made of.
kernel_key=$( { echo "$LINUX_DEB_VERSION $DREL $LINUX_CC"; cat "$stock_config";
		debug_config; } | sha256sum | cut -d' ' -f1)
modules_key=$( { echo "$kernel_key"; cat "$TOP"/linux/patches/0*.patch; } |
		sha256sum | cut -d' ' -f1)
bzimage=$obj/arch/x86/boot/bzImage

if [ -f "$bzimage" ] && [ "$(cat "$out/kernel.key" 2>/dev/null)" = "$kernel_key" ]; then
	log "debug kernel $DREL: cached ($bzimage)"
else
	rm -f "$out/kernel.key" "$out/modules.key"
	run_step "$logs/kernel.log" \
		"building the debug kernel $DREL (about 35 min cold on 2 cores, minutes with a warm ccache)" \
		build_kernel || exit 1
	echo "$kernel_key" >"$out/kernel.key"
fi

if [ -f "$out/modules/kvm.ko" ] && [ "$(cat "$out/modules.key" 2>/dev/null)" = "$modules_key" ]; then
	log "debug kvm modules: cached ($out/modules)"
else
	rm -f "$out/modules.key"
	run_step "$logs/modules.log" \
		"building the series' kvm modules for $DREL (about 1-2 min)" \
		build_modules || exit 1
	echo "$modules_key" >"$out/modules.key"
fi

# The selftests are user space and the same for any kernel: build them in
# our tree too, so that they match linux/patches.
if [ "$(cat "$out/selftests.key" 2>/dev/null)" != "$modules_key" ]; then
	run_step "$logs/selftests.log" "building the KVM selftests in $src (about 1 min)" \
		nice -n 19 "$here/linux-selftests.sh" "$src" || exit 1
	echo "$modules_key" >"$out/selftests.key"
fi
[ $build_only = 0 ] || exit 0

# One L1 boot: two CPUs and a VM held open (harness/README.md,
# "Flakiness"); kmemleak on.  Under KASAN and lockdep L1 runs several
# times slower than the stock kernel.
log "booting L1 with $DREL (kmemleak=on; about 10 min); results follow"
rc=0
"$TOP/harness/l1-run" --kernel "$bzimage" --modules "$out/modules" \
	--smp 2 --hold-vm --mem 3G --timeout 5400 \
	--append "kmemleak=on kmemleak.verbose=1" "$@" -- tests/l1-debug-kernel || rc=$?
case $rc in
0) log "debug kernel run: no splat, no leak, every selftest passed" ;;
123) log "debug kernel run: KERNEL SPLAT (see above)" ;;
*) log "debug kernel run: l1-run exit status $rc" ;;
esac
exit $rc
