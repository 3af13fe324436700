// SPDX-License-Identifier: GPL-2.0
/*
 * memsan-ctl: the report stream of "reports" and "monitor": dumps of the
 * reports kept, the "reports" group, and the sequence numbers that tie them.
 *
 * Following joins the group first, then (for "reports") dumps, then prints
 * what the group brings, skipping sequence numbers already printed.  A group
 * that carries only sequence numbers (MEMSAN_CMD_REPORT_READY: kernels that
 * cannot restrict a group) and a socket overrun are both caught up with a
 * dump.  Every report, from a dump or the group, goes through report_msg()
 * to the one report printer.
 */
#include <inttypes.h>

#include <netlink/attr.h>
#include <netlink/msg.h>

#include "memsan-ctl.h"

/* One message of a GET_REPORTS dump, or a MEMSAN_CMD_REPORT of the group. */
static int report_msg(struct state *st, struct nlmsghdr *nlh, void *arg)
{
	struct ms_report r;
	char why[256];

	if (ms_parse_report(nlh, &r, why, sizeof(why))) {
		st->malformed = true;
		ms_warn(st, "malformed report message: %s", why);
		return 0;	/* the next one may be fine */
	}
	if (r.seq && r.seq <= st->last_seq)
		return 0;	/* printed already (dump and group overlap) */
	ms_print_report(st, &r);
	return 0;
}

int ms_dump_reports(struct state *st, bool has_since, uint64_t since)
{
	struct nl_msg *msg = ms_nl_msg(st, MEMSAN_CMD_GET_REPORTS, NLM_F_DUMP);

	if (!msg)
		return ms_error(st, MS_EXIT_ERROR, "out of memory");
	if (has_since && nla_put_u64(msg, MEMSAN_A_REPORT_SEQ, since)) {
		nlmsg_free(msg);
		return ms_error(st, MS_EXIT_ERROR, "out of memory");
	}
	if (ms_nl_request(st, msg, report_msg, NULL))
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
	int ret = ms_dump_reports(st, true, last + 1);

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

int ms_subscribe_reports(struct state *st, uint64_t *next)
{
	struct ms_status_brief b;
	int ret;

	ret = ms_dump_reports(st, true, UINT64_MAX);
	if (!ret)
		ret = ms_nl_subscribe(st);
	if (ret)
		return ret;
	/* what is older than this was in the ring before we joined */
	if (ms_get_status_brief(st, &b))
		return ms_nl_fail(st, "reading the status", NULL);
	*next = b.next_seq;
	return 0;
}

int ms_follow_reports(struct state *st, uint64_t after)
{
	int ret;

	if (st->last_seq < after)
		st->last_seq = after;
	ret = ms_nl_listen(st, group_msg, NULL);
	if (ret < 0)
		return MS_EXIT_ERROR;
	if (ret)
		return ret;
	return st->malformed ? MS_EXIT_ERROR : MS_EXIT_OK;
}
