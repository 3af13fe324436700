// SPDX-License-Identifier: GPL-2.0
/*
 * churn_load: not instrumented, no memsan.  While loaded, every online CPU
 * allocates and frees slab objects from a kthread (kmalloc, krealloc,
 * kmem_cache, kfree, kfree_rcu), a timer and a 2 ms hrtimer (GFP_ATOMIC):
 * the load of the stress suite's churn point, for probe_churn.ko under
 * multi-threaded TCG (issue 11 item 6).
 */
#include <linux/cpu.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/timer.h>

#define LOAD_SIZE_MAX	300

struct load_obj {
	struct rcu_head rcu;
	u8 data[];
};

struct load_cpu {
	struct task_struct *thread;
	struct timer_list timer;
	struct hrtimer hrtimer;
	u32 seed;
};

static DEFINE_PER_CPU(struct load_cpu, load_cpus);
static struct kmem_cache *load_cache;
static bool running;

static size_t load_size(u32 *seed)
{
	*seed = *seed * 1103515245 + 12345;
	return 1 + (*seed >> 8) % LOAD_SIZE_MAX;
}

static void load_once(struct load_cpu *lc, gfp_t gfp, bool may_sleep)
{
	size_t size = load_size(&lc->seed);
	struct load_obj *o;
	u8 *p, *q;

	p = kmalloc(size, gfp);
	if (p) {
		memset(p, 1, size);
		q = krealloc(p, size + load_size(&lc->seed), gfp);
		kfree(q ? q : p);
	}
	o = kmalloc(sizeof(*o) + size, gfp);
	if (o)
		kfree_rcu(o, rcu);
	if (may_sleep) {
		p = kmem_cache_alloc(load_cache, gfp);
		if (p)
			kmem_cache_free(load_cache, p);
	}
}

static int load_thread(void *data)
{
	while (!kthread_should_stop()) {
		load_once(data, GFP_KERNEL, true);
		cond_resched();
	}
	return 0;
}

static void load_timer_fn(struct timer_list *t)
{
	struct load_cpu *lc = from_timer(lc, t, timer);

	if (!READ_ONCE(running))
		return;
	load_once(lc, GFP_ATOMIC, false);
	mod_timer(t, jiffies + 1);
}

static enum hrtimer_restart load_hrtimer_fn(struct hrtimer *h)
{
	struct load_cpu *lc = container_of(h, struct load_cpu, hrtimer);

	if (!READ_ONCE(running))
		return HRTIMER_NORESTART;
	load_once(lc, GFP_ATOMIC, false);
	hrtimer_forward_now(h, ns_to_ktime(2 * NSEC_PER_MSEC));
	return HRTIMER_RESTART;
}

static void load_hrtimer_start(void *unused)
{
	hrtimer_start(&this_cpu_ptr(&load_cpus)->hrtimer, ns_to_ktime(2 * NSEC_PER_MSEC),
		      HRTIMER_MODE_REL_PINNED_HARD);
}

static void load_stop(void)
{
	int cpu;

	WRITE_ONCE(running, false);
	for_each_possible_cpu(cpu) {
		struct load_cpu *lc = per_cpu_ptr(&load_cpus, cpu);

		if (lc->thread)
			kthread_stop(lc->thread);
		lc->thread = NULL;
		del_timer_sync(&lc->timer);
		hrtimer_cancel(&lc->hrtimer);
	}
	rcu_barrier();
	kmem_cache_destroy(load_cache);
}

static int __init load_init(void)
{
	int cpu;

	load_cache = kmem_cache_create("churn_load", LOAD_SIZE_MAX, 0, 0, NULL);
	if (!load_cache)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct load_cpu *lc = per_cpu_ptr(&load_cpus, cpu);

		timer_setup(&lc->timer, load_timer_fn, TIMER_PINNED);
		hrtimer_init(&lc->hrtimer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED_HARD);
		lc->hrtimer.function = load_hrtimer_fn;
	}
	cpus_read_lock();
	WRITE_ONCE(running, true);
	for_each_online_cpu(cpu) {
		struct load_cpu *lc = per_cpu_ptr(&load_cpus, cpu);
		struct task_struct *t;

		lc->seed = cpu + 1;
		t = kthread_create_on_cpu(load_thread, lc, cpu, "churn_load/%u");
		if (!IS_ERR(t)) {
			lc->thread = t;
			wake_up_process(t);
		}
		lc->timer.expires = jiffies + 1;
		add_timer_on(&lc->timer, cpu);
	}
	on_each_cpu(load_hrtimer_start, NULL, 1);
	cpus_read_unlock();
	return 0;
}

module_init(load_init);
module_exit(load_stop);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("slab allocation load from every context, for probe_churn under MTTCG");
