// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: hooks on the slab API.
 *
 * Allocation functions get a kretprobe: the entry handler decides whether the
 * call is tracked (and may grow a variable-size kmalloc by a redzone), the
 * return handler records the new object and poisons its redzone.
 *
 * Free functions get a kprobe whose pre-handler redirects the call into a
 * memsan function with the same signature when memsan has something to do
 * with the pointer: poison it and hold it in the quarantine, or report a
 * double or invalid free and swallow it.  The redirected function runs in the
 * caller's context, not in the probe handler, so it can unwind the stack and
 * call the real free function.  It does so with a per-CPU bypass naming the
 * pointer: the probe lets exactly that call through.
 *
 * Rules every handler keeps: never call a probed function without the
 * bypass, never allocate with kmalloc, and work in any context, on every CPU
 * at once.
 */
#include <linux/delay.h>
#include <linux/kprobes.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/slab.h>

#include "arch.h"
#include "compat.h"
#include "memsan.h"

/*
 * The pointer whose next free call goes to the allocator untouched.  It is
 * set with interrupts off until the call is done: an interrupt or softirq
 * freeing on this CPU in between would otherwise consume or overwrite it.
 */
static DEFINE_PER_CPU(const void *, free_bypass);

static unsigned long bypassed_call_begin(const void *ptr)
{
	unsigned long flags;

	local_irq_save(flags);
	this_cpu_write(free_bypass, ptr);
	return flags;
}

static void bypassed_call_end(unsigned long flags)
{
	this_cpu_write(free_bypass, NULL);
	local_irq_restore(flags);
}

/* True (and the bypass consumed) if this probed call must go through as is. */
static bool bypass_hit(const void *ptr)
{
	if (likely(__this_cpu_read(free_bypass) != ptr) || !ptr)
		return false;
	__this_cpu_write(free_bypass, NULL);
	return true;
}

/**
 * memsan_real_kfree() - kfree() that memsan's own hook lets through
 */
void memsan_real_kfree(const void *ptr)
{
	unsigned long flags = bypassed_call_begin(ptr);

	kfree(ptr);
	bypassed_call_end(flags);
}

/**
 * memsan_real_cache_free() - kmem_cache_free() that memsan's hook lets through
 */
void memsan_real_cache_free(struct kmem_cache *cache, void *ptr)
{
	unsigned long flags = bypassed_call_begin(ptr);

	kmem_cache_free(cache, ptr);
	bypassed_call_end(flags);
}

/*
 * kmem_cache_destroy() sleeps, so its caller may move to another CPU before
 * the probe fires: its bypass is global, and destroys are serialised.
 */
static DEFINE_MUTEX(destroy_lock);
static const void *destroy_bypass;

static void real_cache_destroy(struct kmem_cache *cache)
{
	mutex_lock(&destroy_lock);
	WRITE_ONCE(destroy_bypass, cache);
	kmem_cache_destroy(cache);
	WRITE_ONCE(destroy_bypass, NULL);
	mutex_unlock(&destroy_lock);
}

/* Is there shadow for the page of @addr, i.e. was anything there ever tracked? */
static bool page_has_shadow(unsigned long addr)
{
	const struct shadow_region *r = &memsan_shadow.fast;
	unsigned long idx = (addr - r->base) >> SHADOW_PAGE_SHIFT;

	return idx < r->npages && READ_ONCE(r->dir[idx]);
}

/* === Allocation === */

#define NO_ARG	-1

enum alloc_kind {
	ALLOC_PLAIN,		/* returns one object */
	ALLOC_BULK,		/* kmem_cache_alloc_bulk() */
	ALLOC_REALLOC,		/* krealloc() */
	ALLOC_KVMALLOC,		/* kvmalloc_node(): slab or vmalloc */
	ALLOC_KSIZE,		/* ksize(): the caller may now use the whole slot */
};

/**
 * struct alloc_hook - one hooked allocation function
 * @krp:	its kretprobe
 * @kind:	enum alloc_kind
 * @size_arg:	argument holding the requested size (or the count, for bulk)
 * @cache_arg:	argument holding the kmem_cache, or NO_ARG
 * @caller_arg:	argument holding the caller's address (track_caller), or NO_ARG
 * @grows:	the size argument may be raised to make room for a redzone
 */
struct alloc_hook {
	struct kretprobe krp;
	u8 kind;
	s8 size_arg;
	s8 cache_arg;
	s8 caller_arg;
	bool grows;
};

/* What the entry handler hands the return handler. */
struct alloc_call {
	unsigned long size;
	struct kmem_cache *cache;
	void **bulk;
	const void *old;
	depot_stack_handle_t stack;
};

