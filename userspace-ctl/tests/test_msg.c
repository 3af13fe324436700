// SPDX-License-Identifier: GPL-2.0
/*
 * memsan-ctl unit tests: parsing report, status and config messages built
 * here with libnl, well-formed, malformed and truncated.  A truncated
 * message is copied into a buffer of exactly its length, so that a read past
 * nlmsg_len is an AddressSanitizer error (make test builds with it).
 */
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "unit.h"

static void test_report_full(void **unused)
{
	struct nl_msg *msg = unit_report_msg(7);
	struct ms_report r;
	char why[256];

	assert_int_equal(ms_parse_report(nlmsg_hdr(msg), &r, why, sizeof(why)), 0);
	assert_int_equal(r.seq, 7);
	assert_string_equal(r.bug, "use-after-free");
	assert_int_equal(r.access, MEMSAN_ACCESS_READ);
	assert_true(r.has_size);
	assert_int_equal(r.size, 4);
	assert_int_equal(r.addr, 0xffff888006700188ULL);
	assert_int_equal(r.first_bad, 0xffff888006700188ULL);
	assert_string_equal(r.ip, "victim_uaf+0x59/0x90 [memsan_victim]");
	assert_string_equal(r.module, "memsan_victim");
	assert_int_equal(r.pid, 96);
	assert_string_equal(r.comm, "sh");
	assert_int_equal(r.cpu, 1);
	assert_true(r.call.present);
	assert_int_equal(r.call.nr, 2);
	assert_string_equal(r.call.frames[1], "vfs_write+0xc7/0x3f0");
	assert_true(r.has_object);
	assert_int_equal(r.obj_addr, 0xffff888006700180ULL);
	assert_int_equal(r.obj_size, 40);
	assert_string_equal(r.cache, "kmalloc-64");
	assert_int_equal(r.cache_size, 64);
	assert_int_equal(r.alloc.nr, 2);
	assert_int_equal(r.alloc.pid, 96);
	assert_int_equal(r.free.nr, 1);
	assert_int_equal(r.free.pid, 97);
	assert_string_equal(r.text, unit_report_text);
	nlmsg_free(msg);
}

static void test_report_minimal(void **unused)
{
	struct nl_msg *msg = unit_msg(MEMSAN_CMD_REPORT);
	struct ms_report r;
	char why[256];

	nla_put_u64(msg, MEMSAN_A_REPORT_SEQ, 1);
	nla_put_string(msg, MEMSAN_A_REPORT_BUG, "double-free");
	nla_put_string(msg, MEMSAN_A_REPORT_TEXT, "x\n");
	nla_put_u32(msg, 250, 1);			/* a newer kernel's attribute */
	assert_int_equal(ms_parse_report(nlmsg_hdr(msg), &r, why, sizeof(why)), 0);
	assert_int_equal(r.access, -1);
	assert_false(r.has_size);
	assert_false(r.call.present);
	assert_false(r.has_object);
	assert_null(r.module);
	nlmsg_free(msg);
}

/* Parse @msg (freed) as a report: an error whose reason holds @reason. */
static void expect_bad_report(struct nl_msg *msg, const char *reason)
{
	struct ms_report r;
	char why[256];

	assert_int_equal(ms_parse_report(nlmsg_hdr(msg), &r, why, sizeof(why)), -1);
	if (!strstr(why, reason))
		fail_msg("reason '%s', not '%s'", why, reason);
	nlmsg_free(msg);
}

/* A report message with seq (unless 0) and bug, for one more attribute. */
static struct nl_msg *report_head(uint64_t seq)
{
	struct nl_msg *msg = unit_msg(MEMSAN_CMD_REPORT);

	if (seq)
		nla_put_u64(msg, MEMSAN_A_REPORT_SEQ, seq);
	nla_put_string(msg, MEMSAN_A_REPORT_BUG, "x");
	return msg;
}

