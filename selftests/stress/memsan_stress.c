// SPDX-License-Identifier: GPL-2.0
/*
 * memsan_stress: a module built with memsan's instrumentation that commits
 * heap bugs as fast as it can, for the stress suite (selftests/stress/).
 *
 * Writing 1 to /sys/kernel/debug/memsan_stress/run starts a report storm on
 * every online CPU from three contexts at once:
 *   process  one kthread per CPU, bugs in a loop (cond_resched() between)
 *   softirq  one timer per CPU, re-armed every jiffy, @burst bugs per run
 *   hardirq  one hrtimer per CPU, every @hrtimer_us, @hrtimer_burst bugs per run
 * Writing 0 stops it and waits until no context commits any more.
 *
 * A bug is one out-of-bounds read or write of one byte just past a 13-byte
 * kmalloc object (in the slack of its 16-byte slot: it corrupts nothing).
 * There are STRESS_SITES functions doing it, so a storm has STRESS_SITES
 * distinct bug sites, each repeated many times.  Every bug committed is
 * counted once, after the bad access: /sys/kernel/debug/memsan_stress/committed
 * prints the counts per context and their total.
 *
 * Writing N to /sys/kernel/debug/memsan_stress/fill allocates and frees N
 * objects of @fill_size bytes, which land in memsan's quarantine.
 *
 * Writing N to /sys/kernel/debug/memsan_stress/tasklock commits 2 * N bugs
 * while the writer holds its own task_lock(), as exec, exit or a /proc
 * reader does: in each of N sections, one from process context inside the
 * section and one from a hardirq (an hrtimer on the same CPU) that
 * interrupts it (committed's tasklock_late counts the sections the hrtimer
 * did not interrupt in 200 ms: no bug then).  A reporter taking
 * task_lock(current) would spin for good.
 *
 * Writing 1 to /sys/kernel/debug/memsan_stress/churn starts clean allocation
 * traffic (no bug) on every online CPU: a kthread (kmalloc, krealloc,
 * kmem_cache objects, kfree, kfree_rcu), a timer (softirq) and an hrtimer
 * (hardirq) with GFP_ATOMIC allocations; every byte asked for is written and
 * read back through instrumented code.  Writing 0 stops it and waits for the
 * RCU callbacks; churn_ops counts the objects that went through.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/cpu.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/hrtimer.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/timer.h>
#include <linux/uaccess.h>

#define STRESS_OBJ_SIZE	13
#define STRESS_SITES	8

/*
 * A report takes milliseconds under TCG: an hrtimer whose bugs take longer
 * than its period would keep its CPU in hardirq for good.
 */
static unsigned int burst = 2;
module_param(burst, uint, 0444);
MODULE_PARM_DESC(burst, "bugs per timer run (default 2)");

static unsigned int hrtimer_burst = 1;
module_param(hrtimer_burst, uint, 0444);
MODULE_PARM_DESC(hrtimer_burst, "bugs per hrtimer run (default 1)");

static unsigned int hrtimer_us = 10000;
module_param(hrtimer_us, uint, 0444);
MODULE_PARM_DESC(hrtimer_us, "hrtimer period in microseconds, from the end of a run (default 10000)");

static unsigned int fill_size = 256;
module_param(fill_size, uint, 0444);
MODULE_PARM_DESC(fill_size, "object size of the fill file's allocations (default 256)");

enum stress_ctx { CTX_PROCESS, CTX_SOFTIRQ, CTX_HARDIRQ, CTX_COUNT };
static const char *const ctx_names[CTX_COUNT] = { "process", "softirq", "hardirq" };

struct stress_cpu {
	struct task_struct *thread;
	struct timer_list timer;
	struct hrtimer hrtimer;
	unsigned int next_site;
	int cpu;
};

static DEFINE_PER_CPU(struct stress_cpu, stress_cpus);
static atomic_long_t committed[CTX_COUNT];
static atomic_long_t lock_late;	/* task_lock() sections without a hardirq bug */
/* Objects the bugs overflow, one per site; read-only once allocated. */
static u8 *objs[STRESS_SITES];
static bool running;		/* under stress_lock; read with READ_ONCE */
static DEFINE_MUTEX(stress_lock);
static struct dentry *stress_dir;

