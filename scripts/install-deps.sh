#!/bin/bash
# Install what building and testing the series needs, from Debian's
# archive (the machine's own apt sources; nothing is added to them).
set -euo pipefail
. "$(dirname "$0")/common.sh"

pkgs=(
	# kernel modules and KVM selftests
	make gcc-12 libc6-dev flex bison bc libelf-dev libssl-dev dwarves
	rsync xz-utils cpio kmod git
	# scripts/checkpatch.pl's spdxcheck.py
	python3 python3-ply python3-git
	# the nested L1 harness
	qemu-system-x86 qemu-system-common busybox-static
	# QEMU (scripts/qemu-build.sh): build dependencies from the machine's
	# apt sources, and the firmware the binary loads (--firmwarepath)
	build-essential pkg-config ninja-build ccache python3-venv
	libglib2.0-dev libpixman-1-dev libslirp-dev zlib1g-dev libfdt-dev
	seabios ipxe-qemu qemu-system-data
)
# Install those of the packages given that are not installed yet.
install_missing() {
	local p
	local -a missing=()

	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q "ok installed" || missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -q
		apt-get install -y -q --no-install-recommends "${missing[@]}"
	fi
}
install_missing "${pkgs[@]}"
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
	chown _apt "$bpo/debs" 2>/dev/null || true	# apt downloads as _apt
	(cd "$bpo/debs" &&
	 apt-get -c "$bpo/apt.conf" download -q meson python3-pycotap)
	# Their dependencies (python3, ninja-build, python3-setuptools) come
	# from the machine's own sources.
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -q --no-install-recommends "$bpo"/debs/*.deb
	have_min meson "$QEMU_MESON_MIN" && have_min python3-pycotap "$QEMU_PYCOTAP_MIN" ||
		die "meson >= $QEMU_MESON_MIN and python3-pycotap >= $QEMU_PYCOTAP_MIN did not install"
fi
