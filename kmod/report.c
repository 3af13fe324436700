// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: bug reports.
 *
 * A report is one struct filled in stages (what happened, the object, its
 * stacks), rendered once in KASAN's layout, printed to the console and kept
 * in a ring that debugfs and netlink read.  Nothing here allocates: reports
 * happen in any context, IRQ included, and inside the slab API's callers.
 */
#include <linux/hash.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/panic.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "compat.h"
#include "memsan.h"

const char *const memsan_bug_names[MEMSAN_BUG_COUNT] = {
	[MEMSAN_BUG_SLAB_OUT_OF_BOUNDS] = "slab-out-of-bounds",
	[MEMSAN_BUG_USE_AFTER_FREE] = "use-after-free",
	[MEMSAN_BUG_DOUBLE_FREE] = "double-free",
	[MEMSAN_BUG_INVALID_FREE] = "invalid-free",
	[MEMSAN_BUG_GLOBAL_OUT_OF_BOUNDS] = "global-out-of-bounds",
	[MEMSAN_BUG_ALLOC_FREE_MISMATCH] = "alloc-free-mismatch",
	[MEMSAN_BUG_MEMORY_LEAK] = "memory-leak",
	[MEMSAN_BUG_OUT_OF_BOUNDS] = "out-of-bounds",
};
static_assert(ARRAY_SIZE(memsan_bug_names) == MEMSAN_BUG_COUNT);

#define REPORT_RING_SLOTS	64	/* power of two */
#define REPORT_SITES		1024	/* power of two */
#define REPORT_FRAME		"=================================================================="

/* The ring of kept reports; slot = seq % REPORT_RING_SLOTS.  Sequences start at 1. */
static struct memsan_report *ring;
static u64 ring_next_seq = 1;
static u64 ring_cleared_seq = 1;	/* reports before it were cleared */
static DEFINE_RAW_SPINLOCK(ring_lock);

/* Report being built, one at a time: too big for the stack. */
static struct memsan_report building;
static DEFINE_RAW_SPINLOCK(report_lock);

/* Bug sites already reported: (ip, type), open addressing. */
static unsigned long sites[REPORT_SITES];

/* A report of a report of ...: a bug inside reporting is not reported. */
static DEFINE_PER_CPU(bool, in_report);

/* Under report_lock: true if this site was reported before (and remember it). */
static bool site_seen(unsigned long ip, enum memsan_bug_type type)
{
	unsigned long key = (ip << 4) | type;
	unsigned int i, h = hash_long(key, ilog2(REPORT_SITES));

	for (i = 0; i < REPORT_SITES; i++) {
		unsigned long *slot = &sites[(h + i) & (REPORT_SITES - 1)];

		if (*slot == key)
			return true;
		if (!*slot) {
			*slot = key;
			return false;
		}
	}
	return false;	/* table full: report rather than suppress */
}

/*
 * === Rendering ===
 *
 * Addresses are printed in full, as KASAN's %px does: a report is for
 * debugging and the console already requires privilege to read.
 */

static __printf(2, 3) void report_line(struct memsan_report *r, const char *fmt, ...)
{
	size_t room = sizeof(r->text) - r->text_len;
	va_list args;
	int n;

	if (room < 2)
		return;
	va_start(args, fmt);
	n = vscnprintf(r->text + r->text_len, room - 1, fmt, args);
	va_end(args);
	r->text_len += n;
	r->text[r->text_len++] = '\n';
	r->text[r->text_len] = '\0';
}

static void report_blank(struct memsan_report *r)
{
	report_line(r, "%s", "");
}

static void render_stack(struct memsan_report *r, const struct memsan_stack *s)
{
	unsigned int i;

	if (!s->nr) {
		report_line(r, " (stack is not available)");
		return;
	}
	for (i = 0; i < s->nr; i++)
		report_line(r, " %pS", (void *)s->frames[i]);
}

static void emit_shadow_line(void *ctx, const char *line)
{
	report_line(ctx, "%s", line);
}

static void render_object(struct memsan_report *r)
{
	unsigned long end = r->obj_addr + r->obj_size;
	const char *rel;
	unsigned long dist;

	if (r->has_alloc) {
		report_blank(r);
		report_line(r, "Allocated by task %d:", r->alloc.pid);
		render_stack(r, &r->alloc);
	}
	if (r->has_free) {
		report_blank(r);
		report_line(r, "Freed by task %d:", r->free.pid);
		render_stack(r, &r->free);
	}
	report_blank(r);
	report_line(r, "The buggy address belongs to the object at %016lx", r->obj_addr);
	if (r->cache_name[0])
		report_line(r, " which belongs to the cache %s of size %u", r->cache_name,
			    r->cache_size);
	else
		report_line(r, " which is a large kmalloc of %u bytes", r->cache_size);
	if (r->addr < r->obj_addr) {
		rel = "to the left of";
		dist = r->obj_addr - r->addr;
	} else if (r->addr >= end) {
		rel = "to the right of";
		dist = r->addr - end;
	} else {
		rel = "inside of";
		dist = r->addr - r->obj_addr;
	}
	report_line(r, "The buggy address is located %lu bytes %s", dist, rel);
	report_line(r, " %lu-byte region [%016lx, %016lx)", r->obj_size, r->obj_addr, end);
}

