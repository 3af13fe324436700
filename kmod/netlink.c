// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: generic netlink family "memsan" (kmod/uapi/memsan.h, memsan.yaml).
 *
 * Status, configuration (the module parameters, with their own validation),
 * a dump of the reports kept in the ring, and a multicast group on which
 * every new report is sent as it happens.
 *
 * Reports are made in any context, so memsan_netlink_report_ready() only
 * queues an irq_work; the irq_work queues a work item; the work item copies
 * each new report out of the ring and multicasts it from process context.
 *
 * Privileges: SET_CONFIG, GET_REPORTS and CLEAR need CAP_NET_ADMIN
 * (GENL_ADMIN_PERM).  Reports hold kernel addresses: where the kernel can
 * restrict a multicast group (GENL_MCAST_CAP_SYS_ADMIN: recent kernels and
 * stable updates, Debian bookworm's 6.1 included), the group needs
 * CAP_SYS_ADMIN and carries whole reports, as drop_monitor's "events" group
 * does.  Older kernels let anyone join any group: there the group carries
 * only the sequence number of each new report (MEMSAN_CMD_REPORT_READY), and
 * listeners fetch the report itself with the privileged GET_REPORTS dump.
 */
#include <linux/irq_work.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netlink.h>

#include "memsan.h"
#include "uapi/memsan.h"

/* A frame or ip as text ("func+0x1a/0x40 [mod]"), NUL included: longer names are cut. */
#define NL_SYMBOL_LEN		192

/* Room for the largest report message in one dump skb: one order-3 block. */
#define NL_DUMP_ALLOC		SKB_WITH_OVERHEAD(32768)

/* A SET_CONFIG request changes at most this many keys. */
#define NL_CONFIG_ENTRIES_MAX	64

#ifdef GENL_MCAST_CAP_SYS_ADMIN
/* The group is restricted to CAP_SYS_ADMIN: it may carry whole reports. */
static const bool mcast_full_reports = true;
#else
/* Anyone may join: send sequence numbers only. */
static const bool mcast_full_reports;
#endif

enum memsan_nl_group {
	MEMSAN_NL_GROUP_REPORTS,
};

static struct genl_family memsan_genl_family;

/* Set between init and exit: memsan_netlink_report_ready() may queue work. */
static bool nl_live;

/* Last report sequence handled by report_workfn(); only that work touches it. */
static u64 sent_seq;

/* report_workfn()'s copy of the report it sends: too big for the stack. */
static struct memsan_report *send_copy;

/* === Attribute policies (requests only) === */

static const struct nla_policy entry_name_policy[MEMSAN_A_ENTRY_NAME + 1] = {
	[MEMSAN_A_ENTRY_NAME] = { .type = NLA_NUL_STRING, .len = MEMSAN_CONFIG_NAME_MAX },
};

static const struct nla_policy entry_set_policy[MEMSAN_A_ENTRY_VALUE + 1] = {
	[MEMSAN_A_ENTRY_NAME] = { .type = NLA_NUL_STRING, .len = MEMSAN_CONFIG_NAME_MAX },
	[MEMSAN_A_ENTRY_VALUE] = { .type = NLA_NUL_STRING, .len = MEMSAN_CONFIG_VALUE_MAX },
};

static const struct nla_policy get_config_policy[MEMSAN_A_CONFIG_ENTRY + 1] = {
	[MEMSAN_A_CONFIG_ENTRY] = NLA_POLICY_NESTED(entry_name_policy),
};

static const struct nla_policy set_config_policy[MEMSAN_A_CONFIG_ENTRY + 1] = {
	[MEMSAN_A_CONFIG_ENTRY] = NLA_POLICY_NESTED(entry_set_policy),
};

static const struct nla_policy get_reports_policy[MEMSAN_A_REPORT_SEQ + 1] = {
	[MEMSAN_A_REPORT_SEQ] = { .type = NLA_U64 },
};

/* === Status and configuration === */

/* Put one MEMSAN_A_CONFIG_ENTRY; @buf is PAGE_SIZE bytes of scratch. */
static int put_config_entry(struct sk_buff *skb, const char *name, char *buf)
{
	struct nlattr *entry;
	int len = memsan_config_get(name, buf);

	if (len < 0)
		return len;
	entry = nla_nest_start(skb, MEMSAN_A_CONFIG_ENTRY);
	if (!entry)
		return -EMSGSIZE;
	if (nla_put_string(skb, MEMSAN_A_ENTRY_NAME, name) ||
	    nla_put_string(skb, MEMSAN_A_ENTRY_VALUE, buf)) {
		nla_nest_cancel(skb, entry);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, entry);
	return 0;
}

static int put_config_all(struct sk_buff *skb, char *buf)
{
	unsigned int i;
	int err;

	for (i = 0; i < memsan_config_count(); i++) {
		err = put_config_entry(skb, memsan_config_name(i), buf);
		if (err)
			return err;
	}
	return 0;
}

static int put_counter(struct sk_buff *skb, const char *name, long value)
{
	struct nlattr *counter = nla_nest_start(skb, MEMSAN_A_COUNTERS_COUNTER);

	if (!counter)
		return -EMSGSIZE;
	if (nla_put_string(skb, MEMSAN_A_COUNTER_NAME, name) ||
	    nla_put_s64(skb, MEMSAN_A_COUNTER_VALUE, value, MEMSAN_A_COUNTER_PAD)) {
		nla_nest_cancel(skb, counter);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, counter);
	return 0;
}

static int put_counters(struct sk_buff *skb)
{
	struct nlattr *nest = nla_nest_start(skb, MEMSAN_A_STATUS_COUNTERS);
	unsigned int i;

	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < MEMSAN_COUNTER_COUNT; i++) {
		if (put_counter(skb, memsan_counter_names[i],
				memsan_counter_read(i))) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int put_status(struct sk_buff *skb, char *buf)
{
	struct nlattr *config;
	int err;

	if (nla_put_string(skb, MEMSAN_A_STATUS_VERSION, MEMSAN_VERSION) ||
	    nla_put_u8(skb, MEMSAN_A_STATUS_ENABLED, memsan_enabled()))
		return -EMSGSIZE;
	config = nla_nest_start(skb, MEMSAN_A_STATUS_CONFIG);
	if (!config)
		return -EMSGSIZE;
	err = put_config_all(skb, buf);
	if (err)
		return err;
	nla_nest_end(skb, config);
	if (put_counters(skb) ||
	    nla_put_u64_64bit(skb, MEMSAN_A_STATUS_PROBES_MISSED, memsan_hooks_missed(),
			      MEMSAN_A_STATUS_PAD) ||
	    nla_put_u64_64bit(skb, MEMSAN_A_STATUS_FIRST_SEQ, memsan_reports_first_seq(),
			      MEMSAN_A_STATUS_PAD) ||
	    nla_put_u64_64bit(skb, MEMSAN_A_STATUS_NEXT_SEQ, memsan_reports_next_seq(),
			      MEMSAN_A_STATUS_PAD))
		return -EMSGSIZE;
	return 0;
}

static int memsan_nl_get_status(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	char *buf;
	void *hdr;
	int err;

	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		err = -ENOMEM;
		goto err_free_buf;
	}
	hdr = genlmsg_put_reply(msg, info, &memsan_genl_family, 0, MEMSAN_CMD_GET_STATUS);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free_msg;
	}
	err = put_status(msg, buf);
	if (err) {
		NL_SET_ERR_MSG(info->extack, "status does not fit in a message");
		goto err_free_msg;
	}
	genlmsg_end(msg, hdr);
	kfree(buf);
	return genlmsg_reply(msg, info);

err_free_msg:
	nlmsg_free(msg);
err_free_buf:
	kfree(buf);
	return err;
}

