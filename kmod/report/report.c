// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: making a report.
 *
 * Each report is built in a buffer of its own CPU and context (task,
 * softirq, hardirq), with interrupts as the caller had them, in stages: the
 * caller's facts about the bug (report_open()), then where it happened and
 * which object it touched (complete_report()), then the text (render.c),
 * then the ring (ring.c), which announces it to the channels.  A global lock
 * (report_lock) is held only to remember a new bug site (a site reported
 * once is not reported again unless report_all is set; known sites are
 * looked up without it).  The ring's lock is
 * held only to copy the finished report in.  So a storm of reports on every
 * CPU does not keep CPUs waiting for each other with interrupts off.
 * Nothing here allocates: reports happen in any context, IRQ included, and
 * inside the slab API's callers.
 */
#include <linux/hash.h>
#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/panic.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "compat/compat.h"
#include "counters/counters.h"
#include "objects/objects.h"
#include "report/report.h"
#include "settings/settings.h"
#include "shadow_port/memsan_shadow.h"

#define REPORT_SITES		1024	/* power of two */
/* A site key is (ip << SITE_TYPE_BITS) | type: room for every bug type. */
#define SITE_TYPE_BITS		4
static_assert(MEMSAN_BUG_COUNT <= (1 << SITE_TYPE_BITS));

/* The contexts that can interrupt each other on one CPU (NMIs do not report). */
enum report_ctx {
	REPORT_CTX_TASK,
	REPORT_CTX_SOFTIRQ,
	REPORT_CTX_HARDIRQ,
	REPORT_CTXS,
};

/**
 * struct report_buf - where one CPU builds a report in one context
 * @r:		the report: too big for the stack
 * @sym:	ip_module()'s symbol
 * @busy:	a report is being built here; a bug met while reporting (a
 *		report of a report) is not reported
 * @start:	local_clock() when the report was opened (the CPU's budget)
 *
 * Only its CPU touches it, with preemption off.
 */
struct report_buf {
	struct memsan_report r;
	char sym[KSYM_SYMBOL_LEN];
	bool busy;
	u64 start;
};

/* nr_cpu_ids * REPORT_CTXS buffers */
static struct report_buf *report_bufs;

static DEFINE_RAW_SPINLOCK(report_lock);

/* Bug sites already reported: (ip, type), open addressing; under report_lock. */
static unsigned long sites[REPORT_SITES];

/*
 * The slot of bug site @key: the one holding it if it was reported before,
 * else the empty one to remember it in; NULL if the table is full.
 */
static unsigned long *site_slot(unsigned long key)
{
	unsigned int i, h = hash_long(key, ilog2(REPORT_SITES));

	lockdep_assert_held(&report_lock);
	for (i = 0; i < REPORT_SITES; i++) {
		unsigned long *slot = &sites[(h + i) & (REPORT_SITES - 1)];

		if (*slot == key || !*slot)
			return slot;
	}
	return NULL;	/* table full: report rather than suppress */
}

/*
 * Was bug site @key reported before?  Without report_lock: sites are only
 * added (under the lock, with WRITE_ONCE()), and a storm of the same bug on
 * every CPU must not queue them on one lock with IRQs off.  Racing with
 * memsan_reports_clear(), a site may be seen once more.
 */
static bool site_known(unsigned long key)
{
	unsigned int i, h = hash_long(key, ilog2(REPORT_SITES));
	unsigned long v;

	for (i = 0; i < REPORT_SITES; i++) {
		v = READ_ONCE(sites[(h + i) & (REPORT_SITES - 1)]);
		if (v == key)
			return true;
		if (!v)
			return false;
	}
	return false;
}

/*
 * Past REPORT_BURST reports in a window of REPORT_WINDOW_NS, a CPU's reports
 * may take at most 1/REPORT_CPU_SHARE of its time: the ones over that are
 * dropped (counted in reports_dropped) until its next window.  A report
 * costs milliseconds (stack unwind, symbols, text; tens under TCG): a module
 * committing bugs in a loop from every context (report_all=1) would
 * otherwise leave no time for anything else.  The burst keeps every report
 * of a sporadic sequence, however slow the machine.  A site whose first
 * report is dropped is not remembered: with report_all=0 a later one is made.
 */
#define REPORT_WINDOW_NS	NSEC_PER_SEC
#define REPORT_CPU_SHARE	8
#define REPORT_BURST		64

struct report_budget {
	u64 window_start;
	u64 spent;
	unsigned int made;
};
static DEFINE_PER_CPU(struct report_budget, report_budget);

