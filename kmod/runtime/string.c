// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: checked string and memory functions.
 *
 * memsan.mk makes an instrumented module call these instead of the kernel's
 * (kmod/memsan_redirect.h).  Each checks exactly the bytes the real function
 * reads and writes, then calls it.  The report names the caller of the
 * string function, like a report of a plain access does.
 *
 * A call whose range is bad is reported and not performed, as KASAN does
 * for memset(), memcpy() and memmove(): a negative length (a huge size_t)
 * would otherwise run over the whole address space.  The skipped call
 * returns what tells the caller nothing was done: NULL from memcpy(),
 * memmove() and memset() (KASAN's value), the destination untouched from
 * the str*cpy and str*cat functions, -E2BIG from strscpy(), "different"
 * from the comparisons.  Functions that only find out how far they read by
 * reading (strlen(), strnlen(), memchr(), strchr(), strrchr()) are checked
 * after the fact: their reads stop at what they look for, like the kernel's.
 */
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "compat/compat.h"
#include "runtime/runtime.h"

#define check_read(p, n)	memsan_check_range(p, n, false, _RET_IP_)
#define check_write(p, n)	memsan_check_range(p, n, true, _RET_IP_)

/*
 * A call whose range is bad is reported and not performed, but it still
 * returns @dst as the real function would: the caller's compiler may use
 * the return value in place of @dst (kfree(memset(p, ...)) in effect), and
 * NULL there made the victim's kfree() a no-op and leaked the object.
 */

/* Bytes of a string of length @len bounded by @max the functions look at. */
static size_t bounded_len(size_t len, size_t max)
{
	return len < max ? len + 1 : max;
}

void *__memsan_memcpy(void *dst, const void *src, size_t len)
{
	if (!check_read(src, len) || !check_write(dst, len))
		return dst;
	return memcpy(dst, src, len);
}
EXPORT_SYMBOL(__memsan_memcpy);

void *__memsan_memmove(void *dst, const void *src, size_t len)
{
	if (!check_read(src, len) || !check_write(dst, len))
		return dst;
	return memmove(dst, src, len);
}
EXPORT_SYMBOL(__memsan_memmove);

void *__memsan_memset(void *dst, int c, size_t len)
{
	if (!check_write(dst, len))
		return dst;
	return memset(dst, c, len);
}
EXPORT_SYMBOL(__memsan_memset);

int __memsan_memcmp(const void *a, const void *b, size_t len)
{
	if (!check_read(a, len) || !check_read(b, len))
		return 1;
	return memcmp(a, b, len);
}
EXPORT_SYMBOL(__memsan_memcmp);

void *__memsan_memchr(const void *s, int c, size_t len)
{
	void *found = memchr(s, c, len);

	check_read(s, found ? (size_t)(found - s) + 1 : len);
	return found;
}
EXPORT_SYMBOL(__memsan_memchr);

size_t __memsan_strlen(const char *s)
{
	size_t len = strlen(s);

	check_read(s, len + 1);
	return len;
}
EXPORT_SYMBOL(__memsan_strlen);

size_t __memsan_strnlen(const char *s, size_t max)
{
	size_t len = strnlen(s, max);

	check_read(s, bounded_len(len, max));
	return len;
}
EXPORT_SYMBOL(__memsan_strnlen);

char *__memsan_strcpy(char *dst, const char *src)
{
	size_t len = strlen(src) + 1;

	if (!check_read(src, len) || !check_write(dst, len))
		return dst;
	return strcpy(dst, src);
}
EXPORT_SYMBOL(__memsan_strcpy);

/*
 * strncpy() reads up to the NUL or @len bytes and always writes @len bytes.
 * 7.x has no strncpy() left: an instrumented module gets memsan's own.
 */
char *__memsan_strncpy(char *dst, const char *src, size_t len)
{
	if (!check_read(src, bounded_len(strnlen(src, len), len)) || !check_write(dst, len))
		return dst;
	return memsan_strncpy(dst, src, len);
}
EXPORT_SYMBOL(__memsan_strncpy);

size_t __memsan_strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (!check_read(src, len + 1))
		return len;
	if (size) {
		size_t copy = min(len, size - 1);

		if (!check_write(dst, copy + 1))
			return len;
		memcpy(dst, src, copy);
		dst[copy] = '\0';
	}
	return len;	/* strlcpy()'s semantics, without the deprecated call */
}
EXPORT_SYMBOL(__memsan_strlcpy);

