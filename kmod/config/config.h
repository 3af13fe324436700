/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsan config: the parameter table (config/params.c).
 *
 * The module parameters with their validation and setters; the channels
 * read and change them by name, with the same validation as sysfs.  A
 * setter may call down (the hooks' track switch, the quarantine's shrink);
 * the values themselves live in settings/, which anyone reads.
 */
#ifndef _MEMSAN_CONFIG_H
#define _MEMSAN_CONFIG_H

unsigned int memsan_config_count(void);
const char *memsan_config_name(unsigned int i);
int memsan_config_get(const char *name, char *buf);
int memsan_config_set(const char *name, const char *value);
const char *memsan_track_name(int mode);

#endif /* _MEMSAN_CONFIG_H */
