/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsan runtime: what instrumented code calls on every access.
 *
 *   check.c	the __asan_* checks: the fast path
 *   check_slow.c	the rest of them, kasan_check_*(), the report
 *   string.c	checked string and memory functions (memsan_redirect.h)
 *   globals.c	the redzones of instrumented modules' globals
 *
 * They read the shadow (shadow_port/memsan_shadow.h) and call Report.
 */
#ifndef _MEMSAN_RUNTIME_H
#define _MEMSAN_RUNTIME_H

#include <linux/module.h>
#include <linux/types.h>

/*
 * Check [addr, addr+size) for an access by instrumented code; report if bad.
 * False: the access is bad and must not be performed.
 */
bool memsan_check_range(const void *addr, size_t size, bool is_write, unsigned long ip);

/* What the inline part of an __asan_* check did not decide (check_slow.c) */
void memsan_check_slow(unsigned long addr, size_t size, bool is_write, unsigned long ip);

/*
 * The runtime gcc's -fsanitize=kernel-address calls (outline checks with
 * -fsanitize-recover: only the _noabort variants).  gcc knows these; the
 * prototypes are for memsan's own definitions.
 */
#define MEMSAN_DECLARE_ASAN_ACCESS(size)					\
	void __asan_load##size##_noabort(unsigned long addr);			\
	void __asan_store##size##_noabort(unsigned long addr)
MEMSAN_DECLARE_ASAN_ACCESS(1);
MEMSAN_DECLARE_ASAN_ACCESS(2);
MEMSAN_DECLARE_ASAN_ACCESS(4);
MEMSAN_DECLARE_ASAN_ACCESS(8);
MEMSAN_DECLARE_ASAN_ACCESS(16);
void __asan_loadN_noabort(unsigned long addr, size_t size);
void __asan_storeN_noabort(unsigned long addr, size_t size);
void __asan_handle_no_return(void);
struct asan_global;
void __asan_register_globals(struct asan_global *globals, size_t n);
void __asan_unregister_globals(struct asan_global *globals, size_t n);

/* Globals of a module being loaded (globals.c), see hooks/modules.c */
void memsan_globals_load_begin(struct module *mod);
unsigned int memsan_globals_load_end(void);
void memsan_globals_unload(struct module *mod);

/* linux/kasan-checks.h's hooks in instrumented modules (memsan_redirect.h) */
bool __memsan_kasan_check_read(const void *p, unsigned int size);
bool __memsan_kasan_check_write(const void *p, unsigned int size);

/* Checked string functions (string.c), see memsan_redirect.h */

void *__memsan_memcpy(void *dst, const void *src, size_t len);
void *__memsan_memmove(void *dst, const void *src, size_t len);
void *__memsan_memset(void *dst, int c, size_t len);
int __memsan_memcmp(const void *a, const void *b, size_t len);
void *__memsan_memchr(const void *s, int c, size_t len);
size_t __memsan_strlen(const char *s);
size_t __memsan_strnlen(const char *s, size_t max);
char *__memsan_strcpy(char *dst, const char *src);
char *__memsan_strncpy(char *dst, const char *src, size_t len);
size_t __memsan_strlcpy(char *dst, const char *src, size_t size);
ssize_t __memsan_strscpy(char *dst, const char *src, size_t size);
char *__memsan_strcat(char *dst, const char *src);
char *__memsan_strncat(char *dst, const char *src, size_t count);
int __memsan_strcmp(const char *a, const char *b);
int __memsan_strncmp(const char *a, const char *b, size_t count);
char *__memsan_strchr(const char *s, int c);
char *__memsan_strrchr(const char *s, int c);

/* User copies (string.c): the kernel side is checked */
unsigned long __memsan__copy_from_user(void *to, const void __user *from, unsigned long n);
unsigned long __memsan__copy_to_user(void __user *to, const void *from, unsigned long n);
long __memsan_strncpy_from_user(char *dst, const char __user *src, long count);

#endif /* _MEMSAN_RUNTIME_H */
