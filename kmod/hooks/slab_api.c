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
 * The allocation entry points differ between kernels: slab_api_plain.c has
 * the plain names (6.1), slab_api_noprof.c the *_noprof ones (6.10+); Kbuild
 * builds the one compat/conftest.sh found in the kernel's headers.  This
 * file has what every kernel shares.
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
 * ksize() reads the object first, as KASAN has it do: see object_usable().
 * A freed object is reported and the call is not made: ksize() returns 0.
 */
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
 * memsan tracks it as an object (see module_cache()), which the
 * kernel's free at the first destroy sent to the quarantine.
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
 * redzone.  6.1 exports kmem_cache_create() and kmem_cache_create_usercopy();
 * 6.12+ has both as inlines over __kmem_cache_create_args()
 * (MEMSAN_HAVE_KMEM_CACHE_CREATE_ARGS), which is wrapped instead.
 *
 * The left redzone is memsan's guard, as in its own kmalloc caches
 * (objects/own_caches.c): MEMSAN_GUARD bytes more at the end of every
 * object, the left redzone of the next one, and the first object of each
 * slab kept back (alloc_unheld()) until the cache is destroyed.  SLUB's own
 * left redzone (SLAB_RED_ZONE) would do the same, but every allocation and
 * free of such a cache takes SLUB's slow debug path.
 */
static unsigned int cache_redzone(slab_flags_t flags)
{
	if (!memsan_enabled() || (flags & SLAB_TYPESAFE_BY_RCU) || !memsan_cache_can_remember())
		return 0;
	return READ_ONCE(memsan_redzone);
}

/* The bytes memsan adds to each object: the redzone, then the guard. */
static unsigned int cache_extra(unsigned int redzone)
{
	return redzone ? redzone + MEMSAN_GUARD : 0;
}

static slab_flags_t cache_flags(slab_flags_t flags)
{
	return memsan_enabled() ? flags | SLAB_NOLEAKTRACE : flags;
}

/* The guard must hide at least 16 bytes of an underflow: objects 16-byte aligned. */
#define CACHE_MIN_ALIGN		16
static_assert(MEMSAN_GUARD >= CACHE_MIN_ALIGN);

static unsigned int cache_align(unsigned int align, unsigned int redzone)
{
	return redzone ? max_t(unsigned int, align, CACHE_MIN_ALIGN) : align;
}

static struct kmem_cache *module_cache(struct kmem_cache *cache, const char *name,
				       unsigned int size, unsigned int redzone, void *fn,
				       unsigned long ret)
{
	if (!cache || !memsan_enabled())
		return cache;
	if (memsan_cache_remember(cache, size, name) && redzone)
		pr_warn_once("memsan: too many module caches: a redzone is not hidden from kmem_cache_size()\n");
	/* SLUB's own left redzone (slub_debug=Z) does without the guard */
	if (redzone && !memsan_cache_left_pad(cache) && !memsan_allocator_guard_add(cache))
		pr_warn_once("memsan: too many guarded caches: objects of a module's cache have no left redzone\n");
	tracked(cache, 0, fn, ret);
	return cache;
}

#ifdef MEMSAN_HAVE_KMEM_CACHE_CREATE_ARGS
struct kmem_cache *__memsan___kmem_cache_create_args(const char *name, unsigned int size,
						     struct kmem_cache_args *args,
						     slab_flags_t flags)
{
	unsigned int redzone = cache_redzone(flags);
	struct kmem_cache_args ours = {};

	if (args)
		ours = *args;
	ours.align = cache_align(ours.align, redzone);
	return module_cache(__kmem_cache_create_args(name, size + cache_extra(redzone), &ours,
						     cache_flags(flags)),
			    name, size, redzone, __kmem_cache_create_args, _RET_IP_);
}
EXPORT_SYMBOL(__memsan___kmem_cache_create_args);
#else
struct kmem_cache *__memsan_kmem_cache_create(const char *name, unsigned int size,
					      unsigned int align, slab_flags_t flags,
					      void (*ctor)(void *))
{
	unsigned int redzone = cache_redzone(flags);

	return module_cache(kmem_cache_create(name, size + cache_extra(redzone),
					      cache_align(align, redzone), cache_flags(flags), ctor),
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

	return module_cache(kmem_cache_create_usercopy(name, size + cache_extra(redzone),
						       cache_align(align, redzone),
						       cache_flags(flags), useroffset,
						       usersize, ctor),
			    name, size, redzone, kmem_cache_create_usercopy, _RET_IP_);
}
EXPORT_SYMBOL(__memsan_kmem_cache_create_usercopy);
#endif

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
	if (!own_kmalloc(size, flags, NUMA_NO_NODE, fn, ret, (void **)&str))
		str = tracked(kmalloc_track_caller(grown(size), flags), size, fn, ret);
	if (str)
		vsnprintf(str, size, fmt, args);
	return str;
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
