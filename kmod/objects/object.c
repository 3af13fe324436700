// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: metadata of tracked objects.
 *
 * Slab objects have no room for memsan's metadata (the slab layout is fixed in
 * a stock kernel), so records live in a hash table keyed by object address.
 * Records come from pages taken from the page allocator: the slab hooks run
 * in any context and must never call the slab allocator they watch.
 */
#include <linux/hash.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>

#include "counters/counters.h"
#include "objects/objects.h"
#include "settings/settings.h"
#include "shadow_port/memsan_shadow.h"

#define OBJECT_HASH_BITS	16
#define OBJECT_LOCK_BITS	10
/* Objects are at least 8-byte aligned: the low bits of an address carry no hash. */
#define OBJECT_ALIGN_SHIFT	3

static struct memsan_object **object_hash;
static raw_spinlock_t object_locks[1 << OBJECT_LOCK_BITS];

/*
 * Free records, and the pages they were carved from.  Each CPU keeps a few
 * free records of its own, so that a tracked allocation and free take the
 * global pool_lock once per POOL_BATCH records, not every time.
 */
static struct memsan_object *pool_free;
static LIST_HEAD(pool_pages);
static DEFINE_RAW_SPINLOCK(pool_lock);

#define POOL_BATCH	16
#define POOL_CPU_MAX	(2 * POOL_BATCH)

struct pool_cpu {
	struct memsan_object *free;
	unsigned int nr;
};
static DEFINE_PER_CPU(struct pool_cpu, pool_cpu);

/* The metadata budget: one cache line per tracked object. */
#define OBJECT_RECORD_MAX	64
static_assert(sizeof(struct memsan_object) <= OBJECT_RECORD_MAX);

static unsigned int object_bucket(unsigned long addr)
{
	return hash_long(addr >> OBJECT_ALIGN_SHIFT, OBJECT_HASH_BITS);
}

static raw_spinlock_t *object_lock(unsigned int bucket)
{
	return &object_locks[bucket >> (OBJECT_HASH_BITS - OBJECT_LOCK_BITS)];
}

/* Under pool_lock: carve a new page into free records. */
static bool pool_grow(void)
{
	struct page *page = alloc_page(GFP_NOWAIT | __GFP_NOWARN | __GFP_ZERO);
	struct memsan_object *obj;
	unsigned int i;

	lockdep_assert_held(&pool_lock);
	if (!page)
		return false;
	list_add(&page->lru, &pool_pages);
	obj = page_address(page);
	for (i = 0; i < PAGE_SIZE / sizeof(*obj); i++) {
		obj[i].quarantine_next = pool_free;
		pool_free = &obj[i];
	}
	memsan_count(MEMSAN_COUNTER_METADATA_BYTES, PAGE_SIZE);
	return true;
}

/* Interrupts off: move up to POOL_BATCH records from the global pool to @pc. */
static void pool_refill(struct pool_cpu *pc)
{
	struct memsan_object *obj;

	lockdep_assert_irqs_disabled();
	raw_spin_lock(&pool_lock);
	while (pc->nr < POOL_BATCH && (pool_free || pool_grow())) {
		obj = pool_free;
		pool_free = obj->quarantine_next;
		obj->quarantine_next = pc->free;
		pc->free = obj;
		pc->nr++;
	}
	raw_spin_unlock(&pool_lock);
}

/* Interrupts off: give POOL_BATCH of @pc's records back to the global pool. */
static void pool_drain(struct pool_cpu *pc)
{
	struct memsan_object *obj;
	unsigned int i;

	lockdep_assert_irqs_disabled();
	raw_spin_lock(&pool_lock);
	for (i = 0; i < POOL_BATCH && pc->free; i++) {
		obj = pc->free;
		pc->free = obj->quarantine_next;
		pc->nr--;
		obj->quarantine_next = pool_free;
		pool_free = obj;
	}
	raw_spin_unlock(&pool_lock);
}

/**
 * memsan_object_alloc() - get a zeroed metadata record
 *
 * Safe in any context but NMI.  Return: the record, or NULL when the page
 * allocator has nothing to give without sleeping.
 */
struct memsan_object *memsan_object_alloc(void)
{
	struct memsan_object *obj = NULL;
	struct pool_cpu *pc;
	unsigned long flags;

	if (memsan_fail_alloc(MEMSAN_FAIL_OBJECT))
		return NULL;
	local_irq_save(flags);
	pc = this_cpu_ptr(&pool_cpu);
	if (!pc->nr)
		pool_refill(pc);
	if (pc->nr) {
		obj = pc->free;
		pc->free = obj->quarantine_next;
		pc->nr--;
	}
	local_irq_restore(flags);
	if (obj)
		memset(obj, 0, sizeof(*obj));
	return obj;
}

