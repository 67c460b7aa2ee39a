# Shared settings of the build scripts.  Sourced, not run.
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}

# Debian bookworm-security's 6.12 kernel the series was last built against.
LINUX_DEB_VERSION_PIN=6.12.117-1~deb12u1
LINUX_CC=${LINUX_CC:-x86_64-linux-gnu-gcc-12}

log() { printf '== %s\n' "$*" >&2; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

linux_env() {
	[ -f "$BUILD/linux/env" ] || die "run scripts/linux-fetch.sh first"
	. "$BUILD/linux/env"
	LINUX_HDR=$BUILD/linux/root/usr/src/linux-headers-$KREL
}
