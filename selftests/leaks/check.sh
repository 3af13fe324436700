#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh ARCH [KERNEL]: the leak suite for one architecture (x86_64 or
# arm64) and kernel (default 6.1), as scripts/check runs it after
# scripts/build-arch ARCH KERNEL built memsan.ko and memsan-ctl: builds
# leak_victim.ko against that Debian kernel's headers (in its build root for
# the gcc-14 kernels: scripts/kmake), then runs run_leaks.sh in a QEMU guest.
# Prints KTAP; a build failure is one failed test point.  Exit status 0 iff
# all passed.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
arch=${1:-x86_64}
kernel=${2:-6.1}
case $arch in
x86_64|arm64) ;;
*) echo "check.sh: unsupported arch '$arch' (x86_64 or arm64)" >&2; exit 2 ;;
esac

fail() {
	echo "KTAP version 1"
	echo "1..1"
	echo "not ok 1 leaks $arch: $1"
	exit 1
}

want="X86-64"
[ "$arch" = arm64 ] && want="AArch64"
LC_ALL=C readelf -h "$REPO/kmod/memsan.ko" 2>/dev/null | grep -q "Machine:.*$want" ||
	fail "kmod/memsan.ko is missing or not $arch (run scripts/build-arch $arch)"

kmake=("$REPO/scripts/kmake" --kernel "$kernel" --arch "$arch" M="$HERE")

mkdir -p "$REPO/build/check"
blog=$REPO/build/check/leaks-build-$arch.log
"${kmake[@]}" clean >/dev/null 2>&1
if ! "${kmake[@]}" modules >"$blog" 2>&1; then
	tail -n 20 "$blog" | sed 's/^/# /'
	fail "build of leak_victim.ko (see $blog)"
fi
LC_ALL=C readelf -h "$HERE/leak_victim.ko" | grep -q "Machine:.*$want" ||
	fail "leak_victim.ko is not $arch"

"$REPO/qemu-scripts/vm-run" --kernel "$kernel" --arch "$arch" --timeout "${LEAKS_TIMEOUT:-900}" \
	--log "${LEAKS_LOG:-$REPO/build/check/console-leaks-$arch.log}" \
	--file "$HERE/leak_victim.ko" --file "$HERE/run_leaks.sh" -- 'sh run_leaks.sh'
