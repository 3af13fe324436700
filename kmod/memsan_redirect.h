/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Force-included (gcc -include) into every object of a module built with
 * memsan.mk.  Declaring the string functions with an assembler name before
 * any kernel header does makes gcc emit every call to them, including the
 * calls it generates itself for builtins and struct copies, as calls to
 * memsan's checked versions.  The slab functions get memsan's wrappers the
 * same way: the module's allocations and frees reach memsan without a probe
 * (kmod/hooks/slab_api.c).  FORTIFY_SOURCE is turned off for such objects
 * (memsan.mk defines __NO_FORTIFY): its wrappers rename the calls back to
 * the unchecked symbols, and memsan's checks are exact where fortify's are
 * bounded by the compile-time object size.
 */
#ifndef _MEMSAN_REDIRECT_H
#define _MEMSAN_REDIRECT_H

#define __memsan_redirect(name) __asm__("__memsan_" #name)

void *memcpy(void *dst, const void *src, __SIZE_TYPE__ len) __memsan_redirect(memcpy);
void *memmove(void *dst, const void *src, __SIZE_TYPE__ len) __memsan_redirect(memmove);
void *memset(void *dst, int c, __SIZE_TYPE__ len) __memsan_redirect(memset);
int memcmp(const void *a, const void *b, __SIZE_TYPE__ len) __memsan_redirect(memcmp);
void *memchr(const void *s, int c, __SIZE_TYPE__ len) __memsan_redirect(memchr);
char *strcpy(char *dst, const char *src) __memsan_redirect(strcpy);
/* 7.x has no strncpy(): memsan's stands in (compat.h) */
char *strncpy(char *dst, const char *src, __SIZE_TYPE__ len) __memsan_redirect(strncpy);
__SIZE_TYPE__ strlcpy(char *dst, const char *src, __SIZE_TYPE__ len) __memsan_redirect(strlcpy);
long strscpy(char *dst, const char *src, __SIZE_TYPE__ len) __memsan_redirect(strscpy);
char *strcat(char *dst, const char *src) __memsan_redirect(strcat);
char *strncat(char *dst, const char *src, __SIZE_TYPE__ len) __memsan_redirect(strncat);
__SIZE_TYPE__ strlen(const char *s) __memsan_redirect(strlen);
__SIZE_TYPE__ strnlen(const char *s, __SIZE_TYPE__ len) __memsan_redirect(strnlen);
int strcmp(const char *a, const char *b) __memsan_redirect(strcmp);
int strncmp(const char *a, const char *b, __SIZE_TYPE__ len) __memsan_redirect(strncmp);
char *strchr(const char *s, int c) __memsan_redirect(strchr);
char *strrchr(const char *s, int c) __memsan_redirect(strrchr);

/*
 * The kernel's instrumentation hooks: instrumented.h calls kasan_check_read()
 * and kasan_check_write() for atomics, bit operations and the inline user
 * copies.  With CONFIG_KASAN off, linux/kasan-checks.h makes them empty
 * inlines; defining its include guard here, first, keeps it out, and the
 * hooks become calls to memsan's checks (runtime/check.c).
 */
#define _LINUX_KASAN_CHECKS_H
_Bool __kasan_check_read(const void *p, unsigned int size)
	__memsan_redirect(kasan_check_read);
_Bool __kasan_check_write(const void *p, unsigned int size)
	__memsan_redirect(kasan_check_write);
#define kasan_check_read(p, size) __kasan_check_read((const void *)(p), (size))
#define kasan_check_write(p, size) __kasan_check_write((const void *)(p), (size))

/*
 * User copies: x86_64 6.1 has copy_from_user() and copy_to_user() call the
 * kernel's out-of-line _copy_from_user()/_copy_to_user() (arm64 inlines
 * them: the kasan_check_*() above see those); strncpy_from_user() is out of
 * line on both.
 */
#ifdef __x86_64__
unsigned long _copy_from_user(void *to, const void *from, unsigned long n)
	__memsan_redirect(_copy_from_user);
unsigned long _copy_to_user(void *to, const void *from, unsigned long n)
	__memsan_redirect(_copy_to_user);
#endif
long strncpy_from_user(char *dst, const char *src, long count)
	__memsan_redirect(strncpy_from_user);

