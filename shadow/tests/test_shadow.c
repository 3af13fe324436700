// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the shadow map (cmocka). Most tests run the library and the naive model
 * of model.h side by side and compare every check, at every offset of interest.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../shadow.h"
#include "model.h"

#define FAST_BASE	0xffff888000000000UL
#define FAST_PAGES	8
#define EXTRA_BASE	0xffffc90000010000UL
#define EXTRA_PAGES	4
#define PAGE		4096UL
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* === Test allocator: counts, can fail, can lose an install race === */

struct test_alloc {
	long nalloc;		/* successful allocations */
	long nfree;
	long nfail;
	long fail_after;	/* allocations left before failing; -1: never fail */
	unsigned long *race_slot;	/* if set, "another CPU" fills it during alloc */
	unsigned long race_page;	/* the slot's page index */
	unsigned char *race_chunk;
};

static void *test_alloc_chunk(void *ctx)
{
	struct test_alloc *a = ctx;
	void *chunk;

	if (a->fail_after == 0) {
		a->nfail++;
		return NULL;
	}
	if (a->fail_after > 0)
		a->fail_after--;
	chunk = aligned_alloc(8, SHADOW_CHUNK_SIZE);
	assert_non_null(chunk);
	memset(chunk, 0, SHADOW_CHUNK_SIZE);
	a->nalloc++;
	if (a->race_slot) {
		a->race_chunk = aligned_alloc(8, SHADOW_CHUNK_SIZE);
		memset(a->race_chunk, 0, SHADOW_CHUNK_SIZE);
		a->nalloc++;
		*a->race_slot = shadow_dir_entry(a->race_chunk, a->race_page);
		a->race_slot = NULL;
	}
	return chunk;
}

static void test_free_chunk(void *ctx, void *chunk)
{
	struct test_alloc *a = ctx;

	a->nfree++;
	free(chunk);
}

/* === Fixture: a map plus the model over the same regions === */

struct fx {
	struct shadow_map map;
	struct shadow_ops ops;
	struct test_alloc alloc;
	struct model md;
	unsigned long *dirs[MODEL_MAX_REGIONS];
	int ndirs;
};

static struct fx *fx_new(unsigned long fast_base, unsigned long fast_pages)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	fx->alloc.fail_after = -1;
	fx->ops.alloc_chunk = test_alloc_chunk;
	fx->ops.free_chunk = test_free_chunk;
	fx->ops.ctx = &fx->alloc;
	fx->dirs[0] = calloc(fast_pages ? fast_pages : 1, sizeof(unsigned long));
	fx->ndirs = 1;
	shadow_map_init(&fx->map, &fx->ops, fast_base, fast_pages, fx->dirs[0]);
	if (fast_pages)
		model_add(&fx->md, fast_base, fast_pages);
	return fx;
}

static void fx_add(struct fx *fx, unsigned long base, unsigned long npages)
{
	unsigned long *dir = calloc(npages, sizeof(*dir));

	assert_int_equal(shadow_map_add_region(&fx->map, base, npages, dir), 0);
	fx->dirs[fx->ndirs++] = dir;
	model_add(&fx->md, base, npages);
}

/* The usual layout: fast region plus one extra region. */
static struct fx *fx_std(void)
{
	struct fx *fx = fx_new(FAST_BASE, FAST_PAGES);

	fx_add(fx, EXTRA_BASE, EXTRA_PAGES);
	return fx;
}

static unsigned long fx_live_slots(struct fx *fx)
{
	const struct shadow_region *r;
	unsigned long n = 0, i;

	for (unsigned int k = 0; k <= fx->map.nr_extra; k++) {
		r = k ? &fx->map.extra[k - 1] : &fx->map.fast;
		for (i = 0; i < r->npages; i++)
			n += shadow_dir_chunk(r, i) != NULL;
	}
	return n;
}

/* Chunk accounting must balance at any time. */
static void fx_check_accounting(struct fx *fx)
{
	assert_int_equal(fx->map.nr_chunks, fx_live_slots(fx));
	assert_int_equal(fx->alloc.nalloc - fx->alloc.nfree, (long)fx->map.nr_chunks);
}

static void fx_free(struct fx *fx)
{
	fx_check_accounting(fx);
	shadow_map_destroy(&fx->map);
	assert_int_equal(fx->alloc.nfree, fx->alloc.nalloc);
	assert_int_equal(fx->map.nr_chunks, 0);
	assert_int_equal(fx_live_slots(fx), 0);
	for (int i = 0; i < fx->ndirs; i++)
		free(fx->dirs[i]);
	model_free(&fx->md);
	free(fx);
}

/* Operations applied to both the map and the model; they must succeed. */
static void fx_poison(struct fx *fx, unsigned long addr, unsigned long size, unsigned char v)
{
	assert_int_equal(shadow_poison(&fx->map, addr, size, v), 0);
	model_fill(&fx->md, addr, size, v);
}

static void fx_unpoison(struct fx *fx, unsigned long addr, unsigned long size)
{
	assert_int_equal(shadow_unpoison(&fx->map, addr, size), 0);
	model_unpoison(&fx->md, addr, size);
}

static void fx_mark(struct fx *fx, unsigned long obj, unsigned long size, unsigned long obj_size,
		    unsigned char rz)
{
	assert_int_equal(shadow_mark_object(&fx->map, obj, size, obj_size, rz), 0);
	model_mark(&fx->md, obj, size, obj_size, rz);
}

static void fx_clear(struct fx *fx, unsigned long addr, unsigned long size)
{
	shadow_clear(&fx->map, addr, size);
	model_fill(&fx->md, addr, size, 0);
}

/* Every granule of every region reads back as the model says. */
static void fx_compare_all(struct fx *fx)
{
	for (int i = 0; i < fx->md.n; i++) {
		struct model_region *r = &fx->md.r[i];

		for (unsigned long g = 0; g < r->npages * 512; g++) {
			unsigned char b = 0xAA;

			assert_int_equal(shadow_get(&fx->map, r->base + g * 8, &b), 0);
			if (b != r->codes[g]) {
				print_error("granule %#lx: got %02x want %02x\n", r->base + g * 8,
					    b, r->codes[g]);
				fail();
			}
		}
	}
}

static int lib_check(struct fx *fx, unsigned long addr, unsigned long size)
{
	switch (size) {
	case 1:
		return shadow_check1(&fx->map, addr);
	case 2:
		return shadow_check2(&fx->map, addr);
	case 4:
		return shadow_check4(&fx->map, addr);
	case 8:
		return shadow_check8(&fx->map, addr);
	case 16:
		return shadow_check16(&fx->map, addr);
	}
	fail();
	return -1;
}

#define expect_same(got, want, fmt, ...) do {					\
	long __g = (long)(got), __w = (long)(want);				\
	if (__g != __w) {							\
		print_error(fmt ": got %#lx want %#lx\n", __VA_ARGS__, __g, __w);	\
		fail();								\
	}									\
} while (0)

