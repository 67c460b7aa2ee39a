#!/bin/bash
# Soak test (issue 11 item 5): an L2 guest whose NIC and disk are both
# served through ioregionfd does checksummed block and network I/O for
# SOAK_MINUTES (default 10) per configuration, while L1 interrupts QEMU's
# vCPU threads with SIGUSR1 every SOAK_SIGNAL_US (default 2000) and notes
# QEMU's resident memory and L1's slab memory every 30 s.  L2 has two
# vCPUs.  L1 has one CPU (SOAK_L1_SMP): with two, a signal storm at the
# vCPU threads corrupts the L2 guest (Oops, panics) or kills L1 within
# seconds, with the stock kvm.ko and with use-ioregionfd=off as well, so
# it is the nested emulation under TCG, not the series (harness/README.md,
# "Flakiness").  SOAK_MODULES (patched) and SOAK_DEVICE_OPTS
# (use-ioregionfd=on) are there to show that.
#
# Configurations (SOAK_CONFIGS, default both): e1000-nvme (q35, e1000 +
# nvme) and virtio (q35, virtio-net-pci + virtio-blk-pci).
#
# Passes when: every guest check passes (the soak itself: each 1 MiB
# O_DIRECT write read back and each download sha256-checked, no ping
# lost; then the usual ping, download and block tests); KVM's
# ioregion_accesses equals the accesses the IOThread served (QEMU's
# x-query-ioregionfd), so none was lost or duplicated on the way; signals
# reached the vCPUs; no KVM_SET_IOREGION failed; no splat in L1 or L2; and
# neither QEMU's RSS nor L1's unreclaimable slab grew by more than
# SOAK_GROWTH_KIB (default 16384) from the sample after the first minute
# to the last.  Prints PASS:/FAIL: lines and a summary; the figures
# (minutes, rounds, accesses, signals, pending completions) are in the
# lines.
#
# Usage: scripts/soak.sh [RESULTS-DIR]   (QEMU_E2E_BINARY: another QEMU)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
cd "$TOP"

res=${1:-$BUILD/test-results/soak}
mins=${SOAK_MINUTES:-10}
sig_us=${SOAK_SIGNAL_US:-2000}
growth=${SOAK_GROWTH_KIB:-16384}
configs=${SOAK_CONFIGS:-e1000-nvme virtio}
dev_opts=${SOAK_DEVICE_OPTS-use-ioregionfd=on}
qemu=${QEMU_E2E_BINARY:-$BUILD/qemu/work/build/qemu-system-x86_64}
secs=$((mins * 60))
[ -x "$qemu" ] || die "no QEMU at $qemu (make qemu)"
rm -rf "$res"
mkdir -p "$res"
# l1-run shares the results folder with L1 (--results); the hooks that
# run in L1 write there.

npass=0 nfail=0
pass() { echo "PASS: soak $cfg: $*"; npass=$((npass + 1)); }
fail() { echo "FAIL: soak $cfg: $*"; nfail=$((nfail + 1)); }

"$here/l2-generic-fetch.sh" >"$res/prepare.log" 2>&1 &&
	E2E_L2_FLAVOUR=generic e2e/build-initramfs.sh >>"$res/prepare.log" 2>&1 ||
	die "cannot prepare the L2 kernel or its initramfs (log: $res/prepare.log)"

