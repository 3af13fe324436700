// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: the slab allocation entry points of kernels with allocation
 * profiling (6.10+), where kmalloc() and friends are macros around
 * *_noprof functions: __kmalloc_noprof(), __kmalloc_cache_noprof() (6.1's
 * kmalloc_trace()), kmem_cache_alloc_noprof(), ...  The variable-size node
 * variants take a kmem_buckets (SLAB_BUCKETS).  Built when compat/conftest.sh
 * finds them (MEMSAN_HAVE_SLAB_NOPROF); the few signatures that changed
 * again in 7.x (krealloc, kvmalloc, bulk allocation) are chosen by their own
 * MEMSAN_HAVE_* here and in memsan_redirect.h, nowhere else.
 */
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "hooks/slab_api.h"
#include "inject/inject.h"

void *__memsan___kmalloc_noprof(size_t size, gfp_t flags);
void *__memsan___kmalloc_node_noprof(size_t size, kmem_buckets *b, gfp_t flags, int node);
void *__memsan___kmalloc_node_track_caller_noprof(size_t size, kmem_buckets *b, gfp_t flags,
						  int node, unsigned long caller);
void *__memsan___kmalloc_cache_noprof(struct kmem_cache *cache, gfp_t flags, size_t size);
void *__memsan___kmalloc_cache_node_noprof(struct kmem_cache *cache, gfp_t flags, int node,
					   size_t size);
void *__memsan___kmalloc_large_noprof(size_t size, gfp_t flags);
void *__memsan___kmalloc_large_node_noprof(size_t size, gfp_t flags, int node);
void *__memsan_kmem_cache_alloc_noprof(struct kmem_cache *cache, gfp_t flags);
void *__memsan_kmem_cache_alloc_lru_noprof(struct kmem_cache *cache, struct list_lru *lru,
					   gfp_t flags);
void *__memsan_kmem_cache_alloc_node_noprof(struct kmem_cache *cache, gfp_t flags, int node);
void *__memsan_kmemdup_noprof(const void *src, size_t len, gfp_t flags);

/* === kmalloc === */

void *__memsan___kmalloc_noprof(size_t size, gfp_t flags)
{
	void *ptr;

	if (memsan_inject_fail(flags, _RET_IP_))
		return NULL;
	if (own_kmalloc(size, flags, NUMA_NO_NODE, __kmalloc_noprof, _RET_IP_, &ptr))
		return ptr;
	return tracked(__kmalloc_noprof(grown(size), flags), size, __kmalloc_noprof, _RET_IP_);
}
EXPORT_SYMBOL(__memsan___kmalloc_noprof);

void *__memsan___kmalloc_node_noprof(size_t size, kmem_buckets *b, gfp_t flags, int node)
{
	void *ptr;

	if (memsan_inject_fail(flags, _RET_IP_))
		return NULL;
	/* kmem_buckets of their own (kmem_buckets_create() callers) stay theirs */
	if (!b && own_kmalloc(size, flags, node, __kmalloc_node_noprof, _RET_IP_, &ptr))
		return ptr;
	return tracked(__kmalloc_node_noprof(grown(size), b, flags, node), size,
		       __kmalloc_node_noprof, _RET_IP_);
}
EXPORT_SYMBOL(__memsan___kmalloc_node_noprof);

void *__memsan___kmalloc_node_track_caller_noprof(size_t size, kmem_buckets *b, gfp_t flags,
						  int node, unsigned long caller)
{
	void *ptr;

	if (memsan_inject_fail(flags, _RET_IP_))
		return NULL;
	if (!b && own_kmalloc(size, flags, node, __kmalloc_node_track_caller_noprof, _RET_IP_,
			      &ptr))
		return ptr;
	return tracked(__kmalloc_node_track_caller_noprof(grown(size), b, flags, node, caller),
		       size, __kmalloc_node_track_caller_noprof, _RET_IP_);
}
EXPORT_SYMBOL(__memsan___kmalloc_node_track_caller_noprof);

/*
 * kmalloc() of a constant size: gcc chose the cache, by size and flags.
 * __kmalloc_noprof() makes the same choice for the size with the redzone
 * (the flags pick the cache type the same way), so the object has a redzone
 * even when the size fills its cache's objects.
 */
void *__memsan___kmalloc_cache_noprof(struct kmem_cache *cache, gfp_t flags, size_t size)
{
	void *ptr;

	if (memsan_inject_fail(flags, _RET_IP_))
		return NULL;
	if (!memsan_enabled())
		return __kmalloc_cache_noprof(cache, flags, size);
	if (own_kmalloc(size, flags, NUMA_NO_NODE, __kmalloc_cache_noprof, _RET_IP_, &ptr))
		return ptr;
	return tracked(__kmalloc_noprof(grown(size), flags), size, __kmalloc_cache_noprof,
		       _RET_IP_);
}
EXPORT_SYMBOL(__memsan___kmalloc_cache_noprof);

