/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsan hooks: how memsan learns of allocations and frees.
 *
 *   slab_api.c	 the wrappers of the slab API instrumented modules call
 *   hooks.c	 ftrace callbacks on the kernel's free functions, kretprobes on
 *		 its allocation functions (track=all)
 *   lifecycle.c what a tracked allocation or free does, however memsan learnt
 *		 of it, and the krealloc/ksize/kvmalloc rules
 *   modules.c	 which loaded modules are instrumented
 *   rcu_free.c	 kfree_rcu() of tracked objects where 7.x bypasses kfree()
 *
 * They call Report, Objects, Quarantine and the shadow; Config calls the
 * track switch.
 */
#ifndef _MEMSAN_HOOKS_H
#define _MEMSAN_HOOKS_H

#include <linux/compiler.h>
#include <linux/stackdepot.h>
#include <linux/types.h>

#include "compat/memsan_have.h"
#include "settings/settings.h"

struct kmem_cache;

/* === kfree_rcu() where it bypasses kfree(), 7.x (rcu_free.c) === */

#ifdef MEMSAN_HAVE_SLAB_SHEAVES
/* what kvfree_call_rcu() takes: 7.3's struct kvfree_rcu_head, 7.2's rcu_head */
#ifdef MEMSAN_HAVE_KVFREE_RCU_HEAD
#define MEMSAN_KVFREE_RCU_HEAD kvfree_rcu_head
#else
#define MEMSAN_KVFREE_RCU_HEAD rcu_head
#endif
struct MEMSAN_KVFREE_RCU_HEAD;
void __memsan_kvfree_call_rcu(struct MEMSAN_KVFREE_RCU_HEAD *head, void *ptr);
#ifdef MEMSAN_HAVE_KFREE_CALL_RCU_NOLOCK
void __memsan_kfree_call_rcu_nolock(struct kvfree_rcu_head *head, void *ptr);
#endif
void memsan_rcu_free_exit(void);
#else
static inline void memsan_rcu_free_exit(void)
{
}
#endif

/* === Hooks on the kernel's slab functions (hooks.c) === */

int memsan_hooks_init(void);
void memsan_hooks_exit(void);
int memsan_hooks_set_track(int mode);
unsigned long memsan_hooks_missed(void);

/* === Instrumented modules (modules.c) === */

int memsan_modules_init(void);
void memsan_modules_exit(void);
bool memsan_addr_in_instrumented(unsigned long addr);
int memsan_modules_set_fail_module(const char *name);
unsigned int memsan_instrumented_get(const char *name, struct module **mods, unsigned int max);
void memsan_instrumented_put(struct module **mods, unsigned int nr);

/* Whether an allocation or free made from @caller is tracked. */
static inline bool memsan_caller_tracked(unsigned long caller)
{
	return READ_ONCE(memsan_track) == MEMSAN_TRACK_ALL ||
	       memsan_addr_in_instrumented(caller);
}

/* === Allocation and free of tracked objects (lifecycle.c) === */

bool memsan_cache_trackable(struct kmem_cache *cache);
size_t memsan_grown_size(size_t size);
void memsan_track_object(const void *ptr, unsigned long size, depot_stack_handle_t stack);
void memsan_track_cache_object(struct kmem_cache *cache, const void *ptr, unsigned long size,
			       depot_stack_handle_t stack);
bool memsan_realloc_needs_record(const void *old, const void *ptr);
bool memsan_kvmalloc_needs_record(const void *ptr);
size_t memsan_track_ksize(const void *ptr, size_t size);
void memsan_free_object(struct kmem_cache *cache, void *ptr, u8 release, unsigned long ip,
			unsigned long fn);
void memsan_track_region(const void *ptr, unsigned long size, unsigned long slot_size, u8 kind,
			 depot_stack_handle_t stack);
bool memsan_free_region(const void *ptr, u8 kind, u8 release, unsigned long ip,
			unsigned long fn, bool untracked);
void memsan_forget_region(const void *ptr, u8 kind);
void memsan_track_vmalloc(const void *ptr, unsigned long size, depot_stack_handle_t stack);
void memsan_free_bulk(struct kmem_cache *cache, size_t nr, void **ptrs, unsigned long ip);
void memsan_cache_destroy(struct kmem_cache *cache);

#endif /* _MEMSAN_HOOKS_H */
