/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsan: kernel API differences between the supported kernels, each behind
 * one small helper so the rest of memsan reads the same on every version.
 * Supported: 6.1 (Debian bookworm).  Later kernels add a branch here.
 */
#ifndef _MEMSAN_COMPAT_H
#define _MEMSAN_COMPAT_H

#include <linux/ftrace.h>
#include <linux/mm.h>
#include <linux/shrinker.h>
#include <linux/reciprocal_div.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/version.h>
#include <net/genetlink.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0) || LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#error "memsan: this kernel version is not supported yet (6.1 is)"
#endif

/*
 * The slab cache of a slab folio.  struct slab is private to mm/; in 6.1 with
 * SLUB it overlays struct page with the cache pointer after the flags word
 * and a two-word list head.
 */
struct memsan_slab_layout_61 {
	unsigned long flags;
	void *list[2];
	struct kmem_cache *slab_cache;
};

static inline struct kmem_cache *memsan_folio_slab_cache(struct folio *folio)
{
	return ((struct memsan_slab_layout_61 *)folio)->slab_cache;
}

/*
 * struct kmem_cache is private to mm/ too: slub_def.h needs mm/slab.h, which
 * a module cannot include.  This is the head of 6.1's SLUB struct kmem_cache
 * up to the fields memsan reads; memsan_compat_check() verifies it against a
 * cache of known geometry at load time and refuses to load if it is wrong.
 */
struct memsan_kmem_cache_61 {
	void __percpu *cpu_slab;
	slab_flags_t flags;
	unsigned long min_partial;
	unsigned int size;		/* distance between objects */
	unsigned int object_size;	/* bytes the user may touch */
	struct reciprocal_value reciprocal_size;
	unsigned int offset;
#ifdef CONFIG_SLUB_CPU_PARTIAL
	unsigned int cpu_partial;
	unsigned int cpu_partial_slabs;
#endif
	unsigned int oo;
	unsigned int min;
	gfp_t allocflags;
	int refcount;
	void (*ctor)(void *obj);
	unsigned int inuse;
	unsigned int align;
	unsigned int red_left_pad;	/* left redzone when slub_debug is on */
	const char *name;
	struct list_head list;
#ifdef CONFIG_SYSFS
	struct kobject kobj;
#endif
#ifdef CONFIG_SLAB_FREELIST_HARDENED
	unsigned long random;		/* the free pointers' key */
#endif
};

static inline const struct memsan_kmem_cache_61 *memsan_cache_fields(struct kmem_cache *s)
{
	return (const struct memsan_kmem_cache_61 *)s;
}

/* Offset of the first object in a slot (SLUB's left redzone when debugging). */
static inline unsigned int memsan_cache_left_pad(struct kmem_cache *s)
{
	return memsan_cache_fields(s)->red_left_pad;
}

/* Distance from one object to the next. */
static inline unsigned int memsan_cache_stride(struct kmem_cache *s)
{
	return memsan_cache_fields(s)->size;
}

/* Bytes of an object its user may touch. */
static inline unsigned int memsan_cache_object_size(struct kmem_cache *s)
{
	return memsan_cache_fields(s)->object_size;
}

static inline const char *memsan_cache_name(struct kmem_cache *s)
{
	return memsan_cache_fields(s)->name;
}

/**
 * memsan_cache_free_pointer() - where a free slot keeps its free pointer, and its key
 * @s:		the cache
 * @offset:	set to the pointer's offset in the object
 * @key:	set to the key SLUB stores the pointer under (ptr ^ key ^ swab(where))
 *
 * Return: true when a free slot can be told from an allocated object: the
 * pointers are hardened (so a word of zeros is not a NULL free pointer) and
 * kept inside the object, which init_on_alloc clears on allocation (outside
 * it, after a constructor or for SLAB_TYPESAFE_BY_RCU, it outlives the free).
 */