/* The inline check of up to 16 bytes, wherever its precondition holds. */
static void fx_check_in_page_at(struct fx *fx, unsigned long addr)
{
	const struct shadow_region *r = &fx->map.fast;

	/* the inline region test agrees with the region's bounds */
	expect_same(!!shadow_in_fast_region(&fx->map, addr),
		    addr - r->base < r->npages * SHADOW_PAGE_SIZE, "in_fast_region(%#lx)", addr);
	for (unsigned int k = 0; k < fx->map.nr_extra; k++) {
		const struct shadow_region *x = shadow_extra_region(&fx->map, k);
		int in = addr - x->base < x->npages * SHADOW_PAGE_SIZE;

		expect_same(!!shadow_region_has(x, addr), in, "region_has(%u, %#lx)", k, addr);
		/* the in-granule check of any region, where its precondition holds */
		for (unsigned long n = 1; in && n <= 8; n++)
			if ((addr & SHADOW_GRANULE_MASK) + n <= SHADOW_GRANULE_SIZE)
				expect_same(shadow_region_check_in_granule(x, addr, n),
					    model_bad(&fx->md, addr, n),
					    "region_check_in_granule(%u, %#lx, %lu)", k, addr, n);
	}
	/*
	 * The fast path says "fine" exactly for a naturally aligned access of the fast
	 * region whose granule's shadow byte is 0, and for nothing else.
	 */
	for (unsigned int order = 0; order <= 3; order++) {
		int want = addr - r->base < r->npages * SHADOW_PAGE_SIZE &&
			   !(addr & ((1UL << order) - 1)) && !model_code(&fx->md, addr);

		expect_same(!!shadow_fast_clean(&fx->map.fast, addr, order), want,
			    "fast_clean(%#lx, %u)", addr, order);
		if (want)
			expect_same(model_bad(&fx->md, addr, 1UL << order), 0,
				    "model(%#lx, %u)", addr, order);
	}
	{
		unsigned long a = addr;
		int clean = shadow_fast_clean8(&fx->map.fast, &a);

		expect_same(!!clean, !!shadow_fast_clean(&fx->map.fast, addr, 3), "fast_clean8(%#lx)",
			    addr);
		if (!clean)
			expect_same(a, addr, "fast_clean8(%#lx) gave back", addr);
	}
	if (!shadow_in_fast_region(&fx->map, addr))
		return;
	for (unsigned long n = 1; n <= 16; n++) {
		if ((addr & SHADOW_PAGE_MASK) + n > SHADOW_PAGE_SIZE)
			continue;
		expect_same(shadow_check_in_page(&fx->map, addr, n), model_bad(&fx->md, addr, n),
			    "check_in_page(%#lx, %lu)", addr, n);
	}
}

/* Compare the fixed-size checks, checkN and first_bad with the model at one address. */
static void fx_check_at(struct fx *fx, unsigned long addr, unsigned long max_n)
{
	static const unsigned long sizes[] = { 1, 2, 4, 8, 16 };
	unsigned long n;

	fx_check_in_page_at(fx, addr);

	for (unsigned int i = 0; i < 5; i++) {
		n = sizes[i];
		expect_same(lib_check(fx, addr, n), model_bad(&fx->md, addr, n),
			    "check%lu(%#lx)", n, addr);
	}
	for (n = 0; n <= max_n; n++) {
		expect_same(shadow_checkN(&fx->map, addr, n), model_bad(&fx->md, addr, n),
			    "checkN(%#lx, %lu)", addr, n);
		expect_same(shadow_first_bad(&fx->map, addr, n), model_first_bad(&fx->md, addr, n),
			    "first_bad(%#lx, %lu)", addr, n);
	}
}

static void fx_check_window(struct fx *fx, unsigned long lo, unsigned long hi,
			    unsigned long max_n)
{
	for (unsigned long a = lo; a < hi; a++)
		fx_check_at(fx, a, max_n);
}

/* === Regions === */

static void test_regions(void **state)
{
	unsigned long dir[16] = { 0 }, dir2[16] = { 0 };
	unsigned char b = 0x55;
	struct fx *fx = fx_new(FAST_BASE, FAST_PAGES);
	struct shadow_map *m = &fx->map;

	(void)state;
	assert_int_equal(shadow_map_add_region(m, EXTRA_BASE + 8, 1, dir), -1);
	assert_int_equal(shadow_map_add_region(m, EXTRA_BASE, 0, dir), -1);
	assert_int_equal(shadow_map_add_region(m, EXTRA_BASE, 1, NULL), -1);
	/* Overlapping the fast region, at either end or inside. */
	assert_int_equal(shadow_map_add_region(m, FAST_BASE - PAGE, 2, dir), -1);
	assert_int_equal(shadow_map_add_region(m, FAST_BASE + 7 * PAGE, 2, dir), -1);
	assert_int_equal(shadow_map_add_region(m, FAST_BASE + 3 * PAGE, 1, dir), -1);
	assert_int_equal(shadow_map_add_region(m, FAST_BASE - 4 * PAGE, 16, dir), -1);
	/* Wrapping past the top of the address space. */
	assert_int_equal(shadow_map_add_region(m, ~0UL - PAGE + 1, 2, dir), -1);
	assert_int_equal(m->nr_extra, 0);
	/* Adjacent on both sides is fine. */
	assert_int_equal(shadow_map_add_region(m, FAST_BASE - 2 * PAGE, 2, dir), 0);
	assert_int_equal(shadow_map_add_region(m, FAST_BASE + 8 * PAGE, 1, dir2), 0);
	/* Overlapping an extra region. */
	assert_int_equal(shadow_map_add_region(m, FAST_BASE + 8 * PAGE, 1, dir), -1);
	assert_int_equal(shadow_map_add_region(m, FAST_BASE - 3 * PAGE, 2, dir), -1);
	/* The top page of memory can be a region. */
	assert_int_equal(shadow_map_add_region(m, ~0UL - PAGE + 1, 1, dir + 8), 0);
	assert_int_equal(shadow_map_add_region(m, 0x1000, 1, dir + 9), 0);
	assert_int_equal(m->nr_extra, 4);
	assert_int_equal(shadow_map_add_region(m, 0x100000, 1, dir + 10), -1);

	assert_int_equal(shadow_get(m, FAST_BASE, &b), 0);
	assert_int_equal(b, 0);
	b = 0x55;
	assert_int_equal(shadow_get(m, ~0UL, &b), 0);
	assert_int_equal(b, 0);
	b = 0x55;
	assert_int_equal(shadow_get(m, FAST_BASE - 2 * PAGE - 1, &b), -1);
	assert_int_equal(b, 0x55);
	assert_int_equal(shadow_get(m, FAST_BASE + 9 * PAGE, &b), -1);

	/* The top page works like any other. */
	assert_int_equal(shadow_poison(m, ~0UL - 15, 16, SHADOW_FREED), 0);
	assert_int_equal(shadow_check8(m, ~0UL - 7), 1);
	assert_int_equal(shadow_check8(m, ~0UL - 23), 0);
	assert_int_equal(shadow_check16(m, ~0UL - 23), 1);
	assert_int_equal(shadow_first_bad(m, ~0UL - 23, 24), ~0UL - 15);
	/* A clear that wraps is clamped to the top of memory. */
	shadow_clear(m, ~0UL - 3, 100);
	assert_int_equal(shadow_check8(m, ~0UL - 7), 0);
	assert_int_equal(shadow_check1(m, ~0UL - 15), 1);
	assert_int_equal(shadow_first_bad(m, ~0UL - 23, 24), ~0UL - 15);
	shadow_map_destroy(m);
	assert_int_equal(fx->alloc.nfree, fx->alloc.nalloc);
	m->nr_extra = 0;
	fx_free(fx);
}

/* === Object sizes and partial granules === */

