/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shadow map: one shadow byte per 8-byte granule of memory, in KASAN's encoding.
 *
 * The map never touches the memory it describes: addresses are plain numbers. Shadow is
 * kept per memory page in 512-byte chunks, found through a directory supplied by the
 * caller; a chunk is allocated on the first write that needs one. A page without a chunk,
 * or an address outside every region, is untracked and therefore always accessible.
 *
 * This file is freestanding: it includes nothing, so the same code builds in a kernel
 * module (-nostdinc), in userspace tests and fuzzers, and in a hobby OS. A port may define
 * SHADOW_PORT_HEADER to a header that overrides the primitives below (READ_ONCE,
 * cmpxchg, atomic_long_inc in the kernel) and may define __always_inline.
 */
#ifndef MEMSAN_SHADOW_H
#define MEMSAN_SHADOW_H

#ifdef SHADOW_PORT_HEADER
#include SHADOW_PORT_HEADER
#endif

#ifndef NULL
#define NULL	((void *)0)
#endif

/* The kernel (compiler_types.h) and glibc define __always_inline; else trust the optimiser. */
#ifdef __always_inline
#define shadow_inline	__always_inline
#else
#define shadow_inline	inline
#endif

/*
 * Racy reads of shadow and directory slots: one load, never torn, never refetched. This
 * is READ_ONCE()'s volatile cast, the one sanctioned use of volatile; it is spelt
 * __volatile__ because checkpatch's blanket "no volatile" rule cannot tell the two apart.
 */
#ifndef shadow_read_once
#define shadow_read_once(x)	(*(const __volatile__ __typeof__(x) *)&(x))
#endif

/* Publish a chunk in a directory slot (an unsigned long); returns the previous value. */
#ifndef shadow_cmpxchg_ptr
#define shadow_cmpxchg_ptr(ptr, old, new)	__sync_val_compare_and_swap(ptr, old, new)
#endif

#ifndef shadow_atomic_inc_ulong
#define shadow_atomic_inc_ulong(ptr)	((void)__sync_fetch_and_add(ptr, 1UL))
#endif

/*
 * Out of line: the rare half of a function, so that its fast half saves no register. The
 * kernel (compiler_types.h) defines noinline; elsewhere the optimiser decides.
 */
#ifdef noinline
#define shadow_noinline	noinline
#else
#define shadow_noinline
#endif

#define shadow_likely(x)	__builtin_expect(!!(x), 1)
#define shadow_unlikely(x)	__builtin_expect(!!(x), 0)

#define SHADOW_GRANULE_SHIFT	3
#define SHADOW_GRANULE_SIZE	8	/* bytes of memory per shadow byte */
#define SHADOW_GRANULE_MASK	(SHADOW_GRANULE_SIZE - 1UL)
#define SHADOW_PAGE_SHIFT	12
#define SHADOW_PAGE_SIZE	4096
#define SHADOW_PAGE_MASK	(SHADOW_PAGE_SIZE - 1UL)
#define SHADOW_CHUNK_SIZE	512	/* shadow bytes per memory page */
#define SHADOW_CHUNK_SHIFT	9
#define SHADOW_LONG_BITS	(8 * (unsigned int)sizeof(unsigned long))

#define SHADOW_ACCESSIBLE	0x00	/* whole granule addressable */
/* 0x01..0x07: only the first N bytes of the granule are addressable */
#define SHADOW_PAGE_REDZONE	0xFE	/* slack of a large kmalloc */
#define SHADOW_REDZONE_RIGHT	0xFC	/* right redzone / kmalloc slack of a slab object */
#define SHADOW_FREED		0xFB	/* freed object, in quarantine */
#define SHADOW_REDZONE_LEFT	0xFA	/* left redzone */
#define SHADOW_GLOBAL_REDZONE	0xF9	/* redzone after a global variable */
/* 0x08..0x7F are never written; if seen they are treated as poisoned. */

/**
 * struct shadow_ops - where shadow chunks come from
 * @alloc_chunk: return SHADOW_CHUNK_SIZE zeroed bytes, 8-byte aligned, or NULL. May be
 *	called in atomic context.
 * @free_chunk: give back a chunk obtained from @alloc_chunk.
 * @ctx: passed to both.
 */
