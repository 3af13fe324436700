// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: the compat helpers that are functions (compat.h has the rest), and
 * the load-time check that memsan's view of the slab allocator's private
 * structures matches the running kernel.
 */
#define pr_fmt(fmt) "memsan: " fmt

#include <linux/mm.h>
#include <linux/module.h>
#include <linux/shrinker.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "compat/compat.h"

#define PROBE_CACHE_NAME	"memsan_layout_probe"
#define PROBE_RCU_CACHE_NAME	"memsan_layout_probe_rcu"
#define PROBE_OBJECT_SIZE	40
#define PROBE_OBJECT_ALIGN	8

/* Does @s, holding @obj, read as a cache of @name and PROBE_OBJECT_SIZE? */
static bool probe_cache_matches(struct kmem_cache *s, void *obj, const char *name)
{
	return memsan_cache_object_size(s) == kmem_cache_size(s) &&
	       memsan_cache_object_size(s) == PROBE_OBJECT_SIZE &&
	       memsan_cache_stride(s) >= PROBE_OBJECT_SIZE &&
	       memsan_cache_stride(s) <= PAGE_SIZE &&
	       memsan_cache_left_pad(s) < memsan_cache_stride(s) &&
	       !strcmp(memsan_cache_name(s), name) &&
	       folio_test_slab(virt_to_folio(obj)) &&
	       memsan_folio_slab_cache(virt_to_folio(obj)) == s;
}

/* A constructor keeps the probe caches from being merged into another cache. */
static void probe_ctor(void *obj)
{
}

/* Create a probe cache, allocate one object, check it, free both. */
static int probe_cache(const char *name, slab_flags_t flags)
{
	struct kmem_cache *s;
	void *obj;
	int err = 0;

	s = kmem_cache_create(name, PROBE_OBJECT_SIZE, PROBE_OBJECT_ALIGN, flags, probe_ctor);
	if (!s)
		return -ENOMEM;
	obj = kmem_cache_alloc(s, GFP_KERNEL);
	if (!obj) {
		kmem_cache_destroy(s);
		return -ENOMEM;
	}
	if (!probe_cache_matches(s, obj, name) ||
	    memsan_cache_typesafe_by_rcu(s) != !!(flags & SLAB_TYPESAFE_BY_RCU))
		err = -EOPNOTSUPP;
	kmem_cache_free(s, obj);
	kmem_cache_destroy(s);
	return err;
}

/**
 * memsan_compat_check() - verify memsan's view of struct kmem_cache and struct slab
 *
 * Creates two caches of known name, object size and flags (one
 * SLAB_TYPESAFE_BY_RCU), allocates an object from each and checks every
 * field memsan reads.  A kernel whose layout is not the one memsan was built
 * with makes memsan refuse to load, with one message, before anything else
 * is set up.
 *
 * Return: 0, -ENOMEM, or -EOPNOTSUPP when the layout does not match.
 */
int memsan_compat_check(void)
{
	int err;

	err = probe_cache(PROBE_CACHE_NAME, 0);
	if (!err)
		err = probe_cache(PROBE_RCU_CACHE_NAME, SLAB_TYPESAFE_BY_RCU);
	if (err == -EOPNOTSUPP)
		pr_err("this kernel's slab structures differ from what memsan was built for: not loading\n");
	return err;
}

#ifdef MEMSAN_HAVE_SHRINKER_ALLOC
struct shrinker *memsan_shrinker_create(const char *name,
					unsigned long (*count)(struct shrinker *,
							       struct shrink_control *),
					unsigned long (*scan)(struct shrinker *,
							      struct shrink_control *))
{
	struct shrinker *shrinker = shrinker_alloc(0, "%s", name);

	if (!shrinker)
		return NULL;
	shrinker->count_objects = count;
	shrinker->scan_objects = scan;
	shrinker->seeks = DEFAULT_SEEKS;
	shrinker_register(shrinker);
	return shrinker;
}

void memsan_shrinker_destroy(struct shrinker *shrinker)
{
	shrinker_free(shrinker);
}
#else
static struct shrinker the_shrinker;	/* memsan has one: the quarantine's */

struct shrinker *memsan_shrinker_create(const char *name,
					unsigned long (*count)(struct shrinker *,
							       struct shrink_control *),
					unsigned long (*scan)(struct shrinker *,
							      struct shrink_control *))
{
	the_shrinker = (struct shrinker) {
		.count_objects = count,
		.scan_objects = scan,
		.seeks = DEFAULT_SEEKS,
	};
	return register_shrinker(&the_shrinker, "%s", name) ? NULL : &the_shrinker;
}

void memsan_shrinker_destroy(struct shrinker *shrinker)
{
	unregister_shrinker(shrinker);
}
#endif

/**
 * memsan_module_uses() - does @mod link against a symbol of @target?
 * @mod:	a module that is coming (its dependencies are resolved)
 * @target:	the module whose symbols are looked for
 *
 * Where struct module_use is public (up to 6.x), the module's use list;
 * 7.x made it private: then the module's undefined symbols, which the loader
 * has resolved in the full symbol table it keeps while the module is coming.
 */
bool memsan_module_uses(struct module *mod, struct module *target)
{
#ifdef MEMSAN_HAVE_MODULE_USE
	struct module_use *use;

	list_for_each_entry(use, &mod->target_list, target_list)
		if (use->target == target)
			return true;
	return false;
#elif defined(CONFIG_KALLSYMS)
	const struct mod_kallsyms *ks;
	bool found = false;
	unsigned int i;

	rcu_read_lock();
	ks = rcu_dereference(mod->kallsyms);
	for (i = 0; ks && i < ks->num_symtab && !found; i++) {
		const Elf_Sym *sym = &ks->symtab[i];

		found = sym->st_shndx == SHN_UNDEF && within_module(sym->st_value, target);
	}
	rcu_read_unlock();
	return found;
#else
	return false;
#endif
}
