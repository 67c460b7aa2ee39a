#!/bin/bash
# The benchmark's fio for the L2 guest, built static from Debian bookworm's
# source package so that it fits in the guest's initramfs (Debian's fio
# binary needs some sixty shared libraries, 84 MB of them).  apt runs with
# a private configuration under $BUILD/bench-tools/apt (a deb-src stanza
# for bookworm); the machine's apt sources are not changed.  fio is built
# with what a guest benchmark uses (libaio, io_uring, psync; no network or
# cluster engines).  iperf3 is Debian's binary, copied into the initramfs
# with its five libraries (e2e/build-initramfs.sh).
#
# usage: scripts/bench-tools.sh    -> $BUILD/bench-tools/bin/fio
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"

out=$BUILD/bench-tools
bin=$out/bin
if [ -x "$bin/fio" ]; then
	log "fio already built in $bin"
	exit 0
fi
for t in dpkg-source make gcc; do
	command -v $t >/dev/null || die "$t is needed (scripts/bench.sh installs it)"
done
[ -f /usr/lib/x86_64-linux-gnu/libaio.a ] ||
	die "libaio.a is needed (libaio-dev; scripts/bench.sh installs it)"

apt=$out/apt
private_apt "$apt" <<EOS
deb-src [signed-by=$DEBIAN_KEYRING] $(debian_mirror) bookworm main
EOS
papt() { apt-get -c "$apt/apt.conf" -q "${APT_AS_ROOT[@]}" "$@"; }
papt update >/dev/null
rm -rf "$out/src"
mkdir -p "$out/src" "$bin"
(cd "$out/src" && papt source fio >/dev/null) ||
	die "cannot fetch the fio source from $(debian_mirror)"

jobs=$(nproc)
fio_src=$(echo "$out"/src/fio-*/)
[ -f "$fio_src/configure" ] ||
	die "unexpected source layout under $out/src"

log "building a static fio in $fio_src"
(cd "$fio_src" &&
 ./configure --build-static --disable-native --disable-numa \
	--disable-rdma --disable-rados --disable-rbd --disable-http \
	--disable-gfapi --disable-pmem --disable-libnfs --disable-xnvme \
	--disable-dfs --disable-tcmalloc --disable-libzbc >"$out/fio-configure.log" 2>&1 &&
 make -j"$jobs" fio >"$out/fio-build.log" 2>&1) ||
	die "fio did not build; see $out/fio-configure.log and $out/fio-build.log"

! readelf -l "$fio_src/fio" | grep -q INTERP ||
	die "$fio_src/fio is not static"
install -m 755 "$fio_src/fio" "$bin/"
"$bin/fio" --enghelp | grep -qw libaio || die "the built fio has no libaio engine"
log "$bin/fio: $("$bin/fio" --version)"
