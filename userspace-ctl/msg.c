// SPDX-License-Identifier: GPL-2.0
/*
 * memsan-ctl: messages from memsan.ko into structs.
 *
 * libnl checks every attribute against the policies below (nla_parse):
 * integers of exactly their size, NUL-terminated strings.  On top of that, a
 * truncated attribute, which nla_parse() skips without a word, makes the
 * message malformed.  Nothing is read past nlmsg_len.  Attributes this
 * version does not know are skipped (newer kernels).
 */
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "memsan-ctl.h"

/* Policies: an integer of exactly its size, a string with its NUL, a nest. */
#define U8	{ .type = NLA_U8, .maxlen = sizeof(uint8_t) }
#define U32	{ .type = NLA_U32, .maxlen = sizeof(uint32_t) }
#define U64	{ .type = NLA_U64, .maxlen = sizeof(uint64_t) }
#define S64	{ .type = NLA_S64, .minlen = sizeof(int64_t), .maxlen = sizeof(int64_t) }
#define STRING	{ .type = NLA_STRING }
#define NESTED	{ .type = NLA_NESTED }

static struct nla_policy report_policy[MEMSAN_A_REPORT_MAX + 1] = {
	[MEMSAN_A_REPORT_SEQ] = U64,
	[MEMSAN_A_REPORT_BUG] = STRING,
	[MEMSAN_A_REPORT_ACCESS] = U8,
	[MEMSAN_A_REPORT_SIZE] = U64,
	[MEMSAN_A_REPORT_ADDR] = U64,
	[MEMSAN_A_REPORT_FIRST_BAD] = U64,
	[MEMSAN_A_REPORT_IP] = STRING,
	[MEMSAN_A_REPORT_MODULE] = STRING,
	[MEMSAN_A_REPORT_PID] = U32,
	[MEMSAN_A_REPORT_COMM] = STRING,
	[MEMSAN_A_REPORT_CPU] = U32,
	[MEMSAN_A_REPORT_CALL_STACK] = NESTED,
	[MEMSAN_A_REPORT_OBJECT] = NESTED,
	[MEMSAN_A_REPORT_ALLOC_STACK] = NESTED,
	[MEMSAN_A_REPORT_FREE_STACK] = NESTED,
	[MEMSAN_A_REPORT_TEXT] = STRING,
	[MEMSAN_A_REPORT_LEAK_OBJECTS] = U32,
	[MEMSAN_A_REPORT_LEAK_BYTES] = U64,
};

static struct nla_policy object_policy[MEMSAN_A_OBJECT_MAX + 1] = {
	[MEMSAN_A_OBJECT_ADDR] = U64,
	[MEMSAN_A_OBJECT_SIZE] = U64,
	[MEMSAN_A_OBJECT_CACHE] = STRING,
	[MEMSAN_A_OBJECT_CACHE_SIZE] = U32,
};

static struct nla_policy stack_policy[MEMSAN_A_STACK_MAX + 1] = {
	[MEMSAN_A_STACK_PID] = U32,
	[MEMSAN_A_STACK_FRAME] = STRING,
};

static struct nla_policy status_policy[MEMSAN_A_STATUS_MAX + 1] = {
	[MEMSAN_A_STATUS_VERSION] = STRING,
	[MEMSAN_A_STATUS_ENABLED] = U8,
	[MEMSAN_A_STATUS_CONFIG] = NESTED,
	[MEMSAN_A_STATUS_COUNTERS] = NESTED,
	[MEMSAN_A_STATUS_PROBES_MISSED] = U64,
	[MEMSAN_A_STATUS_FIRST_SEQ] = U64,
	[MEMSAN_A_STATUS_NEXT_SEQ] = U64,
};

static struct nla_policy config_policy[MEMSAN_A_CONFIG_MAX + 1] = {
	[MEMSAN_A_CONFIG_ENTRY] = NESTED,
};

static struct nla_policy entry_policy[MEMSAN_A_ENTRY_MAX + 1] = {
	[MEMSAN_A_ENTRY_NAME] = STRING,
	[MEMSAN_A_ENTRY_VALUE] = STRING,
};

static struct nla_policy counters_policy[MEMSAN_A_COUNTERS_MAX + 1] = {
	[MEMSAN_A_COUNTERS_COUNTER] = NESTED,
};

