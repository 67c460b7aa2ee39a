#!/bin/bash
# Turn the QEMU series into a git work tree, one commit per patch, on top
# of a commit holding the pristine source.  Edit there, then run
# scripts/qemu-export.sh to write the commits back as qemu/patches/.
#
# Usage: scripts/qemu-tree.sh [--force]
#   --force  throw away the work tree's commits and edits and start again
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
. "$here/series.sh"
qemu_env

# The build directory (build/, ignored by QEMU's .gitignore) survives a new
# series: ninja rebuilds what it changes.  The build's edit of
# pc-bios/meson.build (see qemu_edk2_off) is undone before git rewrites.
series_before_reset() {
	qemu_edk2_restore "$1"
}

# QEMU's own .gitignore is kept: it ignores /build/ (where
# scripts/qemu-build.sh builds) and nothing a patch is likely to add, but
# "*.patch", "tags" and subprojects/'s unpacked trees are in it: check a
# new file with 'git check-ignore -v FILE'.  The base commit takes the
# pristine source whole (git add -f), subprojects/ included.
series_tree "$BUILD/qemu/work" "$BUILD/qemu/pristine" "$TOP/qemu/patches" \
	"QEMU $QEMU_UPSTREAM (Debian qemu $QEMU_DEB_VERSION, upstream tarball)" \
	"${1:-}"
