#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# memsan stress suite, in the guest (busybox ash), from the directory holding
# memsan.ko, memsan_stress.ko and memsan-ctl.  TAP on stdout.
#
#   tasklock  bugs committed while the task holds its own task_lock(), from
#           process context and from a hardirq interrupting the section: all
#           reported, and the guest goes on (memsan once spun there for good).
#   storm   a report storm (memsan_stress.ko, report_all=1) from process,
#           softirq and hardirq context on every CPU for STORM_SECONDS, with
#           `memsan-ctl monitor` listening and a slow reader of debugfs'
#           reports: the shell answers within a second, the bugs committed
#           add up to reports + reports_suppressed + reports_dropped, every
#           report reached the listener or is counted in netlink_drops,
#           memsan's console output stays bounded, and the ring keeps the
#           first 16 reports and the latest 64.
#   churn   clean kmalloc/krealloc/kfree/kfree_rcu/kmem_cache traffic from
#           process, softirq and hardirq context on every CPU for
#           CHURN_SECONDS while quarantine_kb, track, stack_trace and redzone
#           change every half second: no report, the quarantine within its
#           budget and empty at quarantine_kb=0, no WARNING; after memsan's
#           unload Slab + VmallocUsed back within CHURN_TOLERANCE_KB (the
#           kernel frees kfree_rcu() objects late: memsan must not leave
#           its kmalloc caches behind for them).
#   pressure  a quarantine of PRESSURE_MB, then two processes each
#           touching 60% of the guest's memory (the OOM killer ends one):
#           the quarantine's shrinker gives memory back, nothing crashes,
#           memsan reports again afterwards.
#   fail_alloc  (test-only debugfs knob) one in FAIL_EVERY of memsan's own
#           allocations fails (object records, shadow chunks, stack depot,
#           netlink messages, report buffers) under track=all and slab load:
#           no report on the clean workload, every bug of a short storm
#           accounted for, the failures counted, and memsan unloads (inside
#           the unload part's leak and warning checks).
#   unload  rmmod memsan is refused while an instrumented module is loaded;
#           then UNLOAD_CYCLES cycles of: load memsan (track=all) under slab
#           load, attach a listener, fill the quarantine from the
#           instrumented module, storm, unload that module (its objects stay
#           in the quarantine), unload memsan at once.  No WARNING, and
#           Slab + VmallocUsed back within UNLOAD_TOLERANCE_KB.
#
# Environment (defaults): STORM_SECONDS (15), UNLOAD_CYCLES (20),
# UNLOAD_TOLERANCE_KB (2048), STORM_LATENCY_MS (1000), STORM_CONSOLE_REPORTS
# (reports allowed on the console per 60 s of storm: 10, memsan's limit),
# CHURN_SECONDS (16), CHURN_TOLERANCE_KB (1024), FAIL_EVERY (5), PRESSURE_MB (64).

cd "$(dirname "$0")" || exit 1
# the shared helpers (mem_kb): beside this script in the guest, in ../lib in the repo
if [ -f ktap.sh ]; then . ./ktap.sh; else . ../lib/ktap.sh; fi
PATH=$PWD:$PATH

STORM_SECONDS=${STORM_SECONDS:-15}
UNLOAD_CYCLES=${UNLOAD_CYCLES:-20}
UNLOAD_TOLERANCE_KB=${UNLOAD_TOLERANCE_KB:-2048}
STORM_LATENCY_MS=${STORM_LATENCY_MS:-1000}
STORM_CONSOLE_REPORTS=${STORM_CONSOLE_REPORTS:-10}
FAIL_EVERY=${FAIL_EVERY:-5}
CHURN_SECONDS=${CHURN_SECONDS:-16}
CHURN_TOLERANCE_KB=${CHURN_TOLERANCE_KB:-1024}
PRESSURE_MB=${PRESSURE_MB:-64}
DBG=/sys/kernel/debug
SDIR=$DBG/memsan_stress
TROUBLE='Kernel panic|Oops|WARNING:|BUG: |kernel BUG at|soft lockup|hard LOCKUP|detected stall|blocked for more than'
T=$(mktemp -d /tmp/stress.XXXXXX) || exit 1

n=0
failed=0
echo "TAP version 13"
echo "1..13"