/* Preemption off.  Contexts of one CPU share its budget: approximate. */
static bool report_budget_over(void)
{
	struct report_budget *b = this_cpu_ptr(&report_budget);
	u64 now = local_clock();

	if (now - READ_ONCE(b->window_start) >= REPORT_WINDOW_NS) {
		WRITE_ONCE(b->window_start, now);
		WRITE_ONCE(b->spent, 0);
		WRITE_ONCE(b->made, 0);
	}
	return READ_ONCE(b->made) >= REPORT_BURST &&
	       READ_ONCE(b->spent) >= REPORT_WINDOW_NS / REPORT_CPU_SHARE;
}

/*
 * The buffer of this CPU and context, marked busy, with preemption off; NULL
 * (the report dropped) in NMI or when this context is already reporting.
 * A non-NULL return is followed by report_end().
 */
static struct report_buf *report_begin(void)
{
	struct report_buf *buf;
	unsigned int ctx = REPORT_CTX_TASK;

	if (in_nmi() || !report_bufs || memsan_fail_alloc(MEMSAN_FAIL_REPORT))
		goto drop;
	if (in_hardirq())
		ctx = REPORT_CTX_HARDIRQ;
	else if (in_serving_softirq())
		ctx = REPORT_CTX_SOFTIRQ;
	preempt_disable();
	buf = &report_bufs[smp_processor_id() * REPORT_CTXS + ctx];
	if (!buf->busy) {
		buf->busy = true;
		return buf;
	}
	preempt_enable();
drop:
	memsan_count(MEMSAN_COUNTER_REPORTS_DROPPED, 1);
	return NULL;
}

static void report_end(struct report_buf *buf)
{
	buf->busy = false;
	preempt_enable();
}

/*
 * Stage 1: the report to fill in @buf, unless the site (@ip, @type) was
 * reported before and report_all is off.  A non-NULL return is followed by
 * report_publish().
 */
static struct memsan_report *report_open(struct report_buf *buf, enum memsan_bug_type type,
					 unsigned long ip)
{
	unsigned long key = (ip << SITE_TYPE_BITS) | type;
	bool report_all = READ_ONCE(memsan_report_all);
	unsigned long flags, *slot;
	bool seen;

	if (!report_all && site_known(key))
		goto suppressed;
	if (report_budget_over()) {
		memsan_count(MEMSAN_COUNTER_REPORTS_DROPPED, 1);
		return NULL;
	}
	raw_spin_lock_irqsave(&report_lock, flags);
	slot = site_slot(key);
	seen = slot && *slot == key;
	if (slot && !seen)
		WRITE_ONCE(*slot, key);
	raw_spin_unlock_irqrestore(&report_lock, flags);
	if (seen && !report_all)
		goto suppressed;	/* another CPU reported it meanwhile */

	this_cpu_inc(report_budget.made);
	buf->start = local_clock();
	memset(&buf->r, 0, offsetof(struct memsan_report, text));
	buf->r.type = type;
	buf->r.ip = ip;
	return &buf->r;

suppressed:
	memsan_count(MEMSAN_COUNTER_REPORTS_SUPPRESSED, 1);
	return NULL;
}

static void fetch_stack(struct memsan_stack *s, depot_stack_handle_t handle, pid_t pid)
{
	unsigned long *entries;
	unsigned int nr = handle ? stack_depot_fetch(handle, &entries) : 0;

	s->pid = pid;
	s->nr = min_t(unsigned int, nr, MEMSAN_REPORT_FRAMES);
	if (s->nr)
		memcpy(s->frames, entries, s->nr * sizeof(*entries));
}

/*
 * Does @obj's slot hold @addr?  The slot runs from the object to the next
 * object's left redzone; the left redzone before the object (memsan's
 * guard in its own kmalloc caches and in modules' caches, or SLUB's pad
 * with slub_debug=Z) is the object's too: an underflow.
 */
static bool object_covers(const struct memsan_object *obj, unsigned long addr)
{
	if (addr >= obj->addr)
		return addr - obj->addr < obj->slot_size;
	return obj->addr - addr <= obj->left_zone;
}

/* Describe the tracked object @r->addr falls in, if any. */
static void describe_object(struct memsan_report *r)
{
	struct memsan_object obj;
	struct memsan_slot slot;
	enum memsan_ptr_kind kind = memsan_classify_ptr((void *)r->addr, &slot);
	const char *own;

	if (kind == MEMSAN_PTR_NOT_HEAP || !memsan_object_lookup(slot.start, &obj) ||
	    !object_covers(&obj, r->addr)) {
		/* a page or vmalloc object: classify_ptr() knows neither */
		if (!memsan_object_find(r->addr, &obj))
			return;
	}
	r->has_object = true;
	r->obj_kind = obj.kind;
	r->obj_addr = obj.addr;
	r->obj_size = obj.size;
	r->cache_name[0] = '\0';
	if (obj.cache) {
		/* memsan's own kmalloc caches go by the kmalloc class they stand for */
		own = memsan_own_cache_name(obj.cache);
		strscpy(r->cache_name, own ?: memsan_cache_name(obj.cache), sizeof(r->cache_name));
		r->cache_size = memsan_own_cache_class(obj.cache) ?:
				memsan_cache_user_size(obj.cache) ?:
				memsan_cache_object_size(obj.cache);
	} else {
		r->cache_size = obj.slot_size;
	}
	r->has_alloc = true;
	fetch_stack(&r->alloc, obj.alloc_stack, obj.alloc_pid);
	r->has_free = obj.state == MEMSAN_OBJECT_QUARANTINED;
	if (r->has_free)
		fetch_stack(&r->free, obj.free_stack, obj.free_pid);
}

