// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: access to the slab allocator.
 *
 * Where heap objects start and end, read from the slab allocator's own
 * bookkeeping so that objects memsan never saw are understood too; and the
 * allocator's free functions, called so that memsan's own hooks on them
 * (hooks/hooks.c) let the call through.
 */
#include <linux/hash.h>
#include <linux/irqflags.h>
#include <linux/kfence.h>
#include <linux/llist.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/poison.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "compat/compat.h"
#include "objects/objects.h"
#include "shadow_port/memsan_shadow.h"

/*
 * The caches whose objects end with memsan's guard (memsan's own kmalloc
 * caches, objects/own_caches.c, and the caches instrumented modules create,
 * hooks/slab_api.c), for memsan_cache_guard(), which runs on every
 * classified slab pointer: an open-addressed table of cache pointers, read
 * without a lock.  A module's cache leaves a tombstone when it is destroyed,
 * so that the lookups of the others still find them.
 */
#define GUARDED_BITS	8
#define GUARDED_GONE	((struct kmem_cache *)1)
static struct kmem_cache *guarded[1 << GUARDED_BITS];
static DEFINE_SPINLOCK(guarded_lock);

static unsigned int guard_slot(const struct kmem_cache *cache)
{
	return hash_ptr((void *)cache, GUARDED_BITS);
}

/**
 * memsan_allocator_guard_add() - @cache's objects end with memsan's guard
 * @cache:	a cache just made, from which nothing was allocated yet
 *
 * Return: false if the table is full: its objects then have no left
 * redzone, the guard is a few more bytes of each slot.
 */
bool memsan_allocator_guard_add(struct kmem_cache *cache)
{
	unsigned int i, h = guard_slot(cache);
	bool added = false;

	spin_lock(&guarded_lock);
	for (i = 0; i < ARRAY_SIZE(guarded); i++, h = (h + 1) % ARRAY_SIZE(guarded)) {
		if (!guarded[h] || guarded[h] == GUARDED_GONE) {
			WRITE_ONCE(guarded[h], cache);
			added = true;
			break;
		}
	}
	spin_unlock(&guarded_lock);
	return added;
}

/**
 * memsan_allocator_guard_remove() - @cache is about to be destroyed
 * @cache:	any cache
 *
 * After its objects went back: no pointer into it is classified any more.
 */
void memsan_allocator_guard_remove(struct kmem_cache *cache)
{
	unsigned int size = ARRAY_SIZE(guarded), i, n, h = guard_slot(cache);

	spin_lock(&guarded_lock);
	for (i = 0; i < size && guarded[h] && guarded[h] != cache; i++)
		h = (h + 1) % size;
	if (i < size && guarded[h] == cache) {
		WRITE_ONCE(guarded[h], GUARDED_GONE);
		/*
		 * Tombstones just before an empty slot end no lookup that the
		 * empty slot would not end: they go, so that a module loaded
		 * and unloaded many times does not fill the table with them
		 * (every lookup of a cache without the guard walks to an empty
		 * slot).
		 */
		for (n = 0; n < size && guarded[h] == GUARDED_GONE && !guarded[(h + 1) % size]; n++) {
			WRITE_ONCE(guarded[h], NULL);
			h = (h + size - 1) % size;
		}
	}
	spin_unlock(&guarded_lock);
}

/**
 * memsan_cache_guard() - the left redzone memsan keeps before @cache's objects
 * @cache:	any slab cache
 *
 * Return: MEMSAN_GUARD for a cache memsan_allocator_guard_add() took (its
 * slots end with the guard: the next object's left redzone); 0 for every
 * other cache.
 */
unsigned int memsan_cache_guard(const struct kmem_cache *cache)
{
	unsigned int i, h = guard_slot(cache);
	const struct kmem_cache *c;

	for (i = 0; i < ARRAY_SIZE(guarded); i++, h = (h + 1) % ARRAY_SIZE(guarded)) {
		c = READ_ONCE(guarded[h]);
		if (c == cache)
			return MEMSAN_GUARD;
		if (!c)
			return 0;
	}
	return 0;
}

/**
 * memsan_slab_first() - is @addr the first object of its slab?
 * @addr:	a slab object
 *
 * It has no slot before it where a left redzone could be.  A slab starts
 * at its folio's start, which is aligned to the folio's size.
 */
bool memsan_slab_first(unsigned long addr)
{
	return PAGE_ALIGNED(addr) && !is_kfence_address((void *)addr) &&
	       (unsigned long)folio_address(virt_to_folio((void *)addr)) == addr;
}

/* At unload: no cache has the guard any more. */
void memsan_allocator_guard_clear(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(guarded); i++)
		WRITE_ONCE(guarded[i], NULL);
}

/*
 * The first objects of slabs of guarded caches, which memsan keeps (they
 * have no slot before them for a left redzone), linked through their first
 * word.
 */