diag() { echo "# $*"; }
point() {
	# point NAME [WHY]: ok if WHY is empty
	n=$((n + 1))
	if [ -z "$2" ]; then
		echo "ok $n $1"
	else
		echo "not ok $n $1 # $2"
		failed=$((failed + 1))
	fi
}
skip() { n=$((n + 1)); echo "ok $n $1 # SKIP $2"; }

loaded() { grep -q "^$1 " /proc/modules; }
stat() { sed -n "s/^$1: //p" $DBG/memsan/stats; }
# now: NOW = uptime in centiseconds, without a fork
now() { read -r up _ < /proc/uptime; NOW=${up%.*}${up#*.}; }

# kmsg_seq TAG: the printk sequence number of a record TAG written now.
kmsg_seq() {
	echo "memsan-stress-mark $1" > /dev/kmsg
	timeout 5 cat /dev/kmsg 2> /dev/null |
		sed -n "s/^[0-9]*,\([0-9]*\),[^;]*;memsan-stress-mark $1\$/\1/p" | tail -n 1
} 2> /dev/null	# not the shell's "Terminated" for the cat timeout ends

memfree_kb() { awk '/^MemFree:/ { print $2 }' /proc/meminfo; }

# The slab load of load_unload.sh, until $1 exists.
load_worker() {
	stop=$1 dir=$2 i=0
	mkdir -p "$dir"
	while [ ! -e "$stop" ]; do
		mkdir -p "$dir/d$((i % 16))"
		echo "$i" > "$dir/d$((i % 16))/f"
		cat /proc/meminfo /proc/self/status /proc/slabinfo > /dev/null 2>&1
		ls -l "$dir" /proc/self/fd > /dev/null 2>&1
		rm -rf "$dir/d$((i % 16))"
		i=$((i + 1))
	done
}

wait_gone() {
	# wait_gone PID SECONDS: 0 if PID exited within SECONDS
	w=0
	while kill -0 "$1" 2> /dev/null; do
		[ $w -lt $(($2 * 10)) ] || return 1
		sleep 0.1
		w=$((w + 1))
	done
}

hog() { while :; do :; done; }

# probe_for SECONDS: a shell command (fork + exec of cat) every 0.5 s, timed
# in the guest; MAX = the worst in ms (the loop's own sleep 0.5 is timed
# too), PROBES, LATS = each command's ms
probe_for() {
	now
	pstart=$NOW
	max=0 probes=0 lats=
	while [ $((NOW - pstart)) -lt $(($1 * 100)) ]; do
		now
		t0=$NOW
		up=$(cat /proc/uptime)
		up=${up%% *}
		t1=${up%.*}${up#*.}
		lat=$(((t1 - t0) * 10))
		[ $lat -le $max ] || max=$lat
		lats="$lats $lat"
		probes=$((probes + 1))
		sleep 0.5
		now
		lat=$(((NOW - t0) * 10 - 500))
		[ $lat -le $max ] || max=$lat
	done
}

[ "$(id -u)" = 0 ] || { diag "must run as root"; exit 1; }
for f in memsan.ko memsan_stress.ko memsan-ctl; do
	[ -e "$f" ] || { diag "$f missing"; exit 1; }
done
loaded memsan && { diag "memsan already loaded"; exit 1; }
echo "memsan-stress: start" > /dev/kmsg

# ================= 1: reports from inside task_lock() =================
# A report names its task.  get_task_comm() takes task_lock(current): from a
# hardirq that interrupted a task_lock() section (exec, exit, a /proc reader)
# it spun for good with IRQs off, and every other CPU after it on
# report_lock (the unload cycles' hang).
why=
if insmod memsan.ko report_all=1 && insmod memsan_stress.ko; then
	r0=$(stat reports) s0=$(stat reports_suppressed) d0=$(stat reports_dropped)
	echo 20 > $SDIR/tasklock || why="the tasklock write failed"
	c=$(sed -n 's/^total //p' $SDIR/committed)
	late=$(sed -n 's/^tasklock_late //p' $SDIR/committed)
	r=$(($(stat reports) - r0)) s=$(($(stat reports_suppressed) - s0))
	d=$(($(stat reports_dropped) - d0))
	irq=$(grep -c '^ *lock_hrtimer_fn' $DBG/memsan/reports)
	diag "tasklock: $c bugs committed, reports $r (from the hrtimer: $irq), dropped $d;" \
		"sections the hrtimer missed: $late"
	[ -n "$why" ] || [ "$c" -eq $((40 - late)) ] || why="$c bugs committed, expected 40 - $late"
	[ -n "$why" ] || [ "$late" -lt 10 ] || why="the hrtimer missed $late of 20 sections"
	[ -n "$why" ] || [ $((r + s + d)) -eq "$c" ] || why="reports+suppressed+dropped $((r + s + d)) for $c bugs"
	[ -n "$why" ] || [ "$irq" -gt 0 ] || why="no report from the hrtimer in the ring"
	rmmod memsan_stress || why="${why:-rmmod memsan_stress failed}"
	rmmod memsan || why="${why:-rmmod memsan failed}"
else
	why="insmod failed"
fi
point "tasklock: bugs inside task_lock(current), process and hardirq, are reported" "$why"

# ================= 2-6: report storm =================
# probe_beside_hogs: probe_for 5 s beside two plain CPU hogs (as many as
# the storm's kthreads on 2 CPUs): what a busy guest answers whatever memsan
# does, on this host
probe_beside_hogs() {
	hog &
	H1=$!
	hog &
	H2=$!
	probe_for 5
	kill $H1 $H2
	wait $H1 $H2 2> /dev/null
}

storm() {
	insmod memsan.ko report_all=1 || { echo "insmod memsan failed"; return 1; }
	memsan-ctl monitor > "$T/mon.txt" 2> "$T/mon.err" &
	MON=$!
	sleep 2		# the listener joins the group
	insmod memsan_stress.ko || { echo "insmod memsan_stress failed"; return 1; }
	r0=$(stat reports) s0=$(stat reports_suppressed) d0=$(stat reports_dropped)
	nd0=$(stat netlink_drops)
	k0=$(kmsg_seq storm-start)
	# the slow reader: reads the kept reports, pausing every 50 lines and
	# after each pass
	(
		while [ ! -e "$T/stop" ]; do
			j=0
			while read -r _; do
				j=$((j + 1))
				[ $((j % 50)) -ne 0 ] || sleep 0.2
			done < $DBG/memsan/reports
			echo x >> "$T/reads"
			sleep 0.2	# slow: reports overwritten meanwhile are missed, not spun on
		done
	) &
	READER=$!
	# the same probe before the storm: what the guest answers idle, then
	# beside two plain CPU hogs (as many as the storm's kthreads on 2 CPUs):
	# what a busy guest answers whatever memsan does, on this host
	probe_for 2
	base=$max
	probe_beside_hogs
	hogmax=$max hoglats=$lats
	echo 1 > $SDIR/run || { echo "cannot start the storm"; return 1; }
	now
	start=$NOW
	probe_for "$STORM_SECONDS"
	echo 0 > $SDIR/run
	now
	elapsed=$((NOW - start))
	touch "$T/stop"
	wait $READER
	# the CPU hogs again, after the storm: the host's load may have grown
	# meanwhile (the soak's hour); the larger of the two is the baseline
	smax=$max slats=$lats sprobes=$probes
	probe_beside_hogs
	hogafter=$max hoglats="$hoglats /$lats"
	[ "$hogafter" -le "$hogmax" ] || hogmax=$hogafter
	max=$smax lats=$slats probes=$sprobes
	k1=$(kmsg_seq storm-end)
	sleep 3		# the netlink work item sends what is queued
	committed=$(sed -n 's/^total //p' $SDIR/committed)
	sed 's/^/# committed: /' $SDIR/committed
	r=$(($(stat reports) - r0)) s=$(($(stat reports_suppressed) - s0))
	d=$(($(stat reports_dropped) - d0)) nd=$(($(stat netlink_drops) - nd0))
	lines=$(awk '/^BUG: MEMSAN/ { if (seen++) exit } seen { k++ } END { print k + 1 }' \
		$DBG/memsan/reports)
	# what the ring keeps: the sequence numbers of the kept reports
	memsan-ctl --json reports 2> /dev/null | grep -o '"seq": *[0-9]*' |
		sed 's/.*: *//' > "$T/kept"
	klast=$(memsan-ctl status | sed -n 's/^reports kept: seq [0-9]* to //p')
	kill $MON
	wait $MON
	monrc=$?
	got=$(grep -c '^BUG: MEMSAN' "$T/mon.txt")
	lost=$(sed -n 's/.* \([0-9][0-9]*\) report(s) lost.*/\1/p' "$T/mon.err" |
		awk '{ k += $1 } END { print k + 0 }')
	rmmod memsan_stress || echo "rmmod memsan_stress failed"
	rmmod memsan || echo "rmmod memsan failed"
	cat > "$T/storm.env" <<-EOF
	lats="$lats" base=$base hogmax=$hogmax hoglats="$hoglats"
	max=$max probes=$probes elapsed=$elapsed committed=$committed r=$r s=$s d=$d
	nd=$nd got=$got lost=$lost monrc=$monrc k0=$k0 k1=$k1 lines=$lines
	klast=${klast:-0} kn=$(wc -l < "$T/kept") kfirst=$(sort -n "$T/kept" | head -n 1)
	kmax=$(sort -n "$T/kept" | tail -n 1) kearly=$(awk '$1 <= 16' "$T/kept" | wc -l)
	klate=$(awk -v l="${klast:-0}" '$1 > l - 64' "$T/kept" | wc -l)
	reads=$(cat "$T/reads" 2> /dev/null | wc -l)
	EOF
}

storm_err=$(storm 2>&1)
[ -z "$storm_err" ] || diag "storm: $storm_err"
if [ ! -s "$T/storm.env" ]; then
	for t in "storm: the guest stays responsive" "storm: reports add up to the bugs committed" \
		"storm: every report reached the listener or is counted in netlink_drops" \
		"storm: memsan's console output is rate-limited" \
		"storm: the ring keeps the first 16 reports and the latest 64"; do
		point "$t" "the storm did not run: $storm_err"
	done
else
	. "$T/storm.env"
	diag "storm: ${elapsed}0 ms, $committed bugs committed (report_all=1)"
	diag "storm: reports $r, reports_suppressed $s, reports_dropped $d, netlink_drops $nd"
	diag "storm: monitor printed $got reports, said $lost lost, exit $monrc; slow reader passes: $reads"
	diag "storm: shell command latency max $max ms over $probes probes (ms:$lats)"
	diag "storm: before it: idle max $base ms; beside 2 CPU hogs (no memsan work), before and after it (/), max $hogmax ms (ms:$hoglats)"
	# 1 s, or twice what two plain CPU hogs cost on this guest and host
	# (TCG on a loaded host: a busy guest gets a fraction of a host core)
	limit=$STORM_LATENCY_MS
	[ $((2 * hogmax)) -le "$limit" ] || limit=$((2 * hogmax))
	why=
	[ "$probes" -ge $((STORM_SECONDS / 2)) ] || why="only $probes latency probes in ${STORM_SECONDS} s"
	[ "$max" -le "$limit" ] || why="a shell command took $max ms (limit $limit)"
	point "storm: the guest stays responsive (a command answers within ${STORM_LATENCY_MS} ms, or 2x a plain CPU hog's)" "$why"

	why=
	[ "$committed" -gt 0 ] || why="no bug committed"
	[ -n "$why" ] || [ $((r + s + d)) -eq "$committed" ] ||
		why="reports+suppressed+dropped = $((r + s + d)), committed $committed"
	point "storm: reports + reports_suppressed + reports_dropped = bugs committed" "$why"

	why=
	[ "$r" -gt 0 ] || why="no report"
	[ -n "$why" ] || [ "$got" -le "$r" ] || why="monitor printed $got > $r reports"
	# Kernels that can restrict a multicast group (6.7+?) send whole reports:
	# what does not reach the listener is a netlink drop.  Elsewhere (6.1)
	# the group carries sequence numbers, the listener fetches each report
	# from the ring, and one overwritten meanwhile is invisible to
	# netlink_drops: the listener says it lost it.
	if [ -n "$why" ] || [ $((got + nd)) -ge "$r" ]; then
		:
	elif [ $((got + lost)) -eq "$r" ]; then
		diag "storm: $((r - got - nd)) reports neither received nor in netlink_drops:" \
			"the listener counted them lost (overwritten in the ring before it fetched them)"
	else
		why="monitor got $got, said $lost lost, netlink_drops $nd: reports $r unaccounted for"
	fi
	[ -n "$why" ] || [ "$monrc" -eq 0 ] || why="monitor exited $monrc on SIGTERM"
	point "storm: every report reached the listener or is counted in netlink_drops" "$why"

	# reports printed between the marks vs. memsan's rate limit of
	# STORM_CONSOLE_REPORTS per 60 s: at most that many per started 60 s
	# window, plus one window
	why=
	printed=$(dmesg | sed -n '/memsan-stress-mark storm-start/,/memsan-stress-mark storm-end/p' |
		grep -c 'BUG: MEMSAN')
	allow=$(((elapsed / 6000 + 2) * STORM_CONSOLE_REPORTS))
	if [ -z "$k0" ] || [ -z "$k1" ]; then
		why="no printk sequence numbers from /dev/kmsg"
	else
		recs=$((k1 - k0 - 1))
		diag "storm: $recs printk records, $printed reports printed (allowed $allow)"
		if ! dmesg | grep -q 'memsan-stress-mark storm-start'; then
			why="the log overflowed: $recs printk records (~$((recs / lines)) reports)"
		elif [ "$printed" -gt "$allow" ]; then
			why="$printed reports printed in $((elapsed / 100)) s, limit $allow"
		fi
	fi
	point "storm: memsan's console output is rate-limited" "$why"

	# memsan was loaded for the storm: its first report is seq 1
	diag "storm: the ring keeps $kn reports: seq ${kfirst:-none} to ${kmax:-none}, $kearly of 1-16, $klate of the last 64 (last seq $klast)"
	why=
	if [ "$klast" -le 80 ]; then
		why="only $klast reports: nothing to drop"
	elif [ "$kfirst" != 1 ] || [ "$kearly" != 16 ]; then
		why="the first 16 reports are not all kept (first seq kept ${kfirst:-none}, $kearly of 1-16)"
	elif [ "$kmax" != "$klast" ] || [ "$klate" != 64 ]; then
		why="the latest 64 are not all kept (last kept ${kmax:-none} of $klast, $klate of them)"
	elif [ "$kn" != 80 ]; then
		why="$kn reports kept, not 16 + 64"
	fi
	point "storm: the ring keeps the first 16 reports and the latest 64" "$why"
fi

# ================= 7: concurrent allocation and free, parameters changing =================
churn_test() {
	P=/sys/module/memsan/parameters
	m0=$(mem_kb)
	cs0=$(dmesg | grep -c "memsan's kmalloc caches stay")
	insmod memsan.ko report_all=1 || { echo "insmod memsan failed"; return; }
	insmod memsan_stress.ko || { echo "insmod memsan_stress failed"; return; }
	r0=$(stat reports) d0=$(stat reports_dropped) s0=$(stat reports_suppressed)
	echo 1 > $SDIR/churn || { echo "churn did not start"; return; }
	j=0 over=0
	while [ $j -lt $((CHURN_SECONDS * 2)) ]; do
		case $((j % 4)) in
		0) q=0 t=all st=N rz=0 ;;
		1) q=64 t=modules st=Y rz=64 ;;
		2) q=4096 t=all st=Y rz=8 ;;
		3) q=16 t=modules st=N rz=16 ;;
		esac
		echo $q > $P/quarantine_kb && echo $t > $P/track && echo $st > $P/stack_trace &&
			echo $rz > $P/redzone || echo "setting parameters failed (round $j)"
		sleep 0.5
		# the budget, plus what the CPUs' batches may hold
		[ "$(stat quarantine_bytes)" -le $(((q + 128) * 1024)) ] || over=$((over + 1))
		j=$((j + 1))
	done
	echo 0 > $SDIR/churn
	ops=$(cat $SDIR/churn_ops)
	r=$(($(stat reports) - r0)) d=$(($(stat reports_dropped) - d0))
	s=$(($(stat reports_suppressed) - s0))
	echo 0 > $P/quarantine_kb
	qo=$(stat quarantine_objects) qb=$(stat quarantine_bytes)
	echo "# churn: $ops objects in ${CHURN_SECONDS} s, $((j)) parameter rounds;" \
		"reports $r, dropped $d; allocations_tracked $(stat allocations_tracked)," \
		"frees_tracked $(stat frees_tracked), untracked_nomem $(stat untracked_nomem)," \
		"probes_missed $(stat probes_missed); quarantine at 0 kB: $qo objects, $qb bytes" > "$T/churn.diag"
	[ "$ops" -gt 0 ] || echo "no object went through"
	[ $((r + d + s)) -eq 0 ] || { echo "$((r + d + s)) report(s) on a clean workload:"; \
		grep '^BUG: MEMSAN' $DBG/memsan/reports | head -n 3; }
	[ "$over" -eq 0 ] || echo "quarantine over its budget in $over rounds"
	[ "$qo" -eq 0 ] && [ "$qb" -eq 0 ] || echo "quarantine_kb=0 left $qo objects, $qb bytes"
	[ "$(stat allocations_tracked)" -ge "$(stat frees_tracked)" ] ||
		echo "more frees than allocations tracked"
	rmmod memsan_stress || echo "rmmod memsan_stress failed"
	rmmod memsan || echo "rmmod memsan failed"
	m1=$(mem_kb)
	cs1=$(dmesg | grep -c "memsan's kmalloc caches stay")
	echo "# churn: Slab + VmallocUsed $m0 kB before memsan's load, $m1 kB after its unload" \
		"($((m1 - m0)) kB)" >> "$T/churn.diag"
	[ "$cs1" -le "$cs0" ] || echo "memsan's unload left its kmalloc caches behind"
	[ $((m1 - m0)) -le "$CHURN_TOLERANCE_KB" ] ||
		echo "Slab + VmallocUsed grew by $((m1 - m0)) kB (limit $CHURN_TOLERANCE_KB)"
}
cwhy=$(churn_test 2>&1 | head -n 5 | tr '\n' ' ')
loaded memsan_stress && rmmod memsan_stress
loaded memsan && rmmod memsan
cat "$T/churn.diag" 2> /dev/null
point "churn: alloc/free from every context while parameters change: no report, quarantine in budget, memory back after unload" "$cwhy"

