// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: what happens when a tracked object is allocated or freed, however
 * memsan learnt of it: from a wrapper an instrumented module called
 * (slab_api.c) or from a hook on the kernel's slab functions (hooks.c).
 *
 * An allocation gets a record (object.c) and shadow that marks the bytes
 * asked for as addressable and the rest of the slot as redzone.  A free
 * poisons the whole slot and puts the record in the quarantine, or reports a
 * double or invalid free and swallows the call.
 */
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "compat.h"
#include "memsan.h"

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
		memsan_release_object((unsigned long)ptr, cache, release);
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
			memsan_release_object((unsigned long)ptr, cache, release);
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
