#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# guest_ctl.sh: memsan-ctl and memsan.ko's generic netlink family, in the test
# guest (busybox ash).  KTAP output; exit status 0 if every test passed.
#
# Run from the directory holding memsan.ko, memsan_victim.ko, memsan-ctl and
# the static helpers nl_malformed, run_as and json_check (all built by
# `make -C userspace-ctl STATIC=1 all tests`):
#
#   qemu-scripts/vm-run --file userspace-ctl/tests/guest_ctl.sh \
#       --file userspace-ctl/tests/nl_malformed --file userspace-ctl/tests/run_as \
#       --file userspace-ctl/tests/json_check -- 'sh guest_ctl.sh'

cd "$(dirname "$0")" || exit 1
HERE=$(pwd)
CTL=$HERE/memsan-ctl
PARAMS=/sys/module/memsan/parameters
DBG=/sys/kernel/debug/memsan
VICTIM=/sys/kernel/debug/memsan_victim
T=/tmp/guest_ctl
NTESTS=29

rm -rf "$T"
mkdir -p "$T"
chmod 0755 "$T"

N=0
FAILED=0
ok() { N=$((N + 1)); echo "ok $N $1"; }
not_ok() { N=$((N + 1)); FAILED=$((FAILED + 1)); echo "not ok $N $1 # $2"; }
skip() { N=$((N + 1)); echo "ok $N $1 # SKIP $2"; }
diag() { [ -s "$1" ] && sed 's/^/# /' "$1"; return 0; }
# result NAME REASON: ok if REASON is empty
result() { if [ -z "$2" ]; then ok "$1"; else not_ok "$1" "$2"; fi; }

# run CMD...: stdout to $T/out, stderr to $T/err, exit status in $RC
run() {
	"$@" >"$T/out" 2>"$T/err"
	RC=$?
}

param() { cat "$PARAMS/$1"; }

# Wait (up to 10 s) until some socket has joined a generic netlink group.
wait_subscribed() {
	i=0
	while [ $i -lt 100 ]; do
		awk 'NR > 1 && $2 == 16 && $4 != "00000000" { found = 1 } END { exit !found }' \
			/proc/net/netlink && return 0
		sleep 0.1
		i=$((i + 1))
	done
	sleep 1		# the group id may be above 31, where /proc does not show it
}

# Wait (up to 10 s) until FILE holds a whole report (two frame lines) or a JSON line.
wait_report() {
	i=0
	while [ $i -lt 100 ]; do
		case $2 in
		json) [ -s "$1" ] && grep -q '}$' "$1" && return 0 ;;
		*) [ "$(grep -c '^=====' "$1" 2>/dev/null)" -ge 2 ] && return 0 ;;
		esac
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

trigger() { echo "$1" >"$VICTIM/run" 2>/dev/null; }
have_case() { [ -r "$VICTIM/cases" ] && grep -qx "$1" "$VICTIM/cases"; }

echo "KTAP version 1"
echo "1..$NTESTS"

# === 1: load ===
why=
grep -q '^memsan ' /proc/modules || insmod ./memsan.ko >"$T/err" 2>&1 || why="insmod memsan.ko failed: $(head -n1 "$T/err")"
if [ -z "$why" ] && [ -f ./memsan_victim.ko ] && ! grep -q '^memsan_victim ' /proc/modules; then
	insmod ./memsan_victim.ko >"$T/err" 2>&1 || echo "# insmod memsan_victim.ko failed: $(head -n1 "$T/err")"
fi
result load "$why"
if [ -n "$why" ]; then
	echo "Bail out! memsan.ko does not load"
	exit 1
fi
VICTIM_OK=
if have_case uaf_read_kmalloc && have_case uaf_write_kmalloc && have_case oob_right_1_size1; then
	VICTIM_OK=1
fi
NO_VICTIM="memsan_victim.ko not loaded or without the uaf_read_kmalloc/uaf_write_kmalloc/oob_right_1_size1 cases"

# === 2-3: status ===
run "$CTL" status
why=
[ $RC -eq 0 ] || why="exit $RC: $(head -n1 "$T/err")"
for p in $(ls "$PARAMS"); do
	grep -qx "  $p: $(param "$p")" "$T/out" || why="${why:-parameter $p=$(param "$p") not listed}"
done
for c in $(sed -n 's/^\([a-z_]*\): .*/\1/p' "$DBG/stats"); do
	case $c in
	enabled) grep -qx "enabled: yes" "$T/out" || why="${why:-enabled: yes not shown}" ;;
	probes_missed) grep -q "^probes_missed: " "$T/out" || why="${why:-probes_missed not shown}" ;;
	*) grep -q "^  $c: " "$T/out" || why="${why:-counter $c not listed}" ;;
	esac
