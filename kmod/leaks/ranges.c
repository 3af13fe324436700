// SPDX-License-Identifier: GPL-2.0
/*
 * memsan leaks: the pointer logic of the leak scan (ranges.h), freestanding.
 */
#include "ranges.h"

static int range_before(const struct leak_range *a, const struct leak_range *b)
{
	return a->start < b->start;
}

static void range_swap(struct leak_range *a, struct leak_range *b)
{
	struct leak_range t = *a;

	*a = *b;
	*b = t;
}

/* Heap sort: no recursion, no allocation, O(n log n) in the worst case. */
static void sift_down(struct leak_range *r, unsigned int root, unsigned int n)
{
	unsigned int child;

	while ((child = 2 * root + 1) < n) {
		if (child + 1 < n && range_before(&r[child], &r[child + 1]))
			child++;
		if (!range_before(&r[root], &r[child]))
			return;
		range_swap(&r[root], &r[child]);
		root = child;
	}
}

/**
 * leak_set_prepare() - sort the ranges and find the candidates' bounds
 * @set:	@r and @n filled in; @grey points to room for @n indices
 *
 * Ranges must not overlap (tracked objects do not).  An empty range
 * (@end <= @start) is made a skipped one: no pointer can point into it.
 */
void leak_set_prepare(struct leak_set *set)
{
	unsigned int i;

	for (i = set->n / 2; i-- > 0;)
		sift_down(set->r, i, set->n);
	for (i = set->n; i-- > 1;) {
		range_swap(&set->r[0], &set->r[i]);
		sift_down(set->r, 0, i);
	}
	set->lo = ~0UL;
	set->hi = 0;
	set->nr_grey = 0;
	for (i = 0; i < set->n; i++) {
		struct leak_range *r = &set->r[i];

		if (r->end <= r->start)
			r->color = LEAK_SKIP;
		if (r->color == LEAK_SKIP)
			continue;
		r->color = LEAK_WHITE;
		if (r->start < set->lo)
			set->lo = r->start;
		if (r->end > set->hi)
			set->hi = r->end;
	}
}

/**
 * leak_set_next() - the first range that ends after @addr
 * @set:	prepared set
 * @addr:	an address
 *
 * Return: its index, or @set->n if none.
 */
unsigned int leak_set_next(const struct leak_set *set, unsigned long addr)
{
	unsigned int lo = 0, hi = set->n;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (set->r[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/**
 * leak_set_find() - the range @addr points into
 * @set:	prepared set
 * @addr:	a value that may be a pointer
 *
 * Return: its index, or -1.
 */
long leak_set_find(const struct leak_set *set, unsigned long addr)
{
	unsigned int i = leak_set_next(set, addr);

	if (i < set->n && set->r[i].start <= addr)
		return i;
	return -1;
}

/**
 * leak_set_scan_words() - mark the candidates that words point into
 * @set:	prepared set
 * @words:	the words (a copy of the memory scanned)
 * @nr:		how many
 *
 * A word pointing to any byte of a white range makes it grey and queues
 * it; skipped ranges stay skipped.
 *
 * Return: how many ranges became grey.
 */
unsigned int leak_set_scan_words(struct leak_set *set, const unsigned long *words,
				 unsigned long nr)
{
	unsigned long lo = set->lo, hi = set->hi, i;
	unsigned int found = 0;

	for (i = 0; i < nr; i++) {
		unsigned long v = words[i];
		long k;

		if (v < lo || v >= hi)
			continue;
		k = leak_set_find(set, v);
		if (k < 0 || set->r[k].color != LEAK_WHITE)
			continue;
		set->r[k].color = LEAK_GREY;
		set->grey[set->nr_grey++] = k;
		found++;
	}
	return found;
}

/**
 * leak_set_reset() - every candidate white again, for a second pass
 * @set:	prepared set
 */
void leak_set_reset(struct leak_set *set)
{
	unsigned int i;

	for (i = 0; i < set->n; i++)
		if (set->r[i].color != LEAK_SKIP)
			set->r[i].color = LEAK_WHITE;
	set->nr_grey = 0;
}
