// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: the __asan_* checks (1, 2, 4, 8, 16 bytes and any size), which
 * gcc's kernel-address instrumentation calls for nearly every load and
 * store of an instrumented module.
 *
 * Their fast path is the shadow lookup alone (memsan_shadow_fast_clean(),
 * _clean16(), _cleanN());
 * everything else is memsan_check_slow() (check_slow.c), reached by a tail
 * call where user access needs no closing (arm64): then these functions
 * are leaves, and this file is built without frame records (Kbuild), which
 * a leaf does not need; the slow path has its own, so stack traces through
 * it still show the instrumented function.  Untracked memory has no shadow
 * and is never reported.
 *
 * The fast path does not test memsan_enabled(): a shadow byte of zero is
 * never reported, enabled or not, and the slow path tests it before
 * anything else.  The shadow is valid for memsan's whole life (set up before
 * the switch goes on, torn down on unload, when no module that calls these
 * is left; before it is set up its bound is 0 and every access goes out of
 * line); after memsan disabled itself, stale shadow costs a slow path and
 * reports nothing.
 */
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/uaccess.h>

#include "runtime/runtime.h"
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
 * 1, 2, 4 and 8 bytes: memsan_shadow_fast_clean() (one range test, one
 * directory load, one shadow load and compare); the rest is out of line.
 */
#define DEFINE_ASAN_CHECK(kind, size, order, is_write)				\
	void __asan_##kind##size##_noabort(unsigned long addr)			\
	{									\
		if (likely(memsan_shadow_fast_clean(addr, order)))		\
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
		if (likely(memsan_shadow_fast_clean8(&addr)))			\
			return;							\
		asan_slow(addr, 8, is_write, ASAN_CALLER_IP);			\
	}									\
	EXPORT_SYMBOL(__asan_##kind##8_noabort)

DEFINE_ASAN_CHECK8(load, false);
DEFINE_ASAN_CHECK8(store, true);

/*
 * 16 bytes: 8-byte aligned and not the last granule of a page, one shadow
 * load of both granules' bytes; anything else (misaligned, a page's last
 * granule, a shadow byte that is not zero) out of line, exactly.
 */
#define DEFINE_ASAN_CHECK16(kind, is_write)					\
	void __asan_##kind##16_noabort(unsigned long addr)			\
	{									\
		if (likely(memsan_shadow_fast_clean16(addr)))			\
			return;							\
		asan_slow(addr, 16, is_write, ASAN_CALLER_IP);			\
	}									\
	EXPORT_SYMBOL(__asan_##kind##16_noabort)

DEFINE_ASAN_CHECK16(load, false);
DEFINE_ASAN_CHECK16(store, true);

/*
 * Any size: up to 16 bytes within two granules, the first and the last
 * granule's shadow bytes (the two may be in different pages); bigger
 * accesses, three granules, a shadow byte that is not zero: out of line,
 * where every granule of the range is checked.
 */
#define DEFINE_ASAN_CHECKN(kind, is_write)					\
	void __asan_##kind##N_noabort(unsigned long addr, size_t size)		\
	{									\
		if (likely(memsan_shadow_fast_cleanN(addr, size)))		\
			return;							\
		asan_slow(addr, size, is_write, ASAN_CALLER_IP);		\
	}									\
	EXPORT_SYMBOL(__asan_##kind##N_noabort)

DEFINE_ASAN_CHECKN(load, false);
DEFINE_ASAN_CHECKN(store, true);

/* Stack instrumentation is off (asan-stack=0): nothing to unpoison. */
void __asan_handle_no_return(void)
{
}
EXPORT_SYMBOL(__asan_handle_no_return);
