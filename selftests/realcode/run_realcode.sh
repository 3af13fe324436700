#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# memsan real-code suite, in the guest (busybox ash), from a directory holding
# memsan.ko and the upstream modules built by this directory's Makefile:
#
#   sh run_realcode.sh [MODULE...]
#
# loads memsan, then for each module (all, or the MODULEs given): loads it
# (after its helpers), exercises it if it is a driver, unloads it, and checks
# two things: the module's own verdict (its exit status from init and the
# lines it prints) and that memsan reported nothing while it ran (no
# "BUG: MEMSAN" in the kernel log, memsan's report counter unchanged).  Any
# memsan report on this code is a memsan bug until proven otherwise: it fails
# the module's test point, unless the module is listed in KNOWN_FP below, in
# which case the point is a SKIP naming the reason (and the report is still
# printed).  One KTAP stream; exit status 0 iff nothing failed.
#
# Environment: MEMSAN_PARAMS, memsan's module parameters (default: none).

# shellcheck disable=SC2086 # parameter lists are split on purpose

cd "$(dirname "$0")" || exit 1
# the shared helpers: beside this script in the guest, in ../lib in the repo
if [ -f ktap.sh ]; then . ./ktap.sh; else . ../lib/ktap.sh; fi

MEMSAN_PARAMS=${MEMSAN_PARAMS-}
MEMSAN_KO=${MEMSAN_KO:-./memsan.ko}
[ -f "$MEMSAN_KO" ] || MEMSAN_KO=../memsan.ko

# Modules memsan falsely reports on today: "module|reason" (issue 10).
KNOWN_FP=""

# The suite: one line per test point,
#   name|modules to load in order|parameters of the last|expected init|check|
#   allowed kernel warnings
# expected init: ok (insmod succeeds), einval (init returns -EINVAL by design:
# test_ida on success, test-kstrtox and test-string_helpers always; busybox
# insmod then retries with init_module(), so init runs twice) or resident
# (insmod succeeds, the module has no exit function: it stays loaded, so it
# comes last).  configfs is Debian's own module (not instrumented), which
# null_blk needs.  check: the function that judges the module's own output
# (v_*) or exercises the driver (x_*), below.  allowed kernel warnings: an
# extended regex of WARNING lines the module provokes on purpose.
SUITE="
test_bitmap|test_bitmap||ok|v_kstm|
test_bitops|test_bitops||ok|v_bitops|
test_hexdump|test_hexdump||ok|v_all_passed|
test_uuid|test_uuid||ok|v_all_passed|
test_printf|test_printf||ok|v_kstm|
test_scanf|test_scanf||ok|v_kstm|
test_strscpy|test_strscpy||ok|v_kstm|
test_string|test_string||ok|v_string|
test_siphash|test_siphash||ok|v_siphash|
test_kstrtox|test-kstrtox||einval|v_none|
test_string_helpers|test-string_helpers||einval|v_string_helpers|
test_xarray|test_xarray||ok|v_xarray|
test_ida|test_ida||einval|v_ida|WARNING: CPU: [0-9]+ PID: [0-9]+ at lib/idr.c:[0-9]+ ida_free
test_rhashtable|test_rhashtable|parm_entries=4000 runs=2 tcount=4|ok|v_rhashtable|
test_min_heap|test_min_heap||ok|v_test_passed|
test_memcat_p|test_memcat_p||ok|v_test_passed|
test_user_copy|test_user_copy||ok|v_user_copy|
test_static_keys|test_static_key_base test_static_keys||ok|v_none|
test_free_pages|test_free_pages||ok|v_free_pages|
dummy|dummy|numdummies=2|ok|x_dummy|
brd|brd|rd_nr=1 rd_size=8192|ok|x_brd|
null_blk|configfs null_blk|nr_devices=1 memory_backed=1 gb=1 bs=4096|ok|x_null_blk|
test_meminit|test_meminit||resident|v_meminit|
"

