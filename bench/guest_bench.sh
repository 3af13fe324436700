#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# guest_bench.sh: run in a guest by scripts/bench (through qemu-scripts/vm-run)
# with memsan.ko, bench_inst.ko and bench_plain.ko in the current directory.
# Prints one "FIG <name>: <value> [(target <op> <target>)]" line per figure.
# Every figure is a ratio of two medians measured in this one boot.
#
# Order: bench_plain alone (memsan not loaded); insmod memsan (track=modules):
# bench_plain as a bystander, bench_inst (and again with stack_trace=N); track=all; rmmod memsan; bench_plain
# alone again (the baselines are the median over both plain-only phases).
#
# Environment: BENCH_REPS (default 5) repetitions per measurement;
# BENCH_PHASES: "all" (default), "single" (every figure measured on one CPU
# except the scaling ones) or "scaling" (the scaling figures: held pages and
# 2-CPU allocation throughput); BENCH_CLOCK: "wall" (default) or "icount",
# which says the guest runs under QEMU's -icount shift=0: its clock then
# advances one nanosecond per executed instruction, so an elapsed "ns" is an
# instruction count and the added-cost figures are printed as instructions.
# BENCH_STACK_FAST_PARAM: the name of a boolean memsan parameter that turns
# a fast path for saving stacks on (Y) and off (N, a full unwind every time);
# when set and present, stack_save_fast_vs_full_unwind is measured with it.
# The scaling figures need 2 CPUs and ~1 GiB of guest memory (102400 held
# page-sized buffers); without them they are "not measured: <reason>".

REPS=${BENCH_REPS:-5}
PHASES=${BENCH_PHASES:-all}
CLOCK=${BENCH_CLOCK:-wall}
STACK_FAST_PARAM=${BENCH_STACK_FAST_PARAM:-}
case $PHASES in all|single|scaling) ;; *) echo "guest_bench: bad BENCH_PHASES '$PHASES'" >&2; exit 2 ;; esac
case $CLOCK in wall|icount) ;; *) echo "guest_bench: bad BENCH_CLOCK '$CLOCK'" >&2; exit 2 ;; esac
DBG=/sys/kernel/debug
PARAMS=/sys/module/memsan/parameters
STATS=$DBG/memsan/stats
failed=0

die() { echo "guest_bench: $*" >&2; exit 1; }

# want single|scaling: whether this run measures those figures
want() { [ "$PHASES" = all ] || [ "$PHASES" = "$1" ]; }

# sizes of each run (TCG guests are slow: keep a run around 0.1 s)
N_WORKLOAD=4000
N_CHECK=40000
N_ALLOC=20000
N_SCALE=102400	# at least SCALE_BIG: every held page is touched
SCALE_PAGES=1024
SCALE_BIG=102400
N_PAR_PLAIN=100000	# allocation pairs per CPU (bench_plain: ~0.1 s)
N_PAR_INST=20000
CHECKS="check1 check2 check4 check8 check16 checkN"
ALLOCS="alloc16 alloc128 alloc1024 alloccache"

# shellcheck disable=SC2317	# called through eval (med)
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

# run MOD CMD N [ARG]: elapsed ns of one run
run() {
	echo "$2 $3 $4" >"$DBG/$1/run" || die "$1: '$2 $3 $4' failed"
	cat "$DBG/$1/run"
}

# measure MOD CMD N [ARG]: one warm-up run, then REPS runs; prints the samples
measure() {
	run "$@" >/dev/null
	i=0
	while [ $i -lt "$REPS" ]; do
		run "$@"
		i=$((i + 1))
	done
}

# record KEY MOD CMD N [ARG]: append samples to variable S_KEY; fails (and
# appends nothing) if a run fails
record() {
	key=$1
	shift
	s=$(measure "$@") || return 1
	s=$(printf '%s\n' "$s" | tr '\n' ' ')
	eval "S_$key=\"\${S_$key} $s\""
}

# why KEY REASON: remember why S_KEY has no samples (first reason wins)
why() { eval "[ -n \"\${W_$1}\" ] || W_$1=\"\$2\""; }

med() { eval "median \$S_$1"; }

