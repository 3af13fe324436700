#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Allocation-failure injection and `memsan-ctl explore`, in the guest
# (busybox ash), from a directory holding memsan.ko, memsan-ctl, json_check
# and examples/error_paths/*.ko.  KTAP output.  Modules are loaded with
# `memsan-ctl insmod` (finit_module once): busybox's insmod retries a
# failed finit_module() with init_module(), running a failing init twice.

cd "$(dirname "$0")" || exit 1
HERE=$(pwd)
CTL=$HERE/memsan-ctl
P=/sys/module/memsan/parameters
STATS=/sys/kernel/debug/memsan/stats
T=/tmp/explore_tests
# kmalloc() of a constant size calls kmalloc_trace() on 6.1,
# __kmalloc_cache_noprof() on 6.10+: failures are named after what the
# module called
KCONST=kmalloc_trace
grep -q ' __kmalloc_cache_noprof$' /proc/kallsyms 2>/dev/null && KCONST=__kmalloc_cache_noprof
NTESTS=18

rm -rf "$T"
mkdir -p "$T"
N=0
FAILED=0
ok() { N=$((N + 1)); echo "ok $N $1"; }
not_ok() { N=$((N + 1)); FAILED=$((FAILED + 1)); echo "not ok $N $1 # $2"; }
skip() { N=$((N + 1)); echo "ok $N $1 # SKIP $2"; }
diag() { [ -s "$1" ] && sed 's/^/# /' "$1"; return 0; }
result() { if [ -z "$2" ]; then ok "$1"; else not_ok "$1" "$2"; fi; }
param() { cat "$P/$1"; }
stat() { sed -n "s/^$1: //p" "$STATS"; }
loaded() { grep -q "^$1 " /proc/modules; }
run() {
	"$@" >"$T/out" 2>"$T/err"
	RC=$?
}
# setp NAME VALUE: write a parameter through sysfs; the write's status
setp() { echo "$2" >"$P/$1" 2>/dev/null; }
unload() { loaded "$1" && rmmod "$1"; }

echo "KTAP version 1"
echo "1..$NTESTS"

if ! loaded memsan && ! insmod ./memsan.ko; then
	echo "Bail out! memsan.ko does not load"
	exit 1
fi
HAVE_LEAKS=
grep -q '^leak_scans: ' "$STATS" && HAVE_LEAKS=1
NO_LEAKS="this memsan.ko has no leak detection (no leak_scans counter: issue 13 part 1)"

# === 1: defaults: injection is off ===
why=
for kv in fail_nth=0 fail_probability=0 fail_interval=1 fail_times=1 fail_module= \
	fail_verbose=1 fail_last=; do
	k=${kv%%=*}
	[ "$(param "$k")" = "${kv#*=}" ] || why="${why:-$k is '$(param "$k")', not '${kv#*=}'}"
done
for c in allocations_counted allocations_failed_injected; do
	grep -q "^$c: " "$STATS" || why="${why:-no counter $c in stats}"
done
result "defaults: injection off, counters present" "$why"

# === 2: bad values through sysfs are refused and change nothing ===
why=
for kv in fail_nth=-1 fail_nth=abc fail_nth=4294967296 fail_probability=101 \
	fail_probability=-1 fail_interval=0 fail_times=-2 fail_times=x fail_verbose=3 \
	fail_module=no_such_module fail_module=memsan fail_last=x \
	fail_module=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa; do
	k=${kv%%=*}
	before=$(param "$k")
	if setp "$k" "${kv#*=}"; then
		why="${why:-$kv was accepted}"
	fi
	[ "$(param "$k")" = "$before" ] || why="${why:-$kv changed $k to '$(param "$k")'}"
done
dmesg | grep -q "fail_module: no loaded instrumented module is called 'no_such_module'" ||
	why="${why:-no message for fail_module=no_such_module}"
result "bad values refused through sysfs, nothing changed" "$why"

# === 3: ... and through memsan-ctl config (netlink) ===
why=
run "$CTL" config fail_probability=101
[ $RC -eq 1 ] || why="fail_probability=101: exit $RC"
run "$CTL" config fail_module=no_such_module
[ $RC -eq 1 ] || why="${why:-fail_module=no_such_module: exit $RC}"
grep -q "fail_module" "$T/err" || why="${why:-no message naming fail_module}"
run "$CTL" config fail_nth=3 fail_interval=0
[ $RC -eq 1 ] || why="${why:-fail_nth=3 fail_interval=0: exit $RC}"
[ "$(param fail_nth)" = 0 ] && [ "$(param fail_probability)" = 0 ] &&
	[ "$(param fail_interval)" = 1 ] && [ -z "$(param fail_module)" ] ||
	why="${why:-a value changed: nth=$(param fail_nth) prob=$(param fail_probability)}"