static struct nla_policy counter_policy[MEMSAN_A_COUNTER_MAX + 1] = {
	[MEMSAN_A_COUNTER_NAME] = STRING,
	[MEMSAN_A_COUNTER_VALUE] = S64,
};

#define fail(why, len, ...) (snprintf(why, len, __VA_ARGS__), -1)

/*
 * nla_parse() of [@head, @head + @len) against @pol; the reason names @what
 * and the attribute the policy rejects.  And no bytes left over: a last
 * attribute cut short.
 */
static int parse(struct nlattr **tb, int max, struct nlattr *head, int len,
		 struct nla_policy *pol, const char *what, char *why, size_t wlen)
{
	struct nlattr *a;
	int err, rem;

	err = nla_parse(tb, max, head, len, pol);
	nla_for_each_attr(a, head, len, rem) {
		/* nla_parse() does not say which one: find it */
		if (err && nla_validate(a, a->nla_len, max, pol))
			return fail(why, wlen, "%s: attribute %d of %d bytes: %s", what,
				    nla_type(a), nla_len(a), nl_geterror(err));
	}
	if (err)
		return fail(why, wlen, "%s: %s", what, nl_geterror(err));
	if (rem > 0)
		return fail(why, wlen, "%s: truncated attribute (%d bytes left over)", what, rem);
	return 0;
}

static int parse_nested(struct nlattr **tb, int max, struct nlattr *nest,
			struct nla_policy *pol, const char *what, char *why, size_t wlen)
{
	return parse(tb, max, nla_data(nest), nla_len(nest), pol, what, why, wlen);
}

int ms_msg_cmd(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g;

	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return -1;
	g = nlmsg_data(nlh);
	return g->cmd;
}

/* The attributes of @nlh, a memsan message of command @cmd: 0, or -1 with a reason. */
static int msg_attrs(const struct nlmsghdr *nlh, int cmd, struct nlattr **head, int *len,
		     char *why, size_t wlen)
{
	int got = ms_msg_cmd(nlh);

	if (got < 0)
		return fail(why, wlen, "message of %u bytes: too short", nlh->nlmsg_len);
	if (got != cmd)
		return fail(why, wlen, "unexpected message (command %d, not %d)", got, cmd);
	*head = genlmsg_attrdata(nlmsg_data(nlh), 0);
	*len = genlmsg_attrlen(nlmsg_data(nlh), 0);
	return 0;
}

/* msg_attrs(), then parse() of them. */
static int parse_msg(const struct nlmsghdr *nlh, int cmd, struct nlattr **tb, int max,
		     struct nla_policy *pol, const char *what, char *why, size_t wlen)
{
	struct nlattr *head;
	int len;

	if (msg_attrs(nlh, cmd, &head, &len, why, wlen))
		return -1;
	return parse(tb, max, head, len, pol, what, why, wlen);
}

static const char *str(const struct nlattr *a)
{
	return a ? nla_get_string(a) : NULL;
}

/* An optional u64 or u32 attribute: *@has tells whether it was there. */
static void opt_u64(const struct nlattr *a, bool *has, uint64_t *v)
{
	*has = a;
	if (a)
		*v = nla_get_u64(a);
}

static void opt_u32(const struct nlattr *a, bool *has, uint32_t *v)
{
	*has = a;
	if (a)
		*v = nla_get_u32(a);
}

static int parse_stack(struct nlattr *nest, struct ms_stack *s, const char *what, char *why,
		       size_t wlen)
{
	struct nlattr *tb[MEMSAN_A_STACK_MAX + 1], *a;
	int rem;

	memset(s, 0, sizeof(*s));
	if (!nest)
		return 0;
	if (parse_nested(tb, MEMSAN_A_STACK_MAX, nest, stack_policy, what, why, wlen))
		return -1;
	s->present = true;
	opt_u32(tb[MEMSAN_A_STACK_PID], &s->has_pid, &s->pid);
	nla_for_each_nested(a, nest, rem)
		if (nla_type(a) == MEMSAN_A_STACK_FRAME && s->nr < MS_MAX_FRAMES)
			s->frames[s->nr++] = nla_get_string(a);
	return 0;
}