# sub A B: A - B, empty if either is empty (a measurement that failed)
sub() { [ -n "$1" ] && [ -n "$2" ] && echo $(($1 - $2)); }

counter() { awk -v k="$1:" '$1 == k {print $2}' "$STATS"; }

# fig NAME NUM DEN [OP TARGET]: prints NAME: NUM/DEN
fig() {
	awk -v name="$1" -v a="$2" -v b="$3" -v op="$4" -v t="$5" -v unit="$6" 'BEGIN {
		if (b == "" || b + 0 == 0 || a == "") {
			printf "FIG %s: not measured (no data)\n", name; exit
		}
		line = sprintf("FIG %s: %.3f%s", name, a / b, unit)
		if (op != "")
			line = line sprintf(" (target %s %s)", op, t)
		print line
	}'
}

# notmeasured NAME KEY...: if a KEY has a reason (W_KEY), print NAME as not
# measured with it and succeed
notmeasured() {
	name=$1
	shift
	for k in "$@"; do
		eval "r=\${W_$k}"
		if [ -n "$r" ]; then
			echo "FIG $name: not measured: $r"
			return 0
		fi
	done
	return 1
}

memavail() { awk '$1 == "MemAvailable:" {print $2 " kB"}' /proc/meminfo; }

# scale_phase MOD SUFFIX: the check loop spread over 1, SCALE_PAGES and
# SCALE_BIG held page-sized buffers (S_scale<pages>_SUFFIX); with memsan
# loaded, each buffer must have been tracked
scale_phase() {
	for p in 1 $SCALE_PAGES $SCALE_BIG; do
		k=scale${p}_$2
		[ -d /sys/module/memsan ] && u0=$(counter untracked_nomem)
		if ! echo "pages $p" 2>/dev/null >"$DBG/$1/run"; then
			why "$k" "$1 could not allocate $p page-sized buffers (MemAvailable $(memavail))"
			continue
		fi
		if [ -d /sys/module/memsan ]; then
			u1=$(counter untracked_nomem)
			[ "$u1" = "$u0" ] ||
				why "$k" "memsan could not track $((u1 - u0)) of $p buffers (untracked_nomem)"
			[ "$p" = $SCALE_BIG ] &&
				echo "# scaling: $p pages held: $(grep -E '^(objects_tracked|shadow_bytes|metadata_bytes):' "$STATS" | tr '\n' ' ')" >&2
		fi
		record "$k" "$1" scale $N_SCALE || why "$k" "a scale run over $p pages failed in $1"
		echo "pages 0" >"$DBG/$1/run" || die "$1: cannot free the held pages"
	done
}

# allocpar_phase MOD SUFFIX N: N kmalloc/kfree pairs on 1 CPU, then N on each
# of 2 CPUs at once
allocpar_phase() {
	[ -d /sys/module/memsan ] && m0=$(counter probes_missed)
	for c in 1 2; do
		record "allocpar${c}_$2" "$1" allocpar "$3" $c ||
			why "allocpar${c}_$2" "allocpar on $c CPUs failed in $1 ($(grep -c '^processor' /proc/cpuinfo) CPUs)"
	done
	[ -d /sys/module/memsan ] &&
		echo "# allocpar: $1, probes_missed $m0 -> $(counter probes_missed)" >&2
}

plain_phase() {
	if want single; then
		record wl_plain bench_plain workload $N_WORKLOAD
		for c in $CHECKS; do
			record "${c}_plain" bench_plain "$c" $N_CHECK
		done
		record callfloor_plain bench_plain callfloor $N_CHECK
		for a in $ALLOCS; do
			record "${a}_plain" bench_plain "$a" $N_ALLOC
		done
	fi
	if want scaling; then
		allocpar_phase bench_plain plain $N_PAR_PLAIN
		scale_phase bench_plain plain
	fi
}

[ -d "$DBG/bench_plain" ] || insmod ./bench_plain.ko || die "insmod bench_plain.ko failed"
[ -d /sys/module/memsan ] && die "memsan is already loaded"

echo "# phases: $PHASES, clock: $CLOCK, $(grep -c '^processor' /proc/cpuinfo) CPUs," \
	"clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)" >&2
echo "# phase 1: memsan not loaded" >&2
plain_phase

