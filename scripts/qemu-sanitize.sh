#!/bin/bash
# The QEMU series under AddressSanitizer and UndefinedBehaviorSanitizer
# (issue 11 item 3): build QEMU, the unit test and the qtest with
# --enable-asan --enable-ubsan (scripts/qemu-build.sh, QEMU_SANITIZE=1, in
# $BUILD/qemu/work/build-san), then run
#
#   - the unit test (leak detection on),
#   - the qtest under the qtest accelerator here,
#   - the qtest's PCI cases on KVM in L1 with the patched kvm.ko,
#   - end to end in L2 (our QEMU in L1 on the patched kvm.ko): virtio-mmio
#     with use-ioregionfd=on, vhost-net and a live migration
#     (tests/qemu-e2e kernel vhost migrate), and on PCI machines e1000 +
#     nvme served, unplug under I/O and reset under I/O (tests/qemu-e2e-pci
#     q35-e1000-nvme-on unplug-pc-virtio reset-q35-e1000-nvme),
#
# and fail on any sanitizer report in what they print (QEMU's stderr is
# kept with each end-to-end result).  Leak detection is off for QEMU
# itself, which exits with what it allocated (SIGTERM after the tests).
# Prints PASS:/FAIL: lines and a summary.  Not part of tests/run: the
# sanitized build takes about 10 minutes cold on 2 cores, the runs about
# 10 more.
#
# Usage: scripts/qemu-sanitize.sh [RESULTS-DIR]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
cd "$TOP"

res=${1:-$BUILD/test-results/qemu-sanitize}
rm -rf "$res"
mkdir -p "$res"
tree=$BUILD/qemu/work
b=$tree/build-san
# A report is one of these; UBSan goes on after its report.
REPORT='ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:'

npass=0 nfail=0
pass() { echo "PASS: sanitize: $*"; npass=$((npass + 1)); }
fail() { echo "FAIL: sanitize: $*"; nfail=$((nfail + 1)); }

# Sanitizer reports in FILE..., as a FAIL each; else PASS WHAT
clean() {	# WHAT FILE...
	local what=$1 hits
	shift
	hits=$(grep -hE -A3 "$REPORT" "$@" 2>/dev/null | head -20)
	if [ -n "$hits" ]; then
		fail "$what: sanitizer report: $(echo "$hits" | head -4 | tr '\n' ' ')"
	else
		pass "$what: no sanitizer report"
	fi
}

log "building QEMU with ASan and UBSan in $b (about 10 min cold)"
if ! QEMU_SANITIZE=1 "$here/qemu-build.sh" "$tree" tests/unit/test-ioregionfd \
	tests/qtest/ioregionfd-test >"$res/build.log" 2>&1; then
	tail -20 "$res/build.log"
	fail "build (log: $res/build.log)"
	echo "sanitize: $npass passed, $nfail failed"
	exit 1
fi

# QEMU for the nested runs: the sanitized binary with its options (l1-run
# passes no environment into L1, so a wrapper carries them).
wrap=$BUILD/qemu-san
mkdir -p "$wrap"
cat >"$wrap/qemu-system-x86_64" <<EOF
#!/bin/sh
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1
exec "$b/qemu-system-x86_64" "\$@"
EOF
chmod +x "$wrap/qemu-system-x86_64"

# 1. The unit test, with leak detection
(cd "$b" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	timeout 300 tests/unit/test-ioregionfd) >"$res/unit.log" 2>&1
rc=$?
[ $rc = 0 ] && pass "test-ioregionfd: exit status 0" ||
	fail "test-ioregionfd: exit status $rc (log: $res/unit.log)"
clean "test-ioregionfd" "$res/unit.log"

# 2. The qtest under the qtest accelerator (the host's /dev/kvm hidden, as
# in tests/run)
empty=$(mktemp)
nokvm=()
[ ! -e /dev/kvm ] ||
	nokvm=(unshare -m sh -c 'mount --bind "$1" /dev/kvm && shift && exec "$@"'
	       sh "$empty")
(cd "$b" && "${nokvm[@]}" env QTEST_QEMU_BINARY="$wrap/qemu-system-x86_64" \
	ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1 \
	timeout 600 tests/qtest/ioregionfd-test) >"$res/qtest.log" 2>&1
rc=$?
rm -f "$empty"
[ $rc = 0 ] && pass "ioregionfd-test: $(grep -c '^ok' "$res/qtest.log") cases" ||
	fail "ioregionfd-test: exit status $rc (log: $res/qtest.log)"
clean "ioregionfd-test" "$res/qtest.log"

# 3. Its PCI cases on KVM in L1
harness/l1-run -q --modules patched --timeout 600 --results "$res/l1-qtest-kvm" \
	-- /usr/bin/env QTEST_IOREGIONFD_KVM=1 ASAN_OPTIONS=detect_leaks=0 \
	QTEST_QEMU_BINARY="$wrap/qemu-system-x86_64" \
	"$b/tests/qtest/ioregionfd-test" -p /x86_64/ioregionfd/pci \
	>"$res/l1-qtest-kvm.log" 2>&1
rc=$?
[ $rc = 0 ] && pass "ioregionfd-test on KVM: $(grep -c '^ok' "$res/l1-qtest-kvm/output") PCI cases" ||
	fail "ioregionfd-test on KVM: l1-run exit status $rc (log: $res/l1-qtest-kvm.log)"
clean "ioregionfd-test on KVM" "$res/l1-qtest-kvm/output"

# 4. End to end, with the sanitized QEMU
for t in "qemu-e2e kernel vhost migrate" \
	"qemu-e2e-pci q35-e1000-nvme-on unplug-pc-virtio reset-q35-e1000-nvme"; do
	set -- $t
	name=$1
	shift
	QEMU_E2E_BINARY=$wrap/qemu-system-x86_64 "tests/$name" "$res/$name" "$@" \
		>"$res/$name.log" 2>&1
	n=$(grep -c '^PASS:' "$res/$name.log")
	f=$(grep -c '^FAIL:' "$res/$name.log")
	[ "$f" = 0 ] && [ "$n" -gt 0 ] &&
		pass "$name $*: $n checks passed" ||
		fail "$name $*: $f of $((n + f)) checks failed (log: $res/$name.log): $(grep -m3 '^FAIL:' "$res/$name.log" | tr '\n' ' ')"
	mapfile -t errs < <(find "$res/$name" -name 'qemu*.stderr' 2>/dev/null)
	if [ ${#errs[@]} = 0 ]; then
		fail "$name: no QEMU stderr saved under $res/$name"
	else
		clean "$name: QEMU's stderr of ${#errs[@]} runs" "${errs[@]}"
	fi
done

echo "sanitize: $npass passed, $nfail failed"
[ $nfail = 0 ]