/* One function per bug site: a read or a write of the byte after the object. */
#define STRESS_SITE(n, write)						\
static noinline void stress_site##n(void)				\
{									\
	u8 *p = objs[n];						\
	size_t off = STRESS_OBJ_SIZE;					\
	u8 v;								\
									\
	OPTIMIZER_HIDE_VAR(p);						\
	OPTIMIZER_HIDE_VAR(off);					\
	if (write) {							\
		WRITE_ONCE(p[off], 0x5a);				\
	} else {							\
		v = READ_ONCE(p[off]);					\
		barrier_data(&v);					\
	}								\
}
STRESS_SITE(0, false)
STRESS_SITE(1, true)
STRESS_SITE(2, false)
STRESS_SITE(3, true)
STRESS_SITE(4, false)
STRESS_SITE(5, true)
STRESS_SITE(6, false)
STRESS_SITE(7, true)

static void (*const sites[STRESS_SITES])(void) = {
	stress_site0, stress_site1, stress_site2, stress_site3,
	stress_site4, stress_site5, stress_site6, stress_site7,
};

/*
 * One bug, then count it.  Site 0 every other time (the same bug again and
 * again), the others in turn (distinct bugs).
 */
static void commit_bug(struct stress_cpu *sc, enum stress_ctx ctx)
{
	unsigned int n = sc->next_site++;

	sites[(n & 1) ? 1 + (n / 2) % (STRESS_SITES - 1) : 0]();
	atomic_long_inc(&committed[ctx]);
}

static int stress_thread(void *data)
{
	struct stress_cpu *sc = data;
	struct stress_cpu local = { .cpu = sc->cpu };

	while (!kthread_should_stop()) {
		if (READ_ONCE(running))
			commit_bug(&local, CTX_PROCESS);
		else
			schedule_timeout_interruptible(HZ / 20);
		cond_resched();
	}
	return 0;
}

static void stress_timer_fn(struct timer_list *t)
{
	struct stress_cpu *sc = from_timer(sc, t, timer);
	struct stress_cpu local = { .next_site = sc->next_site };
	unsigned int i;

	if (!READ_ONCE(running))
		return;
	for (i = 0; i < burst; i++)
		commit_bug(&local, CTX_SOFTIRQ);
	sc->next_site = local.next_site;
	mod_timer(t, jiffies + 1);
}

static enum hrtimer_restart stress_hrtimer_fn(struct hrtimer *h)
{
	struct stress_cpu *sc = container_of(h, struct stress_cpu, hrtimer);
	struct stress_cpu local = { .next_site = sc->next_site + 1 };
	unsigned int i;

	if (!READ_ONCE(running))
		return HRTIMER_NORESTART;
	for (i = 0; i < hrtimer_burst; i++)
		commit_bug(&local, CTX_HARDIRQ);
	sc->next_site = local.next_site;
	hrtimer_forward_now(h, ns_to_ktime((u64)hrtimer_us * NSEC_PER_USEC));
	return HRTIMER_RESTART;
}

/* Stop every context; after this, nothing commits a bug.  Under stress_lock. */
static void storm_stop(void)
{
	int cpu;

	lockdep_assert_held(&stress_lock);
	WRITE_ONCE(running, false);
	for_each_possible_cpu(cpu) {
		struct stress_cpu *sc = per_cpu_ptr(&stress_cpus, cpu);

		if (sc->thread) {
			kthread_stop(sc->thread);
			sc->thread = NULL;
		}
		del_timer_sync(&sc->timer);
		hrtimer_cancel(&sc->hrtimer);
	}
}

/* on_each_cpu() callback: an hrtimer is pinned to the CPU that starts it. */
static void stress_hrtimer_start(void *unused)
{
	struct stress_cpu *sc = this_cpu_ptr(&stress_cpus);

	hrtimer_start(&sc->hrtimer, ns_to_ktime((u64)hrtimer_us * NSEC_PER_USEC),
		      HRTIMER_MODE_REL_PINNED_HARD);
}

