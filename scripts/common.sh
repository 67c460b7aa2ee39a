# Shared settings of the build scripts.  Sourced, not run.
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}

# Debian bookworm-security's 6.12 kernel the series was last built against.
LINUX_DEB_VERSION_PIN=6.12.117-1~deb12u1
LINUX_FLAVOUR=${LINUX_FLAVOUR:-cloud-amd64}
LINUX_CC=${LINUX_CC:-x86_64-linux-gnu-gcc-12}

log() { printf '== %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

linux_env() {
	[ -f "$BUILD/linux/env" ] || die "run scripts/linux-fetch.sh first"
	. "$BUILD/linux/env"
	LINUX_HDR=$BUILD/linux/root/usr/src/linux-headers-$KREL
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