void *__memsan___kmalloc_cache_node_noprof(struct kmem_cache *cache, gfp_t flags, int node,
					   size_t size)
{
	void *ptr;

	if (memsan_inject_fail(flags, _RET_IP_))
		return NULL;
	if (!memsan_enabled())
		return __kmalloc_cache_node_noprof(cache, flags, node, size);
	if (own_kmalloc(size, flags, node, __kmalloc_cache_node_noprof, _RET_IP_, &ptr))
		return ptr;
	return tracked(__kmalloc_node_noprof(grown(size), NULL, flags, node), size,
		       __kmalloc_cache_node_noprof, _RET_IP_);
}
EXPORT_SYMBOL(__memsan___kmalloc_cache_node_noprof);

void *__memsan___kmalloc_large_noprof(size_t size, gfp_t flags)
{
	if (memsan_inject_fail(flags, _RET_IP_))
		return NULL;
	return tracked(__kmalloc_large_noprof(grown(size), flags), size, __kmalloc_large_noprof,
		       _RET_IP_);
}
EXPORT_SYMBOL(__memsan___kmalloc_large_noprof);

void *__memsan___kmalloc_large_node_noprof(size_t size, gfp_t flags, int node)
{
	if (memsan_inject_fail(flags, _RET_IP_))
		return NULL;
	return tracked(__kmalloc_large_node_noprof(grown(size), flags, node), size,
		       __kmalloc_large_node_noprof, _RET_IP_);
}
EXPORT_SYMBOL(__memsan___kmalloc_large_node_noprof);

/* === krealloc, kvmalloc: the rules are lifecycle.c's === */

#if defined(MEMSAN_HAVE_KREALLOC_NOPROF)
void *__memsan_krealloc_noprof(const void *old, size_t size, gfp_t flags);

void *__memsan_krealloc_noprof(const void *old, size_t size, gfp_t flags)
{
	void *ptr;

	if (size && memsan_inject_fail(flags, _RET_IP_))
		return NULL;
	if (!object_usable(old, _RET_IP_))
		return NULL;
	/* the redzone too: in place only if it still fits, else a new object with one */
	ptr = krealloc_noprof(old, realloc_grown(size), flags);
	if (!memsan_enabled() || !memsan_realloc_needs_record(old, ptr))
		return ptr;
	return tracked(ptr, size, krealloc_noprof, _RET_IP_);
}
EXPORT_SYMBOL(__memsan_krealloc_noprof);
#elif defined(MEMSAN_HAVE_KREALLOC_NODE_ALIGN)
void *__memsan_krealloc_node_align_noprof(const void *old, size_t size, unsigned long align,
					  gfp_t flags, int node);

void *__memsan_krealloc_node_align_noprof(const void *old, size_t size, unsigned long align,
					  gfp_t flags, int node)
{
	void *ptr;

	if (size && memsan_inject_fail(flags, _RET_IP_))
		return NULL;
	if (!object_usable(old, _RET_IP_))
		return NULL;
	ptr = krealloc_node_align_noprof(old, realloc_grown(size), align, flags, node);
	if (!memsan_enabled() || !memsan_realloc_needs_record(old, ptr))
		return ptr;
	return tracked(ptr, size, krealloc_node_align_noprof, _RET_IP_);
}
EXPORT_SYMBOL(__memsan_krealloc_node_align_noprof);
#endif

/* Record what kvmalloc returned: a vmalloc fallback is tracked as one. */
static void *kvmalloc_tracked(void *ptr, size_t size, unsigned long ret)
{
	if (memsan_enabled() && is_vmalloc_addr(ptr)) {
		memsan_track_vmalloc(ptr, size,
				     memsan_save_stack((unsigned long)__kvmalloc_node_noprof, ret));
		return ptr;
	}
	if (!memsan_kvmalloc_needs_record(ptr))
		return ptr;
	return tracked(ptr, size, __kvmalloc_node_noprof, ret);
}

#if defined(MEMSAN_HAVE_KVMALLOC_NOPROF)
void *__memsan___kvmalloc_node_noprof(size_t size, kmem_buckets *b, gfp_t flags, int node);

void *__memsan___kvmalloc_node_noprof(size_t size, kmem_buckets *b, gfp_t flags, int node)
{
	if (memsan_inject_fail(flags, _RET_IP_))
		return NULL;
	return kvmalloc_tracked(__kvmalloc_node_noprof(grown(size), b, flags, node), size,
				_RET_IP_);
}
EXPORT_SYMBOL(__memsan___kvmalloc_node_noprof);
#elif defined(MEMSAN_HAVE_KVMALLOC_NOPROF_ALIGN)
void *__memsan___kvmalloc_node_noprof(size_t size, kmem_buckets *b, unsigned long align,
				      gfp_t flags, int node);

