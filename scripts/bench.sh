#!/bin/bash
# The evaluation (make bench; docs/performance.md): every benchmark of
# both series, in the modes off / ioregionfd / ioregionfd with polling /
# fallback, with tables, plots and the raw figures.
#
# Nested (the default): L1 boots with two CPUs and a VM held open
# (harness/l1-run):
#   patched kvm.ko  the kernel's ioregionfd_perf_test (reads and posted
#                   writes against KVM_EXIT_MMIO inline, relayed, and
#                   ioeventfd; 1 and 4 vCPUs; polling off and on, and
#                   with the device thread polling too)
#   then, for each run:
#   patched kvm.ko  e2e/l1-bench: each configuration's L2 guest with
#                   use-ioregionfd=off and =on, and =on with the IOThread
#                   and KVM polling (mode poll)
#   stock kvm.ko    e2e/l1-bench again: off, and on = the fallback
# so every ratio compares two modes of one L1 boot.
# --host: no harness; e2e/l1-bench (and the perf test, when the loaded
# kvm.ko is the patched one) run on this machine, as they would on a
# bare-metal host: run it once with each kvm.ko, with the same -o DIR, to
# get every column (each replaces the figures of its kvm.ko in DIR).
#
# Output in DIR (default $BUILD/bench/run-DATE): results.csv (kvm, config,
# mode, run, metric, value: every figure of every run), failed.txt and
# stopped.txt (L1s that stopped and were woken), the logs of each L1, and
# what scripts/bench-report.py makes of them: report.md (tables: median
# and spread, ratios against off), summary.json, plots/*.png.
#
# usage: scripts/bench.sh [-r RUNS] [-i FIRST] [-s SECONDS] [-c CONFIGS]
#                         [-u RATES] [-o DIR] [--host] [--no-stock]
#                         [--no-selftest] [--no-poll] [-t SECONDS]
#                         [--smp N] [--tries N]
#   -r, -s, -c, -u  as e2e/l1-bench (defaults 3 runs, 3 s, every
#                   configuration, UDP at 50, 200 and 800 Mbit/s);
#                   -c none: the kernel's benchmark alone
#   -i FIRST        number the runs from FIRST and add them to DIR's
#                   figures (more runs, or runs that failed, later)
#   --no-poll       leave out the mode with polling (off and ioregionfd
#                   only: shorter, and the nested setup loses L1 boots
#                   in it more often)
#   -t SECONDS      end an L1 boot that takes longer (default 10800): a
#                   hung L1 is then tried once more, as one that ends
#                   early; a guest fails after a third of it (at most
#                   900 s, l1-bench -T).  An L1 that froze (its heartbeat
#                   stopped for 2 minutes: l1-run --stall) is ended then
#                   and tried again as well.
#   --tries N       boots of each piece before it counts as failed
#                   (default 2)
#   --smp N         L1's CPUs (default 2; the device threads need a CPU of
#                   their own, so only a smoke test of the pipeline, whose
#                   figures mean nothing, should take 1)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
cd "$TOP"
linux_env

runs=3 first=1 secs=3 configs= udp= out= host=0 stock=1 selftest=1 poll=1
l1_timeout=10800 smp=2 tries=2
while [ $# -gt 0 ]; do
	case $1 in
	-r) runs=${2:?}; shift ;;
	-s) secs=${2:?}; shift ;;
	-c) configs=${2:?}; shift ;;
	-i) first=${2:?}; shift ;;
	-u) udp=${2:?}; shift ;;
	-o) out=${2:?}; shift ;;
	-t) l1_timeout=${2:?}; shift ;;
	--smp) smp=${2:?}; shift ;;
	--tries) tries=${2:?}; shift ;;
	--host) host=1 ;;
	--no-stock) stock=0 ;;
	--no-selftest) selftest=0 ;;
	--no-poll) poll=0 ;;
	*) echo "usage: scripts/bench.sh [-r RUNS] [-i FIRST] [-s SECONDS] [-c CONFIGS] [-u RATES] [-o DIR] [--host] [--no-stock] [--no-selftest] [--no-poll] [-t SECONDS] [--smp N] [--tries N]" >&2
	   exit 2 ;;
	esac
	shift
done
[[ $runs =~ ^[1-9][0-9]*$ && $first =~ ^[1-9][0-9]*$ && $secs =~ ^[1-9][0-9]*$ &&
   $l1_timeout =~ ^[1-9][0-9]*$ && $smp =~ ^[1-9][0-9]*$ && $tries =~ ^[1-9][0-9]*$ ]] ||
	die "-r, -i, -s, -t, --smp and --tries take whole numbers"

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
configs=${configs:-microvm,microvm-vhost,q35-virtio,q35-e1000-nvme,pc-rtl8139}
guest_timeout=$((l1_timeout / 3 < 900 ? l1_timeout / 3 : 900))
bench_args=(-s "$secs" -T "$((guest_timeout > 0 ? guest_timeout : 1))" ${udp:+-u "$udp"})
failed=0

