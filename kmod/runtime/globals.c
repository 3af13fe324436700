// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: the redzones of instrumented modules' globals.
 *
 * gcc (asan-globals=1) pads each global of an instrumented module with a
 * redzone and emits a constructor that passes their descriptions to
 * __asan_register_globals().  The loader does not run it (no
 * CONFIG_CONSTRUCTORS): hooks/modules.c does, when the module is coming,
 * between memsan_globals_load_begin() and _end(), which name the module the
 * registrations belong to.  Each global's redzone is poisoned in the shadow
 * of the module area; memsan_globals_unload() makes it accessible again when
 * the module goes, so the next module loaded there starts clean.
 */
#define pr_fmt(fmt) "memsan: " fmt

#include <linux/export.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched.h>

#include "report/report.h"
#include "runtime/runtime.h"
#include "shadow_port/memsan_shadow.h"

/* One module's constructors at a time; loading_task is the one running them. */
static DEFINE_MUTEX(globals_load_lock);
static struct module *loading_mod;
static struct task_struct *loading_task;
static unsigned int loading_done;	/* globals given redzones for loading_mod */

/*
 * gcc aligns a protected global to 32 bytes and its size with redzone to a
 * multiple of 32; anything else is not an array gcc made for us.
 */
static bool global_sane(const struct asan_global *g)
{
	unsigned long beg = (unsigned long)g->beg;

	return !(beg & SHADOW_GRANULE_MASK) && g->size <= g->size_with_redzone &&
	       g->size_with_redzone && beg + g->size_with_redzone > beg &&
	       memsan_shadow_covers(beg, g->size_with_redzone);
}

static void globals_shadow_clear(const struct asan_global *globals, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (global_sane(&globals[i]))
			shadow_clear(&memsan_shadow, (unsigned long)globals[i].beg,
				     globals[i].size_with_redzone);
}

/**
 * __asan_register_globals() - poison the redzones of an object file's globals
 * @globals:	gcc's descriptions
 * @n:		how many
 *
 * Globals outside the shadow (a module loaded outside the module area) or
 * described oddly are left alone: unchecked, never reported.  So are calls
 * outside memsan_globals_load_begin() and _end() (a loader that runs the
 * constructors itself, after memsan did).
 */
void __asan_register_globals(struct asan_global *globals, size_t n)
{
	struct module *mod = READ_ONCE(loading_task) == current ? loading_mod : NULL;
	size_t i, done = 0;

	/*
	 * Only during a load memsan runs: a registration it cannot tie to a
	 * module would never be dropped, and outlive the module's memory.
	 */
	if (!mod || !globals || !n || memsan_globals_add(globals, n, mod))
		return;
	for (i = 0; i < n; i++) {
		const struct asan_global *g = &globals[i];

		if (global_sane(g) &&
		    !shadow_mark_object(&memsan_shadow, (unsigned long)g->beg, g->size,
					g->size_with_redzone, SHADOW_GLOBAL_REDZONE))
			done++;
	}
	loading_done += done;
	if (done < n)
		pr_info("%s: %zu of %zu globals without redzones\n", mod->name, n - done, n);
}
EXPORT_SYMBOL(__asan_register_globals);

/**
 * __asan_unregister_globals() - make globals and their redzones accessible
 * @globals:	as registered
 * @n:		how many
 */
void __asan_unregister_globals(struct asan_global *globals, size_t n)
{
	if (globals && memsan_globals_remove(globals))
		globals_shadow_clear(globals, n);
}
EXPORT_SYMBOL(__asan_unregister_globals);

/**
 * memsan_globals_load_begin() - registrations that follow belong to @mod
 * @mod:	the module whose constructors the caller is about to run
 *
 * Context: process context; pairs with memsan_globals_load_end().
 */
void memsan_globals_load_begin(struct module *mod)
{
	mutex_lock(&globals_load_lock);
	loading_mod = mod;
	loading_done = 0;
	WRITE_ONCE(loading_task, current);
}

/**
 * memsan_globals_load_end() - the module's constructors have run
 *
 * Return: how many of its globals got redzones.
 */
unsigned int memsan_globals_load_end(void)
{
	unsigned int done = loading_done;

	WRITE_ONCE(loading_task, NULL);
	loading_mod = NULL;
	mutex_unlock(&globals_load_lock);
	return done;
}

/**
 * memsan_globals_unload() - unregister every global of a module that goes
 * @mod:	the module
 */
void memsan_globals_unload(struct module *mod)
{
	const struct asan_global *globals;
	size_t n;

	while (memsan_globals_take(mod, &globals, &n))
		globals_shadow_clear(globals, n);
}
