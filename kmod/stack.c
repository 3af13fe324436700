// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: stack traces for reports and object histories.
 *
 * Traces are taken from inside a probe handler or a redirected free, so
 * their first frames are memsan's own and the probe machinery's.  What the
 * user wants starts at the probed function's caller: memsan knows its return
 * address and cuts the trace there.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/stacktrace.h>

#include "memsan.h"

#define MEMSAN_STACK_DEPTH 64

/* Index of the first frame not in memsan.ko itself. */
static unsigned int skip_own_frames(const unsigned long *entries, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (!within_module(entries[i], THIS_MODULE))
			break;
	return i < nr ? i : 0;
}

/**
 * memsan_save_stack() - save the current stack to the stack depot
 * @first:	address to show as the innermost frame (the probed function), or 0
 * @ret_addr:	return address of the probed function: frames before it are cut
 *
 * Safe in any context but NMI: the depot allocates with GFP_NOWAIT.
 *
 * Return: depot handle, 0 if the depot could not store the trace.
 */
depot_stack_handle_t memsan_save_stack(unsigned long first, unsigned long ret_addr)
{
	unsigned long entries[MEMSAN_STACK_DEPTH];
	unsigned int nr, start, i;

	nr = stack_trace_save(entries + 1, MEMSAN_STACK_DEPTH - 1, 0);
	start = 0;
	for (i = 0; i < nr; i++) {
		if (entries[i + 1] == ret_addr) {
			start = i;
			break;
		}
	}
	if (i == nr)
		start = skip_own_frames(entries + 1, nr);
	/* entries[start + 1] is the caller; put the probed function before it */
	if (first) {
		entries[start] = first;
	} else {
		start++;
	}
	nr = filter_irq_stacks(entries + start, nr + 1 - start);
	return stack_depot_save(entries + start, nr, GFP_NOWAIT | __GFP_NOWARN);
}

/**
 * memsan_stack_here() - the current stack without memsan's own frames
 * @entries:	where to store it
 * @max:	room in @entries
 *
 * Return: number of frames stored.
 */
unsigned int memsan_stack_here(unsigned long *entries, unsigned int max)
{
	unsigned int nr = stack_trace_save(entries, max, 0);
	unsigned int skip = skip_own_frames(entries, nr);

	memmove(entries, entries + skip, (nr - skip) * sizeof(*entries));
	return nr - skip;
}
