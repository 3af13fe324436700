// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: what happens when a tracked object is allocated or freed, however
 * memsan learnt of it: from a wrapper an instrumented module called
 * (slab_api.c) or from a hook on the kernel's slab functions (hooks.c).
 *
 * An allocation gets a record (objects/object.c) and shadow that marks the bytes
 * asked for as addressable and the rest of the slot as redzone.  A free
 * poisons the whole slot and puts the record in the quarantine, or reports a
 * double or invalid free and swallows the call.
 */
#include <linux/mm.h>
#include <linux/vmalloc.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "compat/compat.h"
#include "counters/counters.h"
#include "hooks/hooks.h"
#include "objects/objects.h"
#include "quarantine/quarantine.h"
#include "report/report.h"
#include "settings/settings.h"
#include "shadow_port/memsan_shadow.h"

/**
 * memsan_cache_trackable() - may objects of @cache be tracked?
 * @cache:	the cache, or NULL for kmalloc
 *
 * Objects of SLAB_TYPESAFE_BY_RCU caches may be read after they are freed,
 * by design: they are not tracked.
 */
bool memsan_cache_trackable(struct kmem_cache *cache)
{
	return !cache || !memsan_cache_typesafe_by_rcu(cache);
}

/**
 * memsan_grown_size() - @size plus the redzone memsan adds to kmalloc calls
 * @size:	size the caller asked for
 *
 * Return: the size to pass to a variable-size kmalloc function.
 */
size_t memsan_grown_size(size_t size)
{
	unsigned int redzone = READ_ONCE(memsan_redzone);

	if (!redzone || !size || size > KMALLOC_MAX_CACHE_SIZE - redzone)
		return size;
	return size + redzone;
}

/**
 * memsan_track_object() - record a new object and poison what was not asked for
 * @ptr:	the object
 * @size:	bytes the caller asked for; 0 means the whole object (kmem_cache)
 * @stack:	allocation stack
 *
 * Anything but a slab object or a large kmalloc object is ignored.  A record
 * already at @ptr is replaced.
 */
void memsan_track_object(const void *ptr, unsigned long size, depot_stack_handle_t stack)
{
	struct memsan_object *obj;
	struct memsan_slot slot;
	enum memsan_ptr_kind kind;
	u8 redzone;

	if (ZERO_OR_NULL_PTR(ptr))
		return;
	kind = memsan_classify_ptr(ptr, &slot);
	if (kind != MEMSAN_PTR_SLAB && kind != MEMSAN_PTR_LARGE)
		return;
	if (!memsan_cache_trackable(slot.cache))
		return;
	if (!size)
		size = slot.cache ? memsan_cache_object_size(slot.cache) : slot.slot_size;
	if (MEMSAN_WARN_ON(size > slot.slot_size))
		return;

	obj = memsan_object_alloc();
	if (!obj) {
		memsan_count(MEMSAN_COUNTER_UNTRACKED_NOMEM, 1);
		return;
	}
	redzone = kind == MEMSAN_PTR_LARGE ? SHADOW_PAGE_REDZONE : SHADOW_REDZONE_RIGHT;
	/*
	 * The free hooks redirect a free when the pointer's page has shadow:
	 * the page of a tracked object must have a chunk even when the object
	 * fills its slot and no byte of the page is poisoned.
	 */
	if (shadow_reserve(&memsan_shadow, slot.start, 1) ||
	    shadow_mark_object(&memsan_shadow, slot.start, size, slot.slot_size, redzone)) {
		memsan_object_free(obj);
		memsan_count(MEMSAN_COUNTER_UNTRACKED_NOMEM, 1);
		return;
	}
	obj->addr = slot.start;
	obj->cache = slot.cache;
	obj->size = size;
	obj->slot_size = slot.slot_size;
	obj->alloc_stack = stack;
	obj->alloc_pid = task_pid_nr(current);
	obj->state = MEMSAN_OBJECT_LIVE;
	memsan_object_insert(obj);
	memsan_count(MEMSAN_COUNTER_ALLOCS, 1);
}

/*
 * === krealloc(), ksize(), kvmalloc(): the rules, for the wrappers and the
 * probes alike ===
 */

/**
 * memsan_realloc_needs_record() - does what krealloc(@old) returned need a record?
 * @old:	the pointer given to krealloc()
 * @ptr:	what it returned
 *
 * In place, the object only changed size: yes.  A moved buffer: yes, unless
 * a probe on the nested allocation recorded it already (track=all).  The old
 * object went through kfree(), which the free hook sent to the quarantine.
 * krealloc() of a quarantined pointer is the caller's use-after-free: the
 * record stays as it is.
 */
bool memsan_realloc_needs_record(const void *old, const void *ptr)
{
	struct memsan_object rec;

	if (ZERO_OR_NULL_PTR(ptr))
		return false;
	return !memsan_object_lookup((unsigned long)ptr, &rec) ||
	       (ptr == old && rec.state == MEMSAN_OBJECT_LIVE);
}

/**
 * memsan_kvmalloc_needs_record() - does what kvmalloc() returned need a record?
 * @ptr:	what it returned
 *
 * A slab object, unless the nested kmalloc was recorded already (track=all);
 * vmalloc memory is not tracked.
 */