echo "# phase 2: memsan loaded, track=modules" >&2
insmod ./memsan.ko || die "insmod memsan.ko failed"
if want single; then
	for a in $ALLOCS; do
		record "${a}_bys" bench_plain "$a" $N_ALLOC
	done
fi
insmod ./bench_inst.ko || die "insmod bench_inst.ko failed"
# Memory: N live objects of SIZE bytes (+ the 16-byte redzone: slot SLOT).
# With memsan's own kmalloc caches (left redzones) the slot is the stride of
# its packed kmalloc-128 cache: object, redzones and SLUB's left pad.
MEM_N=16384
MEM_SIZE=112
MEM_SLOT=128
for d in /sys/kernel/slab/memsan-kmalloc-128-*; do
	case $d in *-aligned-*) continue ;; esac
	[ -r "$d/slab_size" ] && MEM_SLOT=$(cat "$d/slab_size")
done
if want single; then
	# Memory first, while no other bench_inst object has been shadowed
	sh0=$(counter shadow_bytes); md0=$(counter metadata_bytes); ob0=$(counter objects_tracked)
	run bench_inst hold $MEM_N $MEM_SIZE >/dev/null
	sh1=$(counter shadow_bytes); md1=$(counter metadata_bytes); ob1=$(counter objects_tracked)
	run bench_inst release 0 >/dev/null
	echo "# memory: shadow $sh0 -> $sh1, metadata $md0 -> $md1, objects $ob0 -> $ob1" >&2
	record wl_inst bench_inst workload $N_WORKLOAD
	for c in $CHECKS; do
		record "${c}_inst" bench_inst "$c" $N_CHECK
	done
	for a in $ALLOCS; do
		record "${a}_inst" bench_inst "$a" $N_ALLOC
	done
fi
if want scaling; then
	allocpar_phase bench_inst inst $N_PAR_INST
	scale_phase bench_inst inst
fi

if want single; then
	# Quarantine: free 4x the budget, sample quarantine_bytes after each 1/8 of it
	qkb=$(cat $PARAMS/quarantine_kb)
	QSIZE=1000	# + 16-byte redzone: kmalloc-1024
	qchunk=$((qkb / 8))	# 1 KiB objects: 1/8 of the budget
	qpeak=0
	i=0
	while [ $i -lt 32 ]; do
		run bench_inst churn $qchunk $QSIZE >/dev/null
		q=$(counter quarantine_bytes)
		[ "$q" -gt "$qpeak" ] && qpeak=$q
		i=$((i + 1))
	done
	echo "# quarantine: peak $qpeak bytes, budget $((qkb * 1024)) bytes" >&2

	# What unwinding costs: the workload and the allocations with stack_trace=N
	echo N >$PARAMS/stack_trace || die "cannot set stack_trace=N"
	record wl_nostack bench_inst workload $N_WORKLOAD
	for a in $ALLOCS; do
		record "${a}_nostack" bench_inst "$a" $N_ALLOC
	done
	echo Y >$PARAMS/stack_trace

	# The stack save's fast path against a full unwind every time
	sf_have=
	if [ -n "$STACK_FAST_PARAM" ] && [ -f "$PARAMS/$STACK_FAST_PARAM" ]; then
		sf_have=1
		sf=$(cat "$PARAMS/$STACK_FAST_PARAM")
		for v in N Y; do
			echo $v >"$PARAMS/$STACK_FAST_PARAM" ||
				die "cannot set $STACK_FAST_PARAM=$v"
			for a in $ALLOCS; do
				record "${a}_stackfast$v" bench_inst "$a" $N_ALLOC
			done
		done
		echo "$sf" >"$PARAMS/$STACK_FAST_PARAM"
	fi

	echo "# phase 3: memsan loaded, track=all" >&2
	echo all >$PARAMS/track || die "cannot set track=all"
	for a in $ALLOCS; do
		record "${a}_all" bench_plain "$a" $N_ALLOC
	done
	echo modules >$PARAMS/track
fi

echo "# phase 4: memsan unloaded" >&2
rmmod bench_inst || failed=1
rmmod memsan || failed=1
[ -d /sys/module/memsan ] || plain_phase