run "$CTL" config fail_verbose=2 fail_times=5
[ $RC -eq 0 ] && [ "$(param fail_verbose)" = 2 ] && [ "$(param fail_times)" = 5 ] ||
	why="${why:-fail_verbose=2 fail_times=5: exit $RC, $(param fail_verbose) $(param fail_times)}"
run "$CTL" config fail_verbose=1 fail_times=1
result "memsan-ctl config: bad values refused (all or none), good ones set" "$why"

# === 4: fail_nth fails the Nth call of an instrumented module, once ===
why=
f0=$(stat allocations_failed_injected)
setp fail_nth 2 || why="cannot set fail_nth=2"
[ "$(param fail_nth)" = 2 ] || why="${why:-fail_nth reads $(param fail_nth)}"
run "$CTL" insmod ./error_paths_fixed.ko
[ $RC -eq 1 ] || why="${why:-insmod exit $RC (init should fail)}"
grep -q "Cannot allocate memory" "$T/err" || why="${why:-insmod said: $(cat "$T/err")}"
loaded error_paths_fixed && why="${why:-the module stayed loaded}"
[ "$(param fail_nth)" = 0 ] || why="${why:-fail_nth reads $(param fail_nth) after firing}"
[ $(($(stat allocations_failed_injected) - f0)) -eq 1 ] ||
	why="${why:-allocations_failed_injected grew by $(($(stat allocations_failed_injected) - f0))}"
case $(param fail_last) in
"kstrdup in hub_init+"*"[error_paths_fixed] (fail_nth)") ;;
*) why="${why:-fail_last is '$(param fail_last)'}" ;;
esac
dmesg | grep -q "injected allocation failure: kstrdup in hub_init+" ||
	why="${why:-fail_verbose=1 printed no line}"
# and only once: the next load works
run "$CTL" insmod ./error_paths_fixed.ko
[ $RC -eq 0 ] || why="${why:-second insmod exit $RC: $(cat "$T/err")}"
unload error_paths_fixed
result "fail_nth=2 fails the module's kstrdup (2nd call), once; fail_last names it" "$why"

# === 5: the rest of the kernel is never failed ===
why=
c0=$(stat allocations_counted)
f0=$(stat allocations_failed_injected)
setp fail_times -1 && setp fail_probability 100 || why="cannot set fail_probability=100 fail_times=-1"
for i in 1 2 3; do
	cat /proc/slabinfo /proc/meminfo >/dev/null 2>&1
	ls -R /sys/module >/dev/null 2>&1
	mkdir "$T/d$i" && echo x >"$T/d$i/f" && rm -r "$T/d$i" || why="${why:-file operations failed}"
done
[ "$(stat allocations_counted)" = "$c0" ] || why="${why:-kernel allocations were counted}"
[ "$(stat allocations_failed_injected)" = "$f0" ] || why="${why:-kernel allocations were failed}"
run "$CTL" insmod ./error_paths_fixed.ko
[ $RC -eq 1 ] || why="${why:-insmod with fail_probability=100: exit $RC}"
[ $(($(stat allocations_failed_injected) - f0)) -eq 1 ] ||
	why="${why:-$(($(stat allocations_failed_injected) - f0)) failures (init stops at the first)}"
setp fail_probability 0
setp fail_times 1
result "fail_probability=100 fails instrumented calls only, never the kernel's" "$why"

# === 6: fail_times bounds fail_probability ===
why=
setp fail_times 2 && setp fail_probability 100 || why="cannot set fail_times=2"
r=""
for i in 1 2 3; do
	run "$CTL" insmod ./error_paths_fixed.ko
	r="$r$RC"
	unload error_paths_fixed
done
[ "$r" = 110 ] || why="${why:-three loads exited $r, not 1 1 0}"
[ "$(param fail_times)" = 0 ] || why="${why:-fail_times reads $(param fail_times)}"
setp fail_probability 0
setp fail_times 1
result "fail_times=2: two failures, then none" "$why"