bool memsan_kvmalloc_needs_record(const void *ptr)
{
	struct memsan_object rec;

	return ptr && !is_vmalloc_addr(ptr) && !memsan_object_lookup((unsigned long)ptr, &rec);
}

/**
 * memsan_track_ksize() - the caller of ksize() may use all it returned
 * @ptr:	the object given to ksize()
 * @size:	what ksize() returned
 *
 * Like KASAN.  Same stack: the record is replaced, its history kept.
 */
void memsan_track_ksize(const void *ptr, size_t size)
{
	struct memsan_object rec;

	if (size && memsan_object_lookup((unsigned long)ptr, &rec) &&
	    rec.state == MEMSAN_OBJECT_LIVE && size > rec.size)
		memsan_track_object(ptr, size, rec.alloc_stack);
}

/**
 * memsan_free_object() - memsan's side of a free of @ptr
 * @cache:	cache given to kmem_cache_free(), NULL for kfree()
 * @ptr:	the pointer
 * @release:	how to give it back later (enum memsan_release_kind)
 * @ip:		caller of the free function
 * @fn:		the free function, shown first in the free stack
 *
 * The object ends in the quarantine, or goes straight back to the allocator
 * if memsan has no business with it; a double or invalid free is reported
 * and not passed on: the allocator would corrupt itself.
 */
void memsan_free_object(struct kmem_cache *cache, void *ptr, u8 release, unsigned long ip,
			unsigned long fn)
{
	struct memsan_object *obj;
	enum memsan_ptr_kind kind;
	struct memsan_slot slot;
	depot_stack_handle_t stack;
	u8 old_state;

	if (ZERO_OR_NULL_PTR(ptr))
		return;
	kind = memsan_classify_ptr(ptr, &slot);
	if (kind == MEMSAN_PTR_INTERIOR || kind == MEMSAN_PTR_NOT_HEAP) {
		memsan_report_free(MEMSAN_BUG_INVALID_FREE, ptr, ip);
		return;
	}

	/*
	 * The free stack is saved only for an object that is quarantined: most
	 * frees reaching here are of untracked objects sharing a page with
	 * tracked ones, and go straight back to the allocator.  Until the
	 * record is in the FIFO, only this CPU writes it.
	 */
	obj = memsan_object_mark_freed(&slot, release, &old_state);
	if (!obj && old_state == MEMSAN_OBJECT_QUARANTINED) {
		memsan_report_free(MEMSAN_BUG_DOUBLE_FREE, ptr, ip);
		return;
	}
	if (!obj && !(memsan_caller_tracked(ip) && memsan_cache_trackable(slot.cache))) {
		memsan_allocator_free((unsigned long)ptr, cache, release);
		return;
	}

	stack = memsan_save_stack(fn, ip);
	if (obj) {
		WRITE_ONCE(obj->free_stack, stack);
	} else {
		/* an object memsan never saw allocated, freed by tracked code */
		obj = memsan_object_alloc();
		if (!obj) {
			memsan_count(MEMSAN_COUNTER_UNTRACKED_NOMEM, 1);
			memsan_allocator_free((unsigned long)ptr, cache, release);
			return;
		}
		obj->addr = slot.start;
		obj->cache = slot.cache;
		obj->size = slot.cache ? memsan_cache_object_size(slot.cache) : slot.slot_size;
		obj->slot_size = slot.slot_size;
		obj->free_stack = stack;
		obj->free_pid = task_pid_nr(current);
		obj->state = MEMSAN_OBJECT_QUARANTINED;
		obj->release = release;
		memsan_object_insert(obj);
	}
	if (shadow_poison(&memsan_shadow, obj->addr, obj->slot_size, SHADOW_FREED))
		memsan_count(MEMSAN_COUNTER_UNTRACKED_NOMEM, 1);
	memsan_count(MEMSAN_COUNTER_FREES, 1);
	memsan_quarantine_put(obj);
}

/**
 * memsan_free_bulk() - memsan's side of kmem_cache_free_bulk()
 * @cache:	the cache, or NULL for kfree_bulk()
 * @nr:		number of pointers
 * @ptrs:	the pointers
 * @ip:		caller of kmem_cache_free_bulk()
 */
void memsan_free_bulk(struct kmem_cache *cache, size_t nr, void **ptrs, unsigned long ip)
{
	u8 release = cache ? MEMSAN_RELEASE_CACHE_FREE : MEMSAN_RELEASE_KFREE;
	size_t i;

	for (i = 0; i < nr; i++)
		memsan_free_object(cache, ptrs[i], release, ip,
				   (unsigned long)kmem_cache_free_bulk);
}

/**
 * memsan_cache_destroy() - kmem_cache_destroy() after memsan let go of the cache
 * @cache:	the cache (NULL: nothing to do but the call)
 *
 * The quarantine and the object records may hold objects of @cache: they go
 * back first, or the cache would be destroyed with objects in use.
 */
void memsan_cache_destroy(struct kmem_cache *cache)
{
	if (cache) {
		memsan_quarantine_drop_cache(cache);
		memsan_objects_purge_cache(cache);
	}
	memsan_allocator_cache_destroy(cache);
}
