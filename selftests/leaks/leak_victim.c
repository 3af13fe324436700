// SPDX-License-Identifier: GPL-2.0
/*
 * leak_victim: the leak suite's module, instrumented by memsan.
 *
 * Loaded with case=NAME, it sets up that case in its init and undoes (or
 * not) in its exit; run_leaks.sh checks what memsan says.  Each case
 * allocates from its own noinline function, the allocating function a
 * report must name.
 *
 * Leaks: exit_leak (three objects from one call site, never freed),
 * init_fail (init allocates, then fails without freeing), ondemand (an
 * object whose only pointer is hidden, found by a scan while loaded; freed
 * at exit), page_leak, vmalloc_leak.
 * Clean: global (kept in a global, freed at exit), rcu (kfree_rcu() at
 * exit: pending at unload), list (linked into a kernel notifier chain, no
 * other pointer), middle (only a pointer to the object's middle is kept).
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/reboot.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

static char *victim_case = "";
module_param_named(case, victim_case, charp, 0444);
MODULE_PARM_DESC(case, "the case to set up");

#define EXIT_LEAK_OBJECTS	3
#define RCU_OBJECTS		8
#define MIDDLE_OFFSET		40

/*
 * A pointer the scan must not see: stored scrambled, so the module can
 * still free the object at exit while the memory holds no copy of it.
 */
#define HIDE_KEY		0x5a5a5a5a5a5a5a5aUL
static unsigned long hidden;

struct rcu_obj {
	struct rcu_head rcu;
	char payload[48];
};

struct listed {
	char before[24];
	struct notifier_block nb;
	char after[16];
};

static void *kept[RCU_OBJECTS];
static char *middle;

static int listed_call(struct notifier_block *nb, unsigned long action, void *data)
{
	return NOTIFY_DONE;
}

static noinline void *leak_alloc_exit(void)
{
	char *p = kmalloc(48, GFP_KERNEL);

	if (p)
		memcpy(p, "leaked-at-exit:ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456", 48);
	return p;
}

static noinline void *leak_alloc_errpath(void)
{
	char *p = kzalloc(100, GFP_KERNEL);

	if (p)
		strscpy(p, "leaked on the error path", 100);
	return p;
}

static noinline void *leak_alloc_ondemand(void)
{
	char *p = kmalloc(72, GFP_KERNEL);

	if (p)
		memset(p, 'L', 72);
	return p;
}

static noinline void *clean_alloc_global(void)
{
	return kzalloc(64, GFP_KERNEL);
}

static noinline void *clean_alloc_rcu(void)
{
	return kzalloc(sizeof(struct rcu_obj), GFP_KERNEL);
}

static noinline void *clean_alloc_listed(void)
{
	return kzalloc(sizeof(struct listed), GFP_KERNEL);
}

static noinline void *clean_alloc_middle(void)
{
	return kzalloc(128, GFP_KERNEL);
}

static noinline void *leak_alloc_page(void)
{
	struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);

	return page ? page_address(page) : NULL;
}

static noinline void *leak_alloc_vmalloc(void)
{
	return vzalloc(3 * PAGE_SIZE);
}

static bool is_case(const char *name)
{
	return !strcmp(victim_case, name);
}

static int __init leak_victim_init(void)
{
	unsigned int i;
	void *p;

	if (is_case("exit_leak")) {
		for (i = 0; i < EXIT_LEAK_OBJECTS; i++)
			kept[i] = leak_alloc_exit();
	} else if (is_case("init_fail")) {
		p = leak_alloc_errpath();
		pr_info("leak_victim: init fails on purpose (%s)\n", p ? "leaking" : "no memory");
		return -ENOMEM;
	} else if (is_case("ondemand")) {
		hidden = (unsigned long)leak_alloc_ondemand() ^ HIDE_KEY;
	} else if (is_case("global")) {
		kept[0] = clean_alloc_global();
	} else if (is_case("rcu")) {
		for (i = 0; i < RCU_OBJECTS; i++)
			kept[i] = clean_alloc_rcu();
	} else if (is_case("list")) {
		struct listed *l = clean_alloc_listed();

		if (!l)
			return -ENOMEM;
		l->nb.notifier_call = listed_call;
		register_reboot_notifier(&l->nb);
		hidden = (unsigned long)l ^ HIDE_KEY;
	} else if (is_case("middle")) {
		p = clean_alloc_middle();
		middle = p ? (char *)p + MIDDLE_OFFSET : NULL;
	} else if (is_case("page_leak")) {
		kept[0] = leak_alloc_page();
	} else if (is_case("vmalloc_leak")) {
		kept[0] = leak_alloc_vmalloc();
	} else {
		pr_err("leak_victim: unknown case '%s'\n", victim_case);
		return -EINVAL;
	}
	return 0;
}

static void __exit leak_victim_exit(void)
{
	unsigned int i;

	if (is_case("ondemand")) {
		kfree((void *)(hidden ^ HIDE_KEY));
	} else if (is_case("global")) {
		kfree(kept[0]);
	} else if (is_case("rcu")) {
		for (i = 0; i < RCU_OBJECTS; i++) {
			struct rcu_obj *o = kept[i];

			kept[i] = NULL;
			if (o)
				kfree_rcu(o, rcu);
		}
	} else if (is_case("list")) {
		struct listed *l = (struct listed *)(hidden ^ HIDE_KEY);

		unregister_reboot_notifier(&l->nb);
		kfree(l);
	} else if (is_case("middle")) {
		kfree(middle - MIDDLE_OFFSET);
	}
	/* exit_leak, page_leak, vmalloc_leak: forgotten on purpose */
	hidden = 0;
}

module_init(leak_victim_init);
module_exit(leak_victim_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("memsan leak suite: leaks and their clean twins");
