// SPDX-License-Identifier: GPL-2.0
/*
 * memsan-ctl reports: the reports kept in memsan's ring (a dump), and with
 * --follow every new one as it comes.  cmd_monitor.c shows only new ones.
 *
 * Following joins the "reports" group first, then dumps, then prints what
 * the group brings, skipping sequence numbers already printed.  A group that
 * carries only sequence numbers (MEMSAN_CMD_REPORT_READY: kernels that cannot
 * restrict a group) and a socket overrun are both caught up with a dump.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "memsan-ctl.h"

static const struct option reports_options[] = {
	{ "since", required_argument, NULL, 's' },
	{ "follow", no_argument, NULL, 'f' },
	{ "fail-on-report", no_argument, NULL, 'F' },
	{ "decode", required_argument, NULL, 'd' },
	{ NULL, 0, NULL, 0 },
};

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || *end ? -1 : 0;
}

int ms_reports_opt(struct state *st, int opt, const char *arg, void *ctx)
{
	struct reports_opts *o = ctx;

	switch (opt) {
	case 's':
		if (parse_u64(arg, &o->since))
			return ms_usage_error(st, "--since '%s': not a sequence number", arg);
		o->has_since = true;
		return 0;
	case 'f':
		o->follow = true;
		return 0;
	case 'F':
		o->fail_on_report = true;
		return 0;
	case 'd':
		if (!*arg)
			return ms_usage_error(st, "--decode needs the path of a .ko");
		o->decode = arg;
		return 0;
	}
	return MS_EXIT_USAGE;
}

/* One message of a GET_REPORTS dump, or of the group. */
static int report_msg(struct state *st, struct nlmsghdr *nlh, void *arg)
{
	bool lines = *(bool *)arg;
	struct ms_report r;
	char why[256];

	if (ms_parse_report(nlh, &r, why, sizeof(why))) {
		st->malformed = true;
		ms_warn(st, "malformed report message: %s", why);
		return 0;	/* the next one may be fine */
	}
	if (r.seq && r.seq <= st->last_seq)
		return 0;	/* printed already (dump and group overlap) */
	ms_print_report(st, &r, lines);
	return 0;
}

/* Dump the reports from @since on. 0, or an enum ms_exit. */
int ms_dump_reports(struct state *st, bool has_since, uint64_t since, bool lines)
{
	struct nl_msg *msg = ms_nl_msg(st, MEMSAN_CMD_GET_REPORTS, NLM_F_DUMP);

	if (!msg)
		return ms_error(st, MS_EXIT_ERROR, "out of memory");
	if (has_since && nla_put_u64(msg, MEMSAN_A_REPORT_SEQ, since)) {
		nlmsg_free(msg);
		return ms_error(st, MS_EXIT_ERROR, "out of memory");
	}
	if (ms_nl_request(st, msg, report_msg, &lines))
		return ms_nl_fail(st, "reading the reports", "CAP_NET_ADMIN");
	return 0;
}

/*
 * Reports after st->last_seq (up to at least @upto) did not come from the
 * group: fetch those memsan still keeps, and say how many are gone.
 */
static int catch_up(struct state *st, uint64_t upto)
{
	uint64_t last = st->last_seq;
	unsigned long printed = st->reports_printed;
	int ret = ms_dump_reports(st, true, last + 1, true);

	if (ret)
		return ret;
	if (st->last_seq < upto)
		st->last_seq = upto;	/* gone too */
	if (st->last_seq - last > st->reports_printed - printed)
		ms_warn(st, "%" PRIu64 " report(s) lost before they could be read "
			"(memsan keeps the last ones only; see 'reports')",
			st->last_seq - last - (st->reports_printed - printed));
	return 0;
}

