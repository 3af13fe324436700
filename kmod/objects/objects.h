/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsan objects: what memsan knows of heap objects and stacks.
 *
 *   object.c	 the records of tracked objects (a hash table by address)
 *   stack.c	 stack traces, saved to the stack depot
 *   stack_cache.c memos of exact unwinds, verified on each save (x86_64)
 *   allocator.c what a pointer is to the slab allocator (slab object, large
 *		 kmalloc, neither), and the allocator's free functions called
 *		 past memsan's own hooks
 *   caches.c	 the caches instrumented modules create: the object size they
 *		 asked for (memsan adds a redzone), the names of destroyed ones
 *   own_caches.c memsan's own kmalloc caches, whose objects have SLUB's left
 *		 redzone: instrumented modules' kmalloc() up to 4096 bytes
 *
 * Below the quarantine and the report, above the leaves (counters,
 * settings, shadow, compat).
 */
#ifndef _MEMSAN_OBJECTS_H
#define _MEMSAN_OBJECTS_H

#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/stackdepot.h>
#include <linux/types.h>

/* === Object records (object.c) === */

struct page;

enum memsan_object_state {
	MEMSAN_OBJECT_UNTRACKED,	/* no record: what memsan_object_mark_freed() finds */
	MEMSAN_OBJECT_LIVE,
	MEMSAN_OBJECT_QUARANTINED,
};

/* How a quarantined object goes back to the allocator. */
enum memsan_release_kind {
	MEMSAN_RELEASE_KFREE,
	MEMSAN_RELEASE_CACHE_FREE,
	MEMSAN_RELEASE_FREE_PAGES,	/* __free_pages() of the object's order */
	MEMSAN_RELEASE_VFREE,		/* vfree(), from a work item: it may sleep */
	MEMSAN_RELEASE_FREE_PAGES_EXACT,	/* free_pages_exact() of the object's pages */
};

/*
 * What kind of memory a tracked object is: which allocator it came from,
 * and so which free functions may free it.
 */
enum memsan_object_kind {
	MEMSAN_KIND_SLAB,	/* a slab object: kmalloc() or kmem_cache_alloc() */
	MEMSAN_KIND_LARGE,	/* a large kmalloc(): pages, freed by kfree() */
	MEMSAN_KIND_PAGES,	/* the page allocator: alloc_pages(), __get_free_pages() */
	MEMSAN_KIND_VMALLOC,	/* vmalloc() and kvmalloc()'s fallback */
};

const char *memsan_object_kind_name(u8 kind);

/**
 * struct memsan_object - what memsan knows of one tracked heap object
 * @hash_next:	next object in the same hash bucket
 * @quarantine_next: next object in the quarantine FIFO (or the free pool)
 * @addr:	object start
 * @cache:	slab cache; NULL for a large kmalloc
 * @size:	size the caller asked for: accessible bytes
 * @slot_size:	bytes memsan owns from @addr on: the rest is redzone
 * @alloc_stack: stack depot handle of the allocation (0 if unknown)
 * @free_stack:	stack depot handle of the free
 * @alloc_pid:	task that allocated
 * @free_pid:	task that freed
 * @state:	enum memsan_object_state
 * @release:	enum memsan_release_kind
 * @leak_flags:	MEMSAN_LEAK_* (the leak scan's; 0 for a new object)
 * @kind:	enum memsan_object_kind
 * @left_zone:	bytes before @addr poisoned as its left redzone, cleared when
 *		the object goes back (memsan_allocator_free()); 0: none
 *
 * Kept at 64 bytes: one record per tracked object is the metadata budget.
 */
struct memsan_object {
	struct memsan_object *hash_next;
	struct memsan_object *quarantine_next;
	unsigned long addr;
	struct kmem_cache *cache;
	u32 size;
	u32 slot_size;
	depot_stack_handle_t alloc_stack;
	depot_stack_handle_t free_stack;
	pid_t alloc_pid;
	pid_t free_pid;
	u8 state;
	u8 release;
	u8 leak_flags;
	u8 kind;
	u16 left_zone;
};

