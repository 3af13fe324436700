/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsan: private declarations shared by the files of memsan.ko.
 *
 * memsan is a KASAN-like memory error detector for modules of a stock kernel:
 * kprobes on the slab API keep a shadow map of tracked objects up to date,
 * instrumented modules call the __asan_* runtime on every access, and frees
 * are redirected into a quarantine so that use-after-free stays visible.
 */
#ifndef _MEMSAN_H
#define _MEMSAN_H

#include <linux/atomic.h>
#include <linux/bug.h>
#include <linux/jump_label.h>
#include <linux/kprobes.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/stackdepot.h>
#include <linux/types.h>

#include "../shadow/shadow.h"

#define MEMSAN_VERSION "0.1.0"

/* === Module parameters (main.c) === */

enum memsan_track_mode {
	MEMSAN_TRACK_MODULES,	/* objects allocated or freed by instrumented modules */
	MEMSAN_TRACK_ALL,	/* every slab object */
};

extern int memsan_track;
extern unsigned int memsan_quarantine_kb;
extern unsigned int memsan_redzone;
extern bool memsan_report_all;
extern bool memsan_panic_on_report;
extern bool memsan_stack_trace;

unsigned int memsan_config_count(void);
const char *memsan_config_name(unsigned int i);
int memsan_config_get(const char *name, char *buf);
int memsan_config_set(const char *name, const char *value);

/* === Global state === */

/* On while memsan checks and hooks; off before init ends and after a disable. */
DECLARE_STATIC_KEY_FALSE(memsan_enabled_key);

static __always_inline bool memsan_enabled(void)
{
	return static_branch_likely(&memsan_enabled_key);
}

void memsan_disable(const char *why);

/*
 * MEMSAN_WARN_ON() - on an internal inconsistency, turn memsan off with one
 * warning instead of corrupting the kernel it watches.
 */
