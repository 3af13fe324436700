// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: module parameters, lifetime, and the switch that turns memsan off.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/stackdepot.h>
#include <linux/workqueue.h>

#include "compat.h"
#include "memsan.h"

DEFINE_STATIC_KEY_FALSE(memsan_enabled_key);

DEFINE_PER_CPU(struct memsan_counters, memsan_counters);

/**
 * memsan_counter_read() - current value of a counter, summed over the CPUs
 *
 * Exact when nothing updates it meanwhile; a snapshot otherwise.
 */
long memsan_counter_read(enum memsan_counter c)
{
	long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu(memsan_counters, cpu).val[c]);
	return sum;
}

const char *const memsan_counter_names[MEMSAN_COUNTER_COUNT] = {
	[MEMSAN_COUNTER_OBJECTS] = "objects_tracked",
	[MEMSAN_COUNTER_ALLOCS] = "allocations_tracked",
	[MEMSAN_COUNTER_FREES] = "frees_tracked",
	[MEMSAN_COUNTER_QUARANTINE_OBJECTS] = "quarantine_objects",
	[MEMSAN_COUNTER_QUARANTINE_BYTES] = "quarantine_bytes",
	[MEMSAN_COUNTER_QUARANTINE_RELEASED] = "quarantine_released",
	[MEMSAN_COUNTER_REPORTS] = "reports",
	[MEMSAN_COUNTER_REPORTS_SUPPRESSED] = "reports_suppressed",
	[MEMSAN_COUNTER_REPORTS_DROPPED] = "reports_dropped",
	[MEMSAN_COUNTER_UNTRACKED_NOMEM] = "untracked_nomem",
	[MEMSAN_COUNTER_SHADOW_BYTES] = "shadow_bytes",
	[MEMSAN_COUNTER_METADATA_BYTES] = "metadata_bytes",
	[MEMSAN_COUNTER_NETLINK_DROPS] = "netlink_drops",
};
static_assert(ARRAY_SIZE(memsan_counter_names) == MEMSAN_COUNTER_COUNT);

/* === Module parameters === */

int memsan_track = MEMSAN_TRACK_MODULES;
unsigned int memsan_quarantine_kb = 4096;
unsigned int memsan_redzone = 16;
bool memsan_report_all;
bool memsan_panic_on_report;
bool memsan_stack_trace = true;

#define MEMSAN_QUARANTINE_KB_MAX	(1024 * 1024)
#define MEMSAN_REDZONE_MAX		512

static const char *const track_names[] = {
	[MEMSAN_TRACK_MODULES] = "modules",
	[MEMSAN_TRACK_ALL] = "all",
};

static int track_set(const char *val, const struct kernel_param *kp)
{
	int mode = sysfs_match_string(track_names, val);
	int err;

	if (mode < 0) {
		pr_err("memsan: track must be 'modules' or 'all', not '%s'\n", val);
		return -EINVAL;
	}
	err = memsan_hooks_set_track(mode);
	if (err)
		return err;
	WRITE_ONCE(memsan_track, mode);
	return 0;
}

static int track_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", track_names[READ_ONCE(memsan_track)]);
}

static const struct kernel_param_ops track_ops = {
	.set = track_set,
	.get = track_get,
};
module_param_cb(track, &track_ops, NULL, 0644);
MODULE_PARM_DESC(track, "objects to track: 'modules' (allocated or freed by instrumented modules, default) or 'all' (every slab object)");

static int uint_in_range(const char *val, const struct kernel_param *kp, unsigned int max,
			 unsigned int multiple)
{
	unsigned int v;

	if (kstrtouint(val, 0, &v) || v > max || v % multiple) {
		pr_err("memsan: %s must be an integer from 0 to %u%s, not '%s'\n", kp->name, max,
		       multiple > 1 ? " and a multiple of 8" : "", strim((char *)val));
		return -EINVAL;
	}
	WRITE_ONCE(*(unsigned int *)kp->arg, v);
	return 0;
}

static int quarantine_kb_set(const char *val, const struct kernel_param *kp)
{
	int err = uint_in_range(val, kp, MEMSAN_QUARANTINE_KB_MAX, 1);

	/* a smaller budget takes effect now, not at the next free */
	if (!err && memsan_enabled())
		memsan_quarantine_shrink((unsigned long)memsan_quarantine_kb * 1024);
	return err;
}

static const struct kernel_param_ops quarantine_kb_ops = {
	.set = quarantine_kb_set,
	.get = param_get_uint,
};
module_param_cb(quarantine_kb, &quarantine_kb_ops, &memsan_quarantine_kb, 0644);
MODULE_PARM_DESC(quarantine_kb, "bytes of freed objects held back to catch use-after-free, in KiB (0-1048576, default 4096)");

static int redzone_set(const char *val, const struct kernel_param *kp)
{
	return uint_in_range(val, kp, MEMSAN_REDZONE_MAX, 8);
}

static const struct kernel_param_ops redzone_ops = {
	.set = redzone_set,
	.get = param_get_uint,
};
module_param_cb(redzone, &redzone_ops, &memsan_redzone, 0644);
MODULE_PARM_DESC(redzone, "bytes added after variable-size kmalloc objects as a redzone (0-512, multiple of 8, default 16)");

