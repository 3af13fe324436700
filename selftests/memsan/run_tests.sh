#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# memsan selftests, in the guest (busybox ash), from the directory holding
# memsan.ko, memsan_victim.ko, memsan_test and load_unload.sh:
#
#   ./run_tests.sh [CASE...]
#
# loads memsan and the victim, runs memsan_test (all cases, or the CASEs
# given), unloads both, checks the kernel log, then runs load_unload.sh.
# One flat KTAP stream: the sub-tests' results are renumbered into it.
# Exit status 0 iff nothing failed.
#
# Environment: MEMSAN_PARAMS, module parameters for the memsan_test run
# (default: none); load_unload.sh reads its own (see there).

# shellcheck disable=SC2086 # MEMSAN_PARAMS is split into parameters on purpose

cd "$(dirname "$0")" || exit 1
# the shared helpers: beside this script in the guest, in ../lib in the repo
if [ -f ktap.sh ]; then . ./ktap.sh; else . ../lib/ktap.sh; fi

MEMSAN_PARAMS=${MEMSAN_PARAMS-}
DEBUGFS=/sys/kernel/debug

# sub_ktap NAMES CMD...: run CMD, a KTAP producer, and splice its results
# into this stream renumbered.  NAMES are the test names CMD should report,
# in order; those it did not report (it crashed, say) become failures.
sub_ktap() {
	names=$1
	shift
	rm -f "$TMPD/rc" "$TMPD/count"
	{
		"$@" 2>&1
		echo $? > "$TMPD/rc"
	} | awk -v base="$n" -v countfile="$TMPD/count" '
		/^KTAP version / || /^[0-9]+\.\.[0-9]+/ { next }
		/^(not )?ok [0-9]+/ {
			k++
			not = $1 == "not"
			if (not && $0 !~ /# *SKIP/)
				f++
			if ($0 ~ /# *SKIP/)
				s++
			sub(/^(not )?ok [0-9]+/, "")
			printf "%sok %d%s\n", not ? "not " : "", base + k, $0
			fflush()
			next
		}
		/^#/ { print; fflush(); next }
		{ print "# " $0; fflush() }
		END { print k + 0, f + 0, s + 0 > countfile }
	'
	read -r got subfailed subskipped < "$TMPD/count"
	rc=$(cat "$TMPD/rc" 2> /dev/null || echo unknown)
	n=$((n + got))
	failed=$((failed + subfailed))
	skipped=$((skipped + subskipped))

	i=0
	for name in $names; do
		i=$((i + 1))
		[ $i -le "$got" ] && continue
		point not_ok "$name" "no result: $1 exited with status $rc"
	done
	# A failure exit with no failed result still fails (4 is a skip).
	if [ "$rc" != 0 ] && [ "$rc" != 4 ] && [ "$subfailed" = 0 ] &&
	   [ $i -le "$got" ]; then
		diag "$1 exited with status $rc"
		failed=$((failed + 1))
	fi
}

if [ $# -gt 0 ]; then
	CASES="$*"
else
	CASES=$(./memsan_test -l) || {
		echo "run_tests.sh: ./memsan_test -l failed" >&2
		exit 1
	}
fi
nr_cases=$(echo "$CASES" | wc -w)

mkdir -p /tmp
TMPD=$(mktemp -d /tmp/run_tests.XXXXXX) || exit 1
trap 'rm -rf "$TMPD"' EXIT

PARAM_TESTS="insmod_rejects_bad_track insmod_rejects_unaligned_redzone
insmod_rejects_huge_quarantine insmod_rejects_bad_bool defaults sysfs_rejects_bad_track
sysfs_rejects_bad_redzone sysfs_rejects_bad_quarantine_kb track_modules_ignores_the_kernel
track_all_tracks_the_kernel track_modules_again_stops_tracking sysfs_accepts_good_values"

echo "KTAP version 1"
# params, insmod x2, memsan_test, stack_cache_exact, globals reload
# (2 x (1 + 3)), rmmod x2, dmesg_clean, load_unload
echo "1..$((12 + nr_cases + 7 + 8))"

grep -q " $DEBUGFS debugfs " /proc/mounts ||
	mount -t debugfs debugfs "$DEBUGFS" ||
	diag "cannot mount debugfs on $DEBUGFS"

sub_ktap "$PARAM_TESTS" ./params.sh

MARK="memsan run_tests.sh: start $$"
echo "$MARK" > /dev/kmsg

if loaded memsan; then
	point not_ok insmod_memsan "memsan was already loaded"
elif out=$(insmod ./memsan.ko $MEMSAN_PARAMS 2>&1); then
	point ok insmod_memsan
else
	diag "$out"
	point not_ok insmod_memsan "insmod ./memsan.ko $MEMSAN_PARAMS failed"
fi

if ! loaded memsan; then
	point ok insmod_memsan_victim "SKIP memsan is not loaded"
elif out=$(insmod ./memsan_victim.ko 2>&1); then
	point ok insmod_memsan_victim
else
	diag "$out"
	point not_ok insmod_memsan_victim "insmod ./memsan_victim.ko failed"
fi

sub_ktap "$CASES" ./memsan_test "$@"

# stack_cache=verify: every save goes through the stack memos and a full
# unwind, compared.  Over a varied workload (memsan_victim's stack_varied)
# none may differ, and memos must have been used, or nothing was proven.
SC=/sys/module/memsan/parameters/stack_cache
if ! loaded memsan_victim; then
	point ok stack_cache_exact "SKIP memsan_victim is not loaded"
elif [ ! -f "$SC" ]; then
	point not_ok stack_cache_exact "memsan has no stack_cache parameter"
elif [ "$(cat /sys/module/memsan/parameters/stack_trace)" != Y ]; then
	point ok stack_cache_exact "SKIP stack_trace is off: no stacks to save"
else
	sc_old=$(cat "$SC")
	h0=$(memsan_stat stack_cache_hits)
	m0=$(memsan_stat stack_cache_mismatches)
	if ! echo verify > "$SC"; then
		point not_ok stack_cache_exact "cannot set stack_cache=verify"
	elif ! echo stack_varied > "$DEBUGFS/memsan_victim/run"; then
		point not_ok stack_cache_exact "memsan_victim's stack_varied failed"
	else
		hits=$(($(memsan_stat stack_cache_hits) - h0))
		mism=$(($(memsan_stat stack_cache_mismatches) - m0))
		diag "stack_cache=verify over stack_varied: $hits memo hits, $mism mismatches"
		if [ "$mism" != 0 ]; then
			point not_ok stack_cache_exact "$mism saved stacks differed from a full unwind"
		elif [ "$hits" -gt 0 ]; then
			point ok stack_cache_exact
		elif [ "$(uname -m)" != x86_64 ]; then
			point ok stack_cache_exact "SKIP no stack memos on $(uname -m) (x86_64 ORC only)"
		else
			point not_ok stack_cache_exact "no stack memo was used: nothing compared"
		fi
	fi
	echo "$sc_old" > "$SC"
fi

# Globals: unload the victim and load it again, twice.  Its globals are
# unregistered and their shadow cleared on the way out, registered again on
# the way in: no report in between, the in-bounds case stays clean and the
# overflows are still reported (report_all, since the sites were reported).
GLOBAL_CASES="clean_global global_oob_read global_oob_write"
REPORT_ALL=/sys/module/memsan/parameters/report_all
# reports made since memsan was loaded (the ring may drop old ones)
nr_reports() {
	awk '$1 == "reports:" { print $2 }' "$DEBUGFS/memsan/stats" 2> /dev/null
}
old_report_all=$(cat "$REPORT_ALL" 2> /dev/null)
loaded memsan && echo Y > "$REPORT_ALL"
for i in 1 2; do
	if ! loaded memsan; then
		point ok victim_reload_$i "SKIP memsan is not loaded"
	else
		before=$(nr_reports)
		if loaded memsan_victim && ! out=$(rmmod memsan_victim 2>&1); then
			diag "$out"
			point not_ok victim_reload_$i "rmmod memsan_victim failed"
		elif ! out=$(insmod ./memsan_victim.ko 2>&1); then
			diag "$out"
			point not_ok victim_reload_$i "insmod ./memsan_victim.ko failed"
		elif [ "$(nr_reports)" != "$before" ]; then
			point not_ok victim_reload_$i "reports while the victim was reloaded"
		else
			point ok victim_reload_$i
		fi
	fi
	sub_ktap "$GLOBAL_CASES" ./memsan_test $GLOBAL_CASES
done
[ -n "$old_report_all" ] && loaded memsan && echo "$old_report_all" > "$REPORT_ALL"

for mod in memsan_victim memsan; do
	if ! loaded $mod; then
		point ok rmmod_$mod "SKIP $mod is not loaded"
	elif out=$(rmmod $mod 2>&1); then
		point ok rmmod_$mod
	else
		diag "$out"
		point not_ok rmmod_$mod "rmmod $mod failed"
	fi
done

# Kernel trouble other than memsan's own reports, since the start.
log=$(dmesg)
case $log in
*"$MARK"*) log=$(echo "$log" | sed -n "/$MARK/,\$p") ;;
*) diag "start mark not in the kernel log: checking all of it" ;;
esac
bad=$(echo "$log" |
	grep -E 'WARNING|BUG:|Oops|general protection|Unable to handle|Redzone overwritten' |
	grep -v 'BUG: MEMSAN: ')
if [ -z "$bad" ]; then
	point ok dmesg_clean
else
	echo "$bad" | head -n 20 | sed 's/^/# /'
	point not_ok dmesg_clean "kernel warnings or oopses in the log"
fi

sub_ktap load_unload ./load_unload.sh

diag "Totals: tests:$n failed:$failed skipped:$skipped"
[ "$failed" = 0 ]