# Too slow for every run under TCG (test_free_pages: two million order-3
# page allocations, ~190 s on x86_64): run only with REALCODE_SLOW=1.
SLOW="test_free_pages"

# Every kernel warning or oops line, but memsan's reports.
TROUBLE='WARNING|BUG:|Oops|general protection|Unable to handle|Kernel panic'

# reports_now: every report memsan made or suppressed or dropped so far.
reports_now() {
	echo $(($(memsan_stat reports || echo 0) + $(memsan_stat reports_suppressed || echo 0) + \
		$(memsan_stat reports_dropped || echo 0)))
}

uptime_cs() {
	read -r up _ < /proc/uptime
	echo "${up%.*}${up#*.}"
}

# --- the modules' own verdicts: read $LOG, the kernel log since the mark;
# print why on failure and return 1 ---

has() {
	echo "$LOG" | grep -Eq "$1"
}

need() {
	has "$1" && return 0
	echo "missing: $1"
	return 1
}

refuse() {
	has "$1" || return 0
	echo "$LOG" | grep -E "$1" | head -n 5
	return 1
}

v_none() { :; }
# kselftest_module.h: "all N tests passed" / "remaining N tests passed"
v_kstm() {
	refuse 'failed [0-9]+ out of [0-9]+ tests|TC failed' &&
		need ': (all|remaining) [0-9]+ tests passed'
}
v_all_passed() {
	refuse 'failed [0-9]+ out of' && need 'all [0-9]+ tests passed'
}
v_bitops() {
	refuse 'wrong for|FOUND SET BIT' && need 'Completed bitops test'
}
v_string() {
	refuse 'String selftest failure' && need 'String selftests succeeded'
}
v_siphash() {
	refuse 'FAIL' && need 'self-tests: pass'
}
v_string_helpers() {
	refuse "Test '.*' failed" && need 'Running tests'
}
# "<prefix>: A of B tests passed" with A = B
n_of_n() {
	line=$(echo "$LOG" | grep -E "$1: [0-9]+ of [0-9]+ tests passed" | tail -n 1)
	[ -n "$line" ] || { echo "missing: $1: N of N tests passed"; return 1; }
	# shellcheck disable=SC2046 # two numbers
	set -- $(echo "$line" | sed -E 's/.*: ([0-9]+) of ([0-9]+) tests passed.*/\1 \2/')
	[ "$1" = "$2" ] && [ "$2" -gt 0 ] && return 0
	echo "$line"
	return 1
}
v_xarray() { refuse 'BUG at ' && n_of_n XArray; }
v_ida() { refuse 'BUG at ' && n_of_n IDA; }
# test_rhashtable's walk counts on after rhashtable_walk_start_check() said
# -EAGAIN ("Info: encountered resize": the iterator rewinds to the start),
# so a traversal that met a resize may count objects twice: "Total count
# mismatch" with counted > nelems after that Info line is the test's own
# race with the deferred resize (seen once, arm64, in a make check), not a bug.
# Every other failure line, and a traversal that counted fewer, fails.
v_rhashtable() {
	bad=$(echo "$LOG" | awk '
		/Info: encountered resize/ { resized = 1; next }
		/Traversal complete:/ {
			c = $0; sub(/.*counted=/, "", c); sub(/,.*/, "", c)
			n = $0; sub(/.*nelems=/, "", n); sub(/,.*/, "", n)
			twice = resized && c + 0 > n + 0; resized = 0; next
		}
		/Test failed: Total count mismatch/ { if (!twice) print; twice = 0; next }
		/Test failed|YES, failed|thread\[[0-9]+\]: .*failed|unexpected object|not found!|wrong object/ { print }')
	[ -z "$bad" ] || { echo "$bad" | head -n 5; return 1; }
	need 'no, ok' &&
		need 'Started [0-9]+ threads, 0 failed, rhltable test returns 0'
}
v_test_passed() {
	refuse 'test failed' && need 'test passed'
}
v_meminit() {
	refuse 'failures: ' && need 'all [0-9]+ tests passed!'
}
v_user_copy() {
	refuse 'legitimate .* failed|illegal .* succeeded|!= ' && need 'tests passed\.'
}
v_free_pages() {
	need 'Test completed'
}

# --- the drivers' exercises, run while the driver is loaded; they judge by
# what the driver does ---

# dummy: two netdevs from numdummies, one more through rtnetlink; set them up,
# change MTU and address, transmit (dummy counts and drops), delete.
x_dummy() {
	for d in dummy0 dummy1; do
		[ -d /sys/class/net/$d ] || { echo "no $d"; return 1; }
	done
	ip link set dummy0 up || return 1
	ip link set dummy0 mtu 1400 || return 1
	ip link set dummy0 address 02:00:00:00:00:42 || return 1
	ip addr add 10.99.0.1/24 dev dummy0 || return 1
	ping -c 3 -W 1 -q 10.99.0.2 > /dev/null 2>&1
	tx=$(cat /sys/class/net/dummy0/statistics/tx_packets)
	[ "$tx" -ge 3 ] || { echo "dummy0 sent $tx packets, expected >= 3"; return 1; }
	[ "$(cat /sys/class/net/dummy0/mtu)" = 1400 ] || { echo "mtu not set"; return 1; }
	ip link add dummy7 type dummy || return 1
	ip link set dummy7 up || return 1
	ip link del dummy7 || return 1
	[ ! -d /sys/class/net/dummy7 ] || { echo "dummy7 not deleted"; return 1; }
	ip link set dummy0 down
}

# roundtrip DEV BLOCKS: write BLOCKS random 4 KiB blocks to DEV, drop the
# page cache, read them back and compare; then zero 5 sectors at an odd
# offset and read those back.
roundtrip() {
	dd if=/dev/urandom of=/tmp/rt.img bs=4096 count="$2" 2> /dev/null || return 1
	dd if=/tmp/rt.img of="$1" bs=4096 conv=fsync 2> /dev/null || return 1
	blockdev --flushbufs "$1"
	echo 3 > /proc/sys/vm/drop_caches
	dd if="$1" of=/tmp/rt.back bs=4096 count="$2" 2> /dev/null || return 1
	cmp /tmp/rt.img /tmp/rt.back || { echo "$1: read back differs"; return 1; }
	dd if=/dev/zero of="$1" bs=512 seek=3 count=5 conv=fsync 2> /dev/null || return 1
	blockdev --flushbufs "$1"
	echo 3 > /proc/sys/vm/drop_caches
	z=$(dd if="$1" bs=512 skip=3 count=5 2> /dev/null | od -An -v -tx1 | tr -d ' \n' |
		tr -d 0 | wc -c)
	[ "$z" = 0 ] || { echo "$1: zeroed sectors read back non-zero"; return 1; }
	rm -f /tmp/rt.img /tmp/rt.back
}

# brd: an 8 MiB RAM disk, written whole and read back.
x_brd() {
	[ -b /dev/ram0 ] || { echo "no /dev/ram0"; return 1; }
	roundtrip /dev/ram0 2048
}

# null_blk: the memory-backed device of the module parameters, then a zoned
# one (2 conventional zones of 8 MiB, 6 sequential) made through configfs,
# which names the disk after its directory.
x_null_blk() {
	[ -b /dev/nullb0 ] || { echo "no /dev/nullb0"; return 1; }
	roundtrip /dev/nullb0 2048 || return 1
	cfs=/sys/kernel/config
	grep -q " $cfs configfs " /proc/mounts || mount -t configfs configfs $cfs || return 1
	d=$cfs/nullb/rcnullb
	mkdir $d || return 1
	ret=0
	for kv in size=64 blocksize=4096 memory_backed=1 zoned=1 zone_size=8 \
		zone_nr_conv=2 power=1; do
		echo "${kv#*=}" > "$d/${kv%%=*}" || { echo "cannot set $kv"; ret=1; break; }
	done
	if [ $ret = 0 ]; then
		if [ "$(cat /sys/block/rcnullb/queue/zoned)" != host-managed ]; then
			echo "/dev/rcnullb is not a zoned disk"
			ret=1
		else
			roundtrip /dev/rcnullb 1024 || ret=1
		fi
	fi
	echo 0 > $d/power
	rmdir $d || ret=1
	[ ! -b /dev/rcnullb ] || { echo "/dev/rcnullb still there"; ret=1; }
	umount $cfs
	return $ret
}

# run_one NAME KOS PARAMS EXPECT CHECK ALLOW: one module's test point.
run_one() {
	name=$1 kos=$2 params=$3 expect=$4 check=$5 allow=$6
	why=
	mark="memsan realcode: $name start $$"
	echo "$mark" > /dev/kmsg
	r0=$(reports_now)
	a0=$(memsan_stat allocations_tracked)
	t0=$(uptime_cs)

	last=
	for ko in $kos; do
		last=$ko
	done
	loadedlist=
	for ko in $kos; do
		p=
		[ "$ko" = "$last" ] && p=$params
		mod=$(echo "$ko" | tr - _)
		if loaded "$mod"; then
			why="$mod was already loaded"
			break
		fi
		out=$(insmod "./$ko.ko" $p 2>&1)
		rc=$?
		if [ "$ko" = "$last" ] && [ "$expect" = einval ]; then
			if [ $rc -eq 0 ]; then
				why="insmod $ko succeeded, its init returns -EINVAL by design"
			elif ! echo "$out" | grep -Eqi 'invalid (argument|param)'; then
				why="insmod $ko: $out (expected -EINVAL)"
			fi
		elif [ $rc -ne 0 ]; then
			why="insmod $ko $p: $out"
		fi
		loaded "$mod" && loadedlist="$mod $loadedlist"
		[ -z "$why" ] || break
	done

	if [ -z "$why" ]; then
		case $check in
		x_*) res=$($check 2>&1) || why="exercise: $(echo "$res" | tail -n 3 | tr '\n' ' ')" ;;
		esac
	fi
	[ "$expect" = resident ] && loadedlist=$(echo "$loadedlist" | sed "s/^$mod //")
	for mod in $loadedlist; do
		out=$(rmmod "$mod" 2>&1) || why="${why:+$why; }rmmod $mod: $out"
	done

	LOG=$(dmesg | sed -n "/$mark/,\$p")
	if [ -z "$why" ]; then
		case $check in
		v_*) res=$($check 2>&1) || why="own verdict: $(echo "$res" | head -n 3 | tr '\n' ' ')" ;;
		esac
	fi
	bad=$(echo "$LOG" | grep -E "$TROUBLE" | grep -v 'BUG: MEMSAN: ' |
		grep -Ev "${allow:-^\$}")
	if [ -n "$bad" ]; then
		echo "$bad" | head -n 10 | sed 's/^/# /'
		why="${why:+$why; }kernel warning or oops"
	fi

	t1=$(uptime_cs)
	r1=$(reports_now)
	a1=$(memsan_stat allocations_tracked)
	nrep=$((r1 - r0))
	mrep=$(echo "$LOG" | grep -c 'BUG: MEMSAN: ')
	diag "$name: $((t1 - t0))0 ms, memsan: $nrep reports, $((${a1:-0} - ${a0:-0})) allocations tracked"
	if [ "$nrep" -gt 0 ] || [ "$mrep" -gt 0 ]; then
		# print each report (first 40 lines of each) for the record
		echo "$LOG" | awk '/BUG: MEMSAN: / { on = 1; k = 0 }
			on && k < 40 { print "# " $0; k++ }
			/={40,}/ && on && k > 1 { on = 0 }' | sed 's/^# \[ *[0-9.]*\] /# /'
		fp=$(echo "$KNOWN_FP" | sed -n "s/^$name|//p")
		if [ -n "$fp" ] && [ -z "$why" ]; then
			point ok "$name" "SKIP memsan false positive: $fp, issue 10"
			return
		fi
		why="${why:+$why; }memsan reported $nrep/$mrep times (counter/log)"
	else
		case $KNOWN_FP in
		*"$name|"*) diag "$name: the known memsan false positive did not occur" ;;
		esac
	fi
	if [ -z "$why" ]; then
		point ok "$name"
	else
		point not_ok "$name" "$why"
	fi
}

