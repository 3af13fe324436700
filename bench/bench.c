// SPDX-License-Identifier: GPL-2.0
/*
 * memsan benchmark workload, built twice from this one source:
 * bench_inst.ko (instrumented with memsan.mk) and bench_plain.ko (not).
 * The module's name (KBUILD_MODNAME) names its debugfs directory:
 *
 *   echo "CMD N" > /sys/kernel/debug/<module>/run   runs CMD N times
 *   cat /sys/kernel/debug/<module>/run              elapsed ns of the last run
 *
 * Commands:
 *   workload N       N packets through a driver-like path: kmem_cache entry,
 *                    memcpy of the packet, header parsing, strscpy of a name,
 *                    hash table insert/lookup, eviction of old entries
 *   check1|check2|check4|check8|check16|checkN N
 *                    N rounds of 8 loads and 8 stores of that size (N: 12
 *                    bytes) over a 4 KiB kmalloc'd buffer
 *   callfloor N      check8's loop with an empty call before each access
 *   alloc16|alloc128|alloc1024|alloccache N   N allocation/free pairs
 *   hold N SIZE      allocate and keep N objects of SIZE bytes
 *   release 0        free the held objects
 *   churn N SIZE     N allocation/free pairs of SIZE bytes (quarantine fill)
 *   allocpar N CPUS  N kmalloc/kfree pairs of 128 bytes on each of the first
 *                    CPUS online CPUs at once (one bound kthread per CPU,
 *                    started together; elapsed: until the last one is done)
 *   pages P          hold P page-sized kmalloc'd buffers (0: free them)
 *   scale N          N rounds of 8 loads + 8 stores spread round-robin over
 *                    the held buffers
 */
#include <linux/module.h>
#include <linux/debugfs.h>
#include <linux/slab.h>
#include <linux/ktime.h>
#include <linux/hashtable.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/mutex.h>
#include <linux/kthread.h>
#include <linux/completion.h>
#include <linux/wait.h>
#include <linux/cpumask.h>
#include <linux/sched/task.h>

#define BENCH_BUF_SIZE	4096
#define BENCH_PKT_SIZE	256
#define BENCH_TABLE_MAX	256

struct bench_entry {
	struct hlist_node node;
	struct list_head lru;
	u32 key;
	u16 proto;
	u16 len;
	char name[16];
	u8 *payload;
};

struct bench_pkt_hdr {
	__be32 key;
	__be16 proto;
	__be16 len;
	char name[24];
};

struct bench_n {		/* 12 bytes: an __asan_loadN/storeN access */
	u32 a, b, c;
};

struct bench_16 {
	u64 a, b;
};

static DEFINE_MUTEX(bench_lock);
static struct dentry *bench_dir;
static struct kmem_cache *bench_cache;
static u64 bench_last_ns;
static void **bench_held;
static unsigned long bench_nheld;
static u64 bench_sink;		/* keeps the lookups live */

/* === workload === */

static DEFINE_HASHTABLE(bench_table, 6);

static u32 bench_rand(u32 *state)
{
	*state = *state * 1664525 + 1013904223;
	return *state;
}

static noinline int bench_workload(unsigned long n)
{
	struct bench_pkt_hdr *hdr;
	struct bench_entry *e, *old;
	struct hlist_node *tmp;
	LIST_HEAD(lru);
	unsigned long i, count = 0;
	u8 *pkt;
	u32 seed = 1, key;
	int bkt;

	pkt = kmalloc(BENCH_PKT_SIZE, GFP_KERNEL);
	if (!pkt)
		return -ENOMEM;
	hdr = (struct bench_pkt_hdr *)pkt;
	for (i = 0; i < n; i++) {
		/* "receive" a packet */
		key = bench_rand(&seed) & 1023;
		hdr->key = cpu_to_be32(key);
		hdr->proto = cpu_to_be16(key & 7);
		hdr->len = cpu_to_be16(64 + (key & 127));
		snprintf(hdr->name, sizeof(hdr->name), "flow%u", key);
		memset(pkt + sizeof(*hdr), key & 0xff, BENCH_PKT_SIZE - sizeof(*hdr));

		/* parse and store it */
		e = kmem_cache_alloc(bench_cache, GFP_KERNEL);
		if (!e)
			break;
		e->payload = kmalloc(be16_to_cpu(hdr->len), GFP_KERNEL);
		if (!e->payload) {
			kmem_cache_free(bench_cache, e);
			break;
		}
		e->key = be32_to_cpu(hdr->key);
		e->proto = be16_to_cpu(hdr->proto);
		e->len = be16_to_cpu(hdr->len);
		strscpy(e->name, hdr->name, sizeof(e->name));
		memcpy(e->payload, pkt + sizeof(*hdr), e->len);
		hash_add(bench_table, &e->node, e->key);
		list_add_tail(&e->lru, &lru);
		count++;

		/* look a flow up: walk its bucket */
		key = bench_rand(&seed) & 1023;
		hash_for_each_possible(bench_table, old, node, key) {
			if (old->key == key && !strcmp(old->name, hdr->name))
				WRITE_ONCE(bench_sink, bench_sink + old->payload[old->len - 1]);
		}

		/* evict the oldest */
		if (count > BENCH_TABLE_MAX) {
			old = list_first_entry(&lru, struct bench_entry, lru);
			list_del(&old->lru);
			hash_del(&old->node);
			kfree(old->payload);
			kmem_cache_free(bench_cache, old);
			count--;
		}
	}
	hash_for_each_safe(bench_table, bkt, tmp, e, node) {
		hash_del(&e->node);
		kfree(e->payload);
		kmem_cache_free(bench_cache, e);
	}
	kfree(pkt);
	return 0;
}