struct shadow_ops {
	void *(*alloc_chunk)(void *ctx);
	void (*free_chunk)(void *ctx, void *chunk);
	void *ctx;
};

/**
 * struct shadow_region - a page-aligned address range with a chunk directory
 * @base: page-aligned start address.
 * @npages: number of memory pages covered (and of slots in @dir).
 * @ngranules: @npages * SHADOW_CHUNK_SIZE, the granules covered: the fast path's bound.
 * @dir: @npages slots supplied by the caller (any content: shadow_map_init() and
 *	shadow_map_add_region() fill them). Slot i holds the address of page i's chunk
 *	minus i * SHADOW_CHUNK_SIZE, so that the shadow byte of granule g of the region
 *	is at dir[g / SHADOW_CHUNK_SIZE] + g, with no masking; a page without a chunk
 *	points at shadow_zero_chunk, so that a reader never tests for "no chunk".
 *	Read the slots with shadow_dir_chunk(), write them with shadow_dir_entry().
 */
struct shadow_region {
	unsigned long base;
	unsigned long npages;
	unsigned long ngranules;
	unsigned long *dir;
};

#define SHADOW_MAX_EXTRA_REGIONS 4

/**
 * struct shadow_map - the whole shadow
 * @fast: region found with one compare (e.g. the kernel linear map); may be empty.
 * @extra: other regions, searched linearly after @fast.
 * @nr_extra: number of used entries of @extra.
 * @ops: chunk allocator.
 * @nr_chunks: chunks currently installed, for statistics (updated atomically).
 */
struct shadow_map {
	struct shadow_region fast;
	struct shadow_region extra[SHADOW_MAX_EXTRA_REGIONS];
	unsigned int nr_extra;
	const struct shadow_ops *ops;
	unsigned long nr_chunks;
};

enum shadow_bug {
	SHADOW_BUG_NONE,
	SHADOW_BUG_OUT_OF_BOUNDS,
	SHADOW_BUG_USE_AFTER_FREE,
	SHADOW_BUG_GLOBAL_OUT_OF_BOUNDS,
	SHADOW_BUG_LARGE_OUT_OF_BOUNDS,
	SHADOW_BUG_UNKNOWN,
};

typedef void (*shadow_emit_fn)(void *ctx, const char *line);

/*
 * SHADOW_CHUNK_SIZE zero bytes, 8-byte aligned, read where a page has no chunk; never
 * written.
 */
extern const unsigned long shadow_zero_words[SHADOW_CHUNK_SIZE / sizeof(unsigned long)];
#define shadow_zero_chunk	((const unsigned char *)shadow_zero_words)

void shadow_map_init(struct shadow_map *m, const struct shadow_ops *ops, unsigned long base,
		     unsigned long npages, unsigned long *dir);
int shadow_map_add_region(struct shadow_map *m, unsigned long base, unsigned long npages,
			  unsigned long *dir);
void shadow_map_destroy(struct shadow_map *m);

int shadow_poison(struct shadow_map *m, unsigned long addr, unsigned long size,
		  unsigned char value);
int shadow_unpoison(struct shadow_map *m, unsigned long addr, unsigned long size);
int shadow_reserve(struct shadow_map *m, unsigned long addr, unsigned long size);
int shadow_mark_object(struct shadow_map *m, unsigned long obj, unsigned long size,
		       unsigned long obj_size, unsigned char redzone);
void shadow_clear(struct shadow_map *m, unsigned long addr, unsigned long size);
int shadow_get(const struct shadow_map *m, unsigned long addr, unsigned char *byte);

const unsigned char *shadow_lookup_extra(const struct shadow_map *m, unsigned long addr);
int shadow_range_bad(const struct shadow_map *m, unsigned long addr, unsigned long last);
unsigned long shadow_first_bad(const struct shadow_map *m, unsigned long addr,
			       unsigned long size);
enum shadow_bug shadow_classify(const struct shadow_map *m, unsigned long bad_addr);
const char *shadow_bug_name(enum shadow_bug bug);
void shadow_dump(const struct shadow_map *m, unsigned long addr, shadow_emit_fn emit,
		 void *ctx);

