// SPDX-License-Identifier: GPL-2.0
/*
 * Shadow map: regions, chunk installation, poisoning, range checks, bug
 * classification and the "Memory state around the buggy address" dump.
 *
 * Writers (poison, unpoison, mark_object, clear) may run concurrently on different
 * objects; they only race on installing a page's chunk, which is settled with a
 * compare-and-swap. Readers take no lock. Region setup and destroy must not race with
 * anything else on the same map.
 */
#include "shadow.h"

_Static_assert(SHADOW_GRANULE_SIZE == 1 << SHADOW_GRANULE_SHIFT, "granule shift");
_Static_assert(SHADOW_PAGE_SIZE == 1 << SHADOW_PAGE_SHIFT, "page shift");
_Static_assert(SHADOW_CHUNK_SIZE * SHADOW_GRANULE_SIZE == SHADOW_PAGE_SIZE, "chunk size");

#define SHADOW_ROW_BYTES	16	/* shadow bytes per dump row, as KASAN */
#define SHADOW_ROW_MEM		(SHADOW_ROW_BYTES * SHADOW_GRANULE_SIZE)
#define SHADOW_ROWS_AROUND	2
/* ">" + address + ": " */
#define SHADOW_ROW_PREFIX	(1 + 2 * (int)sizeof(unsigned long) + 2)
#define SHADOW_LINE_MAX		(SHADOW_ROW_PREFIX + 3 * SHADOW_ROW_BYTES + 1)

const unsigned long shadow_zero_words[SHADOW_CHUNK_SIZE / sizeof(unsigned long)];

/* The region holding @addr, or NULL outside every region. */
static const struct shadow_region *shadow_region_of(const struct shadow_map *m,
						    unsigned long addr)
{
	const struct shadow_region *r;
	unsigned int i;

	if (shadow_region_has(&m->fast, addr))
		return &m->fast;
	for (i = 0; i < m->nr_extra; i++) {
		r = &m->extra[i];
		if (shadow_region_has(r, addr))
			return r;
	}
	return NULL;
}

/* Index of @addr's page in its region @r. */
static unsigned long shadow_page_index(const struct shadow_region *r, unsigned long addr)
{
	return (addr - r->base) >> SHADOW_PAGE_SHIFT;
}

/* The chunk of page @i of @r, for writing; NULL if it has none. */
static unsigned char *shadow_dir_chunk_rw(const struct shadow_region *r, unsigned long i)
{
	unsigned long chunk = shadow_read_once(r->dir[i]) + i * SHADOW_CHUNK_SIZE;

	return chunk == (unsigned long)shadow_zero_chunk ? NULL : (unsigned char *)chunk;
}

/* Point every slot of a new region at the zero chunk. */
static void shadow_region_set(struct shadow_region *r, unsigned long base, unsigned long npages,
			      unsigned long *dir)
{
	unsigned long i;

	r->base = base;
	r->npages = npages;
	r->ngranules = npages * SHADOW_CHUNK_SIZE;
	r->dir = dir;
	for (i = 0; i < npages; i++)
		r->dir[i] = shadow_dir_entry(shadow_zero_chunk, i);
}

/**
 * shadow_lookup_extra() - find a chunk in the extra regions
 * @m: shadow map.
 * @addr: memory address, known not to be in the fast region.
 *
 * The out-of-line half of shadow_chunk().
 *
 * Return: the chunk of @addr's page, or NULL if the page is untracked.
 */
const unsigned char *shadow_lookup_extra(const struct shadow_map *m, unsigned long addr)
{
	const struct shadow_region *r;
	unsigned int i;

	for (i = 0; i < m->nr_extra; i++) {
		r = &m->extra[i];
		if (shadow_region_has(r, addr))
			return shadow_dir_chunk(r, shadow_page_index(r, addr));
	}
	return NULL;
}

/**
 * shadow_map_init() - set up a map with its fast region
 * @m: map to initialise.
 * @ops: chunk allocator, kept by reference.
 * @base: page-aligned start of the fast region.
 * @npages: pages in the fast region; 0 for none.
 * @dir: @npages slots, owned by the caller; filled here.
 */
