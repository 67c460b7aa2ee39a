#!/bin/sh
# A: the series; B: the series without the hang-up looks (build/tmp/nohup/mods)
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