for cfg in $configs; do
	case $cfg in
	e1000-nvme) nic=e1000 disk=nvme ;;
	virtio) nic=virtio-net-pci disk=virtio-blk-pci ;;
	*) die "SOAK_CONFIGS: unknown configuration $cfg" ;;
	esac
	dir=$res/$cfg
	mkdir -p "$dir"
	log "soak $cfg: $mins min of I/O with vCPU signals every $sig_us us (log: $dir/log)"
	harness/l1-run -q --modules "${SOAK_MODULES:-patched}" --smp "${SOAK_L1_SMP:-1}" --hold-vm \
		--timeout $((secs + 600)) --results "$dir/l1" -- \
		e2e/l1-e2e QEMU="$qemu" E2E_MACHINE=q35 E2E_NIC=$nic E2E_DISK=$disk \
		E2E_SMP=2 E2E_NET_OPTS="$dev_opts" E2E_BLK_OPTS="$dev_opts" \
		E2E_TESTS=soak,ping,net-fetch,blk-read,blk-readback,l2-kernel \
		E2E_SOAK_SECS=$secs E2E_TIMEOUT=$((secs + 300)) \
		"E2E_QEMU_ARGS=-name soak,debug-threads=on" \
		E2E_TRACE=kvm_ioregionfd_pending,kvm_set_ioregion \
		"E2E_READY_CMD=e2e/soak-watch $secs $sig_us $dir/l1/watch" \
		"E2E_QMP_CMD=e2e/kvm-stats > $dir/l1/kvm-stats; e2e/qmp x-query-ioregionfd > $dir/l1/query" \
		>"$dir/log" 2>&1
	rc=$?
	sed -n "s/^E2E PASS: \(.*\)/PASS: soak $cfg: \1/p;
		s/^E2E FAIL: \(.*\)/FAIL: soak $cfg: \1/p" "$dir/l1/output" 2>/dev/null
	npass=$((npass + $(grep -c '^E2E PASS:' "$dir/l1/output" 2>/dev/null)))
	nfail=$((nfail + $(grep -c '^E2E FAIL:' "$dir/l1/output" 2>/dev/null)))
	if [ $rc != 0 ]; then
		fail "l1-run exit status $rc (log: $dir/log)"
		tail -15 "$dir/log" | sed 's/^/    /'
		continue
	fi

	# Every access KVM sent reached the IOThread, once
	kvm=$(awk '$1 == "ioregion_accesses" { print $2 }' "$dir/l1/kvm-stats" 2>/dev/null)
	served=$(grep -o '"served": [0-9]*' "$dir/l1/query" 2>/dev/null |
		awk '{ n += $2 } END { print n + 0 }')
	[ -n "$kvm" ] && [ "$kvm" -gt 0 ] && [ "$kvm" = "$served" ] &&
		pass "$kvm accesses sent by KVM, $served served by the IOThread" ||
		fail "KVM sent ${kvm:-?} accesses, the IOThread served ${served:-?}"

	# The signals reached the vCPUs, and QEMU completed what they
	# interrupted
	read -r _ nsig _ rounds _ vcpus <"$dir/l1/watch/signals" 2>/dev/null
	pending=$(grep -c '^kvm_ioregionfd_pending' "$dir/l1/e2e/trace" 2>/dev/null)
	[ "${nsig:-0}" -gt 0 ] &&
		pass "${nsig} SIGUSR1 to ${vcpus:-?} vCPU threads in ${rounds:-?} rounds; ${pending:-0} accesses completed with immediate_exit after a signal" ||
		fail "no signal reached a vCPU thread: $(cat "$dir/l1/watch/signals" 2>/dev/null)"
	if grep -q '^kvm_set_ioregion .* ret -' "$dir/l1/e2e/trace" 2>/dev/null; then
		fail "KVM_SET_IOREGION failed: $(grep -m2 '^kvm_set_ioregion .* ret -' "$dir/l1/e2e/trace" | tr '\n' ' ')"
	fi

	# Memory: from the sample after the first minute (half the soak, if
	# shorter) to the last
	awk -v g="$growth" -v warm=$((secs < 120 ? secs / 2 : 60)) '
		{ for (i = 2; i <= NF; i++) { split($i, kv, "="); v[NR, kv[1]] = kv[2] } t[NR] = $1 }
		END {
			f = 0
			for (i = 1; i <= NR; i++) if (t[i] >= warm) { f = i; break }
			if (!f || f == NR) { print "FAIL too few samples (" NR ")"; exit }
			for (i = f; i <= NR; i += NR - f)
				if (v[i, "qemu_rss_kib"] !~ /^[0-9]+$/ || v[i, "sunreclaim_kib"] !~ /^[0-9]+$/) {
					print "FAIL unreadable sample at " t[i] " s"; exit
				}
			r = v[NR, "qemu_rss_kib"] - v[f, "qemu_rss_kib"]
			s = v[NR, "sunreclaim_kib"] - v[f, "sunreclaim_kib"]
			printf "%s QEMU RSS %d -> %d KiB (%+d), L1 unreclaimable slab %d -> %d KiB (%+d), %d samples from %d s to %d s\n",
				(r <= g && s <= g) ? "PASS" : "FAIL",
				v[f, "qemu_rss_kib"], v[NR, "qemu_rss_kib"], r,
				v[f, "sunreclaim_kib"], v[NR, "sunreclaim_kib"], s,
				NR - f + 1, t[f], t[NR]
		}' "$dir/l1/watch/memory" >"$dir/memory-check" 2>/dev/null
	read -r st line <"$dir/memory-check"
	if [ "$st" = PASS ]; then
		pass "no growth over $growth KiB: $line"
	else
		fail "memory: ${line:-no samples in $dir/l1/watch/memory}"
	fi
done

echo "soak: $npass passed, $nfail failed ($mins min per configuration: $configs)"
[ $nfail = 0 ]
