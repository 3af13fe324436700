// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: the shadow map of the kernel's linear mapping.
 *
 * The freestanding library in shadow/ does the work; this file gives it
 * memory.  Its directory has one slot per page of the linear map (8 bytes per
 * 4 KiB page) and its 512-byte chunks are carved out of whole pages taken
 * from the page allocator, which the slab hooks may call in atomic context
 * and which none of them probes.  Chunks live until memsan is unloaded.
 */
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>

#include "counters/counters.h"
#include "shadow_port/memsan_shadow.h"

struct shadow_map memsan_shadow;

static unsigned char **shadow_dir;
static LIST_HEAD(chunk_pages);		/* pages chunks are carved from */
static struct page *chunk_page;		/* page being carved */
static unsigned int chunk_next;		/* next free chunk in chunk_page */
static void *spare_chunks;		/* chunks given back, linked by their first word */
static DEFINE_RAW_SPINLOCK(chunk_lock);

#define CHUNKS_PER_PAGE (PAGE_SIZE / SHADOW_CHUNK_SIZE)

static void *shadow_alloc_chunk(void *ctx)
{
	unsigned long flags;
	void *chunk = NULL;

	raw_spin_lock_irqsave(&chunk_lock, flags);
	if (spare_chunks) {
		chunk = spare_chunks;
		spare_chunks = *(void **)chunk;
		*(void **)chunk = NULL;	/* zeroed again, as a new chunk is */
		goto out;
	}
	if (!chunk_page || chunk_next == CHUNKS_PER_PAGE) {
		struct page *page = alloc_page(GFP_NOWAIT | __GFP_NOWARN | __GFP_ZERO);

		if (!page)
			goto out;
		list_add(&page->lru, &chunk_pages);
		chunk_page = page;
		chunk_next = 0;
		memsan_count(MEMSAN_COUNTER_SHADOW_BYTES, PAGE_SIZE);
	}
	chunk = page_address(chunk_page) + chunk_next * SHADOW_CHUNK_SIZE;
	chunk_next++;
out:
	raw_spin_unlock_irqrestore(&chunk_lock, flags);
	return chunk;
}

/*
 * Two CPUs may install a chunk for the same page at once: the loser gives
 * its chunk back here, still zeroed, and the next allocation reuses it.
 * memsan_shadow_exit() gives back the pages themselves (after
 * shadow_map_destroy() has handed every installed chunk to this function).
 */
static void shadow_free_chunk(void *ctx, void *chunk)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&chunk_lock, flags);
	*(void **)chunk = spare_chunks;
	spare_chunks = chunk;
	raw_spin_unlock_irqrestore(&chunk_lock, flags);
}

static const struct shadow_ops memsan_shadow_ops = {
	.alloc_chunk = shadow_alloc_chunk,
	.free_chunk = shadow_free_chunk,
};

/*
 * The page frames of RAM, over all nodes.  RAM need not start at page frame
 * 0 (arm64 boards), and arm64 places it at a random offset in its linear
 * map, so the directory starts at the first frame, not at PAGE_OFFSET.
 */
static void ram_pfn_range(unsigned long *start, unsigned long *end)
{
	int nid;

	*start = ULONG_MAX;
	*end = 0;
	for_each_online_node(nid) {
		*start = min(*start, node_start_pfn(nid));
		*end = max(*end, node_end_pfn(nid));
	}
}

/**
 * memsan_shadow_init() - set up an empty shadow map of the linear mapping
 *
 * The directory covers the linear map of all RAM: every slab object and
 * every large kmalloc lives there, on x86_64 and on arm64.
 *
 * Return: 0 or -ENOMEM.
 */
int memsan_shadow_init(void)
{
	unsigned long start_pfn, end_pfn, npages;

	ram_pfn_range(&start_pfn, &end_pfn);
	if (start_pfn >= end_pfn)
		return -ENOMEM;
	npages = end_pfn - start_pfn;

	shadow_dir = vzalloc(array_size(npages, sizeof(*shadow_dir)));
	if (!shadow_dir)
		return -ENOMEM;
	memsan_count(MEMSAN_COUNTER_SHADOW_BYTES, npages * sizeof(*shadow_dir));
	shadow_map_init(&memsan_shadow, &memsan_shadow_ops,
			(unsigned long)pfn_to_kaddr(start_pfn), npages, shadow_dir);
	return 0;
}

/**
 * memsan_shadow_range_bad() - the out-of-line part of an access check
 * @addr:	first byte accessed
 * @size:	bytes accessed, at least 1
 */
bool memsan_shadow_range_bad(unsigned long addr, size_t size)
{
	return shadow_range_bad(&memsan_shadow, addr, addr + size - 1);
}

void memsan_shadow_exit(void)
{
	struct page *page, *tmp;

	shadow_map_destroy(&memsan_shadow);
	list_for_each_entry_safe(page, tmp, &chunk_pages, lru) {
		list_del(&page->lru);
		__free_page(page);
	}
	chunk_page = NULL;
	spare_chunks = NULL;
	vfree(shadow_dir);
	shadow_dir = NULL;
}
