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
#include <linux/stddef.h>

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

/*
 * The fast region, as the __asan_* fast paths read it.  On arm64 gcc forms
 * the address of memsan_shadow (adrp, add) before it loads its fields at
 * offsets from it; here the low bits of each field's address go into its
 * load instead, one instruction fewer on every check.  A plain asm: the
 * fields do not change while an instrumented module can run (set before
 * the first one loads, torn down after the last one is gone).  Elsewhere
 * the fields are read in place, @copy unused.
 */
static __always_inline const struct shadow_region *
memsan_shadow_fast_region(struct shadow_region *copy)
{
#ifdef CONFIG_ARM64
	unsigned long page;

	asm("adrp	%0, memsan_shadow\n\t"
	    "ldr	%1, [%0, #:lo12:memsan_shadow + %c4]\n\t"
	    "ldr	%2, [%0, #:lo12:memsan_shadow + %c5]\n\t"
	    "ldr	%3, [%0, #:lo12:memsan_shadow + %c6]"
	    : "=&r" (page), "=&r" (copy->base), "=&r" (copy->ngranules), "=r" (copy->dir)
	    : "i" (offsetof(struct shadow_map, fast.base)),
	      "i" (offsetof(struct shadow_map, fast.ngranules)),
	      "i" (offsetof(struct shadow_map, fast.dir)));
	return copy;
#else
	return &memsan_shadow.fast;
#endif
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
	struct shadow_region copy;

	return shadow_fast_clean(memsan_shadow_fast_region(&copy), addr, order);
}

/*
 * memsan_shadow_fast_clean(*@addr, 3), @addr recomputed when false
 * (shadow_fast_clean8(), which saves x86_64 a register copy).  arm64's
 * three-operand instructions keep the address anyway, and its fields are
 * in registers, not memory, for shadow_fast_clean8() to read again.
 */
static __always_inline bool memsan_shadow_fast_clean8(unsigned long *addr)
{
	struct shadow_region copy;

	if (IS_ENABLED(CONFIG_ARM64))
		return shadow_fast_clean(memsan_shadow_fast_region(&copy), *addr, 3);
	return shadow_fast_clean8(memsan_shadow_fast_region(&copy), addr);
}

/* memsan_shadow_fast_clean() of a 16-byte access, 8-byte aligned (shadow_fast_clean16()) */
static __always_inline bool memsan_shadow_fast_clean16(unsigned long addr)
{
	struct shadow_region copy;

	return shadow_fast_clean16(memsan_shadow_fast_region(&copy), addr);
}

/*
 * memsan_shadow_fast_clean() of an access of 1..16 bytes within two granules: the first
 * and the last granule's shadow bytes (shadow_fast_cleanN())
 */
static __always_inline bool memsan_shadow_fast_cleanN(unsigned long addr, size_t size)
{
	struct shadow_region copy;

	return shadow_fast_cleanN(memsan_shadow_fast_region(&copy), addr, size);
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