void memsan_object_free(struct memsan_object *obj)
{
	struct pool_cpu *pc;
	unsigned long flags;

	local_irq_save(flags);
	pc = this_cpu_ptr(&pool_cpu);
	obj->quarantine_next = pc->free;
	pc->free = obj;
	if (++pc->nr > POOL_CPU_MAX)
		pool_drain(pc);
	local_irq_restore(flags);
}

/* Under the bucket lock: the slot pointing at the record for @addr. */
static struct memsan_object **object_slot(unsigned int bucket, unsigned long addr)
{
	struct memsan_object **slot = &object_hash[bucket];

	lockdep_assert_held(object_lock(bucket));
	while (*slot && (*slot)->addr != addr)
		slot = &(*slot)->hash_next;
	return slot;
}

/**
 * memsan_object_insert() - add the record of a new object
 * @obj: filled-in record
 *
 * A record left at the same address (an object freed behind memsan's back,
 * e.g. while a probe was missed) is replaced: the allocator handing the
 * address out again proves the old object gone.  A quarantined record there
 * would mean the allocator reused memory memsan holds: memsan turns off.
 */
void memsan_object_insert(struct memsan_object *obj)
{
	unsigned int bucket = object_bucket(obj->addr);
	struct memsan_object **slot, *old;
	unsigned long flags;

	raw_spin_lock_irqsave(object_lock(bucket), flags);
	slot = object_slot(bucket, obj->addr);
	old = *slot;
	if (old) {
		obj->hash_next = old->hash_next;
		*slot = obj;
	} else {
		obj->hash_next = object_hash[bucket];
		object_hash[bucket] = obj;
	}
	raw_spin_unlock_irqrestore(object_lock(bucket), flags);

	if (old) {
		MEMSAN_WARN_ON(old->state == MEMSAN_OBJECT_QUARANTINED);
		memsan_object_free(old);
	} else {
		memsan_count(MEMSAN_COUNTER_OBJECTS, 1);
	}
}

/**
 * memsan_object_remove() - unlink the record of an object
 * @addr:	the object's start
 *
 * Return: the record, now owned by the caller, or NULL.
 */
struct memsan_object *memsan_object_remove(unsigned long addr)
{
	unsigned int bucket = object_bucket(addr);
	struct memsan_object **slot, *obj;
	unsigned long flags;

	raw_spin_lock_irqsave(object_lock(bucket), flags);
	slot = object_slot(bucket, addr);
	obj = *slot;
	if (obj)
		*slot = obj->hash_next;
	raw_spin_unlock_irqrestore(object_lock(bucket), flags);
	if (obj)
		memsan_count(MEMSAN_COUNTER_OBJECTS, -1);
	return obj;
}

/**
 * memsan_object_lookup() - copy the record of an object
 * @addr:	the object's start
 * @copy:	where to copy the record
 *
 * Return: whether there is one.
 */
bool memsan_object_lookup(unsigned long addr, struct memsan_object *copy)
{
	unsigned int bucket = object_bucket(addr);
	struct memsan_object *obj;
	unsigned long flags;

	raw_spin_lock_irqsave(object_lock(bucket), flags);
	obj = *object_slot(bucket, addr);
	if (obj)
		*copy = *obj;
	raw_spin_unlock_irqrestore(object_lock(bucket), flags);
	return obj;
}

/* Can a free of the slab API (kfree(), kmem_cache_free()) free an object of @kind? */
static bool kind_is_slab(u8 kind)
{
	return kind == MEMSAN_KIND_SLAB || kind == MEMSAN_KIND_LARGE;
}

/* Under the bucket lock: a live record becomes quarantined, freed by current */
static void mark_quarantined(struct memsan_object *obj, u8 release)
{
	obj->state = MEMSAN_OBJECT_QUARANTINED;
	obj->free_stack = 0;	/* the caller saves it */
	obj->free_pid = task_pid_nr(current);
	obj->release = release;
}

/**
 * memsan_object_mark_freed() - move a live object to the quarantined state
 * @slot:	the object's slot, as the slab allocator sees it now
 * @release:	how the quarantine will give it back
 * @old_state:	the state found: enum memsan_object_state
 * @old_kind:	the kind of the record found (enum memsan_object_kind)
 *
 * The check and the change are one step under the bucket lock, so of two
 * racing frees exactly one wins and the other is a double free.  A record
 * of another kind (pages, vmalloc) is left alone: that free is the
 * caller's alloc-free mismatch.
 *
 * A record whose cache is not the slot's cache is stale: its object went
 * back to the allocator unseen (a missed probe) and the memory now belongs
 * to another cache.  It is brought up to date from @slot, without its
 * allocation history, so that the object is given back to the right cache.
 *
 * Return: the record if this call moved it to quarantined, else NULL.
 */