# ================= 8: memory pressure and the OOM killer =================
pressure_test() {
	insmod memsan.ko track=all report_all=1 quarantine_kb=$((PRESSURE_MB * 2048)) ||
		{ echo "insmod memsan failed"; return; }
	insmod memsan_stress.ko fill_size=4096 || { echo "insmod memsan_stress failed"; return; }
	echo $((PRESSURE_MB * 256)) > $SDIR/fill || echo "fill failed"
	q0=$(stat quarantine_bytes) u0=$(stat untracked_nomem)
	[ "$q0" -ge $((PRESSURE_MB * 1024 * 1024 / 2)) ] || echo "the quarantine holds only $q0 bytes"
	k0=$(kmsg_seq pressure-start)
	# each asks for 60% of the memory: together more than there is
	each=$(awk '/^MemTotal:/ { print int($2 * 0.6) }' /proc/meminfo)
	echo -1000 > /proc/self/oom_score_adj
	for h in 1 2; do
		(echo 1000 > /proc/self/oom_score_adj
		 exec dd if=/dev/zero of=/dev/null bs=${each}k count=4 2> /dev/null) &
	done
	wait
	echo 0 > /proc/self/oom_score_adj
	oom=$(dmesg | sed -n '/memsan-stress-mark pressure-start/,$p' | grep -c 'Killed process')
	q1=$(stat quarantine_bytes) u1=$(stat untracked_nomem)
	# memsan works on: the storm's bugs are reported
	r0=$(stat reports)
	echo 1 > $SDIR/run
	sleep 0.5
	echo 0 > $SDIR/run
	r=$(($(stat reports) - r0))
	echo "# pressure: quarantine $q0 bytes before, $q1 after; OOM kills $oom;" \
		"untracked_nomem +$((u1 - u0)); reports after it $r" > "$T/pressure.diag"
	[ "$q1" -lt "$q0" ] || echo "the quarantine did not shrink ($q0 -> $q1 bytes)"
	[ "$oom" -gt 0 ] || echo "the OOM killer did not run"
	[ "$r" -gt 0 ] || echo "no report after the pressure"
	rmmod memsan_stress || echo "rmmod memsan_stress failed"
	rmmod memsan || echo "rmmod memsan failed"
}
pwhy=$(pressure_test 2>&1 | head -n 5 | tr '\n' ' ')
loaded memsan_stress && rmmod memsan_stress
loaded memsan && rmmod memsan
cat "$T/pressure.diag" 2> /dev/null
point "pressure: OOM with a ${PRESSURE_MB} MB quarantine: it shrinks, memsan goes on" "$pwhy"