void shadow_map_init(struct shadow_map *m, const struct shadow_ops *ops, unsigned long base,
		     unsigned long npages, unsigned long *dir)
{
	unsigned int i;

	shadow_region_set(&m->fast, base, npages, dir);
	for (i = 0; i < SHADOW_MAX_EXTRA_REGIONS; i++)
		shadow_region_set(&m->extra[i], 0, 0, NULL);
	m->nr_extra = 0;
	m->ops = ops;
	m->nr_chunks = 0;
}

/* Page number of the last page of a region, given it does not wrap. */
static unsigned long shadow_region_last_pfn(unsigned long base, unsigned long npages)
{
	return (base >> SHADOW_PAGE_SHIFT) + npages - 1;
}

/**
 * shadow_map_add_region() - add a region searched when the fast region misses
 * @m: shadow map.
 * @base: page-aligned start address.
 * @npages: pages covered, at least 1.
 * @dir: @npages slots, owned by the caller; filled here.
 *
 * Must not race with any other use of @m: readers look at the regions without a lock.
 *
 * Return: 0, or -1 if @m is full, @base is misaligned, the region is empty, wraps, or
 * overlaps another region.
 */
int shadow_map_add_region(struct shadow_map *m, unsigned long base, unsigned long npages,
			  unsigned long *dir)
{
	unsigned long first = base >> SHADOW_PAGE_SHIFT, last;
	const struct shadow_region *r;
	unsigned int i;

	if (m->nr_extra >= SHADOW_MAX_EXTRA_REGIONS || (base & SHADOW_PAGE_MASK) || !npages ||
	    !dir || npages - 1 > (~0UL >> SHADOW_PAGE_SHIFT) - first)
		return -1;
	last = shadow_region_last_pfn(base, npages);
	for (i = 0; i <= m->nr_extra; i++) {
		r = i ? &m->extra[i - 1] : &m->fast;
		if (r->npages && first <= shadow_region_last_pfn(r->base, r->npages) &&
		    (r->base >> SHADOW_PAGE_SHIFT) <= last)
			return -1;
	}
	shadow_region_set(&m->extra[m->nr_extra], base, npages, dir);
	m->nr_extra++;
	return 0;
}

static void shadow_region_destroy(struct shadow_map *m, struct shadow_region *r)
{
	unsigned char *chunk;
	unsigned long i;

	for (i = 0; i < r->npages; i++) {
		chunk = shadow_dir_chunk_rw(r, i);
		if (chunk) {
			m->ops->free_chunk(m->ops->ctx, chunk);
			r->dir[i] = shadow_dir_entry(shadow_zero_chunk, i);
		}
	}
}

/**
 * shadow_map_destroy() - free every chunk and clear the directories
 * @m: shadow map; its regions stay, so it can be used again.
 *
 * Must not race with any other use of @m.
 */
void shadow_map_destroy(struct shadow_map *m)
{
	unsigned int i;

	shadow_region_destroy(m, &m->fast);
	for (i = 0; i < m->nr_extra; i++)
		shadow_region_destroy(m, &m->extra[i]);
	m->nr_chunks = 0;
}

/* shadow_install() of a page without a chunk: allocate one and publish it */
static shadow_noinline unsigned char *shadow_install_new(struct shadow_map *m,
							 const struct shadow_region *r,
							 unsigned long i)
{
	unsigned long empty = shadow_dir_entry(shadow_zero_chunk, i), old;
	unsigned char *chunk = m->ops->alloc_chunk(m->ops->ctx);

	if (!chunk)
		return NULL;
	old = shadow_cmpxchg_ptr(&r->dir[i], empty, shadow_dir_entry(chunk, i));
	if (old != empty) {
		/* Another CPU installed this page's chunk first: use theirs. */
		m->ops->free_chunk(m->ops->ctx, chunk);
		return (unsigned char *)(old + i * SHADOW_CHUNK_SIZE);
	}
	shadow_atomic_inc_ulong(&m->nr_chunks);
	return chunk;
}

/*
 * Return the chunk of page @i of @r, installing a fresh one if needed; NULL if out of
 * memory.
 */
