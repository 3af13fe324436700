// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: vmalloc as instrumented modules see it.
 *
 * memsan_redirect.h sends a module's vmalloc(), vzalloc(), vmalloc_node(),
 * vzalloc_node(), vmalloc_user(), vmalloc_32(), __vmalloc(),
 * vmalloc_array(), vcalloc() (and their __ forms), vmalloc_huge(), vfree(), kvfree() and
 * kvfree_sensitive() here; kvmalloc()'s vmalloc fallback is recorded by its
 * wrapper in slab_api.c.  An object of kind MEMSAN_KIND_VMALLOC is the size
 * asked for, accessible; the rest of its last page and the guard page
 * vmalloc leaves after every area are redzone (vmalloc-out-of-bounds).  A
 * vfree() poisons it and holds it in the quarantine, still mapped, so that
 * a use after vfree() is reported instead of faulting on an unmapped page.
 * The kernel's own vfree() of such an object (kvfree() on the module's
 * behalf) reaches the same path through the hook in hooks.c.
 *
 * Only objects inside memsan's shadow window at the start of the vmalloc
 * area are tracked (shadow_port/shadow_map.c); the others are left alone.
 */
#include <linux/export.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "compat/compat.h"
#include "hooks/hooks.h"
#include "hooks/mem_api.h"
#include "hooks/slab_api.h"
#include "inject/inject.h"
#include "objects/objects.h"
#include "runtime/runtime.h"
#include "settings/settings.h"

/*
 * The real functions: 6.10+ has vmalloc() and friends as macros over
 * *_noprof functions (MEMSAN_HAVE_VMALLOC_NOPROF); the wrappers keep the
 * plain names, memsan_redirect.h sends either name here.
 */
#ifdef MEMSAN_HAVE_VMALLOC_NOPROF
#define vm_fn(name) name##_noprof
#else
#define vm_fn(name) name
#endif

/* Record @ptr of @size bytes, just returned by @fn to the caller at @ret. */
static void *tracked_vmalloc(void *ptr, unsigned long size, void *fn, unsigned long ret)
{
	if (ptr && memsan_enabled())
		memsan_track_vmalloc(ptr, size, memsan_save_stack((unsigned long)fn, ret));
	return ptr;
}

void *__memsan_vmalloc(unsigned long size)
{
	if (memsan_inject_fail(GFP_KERNEL, _RET_IP_))
		return NULL;
	return tracked_vmalloc(vm_fn(vmalloc)(size), size, vm_fn(vmalloc), _RET_IP_);
}
EXPORT_SYMBOL(__memsan_vmalloc);

void *__memsan_vzalloc(unsigned long size)
{
	if (memsan_inject_fail(GFP_KERNEL, _RET_IP_))
		return NULL;
	return tracked_vmalloc(vm_fn(vzalloc)(size), size, vm_fn(vzalloc), _RET_IP_);
}
EXPORT_SYMBOL(__memsan_vzalloc);

void *__memsan_vmalloc_user(unsigned long size)
{
	if (memsan_inject_fail(GFP_KERNEL, _RET_IP_))
		return NULL;
	return tracked_vmalloc(vm_fn(vmalloc_user)(size), size, vm_fn(vmalloc_user), _RET_IP_);
}
EXPORT_SYMBOL(__memsan_vmalloc_user);

/* vmalloc_huge(): 7.x has it as an inline over vmalloc_huge_node_noprof() */
#ifdef MEMSAN_HAVE_VMALLOC_HUGE_NODE
void *__memsan_vmalloc_huge_node(unsigned long size, gfp_t gfp, int node)
{
	if (memsan_inject_fail(gfp, _RET_IP_))
		return NULL;
	return tracked_vmalloc(vmalloc_huge_node_noprof(size, gfp, node), size,
			       vmalloc_huge_node_noprof, _RET_IP_);
}
EXPORT_SYMBOL(__memsan_vmalloc_huge_node);
#else
void *__memsan_vmalloc_huge(unsigned long size, gfp_t gfp)
{
	if (memsan_inject_fail(gfp, _RET_IP_))
		return NULL;
	return tracked_vmalloc(vm_fn(vmalloc_huge)(size, gfp), size, vm_fn(vmalloc_huge), _RET_IP_);
}
EXPORT_SYMBOL(__memsan_vmalloc_huge);
#endif

void *__memsan_vmalloc_node(unsigned long size, int node)
{
	if (memsan_inject_fail(GFP_KERNEL, _RET_IP_))
		return NULL;
	return tracked_vmalloc(vm_fn(vmalloc_node)(size, node), size, vm_fn(vmalloc_node), _RET_IP_);
}
EXPORT_SYMBOL(__memsan_vmalloc_node);

