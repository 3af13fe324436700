#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Load and unload memsan.ko ITERATIONS times while a background load
# allocates and frees slab objects (processes, files and directories in a
# tmpfs, /proc reads), then check that the kernel log has no WARNING, BUG:,
# Oops or RCU stall and that Slab + VmallocUsed (/proc/meminfo) did not grow
# by more than the tolerance.  busybox ash; KTAP output, one test point.
#
# Environment (defaults in parentheses):
#   MEMSAN_KO                 memsan.ko to load (memsan.ko next to this script)
#   LOAD_UNLOAD_PARAMS        its parameters (track=all)
#   LOAD_UNLOAD_ITERATIONS    load/unload cycles (50)
#   LOAD_UNLOAD_TOLERANCE_KB  allowed growth of Slab + VmallocUsed (2048)
#   LOAD_UNLOAD_TIMEOUT       seconds for all the cycles (400): a cycle stuck
#                             in the kernel fails the test instead of hanging it

# shellcheck disable=SC2086 # MEMSAN_PARAMS is split into parameters on purpose

cd "$(dirname "$0")" || exit 1
# the shared helpers: beside this script in the guest, in ../lib in the repo
if [ -f ktap.sh ]; then . ./ktap.sh; else . ../lib/ktap.sh; fi

MEMSAN_KO=${MEMSAN_KO:-$PWD/memsan.ko}
MEMSAN_PARAMS=${LOAD_UNLOAD_PARAMS-track=all}
ITERATIONS=${LOAD_UNLOAD_ITERATIONS:-50}
TOLERANCE_KB=${LOAD_UNLOAD_TOLERANCE_KB:-2048}
TIMEOUT=${LOAD_UNLOAD_TIMEOUT:-400}
NAME=load_unload
# Kernel log lines that fail the test.
TROUBLE='WARNING|BUG:|Oops|stall'
WORKERS=

echo "KTAP version 1"
echo "1..1"

result() {
	# result ok|not_ok [reason]
	if [ "$1" = ok ]; then
		echo "ok 1 $NAME"
		exit 0
	fi
	echo "not ok 1 $NAME # $2"
	exit 1
}

skip() {
	echo "ok 1 $NAME # SKIP $1"
	exit 4
}

# One slab load worker: fork, create and remove files and directories, read
# /proc, until $STOP exists.
load_worker() {
	dir=$1
	i=0
	mkdir -p "$dir"
	while [ ! -e "$STOP" ]; do
		n=$((i % 16))
		mkdir -p "$dir/d$n"
		echo "$i" > "$dir/d$n/f"
		cat /proc/meminfo /proc/self/status /proc/slabinfo > /dev/null 2>&1
		ls -l "$dir" /proc/self/fd > /dev/null 2>&1
		rm -rf "$dir/d$n"
		i=$((i + 1))
	done
}

[ -r "$MEMSAN_KO" ] || skip "$MEMSAN_KO not found"
[ "$(id -u)" = 0 ] || skip "must run as root"
loaded memsan && result not_ok "memsan is already loaded"

mkdir -p /tmp
WORK=$(mktemp -d /tmp/load_unload.XXXXXX) || result not_ok "mktemp failed"
mount -t tmpfs load_unload "$WORK" || result not_ok "cannot mount a tmpfs"
STOP=$WORK/stop
MARK="memsan load_unload.sh: start $$"

cleanup() {
	touch "$STOP" 2> /dev/null
	# shellcheck disable=SC2086 # a list of pids
	[ -z "$WORKERS" ] || wait $WORKERS
	umount "$WORK" 2> /dev/null
	rmdir "$WORK" 2> /dev/null
}

uptime_s() {
	cut -d. -f1 /proc/uptime
}

# The load/unload cycles, in the background: $WORK/iteration holds the
# current one, $WORK/failed why they stopped early, $WORK/done the count.
cycles() {
	i=0
	while [ $i -lt "$ITERATIONS" ]; do
		i=$((i + 1))
		echo $i > "$WORK/iteration"
		if ! insmod "$MEMSAN_KO" $MEMSAN_PARAMS; then
			echo "insmod failed at iteration $i" > "$WORK/failed"
			break
		fi
		if ! rmmod memsan; then
			echo "rmmod failed at iteration $i" > "$WORK/failed"
			break
		fi
		[ $((i % 10)) -ne 0 ] || diag "$i cycles (uptime $(uptime_s) s)"
	done
	echo $i > "$WORK/done"
}

# One cycle first: what the first load allocates for good (the stack
# depot's hash table, ftrace and kprobe structures) is not a leak.
if ! insmod "$MEMSAN_KO" $MEMSAN_PARAMS; then
	cleanup
	result not_ok "insmod $MEMSAN_KO $MEMSAN_PARAMS failed"
fi
if ! rmmod memsan; then
	cleanup
	result not_ok "rmmod memsan failed"
fi

echo "$MARK" > /dev/kmsg
before=$(mem_kb)
diag "Slab + VmallocUsed before: $before kB"

load_worker "$WORK/w1" &
WORKERS=$!
load_worker "$WORK/w2" &
WORKERS="$WORKERS $!"

cycles &
deadline=$(($(uptime_s) + TIMEOUT))
while [ ! -e "$WORK/done" ] && [ "$(uptime_s)" -lt $deadline ]; do
	sleep 1
done
if [ ! -e "$WORK/done" ]; then
	# Stuck in the kernel: leave it there, report what the log says.
	touch "$STOP"
	dmesg | grep -E "$TROUBLE" | head -n 20 | sed 's/^/# /'
	result not_ok "TIMEOUT: cycle $(cat "$WORK/iteration") of $ITERATIONS not done after $TIMEOUT s"
fi
failed=$(cat "$WORK/failed" 2> /dev/null)
diag "$(cat "$WORK/done") load/unload cycles under load"

touch "$STOP"
# shellcheck disable=SC2086 # a list of pids
wait $WORKERS
loaded memsan && rmmod memsan

after=$(mem_kb)
diag "Slab + VmallocUsed after: $after kB (tolerance $TOLERANCE_KB kB)"
cleanup

# The log since the mark; all of it if the mark was overwritten.
log=$(dmesg)
case $log in
*"$MARK"*) log=$(echo "$log" | sed -n "/$MARK/,\$p") ;;
*) diag "start mark not in the kernel log: checking all of it" ;;
esac
bad=$(echo "$log" | grep -E "$TROUBLE")
if [ -n "$bad" ]; then
	echo "$bad" | head -n 20 | sed 's/^/# /'
	[ -n "$failed" ] || failed="WARNING, BUG:, Oops or stall in the kernel log"
fi
if [ $((after - before)) -gt "$TOLERANCE_KB" ]; then
	[ -n "$failed" ] ||
		failed="Slab + VmallocUsed grew by $((after - before)) kB"
fi

[ -z "$failed" ] || result not_ok "$failed"
result ok
