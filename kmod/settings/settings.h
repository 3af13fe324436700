/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsan settings: the current values of the module parameters, and the
 * switch that turns memsan on and off.
 *
 * A leaf: anyone reads a value (READ_ONCE(): a parameter may change at any
 * time); only Config (config/params.c) writes them, through the parameters'
 * setters, and only Control turns memsan on.
 */
#ifndef _MEMSAN_SETTINGS_H
#define _MEMSAN_SETTINGS_H

#include <linux/bug.h>
#include <linux/jump_label.h>
#include <linux/types.h>

#define MEMSAN_VERSION "0.1.0"

enum memsan_track_mode {
	MEMSAN_TRACK_MODULES,	/* objects allocated or freed by instrumented modules */
	MEMSAN_TRACK_ALL,	/* every slab object */
};

/* Defaults; MODULE_PARM_DESC (config/params.c) states them too. */
#define MEMSAN_QUARANTINE_KB_DEFAULT	4096
#define MEMSAN_REDZONE_DEFAULT		16

extern int memsan_track;
extern unsigned int memsan_quarantine_kb;
extern unsigned int memsan_redzone;
extern bool memsan_report_all;
extern bool memsan_panic_on_report;
extern bool memsan_stack_trace;

/* stack_cache: how a stack is saved (objects/stack.c) */
enum memsan_stack_cache_mode {
	MEMSAN_STACK_CACHE_OFF,		/* a full unwind every time */
	MEMSAN_STACK_CACHE_ON,		/* proven memos of earlier unwinds (default) */
	MEMSAN_STACK_CACHE_VERIFY,	/* both, compared: a test mode */
};
extern int memsan_stack_cache;

/* On while memsan checks and hooks; off before init ends and after a disable. */
DECLARE_STATIC_KEY_FALSE(memsan_enabled_key);

static __always_inline bool memsan_enabled(void)
{
	return static_branch_likely(&memsan_enabled_key);
}

void memsan_enable(void);
void memsan_disable(const char *why);
void memsan_disable_sync(void);

/*
 * MEMSAN_WARN_ON() - on an internal inconsistency, turn memsan off with one
 * warning instead of corrupting the kernel it watches.
 */
#define MEMSAN_WARN_ON(cond)						\
	({								\
		const bool __cond = WARN_ON_ONCE(cond);			\
		if (unlikely(__cond))					\
			memsan_disable(#cond);				\
		__cond;							\
	})

#endif /* _MEMSAN_SETTINGS_H */
