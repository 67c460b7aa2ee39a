#!/bin/bash
# What the README's commands (make demo, tests/run) need, checked in a few
# seconds before anything is installed, fetched or built: an x86-64 Debian
# machine, root, a clone at a path the nested harness can share with L1,
# free disk space for $BUILD, and Debian's archive within reach.  One line
# per check; a failed one says what is wrong and what to do.  Exit status 1
# if any check failed.
#
# Usage: scripts/preflight.sh [--deps]
#   --deps  only what installing the packages needs (scripts/install-deps.sh)
# Env:   PREFLIGHT_MIN_GIB  free space a cold $BUILD needs (default 10)
set -euo pipefail
. "$(dirname "$0")/common.sh"

deps_only=0
[ "${1:-}" = --deps ] && deps_only=1

failed=0
ok() { printf '   ok    %s\n' "$*"; }
note() { printf '   note  %s\n' "$*"; }
bad() { printf '   FAIL  %s\n' "$*"; failed=1; }

gib() {	# KiB -> GiB, one decimal
	awk -v k="$1" 'BEGIN { printf "%.1f", k / 1048576 }'
}

check_machine() {
	local m cpus mem os=

	m=$(uname -m)
	cpus=$(nproc)
	mem=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)
	if [ "$m" = x86_64 ]; then
		ok "x86-64 CPU ($cpus CPUs, $(gib "$mem") GiB memory)"
	else
		bad "this is a $m machine: the kvm.ko series, the L1 harness (AMD SVM under TCG) and the demo are x86-64 only; use an x86-64 machine"
	fi
	[ "$mem" -ge $((3 * 1048576)) ] ||
		bad "$(gib "$mem") GiB of memory: L1 alone takes 2 GiB, and the builds need about 1 more; use a machine with at least 4 GiB"
	[ -r /etc/os-release ] && os=$(. /etc/os-release && echo "${ID:-}/${VERSION_CODENAME:-} (${PRETTY_NAME:-})")
	if ! command -v apt-get >/dev/null || ! command -v dpkg >/dev/null; then
		bad "no apt-get or dpkg: this needs Debian bookworm (the packages, the kernel and QEMU come from Debian's archive)"
	elif [ "${os%% *}" = debian/bookworm ]; then
		ok "Debian bookworm"
	else
		note "this is ${os:-an unknown system}, not Debian bookworm: package names and the pinned kernel are bookworm's, so expect trouble"
	fi
}

check_root() {
	if [ "$(id -u)" = 0 ]; then
		ok "running as root"
	else
		bad "not running as root: installing packages (apt-get), mounting and building in L1 need root; run it again as root (sudo make demo, sudo tests/run)"
	fi
}

