#!/bin/bash
# Build kvm.ko, kvm-amd.ko and kvm-intel.ko out of tree from the Linux work
# tree, against the stock Debian headers so that vermagic matches the stock
# image, and copy them with irqbypass.ko to $BUILD/linux/modules/patched.
# The stock modules are unpacked to $BUILD/linux/modules/stock.
#
# Usage: scripts/linux-build.sh [TREE [OUT]]
#   TREE  kernel tree (default: $BUILD/linux/work)
#   OUT   where the modules go (default: $BUILD/linux/modules/patched)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
linux_env

tree=${1:-$BUILD/linux/work}
out=${2:-$BUILD/linux/modules/patched}
[ -f "$tree/Makefile" ] || die "no kernel tree at $tree; run scripts/linux-tree.sh"
mods=$BUILD/linux/modules
# ccache as for QEMU (scripts/qemu-build.sh): the prefixes of the series
# check and every clone's build share one cache.
ccache_env "$tree"
kmake() {
	make -s -C "$tree" ARCH=x86 CC="ccache $LINUX_CC" \
		KERNELRELEASE="$KREL" -j"$(nproc)" "$@"
}

# .config and Module.symvers come from the stock headers; olddefconfig
# picks up Kconfig symbols that the series adds.
if ! cmp -s "$LINUX_HDR/.config" "$tree/.config.stock"; then
	log "preparing $tree for $KREL"
	cp "$LINUX_HDR/Module.symvers" "$tree/Module.symvers"
	cp "$LINUX_HDR/.config" "$tree/.config"
	cp "$LINUX_HDR/.config" "$tree/.config.stock"
fi
kmake olddefconfig >/dev/null
kmake modules_prepare

log "building arch/x86/kvm"
kmake M=arch/x86/kvm modules

rm -rf "$out"
mkdir -p "$out" "$mods/stock"
cp "$tree"/arch/x86/kvm/{kvm,kvm-amd,kvm-intel}.ko "$out/"
stock=$BUILD/linux/root/lib/modules/$KREL/kernel
for m in arch/x86/kvm/kvm arch/x86/kvm/kvm-amd arch/x86/kvm/kvm-intel \
	 virt/lib/irqbypass; do
	n=$(basename "$m")
	[ -f "$mods/stock/$n.ko" ] || xz -dc "$stock/$m.ko.xz" > "$mods/stock/$n.ko"
done
cp "$mods/stock/irqbypass.ko" "$out/"

# The vermagic of what we built must be the stock image's.
vm() {
	objcopy -O binary -j .modinfo "$1" /dev/stdout | tr '\0' '\n' |
		sed -n 's/^vermagic=//p'
}
[ "$(vm "$out/kvm.ko")" = "$(vm "$mods/stock/kvm.ko")" ] ||
	die "vermagic mismatch: '$(vm "$out/kvm.ko")' vs '$(vm "$mods/stock/kvm.ko")'"
log "modules in $out (vermagic $(vm "$out/kvm.ko"))"
