// SPDX-License-Identifier: GPL-2.0
/*
 * memsan-ctl: messages from memsan.ko into structs.
 *
 * Nothing here trusts the message: every attribute's length is checked
 * against its type, strings must be NUL-terminated, a truncated attribute
 * makes the message malformed, and nothing is read past nlmsg_len.
 * Attributes this version does not know are skipped (newer kernels).
 */
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "memsan-ctl.h"

enum kind {
	K_SKIP,		/* unknown or unused here */
	K_U8,
	K_U32,
	K_U64,
	K_S64,
	K_STRING,
	K_NEST,
};

struct policy {
	enum kind kind;
	const char *name;
};

#define P(attr, k, n)	[attr] = { .kind = k, .name = n }

static const struct policy report_policy[MEMSAN_A_REPORT_MAX + 1] = {
	P(MEMSAN_A_REPORT_SEQ, K_U64, "seq"),
	P(MEMSAN_A_REPORT_BUG, K_STRING, "bug"),
	P(MEMSAN_A_REPORT_ACCESS, K_U8, "access"),
	P(MEMSAN_A_REPORT_SIZE, K_U64, "size"),
	P(MEMSAN_A_REPORT_ADDR, K_U64, "addr"),
	P(MEMSAN_A_REPORT_FIRST_BAD, K_U64, "first_bad"),
	P(MEMSAN_A_REPORT_IP, K_STRING, "ip"),
	P(MEMSAN_A_REPORT_MODULE, K_STRING, "module"),
	P(MEMSAN_A_REPORT_PID, K_U32, "pid"),
	P(MEMSAN_A_REPORT_COMM, K_STRING, "comm"),
	P(MEMSAN_A_REPORT_CPU, K_U32, "cpu"),
	P(MEMSAN_A_REPORT_CALL_STACK, K_NEST, "call_stack"),
	P(MEMSAN_A_REPORT_OBJECT, K_NEST, "object"),
	P(MEMSAN_A_REPORT_ALLOC_STACK, K_NEST, "alloc_stack"),
	P(MEMSAN_A_REPORT_FREE_STACK, K_NEST, "free_stack"),
	P(MEMSAN_A_REPORT_TEXT, K_STRING, "text"),
};

static const struct policy object_policy[MEMSAN_A_OBJECT_MAX + 1] = {
	P(MEMSAN_A_OBJECT_ADDR, K_U64, "object addr"),
	P(MEMSAN_A_OBJECT_SIZE, K_U64, "object size"),
	P(MEMSAN_A_OBJECT_CACHE, K_STRING, "object cache"),
	P(MEMSAN_A_OBJECT_CACHE_SIZE, K_U32, "object cache_size"),
};

static const struct policy stack_policy[MEMSAN_A_STACK_MAX + 1] = {
	P(MEMSAN_A_STACK_PID, K_U32, "stack pid"),
	P(MEMSAN_A_STACK_FRAME, K_STRING, "stack frame"),
};

static const struct policy status_policy[MEMSAN_A_STATUS_MAX + 1] = {
	P(MEMSAN_A_STATUS_VERSION, K_STRING, "version"),
	P(MEMSAN_A_STATUS_ENABLED, K_U8, "enabled"),
	P(MEMSAN_A_STATUS_CONFIG, K_NEST, "config"),
	P(MEMSAN_A_STATUS_COUNTERS, K_NEST, "counters"),
	P(MEMSAN_A_STATUS_PROBES_MISSED, K_U64, "probes_missed"),
	P(MEMSAN_A_STATUS_FIRST_SEQ, K_U64, "first_seq"),
	P(MEMSAN_A_STATUS_NEXT_SEQ, K_U64, "next_seq"),
};

static const struct policy config_policy[MEMSAN_A_CONFIG_MAX + 1] = {
	P(MEMSAN_A_CONFIG_ENTRY, K_NEST, "config entry"),
};

