// SPDX-License-Identifier: GPL-2.0
/*
 * error_paths_fixed: error_paths.c with its two error-path bugs fixed, for
 * `memsan-ctl explore` (README: "Walking the error paths").
 *
 * `memsan-ctl explore` explores it clean: every allocation of its init can
 * fail and the unwinding frees exactly what was allocated.  The two fixes
 * are marked FIXED.
 */
#include <linux/module.h>
#include <linux/slab.h>

#define HUB_SENSORS	8
#define HUB_RX_SIZE	2048
#define HUB_RX_DESCS	16

struct hub_sensor {
	u32 id;
	u32 last_value;
};

struct hub_rx_desc {
	u32 offset;
	u32 len;
};

struct hub {
	char *name;
	struct hub_sensor *sensors;
	u8 *rx_buf;
	struct hub_rx_desc *rx_desc;
	char *label;
};

static struct hub *hub;

/* Allocation 4 and 5: the receive buffer and its descriptors. */
static noinline int hub_alloc_rx(struct hub *h)
{
	h->rx_buf = kmalloc(HUB_RX_SIZE, GFP_KERNEL);
	if (!h->rx_buf)
		return -ENOMEM;
	h->rx_desc = kcalloc(HUB_RX_DESCS, sizeof(*h->rx_desc), GFP_KERNEL);
	if (!h->rx_desc) {
		/* FIXED: the caller's hub_free_rx() frees the buffer, once */
		return -ENOMEM;
	}
	return 0;
}

static noinline void hub_free_rx(struct hub *h)
{
	kfree(h->rx_buf);
	kfree(h->rx_desc);
}

static int __init hub_init(void)
{
	int err = -ENOMEM;

	hub = kzalloc(sizeof(*hub), GFP_KERNEL);			/* 1 */
	if (!hub)
		return -ENOMEM;
	hub->name = kstrdup("sensor-hub", GFP_KERNEL);			/* 2 */
	if (!hub->name)
		goto err_hub;
	hub->sensors = kcalloc(HUB_SENSORS, sizeof(*hub->sensors), GFP_KERNEL);	/* 3 */
	if (!hub->sensors)
		goto err_name;
	err = hub_alloc_rx(hub);					/* 4, 5 */
	if (err)
		goto err_rx;
	hub->label = kasprintf(GFP_KERNEL, "%s:%d", hub->name, HUB_SENSORS);	/* 6 */
	if (!hub->label) {
		err = -ENOMEM;
		goto err_rx;		/* FIXED: was err_sensors, which leaked rx */
	}
	pr_info("%s: %s ready\n", KBUILD_MODNAME, hub->label);
	return 0;

err_rx:
	hub_free_rx(hub);
	kfree(hub->sensors);
err_name:
	kfree(hub->name);
err_hub:
	kfree(hub);
	return err;
}

static void __exit hub_exit(void)
{
	kfree(hub->label);
	hub_free_rx(hub);
	kfree(hub->sensors);
	kfree(hub->name);
	kfree(hub);
}

module_init(hub_init);
module_exit(hub_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("memsan example: the error paths of error_paths.c, fixed");
