// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: the __asan_* runtime gcc's kernel-address instrumentation calls.
 *
 * Every load and store of an instrumented module calls one of these.  The
 * fast path is the shadow lookup alone (memsan_shadow_check_fast()); reporting is
 * out of line.  Untracked memory has no shadow and is never reported.
 */
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/uaccess.h>

#include "report/report.h"
#include "runtime/runtime.h"
#include "settings/settings.h"
#include "shadow_port/memsan_shadow.h"

/*
 * Instrumented code may run with user access open (between
 * user_access_begin() and _end()): every call out of the __asan_* functions
 * closes it first, as KASAN's report path does.
 */
static __always_inline bool asan_bad(unsigned long addr, size_t size)
{
	int bad = memsan_shadow_check_fast(addr, size);
	unsigned long ua_flags;

	if (likely(bad >= 0))
		return bad;
	ua_flags = user_access_save();
	bad = memsan_shadow_range_bad(addr, size);
	user_access_restore(ua_flags);
	return bad;
}

static __always_inline void report_access(unsigned long addr, size_t size, bool is_write,
					  unsigned long ip)
{
	unsigned long ua_flags = user_access_save();

	memsan_report_access(addr, size, is_write, ip);
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

#define DEFINE_ASAN_CHECK(kind, size, is_write)					\
	void __asan_##kind##size##_noabort(unsigned long addr)			\
	{									\
		if (memsan_enabled() && unlikely(asan_bad(addr, size)))		\
			report_access(addr, size, is_write, _RET_IP_);		\
	}									\
	EXPORT_SYMBOL(__asan_##kind##size##_noabort)

DEFINE_ASAN_CHECK(load, 1, false);
DEFINE_ASAN_CHECK(store, 1, true);
DEFINE_ASAN_CHECK(load, 2, false);
DEFINE_ASAN_CHECK(store, 2, true);
DEFINE_ASAN_CHECK(load, 4, false);
DEFINE_ASAN_CHECK(store, 4, true);
DEFINE_ASAN_CHECK(load, 8, false);
DEFINE_ASAN_CHECK(store, 8, true);
DEFINE_ASAN_CHECK(load, 16, false);
DEFINE_ASAN_CHECK(store, 16, true);

void __asan_loadN_noabort(unsigned long addr, size_t size)
{
	if (memsan_enabled() && unlikely(asan_bad(addr, size)))
		report_access(addr, size, false, _RET_IP_);
}
EXPORT_SYMBOL(__asan_loadN_noabort);

void __asan_storeN_noabort(unsigned long addr, size_t size)
{
	if (memsan_enabled() && unlikely(asan_bad(addr, size)))
		report_access(addr, size, true, _RET_IP_);
}
EXPORT_SYMBOL(__asan_storeN_noabort);

/* Stack instrumentation is off (asan-stack=0): nothing to unpoison. */
void __asan_handle_no_return(void)
{
}
EXPORT_SYMBOL(__asan_handle_no_return);
