#!/bin/bash
P=/work/main/build/linux/work/tools/testing/selftests/kvm/x86_64/ioregionfd_perf_test
for poll in 0 100000; do
echo $poll > /sys/module/kvm/parameters/ioregion_poll_ns
b=; [ $poll = 0 ] || b=-b
for i in 1 2 3; do
  echo "seqpacket poll=$poll"; $P $b -v 1 -n 10000 | grep -E "^(read|write) "
  echo "stream poll=$poll"; $P $b -s -v 1 -n 10000 | grep -E "^(read|write) "
done; done
