// SPDX-License-Identifier: GPL-2.0
/*
 * memsan-ctl monitor: every new report as it happens, nothing from before.
 * The report stream is reports.c's, as for "reports --follow".
 */
#include <getopt.h>

#include "memsan-ctl.h"

static const struct option monitor_options[] = {
	MS_DECODE_OPTION,
	{ NULL, 0, NULL, 0 },
};

static int monitor_handler(struct state *st, int argc, char **argv)
{
	uint64_t next;
	int ret;

	st->stream = true;
	ret = ms_subscribe_reports(st, &next);
	if (ret)
		return ret;
	/* only what comes after this point */
	return ms_follow_reports(st, next ? next - 1 : 0);
}

static const struct command monitor_command = {
	.name = "monitor",
	.summary = "print each new report as it happens",
	.usage = "monitor [--decode PATH.ko]\n"
		 "\n"
		 "Print every new report as it happens, until interrupted: as text, each\n"
		 "exactly as the kernel printed it; with --json, one object per line.\n"
		 "Needs CAP_NET_ADMIN and CAP_SYS_ADMIN.\n"
		 "\n"
		 MS_DECODE_HELP,
	.flags = COMMAND_FLAG_NETLINK,
	.shortopts = "d:",
	.longopts = monitor_options,
	.handler = monitor_handler,
};
MS_COMMAND(monitor_command);
