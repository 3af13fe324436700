// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: the counters (counters.h), kept per CPU and summed by readers.
 */
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