static void render(struct memsan_report *r)
{
	r->text_len = 0;
	r->text[0] = '\0';
	report_line(r, REPORT_FRAME);
	report_line(r, "BUG: MEMSAN: %s in %pS", memsan_bug_names[r->type], (void *)r->ip);
	if (r->is_free)
		report_line(r, "Free of addr %016lx by task %s/%d", r->addr, r->comm, r->pid);
	else
		report_line(r, "%s of size %lu at addr %016lx by task %s/%d",
			    r->is_write ? "Write" : "Read", r->size, r->addr, r->comm, r->pid);
	report_blank(r);
	report_line(r, "CPU: %d PID: %d Comm: %s", r->cpu, r->pid, r->comm);
	report_line(r, "Call Trace:");
	render_stack(r, &r->call);
	if (r->has_object)
		render_object(r);
	report_blank(r);
	shadow_dump(&memsan_shadow, r->first_bad ?: r->addr, emit_shadow_line, r);
	report_line(r, REPORT_FRAME);
}

/* One printk per line: the console's line length is bounded, reports are not. */
static void print_text(const struct memsan_report *r)
{
	const char *line = r->text, *end = r->text + r->text_len;

	while (line < end) {
		const char *nl = memchr(line, '\n', end - line);
		int len = nl ? nl - line : end - line;

		pr_err("%.*s\n", len, line);
		line += len + 1;
	}
}

/* === Building === */

static void fetch_stack(struct memsan_stack *s, depot_stack_handle_t handle, pid_t pid)
{
	unsigned long *entries;
	unsigned int nr = handle ? stack_depot_fetch(handle, &entries) : 0;

	s->pid = pid;
	s->nr = min_t(unsigned int, nr, MEMSAN_REPORT_FRAMES);
	if (s->nr)
		memcpy(s->frames, entries, s->nr * sizeof(*entries));
}

/* Describe the tracked object @addr falls in, if any. */
static void describe_object(struct memsan_report *r)
{
	struct memsan_object obj;
	struct memsan_slot slot;
	enum memsan_ptr_kind kind = memsan_classify_ptr((void *)r->addr, &slot);

	if (kind == MEMSAN_PTR_NOT_HEAP || !memsan_object_lookup(slot.start, &obj))
		return;
	r->has_object = true;
	r->obj_addr = obj.addr;
	r->obj_size = obj.size;
	r->cache_name[0] = '\0';
	if (obj.cache) {
		strscpy(r->cache_name, memsan_cache_name(obj.cache), sizeof(r->cache_name));
		r->cache_size = memsan_cache_object_size(obj.cache);
	} else {
		r->cache_size = obj.slot_size;
	}
	r->has_alloc = true;
	fetch_stack(&r->alloc, obj.alloc_stack, obj.alloc_pid);
	r->has_free = obj.state == MEMSAN_OBJECT_QUARANTINED;
	if (r->has_free)
		fetch_stack(&r->free, obj.free_stack, obj.free_pid);
}

/* Keep a rendered report in the ring. */
static void keep(struct memsan_report *r)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&ring_lock, flags);
	r->seq = ring_next_seq++;
	memcpy(&ring[r->seq % REPORT_RING_SLOTS], r, sizeof(*r));
	raw_spin_unlock_irqrestore(&ring_lock, flags);
}

static bool report_begin(void)
{
	if (in_nmi() || this_cpu_read(in_report)) {
		memsan_count(MEMSAN_COUNTER_REPORTS_DROPPED, 1);
		return false;
	}
	this_cpu_write(in_report, true);
	return true;
}

static void report_end(void)
{
	this_cpu_write(in_report, false);
}

/*
 * Finish and publish a report whose bug fields are set (report_lock held):
 * task, call trace, object, rendering, console, ring.
 */
static void publish(struct memsan_report *r)
{
	r->pid = task_pid_nr(current);
	r->cpu = raw_smp_processor_id();
	get_task_comm(r->comm, current);
	r->call.pid = r->pid;
	r->call.nr = memsan_stack_here(r->call.frames, MEMSAN_REPORT_FRAMES);
	describe_object(r);
	render(r);
	keep(r);
	print_text(r);
	memsan_count(MEMSAN_COUNTER_REPORTS, 1);
	memsan_netlink_report_ready();
}

