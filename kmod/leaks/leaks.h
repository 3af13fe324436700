/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsan leaks: objects an instrumented module allocated and nobody points
 * to any more.
 *
 *   scan.c	the conservative scan (roots, the grey queue, two passes) and
 *		the reports, one per allocation stack
 *   ranges.c	the pointer logic: sorted object ranges, a word to the range
 *		it points into, white to grey (freestanding, unit-tested in
 *		userspace)
 *
 * Called by the hooks (a module going away) and the channels (netlink,
 * debugfs: on demand); calls Report, Objects and Counters.
 */
#ifndef _MEMSAN_LEAKS_H
#define _MEMSAN_LEAKS_H

#include <linux/types.h>

struct module;

/**
 * struct memsan_leak_stats - what one scan did
 * @candidates:	live objects of the module(s) examined
 * @leaked:	of them, unreferenced in both passes and still live
 * @reports:	reports made (one per allocation stack, unless reported before)
 * @bytes_scanned: bytes read in the two passes (the first alone if it
 *		found every candidate referenced)
 * @ns:		time the scan took
 * @incomplete:	something could not be scanned or recorded: the scan may
 *		have missed leaks, never made one up
 */
struct memsan_leak_stats {
	unsigned int candidates;
	unsigned int leaked;
	unsigned int reports;
	u64 bytes_scanned;
	u64 ns;
	bool incomplete;
};

int memsan_leaks_scan(struct module *const *mods, unsigned int nr, const struct module *going,
		      struct memsan_leak_stats *st);
void memsan_leaks_module_going(struct module *mod);

#endif /* _MEMSAN_LEAKS_H */