static int memsan_nl_get_config(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[MEMSAN_A_ENTRY_NAME + 1];
	struct nlattr *attr;
	bool some = false;
	struct sk_buff *msg;
	char *buf;
	void *hdr;
	int rem, err;

	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		err = -ENOMEM;
		goto err_free_buf;
	}
	hdr = genlmsg_put_reply(msg, info, &memsan_genl_family, 0, MEMSAN_CMD_GET_CONFIG);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free_msg;
	}

	/* The policy allows only entries, each with at most a name. */
	nlmsg_for_each_attr(attr, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(attr) != MEMSAN_A_CONFIG_ENTRY)
			continue;
		err = nla_parse_nested(tb, MEMSAN_A_ENTRY_NAME, attr, entry_name_policy,
				       info->extack);
		if (err)
			goto err_free_msg;
		if (!tb[MEMSAN_A_ENTRY_NAME]) {
			NL_SET_ERR_MSG_ATTR(info->extack, attr, "config entry without a name");
			err = -EINVAL;
			goto err_free_msg;
		}
		err = put_config_entry(msg, nla_data(tb[MEMSAN_A_ENTRY_NAME]), buf);
		if (err == -ENOENT) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[MEMSAN_A_ENTRY_NAME],
					    "unknown configuration key");
			goto err_free_msg;
		}
		if (err) {
			NL_SET_ERR_MSG(info->extack, "configuration does not fit in a message");
			goto err_free_msg;
		}
		some = true;
	}
	if (!some) {
		err = put_config_all(msg, buf);
		if (err) {
			NL_SET_ERR_MSG(info->extack, "configuration does not fit in a message");
			goto err_free_msg;
		}
	}
	genlmsg_end(msg, hdr);
	kfree(buf);
	return genlmsg_reply(msg, info);

