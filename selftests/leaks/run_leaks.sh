#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run_leaks.sh: memsan's leak reports, in the guest (KTAP).
#
#   qemu-scripts/vm-run --file selftests/leaks/leak_victim.ko \
#       --file selftests/leaks/run_leaks.sh -- 'sh run_leaks.sh'
#
# Loads memsan.ko, then leak_victim.ko once per case (case=NAME) and checks
# what memsan reports at unload and when asked (memsan-ctl leaks, debugfs):
# the leaks by allocating function, object, bytes, count and stack; the
# clean twins not at all, while their objects were checked.
cd /memsan || exit 1
CTL=./memsan-ctl
DBG=/sys/kernel/debug/memsan
OUT=/tmp/leaks.out
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"
	[ -f "$OUT" ] && sed 's/^/#   /' "$OUT" | head -n 40
}
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
check() { if [ "$1" = 0 ]; then ok "$2"; else not_ok "$2"; fi; }
stat() { sed -n "s/^$1: //p" $DBG/stats; }

# the memory-leak reports kept since the last 'clear', as text
leak_reports() { $CTL reports >"$OUT" 2>&1; grep -c '^BUG: MEMSAN: memory-leak in' "$OUT"; }

# expect_report FUNC PATTERN...: exactly one leak report, naming FUNC, with each PATTERN
expect_report() {
	func=$1
	shift
	rc=0
	[ "$(leak_reports)" = 1 ] || rc=1
	grep -Eq "^BUG: MEMSAN: memory-leak in $func\+0x[0-9a-f]+/0x[0-9a-f]+ \[leak_victim\]\$" "$OUT" || rc=1
	for p in "$@"; do
		grep -Eq "$p" "$OUT" || rc=1
	done
	return $rc
}

echo "KTAP version 1"
echo "1..28"

if ! insmod memsan.ko; then
	echo "Bail out! memsan.ko does not load"
	exit 1
fi

# --- 1-4: a leak at exit: three objects from one call site, never freed ---
$CTL clear
scans0=$(stat leak_scans)
leaks0=$(stat leaks_reported)
insmod leak_victim.ko case=exit_leak && rmmod leak_victim
expect_report leak_alloc_exit '^ 3 objects, 144 bytes leaked from this allocating call$' \
	'^unreferenced object 0x[0-9a-f]{16} \(size 48\):$' \
	'^ which belongs to the cache kmalloc-[0-9]+ of size [0-9]+$' \
	'^ found by the leak scan at unload of leak_victim$' \
	'^ hex dump \(first 32 bytes\):$' \
	'^  6c 65 61 6b 65 64 2d 61 74 2d 65 78 69 74 3a 41  leaked-at-exit:A$' \
	'^Allocated by task [0-9]+:$' '^ leak_alloc_exit\+0x' '^ leak_victim_init\+0x'
check $? "exit_leak: one report at unload naming leak_alloc_exit, 3 objects, 144 bytes, dump, stack"
[ "$(stat leak_scans)" -gt "$scans0" ] && [ "$(stat leaks_reported)" -eq $((leaks0 + 3)) ]
check $? "exit_leak: stats leak_scans grew, leaks_reported +3"
$CTL --json reports >"$OUT" 2>&1
grep -q '"bug": *"memory-leak"' "$OUT" && grep -q '"objects": *3' "$OUT" &&
	grep -q '"bytes": *144' "$OUT" && grep -q '"module": *"leak_victim"' "$OUT"
check $? "exit_leak: memsan-ctl --json reports: bug, module, leak objects and bytes"
dmesg >"$OUT"
grep -q 'BUG: MEMSAN: memory-leak in leak_alloc_exit' "$OUT" &&
	grep -q 'leak_victim: leak scan at unload: 3 objects checked, 3 leaked' "$OUT"
check $? "exit_leak: on the console"

# --- 5-6: a leak on an error path: init fails without freeing ---
$CTL clear
if insmod leak_victim.ko case=init_fail 2>/dev/null; then
	rmmod leak_victim
	not_ok "init_fail: insmod fails"
else
	ok "init_fail: insmod fails"
fi
expect_report leak_alloc_errpath '^ 1 object, 100 bytes leaked from this allocating call$' \
	'  leaked on the er$' '^ found by the leak scan at unload of leak_victim$' \
	'^ leak_victim_init\+0x'
check $? "init_fail: the error path's leak is reported, naming leak_alloc_errpath"

# --- 7-12: a leak while loaded, found on demand; freed at exit ---
$CTL clear
insmod leak_victim.ko case=ondemand
$CTL --json leaks --module leak_victim --fail-on-report >"$OUT" 2>&1
rc=$?
grep -Eq '"leaked": *1' "$OUT" && grep -Eq '"objects_checked": *1' "$OUT" &&
	grep -Eq '"new_reports": *1' "$OUT" && grep -Eq '"bytes_scanned": *[1-9]' "$OUT" &&
	grep -q '"bug": *"memory-leak"' "$OUT" && grep -Eq '"objects": *1' "$OUT" &&
	grep -q 'leak_alloc_ondemand+' "$OUT"
check $(( $? | (rc != 5) )) "ondemand: memsan-ctl --json leaks --module --fail-on-report: the leak, exit 5 ($rc)"
$CTL leaks >"$OUT" 2>&1
rc=$?
grep -Eq '^leak scan: 1 module, 1 objects checked, [01] leaked, 0 new reports; [0-9]+ bytes scanned in [0-9]+ ms' "$OUT" &&
	! grep -q '^BUG: MEMSAN' "$OUT"
