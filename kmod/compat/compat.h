/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsan: kernel API differences between the supported kernels, each behind
 * one small helper so the rest of memsan reads the same on every version.
 * Which branch is taken is decided by compile tests against the kernel's
 * headers (compat/conftest.sh), not by version numbers.
 */
#ifndef _MEMSAN_COMPAT_H
#define _MEMSAN_COMPAT_H

#include <linux/ftrace.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/reciprocal_div.h>
#include <linux/sched.h>
#include <linux/shrinker.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/version.h>
#include <net/genetlink.h>

/*
 * What the kernel's headers provide, found by compile tests when memsan is
 * built (compat/conftest.sh, run by Kbuild): MEMSAN_HAVE_<X> for each API
 * present, and the offsets of the slab allocator's private structures.
 * Version numbers below are for the reader: the tests decide.
 */
#include "compat/memsan_have.h"

#if !defined(MEMSAN_HAVE_SLAB_PLAIN) && !defined(MEMSAN_HAVE_SLAB_NOPROF)
#error "memsan: this kernel's slab allocation API is not one memsan knows (compat/memsan_have.h)"
#endif
#ifdef MEMSAN_HAVE_SLAB_NOPROF
#if !defined(MEMSAN_HAVE_KREALLOC_NOPROF) && !defined(MEMSAN_HAVE_KREALLOC_NODE_ALIGN)
#error "memsan: this kernel's krealloc is not one memsan knows"
#endif
#if !defined(MEMSAN_HAVE_KVMALLOC_NOPROF) && !defined(MEMSAN_HAVE_KVMALLOC_NOPROF_ALIGN)
#error "memsan: this kernel's kvmalloc is not one memsan knows"
#endif
#if !defined(MEMSAN_HAVE_BULK_NOPROF_INT) && !defined(MEMSAN_HAVE_BULK_NOPROF_BOOL)
#error "memsan: this kernel's kmem_cache_alloc_bulk is not one memsan knows"
#endif
#endif

/*
 * struct kmem_cache and struct slab are private to mm/.  The offsets of the
 * fields memsan reads come from the kernel's BTF (6.12+ headers ship a
 * vmlinux with it; compat/conftest.sh reads it with pahole) or, on 6.1,
 * whose headers have none, from 6.1's layout (a version check: nothing in
 * the headers shows it).  memsan_compat_check() verifies them
 * at load time on caches of known geometry and refuses to load if they are
 * wrong.
 */
#if defined(MEMSAN_LAYOUT_FROM_BTF)
#define MEMSAN_OFF_CACHE_FLAGS		MEMSAN_LAYOUT_KMEM_CACHE_FLAGS
#define MEMSAN_OFF_CACHE_SIZE		MEMSAN_LAYOUT_KMEM_CACHE_SIZE
#define MEMSAN_OFF_CACHE_OBJECT_SIZE	MEMSAN_LAYOUT_KMEM_CACHE_OBJECT_SIZE
#define MEMSAN_OFF_CACHE_RED_LEFT_PAD	MEMSAN_LAYOUT_KMEM_CACHE_RED_LEFT_PAD
#define MEMSAN_OFF_CACHE_NAME		MEMSAN_LAYOUT_KMEM_CACHE_NAME
#define MEMSAN_OFF_SLAB_CACHE		MEMSAN_LAYOUT_SLAB_SLAB_CACHE
#ifdef MEMSAN_LAYOUT_KMEM_CACHE_OFFSET
#define MEMSAN_OFF_CACHE_FREE_POINTER	MEMSAN_LAYOUT_KMEM_CACHE_OFFSET
#endif
#ifdef MEMSAN_LAYOUT_KMEM_CACHE_RANDOM
#define MEMSAN_OFF_CACHE_RANDOM		MEMSAN_LAYOUT_KMEM_CACHE_RANDOM
#endif
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 1, 0) && LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
/*
 * 6.1's headers have no BTF, and slub_def.h cannot be included by a module
 * (its inlines need mm/slab.h's struct slab): the head of 6.1's SLUB struct
 * kmem_cache up to the fields memsan reads, verified at load like the rest.
 */
struct memsan_kmem_cache_61 {
	void __percpu *cpu_slab;
	slab_flags_t flags;
	unsigned long min_partial;
	unsigned int size;
	unsigned int object_size;
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
	unsigned int red_left_pad;
	const char *name;
	struct list_head list;
#ifdef CONFIG_SYSFS
	struct kobject kobj;
#endif
#ifdef CONFIG_SLAB_FREELIST_HARDENED
	unsigned long random;		/* the free pointers' key */
#endif
};

