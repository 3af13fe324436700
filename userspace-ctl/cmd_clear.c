// SPDX-License-Identifier: GPL-2.0
/* memsan-ctl clear: forget the reports kept so far. */

#include "memsan-ctl.h"

static int clear_handler(struct state *st, int argc, char **argv)
{
	struct nl_msg *msg;
	int ret, first;

	ret = ms_getopt(st, argc, argv, "", NULL, NULL, NULL, &first);
	if (ret)
		return ret < 0 ? MS_EXIT_OK : ret;
	if (first < argc)
		return ms_usage_error(st, "unexpected argument '%s'", argv[first]);
	if (st->parse_only)
		return MS_EXIT_OK;

	ret = ms_nl_need(st);
	if (ret)
		return ret;
	msg = ms_nl_msg(st, MEMSAN_CMD_CLEAR, 0);
	if (!msg)
		return ms_error(st, MS_EXIT_ERROR, "out of memory");
	if (ms_nl_request(st, msg, NULL, NULL))
		return ms_nl_fail(st, "clearing the reports", "CAP_NET_ADMIN");
	return MS_EXIT_OK;
}

static const struct command clear_command = {
	.name = "clear",
	.summary = "forget the reports kept so far",
	.usage = "clear\n"
		 "\n"
		 "Empty memsan's ring of reports (and its table of reported code\n"
		 "locations: a bug reported before is reported again).  Sequence numbers\n"
		 "are not reused.  Needs CAP_NET_ADMIN.\n",
	.handler = clear_handler,
};
MS_COMMAND(clear_command);