static inline bool memsan_cache_free_pointer(struct kmem_cache *s, unsigned int *offset,
					     unsigned long *key)
{
#ifdef CONFIG_SLAB_FREELIST_HARDENED
	const struct memsan_kmem_cache_61 *c = memsan_cache_fields(s);

	if (!want_init_on_alloc(0) || !c->random ||
	    c->offset + sizeof(void *) > c->object_size)
		return false;
	*offset = c->offset;
	*key = c->random;
	return true;
#else
	return false;
#endif
}

/*
 * The stack pointer a task saved when it was switched out: below it, its
 * stack holds only stale words.
 */
static inline unsigned long memsan_task_saved_sp(struct task_struct *t)
{
#if defined(CONFIG_X86_64)
	return READ_ONCE(t->thread.sp);
#elif defined(CONFIG_ARM64)
	return READ_ONCE(t->thread.cpu_context.sp);
#else
#error "memsan: no saved stack pointer for this architecture"
#endif
}

/* Objects read after free by design (RCU lookups): never quarantined. */
static inline bool memsan_cache_typesafe_by_rcu(struct kmem_cache *s)
{
	return memsan_cache_fields(s)->flags & SLAB_TYPESAFE_BY_RCU;
}

int memsan_compat_check(void);

/*
 * ftrace callbacks that redirect a call: the traced function continues at
 * the instruction pointer the callback leaves in its registers.  x86_64 6.1
 * has ftrace_regs (DYNAMIC_FTRACE_WITH_ARGS): the argument registers only,
 * cheaper than a full pt_regs and enough to redirect, as livepatch does.
 * arm64 6.1 has only the full pt_regs of FTRACE_OPS_FL_SAVE_REGS.
 */
#if defined(CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS)
#define MEMSAN_FTRACE_REDIRECT_FLAGS	FTRACE_OPS_FL_IPMODIFY

static __always_inline struct pt_regs *memsan_ftrace_regs(struct ftrace_regs *fregs)
{
	return &fregs->regs;	/* the argument registers and ip are valid */
}
#elif defined(CONFIG_DYNAMIC_FTRACE_WITH_REGS)
#define MEMSAN_FTRACE_REDIRECT_FLAGS	(FTRACE_OPS_FL_SAVE_REGS | FTRACE_OPS_FL_IPMODIFY)

static __always_inline struct pt_regs *memsan_ftrace_regs(struct ftrace_regs *fregs)
{
	return ftrace_get_regs(fregs);
}
#else
#error "memsan needs DYNAMIC_FTRACE_WITH_ARGS or DYNAMIC_FTRACE_WITH_REGS"
#endif

/* Nth (0-based) integer argument of the traced function. */
static __always_inline unsigned long memsan_ftrace_arg(struct ftrace_regs *fregs, unsigned int n)
{
	return regs_get_kernel_argument(memsan_ftrace_regs(fregs), n);
}

/* Make the traced call continue in @fn, a function with the same signature. */
static __always_inline void memsan_ftrace_redirect(struct ftrace_regs *fregs, void *fn)
{
	instruction_pointer_set(memsan_ftrace_regs(fregs), (unsigned long)fn);
}

static inline int memsan_register_shrinker(struct shrinker *s, const char *name)
{
	return register_shrinker(s, "%s", name);
}

static inline void memsan_unregister_shrinker(struct shrinker *s)
{
	unregister_shrinker(s);
}

/*
 * Reports hold kernel addresses.  Where the kernel can restrict a multicast
 * group to CAP_SYS_ADMIN (GENL_MCAST_CAP_SYS_ADMIN: recent kernels and stable
 * updates, Debian bookworm's 6.1 included), the reports group carries whole
 * reports; elsewhere anyone may join a group, and it carries sequence
 * numbers only.
 */
#ifdef GENL_MCAST_CAP_SYS_ADMIN
#define MEMSAN_GENL_MCAST_ADMIN_FLAGS	GENL_MCAST_CAP_SYS_ADMIN
#define MEMSAN_GENL_MCAST_RESTRICTED	true
#else
#define MEMSAN_GENL_MCAST_ADMIN_FLAGS	0
#define MEMSAN_GENL_MCAST_RESTRICTED	false
#endif

#endif /* _MEMSAN_COMPAT_H */