static int parse_object(struct nlattr *nest, struct ms_report *r, char *why, size_t wlen)
{
	struct nlattr *tb[MEMSAN_A_OBJECT_MAX + 1];

	if (!nest)
		return 0;
	if (parse_nested(tb, MEMSAN_A_OBJECT_MAX, nest, object_policy, "object", why, wlen))
		return -1;
	r->has_object = true;
	opt_u64(tb[MEMSAN_A_OBJECT_ADDR], &r->has_obj_addr, &r->obj_addr);
	opt_u64(tb[MEMSAN_A_OBJECT_SIZE], &r->has_obj_size, &r->obj_size);
	r->cache = str(tb[MEMSAN_A_OBJECT_CACHE]);
	opt_u32(tb[MEMSAN_A_OBJECT_CACHE_SIZE], &r->has_cache_size, &r->cache_size);
	return 0;
}

const char *ms_access_name(int access)
{
	switch (access) {
	case MEMSAN_ACCESS_READ:
		return "read";
	case MEMSAN_ACCESS_WRITE:
		return "write";
	case MEMSAN_ACCESS_FREE:
		return "free";
	default:
		return "unknown";
	}
}

int ms_parse_report(const struct nlmsghdr *nlh, struct ms_report *r, char *why, size_t wlen)
{
	struct nlattr *tb[MEMSAN_A_REPORT_MAX + 1];
	/* a GET_REPORTS reply is a report too */
	int cmd = ms_msg_cmd(nlh) == MEMSAN_CMD_GET_REPORTS ? MEMSAN_CMD_GET_REPORTS :
		  MEMSAN_CMD_REPORT;

	memset(r, 0, sizeof(*r));
	r->access = -1;
	if (parse_msg(nlh, cmd, tb, MEMSAN_A_REPORT_MAX, report_policy, "report", why, wlen))
		return -1;
	if (!tb[MEMSAN_A_REPORT_SEQ] || !tb[MEMSAN_A_REPORT_BUG] || !tb[MEMSAN_A_REPORT_TEXT])
		return fail(why, wlen, "report without %s",
			    !tb[MEMSAN_A_REPORT_SEQ] ? "seq" :
			    !tb[MEMSAN_A_REPORT_BUG] ? "bug type" : "text");
	r->seq = nla_get_u64(tb[MEMSAN_A_REPORT_SEQ]);
	r->bug = str(tb[MEMSAN_A_REPORT_BUG]);
	r->text = str(tb[MEMSAN_A_REPORT_TEXT]);
	if (tb[MEMSAN_A_REPORT_ACCESS]) {
		uint8_t access = nla_get_u8(tb[MEMSAN_A_REPORT_ACCESS]);

		r->access = access <= MEMSAN_ACCESS_MAX ? access : -1;
	}
	opt_u64(tb[MEMSAN_A_REPORT_SIZE], &r->has_size, &r->size);
	opt_u64(tb[MEMSAN_A_REPORT_ADDR], &r->has_addr, &r->addr);
	opt_u64(tb[MEMSAN_A_REPORT_FIRST_BAD], &r->has_first_bad, &r->first_bad);
	r->ip = str(tb[MEMSAN_A_REPORT_IP]);
	r->module = str(tb[MEMSAN_A_REPORT_MODULE]);
	r->comm = str(tb[MEMSAN_A_REPORT_COMM]);
	opt_u32(tb[MEMSAN_A_REPORT_PID], &r->has_pid, &r->pid);
	opt_u32(tb[MEMSAN_A_REPORT_CPU], &r->has_cpu, &r->cpu);
	opt_u32(tb[MEMSAN_A_REPORT_LEAK_OBJECTS], &r->has_leak, &r->leak_objects);
	opt_u64(tb[MEMSAN_A_REPORT_LEAK_BYTES], &r->has_leak_bytes, &r->leak_bytes);
	if (parse_stack(tb[MEMSAN_A_REPORT_CALL_STACK], &r->call, "call_stack", why, wlen) ||
	    parse_stack(tb[MEMSAN_A_REPORT_ALLOC_STACK], &r->alloc, "alloc_stack", why, wlen) ||
	    parse_stack(tb[MEMSAN_A_REPORT_FREE_STACK], &r->free, "free_stack", why, wlen) ||
	    parse_object(tb[MEMSAN_A_REPORT_OBJECT], r, why, wlen))
		return -1;
	return 0;
}

