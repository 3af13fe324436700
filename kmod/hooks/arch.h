/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsan: what the hooks need to know of the architecture, one helper per
 * concern.  A probe sits on the first instruction of a function, so the
 * arguments are still in their registers and the return address is where the
 * call left it: on the stack on x86_64, in the link register on arm64.
 */
#ifndef _MEMSAN_ARCH_H
#define _MEMSAN_ARCH_H

#include <linux/ptrace.h>

/* Nth (0-based) integer argument of the probed function. */
static inline unsigned long memsan_arch_arg(struct pt_regs *regs, unsigned int n)
{
	return regs_get_kernel_argument(regs, n);
}

#if defined(CONFIG_X86_64)
static inline void memsan_arch_set_arg(struct pt_regs *regs, unsigned int n, unsigned long val)
{
	switch (n) {
	case 0:
		regs->di = val;
		break;
	case 1:
		regs->si = val;
		break;
	case 2:
		regs->dx = val;
		break;
	case 3:
		regs->cx = val;
		break;
	}
}

/* Return address of the probed function, read at its entry. */
static inline unsigned long memsan_arch_entry_ret(struct pt_regs *regs)
{
	return *(unsigned long *)kernel_stack_pointer(regs);
}
#elif defined(CONFIG_ARM64)
static inline void memsan_arch_set_arg(struct pt_regs *regs, unsigned int n, unsigned long val)
{
	if (n < 8)
		regs->regs[n] = val;
}

static inline unsigned long memsan_arch_entry_ret(struct pt_regs *regs)
{
	return procedure_link_pointer(regs);
}
#else
#error "memsan supports x86_64 and arm64"
#endif

#endif /* _MEMSAN_ARCH_H */