ssize_t __memsan_strscpy(char *dst, const char *src, size_t size)
{
	size_t n;

	if (!size)
		return strscpy(dst, src, size);
	n = bounded_len(strnlen(src, size), size);
	if (!check_read(src, n) || !check_write(dst, n))
		return -E2BIG;
	return strscpy(dst, src, size);
}
EXPORT_SYMBOL(__memsan_strscpy);

char *__memsan_strcat(char *dst, const char *src)
{
	size_t dlen = strlen(dst), slen = strlen(src);

	if (!check_read(dst, dlen + 1) || !check_read(src, slen + 1) ||
	    !check_write(dst + dlen, slen + 1))
		return dst;
	return strcat(dst, src);
}
EXPORT_SYMBOL(__memsan_strcat);

char *__memsan_strncat(char *dst, const char *src, size_t count)
{
	size_t dlen = strlen(dst), slen = strnlen(src, count);

	if (!check_read(dst, dlen + 1) || !check_read(src, bounded_len(slen, count)) ||
	    !check_write(dst + dlen, slen + 1))
		return dst;
	return strncat(dst, src, count);
}
EXPORT_SYMBOL(__memsan_strncat);

int __memsan_strcmp(const char *a, const char *b)
{
	size_t i = 0;

	while (a[i] == b[i] && a[i])
		i++;
	if (!check_read(a, i + 1) || !check_read(b, i + 1))
		return 1;
	return strcmp(a, b);
}
EXPORT_SYMBOL(__memsan_strcmp);

int __memsan_strncmp(const char *a, const char *b, size_t count)
{
	size_t i = 0;

	while (i < count && a[i] == b[i] && a[i])
		i++;
	if (!check_read(a, min(i + 1, count)) || !check_read(b, min(i + 1, count)))
		return 1;
	return strncmp(a, b, count);
}
EXPORT_SYMBOL(__memsan_strncmp);

char *__memsan_strchr(const char *s, int c)
{
	char *found = strchr(s, c);

	check_read(s, found ? (size_t)(found - s) + 1 : strlen(s) + 1);
	return found;
}
EXPORT_SYMBOL(__memsan_strchr);

char *__memsan_strrchr(const char *s, int c)
{
	check_read(s, strlen(s) + 1);
	return strrchr(s, c);
}
EXPORT_SYMBOL(__memsan_strrchr);

/*
 * === User copies: the kernel side of the copy ===
 *
 * instrumented.h's checks run inside the kernel's out-of-line functions,
 * where kasan_check_*() are empty: x86_64's _copy_from_user() and
 * _copy_to_user() (arm64 6.1 inlines them into the module, whose checks
 * memsan_redirect.h turns into calls to memsan), and strncpy_from_user() on
 * both.  A bad kernel range is reported and nothing is copied: the copy
 * "faults" on every byte (no zero fill of a buffer that is too small).
 */
#ifdef CONFIG_X86_64
unsigned long __memsan__copy_from_user(void *to, const void __user *from, unsigned long n)
{
	if (!check_write(to, n))
		return n;
	return _copy_from_user(to, from, n);
}
EXPORT_SYMBOL(__memsan__copy_from_user);

unsigned long __memsan__copy_to_user(void __user *to, const void *from, unsigned long n)
{
	if (!check_read(from, n))
		return n;
	return _copy_to_user(to, from, n);
}
EXPORT_SYMBOL(__memsan__copy_to_user);
#endif

/* Like KASAN, the whole of @count is checked: the function may write it all. */
long __memsan_strncpy_from_user(char *dst, const char __user *src, long count)
{
	if (count > 0 && !check_write(dst, count))
		return -EFAULT;
	return strncpy_from_user(dst, src, count);
}
EXPORT_SYMBOL(__memsan_strncpy_from_user);
