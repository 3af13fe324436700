#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The stress suite's long form, in the guest (make soak, issue 11 item 7):
# run_stress.sh again and again, rotating its parameters (longer storms and
# churn, more unload cycles, another failure rate), until SOAK_SECONDS have
# passed; then Slab + VmallocUsed against their value before the first round.
# TAP on stdout: one point per round, and one for the memory.

cd "$(dirname "$0")" || exit 1
# the shared helpers (mem_kb): beside this script in the guest, in ../lib in the repo
if [ -f ktap.sh ]; then . ./ktap.sh; else . ../lib/ktap.sh; fi
SOAK_SECONDS=${SOAK_SECONDS:-3600}
SOAK_TOLERANCE_KB=${SOAK_TOLERANCE_KB:-4096}

up() { read -r s _ < /proc/uptime; echo "${s%.*}"; }

echo "TAP version 13"
# a first load: what memsan allocates for good (stack depot) is not a leak
insmod memsan.ko track=all && rmmod memsan
before=$(mem_kb)
start=$(up)
round=0 failed=0
while [ $(($(up) - start)) -lt "$SOAK_SECONDS" ]; do
	round=$((round + 1))
	case $((round % 3)) in
	1) env="STORM_SECONDS=60 UNLOAD_CYCLES=30 CHURN_SECONDS=60 FAIL_EVERY=5" ;;
	2) env="STORM_SECONDS=30 UNLOAD_CYCLES=60 CHURN_SECONDS=30 FAIL_EVERY=2" ;;
	0) env="STORM_SECONDS=15 UNLOAD_CYCLES=20 CHURN_SECONDS=120 FAIL_EVERY=13" ;;
	esac
	out=$(env $env ./run_stress.sh 2>&1)
	rc=$?
	echo "$out" | grep '^#' | sed "s/^# /# round $round: /"
	bad=$(echo "$out" | grep '^not ok')
	if [ $rc -eq 0 ] && [ -z "$bad" ]; then
		echo "ok $round soak round $round ($env), $(($(up) - start)) s"
	else
		failed=$((failed + 1))
		echo "not ok $round soak round $round ($env) # $(echo "$bad" | head -n 3 | tr '\n' ' ')"
	fi
done
after=$(mem_kb)
n=$((round + 1))
echo "# soak: $round rounds in $(($(up) - start)) s; Slab + VmallocUsed $before kB before," \
	"$after kB after ($((after - before)) kB)"
if [ $((after - before)) -le "$SOAK_TOLERANCE_KB" ]; then
	echo "ok $n soak: memory back to its starting level (within $SOAK_TOLERANCE_KB kB)"
else
	failed=$((failed + 1))
	echo "not ok $n soak: memory back to its starting level # grew by $((after - before)) kB"
fi
echo "1..$n"
[ "$failed" -eq 0 ]
