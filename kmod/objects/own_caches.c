// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: its own kmalloc caches, where every object has a left redzone.
 *
 * kmalloc() of an instrumented module (up to 4096 bytes) is served from
 * caches only memsan allocates from: one per kmalloc size class.  Each
 * object is the class, the redzone parameter at load and a guard of
 * MEMSAN_GUARD bytes at its end, which is the left redzone of the next
 * object: memsan poisons it while that next object is tracked (hooks/
 * lifecycle.c) and clears it when the object goes back (objects/
 * allocator.c), so an underflow is reported however the previous slot is
 * used.  The first object of a slab has no slot before it: memsan keeps
 * it (memsan_allocator_hold_first()) and never hands it out, which also keeps
 * the slab.  The object pointer is SLUB's own: the kernel's frees on the
 * module's behalf (kfree_rcu(), kvfree(), krealloc()'s kfree()) work as
 * for any slab object.
 *
 * These caches are ordinary SLUB caches, without SLAB_RED_ZONE: SLUB's
 * left redzone (SLAB_RED_ZONE) would do the same, but every allocation
 * and free of a debug cache takes SLUB's slow debug path.  If SLUB puts a
 * left redzone before every object anyway (slub_debug=Z), memsan uses
 * that one and keeps nothing back.
 *
 * kmalloc's alignment is kept: an object of a power-of-two size is aligned
 * to that size, others to ARCH_KMALLOC_MINALIGN or 16 bytes, whichever is
 * larger.  A power-of-two class has two caches: one aligned to its size
 * for power-of-two requests (about twice the object's size per slot), one
 * packed for the other sizes of the class (the object and 32 bytes or
 * so).  Allocations that need more (a redzone raised after load), other
 * zones (GFP_DMA, GFP_DMA32) or reclaimable memory go to the kernel's
 * kmalloc as before.
 *
 * The names carry a random suffix: a cache still holding objects at unload
 * (a leak, a kfree_rcu() still pending) is left to the kernel, and the next
 * load must not collide with its name in /sys/kernel/slab.  Reports name
 * the class as the kernel would: "kmalloc-64".
 */
#include <linux/delay.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/random.h>
#include <linux/slab.h>

#include "compat/compat.h"
#include "objects/objects.h"
#include "settings/settings.h"

/* The left redzone must hide at least this much of an underflow. */
#define OWN_MIN_LEFT_PAD	16
static_assert(MEMSAN_GUARD >= OWN_MIN_LEFT_PAD);

static const unsigned int own_classes[] = {
	8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096,
};

struct own_class {
	unsigned int size;		/* the kmalloc size class it stands for */
	struct kmem_cache *packed;	/* for sizes of the class but its own */
	struct kmem_cache *aligned;	/* for a request of exactly @size: natural alignment */
	char name[MEMSAN_CACHE_NAME_LEN];	/* as reports show it */
};

static struct own_class own_caches[ARRAY_SIZE(own_classes)];
static unsigned int own_count;

/*
 * The own_caches[] index of a kmalloc of each size, found with one load:
 * by steps of 8 bytes up to OWN_SMALL_MAX, then by power of two (every
 * class above it is one); OWN_NONE where no class of this machine fits.
 * Which classes exist depends on ARCH_KMALLOC_MINALIGN (arm64: 128).
 */
#define OWN_SMALL_MAX	192
#define OWN_LARGE_MAX	4096
#define OWN_NONE	0xff
static u8 own_small_index[OWN_SMALL_MAX / 8 + 1];	/* by (size + 7) / 8 */
static u8 own_large_index[ilog2(OWN_LARGE_MAX) + 1];	/* by fls(size - 1) */
static_assert(ARRAY_SIZE(own_classes) < OWN_NONE);
static unsigned int own_capacity_extra;	/* bytes past the class: the redzone at load */

/* What every object of memsan's caches is aligned to, at least. */
static unsigned int own_min_align(void)
{
	return max_t(unsigned int, ARCH_KMALLOC_MINALIGN, OWN_MIN_LEFT_PAD);
}

static struct kmem_cache *own_cache_create(unsigned int size, unsigned int align,
					   unsigned int redzone, u32 tag)
{
	struct kmem_cache *cache;
	char name[48];

	snprintf(name, sizeof(name), "memsan-kmalloc-%u%s-%08x", size,
		 align > own_min_align() ? "-aligned" : "", tag);
	/* user copies may use all of it, as of kmalloc's caches (usercopy) */
	cache = kmem_cache_create_usercopy(name, size + redzone + MEMSAN_GUARD, align,
					   SLAB_NOLEAKTRACE, 0, size + redzone, NULL);
	if (cache && !memsan_cache_left_pad(cache) && !memsan_allocator_guard_add(cache)) {
		memsan_allocator_cache_destroy(cache);
		cache = NULL;
	}
	return cache;
}

/* The first of the own_count classes that holds @size bytes, or OWN_NONE */
static u8 own_first_class(unsigned int size)
{
	unsigned int i;

	for (i = 0; i < own_count; i++)
		if (size <= own_caches[i].size)
			return i;
	return OWN_NONE;
}

static void own_index_init(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(own_small_index); i++)
		own_small_index[i] = own_first_class(i * 8);
	for (i = 0; i < ARRAY_SIZE(own_large_index); i++)
		own_large_index[i] = own_first_class(1U << i);
}

