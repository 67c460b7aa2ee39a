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
linux_env

tree=$BUILD/linux/work
force=${1:-}
g() { git -C "$tree" "$@"; }

series_sum() { cat "$TOP"/linux/patches/*.patch 2>/dev/null | sha256sum; }
tree_sum() {
	local d
	d=$(mktemp -d)
	g format-patch -q --no-signature --zero-commit -o "$d" pristine..HEAD
	cat "$d"/*.patch 2>/dev/null | sha256sum
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
		die "$tree has edits or commits that are not in linux/patches; export them (scripts/linux-export.sh) or pass --force"
	fi
	# Build outputs stay: make rebuilds what the new series changes.
	g am --abort >/dev/null 2>&1 || true
	g reset -q --hard pristine
else
	log "creating the git tree $tree (takes a minute)"
	rm -rf "$tree"
	cp -a "$BUILD/linux/pristine" "$tree"
	g init -q -b work
	g config user.name "${GIT_AUTHOR_NAME:-$(git -C "$TOP" config user.name || echo builder)}"
	g config user.email "${GIT_AUTHOR_EMAIL:-$(git -C "$TOP" config user.email || echo builder@localhost)}"
	g config core.autocrlf false
	# Debian's linux-source appends "/*" to .gitignore, which would hide
	# every file a patch adds: drop that block from the base commit.
	sed -i '/^# Debian packaging: ignore everything/,$d' "$tree/.gitignore"
	sed -i '$ { /^#$/d }' "$tree/.gitignore"
	g add -A -f .
	g commit -q -m "Linux $LINUX_DEB_VERSION (Debian linux-source-6.12)"
	g tag pristine
fi

shopt -s nullglob
patches=("$TOP"/linux/patches/*.patch)
if [ ${#patches[@]} -gt 0 ]; then
	g am -q --whitespace=nowarn --committer-date-is-author-date "${patches[@]}" ||
		die "a patch did not apply; see 'git -C $tree am --show-current-patch'"
fi
tree_sum > "$stamp"
log "$tree: $(g rev-list --count pristine..HEAD) patches applied on pristine"
