// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: the quarantine of freed objects.
 *
 * A tracked object that is freed is poisoned and held here instead of going
 * back to the allocator, so that a later access through a stale pointer finds
 * freed shadow rather than somebody else's new object.  The quarantine is a
 * FIFO with a byte budget (quarantine_kb): the oldest objects go back first.
 * It also shrinks under memory pressure, gives back a cache's objects before
 * that cache is destroyed, and empties on unload.
 */
#include <linux/mm.h>
#include <linux/shrinker.h>
#include <linux/spinlock.h>

#include "compat.h"
#include "memsan.h"

static struct memsan_object *fifo_head, *fifo_tail;
static unsigned long fifo_bytes, fifo_objects;
static DEFINE_RAW_SPINLOCK(fifo_lock);

/**
 * memsan_release_object() - give an object back to the slab allocator
 * @addr:	object start
 * @cache:	its cache (for MEMSAN_RELEASE_CACHE_FREE)
 * @release:	which free function the object was freed with
 */
void memsan_release_object(unsigned long addr, struct kmem_cache *cache, u8 release)
{
	if (release == MEMSAN_RELEASE_CACHE_FREE)
		memsan_real_cache_free(cache, (void *)addr);
	else
		memsan_real_kfree((void *)addr);
}

/*
 * Release a detached list of quarantined objects.  The shadow is cleared and
 * the record removed before the object goes back: from then on the allocator
 * may hand the address out again, and the allocation hook records it anew.
 */
static void release_list(struct memsan_object *list)
{
	struct memsan_object *obj, *rec;

	while ((obj = list)) {
		unsigned long addr = obj->addr;
		struct kmem_cache *cache = obj->cache;
		u8 release = obj->release;

		list = obj->quarantine_next;
		shadow_clear(&memsan_shadow, addr, obj->slot_size);
		rec = memsan_object_remove(addr);
		if (MEMSAN_WARN_ON(rec != obj))
			continue;	/* leave the object alone rather than free it twice */
		memsan_object_free(obj);
		memsan_count(MEMSAN_COUNTER_QUARANTINE_RELEASED, 1);
		memsan_release_object(addr, cache, release);
	}
}

/*
 * Under fifo_lock: unlink the object at *@pos (whose predecessor is @prev,
 * NULL at the head) and append it to the list whose end is **@tail.
 */
static void move_out(struct memsan_object **pos, struct memsan_object *prev,
		     struct memsan_object ***tail)
{
	struct memsan_object *obj = *pos;

	*pos = obj->quarantine_next;
	if (fifo_tail == obj)
		fifo_tail = prev;
	fifo_bytes -= obj->slot_size;
	fifo_objects--;
	memsan_count(MEMSAN_COUNTER_QUARANTINE_BYTES, -(long)obj->slot_size);
	memsan_count(MEMSAN_COUNTER_QUARANTINE_OBJECTS, -1);
	obj->quarantine_next = NULL;
	**tail = obj;
	*tail = &obj->quarantine_next;
}

/* Under fifo_lock: detach objects from the head until at most @budget bytes stay. */
static struct memsan_object *detach_over(unsigned long budget, unsigned long max_objects)
{
	struct memsan_object *list = NULL, **tail = &list;

	while (fifo_head && fifo_bytes > budget && max_objects--)
		move_out(&fifo_head, NULL, &tail);
	return list;
}

/**
 * memsan_quarantine_put() - hold a freed, poisoned object
 * @obj: its record, already in the quarantined state
 *
 * Releases the oldest objects if the budget is exceeded.  Any context.
 */
void memsan_quarantine_put(struct memsan_object *obj)
{
	unsigned long budget = (unsigned long)READ_ONCE(memsan_quarantine_kb) * 1024;
	struct memsan_object *list;
	unsigned long flags;

	obj->quarantine_next = NULL;
	raw_spin_lock_irqsave(&fifo_lock, flags);
	if (fifo_tail)
		fifo_tail->quarantine_next = obj;
	else
		fifo_head = obj;
	fifo_tail = obj;
	fifo_bytes += obj->slot_size;
	fifo_objects++;
	memsan_count(MEMSAN_COUNTER_QUARANTINE_BYTES, obj->slot_size);
	memsan_count(MEMSAN_COUNTER_QUARANTINE_OBJECTS, 1);
	list = detach_over(budget, ULONG_MAX);
	raw_spin_unlock_irqrestore(&fifo_lock, flags);
	release_list(list);
}

/**
 * memsan_quarantine_shrink() - release the oldest objects down to @budget bytes
 */
void memsan_quarantine_shrink(unsigned long budget)
{
	struct memsan_object *list;
	unsigned long flags;

	raw_spin_lock_irqsave(&fifo_lock, flags);
	list = detach_over(budget, ULONG_MAX);
	raw_spin_unlock_irqrestore(&fifo_lock, flags);
	release_list(list);
}

/**
 * memsan_quarantine_drop_cache() - release every quarantined object of @cache
 *
 * Called before kmem_cache_destroy(), which must find the cache empty.
 */
void memsan_quarantine_drop_cache(struct kmem_cache *cache)
{
	struct memsan_object *list = NULL, **tail = &list, **pos, *obj, *prev = NULL;
	unsigned long flags;

	raw_spin_lock_irqsave(&fifo_lock, flags);
	pos = &fifo_head;
	while ((obj = *pos)) {
		if (obj->cache == cache) {
			move_out(pos, prev, &tail);
		} else {
			prev = obj;
			pos = &obj->quarantine_next;
		}
	}
	raw_spin_unlock_irqrestore(&fifo_lock, flags);
	release_list(list);
}

/* === Shrinker: memory pressure empties the quarantine from its oldest end === */

static unsigned long quarantine_count(struct shrinker *shrinker, struct shrink_control *sc)
{
	return READ_ONCE(fifo_objects) ?: SHRINK_EMPTY;
}

static unsigned long quarantine_scan(struct shrinker *shrinker, struct shrink_control *sc)
{
	struct memsan_object *list;
	unsigned long flags, before;

	raw_spin_lock_irqsave(&fifo_lock, flags);
	before = fifo_objects;
	list = detach_over(0, sc->nr_to_scan);
	before -= fifo_objects;
	raw_spin_unlock_irqrestore(&fifo_lock, flags);
	release_list(list);
	return before;
}

static struct shrinker quarantine_shrinker = {
	.count_objects = quarantine_count,
	.scan_objects = quarantine_scan,
	.seeks = DEFAULT_SEEKS,
};

int memsan_quarantine_init(void)
{
	return memsan_register_shrinker(&quarantine_shrinker, "memsan-quarantine");
}

/* With the hooks gone: give everything back. */
void memsan_quarantine_exit(void)
{
	memsan_unregister_shrinker(&quarantine_shrinker);
	memsan_quarantine_shrink(0);
}
