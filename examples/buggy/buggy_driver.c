// SPDX-License-Identifier: GPL-2.0
/*
 * buggy_driver: a small module with two classic heap bugs, for `make demo`.
 *
 * It models a driver that keeps a ring of packet descriptors.  The fill loop
 * runs one entry too far (heap overflow), and the teardown path uses the ring
 * after freeing it (use-after-free).  Built with memsan.mk, memsan reports
 * both with the allocation and free stacks.
 */
#include <linux/module.h>
#include <linux/slab.h>

struct pkt_desc {
	u32 len;
	u32 flags;
};

static unsigned int ring_entries = 7;
module_param(ring_entries, uint, 0444);
MODULE_PARM_DESC(ring_entries, "descriptors in the ring (default 7)");

static char *bug = "overflow";
module_param(bug, charp, 0444);
MODULE_PARM_DESC(bug, "which bug to commit at load: overflow, use-after-free or none");

static struct pkt_desc *ring_alloc(unsigned int n)
{
	return kmalloc_array(n, sizeof(struct pkt_desc), GFP_KERNEL);
}

static noinline void ring_fill(struct pkt_desc *ring, unsigned int n)
{
	unsigned int i;

	for (i = 0; i <= n; i++) {	/* BUG: <= writes one entry past the end */
		ring[i].len = 64;
		ring[i].flags = 0;
	}
}

static noinline u32 ring_teardown(struct pkt_desc *ring)
{
	kfree(ring);
	return ring[0].len;		/* BUG: read after kfree() */
}

static int __init buggy_init(void)
{
	struct pkt_desc *ring = ring_alloc(ring_entries);

	if (!ring)
		return -ENOMEM;
	if (!strcmp(bug, "overflow")) {
		ring_fill(ring, ring_entries);
		kfree(ring);
	} else if (!strcmp(bug, "use-after-free")) {
		ring_fill(ring, ring_entries - 1);
		pr_info("buggy_driver: last length %u\n", ring_teardown(ring));
	} else {
		kfree(ring);
	}
	return 0;
}

static void __exit buggy_exit(void)
{
}

module_init(buggy_init);
module_exit(buggy_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("A module with heap bugs, for the memsan demo");
