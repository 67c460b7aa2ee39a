#!/bin/bash
# Build the libFuzzer targets of fuzz/ against the QEMU work tree (clang
# with -fsanitize=fuzzer,address,undefined; util/ioregionfd.c compiled in,
# the rest of QEMU's utility library linked from its build) and run each
# for SECONDS (default 60), starting from the corpus in fuzz/corpus/NAME
# and the regression inputs in fuzz/crashes/NAME, which must all pass.
# New inputs found go to $BUILD/fuzz/corpus/NAME; a crash is saved in
# $BUILD/fuzz/ and fails the run (copy it to fuzz/crashes/NAME to keep it
# as a regression test once fixed).
#
# Usage: fuzz/run.sh [SECONDS]       (needs clang, libclang-rt-dev, a built
#                                     QEMU tree: scripts/qemu-build.sh)
# Prints PASS:/FAIL: lines, with the number of inputs run.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../scripts/common.sh"

secs=${1:-60}
tree=$BUILD/qemu/work
b=$tree/build
out=$BUILD/fuzz
CLANG=${CLANG:-clang}
[ -f "$b/libqemuutil.a" ] || die "no $b/libqemuutil.a (run scripts/qemu-build.sh)"
command -v "$CLANG" >/dev/null || die "no $CLANG (apt-get install clang libclang-rt-dev)"
mkdir -p "$out"

cflags=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
	-std=gnu11 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -Wall -Werror
	-Wno-unused-function
	-iquote "$b" -iquote "$tree" -iquote "$tree/include"
	-iquote "$tree/host/include/x86_64" -iquote "$tree/host/include/generic"
	-isystem "$tree/linux-headers" -iquote "$b/qapi"
	$(pkg-config --cflags glib-2.0))
libs=("$b/libqemuutil.a" $(pkg-config --libs glib-2.0 gthread-2.0) -lm -lz -lrt -lpthread)

rc=0
for src in "$here"/*-fuzz.c; do
	name=$(basename "$src" .c)
	bin=$out/$name
	if ! "$CLANG" "${cflags[@]}" -o "$bin" "$src" "$tree/util/ioregionfd.c" \
		"${libs[@]}" >"$out/$name.build.log" 2>&1; then
		echo "FAIL: fuzz $name: build (log: $out/$name.build.log)"
		tail -5 "$out/$name.build.log"
		rc=1
		continue
	fi
	mkdir -p "$out/corpus/$name"
	# The regression inputs first: each must run clean
	if [ -d "$here/crashes/$name" ] && ls "$here/crashes/$name"/* >/dev/null 2>&1; then
		if "$bin" "$here/crashes/$name"/* >"$out/$name.regress.log" 2>&1; then
			echo "PASS: fuzz $name: $(ls "$here/crashes/$name" | wc -l) regression inputs"
		else
			echo "FAIL: fuzz $name: a regression input fails (log: $out/$name.regress.log)"
			rc=1
		fi
	fi
	(cd "$out" && "$bin" -max_total_time="$secs" -max_len=2048 -print_final_stats=1 \
		-artifact_prefix="$out/$name-" "$out/corpus/$name" \
		"$here/corpus/$name") >"$out/$name.log" 2>&1
	st=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$name.log")
	if [ $st = 0 ]; then
		echo "PASS: fuzz $name: ${runs:-?} inputs in $secs s, no crash ($(ls "$out/corpus/$name" | wc -l) in the corpus)"
	else
		echo "FAIL: fuzz $name: exit status $st after ${runs:-?} inputs (log: $out/$name.log; input: $(ls "$out/$name"-* 2>/dev/null | head -1))"
		grep -m5 -E 'ERROR|SUMMARY|runtime error' "$out/$name.log"
		rc=1
	fi
done
exit $rc
