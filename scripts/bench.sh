#!/bin/bash
# The evaluation (make bench; docs/performance.md): every benchmark of
# both series, in the modes off / ioregionfd / fallback, with tables, plots
# and the raw figures.
#
# Nested (the default): two L1 boots, each with two CPUs and a VM held
# open (harness/l1-run):
#   patched kvm.ko  the kernel's ioregionfd_perf_test (reads and posted
#                   writes against KVM_EXIT_MMIO inline, relayed, and
#                   ioeventfd; 1 and 4 vCPUs; polling off and on), then
#                   e2e/l1-bench: each configuration's L2 guest with
#                   use-ioregionfd=off and =on
#   stock kvm.ko    e2e/l1-bench again: off, and on = the fallback
# --host: no harness; e2e/l1-bench (and the perf test, when the loaded
# kvm.ko is the patched one) run on this machine, as they would on a
# bare-metal host: run it once with each kvm.ko, with the same -o DIR, to
# get every column.
#
# Output in DIR (default $BUILD/bench/run-DATE): results.csv (kvm, config,
# mode, run, metric, value: every figure of every run), the logs of each
# L1, and what scripts/bench-report.py makes of them: report.md (tables:
# median and spread, ratios against off), summary.json, plots/*.png.
#
# usage: scripts/bench.sh [-r RUNS] [-s SECONDS] [-c CONFIGS] [-u RATES]
#                         [-o DIR] [--host] [--no-stock] [--no-selftest]
#   -r, -s, -c, -u  as e2e/l1-bench (defaults 3 runs, 3 s, every
#                   configuration, UDP at 50, 200 and 800 Mbit/s)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
cd "$TOP"
linux_env

runs=3 secs=3 configs= udp= out= host=0 stock=1 selftest=1
while [ $# -gt 0 ]; do
	case $1 in
	-r) runs=${2:?}; shift ;;
	-s) secs=${2:?}; shift ;;
	-c) configs=${2:?}; shift ;;
	-u) udp=${2:?}; shift ;;
	-o) out=${2:?}; shift ;;
	--host) host=1 ;;
	--no-stock) stock=0 ;;
	--no-selftest) selftest=0 ;;
	*) die "usage: scripts/bench.sh [-r RUNS] [-s SECONDS] [-c CONFIGS] [-u RATES] [-o DIR] [--host] [--no-stock] [--no-selftest]" ;;
	esac
	shift
done
[[ $runs =~ ^[1-9][0-9]*$ && $secs =~ ^[1-9][0-9]*$ ]] ||
	die "-r and -s take whole numbers"

# What the benchmark needs beyond the build (scripts/install-deps.sh has
# the rest): iperf3 in L1, libaio.a for the static fio, matplotlib.
mapfile -t missing < <(missing_packages "${bench_packages[@]}")
if [ ${#missing[@]} -gt 0 ]; then
	log "installing ${#missing[@]} packages: ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 ||
		die "cannot install ${missing[*]}"
fi

qemu=$BUILD/qemu/work/build/qemu-system-x86_64
perf=$BUILD/linux/work/tools/testing/selftests/kvm/x86_64/ioregionfd_perf_test
[ -x "$qemu" ] || die "no $qemu; run make qemu first"
scripts/bench-tools.sh
scripts/l2-generic-fetch.sh >/dev/null
E2E_BENCH_TOOLS=1 e2e/build-initramfs.sh
E2E_BENCH_TOOLS=1 E2E_L2_FLAVOUR=generic e2e/build-initramfs.sh
l1_net_modules >/dev/null || die "no tun/tap modules of the L1 kernel"

out=${out:-$BUILD/bench/run-$(date -u +%Y%m%d-%H%M%S)}
mkdir -p "$out"
out=$(cd "$out" && pwd)
csv=$out/results.csv
[ -f "$csv" ] || echo "kvm,config,mode,run,metric,value" >"$csv"
bench_args=(-r "$runs" -s "$secs" ${configs:+-c "$configs"} ${udp:+-u "$udp"})
failed=0

# RESULT lines of an l1-bench output -> CSV rows; FAILED lines are kept.
collect() {	# KVM FILE
	awk -v k="$1" '$1 == "RESULT" { print k "," $2 "," $3 "," $4 "," $5 "," $6 }' "$2" >>"$csv"
	grep '^FAILED ' "$2" | sed "s/^/$1 /" >>"$out/failed.txt" || true
}

if [ "$host" = 1 ]; then
	[ -c /dev/kvm ] || die "no /dev/kvm"
	if [ -e /sys/module/kvm/parameters/ioregion_poll_ns ]; then
		kvm=patched
	else
		kvm=stock
	fi
	k=()
	[ "$kvm" = stock ] || [ "$selftest" = 0 ] || [ ! -x "$perf" ] || k=(-k "$perf")
	log "this host's kvm.ko is the $kvm one: e2e/l1-bench ${bench_args[*]} ${k[*]} (figures: $out/$kvm.out, log: $out/$kvm.log)"
	e2e/l1-bench "${bench_args[@]}" "${k[@]}" "$qemu" >"$out/$kvm.out" 2>"$out/$kvm.log" || failed=1
	collect "$kvm" "$out/$kvm.out"
else
	[ -x "$perf" ] || [ "$selftest" = 0 ] || die "no $perf; run make linux first"
	make -s -C harness
	bench_need_idle_host
	kvms=(patched)
	[ "$stock" = 0 ] || kvms+=(stock)
	for kvm in "${kvms[@]}"; do
		k=()
		[ "$kvm" = stock ] || [ "$selftest" = 0 ] || k=(-k "$perf")
		res=$out/l1-$kvm
		rm -rf "$res"
		mkdir -p "$res"
		log "L1 with the $kvm kvm.ko (2 CPUs, a VM held open): e2e/l1-bench ${bench_args[*]} ${k[*]} (log: $res/output)"
		harness/l1-run --modules $kvm --smp 2 --hold-vm --timeout 10800 -q \
			--results "$res" -- e2e/l1-bench "${bench_args[@]}" "${k[@]}" "$qemu" \
			>"$out/$kvm.log" 2>&1 || failed=1
		collect "$kvm" "$res/output"
	done
fi

{
	echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "setup=$([ "$host" = 1 ] && echo host || echo "nested: L1 2 CPUs under TCG")"
	echo "host_cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
	echo "host_cores=$(nproc)"
	echo "runs=$runs"
	echo "seconds=$secs"
	echo "l2_kernels=$KREL (microvm), $(l2_generic_krel) (q35, pc)"
} >"$out/setup.txt"
/usr/bin/python3 scripts/bench-report.py "$out" || die "the report failed"
if [ -s "$out/failed.txt" ] || [ "$failed" = 1 ]; then
	warn "some pieces failed (see $out/failed.txt and the logs); the report has the rest"
	exit 1
fi
log "report: $out/report.md; figures: $csv; plots: $out/plots"
