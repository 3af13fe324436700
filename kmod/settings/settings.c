// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: the settings' values with their defaults, and the on/off switch.
 */
#define pr_fmt(fmt) "memsan: " fmt

#include <linux/atomic.h>
#include <linux/printk.h>
#include <linux/workqueue.h>

#include "settings/settings.h"

int memsan_track = MEMSAN_TRACK_MODULES;
unsigned int memsan_quarantine_kb = MEMSAN_QUARANTINE_KB_DEFAULT;
unsigned int memsan_redzone = MEMSAN_REDZONE_DEFAULT;
bool memsan_report_all;
bool memsan_panic_on_report;
bool memsan_stack_trace = true;
int memsan_stack_cache = MEMSAN_STACK_CACHE_ON;

DEFINE_STATIC_KEY_FALSE(memsan_enabled_key);

/**
 * memsan_enable() - start checking and tracking (module init, once every part is up)
 */
void memsan_enable(void)
{
	static_branch_enable(&memsan_enabled_key);
}

static void disable_workfn(struct work_struct *work)
{
	static_branch_disable(&memsan_enabled_key);
}
static DECLARE_WORK(memsan_disable_work, disable_workfn);

/**
 * memsan_disable() - stop checking and tracking after an internal inconsistency
 * @why: what went wrong, for the log
 *
 * Any context: the static key is switched off from a work item.  Objects in
 * quarantine stay there until unload.
 */
void memsan_disable(const char *why)
{
	static bool once;

	if (!xchg(&once, true)) {
		pr_err("internal inconsistency (%s): memsan disabled itself\n", why);
		schedule_work(&memsan_disable_work);
	}
}

/**
 * memsan_disable_sync() - turn memsan off now, from process context
 *
 * Module init's error path and module exit: a disable still queued by
 * memsan_disable() is done before this returns.
 */
void memsan_disable_sync(void)
{
	static_branch_disable(&memsan_enabled_key);
	flush_work(&memsan_disable_work);
}