static struct alloc_hook *to_alloc_hook(struct kretprobe_instance *ri)
{
	return container_of(get_kretprobe(ri), struct alloc_hook, krp);
}

/* Caches whose objects may be read after free by design are not tracked. */
static bool cache_trackable(struct kmem_cache *cache)
{
	return !cache || !memsan_cache_typesafe_by_rcu(cache);
}

static int alloc_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct alloc_hook *hook = to_alloc_hook(ri);
	struct alloc_call *call = (struct alloc_call *)ri->data;
	unsigned long ret = memsan_arch_entry_ret(regs);
	unsigned long caller = ret;
	unsigned int redzone;

	if (!memsan_enabled())
		return 1;
	if (hook->caller_arg != NO_ARG)
		caller = memsan_arch_arg(regs, hook->caller_arg);
	if (!memsan_caller_tracked(caller))
		return 1;	/* no return handler: the cheap path */

	call->cache = NULL;
	if (hook->cache_arg != NO_ARG)
		call->cache = (struct kmem_cache *)memsan_arch_arg(regs, hook->cache_arg);
	if (!cache_trackable(call->cache))
		return 1;
	call->size = memsan_arch_arg(regs, hook->size_arg);
	call->bulk = NULL;
	call->old = NULL;
	if (hook->kind == ALLOC_BULK)
		call->bulk = (void **)memsan_arch_arg(regs, 3);
	if (hook->kind == ALLOC_REALLOC || hook->kind == ALLOC_KSIZE)
		call->old = (const void *)memsan_arch_arg(regs, 0);
	if (hook->kind == ALLOC_KSIZE)
		return 0;	/* no stack needed */

	redzone = READ_ONCE(memsan_redzone);
	if (hook->grows && redzone && call->size &&
	    call->size <= KMALLOC_MAX_CACHE_SIZE - redzone)
		memsan_arch_set_arg(regs, hook->size_arg, call->size + redzone);

	call->stack = memsan_save_stack((unsigned long)hook->krp.kp.addr, ret);
	return 0;
}

/*
 * Record a new object and poison what the caller did not ask for.  @size 0
 * means "the whole object" (kmem_cache allocations).
 */
static void track_object(const void *ptr, unsigned long size, depot_stack_handle_t stack)
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
	if (!cache_trackable(slot.cache))
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
	if (shadow_mark_object(&memsan_shadow, slot.start, size, slot.slot_size, redzone)) {
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

static int alloc_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct alloc_hook *hook = to_alloc_hook(ri);
	struct alloc_call *call = (struct alloc_call *)ri->data;
	unsigned long ret = regs_return_value(regs);
	struct memsan_object old;
	unsigned long i;

	if (!memsan_enabled())
		return 0;

	switch (hook->kind) {
	case ALLOC_BULK:
		for (i = 0; i < ret && i < call->size; i++)
			track_object(call->bulk[i], 0, call->stack);
		break;
	case ALLOC_REALLOC:
		/*
		 * A moved buffer was recorded by the nested allocation hook;
		 * in place, the object only changed size.  krealloc() of a
		 * quarantined pointer is the caller's use-after-free: the
		 * record stays as it is.
		 */
		if (memsan_object_lookup(ret, &old) && (const void *)ret != call->old)
			break;
		if (memsan_object_lookup(ret, &old) && old.state != MEMSAN_OBJECT_LIVE)
			break;
		track_object((void *)ret, call->size, call->stack);
		break;
	case ALLOC_KSIZE:
		/*
		 * Like KASAN: code that asked ksize() may use what it returned.
		 * Same stack: the record is replaced, its history kept.
		 */
		if (ret && memsan_object_lookup((unsigned long)call->old, &old) &&
		    old.state == MEMSAN_OBJECT_LIVE && ret > old.size)
			track_object(call->old, ret, old.alloc_stack);
		break;
	case ALLOC_KVMALLOC:
		/* tracked by the nested kmalloc hook already, or vmalloc */
		if (is_vmalloc_addr((void *)ret) || memsan_object_lookup(ret, &old))
			break;
		track_object((void *)ret, call->size, call->stack);
		break;
	default:
		track_object((void *)ret, call->cache ? 0 : call->size, call->stack);
		break;
	}
	return 0;
}

#define ALLOC_HOOK(sym, k, sz, cache, caller, grow) {				\
	.krp = {								\
		.kp.symbol_name = sym,						\
		.entry_handler = alloc_entry,					\
		.handler = alloc_return,					\
		.data_size = sizeof(struct alloc_call),				\
	},									\
	.kind = k, .size_arg = sz, .cache_arg = cache, .caller_arg = caller,	\
	.grows = grow,								\
}

/*
 * Every slab allocation entry point of 6.1.  For kmem_cache allocations the
 * size argument is unused (0 = the cache's object size) except for bulk,
 * where it is the count.
 */
