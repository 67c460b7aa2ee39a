#!/bin/bash
# Write the commits of the QEMU work tree back to qemu/patches/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
. "$here/series.sh"
series_export "$BUILD/qemu/work" "$TOP/qemu/patches"
