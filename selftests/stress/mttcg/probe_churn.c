// SPDX-License-Identifier: GPL-2.0
/*
 * probe_churn: the probes memsan registers with track=all, and nothing else
 * (issue 11 item 6: do guests hang under multi-threaded TCG without memsan?).
 *
 * Loading registers kretprobes on the slab allocation functions memsan
 * probes (kmalloc_trace ... ksize) and ftrace ops on its free functions
 * (kfree, kmem_cache_free, kmem_cache_free_bulk, kmem_cache_destroy), with
 * handlers that only count; unloading unregisters them.  churn.sh loads
 * and unloads it in a loop under slab load.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/ftrace.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/string.h>

static const char *const alloc_syms[] = {
	"kmalloc_trace", "kmalloc_node_trace", "kmalloc_large", "kmalloc_large_node",
	"kmem_cache_alloc", "kmem_cache_alloc_lru", "kmem_cache_alloc_node",
	"kmem_cache_alloc_bulk", "krealloc", "kvmalloc_node", "ksize",
};
static const char *const free_syms[] = {
	"kfree", "kmem_cache_free", "kmem_cache_free_bulk", "kmem_cache_destroy",
};

/*
 * toggles=N: after loading, switch the kretprobes off and on again N times,
 * toggle_ms apart, setting each struct kretprobe up anew before it is
 * registered again, as memsan does when its track parameter changes
 * (insmod returns when done); the ftrace ops stay registered throughout.
 */
static unsigned int toggles;
module_param(toggles, uint, 0444);
static unsigned int toggle_ms = 100;
module_param(toggle_ms, uint, 0444);

static atomic_long_t entries, returns, frees;
static struct kretprobe krps[ARRAY_SIZE(alloc_syms)];
static struct kretprobe *krp_ptrs[ARRAY_SIZE(alloc_syms)];
static struct ftrace_ops fops[ARRAY_SIZE(free_syms)];
static unsigned int fops_on;

static int churn_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	atomic_long_inc(&entries);
	return 0;
}

static int churn_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	atomic_long_inc(&returns);
	return 0;
}

static void churn_free(unsigned long ip, unsigned long parent_ip, struct ftrace_ops *op,
		       struct ftrace_regs *fregs)
{
	atomic_long_inc(&frees);
}

static void fops_unregister(void)
{
	while (fops_on--) {
		unregister_ftrace_function(&fops[fops_on]);
		ftrace_free_filter(&fops[fops_on]);
	}
	fops_on = 0;
}

static int krps_register(void)
{
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(alloc_syms); i++) {
		krps[i] = (struct kretprobe) {
			.kp.symbol_name = alloc_syms[i],
			.entry_handler = churn_entry,
			.handler = churn_return,
			.maxactive = 64,
		};
		krp_ptrs[i] = &krps[i];
	}
	err = register_kretprobes(krp_ptrs, ARRAY_SIZE(krp_ptrs));
	if (err)
		pr_err("register_kretprobes: %d\n", err);
	return err;
}

/* Switch the kretprobes off and on @toggles times; false if one failed. */
static bool krps_toggle(void)
{
	unsigned int n;

	for (n = 0; n < toggles; n++) {
		unregister_kretprobes(krp_ptrs, ARRAY_SIZE(krp_ptrs));
		msleep(toggle_ms);
		if (krps_register())
			return false;
		msleep(toggle_ms);
	}
	pr_info("%u toggles done\n", toggles);
	return true;
}

static int __init churn_init(void)
{
	unsigned int i;
	int err;

	err = krps_register();
	if (err)
		return err;
	for (i = 0; i < ARRAY_SIZE(free_syms); i++) {
		fops[i] = (struct ftrace_ops) {
			.func = churn_free,
			/* memsan's free hooks: IPMODIFY (they redirect) */
			.flags = FTRACE_OPS_FL_SAVE_REGS | FTRACE_OPS_FL_IPMODIFY,
		};
		err = ftrace_set_filter(&fops[i], (unsigned char *)free_syms[i],
					strlen(free_syms[i]), 1);
		if (!err)
			err = register_ftrace_function(&fops[i]);
		if (err) {
			pr_err("ftrace %s: %d\n", free_syms[i], err);
			ftrace_free_filter(&fops[i]);
			fops_unregister();
			unregister_kretprobes(krp_ptrs, ARRAY_SIZE(krp_ptrs));
			return err;
		}
		fops_on++;
	}
	if (!krps_toggle()) {
		fops_unregister();
		return -EIO;
	}
	return 0;
}

static void __exit churn_exit(void)
{
	fops_unregister();
	unregister_kretprobes(krp_ptrs, ARRAY_SIZE(krp_ptrs));
	pr_info("%ld entries, %ld returns, %ld frees\n", atomic_long_read(&entries),
		atomic_long_read(&returns), atomic_long_read(&frees));
}

module_init(churn_init);
module_exit(churn_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("memsan issue 11: kretprobes and ftrace ops of track=all, without memsan");