/**
 * shadow_code_bad() - is a byte of a granule inaccessible under a shadow code
 * @code: the granule's shadow byte.
 * @offset: offset of the byte inside the granule, 0..7.
 *
 * A partial code N (1..7) makes bytes 0..N-1 accessible. Codes 0x08..0x7F are never
 * written, so seeing one means corruption: call it poisoned rather than trust it.
 *
 * Return: 1 if the byte may not be accessed, else 0.
 */
static shadow_inline int shadow_code_bad(unsigned char code, unsigned long offset)
{
	return code && (code > SHADOW_GRANULE_MASK || offset >= code);
}

/**
 * shadow_chunk_offset() - index of an address's shadow byte inside its page's chunk
 * @addr: memory address.
 *
 * Return: 0..SHADOW_CHUNK_SIZE-1.
 */
static shadow_inline unsigned long shadow_chunk_offset(unsigned long addr)
{
	return (addr >> SHADOW_GRANULE_SHIFT) & (SHADOW_CHUNK_SIZE - 1);
}

/**
 * shadow_dir_entry() - the directory slot value that gives page @i of a region @chunk
 * @chunk: the page's chunk, or shadow_zero_chunk for none.
 * @i: index of the page in its region.
 *
 * Return: the value to store in dir[@i].
 */
static shadow_inline unsigned long shadow_dir_entry(const unsigned char *chunk, unsigned long i)
{
	return (unsigned long)chunk - i * SHADOW_CHUNK_SIZE;
}

/**
 * shadow_dir_chunk() - the chunk of page @i of region @r, lock-free
 * @r: region.
 * @i: page index, below @r->npages.
 *
 * Return: the chunk, or NULL if the page has none (is untracked).
 */
static shadow_inline const unsigned char *shadow_dir_chunk(const struct shadow_region *r,
							   unsigned long i)
{
	unsigned long chunk = shadow_read_once(r->dir[i]) + i * SHADOW_CHUNK_SIZE;

	return chunk == (unsigned long)shadow_zero_chunk ? NULL : (const unsigned char *)chunk;
}

/**
 * shadow_granule() - the shadow byte of granule @g of region @r
 * @r: region.
 * @g: granule index in @r, below @r->ngranules.
 *
 * One directory load and the address of the byte, no test: a page without a chunk
 * reads shadow_zero_chunk.
 *
 * Return: where the byte is; read it with shadow_read_once().
 */
static shadow_inline const unsigned char *shadow_granule(const struct shadow_region *r,
							 unsigned long g)
{
	return (const unsigned char *)(shadow_read_once(r->dir[g >> SHADOW_CHUNK_SHIFT]) + g);
}

/**
 * shadow_chunk() - find the shadow chunk of the page holding an address, lock-free
 * @m: shadow map.
 * @addr: memory address.
 *
 * The fast region costs a subtract, a compare and one load; extra regions are searched
 * out of line so that the common case stays small.
 *
 * Return: the chunk, or NULL if the page is untracked.
 */
static shadow_inline const unsigned char *
shadow_chunk(const struct shadow_map *m, unsigned long addr)
{
	unsigned long idx = (addr - m->fast.base) >> SHADOW_PAGE_SHIFT;

	if (shadow_likely(idx < m->fast.npages))
		return shadow_dir_chunk(&m->fast, idx);
	return shadow_lookup_extra(m, addr);
}

/**
 * shadow_fast_clean() - the whole inline part of a naturally aligned access check
 * @f: the fast region of a shadow map (&m->fast).
 * @addr: address accessed.
 * @order: log2 of the bytes accessed, 0..3 (1, 2, 4 or 8 bytes; a constant).
 *
 * One range test, one directory load, one shadow load and compare. The offset of
 * @addr in the fast region is rotated right by @order (then shifted to a granule
 * index): a misaligned address's low bits land at the top, so the one compare against
 * the region's granule count rejects misaligned and out-of-region addresses alike.
 * A naturally aligned access of up to 8 bytes lies in one granule, so a zero shadow
 * byte means every byte is accessible.
 *
 * Return: nonzero if the access is certainly fine; 0 if the caller must decide out of
 * line (a shadow byte that is not zero, a misaligned access, another region).
 */
