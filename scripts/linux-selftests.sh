#!/bin/bash
# Build the KVM selftests that the test suite runs (ours, and a selection
# of upstream ones that exercise the paths the series touches: MMIO and
# PIO exits, string I/O, signals, memslots, VM and vCPU life cycle), and
# the benchmark ioregionfd_perf_test.
#
# Usage: scripts/linux-selftests.sh [--prefix] [TREE]
#   TREE      default: $BUILD/linux/work
#   --prefix  TREE is a prefix of the series (linux-check.sh): build
#             those of ours that it has; without it, all must be there
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"

# Run make as a top-level make even under a parent one (make linux, make
# test): the selftests' lib.mk sets OUTPUT only when MAKELEVEL is 0, and
# without it the full-path targets below fall to make's builtin rules and
# fail to link ("[<builtin>: .../x86_64/ioregionfd_test] Error 1").
unset MAKELEVEL MAKEFLAGS MFLAGS

prefix=0
if [ "${1:-}" = --prefix ]; then
	prefix=1
	shift
fi
tree=${1:-$BUILD/linux/work}
[ -f "$tree/Makefile" ] || die "no kernel tree at $tree"

make -s -C "$tree" ARCH=x86 headers_install >/dev/null
dir=$tree/tools/testing/selftests/kvm
targets=()
# A prefix of the series may not have all of ours yet; otherwise the
# ones the suite runs must be there.
for t in $(kvm_selftests_built); do
	if [ -f "$dir/$t.c" ]; then
		targets+=("$dir/$t")
	elif [ $prefix = 0 ] && kvm_selftests | tr -s " " "\n" | grep -qx "$t"; then
		die "$dir/$t.c is missing"
	fi
done
make -s -C "$dir" -j"$(nproc)" "${targets[@]}" >/dev/null
for t in "${targets[@]}"; do
	[ -x "$t" ] || die "$t was not built"
done
log "KVM selftests built in $tree/tools/testing/selftests/kvm"
