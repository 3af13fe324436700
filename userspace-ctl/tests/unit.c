// SPDX-License-Identifier: GPL-2.0
/* memsan-ctl unit tests: helpers and main. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "unit.h"

void unit_start(struct captured *c)
{
	memset(c, 0, sizeof(*c));
	ms_state_init(&c->st);
	c->st.out = open_memstream(&c->out, &c->out_len);
	c->st.err = open_memstream(&c->err, &c->err_len);
	assert_non_null(c->st.out);
	assert_non_null(c->st.err);
}

void unit_finish(struct captured *c)
{
	fclose(c->st.out);
	fclose(c->st.err);
	c->st.out = c->st.err = NULL;
}

void unit_free(struct captured *c)
{
	c->st.out = stdout;
	c->st.err = stderr;
	ms_state_fini(&c->st);
	free(c->out);
	free(c->err);
}

struct nl_msg *unit_msg(uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc_size(65536);

	assert_non_null(msg);
	assert_non_null(genlmsg_put(msg, 0, 0, 0x20, 0, 0, cmd, MEMSAN_GENL_VERSION));
	return msg;
}

const char unit_report_text[] =
	"==================================================================\n"
	"BUG: MEMSAN: use-after-free in victim_uaf+0x59/0x90 [memsan_victim]\n"
	"Read of size 4 at addr ffff888006700188 by task sh/96\n"
	"\n"
	"Call Trace:\n"
	" victim_uaf+0x59/0x90 [memsan_victim]\n"
	" vfs_write+0xc7/0x3f0\n"
	"==================================================================\n";

static void put_stack(struct nl_msg *msg, int type, uint32_t pid, const char *const *frames,
		      int n)
{
	struct nlattr *nest = nla_nest_start(msg, type | NLA_F_NESTED);
	int i;

	assert_non_null(nest);
	assert_int_equal(nla_put_u32(msg, MEMSAN_A_STACK_PID, pid), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(nla_put_string(msg, MEMSAN_A_STACK_FRAME, frames[i]), 0);
	nla_nest_end(msg, nest);
}

struct nl_msg *unit_report_msg(uint64_t seq)
{
	static const char *const call[] = { "victim_uaf+0x59/0x90 [memsan_victim]",
					    "vfs_write+0xc7/0x3f0" };
	static const char *const alloc[] = { "__kmalloc+0x0/0x150",
					     "victim_uaf+0x29/0x90 [memsan_victim]" };
	static const char *const fr[] = { "kfree+0x0/0x110" };
	struct nl_msg *msg = unit_msg(MEMSAN_CMD_REPORT);
	struct nlattr *obj;

	assert_int_equal(nla_put_u64(msg, MEMSAN_A_REPORT_SEQ, seq), 0);
	assert_int_equal(nla_put_string(msg, MEMSAN_A_REPORT_BUG, "use-after-free"), 0);
	assert_int_equal(nla_put_u8(msg, MEMSAN_A_REPORT_ACCESS, MEMSAN_ACCESS_READ), 0);
	assert_int_equal(nla_put_u64(msg, MEMSAN_A_REPORT_SIZE, 4), 0);
	assert_int_equal(nla_put_u64(msg, MEMSAN_A_REPORT_ADDR, 0xffff888006700188ULL), 0);
	assert_int_equal(nla_put_u64(msg, MEMSAN_A_REPORT_FIRST_BAD, 0xffff888006700188ULL), 0);
	assert_int_equal(nla_put_string(msg, MEMSAN_A_REPORT_IP,
					"victim_uaf+0x59/0x90 [memsan_victim]"), 0);
	assert_int_equal(nla_put_string(msg, MEMSAN_A_REPORT_MODULE, "memsan_victim"), 0);
	assert_int_equal(nla_put_u32(msg, MEMSAN_A_REPORT_PID, 96), 0);
	assert_int_equal(nla_put_string(msg, MEMSAN_A_REPORT_COMM, "sh"), 0);
	assert_int_equal(nla_put_u32(msg, MEMSAN_A_REPORT_CPU, 1), 0);
	put_stack(msg, MEMSAN_A_REPORT_CALL_STACK, 96, call, 2);
	obj = nla_nest_start(msg, MEMSAN_A_REPORT_OBJECT | NLA_F_NESTED);
	assert_int_equal(nla_put_u64(msg, MEMSAN_A_OBJECT_ADDR, 0xffff888006700180ULL), 0);
	assert_int_equal(nla_put_u64(msg, MEMSAN_A_OBJECT_SIZE, 40), 0);
	assert_int_equal(nla_put_string(msg, MEMSAN_A_OBJECT_CACHE, "kmalloc-64"), 0);
	assert_int_equal(nla_put_u32(msg, MEMSAN_A_OBJECT_CACHE_SIZE, 64), 0);
	nla_nest_end(msg, obj);
	put_stack(msg, MEMSAN_A_REPORT_ALLOC_STACK, 96, alloc, 2);
	put_stack(msg, MEMSAN_A_REPORT_FREE_STACK, 97, fr, 1);
	assert_int_equal(nla_put_string(msg, MEMSAN_A_REPORT_TEXT, unit_report_text), 0);
	return msg;
}

static void put_entry(struct nl_msg *msg, const char *name, const char *value)
{
	struct nlattr *e = nla_nest_start(msg, MEMSAN_A_CONFIG_ENTRY | NLA_F_NESTED);

	assert_int_equal(nla_put_string(msg, MEMSAN_A_ENTRY_NAME, name), 0);
	assert_int_equal(nla_put_string(msg, MEMSAN_A_ENTRY_VALUE, value), 0);
	nla_nest_end(msg, e);
}

static void put_counter(struct nl_msg *msg, const char *name, int64_t value)
{
	struct nlattr *c = nla_nest_start(msg, MEMSAN_A_COUNTERS_COUNTER | NLA_F_NESTED);

	assert_int_equal(nla_put_string(msg, MEMSAN_A_COUNTER_NAME, name), 0);
	assert_int_equal(nla_put_s64(msg, MEMSAN_A_COUNTER_VALUE, value), 0);
	nla_nest_end(msg, c);
}

struct nl_msg *unit_status_msg(void)
{
	struct nl_msg *msg = unit_msg(MEMSAN_CMD_GET_STATUS);
	struct nlattr *nest;

	assert_int_equal(nla_put_string(msg, MEMSAN_A_STATUS_VERSION, "0.1.0"), 0);
	assert_int_equal(nla_put_u8(msg, MEMSAN_A_STATUS_ENABLED, 1), 0);
	nest = nla_nest_start(msg, MEMSAN_A_STATUS_CONFIG | NLA_F_NESTED);
	put_entry(msg, "track", "modules");
	put_entry(msg, "redzone", "16");
	nla_nest_end(msg, nest);
	nest = nla_nest_start(msg, MEMSAN_A_STATUS_COUNTERS | NLA_F_NESTED);
	put_counter(msg, "reports", 3);
	put_counter(msg, "netlink_drops", -1);
	nla_nest_end(msg, nest);
	assert_int_equal(nla_put_u64(msg, MEMSAN_A_STATUS_PROBES_MISSED, 35), 0);
	assert_int_equal(nla_put_u64(msg, MEMSAN_A_STATUS_FIRST_SEQ, 2), 0);
	assert_int_equal(nla_put_u64(msg, MEMSAN_A_STATUS_NEXT_SEQ, 5), 0);
	return msg;
}

struct nlmsghdr *unit_copy(struct nl_msg *msg, size_t len)
{
	struct nlmsghdr *nlh = malloc(len ? len : 1);

	assert_non_null(nlh);
	memcpy(nlh, nlmsg_hdr(msg), len);
	if (len >= sizeof(nlh->nlmsg_len))
		nlh->nlmsg_len = len;
	return nlh;
}

int main(void)
{
	int failed = 0;

	failed += unit_args_tests();
	failed += unit_msg_tests();
	failed += unit_json_tests();
	failed += unit_decode_tests();
	failed += unit_explore_tests();
	return failed ? 1 : 0;
}