err_free_msg:
	nlmsg_free(msg);
err_free_buf:
	kfree(buf);
	return err;
}

/* What SET_CONFIG needs to put a key back as it was. */
struct config_undo {
	const char *name;		/* in the request */
	const struct nlattr *value;	/* the new value's attribute, for extack */
	char *old;			/* value before the request */
};

/* Undo the first @n keys of @undo, last first; they were valid values. */
static void config_roll_back(struct config_undo *undo, int n)
{
	while (n-- > 0)
		if (memsan_config_set(undo[n].name, undo[n].old))
			pr_warn("memsan: could not set %s back to %s\n", undo[n].name,
				undo[n].old);
}

/**
 * memsan_nl_set_config() - SET_CONFIG: change one or more keys, all or none
 * @skb:	the request
 * @info:	its attributes, validated against set_config_policy
 *
 * Every key must exist before any is changed (-ENOENT otherwise).  Each
 * value goes through the module parameter's own setter; on the first one it
 * rejects (-EINVAL), the keys already changed are set back to their old
 * values.
 *
 * Return: 0 or a negative errno, with an extack message.
 */
static int memsan_nl_set_config(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[MEMSAN_A_ENTRY_MAX + 1];
	char value[MEMSAN_CONFIG_VALUE_MAX + 1];
	struct config_undo *undo;
	struct nlattr *attr;
	int rem, n = 0, i, err;
	char *buf;

	nlmsg_for_each_attr(attr, info->nlhdr, GENL_HDRLEN, rem)
		n++;
	if (!n) {
		NL_SET_ERR_MSG(info->extack, "no config entry to set");
		return -EINVAL;
	}
	if (n > NL_CONFIG_ENTRIES_MAX) {
		NL_SET_ERR_MSG(info->extack, "too many config entries in one request");
		return -EINVAL;
	}
	undo = kcalloc(n, sizeof(*undo), GFP_KERNEL);
	if (!undo)
		return -ENOMEM;
	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf) {
		err = -ENOMEM;
		goto out_free_undo;
	}

	/* First every key, and its value now. */
	i = 0;
	nlmsg_for_each_attr(attr, info->nlhdr, GENL_HDRLEN, rem) {
		err = nla_parse_nested(tb, MEMSAN_A_ENTRY_MAX, attr, entry_set_policy,
				       info->extack);
		if (err)
			goto out_free_old;
		if (!tb[MEMSAN_A_ENTRY_NAME] || !tb[MEMSAN_A_ENTRY_VALUE]) {
			NL_SET_ERR_MSG_ATTR(info->extack, attr,
					    "config entry needs a name and a value");
			err = -EINVAL;
			goto out_free_old;
		}
		undo[i].name = nla_data(tb[MEMSAN_A_ENTRY_NAME]);
		undo[i].value = tb[MEMSAN_A_ENTRY_VALUE];
		err = memsan_config_get(undo[i].name, buf);
		if (err < 0) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[MEMSAN_A_ENTRY_NAME],
					    "unknown configuration key");
			goto out_free_old;
		}
		undo[i].old = kstrdup(buf, GFP_KERNEL);
		if (!undo[i].old) {
			err = -ENOMEM;
			goto out_free_old;
		}
		i++;
	}

	/* Then the changes; a setter may edit its argument: give it a copy. */
	for (i = 0; i < n; i++) {
		nla_strscpy(value, undo[i].value, sizeof(value));
		err = memsan_config_set(undo[i].name, value);
		if (err) {
			NL_SET_ERR_MSG_ATTR(info->extack, undo[i].value,
					    "invalid value for this configuration key");
			config_roll_back(undo, i);
			goto out_free_old;
		}
	}
	err = 0;