#define MEMSAN_OFF_CACHE_FLAGS		offsetof(struct memsan_kmem_cache_61, flags)
#define MEMSAN_OFF_CACHE_SIZE		offsetof(struct memsan_kmem_cache_61, size)
#define MEMSAN_OFF_CACHE_OBJECT_SIZE	offsetof(struct memsan_kmem_cache_61, object_size)
#define MEMSAN_OFF_CACHE_RED_LEFT_PAD	offsetof(struct memsan_kmem_cache_61, red_left_pad)
#define MEMSAN_OFF_CACHE_NAME		offsetof(struct memsan_kmem_cache_61, name)
#define MEMSAN_OFF_CACHE_FREE_POINTER	offsetof(struct memsan_kmem_cache_61, offset)
#ifdef CONFIG_SLAB_FREELIST_HARDENED
#define MEMSAN_OFF_CACHE_RANDOM		offsetof(struct memsan_kmem_cache_61, random)
#endif
/* struct slab overlays struct page: flags word, two-word list head, cache */
#define MEMSAN_OFF_SLAB_CACHE		(sizeof(unsigned long) + sizeof(struct list_head))
#elif defined(MEMSAN_LAYOUT_NEEDS_PAHOLE)
#error "memsan: this kernel's slab layout is in its BTF (vmlinux): install pahole to read it"
#else
#error "memsan: cannot find this kernel's slab layout (its headers have no BTF vmlinux)"
#endif

/*
 * 7.x: free objects wait in per-CPU sheaves and per-node barns (arrays of
 * object pointers, each a struct slab_sheaf); the leak scan reads them to
 * tell those objects from allocated ones.  All from the BTF, or none.
 */
#if defined(MEMSAN_LAYOUT_FROM_BTF) && defined(MEMSAN_LAYOUT_KMEM_CACHE_CPU_SHEAVES) && \
	defined(MEMSAN_LAYOUT_KMEM_CACHE_SHEAF_CAPACITY) && defined(MEMSAN_LAYOUT_KMEM_CACHE_LIST) && \
	defined(MEMSAN_LAYOUT_KMEM_CACHE_PER_NODE) && \
	defined(MEMSAN_LAYOUT_KMEM_CACHE_PER_NODE_PTRS_BARN) && \
	defined(MEMSAN_LAYOUT_KMEM_CACHE_PER_NODE_PTRS_SIZE) && \
	defined(MEMSAN_LAYOUT_SLUB_PERCPU_SHEAVES_MAIN) && \
	defined(MEMSAN_LAYOUT_SLUB_PERCPU_SHEAVES_SPARE) && \
	defined(MEMSAN_LAYOUT_SLUB_PERCPU_SHEAVES_RCU_FREE) && \
	defined(MEMSAN_LAYOUT_SLAB_SHEAF_BARN_LIST) && defined(MEMSAN_LAYOUT_SLAB_SHEAF_CACHE) && \
	defined(MEMSAN_LAYOUT_SLAB_SHEAF_SIZE) && defined(MEMSAN_LAYOUT_SLAB_SHEAF_OBJECTS) && \
	defined(MEMSAN_LAYOUT_NODE_BARN_SHEAVES_FULL) && defined(MEMSAN_LAYOUT_NODE_BARN_SHEAVES_EMPTY)
#define MEMSAN_SLAB_SHEAVES		1
#define MEMSAN_OFF_CACHE_CPU_SHEAVES	MEMSAN_LAYOUT_KMEM_CACHE_CPU_SHEAVES
#define MEMSAN_OFF_CACHE_SHEAF_CAPACITY	MEMSAN_LAYOUT_KMEM_CACHE_SHEAF_CAPACITY
#define MEMSAN_OFF_CACHE_LIST		MEMSAN_LAYOUT_KMEM_CACHE_LIST
/* the barn of node N: at PER_NODE + N * PER_NODE_SIZE + PER_NODE_BARN */
#define MEMSAN_OFF_CACHE_PER_NODE	MEMSAN_LAYOUT_KMEM_CACHE_PER_NODE
#define MEMSAN_OFF_CACHE_PER_NODE_BARN	MEMSAN_LAYOUT_KMEM_CACHE_PER_NODE_PTRS_BARN
#define MEMSAN_CACHE_PER_NODE_SIZE	MEMSAN_LAYOUT_KMEM_CACHE_PER_NODE_PTRS_SIZE
#define MEMSAN_OFF_PCS_MAIN		MEMSAN_LAYOUT_SLUB_PERCPU_SHEAVES_MAIN
#define MEMSAN_OFF_PCS_SPARE		MEMSAN_LAYOUT_SLUB_PERCPU_SHEAVES_SPARE
#define MEMSAN_OFF_PCS_RCU_FREE		MEMSAN_LAYOUT_SLUB_PERCPU_SHEAVES_RCU_FREE
#define MEMSAN_OFF_SHEAF_BARN_LIST	MEMSAN_LAYOUT_SLAB_SHEAF_BARN_LIST
#define MEMSAN_OFF_SHEAF_CACHE		MEMSAN_LAYOUT_SLAB_SHEAF_CACHE
#define MEMSAN_OFF_SHEAF_SIZE		MEMSAN_LAYOUT_SLAB_SHEAF_SIZE
#define MEMSAN_OFF_SHEAF_OBJECTS	MEMSAN_LAYOUT_SLAB_SHEAF_OBJECTS
#define MEMSAN_OFF_BARN_FULL		MEMSAN_LAYOUT_NODE_BARN_SHEAVES_FULL
#define MEMSAN_OFF_BARN_EMPTY		MEMSAN_LAYOUT_NODE_BARN_SHEAVES_EMPTY
#endif

