#!/bin/bash
# Check harness/l1-run itself: exit statuses, timeout, freezes, splat detection,
# quoting, --kernel, --hold-vm, a checkout under /tmp (shared with L1
# explicitly), paths it must refuse, and that no QEMU/virtiofsd is left
# behind.
#
# Usage: tests/harness-selftest.sh [--stress] [-- extra l1-run options]
#   --stress  also run VM create/destroy loops on --smp 2 without a held VM
#             (expected to oops L1 under multi-threaded TCG: informational)
set -euo pipefail
. "$(dirname "$0")/../scripts/common.sh"
cd "$TOP"
export BUILD	# also for the l1-run of the checkout under /tmp

STRESS=0
EXTRA=()
while [ $# -gt 0 ]; do
	case $1 in
	--stress) STRESS=1 ;;
	--) shift; EXTRA=("$@"); break ;;
	*) echo "usage: $0 [--stress] [-- l1-run options]" >&2; exit 2 ;;
	esac
	shift
done

mkdir -p "$BUILD/results"
BASE=$(mktemp -d "$BUILD/results/selftest-$(date +%Y%m%d-%H%M%S).XXXX")
L1RUN=harness/l1-run
PASS=0
FAIL=0

# Two shells looping over VM creation and destruction in L1.
STRESS_CMD='loop() { i=0; while [ $i -lt 150 ]; do
	"$BUILD/harness/kvm-cap" --vm >/dev/null || exit 1; i=$((i + 1)); done; }
loop & loop; wait $! && echo "300 VMs created and destroyed"'

# case NAME EXPECTED-STATUS [GREP-IN-OUTPUT] -- L1-RUN-ARGS...
# EXPECTED-STATUS "info": report the status, count neither way.
case_() {
	local name=$1 want=$2 pattern= res st t t0 left

	shift 2
	if [ "$1" != -- ]; then
		pattern=$1
		shift
	fi
	shift
	res=$BASE/$name
	t0=$EPOCHREALTIME
	st=0
	"$L1RUN" -q --results "$res" "${EXTRA[@]}" "$@" \
		>"$BASE/$name.log" 2>&1 || st=$?
	t=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
	left=$(pgrep -af -- "$res" || true)
	if [ -n "$left" ]; then
		echo "FAIL: harness $name: left behind: $left"
		FAIL=$((FAIL + 1))
	elif [ "$want" = info ]; then
		echo "INFO: harness $name: exit $st (${t}s; informational)"
	elif [ "$st" != "$want" ]; then
		echo "FAIL: harness $name: exit $st, want $want (${t}s; see $BASE/$name.log)"
		FAIL=$((FAIL + 1))
	elif [ -n "$pattern" ] &&
	     ! grep -qsE -- "$pattern" "$res/output" "$BASE/$name.log"; then
		echo "FAIL: harness $name: no '$pattern' in the output (${t}s)"
		FAIL=$((FAIL + 1))
	else
		echo "PASS: harness $name (exit $st, ${t}s)"
		PASS=$((PASS + 1))
	fi
}

case_ cap-stock 0 'KVM_CHECK_EXTENSION\(1024\) = 0' -- \
	--modules stock -- "$BUILD/harness/kvm-cap" 1024 --expect 0
case_ cap-stock-mismatch 1 'expected 1, got 0' -- \
	--modules stock -- "$BUILD/harness/kvm-cap" 1024 --expect 1
if [ -d "$BUILD"/linux/modules/patched ]; then
	# the mask of KVM_SET_IOREGION's flags: PIO, POSTED_WRITES,
	# DEASSIGN and WRITES_ONLY
	case_ cap-patched 0 'KVM_CHECK_EXTENSION\(1024\) = 15' -- \
		--modules patched -- "$BUILD/harness/kvm-cap" 1024 --expect 15
fi
case_ quoting 7 "^<it's> <a  b> <\\\$HOME> <> <\\*> \$" -- \
	--modules stock -- sh -c 'printf "<%s> " "$@"; echo; exit 7' sh \
	"it's" 'a  b' '$HOME' '' '*'
case_ timeout 124 'L1 TIMEOUT after 20 s' -- \
	--modules stock --timeout 20 -- sleep 1000
# --stall and --tries: an L1 whose heartbeat stops is ended as frozen and
# booted again.  A real freeze cannot be made on purpose: the first boot's
# L0 QEMU is paused through its monitor once CMD runs, which is what a
# freeze looks like from here; the second boot runs CMD to its end.
pause_l1() {	# RESULTS-DIR
	local i pid= sock=

	for ((i = 0; i < 600; i++)); do
		pid=$(pgrep -f -- "L1_RESULTS=$1 " | head -n 1) || true
		[ -z "$pid" ] || ! grep -qs 'running:' "$1/console.log" || break
		sleep 0.1
	done
	[ -n "$pid" ] || return 0
	sock=$(tr '\0' '\n' <"/proc/$pid/cmdline" | sed -n 's/^unix:\(.*monitor.sock\),.*/\1/p')
	python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b"stop\n")
