// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the input is a sequence of operations applied to a 2-region shadow
 * map and to the naive model of tests/model.h; any disagreement aborts.
 *
 * Layout: fast region of 4 pages, a one-page hole, an extra region of 3 pages, and one
 * untracked page on each side, so that every op can hit region edges and holes.
 */
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../shadow.h"
#include "../tests/model.h"

#define PAGE		4096UL
#define FAST_BASE	0x10000000UL
#define FAST_PAGES	4
#define EXTRA_BASE	(FAST_BASE + 5 * PAGE)
#define EXTRA_PAGES	3
#define WIN_LO		(FAST_BASE - PAGE)
#define WIN_SIZE	(10 * PAGE)

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "MISMATCH %s:%d: ", __FILE__, __LINE__);	\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		abort();						\
	}								\
} while (0)

struct fz_alloc {
	long nalloc, nfree, nfail;
	long budget;	/* allocations left before failing; -1: unlimited */
};

static void *fz_alloc_chunk(void *ctx)
{
	struct fz_alloc *a = ctx;
	void *p;

	if (a->budget == 0) {
		a->nfail++;
		return NULL;
	}
	if (a->budget > 0)
		a->budget--;
	p = aligned_alloc(8, SHADOW_CHUNK_SIZE);
	memset(p, 0, SHADOW_CHUNK_SIZE);
	a->nalloc++;
	return p;
}

static void fz_free_chunk(void *ctx, void *chunk)
{
	struct fz_alloc *a = ctx;

	a->nfree++;
	free(chunk);
}

struct in {
	const uint8_t *p;
	size_t n;
};