/* The reason of an attribute the policy rejects. */
static const char *bad_attr(char *buf, size_t len, const char *what, int type, int bytes,
			    int nlerr)
{
	snprintf(buf, len, "%s: attribute %d of %d bytes: %s", what, type, bytes,
		 nl_geterror(nlerr));
	return buf;
}

/* Report messages missing or mangling one thing: each an error with a reason. */
static void test_report_malformed(void **unused)
{
	struct nlattr *nest;
	struct nl_msg *msg;
	char want[256];

	msg = report_head(0);
	nla_put_string(msg, MEMSAN_A_REPORT_TEXT, "x");
	expect_bad_report(msg, "report without seq");

	expect_bad_report(report_head(1), "report without text");

	msg = unit_msg(MEMSAN_CMD_REPORT);		/* seq of 4 bytes */
	nla_put_u32(msg, MEMSAN_A_REPORT_SEQ, 1);
	expect_bad_report(msg, bad_attr(want, sizeof(want), "report", MEMSAN_A_REPORT_SEQ, 4,
					-NLE_RANGE));

	msg = unit_msg(MEMSAN_CMD_REPORT);		/* a string without its NUL */
	nla_put(msg, MEMSAN_A_REPORT_BUG, 3, "abc");
	expect_bad_report(msg, bad_attr(want, sizeof(want), "report", MEMSAN_A_REPORT_BUG, 3,
					-NLE_INVAL));

	msg = unit_msg(MEMSAN_CMD_REPORT);		/* an empty string attribute */
	nla_put(msg, MEMSAN_A_REPORT_BUG, 0, NULL);
	expect_bad_report(msg, bad_attr(want, sizeof(want), "report", MEMSAN_A_REPORT_BUG, 0,
					-NLE_RANGE));

	msg = report_head(1);				/* a stack frame that is no string */
	nest = nla_nest_start(msg, MEMSAN_A_REPORT_ALLOC_STACK);
	nla_put_string(msg, MEMSAN_A_STACK_FRAME, "ok+0x1/0x2");
	nla_put(msg, MEMSAN_A_STACK_FRAME, 2, "no");
	nla_nest_end(msg, nest);
	nla_put_string(msg, MEMSAN_A_REPORT_TEXT, "x");
	expect_bad_report(msg, bad_attr(want, sizeof(want), "alloc_stack", MEMSAN_A_STACK_FRAME,
					2, -NLE_INVAL));

	expect_bad_report(unit_msg(MEMSAN_CMD_GET_STATUS), "unexpected message");
}

/* A string ends at its first NUL (libnl's NLA_STRING): nothing past it is read. */
static void test_report_inner_nul(void **unused)
{
	struct nl_msg *msg = report_head(1);
	struct ms_report r;
	char why[256];

	nla_put(msg, MEMSAN_A_REPORT_TEXT, 4, "a\0b");
	assert_int_equal(ms_parse_report(nlmsg_hdr(msg), &r, why, sizeof(why)), 0);
	assert_string_equal(r.text, "a");
	nlmsg_free(msg);
}

/* A GET_REPORTS reply is a report; other commands are not. */
static void test_report_dump_reply(void **unused)
{
	struct nl_msg *msg = unit_report_msg(5);
	struct genlmsghdr *g = nlmsg_data(nlmsg_hdr(msg));
	struct ms_report r;
	char why[256];

	g->cmd = MEMSAN_CMD_GET_REPORTS;
	assert_int_equal(ms_parse_report(nlmsg_hdr(msg), &r, why, sizeof(why)), 0);
	assert_int_equal(r.seq, 5);
	g->cmd = MEMSAN_CMD_GET_CONFIG;
	assert_int_equal(ms_parse_report(nlmsg_hdr(msg), &r, why, sizeof(why)), -1);
	nlmsg_free(msg);
}