static void *held;
static DEFINE_RAW_SPINLOCK(held_lock);

/**
 * __memsan_allocator_hold_first() - keep the first object of a slab back
 * @cache:	the cache @obj came from
 * @obj:	an object just allocated
 *
 * The first object of a slab of a guarded cache would have no left
 * redzone: memsan keeps it (until the cache is destroyed or memsan
 * unloaded) and the caller allocates another.  Its first word links it:
 * what a constructor put there is lost, which does not matter for an
 * object that goes back only when nothing allocates from its cache any
 * more.  Any context.
 *
 * Return: true if memsan kept @obj.
 */
bool __memsan_allocator_hold_first(struct kmem_cache *cache, void *obj)
{
	unsigned long flags;

	if (!memsan_slab_first((unsigned long)obj) || !memsan_cache_guard(cache))
		return false;
	raw_spin_lock_irqsave(&held_lock, flags);
	*(void **)obj = held;
	held = obj;
	raw_spin_unlock_irqrestore(&held_lock, flags);
	return true;
}

/**
 * memsan_allocator_release_held() - give back the kept first objects
 * @cache:	those of this cache, before it is destroyed; NULL: all (unload)
 */
void memsan_allocator_release_held(struct kmem_cache *cache)
{
	void **link, *obj, *mine = NULL;
	unsigned long flags;

	if (cache && !memsan_cache_guard(cache))
		return;
	raw_spin_lock_irqsave(&held_lock, flags);
	link = &held;
	while ((obj = *link)) {
		if (!cache || memsan_folio_slab_cache(virt_to_folio(obj)) == cache) {
			*link = *(void **)obj;
			*(void **)obj = mine;
			mine = obj;
		} else {
			link = (void **)obj;
		}
	}
	raw_spin_unlock_irqrestore(&held_lock, flags);
	while ((obj = mine)) {
		mine = *(void **)obj;
		memsan_allocator_free_untouched(obj);
	}
}

/**
 * memsan_classify_ptr() - what a pointer passed to a free function points at
 * @ptr:	the pointer
 * @slot:	filled in for slab and large-kmalloc pointers (also interior ones)
 *
 * Return: enum memsan_ptr_kind.
 */
enum memsan_ptr_kind memsan_classify_ptr(const void *ptr, struct memsan_slot *slot)
{
	unsigned long addr = (unsigned long)ptr;
	struct folio *folio;
	unsigned long base;

	if (!virt_addr_valid(ptr))
		return MEMSAN_PTR_NOT_HEAP;
	folio = virt_to_folio(ptr);
	base = (unsigned long)folio_address(folio);

	if (folio_test_slab(folio)) {
		struct kmem_cache *s = memsan_folio_slab_cache(folio);
		unsigned int stride = memsan_cache_stride(s);
		unsigned int pad = memsan_cache_left_pad(s);
		/* memsan's guard ends a slot: it is the next object's, as SLUB's pad */
		unsigned int guard = pad ? 0 : memsan_cache_guard(s);
		unsigned long index = (addr - base + guard) / stride;

		slot->cache = s;
		slot->slot_size = stride - pad - guard;
		slot->start = base + index * stride + pad;
		slot->left_pad = pad;
		slot->guard = guard;
		if (index >= folio_size(folio) / stride)
			return MEMSAN_PTR_NOT_HEAP;	/* in the slab's tail */
		return addr == slot->start ? MEMSAN_PTR_SLAB : MEMSAN_PTR_INTERIOR;
	}
	/* kfree() of an order-0 page that is not slab is a bug the kernel warns of */
	if (!folio_test_large(folio))
		return MEMSAN_PTR_NOT_HEAP;
	slot->cache = NULL;
	slot->start = base;
	slot->slot_size = folio_size(folio);
	slot->left_pad = 0;
	slot->guard = 0;
	return addr == base ? MEMSAN_PTR_LARGE : MEMSAN_PTR_INTERIOR;
}

/**
 * memsan_cache_slot() - the slot of an object @cache just handed out
 * @cache:	the cache
 * @ptr:	the object
 * @slot:	filled in as memsan_classify_ptr() would
 *
 * A slab object starts its slot (after SLUB's left pad, before memsan's
 * guard), so @cache says the rest; KFENCE places its objects anywhere in
 * their page, and memsan_classify_ptr() must look.
 *
 * Return: false for KFENCE's objects (@slot not filled in).
 */
bool memsan_cache_slot(struct kmem_cache *cache, const void *ptr, struct memsan_slot *slot)
{
	unsigned int stride = memsan_cache_stride(cache);
	unsigned int pad = memsan_cache_left_pad(cache);
	unsigned int guard = pad ? 0 : memsan_cache_guard(cache);

	if (is_kfence_address(ptr))
		return false;
	slot->cache = cache;
	slot->slot_size = stride - pad - guard;
	slot->start = (unsigned long)ptr;
	slot->left_pad = pad;
	slot->guard = guard;
	return true;
}