static unsigned int get8(struct in *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

static unsigned int get16(struct in *in)
{
	return get8(in) | get8(in) << 8;
}

static unsigned long get_addr(struct in *in)
{
	return WIN_LO + get16(in) % WIN_SIZE;
}

static unsigned long get_size(struct in *in)
{
	unsigned int s = get16(in);

	switch (s >> 14) {
	case 0:
		return s & 31;
	case 1:
		return s & 127;
	case 2:
		return s & 1023;
	default:
		return s % (3 * PAGE);
	}
}

static unsigned char get_code(struct in *in)
{
	static const unsigned char codes[] = {
		0, 1, 2, 5, 7, SHADOW_PAGE_REDZONE, SHADOW_REDZONE_RIGHT, SHADOW_FREED,
		SHADOW_REDZONE_LEFT, SHADOW_GLOBAL_REDZONE, 0x08, 0x42,
	};
	unsigned int c = get8(in);

	return c & 0x80 ? (unsigned char)get8(in) : codes[c % sizeof(codes)];
}

static unsigned long live_slots(const struct shadow_map *m)
{
	unsigned long n = 0, i;

	for (i = 0; i < m->fast.npages; i++)
		n += shadow_dir_chunk(&m->fast, i) != NULL;
	for (i = 0; i < m->extra[0].npages; i++)
		n += shadow_dir_chunk(&m->extra[0], i) != NULL;
	return n;
}

static void check_accounting(const struct shadow_map *m, const struct fz_alloc *a)
{
	CHECK(m->nr_chunks == live_slots(m), "nr_chunks %lu live %lu", m->nr_chunks,
	      live_slots(m));
	CHECK(a->nalloc - a->nfree == (long)m->nr_chunks, "alloc %ld free %ld nr_chunks %lu",
	      a->nalloc, a->nfree, m->nr_chunks);
}

/*
 * Every page's shadow equals the model's: read the chunks directly, since going through
 * shadow_get() for each granule made this the fuzzer's hottest loop.
 */
static void compare_all(const struct shadow_map *m, struct model *md)
{
	static const unsigned char zero[SHADOW_CHUNK_SIZE];

	for (int i = 0; i < md->n; i++) {
		const struct shadow_region *r = i ? &m->extra[i - 1] : &m->fast;

		for (unsigned long p = 0; p < r->npages; p++) {
			const unsigned char *chunk = shadow_dir_chunk(r, p);
			const unsigned char *want = &md->r[i].codes[p * SHADOW_CHUNK_SIZE];

			if (!chunk)
				chunk = zero;

			for (int g = 0; g < SHADOW_CHUNK_SIZE; g++)
				CHECK(chunk[g] == want[g], "shadow of %#lx = %02x, model %02x",
				      r->base + p * PAGE + g * 8, chunk[g], want[g]);
		}
	}
	/* The holes around and between the regions are outside every region. */
	for (unsigned long a = WIN_LO; a < WIN_LO + WIN_SIZE; a += PAGE) {
		unsigned char b;

		CHECK(shadow_get(m, a, &b) == (model_slot(md, a) ? 0 : -1), "get(%#lx)", a);
	}
}

static int lib_check(const struct shadow_map *m, unsigned long addr, unsigned long size)
{
	switch (size) {
	case 1:
		return shadow_check1(m, addr);
	case 2:
		return shadow_check2(m, addr);
	case 4:
		return shadow_check4(m, addr);
	case 8:
		return shadow_check8(m, addr);
	case 16:
		return shadow_check16(m, addr);
	default:
		return shadow_checkN(m, addr, size);
	}
}

static void check_range(const struct shadow_map *m, struct model *md, unsigned long addr,
			unsigned long size)
{
	static const unsigned long sizes[] = { 1, 2, 4, 8, 16 };
	unsigned long bad;

	for (unsigned int i = 0; i < 5; i++)
		CHECK(lib_check(m, addr, sizes[i]) == model_bad(md, addr, sizes[i]),
		      "check%lu(%#lx)", sizes[i], addr);
	/* the inline check, where its precondition holds */
	for (unsigned long n = 1; n <= 16; n++)
		if (addr - m->fast.base < m->fast.npages << SHADOW_PAGE_SHIFT &&
		    (addr & SHADOW_PAGE_MASK) + n <= SHADOW_PAGE_SIZE)
			CHECK(shadow_check_in_page(m, addr, n) == model_bad(md, addr, n),
			      "check_in_page(%#lx, %lu)", addr, n);
	CHECK(shadow_checkN(m, addr, size) == model_bad(md, addr, size), "checkN(%#lx, %lu)",
	      addr, size);
	bad = shadow_first_bad(m, addr, size);
	CHECK(bad == model_first_bad(md, addr, size), "first_bad(%#lx, %lu) = %#lx model %#lx",
	      addr, size, bad, model_first_bad(md, addr, size));
	if (bad && bad - addr < size)
		CHECK(shadow_classify(m, bad) == model_classify(md, bad), "classify(%#lx)", bad);
	CHECK(shadow_classify(m, addr) == model_classify(md, addr), "classify(%#lx)", addr);
}

struct lines {
	char l[8][96];
	int n;
};

static void collect(void *ctx, const char *line)
{
	struct lines *ls = ctx;

	CHECK(ls->n < 8 && strlen(line) < 96, "dump line %d", ls->n);
	strcpy(ls->l[ls->n++], line);
}

static void check_dump(const struct shadow_map *m, struct model *md, unsigned long addr)
{
	unsigned long row = (addr & ~127UL) - 256;
	struct lines got = { .n = 0 };
	char want[96];
	int n = 1, len;

	shadow_dump(m, addr, collect, &got);
	CHECK(got.n == 7, "dump lines %d", got.n);
	CHECK(!strcmp(got.l[0], "Memory state around the buggy address:"), "dump header");
	for (int i = -2; i <= 2; i++, row += 128) {
		len = sprintf(want, "%c%016lx:", i ? ' ' : '>', row);
		for (int j = 0; j < 16; j++)
			len += sprintf(want + len, " %02x", model_code(md, row + j * 8));
		CHECK(!strcmp(got.l[n], want), "dump row %d: '%s' want '%s'", i, got.l[n], want);
		n++;
		if (i)
			continue;
		len = 19 + 3 * (int)((addr & 127) >> 3);
		memset(want, ' ', len);
		strcpy(want + len, "^");
		CHECK(!strcmp(got.l[n], want), "marker '%s' want '%s'", got.l[n], want);
		n++;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned long fast_dir[FAST_PAGES], extra_dir[EXTRA_PAGES];
	struct fz_alloc a = { .budget = -1 };
	struct shadow_ops ops = { fz_alloc_chunk, fz_free_chunk, &a };
	struct in in = { data, size };
	struct model md = { .n = 0 };
	struct shadow_map m;

	memset(fast_dir, 0, sizeof(fast_dir));
	memset(extra_dir, 0, sizeof(extra_dir));
	shadow_map_init(&m, &ops, FAST_BASE, FAST_PAGES, fast_dir);
	CHECK(!shadow_map_add_region(&m, EXTRA_BASE, EXTRA_PAGES, extra_dir), "add_region");
	model_add(&md, FAST_BASE, FAST_PAGES);
	model_add(&md, EXTRA_BASE, EXTRA_PAGES);

	while (in.n) {
		unsigned int op = get8(&in) % 9;
		unsigned long addr = get_addr(&in), len = get_size(&in), obj_size = len;
		long nalloc = a.nalloc, nfail = a.nfail;
		unsigned char code;
		int ret, valid;

		switch (op) {
		case 0:	/* mark_object */
		case 1:	/* poison */
		case 2:	/* unpoison */
			addr &= ~7UL;
			code = get_code(&in);
			if (op == 0)
				obj_size = len + (get8(&in) & 63);
			valid = !obj_size || model_covered(&md, addr, obj_size);
			if (op == 0)
				ret = shadow_mark_object(&m, addr, len, obj_size, code);
			else if (op == 1)
				ret = shadow_poison(&m, addr, len, code);
			else
				ret = shadow_unpoison(&m, addr, len);
			CHECK(ret == (valid && a.nfail == nfail ? 0 : -1),
			      "op %u(%#lx, %lu, %lu, %02x) = %d valid %d", op, addr, len, obj_size,
			      code, ret, valid);
			if (!valid)
				CHECK(a.nalloc == nalloc && a.nfail == nfail, "allocated outside");
			if (ret)
				break;
			if (op == 0)
				model_mark(&md, addr, len, obj_size, code);
			else if (op == 1)
				model_fill(&md, addr, len, code);
			else
				model_unpoison(&md, addr, len);
			break;
		case 3:
			shadow_clear(&m, addr, len);
			model_fill(&md, addr, len, 0);
			CHECK(a.nalloc == nalloc, "clear allocated");
			break;
		case 4:
			check_range(&m, &md, addr, len);
			break;
		case 5:
			a.budget = (long)(get8(&in) % 6) - 1;
			break;
		case 6:	/* misaligned: refused, nothing happens */
			addr |= 1 + get8(&in) % 7;
			CHECK(shadow_poison(&m, addr, len + 1, SHADOW_FREED) == -1, "misaligned");
			CHECK(shadow_unpoison(&m, addr, len + 1) == -1, "misaligned");
			CHECK(shadow_mark_object(&m, addr, 0, len + 1, 0xFC) == -1, "misaligned");
			CHECK(a.nalloc == nalloc, "misaligned allocated");
			break;
		case 7:	/* near the top of the address space: untracked or wrapping */
			addr = ~0UL - get8(&in);
			check_range(&m, &md, addr, len);
			break;
		default:
			check_dump(&m, &md, addr);
			break;
		}
		check_accounting(&m, &a);
	}
	compare_all(&m, &md);
	shadow_map_destroy(&m);
	CHECK(a.nfree == a.nalloc, "destroy freed %ld of %ld", a.nfree, a.nalloc);
	CHECK(!live_slots(&m) && !m.nr_chunks, "destroy left chunks");
	model_free(&md);
	return 0;
}