static void one_object(unsigned long obj, unsigned long size)
{
	struct fx *fx = fx_std();
	unsigned long obj_size = (size + 7) / 8 * 8 + 32, a;
	unsigned char b;

	fx_mark(fx, obj, size, obj_size, SHADOW_REDZONE_RIGHT);
	for (a = obj; a < obj + obj_size; a += 8) {
		unsigned char want;

		if (a + 8 <= obj + size)
			want = 0;
		else if (a < obj + size)
			want = (obj + size) - a;
		else
			want = SHADOW_REDZONE_RIGHT;
		assert_int_equal(shadow_get(&fx->map, a, &b), 0);
		expect_same(b, want, "size %lu granule +%lu", size, a - obj);
	}
	/* Byte by byte, independently of the model. */
	for (a = obj - 16; a < obj + obj_size + 16; a++)
		expect_same(shadow_check1(&fx->map, a), a >= obj + size && a < obj + obj_size,
			    "size %lu check1(+%ld)", size, (long)(a - obj));
	assert_int_equal(shadow_check1(&fx->map, obj), 0);
	assert_int_equal(shadow_check1(&fx->map, obj + size - 1), 0);
	assert_int_equal(shadow_check1(&fx->map, obj + size), 1);
	assert_int_equal(shadow_checkN(&fx->map, obj, size), 0);
	assert_int_equal(shadow_checkN(&fx->map, obj, size + 1), 1);
	assert_int_equal(shadow_checkN(&fx->map, obj - 1, size + 1), 0);
	assert_int_equal(shadow_first_bad(&fx->map, obj, obj_size), obj + size);
	assert_int_equal(shadow_classify(&fx->map, obj + size), SHADOW_BUG_OUT_OF_BOUNDS);
	/* Full comparison near both ends of the object. */
	fx_check_window(fx, obj - 24, obj + 24, 24);
	fx_check_window(fx, obj + size - 24, obj + size + 24, 24);
	fx_compare_all(fx);
	fx_free(fx);
}

static void test_object_sizes(void **state)
{
	static const unsigned long odd[] = { 13, 31, 100, 4095, 4096, 4097, 8191, 8193 };

	(void)state;
	for (unsigned long size = 1; size <= 16; size++) {
		one_object(FAST_BASE + PAGE + 64, size);
		one_object(FAST_BASE + 2 * PAGE - 8, size);	/* crosses into the next page */
		one_object(EXTRA_BASE + PAGE - 16, size);
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(odd); i++) {
		one_object(FAST_BASE + PAGE + 64, odd[i]);
		one_object(FAST_BASE + PAGE, odd[i]);
		one_object(EXTRA_BASE + 8, odd[i]);
	}
}

/* === Accesses straddling granules and pages, every size at every offset === */

/*
 * Page P ends with: accessible, partial (5), accessible granules; the next page is set up
 * by the caller. Every access around the boundary is compared with the model.
 */
static void boundary_layout(struct fx *fx, unsigned long next_page)
{
	fx_mark(fx, next_page - 64, 29, 40, SHADOW_REDZONE_RIGHT);	/* 0 0 0 5 fc */
	fx_unpoison(fx, next_page - 24, 24);
}

static void test_straddle_no_chunk(void **state)
{
	struct fx *fx = fx_std();
	unsigned long p = FAST_BASE + 3 * PAGE;

	(void)state;
	boundary_layout(fx, p);
	assert_null(shadow_dir_chunk(&fx->map.fast, 3));
	fx_check_window(fx, p - 72, p + 24, 40);
	/* A poisoned first granule is bad even if the rest is untracked. */
	fx_poison(fx, p - 8, 8, SHADOW_FREED);
	fx_check_window(fx, p - 24, p + 8, 24);
	assert_int_equal(shadow_check8(&fx->map, p - 4), 1);
	fx_free(fx);
}

static void test_straddle_poisoned_chunk(void **state)
{
	struct fx *fx = fx_std();
	unsigned long p = FAST_BASE + 3 * PAGE;

	(void)state;
	boundary_layout(fx, p);
	fx_poison(fx, p, 16, SHADOW_REDZONE_LEFT);
	fx_unpoison(fx, p + 16, 3);
	fx_check_window(fx, p - 72, p + 32, 40);
	assert_int_equal(shadow_check2(&fx->map, p - 1), 1);
	assert_int_equal(shadow_check1(&fx->map, p - 1), 0);
	fx_free(fx);
}

static void test_straddle_accessible_chunk(void **state)
{
	struct fx *fx = fx_std();
	unsigned long p = FAST_BASE + 3 * PAGE;

	(void)state;
	boundary_layout(fx, p);
	fx_mark(fx, p, 20, 24, SHADOW_REDZONE_RIGHT);
	fx_check_window(fx, p - 72, p + 32, 40);
	assert_int_equal(shadow_check16(&fx->map, p - 8), 0);
	assert_int_equal(shadow_check16(&fx->map, p - 4), 0);
	assert_int_equal(shadow_check16(&fx->map, p + 8), 1);
	fx_free(fx);
}

/* The fast region ends at p: the next page is untracked. */
static void test_straddle_region_end(void **state)
{
	struct fx *fx = fx_new(FAST_BASE, 4);
	unsigned long p = FAST_BASE + 4 * PAGE;

	(void)state;
	boundary_layout(fx, p);
	fx_check_window(fx, p - 72, p + 24, 40);
	/* Region start: the page before is untracked. */
	fx_poison(fx, FAST_BASE, 8, SHADOW_REDZONE_LEFT);
	fx_unpoison(fx, FAST_BASE + 8, 5);
	fx_check_window(fx, FAST_BASE - 24, FAST_BASE + 24, 24);
	fx_free(fx);
}

/* The next page belongs to another region, adjacent to the fast one. */
static void test_straddle_into_extra(void **state)
{
	struct fx *fx = fx_new(FAST_BASE, 4);
	unsigned long p = FAST_BASE + 4 * PAGE;

	(void)state;
	fx_add(fx, p, 2);
	boundary_layout(fx, p);
	fx_check_window(fx, p - 72, p + 24, 40);
	fx_poison(fx, p, 8, SHADOW_GLOBAL_REDZONE);
	fx_check_window(fx, p - 24, p + 16, 24);
	assert_int_equal(shadow_check2(&fx->map, p - 1), 1);
	assert_int_equal(shadow_checkN(&fx->map, p - 100, 101), 1);
	assert_int_equal(shadow_first_bad(&fx->map, p - 16, 64), p);
	/* And across the extra region's own pages. */
	fx_poison(fx, p + 2 * PAGE - 8, 8, SHADOW_FREED);
	fx_check_window(fx, p + PAGE - 24, p + PAGE + 24, 24);
	fx_check_window(fx, p + 2 * PAGE - 24, p + 2 * PAGE + 8, 24);
	fx_free(fx);
}