/*
 * The slab API, with the kernel's types spelt without its headers.  Its
 * allocation entry points differ between kernels: the MEMSAN_HAVE_* of the
 * kernel being built for come from compat/conftest.sh (memsan.mk runs it
 * and includes its answers before this file).  A kmem_buckets * is spelt as
 * a pointer to an array of its length (conftest.sh measures it).
 */
struct kmem_cache;
struct list_lru;
#define __memsan_gfp unsigned int
#ifdef MEMSAN_VALUE_KMEM_BUCKETS_LEN
#define __memsan_buckets(name) struct kmem_cache *(*name)[MEMSAN_VALUE_KMEM_BUCKETS_LEN]
#else
#define __memsan_buckets(name) struct kmem_cache *(*name)[]
#endif

#if defined(MEMSAN_HAVE_SLAB_PLAIN)
void *__kmalloc(__SIZE_TYPE__ size, __memsan_gfp flags) __memsan_redirect(__kmalloc);
void *__kmalloc_node(__SIZE_TYPE__ size, __memsan_gfp flags, int node)
	__memsan_redirect(__kmalloc_node);
void *__kmalloc_node_track_caller(__SIZE_TYPE__ size, __memsan_gfp flags, int node,
				  unsigned long caller)
	__memsan_redirect(__kmalloc_node_track_caller);
void *kmalloc_trace(struct kmem_cache *s, __memsan_gfp flags, __SIZE_TYPE__ size)
	__memsan_redirect(kmalloc_trace);
void *kmalloc_node_trace(struct kmem_cache *s, __memsan_gfp flags, int node, __SIZE_TYPE__ size)
	__memsan_redirect(kmalloc_node_trace);
void *kmalloc_large(__SIZE_TYPE__ size, __memsan_gfp flags) __memsan_redirect(kmalloc_large);
void *kmalloc_large_node(__SIZE_TYPE__ size, __memsan_gfp flags, int node)
	__memsan_redirect(kmalloc_large_node);
void *krealloc(const void *p, __SIZE_TYPE__ size, __memsan_gfp flags) __memsan_redirect(krealloc);
void *kvmalloc_node(__SIZE_TYPE__ size, __memsan_gfp flags, int node)
	__memsan_redirect(kvmalloc_node);
void *kmem_cache_alloc(struct kmem_cache *s, __memsan_gfp flags)
	__memsan_redirect(kmem_cache_alloc);
void *kmem_cache_alloc_lru(struct kmem_cache *s, struct list_lru *lru, __memsan_gfp flags)
	__memsan_redirect(kmem_cache_alloc_lru);
void *kmem_cache_alloc_node(struct kmem_cache *s, __memsan_gfp flags, int node)
	__memsan_redirect(kmem_cache_alloc_node);
int kmem_cache_alloc_bulk(struct kmem_cache *s, __memsan_gfp flags, __SIZE_TYPE__ nr, void **p)
	__memsan_redirect(kmem_cache_alloc_bulk);
void *kmemdup(const void *src, __SIZE_TYPE__ len, __memsan_gfp flags) __memsan_redirect(kmemdup);
#elif defined(MEMSAN_HAVE_SLAB_NOPROF)
void *__kmalloc_noprof(__SIZE_TYPE__ size, __memsan_gfp flags)
	__memsan_redirect(__kmalloc_noprof);
void *__kmalloc_node_noprof(__SIZE_TYPE__ size, __memsan_buckets(b), __memsan_gfp flags,
			    int node)
	__memsan_redirect(__kmalloc_node_noprof);
void *__kmalloc_node_track_caller_noprof(__SIZE_TYPE__ size, __memsan_buckets(b),
					 __memsan_gfp flags, int node, unsigned long caller)
	__memsan_redirect(__kmalloc_node_track_caller_noprof);
void *__kmalloc_cache_noprof(struct kmem_cache *s, __memsan_gfp flags, __SIZE_TYPE__ size)
	__memsan_redirect(__kmalloc_cache_noprof);
void *__kmalloc_cache_node_noprof(struct kmem_cache *s, __memsan_gfp flags, int node,
				  __SIZE_TYPE__ size)
	__memsan_redirect(__kmalloc_cache_node_noprof);
void *__kmalloc_large_noprof(__SIZE_TYPE__ size, __memsan_gfp flags)
	__memsan_redirect(__kmalloc_large_noprof);
void *__kmalloc_large_node_noprof(__SIZE_TYPE__ size, __memsan_gfp flags, int node)
	__memsan_redirect(__kmalloc_large_node_noprof);