static shadow_inline unsigned char *shadow_install(struct shadow_map *m,
						   const struct shadow_region *r, unsigned long i)
{
	unsigned char *chunk = shadow_dir_chunk_rw(r, i);

	if (shadow_likely(chunk))
		return chunk;
	return shadow_install_new(m, r, i);
}

/*
 * Does all of [first, last] lie in one page of the fast region? Then *@i is the page's
 * index. The common case of every write below (a slab object, its redzone): no region
 * search, no loop over pages.
 */
static int shadow_one_fast_page(const struct shadow_map *m, unsigned long first,
				unsigned long last, unsigned long *i)
{
	*i = shadow_page_index(&m->fast, first);
	return shadow_likely(!((first ^ last) >> SHADOW_PAGE_SHIFT) && *i < m->fast.npages);
}

/* shadow_prepare() of a range over several pages or outside the fast region */
static shadow_noinline int shadow_prepare_pages(struct shadow_map *m, unsigned long first,
						unsigned long last, int alloc)
{
	unsigned long pfn, last_pfn = last >> SHADOW_PAGE_SHIFT, addr;
	const struct shadow_region *r;

	for (pfn = first >> SHADOW_PAGE_SHIFT; ; pfn++) {
		if (!shadow_region_of(m, pfn << SHADOW_PAGE_SHIFT))
			return -1;
		if (pfn == last_pfn)
			break;
	}
	if (!alloc)
		return 0;
	for (pfn = first >> SHADOW_PAGE_SHIFT; ; pfn++) {
		addr = pfn << SHADOW_PAGE_SHIFT;
		r = shadow_region_of(m, addr);
		if (!shadow_install(m, r, shadow_page_index(r, addr)))
			return -1;
		if (pfn == last_pfn)
			break;
	}
	return 0;
}

/*
 * Make sure every page of [first, last] is in a region and, if @alloc, has a chunk.
 * Everything is validated before anything is allocated, so a range that is partly
 * outside the regions allocates nothing. After a failed allocation the chunks already
 * installed stay: they are zeroed, which reads exactly like no chunk, and another CPU
 * may be using them by now.
 */
static int shadow_prepare(struct shadow_map *m, unsigned long first, unsigned long last,
			  int alloc)
{
	unsigned long i;

	if (shadow_one_fast_page(m, first, last, &i))
		return alloc && !shadow_install(m, &m->fast, i) ? -1 : 0;
	return shadow_prepare_pages(m, first, last, alloc);
}

/* One store of @size bytes of @word at @p, at any alignment (one instruction where allowed). */
#define shadow_store(p, word, size)	__builtin_memcpy((p), &(word), (size))

/*
 * memset() of shadow bytes.  Most fills are a few dozen bytes (an object's
 * shadow, its redzone): a handful of word stores, the first and the last
 * overlapping the others as needed, cost less than a loop or a call to
 * memset() (in the kernel a "rep stosb", one icount instruction per byte).
 */
static shadow_inline void shadow_memset(unsigned char *p, unsigned char value, unsigned long n)
{
	unsigned long word = value * (~0UL / 0xff);
	unsigned int half = (unsigned int)word;
	unsigned short quarter = (unsigned short)word;
	unsigned char *end = p + n, *q;

	if (n >= sizeof(word)) {
		shadow_store(p, word, sizeof(word));
		shadow_store(end - sizeof(word), word, sizeof(word));
		if (n <= 2 * sizeof(word))
			return;
		shadow_store(p + sizeof(word), word, sizeof(word));
		shadow_store(end - 2 * sizeof(word), word, sizeof(word));
		for (q = p + 2 * sizeof(word); q < end - 2 * sizeof(word); q += sizeof(word)) {
			shadow_store(q, word, sizeof(word));
			/* opaque: else gcc turns the loop back into a call to memset() */
			__asm__("" : "+r" (q));
		}
	} else if (n >= sizeof(half)) {
		shadow_store(p, half, sizeof(half));
		shadow_store(end - sizeof(half), half, sizeof(half));
	} else if (n >= sizeof(quarter)) {
		shadow_store(p, quarter, sizeof(quarter));
		shadow_store(end - sizeof(quarter), quarter, sizeof(quarter));
	} else if (n) {
		*p = value;
	}
}