static shadow_inline int shadow_fast_clean(const struct shadow_region *f, unsigned long addr,
					   unsigned int order)
{
	unsigned long off = addr - f->base, g;

	if (order)
		off = (off >> order) | (off << (SHADOW_LONG_BITS - order));
	g = off >> (SHADOW_GRANULE_SHIFT - order);
	/*
	 * Plain loads, not shadow_read_once(): the compiler then folds them into the
	 * addressing of one load and one compare. Each is made once, of an aligned word
	 * and a byte, so it cannot tear, and any value of a slot a writer may be changing
	 * is a valid one (the zero chunk's or the new chunk's), like any shadow byte.
	 */
	return shadow_likely(g < f->ngranules) &&
	       shadow_likely(!((const unsigned char *)f->dir[g >> SHADOW_CHUNK_SHIFT])[g]);
}

/**
 * shadow_fast_clean8() - shadow_fast_clean() of an 8-byte access, keeping nothing live
 * @f: the fast region of a shadow map (&m->fast).
 * @addr: in: the address accessed; out, when the access is not certainly fine: the
 *	same address, recomputed from the granule index.
 *
 * The index replaces the address in its register (rotating is reversible), so the fast
 * path copies nothing; the rare caller that goes on gets the address back.
 *
 * Return: nonzero if the access is certainly fine, as shadow_fast_clean(m, addr, 3).
 */
static shadow_inline int shadow_fast_clean8(const struct shadow_region *f, unsigned long *addr)
{
	unsigned long off = *addr - f->base;
	unsigned long g = (off >> SHADOW_GRANULE_SHIFT) |
			  (off << (SHADOW_LONG_BITS - SHADOW_GRANULE_SHIFT));

	if (shadow_likely(g < f->ngranules &&
			  !((const unsigned char *)f->dir[g >> SHADOW_CHUNK_SHIFT])[g]))
		return 1;
	/* Opaque to the compiler: else it keeps the address live instead of undoing this. */
	__asm__("" : "+r" (g));
	*addr = ((g << SHADOW_GRANULE_SHIFT) | (g >> (SHADOW_LONG_BITS - SHADOW_GRANULE_SHIFT))) +
		shadow_read_once(f->base);
	return 0;
}

/**
 * shadow_fast_clean16() - the whole inline part of a 16-byte access check
 * @f: the fast region of a shadow map (&m->fast).
 * @addr: address accessed.
 *
 * As shadow_fast_clean(): the offset rotated right by 3 is a huge granule index when
 * @addr is not 8-byte aligned or lies outside the fast region, so one compare rejects
 * both. An aligned 16-byte access covers granules g and g + 1, which share a chunk unless
 * g is the chunk's last: then one directory load and one 2-byte shadow load decide.
 *
 * Return: nonzero if both granules are wholly accessible; 0 if the caller must decide
 * out of line (a shadow byte that is not zero, misaligned, the last granule of a page,
 * another region).
 */
static shadow_inline int shadow_fast_clean16(const struct shadow_region *f, unsigned long addr)
{
	unsigned long off = addr - f->base;
	unsigned long g = (off >> SHADOW_GRANULE_SHIFT) |
			  (off << (SHADOW_LONG_BITS - SHADOW_GRANULE_SHIFT));
	unsigned short pair;

	if (shadow_unlikely(g >= f->ngranules || !((g + 1) & (SHADOW_CHUNK_SIZE - 1))))
		return 0;
	/* one load of both bytes (plain, as in shadow_fast_clean()); never torn per byte */
	__builtin_memcpy(&pair, (const unsigned char *)f->dir[g >> SHADOW_CHUNK_SHIFT] + g,
			 sizeof(pair));
	return shadow_likely(!pair);
}

/**
 * shadow_fast_cleanN() - the whole inline part of an access check of 1..16 bytes
 * @f: the fast region of a shadow map (&m->fast).
 * @addr: address accessed.
 * @size: bytes accessed.
 *
 * Up to 16 bytes within two granules (any alignment): the shadow bytes of the first and
 * of the last granule, each through its own directory slot, so the two may lie in
 * different pages. Since the first granule's offset is at most the last's and the last
 * is in the region, both are; wrapping ranges have a huge difference and are rejected.
 * A size of 0 that gets here is fine, as everywhere.
 *
 * Return: nonzero if both shadow bytes are zero (every byte accessible); 0 if the caller
 * must decide out of line (a shadow byte that is not zero, more than 16 bytes, three
 * granules, another region).
 */
