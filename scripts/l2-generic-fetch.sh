#!/bin/bash
# Fetch Debian's generic 6.12 kernel image for L2 guests on PCI machines
# and extract it into $BUILD/l2-generic/root (nothing is installed).
#
# The cloud kernel that L1 boots (scripts/linux-fetch.sh) has no e1000 or
# 8139cp/8139too drivers; the generic flavour has them as modules.  The
# version is exactly the cloud one's (KREL from linux_env with "-cloud"
# dropped), so both images come from the same source.
#
# Usage: scripts/l2-generic-fetch.sh     (prints the kernel's path)
# Cached: nothing is downloaded when the image is already extracted.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"

linux_env
krel=$(l2_generic_krel)
out=$BUILD/l2-generic
kernel=$out/root/boot/vmlinuz-$krel
stamp=$out/.fetched-$LINUX_DEB_VERSION

if [ -f "$stamp" ] && [ -f "$kernel" ]; then
	log "generic kernel $krel ($LINUX_DEB_VERSION) already fetched"
	echo "$kernel"
	exit 0
fi

# The -unsigned image is what linux-fetch.sh takes for the cloud flavour;
# the signed one (same files plus a signed vmlinuz) does as well.
pkg=
for p in "linux-image-$krel-unsigned" "linux-image-$krel"; do
	if apt-cache show "$p=$LINUX_DEB_VERSION" >/dev/null 2>&1; then
		pkg=$p
		break
	fi
done
[ -n "$pkg" ] ||
	die "neither linux-image-$krel-unsigned nor linux-image-$krel at $LINUX_DEB_VERSION in the apt sources (bookworm-security; apt-get update?)"

log "fetching $pkg=$LINUX_DEB_VERSION (~110 MB)"
rm -rf "$out/debs" "$out/root" "$out"/.fetched-*
mkdir -p "$out/debs" "$out/root"
(cd "$out/debs" && apt-get download -q "${APT_AS_ROOT[@]}" "$pkg=$LINUX_DEB_VERSION")
dpkg-deb -x "$out"/debs/*.deb "$out/root"
# The extracted tree is all that is used; the .deb would double the space.
rm -rf "$out/debs"
[ -f "$kernel" ] || die "$pkg has no /boot/vmlinuz-$krel"
touch "$stamp"
log "generic kernel in $out/root"
echo "$kernel"
