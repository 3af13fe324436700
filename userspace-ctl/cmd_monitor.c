// SPDX-License-Identifier: GPL-2.0
/*
 * memsan-ctl monitor: every new report as it happens, nothing from before.
 * Shares its machinery with cmd_reports.c ("reports --follow").
 */
#include <getopt.h>

#include "memsan-ctl.h"

static const struct option monitor_options[] = {
	{ "decode", required_argument, NULL, 'd' },
	{ NULL, 0, NULL, 0 },
};

static int monitor_handler(struct state *st, int argc, char **argv)
{
	struct reports_opts o = { 0 };
	uint64_t next = 0;
	int ret, first;

	ret = ms_getopt(st, argc, argv, "d:", monitor_options, ms_reports_opt, &o, &first);
	if (ret)
		return ret < 0 ? MS_EXIT_OK : ret;
	if (first < argc)
		return ms_usage_error(st, "unexpected argument '%s'", argv[first]);
	if (st->parse_only)
		return MS_EXIT_OK;

	ret = ms_open_decoder(st, o.decode);
	if (ret)
		return ret;
	ret = ms_nl_need(st);
	if (ret)
		return ret;
	/* An empty dump: EPERM here, with a clear message, on any kernel. */
	ret = ms_dump_reports(st, true, UINT64_MAX, true);
	if (!ret)
		ret = ms_nl_subscribe(st);
	if (ret)
		return ret;
	/* Only what comes after this point. */
	ret = ms_next_seq(st, &next);
	if (ret)
		return ret;
	st->last_seq = next ? next - 1 : 0;
	ret = ms_follow_reports(st);
	if (ret)
		return ret;
	return st->malformed ? MS_EXIT_ERROR : MS_EXIT_OK;
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
		 "  -d, --decode PATH.ko   add file:line to the frames of that module\n",
	.handler = monitor_handler,
};
MS_COMMAND(monitor_command);