# === 7: fail_interval: only every Nth counted call is a candidate ===
why=
c0=$(stat allocations_counted)
setp fail_interval 3 && setp fail_times -1 && setp fail_probability 100 ||
	why="cannot set fail_interval=3"
run "$CTL" insmod ./error_paths_fixed.ko
[ $RC -eq 1 ] || why="${why:-insmod exit $RC}"
[ $(($(stat allocations_counted) - c0)) -eq 3 ] ||
	why="${why:-$(($(stat allocations_counted) - c0)) calls counted, not 3}"
case $(param fail_last) in
"$KCONST in hub_init+"*"(fail_probability)") ;;
*) why="${why:-fail_last is '$(param fail_last)'}" ;;
esac
setp fail_probability 0
setp fail_interval 1
setp fail_times 1
result "fail_interval=3 with fail_probability=100 fails the 3rd call" "$why"

# === 8: fail_module: one loaded instrumented module, kept across its reload ===
why=
run "$CTL" insmod ./error_paths_fixed.ko
[ $RC -eq 0 ] || why="insmod error_paths_fixed: exit $RC"
run "$CTL" config fail_module=error_paths_fixed
[ $RC -eq 0 ] || why="${why:-fail_module=error_paths_fixed: exit $RC: $(cat "$T/err")}"
[ "$(param fail_module)" = error_paths_fixed ] || why="${why:-fail_module reads '$(param fail_module)'}"
setp fail_module no_such_module && why="${why:-fail_module=no_such_module accepted}"
[ "$(param fail_module)" = error_paths_fixed ] || why="${why:-a refused value changed fail_module}"
unload error_paths_fixed
[ "$(param fail_module)" = error_paths_fixed ] || why="${why:-fail_module forgot the name at unload}"
# another instrumented module's calls are not counted
c0=$(stat allocations_counted)
setp fail_nth 1
run "$CTL" insmod ./error_paths.ko
[ $RC -eq 0 ] || why="${why:-error_paths was failed (exit $RC)}"
[ "$(stat allocations_counted)" = "$c0" ] || why="${why:-error_paths' calls were counted}"
[ "$(param fail_nth)" = 1 ] || why="${why:-fail_nth moved to $(param fail_nth)}"
unload error_paths
# the named module again: its first call fails
run "$CTL" insmod ./error_paths_fixed.ko
[ $RC -eq 1 ] || why="${why:-reloaded error_paths_fixed was not failed (exit $RC)}"
unload error_paths_fixed
setp fail_nth 0
setp fail_module "" || why="${why:-cannot clear fail_module}"
[ -z "$(param fail_module)" ] || why="${why:-fail_module reads '$(param fail_module)' after clearing}"
result "fail_module: only that module's calls, across its reload; bad names refused" "$why"

# === 9-11: explore the example module ===
dmesg -c >/dev/null
F_EXPLORE=$(stat allocations_failed_injected)
run "$CTL" explore -- "$CTL" insmod ./error_paths.ko
cp "$T/out" "$T/explore.out"
why=
[ $RC -eq 5 ] || why="exit $RC, not 5: $(head -n 3 "$T/err")"
[ "$(grep -c '^step [0-9]*: ' "$T/out")" -eq 7 ] || why="${why:-$(grep -c '^step' "$T/out") step lines, not 7}"
grep -q '^step 0: no failure, 6 allocations -> exit 0, ' "$T/out" || why="${why:-no step 0 line with 6 allocations}"
grep -q "^step 5: $KCONST in hub_alloc_rx+0x[0-9a-f]*/0x[0-9a-f]* \\[error_paths\\] failed -> exit 1, 1 report: double-free in hub_free_rx\$" "$T/out" ||
	why="${why:-step 5 does not name the failed kcalloc and the double free}"
grep -q '^  BUG: MEMSAN: double-free in hub_free_rx+' "$T/out" || why="${why:-the summary lacks the double free}"
grep -q "^    first at step 5: $KCONST in hub_alloc_rx+" "$T/out" ||
	why="${why:-the summary does not name step 5's failed call}"
for s in 1 2 3 4; do
	grep -q "^step $s: .* failed -> exit 1, no report$" "$T/out" || why="${why:-step $s is not a clean failure}"
done
loaded error_paths && why="${why:-error_paths left loaded}"
[ -z "$why" ] || diag "$T/out"
result "explore error_paths: 7 steps, step 5's failure leads to the double free" "$why"

