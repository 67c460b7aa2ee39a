#!/bin/bash
# The run in output.txt: SOCK_SEQPACKET against SOCK_STREAM socketpairs
# (ioregionfd_perf_test -s), without and with both sides polling.  From
# the repository, after make linux (scripts/linux-selftests.sh):
#   harness/l1-run --modules patched --smp 2 --hold-vm -- docs/performance/sockets/run.sh
P=${BUILD:-build}/linux/work/tools/testing/selftests/kvm/x86_64/ioregionfd_perf_test
for poll in 0 100000; do
	echo $poll > /sys/module/kvm/parameters/ioregion_poll_ns
	b=
	[ $poll = 0 ] || b=-b
	for i in 1 2 3; do
		echo "seqpacket poll=$poll"
		$P $b -v 1 -n 10000 | grep -E "^(read|write) "
		echo "stream poll=$poll"
		$P $b -s -v 1 -n 10000 | grep -E "^(read|write) "
	done
done
