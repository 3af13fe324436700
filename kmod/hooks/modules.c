// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: which loaded modules are instrumented.
 *
 * A module built with memsan.mk calls memsan's __asan_* symbols, so the
 * loader records memsan among the modules it uses before the module's init
 * runs.  The module notifier sees that at MODULE_STATE_COMING and adds the
 * module to a small table the hooks read locklessly (they run with
 * preemption off; removal waits for them with synchronize_rcu()).
 */
#define pr_fmt(fmt) "memsan: " fmt

#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>

#include "hooks/hooks.h"

#define MEMSAN_MAX_INSTRUMENTED 32

static struct module *instrumented[MEMSAN_MAX_INSTRUMENTED];
static DEFINE_MUTEX(instrumented_lock);

/**
 * memsan_addr_in_instrumented() - is an address in an instrumented module?
 * @addr:	code or data address
 *
 * Callers have preemption disabled.
 */
bool memsan_addr_in_instrumented(unsigned long addr)
{
	unsigned int i;

	for (i = 0; i < MEMSAN_MAX_INSTRUMENTED; i++) {
		struct module *mod = READ_ONCE(instrumented[i]);

		if (mod && within_module(addr, mod))
			return true;
	}
	return false;
}

/* Does @mod use memsan's symbols?  Its use list is stable while it is coming. */
static bool module_uses_memsan(struct module *mod)
{
	struct module_use *use;

	list_for_each_entry(use, &mod->target_list, target_list)
		if (use->target == THIS_MODULE)
			return true;
	return false;
}

static void instrumented_add(struct module *mod)
{
	unsigned int i;

	mutex_lock(&instrumented_lock);
	for (i = 0; i < MEMSAN_MAX_INSTRUMENTED; i++) {
		if (!instrumented[i]) {
			WRITE_ONCE(instrumented[i], mod);
			break;
		}
	}
	mutex_unlock(&instrumented_lock);
	if (i == MEMSAN_MAX_INSTRUMENTED)
		pr_warn("more than %d instrumented modules: %s is not tracked\n",
			MEMSAN_MAX_INSTRUMENTED, mod->name);
	else
		pr_info("tracking instrumented module %s\n", mod->name);
}

static void instrumented_remove(struct module *mod)
{
	bool found = false;
	unsigned int i;

	mutex_lock(&instrumented_lock);
	for (i = 0; i < MEMSAN_MAX_INSTRUMENTED; i++) {
		if (instrumented[i] == mod) {
			WRITE_ONCE(instrumented[i], NULL);
			found = true;
		}
	}
	mutex_unlock(&instrumented_lock);
	if (found)
		synchronize_rcu();	/* no hook still looks at the module */
}

static int memsan_module_notify(struct notifier_block *nb, unsigned long state, void *data)
{
	struct module *mod = data;

	if (state == MODULE_STATE_COMING && module_uses_memsan(mod))
		instrumented_add(mod);
	else if (state == MODULE_STATE_GOING)
		instrumented_remove(mod);
	return NOTIFY_OK;
}

static struct notifier_block memsan_module_nb = {
	.notifier_call = memsan_module_notify,
};

int memsan_modules_init(void)
{
	return register_module_notifier(&memsan_module_nb);
}

void memsan_modules_exit(void)
{
	unregister_module_notifier(&memsan_module_nb);
}
