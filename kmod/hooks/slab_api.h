/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsan: the slab API wrappers (slab_api.c) that memsan_redirect.h gives
 * the slab functions of an instrumented module as assembler names.
 */
#ifndef _MEMSAN_SLAB_API_H
#define _MEMSAN_SLAB_API_H

#include <linux/compiler_attributes.h>
#include <linux/gfp.h>
#include <linux/list_lru.h>
#include <linux/stdarg.h>
#include <linux/types.h>

struct kmem_cache;

void *__memsan___kmalloc(size_t size, gfp_t flags);
void *__memsan___kmalloc_node(size_t size, gfp_t flags, int node);
void *__memsan___kmalloc_node_track_caller(size_t size, gfp_t flags, int node,
					   unsigned long caller);
void *__memsan_kmalloc_trace(struct kmem_cache *cache, gfp_t flags, size_t size);
void *__memsan_kmalloc_node_trace(struct kmem_cache *cache, gfp_t flags, int node, size_t size);
void *__memsan_kmalloc_large(size_t size, gfp_t flags);
void *__memsan_kmalloc_large_node(size_t size, gfp_t flags, int node);
void *__memsan_krealloc(const void *old, size_t size, gfp_t flags);
size_t __memsan_ksize(const void *ptr);
void *__memsan_kvmalloc_node(size_t size, gfp_t flags, int node);
void *__memsan_kmem_cache_alloc(struct kmem_cache *cache, gfp_t flags);
void *__memsan_kmem_cache_alloc_lru(struct kmem_cache *cache, struct list_lru *lru, gfp_t flags);
void *__memsan_kmem_cache_alloc_node(struct kmem_cache *cache, gfp_t flags, int node);
int __memsan_kmem_cache_alloc_bulk(struct kmem_cache *cache, gfp_t flags, size_t nr, void **ptrs);
void __memsan_kfree(const void *ptr);
void __memsan_kmem_cache_free(struct kmem_cache *cache, void *ptr);
void __memsan_kmem_cache_free_bulk(struct kmem_cache *cache, size_t nr, void **ptrs);
void __memsan_kmem_cache_destroy(struct kmem_cache *cache);
struct kmem_cache *__memsan_kmem_cache_create(const char *name, unsigned int size,
					      unsigned int align, slab_flags_t flags,
					      void (*ctor)(void *));
struct kmem_cache *__memsan_kmem_cache_create_usercopy(const char *name, unsigned int size,
						       unsigned int align, slab_flags_t flags,
						       unsigned int useroffset,
						       unsigned int usersize,
						       void (*ctor)(void *));
unsigned int __memsan_kmem_cache_size(struct kmem_cache *cache);
char *__memsan_kstrdup(const char *str, gfp_t flags);
char *__memsan_kstrndup(const char *str, size_t max, gfp_t flags);
void *__memsan_kmemdup(const void *src, size_t len, gfp_t flags);
char *__memsan_kmemdup_nul(const char *str, size_t len, gfp_t flags);
__printf(2, 0) char *__memsan_kvasprintf(gfp_t flags, const char *fmt, va_list args);
__printf(2, 3) char *__memsan_kasprintf(gfp_t flags, const char *fmt, ...);
void *__memsan_memdup_user(const void __user *src, size_t len);
void *__memsan_memdup_user_nul(const void __user *src, size_t len);
char *__memsan_strndup_user(const char __user *src, long max);

#endif /* _MEMSAN_SLAB_API_H */
