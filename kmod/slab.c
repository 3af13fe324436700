// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: where heap objects start and end, read from the slab allocator's
 * own bookkeeping so that objects memsan never saw are understood too.
 */
#include <linux/mm.h>
#include <linux/slab.h>

#include "compat.h"
#include "memsan.h"

/**
 * memsan_classify_ptr() - what a pointer passed to a free function points at
 * @ptr:	the pointer
 * @slot:	filled in for slab and large-kmalloc pointers (also interior ones)
 *
 * Return: enum memsan_ptr_kind.
 */
enum memsan_ptr_kind memsan_classify_ptr(const void *ptr, struct memsan_slot *slot)
{
	unsigned long addr = (unsigned long)ptr;
	struct folio *folio;
	unsigned long base;

	if (!virt_addr_valid(ptr))
		return MEMSAN_PTR_NOT_HEAP;
	folio = virt_to_folio(ptr);
	base = (unsigned long)folio_address(folio);

	if (folio_test_slab(folio)) {
		struct kmem_cache *s = memsan_folio_slab_cache(folio);
		unsigned int stride = memsan_cache_stride(s);
		unsigned long index = (addr - base) / stride;

		slot->cache = s;
		slot->slot_size = stride - memsan_cache_left_pad(s);
		slot->start = base + index * stride + memsan_cache_left_pad(s);
		if (index >= folio_size(folio) / stride)
			return MEMSAN_PTR_NOT_HEAP;	/* in the slab's tail */
		return addr == slot->start ? MEMSAN_PTR_SLAB : MEMSAN_PTR_INTERIOR;
	}
	/* kfree() of an order-0 page that is not slab is a bug the kernel warns of */
	if (!folio_test_large(folio))
		return MEMSAN_PTR_NOT_HEAP;
	slot->cache = NULL;
	slot->start = base;
	slot->slot_size = folio_size(folio);
	return addr == base ? MEMSAN_PTR_LARGE : MEMSAN_PTR_INTERIOR;
}
