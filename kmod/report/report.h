/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsan reports.
 *
 *   report.c	one report at a time: staged in struct memsan_report, deduplicated
 *		by bug site, completed, rendered, printed and kept
 *   render.c	the text, in KASAN's layout, and the console
 *   ring.c	the reports kept for readers, copied out whole; the notifier
 *		that tells a channel a new report is there
 *   globals.c	the globals instrumented modules registered, to name the
 *		variable of a global-out-of-bounds
 *
 * Called by the runtime and the hooks; reads Objects and the shadow.  Nothing
 * here calls a channel: debugfs and netlink copy reports out of the ring, and
 * netlink learns of new ones through memsan_report_notifier_register().
 */
#ifndef _MEMSAN_REPORT_H
#define _MEMSAN_REPORT_H

#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/sched.h>
#include <linux/types.h>

/*
 * The bugs memsan reports.  More come with the checks that raise them (keep
 * the names in render.c in step).
 */
enum memsan_bug_type {
	MEMSAN_BUG_SLAB_OUT_OF_BOUNDS,
	MEMSAN_BUG_USE_AFTER_FREE,
	MEMSAN_BUG_DOUBLE_FREE,
	MEMSAN_BUG_INVALID_FREE,
	MEMSAN_BUG_OUT_OF_BOUNDS,	/* poisoned shadow of unknown kind */
	MEMSAN_BUG_GLOBAL_OUT_OF_BOUNDS,
	MEMSAN_BUG_MEMORY_LEAK,
	MEMSAN_BUG_ALLOC_FREE_MISMATCH,	/* freed with the wrong function or cache */
	MEMSAN_BUG_VMALLOC_OUT_OF_BOUNDS,
	MEMSAN_BUG_COUNT,
};

const char *memsan_bug_name(enum memsan_bug_type type);

#define MEMSAN_REPORT_FRAMES	32
#define MEMSAN_REPORT_TEXT	6144
#define MEMSAN_CACHE_NAME	32
#define MEMSAN_VAR_NAME		64
#define MEMSAN_LEAK_DUMP	32
#define MEMSAN_LEAK_SCAN_NAME	(MODULE_NAME_LEN + 16)

/**
 * struct asan_global - one global variable, as gcc 12 describes it
 *	(-fsanitize=kernel-address, asan-globals=1; KASAN's ABI version 5)
 * @beg:		its first byte
 * @size:		its size
 * @size_with_redzone:	its size and the redzone after it
 * @name:		its name in the source
 * @module_name:	the source file
 * @has_dynamic_init:	C++ only
 * @location:		source location, or NULL
 * @odr_indicator:	C++ only
 */
struct asan_global {
	const void *beg;
	size_t size;
	size_t size_with_redzone;
	const char *name;
	const char *module_name;
	unsigned long has_dynamic_init;
	void *location;
	char *odr_indicator;
};

/**
 * struct memsan_stack - a stack as kept in a report
 * @pid:	task it was taken in (0 if unknown)
 * @nr:		frames in @frames
 * @frames:	return addresses, innermost first
 */
struct memsan_stack {
	pid_t pid;
	unsigned int nr;
	unsigned long frames[MEMSAN_REPORT_FRAMES];
};

/**
 * struct memsan_report - one bug, filled in stages, then rendered
 *
 * Each group of fields is filled by one stage, numbered in the order they
 * run; the text comes last so that a copy out of the ring stops at its end.
 * The structured fields feed netlink; @text is what went to the console.
 */
struct memsan_report {
	/* Stage 1, the caller (memsan_report_access(), memsan_report_free()): the bug */
	enum memsan_bug_type type;
	bool is_free;			/* a bad free, not a bad access */
	bool is_write;
	unsigned long addr;		/* accessed or freed address */
	unsigned long size;		/* access size */
	unsigned long ip;		/* the instruction (or call) at fault */
	unsigned long first_bad;	/* first poisoned byte of the access */