void *__memsan_vzalloc_node(unsigned long size, int node)
{
	if (memsan_inject_fail(GFP_KERNEL, _RET_IP_))
		return NULL;
	return tracked_vmalloc(vm_fn(vzalloc_node)(size, node), size, vm_fn(vzalloc_node), _RET_IP_);
}
EXPORT_SYMBOL(__memsan_vzalloc_node);

void *__memsan_vmalloc_32(unsigned long size)
{
	if (memsan_inject_fail(GFP_KERNEL, _RET_IP_))
		return NULL;
	return tracked_vmalloc(vm_fn(vmalloc_32)(size), size, vm_fn(vmalloc_32), _RET_IP_);
}
EXPORT_SYMBOL(__memsan_vmalloc_32);

void *__memsan___vmalloc(unsigned long size, gfp_t gfp)
{
	if (memsan_inject_fail(gfp, _RET_IP_))
		return NULL;
	return tracked_vmalloc(vm_fn(__vmalloc)(size, gfp), size, vm_fn(__vmalloc), _RET_IP_);
}
EXPORT_SYMBOL(__memsan___vmalloc);

/* The array forms fail on overflow before they allocate: so is n * size here. */
static unsigned long array_bytes(size_t n, size_t size)
{
	size_t bytes;

	return check_mul_overflow(n, size, &bytes) ? 0 : bytes;
}

void *__memsan_vmalloc_array(size_t n, size_t size)
{
	if (memsan_inject_fail(GFP_KERNEL, _RET_IP_))
		return NULL;
	return tracked_vmalloc(vm_fn(vmalloc_array)(n, size), array_bytes(n, size),
			       vm_fn(vmalloc_array), _RET_IP_);
}
EXPORT_SYMBOL(__memsan_vmalloc_array);

void *__memsan___vmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	if (memsan_inject_fail(gfp, _RET_IP_))
		return NULL;
	return tracked_vmalloc(vm_fn(__vmalloc_array)(n, size, gfp), array_bytes(n, size),
			       vm_fn(__vmalloc_array), _RET_IP_);
}
EXPORT_SYMBOL(__memsan___vmalloc_array);

void *__memsan_vcalloc(size_t n, size_t size)
{
	if (memsan_inject_fail(GFP_KERNEL, _RET_IP_))
		return NULL;
	return tracked_vmalloc(vm_fn(vcalloc)(n, size), array_bytes(n, size),
			       vm_fn(vcalloc), _RET_IP_);
}
EXPORT_SYMBOL(__memsan_vcalloc);

void *__memsan___vcalloc(size_t n, size_t size, gfp_t gfp)
{
	if (memsan_inject_fail(gfp, _RET_IP_))
		return NULL;
	return tracked_vmalloc(vm_fn(__vcalloc)(n, size, gfp), array_bytes(n, size),
			       vm_fn(__vcalloc), _RET_IP_);
}
EXPORT_SYMBOL(__memsan___vcalloc);

/* === Free === */

static void vfree_from(const void *ptr, unsigned long ip, unsigned long fn)
{
	if (!memsan_enabled() ||
	    !memsan_free_region(ptr, MEMSAN_KIND_VMALLOC, MEMSAN_RELEASE_VFREE, ip, fn, true))
		memsan_allocator_vfree(ptr);
}

void __memsan_vfree(const void *ptr)
{
	vfree_from(ptr, _RET_IP_, (unsigned long)vfree);
}
EXPORT_SYMBOL(__memsan_vfree);

/* kvfree() as the kernel does it, each half through memsan. */
static void kvfree_from(const void *ptr, unsigned long ip)
{
	if (is_vmalloc_addr(ptr))
		vfree_from(ptr, ip, (unsigned long)kvfree);
	else if (memsan_enabled())
		memsan_free_object(NULL, (void *)ptr, MEMSAN_RELEASE_KFREE, ip,
				   (unsigned long)kvfree);
	else
		kfree(ptr);
}

void __memsan_kvfree(const void *ptr)
{
	kvfree_from(ptr, _RET_IP_);
}
EXPORT_SYMBOL(__memsan_kvfree);

/* The object is wiped first: a checked write of @len bytes, as the module's own would be. */
void __memsan_kvfree_sensitive(const void *ptr, size_t len)
{
	if (ZERO_OR_NULL_PTR(ptr))
		return;
	if (!memsan_check_range(ptr, len, true, _RET_IP_))
		return;
	memzero_explicit((void *)ptr, len);
	kvfree_from(ptr, _RET_IP_);
}
EXPORT_SYMBOL(__memsan_kvfree_sensitive);
