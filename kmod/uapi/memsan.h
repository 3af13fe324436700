/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * memsan generic netlink interface, shared by memsan.ko and memsan-ctl.
 *
 * Family MEMSAN_GENL_NAME, version MEMSAN_GENL_VERSION, initial network
 * namespace only.  The machine-readable description is memsan.yaml next to
 * this file.
 *
 * Requests (userspace to kernel) and their replies:
 *   MEMSAN_CMD_GET_STATUS   do               -> MEMSAN_CMD_GET_STATUS, MEMSAN_A_STATUS_*
 *   MEMSAN_CMD_GET_CONFIG   do               -> MEMSAN_CMD_GET_CONFIG, MEMSAN_A_CONFIG_*
 *   MEMSAN_CMD_SET_CONFIG   do, CAP_NET_ADMIN   all entries or none
 *   MEMSAN_CMD_GET_REPORTS  dump, CAP_NET_ADMIN -> one MEMSAN_CMD_GET_REPORTS per report,
 *                                                 MEMSAN_A_REPORT_* as in MEMSAN_CMD_REPORT
 *   MEMSAN_CMD_CLEAR        do, CAP_NET_ADMIN   forget every report kept so far
 *   MEMSAN_CMD_LEAK_SCAN    do, CAP_NET_ADMIN -> MEMSAN_CMD_LEAK_SCAN, MEMSAN_A_LEAKS_*; the
 *                                                 leaks found are reports like any other
 *
 * Notifications on the multicast group MEMSAN_MCGRP_REPORTS:
 *   MEMSAN_CMD_REPORT        each new report, MEMSAN_A_REPORT_*; sent when the
 *                            kernel can restrict the group to CAP_SYS_ADMIN
 *   MEMSAN_CMD_REPORT_READY  only MEMSAN_A_REPORT_SEQ: sent instead on kernels
 *                            where anyone may join a group; fetch the report
 *                            with MEMSAN_CMD_GET_REPORTS
 *
 * Strings are NUL-terminated.  Reports carry kernel addresses.
 */
#ifndef _UAPI_MEMSAN_H
#define _UAPI_MEMSAN_H

#include <linux/types.h>

#define MEMSAN_GENL_NAME	"memsan"
#define MEMSAN_GENL_VERSION	1
#define MEMSAN_MCGRP_REPORTS	"reports"

/* Longest configuration key and value, without the NUL. */
#define MEMSAN_CONFIG_NAME_MAX	63
#define MEMSAN_CONFIG_VALUE_MAX	255

enum memsan_cmd {
	MEMSAN_CMD_UNSPEC,
	MEMSAN_CMD_GET_STATUS,
	MEMSAN_CMD_GET_CONFIG,
	MEMSAN_CMD_SET_CONFIG,
	MEMSAN_CMD_GET_REPORTS,
	MEMSAN_CMD_CLEAR,
	MEMSAN_CMD_REPORT,		/* kernel to userspace only */
	MEMSAN_CMD_REPORT_READY,	/* kernel to userspace only */
	MEMSAN_CMD_LEAK_SCAN,

	/* add new commands above here */
	__MEMSAN_CMD_CNT,
	MEMSAN_CMD_MAX = __MEMSAN_CMD_CNT - 1
};

/* What the buggy code did: MEMSAN_A_REPORT_ACCESS. */
enum memsan_access {
	MEMSAN_ACCESS_READ,
	MEMSAN_ACCESS_WRITE,
	MEMSAN_ACCESS_FREE,

	__MEMSAN_ACCESS_CNT,
	MEMSAN_ACCESS_MAX = __MEMSAN_ACCESS_CNT - 1
};

