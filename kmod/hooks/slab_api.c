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
 * Allocations the kernel makes for a module through a function not wrapped
 * here (devm_kmalloc(), kstrdup_const(), ...) are not tracked unless
 * track=all.
 */
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "hooks/hooks.h"
#include "hooks/slab_api.h"
#include "objects/objects.h"
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
		memsan_track_ksize(ptr, size);
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

void __memsan_kmem_cache_destroy(struct kmem_cache *cache)
{
	memsan_cache_destroy(cache);
}
EXPORT_SYMBOL(__memsan_kmem_cache_destroy);

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
	return printf_alloc(flags, fmt, args, (void *)kvasprintf, _RET_IP_);
}
EXPORT_SYMBOL(__memsan_kvasprintf);

char *__memsan_kasprintf(gfp_t flags, const char *fmt, ...)
{
	va_list args;
	char *str;

	va_start(args, fmt);
	str = printf_alloc(flags, fmt, args, (void *)kasprintf, _RET_IP_);
	va_end(args);
	return str;
}
EXPORT_SYMBOL(__memsan_kasprintf);

void *__memsan_memdup_user(const void __user *src, size_t len)
{
	return tracked_copy(memdup_user(src, len), len, memdup_user, _RET_IP_);
}
EXPORT_SYMBOL(__memsan_memdup_user);

void *__memsan_memdup_user_nul(const void __user *src, size_t len)
{
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
	long size = strnlen_user(src, max);
	char *str;

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
