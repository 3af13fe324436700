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
