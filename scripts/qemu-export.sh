#!/bin/bash
# Write the commits of the QEMU work tree back to qemu/patches/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
tree=$BUILD/qemu/work
[ -d "$tree/.git" ] || die "no work tree; run scripts/qemu-tree.sh"
[ -z "$(git -C "$tree" status --porcelain --untracked-files=no)" ] ||
	die "$tree has uncommitted edits; commit them first"
mkdir -p "$TOP/qemu/patches"
rm -f "$TOP"/qemu/patches/*.patch
git -C "$tree" format-patch -q --no-signature --zero-commit \
	-o "$TOP/qemu/patches" pristine..HEAD
ls "$TOP"/qemu/patches