/* Messages of the group; NULL: the socket overran and messages were lost. */
static int group_msg(struct state *st, struct nlmsghdr *nlh, void *arg)
{
	struct ms_report r;
	uint64_t seq;
	char why[256];

	if (!nlh)
		return catch_up(st, st->last_seq);
	switch (ms_msg_cmd(nlh)) {
	case MEMSAN_CMD_REPORT:
		/* a gap: the ones between were lost on the way, maybe still kept */
		if (!ms_parse_report(nlh, &r, why, sizeof(why)) && r.seq > st->last_seq + 1) {
			int ret = catch_up(st, r.seq - 1);

			if (ret)
				return ret;
		}
		return report_msg(st, nlh, arg);
	case MEMSAN_CMD_REPORT_READY:
		if (ms_parse_report_ready(nlh, &seq, why, sizeof(why))) {
			st->malformed = true;
			ms_warn(st, "malformed report notification: %s", why);
			return 0;
		}
		return seq > st->last_seq ? catch_up(st, seq) : 0;
	default:
		return 0;	/* not ours to show */
	}
}

static int next_seq_reply(struct state *st, struct nlmsghdr *nlh, void *arg)
{
	struct ms_status *s = calloc(1, sizeof(*s));
	char why[256];

	if (!s)
		return MS_EXIT_ERROR;
	if (!ms_parse_status(nlh, s, why, sizeof(why)) && s->has_next_seq)
		*(uint64_t *)arg = s->next_seq;
	free(s);
	return 0;
}

int ms_next_seq(struct state *st, uint64_t *next)
{
	struct nl_msg *msg = ms_nl_msg(st, MEMSAN_CMD_GET_STATUS, 0);

	*next = 0;
	if (!msg || ms_nl_request(st, msg, next_seq_reply, next))
		return ms_nl_fail(st, "reading the status", NULL);
	return 0;
}

/* Print what the group brings until a signal. */
int ms_follow_reports(struct state *st)
{
	bool lines = true;
	int ret = ms_nl_listen(st, group_msg, &lines);

	if (ret < 0)
		return MS_EXIT_ERROR;
	return ret;
}

int ms_open_decoder(struct state *st, const char *ko)
{
	return ko ? ms_decoder_open(st, ko) : 0;
}

static int reports_handler(struct state *st, int argc, char **argv)
{
	struct reports_opts o = { 0 };
	uint64_t next = 0;
	int ret, first;
	bool lines;

	ret = ms_getopt(st, argc, argv, "s:fFd:", reports_options, ms_reports_opt, &o, &first);
	if (ret)
		return ret < 0 ? MS_EXIT_OK : ret;
	if (first < argc)
		return ms_usage_error(st, "unexpected argument '%s'", argv[first]);
	if (st->parse_only)
		return MS_EXIT_OK;

	ret = ms_open_decoder(st, o.decode);
	if (ret)
		return ret;
	ret = ms_nl_open(st);
	if (ret < 0) {
		if (o.follow || o.has_since)
			return ms_error(st, MS_EXIT_ERROR, "%s needs the generic netlink family '%s'",
					o.follow ? "--follow" : "--since", st->family_name);
		ms_fallback_note(st);
		return ms_fallback_reports(st, o.fail_on_report);
	}
	if (ret)
		return ret;

	lines = o.follow;
	if (o.follow) {
		/* the dump checks the privileges with a clear error: do it first */
		ret = ms_dump_reports(st, true, UINT64_MAX, lines);
		if (!ret)
			ret = ms_nl_subscribe(st);
		/* what is older than this was in the ring for the dump below */
		if (!ret)
			ret = ms_next_seq(st, &next);
		if (ret)
			return ret;
	}
	ms_print_reports_begin(st, lines);
	ret = ms_dump_reports(st, o.has_since, o.since, lines);
	ms_print_reports_end(st, lines);
	if (!ret && o.follow) {
		/* from here on, a missing sequence number is a lost report */
		if (next && st->last_seq < next - 1)
			st->last_seq = next - 1;
		if (o.has_since && o.since && st->last_seq < o.since - 1)
			st->last_seq = o.since - 1;
		ret = ms_follow_reports(st);
	}
	if (ret)
		return ret;
	if (st->malformed)
		return MS_EXIT_ERROR;
	return o.fail_on_report && st->reports_printed ? MS_EXIT_REPORTS : MS_EXIT_OK;
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
		 "  -d, --decode PATH.ko   add file:line to the frames of that module\n"
		 "                         (nm and addr2line from binutils)\n",
	.handler = reports_handler,
};
MS_COMMAND(reports_command);
