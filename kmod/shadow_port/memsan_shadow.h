/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsan's shadow: one shadow map of the kernel's linear mapping (the fast
 * region) and of the module area (an extra region: globals), kept by the
 * freestanding library in shadow/ (shadow.h is its API) with memory from
 * shadow_map.c.  A leaf: it calls nothing of memsan but the counters.
 *
 * The fast paths of the checks live here, once: the __asan_* runtime calls
 * memsan_shadow_fast_clean() (memsan_shadow_fast_clean16() and _cleanN() for
 * 16 bytes and other sizes), the checked string functions and the slow path
 * memsan_shadow_bad(), the free hooks memsan_shadow_page_tracked().
 */
#ifndef _MEMSAN_SHADOW_H
#define _MEMSAN_SHADOW_H

#include <linux/build_bug.h>
#include <linux/mm.h>

#include "../shadow/shadow.h"

/* shadow/ keeps a 512-byte chunk per page: its page must be the kernel's. */
static_assert(PAGE_SIZE == SHADOW_PAGE_SIZE);

extern struct shadow_map memsan_shadow;

int memsan_shadow_init(void);
void memsan_shadow_exit(void);
bool memsan_shadow_range_bad(unsigned long addr, size_t size);
bool memsan_shadow_covers(unsigned long addr, unsigned long size);

/*
 * An access to the module area (extra[0], empty if it could not be set up)
 * or to the vmalloc window (extra[1]): inline inside one granule, as in the
 * linear map; -1 (out of line) for others; 0 if @addr is in neither.
 */
static __always_inline int memsan_shadow_check_modules(unsigned long addr, size_t size)
{
	const struct shadow_region *mods = shadow_extra_region(&memsan_shadow, 0);

	if (likely(!shadow_region_has(mods, addr))) {
		/* the vmalloc window, extra[1]: the same way */
		mods = shadow_extra_region(&memsan_shadow, 1);
		if (!shadow_region_has(mods, addr))
			return 0;
	}
	if (size > SHADOW_GRANULE_SIZE || (addr & SHADOW_GRANULE_MASK) + size > SHADOW_GRANULE_SIZE)
		return -1;
	return shadow_region_check_in_granule(mods, addr, size);
}

/**
 * memsan_shadow_check_fast() - the inline part of every access check
 * @addr:	first byte accessed
 * @size:	bytes accessed; 0 is never bad
 *
 * An access inside one granule costs two dependent loads and a compare, one
 * of up to 16 bytes inside one page a little more (struct copies, u128, odd
 * sizes from __asan_loadN: at most three shadow bytes), and no call.
 * Addresses in the module area (instrumented modules' globals) and in the
 * vmalloc window are decided out of line; others outside the linear map
 * (the stack, the rest of the vmalloc area) are never bad.
 *
 * Return: 1 if the access is bad, 0 if not, -1 if memsan_shadow_range_bad()
 * must decide (accesses straddling pages, bigger ones, the module area).
 */
static __always_inline int memsan_shadow_check_fast(unsigned long addr, size_t size)
{
	bool mapped = shadow_in_fast_region(&memsan_shadow, addr);

	if (unlikely(!size))
		return 0;
	if (likely(size <= SHADOW_GRANULE_SIZE &&
		   (addr & SHADOW_GRANULE_MASK) + size <= SHADOW_GRANULE_SIZE && mapped))
		return shadow_check_in_granule(&memsan_shadow, addr, size);
	if (size <= 2 * SHADOW_GRANULE_SIZE &&
	    (addr & SHADOW_PAGE_MASK) <= SHADOW_PAGE_SIZE - size && mapped)
		return shadow_check_in_page(&memsan_shadow, addr, size);
	return mapped ? -1 : memsan_shadow_check_modules(addr, size);
}

/**
 * memsan_shadow_fast_clean() - the whole inline part of an __asan_* check of
 *	1, 2, 4 or 8 bytes
 * @addr:	first byte accessed
 * @order:	log2 of the bytes accessed, 0..3 (a constant)
 *
 * One range test, one directory load, one shadow load and compare
 * (shadow_fast_clean()); false sends the access out of line: a shadow byte
 * that is not zero, a misaligned access, the module area, memory outside the
 * linear map.
 *
 * Return: true if the access is certainly fine.
 */
static __always_inline bool memsan_shadow_fast_clean(unsigned long addr, unsigned int order)
{
	return shadow_fast_clean(&memsan_shadow, addr, order);
}

/* memsan_shadow_fast_clean(*@addr, 3), @addr recomputed when false (shadow_fast_clean8()) */
static __always_inline bool memsan_shadow_fast_clean8(unsigned long *addr)
{
	return shadow_fast_clean8(&memsan_shadow, addr);
}

/* memsan_shadow_fast_clean() of a 16-byte access, 8-byte aligned (shadow_fast_clean16()) */
static __always_inline bool memsan_shadow_fast_clean16(unsigned long addr)
{
	return shadow_fast_clean16(&memsan_shadow, addr);
}

/*
 * memsan_shadow_fast_clean() of an access of 1..16 bytes within two granules: the first
 * and the last granule's shadow bytes (shadow_fast_cleanN())
 */
static __always_inline bool memsan_shadow_fast_cleanN(unsigned long addr, size_t size)
{
	return shadow_fast_cleanN(&memsan_shadow, addr, size);
}

/**
 * memsan_shadow_bad() - is any byte of [@addr, @addr + @size) poisoned?
 *
 * For callers with user access closed; the __asan_* functions close it
 * before they call out of line (runtime/check.c).
 */
static __always_inline bool memsan_shadow_bad(unsigned long addr, size_t size)
{
	int bad = memsan_shadow_check_fast(addr, size);

	return bad >= 0 ? bad : memsan_shadow_range_bad(addr, size);
}

/* Is there shadow for the page of @addr, i.e. was anything there ever tracked? */
static __always_inline bool memsan_shadow_page_tracked(unsigned long addr)
{
	return shadow_chunk(&memsan_shadow, addr);
}

#endif /* _MEMSAN_SHADOW_H */