if [ -z "$HAVE_LEAKS" ]; then
	skip "explore error_paths: step 6's failure leaks the rx buffer" "$NO_LEAKS"
else
	why=
	grep -q '^step 6: kasprintf in hub_init+.* failed -> exit 1, .*memory-leak in hub_alloc_rx' "$T/explore.out" ||
		why="step 6 does not show the leak"
	grep -q '^  BUG: MEMSAN: memory-leak in hub_alloc_rx+' "$T/explore.out" ||
		why="${why:-the summary lacks the leak}"
	[ -z "$why" ] || diag "$T/explore.out"
	result "explore error_paths: step 6's failure leaks the rx buffer" "$why"
fi

why=
[ "$(param fail_nth)" = 0 ] && [ "$(param fail_probability)" = 0 ] && [ -z "$(param fail_module)" ] ||
	why="injection left on: nth=$(param fail_nth) prob=$(param fail_probability) module=$(param fail_module)"
dmesg | grep -q 'error_paths: sensor-hub:8 ready' || why="${why:-step 0 did not load the module}"
# (counted, not read from dmesg: fail_verbose's lines are rate-limited)
[ $(($(stat allocations_failed_injected) - F_EXPLORE)) -eq 6 ] ||
	why="${why:-$(($(stat allocations_failed_injected) - F_EXPLORE)) injected failures, not 6}"
# one load per step: busybox's insmod would load again after a failed init
[ "$(dmesg | grep -c 'tracking instrumented module error_paths$')" -eq 7 ] ||
	why="${why:-$(dmesg | grep -c 'tracking instrumented module error_paths$') loads, not 7}"
result "explore leaves injection off; each failing init ran once" "$why"

# === 12: the fixed twin explores clean ===
run "$CTL" explore -- "$CTL" insmod ./error_paths_fixed.ko
why=
[ $RC -eq 0 ] || why="exit $RC, not 0"
[ "$(grep -c '^step [0-9]*: ' "$T/out")" -eq 7 ] || why="${why:-$(grep -c '^step' "$T/out") step lines, not 7}"
grep -q '^summary: 7 steps, 0 reports, no bug found$' "$T/out" || why="${why:-summary: $(grep summary "$T/out")}"
[ -z "$why" ] || diag "$T/out"
result "explore error_paths_fixed: clean${HAVE_LEAKS:+ (leaks included)}" "$why"

# === 13: --json ===
run "$CTL" --json explore -- "$CTL" insmod ./error_paths.ko
why=
[ $RC -eq 5 ] || why="exit $RC"
if ! ./json_check "$T/out" >/dev/null; then
	why="${why:-not JSON}"
else
	[ "$(./json_check "$T/out" allocations)" = 6 ] || why="${why:-allocations is not 6}"
	[ "$(./json_check "$T/out" steps.6.step)" = 6 ] && ! ./json_check "$T/out" steps.7 >/dev/null ||
		why="${why:-steps has not 7 elements}"
	case $(./json_check "$T/out" steps.5.failed) in
	"$KCONST in hub_alloc_rx+"*) ;;
	*) why="${why:-steps.5.failed is '$(./json_check "$T/out" steps.5.failed)'}" ;;
	esac
	./json_check "$T/out" steps.5.reports.0.text | grep -q '^BUG: MEMSAN: double-free in hub_free_rx' ||
		why="${why:-steps.5.reports.0.text is not the double free}"
	case $(./json_check "$T/out" bugs.0.headline) in
	"BUG: MEMSAN: double-free in hub_free_rx+"*) ;;
	*) why="${why:-bugs.0.headline is '$(./json_check "$T/out" bugs.0.headline)'}" ;;
	esac
	[ "$(./json_check "$T/out" bugs.0.first_step)" = 5 ] || why="${why:-bugs.0.first_step is not 5}"
fi
[ -z "$why" ] || diag "$T/out"
result "explore --json: steps, the failed call, the reports, the bugs" "$why"

# === 14: --max ===
run "$CTL" explore --max 2 -- "$CTL" insmod ./error_paths.ko
why=
[ $RC -eq 0 ] || why="exit $RC (the first two failures find nothing)"
[ "$(grep -c '^step [0-9]*: ' "$T/out")" -eq 3 ] || why="${why:-$(grep -c '^step' "$T/out") steps, not 3}"
grep -q '^exploring the first 2 of 6 allocations (--max)$' "$T/out" || why="${why:-no --max note}"
result "explore --max 2: steps 0, 1 and 2 only" "$why"