static struct nla_policy leaks_policy[MEMSAN_A_LEAKS_MAX + 1] = {
	[MEMSAN_A_LEAKS_MODULE] = STRING,
	[MEMSAN_A_LEAKS_MODULES] = U32,
	[MEMSAN_A_LEAKS_CANDIDATES] = U32,
	[MEMSAN_A_LEAKS_LEAKED] = U32,
	[MEMSAN_A_LEAKS_REPORTS] = U32,
	[MEMSAN_A_LEAKS_FIRST_SEQ] = U64,
	[MEMSAN_A_LEAKS_BYTES_SCANNED] = U64,
	[MEMSAN_A_LEAKS_DURATION_NS] = U64,
	[MEMSAN_A_LEAKS_INCOMPLETE] = U8,
};

int ms_parse_leak_scan(const struct nlmsghdr *nlh, struct ms_leak_scan *l, char *why, size_t wlen)
{
	struct nlattr *tb[MEMSAN_A_LEAKS_MAX + 1];
	bool has;

	memset(l, 0, sizeof(*l));
	if (parse_msg(nlh, MEMSAN_CMD_LEAK_SCAN, tb, MEMSAN_A_LEAKS_MAX, leaks_policy,
		      "leak scan reply", why, wlen))
		return -1;
	if (!tb[MEMSAN_A_LEAKS_MODULES] || !tb[MEMSAN_A_LEAKS_FIRST_SEQ])
		return fail(why, wlen, "leak scan reply without %s",
			    tb[MEMSAN_A_LEAKS_MODULES] ? "first_seq" : "modules");
	opt_u32(tb[MEMSAN_A_LEAKS_MODULES], &has, &l->modules);
	opt_u32(tb[MEMSAN_A_LEAKS_CANDIDATES], &has, &l->candidates);
	opt_u32(tb[MEMSAN_A_LEAKS_LEAKED], &has, &l->leaked);
	opt_u32(tb[MEMSAN_A_LEAKS_REPORTS], &has, &l->reports);
	opt_u64(tb[MEMSAN_A_LEAKS_FIRST_SEQ], &has, &l->first_seq);
	opt_u64(tb[MEMSAN_A_LEAKS_BYTES_SCANNED], &has, &l->bytes_scanned);
	opt_u64(tb[MEMSAN_A_LEAKS_DURATION_NS], &has, &l->duration_ns);
	l->incomplete = tb[MEMSAN_A_LEAKS_INCOMPLETE] &&
			nla_get_u8(tb[MEMSAN_A_LEAKS_INCOMPLETE]);
	return 0;
}

int ms_parse_report_ready(const struct nlmsghdr *nlh, uint64_t *seq, char *why, size_t wlen)
{
	struct nlattr *tb[MEMSAN_A_REPORT_MAX + 1];

	if (parse_msg(nlh, MEMSAN_CMD_REPORT_READY, tb, MEMSAN_A_REPORT_MAX, report_policy,
		      "report notification", why, wlen))
		return -1;
	if (!tb[MEMSAN_A_REPORT_SEQ])
		return fail(why, wlen, "report notification without seq");
	*seq = nla_get_u64(tb[MEMSAN_A_REPORT_SEQ]);
	return 0;
}

/* The MEMSAN_A_CONFIG_ENTRY nests of a config (reply, or status nest) into @c. */
static int parse_entries(struct nlattr *head, int len, struct ms_config *c, char *why,
			 size_t wlen)
{
	struct nlattr *tb[MEMSAN_A_CONFIG_MAX + 1], *etb[MEMSAN_A_ENTRY_MAX + 1], *a;
	int rem;

	c->n = 0;
	if (parse(tb, MEMSAN_A_CONFIG_MAX, head, len, config_policy, "config", why, wlen))
		return -1;
	nla_for_each_attr(a, head, len, rem) {
		if (nla_type(a) != MEMSAN_A_CONFIG_ENTRY)
			continue;
		if (parse_nested(etb, MEMSAN_A_ENTRY_MAX, a, entry_policy, "config entry", why,
				 wlen))
			return -1;
		if (!etb[MEMSAN_A_ENTRY_NAME] || !etb[MEMSAN_A_ENTRY_VALUE])
			return fail(why, wlen, "config entry without a %s",
				    etb[MEMSAN_A_ENTRY_NAME] ? "value" : "name");
		if (c->n == MS_MAX_ENTRIES)
			return fail(why, wlen, "more than %d config entries", MS_MAX_ENTRIES);
		c->entries[c->n].name = nla_get_string(etb[MEMSAN_A_ENTRY_NAME]);
		c->entries[c->n].value = nla_get_string(etb[MEMSAN_A_ENTRY_VALUE]);
		c->n++;
	}
	return 0;
}