#if !defined(MEMSAN_OFF_CACHE_FLAGS) || !defined(MEMSAN_OFF_CACHE_SIZE) || \
	!defined(MEMSAN_OFF_CACHE_OBJECT_SIZE) || !defined(MEMSAN_OFF_CACHE_RED_LEFT_PAD) || \
	!defined(MEMSAN_OFF_CACHE_NAME) || !defined(MEMSAN_OFF_SLAB_CACHE)
#error "memsan: a slab field memsan reads is missing from this kernel's layout"
#endif

static inline const void *memsan_field(const void *base, size_t offset)
{
	return (const char *)base + offset;
}

/* The slab cache of a slab folio. */
static inline struct kmem_cache *memsan_folio_slab_cache(struct folio *folio)
{
	return *(struct kmem_cache * const *)memsan_field(folio, MEMSAN_OFF_SLAB_CACHE);
}

/* Offset of the first object in a slot (SLUB's left redzone when debugging). */
static inline unsigned int memsan_cache_left_pad(struct kmem_cache *s)
{
	return *(const unsigned int *)memsan_field(s, MEMSAN_OFF_CACHE_RED_LEFT_PAD);
}

/* Distance from one object to the next. */
static inline unsigned int memsan_cache_stride(struct kmem_cache *s)
{
	return *(const unsigned int *)memsan_field(s, MEMSAN_OFF_CACHE_SIZE);
}

/* Bytes of an object its user may touch. */
static inline unsigned int memsan_cache_object_size(struct kmem_cache *s)
{
	return *(const unsigned int *)memsan_field(s, MEMSAN_OFF_CACHE_OBJECT_SIZE);
}

