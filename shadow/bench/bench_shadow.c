// SPDX-License-Identifier: GPL-2.0
/*
 * Instruction counts of the fast-path checks, meant to run under callgrind.
 *
 * Each check is wrapped in a noinline function, as it would be in the kernel's
 * __asan_load8() and friends; callgrind's inclusive count of a wrapper divided by its
 * number of calls is the cost of one check including call overhead inside the callee.
 * The same address streams are fed to a naive model: one "accessible" byte per byte of
 * memory in a flat array, every accessed byte tested in turn.
 *
 * Prints the number of calls per wrapper and the mean sizes for bench/report.awk.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../shadow.h"

#define BASE	0xffff888000000000UL
#define NPAGES	1024UL
#define SPAN	(NPAGES * 4096)
#define NCALLS	(1UL << 20)
#define NOBJ	20000

/* Keep each check a real call, as from __asan_load8(); noipa stops gcc cloning it. */
#define bench_noinline __attribute__((noinline, noipa))

static struct shadow_map map;
static unsigned char *ok;	/* naive model: one flag per byte of memory */

static void *chunk_alloc(void *ctx)
{
	(void)ctx;
	return calloc(1, SHADOW_CHUNK_SIZE);
}

static void chunk_free(void *ctx, void *chunk)
{
	(void)ctx;
	free(chunk);
}

static const struct shadow_ops ops = { chunk_alloc, chunk_free, NULL };

bench_noinline int bench_check8(unsigned long addr)
{
	return shadow_check8(&map, addr);
}

bench_noinline int bench_checkN_small(unsigned long addr, unsigned long size)
{
	return shadow_checkN(&map, addr, size);
}

bench_noinline int bench_checkN_large(unsigned long addr, unsigned long size)
{
	return shadow_checkN(&map, addr, size);
}

bench_noinline int naive_check8(unsigned long addr)
{
	for (unsigned long b = addr; b < addr + 8; b++)
		if (b - BASE < SPAN && !ok[b - BASE])
			return 1;
	return 0;
}

bench_noinline int naive_checkN_small(unsigned long addr, unsigned long size)
{
	for (unsigned long b = addr; b < addr + size; b++)
		if (b - BASE < SPAN && !ok[b - BASE])
			return 1;
	return 0;
}

bench_noinline int naive_checkN_large(unsigned long addr, unsigned long size)
{
	for (unsigned long b = addr; b < addr + size; b++)
		if (b - BASE < SPAN && !ok[b - BASE])
			return 1;
	return 0;
}

static unsigned long rnd(void)
{
	static unsigned long s = 88172645463325252UL;

	s ^= s << 13;
	s ^= s >> 7;
	s ^= s << 17;
	return s;
}

static unsigned long obj[NOBJ], objsz[NOBJ], nobj;

/* An in-bounds access of size in [lo, hi] to a random object, at a random offset. */
static void pick(unsigned long lo, unsigned long hi, unsigned long *addr, unsigned long *size)
{
	unsigned long k, n;

	do {
		k = rnd() % nobj;
	} while (objsz[k] < lo);
	n = lo + rnd() % ((objsz[k] < hi ? objsz[k] : hi) - lo + 1);
	*size = n;
	*addr = obj[k] + rnd() % (objsz[k] - n + 1);
}

int main(void)
{
	unsigned long *dir = calloc(NPAGES, sizeof(*dir));
	unsigned long *a8 = malloc(NCALLS * sizeof(long));
	unsigned long *as = malloc(NCALLS * sizeof(long)), *ns = malloc(NCALLS * sizeof(long));
	unsigned long *al = malloc(NCALLS * sizeof(long)), *nl = malloc(NCALLS * sizeof(long));
	unsigned long i, a, sz, slot, bad = 0, sum_s = 0, sum_l = 0;

	ok = malloc(SPAN);
	memset(ok, 1, SPAN);
	shadow_map_init(&map, &ops, BASE, NPAGES, dir);
	/* Slab-like objects of 8..512 bytes, each followed by a redzone, packed. */
	for (a = BASE; nobj < NOBJ; nobj++) {
		sz = 8 + rnd() % 505;
		slot = (sz + 7) / 8 * 8 + 16;
		if (a + slot > BASE + SPAN)
			break;
		obj[nobj] = a;
		objsz[nobj] = sz;
		if (shadow_mark_object(&map, a, sz, slot, SHADOW_REDZONE_RIGHT))
			return 1;
		memset(ok + (a + sz - BASE), 0, slot - sz);
		a += slot;
	}
	/* In-bounds accesses only, as a correct module makes them. */
	for (i = 0; i < NCALLS; i++) {
		unsigned long k = rnd() % nobj;

		a8[i] = obj[k] + (rnd() % (objsz[k] / 8)) * 8;
		pick(1, 16, &as[i], &ns[i]);
		pick(17, 512, &al[i], &nl[i]);
		sum_s += ns[i];
		sum_l += nl[i];
	}
	for (i = 0; i < NCALLS; i++) {
		bad += bench_check8(a8[i]) + naive_check8(a8[i]);
		bad += bench_checkN_small(as[i], ns[i]) + naive_checkN_small(as[i], ns[i]);
		bad += bench_checkN_large(al[i], nl[i]) + naive_checkN_large(al[i], nl[i]);
	}
	/* Both sides must agree that nothing was bad, or the counts mean nothing. */
	if (bad || !bench_check8(obj[0] + objsz[0] + 8) || !naive_check8(obj[0] + objsz[0] + 8)) {
		fprintf(stderr, "bench: unexpected check results\n");
		return 1;
	}
	/* bench_check8 and naive_check8 ran once more, in the sanity check. */
	printf("calls %lu\ncalls_check8 %lu\n", NCALLS, NCALLS + 1);
	printf("mean_small %.1f\nmean_large %.1f\nobjects %lu\n", (double)sum_s / NCALLS,
	       (double)sum_l / NCALLS, nobj);
	shadow_map_destroy(&map);
	free(dir);
	free(ok);
	free(a8);
	free(as);
	free(ns);
	free(al);
	free(nl);
	return 0;
}