time.sleep(1)' "$sock"
}
pause_l1 "$BASE/stall" &
case_ stall 0 'L1 FROZE: no heartbeat for 30 s' -- \
	--modules stock --stall 30 --tries 2 --timeout 300 -- sleep 10
wait
if grep -qs 'VM status: paused' "$BASE/stall/frozen-1/l1-state.txt" &&
   grep -qE 'RIP=[0-9a-f]+ .* \([a-z_0-9.]+\+0x[0-9a-f]+\)$' "$BASE/stall.log" &&
   grep -q 'booting it again' "$BASE/stall.log" && [ -s "$BASE/stall/rc" ] &&
   grep -q 'pressing a key' "$BASE/stall.log" && [ -s "$BASE/stall/frozen-1/l1-kicks" ] &&
   grep -q '^LVTT' "$BASE/stall/frozen-1/l1-kicks-state.txt"; then
	echo "PASS: harness stall-state (a key pressed at 12 s, the frozen boot's state in frozen-1, a named RIP, a second boot)"
	PASS=$((PASS + 1))
else
	echo "FAIL: harness stall-state: see $BASE/stall.log and $BASE/stall/frozen-1/l1-state.txt"
	FAIL=$((FAIL + 1))
fi
# L1_DEADLINE (tests/run's time budget) ends L1 before --timeout does
L1_DEADLINE=$(($(date +%s) + 20)) case_ deadline 124 'L1 TIMEOUT after (1[0-9]|20) s' -- \
	--modules stock --timeout 600 -- sleep 1000
case_ splat 123 'WARNING: CPU: 0 PID: 1 at selftest' -- \
	--modules stock -- sh -c \
	'echo "WARNING: CPU: 0 PID: 1 at selftest" >/dev/kmsg'
# A second irqbypass.ko posing as kvm-amd.ko: right vermagic, insmod fails.
mkdir "$BASE/badmods"
cp "$BUILD"/linux/modules/stock/{irqbypass,kvm}.ko "$BASE/badmods/"
cp "$BUILD"/linux/modules/stock/irqbypass.ko "$BASE/badmods/kvm-amd.ko"
case_ bad-module 125 'L1 init failed: insmod' -- \
	--modules "$BASE/badmods" -- true
# --kernel: the stock kernel named explicitly; a file that is no bzImage.
linux_env
case_ kernel-explicit 0 "^${KREL//+/\\+}\$" -- --modules stock \
	--kernel "$BUILD/linux/root/boot/vmlinuz-$KREL" -- uname -r
case_ kernel-not-bzimage 125 'is not a bzImage' -- --modules stock \
	--kernel "$TOP/README.md" -- true
# A debug kernel's kmemleak report counts as a splat.
case_ splat-kmemleak 123 'unreferenced object 0x' -- --modules stock -- sh -c \
	'echo "unreferenced object 0xffff888100000000 (size 64):" >/dev/kmsg'
case_ smp2-hold-vm 0 '300 VMs created' -- \
	--modules stock --smp 2 --hold-vm --timeout 300 -- sh -c "$STRESS_CMD"

# A checkout under /tmp, which L1 hides under its own tmpfs unless l1-run
# shares it: this tree's files as they are, with BUILD still the build
# folder (shared too).  CMD must run in the /tmp checkout and see BUILD.
LOC=$(mktemp -d /tmp/l1-run-selftest.XXXXXX)
trap 'rm -rf "$LOC"' EXIT
copy_tree() {	# DEST
	mkdir -p "$1"
	{ git ls-files -z --cached --others --exclude-standard 2>/dev/null ||
	  find . -path ./build -prune -o -path ./.git -prune -o -type f -print0; } |
		tar -c --null -T - | tar -x -C "$1"
}
copy_tree "$LOC/tree"
marker=$RANDOM$RANDOM
echo "$marker" >"$LOC/tree/location-marker"
L1RUN=$LOC/tree/harness/l1-run
case_ location-tmp 0 "^at $LOC/tree $marker\$" -- --modules stock -- sh -c \
	'echo "at $(pwd -P) $(cat location-marker)"; "$BUILD/harness/kvm-cap" 1024 --expect 0'
# Refused before L1 boots: a CMD hidden in L1, a checkout with a blank.
case_ location-hidden-cmd 125 'is hidden in L1' -- \
	--modules stock -- /tmp/not-shared-with-l1/cmd
copy_tree "$LOC/with blank"
L1RUN="$LOC/with blank/harness/l1-run"
case_ location-blank 125 'has blanks' -- --modules stock -- true
L1RUN=harness/l1-run

if [ "$STRESS" = 1 ]; then
	for i in 1 2; do
		case_ smp2-no-hold-$i info -- \
			--modules stock --smp 2 --timeout 300 -- sh -c "$STRESS_CMD"
	done
fi

echo "$PASS passed, $FAIL failed; logs in $BASE"
[ "$FAIL" = 0 ]
