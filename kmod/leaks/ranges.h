/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsan leaks: the pointer logic of the leak scan, freestanding.
 *
 * No kernel header: the same file is built into memsan.ko and into the
 * userspace unit test (selftests/leaks/ranges_test.c).  A set of address
 * ranges, sorted, each a tracked object: a candidate (white until a word
 * pointing anywhere inside it is found; then grey, queued to be scanned
 * itself, then black) or a range the scan must skip (a freed object in the
 * quarantine: its stale contents are no reference).
 */
#ifndef _MEMSAN_LEAK_RANGES_H
#define _MEMSAN_LEAK_RANGES_H

enum leak_color {
	LEAK_WHITE,		/* candidate, no reference found yet */
	LEAK_GREY,		/* referenced, its contents not scanned yet */
	LEAK_BLACK,		/* referenced and scanned */
	LEAK_SKIP,		/* not a candidate, never scanned (freed) */
};

/**
 * struct leak_range - one tracked object in the scan
 * @start:	first byte
 * @end:	one past the last byte a pointer may point to
 * @color:	enum leak_color
 * @cookie:	the caller's (index of its own data)
 */
struct leak_range {
	unsigned long start;
	unsigned long end;
	unsigned int color;
	unsigned int cookie;
};

/**
 * struct leak_set - the ranges and the grey queue
 * @r:		ranges, sorted by start, not overlapping (leak_set_prepare())
 * @n:		number of ranges
 * @lo:		lowest start of a candidate
 * @hi:		highest end of a candidate
 * @grey:	queue of grey ranges (indices in @r), room for @n
 * @nr_grey:	entries in @grey
 */
struct leak_set {
	struct leak_range *r;
	unsigned int n;
	unsigned long lo;
	unsigned long hi;
	unsigned int *grey;
	unsigned int nr_grey;
};

void leak_set_prepare(struct leak_set *set);
long leak_set_find(const struct leak_set *set, unsigned long addr);
unsigned int leak_set_next(const struct leak_set *set, unsigned long addr);
unsigned int leak_set_scan_words(struct leak_set *set, const unsigned long *words,
				 unsigned long nr);
void leak_set_reset(struct leak_set *set);

#endif /* _MEMSAN_LEAK_RANGES_H */