/* MEMSAN_CMD_GET_STATUS reply */
enum {
	MEMSAN_A_STATUS_UNSPEC,
	MEMSAN_A_STATUS_PAD,
	MEMSAN_A_STATUS_VERSION,		/* string: memsan.ko version */
	MEMSAN_A_STATUS_ENABLED,		/* u8: 1 while memsan checks */
	MEMSAN_A_STATUS_CONFIG,			/* nest: MEMSAN_A_CONFIG_* */
	MEMSAN_A_STATUS_COUNTERS,		/* nest: MEMSAN_A_COUNTERS_* */
	MEMSAN_A_STATUS_PROBES_MISSED,		/* u64: kprobe/kretprobe misses */
	MEMSAN_A_STATUS_FIRST_SEQ,		/* u64: oldest report kept */
	MEMSAN_A_STATUS_NEXT_SEQ,		/* u64: sequence of the next report */

	/* add new attributes above here */
	__MEMSAN_A_STATUS_CNT,
	MEMSAN_A_STATUS_MAX = __MEMSAN_A_STATUS_CNT - 1
};

/*
 * MEMSAN_CMD_GET_CONFIG request (entries with a name only: just those keys;
 * none: every key) and reply, MEMSAN_CMD_SET_CONFIG request (name and value),
 * and the content of MEMSAN_A_STATUS_CONFIG.
 */
enum {
	MEMSAN_A_CONFIG_UNSPEC,
	MEMSAN_A_CONFIG_ENTRY,			/* nest: MEMSAN_A_ENTRY_*; repeated */

	/* add new attributes above here */
	__MEMSAN_A_CONFIG_CNT,
	MEMSAN_A_CONFIG_MAX = __MEMSAN_A_CONFIG_CNT - 1
};

/* One configuration key (a module parameter of memsan.ko). */
enum {
	MEMSAN_A_ENTRY_UNSPEC,
	MEMSAN_A_ENTRY_NAME,			/* string */
	MEMSAN_A_ENTRY_VALUE,			/* string, as in /sys/module/memsan/parameters */

	/* add new attributes above here */
	__MEMSAN_A_ENTRY_CNT,
	MEMSAN_A_ENTRY_MAX = __MEMSAN_A_ENTRY_CNT - 1
};

/* Content of MEMSAN_A_STATUS_COUNTERS. */
enum {
	MEMSAN_A_COUNTERS_UNSPEC,
	MEMSAN_A_COUNTERS_COUNTER,		/* nest: MEMSAN_A_COUNTER_*; repeated */

	/* add new attributes above here */
	__MEMSAN_A_COUNTERS_CNT,
	MEMSAN_A_COUNTERS_MAX = __MEMSAN_A_COUNTERS_CNT - 1
};

enum {
	MEMSAN_A_COUNTER_UNSPEC,
	MEMSAN_A_COUNTER_PAD,
	MEMSAN_A_COUNTER_NAME,			/* string */
	MEMSAN_A_COUNTER_VALUE,			/* s64 */

	/* add new attributes above here */
	__MEMSAN_A_COUNTER_CNT,
	MEMSAN_A_COUNTER_MAX = __MEMSAN_A_COUNTER_CNT - 1
};

/*
 * MEMSAN_CMD_REPORT, MEMSAN_CMD_REPORT_READY, and MEMSAN_CMD_GET_REPORTS
 * request (MEMSAN_A_REPORT_SEQ: first sequence wanted; default the oldest
 * kept) and replies (each a report, as MEMSAN_CMD_REPORT).
 */