# === figures ===
case $CLOCK in
icount) T_WORKLOAD=2.5; T_CHECK=6; T_ALLOC=3.0 ;;
*) T_WORKLOAD=2.0; T_CHECK=4; T_ALLOC=3 ;;
esac

single_figures() {
	fig workload "$(med wl_inst)" "$(med wl_plain)" "<=" "$T_WORKLOAD" x

	fig workload_stack_trace_off "$(med wl_nostack)" "$(med wl_plain)" "" "" x

	# check: overall = sum of per-size medians
	ci=0; cp=0
	for c in $CHECKS; do
		i=$(med "${c}_inst"); p=$(med "${c}_plain")
		ci=$((ci + i)); cp=$((cp + p))
	done
	fig check "$ci" "$cp" "<=" "$T_CHECK" x
	for c in $CHECKS; do
		sz=${c#check}
		fig "check_size$sz" "$(med "${c}_inst")" "$(med "${c}_plain")" "" "" x
	done
	# check cost per access: (inst - plain) / (16 accesses * N_CHECK), in ns
	# or, under icount, in instructions (the call, the check, the return)
	for c in $CHECKS; do
		sz=${c#check}
		if [ "$CLOCK" = icount ]; then
			op=; t=
			[ "$sz" = 8 ] && op="<=" && t=15
			fig "check_added_insns_size$sz" "$(sub "$(med "${c}_inst")" "$(med "${c}_plain")")" \
				"$((16 * N_CHECK))" "$op" "$t" " insns"
		else
			fig "check_ns_per_access_size$sz" "$(sub "$(med "${c}_inst")" "$(med "${c}_plain")")" \
				"$((16 * N_CHECK))" "" "" " ns"
		fi
	done

	# control: the same loop with an empty call per access, no memsan at all
	fig check_call_floor_size8 "$(med callfloor_plain)" "$(med check8_plain)" "" "" x

	ai=0; ap=0; ab=0; aa=0; an=0
	for a in $ALLOCS; do
		i=$(med "${a}_inst"); p=$(med "${a}_plain"); b=$(med "${a}_bys"); l=$(med "${a}_all")
		n=$(med "${a}_nostack")
		ai=$((ai + i)); ap=$((ap + p)); ab=$((ab + b)); aa=$((aa + l)); an=$((an + n))
		sz=${a#alloc}
		fig "alloc_instrumented_$sz" "$i" "$p" "" "" x
		fig "alloc_bystander_$sz" "$b" "$p" "" "" x
		fig "alloc_bystander_track_all_$sz" "$l" "$p" "" "" x
	done
	fig alloc_instrumented "$ai" "$ap" "<=" "$T_ALLOC" x
	fig alloc_instrumented_stack_trace_off "$an" "$ap" "" "" x
	if [ "$CLOCK" = icount ]; then
		# what memsan adds per pair and per packet, in instructions, and the part
		# of it that saving the allocation and free stacks takes
		for a in $ALLOCS; do
			sz=${a#alloc}
			fig "alloc_added_insns_per_pair_$sz" "$(sub "$(med "${a}_inst")" "$(med "${a}_plain")")" \
				"$N_ALLOC" "" "" " insns"
			fig "alloc_stack_trace_insns_per_pair_$sz" \
				"$(sub "$(med "${a}_inst")" "$(med "${a}_nostack")")" "$N_ALLOC" "" "" " insns"
		done
		fig workload_added_insns_per_packet "$(sub "$(med wl_inst)" "$(med wl_plain)")" \
			"$N_WORKLOAD" "" "" " insns"
		fig workload_stack_trace_insns_per_packet "$(sub "$(med wl_inst)" "$(med wl_nostack)")" \
			"$N_WORKLOAD" "" "" " insns"
	fi
	fig alloc_bystander "$ab" "$ap" "<=" 1.3 x
	fig alloc_bystander_track_all "$aa" "$ap" "" "" x
	# what saving the two stacks adds to the pairs (inst - stack_trace=N)
	# with the fast path over without it
	if [ -z "$STACK_FAST_PARAM" ]; then
		echo "FIG stack_save_fast_vs_full_unwind: not measured yet (target <= 0.1x;" \
			"no fast path to compare: BENCH_STACK_FAST_PARAM names its parameter)"
	elif [ -z "$sf_have" ]; then
		echo "FIG stack_save_fast_vs_full_unwind: not measured: memsan has no" \
			"parameter $STACK_FAST_PARAM (target <= 0.1x)"
	else
		sy=0; sn=0
		for a in $ALLOCS; do
			y=$(sub "$(med "${a}_stackfastY")" "$(med "${a}_nostack")") || sy=
			n=$(sub "$(med "${a}_stackfastN")" "$(med "${a}_nostack")") || sn=
			[ -n "$sy" ] && sy=$((sy + y))
			[ -n "$sn" ] && sn=$((sn + n))
		done
		fig stack_save_fast_vs_full_unwind "$sy" "$sn" "<=" 0.1 x
	fi

	fig memory_shadow_per_slot_byte "$((sh1 - sh0))" "$((MEM_N * MEM_SLOT))" "<=" 0.13
	fig memory_shadow_per_requested_byte "$((sh1 - sh0))" "$((MEM_N * MEM_SIZE))" "" ""
	fig memory_slot_per_requested_byte "$MEM_SLOT" "$MEM_SIZE" "" ""
	fig memory_metadata_per_object "$((md1 - md0))" "$MEM_N" "<=" 64 " bytes"
	fig memory_quarantine_peak_vs_budget "$qpeak" "$((qkb * 1024))" "<=" 1.0
}

scaling_figures() {
	fig scaling_1_page "$(med scale1_inst)" "$(med scale1_plain)" "" "" x
	fig scaling_${SCALE_PAGES}_pages "$(med scale${SCALE_PAGES}_inst)" "$(med scale${SCALE_PAGES}_plain)" "" "" x
	notmeasured scaling_${SCALE_BIG}_pages scale${SCALE_BIG}_plain scale${SCALE_BIG}_inst ||
		fig scaling_${SCALE_BIG}_pages "$(med scale${SCALE_BIG}_inst)" "$(med scale${SCALE_BIG}_plain)" "" "" x
	# the added cost (inst - plain, same pages, same accesses) with many pages over
	# the added cost with one: the plain loop pays the cache and TLB misses too
	added() {
		i=$(med "scale$1_inst"); p=$(med "scale$1_plain")
		[ -n "$i" ] && [ -n "$p" ] && echo $((i - p))
	}
	added1=$(added 1)
	fig scaling_${SCALE_PAGES}_vs_1_page_check_cost "$(added $SCALE_PAGES)" "$added1" "" "" x
	fig scaling_1k_vs_1_page_check_cost "$(added $SCALE_PAGES)" "$added1" "" "" x
	notmeasured scaling_100k_vs_1_page_check_cost scale${SCALE_BIG}_plain scale${SCALE_BIG}_inst ||
		fig scaling_100k_vs_1_page_check_cost "$(added $SCALE_BIG)" "$added1" "<=" 1.2 x

	# allocation throughput, 2 CPUs vs 1: (2 * N / t2) / (N / t1)
	notmeasured scaling_alloc_2cpu_vs_1cpu allocpar1_inst allocpar2_inst ||
		fig scaling_alloc_2cpu_vs_1cpu "$((2 * $(med allocpar1_inst)))" "$(med allocpar2_inst)" ">=" 1.6 x
	notmeasured scaling_alloc_2cpu_vs_1cpu_plain allocpar1_plain allocpar2_plain ||
		fig scaling_alloc_2cpu_vs_1cpu_plain "$((2 * $(med allocpar1_plain)))" "$(med allocpar2_plain)" "" "" x

	# the samples behind the scaling figures, for build/bench-<arch>.out
	for k in allocpar1_plain allocpar2_plain allocpar1_inst allocpar2_inst \
		scale1_plain scale1_inst scale${SCALE_PAGES}_plain scale${SCALE_PAGES}_inst \
		scale${SCALE_BIG}_plain scale${SCALE_BIG}_inst; do
		eval "echo \"samples $k:\${S_$k}\""
	done
}

want single && single_figures
want scaling && scaling_figures

rmmod bench_plain || failed=1
exit $failed
