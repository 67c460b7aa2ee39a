#!/bin/bash
# Turn the Linux series into a git work tree, one commit per patch, on top
# of a commit holding the pristine source.  Edit there, then run
# scripts/linux-export.sh to write the commits back as linux/patches/.
#
# Usage: scripts/linux-tree.sh [--force]
#   --force  throw away the work tree's commits and edits and start again
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
. "$here/series.sh"
linux_env

# Debian's linux-source appends "/*" to .gitignore, which would hide every
# file a patch adds: drop that block from the base commit.
series_prepare_base() {
	sed -i '/^# Debian packaging: ignore everything/,$d' "$1/.gitignore"
	sed -i '$ { /^#$/d }' "$1/.gitignore"
}

series_tree "$BUILD/linux/work" "$BUILD/linux/pristine" "$TOP/linux/patches" \
	"Linux $LINUX_DEB_VERSION (Debian linux-source-6.12)" "${1:-}"
