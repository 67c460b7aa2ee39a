#!/bin/bash
# Two builds of QEMU against each other, in one L1 boot: for a change
# whose effect is smaller than the spread between two boots of the nested
# setup (docs/performance.md, "Reliability of the setup").  In L1 with two
# CPUs and a VM held open, for each run: e2e/l1-bench with QEMU A in the
# modes off and on, then with QEMU B in the mode on (its figures get the
# mode name "b").  So off, A and B alternate within the boot, and every
# ratio is within it.
#
# Output in DIR: output (l1-bench's lines), results.csv (config, mode,
# run, metric, value) and report.md: per figure the median of the runs
# for off, A and B, and the ratios A/off, B/off and A/B.
#
# usage: scripts/bench-ab.sh [-r RUNS] [-s SECONDS] [-c CONFIG] [--smp N]
#                            -o DIR QEMU-A QEMU-B
#   -r, -s, -c   as e2e/l1-bench (defaults 2 runs, 3 s, q35-e1000-nvme)
#   --smp N      L1's CPUs (default 2: a device thread needs a CPU of its
#                own; 1 when two-CPU boots keep failing, as a fallback
#                whose ratios favour whatever needs fewer thread switches)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
cd "$TOP"
runs=2 secs=3 config=q35-e1000-nvme out= smp=2
while [ $# -gt 2 ]; do
	case $1 in
	--smp) smp=${2:?}; shift ;;
	-r) runs=${2:?}; shift ;;
	-s) secs=${2:?}; shift ;;
	-c) config=${2:?}; shift ;;
	-o) out=${2:?}; shift ;;
	*) break ;;
	esac
	shift
done
[ $# = 2 ] && [ -n "$out" ] ||
	die "usage: scripts/bench-ab.sh [-r RUNS] [-s SECONDS] [-c CONFIG] [--smp N] -o DIR QEMU-A QEMU-B"
[[ $runs =~ ^[1-9][0-9]*$ && $secs =~ ^[1-9][0-9]*$ && $smp =~ ^[1-9][0-9]*$ ]] ||
	die "-r, -s and --smp take whole numbers"
qa=$(realpath "$1") qb=$(realpath "$2")
[ -x "$qa" ] && [ -x "$qb" ] || die "no QEMU at $qa or $qb"

# As scripts/bench.sh: the tools and both L2 initramfs images
mapfile -t missing < <(missing_packages "${bench_packages[@]}")
if [ ${#missing[@]} -gt 0 ]; then
	log "installing ${#missing[@]} packages: ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 ||
		die "cannot install ${missing[*]}"
fi
scripts/bench-tools.sh
scripts/l2-generic-fetch.sh >/dev/null
E2E_BENCH_TOOLS=1 e2e/build-initramfs.sh
E2E_BENCH_TOOLS=1 E2E_L2_FLAVOUR=generic e2e/build-initramfs.sh
l1_net_modules >/dev/null || die "no tun/tap modules of the L1 kernel"
bench_need_idle_host

mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -rf "$out/l1"
# In L1: each run, A's off and on, then B's on as "b"
script="set -u; rc=0
for i in \$(seq 1 $runs); do
	e2e/l1-bench -r 1 -i \$i -s $secs -c $config -m off,on -l $out/l1/logs $qa || rc=1
	e2e/l1-bench -r 1 -i \$i -s $secs -c $config -m on -l $out/l1/logs $qb |
		sed 's/^\\(RESULT [^ ]*\\) on /\\1 b /; s/^\\(FAILED [^ ]*\\) on /\\1 b /' || rc=1
done
exit \$rc"
log "L1 with the patched kvm.ko ($smp CPUs, a VM held open): $runs runs of $config, A=$qa, B=$qb"
rc=0
harness/l1-run --modules patched --smp "$smp" --hold-vm --timeout 7200 -q \
	--results "$out/l1" -- /bin/bash -c "$script" >"$out/l1.log" 2>&1 || rc=$?
cp "$out/l1/output" "$out/output" 2>/dev/null || die "no output from L1 (log: $out/l1.log)"
{
	echo "config,mode,run,metric,value"
	awk '$1 == "RESULT" { print $2 "," $3 "," $4 "," $5 "," $6 }' "$out/output"
} >"$out/results.csv"
grep '^FAILED ' "$out/output" >"$out/failed.txt" || true

/usr/bin/python3 - "$out" "$qa" "$qb" <<'EOF'
import csv, statistics, sys
out, qa, qb = sys.argv[1:]
vals = {}
for r in csv.DictReader(open(out + '/results.csv')):
    vals.setdefault((r['metric'], r['mode']), []).append(float(r['value']))
metrics = sorted({m for m, _ in vals}, key=lambda m: (m.startswith(('cpu_', 'kvm_', 'ops_')), m))
def med(m, mode):
    v = vals.get((m, mode))
    return statistics.median(v) if v else None
def fmt(x):
    return '-' if x is None else ('%.3g' % x if abs(x) < 100 else '%d' % round(x))
def ratio(a, b, lower_better):
    if a is None or b is None or a == 0 or b == 0:
        return '-'
    return '%.2fx' % ((b / a) if lower_better else (a / b))
lines = ['# A/B in one L1 boot', '',
         'A: `%s`; B: `%s`; medians of the runs; ratios above 1 are better for the first named.' % (qa, qb), '',
         '| figure | off | A | B | A/off | B/off | A/B |', '|---|---|---|---|---|---|---|']
for m in metrics:
    o, a, b = med(m, 'off'), med(m, 'on'), med(m, 'b')
    low = m.endswith(('_ms', '_us', '_pct')) or m.startswith(('kvm_', 'ops_'))
    lines.append('| %s | %s | %s | %s | %s | %s | %s |' % (
        m, fmt(o), fmt(a), fmt(b), ratio(a, o, low), ratio(b, o, low), ratio(a, b, low)))
open(out + '/report.md', 'w').write('\n'.join(lines) + '\n')
EOF
[ "$rc" = 0 ] && [ ! -s "$out/failed.txt" ] ||
	warn "L1 or a guest failed (exit status $rc; $out/failed.txt, $out/l1.log); the report has the rest"
log "report: $out/report.md"
