// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: the parameter table.
 *
 * Every setting is a module parameter (/sys/module/memsan/parameters/), with
 * its validation here; the channels read and change them by name through
 * the same code.  The values live in settings/settings.c.
 */
#define pr_fmt(fmt) "memsan: " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <linux/stringify.h>
#include <linux/sysfs.h>

#include "config/config.h"
#include "hooks/hooks.h"
#include "inject/inject.h"
#include "quarantine/quarantine.h"
#include "settings/settings.h"
#include "shadow_port/memsan_shadow.h"

#define MEMSAN_QUARANTINE_KB_MAX	(1024 * 1024)
#define MEMSAN_REDZONE_MAX		512
/* The redzone is whole shadow granules. */
#define MEMSAN_REDZONE_ALIGN		8
static_assert(MEMSAN_REDZONE_ALIGN == SHADOW_GRANULE_SIZE);

static const char *const track_names[] = {
	[MEMSAN_TRACK_MODULES] = "modules",
	[MEMSAN_TRACK_ALL] = "all",
};

static int track_set(const char *val, const struct kernel_param *kp)
{
	int mode = sysfs_match_string(track_names, val);
	int err;

	if (mode < 0) {
		pr_err("track must be 'modules' or 'all', not '%s'\n", val);
		return -EINVAL;
	}
	err = memsan_hooks_set_track(mode);
	if (err)
		return err;
	WRITE_ONCE(memsan_track, mode);
	return 0;
}

/* The name of track mode @mode, as the parameter shows it. */
const char *memsan_track_name(int mode)
{
	return track_names[mode];
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
		pr_err("%s must be an integer from 0 to %u%s, not '%s'\n", kp->name, max,
		       multiple > 1 ? " and a multiple of " __stringify(MEMSAN_REDZONE_ALIGN) : "",
		       strim((char *)val));
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
		memsan_quarantine_shrink((unsigned long)memsan_quarantine_kb * SZ_1K);
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
	return uint_in_range(val, kp, MEMSAN_REDZONE_MAX, MEMSAN_REDZONE_ALIGN);
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

static const char *const stack_cache_names[] = {
	[MEMSAN_STACK_CACHE_OFF] = "N",
	[MEMSAN_STACK_CACHE_ON] = "Y",
	[MEMSAN_STACK_CACHE_VERIFY] = "verify",
};

static int stack_cache_set(const char *val, const struct kernel_param *kp)
{
	bool on;

	if (sysfs_streq(val, "verify")) {
		WRITE_ONCE(memsan_stack_cache, MEMSAN_STACK_CACHE_VERIFY);
		return 0;
	}
	if (kstrtobool(val, &on)) {
		pr_err("stack_cache must be Y, N or verify, not '%s'\n", strim((char *)val));
		return -EINVAL;
	}
	WRITE_ONCE(memsan_stack_cache, on ? MEMSAN_STACK_CACHE_ON : MEMSAN_STACK_CACHE_OFF);
	return 0;
}

static int stack_cache_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", stack_cache_names[READ_ONCE(memsan_stack_cache)]);
}

static const struct kernel_param_ops stack_cache_ops = {
	.set = stack_cache_set,
	.get = stack_cache_get,
};
module_param_cb(stack_cache, &stack_cache_ops, NULL, 0644);
MODULE_PARM_DESC(stack_cache, "save a stack from a memo of an earlier unwind when its return address slots prove it the same (x86_64; default Y; N: unwind every time; verify: both, counting differences in stack_cache_mismatches)");

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
 * memsan_config_name() - name of a parameter
 * @i:	its index, 0 <= @i < memsan_config_count()
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

/*
 * === Allocation-failure injection (inject/inject.h) ===
 *
 * Only the allocation calls of instrumented modules can be failed; all of
 * it is off by default (fail_nth=0, fail_probability=0).
 */

static int fail_nth_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v;

	if (kstrtouint(val, 0, &v) || v > INT_MAX) {
		pr_err("fail_nth must be an integer from 0 to %d, not '%s'\n", INT_MAX,
		       strim((char *)val));
		return -EINVAL;
	}
	memsan_inject_set_nth(v);
	return 0;
}

static int fail_nth_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%u\n", memsan_inject_nth());
}

static const struct kernel_param_ops fail_nth_ops = {
	.set = fail_nth_set,
	.get = fail_nth_get,
};
module_param_cb(fail_nth, &fail_nth_ops, NULL, 0644);
MODULE_PARM_DESC(fail_nth, "fail the Nth allocation call of instrumented modules (or of fail_module) from now on, once; reads back the calls still to go (0: off, default)");