/* Start the storm on every online CPU.  Under stress_lock. */
static int storm_start(void)
{
	int cpu, ret = 0;

	lockdep_assert_held(&stress_lock);
	if (READ_ONCE(running))
		return 0;
	cpus_read_lock();
	WRITE_ONCE(running, true);
	for_each_online_cpu(cpu) {
		struct stress_cpu *sc = per_cpu_ptr(&stress_cpus, cpu);
		struct task_struct *t;

		sc->cpu = cpu;
		t = kthread_create_on_cpu(stress_thread, sc, cpu, "memsan_stress/%u");
		if (IS_ERR(t)) {
			ret = PTR_ERR(t);
			break;
		}
		sc->thread = t;
		wake_up_process(t);
		sc->timer.expires = jiffies + 1;
		add_timer_on(&sc->timer, cpu);
	}
	if (!ret)
		on_each_cpu(stress_hrtimer_start, NULL, 1);
	cpus_read_unlock();
	if (ret)
		storm_stop();
	return ret;
}

static ssize_t run_write(struct file *file, const char __user *ubuf, size_t len, loff_t *ppos)
{
	bool on;
	int ret = kstrtobool_from_user(ubuf, len, &on);

	if (ret)
		return ret;
	mutex_lock(&stress_lock);
	if (on)
		ret = storm_start();
	else
		storm_stop();
	mutex_unlock(&stress_lock);
	return ret ? ret : len;
}

static const struct file_operations run_fops = {
	.owner = THIS_MODULE,
	.write = run_write,
	.llseek = noop_llseek,
};

