// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: the __asan_* runtime gcc's kernel-address instrumentation calls.
 *
 * Every load and store of an instrumented module calls one of these.  The
 * fast path is the shadow lookup alone; reporting is out of line.  Untracked
 * memory has no shadow and is never reported.
 */
#include <linux/export.h>
#include <linux/kernel.h>

#include "memsan.h"

static __always_inline bool range_bad(unsigned long addr, size_t size)
{
	switch (size) {
	case 1:
		return shadow_check1(&memsan_shadow, addr);
	case 2:
		return shadow_check2(&memsan_shadow, addr);
	case 4:
		return shadow_check4(&memsan_shadow, addr);
	case 8:
		return shadow_check8(&memsan_shadow, addr);
	case 16:
		return shadow_check16(&memsan_shadow, addr);
	default:
		return shadow_checkN(&memsan_shadow, addr, size);
	}
}

/**
 * memsan_check_range() - check an access of @size bytes at @addr
 * @addr:	first byte
 * @size:	bytes accessed
 * @is_write:	store or load
 * @ip:		the instruction in the instrumented module that accesses
 */
void memsan_check_range(const void *addr, size_t size, bool is_write, unsigned long ip)
{
	if (!memsan_enabled())
		return;
	if (unlikely(range_bad((unsigned long)addr, size)))
		memsan_report_access((unsigned long)addr, size, is_write, ip);
}

#define DEFINE_ASAN_CHECK(kind, size, is_write)				\
	void __asan_##kind##size##_noabort(unsigned long addr)			\
	{									\
		if (memsan_enabled() && unlikely(range_bad(addr, size)))	\
			memsan_report_access(addr, size, is_write, _RET_IP_);	\
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
	memsan_check_range((const void *)addr, size, false, _RET_IP_);
}
EXPORT_SYMBOL(__asan_loadN_noabort);

void __asan_storeN_noabort(unsigned long addr, size_t size)
{
	memsan_check_range((const void *)addr, size, true, _RET_IP_);
}
EXPORT_SYMBOL(__asan_storeN_noabort);

/* Stack instrumentation is off (asan-stack=0): nothing to unpoison. */
void __asan_handle_no_return(void)
{
}
EXPORT_SYMBOL(__asan_handle_no_return);

/*
 * Global variable redzones are future work: the loader never runs the
 * constructors that would call these (CONFIG_CONSTRUCTORS is off), so memsan
 * will call them itself.  Until then globals are untracked, never reported.
 */
void __asan_register_globals(struct asan_global *globals, size_t n)
{
}
EXPORT_SYMBOL(__asan_register_globals);

void __asan_unregister_globals(struct asan_global *globals, size_t n)
{
}
EXPORT_SYMBOL(__asan_unregister_globals);
