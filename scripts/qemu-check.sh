#!/bin/bash
# Check the QEMU series the way a maintainer would before applying it:
# every patch is clean under the tree's own scripts/checkpatch.pl --strict
# (warnings fail too), and every prefix of the series builds
# (qemu-system-x86_64; the unit tests or qtests too for patches that
# touch them).
# Builds happen in a separate git worktree of the work tree
# ($BUILD/qemu/check), so the work tree is not touched; the shared ccache
# makes them cheap.
#
# Usage: scripts/qemu-check.sh [--no-build]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
. "$here/series.sh"
qemu_env

work=$BUILD/qemu/work
check=$BUILD/qemu/check
build=1
[ "${1:-}" = --no-build ] && build=0

shopt -s nullglob
mapfile -t patches < <(series_patches "$TOP/qemu/patches")
if [ ${#patches[@]} = 0 ]; then
	log "no patches in qemu/patches: nothing to check"
	exit 0
fi
[ -d "$work/.git" ] || die "no work tree; run scripts/qemu-tree.sh"

# checkpatch warns about every patch that imports headers from Linux,
# including the ones scripts/update-linux-headers.sh makes, and about any
# new file there even though MAINTAINERS covers linux-headers/ as a whole.
# Those two warnings, and only they, are accepted for a patch that touches
# nothing but linux-headers/.
series_checkpatch_accepted() {
	local import='imported from Linux, are you using scripts/update-linux-headers.sh|does MAINTAINERS need updating'

	grep '^+++ b/' "$1" | grep -qv '^+++ b/linux-headers/' && return 1
	printf '%s\n' "$2" | grep -E '^(ERROR|WARNING)' | grep -Eqv "$import" &&
		return 1
	echo "only the warnings every Linux header import gets"
}
CHECKPATCH_ARGS=--color=never
series_checkpatch "$work" "${patches[@]}"

[ $build = 1 ] || { [ $fail = 0 ]; exit; }

series_check_tree "$work" "$check" "${patches[@]}"

i=0
for c in $(git -C "$check" rev-list --reverse pristine..HEAD); do
	i=$((i + 1))
	subj=$(git -C "$check" log -1 --format=%s "$c")
	qemu_edk2_restore "$check"	# the build's edit, before git rewrites
	git -C "$check" checkout -q "$c"
	series_step "$check/.build-$i.log" \
		"prefix $i builds (qemu-system-x86_64): $subj" \
		"$here/qemu-build.sh" "$check" || continue
	# The test programs of each test directory the patch touches
	for t in qtest unit; do
		if git -C "$check" diff --quiet "$c~1" "$c" -- tests/$t; then
			continue
		fi
		tests=$(ninja -C "$check/build" -t targets all |
			sed -n "s|^\(tests/$t/[A-Za-z0-9_-]*\): .*|\1|p")
		# shellcheck disable=SC2086 # one target per word
		series_step "$check/.$t-$i.log" \
			"prefix $i builds (tests/$t): $subj" \
			"$here/qemu-build.sh" "$check" $tests || true
	done
done

[ $fail = 0 ]
