#!/bin/bash
# Build qemu-system-x86_64 from the QEMU work tree in TREE/build, with
# ccache and KVM, and print the binary's path.  Configures once, and again
# whenever the configure line changes.  The firmware directories are linked
# under TREE/build/qemu-bundle, so the binary runs from the build tree.
#
# Usage: scripts/qemu-build.sh [TREE [TARGET...]]
#   TREE    QEMU tree (default: $BUILD/qemu/work)
#   TARGET  more ninja targets to build, e.g. tests/qtest/qom-test
#           (or run 'meson test' in TREE/build, which builds what it runs)
# With QEMU_SANITIZE=1 the build goes to TREE/build-san instead, with
# AddressSanitizer and UndefinedBehaviorSanitizer (--enable-asan --enable-ubsan).
# With QEMU_FUZZ=1 it goes to TREE/build-fuzz, built with clang for
# libFuzzer (--enable-fuzzing --enable-asan; target qemu-fuzz-x86_64).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"

tree=${1:-$BUILD/qemu/work}
[ $# -gt 0 ] && shift
[ -f "$tree/configure" ] && [ -f "$tree/VERSION" ] ||
	die "no QEMU tree at $tree; run scripts/qemu-tree.sh"
tree=$(cd "$tree" && pwd)
[ "$tree" != "$BUILD/qemu/pristine" ] ||
	die "$tree is the pristine source; build a git tree (scripts/qemu-tree.sh)"
b=$tree/build
if [ "${QEMU_SANITIZE:-0}" = 1 ] || [ "${QEMU_FUZZ:-0}" = 1 ]; then
	b=$tree/build-san
	[ "${QEMU_FUZZ:-0}" != 1 ] || b=$tree/build-fuzz
	# Not a change to the tree: git must not see it
	ex=$(cd "$tree" && realpath -m "$(git rev-parse --git-path info/exclude)")
	grep -qx "/${b##*/}/" "$ex" 2>/dev/null || echo "/${b##*/}/" >>"$ex"
fi

# One build of a tree at a time: a second one would reconfigure under the
# first's feet.  The lock is on the tree's directory, so no file is left.
exec 9<"$tree"
if ! flock -n 9; then
	log "waiting for another build of $tree"
	flock 9
fi

# One cache for every tree: the check worktree's builds hit what the work
# tree's built (meson passes paths relative to the build directory, and
# ccache_env makes any absolute one relative too).
ccache_env "$tree"

# See qemu_edk2_off in common.sh: not a patch of the series, an edit of
# this tree's pc-bios/meson.build that git is told not to see.
qemu_edk2_off "$tree"

# seabios must come before /usr/share/qemu: otherwise -M microvm picks
# qemu-system-data's qboot.rom, which cannot boot from virtio-mmio.
fwpath=/usr/share/seabios:/usr/share/qemu:/usr/lib/ipxe/qemu
# /usr/bin/python3: the python3 first on PATH may not see Debian's meson.
# --cc: meson uses ccache only when the compiler is not given to it, and
# configure always gives it.
cfg=(
	--python=/usr/bin/python3 --cc="ccache cc"
	--target-list=x86_64-softmmu --without-default-features
	--disable-install-blobs --disable-download --disable-docs
	--enable-kvm --enable-tcg --enable-slirp --enable-fdt=system
	--enable-pixman --enable-vhost-net --enable-vhost-kernel
	--enable-vhost-user --firmwarepath="$fwpath"
)
[ "${QEMU_SANITIZE:-0}" != 1 ] || cfg+=(--enable-asan --enable-ubsan)
if [ "${QEMU_FUZZ:-0}" = 1 ]; then
	cfg=("${cfg[@]/--cc=ccache cc/--cc=ccache clang}" --enable-fuzzing --enable-asan)
fi
# ninja re-runs meson when a meson.build changes, but not configure when
# configure does: that is part of the line.
line=$(printf '%s\n' "${cfg[@]}" "configure $(sha256sum < "$tree/configure")")
if [ ! -f "$b/build.ninja" ] || [ "$line" != "$(cat "$b/.configure-line" 2>/dev/null)" ]; then
	log "configuring $b"
	rm -rf "$b"
	mkdir -p "$b"
	if ! (cd "$b" && "$tree/configure" "${cfg[@]}" >configure.out 2>&1); then
		tail -30 "$b/configure.out" >&2
		die "configure failed; see $b/configure.out and $b/meson-logs/meson-log.txt"
	fi
	printf '%s\n' "$line" > "$b/.configure-line"
fi

log "building qemu-system-x86_64 $*"
ninja -C "$b" --quiet -j"$(nproc)" qemu-system-x86_64 "$@" ||
	die "build failed"

# A binary run from the build tree looks for its firmware path under
# build/qemu-bundle/<absolute path>.
for d in ${fwpath//:/ }; do
	[ -d "$d" ] || { warn "no firmware directory $d"; continue; }
	if [ ! -e "$b/qemu-bundle$d" ] || [ -L "$b/qemu-bundle$d" ]; then
		mkdir -p "$(dirname "$b/qemu-bundle$d")"
		ln -sfn "$d" "$b/qemu-bundle$d"
	fi
done

log "$("$b/qemu-system-x86_64" --version | head -1)"
echo "$b/qemu-system-x86_64"
