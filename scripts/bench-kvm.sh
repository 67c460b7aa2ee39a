#!/bin/bash
# The kernel benchmark (README, "Measurements"): ioregionfd_perf_test in
# one L1 boot with two CPUs (the device thread needs a CPU of its own) and
# a VM held open, with kvm.ioregion_poll_ns off and then at POLL_NS.  It
# prints accesses per second for ioregionfd, KVM_EXIT_MMIO served inline in
# the vCPU thread, KVM_EXIT_MMIO relayed to a device thread, and
# ioeventfd, with 1 and 4 vCPUs; the output goes to $BUILD/bench/kvm.txt.
#
# Usage: scripts/bench-kvm.sh [-n ACCESSES] [-p POLL_NS]
#   -n  accesses per vCPU and run (default 20000)
#   -p  the polling budget of the second run (default 100000: L1 runs
#       about 15x slower than the host)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
cd "$TOP"

n=20000
poll=100000
while getopts n:p: opt; do
	case $opt in
	n) n=$OPTARG ;;
	p) poll=$OPTARG ;;
	*) echo "usage: scripts/bench-kvm.sh [-n ACCESSES] [-p POLL_NS]" >&2; exit 2 ;;
	esac
done
case "$n$poll" in *[!0-9]*|'') die "-n and -p take numbers" ;; esac

test=$BUILD/linux/work/tools/testing/selftests/kvm/x86_64/ioregionfd_perf_test
[ -x "$test" ] || die "no $test; run make linux first"
make -s -C harness
bench_need_idle_host

out=$BUILD/bench
mkdir -p "$out"
res=$(mktemp -d "$out/l1.XXXXXX")
harness/l1-run --modules patched --smp 2 --hold-vm --timeout 1800 -q \
	--results "$res" -- sh -c "
	for p in 0 $poll; do
		echo \$p > /sys/module/kvm/parameters/ioregion_poll_ns || exit 1
		echo \"kvm.ioregion_poll_ns=\$p\"
		$test -n $n || exit 1
	done" >&2 || { tail -20 "$res/output" >&2; die "the benchmark failed; see $res"; }
{
	echo "ioregionfd_perf_test, $(date -u +%Y-%m-%d), L1: 2 CPUs under TCG on $(nproc) host cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'))"
	grep -v '^Random seed' "$res/output"
} | tee "$out/kvm.txt"
log "results in $out/kvm.txt (L1 logs in $res)"