if [ $# -gt 0 ]; then
	want=" $* "
else
	want=
fi
lines=$(echo "$SUITE" | grep -v '^$' | while IFS='|' read -r name _; do
	case $want in
	""|*" $name "*) echo "$name" ;;
	esac
done)
total=$(($(echo "$lines" | grep -c .) + 3))

echo "KTAP version 1"
echo "1..$total"
grep -q " /sys/kernel/debug debugfs " /proc/mounts ||
	mount -t debugfs debugfs /sys/kernel/debug ||
	diag "cannot mount debugfs"
diag "kernel $(uname -r) $(uname -m)"

T0=$(uptime_cs)
if loaded memsan; then
	point not_ok insmod_memsan "memsan was already loaded"
elif out=$(insmod "$MEMSAN_KO" $MEMSAN_PARAMS 2>&1); then
	point ok insmod_memsan
else
	diag "$out"
	point not_ok insmod_memsan "insmod $MEMSAN_KO $MEMSAN_PARAMS failed"
fi

SAVEIFS=$IFS
echo "$SUITE" | grep -v '^$' > /tmp/realcode.suite
resident=
allowed=
while IFS='|' read -r name kos params expect check allow; do
	IFS=$SAVEIFS
	case $want in
	""|*" $name "*) ;;
	*) continue ;;
	esac
	if ! loaded memsan; then
		point ok "$name" "SKIP memsan is not loaded"
		continue
	fi
	case " $SLOW " in
	*" $name "*)
		if [ -z "${REALCODE_SLOW:-}" ] && [ -z "$want" ]; then
			point ok "$name" "SKIP slow under TCG: REALCODE_SLOW=1 runs it"
			continue
		fi ;;
	esac
	run_one "$name" "$kos" "$params" "$expect" "$check" "$allow" < /dev/null
	[ "$expect" = resident ] && loaded "$name" && resident="$resident $name"
	[ -n "$allow" ] && allowed="${allowed:+$allowed|}$allow"
done < /tmp/realcode.suite
IFS=$SAVEIFS

if ! loaded memsan; then
	point ok rmmod_memsan "SKIP memsan is not loaded"
elif [ -n "$resident" ]; then
	point ok rmmod_memsan "SKIP modules without an exit function hold it:$resident"
elif out=$(rmmod memsan 2>&1); then
	point ok rmmod_memsan
else
	diag "$out"
	point not_ok rmmod_memsan "rmmod memsan failed"
fi
# Kernel trouble anywhere in the run (the per-module checks see only their
# own part of the log), but memsan's reports and the warnings provoked on
# purpose.
bad=$(dmesg | grep -E "$TROUBLE" | grep -v 'BUG: MEMSAN: ' | grep -Ev "${allowed:-^\$}")
if [ -z "$bad" ]; then
	point ok dmesg_clean
else
	echo "$bad" | head -n 20 | sed 's/^/# /'
	point not_ok dmesg_clean "kernel warnings or oopses in the log"
fi
diag "suite time in the guest: $(($(uptime_cs) - T0))0 ms"
diag "Totals: tests:$n failed:$failed skipped:$skipped"
[ "$failed" = 0 ]