/* Long ranges use a word-at-a-time scan; probe each word position. */
static void test_long_ranges(void **state)
{
	struct fx *fx = fx_std();
	unsigned long base = FAST_BASE + PAGE, g;

	(void)state;
	for (g = 0; g < 40; g++) {
		fx_poison(fx, base + g * 8, 8, SHADOW_FREED);
		expect_same(shadow_first_bad(&fx->map, base, 3 * PAGE), base + g * 8, "g %lu", g);
		expect_same(shadow_checkN(&fx->map, base, g * 8), 0, "g %lu", g);
		expect_same(shadow_checkN(&fx->map, base, g * 8 + 1), 1, "g %lu", g);
		fx_unpoison(fx, base + g * 8, 3);
		expect_same(shadow_first_bad(&fx->map, base + 1, 3 * PAGE), base + g * 8 + 3,
			    "g %lu", g);
		expect_same(shadow_first_bad(&fx->map, base + g * 8 + 2, 64), base + g * 8 + 3,
			    "g %lu", g);
		expect_same(shadow_first_bad(&fx->map, base + g * 8 + 5, 64), base + g * 8 + 5,
			    "g %lu", g);
		fx_clear(fx, base + g * 8, 1);
	}
	/* A bad byte two pages on, with a chunk-less page in between. */
	fx_poison(fx, FAST_BASE + 5 * PAGE + 1000, 8, SHADOW_REDZONE_RIGHT);
	assert_null(shadow_dir_chunk(&fx->map.fast, 4));
	assert_int_equal(shadow_first_bad(&fx->map, base + 3, 5 * PAGE),
			 FAST_BASE + 5 * PAGE + 1000);
	assert_int_equal(shadow_checkN(&fx->map, base + 3, 4 * PAGE + 1000 - 3), 0);
	assert_int_equal(shadow_checkN(&fx->map, base + 3, 4 * PAGE + 1001 - 3), 1);
	fx_free(fx);
}

/* === Round trips and what allocates === */

static void test_round_trips(void **state)
{
	struct fx *fx = fx_std();
	struct shadow_map *m = &fx->map;
	unsigned long a = FAST_BASE + PAGE;

	(void)state;
	/* Accessible writes do not allocate. */
	fx_poison(fx, a, 3 * PAGE, SHADOW_ACCESSIBLE);
	fx_unpoison(fx, a, 3 * PAGE);
	fx_mark(fx, a, 64, 64, SHADOW_REDZONE_RIGHT);
	fx_mark(fx, a, 64, 128, SHADOW_ACCESSIBLE);
	fx_clear(fx, a, 3 * PAGE);
	assert_int_equal(fx->alloc.nalloc, 0);
	assert_int_equal(m->nr_chunks, 0);
	/* A partial granule needs a chunk, only on its own page. */
	fx_unpoison(fx, a, PAGE + 13);
	assert_int_equal(m->nr_chunks, 1);
	assert_null(shadow_dir_chunk(&m->fast, 1));
	assert_non_null(shadow_dir_chunk(&m->fast, 2));
	fx_compare_all(fx);

	/* poison -> unpoison -> all accessible. */
	fx_poison(fx, a, 2 * PAGE + 8, SHADOW_FREED);
	assert_int_equal(m->nr_chunks, 3);
	assert_int_equal(shadow_first_bad(m, a - 8, 16), a);
	fx_unpoison(fx, a, 2 * PAGE + 8);
	assert_int_equal(shadow_first_bad(m, a - 8, 2 * PAGE + 32), 0);
	fx_compare_all(fx);

	/* mark -> free (poison) -> clear. */
	fx_mark(fx, a + 64, 45, 64, SHADOW_REDZONE_RIGHT);
	assert_int_equal(shadow_first_bad(m, a + 64, 64), a + 64 + 45);
	fx_poison(fx, a + 64, 64, SHADOW_FREED);
	assert_int_equal(shadow_classify(m, a + 64), SHADOW_BUG_USE_AFTER_FREE);
	fx_clear(fx, a + 64 + 3, 1);	/* unaligned: clears the whole granule */
	assert_int_equal(shadow_first_bad(m, a + 64, 64), a + 72);
	fx_clear(fx, a + 64, 64);
	assert_int_equal(shadow_first_bad(m, a + 64, 64), 0);
	/* mark_object with size == 0 and a size equal to obj_size. */
	fx_mark(fx, a + 128, 0, 24, SHADOW_REDZONE_LEFT);
	assert_int_equal(shadow_first_bad(m, a + 120, 40), a + 128);
	fx_mark(fx, a + 128, 24, 24, SHADOW_REDZONE_LEFT);
	assert_int_equal(shadow_first_bad(m, a + 120, 40), 0);
	fx_mark(fx, a + 128, 21, 21, SHADOW_REDZONE_LEFT);	/* odd obj_size rounds up */
	assert_int_equal(shadow_first_bad(m, a + 120, 40), a + 128 + 21);
	/* Poison size rounds up to granules. */
	fx_poison(fx, a + 256, 1, SHADOW_PAGE_REDZONE);
	assert_int_equal(shadow_first_bad(m, a + 250, 20), a + 256);
	assert_int_equal(shadow_check1(m, a + 263), 1);
	assert_int_equal(shadow_check1(m, a + 264), 0);
	/* Clearing an untracked page stays allocation-free. */
	shadow_clear(m, FAST_BASE + 6 * PAGE, PAGE);
	fx_clear(fx, FAST_BASE - PAGE, 3 * PAGE);
	assert_int_equal(shadow_first_bad(m, a - 8, 300), 0);
	fx_mark(fx, a + 8, 13, 32, SHADOW_REDZONE_RIGHT);
	shadow_clear(m, ~0UL - 5, 100);	/* wraps: clamped, outside every region */
	assert_null(shadow_dir_chunk(&m->fast, 6));
	fx_compare_all(fx);
	fx_check_window(fx, a - 8, a + 300, 20);
	fx_check_accounting(fx);
	fx_free(fx);
}

static void test_invalid_args(void **state)
{
	struct fx *fx = fx_std();
	struct shadow_map *m = &fx->map;
	unsigned long a = FAST_BASE + PAGE;

	(void)state;
	fx_mark(fx, a, 13, 32, SHADOW_REDZONE_RIGHT);
	assert_int_equal(shadow_poison(m, a + 4, 8, SHADOW_FREED), -1);
	assert_int_equal(shadow_unpoison(m, a + 1, 8), -1);
	assert_int_equal(shadow_mark_object(m, a + 2, 8, 16, SHADOW_REDZONE_RIGHT), -1);
	assert_int_equal(shadow_mark_object(m, a, 17, 16, SHADOW_REDZONE_RIGHT), -1);
	/* Partly or wholly outside every region: nothing changes, nothing is allocated. */
	assert_int_equal(shadow_poison(m, FAST_BASE + 7 * PAGE, 2 * PAGE, SHADOW_FREED), -1);
	assert_int_equal(shadow_poison(m, FAST_BASE - 8, 16, SHADOW_FREED), -1);
	assert_int_equal(shadow_unpoison(m, FAST_BASE + 8 * PAGE - 8, 13), -1);
	assert_int_equal(shadow_mark_object(m, EXTRA_BASE + 3 * PAGE, 8, PAGE + 8,
					    SHADOW_REDZONE_RIGHT), -1);
	assert_int_equal(shadow_poison(m, 0x1000, 8, SHADOW_FREED), -1);
	/* Wrapping ranges. */
	assert_int_equal(shadow_poison(m, a, ~0UL, SHADOW_FREED), -1);
	assert_int_equal(shadow_unpoison(m, a, -a + 8), -1);
	assert_int_equal(shadow_mark_object(m, a, 8, ~0UL - 8, SHADOW_FREED), -1);
	/* Zero sizes succeed and do nothing. */
	assert_int_equal(shadow_poison(m, a, 0, SHADOW_FREED), 0);
	assert_int_equal(shadow_unpoison(m, a, 0), 0);
	assert_int_equal(shadow_mark_object(m, a, 0, 0, SHADOW_FREED), 0);
	shadow_clear(m, a, 0);
	assert_int_equal(fx->alloc.nalloc, 1);
	assert_null(shadow_dir_chunk(&m->fast, 7));
	fx_compare_all(fx);
	fx_free(fx);
}

/* === first_bad, wrap-around, unknown codes === */