struct memsan_object *memsan_object_mark_freed(const struct memsan_slot *slot, u8 release,
					       u8 *old_state, u8 *old_kind)
{
	unsigned int bucket = object_bucket(slot->start);
	struct memsan_object *obj;
	unsigned long flags;

	raw_spin_lock_irqsave(object_lock(bucket), flags);
	obj = *object_slot(bucket, slot->start);
	*old_state = obj ? obj->state : MEMSAN_OBJECT_UNTRACKED;
	*old_kind = obj ? obj->kind : MEMSAN_KIND_SLAB;
	if (obj && obj->state == MEMSAN_OBJECT_LIVE && kind_is_slab(obj->kind)) {
		if (obj->cache != slot->cache || obj->slot_size != slot->slot_size) {
			obj->cache = slot->cache;
			obj->slot_size = slot->slot_size;
			obj->size = slot->slot_size;
			obj->alloc_stack = 0;
			obj->alloc_pid = 0;
			/* what lies before it now is not its old life's to clear */
			obj->left_zone = 0;
		}
		mark_quarantined(obj, release);
	} else {
		obj = NULL;
	}
	raw_spin_unlock_irqrestore(object_lock(bucket), flags);
	return obj;
}

/**
 * memsan_object_mark_freed_current() - memsan_object_mark_freed() of a
 *	record known to be current
 * @addr:	the pointer given to kfree() or kmem_cache_free()
 * @cache:	the cache given to kmem_cache_free(), NULL for kfree()
 * @release:	how the quarantine will give it back
 *
 * The common free: a live record at @addr whose memory is still what the
 * record says (memsan_record_current()), of @cache if one is given.  Then
 * @addr starts the slot memsan_classify_ptr() would find, with the
 * record's cache and size: the free needs no classification.
 *
 * Return: the record if this call moved it to quarantined; NULL if the
 * caller must classify the pointer and call memsan_object_mark_freed().
 */
struct memsan_object *memsan_object_mark_freed_current(unsigned long addr,
						       struct kmem_cache *cache, u8 release)
{
	unsigned int bucket = object_bucket(addr);
	struct memsan_object *obj;
	unsigned long flags;

	raw_spin_lock_irqsave(object_lock(bucket), flags);
	obj = *object_slot(bucket, addr);
	if (obj && obj->state == MEMSAN_OBJECT_LIVE && (!cache || obj->cache == cache) &&
	    memsan_record_current(obj))
		mark_quarantined(obj, release);
	else
		obj = NULL;
	raw_spin_unlock_irqrestore(object_lock(bucket), flags);
	return obj;
}

/**
 * memsan_object_mark_freed_kind() - the same for a page or vmalloc object
 * @addr:	the address given to the free function
 * @kind:	the kind that free function frees (enum memsan_object_kind)
 * @release:	how the quarantine will give it back
 * @old_state:	the state found: enum memsan_object_state
 * @old_kind:	the kind of the record found
 *
 * Return: the record if this call moved it from live to quarantined: it
 * was of @kind.  NULL otherwise: no record, a quarantined one (a double
 * free) or one of another kind (a mismatch).
 */
struct memsan_object *memsan_object_mark_freed_kind(unsigned long addr, u8 kind, u8 release,
						    u8 *old_state, u8 *old_kind)
{
	unsigned int bucket = object_bucket(addr);
	struct memsan_object *obj;
	unsigned long flags;

	raw_spin_lock_irqsave(object_lock(bucket), flags);
	obj = *object_slot(bucket, addr);
	*old_state = obj ? obj->state : MEMSAN_OBJECT_UNTRACKED;
	*old_kind = obj ? obj->kind : kind;
	if (obj && obj->state == MEMSAN_OBJECT_LIVE && obj->kind == kind)
		mark_quarantined(obj, release);
	else
		obj = NULL;
	raw_spin_unlock_irqrestore(object_lock(bucket), flags);
	return obj;
}

/* A report looks this many pages back for the start of a page or vmalloc object. */
#define OBJECT_FIND_PAGES	4096

/**
 * memsan_object_find() - copy the record of the page or vmalloc object
 *	holding @addr
 * @addr:	any address
 * @copy:	where to copy the record
 *
 * Such objects start on a page boundary: the pages before @addr are looked
 * up, nearest first, up to the first record found (objects do not
 * overlap).  For reports: up to OBJECT_FIND_PAGES lookups.
 *
 * Return: whether a page or vmalloc object covers @addr (its slot, guard
 * page included).
 */
bool memsan_object_find(unsigned long addr, struct memsan_object *copy)
{
	unsigned long start = addr & PAGE_MASK;
	unsigned int i;

	for (i = 0; i < OBJECT_FIND_PAGES && start; i++, start -= PAGE_SIZE) {
		if (!memsan_object_lookup(start, copy))
			continue;
		return !kind_is_slab(copy->kind) && addr - copy->addr < copy->slot_size;
	}
	return false;
}