out_free_old:
	for (i = 0; i < n; i++)
		kfree(undo[i].old);
	kfree(buf);
out_free_undo:
	kfree(undo);
	return err;
}

/* === Reports as messages === */

static const char *bug_name(enum memsan_bug_type type)
{
	return type < MEMSAN_BUG_COUNT ? memsan_bug_names[type] : "unknown";
}

static u8 report_access(const struct memsan_report *r)
{
	if (r->is_free)
		return MEMSAN_ACCESS_FREE;
	return r->is_write ? MEMSAN_ACCESS_WRITE : MEMSAN_ACCESS_READ;
}

/* Bytes of the attribute holding @addr as text. */
static size_t symbol_attr_size(unsigned long addr)
{
	int len = snprintf(NULL, 0, "%pS", (void *)addr);

	return nla_total_size(min(len + 1, NL_SYMBOL_LEN));
}

static unsigned int stack_frames(const struct memsan_stack *s)
{
	return min_t(unsigned int, s->nr, MEMSAN_REPORT_FRAMES);
}

static size_t stack_attr_size(const struct memsan_stack *s)
{
	size_t size = nla_total_size(0) + nla_total_size(sizeof(u32));
	unsigned int i;

	for (i = 0; i < stack_frames(s); i++)
		size += symbol_attr_size(s->frames[i]);
	return size;
}

/* Payload of the report message for @r, as report_fill() writes it. */
static size_t report_payload_size(const struct memsan_report *r)
{
	size_t size;

	size = nla_total_size_64bit(sizeof(u64)) * 4		/* seq, size, addr, first_bad */
	       + nla_total_size(strlen(bug_name(r->type)) + 1)
	       + nla_total_size(sizeof(u8))			/* access */
	       + symbol_attr_size(r->ip)
	       + nla_total_size(MODULE_NAME_LEN)
	       + nla_total_size(sizeof(u32)) * 2		/* pid, cpu */
	       + nla_total_size(sizeof(r->comm))
	       + stack_attr_size(&r->call)
	       + nla_total_size(r->text_len + 1);
	if (r->has_object)
		size += nla_total_size(0)
			+ nla_total_size_64bit(sizeof(u64)) * 2	/* addr, size */
			+ nla_total_size(sizeof(r->cache_name))
			+ nla_total_size(sizeof(u32));
	if (r->has_alloc)
		size += stack_attr_size(&r->alloc);
	if (r->has_free)
		size += stack_attr_size(&r->free);
	return size;
}

/*
 * The largest report message: every string at its longest (bug names are
 * shorter than 32 bytes), three stacks of MEMSAN_REPORT_FRAMES frames.  A
 * dump skb must hold it.
 */
static __always_inline size_t report_max_size(void)
{
	size_t stack = nla_total_size(0) + nla_total_size(sizeof(u32)) +
		       MEMSAN_REPORT_FRAMES * nla_total_size(NL_SYMBOL_LEN);
	size_t payload = nla_total_size_64bit(sizeof(u64)) * 4 + nla_total_size(32) +
			 nla_total_size(sizeof(u8)) + nla_total_size(NL_SYMBOL_LEN) +
			 nla_total_size(MODULE_NAME_LEN) + nla_total_size(sizeof(u32)) * 2 +
			 nla_total_size(TASK_COMM_LEN) + stack * 3 +
			 nla_total_size(0) + nla_total_size_64bit(sizeof(u64)) * 2 +
			 nla_total_size(MEMSAN_CACHE_NAME) + nla_total_size(sizeof(u32)) +
			 nla_total_size(MEMSAN_REPORT_TEXT);

	return nlmsg_total_size(genlmsg_total_size(payload));
}

/*
 * The module of a symbol as %pS prints it: "func+0x1a/0x40 [mod]" gives
 * "mod", vmlinux symbols give NULL.  Cuts @sym at the module.
 */
