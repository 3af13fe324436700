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
#include <linux/kfence.h>
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

/* The size of @cache's objects: without memsan's redzone for a module's cache. */
static unsigned int cache_size(struct kmem_cache *cache)
{
	return memsan_cache_user_size(cache) ?: memsan_cache_object_size(cache);
}

/**
 * memsan_grown_size() - @size plus the redzone memsan adds to kmalloc calls
 * @size:	size the caller asked for
 *
 * Every kmalloc size grows by the redzone, so that the object ends before
 * its slot does even when @size fills a kmalloc cache's objects; a large
 * kmalloc (pages) only if its last pages have less than a redzone to spare.
 *
 * Return: the size to pass to the kmalloc function.
 */
size_t memsan_grown_size(size_t size)
{
	unsigned int redzone = READ_ONCE(memsan_redzone);

	if (!redzone || !size || size > KMALLOC_MAX_SIZE - redzone)
		return size;
	if (size > KMALLOC_MAX_CACHE_SIZE && (PAGE_SIZE << get_order(size)) - size >= redzone)
		return size;
	return size + redzone;
}

/*
 * memsan_track_object() of the slab or large kmalloc object in @slot (@kind
 * MEMSAN_PTR_SLAB or _LARGE).
 */
static void track_slot(enum memsan_ptr_kind kind, const struct memsan_slot *slot,
		       unsigned long size, depot_stack_handle_t stack)
{
	struct memsan_object *obj;
	unsigned int pad;
	u8 redzone;

	if (!memsan_cache_trackable(slot->cache))
		return;
	if (!size)
		size = slot->cache ? cache_size(slot->cache) : slot->slot_size;
	if (MEMSAN_WARN_ON(size > slot->slot_size))
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
	if (shadow_reserve(&memsan_shadow, slot->start, 1) ||
	    shadow_mark_object(&memsan_shadow, slot->start, size, slot->slot_size, redzone)) {
		memsan_object_free(obj);
		memsan_count(MEMSAN_COUNTER_UNTRACKED_NOMEM, 1);
		return;
	}
	/*
	 * The left redzone before the object (memsan's guard at the end of the
	 * previous slot in its own kmalloc caches and in modules' caches, or
	 * SLUB's pad where it has one): an underflow.  Cleared when the object
	 * goes back (memsan_allocator_free()).  Without a chunk for it the
	 * object is still tracked, without a left redzone; so is the first
	 * object of a slab, which has no slot before it (memsan keeps those
	 * for itself: memsan_allocator_hold_first()).
	 */
	pad = memsan_slot_left_zone(slot);
	if (pad)
		shadow_poison(&memsan_shadow, slot->start - pad, pad, SHADOW_REDZONE_LEFT);
	obj->addr = slot->start;
	obj->cache = slot->cache;
	obj->size = size;
	obj->slot_size = slot->slot_size;
	obj->alloc_stack = stack;
	obj->alloc_pid = task_pid_nr(current);
	obj->state = MEMSAN_OBJECT_LIVE;
	obj->kind = kind == MEMSAN_PTR_LARGE ? MEMSAN_KIND_LARGE : MEMSAN_KIND_SLAB;
	obj->left_zone = pad;
	memsan_object_insert(obj);
	memsan_count(MEMSAN_COUNTER_ALLOCS, 1);
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
	struct memsan_slot slot;
	enum memsan_ptr_kind kind;

	if (ZERO_OR_NULL_PTR(ptr))
		return;
	kind = memsan_classify_ptr(ptr, &slot);
	if (kind == MEMSAN_PTR_SLAB || kind == MEMSAN_PTR_LARGE)
		track_slot(kind, &slot, size, stack);
}

/**
 * memsan_track_cache_object() - memsan_track_object() of an object @cache
 *	just handed out
 * @cache:	the cache
 * @ptr:	the object (not NULL)
 * @size:	as for memsan_track_object()
 * @stack:	allocation stack
 *
 * Its slot follows from @cache alone (memsan_cache_slot()), without the
 * page lookups of memsan_classify_ptr(), except for KFENCE's objects.
 */