/**
 * memsan_record_current() - is the memory of a slab or large kmalloc record
 *	still what the record says?
 * @obj:	a live record
 *
 * A slab object's page still belongs to the record's cache (a cache's
 * objects all start where its layout puts them), a large kmalloc's folio
 * still starts at the object and has the record's size.  Not so when the
 * object went back to the allocator unseen (memsan_object_mark_freed()).
 * The record proves its address is in the linear map: no virt_addr_valid().
 */
bool memsan_record_current(const struct memsan_object *obj)
{
	struct folio *folio;

	if (obj->kind != MEMSAN_KIND_SLAB && obj->kind != MEMSAN_KIND_LARGE)
		return false;
	folio = virt_to_folio((void *)obj->addr);
	if (obj->kind == MEMSAN_KIND_SLAB)
		return folio_test_slab(folio) && memsan_folio_slab_cache(folio) == obj->cache;
	return !folio_test_slab(folio) && folio_test_large(folio) &&
	       (unsigned long)folio_address(folio) == obj->addr &&
	       folio_size(folio) == obj->slot_size;
}

/* === Frees past memsan's hooks === */

DEFINE_PER_CPU(const void *, memsan_free_bypass);

static unsigned long bypassed_call_begin(const void *ptr)
{
	unsigned long flags;

	/*
	 * Interrupts stay off until the call is done: an interrupt or softirq
	 * freeing on this CPU in between would otherwise consume or overwrite
	 * the bypass.
	 */
	local_irq_save(flags);
	this_cpu_write(memsan_free_bypass, ptr);
	return flags;
}

static void bypassed_call_end(unsigned long flags)
{
	this_cpu_write(memsan_free_bypass, NULL);
	local_irq_restore(flags);
}

/*
 * vfree() may sleep, and the quarantine gives objects back in whatever
 * context freed the object that pushed them out (6.1 exports no
 * vfree_atomic()): vmalloc objects go back from a work item.  The list
 * runs through the objects themselves, which memsan owns until then.
 */
static LLIST_HEAD(vfree_list);

static void vfree_work_fn(struct work_struct *work)
{
	struct llist_node *node = llist_del_all(&vfree_list), *next;

	while (node) {
		next = node->next;
		memsan_allocator_vfree(node);
		node = next;
	}
}

static DECLARE_WORK(vfree_work, vfree_work_fn);

/**
 * memsan_allocator_vfree() - vfree() past memsan's hook on it
 * @addr:	the vmalloc object
 *
 * The hook lets calls made from memsan's own code through (it reads the
 * caller's address), so this must not be a tail call: the barrier after
 * it keeps the call a call.
 */
void memsan_allocator_vfree(const void *addr)
{
	vfree(addr);
	barrier();
}

/**
 * memsan_slot_left_zone() - bytes before a slab object that are its left redzone
 * @slot:	the object's slot (memsan_classify_ptr())
 *
 * SLUB's left redzone (SLAB_RED_ZONE: module caches) or memsan's guard at
 * the end of the previous slot (its own kmalloc caches); 0 if neither, for
 * the first object of a slab when it is memsan's guard (no slot before it:
 * memsan_slab_first()) and for KFENCE's objects, which have no pad.
 */
unsigned int memsan_slot_left_zone(const struct memsan_slot *slot)
{
	unsigned int zone = slot->left_pad;

	if (!zone && slot->guard && !memsan_slab_first(slot->start))
		zone = slot->guard;
	return zone && !is_kfence_address((void *)slot->start) ? zone : 0;
}

/*
 * The left redzone before a tracked object (memsan_track_object()
 * poisoned @zone bytes) goes back with the object: no shadow.  If SLUB
 * checks its redzones at the free (slub_debug=F), its pattern for an
 * allocated object is written back first into its own pad: an
 * underflowing store was reported already, SLUB need not report it again.
 * By default it does not check them.
 */
static void left_redzone_release(struct kmem_cache *cache, unsigned long addr,
				 unsigned int zone)
{
	unsigned int pad = memsan_cache_left_pad(cache);

	shadow_clear(&memsan_shadow, addr - zone, zone);
	if (pad && memsan_cache_checks_redzones(cache))
		memset((void *)(addr - pad), SLUB_RED_ACTIVE, pad);
}

/**
 * memsan_allocator_free_untouched() - kfree() of an object memsan never tracked
 * @obj:	a slab object memsan kept for itself (memsan_allocator_hold_first())
 *
 * Past the free hooks, shadow and left redzone untouched.
 */