static shadow_inline int shadow_fast_cleanN(const struct shadow_region *f, unsigned long addr,
					    unsigned long size)
{
	unsigned long off = addr - f->base;
	unsigned long g = off >> SHADOW_GRANULE_SHIFT;
	unsigned long glast = (off + size - 1) >> SHADOW_GRANULE_SHIFT;
	const unsigned long *dir = f->dir;

	if (shadow_unlikely(size > 2 * SHADOW_GRANULE_SIZE || glast >= f->ngranules ||
			    glast - g > 1))
		return 0;
	return shadow_likely(!(((const unsigned char *)dir[g >> SHADOW_CHUNK_SHIFT])[g] |
			       ((const unsigned char *)dir[glast >> SHADOW_CHUNK_SHIFT])[glast]));
}

/**
 * shadow_region_has() - does @addr lie in region @r?
 * @r: a region of a shadow map (may be empty: then nothing lies in it).
 * @addr: memory address.
 *
 * A subtract, a shift and a compare, written so that a region ending at the
 * top of memory works: callers whose fast path must not call out use it to
 * test the precondition of the in-granule and in-page checks.
 *
 * Return: nonzero if @addr is covered by @r.
 */
static shadow_inline int shadow_region_has(const struct shadow_region *r, unsigned long addr)
{
	return ((addr - r->base) >> SHADOW_PAGE_SHIFT) < r->npages;
}

/**
 * shadow_extra_region() - extra region @i of a shadow map
 * @m: shadow map.
 * @i: index, below SHADOW_MAX_EXTRA_REGIONS; a region not added yet is empty.
 *
 * Return: the region, for shadow_region_has() and shadow_region_check_in_granule().
 */
static shadow_inline const struct shadow_region *
shadow_extra_region(const struct shadow_map *m, unsigned int i)
{
	return &m->extra[i];
}

/**
 * shadow_region_check_in_granule() - check an access known to lie in one
 *	granule of region @r
 * @r: region holding @addr (see shadow_region_has()).
 * @addr: address accessed.
 * @size: bytes accessed, 1..8, with addr..addr+size-1 in one granule.
 *
 * Two dependent loads and a compare, and no call: callers that must not
 * call out (code running with user access open) check the precondition
 * themselves and use this.
 *
 * Return: 1 if the access is bad, 0 if it is fine or untracked.
 */
static shadow_inline int shadow_region_check_in_granule(const struct shadow_region *r,
							unsigned long addr, unsigned long size)
{
	unsigned long g = (addr - r->base) >> SHADOW_GRANULE_SHIFT;
	unsigned char code = shadow_read_once(*shadow_granule(r, g));

	if (shadow_likely(!code))
		return 0;
	return shadow_code_bad(code, (addr + size - 1) & SHADOW_GRANULE_MASK);
}

/**
 * shadow_in_fast_region() - does @addr lie in the fast region of @m?
 * @m: shadow map.
 * @addr: memory address.
 *
 * Return: nonzero if it does.
 */
static shadow_inline int shadow_in_fast_region(const struct shadow_map *m, unsigned long addr)
{
	return shadow_region_has(&m->fast, addr);
}

/**
 * shadow_check_in_granule() - check an access known to lie in one granule of
 *	the fast region
 * @m: shadow map.
 * @addr: address accessed.
 * @size: bytes accessed, 1..8, with addr..addr+size-1 in one granule.
 *
 * Return: 1 if the access is bad, 0 if it is fine or untracked.
 */
static shadow_inline int shadow_check_in_granule(const struct shadow_map *m, unsigned long addr,
						 unsigned long size)
{
	return shadow_region_check_in_granule(&m->fast, addr, size);
}

/**
 * shadow_check_in_page() - check an access of up to 16 bytes known to lie in
 *	one page of the fast region
 * @m: shadow map.
 * @addr: address accessed.
 * @size: bytes accessed, 1..16, with addr..addr+size-1 in one page.
 *
 * At most three shadow bytes and no call, like shadow_check_in_granule():
 * every granule but the last must be wholly accessible, the last up to the
 * access's last byte.
 *
 * Return: 1 if the access is bad, 0 if it is fine or untracked.
 */