	/* Stage 2, complete_report(): where it happened, and the object */
	pid_t pid;
	int cpu;
	char comm[TASK_COMM_LEN];
	char module[MODULE_NAME_LEN];	/* module of @ip; empty: vmlinux */
	struct memsan_stack call;
	bool has_object;
	unsigned long obj_addr;
	unsigned long obj_size;		/* bytes the allocation asked for */
	unsigned int cache_size;	/* the cache's object size (slot, if large) */
	char cache_name[MEMSAN_CACHE_NAME];
	bool has_alloc, has_free;
	struct memsan_stack alloc;
	struct memsan_stack free;
	bool has_variable;		/* a registered global, instead of an object */
	unsigned long var_addr;
	unsigned long var_size;
	char var_name[MEMSAN_VAR_NAME];
	char var_module[MODULE_NAME_LEN];
	/* a memory-leak: the objects with this allocation stack, the first's bytes */
	unsigned int leak_objects;
	unsigned long leak_bytes;
	unsigned int leak_dump_len;
	u8 leak_dump[MEMSAN_LEAK_DUMP];
	char leak_scan[MEMSAN_LEAK_SCAN_NAME];	/* what found it: "unload of mod", ... */
	u8 obj_kind;			/* enum memsan_object_kind */
	unsigned long free_fn;		/* alloc-free-mismatch: the free function */
	char free_cache[MEMSAN_CACHE_NAME];	/* ... and the cache given to it */

	/* Stage 4, the ring (memsan_ring_push()): 1, 2, ... never reused */
	u64 seq;

	/* Stage 3, memsan_report_render(): the text */
	unsigned int text_len;
	char text[MEMSAN_REPORT_TEXT];
};

/* === Making reports (report.c) === */

struct kmem_cache;

void memsan_report_access(unsigned long addr, size_t size, bool is_write, unsigned long ip);
void memsan_report_free(enum memsan_bug_type type, const void *ptr, unsigned long ip);

/**
 * struct memsan_leak - what the leak scan found from one allocating call
 * @addr:	the first object (the report describes it)
 * @ip:		the allocating call: the report's site and headline
 * @alloc_stack: the first object's allocation stack
 * @objects:	how many objects
 * @bytes:	their bytes (what the allocations asked for)
 * @dump:	the first object's first bytes
 * @dump_len:	how many of them were read
 * @scan:	what found it ("unload of mod", "on-demand scan")
 */
struct memsan_leak {
	unsigned long addr;
	unsigned long ip;
	u32 alloc_stack;
	unsigned int objects;
	unsigned long bytes;
	u8 dump[MEMSAN_LEAK_DUMP];
	unsigned int dump_len;
	const char *scan;
};

bool memsan_report_leak(const struct memsan_leak *leak);
void memsan_report_mismatch(const void *ptr, unsigned long ip, unsigned long free_fn,
			    struct kmem_cache *free_cache);
void memsan_report_double_destroy(const struct kmem_cache *cache, const char *name,
				  unsigned long ip);
void memsan_reports_clear(void);
int memsan_reports_init(void);
void memsan_reports_exit(void);

/* === Registered globals (globals.c) === */

int memsan_globals_add(const struct asan_global *globals, size_t n, const struct module *mod);
bool memsan_globals_remove(const struct asan_global *globals);
bool memsan_globals_take(const struct module *mod, const struct asan_global **globals,
			 size_t *n);
void memsan_globals_describe(struct memsan_report *r);

/* === Rendering (render.c) === */

void memsan_report_render(struct memsan_report *r);
void memsan_report_print(const struct memsan_report *r);

/* === The ring (ring.c) === */

int memsan_ring_init(void);
void memsan_ring_exit(void);
u64 memsan_ring_push(struct memsan_report *r);
void memsan_ring_clear(void);

bool memsan_report_copy(u64 seq, struct memsan_report *copy);
u64 memsan_reports_first_seq(void);
u64 memsan_reports_next_seq(void);

/*
 * A notifier on the chain is called with the sequence number of each new
 * report, in any context but NMI (it must not sleep, allocate or take a lock
 * a reporter may hold: queue work).
 */
int memsan_report_notifier_register(struct notifier_block *nb);
int memsan_report_notifier_unregister(struct notifier_block *nb);

#endif /* _MEMSAN_REPORT_H */