done
grep -q "^  netlink_drops: " "$T/out" || why="${why:-counter netlink_drops not listed}"
[ -z "$why" ] || diag "$T/out"
result "status lists every parameter and counter" "$why"

run "$CTL" --json status
why=
if [ $RC -ne 0 ]; then
	why="exit $RC"
elif ! ./json_check "$T/out" >/dev/null; then
	why="not one JSON document"
else
	[ "$(./json_check "$T/out" config.track)" = "$(param track)" ] || why="config.track differs"
	[ "$(./json_check "$T/out" enabled)" = "true" ] || why="${why:-enabled is not true}"
	./json_check "$T/out" counters.reports >/dev/null || why="${why:-no counters.reports}"
fi
result "status --json parses and matches sysfs" "$why"

# === 4-9: config ===
run "$CTL" config quarantine_kb=2048
why=
[ $RC -eq 0 ] || why="exit $RC: $(head -n1 "$T/err")"
[ "$(param quarantine_kb)" = 2048 ] || why="${why:-sysfs shows quarantine_kb=$(param quarantine_kb)}"
run "$CTL" config quarantine_kb
[ "$(cat "$T/out")" = "quarantine_kb=2048" ] || why="${why:-config quarantine_kb shows '$(cat "$T/out")'}"
result "config sets a key, sysfs and config get agree" "$why"

run "$CTL" config redzone=32 report_all=1
why=
[ $RC -eq 0 ] || why="exit $RC: $(head -n1 "$T/err")"
[ "$(param redzone)" = 32 ] && [ "$(param report_all)" = Y ] ||
	why="${why:-sysfs shows redzone=$(param redzone) report_all=$(param report_all)}"
run "$CTL" config redzone=16 report_all=N
[ "$(param redzone)" = 16 ] && [ "$(param report_all)" = N ] || why="${why:-could not set them back}"
result "config sets two keys in one request" "$why"

run "$CTL" config redzone=7
why=
[ $RC -eq 1 ] || why="exit $RC, not 1"
grep -q "redzone=7: invalid value" "$T/err" || why="${why:-message: $(head -n1 "$T/err")}"
[ "$(param redzone)" = 16 ] || why="${why:-redzone changed to $(param redzone)}"
result "config rejects a bad value, nothing changed" "$why"

run "$CTL" config no_such_key=1
why=
[ $RC -eq 1 ] || why="exit $RC, not 1"
grep -q "no_such_key=1: unknown configuration key" "$T/err" || why="${why:-message: $(head -n1 "$T/err")}"
run "$CTL" config no_such_key
[ $RC -eq 1 ] || why="${why:-get: exit $RC, not 1}"
grep -q "no_such_key: unknown configuration key" "$T/err" || why="${why:-get message: $(head -n1 "$T/err")}"
result "config rejects an unknown key" "$why"

run "$CTL" config redzone=64 quarantine_kb=bogus
why=
[ $RC -eq 1 ] || why="exit $RC, not 1"
grep -q "quarantine_kb=bogus: invalid value.*nothing was changed" "$T/err" ||
	why="${why:-message: $(head -n1 "$T/err")}"
[ "$(param redzone)" = 16 ] || why="${why:-redzone changed to $(param redzone) (not rolled back)}"
[ "$(param quarantine_kb)" = 2048 ] || why="${why:-quarantine_kb changed}"
result "config sets all keys or none" "$why"

run "$CTL" config =5
why=
[ $RC -eq 2 ] || why="exit $RC, not 2"
grep -q "missing key" "$T/err" || why="${why:-message: $(head -n1 "$T/err")}"
result "config usage error exits 2" "$why"

# === 10-17: reports ===
"$CTL" clear 2>/dev/null
if [ -z "$VICTIM_OK" ]; then
	skip "monitor text equals the debugfs report" "$NO_VICTIM"
else
	"$CTL" monitor >"$T/mon.txt" 2>"$T/mon.err" &
	MON=$!
	wait_subscribed
	trigger uaf_read_kmalloc
	why=
	wait_report "$T/mon.txt" || why="no report on monitor within 10 s"
	kill "$MON" 2>/dev/null
	wait "$MON"
	MRC=$?
	cat "$DBG/reports" >"$T/dbg.txt"
	[ -n "$why" ] || [ -s "$T/dbg.txt" ] || why="debugfs has no report"
	[ -n "$why" ] || cmp -s "$T/mon.txt" "$T/dbg.txt" || why="monitor output differs from debugfs"
	[ -n "$why" ] || [ $MRC -eq 0 ] || why="monitor exited $MRC on SIGTERM"
	[ -z "$why" ] || { diag "$T/mon.err"; diag "$T/mon.txt"; }
	result "monitor text equals the debugfs report" "$why"
