// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: the slab API as instrumented modules see it.
 *
 * memsan_redirect.h gives the slab functions of a module built with memsan.mk
 * the assembler names of the functions here, so the module's allocations and
 * frees reach memsan as plain calls: no probe, no trap, and the rest of the
 * kernel's slab calls do not pay for them.  Each wrapper calls the real
 * function and records or releases the object; the hooks on the kernel's
 * free functions (hooks.c) catch the module's objects that the kernel frees
 * on its behalf.
 *
 * Each allocation wrapper first asks failure injection (inject/inject.h)
 * whether to fail the call; if so it returns what the real function returns
 * when it fails, without calling it.
 *
 * Allocations the kernel makes for a module through a function not wrapped
 * here (devm_kmalloc(), kstrdup_const(), ...) are not tracked unless
 * track=all.
 */
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "hooks/hooks.h"
#include "hooks/slab_api.h"
#include "inject/inject.h"
#include "objects/objects.h"
#include "report/report.h"
#include "runtime/runtime.h"
#include "settings/settings.h"

/*
 * Record @ptr, just returned by @fn to the caller at @ret.  @size 0: the whole
 * object.  Returns @ptr, for the wrappers' tail.
 */
static void *tracked(void *ptr, size_t size, void *fn, unsigned long ret)
{
	if (memsan_enabled() && !ZERO_OR_NULL_PTR(ptr))
		memsan_track_object(ptr, size, memsan_save_stack((unsigned long)fn, ret));
	return ptr;
}

/* The same for an object of @cache. */
static void *tracked_in(struct kmem_cache *cache, void *ptr, void *fn, unsigned long ret)
{
	return memsan_cache_trackable(cache) ? tracked(ptr, 0, fn, ret) : ptr;
}

/* The size with the redzone, for the kmalloc functions: see the redzone parameter. */
static size_t grown(size_t size)
{
	return memsan_enabled() ? memsan_grown_size(size) : size;
}

/* === kmalloc === */

void *__memsan___kmalloc(size_t size, gfp_t flags)
{
	if (memsan_inject_fail(flags, _RET_IP_))
		return NULL;
	return tracked(__kmalloc(grown(size), flags), size, __kmalloc, _RET_IP_);
}
EXPORT_SYMBOL(__memsan___kmalloc);

void *__memsan___kmalloc_node(size_t size, gfp_t flags, int node)
{
	if (memsan_inject_fail(flags, _RET_IP_))
		return NULL;
	return tracked(__kmalloc_node(grown(size), flags, node), size, __kmalloc_node, _RET_IP_);
}
EXPORT_SYMBOL(__memsan___kmalloc_node);

void *__memsan___kmalloc_node_track_caller(size_t size, gfp_t flags, int node,
					   unsigned long caller)
{
	if (memsan_inject_fail(flags, _RET_IP_))
		return NULL;
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
	if (memsan_inject_fail(flags, _RET_IP_))
		return NULL;
	if (!memsan_enabled())
		return kmalloc_trace(cache, flags, size);
	return tracked(__kmalloc(grown(size), flags), size, kmalloc_trace, _RET_IP_);
}
EXPORT_SYMBOL(__memsan_kmalloc_trace);

void *__memsan_kmalloc_node_trace(struct kmem_cache *cache, gfp_t flags, int node, size_t size)
{
	if (memsan_inject_fail(flags, _RET_IP_))
		return NULL;
	if (!memsan_enabled())
		return kmalloc_node_trace(cache, flags, node, size);
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

/*
 * krealloc() and ksize() read the object first, as KASAN has them do: one
 * byte at its start.  A freed (quarantined) object is reported there as a
 * use-after-free by the caller, and the call is not made: krealloc()
 * returns NULL, ksize() 0, as under KASAN.
 */
static bool object_usable(const void *ptr, unsigned long ip)
{
	return ZERO_OR_NULL_PTR(ptr) || memsan_check_range(ptr, 1, false, ip);
}

/* The rules of krealloc(), ksize() and kvmalloc() are lifecycle.c's. */
void *__memsan_krealloc(const void *old, size_t size, gfp_t flags)
{
	void *ptr;

	if (size && memsan_inject_fail(flags, _RET_IP_))
		return NULL;
	if (!object_usable(old, _RET_IP_))
		return NULL;
	/* the redzone too: in place only if it still fits, else a new object with one */
	ptr = krealloc(old, size ? grown(size) : 0, flags);
	if (!memsan_enabled() || !memsan_realloc_needs_record(old, ptr))
		return ptr;
	return tracked(ptr, size, krealloc, _RET_IP_);
}
EXPORT_SYMBOL(__memsan_krealloc);

size_t __memsan_ksize(const void *ptr)
{
	size_t size;

	if (!object_usable(ptr, _RET_IP_))
		return 0;
	size = ksize(ptr);

	if (memsan_enabled())
		size = memsan_track_ksize(ptr, size);
	return size;
}
EXPORT_SYMBOL(__memsan_ksize);

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
	return tracked_in(cache, kmem_cache_alloc(cache, flags), kmem_cache_alloc, _RET_IP_);
}
EXPORT_SYMBOL(__memsan_kmem_cache_alloc);

