// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: hooks on the kernel's slab functions.
 *
 * Instrumented modules call memsan's wrappers of the slab API directly
 * (slab_api.c); both they and the hooks here end in lifecycle.c.  The hooks
 * catch what the wrappers cannot see:
 *
 * Free functions get an ftrace callback that redirects the call into a
 * memsan function with the same signature when memsan has something to do
 * with the pointer (its page has shadow): an object allocated by a module and
 * freed by the kernel on its behalf (kfree_rcu(), kvfree(), krealloc()), or
 * any object with track=all.  The redirected function runs in the caller's
 * context, not in the callback, so it can unwind the stack and call the real
 * free function.  It does so with a per-CPU bypass naming the pointer: the
 * callback lets exactly that call through.  Every other free costs one
 * lookup in the shadow directory.
 *
 * Allocation functions get a kretprobe only while track=all: the entry
 * handler decides whether the call is tracked (and may grow a variable-size
 * kmalloc by a redzone), the return handler records the new object.  With
 * track=modules (the default) the rest of the kernel's allocations pay
 * nothing.
 *
 * Rules every handler keeps: never call a hooked function without the
 * bypass, never allocate with kmalloc, and work in any context, on every CPU
 * at once.
 */
#define pr_fmt(fmt) "memsan: " fmt

#include <linux/delay.h>
#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "compat/compat.h"
#include "hooks/arch.h"
#include "hooks/hooks.h"
#include "objects/objects.h"
#include "settings/settings.h"
#include "shadow_port/memsan_shadow.h"

/* === Allocation === */

#define NO_ARG	-1
/* Arguments read in the entry handler besides the size, cache and caller. */
#define ARG_OLD_PTR	0	/* krealloc(), ksize(): the object */
#define ARG_BULK_PTRS	3	/* kmem_cache_alloc_bulk(): the array filled in */
/*
 * Allocations may sleep with a kretprobe instance held, and a missed
 * allocation is an object memsan cannot check: room for many.
 */
#define PROBE_INSTANCES_MIN	256
#define PROBE_INSTANCES_PER_CPU	64
/* Unload polls for redirected calls still running, this often. */
#define REDIRECT_DRAIN_MS	20

enum alloc_kind {
	ALLOC_PLAIN,		/* returns one object */
	ALLOC_BULK,		/* kmem_cache_alloc_bulk() */
	ALLOC_REALLOC,		/* krealloc() */
	ALLOC_KVMALLOC,		/* kvmalloc_node(): slab or vmalloc */
	ALLOC_KSIZE,		/* ksize(): the caller may now use the whole slot */
};

/**
 * struct alloc_hook - one hooked allocation function
 * @krp:	its kretprobe, set up anew at each registration
 * @symbol:	the function
 * @kind:	enum alloc_kind
 * @size_arg:	argument holding the requested size (or the count, for bulk)
 * @cache_arg:	argument holding the kmem_cache, or NO_ARG
 * @caller_arg:	argument holding the caller's address (track_caller), or NO_ARG
 * @grows:	the size argument may be raised to make room for a redzone
 */
struct alloc_hook {
	struct kretprobe krp;
	const char *symbol;
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

static int alloc_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct alloc_hook *hook = to_alloc_hook(ri);
	struct alloc_call *call = (struct alloc_call *)ri->data;
	unsigned long ret = memsan_arch_entry_ret(regs);
	unsigned long caller = ret;

	if (!memsan_enabled())
		return 1;
	if (hook->caller_arg != NO_ARG)
		caller = memsan_arch_arg(regs, hook->caller_arg);
	/* memsan's own calls: its wrappers record what they allocate */
	if (within_module(caller, THIS_MODULE) || !memsan_caller_tracked(caller))
		return 1;	/* no return handler: the cheap path */

	call->cache = NULL;
	if (hook->cache_arg != NO_ARG)
		call->cache = (struct kmem_cache *)memsan_arch_arg(regs, hook->cache_arg);
	if (!memsan_cache_trackable(call->cache))
		return 1;
	call->size = memsan_arch_arg(regs, hook->size_arg);
	call->bulk = NULL;
	call->old = NULL;
	if (hook->kind == ALLOC_BULK)
		call->bulk = (void **)memsan_arch_arg(regs, ARG_BULK_PTRS);
	if (hook->kind == ALLOC_REALLOC || hook->kind == ALLOC_KSIZE)
		call->old = (const void *)memsan_arch_arg(regs, ARG_OLD_PTR);
	if (hook->kind == ALLOC_KSIZE)
		return 0;	/* no stack needed */

