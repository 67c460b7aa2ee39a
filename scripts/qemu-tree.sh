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
qemu_env

tree=$BUILD/qemu/work
force=${1:-}
g() { git -C "$tree" "$@"; }

# The patches of DIR, concatenated: nothing for an empty series (and not
# cat's stdin once nullglob is on).
cat_patches() {
	local f
	for f in "$1"/*.patch; do
		if [ -f "$f" ]; then cat "$f"; fi
	done
}
series_sum() { cat_patches "$TOP/qemu/patches" | sha256sum; }
tree_sum() {
	local d
	d=$(mktemp -d)
	g format-patch -q --no-signature --zero-commit -o "$d" pristine..HEAD
	cat_patches "$d" | sha256sum
	rm -rf "$d"
}
stamp=$tree/.git/ioregionfd-applied

if [ -d "$tree/.git" ]; then
	dirty=$(g status --porcelain --untracked-files=no)
	if [ -z "$dirty" ] && [ "$(tree_sum)" = "$(series_sum)" ]; then
		log "$tree already holds the series"
		series_sum > "$stamp"
		exit 0
	fi
	if [ "$force" != --force ] &&
	   { [ -n "$dirty" ] || [ "$(tree_sum)" != "$(cat "$stamp" 2>/dev/null)" ]; }; then
		die "$tree has edits or commits that are not in qemu/patches; export them (scripts/qemu-export.sh) or pass --force"
	fi
	# The build directory (build/, ignored by QEMU's .gitignore) stays:
	# ninja rebuilds what the new series changes.  The build's edit of
	# pc-bios/meson.build (see qemu_edk2_off) is undone first.
	g am --abort >/dev/null 2>&1 || true
	qemu_edk2_restore "$tree"
	g reset -q --hard pristine
else
	log "creating the git tree $tree (takes a minute)"
	rm -rf "$tree"
	cp -a "$BUILD/qemu/pristine" "$tree"
	g init -q -b work
	g config user.name "${GIT_AUTHOR_NAME:-$(git -C "$TOP" config user.name || echo builder)}"
	g config user.email "${GIT_AUTHOR_EMAIL:-$(git -C "$TOP" config user.email || echo builder@localhost)}"
	g config core.autocrlf false
	# QEMU's own .gitignore is kept: it ignores /build/ (where
	# scripts/qemu-build.sh builds) and nothing a patch is likely to add,
	# but "*.patch", "tags" and subprojects/'s unpacked trees are in it:
	# check a new file with 'git check-ignore -v FILE'.  -f takes the
	# pristine source whole, subprojects/ included.
	g add -A -f .
	g commit -q -m "QEMU $QEMU_UPSTREAM (Debian qemu $QEMU_DEB_VERSION, upstream tarball)"
	g tag pristine
fi

shopt -s nullglob
patches=("$TOP"/qemu/patches/*.patch)
if [ ${#patches[@]} -gt 0 ]; then
	g am -q --whitespace=nowarn --committer-date-is-author-date "${patches[@]}" ||
		die "a patch did not apply; see 'git -C $tree am --show-current-patch'"
fi
tree_sum > "$stamp"
log "$tree: $(g rev-list --count pristine..HEAD) patches applied on pristine"
