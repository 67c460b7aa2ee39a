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
linux_env

work=$BUILD/linux/work
check=$BUILD/linux/check
build=1
[ "${1:-}" = --no-build ] && build=0

shopt -s nullglob
patches=("$TOP"/linux/patches/*.patch)
[ ${#patches[@]} -gt 0 ] || die "no patches in linux/patches"
[ -d "$work/.git" ] || die "no work tree; run scripts/linux-tree.sh"

fail=0
ok() { printf 'PASS: %s\n' "$*"; }
bad() { printf 'FAIL: %s\n' "$*"; fail=$((fail + 1)); }

# checkpatch wants Debian's python3 (spdxcheck.py needs python3-ply and
# python3-git), not a python3 that some other PATH entry provides.
for p in "${patches[@]}"; do
	n=$(basename "$p")
	if out=$(cd "$work" && PATH=/usr/bin:$PATH \
		 scripts/checkpatch.pl --strict --quiet "$p" 2>&1) &&
	   [ -z "$out" ]; then
		ok "checkpatch --strict $n"
	else
		printf '%s\n' "$out" | sed 's/^/    /'
		bad "checkpatch --strict $n"
	fi
done

[ $build = 1 ] || { [ $fail = 0 ]; exit; }

# The series as committed in the repo, applied on pristine in a worktree.
git -C "$work" worktree remove --force "$check" >/dev/null 2>&1 || true
rm -rf "$check"
git -C "$work" worktree prune
log "applying the series in $check"
git -C "$work" worktree add -q --detach "$check" pristine
git -C "$check" am -q --whitespace=nowarn "${patches[@]}" ||
	die "the series does not apply on pristine"

i=0
for c in $(git -C "$check" rev-list --reverse pristine..HEAD); do
	i=$((i + 1))
	subj=$(git -C "$check" log -1 --format=%s "$c")
	git -C "$check" checkout -q "$c"
	if "$here/linux-build.sh" "$check" "$check/.modules" \
		>"$check/.build-$i.log" 2>&1; then
		ok "prefix $i builds (kvm modules): $subj"
	else
		tail -20 "$check/.build-$i.log" | sed 's/^/    /'
		bad "prefix $i builds (kvm modules): $subj"
		continue
	fi
	if git -C "$check" diff --quiet "$c~1" "$c" -- tools/testing/selftests/kvm; then
		continue
	fi
	if "$here/linux-selftests.sh" "$check" >"$check/.selftests-$i.log" 2>&1; then
		ok "prefix $i builds (kvm selftests): $subj"
	else
		tail -20 "$check/.selftests-$i.log" | sed 's/^/    /'
		bad "prefix $i builds (kvm selftests): $subj"
	fi
done

[ $fail = 0 ]
