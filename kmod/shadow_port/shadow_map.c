// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: the shadow map of the kernel's linear mapping and of the module area.
 *
 * The freestanding library in shadow/ does the work; this file gives it
 * memory.  Its directories have one slot per page of the linear map (8 bytes
 * per 4 KiB page) and of the area modules are loaded in (their globals, in
 * vmalloc space); its 512-byte chunks are carved out of whole pages taken
 * from the page allocator, which the slab hooks may call in atomic context
 * and which none of them probes.  Chunks live until memsan is unloaded.
 */
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/module.h>
#include <linux/nodemask.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>

#include "compat/compat.h"
#include "counters/counters.h"
#include "shadow_port/memsan_shadow.h"

struct shadow_map memsan_shadow;

static unsigned long *shadow_dir;
static unsigned long *module_dir;
static unsigned long *vmalloc_dir;
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

	if (memsan_fail_alloc(MEMSAN_FAIL_SHADOW))
		return NULL;
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

/*
 * Where modules are loaded.  x86_64 has a fixed module area.  arm64 6.1
 * loads modules at module_alloc_base (randomised near the kernel image with
 * KASLR, and not exported) in a MODULES_VSIZE window: memsan is a module
 * itself, so the window lies within MODULES_VSIZE of memsan's own code.  (If
 * that window is full, arm64 falls back to a 2 GiB range: modules loaded
 * there get no global redzones, see memsan_shadow_covers().)
 */
static void module_area(unsigned long *start, unsigned long *end)
{
#if defined(CONFIG_X86_64)
	*start = MODULES_VADDR;
	*end = MODULES_END;
#elif defined(CONFIG_ARM64)
	unsigned long self, self_end;

	memsan_module_text(THIS_MODULE, &self, &self_end);
	*start = (self - MODULES_VSIZE) & PAGE_MASK;
	*end = PAGE_ALIGN(self + MODULES_VSIZE);
#else
	*start = 0;
	*end = 0;
#endif
}

/*
 * The module area's directory, an extra region of the map.  Without it
 * memsan still works: globals are just not checked.
 */
static void module_shadow_init(void)
{
	unsigned long start, end, npages;

	module_area(&start, &end);
	if (start >= end)
		return;
	npages = (end - start) >> PAGE_SHIFT;
	module_dir = vmalloc(array_size(npages, sizeof(*module_dir)));
	if (!module_dir)
		goto fail;
	if (shadow_map_add_region(&memsan_shadow, start, npages, module_dir)) {
		vfree(module_dir);
		module_dir = NULL;
		goto fail;
	}
	memsan_count(MEMSAN_COUNTER_SHADOW_BYTES, npages * sizeof(*module_dir));
	return;
fail:
	pr_warn("memsan: no shadow for the module area: globals are not checked\n");
}

/*
 * The vmalloc area is terabytes wide, too wide for a flat directory; its
 * allocator hands out the lowest free addresses first, so a window at its
 * start holds the vmalloc objects of instrumented modules (memsan's own
 * vmalloc wrappers track only objects inside it).  Above the module area
 * where the two overlap (arm64).
 */
#define VMALLOC_WINDOW	SZ_1G

static void vmalloc_shadow_init(void)
{
	unsigned long start = VMALLOC_START, mod_start, mod_end, npages;

	module_area(&mod_start, &mod_end);
	if (mod_start < mod_end && start >= mod_start && start < mod_end)
		start = mod_end;
	start = PAGE_ALIGN(start);
	if (start >= VMALLOC_END)
		goto fail;
	npages = (min_t(unsigned long, VMALLOC_END - start, VMALLOC_WINDOW)) >> PAGE_SHIFT;
	vmalloc_dir = vmalloc(array_size(npages, sizeof(*vmalloc_dir)));
	if (!vmalloc_dir)
		goto fail;
	if (shadow_map_add_region(&memsan_shadow, start, npages, vmalloc_dir)) {
		vfree(vmalloc_dir);
		vmalloc_dir = NULL;
		goto fail;
	}
	memsan_count(MEMSAN_COUNTER_SHADOW_BYTES, npages * sizeof(*vmalloc_dir));
	return;
fail:
	pr_warn("memsan: no shadow for the vmalloc area: vmalloc objects are not tracked\n");
}

/**
 * memsan_shadow_covers() - is [@addr, @addr + @size) inside the shadow map?
 * @addr:	first byte
 * @size:	bytes, at least 1
 */
bool memsan_shadow_covers(unsigned long addr, unsigned long size)
{
	unsigned char code;

	return !shadow_get(&memsan_shadow, addr, &code) &&
	       !shadow_get(&memsan_shadow, addr + size - 1, &code);
}

/**
 * memsan_shadow_init() - set up an empty shadow map
 *
 * The fast region covers the linear map of all RAM: every slab object and
 * every large kmalloc lives there, on x86_64 and on arm64.  An extra region
 * covers the module area, where instrumented modules' globals are.
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

	shadow_dir = vmalloc(array_size(npages, sizeof(*shadow_dir)));
	if (!shadow_dir)
		return -ENOMEM;
	memsan_count(MEMSAN_COUNTER_SHADOW_BYTES, npages * sizeof(*shadow_dir));
	shadow_map_init(&memsan_shadow, &memsan_shadow_ops,
			(unsigned long)pfn_to_kaddr(start_pfn), npages, shadow_dir);
	module_shadow_init();
	vmalloc_shadow_init();
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
	vfree(module_dir);
	module_dir = NULL;
	vfree(vmalloc_dir);
	vmalloc_dir = NULL;
}
