#!/bin/bash
# Fetch a pristine Linux 6.12 source tree and the matching stock Debian
# cloud kernel packages (image, headers, -common, kbuild), all at one
# version, into $BUILD/linux.  Nothing is installed on the machine.
#
# Usage: scripts/linux-fetch.sh
# Env:   LINUX_DEB_VERSION  pinned Debian version (falls back to the newest
#                           candidate when the archive no longer has it)
#        LINUX_FLAVOUR      cloud-amd64 (default; what the L1 harness boots)
#                           or amd64, to build modules for a real host
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"

want=${LINUX_DEB_VERSION:-$LINUX_DEB_VERSION_PIN}
meta=linux-headers-6.12-$LINUX_FLAVOUR
out=$BUILD/linux
mkdir -p "$out/debs"

have_version() {
	apt-cache show "$meta=$1" >/dev/null 2>&1
}

if ! have_version "$want"; then
	new=$(apt-cache policy "$meta" |
	      awk '/Candidate:/ { print $2 }')
	if [ -z "$new" ] || [ "$new" = "(none)" ]; then
		die "no $meta in the apt sources (is bookworm-security configured? run apt-get update)"
	fi
	warn "pinned version $want is gone from the archive, using $new"
	want=$new
fi

# The metapackage names the KREL headers package; that one names the
# -common and kbuild packages.
hdr=$(apt-cache show "$meta=$want" |
      sed -n 's/^Depends: \(linux-headers-[^ ,]*\).*/\1/p' | head -1)
krel=${hdr#linux-headers-}
deps=$(apt-cache show "$hdr=$want" | sed -n 's/^Depends: //p' | head -1)
common=$(echo "$deps" | grep -o 'linux-headers-[^ ,]*-common' | head -1)
kbuild=$(echo "$deps" | grep -o 'linux-kbuild-[^ ,]*' | head -1)
[ -n "$krel" ] && [ -n "$common" ] && [ -n "$kbuild" ] ||
	die "cannot resolve the package set for $want"

stamp="$out/.fetched-$want-$LINUX_FLAVOUR"
if [ -f "$stamp" ] && [ -d "$out/pristine" ]; then
	log "linux $want ($krel) already fetched"
	exit 0
fi

log "fetching linux $want: $krel"
rm -rf "$out/debs" "$out/root" "$out/pristine" "$out"/.fetched-*
mkdir -p "$out/debs" "$out/root"
(cd "$out/debs" && apt-get download -q "${APT_AS_ROOT[@]}" \
	"linux-source-6.12=$want" \
	"linux-image-$krel-unsigned=$want" \
	"$hdr=$want" "$common=$want" "$kbuild=$want")
for d in "$out"/debs/*.deb; do
	dpkg-deb -x "$d" "$out/root"
done

tarball=$(ls "$out"/root/usr/src/linux-source-6.12*.tar.xz)
mkdir -p "$out/pristine"
tar -xJf "$tarball" -C "$out/pristine" --strip-components=1
rm -f "$tarball"

cat > "$out/env" <<EOV
LINUX_DEB_VERSION=$want
KREL=$krel
EOV
touch "$stamp"
log "linux source in $out/pristine, stock packages in $out/root"