/*
 * The module of @ip, for netlink.  6.1 exports no address-to-module lookup
 * (__module_address() is not exported), only the symbolizer: its
 * "func+0x1a/0x40 [mod]" names the module, once, here.
 */
static void ip_module(struct memsan_report *r, char *sym)
{
	size_t len = sprint_symbol(sym, r->ip);
	char *open;

	if (len < sizeof(" [m]") - 1 || sym[len - 1] != ']')
		return;
	open = strrchr(sym, '[');
	if (!open || open == sym || open[-1] != ' ')
		return;
	sym[len - 1] = '\0';
	strscpy(r->module, open + 1, sizeof(r->module));
}

/*
 * Stage 2: the task, the module of the ip, the call trace, the object.
 *
 * The task's name is read without task_lock(): get_task_comm() takes it, and
 * a report may come from a hardirq that interrupted its task inside
 * task_lock() (exec, exit, a /proc reader), where it would spin for good with
 * IRQs off (and every other CPU after it on report_lock).  A rename racing
 * with the copy may mix two names; the copy is always terminated.
 */
static void complete_report(struct memsan_report *r, char *sym)
{
	r->pid = task_pid_nr(current);
	r->cpu = raw_smp_processor_id();
	strscpy(r->comm, current->comm, sizeof(r->comm));
	ip_module(r, sym);
	r->call.pid = r->pid;
	/* a leak has no faulting call: the scanner's own stack says nothing */
	if (r->type != MEMSAN_BUG_MEMORY_LEAK)
		r->call.nr = memsan_stack_here(r->call.frames, MEMSAN_REPORT_FRAMES);
	describe_object(r);
	if (!r->has_object && r->type == MEMSAN_BUG_GLOBAL_OUT_OF_BOUNDS)
		memsan_globals_describe(r);
}

/*
 * Stages 2 to 4 of the report report_open() handed out in @buf: complete,
 * render, keep (the ring announces it), print.
 */
static void report_publish(struct report_buf *buf)
{
	struct memsan_report *r = &buf->r;

	complete_report(r, buf->sym);
	memsan_report_render(r);
	memsan_ring_push(r);
	memsan_report_print(r);
	memsan_count(MEMSAN_COUNTER_REPORTS, 1);
	this_cpu_add(report_budget.spent, local_clock() - buf->start);
	if (READ_ONCE(memsan_panic_on_report))
		panic("memsan: panic_on_report set\n");
}

static enum memsan_bug_type access_bug_type(unsigned long first_bad)
{
	switch (shadow_classify(&memsan_shadow, first_bad)) {
	case SHADOW_BUG_OUT_OF_BOUNDS:
	case SHADOW_BUG_LARGE_OUT_OF_BOUNDS:
		if (is_vmalloc_addr((void *)first_bad))
			return MEMSAN_BUG_VMALLOC_OUT_OF_BOUNDS;
		return MEMSAN_BUG_SLAB_OUT_OF_BOUNDS;
	case SHADOW_BUG_USE_AFTER_FREE:
		return MEMSAN_BUG_USE_AFTER_FREE;
	case SHADOW_BUG_GLOBAL_OUT_OF_BOUNDS:
		return MEMSAN_BUG_GLOBAL_OUT_OF_BOUNDS;
	default:
		return MEMSAN_BUG_OUT_OF_BOUNDS;
	}
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
	struct report_buf *buf = report_begin();
	struct memsan_report *r;
	unsigned long first_bad;

	if (!buf)
		return;
	first_bad = shadow_first_bad(&memsan_shadow, addr, size);
	/* no bad byte: the object changed state since the check, no bug to show */
	if (first_bad) {
		r = report_open(buf, access_bug_type(first_bad), ip);
		if (r) {
			r->is_write = is_write;
			r->addr = addr;
			r->size = size;
			r->first_bad = first_bad;
			report_publish(buf);
		}
	}
	report_end(buf);
}

/**
 * memsan_report_free() - report a bad free (the free itself is swallowed)
 * @type:	double-free or invalid-free
 * @ptr:	pointer passed to the free function
 * @ip:		caller of the free function
 */
