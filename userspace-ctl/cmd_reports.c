// SPDX-License-Identifier: GPL-2.0
/*
 * memsan-ctl reports: the reports kept in memsan's ring (a dump), and with
 * --follow every new one as it comes (reports.c's report stream, as for
 * "monitor", which shows only new ones).
 */
#include <getopt.h>

#include "memsan-ctl.h"

static const struct option reports_options[] = {
	{ "since", required_argument, NULL, 's' },
	{ "follow", no_argument, NULL, 'f' },
	{ "fail-on-report", no_argument, NULL, 'F' },
	MS_DECODE_OPTION,
	{ NULL, 0, NULL, 0 },
};

static int reports_handler(struct state *st, int argc, char **argv)
{
	uint64_t next = 0, after = 0;
	int ret;

	st->stream = st->follow;
	if (st->follow) {
		/* join first: what is older than next is in the ring for the dump below */
		ret = ms_subscribe_reports(st, &next);
		if (ret)
			return ret;
	}
	ms_print_reports_begin(st);
	ret = ms_dump_reports(st, st->has_since, st->since);
	ms_print_reports_end(st);
	if (!ret && st->follow) {
		/* from here on, a missing sequence number is a lost report */
		if (next)
			after = next - 1;
		if (st->has_since && st->since && after < st->since - 1)
			after = st->since - 1;
		ret = ms_follow_reports(st, after);
	}
	if (ret)
		return ret;
	if (st->malformed)
		return MS_EXIT_ERROR;
	return st->fail_on_report && st->reports_printed ? MS_EXIT_REPORTS : MS_EXIT_OK;
}

static const struct command reports_command = {
	.name = "reports",
	.summary = "show the reports kept by memsan",
	.usage = "reports [--since SEQ] [--follow] [--fail-on-report] [--decode PATH.ko]\n"
		 "\n"
		 "Show the reports memsan still keeps, oldest first: as text, each exactly\n"
		 "as the kernel printed it; with --json, one array of report objects.\n"
		 "Needs CAP_NET_ADMIN (reports hold kernel addresses).\n"
		 "\n"
		 "  -s, --since SEQ        only reports with a sequence number >= SEQ\n"
		 "  -f, --follow           then print each new report as it happens, until\n"
		 "                         interrupted (--json: one object per line);\n"
		 "                         needs CAP_SYS_ADMIN too\n"
		 "  -F, --fail-on-report   exit with status 5 if any report was printed\n"
		 MS_DECODE_HELP
		 "                         (nm and addr2line from binutils)\n",
	.flags = COMMAND_FLAG_NETLINK,
	.shortopts = "s:fFd:",
	.longopts = reports_options,
	.handler = reports_handler,
};
MS_COMMAND(reports_command);
