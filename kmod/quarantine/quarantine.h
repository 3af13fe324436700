/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsan quarantine: freed objects held back so that a use after free finds
 * freed shadow.  Calls Objects and the allocator access (objects/), never
 * the hooks above it.
 */
#ifndef _MEMSAN_QUARANTINE_H
#define _MEMSAN_QUARANTINE_H

struct kmem_cache;
struct memsan_object;

int memsan_quarantine_init(void);
void memsan_quarantine_exit(void);
void memsan_quarantine_put(struct memsan_object *obj);
void memsan_quarantine_shrink(unsigned long budget);
void memsan_quarantine_drop_cache(struct kmem_cache *cache);

#endif /* _MEMSAN_QUARANTINE_H */
