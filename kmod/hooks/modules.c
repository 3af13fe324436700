// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: which loaded modules are instrumented.
 *
 * A module built with memsan.mk calls memsan's __asan_* symbols, so the
 * loader records memsan among the modules it uses before the module's init
 * runs.  The module notifier sees that at MODULE_STATE_COMING and adds the
 * module to a small table the hooks read locklessly (they run with
 * preemption off; removal waits for them with synchronize_rcu()).
 *
 * Coming, an instrumented module also gets its globals registered: gcc's
 * constructors (which call __asan_register_globals()) are run here, before
 * the module's init, since the loader runs none without CONFIG_CONSTRUCTORS.
 * Going, every module's registered globals are forgotten and their shadow
 * cleared.
 */
#define pr_fmt(fmt) "memsan: " fmt

#include <linux/elf.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "compat/compat.h"
#include "hooks/hooks.h"
#include "inject/inject.h"
#include "leaks/leaks.h"
#include "runtime/runtime.h"

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

/**
 * memsan_instrumented_get() - take a reference on instrumented modules
 * @name:	only the module of this name; NULL: every instrumented module
 * @mods:	where to store them
 * @max:	room in @mods
 *
 * A module going away, or not yet live, is not taken.  Release them with
 * memsan_instrumented_put().
 *
 * Return: how many were stored.
 */
unsigned int memsan_instrumented_get(const char *name, struct module **mods, unsigned int max)
{
	unsigned int i, nr = 0;

	mutex_lock(&instrumented_lock);
	for (i = 0; i < MEMSAN_MAX_INSTRUMENTED && nr < max; i++) {
		struct module *mod = instrumented[i];

		if (!mod || (name && strcmp(mod->name, name)) || !try_module_get(mod))
			continue;
		mods[nr++] = mod;
	}
	mutex_unlock(&instrumented_lock);
	return nr;
}

void memsan_instrumented_put(struct module **mods, unsigned int nr)
{
	while (nr--)
		module_put(mods[nr]);
}

/* Is @mod in the table? */
static bool instrumented_has(struct module *mod)
{
	bool found = false;
	unsigned int i;

	mutex_lock(&instrumented_lock);
	for (i = 0; i < MEMSAN_MAX_INSTRUMENTED; i++)
		found |= instrumented[i] == mod;
	mutex_unlock(&instrumented_lock);
	return found;
}

/* Does @mod use memsan's symbols?  Its use list is stable while it is coming. */
static bool module_uses_memsan(struct module *mod)
{
	return memsan_module_uses(mod, THIS_MODULE);
}

