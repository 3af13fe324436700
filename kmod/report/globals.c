// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: the globals instrumented modules registered, to name the variable
 * a bad access hit.
 *
 * gcc (asan-globals=1) describes each global of an object file in an array
 * of struct asan_global, in the module's data, and passes it to
 * __asan_register_globals() from a constructor.  One registration is kept
 * per array (a module has one per object file), with the name of the module
 * it belongs to: gcc's module_name field is the source file.  Reports look
 * them up in any context: globals_lock is a raw lock, and nothing allocates
 * under it.
 */
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "report/report.h"

/**
 * struct globals_reg - one array of globals handed to __asan_register_globals()
 * @list:	in registered
 * @globals:	the array, in the module's data
 * @n:		its entries
 * @mod:	the module it belongs to (NULL: not registered at load by memsan)
 * @module:	that module's name, for reports
 */
struct globals_reg {
	struct list_head list;
	const struct asan_global *globals;
	size_t n;
	const struct module *mod;
	char module[MODULE_NAME_LEN];
};

static LIST_HEAD(registered);
static DEFINE_RAW_SPINLOCK(globals_lock);

static struct globals_reg *reg_find(const struct asan_global *globals)
{
	struct globals_reg *reg;

	lockdep_assert_held(&globals_lock);
	list_for_each_entry(reg, &registered, list)
		if (reg->globals == globals)
			return reg;
	return NULL;
}

/**
 * memsan_globals_add() - remember an array of globals
 * @globals:	the array gcc emitted
 * @n:		its entries
 * @mod:	the module it belongs to, or NULL if unknown
 *
 * Context: process context (a constructor run at module load).
 * Return: 0, -EEXIST if @globals is registered already, or -ENOMEM.
 */
int memsan_globals_add(const struct asan_global *globals, size_t n, const struct module *mod)
{
	struct globals_reg *reg = kzalloc(sizeof(*reg), GFP_KERNEL);
	unsigned long flags;
	int ret = 0;

	if (!reg)
		return -ENOMEM;
	reg->globals = globals;
	reg->n = n;
	reg->mod = mod;
	strscpy(reg->module, mod ? mod->name : "?", sizeof(reg->module));
	raw_spin_lock_irqsave(&globals_lock, flags);
	if (reg_find(globals))
		ret = -EEXIST;
	else
		list_add_tail(&reg->list, &registered);
	raw_spin_unlock_irqrestore(&globals_lock, flags);
	if (ret)
		kfree(reg);
	return ret;
}

/* Unlink @reg and give its array back through @globals and @n. */
static void reg_take(struct globals_reg *reg, const struct asan_global **globals, size_t *n)
{
	lockdep_assert_held(&globals_lock);
	list_del(&reg->list);
	*globals = reg->globals;
	*n = reg->n;
}

/**
 * memsan_globals_remove() - forget an array of globals
 * @globals:	as given to memsan_globals_add()
 *
 * Return: true if it was registered.
 */
bool memsan_globals_remove(const struct asan_global *globals)
{
	struct globals_reg *reg;
	unsigned long flags;
	size_t n;

	raw_spin_lock_irqsave(&globals_lock, flags);
	reg = reg_find(globals);
	if (reg)
		reg_take(reg, &globals, &n);
	raw_spin_unlock_irqrestore(&globals_lock, flags);
	kfree(reg);
	return reg;
}

/**
 * memsan_globals_take() - forget one array of globals of a module
 * @mod:	the module (going away)
 * @globals:	where the array goes
 * @n:		where its number of entries goes
 *
 * Return: true if one was found (call again for the next), false if none is left.
 */
bool memsan_globals_take(const struct module *mod, const struct asan_global **globals,
			 size_t *n)
{
	struct globals_reg *reg, *found = NULL;
	unsigned long flags;

	raw_spin_lock_irqsave(&globals_lock, flags);
	list_for_each_entry(reg, &registered, list) {
		if (reg->mod == mod) {
			found = reg;
			reg_take(reg, globals, n);
			break;
		}
	}
	raw_spin_unlock_irqrestore(&globals_lock, flags);
	kfree(found);
	return found;
}

/**
 * memsan_globals_describe() - the registered global whose redzone or body holds @addr
 * @r:		the report; @r->addr is looked up, the variable fields are filled in
 *
 * Context: any.
 */
void memsan_globals_describe(struct memsan_report *r)
{
	const struct globals_reg *reg;
	unsigned long flags;
	size_t i;

	raw_spin_lock_irqsave(&globals_lock, flags);
	list_for_each_entry(reg, &registered, list) {
		for (i = 0; i < reg->n; i++) {
			const struct asan_global *g = &reg->globals[i];
			unsigned long beg = (unsigned long)g->beg;

			if (r->addr - beg >= g->size_with_redzone)
				continue;
			r->has_variable = true;
			r->var_addr = beg;
			r->var_size = g->size;
			strscpy(r->var_name, g->name ?: "?", sizeof(r->var_name));
			strscpy(r->var_module, reg->module, sizeof(r->var_module));
			goto out;
		}
	}
out:
	raw_spin_unlock_irqrestore(&globals_lock, flags);
}
