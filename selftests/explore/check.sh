#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh ARCH [KERNEL]: the failure-injection and explore suite for one
# architecture (x86_64 or arm64) and kernel (default 6.1), as scripts/check
# runs it after scripts/build-arch ARCH KERNEL built memsan.ko, memsan-ctl,
# json_check and examples/error_paths/.  Runs explore_tests.sh in a QEMU
# guest; prints KTAP.
#
# Environment: EXPLORE_LOG (console log; default build/check/console-explore-ARCH.log).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
arch=${1:-x86_64}
kernel=${2:-6.1}
case $arch in
x86_64) want="X86-64" ;;
arm64) want="AArch64" ;;
*) echo "check.sh: unsupported arch '$arch' (x86_64 or arm64)" >&2; exit 2 ;;
esac

for f in kmod/memsan.ko examples/error_paths/error_paths.ko examples/error_paths/error_paths_fixed.ko; do
	if ! LC_ALL=C readelf -h "$REPO/$f" 2>/dev/null | grep "Machine:.*$want" >/dev/null; then
		echo "KTAP version 1"
		echo "1..1"
		echo "not ok 1 explore $arch: $f is missing or not $arch (run scripts/build-arch $arch)"
		exit 1
	fi
done

mkdir -p "$REPO/build/check"
exec "$REPO/qemu-scripts/vm-run" --kernel "$kernel" --arch "$arch" --timeout 900 \
	--log "${EXPLORE_LOG:-$REPO/build/check/console-explore-$arch.log}" \
	--file "$HERE/explore_tests.sh" \
	--file "$REPO/examples/error_paths/error_paths.ko" \
	--file "$REPO/examples/error_paths/error_paths_fixed.ko" \
	--file "$REPO/userspace-ctl/tests/json_check" -- 'sh explore_tests.sh'
