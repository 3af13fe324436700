// SPDX-License-Identifier: GPL-2.0
/*
 * memsan-ctl: error and warning messages, "memsan-ctl: COMMAND: ..." on
 * st->err.  A leaf: every other file may call these, they call nothing of
 * memsan-ctl.
 */
#include "memsan-ctl.h"

static void vmessage(struct state *st, const char *fmt, va_list ap)
{
	fprintf(st->err, "%s: ", st->prog);
	if (st->cmd)
		fprintf(st->err, "%s: ", st->cmd->name);
	vfprintf(st->err, fmt, ap);
	fputc('\n', st->err);
	fflush(st->err);
}

int ms_error(struct state *st, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(st, fmt, ap);
	va_end(ap);
	return code;
}

void ms_warn(struct state *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(st, fmt, ap);
	va_end(ap);
}

int ms_usage_error(struct state *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(st, fmt, ap);
	va_end(ap);
	if (st->cmd)
		fprintf(st->err, "Try '%s %s --help'.\n", st->prog, st->cmd->name);
	else
		fprintf(st->err, "Try '%s --help'.\n", st->prog);
	return MS_EXIT_USAGE;
}
