#!/bin/bash
# Build the KVM selftests that the test suite runs: ours, and a selection
# of upstream ones that exercise the paths the series touches (MMIO and
# PIO exits, string I/O, signals, memslots, VM and vCPU life cycle).
#
# Usage: scripts/linux-selftests.sh [TREE]    (default: $BUILD/linux/work)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"

tree=${1:-$BUILD/linux/work}
[ -f "$tree/Makefile" ] || die "no kernel tree at $tree"

make -s -C "$tree" ARCH=x86 headers_install >/dev/null
dir=$tree/tools/testing/selftests/kvm
targets=()
for t in $(kvm_selftests); do
	targets+=("$dir/$t")
done
make -s -C "$dir" -j"$(nproc)" "${targets[@]}" >/dev/null
for t in "${targets[@]}"; do
	[ -x "$t" ] || die "$t was not built"
done
log "KVM selftests built in $tree/tools/testing/selftests/kvm"