static const struct policy entry_policy[MEMSAN_A_ENTRY_MAX + 1] = {
	P(MEMSAN_A_ENTRY_NAME, K_STRING, "entry name"),
	P(MEMSAN_A_ENTRY_VALUE, K_STRING, "entry value"),
};

static const struct policy counters_policy[MEMSAN_A_COUNTERS_MAX + 1] = {
	P(MEMSAN_A_COUNTERS_COUNTER, K_NEST, "counter"),
};

static const struct policy counter_policy[MEMSAN_A_COUNTER_MAX + 1] = {
	P(MEMSAN_A_COUNTER_NAME, K_STRING, "counter name"),
	P(MEMSAN_A_COUNTER_VALUE, K_S64, "counter value"),
};

#define fail(why, len, ...) (snprintf(why, len, __VA_ARGS__), -1)

/*
 * Check every attribute in [@head, @head + @len) against @pol; tb[type] gets
 * the last one of each known type.  -1 on a bad length, a string without its
 * NUL, or a truncated attribute.
 */
static int walk(const struct nlattr *head, int len, const struct policy *pol, int max,
		const struct nlattr **tb, char *why, size_t wlen)
{
	const struct nlattr *a;
	int rem;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	nla_for_each_attr(a, (struct nlattr *)head, len, rem) {
		int type = nla_type(a), alen = nla_len(a);
		const char *data = nla_data(a);
		bool ok;

		if (type > max || pol[type].kind == K_SKIP)
			continue;
		switch (pol[type].kind) {
		case K_U8:
			ok = alen == 1;
			break;
		case K_U32:
			ok = alen == 4;
			break;
		case K_U64:
		case K_S64:
			ok = alen == 8;
			break;
		case K_STRING:
			ok = alen >= 1 && memchr(data, '\0', alen) == data + alen - 1;
			break;
		default:
			ok = true;
			break;
		}
		if (!ok)
			return fail(why, wlen, "attribute %s: bad %s of %d bytes", pol[type].name,
				    pol[type].kind == K_STRING ? "string" : "length", alen);
		tb[type] = a;
	}
	if (rem > 0)
		return fail(why, wlen, "truncated attribute (%d bytes left over)", rem);
	return 0;
}

static int walk_nest(const struct nlattr *nest, const struct policy *pol, int max,
		     const struct nlattr **tb, char *why, size_t wlen)
{
	return walk(nla_data(nest), nla_len(nest), pol, max, tb, why, wlen);
}

static const char *str(const struct nlattr *a)
{
	return a ? nla_data(a) : NULL;
}

static uint64_t u64(const struct nlattr *a)
{
	uint64_t v;

	memcpy(&v, nla_data(a), sizeof(v));	/* may be unaligned */
	return v;
}

static uint32_t u32(const struct nlattr *a)
{
	uint32_t v;

	memcpy(&v, nla_data(a), sizeof(v));
	return v;
}

int ms_msg_cmd(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g;

	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return -1;
	g = nlmsg_data(nlh);
	return g->cmd;
}

/* The attributes of a memsan message of command @cmd. */
static int msg_attrs(const struct nlmsghdr *nlh, int cmd, const struct nlattr **head, int *len,
		     char *why, size_t wlen)
{
	int got = ms_msg_cmd(nlh);

	if (got < 0)
		return fail(why, wlen, "message of %u bytes: too short", nlh->nlmsg_len);
	if (got != cmd)
		return fail(why, wlen, "unexpected message (command %d, not %d)", got, cmd);
	*head = (const struct nlattr *)((const char *)nlmsg_data(nlh) + GENL_HDRLEN);
	*len = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	return 0;
}