/* === checks === */

/*
 * 8 loads and 8 stores of sizeof(type) per round: volatile so that gcc keeps
 * every one, and struct copies memory to memory so that they stay one access
 * of the struct's size (__asan_load16, __asan_loadN).
 */
#define BENCH_COPY(b, d, s)	((b)[d] = (b)[s])
/* 16 distinct addresses: gcc checks an address once per basic block */
#define BENCH_ROUND(b, j) do {						\
	BENCH_COPY(b, (j) + 8, (j));					\
	BENCH_COPY(b, (j) + 9, (j) + 1);				\
	BENCH_COPY(b, (j) + 10, (j) + 2);				\
	BENCH_COPY(b, (j) + 11, (j) + 3);				\
	BENCH_COPY(b, (j) + 12, (j) + 4);				\
	BENCH_COPY(b, (j) + 13, (j) + 5);				\
	BENCH_COPY(b, (j) + 14, (j) + 6);				\
	BENCH_COPY(b, (j) + 15, (j) + 7);				\
} while (0)
#define BENCH_CHECK(fn, type)						\
static noinline int fn(unsigned long n)					\
{									\
	volatile type *buf;						\
	unsigned long i, j;						\
									\
	BUILD_BUG_ON(256 * sizeof(type) > BENCH_BUF_SIZE);		\
	buf = kzalloc(BENCH_BUF_SIZE, GFP_KERNEL);			\
	if (!buf)							\
		return -ENOMEM;						\
	for (i = 0; i < n; i++) {					\
		j = (i & 15) * 16;					\
		BENCH_ROUND(buf, j);					\
	}								\
	kfree((void *)buf);						\
	return 0;							\
}

/*
 * A control for the check figures: bench_check8's loop with an empty
 * out-of-line call before each access, the call a check costs before it
 * does any work.  Only meaningful in bench_plain.
 */
static noinline void bench_nop(volatile void *addr)
{
	asm volatile("" : : "r" (addr) : "memory");
}

#define BENCH_COPY_CALL(b, d, s) do {					\
	bench_nop(&(b)[s]);						\
	bench_nop(&(b)[d]);						\
	(b)[d] = (b)[s];						\
} while (0)

static noinline int bench_callfloor(unsigned long n)
{
	volatile u64 *buf;
	unsigned long i, j;

	buf = kzalloc(BENCH_BUF_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		j = (i & 15) * 16;
		BENCH_COPY_CALL(buf, j + 8, j);
		BENCH_COPY_CALL(buf, j + 9, j + 1);
		BENCH_COPY_CALL(buf, j + 10, j + 2);
		BENCH_COPY_CALL(buf, j + 11, j + 3);
		BENCH_COPY_CALL(buf, j + 12, j + 4);
		BENCH_COPY_CALL(buf, j + 13, j + 5);
		BENCH_COPY_CALL(buf, j + 14, j + 6);
		BENCH_COPY_CALL(buf, j + 15, j + 7);
	}
	kfree((void *)buf);
	return 0;
}

BENCH_CHECK(bench_check1, u8)
BENCH_CHECK(bench_check2, u16)
BENCH_CHECK(bench_check4, u32)
BENCH_CHECK(bench_check8, u64)
BENCH_CHECK(bench_check16, struct bench_16)
BENCH_CHECK(bench_checkN, struct bench_n)

/* === scaling: checks over many tracked pages === */

/*
 * The buffers "pages" holds: PAGE_SIZE less room for memsan's redzone (16
 * bytes by default), so that each takes one page-sized kmalloc slot in both
 * builds and bench_inst's buffers spread over as many pages as bench_plain's
 * (a 4096-byte request grows into a kmalloc-8k slot under memsan).
 */