enum {
	MEMSAN_A_REPORT_UNSPEC,
	MEMSAN_A_REPORT_PAD,
	MEMSAN_A_REPORT_SEQ,			/* u64: 1, 2, ... never reused */
	MEMSAN_A_REPORT_BUG,			/* string: "use-after-free", ... */
	MEMSAN_A_REPORT_ACCESS,			/* u8: enum memsan_access */
	MEMSAN_A_REPORT_SIZE,			/* u64: bytes accessed (not for a free) */
	MEMSAN_A_REPORT_ADDR,			/* u64: address accessed or freed */
	MEMSAN_A_REPORT_FIRST_BAD,		/* u64: first poisoned byte */
	MEMSAN_A_REPORT_IP,			/* string: "func+0x1a/0x40 [mod]" */
	MEMSAN_A_REPORT_MODULE,			/* string: module of the ip (absent: vmlinux) */
	MEMSAN_A_REPORT_PID,			/* u32 */
	MEMSAN_A_REPORT_COMM,			/* string */
	MEMSAN_A_REPORT_CPU,			/* u32 */
	MEMSAN_A_REPORT_CALL_STACK,		/* nest: MEMSAN_A_STACK_* */
	MEMSAN_A_REPORT_OBJECT,			/* nest: MEMSAN_A_OBJECT_*; if known */
	MEMSAN_A_REPORT_ALLOC_STACK,		/* nest: MEMSAN_A_STACK_*; if known */
	MEMSAN_A_REPORT_FREE_STACK,		/* nest: MEMSAN_A_STACK_*; if freed */
	MEMSAN_A_REPORT_TEXT,			/* string: the report as on the console */
	MEMSAN_A_REPORT_LEAK_OBJECTS,		/* u32: memory-leak: objects of this stack */
	MEMSAN_A_REPORT_LEAK_BYTES,		/* u64: memory-leak: their bytes */

	/* add new attributes above here */
	__MEMSAN_A_REPORT_CNT,
	MEMSAN_A_REPORT_MAX = __MEMSAN_A_REPORT_CNT - 1
};

/* The heap object the buggy address belongs to. */
enum {
	MEMSAN_A_OBJECT_UNSPEC,
	MEMSAN_A_OBJECT_PAD,
	MEMSAN_A_OBJECT_ADDR,			/* u64 */
	MEMSAN_A_OBJECT_SIZE,			/* u64: bytes the allocation asked for */
	MEMSAN_A_OBJECT_CACHE,			/* string: slab cache (absent: large kmalloc) */
	MEMSAN_A_OBJECT_CACHE_SIZE,		/* u32: object size of the cache */

	/* add new attributes above here */
	__MEMSAN_A_OBJECT_CNT,
	MEMSAN_A_OBJECT_MAX = __MEMSAN_A_OBJECT_CNT - 1
};

/* A stack: the task it was taken in, then its frames, innermost first. */
enum {
	MEMSAN_A_STACK_UNSPEC,
	MEMSAN_A_STACK_PID,			/* u32 */
	MEMSAN_A_STACK_FRAME,			/* string: "func+0x1a/0x40 [mod]"; repeated */

	/* add new attributes above here */
	__MEMSAN_A_STACK_CNT,
	MEMSAN_A_STACK_MAX = __MEMSAN_A_STACK_CNT - 1
};

/*
 * MEMSAN_CMD_LEAK_SCAN request (MEMSAN_A_LEAKS_MODULE: only the objects of
 * that instrumented module; absent: of every one) and reply (the rest).
 */
enum {
	MEMSAN_A_LEAKS_UNSPEC,
	MEMSAN_A_LEAKS_PAD,
	MEMSAN_A_LEAKS_MODULE,			/* string: request only */
	MEMSAN_A_LEAKS_MODULES,			/* u32: modules whose objects were checked */
	MEMSAN_A_LEAKS_CANDIDATES,		/* u32: live objects checked */
	MEMSAN_A_LEAKS_LEAKED,			/* u32: of them, unreferenced */
	MEMSAN_A_LEAKS_REPORTS,			/* u32: new reports made */
	MEMSAN_A_LEAKS_FIRST_SEQ,		/* u64: sequence of the first new report */
	MEMSAN_A_LEAKS_BYTES_SCANNED,		/* u64 */
	MEMSAN_A_LEAKS_DURATION_NS,		/* u64 */
	MEMSAN_A_LEAKS_INCOMPLETE,		/* u8: 1 if some memory could not be scanned */

	/* add new attributes above here */
	__MEMSAN_A_LEAKS_CNT,
	MEMSAN_A_LEAKS_MAX = __MEMSAN_A_LEAKS_CNT - 1
};

#endif /* _UAPI_MEMSAN_H */
