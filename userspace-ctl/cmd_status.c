// SPDX-License-Identifier: GPL-2.0
/* memsan-ctl status: version, state, configuration, counters. */
#include <errno.h>
#include <stdlib.h>

#include "memsan-ctl.h"

static int status_reply(struct state *st, struct nlmsghdr *nlh, void *arg)
{
	struct ms_status *s = arg;
	char why[256];

	if (ms_parse_status(nlh, s, why, sizeof(why))) {
		st->malformed = true;
		return ms_error(st, MS_EXIT_ERROR, "malformed status message: %s", why);
	}
	ms_print_status(st, s);
	return 0;
}

static int status_handler(struct state *st, int argc, char **argv)
{
	struct ms_status *s = calloc(1, sizeof(*s));
	int ret;

	if (!s)
		return ms_error(st, MS_EXIT_ERROR, "out of memory");
	ret = ms_nl_do(st, MEMSAN_CMD_GET_STATUS, status_reply, s);
	free(s);
	if (ret == -EPROTO)
		return MS_EXIT_ERROR;
	if (ret)
		return ms_nl_fail(st, "reading the status", NULL);
	return MS_EXIT_OK;
}

static const struct command status_command = {
	.name = "status",
	.summary = "show version, state, configuration and counters",
	.usage = "status\n"
		 "\n"
		 "Show memsan's version, whether it is enabled, every configuration key\n"
		 "and every counter.  Needs no privileges.\n",
	.flags = COMMAND_FLAG_NETLINK,
	.handler = status_handler,
};
MS_COMMAND(status_command);
