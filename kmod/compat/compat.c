// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: load-time check that memsan's view of the slab allocator's private
 * structures (compat.h) matches the running kernel.
 */
#define pr_fmt(fmt) "memsan: " fmt

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "compat/compat.h"

#define PROBE_CACHE_NAME	"memsan_layout_probe"
#define PROBE_OBJECT_SIZE	40
#define PROBE_OBJECT_ALIGN	8

/**
 * memsan_compat_check() - verify the struct kmem_cache and struct slab mirrors
 *
 * Creates a cache of known name and object size, allocates one object and
 * checks every field memsan reads.  A kernel built with another layout makes
 * memsan refuse to load instead of misreading the slab allocator.
 *
 * Return: 0, -ENOMEM, or -EOPNOTSUPP when the layout does not match.
 */
int memsan_compat_check(void)
{
	struct kmem_cache *s;
	void *obj;
	int err = -EOPNOTSUPP;

	s = kmem_cache_create(PROBE_CACHE_NAME, PROBE_OBJECT_SIZE, PROBE_OBJECT_ALIGN, 0, NULL);
	if (!s)
		return -ENOMEM;
	obj = kmem_cache_alloc(s, GFP_KERNEL);
	if (!obj) {
		kmem_cache_destroy(s);
		return -ENOMEM;
	}
	if (memsan_cache_object_size(s) == kmem_cache_size(s) &&
	    memsan_cache_object_size(s) == PROBE_OBJECT_SIZE &&
	    memsan_cache_stride(s) >= PROBE_OBJECT_SIZE &&
	    memsan_cache_stride(s) <= PAGE_SIZE &&
	    !strcmp(memsan_cache_name(s), PROBE_CACHE_NAME) &&
	    folio_test_slab(virt_to_folio(obj)) &&
	    memsan_folio_slab_cache(virt_to_folio(obj)) == s)
		err = 0;
	else
		pr_err("this kernel's slab structures differ from what memsan was built for\n");
	kmem_cache_free(s, obj);
	kmem_cache_destroy(s);
	return err;
}