#define MEMSAN_WARN_ON(cond)						\
	({								\
		const bool __cond = WARN_ON_ONCE(cond);			\
		if (unlikely(__cond))					\
			memsan_disable(#cond);				\
		__cond;							\
	})

/* === Counters (debugfs stats, netlink status) === */

enum memsan_counter {
	MEMSAN_COUNTER_OBJECTS,		/* objects with metadata: live or quarantined */
	MEMSAN_COUNTER_ALLOCS,		/* tracked allocations since load */
	MEMSAN_COUNTER_FREES,		/* tracked frees since load */
	MEMSAN_COUNTER_QUARANTINE_OBJECTS,
	MEMSAN_COUNTER_QUARANTINE_BYTES,
	MEMSAN_COUNTER_QUARANTINE_RELEASED,
	MEMSAN_COUNTER_REPORTS,
	MEMSAN_COUNTER_REPORTS_SUPPRESSED,
	MEMSAN_COUNTER_REPORTS_DROPPED,	/* not reported: nested, NMI */
	MEMSAN_COUNTER_UNTRACKED_NOMEM,	/* could not track: no memory for metadata */
	MEMSAN_COUNTER_SHADOW_BYTES,
	MEMSAN_COUNTER_METADATA_BYTES,
	MEMSAN_COUNTER_NETLINK_DROPS,	/* reports no netlink listener received */
	MEMSAN_COUNTER_COUNT,
};

/*
 * Per CPU: every tracked allocation and free updates several counters, and
 * shared atomics would make CPUs take turns on one cache line.  Readers sum.
 */
struct memsan_counters {
	long val[MEMSAN_COUNTER_COUNT];
};
DECLARE_PER_CPU(struct memsan_counters, memsan_counters);
extern const char *const memsan_counter_names[MEMSAN_COUNTER_COUNT];

static inline void memsan_count(enum memsan_counter c, long delta)
{
	this_cpu_add(memsan_counters.val[c], delta);
}

long memsan_counter_read(enum memsan_counter c);

/* === Shadow map (shadow_map.c) === */

extern struct shadow_map memsan_shadow;

int memsan_shadow_init(void);
void memsan_shadow_exit(void);

/* === Instrumented modules (modules.c) === */

int memsan_modules_init(void);
void memsan_modules_exit(void);
bool memsan_addr_in_instrumented(unsigned long addr);

/* Whether an allocation or free made from @caller is tracked. */
static inline bool memsan_caller_tracked(unsigned long caller)
{
	return READ_ONCE(memsan_track) == MEMSAN_TRACK_ALL ||
	       memsan_addr_in_instrumented(caller);
}

/* === Object metadata (object.c) === */

enum memsan_object_state {
	MEMSAN_OBJECT_LIVE = 1,
	MEMSAN_OBJECT_QUARANTINED,
};

/* How a quarantined object goes back to the allocator. */
enum memsan_release_kind {
	MEMSAN_RELEASE_KFREE,
	MEMSAN_RELEASE_CACHE_FREE,
};

/**
 * struct memsan_object - what memsan knows of one tracked heap object
 * @hash_next:	next object in the same hash bucket
 * @quarantine_next: next object in the quarantine FIFO (or the free pool)
 * @addr:	object start
 * @cache:	slab cache; NULL for a large kmalloc
 * @size:	size the caller asked for: accessible bytes
 * @slot_size:	bytes memsan owns from @addr on: the rest is redzone
 * @alloc_stack: stack depot handle of the allocation (0 if unknown)
 * @free_stack:	stack depot handle of the free
 * @alloc_pid:	task that allocated
 * @free_pid:	task that freed
 * @state:	enum memsan_object_state
 * @release:	enum memsan_release_kind
 *
 * Kept at 64 bytes: one record per tracked object is the metadata budget.
 */
struct memsan_object {
	struct memsan_object *hash_next;
	struct memsan_object *quarantine_next;
	unsigned long addr;
	struct kmem_cache *cache;
	u32 size;
	u32 slot_size;
	depot_stack_handle_t alloc_stack;
	depot_stack_handle_t free_stack;
	pid_t alloc_pid;
	pid_t free_pid;
	u8 state;
	u8 release;
};

int memsan_objects_init(void);
void memsan_objects_exit(void);
struct memsan_object *memsan_object_alloc(void);
void memsan_object_free(struct memsan_object *obj);
void memsan_object_insert(struct memsan_object *obj);
struct memsan_object *memsan_object_remove(unsigned long addr);
bool memsan_object_lookup(unsigned long addr, struct memsan_object *copy);
struct memsan_slot;
struct memsan_object *memsan_object_mark_freed(const struct memsan_slot *slot, u8 release,
					       u8 *old_state);
void memsan_objects_purge_cache(struct kmem_cache *cache);

/* === Stacks (stack.c) === */

depot_stack_handle_t memsan_save_stack(unsigned long first, unsigned long ret_addr);
unsigned int memsan_stack_here(unsigned long *entries, unsigned int max);

/* === Slab helpers (compat.h users) === */

struct memsan_slot {
	unsigned long start;		/* object start */
	unsigned int slot_size;		/* object start to next object */
	struct kmem_cache *cache;	/* NULL: large kmalloc */
};

enum memsan_ptr_kind {
	MEMSAN_PTR_SLAB,		/* at the start of a slab object */
	MEMSAN_PTR_LARGE,		/* at the start of a large kmalloc */
	MEMSAN_PTR_INTERIOR,		/* inside an object, not at its start */
	MEMSAN_PTR_NOT_HEAP,		/* not slab, not large kmalloc */
};

enum memsan_ptr_kind memsan_classify_ptr(const void *ptr, struct memsan_slot *slot);

/* === Quarantine (quarantine.c) === */

int memsan_quarantine_init(void);
void memsan_quarantine_exit(void);
void memsan_quarantine_put(struct memsan_object *obj);
void memsan_quarantine_shrink(unsigned long budget);
void memsan_quarantine_drop_cache(struct kmem_cache *cache);
void memsan_release_object(unsigned long addr, struct kmem_cache *cache, u8 release);

/* === Allocation and free of tracked objects (lifecycle.c) === */

bool memsan_cache_trackable(struct kmem_cache *cache);
size_t memsan_grown_size(size_t size);
void memsan_track_object(const void *ptr, unsigned long size, depot_stack_handle_t stack);
void memsan_free_object(struct kmem_cache *cache, void *ptr, u8 release, unsigned long ip,
			unsigned long fn);

/* === Hooks on the kernel's slab functions (hooks.c) === */

int memsan_hooks_init(void);
void memsan_hooks_exit(void);
int memsan_hooks_set_track(int mode);
unsigned long memsan_hooks_missed(void);
void memsan_real_kfree(const void *ptr);
void memsan_real_cache_free(struct kmem_cache *cache, void *ptr);
void memsan_free_bulk(struct kmem_cache *cache, size_t nr, void **ptrs, unsigned long ip);
void memsan_cache_destroy(struct kmem_cache *cache);

/* === Reports (report.c) === */

/* Grows with new checks: keep memsan_bug_names in step. */
enum memsan_bug_type {
	MEMSAN_BUG_SLAB_OUT_OF_BOUNDS,
	MEMSAN_BUG_USE_AFTER_FREE,
	MEMSAN_BUG_DOUBLE_FREE,
	MEMSAN_BUG_INVALID_FREE,
	MEMSAN_BUG_GLOBAL_OUT_OF_BOUNDS,
	MEMSAN_BUG_ALLOC_FREE_MISMATCH,
	MEMSAN_BUG_MEMORY_LEAK,
	MEMSAN_BUG_OUT_OF_BOUNDS,	/* poisoned shadow of unknown kind */
	MEMSAN_BUG_COUNT,
};

extern const char *const memsan_bug_names[MEMSAN_BUG_COUNT];

#define MEMSAN_REPORT_FRAMES	32
#define MEMSAN_REPORT_TEXT	6144
#define MEMSAN_CACHE_NAME	32

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
 * The structured fields feed netlink; @text is the rendered report, exactly
 * what went to the console.
 */
struct memsan_report {
	u64 seq;
	enum memsan_bug_type type;
	bool is_free;			/* a bad free, not a bad access */
	bool is_write;
	unsigned long addr;		/* accessed or freed address */
	unsigned long size;		/* access size */
	unsigned long ip;		/* the instruction (or call) at fault */
	unsigned long first_bad;	/* first poisoned byte of the access */
	pid_t pid;
	int cpu;
	char comm[TASK_COMM_LEN];
	struct memsan_stack call;
	bool has_object;
	unsigned long obj_addr;
	unsigned long obj_size;		/* bytes the allocation asked for */
	unsigned int cache_size;	/* the cache's object size (slot, if large) */
	char cache_name[MEMSAN_CACHE_NAME];
	bool has_alloc, has_free;
	struct memsan_stack alloc;
	struct memsan_stack free;
	unsigned int text_len;
	char text[MEMSAN_REPORT_TEXT];
};


void memsan_report_access(unsigned long addr, size_t size, bool is_write, unsigned long ip);
void memsan_report_free(enum memsan_bug_type type, const void *ptr, unsigned long ip);
int memsan_reports_init(void);
void memsan_reports_exit(void);

const struct memsan_report *memsan_report_get(u64 seq);
void memsan_report_put(void);
u64 memsan_reports_next_seq(void);
u64 memsan_reports_first_seq(void);
void memsan_reports_clear(void);

/* === Runtime checks (check.c) === */

/* Check [addr, addr+size) for an access by instrumented code; report if bad. */
void memsan_check_range(const void *addr, size_t size, bool is_write, unsigned long ip);

/* === Generic netlink (netlink.c) === */

int memsan_netlink_init(void);
void memsan_netlink_exit(void);
/* A new report is in the ring.  Any context but NMI; must not allocate or sleep. */
void memsan_netlink_report_ready(void);

/*
 * The runtime gcc's -fsanitize=kernel-address calls (outline checks with
 * -fsanitize-recover: only the _noabort variants).  gcc knows these; the
 * prototypes are for memsan's own definitions.
 */
#define MEMSAN_DECLARE_ASAN_ACCESS(size)					\
	void __asan_load##size##_noabort(unsigned long addr);			\
	void __asan_store##size##_noabort(unsigned long addr)
MEMSAN_DECLARE_ASAN_ACCESS(1);
MEMSAN_DECLARE_ASAN_ACCESS(2);
MEMSAN_DECLARE_ASAN_ACCESS(4);
MEMSAN_DECLARE_ASAN_ACCESS(8);
MEMSAN_DECLARE_ASAN_ACCESS(16);
void __asan_loadN_noabort(unsigned long addr, size_t size);
void __asan_storeN_noabort(unsigned long addr, size_t size);
void __asan_handle_no_return(void);
struct asan_global;
void __asan_register_globals(struct asan_global *globals, size_t n);
void __asan_unregister_globals(struct asan_global *globals, size_t n);

/* === Checked string functions (string.c), see memsan_redirect.h === */

void *__memsan_memcpy(void *dst, const void *src, size_t len);
void *__memsan_memmove(void *dst, const void *src, size_t len);
void *__memsan_memset(void *dst, int c, size_t len);
int __memsan_memcmp(const void *a, const void *b, size_t len);
void *__memsan_memchr(const void *s, int c, size_t len);
size_t __memsan_strlen(const char *s);
size_t __memsan_strnlen(const char *s, size_t max);
char *__memsan_strcpy(char *dst, const char *src);
char *__memsan_strncpy(char *dst, const char *src, size_t len);
size_t __memsan_strlcpy(char *dst, const char *src, size_t size);
ssize_t __memsan_strscpy(char *dst, const char *src, size_t size);
char *__memsan_strcat(char *dst, const char *src);
char *__memsan_strncat(char *dst, const char *src, size_t count);
int __memsan_strcmp(const char *a, const char *b);
int __memsan_strncmp(const char *a, const char *b, size_t count);
char *__memsan_strchr(const char *s, int c);
char *__memsan_strrchr(const char *s, int c);

/* === debugfs (debugfs.c) === */

int memsan_debugfs_init(void);
void memsan_debugfs_exit(void);

#endif /* _MEMSAN_H */