/**
 * memsan_own_caches_init() - make memsan's kmalloc caches
 *
 * Without SLUB's debugging support (no left pad), with redzone=0 or if a
 * cache cannot be made, there are none: kmalloc() then goes to the kernel's
 * caches, as it did before.  Never fails memsan's load.
 */
void memsan_own_caches_init(void)
{
	unsigned int redzone = READ_ONCE(memsan_redzone), i;
	u32 tag = get_random_u32();

	if (!redzone)
		return;
	for (i = 0; i < ARRAY_SIZE(own_classes); i++) {
		unsigned int size = own_classes[i];
		struct own_class *c = &own_caches[own_count];

		if (size < ARCH_KMALLOC_MINALIGN || size % ARCH_KMALLOC_MINALIGN)
			continue;	/* not a kmalloc class on this machine */
		c->size = size;
		c->packed = own_cache_create(size, own_min_align(), redzone, tag);
		c->aligned = c->packed;
		if (c->packed && is_power_of_2(size) && size > own_min_align())
			c->aligned = own_cache_create(size, size, redzone, tag);
		if (!c->packed || !c->aligned)
			break;
		snprintf(c->name, MEMSAN_CACHE_NAME_LEN, "kmalloc-%u", size);
		own_count++;
	}
	if (i < ARRAY_SIZE(own_classes)) {
		pr_info("memsan: no kmalloc caches of its own (a cache could not be made): kmalloc() objects have no left redzone\n");
		memsan_own_caches_exit();
		return;
	}
	own_capacity_extra = redzone;
	own_index_init();
}

struct own_count_walk {
	unsigned long live;
	bool live_only;		/* only the live ones, not the quarantined */
};

static void count_own(struct memsan_object *obj, void *arg)
{
	struct own_count_walk *w = arg;

	if (obj->cache && memsan_own_cache_name(obj->cache) &&
	    (!w->live_only || obj->state == MEMSAN_OBJECT_LIVE))
		w->live++;
}

/* How long an unload waits for objects the kernel frees after a grace period */
#define OWN_DRAIN_WAIT_MS	6000
#define OWN_DRAIN_POLL_MS	100

/**
 * memsan_own_caches_drain() - wait for the kernel to free what it still holds
 *
 * At unload, with the free hooks still on: objects of memsan's caches that
 * an unloaded module gave to kfree_rcu() are freed by the kernel later (6.1
 * gathers them in batches for up to 5 s, and a module's rcu_barrier() does
 * not wait for those), through the free hooks and the quarantine.  Had
 * memsan gone first, its caches would have had to stay with those objects
 * in them, and stay for good once they were freed: about 2.5 MB each time
 * (make soak).  Where the kernel lets a module wait for its kfree_rcu()
 * batches (6.12), that is all.  Elsewhere, waits at most OWN_DRAIN_WAIT_MS, as
 * long as objects of memsan's caches are live: leaks of unloaded modules
 * make an unload that much slower.  Leaks keep the caches either way
 * (memsan_own_caches_exit()).
 */