static void test_report_access_unknown(void **unused)
{
	struct nl_msg *msg = unit_report_msg(1);
	struct ms_report r;
	char why[256];

	nla_put_u8(msg, MEMSAN_A_REPORT_ACCESS, 9);	/* the last one counts */
	assert_int_equal(ms_parse_report(nlmsg_hdr(msg), &r, why, sizeof(why)), 0);
	assert_int_equal(r.access, -1);
	assert_string_equal(ms_access_name(r.access), "unknown");
	nlmsg_free(msg);
}

static void test_report_many_frames(void **unused)
{
	struct nl_msg *msg = unit_report_msg(1);
	struct nlattr *nest;
	struct ms_report r;
	char why[256];
	int i;

	nest = nla_nest_start(msg, MEMSAN_A_REPORT_FREE_STACK);
	for (i = 0; i < MS_MAX_FRAMES + 10; i++)
		nla_put_string(msg, MEMSAN_A_STACK_FRAME, "f+0x1/0x2");
	nla_nest_end(msg, nest);
	assert_int_equal(ms_parse_report(nlmsg_hdr(msg), &r, why, sizeof(why)), 0);
	assert_int_equal(r.free.nr, MS_MAX_FRAMES);
	assert_false(r.free.has_pid);
	nlmsg_free(msg);
}

/* Every truncation of a good message: an error (or a shorter good message), never a crash. */
static void truncate_all(struct nl_msg *msg, int (*parse)(const struct nlmsghdr *, void *))
{
	size_t full = nlmsg_hdr(msg)->nlmsg_len, len;
	int errors = 0;

	for (len = NLMSG_HDRLEN; len < full; len++) {
		struct nlmsghdr *nlh = unit_copy(msg, len);

		errors += parse(nlh, NULL) != 0;
		free(nlh);
	}
	/* Cuts inside the header or an attribute are errors; at least most are. */
	assert_true(errors > (int)(full - NLMSG_HDRLEN) / 2);
}

static int parse_report(const struct nlmsghdr *nlh, void *unused)
{
	struct ms_report r;
	char why[256];

	return ms_parse_report(nlh, &r, why, sizeof(why));
}

static int parse_status(const struct nlmsghdr *nlh, void *unused)
{
	struct ms_status *s = malloc(sizeof(*s));
	char why[256];
	int ret = ms_parse_status(nlh, s, why, sizeof(why));

	free(s);
	return ret;
}

static void test_report_truncated(void **unused)
{
	struct nl_msg *msg = unit_report_msg(3);
	struct nlmsghdr *nlh;
	struct ms_report r;
	char why[256];

	truncate_all(msg, parse_report);
	/* Cut in the middle of the text attribute: the rest is gone. */
	nlh = unit_copy(msg, nlmsg_hdr(msg)->nlmsg_len - 10);
	assert_int_equal(ms_parse_report(nlh, &r, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "truncated attribute"));
	free(nlh);
	/* Shorter than a genetlink header. */
	nlh = unit_copy(msg, NLMSG_HDRLEN + 2);
	assert_int_equal(ms_parse_report(nlh, &r, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "too short"));
	free(nlh);
	nlmsg_free(msg);
}

static void test_report_ready(void **unused)
{
	struct nl_msg *msg = unit_msg(MEMSAN_CMD_REPORT_READY);
	uint64_t seq = 0;
	char why[256];

	assert_int_equal(ms_parse_report_ready(nlmsg_hdr(msg), &seq, why, sizeof(why)), -1);
	nla_put_u64(msg, MEMSAN_A_REPORT_SEQ, 42);
	assert_int_equal(ms_parse_report_ready(nlmsg_hdr(msg), &seq, why, sizeof(why)), 0);
	assert_int_equal(seq, 42);
	assert_int_equal(ms_msg_cmd(nlmsg_hdr(msg)), MEMSAN_CMD_REPORT_READY);
	nlmsg_free(msg);
}

