// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: the attributes of each message of the "memsan" family
 * (kmod/uapi/memsan.h), its size beside its fill.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>
#include <net/netlink.h>
#include <net/genetlink.h>

#include "channels/netlink_msg.h"
#include "config/config.h"
#include "counters/counters.h"
#include "hooks/hooks.h"
#include "report/report.h"
#include "settings/settings.h"
#include "uapi/memsan.h"

/* A frame or ip as text ("func+0x1a/0x40 [mod]"), NUL included: longer names are cut. */
#define NL_SYMBOL_LEN		192
/* Longer than any bug name, NUL included. */
#define NL_BUG_NAME_MAX		32

/* === Configuration: MEMSAN_A_CONFIG_ENTRY, repeated === */

static const char *config_key(const struct memsan_nl_config *c, unsigned int i)
{
	return c->names ? c->names[i] : memsan_config_name(i);
}

static unsigned int config_keys(const struct memsan_nl_config *c)
{
	return c->names ? c->nr : memsan_config_count();
}

static size_t config_size(const void *data)
{
	const struct memsan_nl_config *c = data;
	size_t size = 0;
	unsigned int i;

	for (i = 0; i < config_keys(c); i++)
		size += nla_total_size(0) + nla_total_size(strlen(config_key(c, i)) + 1) +
			nla_total_size(MEMSAN_CONFIG_VALUE_MAX + 1);
	return size;
}

/* -ENOENT for an unknown key (the caller checked them), else -EMSGSIZE. */
static int config_fill(struct sk_buff *skb, const void *data)
{
	const struct memsan_nl_config *c = data;
	struct nlattr *entry;
	unsigned int i;
	int len;

	for (i = 0; i < config_keys(c); i++) {
		len = memsan_config_get(config_key(c, i), c->buf);
		if (len < 0)
			return len;
		entry = nla_nest_start(skb, MEMSAN_A_CONFIG_ENTRY);
		if (!entry)
			return -EMSGSIZE;
		if (nla_put_string(skb, MEMSAN_A_ENTRY_NAME, config_key(c, i)) ||
		    nla_put_string(skb, MEMSAN_A_ENTRY_VALUE, c->buf)) {
			nla_nest_cancel(skb, entry);
			return -EMSGSIZE;
		}
		nla_nest_end(skb, entry);
	}
	return 0;
}

const struct memsan_nl_msg memsan_nl_config_msg = {
	.cmd = MEMSAN_CMD_GET_CONFIG,
	.size = config_size,
	.fill = config_fill,
};

/* === Status === */

static size_t counters_size(void)
{
	size_t size = nla_total_size(0);
	unsigned int i;

	for (i = 0; i < MEMSAN_COUNTER_COUNT; i++)
		size += nla_total_size(0) + nla_total_size(strlen(memsan_counter_name(i)) + 1) +
			nla_total_size_64bit(sizeof(s64));
	return size;
}

static int counters_fill(struct sk_buff *skb)
{
	struct nlattr *nest = nla_nest_start(skb, MEMSAN_A_STATUS_COUNTERS), *counter;
	unsigned int i;

	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < MEMSAN_COUNTER_COUNT; i++) {
		counter = nla_nest_start(skb, MEMSAN_A_COUNTERS_COUNTER);
		if (!counter ||
		    nla_put_string(skb, MEMSAN_A_COUNTER_NAME, memsan_counter_name(i)) ||
		    nla_put_s64(skb, MEMSAN_A_COUNTER_VALUE, memsan_counter_read(i),
				MEMSAN_A_COUNTER_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
		nla_nest_end(skb, counter);
	}
	nla_nest_end(skb, nest);
	return 0;
}

static size_t status_size(const void *data)
{
	return nla_total_size(sizeof(MEMSAN_VERSION)) + nla_total_size(sizeof(u8)) +
	       nla_total_size(0) + config_size(data) + counters_size() +
	       nla_total_size_64bit(sizeof(u64)) * 3;	/* probes missed, first, next seq */
}

static int status_fill(struct sk_buff *skb, const void *data)
{
	struct nlattr *config;
	int err;

	if (nla_put_string(skb, MEMSAN_A_STATUS_VERSION, MEMSAN_VERSION) ||
	    nla_put_u8(skb, MEMSAN_A_STATUS_ENABLED, memsan_enabled()))
		return -EMSGSIZE;
	config = nla_nest_start(skb, MEMSAN_A_STATUS_CONFIG);
	if (!config)
		return -EMSGSIZE;
	err = config_fill(skb, data);
	if (err)
		return err;
	nla_nest_end(skb, config);
	if (counters_fill(skb) ||
	    nla_put_u64_64bit(skb, MEMSAN_A_STATUS_PROBES_MISSED, memsan_hooks_missed(),
			      MEMSAN_A_STATUS_PAD) ||
	    nla_put_u64_64bit(skb, MEMSAN_A_STATUS_FIRST_SEQ, memsan_reports_first_seq(),
			      MEMSAN_A_STATUS_PAD) ||
	    nla_put_u64_64bit(skb, MEMSAN_A_STATUS_NEXT_SEQ, memsan_reports_next_seq(),
			      MEMSAN_A_STATUS_PAD))
		return -EMSGSIZE;
	return 0;
}

const struct memsan_nl_msg memsan_nl_status_msg = {
	.cmd = MEMSAN_CMD_GET_STATUS,
	.size = status_size,
	.fill = status_fill,
};

/* === Reports === */

static u8 report_access(const struct memsan_report *r)
{
	if (r->is_free)
		return MEMSAN_ACCESS_FREE;
	return r->is_write ? MEMSAN_ACCESS_WRITE : MEMSAN_ACCESS_READ;
}

/* Bytes of the attribute holding @addr as text. */
static size_t symbol_size(unsigned long addr)
{
	int len = snprintf(NULL, 0, "%pS", (void *)addr);

	return nla_total_size(min(len + 1, NL_SYMBOL_LEN));
}

static int symbol_fill(struct sk_buff *skb, int type, unsigned long addr)
{
	char sym[NL_SYMBOL_LEN];

	scnprintf(sym, sizeof(sym), "%pS", (void *)addr);
	return nla_put_string(skb, type, sym);
}

static unsigned int stack_frames(const struct memsan_stack *s)
{
	return min_t(unsigned int, s->nr, MEMSAN_REPORT_FRAMES);
}

static size_t stack_size(const struct memsan_stack *s)
{
	size_t size = nla_total_size(0) + nla_total_size(sizeof(u32));
	unsigned int i;

	for (i = 0; i < stack_frames(s); i++)
		size += symbol_size(s->frames[i]);
	return size;
}

static int stack_fill(struct sk_buff *skb, int type, const struct memsan_stack *s)
{
	struct nlattr *nest = nla_nest_start(skb, type);
	unsigned int i;

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, MEMSAN_A_STACK_PID, s->pid))
		goto cancel;
	for (i = 0; i < stack_frames(s); i++)
		if (symbol_fill(skb, MEMSAN_A_STACK_FRAME, s->frames[i]))
			goto cancel;
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