# RESULT lines of an l1-bench output -> CSV rows (those of KVM before,
# from an earlier --host run into the same DIR, are replaced); FAILED
# lines go to failed.txt.
collect() {	# KVM FILE
	[ -f "$2" ] || { echo "$1 FAILED no output: $2" >>"$out/failed.txt"; return 0; }
	awk -v k="$1" '$1 == "RESULT" { print k "," $2 "," $3 "," $4 "," $5 "," $6 }' "$2" >>"$csv"
	grep '^FAILED ' "$2" | sed "s/^/$1 /" >>"$out/failed.txt" || true
}
# Start DIR's figures of KVM afresh.
fresh() {	# KVM
	local f

	[ -f "$csv" ] || echo "kvm,config,mode,run,metric,value" >"$csv"
	grep -v "^$1," "$csv" >"$csv.tmp" || true
	mv "$csv.tmp" "$csv"
	for f in failed stopped; do
		[ ! -f "$out/$f.txt" ] || { grep -v "^$1 " "$out/$f.txt" >"$out/$f.tmp" || true; mv "$out/$f.tmp" "$out/$f.txt"; }
	done
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
	bench_need_idle_host
	[ "$first" != 1 ] || fresh $kvm
	modes=off,on
	[ "$kvm" = stock ] || [ $poll = 0 ] || modes+=,poll
	log "this host's kvm.ko is the $kvm one: e2e/l1-bench -r $runs -m $modes ${bench_args[*]} ${k[*]} (figures: $out/$kvm.out, log: $out/$kvm.log)"
	e2e/l1-bench -r "$runs" -i "$first" -c "$configs" -m "$modes" "${bench_args[@]}" -l "$out/logs-$kvm" "${k[@]}" "$qemu" \
		>"$out/$kvm.out" 2>"$out/$kvm.log" || failed=1
	collect "$kvm" "$out/$kvm.out"
else
	[ -x "$perf" ] || [ "$selftest" = 0 ] || die "no $perf; run make linux first"
	make -s -C harness
	bench_need_idle_host
	if [ "$first" = 1 ]; then
		fresh patched
		fresh stock
	fi
	# One L1 boot per piece, so that a fault of the nested setup (see
	# docs/performance.md, "Reliability of the setup") costs that piece
	# only, and a boot that ends early is tried once more (its figures
	# are kept only from the last try, so each ratio stays within one
	# boot):
	#   the kernel's benchmark, all runs, in one boot of its own;
	#   then for each run and configuration: patched kvm.ko, stock kvm.ko.
	# An L1 whose heartbeat stopped, so that l1-run pressed a key: said
	# in the report, with the uptimes and lengths of the stops.
	stopped() {	# KVM NAME RESULTS
		[ -s "$3/l1-kicks" ] || return 0
		echo "$1 L1 $2: $(awk '{ printf "%s%s s at uptime %s", (NR > 1 ? ", " : ""), $2, $1 }' "$3/l1-kicks")" >>"$out/stopped.txt"
		warn "L1 $2 stopped, and l1-run pressed a key (see $3/l1-kicks)"
	}
	why() {	# L1-RUN-LOG: the line that says how L1 ended
		grep -m1 -E 'FAILED|TIMEOUT|FROZE|init failed' "$1" || tail -1 "$1"
	}
	l1() {	# NAME KVM L1-BENCH-ARGS...
		local name=$1 kvm=$2 res try
		shift 2
		for try in $(seq "$tries"); do
			res=$out/l1-$name
			[ "$try" = 1 ] || res+=-retry
			[ "$try" -le 2 ] || res+=$try
			rm -rf "$res"
			mkdir -p "$res"
			log "L1 with the $kvm kvm.ko ($smp CPUs, a VM held open): e2e/l1-bench $* (log: $res/output)"
			if harness/l1-run --modules "$kvm" --smp "$smp" --hold-vm --timeout "$l1_timeout" --stall 120 --tries 1 -q \
				--results "$res" -- e2e/l1-bench "$@" -l "$res/logs" "$qemu" \
				>"$res.log" 2>&1; then
				collect "$kvm" "$res/output"
				stopped "$kvm" "$name" "$res"
				return 0
			fi
			# l1-bench's own failures are in its FAILED lines, and
			# l1-bench then exits 1; anything else is L1's end.
			if grep -q "^l1-run: CMD exit status 1;" "$res.log"; then
				collect "$kvm" "$res/output"
				stopped "$kvm" "$name" "$res"
				return 1
			fi
			warn "L1 $name ended early ($(why "$res.log"))"
		done
		collect "$kvm" "$res/output"
		echo "$kvm FAILED L1 $name $tries times: $(why "$res.log")" >>"$out/failed.txt"
		return 1
	}
	[ "$selftest" = 0 ] || l1 selftest patched -r "$runs" -c none -k "$perf" || failed=1
	kvms=(patched)
	[ "$stock" = 0 ] || kvms+=(stock)
	if [ "$configs" != none ]; then
		for run in $(seq "$first" $((first + runs - 1))); do
			for c in ${configs//,/ }; do
				for kvm in "${kvms[@]}"; do
					modes=off,on
					[ "$kvm" = stock ] || [ $poll = 0 ] || modes+=,poll
					l1 "$kvm-$c-$run" $kvm -r 1 -i "$run" -c "$c" -m "$modes" "${bench_args[@]}" || failed=1
				done
			done
		done
	fi
fi

{
	echo "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	echo "setup=$([ "$host" = 1 ] && echo host || echo "nested: L1 $smp CPU$([ "$smp" = 1 ] || echo s) under TCG")"
	echo "host_cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
	echo "host_cores=$(nproc)"
	echo "runs=$((first + runs - 1))"
	echo "seconds=$secs"
	echo "l2_kernels=$KREL (microvm), $(l2_generic_krel) (q35, pc)"
} >"$out/setup.txt"
/usr/bin/python3 scripts/bench-report.py "$out" || die "the report failed"
if [ -s "$out/failed.txt" ] || [ "$failed" = 1 ]; then
	warn "some pieces failed (see $out/failed.txt and the logs); the report has the rest"
	exit 1
fi
log "report: $out/report.md; figures: $csv; plots: $out/plots"
