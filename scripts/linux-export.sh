#!/bin/bash
# Write the commits of the Linux work tree back to linux/patches/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/common.sh"
. "$here/series.sh"
series_export "$BUILD/linux/work" "$TOP/linux/patches"
