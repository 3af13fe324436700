/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsan: the page allocator, vmalloc and formatted-output wrappers
 * (pages_api.c, vmalloc_api.c, printf_api.c) that memsan_redirect.h gives
 * the calls of an instrumented module as assembler names.
 */
#ifndef _MEMSAN_MEM_API_H
#define _MEMSAN_MEM_API_H

#include <linux/compiler_attributes.h>
#include <linux/gfp.h>
#include <linux/stdarg.h>
#include <linux/types.h>

struct page;

/* === The page allocator (pages_api.c) === */

struct page *__memsan_alloc_pages(gfp_t gfp, unsigned int order);
unsigned long __memsan___get_free_pages(gfp_t gfp, unsigned int order);
unsigned long __memsan_get_zeroed_page(gfp_t gfp);
void __memsan___free_pages(struct page *page, unsigned int order);
void __memsan_free_pages(unsigned long addr, unsigned int order);
void *__memsan_alloc_pages_exact(size_t size, gfp_t gfp);
void __memsan_free_pages_exact(void *virt, size_t size);

/* === vmalloc (vmalloc_api.c) === */

void *__memsan_vmalloc(unsigned long size);
void *__memsan_vzalloc(unsigned long size);
void *__memsan_vmalloc_user(unsigned long size);
void *__memsan_vmalloc_node(unsigned long size, int node);
void *__memsan_vzalloc_node(unsigned long size, int node);
void *__memsan_vmalloc_32(unsigned long size);
void *__memsan___vmalloc(unsigned long size, gfp_t gfp);
void *__memsan_vmalloc_array(size_t n, size_t size);
void *__memsan___vmalloc_array(size_t n, size_t size, gfp_t gfp);
void *__memsan_vcalloc(size_t n, size_t size);
void *__memsan___vcalloc(size_t n, size_t size, gfp_t gfp);
void *__memsan_vmalloc_huge(unsigned long size, gfp_t gfp);
void *__memsan_vmalloc_huge_node(unsigned long size, gfp_t gfp, int node);
void __memsan_vfree(const void *ptr);
void __memsan_kvfree(const void *ptr);
void __memsan_kvfree_sensitive(const void *ptr, size_t len);

/* === Formatted output into a buffer (printf_api.c) === */

__printf(3, 4) int __memsan_snprintf(char *buf, size_t size, const char *fmt, ...);
__printf(3, 0) int __memsan_vsnprintf(char *buf, size_t size, const char *fmt, va_list args);
__printf(3, 4) int __memsan_scnprintf(char *buf, size_t size, const char *fmt, ...);
__printf(3, 0) int __memsan_vscnprintf(char *buf, size_t size, const char *fmt, va_list args);
__printf(2, 3) int __memsan_sprintf(char *buf, const char *fmt, ...);
__printf(2, 0) int __memsan_vsprintf(char *buf, const char *fmt, va_list args);

#endif /* _MEMSAN_MEM_API_H */
