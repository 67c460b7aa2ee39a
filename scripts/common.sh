# Shared settings of the build scripts.  Sourced, not run.
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
case $BUILD in /*) ;; *) BUILD=$PWD/$BUILD ;; esac

# Debian bookworm-security's 6.12 kernel the series was last built against.
LINUX_DEB_VERSION_PIN=6.12.117-1~deb12u1
LINUX_FLAVOUR=${LINUX_FLAVOUR:-cloud-amd64}
LINUX_CC=${LINUX_CC:-x86_64-linux-gnu-gcc-12}

log() { printf '== %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# What building and testing the series needs from Debian's archive
# (scripts/install-deps.sh installs them).
deps_packages=(
	# kernel modules and KVM selftests
	make gcc-12 libc6-dev flex bison bc libelf-dev libssl-dev dwarves
	rsync xz-utils cpio kmod git
	# scripts/checkpatch.pl's spdxcheck.py
	python3 python3-ply python3-git
	# the nested L1 harness
	qemu-system-x86 qemu-system-common busybox-static
	# tap devices in L1 (ip tuntap) for the vhost end-to-end test
	iproute2
	# QEMU (scripts/qemu-build.sh): build dependencies from the machine's
	# apt sources, and the firmware the binary loads (--firmwarepath):
	# qboot for microvm, SeaBIOS, linuxboot_dma.bin and kvmvapic.bin for
	# the q35/pc guests of tests/qemu-e2e-pci, iPXE ROMs for PCI NICs;
	# ccache for QEMU and the kvm modules (scripts/linux-build.sh)
	build-essential pkg-config ninja-build ccache python3-venv
	libglib2.0-dev libpixman-1-dev libslirp-dev zlib1g-dev libfdt-dev
	seabios ipxe-qemu qemu-system-data
	# tests/libvirt-ioregionfd: bookworm's libvirt 9.0 (a private libvirtd;
	# not libvirt-daemon-system, which would start the system one),
	# virsh, virt-xml-validate and its xmllint
	libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients libxml2-utils
	# fuzz/run.sh: libFuzzer targets built with clang
	clang libclang-rt-dev
)

# What scripts/bench.sh needs beyond deps_packages: iperf3 (the server in
# L1 and the guest's client), libaio-dev (libaio.a for the static fio of
# scripts/bench-tools.sh), dpkg-dev (apt-get source), matplotlib (plots).
bench_packages=(iperf3 libaio-dev dpkg-dev python3-matplotlib)

# Those of the packages given that are not installed.
missing_packages() {
	local p installed

	installed=" $(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' "$@" 2>/dev/null |
		awk '$1 == "ii" { printf "%s ", $2 }' || true)"
	for p in "$@"; do
		case $installed in *" $p "*) ;; *) echo "$p" ;; esac
	done
}
all_installed() {
	[ -z "$(missing_packages "$@")" ]
}

# How long each step of make demo and tests/run takes the first time (cold
# caches, 2 cores, a fast link to the archive); again it takes seconds.
step_about() {
	case $1 in
	install-deps) echo "about 3 min on a fresh machine" ;;
	linux-fetch) echo "about 1 min: 200 MB from Debian's archive" ;;
	linux-tree) echo "about 30 s" ;;
	linux-build) echo "about 1-2 min" ;;
	linux-selftests-build) echo "about 30 s" ;;
	qemu-fetch) echo "under a minute: 130 MB from Debian's archive" ;;
	qemu-tree) echo "under a minute" ;;
	qemu-build) echo "about 4-12 min" ;;
	*) echo "a few seconds" ;;
	esac
}

# run_step LOG WHAT CMD...: one line "== WHAT; log: LOG", CMD's output in
# LOG only (V=1: on the console too), then the time it took; on failure
# the last lines of LOG and its path.  Returns CMD's status.
run_step() {
	local log=$1 what=$2 t0=$SECONDS rc=0 t
	local -
	set -o pipefail
	shift 2

	mkdir -p "$(dirname "$log")"
	printf '== %s; log: %s\n' "$what" "$log"
	if [ "${V:-0}" = 1 ]; then
		"$@" 2>&1 | tee "$log" || rc=$?
	else
		"$@" >"$log" 2>&1 </dev/null || rc=$?
	fi
	t=$((SECONDS - t0))
	t=$([ $t -ge 60 ] && echo "$((t / 60)) min $((t % 60)) s" || echo "$t s")
	if [ $rc = 0 ]; then
		printf '   done in %s\n' "$t"
	else
		tail -n 30 "$log" | sed 's/^/   | /'
		printf '   FAILED after %s (exit status %s); the whole log: %s\n' "$t" "$rc" "$log"
	fi
	return $rc
}

# A path the nested harness can hand to L1: its kernel command line is split
# at blanks and virtiofsd's options at commas (harness/l1-run).
plain_path() {
	case $1 in *[!A-Za-z0-9_./+:@=-]*) return 1 ;; esac
}

linux_env() {
	[ -f "$BUILD/linux/env" ] || die "run scripts/linux-fetch.sh first"
	. "$BUILD/linux/env"
	LINUX_HDR=$BUILD/linux/root/usr/src/linux-headers-$KREL
}

# The generic flavour of the cloud kernel's release (after linux_env), for
# L2 guests with PCI NICs the cloud kernel lacks (scripts/l2-generic-fetch.sh
# extracts it into $BUILD/l2-generic/root).
l2_generic_krel() {
	echo "${KREL/-cloud-/-}"
}

# KVM selftests run by the test suite: ours first, then upstream tests
# that pass with the stock modules and exercise paths the series touches.
kvm_selftests() {
	echo x86_64/ioregionfd_test
	echo x86_64/userspace_io_test x86_64/sync_regs_test \
	     x86_64/userspace_msr_exit_test \
	     x86_64/platform_info_test set_memory_region_test \
	     kvm_binary_stats_test kvm_create_max_vcpus
}

# What scripts/linux-selftests.sh builds: the tests above, and the
# benchmark (scripts/bench-kvm.sh), which the suite does not run.
kvm_selftests_built() {
	kvm_selftests
	echo x86_64/ioregionfd_perf_test
}

# The subtests of ioregionfd_test whose point is concurrency (several vCPUs
# on one read_fd, signals during waits, waits for room, VM destruction
# with accesses pending), with sizes for a run in an L1 with two CPUs:
# environment assignments first, then kselftest_harness options
# (tests/l1-kvm-selftests -x).
concurrency_subtests() {
	echo "IOREGIONFD_HAMMER_ITERS=3000 IOREGIONFD_STORM_ITERS=1000" \
	     "IOREGIONFD_VSTORM_ITERS=3000" \
	     "-t hammer -t signal_storm -t rmw -t string_io -t full_wire" \
	     "-t deassign_blocked -t pipe_mutex -t vcpu_storm -t vm_destroy -t chaos"
}

# ---------------------------------------------------------------------------
# QEMU

# Debian trixie's qemu source package the QEMU series was last built
# against (only its upstream .orig.tar.xz is used, not debian/patches).
QEMU_DEB_VERSION_PIN=1:10.0.13+ds-0+deb13u1
QEMU_SUITE=${QEMU_SUITE:-trixie}
# QEMU 10.0 needs meson >= 1.5 and pycotap >= 1.1: bookworm-backports.
QEMU_MESON_MIN=1.5
QEMU_PYCOTAP_MIN=1.1
DEBIAN_KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg

# The Debian archive the machine's apt uses (its debian.sources).
debian_mirror() {
	local u
	u=$(awk '/^URIs:/ && !/security/ { print $2; exit }' \
		/etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
	echo "${u:-http://deb.debian.org/debian}"
}

# apt fetches as the user _apt, which cannot write to a folder of ours (or
# reach one under /root): it then warns and fetches as root.  Say so first.
APT_AS_ROOT=(-o APT::Sandbox::User=root)

# A private apt configuration in DIR: its own sources list (the lines on
# stdin), lists and cache; the machine's dpkg status is read, /etc/apt is
# never written.  Use it as: apt-get -c DIR/apt.conf ...
private_apt() {
	local dir=$1
	mkdir -p "$dir/sources.list.d" "$dir/state/lists/partial" \
		"$dir/cache/archives/partial"
	cat > "$dir/sources.list"
	cat > "$dir/apt.conf" <<EOC
Dir::Etc::SourceList "$dir/sources.list";
Dir::Etc::SourceParts "$dir/sources.list.d";
Dir::State "$dir/state";
Dir::State::status "/var/lib/dpkg/status";
Dir::Cache "$dir/cache";
APT::Sandbox::User "root";
EOC
}

# Where scripts/qemu-build.sh, scripts/linux-build.sh and
# scripts/debug-kernel.sh put ccache's cache: the user's cache folder, so
# that every clone on a machine (CI runs in a fresh one) shares it; under
# build/ without a home of this user's.
# A relative XDG_CACHE_HOME is ignored, as the XDG spec says.
if [ -z "${QEMU_CCACHE_DIR:-}" ]; then
	if [[ ${XDG_CACHE_HOME:-} = /* ]]; then
		QEMU_CCACHE_DIR=$XDG_CACHE_HOME/ioregionfd/ccache
	elif [ -n "${HOME:-}" ] && [ -O "$HOME" ] && [ -w "$HOME" ]; then
		QEMU_CCACHE_DIR=$HOME/.cache/ioregionfd/ccache
	else
		QEMU_CCACHE_DIR=$BUILD/ccache
	fi
fi

# ccache_env TREE: export what a build of TREE needs to share that cache
# with every other tree (the series checks' prefixes, every clone's
# build).  ccache would hash the build directory (the objects carry debug
# info, -g) unless CCACHE_NOHASHDIR; CCACHE_BASEDIR, which must be
# absolute, makes the absolute paths under TREE relative.
ccache_env() {
	local base

	base=$(cd "$1" && pwd) || die "ccache_env: no directory $1"
	export CCACHE_DIR=$QEMU_CCACHE_DIR CCACHE_NOHASHDIR=1
	export CCACHE_BASEDIR=$base CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
	mkdir -p "$CCACHE_DIR"
}

qemu_env() {
	[ -f "$BUILD/qemu/env" ] || die "run scripts/qemu-fetch.sh first"
	. "$BUILD/qemu/env"
}

# Debian's +ds tarball has no firmware blobs, and configure stops at the
# missing pc-bios/edk2-*.fd.bz2 unless pc-bios/meson.build's
# "if unpack_edk2_blobs" is off (what Debian's skip-unpack-edk2-blobs patch
# does).  That is a setting of our build, not a change of the series:
# qemu-build.sh edits the file in the tree it builds and marks it
# skip-worktree, so that git status, commit -a and the exported patches
# never see the edit; qemu_edk2_restore undoes both before git rewrites
# the tree (am, reset, checkout).  Both keep the file's mtime, so toggling
# does not make ninja reconfigure.
qemu_edk2_off() {
	local t=$1 f=$1/pc-bios/meson.build m
	if grep -q '^if unpack_edk2_blobs$' "$f"; then
		m=$(stat -c %Y "$f")
		sed -i 's/^if unpack_edk2_blobs$/if false # unpack_edk2_blobs: off, see scripts\/common.sh/' "$f"
		touch -d "@$m" "$f"
	elif ! grep -q '^if false # unpack_edk2_blobs' "$f"; then
		die "$f: no 'if unpack_edk2_blobs' line to turn off"
	fi
	if git -C "$t" rev-parse --git-dir >/dev/null 2>&1; then
		git -C "$t" update-index --skip-worktree pc-bios/meson.build
	fi
}
qemu_edk2_restore() {
	local t=$1 f=$1/pc-bios/meson.build m
	git -C "$t" rev-parse --git-dir >/dev/null 2>&1 || return 0
	git -C "$t" update-index --no-skip-worktree pc-bios/meson.build 2>/dev/null || return 0
	# Only our one-line edit is undone; other edits stay, now visible.
	if [ -f "$f" ] && git -C "$t" show :pc-bios/meson.build |
		sed 's/^if unpack_edk2_blobs$/if false # unpack_edk2_blobs: off, see scripts\/common.sh/' |
		cmp -s - "$f"; then
		m=$(stat -c %Y "$f")
		git -C "$t" checkout -q -- pc-bios/meson.build
		touch -d "@$m" "$f"
		git -C "$t" update-index -q --refresh || true
	fi
}

# The L1 kernel's modules for tap devices and vhost-net, uncompressed (for
# busybox insmod in L1), in $BUILD/e2e/l1-modules; prints that folder.
l1_net_modules() {
	local dir=$BUILD/e2e/l1-modules m f

	if [ ! -f "$dir/vhost_net.ko" ]; then
		mkdir -p "$dir" || return 1
		for m in tun tap vhost_iotlb vhost vhost_net; do
			f=$(find "$BUILD"/linux/root/lib/modules/*/kernel/drivers \
				-name "$m.ko.xz" | head -1)
			[ -n "$f" ] && xz -dc "$f" >"$dir/$m.ko.tmp" &&
				mv "$dir/$m.ko.tmp" "$dir/$m.ko" || return 1
		done
	fi
	echo "$dir"
}

# Benchmarks: cross-thread hand-offs in L1 get many times slower when the
# host is busy (harness/README.md, Flakiness).  Refuse to measure next to
# another L1 or a compiler, unless BENCH_BUSY_OK=1.
bench_need_idle_host() {
	local busy

	[ "${BENCH_BUSY_OK:-0}" = 1 ] && return 0
	busy=$(ps -eo args= | grep -E '^[^ ]*(qemu-system-x86_64 .*l1-init|cc1 |cc1plus |rustc )' |
		grep -v grep | head -3 | cut -c1-100 || true)
	[ -z "$busy" ] ||
		die "the host is busy (another L1 or a build runs; BENCH_BUSY_OK=1 measures anyway):
$busy"
}