/* The module that allocated the object is gone: no longer a leak candidate. */
#define MEMSAN_LEAK_ORPHAN	BIT(0)

/* Where an object sits, as the slab allocator sees it now. */
struct memsan_slot {
	unsigned long start;		/* object start */
	unsigned int slot_size;		/* object start to next object */
	struct kmem_cache *cache;	/* NULL: large kmalloc */
	unsigned int left_pad;		/* SLUB's left redzone before it, or 0 */
	unsigned int guard;		/* else memsan's guard before it (MEMSAN_GUARD), or 0 */
};

int memsan_objects_init(void);
void memsan_objects_exit(void);
struct memsan_object *memsan_object_alloc(void);
void memsan_object_free(struct memsan_object *obj);
void memsan_object_insert(struct memsan_object *obj);
struct memsan_object *memsan_object_remove(unsigned long addr);
bool memsan_object_lookup(unsigned long addr, struct memsan_object *copy);
struct memsan_object *memsan_object_mark_freed(const struct memsan_slot *slot, u8 release,
					       u8 *old_state, u8 *old_kind);
struct memsan_object *memsan_object_mark_freed_current(unsigned long addr,
						       struct kmem_cache *cache, u8 release);
struct memsan_object *memsan_object_mark_freed_kind(unsigned long addr, u8 kind, u8 release,
						    u8 *old_state, u8 *old_kind);
bool memsan_object_find(unsigned long addr, struct memsan_object *copy);
void memsan_objects_purge_cache(struct kmem_cache *cache);
void memsan_objects_walk(void (*fn)(struct memsan_object *obj, void *arg), void *arg);
void memsan_objects_pool_pages(void (*fn)(struct page *page, void *arg), void *arg);

/* === Stacks (stack.c) === */

depot_stack_handle_t memsan_save_stack(unsigned long first, unsigned long ret_addr);
unsigned int memsan_stack_here(unsigned long *entries, unsigned int max);

/* === Stacks without unwinding every time (stack_cache.c) === */

struct stack_memo;

/**
 * struct memsan_stack_walk - one save's use of the stack memos
 * @entries:	  in: where the trace goes
 * @max:	  in: room in @entries
 * @first:	  in: memsan_save_stack()'s @first (part of the key)
 * @ret_addr:	  in: memsan_save_stack()'s @ret_addr (part of the key)
 * @want_entries: in: fill @entries on a hit even if the memo has a handle
 * @nr:		  out: entries in @entries, 0: none
 * @hit:	  out: a memo was proven to match the current stack
 * @handle:	  out: the matching memo's depot handle (0: none yet)
 * @memo:	  out: the memo memsan_stack_cache_done() gives a handle to
 */
struct memsan_stack_walk {
	unsigned long *entries;
	unsigned int max;
	unsigned long first;
	unsigned long ret_addr;
	bool want_entries;
	unsigned int nr;
	bool hit;
	depot_stack_handle_t handle;
	struct stack_memo *memo;
};

int memsan_stack_cache_init(void);
void memsan_stack_cache_exit(void);
bool memsan_stack_cache_walk(struct memsan_stack_walk *w);
void memsan_stack_cache_done(struct memsan_stack_walk *w, depot_stack_handle_t handle);

/* === Caches instrumented modules create (caches.c) === */

#define MEMSAN_CACHE_NAME_LEN	32

int memsan_cache_remember(struct kmem_cache *cache, unsigned int size, const char *name);
bool memsan_cache_can_remember(void);
unsigned int memsan_cache_user_size(const struct kmem_cache *cache);
bool memsan_cache_forget(struct kmem_cache *cache, char *name);
bool memsan_cache_dead_name(const struct kmem_cache *cache, char *name);

/* === memsan's own kmalloc caches, with left redzones (own_caches.c) === */