static void test_status(void **unused)
{
	struct nl_msg *msg = unit_status_msg();
	struct ms_status *s = malloc(sizeof(*s));
	char why[256];

	assert_int_equal(ms_parse_status(nlmsg_hdr(msg), s, why, sizeof(why)), 0);
	assert_string_equal(s->version, "0.1.0");
	assert_int_equal(s->enabled, 1);
	assert_int_equal(s->config.n, 2);
	assert_string_equal(s->config.entries[1].name, "redzone");
	assert_string_equal(s->config.entries[1].value, "16");
	assert_int_equal(s->n_counters, 2);
	assert_string_equal(s->counters[0].name, "reports");
	assert_int_equal(s->counters[0].value, 3);
	assert_int_equal(s->counters[1].value, -1);
	assert_int_equal(s->probes_missed, 35);
	assert_int_equal(s->first_seq, 2);
	assert_int_equal(s->next_seq, 5);
	truncate_all(msg, parse_status);
	free(s);
	nlmsg_free(msg);
}

/* Parse @msg (freed) as a status: an error whose reason holds @reason. */
static void expect_bad_status(struct nl_msg *msg, const char *reason)
{
	struct ms_status *s = malloc(sizeof(*s));
	char why[256];

	assert_int_equal(ms_parse_status(nlmsg_hdr(msg), s, why, sizeof(why)), -1);
	if (!strstr(why, reason))
		fail_msg("reason '%s', not '%s'", why, reason);
	free(s);
	nlmsg_free(msg);
}

/*
 * A status with version and enabled, and a nest @outer holding a nest @inner
 * holding attribute @attr of @len bytes: the inner nest comes back in *@entry.
 */
static struct nl_msg *status_nest(int outer, int inner, int attr, int len,
				  struct nlattr **entry)
{
	struct nl_msg *msg = unit_msg(MEMSAN_CMD_GET_STATUS);
	struct nlattr *nest;

	nla_put_string(msg, MEMSAN_A_STATUS_VERSION, "1");
	nla_put_u8(msg, MEMSAN_A_STATUS_ENABLED, 1);
	nest = nla_nest_start(msg, outer);
	*entry = nla_nest_start(msg, inner);
	nla_put(msg, attr, len, "x\0\0\0\0\0\0");	/* "x", or a number */
	nla_nest_end(msg, *entry);
	nla_nest_end(msg, nest);
	return msg;
}

static void test_status_malformed(void **unused)
{
	struct nlattr *entry;
	struct nl_msg *msg;
	char want[256];

	msg = unit_msg(MEMSAN_CMD_GET_STATUS);		/* no version */
	nla_put_u8(msg, MEMSAN_A_STATUS_ENABLED, 1);
	expect_bad_status(msg, "status without version");

	msg = unit_msg(MEMSAN_CMD_GET_STATUS);		/* enabled of 4 bytes */
	nla_put_u32(msg, MEMSAN_A_STATUS_ENABLED, 1);
	expect_bad_status(msg, bad_attr(want, sizeof(want), "status", MEMSAN_A_STATUS_ENABLED, 4,
					-NLE_RANGE));

	expect_bad_status(status_nest(MEMSAN_A_STATUS_COUNTERS, MEMSAN_A_COUNTERS_COUNTER,
				      MEMSAN_A_COUNTER_NAME, 2, &entry), "counter without a value");
	expect_bad_status(status_nest(MEMSAN_A_STATUS_CONFIG, MEMSAN_A_CONFIG_ENTRY,
				      MEMSAN_A_ENTRY_VALUE, 2, &entry), "config entry without a name");
	expect_bad_status(status_nest(MEMSAN_A_STATUS_COUNTERS, MEMSAN_A_COUNTERS_COUNTER,
				      MEMSAN_A_COUNTER_VALUE, 4, &entry),
			  bad_attr(want, sizeof(want), "counter", MEMSAN_A_COUNTER_VALUE, 4,
				   -NLE_RANGE));

	/* a nest whose length lies: past the end of its nest */
	msg = status_nest(MEMSAN_A_STATUS_COUNTERS, MEMSAN_A_COUNTERS_COUNTER,
			  MEMSAN_A_COUNTER_VALUE, 8, &entry);
	entry->nla_len += 8;
	expect_bad_status(msg, "counters: truncated attribute");
}

