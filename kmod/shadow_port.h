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
#define shadow_atomic_inc_ulong(p)		((void)__atomic_add_fetch(p, 1, __ATOMIC_RELAXED))

#endif /* _MEMSAN_SHADOW_PORT_H */