static const char *symbol_module(char *sym)
{
	size_t len = strlen(sym);
	char *open;

	if (len < 4 || sym[len - 1] != ']')
		return NULL;
	open = strrchr(sym, '[');
	if (!open || open == sym || open[-1] != ' ')
		return NULL;
	sym[len - 1] = '\0';
	return open + 1;
}

static int put_stack(struct sk_buff *skb, int type, const struct memsan_stack *s)
{
	struct nlattr *nest = nla_nest_start(skb, type);
	char sym[NL_SYMBOL_LEN];
	unsigned int i;

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, MEMSAN_A_STACK_PID, s->pid))
		goto cancel;
	for (i = 0; i < stack_frames(s); i++) {
		scnprintf(sym, sizeof(sym), "%pS", (void *)s->frames[i]);
		if (nla_put_string(skb, MEMSAN_A_STACK_FRAME, sym))
			goto cancel;
	}
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static int put_object(struct sk_buff *skb, const struct memsan_report *r)
{
	struct nlattr *nest = nla_nest_start(skb, MEMSAN_A_REPORT_OBJECT);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, MEMSAN_A_OBJECT_ADDR, r->obj_addr, MEMSAN_A_OBJECT_PAD) ||
	    nla_put_u64_64bit(skb, MEMSAN_A_OBJECT_SIZE, r->obj_size, MEMSAN_A_OBJECT_PAD) ||
	    (r->cache_name[0] && nla_put_string(skb, MEMSAN_A_OBJECT_CACHE, r->cache_name)) ||
	    nla_put_u32(skb, MEMSAN_A_OBJECT_CACHE_SIZE, r->cache_size)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* One report message (@cmd: GET_REPORTS reply or REPORT) for @r at the tail of @skb. */
