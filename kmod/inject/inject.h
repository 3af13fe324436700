/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsan inject: allocation-failure injection for instrumented modules.
 *
 * Every allocation wrapper (hooks/slab_api.c, pages_api.c, vmalloc_api.c)
 * asks memsan_inject_fail() at its top whether to fail the call, and if so
 * returns what the real function returns when it fails (NULL,
 * ERR_PTR(-ENOMEM), 0) without calling it.  The wrappers are only reached from instrumented modules, so
 * the rest of the kernel never sees an injected failure.
 *
 * The settings are module parameters (config/params.c): fail_nth,
 * fail_probability, fail_interval, fail_times, fail_module, fail_verbose,
 * and the read-only fail_last.  Config sets them through the functions
 * below; hooks/modules.c tells which loaded module fail_module names.
 *
 * A leaf above Counters and Settings only: it calls nothing else of memsan.
 */
#ifndef _MEMSAN_INJECT_H
#define _MEMSAN_INJECT_H

#include <linux/gfp.h>
#include <linux/types.h>

struct module;

#define MEMSAN_FAIL_VERBOSE_DEFAULT	1
#define MEMSAN_FAIL_VERBOSE_MAX		2	/* 0 quiet, 1 call site, 2 also the stack */

/* Values the parameters read and write directly (validated by params.c). */
extern unsigned int memsan_fail_probability;	/* percent, 0-100 */
extern unsigned int memsan_fail_interval;	/* >= 1 */
extern unsigned int memsan_fail_verbose;	/* 0-2 */

bool memsan_inject_fail(gfp_t gfp, unsigned long caller);

void memsan_inject_set_nth(unsigned int nth);
unsigned int memsan_inject_nth(void);
void memsan_inject_set_times(int times);
int memsan_inject_times(void);
void memsan_inject_set_module(const char *name, struct module *mod);
int memsan_inject_module_name(char *buf, size_t size);
void memsan_inject_module_coming(struct module *mod);
void memsan_inject_module_going(struct module *mod);
int memsan_inject_last(char *buf, size_t size);

#endif /* _MEMSAN_INJECT_H */
