/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsan: every slab allocation entry point of this kernel, for the
 * track=all probes: the body of hooks.c's alloc_hooks[], one
 * ALLOC_HOOK(symbol, kind, size argument, cache argument, caller argument,
 * grows) each.  For kmem_cache allocations the size argument is unused
 * (0 = the cache's object size) except for bulk, where it is the count.
 * Chosen by compat/conftest.sh's MEMSAN_HAVE_*, like memsan_redirect.h.
 */
#if defined(MEMSAN_HAVE_SLAB_PLAIN)
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
#else
	ALLOC_HOOK("__kmalloc_noprof", ALLOC_PLAIN, 0, NO_ARG, NO_ARG, true),
	ALLOC_HOOK("__kmalloc_node_noprof", ALLOC_PLAIN, 0, NO_ARG, NO_ARG, true),
	ALLOC_HOOK("__kmalloc_node_track_caller_noprof", ALLOC_PLAIN, 0, NO_ARG, 4, true),
	ALLOC_HOOK("__kmalloc_cache_noprof", ALLOC_PLAIN, 2, NO_ARG, NO_ARG, false),
	ALLOC_HOOK("__kmalloc_cache_node_noprof", ALLOC_PLAIN, 3, NO_ARG, NO_ARG, false),
	ALLOC_HOOK("__kmalloc_large_noprof", ALLOC_PLAIN, 0, NO_ARG, NO_ARG, false),
	ALLOC_HOOK("__kmalloc_large_node_noprof", ALLOC_PLAIN, 0, NO_ARG, NO_ARG, false),
	ALLOC_HOOK("kmem_cache_alloc_noprof", ALLOC_PLAIN, 0, 0, NO_ARG, false),
	ALLOC_HOOK("kmem_cache_alloc_lru_noprof", ALLOC_PLAIN, 0, 0, NO_ARG, false),
	ALLOC_HOOK("kmem_cache_alloc_node_noprof", ALLOC_PLAIN, 0, 0, NO_ARG, false),
	ALLOC_HOOK("kmem_cache_alloc_bulk_noprof", ALLOC_BULK, 2, 0, NO_ARG, false),
#ifdef MEMSAN_HAVE_KREALLOC_NOPROF
	ALLOC_HOOK("krealloc_noprof", ALLOC_REALLOC, 1, NO_ARG, NO_ARG, false),
#else
	ALLOC_HOOK("krealloc_node_align_noprof", ALLOC_REALLOC, 1, NO_ARG, NO_ARG, false),
#endif
	ALLOC_HOOK("__kvmalloc_node_noprof", ALLOC_KVMALLOC, 0, NO_ARG, NO_ARG, false),
	ALLOC_HOOK("ksize", ALLOC_KSIZE, 0, NO_ARG, NO_ARG, false),
#endif