static int parse_stack(const struct nlattr *nest, struct ms_stack *s, char *why, size_t wlen)
{
	const struct nlattr *tb[MEMSAN_A_STACK_MAX + 1], *a;
	int rem;

	memset(s, 0, sizeof(*s));
	if (walk_nest(nest, stack_policy, MEMSAN_A_STACK_MAX, tb, why, wlen))
		return -1;
	s->present = true;
	if (tb[MEMSAN_A_STACK_PID]) {
		s->has_pid = true;
		s->pid = u32(tb[MEMSAN_A_STACK_PID]);
	}
	nla_for_each_nested(a, (struct nlattr *)nest, rem)
		if (nla_type(a) == MEMSAN_A_STACK_FRAME && s->nr < MS_MAX_FRAMES)
			s->frames[s->nr++] = nla_data(a);
	return 0;
}

static int parse_object(const struct nlattr *nest, struct ms_report *r, char *why, size_t wlen)
{
	const struct nlattr *tb[MEMSAN_A_OBJECT_MAX + 1];

	if (walk_nest(nest, object_policy, MEMSAN_A_OBJECT_MAX, tb, why, wlen))
		return -1;
	r->has_object = true;
	if (tb[MEMSAN_A_OBJECT_ADDR]) {
		r->has_obj_addr = true;
		r->obj_addr = u64(tb[MEMSAN_A_OBJECT_ADDR]);
	}
	if (tb[MEMSAN_A_OBJECT_SIZE]) {
		r->has_obj_size = true;
		r->obj_size = u64(tb[MEMSAN_A_OBJECT_SIZE]);
	}
	r->cache = str(tb[MEMSAN_A_OBJECT_CACHE]);
	if (tb[MEMSAN_A_OBJECT_CACHE_SIZE]) {
		r->has_cache_size = true;
		r->cache_size = u32(tb[MEMSAN_A_OBJECT_CACHE_SIZE]);
	}
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
	const struct nlattr *tb[MEMSAN_A_REPORT_MAX + 1], *head;
	int len;

	memset(r, 0, sizeof(*r));
	r->access = -1;
	/* a GET_REPORTS reply is a report too */
	if (msg_attrs(nlh, ms_msg_cmd(nlh) == MEMSAN_CMD_GET_REPORTS ? MEMSAN_CMD_GET_REPORTS :
			   MEMSAN_CMD_REPORT, &head, &len, why, wlen) ||
	    walk(head, len, report_policy, MEMSAN_A_REPORT_MAX, tb, why, wlen))
		return -1;
	if (!tb[MEMSAN_A_REPORT_SEQ] || !tb[MEMSAN_A_REPORT_BUG] || !tb[MEMSAN_A_REPORT_TEXT])
		return fail(why, wlen, "report without %s",
			    !tb[MEMSAN_A_REPORT_SEQ] ? "seq" :
			    !tb[MEMSAN_A_REPORT_BUG] ? "bug type" : "text");
	r->seq = u64(tb[MEMSAN_A_REPORT_SEQ]);
	r->bug = str(tb[MEMSAN_A_REPORT_BUG]);
	r->text = str(tb[MEMSAN_A_REPORT_TEXT]);
	if (tb[MEMSAN_A_REPORT_ACCESS]) {
		uint8_t access = *(const uint8_t *)nla_data(tb[MEMSAN_A_REPORT_ACCESS]);

		r->access = access <= MEMSAN_ACCESS_MAX ? access : -1;
	}
	if (tb[MEMSAN_A_REPORT_SIZE]) {
		r->has_size = true;
		r->size = u64(tb[MEMSAN_A_REPORT_SIZE]);
	}
	if (tb[MEMSAN_A_REPORT_ADDR]) {
		r->has_addr = true;
		r->addr = u64(tb[MEMSAN_A_REPORT_ADDR]);
	}
	if (tb[MEMSAN_A_REPORT_FIRST_BAD]) {
		r->has_first_bad = true;
		r->first_bad = u64(tb[MEMSAN_A_REPORT_FIRST_BAD]);
	}
	r->ip = str(tb[MEMSAN_A_REPORT_IP]);
	r->module = str(tb[MEMSAN_A_REPORT_MODULE]);
	r->comm = str(tb[MEMSAN_A_REPORT_COMM]);
	if (tb[MEMSAN_A_REPORT_PID]) {
		r->has_pid = true;
		r->pid = u32(tb[MEMSAN_A_REPORT_PID]);
	}
	if (tb[MEMSAN_A_REPORT_CPU]) {
		r->has_cpu = true;
		r->cpu = u32(tb[MEMSAN_A_REPORT_CPU]);
	}
	if ((tb[MEMSAN_A_REPORT_CALL_STACK] &&
	     parse_stack(tb[MEMSAN_A_REPORT_CALL_STACK], &r->call, why, wlen)) ||
	    (tb[MEMSAN_A_REPORT_ALLOC_STACK] &&
	     parse_stack(tb[MEMSAN_A_REPORT_ALLOC_STACK], &r->alloc, why, wlen)) ||
	    (tb[MEMSAN_A_REPORT_FREE_STACK] &&
	     parse_stack(tb[MEMSAN_A_REPORT_FREE_STACK], &r->free, why, wlen)) ||
	    (tb[MEMSAN_A_REPORT_OBJECT] && parse_object(tb[MEMSAN_A_REPORT_OBJECT], r, why, wlen)))
		return -1;
	return 0;
}

