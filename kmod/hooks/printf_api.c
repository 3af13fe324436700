// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: formatted output into an instrumented module's buffers.
 *
 * The kernel's vsnprintf() is not instrumented: memsan_redirect.h sends a
 * module's snprintf(), vsnprintf(), scnprintf(), vscnprintf(), sprintf()
 * and vsprintf() here.  Each measures the output first (on a copy of the
 * va_list), checks the bytes the call would write (the output and its NUL,
 * at most the size given) as one write, and formats only if they are good:
 * a bad range is reported and nothing is written, as for memset().  The
 * return value of a skipped call is what the call would have returned with
 * nothing written: the length for the snprintf() forms, 0 for scnprintf().
 *
 * The price is formatting twice.
 */
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/minmax.h>

#include "hooks/mem_api.h"
#include "runtime/runtime.h"
#include "settings/settings.h"

/*
 * May vsnprintf(@buf, @size, @fmt, @args) write?  It writes min(length + 1,
 * @size) bytes; @size 0 writes nothing.  @args is not consumed.
 */
static __printf(3, 0) bool output_fits(char *buf, size_t size, const char *fmt, va_list args,
				       unsigned long ip)
{
	va_list aq;
	size_t len;

	if (!size || !memsan_enabled())
		return true;
	va_copy(aq, args);
	len = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	return memsan_check_range(buf, min(len + 1, size), true, ip);
}

/* The length the output would have, when nothing is written. */
static __printf(1, 0) int output_len(const char *fmt, va_list args)
{
	return vsnprintf(NULL, 0, fmt, args);
}

int __memsan_vsnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
	if (!output_fits(buf, size, fmt, args, _RET_IP_))
		return output_len(fmt, args);
	return vsnprintf(buf, size, fmt, args);
}
EXPORT_SYMBOL(__memsan_vsnprintf);

int __memsan_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list args;
	int ret;

	va_start(args, fmt);
	if (output_fits(buf, size, fmt, args, _RET_IP_))
		ret = vsnprintf(buf, size, fmt, args);
	else
		ret = output_len(fmt, args);
	va_end(args);
	return ret;
}
EXPORT_SYMBOL(__memsan_snprintf);

int __memsan_vscnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
	if (!output_fits(buf, size, fmt, args, _RET_IP_))
		return 0;
	return vscnprintf(buf, size, fmt, args);
}
EXPORT_SYMBOL(__memsan_vscnprintf);

int __memsan_scnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list args;
	int ret = 0;

	va_start(args, fmt);
	if (output_fits(buf, size, fmt, args, _RET_IP_))
		ret = vscnprintf(buf, size, fmt, args);
	va_end(args);
	return ret;
}
EXPORT_SYMBOL(__memsan_scnprintf);

/* sprintf() is vsnprintf() with no bound: the whole output and its NUL. */
int __memsan_vsprintf(char *buf, const char *fmt, va_list args)
{
	if (!output_fits(buf, INT_MAX, fmt, args, _RET_IP_))
		return output_len(fmt, args);
	return vsnprintf(buf, INT_MAX, fmt, args);
}
EXPORT_SYMBOL(__memsan_vsprintf);

int __memsan_sprintf(char *buf, const char *fmt, ...)
{
	va_list args;
	int ret;

	va_start(args, fmt);
	if (output_fits(buf, INT_MAX, fmt, args, _RET_IP_))
		ret = vsnprintf(buf, INT_MAX, fmt, args);
	else
		ret = output_len(fmt, args);
	va_end(args);
	return ret;
}
EXPORT_SYMBOL(__memsan_sprintf);