fi

"$CTL" clear 2>/dev/null
if [ -z "$VICTIM_OK" ]; then
	skip "monitor --json report fields and text" "$NO_VICTIM"
else
	"$CTL" --json monitor >"$T/mon.json" 2>"$T/mon.err" &
	MON=$!
	wait_subscribed
	trigger uaf_write_kmalloc
	why=
	wait_report "$T/mon.json" json || why="no report on monitor --json within 10 s"
	kill "$MON" 2>/dev/null
	wait "$MON"
	cat "$DBG/reports" >"$T/dbg.txt"
	if [ -z "$why" ]; then
		[ "$(./json_check --lines "$T/mon.json")" = 1 ] || why="not one JSON object"
		./json_check --lines "$T/mon.json" 0.text >"$T/text.txt"
		cmp -s "$T/text.txt" "$T/dbg.txt" || why="${why:-text field differs from debugfs}"
		[ "$(./json_check --lines "$T/mon.json" 0.bug)" = use-after-free ] || why="${why:-bug is not use-after-free}"
		[ "$(./json_check --lines "$T/mon.json" 0.access)" = write ] || why="${why:-access is not write}"
		[ "$(./json_check --lines "$T/mon.json" 0.module)" = memsan_victim ] || why="${why:-module is not memsan_victim}"
		./json_check --lines "$T/mon.json" 0.alloc_stack.frames.0.frame >/dev/null || why="${why:-no alloc stack}"
		./json_check --lines "$T/mon.json" 0.free_stack.frames.0.frame >/dev/null || why="${why:-no free stack}"
		./json_check --lines "$T/mon.json" 0.object.cache >/dev/null || why="${why:-no object cache}"
	fi
	[ -z "$why" ] || { diag "$T/mon.err"; diag "$T/mon.json"; }
	result "monitor --json report fields and text" "$why"
fi

if [ -z "$VICTIM_OK" ]; then
	skip "reports --json parses, text equals debugfs" "$NO_VICTIM"
	skip "reports text equals debugfs" "$NO_VICTIM"
	skip "reports --fail-on-report exits 5" "$NO_VICTIM"
	skip "reports --since past the last report is empty" "$NO_VICTIM"
else
	run "$CTL" --json reports
	why=
	[ $RC -eq 0 ] || why="exit $RC: $(head -n1 "$T/err")"
	[ "$(./json_check "$T/out")" = 1 ] || why="${why:-not a JSON array of 1 report}"
	./json_check "$T/out" 0.text >"$T/text.txt"
	cmp -s "$T/text.txt" "$DBG/reports" || why="${why:-text differs from debugfs}"
	SEQ=$(./json_check "$T/out" 0.seq)
	result "reports --json parses, text equals debugfs" "$why"

	run "$CTL" reports
	why=
	[ $RC -eq 0 ] || why="exit $RC"
	cmp -s "$T/out" "$DBG/reports" || why="${why:-output differs from debugfs}"
	result "reports text equals debugfs" "$why"

	run "$CTL" reports --fail-on-report
	result "reports --fail-on-report exits 5" "$([ $RC -eq 5 ] || echo "exit $RC")"

	run "$CTL" --json reports --since $((SEQ + 1))
	why=
	[ $RC -eq 0 ] || why="exit $RC"
	[ "$(./json_check "$T/out")" = 0 ] || why="${why:-not empty: $(head -c 200 "$T/out")}"
	run "$CTL" reports --since "$SEQ" --fail-on-report
	[ $RC -eq 5 ] || why="${why:---since $SEQ found nothing}"
	result "reports --since past the last report is empty" "$why"
fi

run "$CTL" clear
why=
[ $RC -eq 0 ] || why="exit $RC: $(head -n1 "$T/err")"
[ ! -s "$DBG/reports" ] || why="${why:-debugfs still has reports}"
run "$CTL" --json reports --fail-on-report
[ $RC -eq 0 ] || why="${why:-reports --fail-on-report exits $RC after clear}"
[ "$(./json_check "$T/out")" = 0 ] || why="${why:-reports --json not empty after clear}"
result "clear empties the reports" "$why"

if [ -z "$VICTIM_OK" ]; then
	skip "after clear, a site reported before is reported again" "$NO_VICTIM"