/* shadow_fill() of a range over several pages or outside the fast region */
static shadow_noinline void shadow_fill_pages(const struct shadow_map *m, unsigned long first,
					      unsigned long last, unsigned char value)
{
	const struct shadow_region *r;
	unsigned long page_last, off;
	unsigned char *chunk;

	for (;;) {
		page_last = first | SHADOW_PAGE_MASK;
		if (page_last > last)
			page_last = last;
		r = shadow_region_of(m, first);
		chunk = r ? shadow_dir_chunk_rw(r, shadow_page_index(r, first)) : NULL;
		if (chunk) {
			off = shadow_chunk_offset(first);
			shadow_memset(chunk + off, value,
				      shadow_chunk_offset(page_last) - off + 1);
		}
		if (page_last == last)
			break;
		first = page_last + 1;
	}
}

/*
 * Set the shadow of the granules of [first, last] (granule-aligned at both ends) to
 * @value. Pages without a chunk are skipped: the caller either prepared them or is
 * writing SHADOW_ACCESSIBLE, which is what a missing chunk already means. One page of
 * the fast region inline (no register saved), the rest out of line.
 */
static void shadow_fill(const struct shadow_map *m, unsigned long first, unsigned long last,
			unsigned char value)
{
	unsigned char *chunk;
	unsigned long i;

	if (shadow_one_fast_page(m, first, last, &i)) {
		chunk = shadow_dir_chunk_rw(&m->fast, i);
		if (chunk)
			shadow_memset(chunk + shadow_chunk_offset(first), value,
				      ((last - first) >> SHADOW_GRANULE_SHIFT) + 1);
		return;
	}
	shadow_fill_pages(m, first, last, value);
}

/* Set one granule's shadow byte; its page has been prepared. */
static void shadow_set(const struct shadow_map *m, unsigned long addr, unsigned char value)
{
	const struct shadow_region *r = shadow_region_of(m, addr);
	unsigned char *chunk = shadow_dir_chunk_rw(r, shadow_page_index(r, addr));

	chunk[shadow_chunk_offset(addr)] = value;
}

/**
 * shadow_poison() - set the shadow of a range to one value
 * @m: shadow map.
 * @addr: granule-aligned start.
 * @size: bytes; rounded up to whole granules. 0 does nothing.
 * @value: shadow byte to write, normally one of the SHADOW_* poison codes.
 *
 * Allocates the chunks the range needs, all of them before writing anything.
 *
 * Return: 0, or -1 with the shadow unchanged if @addr is misaligned, the range wraps or
 * is not entirely inside the regions, or a chunk could not be allocated.
 */
int shadow_poison(struct shadow_map *m, unsigned long addr, unsigned long size,
		  unsigned char value)
{
	unsigned long last = addr + size - 1, i;
	unsigned char *chunk;

	if (addr & SHADOW_GRANULE_MASK)
		return -1;
	if (!size)
		return 0;
	if (last < addr)
		return -1;
	last |= SHADOW_GRANULE_MASK;
	if (shadow_one_fast_page(m, addr, last, &i)) {
		/* shadow_prepare() and shadow_fill() of one page of the fast region */
		chunk = value != SHADOW_ACCESSIBLE ? shadow_install(m, &m->fast, i) :
						     shadow_dir_chunk_rw(&m->fast, i);
		if (!chunk)
			return value != SHADOW_ACCESSIBLE ? -1 : 0;
		shadow_memset(chunk + shadow_chunk_offset(addr), value,
			      ((last - addr) >> SHADOW_GRANULE_SHIFT) + 1);
		return 0;
	}
	if (shadow_prepare(m, addr, last, value != SHADOW_ACCESSIBLE))
		return -1;
	shadow_fill(m, addr, last, value);
	return 0;
}