void *__memsan_kmem_cache_alloc_lru(struct kmem_cache *cache, struct list_lru *lru,
				    gfp_t flags)
{
	if (memsan_inject_fail(flags, _RET_IP_))
		return NULL;
	return tracked_in(cache, kmem_cache_alloc_lru(cache, lru, flags), kmem_cache_alloc_lru,
			  _RET_IP_);
}
EXPORT_SYMBOL(__memsan_kmem_cache_alloc_lru);

void *__memsan_kmem_cache_alloc_node(struct kmem_cache *cache, gfp_t flags, int node)
{
	if (memsan_inject_fail(flags, _RET_IP_))
		return NULL;
	return tracked_in(cache, kmem_cache_alloc_node(cache, flags, node),
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
	if (got <= 0 || !memsan_enabled() || !memsan_cache_trackable(cache))
		return got;
	stack = memsan_save_stack((unsigned long)kmem_cache_alloc_bulk, _RET_IP_);
	for (i = 0; i < got; i++)
		memsan_track_object(ptrs[i], 0, stack);
	return got;
}
EXPORT_SYMBOL(__memsan_kmem_cache_alloc_bulk);

/* === Free === */

void __memsan_kfree(const void *ptr)
{
	if (memsan_enabled())
		memsan_free_object(NULL, (void *)ptr, MEMSAN_RELEASE_KFREE, _RET_IP_,
				   (unsigned long)kfree);
	else
		kfree(ptr);
}
EXPORT_SYMBOL(__memsan_kfree);

void __memsan_kmem_cache_free(struct kmem_cache *cache, void *ptr)
{
	if (memsan_enabled())
		memsan_free_object(cache, ptr, MEMSAN_RELEASE_CACHE_FREE, _RET_IP_,
				   (unsigned long)kmem_cache_free);
	else
		kmem_cache_free(cache, ptr);
}
EXPORT_SYMBOL(__memsan_kmem_cache_free);

void __memsan_kmem_cache_free_bulk(struct kmem_cache *cache, size_t nr, void **ptrs)
{
	if (memsan_enabled())
		memsan_free_bulk(cache, nr, ptrs, _RET_IP_);
	else
		kmem_cache_free_bulk(cache, nr, ptrs);
}
EXPORT_SYMBOL(__memsan_kmem_cache_free_bulk);

/*
 * A second kmem_cache_destroy() finds the cache's struct kmem_cache freed:
 * memsan tracks it as an object (see module_cache()), which the kernel's
 * free at the first destroy sent to the quarantine.
 */
void __memsan_kmem_cache_destroy(struct kmem_cache *cache)
{
	char name[MEMSAN_CACHE_NAME_LEN];
	struct memsan_object rec;

	if (cache && memsan_enabled() && memsan_object_lookup((unsigned long)cache, &rec) &&
	    rec.state == MEMSAN_OBJECT_QUARANTINED) {
		if (!memsan_cache_dead_name(cache, name))
			name[0] = '\0';
		memsan_report_double_destroy(cache, name, _RET_IP_);
		return;
	}
	if (cache)
		memsan_cache_forget(cache, NULL);
	memsan_cache_destroy(cache);
}
EXPORT_SYMBOL(__memsan_kmem_cache_destroy);

/*
 * === Caches the module creates ===
 *
 * Their objects get a redzone: the cache is made for the size asked for
 * plus the redzone parameter, and memsan remembers the size (objects/
 * caches.c) so that the object, ksize() and kmem_cache_size() keep it.
 * SLAB_NOLEAKTRACE (no effect without kmemleak) keeps SLUB from merging the
 * cache with another one: the size memsan remembers is this cache's alone,
 * and each create makes its own struct kmem_cache, which memsan tracks to
 * catch a second destroy.  SLAB_TYPESAFE_BY_RCU caches are not tracked: no
 * redzone.
 */
static unsigned int cache_redzone(slab_flags_t flags)
{
	if (!memsan_enabled() || (flags & SLAB_TYPESAFE_BY_RCU) || !memsan_cache_can_remember())
		return 0;
	return READ_ONCE(memsan_redzone);
}

static slab_flags_t cache_flags(slab_flags_t flags)
{
	return memsan_enabled() ? flags | SLAB_NOLEAKTRACE : flags;
}

static struct kmem_cache *module_cache(struct kmem_cache *cache, const char *name,
				       unsigned int size, unsigned int redzone, void *fn,
				       unsigned long ret)
{
	if (!cache || !memsan_enabled())
		return cache;
	if (memsan_cache_remember(cache, size, name) && redzone)
		pr_warn_once("memsan: too many module caches: a redzone is not hidden from kmem_cache_size()\n");
	tracked(cache, 0, fn, ret);
	return cache;
}

struct kmem_cache *__memsan_kmem_cache_create(const char *name, unsigned int size,
					      unsigned int align, slab_flags_t flags,
					      void (*ctor)(void *))
{
	unsigned int redzone = cache_redzone(flags);

	return module_cache(kmem_cache_create(name, size + redzone, align, cache_flags(flags),
					      ctor),
			    name, size, redzone, kmem_cache_create, _RET_IP_);
}
EXPORT_SYMBOL(__memsan_kmem_cache_create);

struct kmem_cache *__memsan_kmem_cache_create_usercopy(const char *name, unsigned int size,
						       unsigned int align, slab_flags_t flags,
						       unsigned int useroffset,
						       unsigned int usersize,
						       void (*ctor)(void *))
{
	unsigned int redzone = cache_redzone(flags);

	return module_cache(kmem_cache_create_usercopy(name, size + redzone, align,
						       cache_flags(flags), useroffset, usersize,
						       ctor),
			    name, size, redzone, kmem_cache_create_usercopy, _RET_IP_);
}
EXPORT_SYMBOL(__memsan_kmem_cache_create_usercopy);

unsigned int __memsan_kmem_cache_size(struct kmem_cache *cache)
{
	return memsan_cache_user_size(cache) ?: kmem_cache_size(cache);
}
EXPORT_SYMBOL(__memsan_kmem_cache_size);

/*
 * === Copies: the kernel allocates them for the caller ===
 *
 * The size recorded is always the size allocated, computed from the
 * arguments as the kernel function computes it, never from the copy's
 * contents: a string may hold a NUL before its end.  A source range that is
 * bad is reported and not copied: the call returns NULL.
 */

/* Record @ptr of @size bytes, unless it is NULL or an error pointer. */
static void *tracked_copy(void *ptr, size_t size, void *fn, unsigned long ret)
{
	return IS_ERR_OR_NULL(ptr) ? ptr : tracked(ptr, size, fn, ret);
}

char *__memsan_kstrdup(const char *str, gfp_t flags)
{
	size_t size;

	if (!str)
		return NULL;
	if (memsan_inject_fail(flags, _RET_IP_))
		return NULL;
	size = strlen(str) + 1;
	if (!memsan_check_range(str, size, false, _RET_IP_))
		return NULL;
	return tracked_copy(kstrdup(str, flags), size, kstrdup, _RET_IP_);
}
EXPORT_SYMBOL(__memsan_kstrdup);

char *__memsan_kstrndup(const char *str, size_t max, gfp_t flags)
{
	size_t len;

	if (!str)
		return NULL;
	if (memsan_inject_fail(flags, _RET_IP_))
		return NULL;
	len = strnlen(str, max);
	if (!memsan_check_range(str, min(len + 1, max), false, _RET_IP_))
		return NULL;
	return tracked_copy(kstrndup(str, max, flags), len + 1, kstrndup, _RET_IP_);
}
EXPORT_SYMBOL(__memsan_kstrndup);

void *__memsan_kmemdup(const void *src, size_t len, gfp_t flags)
{
	if (memsan_inject_fail(flags, _RET_IP_))
		return NULL;
	if (!memsan_check_range(src, len, false, _RET_IP_))
		return NULL;
	return tracked_copy(kmemdup(src, len, flags), len, kmemdup, _RET_IP_);
}
EXPORT_SYMBOL(__memsan_kmemdup);

char *__memsan_kmemdup_nul(const char *str, size_t len, gfp_t flags)
{
	if (!str)
		return NULL;
	if (memsan_inject_fail(flags, _RET_IP_))
		return NULL;
	if (!memsan_check_range(str, len, false, _RET_IP_))
		return NULL;
	return tracked_copy(kmemdup_nul(str, len, flags), len + 1, kmemdup_nul, _RET_IP_);
}
EXPORT_SYMBOL(__memsan_kmemdup_nul);

/*
 * kvasprintf() as the kernel does it (measure on a copy of @args, allocate,
 * format), so that the size recorded is the formatted length plus the NUL:
 * "%c" of 0 puts a NUL inside the output.
 */
static __printf(2, 0) char *printf_alloc(gfp_t flags, const char *fmt, va_list args, void *fn,
			  unsigned long ret)
{
	size_t size;
	va_list aq;
	char *str;

	va_copy(aq, args);
	size = vsnprintf(NULL, 0, fmt, aq) + 1;
	va_end(aq);
	str = kmalloc_track_caller(grown(size), flags);
	if (!str)
		return NULL;
	vsnprintf(str, size, fmt, args);
	return tracked(str, size, fn, ret);
}

char *__memsan_kvasprintf(gfp_t flags, const char *fmt, va_list args)
{
	if (memsan_inject_fail(flags, _RET_IP_))
		return NULL;
	return printf_alloc(flags, fmt, args, (void *)kvasprintf, _RET_IP_);
}
EXPORT_SYMBOL(__memsan_kvasprintf);

char *__memsan_kasprintf(gfp_t flags, const char *fmt, ...)
{
	va_list args;
	char *str;

	if (memsan_inject_fail(flags, _RET_IP_))
		return NULL;
	va_start(args, fmt);
	str = printf_alloc(flags, fmt, args, (void *)kasprintf, _RET_IP_);
	va_end(args);
	return str;
}
EXPORT_SYMBOL(__memsan_kasprintf);

void *__memsan_memdup_user(const void __user *src, size_t len)
{
	if (memsan_inject_fail(GFP_USER, _RET_IP_))
		return ERR_PTR(-ENOMEM);
	return tracked_copy(memdup_user(src, len), len, memdup_user, _RET_IP_);
}
EXPORT_SYMBOL(__memsan_memdup_user);

void *__memsan_memdup_user_nul(const void __user *src, size_t len)
{
	if (memsan_inject_fail(GFP_USER, _RET_IP_))
		return ERR_PTR(-ENOMEM);
	return tracked_copy(memdup_user_nul(src, len), len + 1, memdup_user_nul, _RET_IP_);
}
EXPORT_SYMBOL(__memsan_memdup_user_nul);

/*
 * strndup_user() as the kernel does it (the user string's length with its
 * NUL, then a copy of that many bytes), so that the size recorded is the
 * size allocated even if user space moves the NUL in between.
 */
char *__memsan_strndup_user(const char __user *src, long max)
{
	long size;
	char *str;

	if (memsan_inject_fail(GFP_USER, _RET_IP_))
		return ERR_PTR(-ENOMEM);
	size = strnlen_user(src, max);
	if (!size)
		return ERR_PTR(-EFAULT);
	if (size > max)
		return ERR_PTR(-EINVAL);
	str = memdup_user(src, size);
	if (IS_ERR(str))
		return str;
	str[size - 1] = '\0';
	return tracked(str, size, strndup_user, _RET_IP_);
}
EXPORT_SYMBOL(__memsan_strndup_user);
