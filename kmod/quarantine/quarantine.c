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
 *
 * Each CPU gathers freed objects in a small batch of its own (a stage) and
 * appends the batch to the FIFO when it holds stage_limit() bytes, so that
 * CPUs freeing at once take the FIFO's lock once per batch, not once per
 * free.  The FIFO keeps room for every CPU's batch: the quarantine as a whole
 * stays within its budget.
 */
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/sizes.h>
#include <linux/shrinker.h>
#include <linux/spinlock.h>

#include "compat/compat.h"
#include "counters/counters.h"
#include "objects/objects.h"
#include "quarantine/quarantine.h"
#include "settings/settings.h"
#include "shadow_port/memsan_shadow.h"

/* A queue of quarantined objects, oldest first. */
struct qlist {
	struct memsan_object *head, *tail;
	unsigned long bytes, objects;
};

static struct qlist fifo;
static DEFINE_RAW_SPINLOCK(fifo_lock);

struct stage {
	raw_spinlock_t lock;
	struct qlist q;
};
static DEFINE_PER_CPU(struct stage, stages);

#define STAGE_BYTES_MAX	SZ_64K
/* A CPU's stage holds at most this fraction of its share of the budget. */
#define STAGE_BUDGET_SHARE	16

/*
 * Bytes a CPU gathers before it appends them to the FIFO.  nr_cpu_ids bounds
 * the number of CPUs and is a plain variable: num_possible_cpus() would count
 * the bits of the possible mask on every free.
 */
static unsigned long stage_limit(unsigned long budget)
{
	return min_t(unsigned long, STAGE_BYTES_MAX, budget / STAGE_BUDGET_SHARE / nr_cpu_ids);
}

/*
 * Release a detached list of quarantined objects.  The shadow is cleared and
 * the record removed before the object goes back: from then on the allocator
 * may hand the address out again, and the allocation hook records it anew.
 * Slab objects go back in runs (memsan_allocator_free_batched()).
 */
static void release_list(struct memsan_object *list)
{
	struct memsan_object *obj, *rec;
	struct memsan_free_run run;
	long released = 0;

	run.cache = NULL;
	run.nr = 0;

	while ((obj = list)) {
		unsigned long addr = obj->addr;
		struct kmem_cache *cache = obj->cache;
		unsigned long slot_size = obj->slot_size;
		u8 release = obj->release;
		unsigned int left_zone = obj->left_zone;

		list = obj->quarantine_next;
		shadow_clear(&memsan_shadow, addr, obj->slot_size);
		rec = memsan_object_remove(addr);
		if (MEMSAN_WARN_ON(rec != obj))
			continue;	/* leave the object alone rather than free it twice */
		memsan_object_free(obj);
		released++;
		memsan_allocator_free_batched(&run, addr, cache, release, slot_size, left_zone);
	}
	memsan_allocator_free_end(&run);
	if (released)
		memsan_count(MEMSAN_COUNTER_QUARANTINE_RELEASED, released);
}

/* Under @q's lock: append @obj. */
static void qlist_add(struct qlist *q, struct memsan_object *obj)
{
	obj->quarantine_next = NULL;
	if (q->tail)
		q->tail->quarantine_next = obj;
	else
		q->head = obj;
	q->tail = obj;
	q->bytes += obj->slot_size;
	q->objects++;
}

/* Under both locks: move all of @from to the end of @to. */
static void qlist_splice(struct qlist *to, struct qlist *from)
{
	if (!from->head)
		return;
	if (to->tail)
		to->tail->quarantine_next = from->head;
	else
		to->head = from->head;
	to->tail = from->tail;
	to->bytes += from->bytes;
	to->objects += from->objects;
	*from = (struct qlist){};
}

/*
 * Under @q's lock: unlink the object at *@pos (whose predecessor is @prev,
 * NULL at the head) and append it to the list whose end is **@tail: it
 * leaves the quarantine.  The caller updates the counters with what @q
 * lost (count_out()), once for all it moved out.
 */
static void move_out(struct qlist *q, struct memsan_object **pos, struct memsan_object *prev,
		     struct memsan_object ***tail)
{
	struct memsan_object *obj = *pos;

	*pos = obj->quarantine_next;
	if (q->tail == obj)
		q->tail = prev;
	q->bytes -= obj->slot_size;
	q->objects--;
	obj->quarantine_next = NULL;
	**tail = obj;
	*tail = &obj->quarantine_next;
}

/* The counters' side of move_out(): @q held @bytes and @objects before. */
static void count_out(const struct qlist *q, unsigned long bytes, unsigned long objects)
{
	if (objects == q->objects)
		return;
	memsan_count(MEMSAN_COUNTER_QUARANTINE_BYTES, -(long)(bytes - q->bytes));
	memsan_count(MEMSAN_COUNTER_QUARANTINE_OBJECTS, -(long)(objects - q->objects));
}

/* Under fifo_lock: detach objects from the head until at most @budget bytes stay. */
static struct memsan_object *detach_over(unsigned long budget, unsigned long max_objects)
{
	struct memsan_object *list = NULL, **tail = &list;
	unsigned long bytes = fifo.bytes, objects = fifo.objects;

	lockdep_assert_held(&fifo_lock);
	while (fifo.head && fifo.bytes > budget && max_objects--)
		move_out(&fifo, &fifo.head, NULL, &tail);
	count_out(&fifo, bytes, objects);
	return list;
}