# ================= 9-12: unload anywhere =================
why=
if insmod memsan.ko && insmod memsan_stress.ko; then
	if rmmod memsan 2> "$T/rmmod.err"; then
		why="rmmod memsan succeeded with memsan_stress loaded"
	else
		diag "rmmod memsan refused: $(head -n 1 "$T/rmmod.err")"
		loaded memsan || why="memsan gone after a refused rmmod"
		[ -n "$why" ] || [ -n "$(stat reports)" ] || why="memsan's stats unreadable after the refusal"
	fi
	loaded memsan_stress && ! rmmod memsan_stress && why="${why:-rmmod memsan_stress failed}"
	loaded memsan && ! rmmod memsan && why="${why:-rmmod memsan failed after memsan_stress left}"
else
	why="insmod failed"
fi
point "unload: rmmod memsan refused while an instrumented module is loaded" "$why"

# one cycle first: what the first load allocates for good is not a leak
insmod memsan.ko track=all && rmmod memsan
mkdir -p "$T/load"
mount -t tmpfs stress "$T/load"
before=$(mem_kb)
free0=$(memfree_kb)
load_worker "$T/load/stop" "$T/load/w1" &
W1=$!
load_worker "$T/load/stop" "$T/load/w2" &
W2=$!
why= i=0 qfull=0 monexit=0 refused=0 retried=0 qb=0
while [ $i -lt "$UNLOAD_CYCLES" ] && [ -z "$why" ]; do
	i=$((i + 1))
	insmod memsan.ko track=all report_all=1 quarantine_kb=256 ||
		{ why="cycle $i: insmod memsan failed"; break; }
	memsan-ctl monitor > /dev/null 2>&1 &
	MON=$!
	insmod memsan_stress.ko fill_size=512 || { why="cycle $i: insmod memsan_stress failed"; break; }
	q0=$(stat quarantine_released)
	echo 1024 > $SDIR/fill || why="cycle $i: fill failed"
	# full: it had to give objects back to take the module's 512 kB
	[ "$(stat quarantine_released)" -le "$q0" ] || qfull=$((qfull + 1))
	echo 1 > $SDIR/run
	sleep 0.5
	echo 0 > $SDIR/run
	qb=$(stat quarantine_bytes)
	rmmod memsan_stress || { why="cycle $i: rmmod memsan_stress failed"; break; }
	# listener attached, reports in flight, quarantine full, probes firing:
	# rmmod is refused (EAGAIN) while a netlink dump holds a reference
	tries=0
	while ! rmmod memsan 2> /dev/null; do
		tries=$((tries + 1))
		[ $tries -lt 50 ] || break
		sleep 0.1
	done
	if loaded memsan; then
		refused=$((refused + 1))
		kill $MON
		wait_gone $MON 5 || { why="cycle $i: monitor still alive after SIGTERM"; break; }
		rmmod memsan || { why="cycle $i: rmmod memsan failed without listener"; break; }
	else
		[ $tries -eq 0 ] || retried=$((retried + 1))
		wait_gone $MON 1 && monexit=$((monexit + 1))
	fi
	kill $MON 2> /dev/null
	wait $MON 2> /dev/null
	[ "$(grep -c 'memsan_stress' /proc/modules)" -eq 0 ] || why="cycle $i: memsan_stress still listed"
	[ $((i % 5)) -ne 0 ] || diag "unload: $i cycles"
