/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsan: the messages of the generic netlink family, one description each.
 *
 * A description gives the payload's size and the fill side by side, as
 * ethtool's reply_size and fill_reply do; netlink.c puts the genetlink
 * header around it, for a reply, a dump or a notification alike.
 */
#ifndef _MEMSAN_NETLINK_MSG_H
#define _MEMSAN_NETLINK_MSG_H

#include <linux/skbuff.h>
#include <linux/types.h>

#include "leaks/leaks.h"

/* Room for the largest report message in one dump skb: one order-3 block. */
#define NL_DUMP_ALLOC		SKB_WITH_OVERHEAD(32768)

/**
 * struct memsan_nl_msg - one message of the family
 * @cmd:	its command
 * @size:	bytes of attributes @fill writes for @data, at most
 * @fill:	put the attributes for @data; -EMSGSIZE if they do not fit
 */
struct memsan_nl_msg {
	u8 cmd;
	size_t (*size)(const void *data);
	int (*fill)(struct sk_buff *skb, const void *data);
};

/*
 * What the status and config messages show: the keys @names (NULL: all of
 * them), with @buf as PAGE_SIZE bytes of scratch for their values.
 */
struct memsan_nl_config {
	const char **names;
	unsigned int nr;
	char *buf;
};

/* GET_STATUS reply; data: struct memsan_nl_config (all keys). */
extern const struct memsan_nl_msg memsan_nl_status_msg;
/* GET_CONFIG reply; data: struct memsan_nl_config. */
extern const struct memsan_nl_msg memsan_nl_config_msg;
/* GET_REPORTS dump and REPORT notification; data: struct memsan_report. */
extern const struct memsan_nl_msg memsan_nl_report_msg;
extern const struct memsan_nl_msg memsan_nl_report_dump_msg;
/* REPORT_READY notification; data: the u64 sequence number. */
extern const struct memsan_nl_msg memsan_nl_report_ready_msg;

/* LEAK_SCAN reply; data: struct memsan_nl_leak_scan. */
struct memsan_nl_leak_scan {
	unsigned int modules;
	u64 first_seq;
	struct memsan_leak_stats stats;
};
extern const struct memsan_nl_msg memsan_nl_leak_scan_msg;

#endif /* _MEMSAN_NETLINK_MSG_H */