void memsan_allocator_free_untouched(void *obj)
{
	unsigned long flags = bypassed_call_begin(obj);

	kfree(obj);
	bypassed_call_end(flags);
}

/**
 * memsan_allocator_free() - give an object back to its allocator
 * @addr:	object start
 * @cache:	its cache (for MEMSAN_RELEASE_CACHE_FREE)
 * @release:	which free function the object was freed with
 * @size:	bytes memsan owns from @addr (the order of MEMSAN_RELEASE_FREE_PAGES)
 * @left_zone:	bytes before @addr that memsan poisoned (a slab object's left
 *		redzone: memsan_slot_left_zone()), 0 if none
 *
 * The call goes through memsan's free hooks untouched.
 */
void memsan_allocator_free(unsigned long addr, struct kmem_cache *cache, u8 release,
			   unsigned long size, unsigned int left_zone)
{
	unsigned long flags;

	switch (release) {
	case MEMSAN_RELEASE_FREE_PAGES:
		__free_pages(virt_to_page((void *)addr), get_order(size));
		return;
	case MEMSAN_RELEASE_FREE_PAGES_EXACT:
		free_pages_exact((void *)addr, size);
		return;
	case MEMSAN_RELEASE_VFREE:
		if (llist_add((struct llist_node *)addr, &vfree_list))
			schedule_work(&vfree_work);
		return;
	}
	if (cache && left_zone)
		left_redzone_release(cache, addr, left_zone);
	flags = bypassed_call_begin((void *)addr);
	if (release == MEMSAN_RELEASE_CACHE_FREE)
		kmem_cache_free(cache, (void *)addr);
	else
		kfree((void *)addr);
	bypassed_call_end(flags);
}

/**
 * memsan_allocator_free_batched() - memsan_allocator_free(), in runs
 * @b:		the run being gathered (nr 0 to start; memsan_allocator_free_end() ends it)
 * @addr:	object start
 * @cache:	its cache
 * @release:	which free function the object was freed with
 * @size:	bytes memsan owns from @addr
 * @left_zone:	bytes before @addr that memsan poisoned
 *
 * Slab objects leaving the quarantine together go back with one
 * kmem_cache_free_bulk() per run of one free function and cache (NULL for
 * kfree(), which frees any slab object and large kmalloc): the free hook's
 * trampoline and the interrupt toggle are paid once per run, not once per
 * object.  Other kinds go back at once.
 */
void memsan_allocator_free_batched(struct memsan_free_run *b, unsigned long addr,
				   struct kmem_cache *cache, u8 release, unsigned long size,
				   unsigned int left_zone)
{
	struct kmem_cache *bulk_cache = release == MEMSAN_RELEASE_CACHE_FREE ? cache : NULL;

	if (release != MEMSAN_RELEASE_KFREE && release != MEMSAN_RELEASE_CACHE_FREE) {
		memsan_allocator_free(addr, cache, release, size, left_zone);
		return;
	}
	if (b->nr && (b->cache != bulk_cache || b->nr == ARRAY_SIZE(b->ptrs)))
		memsan_allocator_free_end(b);
	if (cache && left_zone)
		left_redzone_release(cache, addr, left_zone);
	b->cache = bulk_cache;
	b->ptrs[b->nr++] = (void *)addr;
}

/**
 * memsan_allocator_free_end() - give back the run memsan_allocator_free_batched() gathered
 * @b:		the run; empty afterwards
 *
 * The bypass is the array: the hook on kmem_cache_free_bulk() lets the
 * call through, and nothing in it calls another hooked free.
 */
void memsan_allocator_free_end(struct memsan_free_run *b)
{
	unsigned long flags;

	if (!b->nr)
		return;
	flags = bypassed_call_begin(b->ptrs);
	kmem_cache_free_bulk(b->cache, b->nr, b->ptrs);
	bypassed_call_end(flags);
	b->nr = 0;
}

/**
 * memsan_allocator_flush() - wait until every object given back is freed
 *
 * For unload: vmalloc objects go back from a work item.
 */
void memsan_allocator_flush(void)
{
	flush_work(&vfree_work);
}

/*
 * kmem_cache_destroy() sleeps, so its caller may move to another CPU before
 * the hook runs: its bypass is global, and destroys are serialised.
 */
static DEFINE_MUTEX(destroy_lock);
const void *memsan_destroy_bypass;

/**
 * memsan_allocator_cache_destroy() - kmem_cache_destroy() past memsan's hook
 * @cache:	the cache
 */
void memsan_allocator_cache_destroy(struct kmem_cache *cache)
{
	mutex_lock(&destroy_lock);
	WRITE_ONCE(memsan_destroy_bypass, cache);
	kmem_cache_destroy(cache);
	WRITE_ONCE(memsan_destroy_bypass, NULL);
	mutex_unlock(&destroy_lock);
}