	if (hook->grows)
		memsan_arch_set_arg(regs, hook->size_arg, memsan_grown_size(call->size));

	call->stack = memsan_save_stack((unsigned long)hook->krp.kp.addr, ret);
	return 0;
}

static int alloc_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct alloc_hook *hook = to_alloc_hook(ri);
	struct alloc_call *call = (struct alloc_call *)ri->data;
	unsigned long ret = regs_return_value(regs);
	unsigned long i;

	if (!memsan_enabled())
		return 0;

	switch (hook->kind) {
	case ALLOC_BULK:
		for (i = 0; i < memsan_bulk_allocated(ret, call->size); i++)
			memsan_track_object(call->bulk[i], 0, call->stack);
		break;
	case ALLOC_REALLOC:
		if (memsan_realloc_needs_record(call->old, (void *)ret))
			memsan_track_object((void *)ret, call->size, call->stack);
		break;
	case ALLOC_KSIZE:
		memsan_track_ksize(call->old, ret);
		break;
	case ALLOC_KVMALLOC:
		if (memsan_kvmalloc_needs_record((void *)ret))
			memsan_track_object((void *)ret, call->size, call->stack);
		break;
	default:
		memsan_track_object((void *)ret, call->cache ? 0 : call->size, call->stack);
		break;
	}
	return 0;
}

#define ALLOC_HOOK(sym, k, sz, cache, caller, grow) {				\
	.symbol = sym, .kind = k, .size_arg = sz, .cache_arg = cache, .caller_arg = caller,	\
	.grows = grow,								\
}

/* Every slab allocation entry point of this kernel. */
static struct alloc_hook alloc_hooks[] = {
#include "compat/slab_entry_points.h"
};

static struct kretprobe *alloc_probes[ARRAY_SIZE(alloc_hooks)];

/* === Free === */

/*
 * Redirect targets: same signatures as the functions they stand in for.
 * Unload waits for the calls inside them (the count) and for the calls on
 * their way in from a callback (synchronize_rcu_tasks()).
 */
static atomic_t redirected_calls = ATOMIC_INIT(0);

static void memsan_kfree(const void *ptr)
{
	atomic_inc(&redirected_calls);
	memsan_free_object(NULL, (void *)ptr, MEMSAN_RELEASE_KFREE, _RET_IP_,
			   (unsigned long)kfree);
	atomic_dec(&redirected_calls);
}

static void memsan_kmem_cache_free(struct kmem_cache *cache, void *ptr)
{
	atomic_inc(&redirected_calls);
	memsan_free_object(cache, ptr, MEMSAN_RELEASE_CACHE_FREE, _RET_IP_,
			   (unsigned long)kmem_cache_free);
	atomic_dec(&redirected_calls);
}

static void memsan_kmem_cache_free_bulk(struct kmem_cache *cache, size_t nr, void **ptrs)
{
	atomic_inc(&redirected_calls);
	memsan_free_bulk(cache, nr, ptrs, _RET_IP_);
	atomic_dec(&redirected_calls);
}

static void memsan_kmem_cache_destroy(struct kmem_cache *cache)
{
	atomic_inc(&redirected_calls);
	memsan_cache_destroy(cache);
	atomic_dec(&redirected_calls);
}

/* vfree() of a module's vmalloc object by the kernel (kvfree() on its behalf) */
static void memsan_vfree(const void *ptr)
{
	atomic_inc(&redirected_calls);
	if (!memsan_free_region(ptr, MEMSAN_KIND_VMALLOC, MEMSAN_RELEASE_VFREE, _RET_IP_,
				(unsigned long)vfree, false))
		memsan_allocator_vfree(ptr);
	atomic_dec(&redirected_calls);
}

/* Does memsan want this free?  Cheap: most frees are of untracked pages. */
static __always_inline bool free_wanted(const void *ptr)
{
	if (!memsan_enabled() || ZERO_OR_NULL_PTR(ptr))
		return false;
	return memsan_shadow_page_tracked((unsigned long)ptr) ||
	       READ_ONCE(memsan_track) == MEMSAN_TRACK_ALL;
}

static void notrace kfree_hook(unsigned long ip, unsigned long parent_ip,
			       struct ftrace_ops *ops, struct ftrace_regs *fregs)
{
	const void *ptr = (const void *)memsan_ftrace_arg(fregs, 0);