static void test_first_bad(void **state)
{
	struct fx *fx = fx_std();
	struct shadow_map *m = &fx->map;
	unsigned long o = FAST_BASE + 2 * PAGE + 256;

	(void)state;
	fx_mark(fx, o, 13, 32, SHADOW_REDZONE_RIGHT);
	assert_int_equal(shadow_first_bad(m, o, 13), 0);
	assert_int_equal(shadow_first_bad(m, o, 14), o + 13);
	assert_int_equal(shadow_first_bad(m, o + 2, 20), o + 13);
	assert_int_equal(shadow_first_bad(m, o + 12, 1), 0);
	assert_int_equal(shadow_first_bad(m, o + 14, 1), o + 14);
	assert_int_equal(shadow_first_bad(m, o + 17, 100), o + 17);
	assert_int_equal(shadow_first_bad(m, o - 100, 100), 0);
	assert_int_equal(shadow_first_bad(m, o, 0), 0);
	/* Partial code in a middle granule: the first bad byte is at the code. */
	fx_mark(fx, o + 64, 3, 8, SHADOW_REDZONE_RIGHT);
	fx_unpoison(fx, o + 72, 8);
	assert_int_equal(shadow_first_bad(m, o + 56, 40), o + 67);
	assert_int_equal(shadow_first_bad(m, o + 65, 10), o + 67);
	assert_int_equal(shadow_first_bad(m, o + 68, 10), o + 68);
	fx_check_window(fx, o - 8, o + 88, 40);
	fx_free(fx);
}

static void test_wrap_and_zero(void **state)
{
	struct fx *fx = fx_std();
	struct shadow_map *m = &fx->map;
	unsigned long o = FAST_BASE + 64;

	(void)state;
	fx_poison(fx, o, 64, SHADOW_FREED);
	assert_int_equal(shadow_checkN(m, o, 0), 0);
	assert_int_equal(shadow_first_bad(m, o, 0), 0);
	/* Ranges whose last byte wraps are bad wherever they are. */
	assert_int_equal(shadow_checkN(m, ~0UL - 3, 8), 1);
	assert_int_equal(shadow_checkN(m, 16, ~0UL), 1);
	assert_int_equal(shadow_checkN(m, ~0UL, 2), 1);
	assert_int_equal(shadow_first_bad(m, ~0UL - 3, 8), ~0UL - 3);
	assert_int_equal(shadow_check8(m, ~0UL - 3), 1);
	assert_int_equal(shadow_check2(m, ~0UL), 1);
	assert_int_equal(shadow_check16(m, ~0UL - 8), 1);
	/* Ending exactly at the top of memory does not wrap; untracked there. */
	assert_int_equal(shadow_checkN(m, ~0UL - 7, 8), 0);
	assert_int_equal(shadow_check8(m, ~0UL - 7), 0);
	assert_int_equal(shadow_check1(m, ~0UL), 0);
	assert_int_equal(shadow_check16(m, ~0UL - 15), 0);
	assert_int_equal(shadow_first_bad(m, ~0UL - 7, 8), 0);
	/* A huge size wrapping from inside the region. */
	assert_int_equal(shadow_checkN(m, o + 3, ~0UL - 1), 1);
	fx_free(fx);
}

static void test_unknown_codes(void **state)
{
	static const unsigned char codes[] = { 0x08, 0x10, 0x7f, 0x80, 0xf0, 0xff };
	struct fx *fx = fx_std();
	unsigned long o = EXTRA_BASE + 512;

	(void)state;
	for (unsigned int i = 0; i < sizeof(codes); i++) {
		fx_poison(fx, o, 8, codes[i]);
		for (unsigned long k = 0; k < 8; k++)
			expect_same(shadow_check1(&fx->map, o + k), 1, "code %#x +%lu", codes[i],
				    k);
		assert_int_equal(shadow_first_bad(&fx->map, o - 8, 32), o);
		assert_int_equal(shadow_classify(&fx->map, o), SHADOW_BUG_UNKNOWN);
		fx_check_window(fx, o - 8, o + 16, 24);
	}
	fx_free(fx);
}

/* === Classification === */

static void test_classify(void **state)
{
	static const struct {
		unsigned char code;
		enum shadow_bug bug;
	} direct[] = {
		{ SHADOW_REDZONE_RIGHT, SHADOW_BUG_OUT_OF_BOUNDS },
		{ SHADOW_REDZONE_LEFT, SHADOW_BUG_OUT_OF_BOUNDS },
		{ SHADOW_PAGE_REDZONE, SHADOW_BUG_LARGE_OUT_OF_BOUNDS },
		{ SHADOW_FREED, SHADOW_BUG_USE_AFTER_FREE },
		{ SHADOW_GLOBAL_REDZONE, SHADOW_BUG_GLOBAL_OUT_OF_BOUNDS },
		{ 0x80, SHADOW_BUG_UNKNOWN },
		{ 0x20, SHADOW_BUG_UNKNOWN },
	};
	struct fx *fx = fx_std();
	struct shadow_map *m = &fx->map;
	unsigned long o = FAST_BASE + PAGE;

	(void)state;
	for (unsigned int i = 0; i < ARRAY_SIZE(direct); i++) {
		fx_mark(fx, o, 16, 32, direct[i].code);
		expect_same(shadow_classify(m, o + 16), direct[i].bug, "code %#x", direct[i].code);
		expect_same(shadow_classify(m, o + 31), direct[i].bug, "code %#x", direct[i].code);
		assert_int_equal(shadow_classify(m, o + 15), SHADOW_BUG_NONE);
		/* Partial then the same code: KASAN looks one granule on. */
		fx_mark(fx, o, 13, 32, direct[i].code);
		expect_same(shadow_classify(m, o + 13), direct[i].bug, "partial %#x",
			    direct[i].code);
		expect_same(shadow_classify(m, o + 15), direct[i].bug, "partial %#x",
			    direct[i].code);
		assert_int_equal(shadow_classify(m, o + 12), SHADOW_BUG_NONE);
		expect_same(shadow_classify(m, o + 13), model_classify(&fx->md, o + 13), "%d", i);
	}
	/* Partial followed by an accessible granule (next object without a redzone). */
	fx_mark(fx, o + 64, 5, 8, SHADOW_REDZONE_RIGHT);
	fx_unpoison(fx, o + 72, 8);
	assert_int_equal(shadow_classify(m, o + 69), SHADOW_BUG_OUT_OF_BOUNDS);
	/* Partial followed by another partial. */
	fx_unpoison(fx, o + 72, 2);
	assert_int_equal(shadow_classify(m, o + 69), SHADOW_BUG_OUT_OF_BOUNDS);
	assert_int_equal(shadow_classify(m, o + 74), SHADOW_BUG_OUT_OF_BOUNDS);
	/* Partial at the end of a page whose next page has no chunk. */
	fx_unpoison(fx, FAST_BASE + 5 * PAGE - 8, 6);
	assert_null(shadow_dir_chunk(&m->fast, 5));
	assert_int_equal(shadow_classify(m, FAST_BASE + 5 * PAGE - 1), SHADOW_BUG_OUT_OF_BOUNDS);
	/* ... and at the end of the region, with nothing after it. */
	fx_unpoison(fx, FAST_BASE + 8 * PAGE - 8, 1);
	assert_int_equal(shadow_classify(m, FAST_BASE + 8 * PAGE - 7), SHADOW_BUG_OUT_OF_BOUNDS);
	/* Partial at a page end, next page freed. */
	fx_unpoison(fx, FAST_BASE + 6 * PAGE - 8, 6);
	fx_poison(fx, FAST_BASE + 6 * PAGE, 8, SHADOW_FREED);
	assert_int_equal(shadow_classify(m, FAST_BASE + 6 * PAGE - 2), SHADOW_BUG_USE_AFTER_FREE);
	/* Accessible, untracked, outside: no bug. */
	assert_int_equal(shadow_classify(m, o + 200), SHADOW_BUG_NONE);
	assert_int_equal(shadow_classify(m, FAST_BASE + 3 * PAGE), SHADOW_BUG_NONE);
	assert_int_equal(shadow_classify(m, 0x1234), SHADOW_BUG_NONE);
	assert_string_equal(shadow_bug_name(SHADOW_BUG_USE_AFTER_FREE), "use-after-free");
	assert_string_equal(shadow_bug_name(SHADOW_BUG_OUT_OF_BOUNDS), "slab-out-of-bounds");
	assert_string_equal(shadow_bug_name(SHADOW_BUG_GLOBAL_OUT_OF_BOUNDS),
			    "global-out-of-bounds");
	assert_string_equal(shadow_bug_name(SHADOW_BUG_UNKNOWN), "unknown-crash");
	fx_free(fx);
}