int ms_parse_report_ready(const struct nlmsghdr *nlh, uint64_t *seq, char *why, size_t wlen)
{
	const struct nlattr *tb[MEMSAN_A_REPORT_MAX + 1], *head;
	int len;

	if (msg_attrs(nlh, MEMSAN_CMD_REPORT_READY, &head, &len, why, wlen) ||
	    walk(head, len, report_policy, MEMSAN_A_REPORT_MAX, tb, why, wlen))
		return -1;
	if (!tb[MEMSAN_A_REPORT_SEQ])
		return fail(why, wlen, "report notification without seq");
	*seq = u64(tb[MEMSAN_A_REPORT_SEQ]);
	return 0;
}

/* Entries (MEMSAN_A_CONFIG_ENTRY) in [@head, +@len), already walked. */
static int parse_entries(const struct nlattr *head, int len, struct ms_config *c, char *why,
			 size_t wlen)
{
	const struct nlattr *tb[MEMSAN_A_ENTRY_MAX + 1], *a;
	int rem;

	c->n = 0;
	nla_for_each_attr(a, (struct nlattr *)head, len, rem) {
		if (nla_type(a) != MEMSAN_A_CONFIG_ENTRY)
			continue;
		if (walk_nest(a, entry_policy, MEMSAN_A_ENTRY_MAX, tb, why, wlen))
			return -1;
		if (!tb[MEMSAN_A_ENTRY_NAME] || !tb[MEMSAN_A_ENTRY_VALUE])
			return fail(why, wlen, "config entry without a %s",
				    tb[MEMSAN_A_ENTRY_NAME] ? "value" : "name");
		if (c->n == MS_MAX_ENTRIES)
			return fail(why, wlen, "more than %d config entries", MS_MAX_ENTRIES);
		c->entries[c->n].name = str(tb[MEMSAN_A_ENTRY_NAME]);
		c->entries[c->n].value = str(tb[MEMSAN_A_ENTRY_VALUE]);
		c->n++;
	}
	return 0;
}

int ms_parse_config(const struct nlmsghdr *nlh, struct ms_config *c, char *why, size_t wlen)
{
	const struct nlattr *tb[MEMSAN_A_CONFIG_MAX + 1], *head;
	int len;

	c->n = 0;
	if (msg_attrs(nlh, MEMSAN_CMD_GET_CONFIG, &head, &len, why, wlen) ||
	    walk(head, len, config_policy, MEMSAN_A_CONFIG_MAX, tb, why, wlen))
		return -1;
	return parse_entries(head, len, c, why, wlen);
}