static size_t object_size(const struct memsan_report *r)
{
	return nla_total_size(0) + nla_total_size_64bit(sizeof(u64)) * 2 +	/* addr, size */
	       nla_total_size(sizeof(r->cache_name)) + nla_total_size(sizeof(u32));
}

static int object_fill(struct sk_buff *skb, const struct memsan_report *r)
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

/*
 * The largest report message: every string at its longest, three stacks of
 * MEMSAN_REPORT_FRAMES frames.  A dump skb must hold it.
 */
static __always_inline size_t report_max_size(void)
{
	size_t stack = nla_total_size(0) + nla_total_size(sizeof(u32)) +
		       MEMSAN_REPORT_FRAMES * nla_total_size(NL_SYMBOL_LEN);
	size_t payload = nla_total_size_64bit(sizeof(u64)) * 4 + nla_total_size(NL_BUG_NAME_MAX) +
			 nla_total_size(sizeof(u8)) + nla_total_size(NL_SYMBOL_LEN) +
			 nla_total_size(MODULE_NAME_LEN) + nla_total_size(sizeof(u32)) * 2 +
			 nla_total_size(TASK_COMM_LEN) + stack * 3 +
			 nla_total_size(0) + nla_total_size_64bit(sizeof(u64)) * 2 +
			 nla_total_size(MEMSAN_CACHE_NAME) + nla_total_size(sizeof(u32)) +
			 nla_total_size(MEMSAN_REPORT_TEXT) +
			 nla_total_size(sizeof(u32)) + nla_total_size_64bit(sizeof(u64));

	return nlmsg_total_size(genlmsg_total_size(payload));
}

static size_t report_size(const void *data)
{
	const struct memsan_report *r = data;
	size_t size;

	BUILD_BUG_ON(report_max_size() > NL_DUMP_ALLOC);
	size = nla_total_size_64bit(sizeof(u64)) * 4		/* seq, size, addr, first_bad */
	       + nla_total_size(strlen(memsan_bug_name(r->type)) + 1)
	       + nla_total_size(sizeof(u8))			/* access */
	       + symbol_size(r->ip)
	       + nla_total_size(sizeof(r->module))
	       + nla_total_size(sizeof(u32)) * 2		/* pid, cpu */
	       + nla_total_size(sizeof(r->comm))
	       + stack_size(&r->call)
	       + nla_total_size(r->text_len + 1);
	if (r->has_object)
		size += object_size(r);
	if (r->has_alloc)
		size += stack_size(&r->alloc);
	if (r->has_free)
		size += stack_size(&r->free);
	if (r->type == MEMSAN_BUG_MEMORY_LEAK)
		size += nla_total_size(sizeof(u32)) + nla_total_size_64bit(sizeof(u64));
	return size;
}