void memsan_track_cache_object(struct kmem_cache *cache, const void *ptr, unsigned long size,
			       depot_stack_handle_t stack)
{
	struct memsan_slot slot;

	if (memsan_cache_slot(cache, ptr, &slot))
		track_slot(MEMSAN_PTR_SLAB, &slot, size, stack);
	else
		memsan_track_object(ptr, size, stack);
}

/**
 * memsan_track_region() - record a page or vmalloc object
 * @ptr:	its start (page-aligned)
 * @size:	bytes the caller asked for: accessible
 * @slot_size:	bytes memsan owns from @ptr on (the rest of the last page, a
 *		vmalloc guard page): redzone
 * @kind:	MEMSAN_KIND_PAGES or MEMSAN_KIND_VMALLOC
 * @stack:	allocation stack
 *
 * Memory outside the shadow (a vmalloc address past memsan's window) and
 * objects of 4 GiB or more are not tracked.
 */
void memsan_track_region(const void *ptr, unsigned long size, unsigned long slot_size, u8 kind,
			 depot_stack_handle_t stack)
{
	unsigned long addr = (unsigned long)ptr;
	struct memsan_object *obj;

	if (!ptr || !size || slot_size > U32_MAX || size > slot_size)
		return;
	obj = memsan_object_alloc();
	if (!obj) {
		memsan_count(MEMSAN_COUNTER_UNTRACKED_NOMEM, 1);
		return;
	}
	if (shadow_reserve(&memsan_shadow, addr, 1) ||
	    shadow_mark_object(&memsan_shadow, addr, size, slot_size, SHADOW_PAGE_REDZONE)) {
		memsan_object_free(obj);
		return;
	}
	obj->addr = addr;
	obj->size = size;
	obj->slot_size = slot_size;
	obj->alloc_stack = stack;
	obj->alloc_pid = task_pid_nr(current);
	obj->state = MEMSAN_OBJECT_LIVE;
	obj->kind = kind;
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
 * memsan_track_ksize() - what the caller of ksize() may use
 * @ptr:	the object given to ksize()
 * @size:	what ksize() returned
 *
 * Like KASAN, the caller may use what ksize() says, but memsan keeps a
 * redzone (the redzone parameter's size) at the end of the slot so that a
 * byte past what ksize() returned is still caught: a tracked object's
 * usable size is the slot minus the redzone, never less than what was asked
 * for.  The record grows to it (same stack: its history is kept).
 *
 * Return: the size to give the caller.
 */
size_t memsan_track_ksize(const void *ptr, size_t size)
{
	size_t redzone = READ_ONCE(memsan_redzone), usable;
	struct memsan_object rec;

	if (!size || !memsan_object_lookup((unsigned long)ptr, &rec) ||
	    rec.state != MEMSAN_OBJECT_LIVE ||
	    (rec.kind != MEMSAN_KIND_SLAB && rec.kind != MEMSAN_KIND_LARGE))
		return size;
	/* nor past the slot: memsan's guard after it is the next object's */
	size = min_t(size_t, size, rec.slot_size);
	/*
	 * nor past what a module's cache was made for, nor past the object of
	 * memsan's own cache less its guard, so that ksize() gives what it
	 * gives without memsan: SLUB's ksize() of an ordinary cache is the
	 * whole aligned stride (arm64 6.1 aligns kmalloc to 128 bytes: 384 for
	 * the 256-byte class)
	 */
	if (rec.kind == MEMSAN_KIND_SLAB && rec.cache)
		size = min_t(size_t, size, memsan_cache_user_size(rec.cache) ?:
			     memsan_cache_object_size(rec.cache) - memsan_cache_guard(rec.cache));
	usable = max_t(size_t, size - min(size, redzone), rec.size);
	if (usable > rec.size)
		memsan_track_object(ptr, usable, rec.alloc_stack);
	return usable;
}

/*
 * A pointer the slab allocator does not know: is it memory of another
 * allocator (vmalloc, or pages memsan tracks)?  Freeing it with kfree()
 * is then an alloc-free mismatch rather than an invalid free.
 */
static bool not_slab_memory(const void *ptr)
{
	struct memsan_object rec;

	return is_vmalloc_addr(ptr) || memsan_object_lookup((unsigned long)ptr, &rec);
}

/* Poison a freed object, save its free stack and quarantine it. */
static void quarantine_freed(struct memsan_object *obj, unsigned long ip, unsigned long fn)
{
	WRITE_ONCE(obj->free_stack, memsan_save_stack(fn, ip));
	if (shadow_poison(&memsan_shadow, obj->addr, obj->slot_size, SHADOW_FREED))
		memsan_count(MEMSAN_COUNTER_UNTRACKED_NOMEM, 1);
	memsan_count(MEMSAN_COUNTER_FREES, 1);
	memsan_quarantine_put(obj);
}

/**
 * memsan_free_region() - memsan's side of a free of a page or vmalloc object
 * @ptr:	the pointer given to free_pages(), __free_pages() or vfree()
 * @kind:	what that function frees: MEMSAN_KIND_PAGES or MEMSAN_KIND_VMALLOC
 * @release:	how the quarantine will give it back
 * @ip:		caller of the free function
 * @fn:		the free function, shown first in the free stack
 * @untracked:	judge untracked pointers too (a module's own call), not only
 *		memsan's objects (the kernel's call, through a hook)
 *
 * A tracked object goes to the quarantine.  A double free, a free of
 * another allocator's memory (alloc-free-mismatch) or, with @untracked, of
 * a pointer that cannot be one of these objects (invalid-free) is reported
 * and not made.
 *
 * Return: true if memsan took the call (nothing left to do), false if the
 * caller must make the real free (memory memsan does not track).
 */
bool memsan_free_region(const void *ptr, u8 kind, u8 release, unsigned long ip,
			unsigned long fn, bool untracked)
{
	struct memsan_object *obj;
	enum memsan_ptr_kind pk;
	struct memsan_slot slot;
	u8 old_state, old_kind;

	if (!ptr)
		return true;
	obj = memsan_object_mark_freed_kind((unsigned long)ptr, kind, release, &old_state,
					    &old_kind);
	if (obj) {
		quarantine_freed(obj, ip, fn);
		return true;
	}
	if (old_state != MEMSAN_OBJECT_UNTRACKED) {
		if (old_kind != kind)
			memsan_report_mismatch(ptr, ip, fn, NULL);
		else
			memsan_report_free(MEMSAN_BUG_DOUBLE_FREE, ptr, ip);
		return true;
	}
	/* untracked: the caller's to free, unless it is plainly the wrong memory */
	if (!untracked ||
	    (kind == MEMSAN_KIND_VMALLOC && is_vmalloc_addr(ptr) && PAGE_ALIGNED(ptr)))
		return false;
	pk = memsan_classify_ptr(ptr, &slot);
	if (pk == MEMSAN_PTR_SLAB || (pk != MEMSAN_PTR_NOT_HEAP && (slot.cache ||
				       kind == MEMSAN_KIND_VMALLOC))) {
		memsan_report_mismatch(ptr, ip, fn, NULL);
		return true;
	}
	if (kind == MEMSAN_KIND_PAGES && PAGE_ALIGNED(ptr) && virt_addr_valid(ptr))
		return false;
	memsan_report_free(MEMSAN_BUG_INVALID_FREE, ptr, ip);
	return true;
}

/**
 * memsan_track_vmalloc() - record a vmalloc object of @size bytes at @ptr
 * @ptr:	what vmalloc() & co. returned
 * @size:	bytes asked for
 * @stack:	allocation stack
 *
 * Its slot: the whole pages and the guard page after them, which vmalloc
 * gives every area (none of the wrapped functions asks for VM_NO_GUARD).
 */
void memsan_track_vmalloc(const void *ptr, unsigned long size, depot_stack_handle_t stack)
{
	if (is_vmalloc_addr(ptr))
		memsan_track_region(ptr, size, PAGE_ALIGN(size) + PAGE_SIZE, MEMSAN_KIND_VMALLOC,
				    stack);
}

/**
 * memsan_forget_region() - stop tracking a live page or vmalloc object
 * @ptr:	its start
 * @kind:	its kind
 *
 * For a free that does not free (pages another reference keeps alive): the
 * memory is no longer the caller's, nor memsan's business.
 */
void memsan_forget_region(const void *ptr, u8 kind)
{
	struct memsan_object rec, *obj;

	if (!memsan_object_lookup((unsigned long)ptr, &rec) || rec.kind != kind ||
	    rec.state != MEMSAN_OBJECT_LIVE)
		return;
	obj = memsan_object_remove((unsigned long)ptr);
	if (!obj)
		return;
	shadow_clear(&memsan_shadow, obj->addr, obj->slot_size);
	memsan_object_free(obj);
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
	u8 old_state, old_kind;

	if (ZERO_OR_NULL_PTR(ptr))
		return;
	/* the common free: a live record, still current, needs no classification */
	obj = memsan_object_mark_freed_current((unsigned long)ptr, cache, release);
	if (obj) {
		quarantine_freed(obj, ip, fn);
		return;
	}
	kind = memsan_classify_ptr(ptr, &slot);
	if (kind == MEMSAN_PTR_NOT_HEAP && not_slab_memory(ptr)) {
		memsan_report_mismatch(ptr, ip, fn, cache);
		return;
	}
	if (kind == MEMSAN_PTR_INTERIOR || kind == MEMSAN_PTR_NOT_HEAP) {
		memsan_report_free(MEMSAN_BUG_INVALID_FREE, ptr, ip);
		return;
	}
	if (cache && kind == MEMSAN_PTR_SLAB && slot.cache != cache) {
		memsan_report_mismatch(ptr, ip, fn, cache);	/* the wrong cache */
		return;
	}

	/*
	 * The free stack is saved only for an object that is quarantined: most
	 * frees reaching here are of untracked objects sharing a page with
	 * tracked ones, and go straight back to the allocator.  Until the
	 * record is in the FIFO, only this CPU writes it.
	 */
	obj = memsan_object_mark_freed(&slot, release, &old_state, &old_kind);
	if (!obj && old_state != MEMSAN_OBJECT_UNTRACKED &&
	    old_kind != MEMSAN_KIND_SLAB && old_kind != MEMSAN_KIND_LARGE) {
		if (memsan_addr_in_instrumented(ip)) {
			memsan_report_mismatch(ptr, ip, fn, cache);	/* pages freed with kfree() */
			return;
		}
		/*
		 * The kernel frees a slab object where a module's pages were:
		 * they went back unseen (put_page() by another holder).
		 */
		memsan_forget_region((void *)slot.start, old_kind);
		old_state = MEMSAN_OBJECT_UNTRACKED;
	}
	if (!obj && old_state == MEMSAN_OBJECT_QUARANTINED) {
		memsan_report_free(MEMSAN_BUG_DOUBLE_FREE, ptr, ip);
		return;
	}
	if (!obj && !(memsan_caller_tracked(ip) && memsan_cache_trackable(slot.cache))) {
		memsan_allocator_free((unsigned long)ptr, cache, release, 0,
				      cache ? memsan_slot_left_zone(&slot) : 0);
		return;
	}

	if (!obj) {
		/* an object memsan never saw allocated, freed by tracked code */
		obj = memsan_object_alloc();
		if (!obj) {
			memsan_count(MEMSAN_COUNTER_UNTRACKED_NOMEM, 1);
			memsan_allocator_free((unsigned long)ptr, cache, release, 0,
					      cache ? memsan_slot_left_zone(&slot) : 0);
			return;
		}
		obj->addr = slot.start;
		obj->cache = slot.cache;
		obj->size = slot.cache ? min(cache_size(slot.cache), slot.slot_size) :
			    slot.slot_size;
		obj->slot_size = slot.slot_size;
		obj->free_pid = task_pid_nr(current);
		obj->state = MEMSAN_OBJECT_QUARANTINED;
		obj->release = release;
		obj->kind = slot.cache ? MEMSAN_KIND_SLAB : MEMSAN_KIND_LARGE;
		memsan_object_insert(obj);
	}
	quarantine_freed(obj, ip, fn);
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
 * The quarantine and the object records may hold objects of @cache, and
 * memsan keeps the first objects of its slabs when it has memsan's guard:
 * they go back first, or the cache would be destroyed with objects in use.
 */
void memsan_cache_destroy(struct kmem_cache *cache)
{
	if (cache) {
		memsan_quarantine_drop_cache(cache);
		memsan_objects_purge_cache(cache);
		memsan_allocator_release_held(cache);
		memsan_allocator_guard_remove(cache);
	}
	memsan_allocator_cache_destroy(cache);
}
