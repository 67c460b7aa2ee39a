#!/bin/bash
# Install what building and testing the series needs, from Debian's
# archive (the machine's own apt sources; nothing is added to them).
set -euo pipefail
pkgs=(
	# kernel modules and KVM selftests
	make gcc-12 libc6-dev flex bison bc libelf-dev libssl-dev dwarves
	rsync xz-utils cpio kmod git
	# scripts/checkpatch.pl's spdxcheck.py
	python3 python3-ply python3-git
	# the nested L1 harness
	qemu-system-x86 qemu-system-common busybox-static
)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# The 6.12 kernel packages come from bookworm-security: keep the lists fresh.
if ! apt-cache show linux-headers-6.12-cloud-amd64 >/dev/null 2>&1; then
	apt-get update -q
fi