int ms_parse_config(const struct nlmsghdr *nlh, struct ms_config *c, char *why, size_t wlen)
{
	struct nlattr *head;
	int len;

	c->n = 0;
	if (msg_attrs(nlh, MEMSAN_CMD_GET_CONFIG, &head, &len, why, wlen))
		return -1;
	return parse_entries(head, len, c, why, wlen);
}

static int parse_counters(struct nlattr *nest, struct ms_status *s, char *why, size_t wlen)
{
	struct nlattr *tb[MEMSAN_A_COUNTERS_MAX + 1], *ctb[MEMSAN_A_COUNTER_MAX + 1], *a;
	int rem;

	if (!nest)
		return 0;
	if (parse_nested(tb, MEMSAN_A_COUNTERS_MAX, nest, counters_policy, "counters", why,
			 wlen))
		return -1;
	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != MEMSAN_A_COUNTERS_COUNTER)
			continue;
		if (parse_nested(ctb, MEMSAN_A_COUNTER_MAX, a, counter_policy, "counter", why,
				 wlen))
			return -1;
		if (!ctb[MEMSAN_A_COUNTER_NAME] || !ctb[MEMSAN_A_COUNTER_VALUE])
			return fail(why, wlen, "counter without a %s",
				    ctb[MEMSAN_A_COUNTER_NAME] ? "value" : "name");
		if (s->n_counters == MS_MAX_ENTRIES)
			return fail(why, wlen, "more than %d counters", MS_MAX_ENTRIES);
		s->counters[s->n_counters].name = nla_get_string(ctb[MEMSAN_A_COUNTER_NAME]);
		s->counters[s->n_counters].value = nla_get_s64(ctb[MEMSAN_A_COUNTER_VALUE]);
		s->n_counters++;
	}
	return 0;
}

int ms_parse_status(const struct nlmsghdr *nlh, struct ms_status *s, char *why, size_t wlen)
{
	struct nlattr *tb[MEMSAN_A_STATUS_MAX + 1], *cfg;

	memset(s, 0, sizeof(*s));
	s->enabled = -1;
	s->source = "netlink";
	if (parse_msg(nlh, MEMSAN_CMD_GET_STATUS, tb, MEMSAN_A_STATUS_MAX, status_policy,
		      "status", why, wlen))
		return -1;
	if (!tb[MEMSAN_A_STATUS_VERSION] || !tb[MEMSAN_A_STATUS_ENABLED])
		return fail(why, wlen, "status without %s",
			    tb[MEMSAN_A_STATUS_VERSION] ? "enabled" : "version");
	s->version = nla_get_string(tb[MEMSAN_A_STATUS_VERSION]);
	s->enabled = !!nla_get_u8(tb[MEMSAN_A_STATUS_ENABLED]);
	cfg = tb[MEMSAN_A_STATUS_CONFIG];
	if ((cfg && parse_entries(nla_data(cfg), nla_len(cfg), &s->config, why, wlen)) ||
	    parse_counters(tb[MEMSAN_A_STATUS_COUNTERS], s, why, wlen))
		return -1;
	opt_u64(tb[MEMSAN_A_STATUS_PROBES_MISSED], &s->has_probes_missed, &s->probes_missed);
	opt_u64(tb[MEMSAN_A_STATUS_FIRST_SEQ], &s->has_first_seq, &s->first_seq);
	opt_u64(tb[MEMSAN_A_STATUS_NEXT_SEQ], &s->has_next_seq, &s->next_seq);
	return 0;
}
