/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsan: how the freestanding shadow library does atomics inside the kernel
 * (shadow.h includes this through SHADOW_PORT_HEADER).
 */
#ifndef _MEMSAN_SHADOW_PORT_H
#define _MEMSAN_SHADOW_PORT_H

#include <linux/atomic.h>
#include <linux/compiler.h>

#define shadow_cmpxchg_ptr(ptr, old, new)	cmpxchg(ptr, old, new)
#define shadow_read_once(x)			READ_ONCE(x)
/* an unsigned long has atomic_long_t's layout; gcc's __atomic needs libatomic on arm64 */
#define shadow_atomic_inc_ulong(p)		atomic_long_inc((atomic_long_t *)(p))

#endif /* _MEMSAN_SHADOW_PORT_H */