static int committed_show(struct seq_file *m, void *v)
{
	long total = 0;
	int i;

	for (i = 0; i < CTX_COUNT; i++) {
		long n = atomic_long_read(&committed[i]);

		seq_printf(m, "%s %ld\n", ctx_names[i], n);
		total += n;
	}
	seq_printf(m, "total %ld\n", total);
	seq_printf(m, "tasklock_late %ld\n", atomic_long_read(&lock_late));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(committed);

static ssize_t fill_write(struct file *file, const char __user *ubuf, size_t len, loff_t *ppos)
{
	unsigned int n, i;
	int ret = kstrtouint_from_user(ubuf, len, 0, &n);

	if (ret)
		return ret;
	for (i = 0; i < n; i++) {
		void *p = kmalloc(fill_size, GFP_KERNEL);

		if (!p)
			return -ENOMEM;
		kfree(p);
		cond_resched();
	}
	return len;
}

static const struct file_operations fill_fops = {
	.owner = THIS_MODULE,
	.write = fill_write,
	.llseek = noop_llseek,
};

/* The hrtimer of a task_lock() section, and whether it has committed its bug. */
static struct hrtimer lock_hrtimer;
static struct stress_cpu lock_sites;
static bool lock_hrtimer_done;
static DEFINE_MUTEX(lock_mutex);

static enum hrtimer_restart lock_hrtimer_fn(struct hrtimer *h)
{
	commit_bug(&lock_sites, CTX_HARDIRQ);
	WRITE_ONCE(lock_hrtimer_done, true);
	return HRTIMER_NORESTART;
}

/* Wait this long at most, in a section, for the hrtimer to fire. */
#define LOCK_WAIT_US	200000

static ssize_t tasklock_write(struct file *file, const char __user *ubuf, size_t len,
			      loff_t *ppos)
{
	unsigned int n, i, waited;
	int ret = kstrtouint_from_user(ubuf, len, 0, &n);

	if (ret)
		return ret;
	mutex_lock(&lock_mutex);
	for (i = 0; i < n; i++) {
		WRITE_ONCE(lock_hrtimer_done, false);
		task_lock(current);	/* preemption off: the hrtimer fires on this CPU */
		hrtimer_start(&lock_hrtimer, ns_to_ktime(20 * NSEC_PER_USEC),
			      HRTIMER_MODE_REL_PINNED_HARD);
		commit_bug(&lock_sites, CTX_PROCESS);
		for (waited = 0; !READ_ONCE(lock_hrtimer_done) && waited < LOCK_WAIT_US;
		     waited += 10)
			udelay(10);
		task_unlock(current);
		/* it did not fire inside the section (seldom, under TCG): no bug */
		if (hrtimer_cancel(&lock_hrtimer))
			atomic_long_inc(&lock_late);
		cond_resched();
	}
	mutex_unlock(&lock_mutex);
	return len;
}

static const struct file_operations tasklock_fops = {
	.owner = THIS_MODULE,
	.write = tasklock_write,
	.llseek = noop_llseek,
};

/* === churn: clean allocations and frees from every context === */

#define CHURN_SIZE_MAX	300

struct churn_obj {
	struct rcu_head rcu;
	u8 data[];
};

struct churn_cpu {
	struct task_struct *thread;
	struct timer_list timer;
	struct hrtimer hrtimer;
	u32 seed;
};

static DEFINE_PER_CPU(struct churn_cpu, churn_cpus);
static struct kmem_cache *churn_cache;
static atomic_long_t churn_ops;
static bool churning;		/* under stress_lock; read with READ_ONCE */

static size_t churn_size(u32 *seed)
{
	*seed = *seed * 1103515245 + 12345;
	return 1 + (*seed >> 8) % CHURN_SIZE_MAX;
}

/* Write every byte of @p, then check them: a false report would show here. */
static bool churn_touch(u8 *p, size_t size, u8 v)
{
	size_t i;

	for (i = 0; i < size; i++)
		p[i] = v + i;
	for (i = 0; i < size; i++)
		if (p[i] != (u8)(v + i))
			return false;
	return true;
}

/* One object of each kind the context may allocate, each freed one way. */
static void churn_once(struct churn_cpu *cc, gfp_t gfp, bool may_sleep)
{
	size_t size = churn_size(&cc->seed);
	struct churn_obj *o;
	u8 *p, *q;

	p = kmalloc(size, gfp);
	if (p) {
		WARN_ON(!churn_touch(p, size, 1));
		q = krealloc(p, size + churn_size(&cc->seed), gfp);
		if (q) {
			WARN_ON(!churn_touch(q, size, 1));
			p = q;
		}
		kfree(p);
		atomic_long_inc(&churn_ops);
	}
	o = kmalloc(sizeof(*o) + size, gfp);
	if (o) {
		WARN_ON(!churn_touch(o->data, size, 2));
		kfree_rcu(o, rcu);
		atomic_long_inc(&churn_ops);
	}
	if (may_sleep) {
		p = kmem_cache_alloc(churn_cache, gfp);
		if (p) {
			WARN_ON(!churn_touch(p, CHURN_SIZE_MAX, 3));
			kmem_cache_free(churn_cache, p);
			atomic_long_inc(&churn_ops);
		}
	}
}

static int churn_thread(void *data)
{
	struct churn_cpu *cc = data;

	while (!kthread_should_stop()) {
		churn_once(cc, GFP_KERNEL, true);
		cond_resched();
	}
	return 0;
}

static void churn_timer_fn(struct timer_list *t)
{
	struct churn_cpu *cc = from_timer(cc, t, timer);

	if (!READ_ONCE(churning))
		return;
	churn_once(cc, GFP_ATOMIC, false);
	mod_timer(t, jiffies + 1);
}

static enum hrtimer_restart churn_hrtimer_fn(struct hrtimer *h)
{
	struct churn_cpu *cc = container_of(h, struct churn_cpu, hrtimer);

	if (!READ_ONCE(churning))
		return HRTIMER_NORESTART;
	churn_once(cc, GFP_ATOMIC, false);
	hrtimer_forward_now(h, ns_to_ktime(2 * NSEC_PER_MSEC));
	return HRTIMER_RESTART;
}

static void churn_hrtimer_start(void *unused)
{
	hrtimer_start(&this_cpu_ptr(&churn_cpus)->hrtimer, ns_to_ktime(2 * NSEC_PER_MSEC),
		      HRTIMER_MODE_REL_PINNED_HARD);
}

/* Under stress_lock. */
static void churn_stop(void)
{
	int cpu;

	lockdep_assert_held(&stress_lock);
	WRITE_ONCE(churning, false);
	for_each_possible_cpu(cpu) {
		struct churn_cpu *cc = per_cpu_ptr(&churn_cpus, cpu);

		if (cc->thread) {
			kthread_stop(cc->thread);
			cc->thread = NULL;
		}
		del_timer_sync(&cc->timer);
		hrtimer_cancel(&cc->hrtimer);
	}
	rcu_barrier();	/* the kfree_rcu() objects are freed */
}

/* Under stress_lock. */
static int churn_start(void)
{
	int cpu, ret = 0;

	lockdep_assert_held(&stress_lock);
	if (READ_ONCE(churning))
		return 0;
	cpus_read_lock();
	WRITE_ONCE(churning, true);
	for_each_online_cpu(cpu) {
		struct churn_cpu *cc = per_cpu_ptr(&churn_cpus, cpu);
		struct task_struct *t;

		cc->seed = cpu + 1;
		t = kthread_create_on_cpu(churn_thread, cc, cpu, "memsan_churn/%u");
		if (IS_ERR(t)) {
			ret = PTR_ERR(t);
			break;
		}
		cc->thread = t;
		wake_up_process(t);
		cc->timer.expires = jiffies + 1;
		add_timer_on(&cc->timer, cpu);
	}
	if (!ret)
		on_each_cpu(churn_hrtimer_start, NULL, 1);
	cpus_read_unlock();
	if (ret)
		churn_stop();
	return ret;
}

static ssize_t churn_write(struct file *file, const char __user *ubuf, size_t len,
			   loff_t *ppos)
{
	bool on;
	int ret = kstrtobool_from_user(ubuf, len, &on);

	if (ret)
		return ret;
	mutex_lock(&stress_lock);
	if (on)
		ret = churn_start();
	else
		churn_stop();
	mutex_unlock(&stress_lock);
	return ret ? ret : len;
}

static const struct file_operations churn_fops = {
	.owner = THIS_MODULE,
	.write = churn_write,
	.llseek = noop_llseek,
};

static int churn_ops_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%ld\n", atomic_long_read(&churn_ops));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(churn_ops);

static int __init stress_init(void)
{
	int cpu, i;

	if (!hrtimer_us)
		return -EINVAL;
	for (i = 0; i < STRESS_SITES; i++) {
		size_t size = STRESS_OBJ_SIZE;

		OPTIMIZER_HIDE_VAR(size);
		objs[i] = kmalloc(size, GFP_KERNEL);
		if (!objs[i])
			goto nomem;
	}
	for_each_possible_cpu(cpu) {
		struct stress_cpu *sc = per_cpu_ptr(&stress_cpus, cpu);

		timer_setup(&sc->timer, stress_timer_fn, TIMER_PINNED);
		hrtimer_init(&sc->hrtimer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED_HARD);
		sc->hrtimer.function = stress_hrtimer_fn;
	}
	for_each_possible_cpu(cpu) {
		struct churn_cpu *cc = per_cpu_ptr(&churn_cpus, cpu);

		timer_setup(&cc->timer, churn_timer_fn, TIMER_PINNED);
		hrtimer_init(&cc->hrtimer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED_HARD);
		cc->hrtimer.function = churn_hrtimer_fn;
	}
	churn_cache = kmem_cache_create("memsan_stress_churn", CHURN_SIZE_MAX, 0, 0, NULL);
	if (!churn_cache)
		goto nomem;
	hrtimer_init(&lock_hrtimer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_PINNED_HARD);
	lock_hrtimer.function = lock_hrtimer_fn;
	stress_dir = debugfs_create_dir("memsan_stress", NULL);
	debugfs_create_file("run", 0200, stress_dir, NULL, &run_fops);
	debugfs_create_file("committed", 0400, stress_dir, NULL, &committed_fops);
	debugfs_create_file("fill", 0200, stress_dir, NULL, &fill_fops);
	debugfs_create_file("tasklock", 0200, stress_dir, NULL, &tasklock_fops);
	debugfs_create_file("churn", 0200, stress_dir, NULL, &churn_fops);
	debugfs_create_file("churn_ops", 0400, stress_dir, NULL, &churn_ops_fops);
	return 0;
nomem:
	while (i--)
		kfree(objs[i]);
	return -ENOMEM;
}

static void __exit stress_exit(void)
{
	int i;

	debugfs_remove_recursive(stress_dir);
	mutex_lock(&stress_lock);
	storm_stop();
	churn_stop();
	mutex_unlock(&stress_lock);
	kmem_cache_destroy(churn_cache);
	for (i = 0; i < STRESS_SITES; i++)
		kfree(objs[i]);
}

module_init(stress_init);
module_exit(stress_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("memsan stress suite: report storms from every context");
