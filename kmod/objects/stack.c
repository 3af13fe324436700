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

#include "counters/counters.h"
#include "objects/objects.h"
#include "settings/settings.h"

#define MEMSAN_STACK_DEPTH 64
/* Slots kept free in front of a saved trace, for @first and @ret_addr. */
#define STACK_HEAD	2

/* Index of the first frame not in memsan.ko itself. */
static unsigned int skip_own_frames(const unsigned long *entries, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (!within_module(entries[i], THIS_MODULE))
			break;
	return i < nr ? i : 0;
}

/* Index of @addr in @entries, or @nr. */
static unsigned int find_frame(const unsigned long *entries, unsigned int nr, unsigned long addr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (entries[i] == addr)
			break;
	return i;
}

/*
 * Cut and save a trace in @entries[STACK_HEAD..@nr): the frames before
 * @ret_addr are memsan's and the probe machinery's.
 */
static depot_stack_handle_t cut_and_save(unsigned long *entries, unsigned int nr,
					 unsigned long first, unsigned long ret_addr)
{
	unsigned int i;

	i = find_frame(entries + STACK_HEAD, nr - STACK_HEAD, ret_addr) + STACK_HEAD;
	if (i == nr && first) {
		i = find_frame(entries + STACK_HEAD, nr - STACK_HEAD, first) + STACK_HEAD;
		if (i < nr)
			entries[i] = ret_addr;	/* replaces @first, which goes before it */
	}
	if (i == nr)
		i = skip_own_frames(entries + STACK_HEAD, nr - STACK_HEAD) + STACK_HEAD;
	if (first)
		entries[--i] = first;
	nr = filter_irq_stacks(entries + i, nr - i);
	return stack_depot_save(entries + i, nr, GFP_NOWAIT | __GFP_NOWARN);
}

static depot_stack_handle_t save_unwound(unsigned long *entries, unsigned long first,
					 unsigned long ret_addr)
{
	unsigned int nr = stack_trace_save(entries + STACK_HEAD, MEMSAN_STACK_DEPTH - STACK_HEAD, 0);

	return cut_and_save(entries, nr + STACK_HEAD, first, ret_addr);
}

/*
 * The unwind itself, out of line.  With stack_cache, a proven memo of an
 * earlier unwind replaces the unwinder (stack_cache.c); with
 * stack_cache=verify the full unwind runs as well, and its result is the one
 * saved.  @entries is written before it is read (by the unwinder, the memo
 * or cut_and_save()): it is exempt from CONFIG_INIT_STACK_ALL_ZERO, which
 * would zero its 512 bytes on every save, a memo hit included.
 */
static noinline depot_stack_handle_t save_stack(unsigned long first, unsigned long ret_addr)
{
	unsigned long entries[MEMSAN_STACK_DEPTH] __uninitialized;
	int mode = READ_ONCE(memsan_stack_cache);
	struct memsan_stack_walk w = {
		.entries = entries + STACK_HEAD,
		.max = MEMSAN_STACK_DEPTH - STACK_HEAD,
		.first = first,
		.ret_addr = ret_addr,
		.want_entries = mode == MEMSAN_STACK_CACHE_VERIFY,
	};
	depot_stack_handle_t handle, full;

	if (mode == MEMSAN_STACK_CACHE_OFF || !memsan_stack_cache_walk(&w))
		return save_unwound(entries, first, ret_addr);
	if (w.hit)
		memsan_count(MEMSAN_COUNTER_STACK_CACHE_HITS, 1);
	if (w.hit && w.handle && mode != MEMSAN_STACK_CACHE_VERIFY) {
		memsan_stack_cache_done(&w, 0);
		return w.handle;
	}
	if (w.nr)
		handle = cut_and_save(entries, w.nr + STACK_HEAD, first, ret_addr);
	else
		handle = save_unwound(entries, first, ret_addr);
	memsan_stack_cache_done(&w, handle);
	if (mode != MEMSAN_STACK_CACHE_VERIFY)
		return handle;

	/* the memo's handle and trace, or the new walk's, against stack_trace_save() */
	full = save_unwound(entries, first, ret_addr);
	if (full != handle || (w.handle && w.handle != full))
		memsan_count(MEMSAN_COUNTER_STACK_CACHE_MISMATCHES, 1);
	return full;
}

/**
 * memsan_save_stack() - save the current stack to the stack depot
 * @first:	address to show as the innermost frame (the probed function), or 0
 * @ret_addr:	return address of the probed function: frames before it are cut
 *
 * The trace should contain @ret_addr.  From a probe on a function's first
 * instruction it may not: on arm64 the return address is still in the link
 * register, not in a frame record, and the unwinder goes from the probed
 * function (the exception's pc) straight to the caller's caller.  Then the
 * trace is cut after @first and @ret_addr is put back by hand.
 *
 * Safe in any context but NMI: the depot allocates with GFP_NOWAIT.
 *
 * Return: depot handle, 0 if the depot could not store the trace or the
 * stack_trace parameter is off.
 */
depot_stack_handle_t memsan_save_stack(unsigned long first, unsigned long ret_addr)
{
	if (!READ_ONCE(memsan_stack_trace) || memsan_fail_alloc(MEMSAN_FAIL_STACK))
		return 0;
	return save_stack(first, ret_addr);
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
