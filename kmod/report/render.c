// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: the text of a report, in KASAN's layout, and its way to the console.
 *
 * Lines go to the console as they are, without a "memsan: " prefix: tools
 * that read KASAN reports read memsan's.
 */
#define pr_fmt(fmt) fmt

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/printk.h>
#include <linux/ratelimit.h>
#include <linux/string.h>

#include "objects/objects.h"
#include "report/report.h"
#include "shadow_port/memsan_shadow.h"

static const char *const bug_names[] = {
	[MEMSAN_BUG_SLAB_OUT_OF_BOUNDS] = "slab-out-of-bounds",
	[MEMSAN_BUG_USE_AFTER_FREE] = "use-after-free",
	[MEMSAN_BUG_DOUBLE_FREE] = "double-free",
	[MEMSAN_BUG_INVALID_FREE] = "invalid-free",
	[MEMSAN_BUG_OUT_OF_BOUNDS] = "out-of-bounds",
	[MEMSAN_BUG_GLOBAL_OUT_OF_BOUNDS] = "global-out-of-bounds",
	[MEMSAN_BUG_MEMORY_LEAK] = "memory-leak",
	[MEMSAN_BUG_ALLOC_FREE_MISMATCH] = "alloc-free-mismatch",
	[MEMSAN_BUG_VMALLOC_OUT_OF_BOUNDS] = "vmalloc-out-of-bounds",
};
static_assert(ARRAY_SIZE(bug_names) == MEMSAN_BUG_COUNT);

/* The bug's name, as reports and netlink give it. */
const char *memsan_bug_name(enum memsan_bug_type type)
{
	return type < MEMSAN_BUG_COUNT ? bug_names[type] : "unknown";
}

#define REPORT_FRAME		"=================================================================="

/*
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

/*
 * alloc-free-mismatch: the allocating function (the first frame of the
 * allocation stack), what the object is, and the free function that does
 * not match it.
 */
static void render_mismatch(struct memsan_report *r)
{
	const char *what = r->cache_name[0] ? r->cache_name :
			   r->has_object ? memsan_object_kind_name(r->obj_kind) : "untracked";

	if (r->has_object && r->alloc.nr)
		report_line(r, "The object (%s) was allocated by %ps", what,
			    (void *)r->alloc.frames[0]);
	else
		report_line(r, "The object (%s) was allocated by an unknown function", what);
	if (r->free_cache[0])
		report_line(r, " and is freed by %ps with the cache %s", (void *)r->free_fn,
			    r->free_cache);
	else
		report_line(r, " and is freed by %ps", (void *)r->free_fn);
}

static void emit_shadow_line(void *ctx, const char *line)
{
	report_line(ctx, "%s", line);
}

