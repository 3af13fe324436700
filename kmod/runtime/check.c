// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: the __asan_* runtime gcc's kernel-address instrumentation calls.
 *
 * Every load and store of an instrumented module calls one of these.  The
 * fast path is the shadow lookup alone (memsan_shadow_fast_clean()); the rest
 * of the check and reporting are out of line.  Untracked memory has no shadow and is never reported.
 */
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/uaccess.h>

#include "report/report.h"
#include "runtime/runtime.h"
#include "settings/settings.h"
#include "shadow_port/memsan_shadow.h"

/*
 * Everything the inline part of a check did not decide, out of line so that
 * the fast path saves no register and sets up no frame: misaligned accesses,
 * shadow bytes that are not zero, the module area, memory outside the linear
 * map, and the report.
 */
static noinline void asan_check_slow(unsigned long addr, size_t size, bool is_write,
				     unsigned long ip)
{
	if (memsan_shadow_bad(addr, size))
		memsan_report_access(addr, size, is_write, ip);
}

/*
 * Instrumented code may run with user access open (between
 * user_access_begin() and _end()): the __asan_* functions close it before
 * they call out, as KASAN's report path does.
 */
static __always_inline void asan_slow(unsigned long addr, size_t size, bool is_write,
				      unsigned long ip)
{
	unsigned long ua_flags = user_access_save();

	asan_check_slow(addr, size, is_write, ip);
	user_access_restore(ua_flags);
}

/**
 * memsan_check_range() - check an access of @size bytes at @addr
 * @addr:	first byte
 * @size:	bytes accessed
 * @is_write:	store or load
 * @ip:		the instruction in the instrumented module that accesses
 *
 * Return: true if the access may go ahead, false if a byte of it is bad
 * (reported, or a duplicate of a report): the caller must not perform it.
 */
bool memsan_check_range(const void *addr, size_t size, bool is_write, unsigned long ip)
{
	/* called from memsan's own string functions: user access is closed */
	if (!memsan_enabled() || likely(!memsan_shadow_bad((unsigned long)addr, size)))
		return true;
	memsan_report_access((unsigned long)addr, size, is_write, ip);
	return false;
}

/*
 * kasan_check_read() and kasan_check_write() of an instrumented module
 * (memsan_redirect.h takes over linux/kasan-checks.h): the checks
 * instrumented.h makes before atomic and bit operations and inline user
 * copies, outside user access sections.  The access itself is made by the
 * caller, in assembly: it goes ahead even when reported.
 */
bool __memsan_kasan_check_read(const void *p, unsigned int size)
{
	return memsan_check_range(p, size, false, _RET_IP_);
}
EXPORT_SYMBOL(__memsan_kasan_check_read);

bool __memsan_kasan_check_write(const void *p, unsigned int size)
{
	return memsan_check_range(p, size, true, _RET_IP_);
}
EXPORT_SYMBOL(__memsan_kasan_check_write);

/*
 * 1, 2, 4 and 8 bytes: a static key, then memsan_shadow_fast_clean() (one
 * range test, one directory load, one shadow load and compare); the rest is
 * out of line.
 */
#define DEFINE_ASAN_CHECK(kind, size, order, is_write)				\
	void __asan_##kind##size##_noabort(unsigned long addr)			\
	{									\
		if (!memsan_enabled() ||					\
		    likely(memsan_shadow_fast_clean(addr, order)))		\
			return;							\
		asan_slow(addr, size, is_write, _RET_IP_);			\
	}									\
	EXPORT_SYMBOL(__asan_##kind##size##_noabort)

DEFINE_ASAN_CHECK(load, 1, 0, false);
DEFINE_ASAN_CHECK(store, 1, 0, true);
DEFINE_ASAN_CHECK(load, 2, 1, false);
DEFINE_ASAN_CHECK(store, 2, 1, true);
DEFINE_ASAN_CHECK(load, 4, 2, false);
DEFINE_ASAN_CHECK(store, 4, 2, true);
DEFINE_ASAN_CHECK(load, 8, 3, false);
DEFINE_ASAN_CHECK(store, 8, 3, true);

/* 16 bytes and any size: the inline in-page check, then out of line. */
static __always_inline void asan_check_any(unsigned long addr, size_t size, bool is_write,
					   unsigned long ip)
{
	if (!memsan_enabled() || likely(!memsan_shadow_check_fast(addr, size)))
		return;
	asan_slow(addr, size, is_write, ip);
}

void __asan_load16_noabort(unsigned long addr)
{
	asan_check_any(addr, 16, false, _RET_IP_);
}
EXPORT_SYMBOL(__asan_load16_noabort);

void __asan_store16_noabort(unsigned long addr)
{
	asan_check_any(addr, 16, true, _RET_IP_);
}
EXPORT_SYMBOL(__asan_store16_noabort);

void __asan_loadN_noabort(unsigned long addr, size_t size)
{
	asan_check_any(addr, size, false, _RET_IP_);
}
EXPORT_SYMBOL(__asan_loadN_noabort);

void __asan_storeN_noabort(unsigned long addr, size_t size)
{
	asan_check_any(addr, size, true, _RET_IP_);
}
EXPORT_SYMBOL(__asan_storeN_noabort);

/* Stack instrumentation is off (asan-stack=0): nothing to unpoison. */
void __asan_handle_no_return(void)
{
}
EXPORT_SYMBOL(__asan_handle_no_return);
