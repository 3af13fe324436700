// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: the slab allocation entry points of kernels before the allocation
 * profiling rename (6.1): __kmalloc(), kmalloc_trace(), kmem_cache_alloc(),
 * krealloc(), ...  Built when compat/conftest.sh finds them
 * (MEMSAN_HAVE_SLAB_PLAIN); slab_api_noprof.c is the 6.10+ counterpart.
 */
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "hooks/slab_api.h"
#include "inject/inject.h"

/* === kmalloc === */

void *__memsan___kmalloc(size_t size, gfp_t flags)
{
	void *ptr;

	if (memsan_inject_fail(flags, _RET_IP_))
		return NULL;
	if (own_kmalloc(size, flags, NUMA_NO_NODE, __kmalloc, _RET_IP_, &ptr))
		return ptr;
	return tracked(__kmalloc(grown(size), flags), size, __kmalloc, _RET_IP_);
}
EXPORT_SYMBOL(__memsan___kmalloc);

void *__memsan___kmalloc_node(size_t size, gfp_t flags, int node)
{
	void *ptr;

	if (memsan_inject_fail(flags, _RET_IP_))
		return NULL;
	if (own_kmalloc(size, flags, node, __kmalloc_node, _RET_IP_, &ptr))
		return ptr;
	return tracked(__kmalloc_node(grown(size), flags, node), size, __kmalloc_node, _RET_IP_);
}
EXPORT_SYMBOL(__memsan___kmalloc_node);

void *__memsan___kmalloc_node_track_caller(size_t size, gfp_t flags, int node,
					   unsigned long caller)
{
	void *ptr;

	if (memsan_inject_fail(flags, _RET_IP_))
		return NULL;
	if (own_kmalloc(size, flags, node, __kmalloc_node_track_caller, _RET_IP_, &ptr))
		return ptr;
	return tracked(__kmalloc_node_track_caller(grown(size), flags, node, caller), size,
		       __kmalloc_node_track_caller, _RET_IP_);
}
EXPORT_SYMBOL(__memsan___kmalloc_node_track_caller);

/*
 * kmalloc() of a constant size: gcc chose the cache, by size and flags.
 * __kmalloc() makes the same choice for the size with the redzone (the
 * flags pick the cache type the same way), so the object has a redzone
 * even when the size fills its cache's objects.
 */
void *__memsan_kmalloc_trace(struct kmem_cache *cache, gfp_t flags, size_t size)
{
	void *ptr;

	if (memsan_inject_fail(flags, _RET_IP_))
		return NULL;
	if (!memsan_enabled())
		return kmalloc_trace(cache, flags, size);
	if (own_kmalloc(size, flags, NUMA_NO_NODE, kmalloc_trace, _RET_IP_, &ptr))
		return ptr;
	return tracked(__kmalloc(grown(size), flags), size, kmalloc_trace, _RET_IP_);
}
EXPORT_SYMBOL(__memsan_kmalloc_trace);

void *__memsan_kmalloc_node_trace(struct kmem_cache *cache, gfp_t flags, int node, size_t size)
{
	void *ptr;

	if (memsan_inject_fail(flags, _RET_IP_))
		return NULL;
	if (!memsan_enabled())
		return kmalloc_node_trace(cache, flags, node, size);
	if (own_kmalloc(size, flags, node, kmalloc_node_trace, _RET_IP_, &ptr))
		return ptr;
	return tracked(__kmalloc_node(grown(size), flags, node), size, kmalloc_node_trace,
		       _RET_IP_);
}
EXPORT_SYMBOL(__memsan_kmalloc_node_trace);

void *__memsan_kmalloc_large(size_t size, gfp_t flags)
{
	if (memsan_inject_fail(flags, _RET_IP_))
		return NULL;
	return tracked(kmalloc_large(grown(size), flags), size, kmalloc_large, _RET_IP_);
}
EXPORT_SYMBOL(__memsan_kmalloc_large);

void *__memsan_kmalloc_large_node(size_t size, gfp_t flags, int node)
{
	if (memsan_inject_fail(flags, _RET_IP_))
		return NULL;
	return tracked(kmalloc_large_node(grown(size), flags, node), size, kmalloc_large_node,
		       _RET_IP_);
}
EXPORT_SYMBOL(__memsan_kmalloc_large_node);