/* shadow_set_object() of an object over several pages or outside the fast region */
static shadow_noinline int shadow_set_object_pages(struct shadow_map *m, unsigned long obj,
						   unsigned long size, unsigned long end,
						   unsigned char redzone)
{
	unsigned long span = end - obj;				/* last offset */
	unsigned long nz = size & ~SHADOW_GRANULE_MASK;		/* first non-zero offset */
	unsigned long partial = size & SHADOW_GRANULE_MASK;
	unsigned long rz = nz + (partial ? SHADOW_GRANULE_SIZE : 0);	/* redzone offset */

	if (shadow_prepare(m, obj, end, 0))
		return -1;
	if (nz <= span && (redzone || partial) &&
	    shadow_prepare(m, obj + nz, redzone ? end : obj + nz + SHADOW_GRANULE_MASK, 1))
		return -1;
	if (nz)
		shadow_fill(m, obj, obj + nz - 1, SHADOW_ACCESSIBLE);
	if (partial)
		shadow_set(m, obj + nz, partial);
	if (rz >= nz && rz <= span)
		shadow_fill(m, obj + rz, end, redzone);
	return 0;
}

/*
 * Make [obj, obj + size) accessible and the rest of [obj, end] @redzone (end is the last
 * byte of a granule), after checking and allocating everything. Only granules with a
 * non-zero code need a chunk: from the first partial or redzone granule on. Offsets from
 * @obj are used so that an object ending at the top of memory does not wrap. An object
 * in one page of the fast region (a slab object of up to a page) takes one chunk lookup
 * and the same writes, inline.
 */
static int shadow_set_object(struct shadow_map *m, unsigned long obj, unsigned long size,
			     unsigned long end, unsigned char redzone)
{
	unsigned long span = end - obj;				/* last offset */
	unsigned long nz = size & ~SHADOW_GRANULE_MASK;		/* first non-zero offset */
	unsigned long partial = size & SHADOW_GRANULE_MASK;
	unsigned long rz = nz + (partial ? SHADOW_GRANULE_SIZE : 0);	/* redzone offset */
	int alloc = nz <= span && (redzone || partial);
	unsigned char *chunk;
	unsigned long i;

	if (!shadow_one_fast_page(m, obj, end, &i))
		return shadow_set_object_pages(m, obj, size, end, redzone);
	chunk = alloc ? shadow_install(m, &m->fast, i) : shadow_dir_chunk_rw(&m->fast, i);
	if (!chunk)
		return alloc ? -1 : 0;	/* no chunk and nothing but accessible to write */
	chunk += shadow_chunk_offset(obj);
	shadow_memset(chunk, SHADOW_ACCESSIBLE, nz >> SHADOW_GRANULE_SHIFT);
	if (partial)
		chunk[nz >> SHADOW_GRANULE_SHIFT] = partial;
	if (rz >= nz && rz <= span)
		shadow_memset(chunk + (rz >> SHADOW_GRANULE_SHIFT), redzone,
			      ((span - rz) >> SHADOW_GRANULE_SHIFT) + 1);
	return 0;
}

/**
 * shadow_unpoison() - make a range accessible
 * @m: shadow map.
 * @addr: granule-aligned start.
 * @size: bytes; if not a multiple of 8 the last granule gets the partial code size & 7.
 *
 * Only the page of a partial last granule may need a chunk allocated.
 *
 * Return: 0, or -1 with the shadow unchanged if @addr is misaligned, the range wraps or
 * is not entirely inside the regions, or a chunk could not be allocated.
 */
int shadow_unpoison(struct shadow_map *m, unsigned long addr, unsigned long size)
{
	unsigned long last = addr + size - 1;

	if (addr & SHADOW_GRANULE_MASK)
		return -1;
	if (!size)
		return 0;
	if (last < addr)
		return -1;
	return shadow_set_object(m, addr, size, last | SHADOW_GRANULE_MASK, SHADOW_ACCESSIBLE);
}

/**
 * shadow_mark_object() - shadow of a freshly allocated object and its slack
 * @m: shadow map.
 * @obj: granule-aligned object start.
 * @size: bytes the user asked for, made accessible.
 * @obj_size: bytes the allocator reserved; [obj + size, obj + obj_size) gets @redzone,
 *	rounded up to whole granules.
 * @redzone: poison code of the slack, e.g. SHADOW_REDZONE_RIGHT.
 *
 * Return: 0, or -1 with the shadow unchanged if @obj is misaligned, @size > @obj_size,
 * the object wraps or is not entirely inside the regions, or a chunk could not be
 * allocated.
 */