static inline const char *memsan_cache_name(struct kmem_cache *s)
{
	return *(const char * const *)memsan_field(s, MEMSAN_OFF_CACHE_NAME);
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
#if defined(CONFIG_SLAB_FREELIST_HARDENED) && defined(MEMSAN_OFF_CACHE_FREE_POINTER) && \
	defined(MEMSAN_OFF_CACHE_RANDOM)
	*offset = *(const unsigned int *)memsan_field(s, MEMSAN_OFF_CACHE_FREE_POINTER);
	*key = *(const unsigned long *)memsan_field(s, MEMSAN_OFF_CACHE_RANDOM);
	return want_init_on_alloc(0) && *key &&
	       *offset + sizeof(void *) <= memsan_cache_object_size(s);
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

/*
 * Another mapping of the memory at the linear-map address @addr, to read it
 * through when the linear map does not (0: none).  arm64 7.x keeps the
 * kernel image's data out of the linear map: it is read at its image
 * address.
 */
static inline unsigned long memsan_image_alias(unsigned long addr)
{
#if defined(CONFIG_ARM64)
	return __phys_to_kimg(__pa(addr));
#else
	return 0;
#endif
}

/* Objects read after free by design (RCU lookups): never quarantined. */
static inline bool memsan_cache_typesafe_by_rcu(struct kmem_cache *s)
{
	return *(const slab_flags_t *)memsan_field(s, MEMSAN_OFF_CACHE_FLAGS) &
	       SLAB_TYPESAFE_BY_RCU;
}

/* Does SLUB check @s's redzones when an object is freed (slub_debug=F)? */
static inline bool memsan_cache_checks_redzones(struct kmem_cache *s)
{
	return *(const slab_flags_t *)memsan_field(s, MEMSAN_OFF_CACHE_FLAGS) &
	       SLAB_CONSISTENCY_CHECKS;
}

int memsan_compat_check(void);

/*
 * How many objects a kmem_cache_alloc_bulk() of @nr put in its array, from
 * its return value: the count up to 6.x, success (bool: all or none) in 7.x.
 */
static inline unsigned long memsan_bulk_allocated(unsigned long ret, unsigned long nr)
{
#ifdef MEMSAN_HAVE_BULK_NOPROF_BOOL
	return (u8)ret ? nr : 0;	/* a bool return sets the low byte only */
#else
	return (int)ret > 0 ? min((unsigned long)(int)ret, nr) : 0;
#endif
}

/*
 * ftrace callbacks that redirect a call: the traced function continues at
 * the instruction pointer the callback leaves in its registers.  With
 * DYNAMIC_FTRACE_WITH_ARGS ftrace saves the argument registers only, cheaper
 * than a full pt_regs and enough to redirect, as livepatch does: 6.12+ reads
 * them through accessors (struct ftrace_regs is opaque; arm64 6.12+ has
 * nothing else), x86_64 6.1 as a pt_regs.  arm64 6.1 has only the full
 * pt_regs of FTRACE_OPS_FL_SAVE_REGS.
 */
#if defined(CONFIG_HAVE_DYNAMIC_FTRACE_WITH_ARGS) && defined(MEMSAN_HAVE_FTRACE_REGS_ACCESSORS)
#define MEMSAN_FTRACE_REDIRECT_FLAGS	FTRACE_OPS_FL_IPMODIFY

/* Nth (0-based) integer argument of the traced function. */
static __always_inline unsigned long memsan_ftrace_arg(struct ftrace_regs *fregs, unsigned int n)
{
	return ftrace_regs_get_argument(fregs, n);
}

/* Make the traced call continue in @fn, a function with the same signature. */
static __always_inline void memsan_ftrace_redirect(struct ftrace_regs *fregs, void *fn)
{
	ftrace_regs_set_instruction_pointer(fregs, (unsigned long)fn);
}
#else
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
#endif

/*
 * The quarantine's shrinker, created and registered in one call: 6.7+
 * allocates shrinkers (shrinker_alloc()), earlier kernels take a static one.
 * Returns NULL on failure.
 */
struct shrinker *memsan_shrinker_create(const char *name,
					unsigned long (*count)(struct shrinker *,
							       struct shrink_control *),
					unsigned long (*scan)(struct shrinker *,
							      struct shrink_control *));
void memsan_shrinker_destroy(struct shrinker *shrinker);

/* strncpy(), which 7.x removed: the same semantics where it is gone. */
#ifdef MEMSAN_HAVE_STRNCPY
#define memsan_strncpy strncpy
#else
static inline char *memsan_strncpy(char *dst, const char *src, size_t len)
{
	size_t n = strnlen(src, len);

	memcpy(dst, src, n);
	memset(dst + n, 0, len - n);
	return dst;
}
#endif

/*
 * Wait until every object given to kfree_rcu() so far is freed, where
 * the kernel exports kvfree_rcu_barrier() (6.12; 7.3 does not).  Return:
 * false where it does not (6.1 frees its batches within
 * KFREE_DRAIN_JIFFIES, 5 s).
 */
static inline bool memsan_kvfree_rcu_barrier(void)
{
#ifdef MEMSAN_HAVE_KVFREE_RCU_BARRIER
	kvfree_rcu_barrier();
	return true;
#else
	return false;
#endif
}

/* The attributes of a netlink dump request (6.2 moved them into ->info). */
static inline struct nlattr **memsan_genl_dump_attrs(struct netlink_callback *cb)
{
#ifdef MEMSAN_HAVE_GENL_DUMPIT_INFO_INFO
	return genl_dumpit_info(cb)->info.attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/* A module's core text: 6.4+ describes its memory in mod->mem[]. */
static inline void memsan_module_text(struct module *mod, unsigned long *start,
				      unsigned long *end)
{
#ifdef MEMSAN_HAVE_MODULE_MEM
	*start = (unsigned long)mod->mem[MOD_TEXT].base;
	*end = *start + mod->mem[MOD_TEXT].size;
#else
	*start = (unsigned long)mod->core_layout.base;
	*end = *start + mod->core_layout.text_size;
#endif
}

/*
 * A module's writable core data, ro_after_init included: one range before
 * 6.4 (the end of core_layout), two in mod->mem[] after.  Fills @start and
 * @size, returns how many ranges.
 */
static inline unsigned int memsan_module_data(struct module *mod, unsigned long start[2],
					      unsigned long size[2])
{
#ifdef MEMSAN_HAVE_MODULE_MEM
	start[0] = (unsigned long)mod->mem[MOD_DATA].base;
	size[0] = mod->mem[MOD_DATA].size;
	start[1] = (unsigned long)mod->mem[MOD_RO_AFTER_INIT].base;
	size[1] = mod->mem[MOD_RO_AFTER_INIT].size;
	return 2;
#else
	start[0] = (unsigned long)mod->core_layout.base + mod->core_layout.ro_size;
	size[0] = mod->core_layout.size - mod->core_layout.ro_size;
	return 1;
#endif
}

bool memsan_module_uses(struct module *mod, struct module *target);

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
