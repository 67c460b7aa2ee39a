# What the Linux and QEMU scripts share: a series of patches in the repo
# turned into a git work tree and back, and checked patch by patch.
# Sourced after common.sh, not run.

# PASS/FAIL lines, and the number of failures so far
fail=0
ok() { printf 'PASS: %s\n' "$*"; }
bad() { printf 'FAIL: %s\n' "$*"; fail=$((fail + 1)); }

# The cover letter of a series: in DIR with the patches, but it has no
# diff, so it is neither applied nor checked nor rewritten by an export.
SERIES_COVER=0000-cover-letter.patch

# The patches of DIR in order, one path a line, without the cover letter.
series_patches() {
	local f
	for f in "$1"/*.patch; do
		if [ -f "$f" ] && [ "${f##*/}" != "$SERIES_COVER" ]; then
			printf '%s\n' "$f"
		fi
	done
}

# The patches of DIR, concatenated: nothing for an empty series.
series_cat() {
	local f
	for f in $(series_patches "$1"); do
		cat "$f"
	done
}

# What git format-patch makes of TREE's commits since the tag pristine
series_tree_sum() {
	local d
	d=$(mktemp -d)
	git -C "$1" format-patch -q --no-signature --zero-commit -o "$d" \
		pristine..HEAD
	series_cat "$d" | sha256sum
	rm -rf "$d"
}

# series_tree TREE PRISTINE PATCHDIR BASE-MESSAGE [--force]
#
# Make TREE a git work tree of PRISTINE (tag pristine) with one commit per
# patch of PATCHDIR.  A tree that already holds the series is left alone,
# build outputs and all; one with commits or edits that are not in
# PATCHDIR is refused unless --force.  The caller may define
# series_before_reset TREE (runs before git rewrites the tree) and
# series_prepare_base TREE (runs before the base commit).
series_tree() {
	local tree=$1 pristine=$2 dir=$3 msg=$4 force=${5:-}
	local stamp=$tree/.git/ioregionfd-applied dirty sum
	local -a patches

	if [ -d "$tree/.git" ]; then
		dirty=$(git -C "$tree" status --porcelain --untracked-files=no)
		sum=$(series_tree_sum "$tree")
		if [ -z "$dirty" ] &&
		   [ "$sum" = "$(series_cat "$dir" | sha256sum)" ]; then
			log "$tree already holds the series"
			printf '%s\n' "$sum" > "$stamp"
			return 0
		fi
		if [ "$force" != --force ] &&
		   { [ -n "$dirty" ] ||
		     [ "$sum" != "$(cat "$stamp" 2>/dev/null)" ]; }; then
			die "$tree has edits or commits that are not in ${dir#"$TOP"/}; export them or pass --force"
		fi
		# Build outputs stay: the build rebuilds what the series changes.
		git -C "$tree" am --abort >/dev/null 2>&1 || true
		if declare -F series_before_reset >/dev/null; then
			series_before_reset "$tree"
		fi
		git -C "$tree" reset -q --hard pristine
	else
		log "creating the git tree $tree (takes a minute)"
		rm -rf "$tree"
		cp -a "$pristine" "$tree"
		git -C "$tree" init -q -b work
		git -C "$tree" config user.name \
			"${GIT_AUTHOR_NAME:-$(git -C "$TOP" config user.name || echo builder)}"
		git -C "$tree" config user.email \
			"${GIT_AUTHOR_EMAIL:-$(git -C "$TOP" config user.email || echo builder@localhost)}"
		git -C "$tree" config core.autocrlf false
		if declare -F series_prepare_base >/dev/null; then
			series_prepare_base "$tree"
		fi
		git -C "$tree" add -A -f .
		git -C "$tree" commit -q -m "$msg"
		git -C "$tree" tag pristine
	fi

	mapfile -t patches < <(series_patches "$dir")
	if [ ${#patches[@]} -gt 0 ]; then
		git -C "$tree" am -q --whitespace=nowarn \
			--committer-date-is-author-date "${patches[@]}" ||
			die "a patch did not apply; see 'git -C $tree am --show-current-patch'"
	fi
	series_tree_sum "$tree" > "$stamp"
	log "$tree: $(git -C "$tree" rev-list --count pristine..HEAD) patches applied on pristine"
}

# series_export TREE PATCHDIR: the commits of TREE back to PATCHDIR
series_export() {
	local tree=$1 dir=$2

	[ -d "$tree/.git" ] || die "no work tree at $tree"
	[ -z "$(git -C "$tree" status --porcelain --untracked-files=no)" ] ||
		die "$tree has uncommitted edits; commit them first"
	mkdir -p "$dir"
	series_patches "$dir" | xargs -r rm -f
	git -C "$tree" format-patch -q --no-signature --zero-commit -o "$dir" \
		pristine..HEAD
	ls "$dir"
}

# series_check_tree WORK CHECK PATCH...: CHECK, a worktree of WORK, holds
# the series as committed in the repo, applied on pristine.
series_check_tree() {
	local work=$1 check=$2
	shift 2

	git -C "$work" worktree remove --force "$check" >/dev/null 2>&1 || true
	rm -rf "$check"
	git -C "$work" worktree prune
	log "applying the series in $check"
	git -C "$work" worktree add -q --detach "$check" pristine
	git -C "$check" am -q --whitespace=nowarn "$@" ||
		die "the series does not apply on pristine"
}

# series_step LOG WHAT CMD...: run a build step of a prefix check
series_step() {
	local log=$1 what=$2
	shift 2

	if "$@" > "$log" 2>&1; then
		ok "$what"
	else
		tail -20 "$log" | sed 's/^/    /'
		bad "$what"
		return 1
	fi
}

# series_checkpatch WORK PATCH...: each patch under WORK's own
# scripts/checkpatch.pl --strict, where warnings fail too.  The caller
# sets CHECKPATCH_ARGS (more options) and may define
# series_checkpatch_accepted PATCH OUTPUT, which prints a note and
# succeeds when OUTPUT holds only what is accepted for PATCH.
series_checkpatch() {
	local work=$1 p n out note
	shift

	# Debian's python3: spdxcheck.py needs python3-ply and python3-git,
	# which another python3 first on PATH may not see.
	for p in "$@"; do
		n=$(basename "$p")
		out=$(cd "$work" && PATH=/usr/bin:$PATH scripts/checkpatch.pl \
			--strict --quiet ${CHECKPATCH_ARGS:-} "$p" 2>&1) || true
		if [ -z "$out" ]; then
			ok "checkpatch --strict $n"
		elif declare -F series_checkpatch_accepted >/dev/null &&
		     note=$(series_checkpatch_accepted "$p" "$out"); then
			ok "checkpatch --strict $n ($note)"
		else
			printf '%s\n' "$out" | sed 's/^/    /'
			bad "checkpatch --strict $n"
		fi
	done
}