void *kmem_cache_alloc_noprof(struct kmem_cache *s, __memsan_gfp flags)
	__memsan_redirect(kmem_cache_alloc_noprof);
void *kmem_cache_alloc_lru_noprof(struct kmem_cache *s, struct list_lru *lru, __memsan_gfp flags)
	__memsan_redirect(kmem_cache_alloc_lru_noprof);
void *kmem_cache_alloc_node_noprof(struct kmem_cache *s, __memsan_gfp flags, int node)
	__memsan_redirect(kmem_cache_alloc_node_noprof);
void *kmemdup_noprof(const void *src, __SIZE_TYPE__ len, __memsan_gfp flags)
	__memsan_redirect(kmemdup_noprof);
#if defined(MEMSAN_HAVE_BULK_NOPROF_INT)
int kmem_cache_alloc_bulk_noprof(struct kmem_cache *s, __memsan_gfp flags, __SIZE_TYPE__ nr,
				 void **p)
	__memsan_redirect(kmem_cache_alloc_bulk_noprof);
#elif defined(MEMSAN_HAVE_BULK_NOPROF_BOOL)
_Bool kmem_cache_alloc_bulk_noprof(struct kmem_cache *s, __memsan_gfp flags, __SIZE_TYPE__ nr,
				   void **p)
	__memsan_redirect(kmem_cache_alloc_bulk_noprof);
#else
#error "memsan: this kernel's kmem_cache_alloc_bulk is not one memsan knows"
#endif
#if defined(MEMSAN_HAVE_KREALLOC_NOPROF)
void *krealloc_noprof(const void *p, __SIZE_TYPE__ size, __memsan_gfp flags)
	__memsan_redirect(krealloc_noprof);
#elif defined(MEMSAN_HAVE_KREALLOC_NODE_ALIGN)
void *krealloc_node_align_noprof(const void *p, __SIZE_TYPE__ size, unsigned long align,
				 __memsan_gfp flags, int node)
	__memsan_redirect(krealloc_node_align_noprof);
#else
#error "memsan: this kernel's krealloc is not one memsan knows"
#endif
#if defined(MEMSAN_HAVE_KVMALLOC_NOPROF)
void *__kvmalloc_node_noprof(__SIZE_TYPE__ size, __memsan_buckets(b), __memsan_gfp flags,
			     int node)
	__memsan_redirect(__kvmalloc_node_noprof);
#elif defined(MEMSAN_HAVE_KVMALLOC_NOPROF_ALIGN)
void *__kvmalloc_node_noprof(__SIZE_TYPE__ size, __memsan_buckets(b), unsigned long align,
			     __memsan_gfp flags, int node)
	__memsan_redirect(__kvmalloc_node_noprof);
#else
#error "memsan: this kernel's kvmalloc is not one memsan knows"
#endif
#else
#error "memsan: this kernel's slab API is not one memsan knows (memsan.mk runs compat/conftest.sh)"
#endif

/* 7.x: kfree_rcu() objects bypass kfree() (kmod/hooks/rcu_free.c). */
#if defined(MEMSAN_HAVE_SLAB_SHEAVES) && defined(MEMSAN_HAVE_KVFREE_RCU_HEAD)
struct kvfree_rcu_head;
void kvfree_call_rcu(struct kvfree_rcu_head *head, void *ptr) __memsan_redirect(kvfree_call_rcu);
#elif defined(MEMSAN_HAVE_SLAB_SHEAVES)
struct callback_head;	/* struct rcu_head, before <linux/types.h> names it so */
void kvfree_call_rcu(struct callback_head *head, void *ptr) __memsan_redirect(kvfree_call_rcu);
#endif
#if defined(MEMSAN_HAVE_SLAB_SHEAVES) && defined(MEMSAN_HAVE_KFREE_CALL_RCU_NOLOCK)
void kfree_call_rcu_nolock(struct kvfree_rcu_head *head, void *ptr)
	__memsan_redirect(kfree_call_rcu_nolock);
#endif

__SIZE_TYPE__ ksize(const void *p) __memsan_redirect(ksize);
void kfree(const void *p) __memsan_redirect(kfree);
void kmem_cache_free(struct kmem_cache *s, void *p) __memsan_redirect(kmem_cache_free);
void kmem_cache_free_bulk(struct kmem_cache *s, __SIZE_TYPE__ nr, void **p)
	__memsan_redirect(kmem_cache_free_bulk);
