#!/bin/bash
# Check the Linux series the way a maintainer would before applying it:
# every patch is clean under the tree's own scripts/checkpatch.pl --strict,
# and every prefix of the series builds (kvm modules; the KVM selftests
# for patches that touch them).  Builds happen in a separate git worktree
# of the work tree ($BUILD/linux/check), so the work tree is not touched.
#
# Usage: scripts/linux-check.sh [--no-build]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
. "$here/series.sh"
linux_env

work=$BUILD/linux/work
check=$BUILD/linux/check
build=1
[ "${1:-}" = --no-build ] && build=0

shopt -s nullglob
mapfile -t patches < <(series_patches "$TOP/linux/patches")
[ ${#patches[@]} -gt 0 ] || die "no patches in linux/patches"
[ -d "$work/.git" ] || die "no work tree; run scripts/linux-tree.sh"

series_checkpatch "$work" "${patches[@]}"

[ $build = 1 ] || { [ $fail = 0 ]; exit; }

series_check_tree "$work" "$check" "${patches[@]}"

i=0
for c in $(git -C "$check" rev-list --reverse pristine..HEAD); do
	i=$((i + 1))
	subj=$(git -C "$check" log -1 --format=%s "$c")
	git -C "$check" checkout -q "$c"
	series_step "$check/.build-$i.log" "prefix $i builds (kvm modules): $subj" \
		"$here/linux-build.sh" "$check" "$check/.modules" || continue
	git -C "$check" diff --quiet "$c~1" "$c" -- tools/testing/selftests/kvm ||
		series_step "$check/.selftests-$i.log" \
			"prefix $i builds (kvm selftests): $subj" \
			"$here/linux-selftests.sh" --prefix "$check" || true
done

[ $fail = 0 ]