static struct alloc_hook alloc_hooks[] = {
	ALLOC_HOOK("__kmalloc", ALLOC_PLAIN, 0, NO_ARG, NO_ARG, true),
	ALLOC_HOOK("__kmalloc_node", ALLOC_PLAIN, 0, NO_ARG, NO_ARG, true),
	ALLOC_HOOK("__kmalloc_node_track_caller", ALLOC_PLAIN, 0, NO_ARG, 3, true),
	ALLOC_HOOK("kmalloc_trace", ALLOC_PLAIN, 2, NO_ARG, NO_ARG, false),
	ALLOC_HOOK("kmalloc_node_trace", ALLOC_PLAIN, 3, NO_ARG, NO_ARG, false),
	ALLOC_HOOK("kmalloc_large", ALLOC_PLAIN, 0, NO_ARG, NO_ARG, false),
	ALLOC_HOOK("kmalloc_large_node", ALLOC_PLAIN, 0, NO_ARG, NO_ARG, false),
	ALLOC_HOOK("kmem_cache_alloc", ALLOC_PLAIN, 0, 0, NO_ARG, false),
	ALLOC_HOOK("kmem_cache_alloc_lru", ALLOC_PLAIN, 0, 0, NO_ARG, false),
	ALLOC_HOOK("kmem_cache_alloc_node", ALLOC_PLAIN, 0, 0, NO_ARG, false),
	ALLOC_HOOK("kmem_cache_alloc_bulk", ALLOC_BULK, 2, 0, NO_ARG, false),
	ALLOC_HOOK("krealloc", ALLOC_REALLOC, 1, NO_ARG, NO_ARG, false),
	ALLOC_HOOK("kvmalloc_node", ALLOC_KVMALLOC, 0, NO_ARG, NO_ARG, false),
	ALLOC_HOOK("ksize", ALLOC_KSIZE, 0, NO_ARG, NO_ARG, false),
};

/* === Free === */

/* The probed free functions, for the innermost frame of free stacks. */
static struct kprobe kfree_probe, cache_free_probe, cache_free_bulk_probe, cache_destroy_probe;

/**
 * free_object() - memsan's side of a free of @ptr
 * @cache:	cache given to kmem_cache_free(), NULL for kfree()
 * @ptr:	the pointer
 * @release:	how to give it back later
 * @ip:		caller of the free function
 * @fn:		the free function, shown first in the free stack
 */