else
	trigger uaf_read_kmalloc
	run "$CTL" reports --fail-on-report
	result "after clear, a site reported before is reported again" \
		"$([ $RC -eq 5 ] || echo "exit $RC: no report")"
fi

# === 18-19: following, and every bad case of the victim ===
if [ -z "$VICTIM_OK" ]; then
	skip "reports --follow: the kept report, then a new one" "$NO_VICTIM"
else
	"$CTL" --json reports --follow >"$T/follow.json" 2>"$T/follow.err" &
	FOL=$!
	wait_subscribed
	wait_report "$T/follow.json" json
	trigger uaf_write_kmalloc
	i=0
	while [ $i -lt 100 ] && [ "$(./json_check --lines "$T/follow.json" 2>/dev/null)" != 2 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill "$FOL" 2>/dev/null
	wait "$FOL"
	why=
	[ "$(./json_check --lines "$T/follow.json")" = 2 ] || why="$(./json_check --lines "$T/follow.json") lines, not 2"
	s0=$(./json_check --lines "$T/follow.json" 0.seq)
	s1=$(./json_check --lines "$T/follow.json" 1.seq)
	[ -n "$why" ] || [ "$s1" -gt "$s0" ] || why="sequence numbers $s0, $s1"
	[ -n "$why" ] || [ "$(./json_check --lines "$T/follow.json" 0.access)" = read ] || why="first is not the kept read"
	[ -n "$why" ] || [ "$(./json_check --lines "$T/follow.json" 1.access)" = write ] || why="second is not the new write"
	[ -z "$why" ] || { diag "$T/follow.err"; diag "$T/follow.json"; }
	result "reports --follow: the kept report, then a new one" "$why"
fi

if [ -z "$VICTIM_OK" ]; then
	skip "every bad case of the victim reaches monitor, as in debugfs" "$NO_VICTIM"
else
	"$CTL" clear
	"$CTL" monitor >"$T/all.txt" 2>"$T/all.err" &
	MON=$!
	wait_subscribed
	ncases=0
	for c in $(cat "$VICTIM/cases"); do
		case $c in
		clean_* | churn) continue ;;
		esac
		trigger "$c"
		ncases=$((ncases + 1))
	done
	sleep 0.5	# kfree_rcu cases report from an RCU callback, a little later
	i=0
	while [ $i -lt 100 ]; do
		[ "$(grep -c '^BUG: MEMSAN' "$T/all.txt")" = "$(grep -c '^BUG: MEMSAN' "$DBG/reports")" ] && break
		sleep 0.1
		i=$((i + 1))
	done
	kill "$MON" 2>/dev/null
	wait "$MON"
	n=$(grep -c '^BUG: MEMSAN' "$DBG/reports")
	echo "# $ncases bad cases triggered, $n reports"
	why=
	[ "$n" -ge 1 ] || why="no report in debugfs"
	cmp -s "$T/all.txt" "$DBG/reports" || why="${why:-monitor ($(grep -c '^BUG: MEMSAN' "$T/all.txt") reports) differs from debugfs ($n)}"
	run "$CTL" status
	grep -q "^  netlink_drops: 0$" "$T/out" || echo "# $(grep netlink_drops "$T/out")"
	[ -z "$why" ] || diag "$T/all.err"
	result "every bad case of the victim reaches monitor, as in debugfs" "$why"
fi

# === 20: malformed requests ===
if [ ! -x ./nl_malformed ]; then
	skip "malformed netlink requests rejected, memsan still works" "no nl_malformed (pass --file)"
else
	./nl_malformed >"$T/mal.txt" 2>&1
	MRC=$?
	why=
	[ $MRC -eq 0 ] || why="nl_malformed: $(grep -c '^not ok' "$T/mal.txt") case(s) failed"
	run "$CTL" status
	[ $RC -eq 0 ] || why="${why:-status fails afterwards}"
	if [ -n "$VICTIM_OK" ]; then
		"$CTL" clear
		trigger oob_right_1_size1
		run "$CTL" --json reports
		[ "$(./json_check "$T/out")" = 1 ] || why="${why:-no report afterwards}"
	fi
	diag "$T/mal.txt"
	result "malformed netlink requests rejected, memsan still works" "$why"
fi

# === 21-26: unprivileged user ===
if [ ! -x ./run_as ]; then
	for t in "status" "config set" "clear" "reports" "monitor" "raw requests and group"; do
		skip "unprivileged $t" "no run_as (pass --file)"
	done
