#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# soak.sh [DURATION]: the stress suite's long form (make soak DURATION=1h,
# issue 11 item 7).  For each arch of ARCHES (x86_64 arm64): build it, then
# one guest runs soak_guest.sh for DURATION (s, m or h suffix; default 1h):
# rounds of run_stress.sh with rotating parameters, then memory against its
# starting level.  TAP per arch; the exit status is non-zero if any failed.
set -uo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO" || exit 1
dur=${1:-${DURATION:-1h}}
case $dur in
*h) secs=$((${dur%h} * 3600)) ;;
*m) secs=$((${dur%m} * 60)) ;;
*s) secs=${dur%s} ;;
*) secs=$dur ;;
esac
[[ $secs =~ ^[0-9]+$ ]] && [ "$secs" -gt 0 ] || { echo "soak: bad DURATION '$dur'" >&2; exit 2; }
OUT=${CHECK_OUT:-$REPO/build/check}
mkdir -p "$OUT"
rc=0
for arch in ${ARCHES:-x86_64 arm64}; do
	echo "# soak $arch: $secs s"
	if ! bash scripts/build-arch "$arch" >"$OUT/soak-build-$arch.log" 2>&1; then
		echo "not ok soak $arch: build failed (see $OUT/soak-build-$arch.log)"
		rc=1
		continue
	fi
	# the guest's own rounds end after $secs; a round may run 15 min more
	CHECK_OUT=$OUT STRESS_TIMEOUT=$((secs + 1800)) STRESS_GUEST="env SOAK_SECONDS=$secs ./soak_guest.sh" \
		bash selftests/stress/check.sh "$arch" | tee "$OUT/soak-$arch.tap" || rc=1
done
exit $rc
