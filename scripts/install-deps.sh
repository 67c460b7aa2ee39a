#!/bin/bash
# Install what building and testing the series needs, from Debian's
# archive (the machine's own apt sources; nothing is added to them).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"

# Root, apt and the archive, checked first (demo/run and tests/run have
# checked them already).
[ "${PREFLIGHT_DONE:-0}" = 1 ] || "$here/preflight.sh" --deps

# The packages of deps_packages and bench_packages (common.sh; the test
# suite runs make bench's pipeline) that are not installed yet.
mapfile -t missing < <(missing_packages "${deps_packages[@]}" "${bench_packages[@]}")
if [ ${#missing[@]} -gt 0 ]; then
	log "installing ${#missing[@]} packages: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# The 6.12 kernel packages come from bookworm-security: keep the lists fresh.
if ! apt-cache show linux-headers-6.12-cloud-amd64 >/dev/null 2>&1; then
	apt-get update -q
fi

# QEMU's meson and pycotap come from bookworm-backports (QEMU 10.0 needs
# meson >= 1.5, pycotap >= 1.1; bookworm has meson 1.0.1).  Backports come
# through a private apt configuration under build/deps/apt: only those two
# packages are taken from it, nothing else is upgraded, and /etc/apt is not
# touched.
have_min() {	# PACKAGE MIN-VERSION
	local v
	v=$(dpkg-query -W -f='${Status} ${Version}' "$1" 2>/dev/null |
	    sed -n 's/^install ok installed //p')
	[ -n "$v" ] && dpkg --compare-versions "$v" ge "$2"
}
if ! have_min meson "$QEMU_MESON_MIN" || ! have_min python3-pycotap "$QEMU_PYCOTAP_MIN"; then
	bpo=$BUILD/deps/apt
	private_apt "$bpo" <<EOS
deb [signed-by=$DEBIAN_KEYRING] $(debian_mirror) bookworm-backports main
EOS
	apt-get -c "$bpo/apt.conf" update -q
	rm -rf "$bpo/debs"
	mkdir -p "$bpo/debs"
	(cd "$bpo/debs" &&
	 apt-get -c "$bpo/apt.conf" download -q meson python3-pycotap)
	# Their dependencies (python3, ninja-build, python3-setuptools) come
	# from the machine's own sources.
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -q --no-install-recommends "$bpo"/debs/*.deb
	have_min meson "$QEMU_MESON_MIN" && have_min python3-pycotap "$QEMU_PYCOTAP_MIN" ||
		die "meson >= $QEMU_MESON_MIN and python3-pycotap >= $QEMU_PYCOTAP_MIN did not install"
fi