static int report_fill(struct sk_buff *skb, const struct memsan_report *r, u8 cmd, u32 portid,
		       u32 seq, int flags)
{
	char sym[NL_SYMBOL_LEN], ip[NL_SYMBOL_LEN];
	const char *mod;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &memsan_genl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	scnprintf(ip, sizeof(ip), "%pS", (void *)r->ip);
	strscpy(sym, ip, sizeof(sym));
	mod = symbol_module(sym);

	if (nla_put_u64_64bit(skb, MEMSAN_A_REPORT_SEQ, r->seq, MEMSAN_A_REPORT_PAD) ||
	    nla_put_string(skb, MEMSAN_A_REPORT_BUG, bug_name(r->type)) ||
	    nla_put_u8(skb, MEMSAN_A_REPORT_ACCESS, report_access(r)) ||
	    (!r->is_free &&
	     nla_put_u64_64bit(skb, MEMSAN_A_REPORT_SIZE, r->size, MEMSAN_A_REPORT_PAD)) ||
	    nla_put_u64_64bit(skb, MEMSAN_A_REPORT_ADDR, r->addr, MEMSAN_A_REPORT_PAD) ||
	    nla_put_u64_64bit(skb, MEMSAN_A_REPORT_FIRST_BAD, r->first_bad,
			      MEMSAN_A_REPORT_PAD) ||
	    nla_put_string(skb, MEMSAN_A_REPORT_IP, ip) ||
	    (mod && nla_put_string(skb, MEMSAN_A_REPORT_MODULE, mod)) ||
	    nla_put_u32(skb, MEMSAN_A_REPORT_PID, r->pid) ||
	    nla_put_string(skb, MEMSAN_A_REPORT_COMM, r->comm) ||
	    nla_put_u32(skb, MEMSAN_A_REPORT_CPU, r->cpu) ||
	    put_stack(skb, MEMSAN_A_REPORT_CALL_STACK, &r->call) ||
	    (r->has_object && put_object(skb, r)) ||
	    (r->has_alloc && put_stack(skb, MEMSAN_A_REPORT_ALLOC_STACK, &r->alloc)) ||
	    (r->has_free && put_stack(skb, MEMSAN_A_REPORT_FREE_STACK, &r->free)) ||
	    nla_put(skb, MEMSAN_A_REPORT_TEXT, r->text_len + 1, r->text)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * Copy report @seq out of the ring into @copy (the ring lock is a raw
 * spinlock: nothing may allocate under it).  Return: false if @seq is gone.
 */
static bool report_copy(u64 seq, struct memsan_report *copy)
{
	const struct memsan_report *r = memsan_report_get(seq);
	unsigned int len;

	if (!r)
		return false;
	len = min_t(unsigned int, r->text_len, sizeof(r->text) - 1);
	memcpy(copy, r, offsetof(struct memsan_report, text) + len);
	memsan_report_put();
	copy->text_len = len;
	copy->text[len] = '\0';
	return true;
}

/* === GET_REPORTS dump === */

struct reports_dump_ctx {
	u64 next;			/* next sequence to send */
	struct memsan_report *copy;
};

static struct reports_dump_ctx *reports_dump_ctx(struct netlink_callback *cb)
{
	BUILD_BUG_ON(sizeof(struct reports_dump_ctx) > sizeof(cb->ctx));
	return (struct reports_dump_ctx *)cb->ctx;
}

static int memsan_nl_reports_start(struct netlink_callback *cb)
{
	const struct nlattr *since = genl_dumpit_info(cb)->attrs[MEMSAN_A_REPORT_SEQ];
	struct reports_dump_ctx *ctx = reports_dump_ctx(cb);

	ctx->copy = kvmalloc(sizeof(*ctx->copy), GFP_KERNEL);
	if (!ctx->copy)
		return -ENOMEM;
	ctx->next = since ? nla_get_u64(since) : 0;
	/* Each message holds a whole report: make sure the largest fits. */
	cb->min_dump_alloc = NL_DUMP_ALLOC;
	return 0;
}

static int memsan_nl_reports_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct reports_dump_ctx *ctx = reports_dump_ctx(cb);
	u64 seq = max(ctx->next, memsan_reports_first_seq());
	u64 end = memsan_reports_next_seq();
	size_t need;

	for (; seq < end; seq++) {
		if (!report_copy(seq, ctx->copy))
			continue;	/* overwritten or cleared since first_seq was read */
		need = nlmsg_total_size(genlmsg_total_size(report_payload_size(ctx->copy)));
		if (need > skb_tailroom(skb) ||
		    report_fill(skb, ctx->copy, MEMSAN_CMD_GET_REPORTS, NETLINK_CB(cb->skb).portid,
				cb->nlh->nlmsg_seq, NLM_F_MULTI)) {
			if (!skb->len)
				return -EMSGSIZE;	/* not even alone: report_max_size() lies */
			break;				/* in the next skb */
		}
	}
	ctx->next = seq;
	return skb->len;
}

static int memsan_nl_reports_done(struct netlink_callback *cb)
{
	kvfree(reports_dump_ctx(cb)->copy);
	return 0;
}

/* === The "reports" group === */

/* Multicast report @seq (or its sequence number only); 0 if a listener got it. */
static int report_multicast(u64 seq)
{
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&memsan_genl_family, &init_net, MEMSAN_NL_GROUP_REPORTS))
		return -ESRCH;

	if (mcast_full_reports) {
		if (!report_copy(seq, send_copy))
			return -ENOENT;	/* overwritten before it could be sent */
		msg = genlmsg_new(report_payload_size(send_copy), GFP_KERNEL);
		if (!msg)
			return -ENOMEM;
		if (report_fill(msg, send_copy, MEMSAN_CMD_REPORT, 0, 0, 0)) {
			nlmsg_free(msg);
			return -EMSGSIZE;
		}
	} else {
		msg = genlmsg_new(nla_total_size_64bit(sizeof(u64)), GFP_KERNEL);
		if (!msg)
			return -ENOMEM;
		hdr = genlmsg_put(msg, 0, 0, &memsan_genl_family, 0, MEMSAN_CMD_REPORT_READY);
		if (!hdr || nla_put_u64_64bit(msg, MEMSAN_A_REPORT_SEQ, seq, MEMSAN_A_REPORT_PAD)) {
			nlmsg_free(msg);
			return -EMSGSIZE;
		}
		genlmsg_end(msg, hdr);
	}
	return genlmsg_multicast(&memsan_genl_family, msg, 0, MEMSAN_NL_GROUP_REPORTS,
				 GFP_KERNEL);
}

/* Process context: send every report stored since the last run. */
static void report_workfn(struct work_struct *work)
{
	u64 end = memsan_reports_next_seq();

	while (sent_seq + 1 < end) {
		sent_seq++;
		/* no listener, no memory, or every listener's buffer full */
		if (report_multicast(sent_seq))
			memsan_count(MEMSAN_COUNTER_NETLINK_DROPS, 1);
	}
}
static DECLARE_WORK(report_work, report_workfn);

