/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsan counters: what debugfs "stats" and the netlink status show.
 *
 * A leaf: anyone counts, nobody below the channels reads.  The storage is
 * private to counters.c (per CPU: a tracked allocation or free updates
 * several counters, and shared atomics would make CPUs take turns on one
 * cache line); readers get a sum over the CPUs.
 */
#ifndef _MEMSAN_COUNTERS_H
#define _MEMSAN_COUNTERS_H

#include <linux/compiler.h>
#include <linux/types.h>

enum memsan_counter {
	MEMSAN_COUNTER_OBJECTS,		/* objects with metadata: live or quarantined */
	MEMSAN_COUNTER_ALLOCS,		/* tracked allocations since load */
	MEMSAN_COUNTER_FREES,		/* tracked frees since load */
	MEMSAN_COUNTER_QUARANTINE_OBJECTS,
	MEMSAN_COUNTER_QUARANTINE_BYTES,
	MEMSAN_COUNTER_QUARANTINE_RELEASED,
	MEMSAN_COUNTER_REPORTS,
	MEMSAN_COUNTER_REPORTS_SUPPRESSED,
	MEMSAN_COUNTER_REPORTS_DROPPED,	/* not reported: nested, NMI, over the CPU budget */
	MEMSAN_COUNTER_UNTRACKED_NOMEM,	/* could not track: no memory for metadata */
	MEMSAN_COUNTER_SHADOW_BYTES,
	MEMSAN_COUNTER_METADATA_BYTES,
	MEMSAN_COUNTER_NETLINK_DROPS,	/* reports no netlink listener received */
	MEMSAN_COUNTER_STACK_CACHE_HITS,	/* stacks saved from a proven memo */
	MEMSAN_COUNTER_STACK_CACHE_MISMATCHES,	/* stack_cache=verify: memo != full unwind */
	MEMSAN_COUNTER_ALLOCS_COUNTED,	/* allocation calls failure injection counts */
	MEMSAN_COUNTER_FAILED_INJECTED,	/* allocation calls failed on purpose */
	MEMSAN_COUNTER_LEAK_SCANS,	/* leak scans run (on demand and at unload) */
	MEMSAN_COUNTER_LEAKS_REPORTED,	/* leaked objects found by the scans */
	MEMSAN_COUNTER_ALLOC_FAULTS,	/* own allocations failed on purpose (fail_alloc) */
	MEMSAN_COUNTER_COUNT,
};

void memsan_count(enum memsan_counter c, long delta);
long memsan_counter_read(enum memsan_counter c);
const char *memsan_counter_name(enum memsan_counter c);

/*
 * Test only: failing memsan's own allocations on purpose (debugfs
 * "fail_alloc"), to prove that memsan degrades instead of misbehaving when
 * memory runs out.  Each kind is a place where memsan allocates at run time.
 */
enum memsan_fail_kind {
	MEMSAN_FAIL_OBJECT,	/* an object record: the object goes untracked */
	MEMSAN_FAIL_SHADOW,	/* a shadow chunk: the object goes untracked */
	MEMSAN_FAIL_STACK,	/* a stack depot entry: the stack is not available */
	MEMSAN_FAIL_NETLINK,	/* a netlink message: a netlink drop */
	MEMSAN_FAIL_REPORT,	/* the buffer of a report: the report is dropped */
	MEMSAN_FAIL_KINDS,
};

extern unsigned int memsan_fail_every;

int memsan_fail_alloc_set(unsigned int every, unsigned int kinds);
void memsan_fail_alloc_get(unsigned int *every, unsigned int *kinds);
bool memsan_fail_alloc_now(enum memsan_fail_kind kind);

/* Should this allocation of @kind fail?  Costs one load when the knob is off. */
static __always_inline bool memsan_fail_alloc(enum memsan_fail_kind kind)
{
	return unlikely(READ_ONCE(memsan_fail_every)) && memsan_fail_alloc_now(kind);
}

#endif /* _MEMSAN_COUNTERS_H */
