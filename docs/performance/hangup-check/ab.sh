#!/bin/sh
# The cost of KVM's look for a hung-up device end, in one L1 boot with one
# CPU (kvm.ko can be swapped there; with two CPUs and a VM held open it
# cannot):
#   harness/l1-run -q --modules patched --smp 1 -- docs/performance/hangup-check/ab.sh
# A: the series (make linux).  B: the same tree with ioregion_read_hup()
# returning false and the smp_mb() after the send removed, built with
# scripts/linux-build.sh build/linux/work build/tmp/nohup/mods.
pt=build/linux/work/tools/testing/selftests/kvm/x86_64/ioregionfd_perf_test
A=build/linux/modules/patched B=build/tmp/nohup/mods
for i in 1 2 3 4 5 6 7 8 9 10; do
	for s in A B; do
		eval d=\$$s
		rmmod kvm_amd kvm || exit 1
		insmod $d/kvm.ko && insmod $d/kvm-amd.ko || exit 1
		printf '%s %s ' $s $i
		$pt -v 1 -n 20000 -r -m ioregionfd -m inline | grep '^read' || exit 1
	done
done