# The nested harness shares the clone and $BUILD with L1 (harness/README.md):
# any location works, but the paths go on L1's kernel command line.
check_paths() {
	local what=$1 p=$2

	if ! plain_path "$p"; then
		bad "$what '$p' has blanks or other characters L1's kernel command line cannot carry (use letters, digits and _ . / + : @ = -); clone again elsewhere, e.g. git clone '$TOP' /root/ioregionfd"
		return
	fi
	case $p/ in
	/proc/*|/sys/*) bad "$what cannot be under $p"; return ;;
	esac
	ok "$what at $p (any path without blanks works, /tmp and /run too)"
}

check_build_dir() {
	local min=${PREFLIGHT_MIN_GIB:-10} used avail need

	if ! mkdir -p "$BUILD" 2>/dev/null || ! [ -w "$BUILD" ]; then
		bad "cannot write to $BUILD: make it writable, or set BUILD to a writable folder"
		return
	fi
	# What is built already does not need the space again.
	used=$(timeout 10 du -sk "$BUILD" 2>/dev/null | awk '$1 > 1048576 { print $1 }') || used=
	avail=$(df -Pk "$BUILD" | awk 'NR == 2 { print $4 }')
	need=$((min * 1048576 - ${used:-0}))
	[ "$need" -ge 1048576 ] || need=1048576
	if [ "$avail" -ge "$need" ]; then
		ok "$(gib "$avail") GiB free for $BUILD (a full build takes about 8 GiB${used:+, $(gib "$used") GiB of it there already})"
	else
		bad "only $(gib "$avail") GiB free for $BUILD, $(gib "$need") GiB needed (a full build takes about 8 GiB): free some space, or set BUILD to a folder on a larger file system"
	fi
}

# The security archive the machine's apt uses (its debian.sources).
security_mirror() {
	local u
	u=$(awk '/^URIs:/ && /security/ { print $2; exit }' \
		/etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
	echo "${u:-http://deb.debian.org/debian-security}"
}

# HEAD of an http URL answers 2xx or 3xx within 5 s (through apt's proxy if
# it has one); an https one takes a connection.  bash's /dev/tcp: curl and
# wget are not on a base system, and a bare connection is not enough (a
# transparent proxy may accept any).
url_answers() {	# URL
	local url=$1 scheme host port path proxy target name

	scheme=${url%%://*} host=${url#*://} path=/${host#*/}
	host=${host%%/*}
	[ "$path" != "/$host" ] || path=/
	port=${host##*:}
	[ "$port" != "$host" ] && host=${host%:*} ||
		{ [ "$scheme" = https ] && port=443 || port=80; }
	target=$path name=$host
	proxy=$(apt-config dump 2>/dev/null |
		sed -n "s|^Acquire::$scheme::Proxy \"http://\([^/\"]*\).*|\1|p" | head -1)
	if [ -n "$proxy" ]; then
		proxy=${proxy##*@} target=$url
		host=${proxy%:*} port=${proxy##*:}
		[ "$port" != "$host" ] || port=80
	fi
	timeout 5 bash -c '
		exec 3<>"/dev/tcp/$1/$2" || exit 1
		[ "$3" = https ] && [ -z "$5" ] && exit 0
		printf "HEAD %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" "$4" "$6" >&3
		read -r line <&3 && [[ $line =~ ^HTTP/[0-9.]+\ [23] ]]' \
		sh "$host" "$port" "$scheme" "$target" "$proxy" "$name" 2>/dev/null
}

# Something is still to be installed or fetched.
needs_archive() {
	[ "$deps_only" = 1 ] && ! all_installed "${deps_packages[@]}" && return 0
	[ "$deps_only" = 1 ] && return 1
	! all_installed "${deps_packages[@]}" ||
		! ls "$BUILD"/linux/.fetched-* >/dev/null 2>&1 ||
		! ls "$BUILD"/qemu/.fetched-* >/dev/null 2>&1
}

# The suites the build fetches from: bookworm (packages, and
# bookworm-backports, and trixie's QEMU source, from the same mirror) and
# bookworm-security (the 6.12 kernel).
check_archive() {
	local u failed_urls= hosts=

	for u in "$(debian_mirror)/dists/bookworm/InRelease" \
		 "$(security_mirror)/dists/bookworm-security/InRelease"; do
		if url_answers "$u"; then
			u=${u#*://}
			case " $hosts " in *" ${u%%/*} "*) ;; *) hosts+=" ${u%%/*}" ;; esac
		else
			failed_urls+=" $u"
		fi
	done
	if [ -z "$failed_urls" ]; then
		ok "Debian's archive reachable:$hosts"
	elif needs_archive; then
		bad "no answer from$failed_urls within 5 s: the packages, the kernel and QEMU come from Debian's archive; check the network, or apt's proxy (Acquire::http::Proxy)"
	else
		note "no answer from$failed_urls, but everything is installed and fetched already"
	fi
}

start=$EPOCHREALTIME
echo "== preflight: checking what the build needs (a few seconds)"
check_machine
check_root
check_archive
if [ "$deps_only" = 0 ]; then
	check_paths "the clone" "$TOP"
	[ "$BUILD" = "$TOP/build" ] || check_paths "the build folder (\$BUILD)" "$BUILD"
	check_build_dir
	note "/dev/kvm on this machine is not needed: L1 runs under TCG (QEMU's emulator, AMD SVM included), and the patched kvm.ko is loaded there"
fi
t=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
if [ "$failed" = 0 ]; then
	echo "== preflight: ok (${t} s)"
else
	echo "== preflight: FAILED (${t} s): fix the FAIL lines above; nothing was installed or built" >&2
	exit 1
fi