done

# memsan's own allocations fail, under the same slab load (track=all: the
# kernel's objects are tracked too); one in FAIL_EVERY of each kind
fail_test() {
	insmod memsan.ko track=all report_all=1 || { echo "insmod memsan failed"; return; }
	memsan-ctl monitor > /dev/null 2> "$T/fmon.err" &
	FMON=$!
	# the stress module's objects are tracked before failures start
	insmod memsan_stress.ko || { echo "insmod memsan_stress failed"; return; }
	f0=$(stat alloc_faults_injected) u0=$(stat untracked_nomem) r0=$(stat reports)
	echo "$FAIL_EVERY all" > $DBG/memsan/fail_alloc || { echo "fail_alloc refused"; return; }
	echo "1 bogus" > $DBG/memsan/fail_alloc 2> /dev/null && echo "fail_alloc took a bogus kind"
	# clean: the slab load, and the instrumented module allocating and freeing
	echo 2000 > $SDIR/fill || echo "fill failed"
	sleep 3
	rc=$(($(stat reports) - r0))
	[ "$rc" -eq 0 ] || { echo "$rc report(s) on the clean workload:"; \
		grep '^BUG: MEMSAN' $DBG/memsan/reports | head -n 3; }
	# bugs: every one reported, suppressed or dropped (counted)
	c0=$(sed -n 's/^total //p' $SDIR/committed)
	r0=$(stat reports) s0=$(stat reports_suppressed) d0=$(stat reports_dropped)
	nd0=$(stat netlink_drops)
	echo 1 > $SDIR/run
	sleep 1
	echo 0 > $SDIR/run
	c=$(($(sed -n 's/^total //p' $SDIR/committed) - c0))
	r=$(($(stat reports) - r0)) s=$(($(stat reports_suppressed) - s0))
	d=$(($(stat reports_dropped) - d0))
	sleep 2
	nd=$(($(stat netlink_drops) - nd0))
	f=$(($(stat alloc_faults_injected) - f0)) u=$(($(stat untracked_nomem) - u0))
	diag "fail_alloc: 1 in $FAIL_EVERY: $f allocations failed, $u objects untracked;" \
		"storm: $c bugs, reports $r, dropped $d, netlink_drops $nd" > "$T/fail.diag"
	[ "$c" -gt 0 ] && [ $((r + s + d)) -eq "$c" ] ||
		echo "storm: reports+suppressed+dropped $((r + s + d)), committed $c"
	[ "$f" -gt 0 ] || echo "no allocation failed"
	[ "$u" -gt 0 ] || echo "no object went untracked"
	[ "$d" -gt 0 ] || echo "no report dropped for want of a buffer"
	[ "$nd" -gt 0 ] || echo "no netlink message failed"
	rmmod memsan_stress || echo "rmmod memsan_stress failed"
	kill $FMON
	wait $FMON
	# unload with failures still on
	rmmod memsan || echo "rmmod memsan failed"
}
fwhy=$(fail_test 2>&1 | head -n 5 | tr '\n' ' ')
loaded memsan_stress && rmmod memsan_stress
loaded memsan && rmmod memsan