/* === Untracked memory === */

static void test_untracked_never_bad(void **state)
{
	static const unsigned long addrs[] = {
		0, 8, 0x1000, FAST_BASE - 32, FAST_BASE - 20, FAST_BASE + 8 * PAGE,
		EXTRA_BASE - 32, EXTRA_BASE + 4 * PAGE, 0x7fffffffffffUL, ~0UL - 40,
	};
	struct fx *fx = fx_std();
	struct shadow_map *m = &fx->map;

	(void)state;
	/* Poison everything that is tracked around the probes. */
	fx_poison(fx, FAST_BASE, 8 * PAGE, SHADOW_FREED);
	fx_poison(fx, EXTRA_BASE, 4 * PAGE, SHADOW_REDZONE_LEFT);
	for (unsigned int i = 0; i < ARRAY_SIZE(addrs); i++) {
		unsigned long a = addrs[i];

		assert_int_equal(shadow_check1(m, a), 0);
		assert_int_equal(shadow_check2(m, a), 0);
		assert_int_equal(shadow_check4(m, a + 1), 0);
		assert_int_equal(shadow_check8(m, a), 0);
		assert_int_equal(shadow_check16(m, a), 0);
		assert_int_equal(shadow_checkN(m, a, 16), 0);
		assert_int_equal(shadow_first_bad(m, a, 16), 0);
	}
	/* Tracked pages right next to the probes are bad. */
	assert_int_equal(shadow_check1(m, FAST_BASE), 1);
	assert_int_equal(shadow_check1(m, EXTRA_BASE + 4 * PAGE - 1), 1);
	assert_int_equal(shadow_check2(m, FAST_BASE - 1), 1);
	/* Chunk-less pages in a region: clear the chunk by destroying and re-checking. */
	shadow_map_destroy(m);
	assert_int_equal(shadow_check8(m, FAST_BASE), 0);
	assert_int_equal(shadow_checkN(m, FAST_BASE, 8 * PAGE), 0);
	assert_int_equal(shadow_checkN(m, EXTRA_BASE, 4 * PAGE), 0);
	for (int i = 0; i < fx->md.n; i++)
		memset(fx->md.r[i].codes, 0, fx->md.r[i].npages * 512);
	fx_free(fx);
}

/* === Allocation failure, accounting, install race, destroy === */

static void snapshot(struct fx *fx, unsigned char *buf)
{
	unsigned long n = 0, base;

	for (int i = 0; i < fx->md.n; i++) {
		base = fx->md.r[i].base;
		for (unsigned long g = 0; g < fx->md.r[i].npages * 512; g++)
			assert_int_equal(shadow_get(&fx->map, base + g * 8, &buf[n++]), 0);
	}
}

/* shadow_reserve() installs chunks and nothing else. */
static void test_reserve(void **state)
{
	struct fx *fx = fx_std();
	struct shadow_map *m = &fx->map;
	unsigned long size = (FAST_PAGES + EXTRA_PAGES) * 512;
	unsigned char *before = malloc(size), *after = malloc(size);
	unsigned long chunks = m->nr_chunks;

	(void)state;
	fx_mark(fx, FAST_BASE + 100 * 8, 13, 64, SHADOW_REDZONE_RIGHT);
	snapshot(fx, before);
	chunks = m->nr_chunks;
	assert_null(shadow_dir_chunk(&m->fast, 5));
	assert_null(shadow_dir_chunk(&m->fast, 6));

	/* one byte: its page; a range across a boundary: both pages */
	assert_int_equal(shadow_reserve(m, FAST_BASE + 5 * PAGE + 24, 1), 0);
	assert_non_null(shadow_dir_chunk(&m->fast, 5));
	assert_int_equal(m->nr_chunks, chunks + 1);
	assert_int_equal(shadow_reserve(m, FAST_BASE + 6 * PAGE - 8, 16), 0);
	assert_non_null(shadow_dir_chunk(&m->fast, 6));
	assert_int_equal(m->nr_chunks, chunks + 2);
	/* a page that has a chunk already: nothing new */
	assert_int_equal(shadow_reserve(m, FAST_BASE + 100 * 8, 8), 0);
	assert_int_equal(m->nr_chunks, chunks + 2);
	snapshot(fx, after);
	assert_memory_equal(before, after, size);

	/* bad ranges and a failed allocation change nothing */
	assert_int_equal(shadow_reserve(m, FAST_BASE + 7 * PAGE, 0), -1);
	assert_int_equal(shadow_reserve(m, ~0UL - 8, 16), -1);
	assert_int_equal(shadow_reserve(m, FAST_BASE + FAST_PAGES * PAGE - 8, 16), -1);
	assert_null(shadow_dir_chunk(&m->fast, 7));
	fx->alloc.fail_after = 0;
	assert_int_equal(shadow_reserve(m, FAST_BASE + 7 * PAGE, 1), -1);
	assert_null(shadow_dir_chunk(&m->fast, 7));
	assert_int_equal(m->nr_chunks, chunks + 2);
	fx_check_accounting(fx);
	free(before);
	free(after);
	fx_free(fx);
}