void memsan_own_caches_drain(void)
{
	struct own_count_walk w = { .live_only = true };
	unsigned int waited;

	if (!own_caches[0].packed || memsan_kvfree_rcu_barrier())
		return;
	for (waited = 0;; waited += OWN_DRAIN_POLL_MS) {
		w.live = 0;
		memsan_objects_walk(count_own, &w);
		if (!w.live || waited >= OWN_DRAIN_WAIT_MS)
			return;
		msleep(OWN_DRAIN_POLL_MS);
	}
}

/**
 * memsan_own_caches_exit() - destroy memsan's kmalloc caches
 *
 * After the quarantine is emptied.  Caches that still hold tracked objects
 * (leaks of unloaded modules, frees the kernel has not done yet) are left to
 * the kernel rather than destroyed with objects in them.
 */
void memsan_own_caches_exit(void)
{
	struct own_count_walk w = { 0 };
	unsigned int i;

	if (!own_caches[0].packed)
		return;
	memsan_objects_walk(count_own, &w);
	if (w.live)
		pr_info("memsan: %lu objects of instrumented modules are still allocated: memsan's kmalloc caches stay\n",
			w.live);
	own_count = 0;
	if (!w.live)
		memsan_allocator_release_held(NULL);
	memsan_allocator_guard_clear();
	for (i = 0; i < ARRAY_SIZE(own_caches); i++) {
		struct own_class *c = &own_caches[i];

		if (!w.live && c->aligned && c->aligned != c->packed)
			memsan_allocator_cache_destroy(c->aligned);
		if (!w.live && c->packed)
			memsan_allocator_cache_destroy(c->packed);
		c->packed = NULL;
		c->aligned = NULL;
	}
}

/**
 * memsan_own_cache_for() - memsan's cache for a kmalloc of @size bytes
 * @size:	bytes the caller asked for
 * @grown:	@size with the redzone
 * @flags:	the call's GFP flags
 *
 * Return: the cache of @size's kmalloc class, or NULL: the kernel's kmalloc
 * serves the call.
 */
struct kmem_cache *memsan_own_cache_for(size_t size, size_t grown, gfp_t flags)
{
	const struct own_class *c;
	unsigned int i;

	if (flags & (GFP_DMA | GFP_DMA32 | __GFP_RECLAIMABLE))
		return NULL;
	if (size <= OWN_SMALL_MAX)
		i = own_small_index[(size + 7) / 8];
	else if (size <= OWN_LARGE_MAX)
		i = own_large_index[fls(size - 1)];
	else
		return NULL;
	/* none made, or gone (own_count is 0 after memsan_own_caches_exit()) */
	if (i >= READ_ONCE(own_count))
		return NULL;
	c = &own_caches[i];
	if (grown > c->size + own_capacity_extra)
		return NULL;
	return size == c->size ? c->aligned : c->packed;
}

static const struct own_class *own_class_of(const struct kmem_cache *cache)
{
	unsigned int i;

	for (i = 0; i < own_count; i++)
		if (own_caches[i].packed == cache || own_caches[i].aligned == cache)
			return &own_caches[i];
	return NULL;
}

/**
 * memsan_own_cache_name() - the kmalloc class name of one of memsan's caches
 * @cache:	any cache
 *
 * Return: "kmalloc-<class>", or NULL if @cache is not memsan's.
 */
const char *memsan_own_cache_name(const struct kmem_cache *cache)
{
	const struct own_class *c = own_class_of(cache);

	return c ? c->name : NULL;
}

/**
 * memsan_own_cache_class() - the kmalloc class of one of memsan's caches
 * @cache:	any cache
 *
 * Return: the class size, or 0 if @cache is not memsan's.
 */
unsigned int memsan_own_cache_class(const struct kmem_cache *cache)
{
	const struct own_class *c = own_class_of(cache);

	return c ? c->size : 0;
}