int shadow_mark_object(struct shadow_map *m, unsigned long obj, unsigned long size,
		       unsigned long obj_size, unsigned char redzone)
{
	unsigned long last = obj + obj_size - 1;

	if ((obj & SHADOW_GRANULE_MASK) || size > obj_size)
		return -1;
	if (!obj_size)
		return 0;
	if (last < obj)
		return -1;
	return shadow_set_object(m, obj, size, last | SHADOW_GRANULE_MASK, redzone);
}

/**
 * shadow_reserve() - install the chunks of the pages of a range
 * @m: shadow map.
 * @addr: start, need not be aligned.
 * @size: bytes, at least 1.
 *
 * The shadow reads the same afterwards; what changes is that the pages have a chunk.
 * A user that tracks objects reserves their pages, so that a chunk in the directory
 * says "this page may hold tracked objects" even where every byte is accessible.
 *
 * Return: 0, or -1 if the range wraps, is not entirely inside the regions or a chunk
 * could not be allocated.
 */
int shadow_reserve(struct shadow_map *m, unsigned long addr, unsigned long size)
{
	unsigned long last = addr + size - 1;

	if (!size || last < addr)
		return -1;
	return shadow_prepare(m, addr, last, 1);
}

/**
 * shadow_clear() - make every granule touching a range accessible
 * @m: shadow map.
 * @addr: start, need not be aligned.
 * @size: bytes.
 *
 * Never allocates and never fails: pages without a chunk or outside every region are
 * already accessible.
 */
void shadow_clear(struct shadow_map *m, unsigned long addr, unsigned long size)
{
	unsigned long last = addr + size - 1;

	if (!size)
		return;
	if (last < addr)
		last = ~0UL;
	shadow_fill(m, addr & ~SHADOW_GRANULE_MASK, last | SHADOW_GRANULE_MASK,
		    SHADOW_ACCESSIBLE);
}

/**
 * shadow_get() - read one shadow byte
 * @m: shadow map.
 * @addr: memory address.
 * @byte: where the shadow byte of @addr's granule goes; 0 if its page has no chunk.
 *
 * Return: 0, or -1 if @addr is outside every region (@byte untouched).
 */
int shadow_get(const struct shadow_map *m, unsigned long addr, unsigned char *byte)
{
	const struct shadow_region *r = shadow_region_of(m, addr);
	const unsigned char *chunk;

	if (!r)
		return -1;
	chunk = shadow_dir_chunk(r, shadow_page_index(r, addr));
	*byte = chunk ? shadow_read_once(chunk[shadow_chunk_offset(addr)]) : SHADOW_ACCESSIBLE;
	return 0;
}

/* Offset of the first non-zero byte of chunk[off, end), or end; a word at a time. */
static unsigned long shadow_scan_zero(const unsigned char *chunk, unsigned long off,
				      unsigned long end)
{
	/* Words only pay off past the alignment head; most ranges are a granule or two. */
	if (end - off >= 2 * sizeof(unsigned long)) {
		while (off & (sizeof(unsigned long) - 1)) {
			if (shadow_read_once(chunk[off]))
				return off;
			off++;
		}
		/* Chunks are 8-byte aligned, so these loads are aligned. */
		while (off + sizeof(unsigned long) <= end &&
		       !shadow_read_once(*(const unsigned long *)(chunk + off)))
			off += sizeof(unsigned long);
	}
	while (off < end && !shadow_read_once(chunk[off]))
		off++;
	return off;
}

/* First bad byte of granule @g (code @code) for an access starting at @addr. */
static unsigned long shadow_bad_byte(unsigned long g, unsigned char code, unsigned long addr)
{
	unsigned long from = code <= SHADOW_GRANULE_MASK ? code : 0;
	unsigned long lo = g == addr >> SHADOW_GRANULE_SHIFT ? addr & SHADOW_GRANULE_MASK : 0;

	return (g << SHADOW_GRANULE_SHIFT) + (lo > from ? lo : from);
}

/*
 * Find the first bad byte of [addr, last], last >= addr; store it in *@bad unless
 * @bad is NULL. Accessible bytes of a granule
 * are a prefix, so a granule is fine iff the highest byte touched in it is: that is
 * byte 7 (code must be 0) for every granule but the last.
 */
