/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsan: the slab API wrappers that memsan_redirect.h gives the slab
 * functions of an instrumented module as assembler names: slab_api.c (what
 * every kernel has), slab_api_plain.c (6.1's entry points) or
 * slab_api_noprof.c (6.10+), and the helpers they share.
 */
#ifndef _MEMSAN_SLAB_API_H
#define _MEMSAN_SLAB_API_H

#include <linux/compiler_attributes.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/list_lru.h>
#include <linux/slab.h>
#include <linux/stdarg.h>
#include <linux/types.h>

#include "compat/compat.h"
#include "hooks/hooks.h"
#include "objects/objects.h"
#include "runtime/runtime.h"
#include "settings/settings.h"

struct kmem_cache;

/*
 * Record @ptr, just returned by @fn to the caller at @ret.  @size 0: the whole
 * object.  Returns @ptr, for the wrappers' tail.
 */
static inline void *tracked(void *ptr, size_t size, void *fn, unsigned long ret)
{
	if (memsan_enabled() && !ZERO_OR_NULL_PTR(ptr))
		memsan_track_object(ptr, size, memsan_save_stack((unsigned long)fn, ret));
	return ptr;
}

/* tracked() of an object @cache just handed out: its slot needs no lookup */
static inline void *tracked_from(struct kmem_cache *cache, void *ptr, size_t size, void *fn,
				 unsigned long ret)
{
	if (memsan_enabled() && !ZERO_OR_NULL_PTR(ptr))
		memsan_track_cache_object(cache, ptr, size,
					  memsan_save_stack((unsigned long)fn, ret));
	return ptr;
}

/* The same for an object of @cache, the whole object. */
static inline void *tracked_in(struct kmem_cache *cache, void *ptr, void *fn, unsigned long ret)
{
	return memsan_cache_trackable(cache) ? tracked_from(cache, ptr, 0, fn, ret) : ptr;
}

/* Record @ptr of @size bytes, unless it is NULL or an error pointer. */
static inline void *tracked_copy(void *ptr, size_t size, void *fn, unsigned long ret)
{
	return IS_ERR_OR_NULL(ptr) ? ptr : tracked(ptr, size, fn, ret);
}

/* The size with the redzone, for the kmalloc functions: see the redzone parameter. */
static inline size_t grown(size_t size)
{
	return memsan_enabled() ? memsan_grown_size(size) : size;
}

/*
 * The size to pass to krealloc(): with the redzone, and with room for
 * memsan's guard at the end of a slot of its own caches, which krealloc()
 * counts as the object's (ksize()): in place only if the object still ends
 * before its slot does.  0 (a free) stays 0.
 */
static inline size_t realloc_grown(size_t size)
{
	size_t g = grown(size);

	if (!size || !memsan_enabled() || g > KMALLOC_MAX_SIZE - MEMSAN_GUARD)
		return g;
	return g + MEMSAN_GUARD;
}

/* Slabs in a row whose first object a kmalloc() may find in its own caches */
#define OWN_KMALLOC_TRIES	4

/*
 * kmalloc() from memsan's own caches (objects/own_caches.c), whose objects
 * have a left redzone too.  Returns true if one of them took the call:
 * *@ptr is then the tracked object, or NULL if the allocation failed.
 * false: the kernel's kmalloc serves it (memsan off, a size or flags those
 * caches do not serve).
 */
static inline bool own_kmalloc(size_t size, gfp_t flags, int node, void *fn, unsigned long ret,
			       void **ptr)
{
	unsigned int tries = OWN_KMALLOC_TRIES;
	struct kmem_cache *cache;
	void *obj;

	if (!memsan_enabled() || !size)
		return false;
	cache = memsan_own_cache_for(size, memsan_grown_size(size), flags);
	if (!cache)
		return false;
	/* the first object of a slab has no left redzone: memsan keeps it */
	do {
		obj = kmem_cache_alloc_node(cache, flags, node);
	} while (obj && memsan_allocator_hold_first(cache, obj) && --tries);
	/*
	 * Only first objects, slab after slab: not a failure of the caller's
	 * kmalloc(), the kernel's caches serve it (without a left redzone).
	 */
	if (!tries)
		return false;
	*ptr = tracked_from(cache, obj, size, fn, ret);
	return true;
}

/*
 * @call, an allocation from @cache, made again while it returns the first
 * object of a slab of a guarded cache (a module's, with memsan's guard):
 * memsan keeps those (memsan_allocator_hold_first()).  After
 * OWN_KMALLOC_TRIES of them in a row the last one is the caller's, without
 * a left redzone.  A statement expression: @call is made again.
 */
#define alloc_unheld(cache, call)						\
({										\
	unsigned int __tries = OWN_KMALLOC_TRIES;				\
	void *__obj;								\
										\
	do {									\
		__obj = (call);							\
	} while (__obj && --__tries && memsan_allocator_hold_first(cache, __obj));	\
	__obj;									\
})

/*
 * The same for the @nr objects a bulk allocation from @cache put in @ptrs:
 * each first object memsan keeps is replaced by one from @alloc_node
 * (kmem_cache_alloc_node() of this kernel).  If a replacement fails, the
 * others go back and the bulk allocation fails, as it does in the kernel:
 * return false.
 */
static inline bool unhold_bulk(struct kmem_cache *cache, void **ptrs, size_t nr, gfp_t flags,
			       void *(*alloc_node)(struct kmem_cache *, gfp_t, int))
{
	size_t i, j;

	for (i = 0; i < nr; i++) {
		if (!memsan_allocator_hold_first(cache, ptrs[i]))
			continue;
		ptrs[i] = alloc_unheld(cache, alloc_node(cache, flags, NUMA_NO_NODE));
		if (ptrs[i])
			continue;
		for (j = 0; j < nr; j++)
			if (j != i)
				memsan_allocator_free_untouched(ptrs[j]);
		return false;
	}
	return true;
}

/*
 * krealloc() and ksize() read the object first, as KASAN has them do: one
 * byte at its start.  A freed (quarantined) object is reported there as a
 * use-after-free by the caller, and the call is not made: krealloc()
 * returns NULL, ksize() 0, as under KASAN.
 */
static inline bool object_usable(const void *ptr, unsigned long ip)
{
	return ZERO_OR_NULL_PTR(ptr) || memsan_check_range(ptr, 1, false, ip);
}

/* slab_api.c */
size_t __memsan_ksize(const void *ptr);
void __memsan_kfree(const void *ptr);
void __memsan_kmem_cache_free(struct kmem_cache *cache, void *ptr);
void __memsan_kmem_cache_free_bulk(struct kmem_cache *cache, size_t nr, void **ptrs);
void __memsan_kmem_cache_destroy(struct kmem_cache *cache);
#ifdef MEMSAN_HAVE_KMEM_CACHE_CREATE_ARGS
struct kmem_cache *__memsan___kmem_cache_create_args(const char *name, unsigned int size,
						     struct kmem_cache_args *args,
						     slab_flags_t flags);
#else
struct kmem_cache *__memsan_kmem_cache_create(const char *name, unsigned int size,
					      unsigned int align, slab_flags_t flags,
					      void (*ctor)(void *));
struct kmem_cache *__memsan_kmem_cache_create_usercopy(const char *name, unsigned int size,
						       unsigned int align, slab_flags_t flags,
						       unsigned int useroffset,
						       unsigned int usersize,
						       void (*ctor)(void *));
#endif
unsigned int __memsan_kmem_cache_size(struct kmem_cache *cache);
char *__memsan_kstrdup(const char *str, gfp_t flags);
char *__memsan_kstrndup(const char *str, size_t max, gfp_t flags);
char *__memsan_kmemdup_nul(const char *str, size_t len, gfp_t flags);
__printf(2, 0) char *__memsan_kvasprintf(gfp_t flags, const char *fmt, va_list args);
__printf(2, 3) char *__memsan_kasprintf(gfp_t flags, const char *fmt, ...);
void *__memsan_memdup_user(const void __user *src, size_t len);
void *__memsan_memdup_user_nul(const void __user *src, size_t len);
char *__memsan_strndup_user(const char __user *src, long max);

/* slab_api_plain.c: the entry points of 6.1 */
void *__memsan___kmalloc(size_t size, gfp_t flags);
void *__memsan___kmalloc_node(size_t size, gfp_t flags, int node);
void *__memsan___kmalloc_node_track_caller(size_t size, gfp_t flags, int node,
					   unsigned long caller);
void *__memsan_kmalloc_trace(struct kmem_cache *cache, gfp_t flags, size_t size);
void *__memsan_kmalloc_node_trace(struct kmem_cache *cache, gfp_t flags, int node, size_t size);
void *__memsan_kmalloc_large(size_t size, gfp_t flags);
void *__memsan_kmalloc_large_node(size_t size, gfp_t flags, int node);
void *__memsan_krealloc(const void *old, size_t size, gfp_t flags);
void *__memsan_kvmalloc_node(size_t size, gfp_t flags, int node);
void *__memsan_kmem_cache_alloc(struct kmem_cache *cache, gfp_t flags);
void *__memsan_kmem_cache_alloc_lru(struct kmem_cache *cache, struct list_lru *lru, gfp_t flags);
void *__memsan_kmem_cache_alloc_node(struct kmem_cache *cache, gfp_t flags, int node);
int __memsan_kmem_cache_alloc_bulk(struct kmem_cache *cache, gfp_t flags, size_t nr, void **ptrs);
void *__memsan_kmemdup(const void *src, size_t len, gfp_t flags);

#endif /* _MEMSAN_SLAB_API_H */