/* Hard IRQ context: a work item can be queued from here, whatever the reporter held. */
static void report_irq_workfn(struct irq_work *irq_work)
{
	queue_work(system_unbound_wq, &report_work);
}
static DEFINE_IRQ_WORK(report_irq_work, report_irq_workfn);

/**
 * memsan_netlink_report_ready() - a new report is in the ring
 *
 * Any context but NMI, inside the slab API included: takes no lock and
 * allocates nothing.  The report goes out from report_workfn().
 */
void memsan_netlink_report_ready(void)
{
	/* memsan_netlink_exit() waits for this section before its irq_work_sync() */
	rcu_read_lock();
	if (READ_ONCE(nl_live))
		irq_work_queue(&report_irq_work);
	rcu_read_unlock();
}

static int memsan_nl_clear(struct sk_buff *skb, struct genl_info *info)
{
	/* Reports queued for the group go out first: they are not drops. */
	flush_work(&report_work);
	memsan_reports_clear();
	return 0;
}

/* === The family === */

static const struct genl_ops memsan_genl_ops[] = {
	{
		.cmd = MEMSAN_CMD_GET_STATUS,
		.doit = memsan_nl_get_status,
	},
	{
		.cmd = MEMSAN_CMD_GET_CONFIG,
		.doit = memsan_nl_get_config,
		.policy = get_config_policy,
		.maxattr = ARRAY_SIZE(get_config_policy) - 1,
	},
	{
		.cmd = MEMSAN_CMD_SET_CONFIG,
		.flags = GENL_ADMIN_PERM,
		.doit = memsan_nl_set_config,
		.policy = set_config_policy,
		.maxattr = ARRAY_SIZE(set_config_policy) - 1,
	},
	{
		.cmd = MEMSAN_CMD_GET_REPORTS,
		.flags = GENL_ADMIN_PERM,
		.start = memsan_nl_reports_start,
		.dumpit = memsan_nl_reports_dumpit,
		.done = memsan_nl_reports_done,
		.policy = get_reports_policy,
		.maxattr = ARRAY_SIZE(get_reports_policy) - 1,
	},
	{
		.cmd = MEMSAN_CMD_CLEAR,
		.flags = GENL_ADMIN_PERM,
		.doit = memsan_nl_clear,
	},
};

static const struct genl_multicast_group memsan_genl_mcgrps[] = {
	[MEMSAN_NL_GROUP_REPORTS] = {
		.name = MEMSAN_MCGRP_REPORTS,
#ifdef GENL_MCAST_CAP_SYS_ADMIN
		.flags = GENL_MCAST_CAP_SYS_ADMIN,
#endif
	},
};

static struct genl_family memsan_genl_family __ro_after_init = {
	.name = MEMSAN_GENL_NAME,
	.version = MEMSAN_GENL_VERSION,
	.module = THIS_MODULE,
	.ops = memsan_genl_ops,
	.n_ops = ARRAY_SIZE(memsan_genl_ops),
	.mcgrps = memsan_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(memsan_genl_mcgrps),
	/* .resv_start_op = 0: strict validation of every command */
};

int memsan_netlink_init(void)
{
	int err;

	BUILD_BUG_ON(report_max_size() > NL_DUMP_ALLOC);
	send_copy = kvmalloc(sizeof(*send_copy), GFP_KERNEL);
	if (!send_copy)
		return -ENOMEM;
	err = genl_register_family(&memsan_genl_family);
	if (err)
		goto err_free_copy;
	sent_seq = memsan_reports_next_seq() - 1;
	WRITE_ONCE(nl_live, true);
	return 0;

err_free_copy:
	kvfree(send_copy);
	send_copy = NULL;
	return err;
}

/* Called with the hooks gone: the last reports still go out, then the family. */
void memsan_netlink_exit(void)
{
	WRITE_ONCE(nl_live, false);
	synchronize_rcu();	/* no memsan_netlink_report_ready() is queueing now */
	irq_work_sync(&report_irq_work);
	flush_work(&report_work);
	genl_unregister_family(&memsan_genl_family);
	kvfree(send_copy);
	send_copy = NULL;
}