/* The rules of krealloc(), ksize() and kvmalloc() are lifecycle.c's. */
void *__memsan_krealloc(const void *old, size_t size, gfp_t flags)
{
	void *ptr;

	if (size && memsan_inject_fail(flags, _RET_IP_))
		return NULL;
	if (!object_usable(old, _RET_IP_))
		return NULL;
	/* the redzone too: in place only if it still fits, else a new object with one */
	ptr = krealloc(old, realloc_grown(size), flags);
	if (!memsan_enabled() || !memsan_realloc_needs_record(old, ptr))
		return ptr;
	return tracked(ptr, size, krealloc, _RET_IP_);
}
EXPORT_SYMBOL(__memsan_krealloc);

void *__memsan_kvmalloc_node(size_t size, gfp_t flags, int node)
{
	void *ptr;

	if (memsan_inject_fail(flags, _RET_IP_))
		return NULL;
	ptr = kvmalloc_node(grown(size), flags, node);
	if (memsan_enabled() && is_vmalloc_addr(ptr)) {
		memsan_track_vmalloc(ptr, size,
				     memsan_save_stack((unsigned long)kvmalloc_node, _RET_IP_));
		return ptr;
	}
	if (!memsan_kvmalloc_needs_record(ptr))
		return ptr;
	return tracked(ptr, size, kvmalloc_node, _RET_IP_);
}
EXPORT_SYMBOL(__memsan_kvmalloc_node);

/* === kmem_cache === */

void *__memsan_kmem_cache_alloc(struct kmem_cache *cache, gfp_t flags)
{
	if (memsan_inject_fail(flags, _RET_IP_))
		return NULL;
	return tracked_in(cache, alloc_unheld(cache, kmem_cache_alloc(cache, flags)),
			  kmem_cache_alloc, _RET_IP_);
}
EXPORT_SYMBOL(__memsan_kmem_cache_alloc);

void *__memsan_kmem_cache_alloc_lru(struct kmem_cache *cache, struct list_lru *lru,
				    gfp_t flags)
{
	if (memsan_inject_fail(flags, _RET_IP_))
		return NULL;
	return tracked_in(cache, alloc_unheld(cache, kmem_cache_alloc_lru(cache, lru, flags)),
			  kmem_cache_alloc_lru, _RET_IP_);
}
EXPORT_SYMBOL(__memsan_kmem_cache_alloc_lru);

void *__memsan_kmem_cache_alloc_node(struct kmem_cache *cache, gfp_t flags, int node)
{
	if (memsan_inject_fail(flags, _RET_IP_))
		return NULL;
	return tracked_in(cache, alloc_unheld(cache, kmem_cache_alloc_node(cache, flags, node)),
			  kmem_cache_alloc_node, _RET_IP_);
}
EXPORT_SYMBOL(__memsan_kmem_cache_alloc_node);

int __memsan_kmem_cache_alloc_bulk(struct kmem_cache *cache, gfp_t flags, size_t nr,
				   void **ptrs)
{
	depot_stack_handle_t stack;
	int got, i;

	if (memsan_inject_fail(flags, _RET_IP_))
		return 0;
	got = kmem_cache_alloc_bulk(cache, flags, nr, ptrs);
	if (got > 0 && !unhold_bulk(cache, ptrs, got, flags, kmem_cache_alloc_node))
		return 0;
	if (got <= 0 || !memsan_enabled() || !memsan_cache_trackable(cache))
		return got;
	stack = memsan_save_stack((unsigned long)kmem_cache_alloc_bulk, _RET_IP_);
	for (i = 0; i < got; i++)
		memsan_track_object(ptrs[i], 0, stack);
	return got;
}
EXPORT_SYMBOL(__memsan_kmem_cache_alloc_bulk);

/* === Copies === */

void *__memsan_kmemdup(const void *src, size_t len, gfp_t flags)
{
	if (memsan_inject_fail(flags, _RET_IP_))
		return NULL;
	if (!memsan_check_range(src, len, false, _RET_IP_))
		return NULL;
	return tracked_copy(kmemdup(src, len, flags), len, kmemdup, _RET_IP_);
}
EXPORT_SYMBOL(__memsan_kmemdup);
