// SPDX-License-Identifier: GPL-2.0
/*
 * memsan-ctl leaks: scan for the leaks of the instrumented modules now, and
 * show the reports the scan made.
 */
#include <getopt.h>
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <json-c/json.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "memsan-ctl.h"

static const struct option leaks_options[] = {
	{ "module", required_argument, NULL, 'm' },
	{ "fail-on-report", no_argument, NULL, 'F' },
	MS_DECODE_OPTION,
	{ NULL, 0, NULL, 0 },
};

struct leaks_reply {
	bool got;
	struct ms_leak_scan scan;
	struct json_object *reports;	/* --json: the new reports */
};

static int scan_msg(struct state *st, struct nlmsghdr *nlh, void *arg)
{
	struct leaks_reply *l = arg;
	char why[256];

	if (ms_parse_leak_scan(nlh, &l->scan, why, sizeof(why))) {
		st->malformed = true;
		ms_warn(st, "malformed leak scan reply: %s", why);
		return 0;
	}
	l->got = true;
	return 0;
}

/* A report of the dump: --json collects it, text prints it. */
static int report_msg(struct state *st, struct nlmsghdr *nlh, void *arg)
{
	struct leaks_reply *l = arg;
	struct ms_report r;
	char why[256];

	if (ms_parse_report(nlh, &r, why, sizeof(why))) {
		st->malformed = true;
		ms_warn(st, "malformed report message: %s", why);
		return 0;
	}
	if (strcmp(r.bug, "memory-leak"))
		return 0;	/* another bug that happened meanwhile: see 'reports' */
	st->reports_printed++;
	if (st->json)
		json_object_array_add(l->reports, ms_report_json(st, &r));
	else
		ms_print_report(st, &r);
	return 0;
}

static void print_summary(struct state *st, const struct leaks_reply *l)
{
	const struct ms_leak_scan *s = &l->scan;
	struct json_object *o;

	if (!st->json) {
		fprintf(st->out, "leak scan: %" PRIu32 " module%s, %" PRIu32 " objects checked, "
			"%" PRIu32 " leaked, %" PRIu32 " new report%s; %" PRIu64
			" bytes scanned in %" PRIu64 " ms%s\n",
			s->modules, s->modules == 1 ? "" : "s", s->candidates, s->leaked,
			s->reports, s->reports == 1 ? "" : "s", s->bytes_scanned,
			s->duration_ns / 1000000,
			s->incomplete ? " (incomplete: some memory could not be read)" : "");
		return;
	}
	o = json_object_new_object();
	json_object_object_add(o, "modules", json_object_new_uint64(s->modules));
	json_object_object_add(o, "objects_checked", json_object_new_uint64(s->candidates));
	json_object_object_add(o, "leaked", json_object_new_uint64(s->leaked));
	json_object_object_add(o, "new_reports", json_object_new_uint64(s->reports));
	json_object_object_add(o, "bytes_scanned", json_object_new_uint64(s->bytes_scanned));
	json_object_object_add(o, "duration_ns", json_object_new_uint64(s->duration_ns));
	json_object_object_add(o, "incomplete", json_object_new_boolean(s->incomplete));
	json_object_object_add(o, "reports", json_object_get(l->reports));
	ms_print_json(st, o, false);
	json_object_put(o);
}

static int leaks_handler(struct state *st, int argc, char **argv)
{
	struct leaks_reply l = { 0 };
	struct nl_msg *msg = ms_nl_msg(st, MEMSAN_CMD_LEAK_SCAN, 0);
	int ret = MS_EXIT_OK;

	if (!msg)
		return ms_error(st, MS_EXIT_ERROR, "out of memory");
	if (st->module && nla_put_string(msg, MEMSAN_A_LEAKS_MODULE, st->module)) {
		nlmsg_free(msg);
		return ms_error(st, MS_EXIT_ERROR, "out of memory");
	}
	if (ms_nl_request(st, msg, scan_msg, &l)) {
		if (st->nl_errno == ENOENT && st->module)
			return ms_error(st, MS_EXIT_ERROR,
					"no instrumented module '%s' is loaded", st->module);
		return ms_nl_fail(st, "scanning for leaks", "CAP_NET_ADMIN");
	}
	if (!l.got)
		return ms_error(st, MS_EXIT_ERROR, "memsan sent no leak scan reply");

	if (st->json)
		l.reports = json_object_new_array();
	if (l.scan.reports) {
		msg = ms_nl_msg(st, MEMSAN_CMD_GET_REPORTS, NLM_F_DUMP);
		if (!msg || nla_put_u64(msg, MEMSAN_A_REPORT_SEQ, l.scan.first_seq)) {
			nlmsg_free(msg);
			ret = ms_error(st, MS_EXIT_ERROR, "out of memory");
		} else if (ms_nl_request(st, msg, report_msg, &l)) {
			ret = ms_nl_fail(st, "reading the reports", "CAP_NET_ADMIN");
		}
	}
	if (!ret)
		print_summary(st, &l);
	json_object_put(l.reports);
	if (ret)
		return ret;
	if (st->malformed)
		return MS_EXIT_ERROR;
	return st->fail_on_report && (l.scan.leaked || l.scan.reports) ? MS_EXIT_REPORTS : MS_EXIT_OK;
}

static const struct command leaks_command = {
	.name = "leaks",
	.summary = "scan for leaked objects of instrumented modules now",
	.usage = "leaks [--module NAME] [--fail-on-report] [--decode PATH.ko]\n"
		 "\n"
		 "Scan memory now for live objects of the instrumented modules (or of\n"
		 "module NAME) that nothing points to any more, and print the new\n"
		 "memory-leak reports, then one summary line; with --json, one object\n"
		 "with the summary and the reports.  A leak reported before is counted,\n"
		 "not reported again (see 'clear').  memsan also scans a module when it is\n"
		 "unloaded, by itself.  Needs CAP_NET_ADMIN.\n"
		 "\n"
		 "  -m, --module NAME      only the objects this module allocated\n"
		 "  -F, --fail-on-report   exit with status 5 if the scan found a leaked object\n"
		 MS_DECODE_HELP
		 "                         (nm and addr2line from binutils)\n",
	.flags = COMMAND_FLAG_NETLINK,
	.shortopts = "m:Fd:",
	.longopts = leaks_options,
	.handler = leaks_handler,
};
MS_COMMAND(leaks_command);