static int report_fill(struct sk_buff *skb, const void *data)
{
	const struct memsan_report *r = data;

	if (nla_put_u64_64bit(skb, MEMSAN_A_REPORT_SEQ, r->seq, MEMSAN_A_REPORT_PAD) ||
	    nla_put_string(skb, MEMSAN_A_REPORT_BUG, memsan_bug_name(r->type)) ||
	    nla_put_u8(skb, MEMSAN_A_REPORT_ACCESS, report_access(r)) ||
	    (!r->is_free &&
	     nla_put_u64_64bit(skb, MEMSAN_A_REPORT_SIZE, r->size, MEMSAN_A_REPORT_PAD)) ||
	    nla_put_u64_64bit(skb, MEMSAN_A_REPORT_ADDR, r->addr, MEMSAN_A_REPORT_PAD) ||
	    nla_put_u64_64bit(skb, MEMSAN_A_REPORT_FIRST_BAD, r->first_bad,
			      MEMSAN_A_REPORT_PAD) ||
	    symbol_fill(skb, MEMSAN_A_REPORT_IP, r->ip) ||
	    (r->module[0] && nla_put_string(skb, MEMSAN_A_REPORT_MODULE, r->module)) ||
	    nla_put_u32(skb, MEMSAN_A_REPORT_PID, r->pid) ||
	    nla_put_string(skb, MEMSAN_A_REPORT_COMM, r->comm) ||
	    nla_put_u32(skb, MEMSAN_A_REPORT_CPU, r->cpu) ||
	    stack_fill(skb, MEMSAN_A_REPORT_CALL_STACK, &r->call) ||
	    (r->has_object && object_fill(skb, r)) ||
	    (r->has_alloc && stack_fill(skb, MEMSAN_A_REPORT_ALLOC_STACK, &r->alloc)) ||
	    (r->has_free && stack_fill(skb, MEMSAN_A_REPORT_FREE_STACK, &r->free)) ||
	    nla_put(skb, MEMSAN_A_REPORT_TEXT, r->text_len + 1, r->text))
		return -EMSGSIZE;
	if (r->type == MEMSAN_BUG_MEMORY_LEAK &&
	    (nla_put_u32(skb, MEMSAN_A_REPORT_LEAK_OBJECTS, r->leak_objects) ||
	     nla_put_u64_64bit(skb, MEMSAN_A_REPORT_LEAK_BYTES, r->leak_bytes,
			       MEMSAN_A_REPORT_PAD)))
		return -EMSGSIZE;
	return 0;
}

const struct memsan_nl_msg memsan_nl_report_msg = {
	.cmd = MEMSAN_CMD_REPORT,
	.size = report_size,
	.fill = report_fill,
};

const struct memsan_nl_msg memsan_nl_report_dump_msg = {
	.cmd = MEMSAN_CMD_GET_REPORTS,
	.size = report_size,
	.fill = report_fill,
};

/* === A leak scan's reply === */

static size_t leak_scan_size(const void *data)
{
	return nla_total_size(sizeof(u32)) * 4 + nla_total_size_64bit(sizeof(u64)) * 3 +
	       nla_total_size(sizeof(u8));
}

static int leak_scan_fill(struct sk_buff *skb, const void *data)
{
	const struct memsan_nl_leak_scan *l = data;
	const struct memsan_leak_stats *st = &l->stats;

	if (nla_put_u32(skb, MEMSAN_A_LEAKS_MODULES, l->modules) ||
	    nla_put_u32(skb, MEMSAN_A_LEAKS_CANDIDATES, st->candidates) ||
	    nla_put_u32(skb, MEMSAN_A_LEAKS_LEAKED, st->leaked) ||
	    nla_put_u32(skb, MEMSAN_A_LEAKS_REPORTS, st->reports) ||
	    nla_put_u64_64bit(skb, MEMSAN_A_LEAKS_FIRST_SEQ, l->first_seq, MEMSAN_A_LEAKS_PAD) ||
	    nla_put_u64_64bit(skb, MEMSAN_A_LEAKS_BYTES_SCANNED, st->bytes_scanned,
			      MEMSAN_A_LEAKS_PAD) ||
	    nla_put_u64_64bit(skb, MEMSAN_A_LEAKS_DURATION_NS, st->ns, MEMSAN_A_LEAKS_PAD) ||
	    nla_put_u8(skb, MEMSAN_A_LEAKS_INCOMPLETE, st->incomplete))
		return -EMSGSIZE;
	return 0;
}

const struct memsan_nl_msg memsan_nl_leak_scan_msg = {
	.cmd = MEMSAN_CMD_LEAK_SCAN,
	.size = leak_scan_size,
	.fill = leak_scan_fill,
};

/* === Report ready: the sequence number only === */

static size_t report_ready_size(const void *data)
{
	return nla_total_size_64bit(sizeof(u64));
}

static int report_ready_fill(struct sk_buff *skb, const void *data)
{
	return nla_put_u64_64bit(skb, MEMSAN_A_REPORT_SEQ, *(const u64 *)data,
				 MEMSAN_A_REPORT_PAD);
}

const struct memsan_nl_msg memsan_nl_report_ready_msg = {
	.cmd = MEMSAN_CMD_REPORT_READY,
	.size = report_ready_size,
	.fill = report_ready_fill,
};
