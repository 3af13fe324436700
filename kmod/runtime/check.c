// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: the __asan_* checks of 1, 2, 4 and 8 bytes, which gcc's
 * kernel-address instrumentation calls for nearly every load and store of
 * an instrumented module.
 *
 * Their fast path is the shadow lookup alone (memsan_shadow_fast_clean());
 * everything else is memsan_check_slow() (check_slow.c), reached by a tail
 * call where user access needs no closing (arm64): then these functions
 * are leaves, and this file is built without frame records (Kbuild), which
 * a leaf does not need; the slow path has its own, so stack traces through
 * it still show the instrumented function.  Untracked memory has no shadow
 * and is never reported.
 */
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/uaccess.h>

#include "runtime/runtime.h"
#include "settings/settings.h"
#include "shadow_port/memsan_shadow.h"

/*
 * Instrumented code may run with user access open (between
 * user_access_begin() and _end()): close it before calling out, as KASAN's
 * report path does.
 */
static __always_inline void asan_slow(unsigned long addr, size_t size, bool is_write,
				      unsigned long ip)
{
	unsigned long ua_flags = user_access_save();

	memsan_check_slow(addr, size, is_write, ip);
	user_access_restore(ua_flags);
}

/*
 * The instrumented instruction, for the report.  On arm64 the slow path is
 * tail-called: its own return address is that instruction, and reading ours
 * here would strip its authentication code in the link register, which
 * costs this leaf a frame.
 */
#ifdef CONFIG_ARM64
#define ASAN_CALLER_IP	0UL
#else
#define ASAN_CALLER_IP	_RET_IP_
#endif

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
		asan_slow(addr, size, is_write, ASAN_CALLER_IP);		\
	}									\
	EXPORT_SYMBOL(__asan_##kind##size##_noabort)

DEFINE_ASAN_CHECK(load, 1, 0, false);
DEFINE_ASAN_CHECK(store, 1, 0, true);
DEFINE_ASAN_CHECK(load, 2, 1, false);
DEFINE_ASAN_CHECK(store, 2, 1, true);
DEFINE_ASAN_CHECK(load, 4, 2, false);
DEFINE_ASAN_CHECK(store, 4, 2, true);

/* 8 bytes, the most common: the address is not kept live (shadow_fast_clean8()) */
#define DEFINE_ASAN_CHECK8(kind, is_write)					\
	void __asan_##kind##8_noabort(unsigned long addr)			\
	{									\
		if (!memsan_enabled() ||					\
		    likely(memsan_shadow_fast_clean8(&addr)))			\
			return;							\
		asan_slow(addr, 8, is_write, ASAN_CALLER_IP);			\
	}									\
	EXPORT_SYMBOL(__asan_##kind##8_noabort)

DEFINE_ASAN_CHECK8(load, false);
DEFINE_ASAN_CHECK8(store, true);

/* Stack instrumentation is off (asan-stack=0): nothing to unpoison. */
void __asan_handle_no_return(void)
{
}
EXPORT_SYMBOL(__asan_handle_no_return);