#define BENCH_PAGE_OBJ_SIZE	(PAGE_SIZE - 64)
#define BENCH_PAGES_MAX		(1UL << 20)

static void **bench_pages;
static unsigned long bench_npages;

static void bench_pages_free(void)
{
	unsigned long p;

	for (p = 0; p < bench_npages; p++) {
		kfree(bench_pages[p]);
		if (!(p & 1023))
			cond_resched();
	}
	vfree(bench_pages);
	bench_pages = NULL;
	bench_npages = 0;
}

static noinline int bench_pages_hold(unsigned long pages)
{
	void *buf;

	bench_pages_free();
	if (!pages)
		return 0;
	if (pages > BENCH_PAGES_MAX)
		return -EINVAL;
	bench_pages = vzalloc(array_size(pages, sizeof(*bench_pages)));
	if (!bench_pages)
		return -ENOMEM;
	while (bench_npages < pages) {
		buf = kzalloc(BENCH_PAGE_OBJ_SIZE, GFP_KERNEL | __GFP_NOWARN);
		if (!buf) {
			bench_pages_free();
			return -ENOMEM;
		}
		bench_pages[bench_npages++] = buf;
		if (!(bench_npages & 1023))
			cond_resched();
	}
	return 0;
}

static noinline int bench_scale(unsigned long n)
{
	u64 **bufs = (u64 **)bench_pages;
	unsigned long pages = bench_npages;
	unsigned long i, p, j;

	if (!pages)
		return -EINVAL;
	for (i = 0, p = 0; i < n; i++) {
		volatile u64 *buf = bufs[p];

		j = (i & 15) * 16;
		BENCH_ROUND(buf, j);
		if (++p == pages)
			p = 0;
	}
	return 0;
}

/* === allocations === */

static noinline int bench_alloc(unsigned long n, size_t size)
{
	unsigned long i;
	void *p;

	for (i = 0; i < n; i++) {
		p = size ? kmalloc(size, GFP_KERNEL) :
			   kmem_cache_alloc(bench_cache, GFP_KERNEL);
		if (!p)
			return -ENOMEM;
		if (size)
			kfree(p);
		else
			kmem_cache_free(bench_cache, p);
	}
	return 0;
}

static void bench_release(void)
{
	unsigned long i;

	for (i = 0; i < bench_nheld; i++)
		kfree(bench_held[i]);
	vfree(bench_held);
	bench_held = NULL;
	bench_nheld = 0;
}

static int bench_hold(unsigned long n, size_t size)
{
	bench_release();
	bench_held = vzalloc(n * sizeof(*bench_held));
	if (!bench_held)
		return -ENOMEM;
	for (bench_nheld = 0; bench_nheld < n; bench_nheld++) {
		bench_held[bench_nheld] = kmalloc(size, GFP_KERNEL);
		if (!bench_held[bench_nheld])
			return -ENOMEM;
	}
	return 0;
}

/* === allocation throughput on several CPUs === */

#define BENCH_CPUS_MAX		8
#define BENCH_PAR_SIZE		128

struct bench_par {
	wait_queue_head_t wq;
	struct completion go;
	atomic_t ready;		/* threads waiting for go */
	atomic_t left;		/* threads not done yet */
	unsigned long n;
	int ret;
};

static int bench_par_thread(void *data)
{
	struct bench_par *par = data;
	unsigned long done, chunk;
	int ret = 0;

	atomic_inc(&par->ready);
	wake_up(&par->wq);
	wait_for_completion(&par->go);
	/* a scheduling point now and then: a slow run must not look locked up */
	for (done = 0; done < par->n && !ret; done += chunk) {
		chunk = min(par->n - done, 1024UL);
		ret = bench_alloc(chunk, BENCH_PAR_SIZE);
		cond_resched();
	}
	if (ret)
		WRITE_ONCE(par->ret, ret);
	if (atomic_dec_and_test(&par->left))
		wake_up(&par->wq);
	return 0;
}

/*
 * n pairs on each of the first @cpus online CPUs, one thread bound to each,
 * all released at once: the elapsed time runs from the release until the
 * last thread is done.  The threads may exit before kthread_stop(): their
 * task_structs are pinned until then.
 */
