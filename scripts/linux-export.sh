#!/bin/bash
# Write the commits of the Linux work tree back to linux/patches/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
tree=$BUILD/linux/work
[ -d "$tree/.git" ] || die "no work tree; run scripts/linux-tree.sh"
[ -z "$(git -C "$tree" status --porcelain --untracked-files=no)" ] ||
	die "$tree has uncommitted edits; commit them first"
rm -f "$TOP"/linux/patches/*.patch
git -C "$tree" format-patch -q --no-signature --zero-commit \
	-o "$TOP/linux/patches" pristine..HEAD
ls "$TOP"/linux/patches