static void instrumented_add(struct module *mod)
{
	unsigned int i;

	mutex_lock(&instrumented_lock);
	for (i = 0; i < MEMSAN_MAX_INSTRUMENTED; i++) {
		if (!instrumented[i]) {
			WRITE_ONCE(instrumented[i], mod);
			memsan_inject_module_coming(mod);
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
	if (found)
		memsan_inject_module_going(mod);
	mutex_unlock(&instrumented_lock);
	if (found)
		synchronize_rcu();	/* no hook still looks at the module */
}

/**
 * memsan_modules_set_fail_module() - make failure injection count one module's calls
 * @name:	a loaded instrumented module's name, or "" for every instrumented module
 *
 * Under instrumented_lock, so that the module found cannot go before
 * injection knows it (inject/inject.c forgets it when it goes).
 *
 * Return: 0, or -ENOENT (nothing changed) if no loaded instrumented module
 * has that name.
 */
int memsan_modules_set_fail_module(const char *name)
{
	struct module *mod = NULL;
	unsigned int i;

	mutex_lock(&instrumented_lock);
	for (i = 0; *name && i < MEMSAN_MAX_INSTRUMENTED; i++)
		if (instrumented[i] && !strcmp(instrumented[i]->name, name))
			mod = instrumented[i];
	if (*name && !mod) {
		mutex_unlock(&instrumented_lock);
		return -ENOENT;
	}
	memsan_inject_set_module(name, mod);
	mutex_unlock(&instrumented_lock);
	return 0;
}

/*
 * gcc names the constructor it synthesises to register an object file's
 * globals _sub_I_<priority>_<n> ('I' for a constructor; with
 * -fsanitize=kernel-address the priority is the default, 65535): one per
 * instrumented object file.  Every synthesised constructor is run, as the
 * loader would with CONFIG_CONSTRUCTORS; memsan.mk adds no other.
 */
#define ASAN_CTOR_PREFIX	"_sub_I_"

typedef void (*ctor_fn)(void);

/*
 * The module's sanitizer constructors, from its symbol table: while the
 * module is coming, mod->kallsyms is the full table of the ELF file, values
 * relocated.  Only functions in the module's own code are taken.  Returns
 * how many were stored in @ctors (at most @max); counts them all if @ctors
 * is NULL.
 */
static unsigned int find_asan_ctors(struct module *mod, ctor_fn *ctors, unsigned int max)
{
#ifdef CONFIG_KALLSYMS
	unsigned long text, text_end;
	const struct mod_kallsyms *ks;
	unsigned int i, nr = 0;

	memsan_module_text(mod, &text, &text_end);

	rcu_read_lock();
	ks = rcu_dereference(mod->kallsyms);
	for (i = 0; ks && i < ks->num_symtab; i++) {
		const Elf_Sym *sym = &ks->symtab[i];
		unsigned long addr = sym->st_value;

		if (ELF_ST_TYPE(sym->st_info) != STT_FUNC || addr < text || addr >= text_end ||
		    strncmp(ks->strtab + sym->st_name, ASAN_CTOR_PREFIX,
			    sizeof(ASAN_CTOR_PREFIX) - 1))
			continue;
		if (ctors && nr < max)
			ctors[nr] = (ctor_fn)addr;
		nr++;
	}
	rcu_read_unlock();
	return ctors ? min(nr, max) : nr;
#else
	return 0;
#endif
}

/*
 * With indirect branch tracking an indirect call must land on an ENDBR64,
 * which a synthesised constructor may lack: one without is not called
 * (Debian's 6.1 has no IBT; arm64's has no BTI in the kernel either).
 */
static bool ctor_callable(ctor_fn fn)
{
#ifdef CONFIG_X86_KERNEL_IBT
	static const u8 endbr64[] = { 0xf3, 0x0f, 0x1e, 0xfa };

	return !cpu_feature_enabled(X86_FEATURE_IBT) || !memcmp(fn, endbr64, sizeof(endbr64));
#else
	return true;
#endif
}

/*
 * Run @mod's sanitizer constructors, so that its globals get their
 * redzones before its init runs.
 */
static void register_module_globals(struct module *mod)
{
	unsigned int i, nr = find_asan_ctors(mod, NULL, 0);
	ctor_fn *ctors;

	if (!nr)
		return;
	ctors = kcalloc(nr, sizeof(*ctors), GFP_KERNEL);
	if (!ctors) {
		pr_warn("%s: no memory: its globals are not checked\n", mod->name);
		return;
	}
	nr = find_asan_ctors(mod, ctors, nr);
	memsan_globals_load_begin(mod);
	for (i = 0; i < nr; i++) {
		if (ctor_callable(ctors[i]))
			ctors[i]();
		else
			pr_warn("%s: %ps has no ENDBR64: not run, its globals are not checked\n",
				mod->name, ctors[i]);
	}
	pr_info("%s: %u globals with redzones\n", mod->name, memsan_globals_load_end());
	kfree(ctors);
}

static int memsan_module_notify(struct notifier_block *nb, unsigned long state, void *data)
{
	struct module *mod = data;

	if (state == MODULE_STATE_COMING && module_uses_memsan(mod)) {
		instrumented_add(mod);
		register_module_globals(mod);
	} else if (state == MODULE_STATE_GOING) {
		/* its exit ran, or its init failed: what it still holds is leaked */
		if (instrumented_has(mod))
			memsan_leaks_module_going(mod);
		memsan_globals_unload(mod);
		instrumented_remove(mod);
	}
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
