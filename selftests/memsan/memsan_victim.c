// SPDX-License-Identifier: GPL-2.0
/*
 * memsan_victim: a module with known heap bugs, built with memsan's
 * instrumentation, for the memsan selftests.
 *
 * Each case is one noinline function named victim_<case> that does one thing:
 * a single bad access or bad free (the "bad" cases), or only valid accesses
 * (the "clean" cases).  The runner, memsan_test, writes a case name to
 * /sys/kernel/debug/memsan_victim/run and checks the reports memsan made;
 * /sys/kernel/debug/memsan_victim/cases lists the case names.
 *
 * The sizes, offsets and widths below are what memsan_test's table expects:
 * change them together.  Slot sizes in comments are x86_64's kmalloc caches
 * (arm64 6.1 has no kmalloc cache below 128 bytes: every object there has
 * more slack, which only makes the out-of-bounds accesses safer).
 *
 * Every out-of-bounds access stays inside the slab slot of the object (in
 * its slack), so the access itself corrupts nothing when memsan reports it
 * and lets it proceed.  Bad frees assume memsan's behaviour: it reports a
 * double or invalid free and does not pass it on to the slab allocator.
 * Freed objects sit in memsan's quarantine, so the use-after-free writes
 * land in memory nobody else owns; they stay clear of SLUB's free pointer
 * (kept in the middle of a freed object) all the same.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/log2.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/hrtimer.h>
#include <linux/kfence.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

/* Object size of the module's own cache; kmem_cache cases use it. */
#define VICTIM_CACHE_SIZE	20

/*
 * kfree_rcu() batches objects per CPU and frees a batch KFREE_DRAIN_JIFFIES
 * (5 s in 6.1, kernel/rcu/tree.c) after the first object was queued, plus a
 * grace period and a workqueue hop.  rcu_barrier() does not wait for those
 * batches in 6.1, so uaf_kfree_rcu sleeps past the drain delay.
 */
#define VICTIM_KFREE_RCU_WAIT_MS	7000

static struct kmem_cache *victim_cache;
static struct dentry *victim_dir;
static DEFINE_MUTEX(victim_lock);

/*
 * victim_size() - @n, hidden from the compiler.
 *
 * kmalloc() of a size the compiler cannot see goes through __kmalloc()
 * instead of kmalloc_trace() with a compile-time cache, and the compiler can
 * neither warn about nor fold the out-of-bounds accesses that follow.
 */
static __always_inline size_t victim_size(size_t n)
{
	OPTIMIZER_HIDE_VAR(n);
	return n;
}

/* 16 bytes, 16-aligned: gcc checks a copy of it with __asan_{load,store}16. */
struct victim_16 {
	u64 w[2];
} __aligned(16);

/* 13 bytes: gcc checks a copy of it with __asan_{load,store}N. */
struct victim_13 {
	u8 b[13];
};

/* === Out-of-bounds reads right after a kmalloc() object === */

/*
 * Each oob_right_1_size<W> case allocates S bytes with a runtime size
 * (__kmalloc) and does one aligned read of width W that starts at offset S,
 * i.e. the first byte after the object: "located 0 bytes to the right of
 * S-byte region".  S is chosen so that the access ends inside the slot.
 */

/* S = 13 (kmalloc-16): 1-byte read of [13, 14). */
static noinline int victim_oob_right_1_size1(void)
{
	size_t size = victim_size(13);
	u8 *p = kmalloc(size, GFP_KERNEL);
	u8 v;

	if (!p)
		return -ENOMEM;
	OPTIMIZER_HIDE_VAR(p);
	v = READ_ONCE(p[size]);
	barrier_data(&v);
	kfree(p);
	return 0;
}

/* S = 6 (kmalloc-8): 2-byte read of [6, 8). */
static noinline int victim_oob_right_1_size2(void)
{
	size_t size = victim_size(6);
	u8 *p = kmalloc(size, GFP_KERNEL);
	u16 v;

	if (!p)
		return -ENOMEM;
	OPTIMIZER_HIDE_VAR(p);
	v = READ_ONCE(*(u16 *)(p + size));
	barrier_data(&v);
	kfree(p);
	return 0;
}

/* S = 20 (kmalloc-32): 4-byte read of [20, 24). */
static noinline int victim_oob_right_1_size4(void)
{
	size_t size = victim_size(20);
	u8 *p = kmalloc(size, GFP_KERNEL);
	u32 v;

	if (!p)
		return -ENOMEM;
	OPTIMIZER_HIDE_VAR(p);
	v = READ_ONCE(*(u32 *)(p + size));
	barrier_data(&v);
	kfree(p);
	return 0;
}

/* S = 40 (kmalloc-64): 8-byte read of [40, 48). */
static noinline int victim_oob_right_1_size8(void)
{
	size_t size = victim_size(40);
	u8 *p = kmalloc(size, GFP_KERNEL);
	u64 v;

	if (!p)
		return -ENOMEM;
	OPTIMIZER_HIDE_VAR(p);
	v = READ_ONCE(*(u64 *)(p + size));
	barrier_data(&v);
	kfree(p);
	return 0;
}

/*
 * S = 48 (kmalloc-64, 64-byte aligned): 16-byte read of [48, 64), one
 * struct copy that gcc checks with __asan_load16_noabort (the CPU does it as
 * two 8-byte loads).
 */
static noinline int victim_oob_right_1_size16(void)
{
	size_t size = victim_size(48);
	u8 *p = kmalloc(size, GFP_KERNEL);
	struct victim_16 v;

	if (!p)
		return -ENOMEM;
	OPTIMIZER_HIDE_VAR(p);
	v = *(struct victim_16 *)(p + size);
	barrier_data(&v);
	kfree(p);
	return 0;
}

/*
 * S = 19 (kmalloc-32): 13-byte read of [19, 32), one struct copy that gcc
 * checks with __asan_loadN_noabort(addr, 13).
 */
static noinline int victim_oob_right_1_size13(void)
{
	size_t size = victim_size(19);
	u8 *p = kmalloc(size, GFP_KERNEL);
	struct victim_13 v;

	if (!p)
		return -ENOMEM;
	OPTIMIZER_HIDE_VAR(p);
	v = *(struct victim_13 *)(p + size);
	barrier_data(&v);
	kfree(p);
	return 0;
}

/* === Out-of-bounds through the slack and in a kmem_cache === */

/*
 * kmalloc(13) with a constant size: kmalloc_trace() into kmalloc-16.  The
 * 3 bytes of slack are a redzone: a 1-byte write at offset 13.
 */