touch "$T/load/stop"
wait $W1 $W2
loaded memsan_stress && rmmod memsan_stress
loaded memsan && rmmod memsan
after=$(mem_kb)
free1=$(memfree_kb)
umount "$T/load"
diag "unload: $i cycles; quarantine full in $qfull (last: $qb bytes at rmmod)"
diag "unload: rmmod memsan with the listener attached: at once or after retries in" \
	"$((i - refused)) ($retried needed retries), refused for 5 s in $refused;" \
	"the listener exited by itself in $monexit"
diag "unload: Slab + VmallocUsed $before kB before, $after kB after ($((after - before)) kB)"
diag "unload: MemFree $free0 kB before, $free1 kB after"
[ -n "$why" ] || [ "$qfull" -eq "$i" ] || why="quarantine full in $qfull of $i cycles"
point "unload: $UNLOAD_CYCLES cycles: listener, storm, full quarantine, track=all under load" "$why"
why=
[ $((after - before)) -le "$UNLOAD_TOLERANCE_KB" ] ||
	why="Slab + VmallocUsed grew by $((after - before)) kB (tolerance $UNLOAD_TOLERANCE_KB)"
point "unload: no leak: Slab + VmallocUsed within $UNLOAD_TOLERANCE_KB kB" "$why"
cat "$T/fail.diag" 2> /dev/null
point "fail_alloc: memsan's own allocations fail 1 in $FAIL_EVERY: no false report, counted, unloads" "$fwhy"

log=$(dmesg)
case $log in
*"memsan-stress: start"*) log=$(echo "$log" | sed -n '/memsan-stress: start/,$p') ;;
*) diag "start mark overwritten: checking the whole kernel log" ;;
esac
bad=$(echo "$log" | grep -E "$TROUBLE" | grep -v 'BUG: MEMSAN')
[ -z "$bad" ] || echo "$bad" | head -n 10 | sed 's/^/# /'
point "stress: no WARNING, BUG, Oops, stall or lockup in the kernel log" \
	"${bad:+$(echo "$bad" | head -n 1)}"

rm -rf "$T"
[ "$failed" -eq 0 ]
