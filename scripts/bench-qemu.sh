#!/bin/bash
# The QEMU benchmark (README, "Measurements"; issue: QEMU series v2): an
# L2 guest on -M microvm with virtio-net-device (tap in L1) and
# virtio-blk-device (a null-co node), in three modes:
#
#   off         use-ioregionfd=off, patched kvm.ko
#   ioregionfd  use-ioregionfd=on, patched kvm.ko (KVM sends the register
#               accesses to the IOThread)
#   fallback    use-ioregionfd=on, stock kvm.ko (compared with off on the
#               stock kvm.ko, in its own L1 boot)
#
# Each L1 boot has two CPUs and a VM held open; modes alternate within a
# run, and each figure is the median of the runs (with min and max).
# Figures: virtio-mmio register reads/s from the guest, 4 KiB random
# O_DIRECT read IOPS (and p50/p99 latency) at queue depth 1 and 32, HTTP
# download throughput, ping round trip.  Output: $BUILD/bench/qemu.txt
# (table) and qemu.csv (every figure).
#
# Usage: scripts/bench-qemu.sh [-r RUNS] [-s SECONDS]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
cd "$TOP"

runs=3
secs=3
while getopts r:s: opt; do
	case $opt in
	r) runs=$OPTARG ;;
	s) secs=$OPTARG ;;
	*) echo "usage: scripts/bench-qemu.sh [-r RUNS] [-s SECONDS]" >&2; exit 2 ;;
	esac
done
case "$runs$secs" in *[!0-9]*|'') die "-r and -s take whole numbers" ;; esac

qemu=$BUILD/qemu/work/build/qemu-system-x86_64
[ -x "$qemu" ] || die "no $qemu; run make qemu (or make demo) first"
e2e/build-initramfs.sh >/dev/null
l1_net_modules >/dev/null || die "no tun/tap modules of the L1 kernel"
make -s -C harness
bench_need_idle_host

out=$BUILD/bench
mkdir -p "$out"
csv=$out/qemu.csv
echo "kvm,mode,run,metric,value" >"$csv"
for kvm in patched stock; do
	res=$(mktemp -d "$out/l1-qemu-$kvm.XXXXXX")
	log "L1 with the $kvm kvm.ko: $runs runs of off and use-ioregionfd=on (log: $res/output)"
	harness/l1-run --modules $kvm --smp 2 --hold-vm --timeout 3000 -q \
		--results "$res" -- e2e/l1-bench "$qemu" "$runs" "$secs" off on >&2 ||
		{ tail -20 "$res/output" >&2; die "the benchmark failed; see $res"; }
	awk -v k=$kvm '$1 == "RESULT" { print k "," $2 "," $3 "," $4 "," $5 }' \
		"$res/output" >>"$csv"
done

python3 - "$csv" "$runs" <<'PY' | tee "$out/qemu.txt"
import csv, statistics, sys, datetime, os
rows = list(csv.DictReader(open(sys.argv[1])))
vals = {}
for r in rows:
    vals.setdefault((r["kvm"], r["mode"], r["metric"]), []).append(float(r["value"]))
metrics = ["mmio_reads_per_s", "blk_qd1_iops", "blk_qd32_iops",
           "blk_qd1_p50_us", "blk_qd1_p99_us", "blk_qd32_p50_us",
           "blk_qd32_p99_us", "net_download_kib_per_s", "ping_avg_ms"]
lower_better = {"blk_qd1_p50_us", "blk_qd1_p99_us", "blk_qd32_p50_us",
                "blk_qd32_p99_us", "ping_avg_ms"}
def cell(k):
    v = vals.get(k)
    if not v:
        return "-", None
    m = statistics.median(v)
    return "%.0f (%.0f-%.0f)" % (m, min(v), max(v)) if m >= 10 else \
           "%.2f (%.2f-%.2f)" % (m, min(v), max(v)), m
def ratio(a, b, metric):
    if a is None or b is None or not a or not b:
        return "-"
    return "%.2fx" % ((a / b) if metric in lower_better else (b / a))
print("QEMU benchmark, %s, %s runs; L1: 2 CPUs under TCG on %d host cores;"
      " median (min-max)" % (datetime.date.today(), sys.argv[2], os.cpu_count()))
print("ratios are against off in the same L1 boot, >1 is better")
print()
print("| figure | off | ioregionfd | ratio | off (stock kvm.ko) | fallback | ratio |")
print("|---|---|---|---|---|---|---|")
for m in metrics:
    o, om = cell(("patched", "off", m))
    i, im = cell(("patched", "on", m))
    so, som = cell(("stock", "off", m))
    f, fm = cell(("stock", "on", m))
    print("| %s | %s | %s | %s | %s | %s | %s |" % (
        m, o, i, ratio(om, im, m), so, f, ratio(som, fm, m)))
PY
log "results in $out/qemu.txt and $csv"