static void test_alloc_failure(void **state)
{
	struct fx *fx = fx_std();
	struct shadow_map *m = &fx->map;
	unsigned long size = (FAST_PAGES + EXTRA_PAGES) * 512;
	unsigned char *before = malloc(size), *after = malloc(size);

	(void)state;
	fx_mark(fx, FAST_BASE + 100 * 8, 13, 64, SHADOW_REDZONE_RIGHT);
	fx_poison(fx, FAST_BASE + 3 * PAGE + 64, 64, SHADOW_FREED);
	snapshot(fx, before);

	/* Third of three new chunks fails. */
	fx->alloc.fail_after = 2;
	assert_int_equal(shadow_poison(m, FAST_BASE + 4 * PAGE, 3 * PAGE, SHADOW_FREED), -1);
	snapshot(fx, after);
	assert_memory_equal(before, after, size);
	assert_int_equal(fx->alloc.nfail, 1);
	fx_check_accounting(fx);
	assert_int_equal(shadow_checkN(m, FAST_BASE + 4 * PAGE, 3 * PAGE), 0);

	/* First chunk fails: nothing new at all. */
	fx->alloc.fail_after = 0;
	assert_int_equal(shadow_mark_object(m, EXTRA_BASE, 8, 24, SHADOW_REDZONE_RIGHT), -1);
	assert_int_equal(shadow_unpoison(m, EXTRA_BASE + 8, 9), -1);
	/* An object spanning an allocated page and a new one. */
	assert_int_equal(shadow_mark_object(m, FAST_BASE + 3 * PAGE + 128, PAGE, 3 * PAGE,
					    SHADOW_PAGE_REDZONE), -1);
	snapshot(fx, after);
	assert_memory_equal(before, after, size);
	fx_check_accounting(fx);
	/* Operations that need no new chunk still work. */
	fx_poison(fx, FAST_BASE + 3 * PAGE + 128, 8, SHADOW_FREED);
	fx_unpoison(fx, FAST_BASE + 200 * 8, 4 * PAGE);
	fx_clear(fx, FAST_BASE, 8 * PAGE);
	fx_compare_all(fx);

	/* Once memory is back the same call succeeds. */
	fx->alloc.fail_after = -1;
	fx_poison(fx, FAST_BASE + 4 * PAGE, 3 * PAGE, SHADOW_FREED);
	fx_compare_all(fx);
	fx_check_accounting(fx);
	free(before);
	free(after);
	fx_free(fx);
}

static void test_install_race(void **state)
{
	struct fx *fx = fx_std();
	struct shadow_map *m = &fx->map;

	(void)state;
	/* While we allocate, "another CPU" installs its chunk for page 2 first. */
	fx->alloc.race_slot = &m->fast.dir[2];
	fx->alloc.race_page = 2;
	fx_poison(fx, FAST_BASE + 2 * PAGE + 40, 8, SHADOW_FREED);
	assert_ptr_equal(shadow_dir_chunk(&m->fast, 2), fx->alloc.race_chunk);
	assert_int_equal(fx->alloc.race_chunk[5], SHADOW_FREED);
	/* Our chunk was freed; the winner's is the one counted by its installer, not us. */
	assert_int_equal(fx->alloc.nalloc, 2);
	assert_int_equal(fx->alloc.nfree, 1);
	assert_int_equal(m->nr_chunks, 0);
	m->nr_chunks++;	/* the other CPU's increment */
	fx_check_accounting(fx);
	assert_int_equal(shadow_check1(m, FAST_BASE + 2 * PAGE + 40), 1);
	fx_compare_all(fx);
	fx_free(fx);
}

static void test_accounting_destroy(void **state)
{
	struct fx *fx = fx_std();
	struct shadow_map *m = &fx->map;

	(void)state;
	fx_poison(fx, FAST_BASE, 3 * PAGE, SHADOW_FREED);
	assert_int_equal(m->nr_chunks, 3);
	fx_mark(fx, FAST_BASE + 2 * PAGE + 8, 8, 16, SHADOW_REDZONE_RIGHT);	/* reuses */
	assert_int_equal(m->nr_chunks, 3);
	fx_mark(fx, EXTRA_BASE + 3 * PAGE, 1, 8, SHADOW_REDZONE_RIGHT);
	fx_poison(fx, FAST_BASE + 7 * PAGE, 8, SHADOW_GLOBAL_REDZONE);
	assert_int_equal(m->nr_chunks, 5);
	fx_check_accounting(fx);
	fx_clear(fx, FAST_BASE, 8 * PAGE);	/* clear keeps chunks */
	assert_int_equal(m->nr_chunks, 5);

	shadow_map_destroy(m);
	assert_int_equal(fx->alloc.nfree, 5);
	assert_int_equal(m->nr_chunks, 0);
	assert_int_equal(fx_live_slots(fx), 0);
	/* Reusable after destroy. */
	for (int i = 0; i < fx->md.n; i++)
		memset(fx->md.r[i].codes, 0, fx->md.r[i].npages * 512);
	fx_mark(fx, EXTRA_BASE, 4, 8, SHADOW_REDZONE_RIGHT);
	assert_int_equal(m->nr_chunks, 1);
	fx_compare_all(fx);
	fx_free(fx);	/* checks every chunk is freed */
}

/* === Dump === */

struct lines {
	char buf[16][128];
	int n;
};

static void collect(void *ctx, const char *line)
{
	struct lines *l = ctx;

	assert_true(l->n < 16);
	assert_true(strlen(line) < 128);
	assert_null(strchr(line, '\n'));
	strcpy(l->buf[l->n++], line);
}

static void expect_dump(struct shadow_map *m, unsigned long addr, const char *const *want,
			int n)
{
	struct lines l = { .n = 0 };

	shadow_dump(m, addr, collect, &l);
	assert_int_equal(l.n, n);
	for (int i = 0; i < n; i++)
		assert_string_equal(l.buf[i], want[i]);
}

static void test_dump_kasan_example(void **state)
{
	static const char *const want[] = {
		"Memory state around the buggy address:",
		" ffff888003a1ef00: fa fb fb fb fb fb fb fb fc fc fc fc 00 00 00 00",
		" ffff888003a1ef80: 00 00 00 00 00 00 00 00 fc fc fc fc fc fc fc fc",
		">ffff888003a1f000: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 03",
		"                                                                ^",
		" ffff888003a1f080: fc fc fc fc fc fc fc fc fc fc fc fc fc fc fc fc",
		" ffff888003a1f100: fc fc fc fc fc fc fc fc fc fc fc fc fc fc fc fc",
	};
	struct fx *fx = fx_new(0xffff888003a1e000UL, 2);
	struct shadow_map *m = &fx->map;

	(void)state;
	fx_poison(fx, 0xffff888003a1ef00UL, 8, SHADOW_REDZONE_LEFT);
	fx_poison(fx, 0xffff888003a1ef08UL, 56, SHADOW_FREED);
	fx_poison(fx, 0xffff888003a1ef40UL, 32, SHADOW_REDZONE_RIGHT);
	fx_poison(fx, 0xffff888003a1efc0UL, 64, SHADOW_REDZONE_RIGHT);
	fx_mark(fx, 0xffff888003a1f000UL, 123, 384, SHADOW_REDZONE_RIGHT);
	assert_int_equal(shadow_first_bad(m, 0xffff888003a1f070UL, 16), 0xffff888003a1f07bUL);
	expect_dump(m, 0xffff888003a1f07bUL, want, 7);
	/* Any address in the same granule puts the marker in the same place. */
	expect_dump(m, 0xffff888003a1f078UL, want, 7);
	expect_dump(m, 0xffff888003a1f07fUL, want, 7);
	fx_free(fx);
}

static void test_dump_marker_positions(void **state)
{
	struct fx *fx = fx_new(0xffff888000100000UL, 4);
	struct shadow_map *m = &fx->map;
	char marker[80];

	(void)state;
	fx_poison(fx, 0xffff888000101000UL, 0x180, SHADOW_FREED);
	for (unsigned long k = 0; k < 16; k++) {
		unsigned long addr = 0xffff888000101080UL + k * 8 + (k % 8);
		struct lines l = { .n = 0 };

		shadow_dump(m, addr, collect, &l);
		assert_int_equal(l.n, 7);
		memset(marker, ' ', sizeof(marker));
		marker[19 + 3 * k] = '^';
		marker[20 + 3 * k] = '\0';
		assert_string_equal(l.buf[3],
				    ">ffff888000101080: fb fb fb fb fb fb fb fb fb fb fb fb fb fb fb fb");
		assert_string_equal(l.buf[4], marker);
		assert_string_equal(l.buf[1],
				    " ffff888000100f80: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00");
		assert_string_equal(l.buf[2],
				    " ffff888000101000: fb fb fb fb fb fb fb fb fb fb fb fb fb fb fb fb");
		assert_string_equal(l.buf[6],
				    " ffff888000101180: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00");
		/* The marker sits under the first hex digit of the byte. */
		assert_int_equal(l.buf[4][19 + 3 * k], '^');
		assert_true(l.buf[3][19 + 3 * k] == 'f' && l.buf[3][18 + 3 * k] == ' ');
	}
	fx_free(fx);
}