else
	chmod 0755 "$HERE" "$CTL" ./nl_malformed 2>/dev/null
	run ./run_as "$CTL" status
	result "unprivileged status works" "$([ $RC -eq 0 ] || echo "exit $RC: $(head -n1 "$T/err")")"

	before=$(param redzone)
	run ./run_as "$CTL" config redzone=64
	why=
	[ $RC -eq 4 ] || why="exit $RC, not 4"
	grep -q "permission denied" "$T/err" || why="${why:-message: $(head -n1 "$T/err")}"
	[ "$(param redzone)" = "$before" ] || why="${why:-redzone changed}"
	result "unprivileged config set: permission denied, unchanged" "$why"

	nreports=$(grep -c '^BUG: MEMSAN' "$DBG/reports")
	run ./run_as "$CTL" clear
	why=
	[ $RC -eq 4 ] || why="exit $RC, not 4"
	grep -q "permission denied" "$T/err" || why="${why:-message: $(head -n1 "$T/err")}"
	[ "$(grep -c '^BUG: MEMSAN' "$DBG/reports")" = "$nreports" ] || why="${why:-reports were cleared}"
	result "unprivileged clear: permission denied, nothing cleared" "$why"

	run ./run_as "$CTL" reports
	why=
	[ $RC -eq 4 ] || why="exit $RC, not 4"
	[ ! -s "$T/out" ] || why="${why:-printed something}"
	grep -q "permission denied" "$T/err" || why="${why:-message: $(head -n1 "$T/err")}"
	result "unprivileged reports: permission denied" "$why"

	run timeout 10 ./run_as "$CTL" monitor
	why=
	[ $RC -eq 4 ] || why="exit $RC, not 4"
	grep -q "permission denied" "$T/err" || why="${why:-message: $(head -n1 "$T/err")}"
	result "unprivileged monitor: permission denied" "$why"

	if [ -x ./nl_malformed ]; then
		./run_as ./nl_malformed --unprivileged >"$T/unpriv.txt" 2>&1
		MRC=$?
		diag "$T/unpriv.txt"
		result "unprivileged raw requests and group join: EPERM" \
			"$([ $MRC -eq 0 ] || echo "$(grep -c '^not ok' "$T/unpriv.txt") case(s) failed")"
	else
		skip "unprivileged raw requests and group join: EPERM" "no nl_malformed"
	fi
fi

# === 27-28: without the family (no debugfs fallback), version ===
NOFAM="env MEMSAN_CTL_FAMILY=no_such_family"
before=$(param redzone)
why=
for c in status config "config redzone=64" reports "reports --follow" monitor clear; do
	run timeout 10 $NOFAM "$CTL" $c
	[ $RC -eq 1 ] || why="${why:-$c exits $RC, not 1}"
	grep -q "generic netlink family 'no_such_family' is not available" "$T/err" ||
		why="${why:-$c: message: $(head -n1 "$T/err")}"
	[ ! -s "$T/out" ] || why="${why:-$c printed: $(head -n1 "$T/out")}"
done
[ "$(param redzone)" = "$before" ] || why="${why:-redzone changed}"
run $NOFAM "$CTL" version
grep -q "^memsan.ko [0-9]" "$T/out" || why="${why:-version (from sysfs): $(cat "$T/out")}"
result "without the family: exit 1 with a message, nothing done" "$why"

run "$CTL" version
why=
[ $RC -eq 0 ] || why="exit $RC"
grep -q "^memsan.ko [0-9]" "$T/out" || why="${why:-no memsan.ko version: $(cat "$T/out")}"
result "version shows memsan.ko's version" "$why"

# === 29: not loaded (and unloading with a listener attached) ===
rmmod memsan_victim 2>/dev/null
"$CTL" monitor >/dev/null 2>&1 &
MON=$!
wait_subscribed
if rmmod memsan 2>"$T/err"; then
	kill "$MON" 2>/dev/null
	wait "$MON" 2>/dev/null
	run "$CTL" status
	why=
	[ $RC -eq 3 ] || why="exit $RC, not 3"
	grep -q "memsan is not loaded" "$T/err" || why="${why:-message: $(head -n1 "$T/err")}"
	result "memsan unloaded: exit 3 with a message" "$why"
else
	kill "$MON" 2>/dev/null
	not_ok "memsan unloaded: exit 3 with a message" "rmmod memsan failed: $(head -n1 "$T/err")"
fi

[ $N -eq $NTESTS ] || echo "# $N results for a plan of $NTESTS"
echo "# $((N - FAILED))/$N passed"
[ $FAILED -eq 0 ] && [ $N -eq $NTESTS ]
