// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: the counters (counters.h), kept per CPU and summed by readers;
 * and the test-only failure of memsan's own allocations, which counts what
 * it injects.
 */
#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/kernel.h>
#include <linux/percpu.h>

#include "counters/counters.h"

struct memsan_counters {
	long val[MEMSAN_COUNTER_COUNT];
};
static DEFINE_PER_CPU(struct memsan_counters, counters);

static const char *const counter_names[] = {
	[MEMSAN_COUNTER_OBJECTS] = "objects_tracked",
	[MEMSAN_COUNTER_ALLOCS] = "allocations_tracked",
	[MEMSAN_COUNTER_FREES] = "frees_tracked",
	[MEMSAN_COUNTER_QUARANTINE_OBJECTS] = "quarantine_objects",
	[MEMSAN_COUNTER_QUARANTINE_BYTES] = "quarantine_bytes",
	[MEMSAN_COUNTER_QUARANTINE_RELEASED] = "quarantine_released",
	[MEMSAN_COUNTER_REPORTS] = "reports",
	[MEMSAN_COUNTER_REPORTS_SUPPRESSED] = "reports_suppressed",
	[MEMSAN_COUNTER_REPORTS_DROPPED] = "reports_dropped",
	[MEMSAN_COUNTER_UNTRACKED_NOMEM] = "untracked_nomem",
	[MEMSAN_COUNTER_SHADOW_BYTES] = "shadow_bytes",
	[MEMSAN_COUNTER_METADATA_BYTES] = "metadata_bytes",
	[MEMSAN_COUNTER_NETLINK_DROPS] = "netlink_drops",
	[MEMSAN_COUNTER_STACK_CACHE_HITS] = "stack_cache_hits",
	[MEMSAN_COUNTER_STACK_CACHE_MISMATCHES] = "stack_cache_mismatches",
	[MEMSAN_COUNTER_ALLOCS_COUNTED] = "allocations_counted",
	[MEMSAN_COUNTER_FAILED_INJECTED] = "allocations_failed_injected",
	[MEMSAN_COUNTER_LEAK_SCANS] = "leak_scans",
	[MEMSAN_COUNTER_LEAKS_REPORTED] = "leaks_reported",
	[MEMSAN_COUNTER_ALLOC_FAULTS] = "alloc_faults_injected",
};
static_assert(ARRAY_SIZE(counter_names) == MEMSAN_COUNTER_COUNT);

/**
 * memsan_count() - add to a counter on this CPU
 * @c:		the counter
 * @delta:	what to add (negative: subtract)
 *
 * Any context, NMI included.
 */
void memsan_count(enum memsan_counter c, long delta)
{
	this_cpu_add(counters.val[c], delta);
}

/**
 * memsan_counter_read() - current value of a counter, summed over the CPUs
 * @c:	the counter
 *
 * Exact when nothing updates it meanwhile; a snapshot otherwise.
 */
long memsan_counter_read(enum memsan_counter c)
{
	long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu(counters, cpu).val[c]);
	return sum;
}

/* The counter's name in debugfs and netlink (userspace parses them). */
const char *memsan_counter_name(enum memsan_counter c)
{
	return counter_names[c];
}

/* === Test only: memsan's own allocations fail on purpose (debugfs fail_alloc) === */

/* 0: off; N: one in N allocations of the chosen kinds fails, on each CPU. */
unsigned int memsan_fail_every;
static unsigned int fail_kinds;		/* bit (1 << enum memsan_fail_kind) */
static DEFINE_PER_CPU(unsigned int, fail_tick);

/**
 * memsan_fail_alloc_set() - fail one in @every of memsan's allocations
 * @every:	0 turns failing off
 * @kinds:	which allocations: bits (1 << enum memsan_fail_kind)
 *
 * Return: 0, or -EINVAL for a kind that does not exist (nothing changed).
 */
int memsan_fail_alloc_set(unsigned int every, unsigned int kinds)
{
	if (kinds & ~(BIT(MEMSAN_FAIL_KINDS) - 1))
		return -EINVAL;
	WRITE_ONCE(fail_kinds, kinds);
	WRITE_ONCE(memsan_fail_every, kinds ? every : 0);
	return 0;
}

void memsan_fail_alloc_get(unsigned int *every, unsigned int *kinds)
{
	*every = READ_ONCE(memsan_fail_every);
	*kinds = READ_ONCE(fail_kinds);
}

/**
 * memsan_fail_alloc_now() - the slow path of memsan_fail_alloc()
 * @kind:	the allocation about to be made
 *
 * Every @every-th allocation of a chosen kind on this CPU fails (counted).
 * Any context, NMI included.
 */
bool memsan_fail_alloc_now(enum memsan_fail_kind kind)
{
	unsigned int every = READ_ONCE(memsan_fail_every);

	if (!every || !(READ_ONCE(fail_kinds) & BIT(kind)))
		return false;
	if (this_cpu_inc_return(fail_tick) % every)
		return false;
	memsan_count(MEMSAN_COUNTER_ALLOC_FAULTS, 1);
	return true;
}