static noinline int bench_alloc_par(unsigned long n, unsigned long cpus)
{
	struct task_struct *tasks[BENCH_CPUS_MAX];
	struct task_struct *t;
	struct bench_par par;
	unsigned int cpu, i, nr = 0;
	u64 start;
	int ret = 0;

	if (!cpus || cpus > BENCH_CPUS_MAX || cpus > num_online_cpus())
		return -EINVAL;
	init_waitqueue_head(&par.wq);
	init_completion(&par.go);
	atomic_set(&par.ready, 0);
	par.n = n;
	par.ret = 0;
	for_each_online_cpu(cpu) {
		if (nr == cpus)
			break;
		t = kthread_create_on_cpu(bench_par_thread, &par, cpu, "bench_alloc/%u");
		if (IS_ERR(t)) {
			ret = PTR_ERR(t);
			break;
		}
		get_task_struct(t);
		tasks[nr++] = t;
	}
	atomic_set(&par.left, nr);
	if (!ret && nr < cpus)
		ret = -EINVAL;
	if (!ret) {
		for (i = 0; i < nr; i++)
			wake_up_process(tasks[i]);
		wait_event(par.wq, atomic_read(&par.ready) == nr);
		start = ktime_get_ns();
		complete_all(&par.go);
		wait_event(par.wq, !atomic_read(&par.left));
		bench_last_ns = ktime_get_ns() - start;
		ret = par.ret;
	}
	/* a thread never woken exits without running bench_par_thread() */
	for (i = 0; i < nr; i++) {
		kthread_stop(tasks[i]);
		put_task_struct(tasks[i]);
	}
	return ret;
}

/* === debugfs === */

static int bench_run(const char *cmd, unsigned long n, unsigned long arg)
{
	u64 start = ktime_get_ns();
	int ret;

	if (!strcmp(cmd, "workload"))
		ret = bench_workload(n);
	else if (!strcmp(cmd, "check1"))
		ret = bench_check1(n);
	else if (!strcmp(cmd, "check2"))
		ret = bench_check2(n);
	else if (!strcmp(cmd, "check4"))
		ret = bench_check4(n);
	else if (!strcmp(cmd, "check8"))
		ret = bench_check8(n);
	else if (!strcmp(cmd, "check16"))
		ret = bench_check16(n);
	else if (!strcmp(cmd, "checkN"))
		ret = bench_checkN(n);
	else if (!strcmp(cmd, "callfloor"))
		ret = bench_callfloor(n);
	else if (!strcmp(cmd, "alloc16"))
		ret = bench_alloc(n, 16);
	else if (!strcmp(cmd, "alloc128"))
		ret = bench_alloc(n, 128);
	else if (!strcmp(cmd, "alloc1024"))
		ret = bench_alloc(n, 1024);
	else if (!strcmp(cmd, "alloccache"))
		ret = bench_alloc(n, 0);
	else if (!strcmp(cmd, "churn"))
		ret = arg ? bench_alloc(n, arg) : -EINVAL;
	else if (!strcmp(cmd, "hold"))
		ret = arg ? bench_hold(n, arg) : -EINVAL;
	else if (!strcmp(cmd, "release"))
		ret = (bench_release(), 0);
	else if (!strcmp(cmd, "allocpar"))
		return bench_alloc_par(n, arg);	/* times itself */
	else if (!strcmp(cmd, "pages"))
		ret = bench_pages_hold(n);
	else if (!strcmp(cmd, "scale"))
		ret = bench_scale(n);
	else
		return -EINVAL;
	bench_last_ns = ktime_get_ns() - start;
	return ret;
}

static ssize_t run_write(struct file *file, const char __user *ubuf,
			 size_t len, loff_t *ppos)
{
	char buf[64], cmd[16];
	unsigned long n = 0, arg = 0;
	int ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (sscanf(buf, "%15s %lu %lu", cmd, &n, &arg) < 2)
		return -EINVAL;
	mutex_lock(&bench_lock);
	ret = bench_run(cmd, n, arg);
	mutex_unlock(&bench_lock);
	return ret ? ret : len;
}

static ssize_t run_read(struct file *file, char __user *ubuf, size_t len,
			loff_t *ppos)
{
	char buf[32];
	int n = scnprintf(buf, sizeof(buf), "%llu\n", bench_last_ns);

	return simple_read_from_buffer(ubuf, len, ppos, buf, n);
}

static const struct file_operations run_fops = {
	.owner = THIS_MODULE,
	.read = run_read,
	.write = run_write,
	.llseek = default_llseek,
};

static int __init bench_init(void)
{
	bench_cache = kmem_cache_create(KBUILD_MODNAME "_entry",
					sizeof(struct bench_entry), 0, 0, NULL);
	if (!bench_cache)
		return -ENOMEM;
	bench_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("run", 0600, bench_dir, NULL, &run_fops);
	return 0;
}

static void __exit bench_exit(void)
{
	debugfs_remove_recursive(bench_dir);
	bench_release();
	bench_pages_free();
	kmem_cache_destroy(bench_cache);
}

module_init(bench_init);
module_exit(bench_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("memsan benchmark workload");
