/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Naive reference model of the shadow map, for the unit tests and the fuzzer.
 *
 * One code per granule in a flat array per region, no chunks, and every check walks
 * the accessed bytes one at a time. It shares no code with shadow.c: only the encoding
 * rules of the brief, written the obvious way.
 */
#ifndef MEMSAN_SHADOW_MODEL_H
#define MEMSAN_SHADOW_MODEL_H

#include <stdlib.h>
#include <string.h>

#include "../shadow.h"

#define MODEL_MAX_REGIONS (1 + SHADOW_MAX_EXTRA_REGIONS)

struct model_region {
	unsigned long base;
	unsigned long npages;
	unsigned char *codes;	/* npages * 512 granule codes */
};

struct model {
	struct model_region r[MODEL_MAX_REGIONS];
	int n;
};

static inline void model_add(struct model *md, unsigned long base, unsigned long npages)
{
	struct model_region *r = &md->r[md->n++];

	r->base = base;
	r->npages = npages;
	r->codes = calloc(npages * 512, 1);
}

static inline void model_free(struct model *md)
{
	for (int i = 0; i < md->n; i++)
		free(md->r[i].codes);
	md->n = 0;
}

/* Code of the granule holding addr, or NULL outside every region. */
static inline unsigned char *model_slot(struct model *md, unsigned long addr)
{
	for (int i = 0; i < md->n; i++) {
		struct model_region *r = &md->r[i];

		if (addr >= r->base && addr - r->base < r->npages * 4096)
			return &r->codes[(addr - r->base) / 8];
	}
	return NULL;
}

static inline unsigned char model_code(struct model *md, unsigned long addr)
{
	unsigned char *p = model_slot(md, addr);

	return p ? *p : 0;
}

static inline int model_byte_ok(unsigned char code, unsigned long offset)
{
	if (code == 0)
		return 1;
	if (code >= 1 && code <= 7)
		return offset < code;
	return 0;
}

/* Is every page of [addr, addr + size) inside some region? size > 0, no wrap. */
static inline int model_covered(struct model *md, unsigned long addr, unsigned long size)
{
	unsigned long last = addr + size - 1;

	for (unsigned long p = addr & ~4095UL; ; p += 4096) {
		if (!model_slot(md, p))
			return 0;
		if (p == (last & ~4095UL))
			return 1;
	}
}

static inline void model_set(struct model *md, unsigned long addr, unsigned char code)
{
	unsigned char *p = model_slot(md, addr);

	if (p)
		*p = code;
}

/* Granules covering [addr, addr + size) get code. */
static inline void model_fill(struct model *md, unsigned long addr, unsigned long size,
			      unsigned char code)
{
	unsigned long g;

	if (!size)
		return;
	for (g = addr & ~7UL; g <= addr + size - 1; g += 8) {
		model_set(md, g, code);
		if (g + 8 < g)
			break;
	}
}

static inline void model_unpoison(struct model *md, unsigned long addr, unsigned long size)
{
	model_fill(md, addr, size, 0);
	if (size % 8)
		model_set(md, addr + size - 1, size % 8);
}

static inline void model_mark(struct model *md, unsigned long obj, unsigned long size,
			      unsigned long obj_size, unsigned char redzone)
{
	unsigned long rz = (size + 7) / 8 * 8, end = (obj_size + 7) / 8 * 8;

	model_unpoison(md, obj, size);
	if (end > rz)
		model_fill(md, obj + rz, end - rz, redzone);
}

static inline int model_bad(struct model *md, unsigned long addr, unsigned long size)
{
	if (!size)
		return 0;
	if (addr + size - 1 < addr)
		return 1;
	for (unsigned long i = 0; i < size; i++)
		if (!model_byte_ok(model_code(md, addr + i), (addr + i) % 8))
			return 1;
	return 0;
}

static inline unsigned long model_first_bad(struct model *md, unsigned long addr,
					    unsigned long size)
{
	if (!size)
		return 0;
	if (addr + size - 1 < addr)
		return addr;
	for (unsigned long i = 0; i < size; i++)
		if (!model_byte_ok(model_code(md, addr + i), (addr + i) % 8))
			return addr + i;
	return 0;
}

static inline enum shadow_bug model_classify(struct model *md, unsigned long addr)
{
	unsigned char code;

	if (!model_slot(md, addr) || model_byte_ok(model_code(md, addr), addr % 8))
		return SHADOW_BUG_NONE;
	code = model_code(md, addr);
	if (code >= 1 && code <= 7)
		code = model_code(md, (addr & ~7UL) + 8);
	if (code <= 7)
		return SHADOW_BUG_OUT_OF_BOUNDS;
	if (code == SHADOW_REDZONE_RIGHT || code == SHADOW_REDZONE_LEFT)
		return SHADOW_BUG_OUT_OF_BOUNDS;
	if (code == SHADOW_PAGE_REDZONE)
		return SHADOW_BUG_LARGE_OUT_OF_BOUNDS;
	if (code == SHADOW_FREED)
		return SHADOW_BUG_USE_AFTER_FREE;
	if (code == SHADOW_GLOBAL_REDZONE)
		return SHADOW_BUG_GLOBAL_OUT_OF_BOUNDS;
	return SHADOW_BUG_UNKNOWN;
}

#endif /* MEMSAN_SHADOW_MODEL_H */