static int fail_probability_set(const char *val, const struct kernel_param *kp)
{
	return uint_in_range(val, kp, 100, 1);
}

static const struct kernel_param_ops fail_probability_ops = {
	.set = fail_probability_set,
	.get = param_get_uint,
};
module_param_cb(fail_probability, &fail_probability_ops, &memsan_fail_probability, 0644);
MODULE_PARM_DESC(fail_probability, "percent of instrumented modules' allocation calls to fail (0-100, default 0: off), with fail_interval and fail_times");

static int fail_interval_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v;

	if (kstrtouint(val, 0, &v) || !v) {
		pr_err("fail_interval must be an integer from 1 to %u, not '%s'\n", UINT_MAX,
		       strim((char *)val));
		return -EINVAL;
	}
	WRITE_ONCE(memsan_fail_interval, v);
	return 0;
}

static const struct kernel_param_ops fail_interval_ops = {
	.set = fail_interval_set,
	.get = param_get_uint,
};
module_param_cb(fail_interval, &fail_interval_ops, &memsan_fail_interval, 0644);
MODULE_PARM_DESC(fail_interval, "fail_probability applies to every Nth counted call only (default 1: every call)");

static int fail_times_set(const char *val, const struct kernel_param *kp)
{
	int v;

	if (kstrtoint(val, 0, &v) || v < -1) {
		pr_err("fail_times must be -1 (no limit) or an integer from 0 to %d, not '%s'\n",
		       INT_MAX, strim((char *)val));
		return -EINVAL;
	}
	memsan_inject_set_times(v);
	return 0;
}

static int fail_times_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", memsan_inject_times());
}

static const struct kernel_param_ops fail_times_ops = {
	.set = fail_times_set,
	.get = fail_times_get,
};
module_param_cb(fail_times, &fail_times_ops, NULL, 0644);
MODULE_PARM_DESC(fail_times, "at most this many failures from fail_probability; reads back what is left (-1: no limit; default 1)");

static int fail_module_set(const char *val, const struct kernel_param *kp)
{
	char buf[MODULE_NAME_LEN + 2], *name;

	/* room for a newline after the longest name */
	name = strscpy(buf, val, sizeof(buf)) < 0 ? NULL : strim(buf);
	if (!name || strlen(name) >= MODULE_NAME_LEN) {
		pr_err("fail_module: '%s' is too long for a module name\n", strim((char *)val));
		return -EINVAL;
	}
	if (memsan_modules_set_fail_module(name)) {
		pr_err("fail_module: no loaded instrumented module is called '%s'\n", name);
		return -EINVAL;
	}
	return 0;
}

static int fail_module_get(char *buf, const struct kernel_param *kp)
{
	char name[MODULE_NAME_LEN];

	memsan_inject_module_name(name, sizeof(name));
	return sysfs_emit(buf, "%s\n", name);
}

static const struct kernel_param_ops fail_module_ops = {
	.set = fail_module_set,
	.get = fail_module_get,
};
module_param_cb(fail_module, &fail_module_ops, NULL, 0644);
MODULE_PARM_DESC(fail_module, "count and fail only the allocation calls of this loaded instrumented module (default empty: every instrumented module)");

static int fail_verbose_set(const char *val, const struct kernel_param *kp)
{
	return uint_in_range(val, kp, MEMSAN_FAIL_VERBOSE_MAX, 1);
}

static const struct kernel_param_ops fail_verbose_ops = {
	.set = fail_verbose_set,
	.get = param_get_uint,
};
module_param_cb(fail_verbose, &fail_verbose_ops, &memsan_fail_verbose, 0644);
MODULE_PARM_DESC(fail_verbose, "on an injected failure print 0: nothing, 1: the call and its caller (default), 2: also the stack");

static int fail_last_set(const char *val, const struct kernel_param *kp)
{
	pr_err("fail_last is read-only\n");
	return -EINVAL;
}

static int fail_last_get(char *buf, const struct kernel_param *kp)
{
	char last[192];

	memsan_inject_last(last, sizeof(last));
	return sysfs_emit(buf, "%s\n", last);
}

static const struct kernel_param_ops fail_last_ops = {
	.set = fail_last_set,
	.get = fail_last_get,
};
module_param_cb(fail_last, &fail_last_ops, NULL, 0444);
MODULE_PARM_DESC(fail_last, "read-only: the last allocation call failed on purpose, 'FUNCTION in CALLER (why)'");