void *__memsan___kvmalloc_node_noprof(size_t size, kmem_buckets *b, unsigned long align,
				      gfp_t flags, int node)
{
	if (memsan_inject_fail(flags, _RET_IP_))
		return NULL;
	return kvmalloc_tracked(__kvmalloc_node_noprof(grown(size), b, align, flags, node), size,
				_RET_IP_);
}
EXPORT_SYMBOL(__memsan___kvmalloc_node_noprof);
#endif

/* === kmem_cache === */

void *__memsan_kmem_cache_alloc_noprof(struct kmem_cache *cache, gfp_t flags)
{
	if (memsan_inject_fail(flags, _RET_IP_))
		return NULL;
	return tracked_in(cache, alloc_unheld(cache, kmem_cache_alloc_noprof(cache, flags)),
			  kmem_cache_alloc_noprof, _RET_IP_);
}
EXPORT_SYMBOL(__memsan_kmem_cache_alloc_noprof);

void *__memsan_kmem_cache_alloc_lru_noprof(struct kmem_cache *cache, struct list_lru *lru,
					   gfp_t flags)
{
	if (memsan_inject_fail(flags, _RET_IP_))
		return NULL;
	return tracked_in(cache,
			  alloc_unheld(cache, kmem_cache_alloc_lru_noprof(cache, lru, flags)),
			  kmem_cache_alloc_lru_noprof, _RET_IP_);
}
EXPORT_SYMBOL(__memsan_kmem_cache_alloc_lru_noprof);

void *__memsan_kmem_cache_alloc_node_noprof(struct kmem_cache *cache, gfp_t flags, int node)
{
	if (memsan_inject_fail(flags, _RET_IP_))
		return NULL;
	return tracked_in(cache,
			  alloc_unheld(cache, kmem_cache_alloc_node_noprof(cache, flags, node)),
			  kmem_cache_alloc_node_noprof, _RET_IP_);
}
EXPORT_SYMBOL(__memsan_kmem_cache_alloc_node_noprof);

/*
 * The @filled objects a bulk allocation put in @ptrs: first objects of
 * slabs replaced (unhold_bulk()), then recorded.  Return: false if a
 * replacement failed: the bulk allocation fails.
 */
static bool bulk_done(struct kmem_cache *cache, void **ptrs, size_t filled, gfp_t flags,
		      unsigned long ret)
{
	depot_stack_handle_t stack;
	size_t i;

	if (!filled)
		return true;
	if (!unhold_bulk(cache, ptrs, filled, flags, kmem_cache_alloc_node_noprof))
		return false;
	if (!memsan_enabled() || !memsan_cache_trackable(cache))
		return true;
	stack = memsan_save_stack((unsigned long)kmem_cache_alloc_bulk_noprof, ret);
	for (i = 0; i < filled; i++)
		memsan_track_object(ptrs[i], 0, stack);
	return true;
}

/* The bulk allocation returns a count (int) up to 6.x, success (bool) in 7.x. */
#if defined(MEMSAN_HAVE_BULK_NOPROF_BOOL)
bool __memsan_kmem_cache_alloc_bulk_noprof(struct kmem_cache *cache, gfp_t flags, size_t nr,
					   void **ptrs);

bool __memsan_kmem_cache_alloc_bulk_noprof(struct kmem_cache *cache, gfp_t flags, size_t nr,
					   void **ptrs)
{
	bool done;

	if (memsan_inject_fail(flags, _RET_IP_))
		return false;
	done = kmem_cache_alloc_bulk_noprof(cache, flags, nr, ptrs);
	return done && bulk_done(cache, ptrs, nr, flags, _RET_IP_);
}
#else
int __memsan_kmem_cache_alloc_bulk_noprof(struct kmem_cache *cache, gfp_t flags, size_t nr,
					  void **ptrs);

int __memsan_kmem_cache_alloc_bulk_noprof(struct kmem_cache *cache, gfp_t flags, size_t nr,
					  void **ptrs)
{
	int got;

	if (memsan_inject_fail(flags, _RET_IP_))
		return 0;
	got = kmem_cache_alloc_bulk_noprof(cache, flags, nr, ptrs);
	if (got > 0 && !bulk_done(cache, ptrs, got, flags, _RET_IP_))
		return 0;
	return got;
}
#endif
EXPORT_SYMBOL(__memsan_kmem_cache_alloc_bulk_noprof);

/* === Copies === */

void *__memsan_kmemdup_noprof(const void *src, size_t len, gfp_t flags)
{
	if (memsan_inject_fail(flags, _RET_IP_))
		return NULL;
	if (!memsan_check_range(src, len, false, _RET_IP_))
		return NULL;
	return tracked_copy(kmemdup_noprof(src, len, flags), len, kmemdup_noprof, _RET_IP_);
}
EXPORT_SYMBOL(__memsan_kmemdup_noprof);