check $(( $? | rc )) "ondemand: again, all modules: not reported twice"
sed -n 's/^leak scan: /# scan cost: /p' "$OUT"
expect_report leak_alloc_ondemand '^ found by the leak scan on demand$' \
	'^ 1 object, 72 bytes leaked from this allocating call$' '^  4c 4c 4c 4c'
check $? "ondemand: memsan-ctl reports has it (text), with its dump"
s0=$(stat leak_scans)
echo 1 >$DBG/leak_scan
check $(( $? | ($(stat leak_scans) != s0 + 1) )) "ondemand: debugfs leak_scan runs a scan"
rmmod leak_victim
$CTL clear
dmesg | grep -q 'leak_victim: leak scan at unload: 0 objects checked, 0 leaked'
check $? "ondemand: freed at exit: nothing left at unload"
$CTL leaks --module no_such_module >"$OUT" 2>&1
rc=$?
grep -q "no instrumented module 'no_such_module' is loaded" "$OUT"
check $(( $? | (rc != 1) )) "bad input: leaks --module of no loaded module: exit 1 with a message"

# --- 13: bad option value ---
$CTL leaks --module '' >"$OUT" 2>&1
check $(( $? != 2 )) "bad input: leaks --module '': usage error"

# --- 14-21: the clean twins: checked, never reported ---
for c in global list middle rcu; do
	$CTL clear
	dmesg -c >/dev/null
	insmod leak_victim.ko case=$c
	$CTL leaks --module leak_victim >"$OUT" 2>&1
	case $c in rcu) want=8 ;; *) want=1 ;; esac
	grep -Eq "^leak scan: 1 module, $want objects checked, 0 leaked, 0 new reports" "$OUT"
	check $? "$c: on demand: $want objects checked, none leaked"
	rmmod leak_victim
	dmesg >"$OUT"
	case $c:$(uname -r) in
	# kfree_rcu() at exit: the 8 objects are still pending (5 s batches)
	rcu:[1-6].*) unload="leak_victim: leak scan at unload: 8 objects checked, 0 leaked" ;;
	# 7.x: memsan frees them itself once their grace period is over
	# (kmod/hooks/rcu_free.c): some, all or none may be gone at unload
	rcu:*) unload="leak_victim: leak scan at unload: [0-8] objects checked, 0 leaked" ;;
	*) unload="leak_victim: leak scan at unload: 0 objects checked, 0 leaked" ;;
	esac
	grep -q "$unload" "$OUT" && [ "$(leak_reports)" = 0 ]
	check $? "$c: at unload: no report ($unload)"
done

# --- 22-23: a page and a vmalloc area, when memsan tracks them ---
for c in page_leak vmalloc_leak; do
	case $c in
	page_leak)
		func=leak_alloc_page
		home='^ which belongs to the pages of order 0 from the page allocator$' ;;
	*)
		func=leak_alloc_vmalloc
		home='^ which belongs to the vmalloc area of size [0-9]+$' ;;
	esac
	$CTL clear
	before=$(stat allocations_tracked)
	insmod leak_victim.ko case=$c
	after=$(stat allocations_tracked)
	rmmod leak_victim
	if [ "$after" = "$before" ]; then
		skip "$c: reported at unload" "memsan does not track ${c%_leak} allocations yet"
		continue
	fi
	expect_report $func "$home"
	check $? "$c: reported at unload, naming $func and where the object lives"
done

# --- 24-25: vmalloc areas side by side in a global array: vmalloc's own
# records of an area look alike, and are the only ones the scan ignores ---
$CTL clear
dmesg -c >/dev/null
before=$(stat allocations_tracked)
insmod leak_victim.ko case=vmalloc_array
after=$(stat allocations_tracked)
if [ "$after" = "$before" ]; then
	rmmod leak_victim
	skip "vmalloc_array: on demand: 4 areas checked, none leaked" "memsan does not track vmalloc allocations yet"
	skip "vmalloc_array: at unload: no report" "memsan does not track vmalloc allocations yet"
else
	$CTL leaks --module leak_victim >"$OUT" 2>&1
	grep -Eq "^leak scan: 1 module, 4 objects checked, 0 leaked, 0 new reports" "$OUT"
	check $? "vmalloc_array: on demand: 4 areas checked, none leaked"
	rmmod leak_victim
	dmesg | grep -q "leak_victim: leak scan at unload: 0 objects checked, 0 leaked" &&
		[ "$(leak_reports)" = 0 ]
	check $? "vmalloc_array: at unload: no report"
fi

# --- 26-27: failure injection never fails a __GFP_NOFAIL call (issue 13) ---
P=/sys/module/memsan/parameters
$CTL clear
dmesg -c >/dev/null
f0=$(stat allocations_failed_injected)
# every instrumented module's calls count: leak_victim is the only one loaded
echo -1 >$P/fail_times && echo 100 >$P/fail_probability
insmod leak_victim.ko case=nofail
echo 0 >$P/fail_probability
echo 1 >$P/fail_times
dmesg >"$OUT"
grep -q 'leak_victim: nofail: __GFP_NOFAIL allocated, plain failed' "$OUT"
check $? "nofail: fail_probability=100: the __GFP_NOFAIL kmalloc is not failed, the plain one is"
[ "$(stat allocations_failed_injected)" -eq $((f0 + 1)) ]
check $? "nofail: allocations_failed_injected +1 ($f0 -> $(stat allocations_failed_injected))"
rmmod leak_victim

# --- 28: stats ---
[ "$(stat leak_scans)" -ge 10 ]
check $? "stats: leak_scans counts every scan ($(stat leak_scans))"

echo "# leak suite: $failed failed"
[ $failed = 0 ]
