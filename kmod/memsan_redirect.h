/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Force-included (gcc -include) into every object of a module built with
 * memsan.mk.  Declaring the string functions with an assembler name before
 * any kernel header does makes gcc emit every call to them, including the
 * calls it generates itself for builtins and struct copies, as calls to
 * memsan's checked versions.  FORTIFY_SOURCE is turned off for such objects
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

#endif /* _MEMSAN_REDIRECT_H */