static shadow_inline int shadow_check_in_page(const struct shadow_map *m, unsigned long addr,
					      unsigned long size)
{
	unsigned long g = (addr - m->fast.base) >> SHADOW_GRANULE_SHIFT;
	unsigned long glast = (addr + size - 1 - m->fast.base) >> SHADOW_GRANULE_SHIFT;
	const unsigned char *shadow = shadow_granule(&m->fast, g);

	for (; g < glast; g++, shadow++)
		if (shadow_read_once(*shadow))
			return 1;
	return shadow_code_bad(shadow_read_once(*shadow), (addr + size - 1) & SHADOW_GRANULE_MASK);
}

/*
 * Accesses of 1, 2, 4 and 8 bytes: shadow_fast_clean() inline, anything else
 * (a shadow byte that is not zero, a misaligned access, another region, wrapping) is
 * decided by shadow_range_bad(), a tail call, so the fast path saves no registers.
 */
static shadow_inline int shadow_check_small(const struct shadow_map *m, unsigned long addr,
					    unsigned int order)
{
	if (shadow_likely(shadow_fast_clean(&m->fast, addr, order)))
		return 0;
	return shadow_range_bad(m, addr, addr + (1UL << order) - 1);
}

/**
 * shadow_check1() - check a 1-byte access
 * @m: shadow map.
 * @addr: address accessed.
 *
 * Lock-free and never allocates, like every shadow_check*() function.
 *
 * Return: 1 if the access is bad, 0 if it is fine or untracked.
 */
static shadow_inline int shadow_check1(const struct shadow_map *m, unsigned long addr)
{
	return shadow_check_small(m, addr, 0);
}

/**
 * shadow_check2() - check a 2-byte access, which may straddle granules or pages
 * @m: shadow map.
 * @addr: address accessed.
 *
 * Return: 1 if the access is bad, 0 if it is fine or untracked.
 */
static shadow_inline int shadow_check2(const struct shadow_map *m, unsigned long addr)
{
	return shadow_check_small(m, addr, 1);
}

/**
 * shadow_check4() - check a 4-byte access, which may straddle granules or pages
 * @m: shadow map.
 * @addr: address accessed.
 *
 * Return: 1 if the access is bad, 0 if it is fine or untracked.
 */
static shadow_inline int shadow_check4(const struct shadow_map *m, unsigned long addr)
{
	return shadow_check_small(m, addr, 2);
}

/**
 * shadow_check8() - check an 8-byte access, which may straddle granules or pages
 * @m: shadow map.
 * @addr: address accessed.
 *
 * Return: 1 if the access is bad, 0 if it is fine or untracked.
 */
static shadow_inline int shadow_check8(const struct shadow_map *m, unsigned long addr)
{
	if (shadow_likely(shadow_fast_clean8(&m->fast, &addr)))
		return 0;
	return shadow_range_bad(m, addr, addr + 7);
}

/**
 * shadow_check16() - check a 16-byte access
 * @m: shadow map.
 * @addr: address accessed.
 *
 * An 8-byte aligned access covers exactly two granules, both of which must be fully
 * accessible; when they share a chunk one lookup serves both.
 *
 * Return: 1 if the access is bad, 0 if it is fine or untracked.
 */
static shadow_inline int shadow_check16(const struct shadow_map *m, unsigned long addr)
{
	if (shadow_likely(shadow_fast_clean16(&m->fast, addr)))
		return 0;
	return shadow_range_bad(m, addr, addr + 15);
}

/**
 * shadow_checkN() - check an access of any size
 * @m: shadow map.
 * @addr: address accessed.
 * @size: bytes accessed; 0 is never bad.
 *
 * Every byte of the range must be accessible. A range whose last byte would lie past the
 * end of the address space is bad. Up to two granules of one page of the fast region are
 * checked inline; longer ranges are scanned out of line.
 *
 * Return: 1 if the access is bad, 0 if it is fine or untracked.
 */
static shadow_inline int shadow_checkN(const struct shadow_map *m, unsigned long addr,
				       unsigned long size)
{
	if (shadow_likely(shadow_fast_cleanN(&m->fast, addr, size)) || shadow_unlikely(!size))
		return 0;
	return shadow_range_bad(m, addr, addr + size - 1);
}

#endif /* MEMSAN_SHADOW_H */
