/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsan channels: how userspace reads reports and counters and changes the
 * settings (through Config).  Nothing below calls them: they copy reports
 * out of the ring and learn of new ones through the report notifier.
 */
#ifndef _MEMSAN_CHANNELS_H
#define _MEMSAN_CHANNELS_H

int memsan_debugfs_init(void);
void memsan_debugfs_exit(void);
int memsan_netlink_init(void);
void memsan_netlink_exit(void);

#endif /* _MEMSAN_CHANNELS_H */