static void free_object(struct kmem_cache *cache, void *ptr, u8 release, unsigned long ip,
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
		return;		/* swallowed: the allocator would corrupt itself */
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
	if (!obj && !(memsan_caller_tracked(ip) && cache_trackable(slot.cache))) {
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

/*
 * Redirect targets: same signatures as the functions they stand in for.
 * Unload waits for the calls inside them (the count) and for the calls on
 * their way in from a probe (synchronize_rcu_tasks()).
 */
static atomic_t redirected_calls = ATOMIC_INIT(0);

static void memsan_kfree(const void *ptr)
{
	atomic_inc(&redirected_calls);
	free_object(NULL, (void *)ptr, MEMSAN_RELEASE_KFREE, _RET_IP_,
		    (unsigned long)kfree_probe.addr);
	atomic_dec(&redirected_calls);
}

static void memsan_kmem_cache_free(struct kmem_cache *cache, void *ptr)
{
	atomic_inc(&redirected_calls);
	free_object(cache, ptr, MEMSAN_RELEASE_CACHE_FREE, _RET_IP_,
		    (unsigned long)cache_free_probe.addr);
	atomic_dec(&redirected_calls);
}

static void memsan_kmem_cache_free_bulk(struct kmem_cache *cache, size_t nr, void **ptrs)
{
	u8 release = cache ? MEMSAN_RELEASE_CACHE_FREE : MEMSAN_RELEASE_KFREE;
	size_t i;

	atomic_inc(&redirected_calls);
	for (i = 0; i < nr; i++)
		free_object(cache, ptrs[i], release, _RET_IP_,
			    (unsigned long)cache_free_bulk_probe.addr);
	atomic_dec(&redirected_calls);
}

static void memsan_kmem_cache_destroy(struct kmem_cache *cache)
{
	atomic_inc(&redirected_calls);
	if (cache) {
		memsan_quarantine_drop_cache(cache);
		memsan_objects_purge_cache(cache);
	}
	real_cache_destroy(cache);
	atomic_dec(&redirected_calls);
}

/* Does memsan want this free?  Cheap: most frees are of untracked pages. */
static bool free_wanted(const void *ptr, unsigned long ret)
{
	if (!memsan_enabled() || ZERO_OR_NULL_PTR(ptr))
		return false;
	return page_has_shadow((unsigned long)ptr) || memsan_caller_tracked(ret);
}

static int kfree_pre(struct kprobe *p, struct pt_regs *regs)
{
	const void *ptr = (const void *)memsan_arch_arg(regs, 0);

	if (bypass_hit(ptr) || !free_wanted(ptr, memsan_arch_entry_ret(regs)))
		return 0;
	memsan_arch_redirect(regs, memsan_kfree);
	return 1;
}

static int cache_free_pre(struct kprobe *p, struct pt_regs *regs)
{
	const void *ptr = (const void *)memsan_arch_arg(regs, 1);

	if (bypass_hit(ptr) || !free_wanted(ptr, memsan_arch_entry_ret(regs)))
		return 0;
	memsan_arch_redirect(regs, memsan_kmem_cache_free);
	return 1;
}

static int cache_free_bulk_pre(struct kprobe *p, struct pt_regs *regs)
{
	if (!memsan_enabled() || !memsan_arch_arg(regs, 1))
		return 0;
	memsan_arch_redirect(regs, memsan_kmem_cache_free_bulk);
	return 1;
}

static int cache_destroy_pre(struct kprobe *p, struct pt_regs *regs)
{
	const void *cache = (const void *)memsan_arch_arg(regs, 0);

	if (!cache || READ_ONCE(destroy_bypass) == cache)
		return 0;
	memsan_arch_redirect(regs, memsan_kmem_cache_destroy);
	return 1;
}

/*
 * A post-handler, even an empty one, makes kprobes register its ftrace ops
 * with IPMODIFY, so that another ip-modifying user (livepatch) of the same
 * function is refused instead of silently colliding with the redirect.
 */
static void redirect_post(struct kprobe *p, struct pt_regs *regs, unsigned long flags)
{
}

static struct kprobe kfree_probe = {
	.symbol_name = "kfree", .pre_handler = kfree_pre, .post_handler = redirect_post,
};
static struct kprobe cache_free_probe = {
	.symbol_name = "kmem_cache_free", .pre_handler = cache_free_pre,
	.post_handler = redirect_post,
};
static struct kprobe cache_free_bulk_probe = {
	.symbol_name = "kmem_cache_free_bulk", .pre_handler = cache_free_bulk_pre,
	.post_handler = redirect_post,
};
static struct kprobe cache_destroy_probe = {
	.symbol_name = "kmem_cache_destroy", .pre_handler = cache_destroy_pre,
	.post_handler = redirect_post,
};

static struct kprobe *free_probes[] = {
	&kfree_probe, &cache_free_probe, &cache_free_bulk_probe, &cache_destroy_probe,
};

static struct kretprobe *alloc_probes[ARRAY_SIZE(alloc_hooks)];

/* === Registration === */

unsigned long memsan_hooks_missed(void)
{
	unsigned long missed = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(alloc_hooks); i++)
		missed += alloc_hooks[i].krp.nmissed + alloc_hooks[i].krp.kp.nmissed;
	for (i = 0; i < ARRAY_SIZE(free_probes); i++)
		missed += free_probes[i]->nmissed;
	return missed;
}

/**
 * memsan_hooks_init() - probe every slab entry point
 *
 * Frees are hooked before allocations so that no object is recorded whose
 * free memsan would miss.  Return: 0 or the first registration error.
 */
int memsan_hooks_init(void)
{
	unsigned int i;
	int err;

	err = register_kprobes(free_probes, ARRAY_SIZE(free_probes));
	if (err) {
		pr_err("memsan: cannot probe the slab free functions: %d\n", err);
		return err;
	}
	for (i = 0; i < ARRAY_SIZE(alloc_hooks); i++) {
		/*
		 * Allocations may sleep with an instance held, and a missed
		 * allocation is an object memsan cannot check: room for many.
		 */
		alloc_hooks[i].krp.maxactive = max_t(int, 256, 64 * num_possible_cpus());
		alloc_probes[i] = &alloc_hooks[i].krp;
	}
	err = register_kretprobes(alloc_probes, ARRAY_SIZE(alloc_probes));
	if (err) {
		pr_err("memsan: cannot probe the slab allocation functions: %d\n", err);
		unregister_kprobes(free_probes, ARRAY_SIZE(free_probes));
	}
	return err;
}

/*
 * Allocations first, then frees: objects freed in between still reach the
 * quarantine, which the caller empties afterwards.
 */
void memsan_hooks_exit(void)
{
	unregister_kretprobes(alloc_probes, ARRAY_SIZE(alloc_probes));
	unregister_kprobes(free_probes, ARRAY_SIZE(free_probes));
	synchronize_rcu_tasks();
	while (atomic_read(&redirected_calls))
		msleep(20);
}