void kmem_cache_destroy(struct kmem_cache *s) __memsan_redirect(kmem_cache_destroy);
char *kstrdup(const char *s, __memsan_gfp flags) __memsan_redirect(kstrdup);
char *kstrndup(const char *s, __SIZE_TYPE__ max, __memsan_gfp flags) __memsan_redirect(kstrndup);
char *kmemdup_nul(const char *s, __SIZE_TYPE__ len, __memsan_gfp flags)
	__memsan_redirect(kmemdup_nul);
char *kasprintf(__memsan_gfp flags, const char *fmt, ...) __memsan_redirect(kasprintf);
char *kvasprintf(__memsan_gfp flags, const char *fmt, __builtin_va_list args)
	__memsan_redirect(kvasprintf);
void *memdup_user(const void *src, __SIZE_TYPE__ len) __memsan_redirect(memdup_user);
void *memdup_user_nul(const void *src, __SIZE_TYPE__ len) __memsan_redirect(memdup_user_nul);
char *strndup_user(const char *s, long max) __memsan_redirect(strndup_user);

#undef __memsan_buckets
#undef __memsan_gfp

/*
 * The page allocator, vmalloc and formatted output (issue 10):
 * hooks/pages_api.c, hooks/vmalloc_api.c, hooks/printf_api.c.  alloc_pages()
 * is a function only with CONFIG_NUMA (an inline otherwise, which ends in
 * __alloc_pages(), not wrapped).  6.10+ names the allocating functions
 * *_noprof (MEMSAN_HAVE_PAGES_NOPROF, MEMSAN_HAVE_VMALLOC_NOPROF): the same
 * wrappers take them.
 */
struct page;
#define __memsan_gfp unsigned int
#ifdef MEMSAN_HAVE_PAGES_NOPROF
#ifdef CONFIG_NUMA
struct page *alloc_pages_noprof(__memsan_gfp gfp, unsigned int order)
	__memsan_redirect(alloc_pages);
#endif
unsigned long get_free_pages_noprof(__memsan_gfp gfp, unsigned int order)
	__memsan_redirect(__get_free_pages);
unsigned long get_zeroed_page_noprof(__memsan_gfp gfp) __memsan_redirect(get_zeroed_page);
void *alloc_pages_exact_noprof(__SIZE_TYPE__ size, __memsan_gfp gfp)
	__memsan_redirect(alloc_pages_exact);
#else
#ifdef CONFIG_NUMA
struct page *alloc_pages(__memsan_gfp gfp, unsigned int order) __memsan_redirect(alloc_pages);
#endif
unsigned long __get_free_pages(__memsan_gfp gfp, unsigned int order)
	__memsan_redirect(__get_free_pages);
unsigned long get_zeroed_page(__memsan_gfp gfp) __memsan_redirect(get_zeroed_page);
void *alloc_pages_exact(__SIZE_TYPE__ size, __memsan_gfp gfp) __memsan_redirect(alloc_pages_exact);
#endif
/*
 * alloc_pages_node() and __alloc_pages_node() (inlines) end in a function
 * that takes a nodemask_t, a type that cannot be declared here: the name is
 * changed by a macro instead, so the kernel's own declaration declares
 * memsan's wrapper.  7.x has alloc_pages_node_noprof() as a function.
 */
#if defined(MEMSAN_HAVE_ALLOC_PAGES_NOPROF)
#define __alloc_pages_noprof __memsan___alloc_pages_noprof
#elif defined(MEMSAN_HAVE_ALLOC_PAGES_NODE_NOPROF)	/* an inline on 6.1x, a function on 7.x */
struct page *alloc_pages_node_noprof(int nid, __memsan_gfp gfp, unsigned int order)
	__memsan_redirect(alloc_pages_node_noprof);
#elif defined(MEMSAN_HAVE_ALLOC_PAGES_PLAIN)
#define __alloc_pages __memsan___alloc_pages
#endif
void __free_pages(struct page *page, unsigned int order) __memsan_redirect(__free_pages);
void free_pages(unsigned long addr, unsigned int order) __memsan_redirect(free_pages);
void free_pages_exact(void *virt, __SIZE_TYPE__ size) __memsan_redirect(free_pages_exact);

