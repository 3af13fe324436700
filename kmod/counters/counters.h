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

enum memsan_counter {
	MEMSAN_COUNTER_OBJECTS,		/* objects with metadata: live or quarantined */
	MEMSAN_COUNTER_ALLOCS,		/* tracked allocations since load */
	MEMSAN_COUNTER_FREES,		/* tracked frees since load */
	MEMSAN_COUNTER_QUARANTINE_OBJECTS,
	MEMSAN_COUNTER_QUARANTINE_BYTES,
	MEMSAN_COUNTER_QUARANTINE_RELEASED,
	MEMSAN_COUNTER_REPORTS,
	MEMSAN_COUNTER_REPORTS_SUPPRESSED,
	MEMSAN_COUNTER_REPORTS_DROPPED,	/* not reported: nested, NMI */
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
	MEMSAN_COUNTER_COUNT,
};

void memsan_count(enum memsan_counter c, long delta);
long memsan_counter_read(enum memsan_counter c);
const char *memsan_counter_name(enum memsan_counter c);

#endif /* _MEMSAN_COUNTERS_H */
