// SPDX-License-Identifier: GPL-2.0
/* memsan-ctl clear: forget the reports kept so far. */

#include "memsan-ctl.h"

static int clear_handler(struct state *st, int argc, char **argv)
{
	if (ms_nl_do(st, MEMSAN_CMD_CLEAR, NULL, NULL))
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
	.flags = COMMAND_FLAG_NETLINK,
	.handler = clear_handler,
};
MS_COMMAND(clear_command);
