#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh ARCH: the stress suite's short form, from the host: build
# memsan_stress.ko for ARCH (kmod/ must be built for ARCH already, as
# scripts/build-arch leaves it), run run_stress.sh in a guest, and print TAP:
# the guest's test points, then one for the guest's console (vm-run fails a
# run whose console shows a WARNING, oops, lockup, stall or BUG).
#
# Environment: CHECK_OUT (build/check), STORM_SECONDS, UNLOAD_CYCLES,
# UNLOAD_TOLERANCE_KB, CHURN_SECONDS, FAIL_EVERY, STORM_LATENCY_MS (passed to
# the guest), STRESS_GUEST (the guest command: ./run_stress.sh; soak.sh runs
# ./soak_guest.sh), STRESS_TIMEOUT (900 s; a healthy run takes 3-4 min on an idle
# host, an unload cycle 10-20 s on a host loaded 5 times over).
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO" || exit 1
arch=${1:-x86_64}
OUT=${CHECK_OUT:-$REPO/build/check}
mkdir -p "$OUT"
log=$OUT/stress-build-$arch.log

echo "TAP version 13"
if ! eval "$(qemu-scripts/fetch-kernel --arch "$arch" --quiet)"; then
	echo "not ok 1 stress $arch: fetch-kernel failed"
	echo "1..1"
	exit 1
fi
kargs=(KDIR="$KDIR")
[ "$arch" != arm64 ] || kargs+=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
make -s -C selftests/stress "${kargs[@]}" clean >/dev/null 2>&1
if ! make -C selftests/stress "${kargs[@]}" >"$log" 2>&1; then
	echo "not ok 1 stress $arch: build memsan_stress.ko # see $log"
	tail -n 20 "$log" | sed 's/^/# /'
	echo "1..1"
	exit 1
fi

env="STORM_SECONDS=${STORM_SECONDS:-15} UNLOAD_CYCLES=${UNLOAD_CYCLES:-20}"
env="$env UNLOAD_TOLERANCE_KB=${UNLOAD_TOLERANCE_KB:-2048} CHURN_SECONDS=${CHURN_SECONDS:-16}"
env="$env FAIL_EVERY=${FAIL_EVERY:-5} STORM_LATENCY_MS=${STORM_LATENCY_MS:-1000}"
guest=$OUT/stress-guest-$arch.log
# at the caller's priority: scripts/check runs everything else at nice 19,
# so that a build in its other lane cannot stall this guest's storm
qemu-scripts/vm-run --arch "$arch" --timeout "${STRESS_TIMEOUT:-900}" \
	--log "$OUT/console-stress-$arch.log" \
	--file selftests/stress/memsan_stress.ko --file selftests/stress/run_stress.sh \
	--file selftests/stress/soak_guest.sh \
	-- "env $env ${STRESS_GUEST:-./run_stress.sh}" >"$guest" 2>&1
rc=$?
grep -v '^TAP version\|^1\.\.' "$guest"
n=$(grep -Ec '^(not )?ok [0-9]+' "$guest")
n=$((n + 1))
con=$OUT/console-stress-$arch.log
bad=$(grep -E 'WARNING|BUG:|Oops|detected stall|rcu_.*stall|lockup|hung task|Kernel panic' "$con" 2>/dev/null |
	grep -v 'BUG: MEMSAN')
if [ "$rc" -eq 124 ]; then
	echo "not ok $n stress $arch: guest console clean # guest timed out, see $con"
elif [ -n "$bad" ] || [ "$rc" -ge 125 ]; then
	echo "not ok $n stress $arch: guest console clean # vm-run exit $rc, see $con"
	echo "$bad" | head -n 5 | sed 's/^/# /'
else
	echo "ok $n stress $arch: guest console clean (no WARNING, oops, lockup, stall)"
fi
echo "1..$n"
[ "$rc" -eq 0 ]
