// SPDX-License-Identifier: GPL-2.0
/*
 * memsan_trivial: the smallest useful out-of-tree module, used to prove that a
 * kernel's headers + toolchain (host or the trixie build root) produce a module
 * that the matching QEMU guest loads. On load it allocates and frees one
 * kmalloc object through the kernel's slab API and prints one line that the
 * test looks for, with the running kernel's release.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/utsname.h>

static int __init memsan_trivial_init(void)
{
	char *p = kmalloc(64, GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	p[63] = 1;
	/* the raw address shows the linear map in use (e.g. arm64 48/52-bit VA) */
	pr_info("memsan_trivial: loaded on %s %s, kmalloc(64) at %px, PAGE_SIZE %lu\n",
		init_utsname()->release, init_utsname()->machine, p, PAGE_SIZE);
	kfree(p);
	return 0;
}

static void __exit memsan_trivial_exit(void)
{
	pr_info("memsan_trivial: unloaded\n");
}

module_init(memsan_trivial_init);
module_exit(memsan_trivial_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("memsan build-root/guest smoke test module");