static noinline int victim_oob_slack_kmalloc13(void)
{
	u8 *p = kmalloc(13, GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	OPTIMIZER_HIDE_VAR(p);
	WRITE_ONCE(p[13], 0x5a);
	kfree(p);
	return 0;
}

/* Own cache, object size 20: 1-byte read at offset 20. */
static noinline int victim_oob_kmem_cache(void)
{
	u8 *p = kmem_cache_alloc(victim_cache, GFP_KERNEL);
	u8 v;

	if (!p)
		return -ENOMEM;
	OPTIMIZER_HIDE_VAR(p);
	v = READ_ONCE(p[VICTIM_CACHE_SIZE]);
	barrier_data(&v);
	kmem_cache_free(victim_cache, p);
	return 0;
}

/* === Use after free === */

/* kmalloc(40), kfree, 4-byte read at offset 8. */
static noinline int victim_uaf_read_kmalloc(void)
{
	u8 *p = kmalloc(victim_size(40), GFP_KERNEL);
	u32 v;

	if (!p)
		return -ENOMEM;
	memset(p, 0, 40);
	kfree(p);
	OPTIMIZER_HIDE_VAR(p);
	v = READ_ONCE(*(u32 *)(p + 8));
	barrier_data(&v);
	return 0;
}

/* kmalloc(40), kfree, 8-byte write at offset 0. */
static noinline int victim_uaf_write_kmalloc(void)
{
	u8 *p = kmalloc(victim_size(40), GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	kfree(p);
	OPTIMIZER_HIDE_VAR(p);
	WRITE_ONCE(*(u64 *)p, 0x5a5a5a5a5a5a5a5aULL);
	return 0;
}

/* Own cache, free, 1-byte read at offset 19 (the last byte). */
static noinline int victim_uaf_read_kmem_cache(void)
{
	u8 *p = kmem_cache_alloc(victim_cache, GFP_KERNEL);
	u8 v;

	if (!p)
		return -ENOMEM;
	kmem_cache_free(victim_cache, p);
	OPTIMIZER_HIDE_VAR(p);
	v = READ_ONCE(p[VICTIM_CACHE_SIZE - 1]);
	barrier_data(&v);
	return 0;
}

/* Own cache, free, 4-byte write at offset 0. */
static noinline int victim_uaf_write_kmem_cache(void)
{
	u8 *p = kmem_cache_alloc(victim_cache, GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	kmem_cache_free(victim_cache, p);
	OPTIMIZER_HIDE_VAR(p);
	WRITE_ONCE(*(u32 *)p, 0x5a5a5a5a);
	return 0;
}

/*
 * kvmalloc(192): a kmalloc-192 object that filled its slot before memsan
 * gave every kmalloc a redzone, freed by kvfree() (memsan's wrapper since
 * issue 10; uaf_kfree_rcu and uaf_kvfree_rcu_vmalloc test the hooks on the
 * kernel's own frees).  4-byte read at offset 0.
 */
static noinline int victim_uaf_kvfree_exact(void)
{
	u32 *p = kvmalloc(victim_size(192), GFP_KERNEL);
	u32 v;

	if (!p)
		return -ENOMEM;
	memset(p, 0x22, 192);
	kvfree(p);
	OPTIMIZER_HIDE_VAR(p);
	v = READ_ONCE(p[0]);
	barrier_data(&v);
	return 0;
}

/*
 * kmalloc(16), then krealloc() to 4096: the object cannot grow in place,
 * krealloc() copies it and frees the old one.  1-byte read at offset 0 of
 * the old object.
 */
static noinline int victim_uaf_krealloc_moved(void)
{
	u8 *p = kmalloc(16, GFP_KERNEL);
	u8 *q;
	u8 v;

	if (!p)
		return -ENOMEM;
	memset(p, 0x11, 16);
	q = krealloc(p, 4096, GFP_KERNEL);
	if (!q) {
		kfree(p);
		return -ENOMEM;
	}
	if (q == p) {
		/* Did not move: the case would test nothing. */
		kfree(q);
		return -EAGAIN;
	}
	OPTIMIZER_HIDE_VAR(p);
	v = READ_ONCE(p[0]);
	barrier_data(&v);
	kfree(q);
	return 0;
}

struct victim_rcu_obj {
	u64 value;
	struct rcu_head rcu;
};

/*
 * Once an object handed to kfree_rcu() (or a variant) has really been
 * freed, an 8-byte read of @value: its first field (offset 0).  Inlined:
 * the report names the case's function.
 */
static __always_inline void victim_read_after_rcu_free(u64 *value)
{
	u64 v;

	msleep(VICTIM_KFREE_RCU_WAIT_MS);
	rcu_barrier();
	msleep(500);
	OPTIMIZER_HIDE_VAR(value);
	v = READ_ONCE(*value);
	barrier_data(&v);
}

/* A 24-byte object freed with kfree_rcu(), then read (above). */
static noinline int victim_uaf_kfree_rcu(void)
{
	struct victim_rcu_obj *obj = kmalloc(sizeof(*obj), GFP_KERNEL);

	if (!obj)
		return -ENOMEM;
	obj->value = 42;
	kfree_rcu(obj, rcu);
	victim_read_after_rcu_free(&obj->value);
	return 0;
}

/*
 * The same bug in hard interrupt context: an hrtimer callback calls this
 * function again, which then allocates 24 bytes with GFP_ATOMIC, frees
 * them and reads 8 bytes at offset 0.  Checks, hooks, the quarantine and the
 * report all run in IRQ context, in whatever task the timer interrupted.
 */
/* A hard-IRQ timer calling @fn: hrtimer_setup() where memsan.mk's compile tests find it (6.13+). */
static void victim_hrtimer_setup(struct hrtimer *timer, enum hrtimer_restart (*fn)(struct hrtimer *))
{
#ifdef MEMSAN_HAVE_HRTIMER_SETUP
	hrtimer_setup(timer, fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
#else
	hrtimer_init(timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	timer->function = fn;
#endif
}

static struct hrtimer victim_irq_timer;
static DECLARE_COMPLETION(victim_irq_done);
static int victim_uaf_in_irq(void);

static enum hrtimer_restart victim_irq_timer_fn(struct hrtimer *timer)
{
	victim_uaf_in_irq();
	complete(&victim_irq_done);
	return HRTIMER_NORESTART;
}

static noinline int victim_uaf_in_irq(void)
{
	u64 *p, v;

	if (!in_hardirq()) {
		reinit_completion(&victim_irq_done);
		victim_hrtimer_setup(&victim_irq_timer, victim_irq_timer_fn);
		hrtimer_start(&victim_irq_timer, ms_to_ktime(1), HRTIMER_MODE_REL_HARD);
		wait_for_completion(&victim_irq_done);
		return 0;
	}
	p = kmalloc(victim_size(24), GFP_ATOMIC);
	if (!p)
		return -ENOMEM;
	kfree(p);
	OPTIMIZER_HIDE_VAR(p);
	v = READ_ONCE(p[0]);
	barrier_data(&v);
	return 0;
}

/* === Bad frees === */

/* kmalloc(32), kfree twice. */
static noinline int victim_double_free_kfree(void)
{
	u8 *p = kmalloc(victim_size(32), GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	kfree(p);
	OPTIMIZER_HIDE_VAR(p);
	kfree(p);
	return 0;
}

/* Own cache, kmem_cache_free twice. */
static noinline int victim_double_free_kmem_cache(void)
{
	u8 *p = kmem_cache_alloc(victim_cache, GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	kmem_cache_free(victim_cache, p);
	OPTIMIZER_HIDE_VAR(p);
	kmem_cache_free(victim_cache, p);
	return 0;
}

/* kmalloc(32), kfree(p + 1), then the valid kfree(p). */
static noinline int victim_invalid_free_interior(void)
{
	u8 *p = kmalloc(victim_size(32), GFP_KERNEL);
	u8 *inner;

	if (!p)
		return -ENOMEM;
	inner = p + 1;
	OPTIMIZER_HIDE_VAR(inner);
	kfree(inner);
	kfree(p);
	return 0;
}

/* === Overflows through the string functions === */

/* kmalloc(13), memset of 14 bytes from offset 0: "Write of size 14". */
static noinline int victim_memset_overflow(void)
{
	size_t size = victim_size(13);
	u8 *p = kmalloc(size, GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	OPTIMIZER_HIDE_VAR(p);
	memset(p, 0xab, size + 1);
	kfree(p);
	return 0;
}

/*
 * src = kmalloc(24), dst = kmalloc(25), memcpy of 25 bytes: the read of src
 * is "Read of size 25" from offset 0 of the 24-byte object; dst is valid.
 */
static noinline int victim_memcpy_overflow(void)
{
	size_t size = victim_size(24);
	u8 *src = kmalloc(size, GFP_KERNEL);
	u8 *dst = kmalloc(size + 1, GFP_KERNEL);

	if (!src || !dst) {
		kfree(src);
		kfree(dst);
		return -ENOMEM;
	}
	memset(src, 0x22, size);
	OPTIMIZER_HIDE_VAR(src);
	memcpy(dst, src, size + 1);
	kfree(dst);
	kfree(src);
	return 0;
}

/*
 * dst = kmalloc(20), strcpy of a 20-character string (21 bytes with the
 * NUL, held in a valid kmalloc(21) buffer): "Write of size 21" from offset
 * 0 of the 20-byte object.
 */
static noinline int victim_strcpy_overflow(void)
{
	size_t size = victim_size(20);
	char *src = kmalloc(size + 1, GFP_KERNEL);
	char *dst = kmalloc(size, GFP_KERNEL);

	if (!src || !dst) {
		kfree(src);
		kfree(dst);
		return -ENOMEM;
	}
	memset(src, 'x', size);
	src[size] = '\0';
	OPTIMIZER_HIDE_VAR(dst);
	strcpy(dst, src);
	kfree(dst);
	kfree(src);
	return 0;
}

/* === Clean cases: no report expected === */

/* Write then read every byte 0..S-1 of kmalloc(S), S = 1..64. */
static noinline int victim_clean_exact_size(void)
{
	size_t size, i;
	int ret = 0;

	for (size = 1; size <= 64 && !ret; size++) {
		u8 *p = kmalloc(victim_size(size), GFP_KERNEL);

		if (!p)
			return -ENOMEM;
		for (i = 0; i < size; i++)
			WRITE_ONCE(p[i], (u8)(i + size));
		for (i = 0; i < size; i++)
			if (READ_ONCE(p[i]) != (u8)(i + size))
				ret = -EIO;
		kfree(p);
	}
	return ret;
}

/* kmalloc(24) (kmalloc-32), krealloc to 30 in place, write byte 29. */
static noinline int victim_clean_krealloc_in_place(void)
{
	u8 *p = kmalloc(24, GFP_KERNEL);
	u8 *q;
	int ret = 0;
	size_t i;

	if (!p)
		return -ENOMEM;
	for (i = 0; i < 24; i++)
		WRITE_ONCE(p[i], (u8)i);
	q = krealloc(p, 30, GFP_KERNEL);
	if (!q) {
		kfree(p);
		return -ENOMEM;
	}
	if (q != p)
		pr_info("clean_krealloc_in_place: krealloc moved the object\n");
	OPTIMIZER_HIDE_VAR(q);
	WRITE_ONCE(q[29], 29);
	for (i = 0; i < 24; i++)
		if (READ_ONCE(q[i]) != (u8)i)
			ret = -EIO;
	if (READ_ONCE(q[29]) != 29)
		ret = -EIO;
	kfree(q);
	return ret;
}

/* Read every byte of an exact-size heap string or buffer. */
static int victim_check_bytes(const u8 *p, const u8 *expect, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (READ_ONCE(p[i]) != expect[i])
			return -EIO;
	return 0;
}

static noinline int victim_clean_kstrdup(void)
{
	static const char str[] = "memsan victim: kstrdup";
	char *s = kstrdup(str, GFP_KERNEL);
	int ret;

	if (!s)
		return -ENOMEM;
	ret = victim_check_bytes((u8 *)s, (const u8 *)str, sizeof(str));
	if (!ret && strlen(s) != sizeof(str) - 1)
		ret = -EIO;
	kfree(s);
	return ret;
}

static noinline int victim_clean_kmemdup(void)
{
	static const u8 buf[37] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 };
	u8 *p = kmemdup(buf, sizeof(buf), GFP_KERNEL);
	int ret;

	if (!p)
		return -ENOMEM;
	ret = victim_check_bytes(p, buf, sizeof(buf));
	kfree(p);
	return ret;
}

/*
 * memset, memcpy, memmove, strcpy, strncpy, strscpy and strlen, each ending
 * exactly at the last byte of a kmalloc(16) buffer.
 */
static noinline int victim_clean_string_ops_end(void)
{
	size_t size = victim_size(16);
	char *buf = kmalloc(size, GFP_KERNEL);
	char *src = kmalloc(2 * size, GFP_KERNEL);
	int ret = 0;

	if (!buf || !src) {
		kfree(buf);
		kfree(src);
		return -ENOMEM;
	}
	memset(src, 'a', 2 * size - 1);
	src[2 * size - 1] = '\0';

	memset(buf, 0, size);
	memcpy(buf, src, size);
	memmove(buf, buf + 1, size - 1);
	strncpy(buf, src, size);
	/* size - 1 characters and the NUL: the last byte. */
	src[size - 1] = '\0';
	strcpy(buf, src);
	if (strlen(buf) != size - 1)
		ret = -EIO;
	src[size - 1] = 'a';
	/* Truncates: size - 1 characters and the NUL. */
	if (strscpy(buf, src, size) != -E2BIG)
		ret = -EIO;
	if (strlen(buf) != size - 1)
		ret = -EIO;
	kfree(src);
	kfree(buf);
	return ret;
}

/* Write then read all @len bytes: 8 bytes at a time, then the tail. */
static int victim_touch_all(u8 *p, size_t len)
{
	size_t words = len / sizeof(u64);
	u64 *w = (u64 *)p;
	size_t i;

	for (i = 0; i < words; i++)
		WRITE_ONCE(w[i], i);
	for (i = words * sizeof(u64); i < len; i++)
		WRITE_ONCE(p[i], (u8)i);
	for (i = 0; i < words; i++)
		if (READ_ONCE(w[i]) != i)
			return -EIO;
	for (i = words * sizeof(u64); i < len; i++)
		if (READ_ONCE(p[i]) != (u8)i)
			return -EIO;
	return 0;
}

/*
 * kvmalloc() of 100 bytes (slab), of 3 pages + 5 bytes (kmalloc_large) and
 * of KMALLOC_MAX_SIZE + 8 bytes (too big for kmalloc: vmalloc).
 */
static noinline int victim_clean_kvmalloc(void)
{
	static const size_t sizes[] = {
		100, 3 * PAGE_SIZE + 5, KMALLOC_MAX_SIZE + 8,
	};
	size_t i;
	int ret = 0;

	for (i = 0; i < ARRAY_SIZE(sizes) && !ret; i++) {
		u8 *p = kvmalloc(victim_size(sizes[i]), GFP_KERNEL);

		if (!p)
			return -ENOMEM;
		ret = victim_touch_all(p, sizes[i]);
		kvfree(p);
	}
	return ret;
}

/* Own cache: alloc, write and read all 20 bytes, free. */
static noinline int victim_clean_kmem_cache(void)
{
	u8 *p = kmem_cache_alloc(victim_cache, GFP_KERNEL);
	int ret;

	if (!p)
		return -ENOMEM;
	ret = victim_touch_all(p, VICTIM_CACHE_SIZE);
	kmem_cache_free(victim_cache, p);
	return ret;
}

/*
 * Load for the detector, no bug: 4096 allocations of mixed sizes (kmalloc
 * slab and large, the own cache, krealloc), at most 64 live at a time,
 * first and last byte written and read back.
 */
#define VICTIM_CHURN_ALLOCS	4096
#define VICTIM_CHURN_LIVE	64

static noinline int victim_churn(void)
{
	static const size_t sizes[] = {
		1, 7, 8, 13, 16, 24, 33, 64, 96, 100, 128, 200, 256, 500,
		1024, 2000, 4096, 5000, 9000,
		0,	/* the own cache */
	};
	/* Static: too big for the stack; victim_lock serialises the cases. */
	static struct {
		u8 *p;
		size_t size;
		bool cache;
	} live[VICTIM_CHURN_LIVE];
	int ret = 0;
	size_t i;

	memset(live, 0, sizeof(live));
	for (i = 0; i < VICTIM_CHURN_ALLOCS + VICTIM_CHURN_LIVE; i++) {
		size_t slot = i % VICTIM_CHURN_LIVE;
		size_t size = sizes[i % ARRAY_SIZE(sizes)];
		u8 *p = live[slot].p;

		if (p) {
			size_t last = live[slot].size - 1;

			if (READ_ONCE(p[0]) != (u8)last ||
			    READ_ONCE(p[last]) != (u8)last)
				ret = -EIO;
			if (live[slot].cache)
				kmem_cache_free(victim_cache, p);
			else
				kfree(p);
			live[slot].p = NULL;
		}
		if (i >= VICTIM_CHURN_ALLOCS)
			continue;

		if (!size) {
			size = VICTIM_CACHE_SIZE;
			p = kmem_cache_alloc(victim_cache, GFP_KERNEL);
			live[slot].cache = true;
		} else {
			p = kmalloc(victim_size(size), GFP_KERNEL);
			live[slot].cache = false;
			if (p && i % 7 == 0) {
				u8 *q;

				/* Grow or shrink by a few bytes. */
				size = (i % 14) ? size + 3 : (size + 1) / 2;
				q = krealloc(p, size, GFP_KERNEL);
				if (q)
					p = q;
				else
					size = sizes[i % ARRAY_SIZE(sizes)];
			}
		}
		if (!p) {
			ret = -ENOMEM;
			continue;
		}
		WRITE_ONCE(p[0], (u8)(size - 1));
		WRITE_ONCE(p[size - 1], (u8)(size - 1));
		live[slot].p = p;
		live[slot].size = size;
	}
	return ret;
}

/* === Exact stacks: a varied workload for stack_cache=verify === */

/*
 * Allocations and frees reached by different call paths: two callers of
 * the same shape and depth through one leaf (the same memo key, other
 * stacks), recursion to varying depths with an allocation at each level,
 * the own cache, and hard interrupts.  No bug: run_tests.sh runs it with
 * stack_cache=verify and checks that no memoised stack differed from a
 * full unwind, and that memos were used at all.
 */
#define VICTIM_STACK_ROUNDS	48
#define VICTIM_STACK_DEPTH	6

static noinline void *victim_stack_leaf_alloc(size_t size)
{
	void *p = kmalloc(victim_size(size), GFP_KERNEL);

	OPTIMIZER_HIDE_VAR(p);
	return p;
}

static noinline void victim_stack_leaf_free(void *p)
{
	kfree(p);
	barrier();
}

static noinline int victim_stack_via_a(size_t size)
{
	u8 *p = victim_stack_leaf_alloc(size);

	if (!p)
		return -ENOMEM;
	WRITE_ONCE(p[0], 1);
	victim_stack_leaf_free(p);
	return 0;
}

static noinline int victim_stack_via_b(size_t size)
{
	u8 *p = victim_stack_leaf_alloc(size);

	if (!p)
		return -ENOMEM;
	WRITE_ONCE(p[0], 2);
	victim_stack_leaf_free(p);
	return 0;
}

/* An allocation at each level on the way down, freed on the way up. */
static noinline int victim_stack_recurse(int depth, size_t size)
{
	u8 *p = kmalloc(victim_size(size), GFP_KERNEL);
	int ret = 0;

	if (!p)
		return -ENOMEM;
	WRITE_ONCE(p[0], (u8)depth);
	if (depth > 0)
		ret = victim_stack_recurse(depth - 1, size + 8);
	if (READ_ONCE(p[0]) != (u8)depth)
		ret = -EIO;
	kfree(p);
	OPTIMIZER_HIDE_VAR(ret);
	return ret;
}

static struct hrtimer victim_stack_timer;
static DECLARE_COMPLETION(victim_stack_irq_done);
static int victim_stack_irq_ret;

static enum hrtimer_restart victim_stack_timer_fn(struct hrtimer *timer)
{
	int i;

	victim_stack_irq_ret = 0;
	for (i = 0; i < 4; i++) {
		u8 *p = kmalloc(victim_size(24 + i), GFP_ATOMIC);

		if (!p) {
			victim_stack_irq_ret = -ENOMEM;
			break;
		}
		kfree(p);
	}
	complete(&victim_stack_irq_done);
	return HRTIMER_NORESTART;
}

static int victim_stack_in_irq(void)
{
	reinit_completion(&victim_stack_irq_done);
	victim_hrtimer_setup(&victim_stack_timer, victim_stack_timer_fn);
	hrtimer_start(&victim_stack_timer, ms_to_ktime(1), HRTIMER_MODE_REL_HARD);
	wait_for_completion(&victim_stack_irq_done);
	return victim_stack_irq_ret;
}

static noinline int victim_stack_varied(void)
{
	int round, ret = 0;

	for (round = 0; round < VICTIM_STACK_ROUNDS && !ret; round++) {
		size_t size = 16 + 8 * (round % 5);
		u8 *c;

		ret = victim_stack_via_a(size);
		if (!ret)
			ret = victim_stack_via_b(size);
		if (!ret && round % 3)
			ret = victim_stack_via_a(size + 1);
		if (!ret)
			ret = victim_stack_recurse(round % VICTIM_STACK_DEPTH, size);
		if (!ret && round % 8 == 0)
			ret = victim_stack_in_irq();
		if (ret)
			break;
		c = kmem_cache_alloc(victim_cache, GFP_KERNEL);
		if (!c)
			return -ENOMEM;
		kmem_cache_free(victim_cache, c);
	}
	return ret;
}

/* === Globals: gcc's redzones after a module's static variables === */

/*
 * 13 bytes: gcc (asan-globals=1) places a redzone after it and registers it
 * from a constructor memsan runs at load.  Index 13 is the first byte past
 * the variable, in its redzone: the write corrupts nothing.
 */
static u8 victim_global13[13];

/* 1-byte read of victim_global13[13]: "victim_global13+0xd/0xd [memsan_victim]". */
static noinline int victim_global_oob_read(void)
{
	u8 v = READ_ONCE(victim_global13[victim_size(13)]);

	barrier_data(&v);
	return 0;
}

/* 1-byte write of victim_global13[13]. */
static noinline int victim_global_oob_write(void)
{
	WRITE_ONCE(victim_global13[victim_size(13)], 1);
	return 0;
}

/* Every byte of the variable, the last one included: nothing to report. */
static noinline int victim_clean_global(void)
{
	size_t i, n = victim_size(sizeof(victim_global13));
	u8 sum = 0;

	for (i = 0; i < n; i++)
		WRITE_ONCE(victim_global13[i], (u8)i);
	for (i = 0; i < n; i++)
		sum += READ_ONCE(victim_global13[i]);
	barrier_data(&sum);
	return sum == 78 ? 0 : -EIO;
}

/*
 * === Sizes, bad sizes, misuse, atomics and user copies (issue 10) ===
 */

/* "xxx%cyyy" of 0: 8 bytes with the NUL, a NUL at offset 3. */
static const char victim_nul_fmt_out[8] = "xxx\0yyy";

static __always_inline char *victim_kasprintf_nul(void)
{
	return kasprintf(GFP_KERNEL, "xxx%cyyy", '\0');
}

/* kasprintf() output with a NUL inside, compared in full (8 bytes). */
static noinline int victim_clean_kasprintf_nul(void)
{
	char *p = victim_kasprintf_nul();
	int ret;

	if (!p)
		return -ENOMEM;
	ret = memcmp(p, victim_nul_fmt_out, victim_size(8)) ? -EIO : 0;
	kfree(p);
	return ret;
}

/* The same object, memcmp() of 9 bytes: "Read of size 9" at offset 0 of 8. */
static noinline int victim_kasprintf_nul_overflow(void)
{
	static const char want[9] = "xxx\0yyy";
	char *p = victim_kasprintf_nul();
	int ret;

	if (!p)
		return -ENOMEM;
	ret = memcmp(p, want, victim_size(9));
	barrier_data(&ret);
	kfree(p);
	return 0;
}

/* kmemdup_nul() of 5 bytes with a NUL inside: 6 bytes, read in full. */
static noinline int victim_clean_kmemdup_nul(void)
{
	static const char src[6] = "ab\0cd";
	char *p = kmemdup_nul(src, victim_size(5), GFP_KERNEL);
	int ret;

	if (!p)
		return -ENOMEM;
	ret = memcmp(p, src, victim_size(6)) ? -EIO : 0;
	kfree(p);
	return ret;
}

/*
 * kmalloc(64), memmove() of (size_t)-2 bytes from offset 4, as KASAN's
 * kmalloc_memmove_negative_size: "out-of-bounds", "Read of size
 * 18446744073709551614" at offset 4.  memsan must not perform the move:
 * the kernel would not survive it.
 */
static noinline int victim_memmove_negative_size(void)
{
	u8 *p = kmalloc(victim_size(64), GFP_KERNEL);
	size_t len = victim_size((size_t)-2);

	if (!p)
		return -ENOMEM;
	memset(p, 0x33, 64);
	OPTIMIZER_HIDE_VAR(p);
	memmove(p, p + 4, len);
	kfree(p);
	return 0;
}

/*
 * dst = kmalloc(32), strncpy() of "abc" with a length of (size_t)-1:
 * "out-of-bounds", "Write of size 18446744073709551615" at offset 0; the
 * 32 bytes must be untouched.
 */
static noinline int victim_strncpy_huge_size(void)
{
	char *dst = kmalloc(victim_size(32), GFP_KERNEL);
	size_t len = victim_size((size_t)-1);
	int ret = 0;

	if (!dst)
		return -ENOMEM;
	memset(dst, 'z', 32);
	OPTIMIZER_HIDE_VAR(dst);
	strncpy(dst, "abc", len);
	if (dst[0] != 'z' || dst[31] != 'z')
		ret = -EIO;
	kfree(dst);
	return ret;
}

/*
 * kmalloc(24) filled with 0x11, memset() of 25 bytes: "Write of size 25"
 * at offset 0, and the memset is not performed: the 24 bytes keep 0x11.
 */
static noinline int victim_memset_overflow_skipped(void)
{
	u8 *p = kmalloc(victim_size(24), GFP_KERNEL);
	int ret = 0;
	size_t i;

	if (!p)
		return -ENOMEM;
	for (i = 0; i < 24; i++)
		WRITE_ONCE(p[i], 0x11);
	OPTIMIZER_HIDE_VAR(p);
	memset(p, 0x22, victim_size(25));
	for (i = 0; i < 24; i++)
		if (READ_ONCE(p[i]) != 0x11)
			ret = -EIO;
	kfree(p);
	return ret;
}

/*
 * kmalloc(40), kfree, krealloc() of the freed pointer: "use-after-free",
 * "Read of size 1" at offset 0, and krealloc() returns NULL without
 * touching the object (no double free after a copy).
 */
static noinline int victim_uaf_krealloc_freed(void)
{
	u8 *p = kmalloc(victim_size(40), GFP_KERNEL);
	u8 *q;

	if (!p)
		return -ENOMEM;
	kfree(p);
	OPTIMIZER_HIDE_VAR(p);
	q = krealloc(p, 80, GFP_KERNEL);
	kfree(q);	/* only if krealloc() did something: NULL expected */
	return q ? -EIO : 0;
}

/* kmalloc(40), kfree, ksize(): "use-after-free", "Read of size 1", 0 back. */
static noinline int victim_uaf_ksize_freed(void)
{
	u8 *p = kmalloc(victim_size(40), GFP_KERNEL);
	size_t n;

	if (!p)
		return -ENOMEM;
	kfree(p);
	OPTIMIZER_HIDE_VAR(p);
	n = ksize(p);
	return n ? -EIO : 0;
}

/*
 * Atomics and bit operations: instrumented.h's checks reach memsan.  Sizes:
 * atomic_t is 4 bytes, a bitmap word sizeof(long) (8 on 64-bit).
 */

/* kmalloc(20), atomic_inc() of an atomic_t at offset 20: Write of size 4. */
static noinline int victim_atomic_inc_oob(void)
{
	u8 *p = kmalloc(victim_size(20), GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	OPTIMIZER_HIDE_VAR(p);
	atomic_inc((atomic_t *)(p + 20));
	kfree(p);
	return 0;
}

/* kmalloc(40), kfree, atomic_inc() at offset 0: use-after-free, Write of size 4. */
static noinline int victim_atomic_inc_uaf(void)
{
	u8 *p = kmalloc(victim_size(40), GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	kfree(p);
	OPTIMIZER_HIDE_VAR(p);
	atomic_inc((atomic_t *)p);
	return 0;
}

/* kmalloc(24), set_bit() of a bit of word 3 (offset 24): Write of size 8. */
static noinline int victim_set_bit_oob(void)
{
	unsigned long *p = kmalloc(victim_size(24), GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	OPTIMIZER_HIDE_VAR(p);
	set_bit(3 * BITS_PER_LONG + 1, p);
	kfree(p);
	return 0;
}

/* kmalloc(32), kfree, set_bit(5): use-after-free, Write of size 8 at 0. */
static noinline int victim_set_bit_uaf(void)
{
	unsigned long *p = kmalloc(victim_size(32), GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	kfree(p);
	OPTIMIZER_HIDE_VAR(p);
	set_bit(5, p);
	return 0;
}

/* kmalloc(40), test_and_clear_bit() in word 5 (offset 40): Write of size 8. */
static noinline int victim_test_and_clear_bit_oob(void)
{
	unsigned long *p = kmalloc(victim_size(40), GFP_KERNEL);
	bool was;

	if (!p)
		return -ENOMEM;
	OPTIMIZER_HIDE_VAR(p);
	was = test_and_clear_bit(5 * BITS_PER_LONG, p);
	barrier_data(&was);
	kfree(p);
	return 0;
}

/* kmalloc(32), kfree, test_and_clear_bit(7): use-after-free, Write of size 8. */
static noinline int victim_test_and_clear_bit_uaf(void)
{
	unsigned long *p = kmalloc(victim_size(32), GFP_KERNEL);
	bool was;

	if (!p)
		return -ENOMEM;
	kfree(p);
	OPTIMIZER_HIDE_VAR(p);
	was = test_and_clear_bit(7, p);
	barrier_data(&was);
	return 0;
}

/* The same operations on live objects, up to their last word. */
static noinline int victim_clean_atomics_bitops(void)
{
	unsigned long *bits = kzalloc(victim_size(3 * sizeof(long)), GFP_KERNEL);
	u8 *p = kmalloc(victim_size(20), GFP_KERNEL);
	int ret = 0;

	if (!bits || !p) {
		kfree(bits);
		kfree(p);
		return -ENOMEM;
	}
	atomic_set((atomic_t *)(p + 16), 41);
	atomic_inc((atomic_t *)(p + 16));
	set_bit(3 * BITS_PER_LONG - 1, bits);
	if (!test_and_clear_bit(3 * BITS_PER_LONG - 1, bits) ||
	    atomic_read((atomic_t *)(p + 16)) != 42)
		ret = -EIO;
	kfree(p);
	kfree(bits);
	return ret;
}

/*
 * User copies with a kernel buffer that is too small.  The cases run in
 * memsan_test's write() to the run file: a user page is mapped into its
 * address space for the copy, as KASAN's copy_user_test does, and unmapped
 * after.  The kernel buffer is kmalloc(32); the copies are of 33 bytes.
 */
#define VICTIM_UCOPY_SIZE	32

enum victim_ucopy {
	UCOPY_CLEAN,
	UCOPY_FROM_USER,
	UCOPY_TO_USER,
	UCOPY_STRNCPY_FROM_USER,
};

static __always_inline int victim_ucopy(enum victim_ucopy what)
{
	size_t size = victim_size(VICTIM_UCOPY_SIZE);
	char *kbuf = kmalloc(size, GFP_KERNEL);
	unsigned long uaddr;
	char __user *ubuf;
	unsigned long left;
	long n;
	int ret = 0;

	if (!kbuf)
		return -ENOMEM;
	uaddr = vm_mmap(NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE,
			0);
	if (IS_ERR_VALUE(uaddr)) {
		kfree(kbuf);
		return (int)uaddr;
	}
	ubuf = (char __user *)uaddr;
	memset(kbuf, 'u', size - 1);
	kbuf[size - 1] = '\0';
	OPTIMIZER_HIDE_VAR(kbuf);

	switch (what) {
	case UCOPY_CLEAN:
		/* the whole buffer each way, and a string that fills it */
		if (copy_to_user(ubuf, kbuf, size) || copy_from_user(kbuf, ubuf, size))
			ret = -EFAULT;
		n = strncpy_from_user(kbuf, ubuf, size);
		if (n != (long)size - 1)
			ret = -EIO;
		break;
	case UCOPY_FROM_USER:
		left = copy_from_user(kbuf, ubuf, size + 1);
		barrier_data(&left);
		break;
	case UCOPY_TO_USER:
		left = copy_to_user(ubuf, kbuf, size + 1);
		barrier_data(&left);
		break;
	case UCOPY_STRNCPY_FROM_USER:
		n = strncpy_from_user(kbuf, ubuf, size + 1);
		barrier_data(&n);
		break;
	}
	vm_munmap(uaddr, PAGE_SIZE);
	kfree(kbuf);
	return ret;
}

/* copy_from_user() of 33 bytes into kmalloc(32): Write of size 33 at 0. */
static noinline int victim_copy_from_user_overflow(void)
{
	return victim_ucopy(UCOPY_FROM_USER);
}

/* copy_to_user() of 33 bytes from kmalloc(32): Read of size 33 at 0. */
static noinline int victim_copy_to_user_overflow(void)
{
	return victim_ucopy(UCOPY_TO_USER);
}

/* strncpy_from_user() with a count of 33 into kmalloc(32): Write of size 33. */
static noinline int victim_strncpy_from_user_overflow(void)
{
	return victim_ucopy(UCOPY_STRNCPY_FROM_USER);
}

/* The three copies of exactly 32 bytes. */
static noinline int victim_clean_user_copies(void)
{
	return victim_ucopy(UCOPY_CLEAN);
}

/*
 * === Pages and vmalloc (issue 10) ===
 *
 * Freed pages and vmalloc areas sit in memsan's quarantine, still mapped:
 * the use-after-free accesses below touch memory nobody else owns.  The
 * vmalloc overflows stay inside the area's last page (past it is the guard
 * page, unmapped: memsan reports, and the access goes ahead).
 */

/* __get_free_pages(order 1), free_pages(), 8-byte read at offset 16. */
static noinline int victim_uaf_free_pages(void)
{
	unsigned long addr = __get_free_pages(GFP_KERNEL, 1);
	u64 v;

	if (!addr)
		return -ENOMEM;
	free_pages(addr, 1);
	OPTIMIZER_HIDE_VAR(addr);
	v = READ_ONCE(((u64 *)addr)[2]);
	barrier_data(&v);
	return 0;
}

/* alloc_page(), __free_page(), 4-byte write at offset 100. */
static noinline int victim_uaf_free_page_struct(void)
{
	struct page *page = alloc_page(GFP_KERNEL);
	u8 *p;

	if (!page)
		return -ENOMEM;
	p = page_address(page);
	__free_page(page);
	OPTIMIZER_HIDE_VAR(p);
	WRITE_ONCE(*(u32 *)(p + 100), 1);
	return 0;
}

/* Every byte of pages from each allocation function, then the right free. */
static noinline int victim_clean_pages(void)
{
	unsigned long two = __get_free_pages(GFP_KERNEL, 1);
	unsigned long zero = get_zeroed_page(GFP_KERNEL);
	struct page *page = alloc_pages(GFP_KERNEL | __GFP_COMP, 2);
	int ret = -ENOMEM;

	if (two && zero && page)
		ret = victim_touch_all((u8 *)two, 2 * PAGE_SIZE) ?:
		      victim_touch_all((u8 *)zero, PAGE_SIZE) ?:
		      victim_touch_all(page_address(page), 4 * PAGE_SIZE);
	if (two)
		free_pages(two, 1);
	if (zero)
		free_page(zero);
	if (page)
		__free_pages(page, 2);
	return ret;
}

/* vmalloc(100), vfree(), 4-byte read at offset 8. */
static noinline int victim_uaf_vfree(void)
{
	u32 *p = vmalloc(victim_size(100));
	u32 v;

	if (!p)
		return -ENOMEM;
	vfree(p);
	OPTIMIZER_HIDE_VAR(p);
	v = READ_ONCE(p[2]);
	barrier_data(&v);
	return 0;
}

/* vmalloc(100), 1-byte read at offset 100: the rest of the page is redzone. */
static noinline int victim_vmalloc_oob_right(void)
{
	size_t size = victim_size(100);
	u8 *p = vmalloc(size);
	u8 v;

	if (!p)
		return -ENOMEM;
	OPTIMIZER_HIDE_VAR(p);
	v = READ_ONCE(p[size]);
	barrier_data(&v);
	vfree(p);
	return 0;
}

/* vzalloc(5000), kvfree(): the vmalloc half; 8-byte read at offset 4096. */
static noinline int victim_uaf_kvfree_vmalloc(void)
{
	u64 *p = vzalloc(victim_size(5000));
	u64 v;

	if (!p)
		return -ENOMEM;
	kvfree(p);
	OPTIMIZER_HIDE_VAR(p);
	v = READ_ONCE(p[PAGE_SIZE / 8]);
	barrier_data(&v);
	return 0;
}

/*
 * vmalloc(64) freed by the kernel: kvfree_rcu_mightsleep() hands it to RCU's batches,
 * which vfree() it (memsan's hook on vfree() takes it); then an 8-byte
 * read at offset 0.  As long as uaf_kfree_rcu, for the same reason.
 */
static noinline int victim_uaf_kvfree_rcu_vmalloc(void)
{
	u64 *p = vmalloc(victim_size(64));
	u64 v;

	if (!p)
		return -ENOMEM;
	kvfree_rcu_mightsleep(p);	/* kvfree_rcu(p) before 6.3 */
	msleep(VICTIM_KFREE_RCU_WAIT_MS);
	OPTIMIZER_HIDE_VAR(p);
	v = READ_ONCE(p[0]);
	barrier_data(&v);
	return 0;
}

/* Every byte of each vmalloc form, exactly; kvmalloc()'s fallback too. */
static noinline int victim_clean_vmalloc(void)
{
	u8 *a = vmalloc(victim_size(100));
	u8 *b = vzalloc(victim_size(PAGE_SIZE));
	u8 *c = vmalloc_array(victim_size(3), 1000);
	u8 *d = vcalloc(victim_size(7), 9);
	u8 *e = __vmalloc(victim_size(5000), GFP_KERNEL);
	u8 *f = vmalloc_node(victim_size(10), NUMA_NO_NODE);
	int ret = -ENOMEM;

	if (a && b && c && d && e && f)
		ret = victim_touch_all(a, 100) ?: victim_touch_all(b, PAGE_SIZE) ?:
		      victim_touch_all(c, 3000) ?: victim_touch_all(d, 63) ?:
		      victim_touch_all(e, 5000) ?: victim_touch_all(f, 10);
	vfree(a);
	vfree(b);
	vfree(c);
	kvfree(d);
	vfree(e);
	kvfree(f);
	return ret;
}

/* === Frees by the wrong function: reported, not made (issue 10) === */

/* kfree() of vmalloc(64) memory; then the right free. */
static noinline int victim_kfree_of_vmalloc(void)
{
	void *p = vmalloc(victim_size(64));

	if (!p)
		return -ENOMEM;
	OPTIMIZER_HIDE_VAR(p);
	kfree(p);
	vfree(p);
	return 0;
}

/* vfree() of kmalloc(64) memory; then the right free. */
static noinline int victim_vfree_of_kmalloc(void)
{
	void *p = kmalloc(victim_size(64), GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	OPTIMIZER_HIDE_VAR(p);
	vfree(p);
	kfree(p);
	return 0;
}

/* free_pages() of kmalloc(64) memory; then the right free. */
static noinline int victim_free_pages_of_slab(void)
{
	void *p = kmalloc(victim_size(64), GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	OPTIMIZER_HIDE_VAR(p);
	free_pages((unsigned long)p, 0);
	kfree(p);
	return 0;
}

/* kfree() of a page from __get_free_page(); then the right free. */
static noinline int victim_kfree_of_pages(void)
{
	unsigned long addr = __get_free_page(GFP_KERNEL);

	if (!addr)
		return -ENOMEM;
	OPTIMIZER_HIDE_VAR(addr);
	kfree((void *)addr);
	free_page(addr);
	return 0;
}

/* An object of the victim's cache freed to another cache of the same size. */
static noinline int victim_kmem_cache_free_wrong_cache(void)
{
	struct kmem_cache *other = kmem_cache_create("memsan_victim_other", VICTIM_CACHE_SIZE,
						     0, SLAB_NOLEAKTRACE, NULL);
	void *p = other ? kmem_cache_alloc(victim_cache, GFP_KERNEL) : NULL;

	if (!p) {
		kmem_cache_destroy(other);
		return -ENOMEM;
	}
	OPTIMIZER_HIDE_VAR(p);
	kmem_cache_free(other, p);
	kmem_cache_free(victim_cache, p);
	kmem_cache_destroy(other);
	return 0;
}

/* vmalloc(100) freed twice. */
static noinline int victim_double_free_vfree(void)
{
	void *p = vmalloc(victim_size(100));

	if (!p)
		return -ENOMEM;
	vfree(p);
	OPTIMIZER_HIDE_VAR(p);
	vfree(p);
	return 0;
}

/* __get_free_pages(order 0) freed twice. */
static noinline int victim_double_free_pages(void)
{
	unsigned long addr = __get_free_pages(GFP_KERNEL, 0);

	if (!addr)
		return -ENOMEM;
	free_pages(addr, 0);
	OPTIMIZER_HIDE_VAR(addr);
	free_pages(addr, 0);
	return 0;
}

/*
 * === Formatted output into a buffer too small (issue 10) ===
 *
 * The size given is larger than the buffer: the bytes the call would write
 * are one write, checked before anything is written (and nothing is).
 */

static const char victim_fmt_str[] = "0123456789abcdefXYZ";	/* 19 characters */

/* snprintf(kmalloc(16), 32, "%s", 19 characters): 20 bytes written. */
static noinline int victim_snprintf_overflow(void)
{
	char *buf = kmalloc(victim_size(16), GFP_KERNEL);
	int n;

	if (!buf)
		return -ENOMEM;
	n = snprintf(buf, victim_size(32), "%s", victim_fmt_str);
	barrier_data(&n);
	kfree(buf);
	return 0;
}

/* scnprintf(kmalloc(16), 18, ...): 18 bytes written (17 and the NUL). */
static noinline int victim_scnprintf_overflow(void)
{
	char *buf = kmalloc(victim_size(16), GFP_KERNEL);
	int n;

	if (!buf)
		return -ENOMEM;
	n = scnprintf(buf, victim_size(18), "%s", victim_fmt_str);
	barrier_data(&n);
	kfree(buf);
	return 0;
}

/* sprintf(kmalloc(8), "%d", 123456789): 10 bytes written. */
static noinline int victim_sprintf_overflow(void)
{
	char *buf = kmalloc(victim_size(8), GFP_KERNEL);
	int n;

	if (!buf)
		return -ENOMEM;
	n = sprintf(buf, "%d", (int)victim_size(123456789));
	barrier_data(&n);
	kfree(buf);
	return 0;
}

/*
 * vsnprintf() through a va_list: this function is the case (its name is
 * the report's); kmalloc(16), size 24, 19 characters: 20 bytes written.
 */
static noinline __noclone __printf(2, 3) int victim_vsnprintf_overflow(size_t size, const char *fmt, ...)
{
	char *buf = kmalloc(victim_size(16), GFP_KERNEL);
	va_list args;
	int n;

	if (!buf)
		return -ENOMEM;
	va_start(args, fmt);
	n = vsnprintf(buf, size, fmt, args);
	va_end(args);
	barrier_data(&n);
	kfree(buf);
	return 0;
}

static noinline int victim_vsnprintf_overflow_run(void)
{
	return victim_vsnprintf_overflow(victim_size(24), "%s", victim_fmt_str);
}

static __printf(3, 4) int victim_vsnprintf_fit(char *buf, size_t size, const char *fmt, ...)
{
	va_list args;
	int n;

	va_start(args, fmt);
	n = vsnprintf(buf, size, fmt, args);
	va_end(args);
	return n;
}

/* Output that fits exactly, and truncated output: all within the buffer. */
static noinline int victim_clean_snprintf(void)
{
	char *buf = kmalloc(victim_size(20), GFP_KERNEL);
	int ret = 0;

	if (!buf)
		return -ENOMEM;
	if (snprintf(buf, 20, "%s", victim_fmt_str) != 19 ||
	    snprintf(buf, 16, "%s", victim_fmt_str) != 19 || strlen(buf) != 15 ||
	    scnprintf(buf, 20, "%s!", victim_fmt_str) != 19 ||
	    sprintf(buf, "%s", victim_fmt_str) != 19 ||
	    victim_vsnprintf_fit(buf, 20, "%d-%s", 7, "0123456789abcdef") != 18 ||
	    strcmp(buf, "7-0123456789abcdef"))
		ret = -EIO;
	kfree(buf);
	return ret;
}

/*
 * === Redzones where a slot has none (issue 10) ===
 *
 * A constant size fills its kmalloc cache's objects (gcc picks the cache);
 * memsan allocates them with room for a redzone all the same.
 */

/* kmalloc(64), a constant: 1-byte read at offset 64. */
static noinline int victim_oob_const_kmalloc64(void)
{
	u8 *p = kmalloc(64, GFP_KERNEL);
	u8 v;

	if (!p)
		return -ENOMEM;
	OPTIMIZER_HIDE_VAR(p);
	v = READ_ONCE(p[64]);
	barrier_data(&v);
	kfree(p);
	return 0;
}

/* kmalloc_node(4096, NUMA_NO_NODE), a constant: 1-byte write at offset 4096. */
static noinline int victim_oob_const_kmalloc_node4096(void)
{
	u8 *p = kmalloc_node(4096, GFP_KERNEL, NUMA_NO_NODE);

	if (!p)
		return -ENOMEM;
	OPTIMIZER_HIDE_VAR(p);
	WRITE_ONCE(p[4096], 1);
	kfree(p);
	return 0;
}

/* kmalloc(8192), a constant (the largest kmalloc cache): 1-byte read at offset 8192. */
static noinline int victim_oob_const_kmalloc8192(void)
{
	u8 *p = kmalloc(8192, GFP_KERNEL);
	u8 v;

	if (!p)
		return -ENOMEM;
	OPTIMIZER_HIDE_VAR(p);
	v = READ_ONCE(p[8192]);
	barrier_data(&v);
	kfree(p);
	return 0;
}

/* A large kmalloc of exactly 4 pages: 1-byte read at offset 16384. */
static noinline int victim_oob_large_kmalloc_exact(void)
{
	size_t size = victim_size(4 * PAGE_SIZE);
	u8 *p = kmalloc(size, GFP_KERNEL);
	u8 v;

	if (!p)
		return -ENOMEM;
	OPTIMIZER_HIDE_VAR(p);
	v = READ_ONCE(p[size]);
	barrier_data(&v);
	kfree(p);
	return 0;
}

/*
 * kmalloc(200) (memsan's kmalloc-256 on both arches: 256 bytes and the
 * redzone): ksize() gives what may be used, the slot less the redzone, 256
 * bytes as without memsan; a 1-byte read at offset 256 is past it.
 */
static noinline int victim_oob_past_ksize(void)
{
	u8 *p = kmalloc(victim_size(200), GFP_KERNEL);
	size_t n;
	u8 v;

	if (!p)
		return -ENOMEM;
	n = ksize(p);
	OPTIMIZER_HIDE_VAR(p);
	v = READ_ONCE(p[n]);
	barrier_data(&v);
	kfree(p);
	return 0;
}

/* kmalloc(40), krealloc() to 64: 1-byte read at offset 64 of the result. */
static noinline int victim_oob_krealloc_grown(void)
{
	u8 *p = kmalloc(victim_size(40), GFP_KERNEL);
	u8 *q, v;

	if (!p)
		return -ENOMEM;
	q = krealloc(p, victim_size(64), GFP_KERNEL);
	if (!q) {
		kfree(p);
		return -ENOMEM;
	}
	OPTIMIZER_HIDE_VAR(q);
	v = READ_ONCE(q[64]);
	barrier_data(&v);
	kfree(q);
	return 0;
}

/* The same objects used exactly: every byte, every byte ksize() gives. */
static noinline int victim_clean_const_kmalloc(void)
{
	u8 *a = kmalloc(64, GFP_KERNEL);
	u8 *b = kmalloc_node(4096, GFP_KERNEL, NUMA_NO_NODE);
	u8 *c = kmalloc(8192, GFP_KERNEL);
	u8 *d = kmalloc(victim_size(200), GFP_KERNEL);
	u8 *e = kmalloc(victim_size(40), GFP_KERNEL), *f = NULL;
	int ret = -ENOMEM;

	if (e)
		f = krealloc(e, victim_size(64), GFP_KERNEL);
	if (a && b && c && d && f)
		ret = victim_touch_all(a, 64) ?: victim_touch_all(b, 4096) ?:
		      victim_touch_all(c, 8192) ?: victim_touch_all(d, ksize(d)) ?:
		      victim_touch_all(f, 64);
	kfree(a);
	kfree(b);
	kfree(c);
	kfree(d);
	kfree(f ?: e);
	return ret;
}

/*
 * === Caches the module creates (issue 10) ===
 *
 * memsan makes them with room for a redzone after each object: an access
 * just past an object no longer lands in the next one.
 */

/* An object of the victim's cache (20 bytes), 1-byte read at offset 24. */
static noinline int victim_oob_kmem_cache_far(void)
{
	u8 *p = kmem_cache_alloc(victim_cache, GFP_KERNEL);
	u8 v;

	if (!p)
		return -ENOMEM;
	OPTIMIZER_HIDE_VAR(p);
	v = READ_ONCE(p[24]);
	barrier_data(&v);
	kmem_cache_free(victim_cache, p);
	return 0;
}

/* A cache created and destroyed, then destroyed again. */
static noinline int victim_double_kmem_cache_destroy(void)
{
	struct kmem_cache *c = kmem_cache_create("memsan_victim_twice", 32, 0, 0, NULL);

	if (!c)
		return -ENOMEM;
	kmem_cache_destroy(c);
	OPTIMIZER_HIDE_VAR(c);
	kmem_cache_destroy(c);
	return 0;
}

/*
 * The sizes the module sees are the ones it asked for; every byte of them,
 * and every byte ksize() gives, is usable; a usercopy cache likewise.
 */
static noinline int victim_clean_module_cache(void)
{
	struct kmem_cache *uc = kmem_cache_create_usercopy("memsan_victim_uc", 48, 0, 0, 8, 16,
							   NULL);
	u8 *p = kmem_cache_alloc(victim_cache, GFP_KERNEL);
	u8 *q = uc ? kmem_cache_alloc(uc, GFP_KERNEL) : NULL;
	int ret = -ENOMEM;

	if (p && q) {
		ret = victim_touch_all(p, ksize(p)) ?: victim_touch_all(q, 48);
		if (!ret && (kmem_cache_size(victim_cache) != VICTIM_CACHE_SIZE ||
			     kmem_cache_size(uc) != 48 || ksize(p) < VICTIM_CACHE_SIZE))
			ret = -EIO;
	}
	if (p)
		kmem_cache_free(victim_cache, p);
	if (q)
		kmem_cache_free(uc, q);
	kmem_cache_destroy(uc);
	return ret;
}

/*
 * A bulk allocation from the module's cache, over several slabs: memsan
 * keeps the first object of each slab (it has no slot before it for a
 * left redzone) and must have put another in its place.  -EIO if one was
 * handed out, else a 1-byte read at offset -1 of the first object.
 */
#define VICTIM_BULK_NR	256

static noinline int victim_oob_left_kmem_cache_bulk(void)
{
	void **ptrs = kcalloc(VICTIM_BULK_NR, sizeof(*ptrs), GFP_KERNEL);
	int i, ret = 0;
	u8 v;

	if (!ptrs)
		return -ENOMEM;
	/* 6.1-6.x return the count, 7.x true: 0 is a failure on all of them */
	if (!kmem_cache_alloc_bulk(victim_cache, GFP_KERNEL, VICTIM_BULK_NR, ptrs)) {
		kfree(ptrs);
		return -ENOMEM;
	}
	for (i = 0; i < VICTIM_BULK_NR; i++) {
		void *p = ptrs[i];

		if (PAGE_ALIGNED(p) && !is_kfence_address(p) &&
		    folio_address(virt_to_folio(p)) == p)
			ret = -EIO;
	}
	if (!ret) {
		u8 *p = ptrs[0];

		OPTIMIZER_HIDE_VAR(p);
		v = READ_ONCE(p[-1]);
		barrier_data(&v);
	}
	kmem_cache_free_bulk(victim_cache, VICTIM_BULK_NR, ptrs);
	kfree(ptrs);
	return ret;
}

/*
 * === get_user() and put_user() of a kernel-side object (issue 10) ===
 *
 * The kernel side of get_user()/put_user() is plain C in the macro (the
 * value is stored to, or loaded from, the lvalue the caller names), so the
 * module's own instrumentation checks it.  The object here is a field of a
 * kmalloc'd array.
 */

enum victim_getput {
	GETPUT_CLEAN,		/* both, in bounds on a live object */
	GETPUT_GET_UAF,		/* get_user() into the first u32 of a freed object */
	GETPUT_PUT_OOB,		/* put_user() of the u32 just past the object */
};

/* kmalloc(32) as u32s, a user page, and the access @what asks for. */
static __always_inline int victim_getput(enum victim_getput what)
{
	u32 *obj = kzalloc(victim_size(32), GFP_KERNEL);
	u32 __user *uptr;
	unsigned long uaddr;
	int ret;

	if (!obj)
		return -ENOMEM;
	uaddr = vm_mmap(NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE,
			0);
	if (IS_ERR_VALUE(uaddr)) {
		kfree(obj);
		return (int)uaddr;
	}
	uptr = (u32 __user *)uaddr;
	OPTIMIZER_HIDE_VAR(obj);
	switch (what) {
	case GETPUT_CLEAN:
		obj[7] = 7;
		ret = put_user(obj[7], uptr);
		if (!ret)
			ret = get_user(obj[0], uptr);
		if (!ret && obj[0] != 7)
			ret = -EIO;
		break;
	case GETPUT_GET_UAF:
		kfree(obj);
		ret = get_user(obj[0], uptr);
		obj = NULL;
		break;
	case GETPUT_PUT_OOB:
		ret = put_user(obj[8], uptr);
		break;
	}
	vm_munmap(uaddr, PAGE_SIZE);
	kfree(obj);
	return ret;
}

/* get_user() into the first u32 of a freed kmalloc(32): Write of size 4 at 0. */
static noinline int victim_get_user_uaf(void)
{
	return victim_getput(GETPUT_GET_UAF);
}

/* put_user() of the u32 just past a kmalloc(32): Read of size 4 at 32. */
static noinline int victim_put_user_oob(void)
{
	return victim_getput(GETPUT_PUT_OOB);
}

/* Both, in bounds on a live object. */
static noinline int victim_clean_get_put_user(void)
{
	return victim_getput(GETPUT_CLEAN);
}

/*
 * === Underflows (issue 10): the left redzone ===
 *
 * memsan's own kmalloc caches and the caches a module creates have SLUB's
 * left redzone before every object, poisoned by memsan: an underflow is
 * caught whatever the previous slot holds.
 */

/* kmalloc(64), variable size: 1-byte read at offset -1. */
static noinline int victim_oob_left_kmalloc64(void)
{
	u8 *p = kmalloc(victim_size(64), GFP_KERNEL);
	u8 v;

	if (!p)
		return -ENOMEM;
	OPTIMIZER_HIDE_VAR(p);
	v = READ_ONCE(p[-1]);
	barrier_data(&v);
	kfree(p);
	return 0;
}

/*
 * kmalloc(64), a constant: 1-byte write at offset -16.  The write lands in
 * SLUB's own redzone pattern: SLUB must not report it again when the
 * object goes back (run_tests.sh's dmesg check; with slub_debug=F memsan
 * writes the pattern back first).
 */
static noinline int victim_oob_left_const_kmalloc64(void)
{
	u8 *p = kmalloc(64, GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	OPTIMIZER_HIDE_VAR(p);
	WRITE_ONCE(p[-16], 0x5a);
	kfree(p);
	return 0;
}

/* kmalloc(4096), variable size: 8-byte read at offset -8. */
static noinline int victim_oob_left_kmalloc4096(void)
{
	u64 *p = kmalloc(victim_size(4096), GFP_KERNEL);
	u64 v;

	if (!p)
		return -ENOMEM;
	OPTIMIZER_HIDE_VAR(p);
	v = READ_ONCE(p[-1]);
	barrier_data(&v);
	kfree(p);
	return 0;
}

/* An object of the module's cache: 1-byte read at offset -1. */
static noinline int victim_oob_left_kmem_cache(void)
{
	u8 *p = kmem_cache_alloc(victim_cache, GFP_KERNEL);
	u8 v;

	if (!p)
		return -ENOMEM;
	OPTIMIZER_HIDE_VAR(p);
	v = READ_ONCE(p[-1]);
	barrier_data(&v);
	kmem_cache_free(victim_cache, p);
	return 0;
}

/*
 * kmalloc's alignment is kept: power-of-two sizes (constant or not) are
 * aligned to their size, others to ARCH_KMALLOC_MINALIGN; every object is
 * used to its last byte, and a whole object is used through kfree_rcu().
 */
static noinline int victim_clean_kmalloc_align(void)
{
	static const size_t sizes[] = { 8, 16, 24, 32, 64, 100, 128, 256, 512, 1024, 2048, 4096 };
	size_t i;
	int ret = 0;

	for (i = 0; i < ARRAY_SIZE(sizes) && !ret; i++) {
		size_t n = victim_size(sizes[i]);
		size_t align = is_power_of_2(n) ? n : ARCH_KMALLOC_MINALIGN;
		u8 *p = kmalloc(n, GFP_KERNEL);

		if (!p)
			return -ENOMEM;
		memset(p, 0xa5, n);
		if (!IS_ALIGNED((unsigned long)p, align)) {
			pr_err("kmalloc(%zu): not %zu-aligned (offset %lu)\n", n, align,
			       (unsigned long)p % align);
			ret = -EIO;
		}
		if (READ_ONCE(p[0]) != 0xa5 || READ_ONCE(p[n - 1]) != 0xa5)
			ret = -EIO;
		kfree(p);
	}
	if (!ret) {
		u8 *p = kmalloc(64, GFP_KERNEL);

		if (!p)
			return -ENOMEM;
		memset(p, 1, 64);
		if (!IS_ALIGNED((unsigned long)p, 64)) {
			pr_err("kmalloc(64): not 64-aligned (offset %lu)\n",
			       (unsigned long)p % 64);
			ret = -EIO;
		}
		kfree(p);
	}
	return ret;
}

/* === alloc_pages_exact() (issue 10) === */

/* alloc_pages_exact(5000), free_pages_exact(), 1-byte read at offset 100. */
static noinline int victim_uaf_pages_exact(void)
{
	u8 *p = alloc_pages_exact(victim_size(5000), GFP_KERNEL);
	u8 v;

	if (!p)
		return -ENOMEM;
	free_pages_exact(p, 5000);
	OPTIMIZER_HIDE_VAR(p);
	v = READ_ONCE(p[100]);
	barrier_data(&v);
	return 0;
}

/* alloc_pages_exact(5000): 1-byte read at offset 5000, in its last page. */
static noinline int victim_oob_pages_exact(void)
{
	u8 *p = alloc_pages_exact(victim_size(5000), GFP_KERNEL);
	u8 v;

	if (!p)
		return -ENOMEM;
	OPTIMIZER_HIDE_VAR(p);
	v = READ_ONCE(p[5000]);
	barrier_data(&v);
	free_pages_exact(p, 5000);
	return 0;
}

/* alloc_pages_exact(5000) used to its last byte, and one of a page exactly. */
static noinline int victim_clean_pages_exact(void)
{
	u8 *p = alloc_pages_exact(victim_size(5000), GFP_KERNEL | __GFP_ZERO);
	u8 *q = alloc_pages_exact(victim_size(PAGE_SIZE), GFP_KERNEL);
	int ret = 0;

	if (p && q) {
		memset(q, 1, PAGE_SIZE);
		if (READ_ONCE(p[4999]) != 0)
			ret = -EIO;
		memset(p, 1, 5000);
	} else {
		ret = -ENOMEM;
	}
	if (q)
		free_pages_exact(q, PAGE_SIZE);
	if (p)
		free_pages_exact(p, 5000);
	return ret;
}

/* vmalloc_huge(100, GFP_KERNEL), vfree(): 1-byte read at offset 0. */
static noinline int victim_uaf_vmalloc_huge(void)
{
	u8 *p = vmalloc_huge(victim_size(100), GFP_KERNEL);
	u8 v;

	if (!p)
		return -ENOMEM;
	vfree(p);
	OPTIMIZER_HIDE_VAR(p);
	v = READ_ONCE(p[0]);
	barrier_data(&v);
	return 0;
}

/* vmalloc_huge(100, GFP_KERNEL): 1-byte read at offset 100. */
static noinline int victim_oob_vmalloc_huge(void)
{
	u8 *p = vmalloc_huge(victim_size(100), GFP_KERNEL);
	u8 v;

	if (!p)
		return -ENOMEM;
	OPTIMIZER_HIDE_VAR(p);
	v = READ_ONCE(p[100]);
	barrier_data(&v);
	vfree(p);
	return 0;
}

/* alloc_pages_node(NUMA_NO_NODE, order 1), __free_pages(): 8-byte read at offset 4096. */
static noinline int victim_uaf_alloc_pages_node(void)
{
	struct page *page = alloc_pages_node(NUMA_NO_NODE, GFP_KERNEL, 1);
	u64 *p, v;

	if (!page)
		return -ENOMEM;
	p = page_address(page);
	__free_pages(page, 1);
	OPTIMIZER_HIDE_VAR(p);
	v = READ_ONCE(p[PAGE_SIZE / 8]);
	barrier_data(&v);
	return 0;
}

/* alloc_pages_node() on this CPU's node, used to its last byte. */
static noinline int victim_clean_alloc_pages_node(void)
{
	struct page *page = alloc_pages_node(numa_node_id(), GFP_KERNEL | __GFP_ZERO, 1);
	u8 *p;
	int ret = 0;

	if (!page)
		return -ENOMEM;
	p = page_address(page);
	if (READ_ONCE(p[2 * PAGE_SIZE - 1]))
		ret = -EIO;
	memset(p, 1, 2 * PAGE_SIZE);
	__free_pages(page, 1);
	return ret;
}

/*
 * issue 12: kfree_rcu_nolock() (7.3) frees through kfree_call_rcu_nolock(),
 * not kfree(): a 24-byte object (the one-word kvfree_rcu_head of Debian's
 * CONFIG_KVFREE_RCU_BATCHED kernels) freed so, then, once it has really been
 * freed, an 8-byte read at offset 0.  -EOPNOTSUPP where the kernel has no
 * kfree_rcu_nolock(): the test says SKIP.
 */
static noinline int victim_uaf_kfree_rcu_nolock(void)
{
#ifdef MEMSAN_HAVE_KFREE_CALL_RCU_NOLOCK
	struct victim_rcu_nolock_obj {
		u64 value;
		u64 spare;
		struct kvfree_rcu_head rcu;
	} *obj = kmalloc(24, GFP_KERNEL);

	BUILD_BUG_ON(sizeof(*obj) > 24);
	if (!obj)
		return -ENOMEM;
	obj->value = 42;
	kfree_rcu_nolock(obj, rcu);
	victim_read_after_rcu_free(&obj->value);
	return 0;
#else
	return -EOPNOTSUPP;
#endif
}

/* === Case table and debugfs interface === */

struct victim_case {
	const char *name;
	int (*fn)(void);
};

#define VICTIM_CASE(case_name) { #case_name, victim_##case_name }

static const struct victim_case victim_cases[] = {
	VICTIM_CASE(oob_right_1_size1),
	VICTIM_CASE(oob_right_1_size2),
	VICTIM_CASE(oob_right_1_size4),
	VICTIM_CASE(oob_right_1_size8),
	VICTIM_CASE(oob_right_1_size16),
	VICTIM_CASE(oob_right_1_size13),
	VICTIM_CASE(oob_slack_kmalloc13),
	VICTIM_CASE(oob_kmem_cache),
	VICTIM_CASE(uaf_read_kmalloc),
	VICTIM_CASE(uaf_write_kmalloc),
	VICTIM_CASE(uaf_read_kmem_cache),
	VICTIM_CASE(uaf_write_kmem_cache),
	VICTIM_CASE(uaf_krealloc_moved),
	VICTIM_CASE(uaf_kvfree_exact),
	VICTIM_CASE(uaf_kfree_rcu),
	VICTIM_CASE(uaf_in_irq),
	VICTIM_CASE(double_free_kfree),
	VICTIM_CASE(double_free_kmem_cache),
	VICTIM_CASE(invalid_free_interior),
	VICTIM_CASE(memset_overflow),
	VICTIM_CASE(memcpy_overflow),
	VICTIM_CASE(strcpy_overflow),
	VICTIM_CASE(clean_exact_size),
	VICTIM_CASE(clean_krealloc_in_place),
	VICTIM_CASE(clean_kstrdup),
	VICTIM_CASE(clean_kmemdup),
	VICTIM_CASE(clean_string_ops_end),
	VICTIM_CASE(clean_kvmalloc),
	VICTIM_CASE(clean_kmem_cache),
	VICTIM_CASE(churn),
	VICTIM_CASE(stack_varied),
	VICTIM_CASE(global_oob_read),
	VICTIM_CASE(global_oob_write),
	VICTIM_CASE(clean_global),
	/* issue 10 */
	VICTIM_CASE(clean_kasprintf_nul),
	VICTIM_CASE(kasprintf_nul_overflow),
	VICTIM_CASE(clean_kmemdup_nul),
	VICTIM_CASE(memmove_negative_size),
	VICTIM_CASE(strncpy_huge_size),
	VICTIM_CASE(memset_overflow_skipped),
	VICTIM_CASE(uaf_krealloc_freed),
	VICTIM_CASE(uaf_ksize_freed),
	VICTIM_CASE(atomic_inc_oob),
	VICTIM_CASE(atomic_inc_uaf),
	VICTIM_CASE(set_bit_oob),
	VICTIM_CASE(set_bit_uaf),
	VICTIM_CASE(test_and_clear_bit_oob),
	VICTIM_CASE(test_and_clear_bit_uaf),
	VICTIM_CASE(clean_atomics_bitops),
	VICTIM_CASE(copy_from_user_overflow),
	VICTIM_CASE(copy_to_user_overflow),
	VICTIM_CASE(strncpy_from_user_overflow),
	VICTIM_CASE(clean_user_copies),
	/* issue 10: pages, vmalloc, wrong frees, formatted output, redzones */
	VICTIM_CASE(uaf_free_pages),
	VICTIM_CASE(uaf_free_page_struct),
	VICTIM_CASE(clean_pages),
	VICTIM_CASE(uaf_vfree),
	VICTIM_CASE(vmalloc_oob_right),
	VICTIM_CASE(uaf_kvfree_vmalloc),
	VICTIM_CASE(uaf_kvfree_rcu_vmalloc),
	VICTIM_CASE(clean_vmalloc),
	VICTIM_CASE(kfree_of_vmalloc),
	VICTIM_CASE(vfree_of_kmalloc),
	VICTIM_CASE(free_pages_of_slab),
	VICTIM_CASE(kfree_of_pages),
	VICTIM_CASE(kmem_cache_free_wrong_cache),
	VICTIM_CASE(double_free_vfree),
	VICTIM_CASE(double_free_pages),
	VICTIM_CASE(snprintf_overflow),
	VICTIM_CASE(scnprintf_overflow),
	VICTIM_CASE(sprintf_overflow),
	{ "vsnprintf_overflow", victim_vsnprintf_overflow_run },
	VICTIM_CASE(clean_snprintf),
	VICTIM_CASE(oob_const_kmalloc64),
	VICTIM_CASE(oob_const_kmalloc_node4096),
	VICTIM_CASE(oob_const_kmalloc8192),
	VICTIM_CASE(oob_large_kmalloc_exact),
	VICTIM_CASE(oob_past_ksize),
	VICTIM_CASE(oob_krealloc_grown),
	VICTIM_CASE(clean_const_kmalloc),
	VICTIM_CASE(oob_kmem_cache_far),
	VICTIM_CASE(double_kmem_cache_destroy),
	VICTIM_CASE(clean_module_cache),
	VICTIM_CASE(get_user_uaf),
	VICTIM_CASE(put_user_oob),
	VICTIM_CASE(clean_get_put_user),
	VICTIM_CASE(oob_left_kmalloc64),
	VICTIM_CASE(oob_left_const_kmalloc64),
	VICTIM_CASE(oob_left_kmalloc4096),
	VICTIM_CASE(oob_left_kmem_cache),
	VICTIM_CASE(oob_left_kmem_cache_bulk),
	VICTIM_CASE(clean_kmalloc_align),
	VICTIM_CASE(uaf_pages_exact),
	VICTIM_CASE(oob_pages_exact),
	VICTIM_CASE(clean_pages_exact),
	VICTIM_CASE(uaf_vmalloc_huge),
	VICTIM_CASE(oob_vmalloc_huge),
	VICTIM_CASE(uaf_alloc_pages_node),
	VICTIM_CASE(clean_alloc_pages_node),
	VICTIM_CASE(uaf_kfree_rcu_nolock),
};

static const struct victim_case *victim_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(victim_cases); i++)
		if (!strcmp(victim_cases[i].name, name))
			return &victim_cases[i];
	return NULL;
}

/* Longest case name plus a newline and the NUL. */
#define VICTIM_NAME_MAX	64

static ssize_t run_write(struct file *file, const char __user *ubuf,
			 size_t count, loff_t *ppos)
{
	const struct victim_case *vc;
	char name[VICTIM_NAME_MAX];
	int ret;

	if (!count || count >= sizeof(name))
		return -EINVAL;
	if (copy_from_user(name, ubuf, count))
		return -EFAULT;
	name[count] = '\0';
	vc = victim_find(strim(name));
	if (!vc)
		return -EINVAL;

	mutex_lock(&victim_lock);
	pr_info("running %s\n", vc->name);
	ret = vc->fn();
	mutex_unlock(&victim_lock);
	if (ret)
		pr_info("%s: error %d\n", vc->name, ret);
	return ret ? ret : count;
}

static const struct file_operations run_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = run_write,
	.llseek = noop_llseek,	/* no_llseek is gone in 6.12 */
};

static int cases_show(struct seq_file *seq, void *v)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(victim_cases); i++)
		seq_printf(seq, "%s\n", victim_cases[i].name);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(cases);

static int __init victim_init(void)
{
	/*
	 * SLAB_NOLEAKTRACE is one of the flags that keep SLUB from merging a
	 * cache into an existing one of the same size (SLAB_NEVER_MERGE) and
	 * changes nothing else here: unmerged, the cache keeps its own name,
	 * which the reports must show.
	 */
	victim_cache = kmem_cache_create("memsan_victim20", VICTIM_CACHE_SIZE,
					 0, SLAB_NOLEAKTRACE, NULL);
	if (!victim_cache)
		return -ENOMEM;

	victim_dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("run", 0200, victim_dir, NULL, &run_fops);
	debugfs_create_file("cases", 0444, victim_dir, NULL, &cases_fops);
	return 0;
}

static void __exit victim_exit(void)
{
	debugfs_remove(victim_dir);
	kmem_cache_destroy(victim_cache);
}

module_init(victim_init);
module_exit(victim_exit);

MODULE_DESCRIPTION("memsan selftest: heap bugs on demand");
MODULE_LICENSE("GPL");
