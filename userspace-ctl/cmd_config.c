// SPDX-License-Identifier: GPL-2.0
/* memsan-ctl config: show or set memsan's configuration (its module parameters). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "memsan-ctl.h"

/* KEY or KEY=VALUE: KEY of [A-Za-z0-9_], both within the kernel's limits. */
static int check_operand(struct state *st, const char *arg)
{
	const char *eq = strchr(arg, '=');
	size_t klen = eq ? (size_t)(eq - arg) : strlen(arg);
	size_t i;

	if (!klen)
		return ms_usage_error(st, "'%s': missing key", arg);
	if (klen > MEMSAN_CONFIG_NAME_MAX)
		return ms_usage_error(st, "'%.*s': key longer than %d characters", (int)klen, arg,
				      MEMSAN_CONFIG_NAME_MAX);
	for (i = 0; i < klen; i++)
		if (!isalnum((unsigned char)arg[i]) && arg[i] != '_')
			return ms_usage_error(st, "'%.*s': not a configuration key", (int)klen,
					      arg);
	if (eq && strlen(eq + 1) > MEMSAN_CONFIG_VALUE_MAX)
		return ms_usage_error(st, "'%.*s': value longer than %d characters", (int)klen,
				      arg, MEMSAN_CONFIG_VALUE_MAX);
	return 0;
}

static int config_reply(struct state *st, struct nlmsghdr *nlh, void *arg)
{
	struct ms_config *c = arg;
	char why[256];

	if (ms_parse_config(nlh, c, why, sizeof(why))) {
		st->malformed = true;
		return ms_error(st, MS_EXIT_ERROR, "malformed config message: %s", why);
	}
	ms_print_config(st, c);
	return 0;
}

/* One MEMSAN_A_CONFIG_ENTRY; its offset in the message goes to *@off. */
static int put_entry(struct nl_msg *msg, const char *name, int nlen, const char *value,
		     int *off)
{
	struct nlattr *entry = nla_nest_start(msg, MEMSAN_A_CONFIG_ENTRY | NLA_F_NESTED);
	char key[MEMSAN_CONFIG_NAME_MAX + 1];

	if (!entry)
		return -1;
	*off = (char *)entry - (char *)nlmsg_hdr(msg);
	snprintf(key, sizeof(key), "%.*s", nlen, name);
	if (nla_put_string(msg, MEMSAN_A_ENTRY_NAME, key) ||
	    (value && nla_put_string(msg, MEMSAN_A_ENTRY_VALUE, value)))
		return -1;
	nla_nest_end(msg, entry);
	return 0;
}

/* The argument whose entry holds the extack offset of the failed request, or -1. */
static int bad_entry(struct state *st, const int *offs, int n)
{
	int i, bad = -1;

	for (i = 0; i < n; i++)
		if (offs[i] >= 0 && st->extack_off >= offs[i])
			bad = i;
	return bad;
}

/*
 * One request: SET_CONFIG with every KEY=VALUE of @args (all or none), or
 * GET_CONFIG with every KEY (all keys if there is none).
 */
static int config_request(struct state *st, int n, char **args, bool set)
{
	struct ms_config *c = calloc(1, sizeof(*c));
	int *offs = calloc(n + 1, sizeof(*offs));
	struct nl_msg *msg;
	int i, bad, ret;

	msg = ms_nl_msg(st, set ? MEMSAN_CMD_SET_CONFIG : MEMSAN_CMD_GET_CONFIG, 0);
	if (!msg || !offs || !c) {
		ret = ms_error(st, MS_EXIT_ERROR, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		char *eq = strchr(args[i], '=');

		offs[i] = -1;
		if (!eq == set)
			continue;
		if (put_entry(msg, args[i], eq ? eq - args[i] : (int)strlen(args[i]),
			      eq ? eq + 1 : NULL, &offs[i])) {
			ret = ms_error(st, MS_EXIT_ERROR, "request too large");
			goto out;
		}
	}
	ret = ms_nl_request(st, msg, set ? NULL : config_reply, c);
	msg = NULL;
	if (!ret)
		goto out;
	if (ret == -EPROTO) {
		ret = MS_EXIT_ERROR;
		goto out;
	}
	if (st->nl_errno == EPERM || st->nl_errno == EACCES) {
		ret = ms_nl_fail(st, "setting the configuration", "CAP_NET_ADMIN");
		goto out;
	}
	bad = bad_entry(st, offs, n);
	if (bad >= 0)
		ret = ms_error(st, MS_EXIT_ERROR, "%s: %s%s", args[bad],
			       st->extack[0] ? st->extack : strerror(st->nl_errno),
			       set && n > 1 ? " (nothing was changed)" : "");
	else
		ret = ms_nl_fail(st, set ? "setting the configuration" :
				 "reading the configuration", NULL);
out:
	if (msg)
		nlmsg_free(msg);
	free(offs);
	free(c);
	return ret;
}

static int check_operands(struct state *st, int argc, char **argv)
{
	int i, ret;

	for (i = 0; i < argc; i++) {
		ret = check_operand(st, argv[i]);
		if (ret)
			return ret;
	}
	return 0;
}

static int config_handler(struct state *st, int argc, char **argv)
{
	int ret, i, nset = 0;

	for (i = 0; i < argc; i++)
		nset += !!strchr(argv[i], '=');
	if (nset) {
		ret = config_request(st, argc, argv, true);
		if (ret)
			return ret;
	}
	if (nset < argc || !nset)
		return config_request(st, argc, argv, false);
	return MS_EXIT_OK;
}

static const struct command config_command = {
	.name = "config",
	.summary = "show or set the configuration",
	.usage = "config [KEY[=VALUE]...]\n"
		 "\n"
		 "Without arguments, show every configuration key as KEY=VALUE.  A KEY\n"
		 "shows that key; KEY=VALUE sets it, with the checks of the module\n"
		 "parameter of that name (/sys/module/memsan/parameters/KEY).  All the\n"
		 "KEY=VALUE of one command are set together: all of them, or none if one\n"
		 "is rejected.  Setting needs CAP_NET_ADMIN.\n",
	.flags = COMMAND_FLAG_NETLINK,
	.check_operands = check_operands,
	.handler = config_handler,
};
MS_COMMAND(config_command);