void memsan_own_caches_init(void);
void memsan_own_caches_drain(void);
void memsan_own_caches_exit(void);
struct kmem_cache *memsan_own_cache_for(size_t size, size_t grown, gfp_t flags);
const char *memsan_own_cache_name(const struct kmem_cache *cache);
unsigned int memsan_own_cache_class(const struct kmem_cache *cache);

/* === The slab allocator (allocator.c) === */

enum memsan_ptr_kind {
	MEMSAN_PTR_SLAB,		/* at the start of a slab object */
	MEMSAN_PTR_LARGE,		/* at the start of a large kmalloc */
	MEMSAN_PTR_INTERIOR,		/* inside an object, not at its start */
	MEMSAN_PTR_NOT_HEAP,		/* not slab, not large kmalloc */
};

enum memsan_ptr_kind memsan_classify_ptr(const void *ptr, struct memsan_slot *slot);
bool memsan_cache_slot(struct kmem_cache *cache, const void *ptr, struct memsan_slot *slot);
bool memsan_record_current(const struct memsan_object *obj);

void memsan_allocator_free(unsigned long addr, struct kmem_cache *cache, u8 release,
			   unsigned long size, unsigned int left_zone);

/* Objects of one free function and cache going back together (memsan_allocator_free_batched()) */
struct memsan_free_run {
	struct kmem_cache *cache;	/* NULL: kfree() */
	unsigned int nr;
	void *ptrs[16];
};

void memsan_allocator_free_batched(struct memsan_free_run *b, unsigned long addr,
				   struct kmem_cache *cache, u8 release, unsigned long size,
				   unsigned int left_zone);
void memsan_allocator_free_end(struct memsan_free_run *b);
void memsan_allocator_vfree(const void *addr);
void memsan_allocator_free_untouched(void *obj);
unsigned int memsan_slot_left_zone(const struct memsan_slot *slot);

/*
 * memsan's left redzone in its own kmalloc caches and in the caches
 * instrumented modules create: the end of every slot
 */
#define MEMSAN_GUARD	16
bool memsan_allocator_guard_add(struct kmem_cache *cache);
void memsan_allocator_guard_remove(struct kmem_cache *cache);
void memsan_allocator_guard_clear(void);
bool __memsan_allocator_hold_first(struct kmem_cache *cache, void *obj);
void memsan_allocator_release_held(struct kmem_cache *cache);
unsigned int memsan_cache_guard(const struct kmem_cache *cache);
bool memsan_slab_first(unsigned long addr);

/*
 * __memsan_allocator_hold_first(), called on every allocation from a
 * guarded cache: only a page-aligned object can start a slab, and that is
 * tested here, without the call.
 */
static __always_inline bool memsan_allocator_hold_first(struct kmem_cache *cache, void *obj)
{
	return PAGE_ALIGNED(obj) && __memsan_allocator_hold_first(cache, obj);
}
void memsan_allocator_flush(void);
void memsan_allocator_cache_destroy(struct kmem_cache *cache);

/*
 * The pointer whose next free call goes to the allocator untouched: set by
 * memsan_allocator_free() with interrupts off until the call is done, read
 * by the free hooks through memsan_free_bypass_hit().
 */
DECLARE_PER_CPU(const void *, memsan_free_bypass);
/* The same for kmem_cache_destroy(), which sleeps: one global, serialised. */
extern const void *memsan_destroy_bypass;

/*
 * True (and the bypass consumed) if this hooked free must go through as is.
 * The ftrace callbacks may run preemptible: only the CPU that set the bypass,
 * with interrupts off, can find its own pointer there.
 */
static __always_inline bool memsan_free_bypass_hit(const void *ptr)
{
	if (likely(raw_cpu_read(memsan_free_bypass) != ptr) || !ptr)
		return false;
	raw_cpu_write(memsan_free_bypass, NULL);
	return true;
}

static __always_inline bool memsan_destroy_bypass_hit(const void *cache)
{
	return READ_ONCE(memsan_destroy_bypass) == cache;
}

#endif /* _MEMSAN_OBJECTS_H */