# === 15: --module on a loaded module, with a script exercising it ===
why=
run "$CTL" insmod ./error_paths_fixed.ko
printf '#!/bin/sh\n%s insmod %s/error_paths.ko\n' "$CTL" "$HERE" >"$T/load_other.sh"
chmod +x "$T/load_other.sh"
run "$CTL" explore --module error_paths_fixed -- "$T/load_other.sh"
[ $RC -eq 0 ] || why="exit $RC: $(head -n 2 "$T/err")"
grep -q '^step 0: no failure, 0 allocations' "$T/out" || why="${why:-another module's calls were counted}"
grep -q 'nothing to explore' "$T/out" || why="${why:-no 'nothing to explore'}"
[ -z "$(param fail_module)" ] || why="${why:-fail_module left at '$(param fail_module)'}"
loaded error_paths_fixed || why="${why:-explore unloaded a module it did not load}"
loaded error_paths && why="${why:-explore left error_paths loaded}"
unload error_paths_fixed
run "$CTL" explore --module memsan -- true
[ $RC -eq 1 ] || why="${why:-explore --module memsan (not instrumented): exit $RC}"
[ -z "$why" ] || { diag "$T/out"; diag "$T/err"; }
result "explore --module: that module's calls only; a non-instrumented one refused" "$why"

# === 16: a hanging command is killed at --timeout ===
run "$CTL" explore --timeout 1 -- sleep 30
why=
[ $RC -eq 6 ] || why="exit $RC, not 6"
grep -q '^step 0: no failure, 0 allocations -> timed out after 1 s (killed), no report$' "$T/out" ||
	why="${why:-no timed-out step line}"
run "$CTL" status
[ $RC -eq 0 ] || why="${why:-memsan-ctl status failed after the timeout}"
[ -z "$why" ] || diag "$T/out"
result "explore --timeout: a hanging step is killed and reported (exit 6)" "$why"

# === 17: usage errors ===
why=
for args in "explore" "explore --" "explore --max 0 -- true" "explore --timeout x -- true" \
	"explore --module a/b -- true" "insmod"; do
	# shellcheck disable=SC2086 # split on purpose
	run "$CTL" $args
	[ $RC -eq 2 ] || why="${why:-'$args': exit $RC, not 2}"
done
run "$CTL" insmod /nonexistent.ko
[ $RC -eq 1 ] || why="${why:-insmod of a missing file: exit $RC}"
result "usage errors: explore without a command, bad --max/--timeout/--module" "$why"

# === 18: fail_verbose: 0 quiet, 2 with the stack ===
why=
sleep 5		# the lines are rate-limited (10 per 5 s): a fresh window
dmesg -c >/dev/null
setp fail_verbose 0 && setp fail_nth 1 || why="cannot set fail_verbose=0 fail_nth=1"
run "$CTL" insmod ./error_paths_fixed.ko
[ $RC -eq 1 ] || why="${why:-insmod exit $RC with fail_nth=1}"
dmesg | grep -q 'injected allocation failure' && why="${why:-fail_verbose=0 printed a line}"
setp fail_verbose 2 && setp fail_nth 1 || why="${why:-cannot set fail_verbose=2 fail_nth=1}"
run "$CTL" insmod ./error_paths_fixed.ko
[ $RC -eq 1 ] || why="${why:-insmod exit $RC with fail_nth=1}"
dmesg >"$T/dmesg"
grep -q "injected allocation failure: $KCONST in hub_init+0x[0-9a-f]*/0x[0-9a-f]* \\[error_paths_fixed\\] (fail_nth)" "$T/dmesg" ||
	why="${why:-no line naming the call}"
grep -qi 'call trace' "$T/dmesg" || why="${why:-no stack}"
# the call site, then the same function as a frame of the stack
[ "$(grep -c 'hub_init+0x' "$T/dmesg")" -ge 2 ] || why="${why:-hub_init is not in the stack}"
setp fail_verbose 1
[ -z "$why" ] || diag "$T/dmesg"
result "fail_verbose: 0 prints nothing, 2 the call and its stack" "$why"

[ $N -eq $NTESTS ] || echo "# planned $NTESTS, ran $N"
exit $((FAILED > 0))
