#!/bin/bash
# The guest side of ioregionfd under QEMU's generic-fuzz qtest (issue 11
# item 4): QEMU built with clang for libFuzzer and ASan
# (QEMU_FUZZ=1 scripts/qemu-build.sh, in $BUILD/qemu/work/build-fuzz),
# then generic-fuzz drives, for SECONDS each (default 60), PCI devices
# with use-ioregionfd=on: e1000 and nvme on q35, then virtio-net-pci and
# rtl8139 on pc.  The fuzzer writes and reads their registers, programs
# their BARs and points their DMA anywhere, the served windows included
# (under the qtest accelerator every access is the inline dispatch;
# what the fuzzer reaches is the devices, the memory core's
# registration and the server's lifetime).  A crash fails the run; its
# input is kept in $BUILD/qemu-fuzz/ (keep it in
# fuzz/crashes/generic-fuzz-NAME once fixed: those are replayed first).
#
# Usage: scripts/qemu-fuzz.sh [SECONDS]   (needs clang, libclang-rt-dev)
# Prints PASS:/FAIL: lines.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
cd "$TOP"

secs=${1:-60}
tree=$BUILD/qemu/work
b=$tree/build-fuzz
out=$BUILD/qemu-fuzz
mkdir -p "$out"

log "building qemu-fuzz-x86_64 with clang in $b (about 10 min cold)"
if ! QEMU_FUZZ=1 "$here/qemu-build.sh" "$tree" qemu-fuzz-x86_64 \
	>"$out/build.log" 2>&1; then
	tail -20 "$out/build.log"
	echo "FAIL: qemu-fuzz: build (log: $out/build.log)"
	exit 1
fi

rc=0
run() {	# NAME OBJECTS ARGS
	local name=$1 objects=$2 args=$3 st runs crashes
	mkdir -p "$out/corpus/$name"
	crashes=$TOP/fuzz/crashes/generic-fuzz-$name
	if ls "$crashes"/* >/dev/null 2>&1; then
		if QEMU_FUZZ_ARGS=$args QEMU_FUZZ_OBJECTS=$objects \
			"$b/qemu-fuzz-x86_64" --fuzz-target=generic-fuzz \
			"$crashes"/* >"$out/$name.regress.log" 2>&1; then
			echo "PASS: qemu-fuzz $name: regression inputs"
		else
			echo "FAIL: qemu-fuzz $name: a regression input fails (log: $out/$name.regress.log)"
			rc=1
		fi
	fi
	(cd "$out" && QEMU_FUZZ_ARGS=$args QEMU_FUZZ_OBJECTS=$objects \
		"$b/qemu-fuzz-x86_64" --fuzz-target=generic-fuzz \
		-max_total_time="$secs" -print_final_stats=1 \
		-artifact_prefix="$out/$name-" "$out/corpus/$name") \
		>"$out/$name.log" 2>&1
	st=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$name.log")
	if [ $st = 0 ] && [ -n "$runs" ]; then
		echo "PASS: qemu-fuzz $name: ${runs} inputs in $secs s, no crash"
	else
		echo "FAIL: qemu-fuzz $name: exit status $st after ${runs:-?} inputs (log: $out/$name.log)"
		grep -m5 -E 'ERROR|SUMMARY|runtime error|Assertion' "$out/$name.log"
		rc=1
	fi
}

run e1000-nvme "e1000* nvme*" \
	"-M q35 -nodefaults -netdev user,id=n0 -device e1000,netdev=n0,use-ioregionfd=on -blockdev driver=null-co,node-name=d0,size=1048576 -device nvme,drive=d0,serial=fuzz,use-ioregionfd=on"
run virtio-rtl8139 "virtio* rtl8139*" \
	"-M pc -nodefaults -netdev user,id=n0 -netdev user,id=n1 -device virtio-net-pci,netdev=n0,use-ioregionfd=on -device rtl8139,netdev=n1,use-ioregionfd=on"
exit $rc
