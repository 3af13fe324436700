// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: the caches instrumented modules create.
 *
 * kmem_cache_create() of an instrumented module makes a cache whose objects
 * are the size asked for plus a redzone (hooks/slab_api.c): the module's
 * objects keep their usual size everywhere it can see (the object, ksize(),
 * kmem_cache_size()), and this table remembers that size for each such
 * cache.  A cache destroyed keeps its entry, marked dead, until its slot is
 * needed again: its name is what a double kmem_cache_destroy() report
 * shows (struct kmem_cache itself is a tracked object, quarantined when the
 * kernel frees it, so its address cannot come back while that report can
 * be made).
 *
 * Few caches, read on every allocation from them: a small array, read
 * without a lock (entries change only under cache_table_lock, in the
 * create and destroy wrappers, which sleep anyway).
 */
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "objects/objects.h"

#define CACHE_TABLE_SIZE	128

struct module_cache {
	struct kmem_cache *cache;	/* NULL: free slot */
	unsigned int size;		/* object size the module asked for */
	bool dead;			/* destroyed: kept for its name */
	char name[MEMSAN_CACHE_NAME_LEN];
};

static struct module_cache cache_table[CACHE_TABLE_SIZE];
static DEFINE_MUTEX(cache_table_lock);

/**
 * memsan_cache_remember() - a module created @cache for objects of @size bytes
 * @cache:	the new cache
 * @size:	the object size the module asked for
 * @name:	its name
 *
 * Return: 0, or -ENOSPC if the table is full (the cache then has no
 * redzone: the caller makes it without one).
 */
int memsan_cache_remember(struct kmem_cache *cache, unsigned int size, const char *name)
{
	struct module_cache *slot = NULL;
	unsigned int i;

	mutex_lock(&cache_table_lock);
	for (i = 0; i < CACHE_TABLE_SIZE; i++) {
		struct module_cache *e = &cache_table[i];

		if (e->cache == cache || !e->cache) {
			slot = e;
			break;
		}
		if (e->dead && !slot)
			slot = e;
	}
	if (slot) {
		WRITE_ONCE(slot->cache, NULL);
		slot->size = size;
		slot->dead = false;
		strscpy(slot->name, name, sizeof(slot->name));
		smp_wmb();	/* the entry, then the key that makes it visible */
		WRITE_ONCE(slot->cache, cache);
	}
	mutex_unlock(&cache_table_lock);
	return slot ? 0 : -ENOSPC;
}

/**
 * memsan_cache_can_remember() - is there room for one more cache?
 */
bool memsan_cache_can_remember(void)
{
	unsigned int i;

	for (i = 0; i < CACHE_TABLE_SIZE; i++)
		if (!READ_ONCE(cache_table[i].cache) || READ_ONCE(cache_table[i].dead))
			return true;
	return false;
}

/**
 * memsan_cache_user_size() - the object size a module asked for, for @cache
 * @cache:	any cache
 *
 * Return: that size, or 0 if @cache is no live cache of an instrumented
 * module.
 */
unsigned int memsan_cache_user_size(const struct kmem_cache *cache)
{
	unsigned int i;

	for (i = 0; i < CACHE_TABLE_SIZE; i++) {
		const struct module_cache *e = &cache_table[i];

		if (READ_ONCE(e->cache) == cache) {
			smp_rmb();	/* pairs with memsan_cache_remember()'s smp_wmb() */
			return READ_ONCE(e->dead) ? 0 : e->size;
		}
	}
	return 0;
}

/**
 * memsan_cache_forget() - @cache is being destroyed
 * @cache:	the cache
 * @name:	where to copy its name (MEMSAN_CACHE_NAME_LEN bytes), or NULL
 *
 * Return: whether it was a module's cache.
 */
bool memsan_cache_forget(struct kmem_cache *cache, char *name)
{
	bool found = false;
	unsigned int i;

	mutex_lock(&cache_table_lock);
	for (i = 0; i < CACHE_TABLE_SIZE; i++) {
		struct module_cache *e = &cache_table[i];

		if (e->cache == cache && !e->dead) {
			WRITE_ONCE(e->dead, true);
			found = true;
			break;
		}
	}
	mutex_unlock(&cache_table_lock);
	if (found && name)
		strscpy(name, cache_table[i].name, MEMSAN_CACHE_NAME_LEN);
	return found;
}

/**
 * memsan_cache_dead_name() - the name of a module's cache destroyed before
 * @cache:	the cache pointer
 * @name:	where to copy it (MEMSAN_CACHE_NAME_LEN bytes)
 *
 * Return: whether @cache is such a cache.
 */
bool memsan_cache_dead_name(const struct kmem_cache *cache, char *name)
{
	bool found = false;
	unsigned int i;

	mutex_lock(&cache_table_lock);
	for (i = 0; i < CACHE_TABLE_SIZE; i++) {
		if (cache_table[i].cache == cache && cache_table[i].dead) {
			strscpy(name, cache_table[i].name, MEMSAN_CACHE_NAME_LEN);
			found = true;
			break;
		}
	}
	mutex_unlock(&cache_table_lock);
	return found;
}