	if (!memsan_free_bypass_hit(ptr) && free_wanted(ptr))
		memsan_ftrace_redirect(fregs, memsan_kfree);
}

static void notrace cache_free_hook(unsigned long ip, unsigned long parent_ip,
				    struct ftrace_ops *ops, struct ftrace_regs *fregs)
{
	const void *ptr = (const void *)memsan_ftrace_arg(fregs, 1);

	if (!memsan_free_bypass_hit(ptr) && free_wanted(ptr))
		memsan_ftrace_redirect(fregs, memsan_kmem_cache_free);
}

/*
 * vfree(): only memsan's own vmalloc objects (vmalloc pages with shadow)
 * matter, whatever track says; the module area has shadow too (globals),
 * and the kernel vfree()s modules' init sections.  memsan's own calls to
 * vfree() (objects leaving the quarantine) go through: the call comes from
 * memsan's code.
 */
static void notrace vfree_hook(unsigned long ip, unsigned long parent_ip,
			       struct ftrace_ops *ops, struct ftrace_regs *fregs)
{
	const void *ptr = (const void *)memsan_ftrace_arg(fregs, 0);

	if (memsan_enabled() && is_vmalloc_addr(ptr) && !within_module(parent_ip, THIS_MODULE) &&
	    memsan_shadow_page_tracked((unsigned long)ptr))
		memsan_ftrace_redirect(fregs, memsan_vfree);
}

static void notrace cache_free_bulk_hook(unsigned long ip, unsigned long parent_ip,
					 struct ftrace_ops *ops, struct ftrace_regs *fregs)
{
	void **ptrs = (void **)memsan_ftrace_arg(fregs, 2);

	/* memsan's own runs out of the quarantine go through (bypass: the array) */
	if (!memsan_free_bypass_hit(ptrs) && memsan_enabled() && memsan_ftrace_arg(fregs, 1))
		memsan_ftrace_redirect(fregs, memsan_kmem_cache_free_bulk);
}

static void notrace cache_destroy_hook(unsigned long ip, unsigned long parent_ip,
				       struct ftrace_ops *ops, struct ftrace_regs *fregs)
{
	const void *cache = (const void *)memsan_ftrace_arg(fregs, 0);

	if (cache && !memsan_destroy_bypass_hit(cache))
		memsan_ftrace_redirect(fregs, memsan_kmem_cache_destroy);
}

/**
 * struct free_hook - an ftrace callback on one free function
 * @ops:	the callback; IPMODIFY: a second ip-modifying user of the
 *		function (livepatch) is refused instead of colliding with it.
 *		No FTRACE_OPS_FL_RECURSION: the callbacks call nothing that
 *		can be traced (memsan is built without ftrace), so ftrace calls
 *		them straight from the trampoline.
 * @symbol:	the function
 */
struct free_hook {
	struct ftrace_ops ops;
	const char *symbol;
};

#define FREE_HOOK(sym, fn) {							\
	.ops = {								\
		.func = fn,							\
		.flags = MEMSAN_FTRACE_REDIRECT_FLAGS,				\
	},									\
	.symbol = sym,								\
}

static struct free_hook free_hooks[] = {
	FREE_HOOK("kfree", kfree_hook),
	FREE_HOOK("kmem_cache_free", cache_free_hook),
	FREE_HOOK("kmem_cache_free_bulk", cache_free_bulk_hook),
	FREE_HOOK("kmem_cache_destroy", cache_destroy_hook),
	FREE_HOOK("vfree", vfree_hook),
};

/* === Registration === */

/* Serialises switching the allocation probes on and off. */
static DEFINE_MUTEX(alloc_probes_lock);
static bool alloc_probes_on;
static bool hooks_ready;
static unsigned long missed_before;	/* by earlier registrations */

static unsigned long alloc_probes_missed(void)
{
	unsigned long missed = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(alloc_hooks); i++)
		missed += alloc_hooks[i].krp.nmissed + alloc_hooks[i].krp.kp.nmissed;
	return missed;
}

/**
 * memsan_hooks_missed() - allocations the probes missed (track=all)
 */
unsigned long memsan_hooks_missed(void)
{
	return READ_ONCE(missed_before) + (READ_ONCE(alloc_probes_on) ? alloc_probes_missed() : 0);
}