/* Where a tracked object lives: its cache, its pages, its vmalloc area. */
static void render_object_home(struct memsan_report *r)
{
	if (r->cache_name[0])
		report_line(r, " which belongs to the cache %s of size %u", r->cache_name,
			    r->cache_size);
	else if (r->obj_kind == MEMSAN_KIND_PAGES)
		report_line(r, " which belongs to the pages of order %u from the page allocator",
			    get_order(r->cache_size));
	else if (r->obj_kind == MEMSAN_KIND_VMALLOC)
		report_line(r, " which belongs to the vmalloc area of size %lu",
			    PAGE_ALIGN(r->obj_size));
	else
		report_line(r, " which is a large kmalloc of %u bytes", r->cache_size);
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
	render_object_home(r);
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

/*
 * KASAN names the variable with %pS of the buggy address: name+offset/size
 * [module].  Module data symbols are not in kallsyms once init is done
 * (arm64 has no KALLSYMS_ALL), so the name, the offset from the variable's
 * start and its size come from what gcc registered.
 */
static void render_variable(struct memsan_report *r)
{
	report_blank(r);
	report_line(r, "The buggy address belongs to the variable: %s+0x%lx/0x%lx [%s]",
		    r->var_name, r->addr - r->var_addr, r->var_size, r->var_module);
}

/*
 * A leak, in kmemleak's words for the object and LSan's for the count:
 * the object, its first bytes, how many objects this allocation stack
 * leaked, then the stack.
 */
static void render_leak(struct memsan_report *r)
{
	char line[80];
	unsigned int i;

	report_line(r, "unreferenced object 0x%016lx (size %lu):", r->addr,
		    r->has_object ? r->obj_size : 0);
	if (r->has_object)
		render_object_home(r);
	report_line(r, " found by the leak scan %s", r->leak_scan);
	report_line(r, " %u object%s, %lu bytes leaked from this allocating call",
		    r->leak_objects, r->leak_objects == 1 ? "" : "s", r->leak_bytes);
	report_line(r, " hex dump (first %u bytes):", r->leak_dump_len);
	for (i = 0; i < r->leak_dump_len; i += 16) {
		hex_dump_to_buffer(r->leak_dump + i, min(16U, r->leak_dump_len - i), 16, 1,
				   line, sizeof(line), true);
		report_line(r, "  %s", line);
	}
	if (r->has_alloc) {
		report_blank(r);
		report_line(r, "Allocated by task %d:", r->alloc.pid);
		render_stack(r, &r->alloc);
	}
}

/**
 * memsan_report_render() - write the text of a completed report
 * @r:	the report, stages 1 and 2 filled in
 */
void memsan_report_render(struct memsan_report *r)
{
	r->text_len = 0;
	r->text[0] = '\0';
	report_line(r, REPORT_FRAME);
	report_line(r, "BUG: MEMSAN: %s in %pS", memsan_bug_name(r->type), (void *)r->ip);
	if (r->type == MEMSAN_BUG_MEMORY_LEAK) {
		render_leak(r);
		report_line(r, REPORT_FRAME);
		return;
	}
	if (r->is_free)
		report_line(r, "Free of addr %016lx by task %s/%d", r->addr, r->comm, r->pid);
	else
		report_line(r, "%s of size %lu at addr %016lx by task %s/%d",
			    r->is_write ? "Write" : "Read", r->size, r->addr, r->comm, r->pid);
	if (r->free_fn && r->type == MEMSAN_BUG_DOUBLE_FREE)
		report_line(r, "The cache %s was destroyed before by %ps", r->free_cache,
			    (void *)r->free_fn);
	else if (r->free_fn)
		render_mismatch(r);
	report_blank(r);
	report_line(r, "CPU: %d PID: %d Comm: %s", r->cpu, r->pid, r->comm);
	report_line(r, "Call Trace:");
	render_stack(r, &r->call);
	if (r->has_object)
		render_object(r);
	else if (r->has_variable)
		render_variable(r);
	report_blank(r);
	shadow_dump(&memsan_shadow, r->first_bad ?: r->addr, emit_shadow_line, r);
	report_line(r, REPORT_FRAME);
}

/*
 * Reports on the console: at most CONSOLE_REPORTS (10) every CONSOLE_INTERVAL
 * (60 s).  A report is printed by its reporter, in the context of the bug
 * (hardirq included), and 6.1's printk writes the console out in whichever
 * printk caller gets the console lock: a storm (report_all=1) kept every CPU
 * writing report lines to a slow serial console with preemption or IRQs off.
 * printk_ratelimit()'s budget (10 every 5 s) was still too much for an arm64
 * guest's console (about 45 lines/s under TCG on a busy host: it fell
 * behind by minutes and a shell command took 15 s).  The first 10 reports of
 * a session still reach the console whole; the ring and netlink get every
 * report; the console says how many it skipped ("memsan_report_print: N
 * callbacks suppressed").
 */
#define CONSOLE_REPORTS		10
#define CONSOLE_INTERVAL	(60 * HZ)
static DEFINE_RATELIMIT_STATE(console_ratelimit, CONSOLE_INTERVAL, CONSOLE_REPORTS);

/**
 * memsan_report_print() - print a rendered report to the console, rate-limited
 * @r:	the report
 *
 * One printk per line: the console's line length is bounded, reports are not.
 */
void memsan_report_print(const struct memsan_report *r)
{
	const char *line = r->text, *end = r->text + r->text_len;

	if (!__ratelimit(&console_ratelimit))
		return;

	while (line < end) {
		const char *nl = memchr(line, '\n', end - line);
		int len = nl ? nl - line : end - line;

		pr_err("%.*s\n", len, line);
		line += len + 1;
	}
}
