// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: module init and exit.  Brings the parts up in order, bottom first,
 * and takes them down in the reverse order; nothing calls this file.  The
 * parts and their arrows are described in kmod/README.md.
 *
 * Lock order (outer first; a lock is only taken under those before it):
 *
 *   kernel_param_lock (config/params.c: a setter runs under it)
 *     alloc_probes_lock (hooks/hooks.c)            mutex
 *     stage lock, one per CPU (quarantine/quarantine.c)   raw, IRQs off
 *       fifo_lock (quarantine/quarantine.c)        raw
 *   destroy_lock (objects/allocator.c)             mutex
 *   instrumented_lock (hooks/modules.c)            mutex
 *     target_lock (inject/inject.c)                spinlock
 *   last_lock (inject/inject.c)                    raw, IRQs off; calls nothing
 *   scan_lock (leaks/scan.c: one leak scan at a time)   mutex
 *     then report_lock, object bucket locks, pool_lock: as below
 *   report_lock (report/report.c: bug sites only) raw, IRQs off
 *     ring_lock (report/ring.c)                    raw
 *   object bucket locks (objects/object.c)         raw
 *   globals_lock (report/globals.c)                raw
 *   pool_lock (objects/object.c), chunk_lock (shadow_port/shadow_map.c):
 *   raw, innermost; they call only the page allocator
 *
 * No raw lock of memsan is held across a call into the slab allocator,
 * whose frees reach memsan's own hooks.
 */
#define pr_fmt(fmt) "memsan: " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/stackdepot.h>

#include "channels/channels.h"
#include "compat/compat.h"
#include "config/config.h"
#include "hooks/hooks.h"
#include "objects/objects.h"
#include "quarantine/quarantine.h"
#include "report/report.h"
#include "settings/settings.h"
#include "shadow_port/memsan_shadow.h"

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
	err = memsan_stack_cache_init();
	if (err)
		goto err_objects_only;
	err = memsan_quarantine_init();
	if (err)
		goto err_objects;
	memsan_own_caches_init();
	err = memsan_modules_init();
	if (err)
		goto err_quarantine;
	memsan_debugfs_init();
	err = memsan_netlink_init();
	if (err)
		goto err_debugfs;

	memsan_enable();
	err = memsan_hooks_init();
	if (err)
		goto err_enabled;
	pr_info("version %s loaded: track=%s quarantine_kb=%u redzone=%u\n", MEMSAN_VERSION,
		memsan_track_name(memsan_track), memsan_quarantine_kb, memsan_redzone);
	return 0;

err_enabled:
	memsan_disable_sync();
	memsan_netlink_exit();
err_debugfs:
	memsan_debugfs_exit();
	memsan_modules_exit();
err_quarantine:
	memsan_quarantine_exit();
	memsan_own_caches_exit();
err_objects:
	memsan_stack_cache_exit();
err_objects_only:
	memsan_objects_exit();
err_shadow:
	memsan_shadow_exit();
err_reports:
	memsan_reports_exit();
	return err;
}

static void __exit memsan_exit(void)
{
	memsan_own_caches_drain();
	memsan_hooks_exit();
	memsan_disable_sync();
	memsan_netlink_exit();
	memsan_debugfs_exit();
	memsan_modules_exit();
	memsan_quarantine_exit();
	memsan_own_caches_exit();
	memsan_stack_cache_exit();
	memsan_objects_exit();
	memsan_shadow_exit();
	memsan_reports_exit();
	pr_info("unloaded\n");
}

module_init(memsan_init);
module_exit(memsan_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("memsan: KASAN-style heap checking for modules of a stock kernel");
MODULE_VERSION(MEMSAN_VERSION);