static void test_dump_region_start(void **state)
{
	static const char *const want[] = {
		"Memory state around the buggy address:",
		" ffffc8ffffffff00: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
		" ffffc8ffffffff80: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
		">ffffc90000000000: fa fa 00 00 00 00 00 00 02 fc fc fc fc fc fc fc",
		"                      ^",
		" ffffc90000000080: fc fc fc fc fc fc fc fc fc fc fc fc fc fc fc fc",
		" ffffc90000000100: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
	};
	static const char *const want_end[] = {
		"Memory state around the buggy address:",
		" ffffc90000000e80: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
		" ffffc90000000f00: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
		">ffffc90000000f80: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 fb",
		"                                                                ^",
		" ffffc90000001000: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
		" ffffc90000001080: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
	};
	static const char *const want_low[] = {
		"Memory state around the buggy address:",
		" ffffffffffffff00: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
		" ffffffffffffff80: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
		">0000000000000000: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
		"                                                    ^",
		" 0000000000000080: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
		" 0000000000000100: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00",
	};
	struct fx *fx = fx_new(0xffff888000000000UL, 4);
	struct shadow_map *m = &fx->map;

	(void)state;
	fx_add(fx, 0xffffc90000000000UL, 1);
	fx_poison(fx, 0xffffc90000000000UL, 16, SHADOW_REDZONE_LEFT);
	fx_mark(fx, 0xffffc90000000010UL, 50, 240, SHADOW_REDZONE_RIGHT);
	expect_dump(m, 0xffffc90000000008UL, want, 7);
	/* Last row of a region: the next rows are outside it. */
	fx_poison(fx, 0xffffc90000000ff8UL, 8, SHADOW_FREED);
	expect_dump(m, 0xffffc90000000ff8UL, want_end, 7);
	/* Wrapping row addresses below 0. */
	expect_dump(m, 0x5cUL, want_low, 7);
	fx_free(fx);
}

/* === Randomised cross-check against the model === */

static unsigned long rng_state = 0x9e3779b97f4a7c15UL;

static unsigned long rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static unsigned long rnd_size(void)
{
	switch (rnd() % 4) {
	case 0:
		return rnd() % 17;
	case 1:
		return rnd() % 129;
	case 2:
		return rnd() % 1025;
	default:
		return rnd() % (3 * PAGE);
	}
}

/* An address in or just around one of the regions. */
static unsigned long rnd_addr(struct fx *fx)
{
	struct model_region *r = &fx->md.r[rnd() % fx->md.n];

	return r->base - 64 + rnd() % (r->npages * PAGE + 128);
}

static unsigned char rnd_code(void)
{
	static const unsigned char codes[] = {
		0, 1, 3, 7, SHADOW_PAGE_REDZONE, SHADOW_REDZONE_RIGHT, SHADOW_FREED,
		SHADOW_REDZONE_LEFT, SHADOW_GLOBAL_REDZONE, 0x42,
	};
	return codes[rnd() % sizeof(codes)];
}

static void test_random_vs_model(void **state)
{
	struct fx *fx = fx_new(FAST_BASE, 6);
	struct shadow_map *m = &fx->map;
	const char *seed = getenv("SHADOW_TEST_SEED");

	(void)state;
	if (seed)
		rng_state = strtoul(seed, NULL, 0) | 1;
	fx_add(fx, FAST_BASE + 7 * PAGE, 3);	/* a one-page hole in between */
	fx_add(fx, EXTRA_BASE, 2);
	for (int round = 0; round < 4000; round++) {
		unsigned long a = rnd_addr(fx), size = rnd_size(), obj_size;
		long nfail = fx->alloc.nfail;
		unsigned char v = rnd_code();
		int ret = 0, op = rnd() % 5, valid;

		/* Sometimes run short of memory. */
		fx->alloc.fail_after = rnd() % 8 == 0 ? (long)(rnd() % 3) : -1;
		if (op != 3)
			a &= ~7UL;
		obj_size = size + (rnd() % 2 ? rnd() % 64 : 0);
		valid = model_covered(&fx->md, a, op == 2 ? obj_size : size ? size : 1);
		switch (op) {
		case 0:
			ret = shadow_poison(m, a, size, v);
			if (!ret)
				model_fill(&fx->md, a, size, v);
			break;
		case 1:
			ret = shadow_unpoison(m, a, size);
			if (!ret)
				model_unpoison(&fx->md, a, size);
			break;
		case 2:
			ret = shadow_mark_object(m, a, size, obj_size, v);
			if (!ret)
				model_mark(&fx->md, a, size, obj_size, v);
			break;
		case 3:
			fx_clear(fx, a, size);
			break;
		default:
			break;
		}
		/* Failure exactly when outside the regions or out of memory. */
		if (op < 3 && (op == 2 ? obj_size : size))
			expect_same(ret, (!valid || fx->alloc.nfail > nfail) ? -1 : 0,
				    "round %d op %d", round, op);
		if (!valid)
			expect_same(fx->alloc.nfail, nfail, "round %d", round);
		fx_check_accounting(fx);

		for (int i = 0; i < 30; i++) {
			unsigned long c = rnd_addr(fx), bad;

			fx_check_at(fx, c, i == 0 ? 64 : 0);
			if (i < 3) {
				unsigned long n = rnd_size();

				expect_same(shadow_checkN(m, c, n), model_bad(&fx->md, c, n),
					    "checkN(%#lx, %lu)", c, n);
				bad = shadow_first_bad(m, c, n);
				expect_same(bad, model_first_bad(&fx->md, c, n),
					    "first_bad(%#lx, %lu)", c, n);
				if (bad)
					expect_same(shadow_classify(m, bad),
						    model_classify(&fx->md, bad), "classify(%#lx)",
						    bad);
			}
		}
		if (round % 500 == 0)
			fx_compare_all(fx);
	}
	fx_compare_all(fx);
	fx_free(fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_regions),
		cmocka_unit_test(test_object_sizes),
		cmocka_unit_test(test_straddle_no_chunk),
		cmocka_unit_test(test_straddle_poisoned_chunk),
		cmocka_unit_test(test_straddle_accessible_chunk),
		cmocka_unit_test(test_straddle_region_end),
		cmocka_unit_test(test_straddle_into_extra),
		cmocka_unit_test(test_long_ranges),
		cmocka_unit_test(test_round_trips),
		cmocka_unit_test(test_invalid_args),
		cmocka_unit_test(test_first_bad),
		cmocka_unit_test(test_wrap_and_zero),
		cmocka_unit_test(test_unknown_codes),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_untracked_never_bad),
		cmocka_unit_test(test_reserve),
		cmocka_unit_test(test_alloc_failure),
		cmocka_unit_test(test_install_race),
		cmocka_unit_test(test_accounting_destroy),
		cmocka_unit_test(test_dump_kasan_example),
		cmocka_unit_test(test_dump_marker_positions),
		cmocka_unit_test(test_dump_region_start),
		cmocka_unit_test(test_random_vs_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