static int shadow_find_bad(const struct shadow_map *m, unsigned long addr, unsigned long last,
			   unsigned long *bad)
{
	unsigned long g = addr >> SHADOW_GRANULE_SHIFT, glast = last >> SHADOW_GRANULE_SHIFT;
	unsigned long gpage_last, off, end, hit;
	const unsigned char *chunk;
	unsigned char code;

	for (;;) {
		gpage_last = g | (SHADOW_CHUNK_SIZE - 1);
		if (gpage_last > glast)
			gpage_last = glast;
		chunk = shadow_chunk(m, g << SHADOW_GRANULE_SHIFT);
		if (chunk) {
			off = shadow_chunk_offset(g << SHADOW_GRANULE_SHIFT);
			end = off + (gpage_last - g) + (gpage_last == glast ? 0 : 1);
			hit = shadow_scan_zero(chunk, off, end);
			if (hit < end) {
				g += hit - off;
				code = shadow_read_once(chunk[hit]);
				if (bad)
					*bad = shadow_bad_byte(g, code, addr);
				return 1;
			}
			if (gpage_last == glast) {
				code = shadow_read_once(chunk[end]);
				if (shadow_code_bad(code, last & SHADOW_GRANULE_MASK)) {
					if (bad)
						*bad = shadow_bad_byte(glast, code, addr);
					return 1;
				}
			}
		}
		if (gpage_last == glast)
			return 0;
		g = gpage_last + 1;
	}
}

/**
 * shadow_range_bad() - check every byte of [addr, last]
 * @m: shadow map.
 * @addr: first byte.
 * @last: last byte; if below @addr the range wrapped, which is bad.
 *
 * The out-of-line part of the shadow_check*() functions, lock-free and never allocating.
 *
 * Return: 1 if some byte is bad, else 0.
 */
int shadow_range_bad(const struct shadow_map *m, unsigned long addr, unsigned long last)
{
	const unsigned char *chunk;
	unsigned long off, end;

	if (last < addr)
		return 1;
	/* Inside one page, the common case: one chunk, every granule but the last zero. */
	if (shadow_likely(!((addr ^ last) >> SHADOW_PAGE_SHIFT))) {
		chunk = shadow_chunk(m, addr);
		if (!chunk)
			return 0;
		off = shadow_chunk_offset(addr);
		end = shadow_chunk_offset(last);
		if (end - off > 2) {
			if (shadow_scan_zero(chunk, off, end) < end)
				return 1;
		} else {
			for (; off < end; off++)
				if (shadow_read_once(chunk[off]))
					return 1;
		}
		return shadow_code_bad(shadow_read_once(chunk[end]), last & SHADOW_GRANULE_MASK);
	}
	return shadow_find_bad(m, addr, last, NULL);
}

/**
 * shadow_first_bad() - address of the first bad byte of a range
 * @m: shadow map.
 * @addr: first byte.
 * @size: bytes.
 *
 * A range whose last byte would wrap past the end of the address space is bad as a whole
 * and reported at @addr, as KASAN reports such accesses at their start. Address 0 cannot
 * be reported, so regions should not contain it.
 *
 * Return: the first bad address, or 0 if every byte is accessible or @size is 0.
 */
unsigned long shadow_first_bad(const struct shadow_map *m, unsigned long addr,
			       unsigned long size)
{
	unsigned long last = addr + size - 1, bad;

	if (!size)
		return 0;
	if (last < addr)
		return addr;
	return shadow_find_bad(m, addr, last, &bad) ? bad : 0;
}

/**
 * shadow_classify() - kind of bug behind a bad byte
 * @m: shadow map.
 * @bad_addr: the first bad byte, e.g. from shadow_first_bad().
 *
 * Like KASAN, a partial code only says the access ran off the end of something, so the
 * next granule's code decides what that something is followed by.
 *
 * Return: the bug type; SHADOW_BUG_NONE if the byte is accessible or untracked.
 */
enum shadow_bug shadow_classify(const struct shadow_map *m, unsigned long bad_addr)
{
	unsigned char code;