static void alloc_probes_unregister(void)
{
	lockdep_assert_held(&alloc_probes_lock);
	unregister_kretprobes(alloc_probes, ARRAY_SIZE(alloc_probes));
	WRITE_ONCE(missed_before, missed_before + alloc_probes_missed());
}

static int alloc_probes_register(void)
{
	unsigned int i;
	int err;

	lockdep_assert_held(&alloc_probes_lock);
	for (i = 0; i < ARRAY_SIZE(alloc_hooks); i++) {
		/* A kretprobe is set up anew before it is registered again. */
		alloc_hooks[i].krp = (struct kretprobe) {
			.kp.symbol_name = alloc_hooks[i].symbol,
			.entry_handler = alloc_entry,
			.handler = alloc_return,
			.data_size = sizeof(struct alloc_call),
			.maxactive = max_t(int, PROBE_INSTANCES_MIN,
					   PROBE_INSTANCES_PER_CPU * num_possible_cpus()),
		};
		alloc_probes[i] = &alloc_hooks[i].krp;
	}
	err = register_kretprobes(alloc_probes, ARRAY_SIZE(alloc_probes));
	if (err)
		pr_err("cannot probe the slab allocation functions: %d\n", err);
	return err;
}

/**
 * memsan_hooks_set_track() - hook the allocation functions for @mode
 * @mode:	enum memsan_track_mode about to take effect
 *
 * track=all needs every slab allocation seen; track=modules needs none of
 * them (instrumented modules call memsan's wrappers).  Before memsan's init
 * (parameters given to insmod) nothing is registered yet.
 *
 * Return: 0, or the registration error with the probes as they were.
 */
int memsan_hooks_set_track(int mode)
{
	bool want = mode == MEMSAN_TRACK_ALL;
	int err = 0;

	mutex_lock(&alloc_probes_lock);
	if (hooks_ready && want && !alloc_probes_on)
		err = alloc_probes_register();
	else if (hooks_ready && !want && alloc_probes_on)
		alloc_probes_unregister();
	if (!err && hooks_ready)
		WRITE_ONCE(alloc_probes_on, want);
	mutex_unlock(&alloc_probes_lock);
	return err;
}

static void free_hooks_unregister(unsigned int nr)
{
	while (nr--) {
		unregister_ftrace_function(&free_hooks[nr].ops);
		ftrace_free_filter(&free_hooks[nr].ops);
	}
}

static int free_hooks_register(void)
{
	unsigned int i;
	int err = 0;

	for (i = 0; i < ARRAY_SIZE(free_hooks); i++) {
		struct free_hook *hook = &free_hooks[i];

		err = ftrace_set_filter(&hook->ops, (unsigned char *)hook->symbol,
					strlen(hook->symbol), 1);
		if (!err)
			err = register_ftrace_function(&hook->ops);
		if (err) {
			pr_err("cannot hook %s: %d\n", hook->symbol, err);
			ftrace_free_filter(&hook->ops);
			free_hooks_unregister(i);
			return err;
		}
	}
	return 0;
}

/**
 * memsan_hooks_init() - hook the slab free functions, and the allocation
 * functions if track=all
 *
 * Frees are hooked before allocations so that no object is recorded whose
 * free memsan would miss.  Return: 0 or the first registration error.
 */
int memsan_hooks_init(void)
{
	int err;

	err = free_hooks_register();
	if (err)
		return err;
	mutex_lock(&alloc_probes_lock);
	hooks_ready = true;
	mutex_unlock(&alloc_probes_lock);
	err = memsan_hooks_set_track(READ_ONCE(memsan_track));
	if (err) {
		hooks_ready = false;
		free_hooks_unregister(ARRAY_SIZE(free_hooks));
	}
	return err;
}

/**
 * memsan_hooks_exit() - take every hook off, and wait for the calls in them
 *
 * Allocations first, then frees: objects freed in between still reach the
 * quarantine, which the caller empties afterwards.
 */
void memsan_hooks_exit(void)
{
	mutex_lock(&alloc_probes_lock);
	if (alloc_probes_on)
		alloc_probes_unregister();
	WRITE_ONCE(alloc_probes_on, false);
	hooks_ready = false;
	mutex_unlock(&alloc_probes_lock);
	free_hooks_unregister(ARRAY_SIZE(free_hooks));
	synchronize_rcu_tasks();
	while (atomic_read(&redirected_calls))
		msleep(REDIRECT_DRAIN_MS);
	memsan_rcu_free_exit();
}