static enum memsan_bug_type access_bug_type(unsigned long first_bad)
{
	switch (shadow_classify(&memsan_shadow, first_bad)) {
	case SHADOW_BUG_OUT_OF_BOUNDS:
	case SHADOW_BUG_LARGE_OUT_OF_BOUNDS:
		return MEMSAN_BUG_SLAB_OUT_OF_BOUNDS;
	case SHADOW_BUG_USE_AFTER_FREE:
		return MEMSAN_BUG_USE_AFTER_FREE;
	case SHADOW_BUG_GLOBAL_OUT_OF_BOUNDS:
		return MEMSAN_BUG_GLOBAL_OUT_OF_BOUNDS;
	default:
		return MEMSAN_BUG_OUT_OF_BOUNDS;
	}
}

/* What the caller knows of a bug; the rest of the report is filled here. */
struct memsan_bug {
	enum memsan_bug_type type;
	bool is_free;
	bool is_write;
	unsigned long addr;
	unsigned long size;
	unsigned long ip;
	unsigned long first_bad;
};

/* Report @bug unless its site was reported before (and report_all is off). */
static void report(const struct memsan_bug *bug)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&report_lock, flags);
	if (site_seen(bug->ip, bug->type) && !READ_ONCE(memsan_report_all)) {
		raw_spin_unlock_irqrestore(&report_lock, flags);
		memsan_count(MEMSAN_COUNTER_REPORTS_SUPPRESSED, 1);
		return;
	}
	memset(&building, 0, offsetof(struct memsan_report, text));
	building.type = bug->type;
	building.is_free = bug->is_free;
	building.is_write = bug->is_write;
	building.addr = bug->addr;
	building.size = bug->size;
	building.ip = bug->ip;
	building.first_bad = bug->first_bad;
	publish(&building);
	raw_spin_unlock_irqrestore(&report_lock, flags);
	if (READ_ONCE(memsan_panic_on_report))
		panic("memsan: panic_on_report set\n");
}

/**
 * memsan_report_access() - report a bad access by instrumented code
 * @addr:	first byte accessed
 * @size:	bytes accessed
 * @is_write:	store or load
 * @ip:		address of the access (return address of the check)
 */
void memsan_report_access(unsigned long addr, size_t size, bool is_write, unsigned long ip)
{
	struct memsan_bug bug = {
		.is_write = is_write, .addr = addr, .size = size, .ip = ip,
	};

	if (!report_begin())
		return;
	bug.first_bad = shadow_first_bad(&memsan_shadow, addr, size);
	/* no bad byte: the object changed state since the check, no bug to show */
	if (bug.first_bad) {
		bug.type = access_bug_type(bug.first_bad);
		report(&bug);
	}
	report_end();
}

/**
 * memsan_report_free() - report a bad free (the free itself is swallowed)
 * @type:	double-free or invalid-free
 * @ptr:	pointer passed to the free function
 * @ip:		caller of the free function
 */
void memsan_report_free(enum memsan_bug_type type, const void *ptr, unsigned long ip)
{
	struct memsan_bug bug = {
		.type = type, .is_free = true, .addr = (unsigned long)ptr, .ip = ip,
		.first_bad = (unsigned long)ptr,
	};

	if (!report_begin())
		return;
	report(&bug);
	report_end();
}

/* === The ring, for readers === */

u64 memsan_reports_next_seq(void)
{
	return READ_ONCE(ring_next_seq);
}

/* Oldest sequence number still in the ring and not cleared. */
u64 memsan_reports_first_seq(void)
{
	u64 next = READ_ONCE(ring_next_seq);
	u64 first = next > REPORT_RING_SLOTS ? next - REPORT_RING_SLOTS : 1;

	return max(first, READ_ONCE(ring_cleared_seq));
}

/**
 * memsan_reports_clear() - forget every report so far
 *
 * Readers no longer see them, and their bug sites will be reported again.
 * Sequence numbers go on increasing, so a reader's "since" stays valid.
 */
void memsan_reports_clear(void)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&report_lock, flags);
	memset(sites, 0, sizeof(sites));
	raw_spin_lock(&ring_lock);
	WRITE_ONCE(ring_cleared_seq, ring_next_seq);
	raw_spin_unlock(&ring_lock);
	raw_spin_unlock_irqrestore(&report_lock, flags);
}

/**
 * memsan_report_get() - lock the ring and return report @seq
 *
 * Return: the report, or NULL (ring unlocked) if @seq is not in the ring.
 * A non-NULL return must be followed by memsan_report_put(); do not sleep.
 */
const struct memsan_report *memsan_report_get(u64 seq)
{
	const struct memsan_report *r;

	raw_spin_lock_irq(&ring_lock);
	r = &ring[seq % REPORT_RING_SLOTS];
	if (r->seq == seq && seq >= ring_cleared_seq)
		return r;
	raw_spin_unlock_irq(&ring_lock);
	return NULL;
}

void memsan_report_put(void)
{
	raw_spin_unlock_irq(&ring_lock);
}

int memsan_reports_init(void)
{
	ring = vzalloc(array_size(REPORT_RING_SLOTS, sizeof(*ring)));
	return ring ? 0 : -ENOMEM;
}

void memsan_reports_exit(void)
{
	vfree(ring);
	ring = NULL;
}