	if (shadow_get(m, bad_addr, &code) ||
	    !shadow_code_bad(code, bad_addr & SHADOW_GRANULE_MASK))
		return SHADOW_BUG_NONE;
	if (code <= SHADOW_GRANULE_MASK &&
	    shadow_get(m, (bad_addr | SHADOW_GRANULE_MASK) + 1, &code))
		code = SHADOW_ACCESSIBLE;
	switch (code) {
	case SHADOW_REDZONE_RIGHT:
	case SHADOW_REDZONE_LEFT:
		return SHADOW_BUG_OUT_OF_BOUNDS;
	case SHADOW_PAGE_REDZONE:
		return SHADOW_BUG_LARGE_OUT_OF_BOUNDS;
	case SHADOW_FREED:
		return SHADOW_BUG_USE_AFTER_FREE;
	case SHADOW_GLOBAL_REDZONE:
		return SHADOW_BUG_GLOBAL_OUT_OF_BOUNDS;
	default:
		/* Past a partial granule into accessible memory: still off the end. */
		if (code <= SHADOW_GRANULE_MASK)
			return SHADOW_BUG_OUT_OF_BOUNDS;
		return SHADOW_BUG_UNKNOWN;
	}
}

/**
 * shadow_bug_name() - KASAN's name for a bug type
 * @bug: bug type.
 *
 * Return: a static string such as "slab-out-of-bounds".
 */
const char *shadow_bug_name(enum shadow_bug bug)
{
	switch (bug) {
	case SHADOW_BUG_NONE:
		return "none";
	case SHADOW_BUG_OUT_OF_BOUNDS:
		return "slab-out-of-bounds";
	case SHADOW_BUG_USE_AFTER_FREE:
		return "use-after-free";
	case SHADOW_BUG_GLOBAL_OUT_OF_BOUNDS:
		return "global-out-of-bounds";
	case SHADOW_BUG_LARGE_OUT_OF_BOUNDS:
		return "slab-out-of-bounds";
	default:
		return "unknown-crash";
	}
}

static char *shadow_put_hex(char *p, unsigned long v, int digits)
{
	static const char hex[] = "0123456789abcdef";

	while (digits--)
		*p++ = hex[(v >> (4 * digits)) & 0xf];
	return p;
}

/**
 * shadow_dump() - print the shadow around an address in KASAN's layout
 * @m: shadow map.
 * @addr: the buggy address.
 * @emit: called once per line, without a trailing newline.
 * @ctx: passed to @emit.
 *
 * Prints a header, then rows of 16 shadow bytes (128 bytes of memory) from two rows
 * before to two rows after the row of @addr; that row starts with '>' and is followed by
 * a line with '^' under @addr's shadow byte. Untracked granules print as 00.
 */
void shadow_dump(const struct shadow_map *m, unsigned long addr, shadow_emit_fn emit,
		 void *ctx)
{
	unsigned long row = (addr & ~(SHADOW_ROW_MEM - 1UL)) -
			    SHADOW_ROWS_AROUND * SHADOW_ROW_MEM;
	char line[SHADOW_LINE_MAX];
	unsigned char code;
	int i, j, col;
	char *p;

	emit(ctx, "Memory state around the buggy address:");
	for (i = -SHADOW_ROWS_AROUND; i <= SHADOW_ROWS_AROUND; i++, row += SHADOW_ROW_MEM) {
		p = line;
		*p++ = i ? ' ' : '>';
		p = shadow_put_hex(p, row, 2 * sizeof(unsigned long));
		*p++ = ':';
		for (j = 0; j < SHADOW_ROW_BYTES; j++) {
			if (shadow_get(m, row + j * SHADOW_GRANULE_SIZE, &code))
				code = SHADOW_ACCESSIBLE;
			*p++ = ' ';
			p = shadow_put_hex(p, code, 2);
		}
		*p = '\0';
		emit(ctx, line);
		if (i)
			continue;
		/* Under the first hex digit of @addr's byte, as KASAN's "%*c". */
		col = SHADOW_ROW_PREFIX +
		      3 * ((addr & (SHADOW_ROW_MEM - 1)) >> SHADOW_GRANULE_SHIFT);
		for (j = 0; j < col; j++)
			line[j] = ' ';
		line[col] = '^';
		line[col + 1] = '\0';
		emit(ctx, line);
	}
}