module_param_named(report_all, memsan_report_all, bool, 0644);
MODULE_PARM_DESC(report_all, "report every bad access, not only the first at each code location (default N)");

module_param_named(panic_on_report, memsan_panic_on_report, bool, 0644);
MODULE_PARM_DESC(panic_on_report, "panic after printing a report (default N)");

/*
 * Unwinding the stack is most of what a tracked allocation or free costs:
 * like KASAN's kasan.stacktrace, it can be turned off.
 */
module_param_named(stack_trace, memsan_stack_trace, bool, 0644);
MODULE_PARM_DESC(stack_trace, "save the allocation and free stacks of tracked objects for reports (default Y; N makes allocations and frees much cheaper)");

/* === Parameters by name, for netlink: the same validation as sysfs === */

static const struct kernel_param *param_by_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < THIS_MODULE->num_kp; i++)
		if (!strcmp(THIS_MODULE->kp[i].name, name))
			return &THIS_MODULE->kp[i];
	return NULL;
}

/**
 * memsan_config_count() - number of module parameters
 */
unsigned int memsan_config_count(void)
{
	return THIS_MODULE->num_kp;
}

/**
 * memsan_config_name() - name of parameter @i (0 <= @i < memsan_config_count())
 */
const char *memsan_config_name(unsigned int i)
{
	return i < THIS_MODULE->num_kp ? THIS_MODULE->kp[i].name : NULL;
}

/**
 * memsan_config_get() - current value of a parameter as sysfs shows it
 * @name:	parameter name
 * @buf:	PAGE_SIZE bytes
 *
 * Return: length written, or -ENOENT for an unknown name.
 */
int memsan_config_get(const char *name, char *buf)
{
	const struct kernel_param *kp = param_by_name(name);
	int len;

	if (!kp)
		return -ENOENT;
	kernel_param_lock(THIS_MODULE);
	len = kp->ops->get(buf, kp);
	kernel_param_unlock(THIS_MODULE);
	if (len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
	return len;
}

/**
 * memsan_config_set() - set a parameter as a write to its sysfs file would
 * @name:	parameter name
 * @value:	new value, as text
 *
 * Return: 0, -ENOENT for an unknown name, or the parameter's error (-EINVAL)
 * with the value unchanged.
 */
int memsan_config_set(const char *name, const char *value)
{
	const struct kernel_param *kp = param_by_name(name);
	int err;

	if (!kp)
		return -ENOENT;
	kernel_param_lock(THIS_MODULE);
	err = kp->ops->set(value, kp);
	kernel_param_unlock(THIS_MODULE);
	return err;
}

/* === Turning memsan off === */

static void disable_workfn(struct work_struct *work)
{
	static_branch_disable(&memsan_enabled_key);
}
static DECLARE_WORK(disable_work, disable_workfn);

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
		pr_err("memsan: internal inconsistency (%s): memsan disabled itself\n", why);
		schedule_work(&disable_work);
	}
}

/* === Lifetime === */

static int __init memsan_init(void)
{
	int err;

	err = memsan_compat_check();
	if (err)
		return err;
	err = stack_depot_init();
	if (err)
		return err;
	err = memsan_reports_init();
	if (err)
		return err;
	err = memsan_shadow_init();
	if (err)
		goto err_reports;
	err = memsan_objects_init();
	if (err)
		goto err_shadow;
	err = memsan_quarantine_init();
	if (err)
		goto err_objects;
	err = memsan_modules_init();
	if (err)
		goto err_quarantine;
	memsan_debugfs_init();
	err = memsan_netlink_init();
	if (err)
		goto err_debugfs;

	static_branch_enable(&memsan_enabled_key);
	err = memsan_hooks_init();
	if (err)
		goto err_enabled;
	pr_info("memsan: version %s loaded: track=%s quarantine_kb=%u redzone=%u\n",
		MEMSAN_VERSION, track_names[memsan_track], memsan_quarantine_kb, memsan_redzone);
	return 0;

err_enabled:
	static_branch_disable(&memsan_enabled_key);
	memsan_netlink_exit();
err_debugfs:
	memsan_debugfs_exit();
	memsan_modules_exit();
err_quarantine:
	memsan_quarantine_exit();
err_objects:
	memsan_objects_exit();
err_shadow:
	memsan_shadow_exit();
err_reports:
	memsan_reports_exit();
	return err;
}

static void __exit memsan_exit(void)
{
	memsan_hooks_exit();
	static_branch_disable(&memsan_enabled_key);
	flush_work(&disable_work);
	memsan_netlink_exit();
	memsan_debugfs_exit();
	memsan_modules_exit();
	memsan_quarantine_exit();
	memsan_objects_exit();
	memsan_shadow_exit();
	memsan_reports_exit();
	pr_info("memsan: unloaded\n");
}

module_init(memsan_init);
module_exit(memsan_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("memsan: KASAN-style heap checking for modules of a stock kernel");
MODULE_VERSION(MEMSAN_VERSION);
