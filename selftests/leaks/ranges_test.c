// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the leak scan's pointer logic (kmod/leaks/ranges.c), in
 * userspace: sorting, lookups at every edge, white to grey once, skipped
 * ranges, a second pass.  Prints TAP.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../kmod/leaks/ranges.h"

static int n_test, n_fail;

static void ok(int cond, const char *what)
{
	n_test++;
	if (!cond)
		n_fail++;
	printf("%sok %d - %s\n", cond ? "" : "not ", n_test, what);
}

#define N 5

static struct leak_range r[N];
static unsigned int grey[N];
static struct leak_set set;

/* Objects at 0x1000 (16 bytes), 0x2000 (skip, 64), 0x3000 (8), 0x3008 (8), 0x9000 (100). */
static void setup(void)
{
	struct leak_range in[N] = {
		{ 0x3008, 0x3010, LEAK_WHITE, 3 },
		{ 0x9000, 0x9064, LEAK_WHITE, 4 },
		{ 0x2000, 0x2040, LEAK_SKIP, 1 },
		{ 0x1000, 0x1010, LEAK_WHITE, 0 },
		{ 0x3000, 0x3008, LEAK_WHITE, 2 },
	};

	memcpy(r, in, sizeof(r));
	set = (struct leak_set){ .r = r, .n = N, .grey = grey };
	leak_set_prepare(&set);
}

static int color_of(unsigned int cookie)
{
	for (unsigned int i = 0; i < N; i++)
		if (r[i].cookie == cookie)
			return r[i].color;
	return -1;
}

int main(void)
{
	unsigned long words[8];
	unsigned int i, sorted = 1;

	printf("TAP version 13\n1..17\n");
	setup();
	for (i = 1; i < N; i++)
		sorted &= r[i - 1].start < r[i].start;
	ok(sorted, "prepare sorts by start");
	ok(set.lo == 0x1000 && set.hi == 0x9064, "candidate bounds ignore skipped ranges");
	ok(leak_set_find(&set, 0xfff) == -1 && leak_set_find(&set, 0x1000) == 0 &&
	   leak_set_find(&set, 0x100f) == 0 && leak_set_find(&set, 0x1010) == -1,
	   "find: first byte, last byte, one before, one past");
	ok(leak_set_find(&set, 0x3007) == 2 && leak_set_find(&set, 0x3008) == 3,
	   "find: adjacent objects are told apart");
	ok(leak_set_find(&set, 0x2020) == 1 && leak_set_find(&set, ~0UL) == -1 &&
	   leak_set_find(&set, 0) == -1, "find: skipped range, extremes");
	ok(leak_set_next(&set, 0x2040) == 2 && leak_set_next(&set, 0x203f) == 1 &&
	   leak_set_next(&set, 0xa000) == N, "next: first range ending after an address");

	words[0] = 0x1008;	/* the middle of an object */
	words[1] = 0x2010;	/* a skipped (freed) object */
	words[2] = 0x1000;	/* the same object again */
	words[3] = 0x5000;	/* between objects */
	words[4] = 0x9063;	/* last byte */
	ok(leak_set_scan_words(&set, words, 5) == 2, "scan: two objects become grey");
	ok(color_of(0) == LEAK_GREY && color_of(4) == LEAK_GREY, "scan: interior and last byte count");
	ok(color_of(1) == LEAK_SKIP, "scan: a skipped range stays skipped");
	ok(color_of(2) == LEAK_WHITE && color_of(3) == LEAK_WHITE, "scan: others stay white");
	ok(set.nr_grey == 2, "scan: each grey range queued once");
	r[set.grey[0]].color = LEAK_BLACK;
	ok(leak_set_scan_words(&set, words, 1) == 0, "scan: a black range is not queued again");

	words[0] = 0x3010;	/* one past the second adjacent object */
	words[1] = 0x9064;	/* one past the last */
	ok(leak_set_scan_words(&set, words, 2) == 0, "scan: one past the end is no reference");

	leak_set_reset(&set);
	ok(color_of(0) == LEAK_WHITE && color_of(4) == LEAK_WHITE && color_of(1) == LEAK_SKIP &&
	   set.nr_grey == 0, "reset: white again for a second pass, skip kept");

	r[0] = (struct leak_range){ 0x100, 0x100, LEAK_WHITE, 9 };
	set.n = 1;
	leak_set_prepare(&set);
	ok(r[0].color == LEAK_SKIP && set.lo == ~0UL, "prepare: an empty range is skipped");
	words[0] = 0x100;
	ok(leak_set_scan_words(&set, words, 1) == 0, "scan: nothing in an empty set");

	/* many ranges, shuffled: sorted, and find agrees with a linear search */
	{
		enum { M = 4096 };
		static struct leak_range big[M];
		static unsigned int big_grey[M];
		struct leak_set b = { .r = big, .n = M, .grey = big_grey };
		unsigned int j, good = 1;

		srand(13);
		for (i = 0; i < M; i++)
			big[i] = (struct leak_range){ 0x10000 + 64UL * i, 0x10000 + 64UL * i + 8 + i % 56,
						     i % 7 ? LEAK_WHITE : LEAK_SKIP, i };
		for (i = M - 1; i > 0; i--) {
			struct leak_range t;

			j = rand() % (i + 1);
			t = big[i];
			big[i] = big[j];
			big[j] = t;
		}
		leak_set_prepare(&b);
		for (i = 1; i < M; i++)
			good &= big[i - 1].start < big[i].start;
		for (i = 0; i < 20000 && good; i++) {
			unsigned long a = 0xff00 + rand() % (64 * M + 512);
			long want = -1;

			for (j = 0; j < M; j++)
				if (big[j].start <= a && a < big[j].end)
					want = j;
			good &= leak_set_find(&b, a) == want;
		}
		ok(good, "4096 shuffled ranges: sorted, 20000 lookups agree with a linear search");
	}
	return n_fail ? 1 : 0;
}
