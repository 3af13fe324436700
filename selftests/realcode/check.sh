#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh ARCH [MODULE...]: the real-code suite for one architecture (x86_64 or arm64),
# as scripts/check runs it after scripts/build-arch ARCH built memsan.ko:
# builds the upstream modules (Makefile here) against that arch's Debian
# kernel headers, then runs run_realcode.sh in a QEMU guest.  Prints KTAP;
# a build failure is one failed test point.  Exit status 0 iff all passed.
#
# Environment: REALCODE_TIMEOUT (guest timeout, s; default 1500),
# REALCODE_LOG (console log; default build/check/console-realcode-ARCH.log),
# MEMSAN_PARAMS (memsan's parameters in the guest).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
arch=${1:-x86_64}
shift
case $arch in
x86_64|arm64) ;;
*) echo "check.sh: unsupported arch '$arch' (x86_64 or arm64)" >&2; exit 2 ;;
esac

# memsan.ko must be this arch's (scripts/build-arch ARCH builds it)
want="X86-64"
[ "$arch" = arm64 ] && want="AArch64"
if ! LC_ALL=C readelf -h "$REPO/kmod/memsan.ko" 2>/dev/null | grep "Machine:.*$want" >/dev/null; then
	echo "KTAP version 1"
	echo "1..1"
	echo "not ok 1 realcode $arch: kmod/memsan.ko is missing or not $arch (run scripts/build-arch $arch)"
	exit 1
fi

eval "$("$REPO/qemu-scripts/fetch-kernel" --arch "$arch" --quiet)" || exit 1
kargs=(KDIR="$KDIR")
[ "$arch" = arm64 ] && kargs+=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)

mkdir -p "$REPO/build/check"
blog=$REPO/build/check/realcode-build-$arch.log
if ! make -C "$HERE" -j2 "${kargs[@]}" >"$blog" 2>&1; then
	echo "KTAP version 1"
	echo "1..1"
	tail -n 20 "$blog" | sed 's/^/# /'
	echo "not ok 1 realcode build $arch (see $blog)"
	exit 1
fi

# every module must be instrumented (call memsan's __asan_* checks), or the
# suite could not see anything
nm="nm"
[ "$arch" = arm64 ] && nm="aarch64-linux-gnu-nm"
while read -r ko; do
	if ! "$nm" -u "$ko" | grep ' __asan_' >/dev/null; then
		echo "KTAP version 1"
		echo "1..1"
		echo "not ok 1 realcode $arch: $ko is not instrumented by memsan.mk"
		exit 1
	fi
done < <(find "$REPO/build/realcode/$arch" -name '*.ko')

# the guest directory: memsan.ko, every module flat, the runner
guest=$REPO/build/realcode/guest-$arch
rm -rf "$guest"
mkdir -p "$guest"
cp "$REPO/kmod/memsan.ko" "$HERE/run_realcode.sh" "$REPO/selftests/lib/ktap.sh" "$guest/"
find "$REPO/build/realcode/$arch" -name '*.ko' -exec cp {} "$guest/" \;
# null_blk needs configfs, a module in Debian's kernel: take it from the
# fetched linux-image package
deb=$(find "$REPO/build/kernel-$arch/debs" -name "linux-image-${KVER}_*.deb" | head -n 1)
if [ -z "$deb" ] || ! dpkg-deb --fsys-tarfile "$deb" |
	tar -x -C "$guest" --strip-components=7 "./lib/modules/$KVER/kernel/fs/configfs/configfs.ko"; then
	echo "# cannot extract configfs.ko from linux-image-$KVER (null_blk will fail)"
fi

start=$(date +%s)
# --allow-warn: test_ida warns on purpose; run_realcode.sh judges every
# warning itself (dmesg_clean).  A large log buffer keeps all of test_ida's.
"$REPO/qemu-scripts/vm-run" --arch "$arch" --timeout "${REALCODE_TIMEOUT:-1500}" \
	--allow-warn --append log_buf_len=8M \
	--log "${REALCODE_LOG:-$REPO/build/check/console-realcode-$arch.log}" \
	--file "$guest" -- "MEMSAN_PARAMS='${MEMSAN_PARAMS:-}' REALCODE_SLOW='${REALCODE_SLOW:-}' \
	sh guest-$arch/run_realcode.sh $*"
rc=$?
echo "# realcode $arch: vm-run exit $rc, $(($(date +%s) - start)) s with the guest's boot"
exit $rc