static const char *const kind_names[] = {
	[MEMSAN_KIND_SLAB] = "slab",
	[MEMSAN_KIND_LARGE] = "large kmalloc",
	[MEMSAN_KIND_PAGES] = "pages",
	[MEMSAN_KIND_VMALLOC] = "vmalloc",
};

/* The kind's name, as reports give it. */
const char *memsan_object_kind_name(u8 kind)
{
	return kind < ARRAY_SIZE(kind_names) ? kind_names[kind] : "unknown";
}

/**
 * memsan_objects_purge_cache() - forget the live objects of a dying cache
 * @cache:	the cache
 *
 * kmem_cache_destroy() of a cache with live objects is a leak the kernel
 * reports itself; memsan only has to drop records that would otherwise point
 * at a freed cache.  Quarantined objects were released before.
 */
void memsan_objects_purge_cache(struct kmem_cache *cache)
{
	unsigned int bucket;

	for (bucket = 0; bucket < (1U << OBJECT_HASH_BITS); bucket++) {
		struct memsan_object **slot = &object_hash[bucket];
		struct memsan_object *dead = NULL, *obj;
		unsigned long flags;

		raw_spin_lock_irqsave(object_lock(bucket), flags);
		while ((obj = *slot)) {
			if (obj->cache == cache && obj->state == MEMSAN_OBJECT_LIVE) {
				*slot = obj->hash_next;
				obj->hash_next = dead;
				dead = obj;
			} else {
				slot = &obj->hash_next;
			}
		}
		raw_spin_unlock_irqrestore(object_lock(bucket), flags);

		while ((obj = dead)) {
			dead = obj->hash_next;
			/* its left redzone too: the cache's pages go back */
			shadow_clear(&memsan_shadow, obj->addr - obj->left_zone,
				     obj->left_zone + obj->slot_size);
			memsan_count(MEMSAN_COUNTER_OBJECTS, -1);
			memsan_object_free(obj);
		}
	}
}

/**
 * memsan_objects_walk() - call @fn on every record, live or quarantined
 * @fn:		called with the record's bucket lock held and interrupts off:
 *		it must not sleep, allocate or take a memsan lock; it may
 *		change the record's @leak_flags, nothing else
 * @arg:	passed to @fn
 *
 * Process context.  A record inserted or removed during the walk may be
 * seen or not; each record present throughout is seen once.
 */
void memsan_objects_walk(void (*fn)(struct memsan_object *obj, void *arg), void *arg)
{
	unsigned int bucket;

	for (bucket = 0; bucket < (1U << OBJECT_HASH_BITS); bucket++) {
		struct memsan_object *obj;
		unsigned long flags;

		if (!READ_ONCE(object_hash[bucket]))
			continue;
		raw_spin_lock_irqsave(object_lock(bucket), flags);
		for (obj = object_hash[bucket]; obj; obj = obj->hash_next)
			fn(obj, arg);
		raw_spin_unlock_irqrestore(object_lock(bucket), flags);
		if (!(bucket & 1023))
			cond_resched();
	}
}

/**
 * memsan_objects_pool_pages() - call @fn on every page records are carved from
 * @fn:		called under pool_lock, interrupts off: it must not sleep,
 *		allocate or take a lock
 * @arg:	passed to @fn
 *
 * The leak scan must not take the records' addresses for references.
 */
void memsan_objects_pool_pages(void (*fn)(struct page *page, void *arg), void *arg)
{
	unsigned long flags;
	struct page *page;

	raw_spin_lock_irqsave(&pool_lock, flags);
	list_for_each_entry(page, &pool_pages, lru)
		fn(page, arg);
	raw_spin_unlock_irqrestore(&pool_lock, flags);
}

int memsan_objects_init(void)
{
	unsigned int i;

	object_hash = vzalloc(array_size(1U << OBJECT_HASH_BITS, sizeof(*object_hash)));
	if (!object_hash)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(object_locks); i++)
		raw_spin_lock_init(&object_locks[i]);
	memsan_count(MEMSAN_COUNTER_METADATA_BYTES,
		     (1UL << OBJECT_HASH_BITS) * sizeof(*object_hash));
	return 0;
}

/* Called with every hook gone: nothing else touches the table. */
void memsan_objects_exit(void)
{
	struct page *page, *tmp;
	int cpu;

	vfree(object_hash);
	object_hash = NULL;
	list_for_each_entry_safe(page, tmp, &pool_pages, lru) {
		list_del(&page->lru);
		__free_page(page);
	}
	pool_free = NULL;
	for_each_possible_cpu(cpu)
		*per_cpu_ptr(&pool_cpu, cpu) = (struct pool_cpu){};
}
