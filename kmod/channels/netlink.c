// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: generic netlink family "memsan" (kmod/uapi/memsan.h, memsan.yaml).
 *
 * Status, configuration (the module parameters, with their own validation),
 * a dump of the reports kept in the ring, and a multicast group on which
 * every new report is sent as it happens.
 *
 * Reports are made in any context, so the report notifier (report_event())
 * only queues an irq_work; the irq_work queues a work item; the work item copies
 * each new report out of the ring and multicasts it from process context.
 *
 * Every message is described once in netlink_msg.c (size and fill); this
 * file puts the genetlink header around it for replies, dumps and
 * notifications.
 *
 * Privileges: SET_CONFIG, GET_REPORTS and CLEAR need CAP_NET_ADMIN
 * (GENL_ADMIN_PERM).  Reports hold kernel addresses: where the kernel can
 * restrict a multicast group (compat.h), the group needs CAP_SYS_ADMIN and
 * carries whole reports, as drop_monitor's "events" group does.  Elsewhere
 * anyone may join any group: there the group carries only the sequence
 * number of each new report (MEMSAN_CMD_REPORT_READY), and listeners fetch
 * the report itself with the privileged GET_REPORTS dump.
 */
#define pr_fmt(fmt) "memsan: " fmt

#include <linux/irq_work.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netlink.h>

#include "channels/channels.h"
#include "channels/netlink_msg.h"
#include "compat/compat.h"
#include "config/config.h"
#include "counters/counters.h"
#include "hooks/hooks.h"
#include "leaks/leaks.h"
#include "report/report.h"
#include "uapi/memsan.h"

/* A SET_CONFIG request changes at most this many keys. */
#define NL_CONFIG_ENTRIES_MAX	64

enum memsan_nl_group {
	MEMSAN_NL_GROUP_REPORTS,
};

static struct genl_family memsan_genl_family;

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

/* === Messages: a description (netlink_msg.c) inside a genetlink header === */

/* Put message @m for @data at the tail of @skb. */
static int nl_msg_put(struct sk_buff *skb, const struct memsan_nl_msg *m, const void *data,
		      u32 portid, u32 seq, int flags)
{
	void *hdr = genlmsg_put(skb, portid, seq, &memsan_genl_family, flags, m->cmd);
	int err;

	if (!hdr)
		return -EMSGSIZE;
	err = m->fill(skb, data);
	if (err) {
		genlmsg_cancel(skb, hdr);
		return err;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* A new skb holding message @m for @data, or an ERR_PTR(). */
static struct sk_buff *nl_msg_new(const struct memsan_nl_msg *m, const void *data, u32 portid,
				  u32 seq)
{
	struct sk_buff *skb = genlmsg_new(m->size(data), GFP_KERNEL);
	int err;

	if (!skb)
		return ERR_PTR(-ENOMEM);
	err = nl_msg_put(skb, m, data, portid, seq, 0);
	if (err) {
		nlmsg_free(skb);
		return ERR_PTR(err);
	}
	return skb;
}

/* Reply to @info with message @m for @data. */
static int nl_msg_reply(struct genl_info *info, const struct memsan_nl_msg *m, const void *data)
{
	struct sk_buff *skb = nl_msg_new(m, data, info->snd_portid, info->snd_seq);

	if (IS_ERR(skb)) {
		if (PTR_ERR(skb) == -EMSGSIZE)
			NL_SET_ERR_MSG(info->extack, "reply does not fit in a message");
		return PTR_ERR(skb);
	}
	return genlmsg_reply(skb, info);
}

/* === Status and configuration === */

static int memsan_nl_get_status(struct sk_buff *skb, struct genl_info *info)
{
	struct memsan_nl_config all = {};
	int err;

	all.buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!all.buf)
		return -ENOMEM;
	err = nl_msg_reply(info, &memsan_nl_status_msg, &all);
	kfree(all.buf);
	return err;
}

/* GET_CONFIG: the keys named in the request (all of them if none is). */
static int memsan_nl_get_config(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[MEMSAN_A_ENTRY_NAME + 1];
	struct memsan_nl_config req = {};
	struct nlattr *attr;
	int rem, n = 0, err;

	nlmsg_for_each_attr(attr, info->nlhdr, GENL_HDRLEN, rem)
		n++;
	req.buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (n)
		req.names = kcalloc(n, sizeof(*req.names), GFP_KERNEL);
	err = -ENOMEM;
	if (!req.buf || (n && !req.names))
		goto out;

	/* The policy allows only entries, each with at most a name. */
	nlmsg_for_each_attr(attr, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(attr) != MEMSAN_A_CONFIG_ENTRY)
			continue;
		err = nla_parse_nested(tb, MEMSAN_A_ENTRY_NAME, attr, entry_name_policy,
				       info->extack);
		if (err)
			goto out;
		if (!tb[MEMSAN_A_ENTRY_NAME]) {
			NL_SET_ERR_MSG_ATTR(info->extack, attr, "config entry without a name");
			err = -EINVAL;
			goto out;
		}
		if (memsan_config_get(nla_data(tb[MEMSAN_A_ENTRY_NAME]), req.buf) < 0) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[MEMSAN_A_ENTRY_NAME],
					    "unknown configuration key");
			err = -ENOENT;
			goto out;
		}
		req.names[req.nr++] = nla_data(tb[MEMSAN_A_ENTRY_NAME]);
	}
	if (!req.nr) {
		kfree(req.names);
		req.names = NULL;
	}
	err = nl_msg_reply(info, &memsan_nl_config_msg, &req);
