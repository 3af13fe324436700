// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: the out-of-line half of the access checks: what the inline part of
 * an __asan_* check did not decide (check.c), the checks memsan's string
 * functions and kasan_check_read()/_write() make, and the report.
 */
#include <linux/export.h>
#include <linux/kernel.h>

#include "report/report.h"
#include "runtime/runtime.h"
#include "settings/settings.h"
#include "shadow_port/memsan_shadow.h"

/**
 * memsan_check_slow() - the rest of an __asan_* check, and its report
 * @addr:	first byte accessed
 * @size:	bytes accessed
 * @is_write:	store or load
 * @ip:		the instruction in the instrumented module that accesses; 0:
 *		the caller tail-called this function, so it is our return address
 *
 * Misaligned accesses, shadow bytes that are not zero, the module area,
 * memory outside the linear map; nothing while memsan is off (the fast path
 * does not test it).  Called with user access closed.
 */
noinline void memsan_check_slow(unsigned long addr, size_t size, bool is_write,
				unsigned long ip)
{
	if (memsan_enabled() && memsan_shadow_bad(addr, size))
		memsan_report_access(addr, size, is_write, ip ? ip : _RET_IP_);
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