#ifdef MEMSAN_HAVE_VMALLOC_NOPROF
#define __memsan_vm(name) name##_noprof
#else
#define __memsan_vm(name) name
#endif
void *__memsan_vm(vmalloc)(unsigned long size) __memsan_redirect(vmalloc);
void *__memsan_vm(vzalloc)(unsigned long size) __memsan_redirect(vzalloc);
void *__memsan_vm(vmalloc_user)(unsigned long size) __memsan_redirect(vmalloc_user);
void *__memsan_vm(vmalloc_node)(unsigned long size, int node) __memsan_redirect(vmalloc_node);
void *__memsan_vm(vzalloc_node)(unsigned long size, int node) __memsan_redirect(vzalloc_node);
void *__memsan_vm(vmalloc_32)(unsigned long size) __memsan_redirect(vmalloc_32);
void *__memsan_vm(__vmalloc)(unsigned long size, __memsan_gfp gfp) __memsan_redirect(__vmalloc);
void *__memsan_vm(vmalloc_array)(__SIZE_TYPE__ n, __SIZE_TYPE__ size)
	__memsan_redirect(vmalloc_array);
void *__memsan_vm(__vmalloc_array)(__SIZE_TYPE__ n, __SIZE_TYPE__ size, __memsan_gfp gfp)
	__memsan_redirect(__vmalloc_array);
void *__memsan_vm(vcalloc)(__SIZE_TYPE__ n, __SIZE_TYPE__ size) __memsan_redirect(vcalloc);
void *__memsan_vm(__vcalloc)(__SIZE_TYPE__ n, __SIZE_TYPE__ size, __memsan_gfp gfp)
	__memsan_redirect(__vcalloc);
#ifdef MEMSAN_HAVE_VMALLOC_HUGE_NODE
void *vmalloc_huge_node_noprof(unsigned long size, __memsan_gfp gfp, int node)
	__memsan_redirect(vmalloc_huge_node);
#else
void *__memsan_vm(vmalloc_huge)(unsigned long size, __memsan_gfp gfp)
	__memsan_redirect(vmalloc_huge);
#endif
#undef __memsan_vm
void vfree(const void *ptr) __memsan_redirect(vfree);
void kvfree(const void *ptr) __memsan_redirect(kvfree);
void kvfree_sensitive(const void *ptr, __SIZE_TYPE__ len) __memsan_redirect(kvfree_sensitive);
#undef __memsan_gfp

int snprintf(char *buf, __SIZE_TYPE__ size, const char *fmt, ...) __memsan_redirect(snprintf);
int vsnprintf(char *buf, __SIZE_TYPE__ size, const char *fmt, __builtin_va_list args)
	__memsan_redirect(vsnprintf);
int scnprintf(char *buf, __SIZE_TYPE__ size, const char *fmt, ...) __memsan_redirect(scnprintf);
int vscnprintf(char *buf, __SIZE_TYPE__ size, const char *fmt, __builtin_va_list args)
	__memsan_redirect(vscnprintf);
int sprintf(char *buf, const char *fmt, ...) __memsan_redirect(sprintf);
int vsprintf(char *buf, const char *fmt, __builtin_va_list args) __memsan_redirect(vsprintf);

/*
 * Caches the module creates get a redzone (hooks/slab_api.c); slab_flags_t is
 * an unsigned int.  6.12+ has kmem_cache_create() as inlines over
 * __kmem_cache_create_args() (MEMSAN_HAVE_KMEM_CACHE_CREATE_ARGS).
 */
#ifdef MEMSAN_HAVE_KMEM_CACHE_CREATE_ARGS
struct kmem_cache_args;
struct kmem_cache *__kmem_cache_create_args(const char *name, unsigned int object_size,
					    struct kmem_cache_args *args, unsigned int flags)
	__memsan_redirect(__kmem_cache_create_args);
#else
struct kmem_cache *kmem_cache_create(const char *name, unsigned int size, unsigned int align,
				     unsigned int flags, void (*ctor)(void *))
	__memsan_redirect(kmem_cache_create);
struct kmem_cache *kmem_cache_create_usercopy(const char *name, unsigned int size,
					      unsigned int align, unsigned int flags,
					      unsigned int useroffset, unsigned int usersize,
					      void (*ctor)(void *))
	__memsan_redirect(kmem_cache_create_usercopy);
#endif
unsigned int kmem_cache_size(struct kmem_cache *s) __memsan_redirect(kmem_cache_size);

#endif /* _MEMSAN_REDIRECT_H */
