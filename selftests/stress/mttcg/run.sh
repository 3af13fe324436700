#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh ARCH [TCG_OPTS]: build probe_churn.ko for ARCH and run churn.sh in a
# guest with VM_RUN_TCG_OPTS=TCG_OPTS (default thread=multi).  Not part of
# make check: the investigation of issue 11 item 6 (see README.md here).
set -uo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
cd "$REPO" || exit 1
arch=${1:-x86_64}
eval "$(qemu-scripts/fetch-kernel --arch "$arch" --quiet)"
kargs=(KDIR="$KDIR")
[ "$arch" != arm64 ] || kargs+=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
make -s -C selftests/stress/mttcg "${kargs[@]}" clean >/dev/null 2>&1
make -s -C selftests/stress/mttcg "${kargs[@]}" || exit 1
VM_RUN_TCG_OPTS=${2:-thread=multi} nice -n 5 qemu-scripts/vm-run --arch "$arch" \
	--timeout "${CHURN_VM_TIMEOUT:-500}" --log "$REPO/build/console-mttcg-$arch.log" \
	--file selftests/stress/mttcg/probe_churn.ko --file selftests/stress/mttcg/churn.sh \
	--file selftests/stress/mttcg/churn_load.ko \
	-- "env CYCLES=${CYCLES:-50} CHURN_LOAD=${CHURN_LOAD:-0} TOGGLES=${TOGGLES:-0} sh churn.sh"