static void test_config(void **unused)
{
	struct ms_config *c = malloc(sizeof(*c));
	struct nl_msg *msg = unit_msg(MEMSAN_CMD_GET_CONFIG);
	struct nlattr *e;
	char why[256];
	int i;

	for (i = 0; i < 3; i++) {
		e = nla_nest_start(msg, MEMSAN_A_CONFIG_ENTRY);
		nla_put_string(msg, MEMSAN_A_ENTRY_NAME, i ? "redzone" : "track");
		nla_put_string(msg, MEMSAN_A_ENTRY_VALUE, i ? "16" : "all");
		nla_nest_end(msg, e);
	}
	assert_int_equal(ms_parse_config(nlmsg_hdr(msg), c, why, sizeof(why)), 0);
	assert_int_equal(c->n, 3);
	assert_string_equal(c->entries[0].value, "all");
	/* too many entries */
	for (i = 0; i < MS_MAX_ENTRIES; i++) {
		e = nla_nest_start(msg, MEMSAN_A_CONFIG_ENTRY);
		nla_put_string(msg, MEMSAN_A_ENTRY_NAME, "k");
		nla_put_string(msg, MEMSAN_A_ENTRY_VALUE, "v");
		nla_nest_end(msg, e);
	}
	assert_int_equal(ms_parse_config(nlmsg_hdr(msg), c, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "more than"));
	nlmsg_free(msg);
	free(c);
}

/* Random bytes after a good header: no crash, whatever the verdict. */
static void test_random(void **unused)
{
	struct ms_status *s = malloc(sizeof(*s));
	struct ms_config *c = malloc(sizeof(*c));
	unsigned int seed = 1;
	int round;

	for (round = 0; round < 20000; round++) {
		size_t len = NLMSG_HDRLEN + GENL_HDRLEN + rand_r(&seed) % 200, i;
		struct nlmsghdr *nlh = malloc(len);
		struct genlmsghdr *g = nlmsg_data(nlh);
		unsigned char *p = (unsigned char *)nlh;
		struct ms_report r;
		char why[256];
		uint64_t seq;

		for (i = NLMSG_HDRLEN; i < len; i++)
			p[i] = rand_r(&seed) % 4 ? rand_r(&seed) % 16 : rand_r(&seed);
		nlh->nlmsg_len = len;
		g->cmd = MEMSAN_CMD_REPORT;
		ms_parse_report(nlh, &r, why, sizeof(why));
		g->cmd = MEMSAN_CMD_REPORT_READY;
		ms_parse_report_ready(nlh, &seq, why, sizeof(why));
		g->cmd = MEMSAN_CMD_GET_STATUS;
		ms_parse_status(nlh, s, why, sizeof(why));
		g->cmd = MEMSAN_CMD_GET_CONFIG;
		ms_parse_config(nlh, c, why, sizeof(why));
		free(nlh);
	}
	free(s);
	free(c);
}

int unit_msg_tests(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_full),
		cmocka_unit_test(test_report_minimal),
		cmocka_unit_test(test_report_malformed),
		cmocka_unit_test(test_report_inner_nul),
		cmocka_unit_test(test_report_dump_reply),
		cmocka_unit_test(test_report_access_unknown),
		cmocka_unit_test(test_report_many_frames),
		cmocka_unit_test(test_report_truncated),
		cmocka_unit_test(test_report_ready),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_status_malformed),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_random),
	};

	return cmocka_run_group_tests_name("messages", tests, NULL, NULL);
}