out:
	kfree(req.names);
	kfree(req.buf);
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
			pr_warn("could not set %s back to %s\n", undo[n].name,
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
	const struct nlattr *since = memsan_genl_dump_attrs(cb)[MEMSAN_A_REPORT_SEQ];
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
	const struct memsan_nl_msg *m = &memsan_nl_report_dump_msg;
	struct reports_dump_ctx *ctx = reports_dump_ctx(cb);
	u64 seq = memsan_reports_next_kept(ctx->next);
	u64 end = memsan_reports_next_seq();
	size_t need;

	for (; seq < end; seq = memsan_reports_next_kept(seq + 1)) {
		if (!memsan_report_copy(seq, ctx->copy))
			continue;	/* overwritten or cleared since first_seq was read */
		need = nlmsg_total_size(genlmsg_total_size(m->size(ctx->copy)));
		if (need > skb_tailroom(skb) ||
		    nl_msg_put(skb, m, ctx->copy, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			       NLM_F_MULTI)) {
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

	if (!genl_has_listeners(&memsan_genl_family, &init_net, MEMSAN_NL_GROUP_REPORTS))
		return -ESRCH;
	if (memsan_fail_alloc(MEMSAN_FAIL_NETLINK))
		return -ENOMEM;
	if (MEMSAN_GENL_MCAST_RESTRICTED) {
		if (!memsan_report_copy(seq, send_copy))
			return -ENOENT;	/* overwritten before it could be sent */
		msg = nl_msg_new(&memsan_nl_report_msg, send_copy, 0, 0);
	} else {
		msg = nl_msg_new(&memsan_nl_report_ready_msg, &seq, 0, 0);
	}
	if (IS_ERR(msg))
		return PTR_ERR(msg);
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

/*
 * The report notifier: a new report is in the ring.  Any context but NMI,
 * inside the slab API included: takes no lock and allocates nothing.  The
 * report goes out from report_workfn().
 */
static int report_event(struct notifier_block *nb, unsigned long action, void *seq)
{
	irq_work_queue(&report_irq_work);
	return NOTIFY_OK;
}

static struct notifier_block report_nb = {
	.notifier_call = report_event,
};

static int memsan_nl_clear(struct sk_buff *skb, struct genl_info *info)
{
	/* Reports queued for the group go out first: they are not drops. */
	flush_work(&report_work);
	memsan_reports_clear();
	return 0;
}

/* === Leak scan === */

static const struct nla_policy leak_scan_policy[MEMSAN_A_LEAKS_MODULE + 1] = {
	[MEMSAN_A_LEAKS_MODULE] = { .type = NLA_NUL_STRING, .len = MODULE_NAME_LEN - 1 },
};

/* Modules a scan looks at, at most (hooks/modules.c keeps as many). */
#define NL_LEAK_MODULES_MAX	32

/*
 * LEAK_SCAN: scan now for the leaks of one instrumented module (by name)
 * or of all; the leaks are reports, and the reply says from which sequence
 * number on.  Each module is held while it is scanned for.
 */
static int memsan_nl_leak_scan(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *name_attr = info->attrs[MEMSAN_A_LEAKS_MODULE];
	struct module *mods[NL_LEAK_MODULES_MAX];
	struct memsan_nl_leak_scan reply = {};
	const char *name = name_attr ? nla_data(name_attr) : NULL;
	int err = 0;

	reply.modules = memsan_instrumented_get(name, mods, ARRAY_SIZE(mods));
	if (name && !reply.modules) {
		NL_SET_ERR_MSG_ATTR(info->extack, name_attr, "no instrumented module of that name");
		return -ENOENT;
	}
	/* reports queued for the group go out first: the new ones start here */
	reply.first_seq = memsan_reports_next_seq();
	if (reply.modules)
		err = memsan_leaks_scan(mods, reply.modules, NULL, &reply.stats);
	memsan_instrumented_put(mods, reply.modules);
	if (err) {
		NL_SET_ERR_MSG(info->extack, "the leak scan could not run");
		return err;
	}
	return nl_msg_reply(info, &memsan_nl_leak_scan_msg, &reply);
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
	{
		.cmd = MEMSAN_CMD_LEAK_SCAN,
		.flags = GENL_ADMIN_PERM,
		.doit = memsan_nl_leak_scan,
		.policy = leak_scan_policy,
		.maxattr = ARRAY_SIZE(leak_scan_policy) - 1,
	},
};

static const struct genl_multicast_group memsan_genl_mcgrps[] = {
	[MEMSAN_NL_GROUP_REPORTS] = {
		.name = MEMSAN_MCGRP_REPORTS,
		.flags = MEMSAN_GENL_MCAST_ADMIN_FLAGS,
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

	send_copy = kvmalloc(sizeof(*send_copy), GFP_KERNEL);
	if (!send_copy)
		return -ENOMEM;
	err = genl_register_family(&memsan_genl_family);
	if (err)
		goto err_free_copy;
	sent_seq = memsan_reports_next_seq() - 1;
	memsan_report_notifier_register(&report_nb);
	return 0;

err_free_copy:
	kvfree(send_copy);
	send_copy = NULL;
	return err;
}

/* Called with the hooks gone: the last reports still go out, then the family. */
void memsan_netlink_exit(void)
{
	/* waits for a report_event() running now: none queues after this */
	memsan_report_notifier_unregister(&report_nb);
	irq_work_sync(&report_irq_work);
	flush_work(&report_work);
	genl_unregister_family(&memsan_genl_family);
	kvfree(send_copy);
	send_copy = NULL;
}