/* Interrupts off: append every CPU's stage to the FIFO. */
static void flush_stages(void)
{
	int cpu;

	lockdep_assert_irqs_disabled();
	for_each_possible_cpu(cpu) {
		struct stage *st = per_cpu_ptr(&stages, cpu);

		raw_spin_lock(&st->lock);
		raw_spin_lock(&fifo_lock);
		qlist_splice(&fifo, &st->q);
		raw_spin_unlock(&fifo_lock);
		raw_spin_unlock(&st->lock);
	}
}

/**
 * memsan_quarantine_put() - hold a freed, poisoned object
 * @obj: its record, already in the quarantined state
 *
 * Releases the oldest objects if the budget is exceeded.  Any context.
 */
void memsan_quarantine_put(struct memsan_object *obj)
{
	unsigned long budget = (unsigned long)READ_ONCE(memsan_quarantine_kb) * SZ_1K;
	unsigned long limit = stage_limit(budget);
	struct memsan_object *list;
	struct qlist batch;
	struct stage *st;
	unsigned long flags;

	memsan_count(MEMSAN_COUNTER_QUARANTINE_BYTES, obj->slot_size);
	memsan_count(MEMSAN_COUNTER_QUARANTINE_OBJECTS, 1);
	local_irq_save(flags);
	st = this_cpu_ptr(&stages);
	raw_spin_lock(&st->lock);
	qlist_add(&st->q, obj);
	if (st->q.bytes < limit) {
		raw_spin_unlock(&st->lock);
		local_irq_restore(flags);
		return;
	}
	batch = st->q;
	st->q = (struct qlist){};
	raw_spin_unlock(&st->lock);

	raw_spin_lock(&fifo_lock);
	qlist_splice(&fifo, &batch);
	list = detach_over(budget - limit * nr_cpu_ids, ULONG_MAX);
	raw_spin_unlock(&fifo_lock);
	local_irq_restore(flags);
	release_list(list);
}

/**
 * memsan_quarantine_shrink() - release the oldest objects down to a budget
 * @budget:	bytes that may stay
 */
void memsan_quarantine_shrink(unsigned long budget)
{
	struct memsan_object *list;
	unsigned long flags;

	local_irq_save(flags);
	flush_stages();
	raw_spin_lock(&fifo_lock);
	list = detach_over(budget, ULONG_MAX);
	raw_spin_unlock(&fifo_lock);
	local_irq_restore(flags);
	release_list(list);
}

/* Under @q's lock: move @q's objects of @cache to the list ending at **@tail. */
static void take_cache(struct qlist *q, struct kmem_cache *cache, struct memsan_object ***tail)
{
	struct memsan_object **pos = &q->head, *obj, *prev = NULL;
	unsigned long bytes = q->bytes, objects = q->objects;

	while ((obj = *pos)) {
		if (obj->cache == cache) {
			move_out(q, pos, prev, tail);
		} else {
			prev = obj;
			pos = &obj->quarantine_next;
		}
	}
	count_out(q, bytes, objects);
}

/**
 * memsan_quarantine_drop_cache() - release every quarantined object of a cache
 * @cache:	the cache
 *
 * Called before kmem_cache_destroy(), which must find the cache empty.
 */
void memsan_quarantine_drop_cache(struct kmem_cache *cache)
{
	struct memsan_object *list = NULL, **tail = &list;
	unsigned long flags;
	int cpu;

	local_irq_save(flags);
	for_each_possible_cpu(cpu) {
		struct stage *st = per_cpu_ptr(&stages, cpu);

		raw_spin_lock(&st->lock);
		take_cache(&st->q, cache, &tail);
		raw_spin_unlock(&st->lock);
	}
	raw_spin_lock(&fifo_lock);
	take_cache(&fifo, cache, &tail);
	raw_spin_unlock(&fifo_lock);
	local_irq_restore(flags);
	release_list(list);
}

/* === Shrinker: memory pressure empties the quarantine from its oldest end === */

static unsigned long quarantine_count(struct shrinker *shrinker, struct shrink_control *sc)
{
	long objects = memsan_counter_read(MEMSAN_COUNTER_QUARANTINE_OBJECTS);

	return objects > 0 ? objects : SHRINK_EMPTY;
}

static unsigned long quarantine_scan(struct shrinker *shrinker, struct shrink_control *sc)
{
	struct memsan_object *list;
	unsigned long flags, before;

	local_irq_save(flags);
	flush_stages();
	raw_spin_lock(&fifo_lock);
	before = fifo.objects;
	list = detach_over(0, sc->nr_to_scan);
	before -= fifo.objects;
	raw_spin_unlock(&fifo_lock);
	local_irq_restore(flags);
	release_list(list);
	return before;
}

static struct shrinker *quarantine_shrinker;

int memsan_quarantine_init(void)
{
	int cpu;

	for_each_possible_cpu(cpu)
		raw_spin_lock_init(&per_cpu_ptr(&stages, cpu)->lock);
	quarantine_shrinker = memsan_shrinker_create("memsan-quarantine", quarantine_count,
						     quarantine_scan);
	return quarantine_shrinker ? 0 : -ENOMEM;
}

/* With the hooks gone: give everything back. */
void memsan_quarantine_exit(void)
{
	memsan_shrinker_destroy(quarantine_shrinker);
	memsan_quarantine_shrink(0);
	memsan_allocator_flush();
}