void memsan_report_free(enum memsan_bug_type type, const void *ptr, unsigned long ip)
{
	struct report_buf *buf = report_begin();
	struct memsan_report *r;

	if (!buf)
		return;
	r = report_open(buf, type, ip);
	if (r) {
		r->is_free = true;
		r->addr = (unsigned long)ptr;
		r->first_bad = (unsigned long)ptr;
		report_publish(buf);
	}
	report_end(buf);
}

/**
 * memsan_report_leak() - report objects the leak scan found unreferenced
 * @leak:	the objects of one allocation stack
 *
 * Process context.  The site is the allocating call: a leak from there is
 * reported once unless report_all is set (a later scan finding it again
 * counts as suppressed).  The object is described from its record, which
 * the caller has just found live.
 *
 * Return: true if a report was made.
 */
bool memsan_report_leak(const struct memsan_leak *leak)
{
	struct report_buf *buf = report_begin();
	struct memsan_report *r;
	bool made = false;

	if (!buf)
		return false;
	r = report_open(buf, MEMSAN_BUG_MEMORY_LEAK, leak->ip);
	if (r) {
		r->addr = leak->addr;
		r->first_bad = leak->addr;
		r->leak_objects = leak->objects;
		r->leak_bytes = leak->bytes;
		r->leak_dump_len = min_t(unsigned int, leak->dump_len, MEMSAN_LEAK_DUMP);
		memcpy(r->leak_dump, leak->dump, r->leak_dump_len);
		strscpy(r->leak_scan, leak->scan ?: "", sizeof(r->leak_scan));
		report_publish(buf);
		made = true;
	}
	report_end(buf);
	return made;
}

/**
 * memsan_report_mismatch() - report a free by the wrong function (not made)
 * @ptr:	pointer passed to the free function
 * @ip:		caller of the free function
 * @free_fn:	the free function: kfree, kmem_cache_free, vfree, free_pages...
 * @free_cache:	the cache given to kmem_cache_free(), or NULL
 *
 * The report names the object (its cache or kind, its allocation stack,
 * whose first frame is the allocating function) and the free function.
 */
void memsan_report_mismatch(const void *ptr, unsigned long ip, unsigned long free_fn,
			    struct kmem_cache *free_cache)
{
	struct report_buf *buf = report_begin();
	struct memsan_report *r;

	if (!buf)
		return;
	r = report_open(buf, MEMSAN_BUG_ALLOC_FREE_MISMATCH, ip);
	if (r) {
		r->is_free = true;
		r->addr = (unsigned long)ptr;
		r->first_bad = (unsigned long)ptr;
		r->free_fn = free_fn;
		if (free_cache)
			strscpy(r->free_cache, memsan_cache_name(free_cache),
				sizeof(r->free_cache));
		report_publish(buf);
	}
	report_end(buf);
}

/**
 * memsan_report_double_destroy() - report a second kmem_cache_destroy()
 * @cache:	the cache given to it: its struct kmem_cache is freed
 * @name:	the name the cache had ("" if unknown)
 * @ip:		caller of kmem_cache_destroy()
 */
void memsan_report_double_destroy(const struct kmem_cache *cache, const char *name,
				  unsigned long ip)
{
	struct report_buf *buf = report_begin();
	struct memsan_report *r;

	if (!buf)
		return;
	r = report_open(buf, MEMSAN_BUG_DOUBLE_FREE, ip);
	if (r) {
		r->is_free = true;
		r->addr = (unsigned long)cache;
		r->first_bad = (unsigned long)cache;
		r->free_fn = (unsigned long)kmem_cache_destroy;
		strscpy(r->free_cache, name[0] ? name : "(unknown)", sizeof(r->free_cache));
		report_publish(buf);
	}
	report_end(buf);
}

/**
 * memsan_reports_clear() - forget every report so far
 *
 * Readers no longer see them, and their bug sites will be reported again.
 */
void memsan_reports_clear(void)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&report_lock, flags);
	memset(sites, 0, sizeof(sites));
	memsan_ring_clear();
	raw_spin_unlock_irqrestore(&report_lock, flags);
}

int memsan_reports_init(void)
{
	int err = memsan_ring_init();

	if (err)
		return err;
	report_bufs = vzalloc(array3_size(nr_cpu_ids, REPORT_CTXS, sizeof(*report_bufs)));
	if (!report_bufs) {
		memsan_ring_exit();
		return -ENOMEM;
	}
	return 0;
}

/* Once nothing reports any more (memsan is off and its hooks are gone). */
void memsan_reports_exit(void)
{
	vfree(report_bufs);
	report_bufs = NULL;
	memsan_ring_exit();
}