static int parse_counters(const struct nlattr *nest, struct ms_status *s, char *why, size_t wlen)
{
	const struct nlattr *ctb[MEMSAN_A_COUNTERS_MAX + 1], *tb[MEMSAN_A_COUNTER_MAX + 1], *a;
	int rem;

	if (walk_nest(nest, counters_policy, MEMSAN_A_COUNTERS_MAX, ctb, why, wlen))
		return -1;
	nla_for_each_nested(a, (struct nlattr *)nest, rem) {
		if (nla_type(a) != MEMSAN_A_COUNTERS_COUNTER)
			continue;
		if (walk_nest(a, counter_policy, MEMSAN_A_COUNTER_MAX, tb, why, wlen))
			return -1;
		if (!tb[MEMSAN_A_COUNTER_NAME] || !tb[MEMSAN_A_COUNTER_VALUE])
			return fail(why, wlen, "counter without a %s",
				    tb[MEMSAN_A_COUNTER_NAME] ? "value" : "name");
		if (s->n_counters == MS_MAX_ENTRIES)
			return fail(why, wlen, "more than %d counters", MS_MAX_ENTRIES);
		s->counters[s->n_counters].name = str(tb[MEMSAN_A_COUNTER_NAME]);
		s->counters[s->n_counters].value = (int64_t)u64(tb[MEMSAN_A_COUNTER_VALUE]);
		s->n_counters++;
	}
	return 0;
}

int ms_parse_status(const struct nlmsghdr *nlh, struct ms_status *s, char *why, size_t wlen)
{
	const struct nlattr *tb[MEMSAN_A_STATUS_MAX + 1], *ctb[MEMSAN_A_CONFIG_MAX + 1], *head;
	int len;

	memset(s, 0, sizeof(*s));
	s->enabled = -1;
	s->source = "netlink";
	if (msg_attrs(nlh, MEMSAN_CMD_GET_STATUS, &head, &len, why, wlen) ||
	    walk(head, len, status_policy, MEMSAN_A_STATUS_MAX, tb, why, wlen))
		return -1;
	if (!tb[MEMSAN_A_STATUS_VERSION] || !tb[MEMSAN_A_STATUS_ENABLED])
		return fail(why, wlen, "status without %s",
			    tb[MEMSAN_A_STATUS_VERSION] ? "enabled" : "version");
	s->version = str(tb[MEMSAN_A_STATUS_VERSION]);
	s->enabled = !!*(const uint8_t *)nla_data(tb[MEMSAN_A_STATUS_ENABLED]);
	if (tb[MEMSAN_A_STATUS_CONFIG]) {
		const struct nlattr *cfg = tb[MEMSAN_A_STATUS_CONFIG];

		if (walk_nest(cfg, config_policy, MEMSAN_A_CONFIG_MAX, ctb, why, wlen) ||
		    parse_entries(nla_data(cfg), nla_len(cfg), &s->config, why, wlen))
			return -1;
	}
	if (tb[MEMSAN_A_STATUS_COUNTERS] &&
	    parse_counters(tb[MEMSAN_A_STATUS_COUNTERS], s, why, wlen))
		return -1;
	if (tb[MEMSAN_A_STATUS_PROBES_MISSED]) {
		s->has_probes_missed = true;
		s->probes_missed = u64(tb[MEMSAN_A_STATUS_PROBES_MISSED]);
	}
	if (tb[MEMSAN_A_STATUS_FIRST_SEQ]) {
		s->has_first_seq = true;
		s->first_seq = u64(tb[MEMSAN_A_STATUS_FIRST_SEQ]);
	}
	if (tb[MEMSAN_A_STATUS_NEXT_SEQ]) {
		s->has_next_seq = true;
		s->next_seq = u64(tb[MEMSAN_A_STATUS_NEXT_SEQ]);
	}
	return 0;
}
