#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# churn.sh: load and unload probe_churn.ko CYCLES times (default 50) while
# two workers allocate and free slab objects (as load_unload.sh does); a
# cycle stuck for longer than TIMEOUT s (default 300 in all) fails.  TAP.
# TOGGLES=N: each load also switches the kretprobes off and on N times, as
# memsan's track parameter does (probe_churn.c).
# Run under multi-threaded TCG with run.sh.

cd "$(dirname "$0")" || exit 1
CYCLES=${CYCLES:-50}
TIMEOUT=${TIMEOUT:-300}
W=$(mktemp -d /tmp/churn.XXXXXX)
echo "1..1"

worker() {
	i=0
	mkdir -p "$1"
	while [ ! -e "$W/stop" ]; do
		mkdir -p "$1/d$((i % 16))"
		echo "$i" > "$1/d$((i % 16))/f"
		cat /proc/meminfo /proc/self/status /proc/slabinfo > /dev/null 2>&1
		ls -l "$1" /proc/self/fd > /dev/null 2>&1
		rm -rf "$1/d$((i % 16))"
		i=$((i + 1))
	done
}

cycles() {
	i=0
	while [ $i -lt "$CYCLES" ]; do
		i=$((i + 1))
		echo $i > "$W/cycle"
		insmod probe_churn.ko toggles="${TOGGLES:-0}" ||
			{ echo "insmod failed at $i" > "$W/failed"; break; }
		rmmod probe_churn || { echo "rmmod failed at $i" > "$W/failed"; break; }
	done
	touch "$W/done"
}

worker "$W/w1" &
worker "$W/w2" &
# CHURN_LOAD=1: also churn_load.ko (allocations from every context, all CPUs)
if [ "${CHURN_LOAD:-0}" = 1 ]; then
	insmod churn_load.ko || { echo "not ok 1 insmod churn_load failed"; exit 1; }
fi
t0=$(cut -d. -f1 /proc/uptime)
cycles &
while [ ! -e "$W/done" ] && [ $(($(cut -d. -f1 /proc/uptime) - t0)) -lt "$TIMEOUT" ]; do
	sleep 1
done
touch "$W/stop"
[ "${CHURN_LOAD:-0}" != 1 ] || rmmod churn_load
if [ ! -e "$W/done" ]; then
	echo "not ok 1 probe_churn $CYCLES cycles # stuck in cycle $(cat "$W/cycle") after $TIMEOUT s"
	cat /proc/*/stack 2> /dev/null | sort | uniq -c | sort -rn | head -n 20 | sed 's/^/# /'
	exit 1
fi
wait
if [ -e "$W/failed" ]; then
	echo "not ok 1 probe_churn $CYCLES cycles # $(cat "$W/failed")"
	exit 1
fi
echo "# $(dmesg | grep -c 'probe_churn: .* entries') unloads logged; last:" \
	"$(dmesg | grep 'probe_churn: .* entries' | tail -n 1)"
echo "ok 1 probe_churn $CYCLES cycles in $(($(cut -d. -f1 /proc/uptime) - t0)) s"
