#!/bin/bash
# Fetch the pristine QEMU 10.0 source: the upstream .orig.tar.xz of Debian
# trixie's qemu source package (not Debian's debian/patches), unpacked to
# $BUILD/qemu/pristine.  apt runs with a private configuration under
# $BUILD/qemu/apt (a deb-src stanza for trixie, its own lists and cache);
# the machine's apt sources are not changed.
#
# Usage: scripts/qemu-fetch.sh
# Env:   QEMU_DEB_VERSION  pinned Debian version (falls back to the newest
#                          qemu in trixie when the archive no longer has it)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"

want=${QEMU_DEB_VERSION:-$QEMU_DEB_VERSION_PIN}
out=$BUILD/qemu
apt=$out/apt
mkdir -p "$out"

# The stamp names the version: when it is there, no network is needed.
if [ -f "$out/.fetched-$want" ] && [ -d "$out/pristine" ]; then
	log "qemu $want already fetched"
	exit 0
fi

private_apt "$apt" <<EOS
deb-src [signed-by=$DEBIAN_KEYRING] $(debian_mirror) $QEMU_SUITE main
EOS
papt() { apt-get -c "$apt/apt.conf" -q "$@"; }
papt update >/dev/null

have_version() {
	papt source --print-uris --tar-only "qemu=$1" >/dev/null 2>&1
}
if ! have_version "$want"; then
	new=
	for v in $(apt-cache -c "$apt/apt.conf" showsrc qemu 2>/dev/null |
		   sed -n 's/^Version: //p'); do
		if [ -z "$new" ] || dpkg --compare-versions "$v" gt "$new"; then
			new=$v
		fi
	done
	[ -n "$new" ] || die "no qemu source package in $QEMU_SUITE"
	warn "pinned version $want is gone from the archive, using $new"
	want=$new
fi

stamp="$out/.fetched-$want"
if [ -f "$stamp" ] && [ -d "$out/pristine" ]; then
	log "qemu $want already fetched"
	exit 0
fi

log "fetching qemu $want (upstream tarball only)"
rm -rf "$apt/src" "$out/pristine" "$out"/.fetched-*
mkdir -p "$apt/src"
(cd "$apt/src" && papt source --download-only --tar-only "qemu=$want" >/dev/null)
tarball=$(ls "$apt"/src/qemu_*.orig.tar.xz)

# roms/ holds the firmware sources (269 of the 410 MB), which this build
# does not use (--disable-install-blobs; firmware comes from Debian's
# seabios, ipxe-qemu and qemu-system-data): keep only roms/'s own files.
mkdir -p "$out/pristine"
tar -xJf "$tarball" -C "$out/pristine" --strip-components=1 \
	--exclude='qemu-*/roms/*/*'
rm -f "$tarball"

cat > "$out/env" <<EOV
QEMU_DEB_VERSION=$want
QEMU_UPSTREAM=$(cat "$out/pristine/VERSION")
EOV
touch "$stamp"
log "qemu source in $out/pristine"
