// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: the page allocator as instrumented modules see it.
 *
 * memsan_redirect.h sends a module's alloc_pages(), __get_free_pages(),
 * get_zeroed_page(), __free_pages() and free_pages() here (and the macros
 * built on them: alloc_page(), __get_free_page(), free_page(),
 * __free_page()).  Each wrapper calls the real function and records the
 * pages as one object of kind MEMSAN_KIND_PAGES; a free poisons them and
 * holds them in the quarantine, so that a use after free_pages() is
 * reported instead of landing in pages someone else got.  The whole block
 * is accessible (there is no slack to poison).  A wrong free (of slab
 * memory, of vmalloc memory, twice) is reported and not made
 * (lifecycle.c, memsan_free_region()).
 *
 * alloc_pages_exact() and free_pages_exact() too: the object is the size
 * asked for, and the rest of its last page is redzone.
 *
 * alloc_pages_node() too: it ends in __alloc_pages() (6.1),
 * __alloc_pages_noprof() (6.10+) or alloc_pages_node_noprof() (7.x), which
 * memsan_redirect.h sends here.
 *
 * Not wrapped: folios; frees through put_page() by whoever holds the last
 * reference are not seen.
 */
#include <linux/export.h>
#include <linux/gfp.h>
#include <linux/mm.h>

#include "compat/compat.h"
#include "hooks/hooks.h"
#include "hooks/mem_api.h"
#include "inject/inject.h"
#include "objects/objects.h"
#include "settings/settings.h"

/*
 * The real functions: 6.10+ has the allocating ones as macros over *_noprof
 * functions (MEMSAN_HAVE_PAGES_NOPROF); the wrappers keep the plain names,
 * memsan_redirect.h sends either name here.
 */
#ifdef MEMSAN_HAVE_PAGES_NOPROF
#define real_alloc_pages alloc_pages_noprof
#define real_get_free_pages get_free_pages_noprof
#define real_get_zeroed_page get_zeroed_page_noprof
#define real_alloc_pages_exact alloc_pages_exact_noprof
#else
#define real_alloc_pages alloc_pages
#define real_get_free_pages __get_free_pages
#define real_get_zeroed_page get_zeroed_page
#define real_alloc_pages_exact alloc_pages_exact
#endif

/* Record the 2^@order pages at @addr, just returned by @fn to the caller at @ret. */
static void tracked_pages(unsigned long addr, unsigned int order, void *fn, unsigned long ret)
{
	if (addr && memsan_enabled())
		memsan_track_region((void *)addr, PAGE_SIZE << order, PAGE_SIZE << order,
				    MEMSAN_KIND_PAGES, memsan_save_stack((unsigned long)fn, ret));
}

struct page *__memsan_alloc_pages(gfp_t gfp, unsigned int order)
{
	struct page *page;

	if (memsan_inject_fail(gfp, _RET_IP_))
		return NULL;
	page = real_alloc_pages(gfp, order);
	if (page)
		tracked_pages((unsigned long)page_address(page), order, real_alloc_pages,
			      _RET_IP_);
	return page;
}
EXPORT_SYMBOL(__memsan_alloc_pages);

unsigned long __memsan___get_free_pages(gfp_t gfp, unsigned int order)
{
	unsigned long addr;

	if (memsan_inject_fail(gfp, _RET_IP_))
		return 0;
	addr = real_get_free_pages(gfp, order);
	tracked_pages(addr, order, real_get_free_pages, _RET_IP_);
	return addr;
}
EXPORT_SYMBOL(__memsan___get_free_pages);

unsigned long __memsan_get_zeroed_page(gfp_t gfp)
{
	unsigned long addr;

	if (memsan_inject_fail(gfp, _RET_IP_))
		return 0;
	addr = real_get_zeroed_page(gfp);
	tracked_pages(addr, 0, real_get_zeroed_page, _RET_IP_);
	return addr;
}
EXPORT_SYMBOL(__memsan_get_zeroed_page);

#if defined(MEMSAN_HAVE_ALLOC_PAGES_NODE_NOPROF) && !defined(MEMSAN_HAVE_ALLOC_PAGES_NOPROF)
struct page *__memsan_alloc_pages_node_noprof(int nid, gfp_t gfp, unsigned int order);

struct page *__memsan_alloc_pages_node_noprof(int nid, gfp_t gfp, unsigned int order)
{
	struct page *page;

	if (memsan_inject_fail(gfp, _RET_IP_))
		return NULL;
	page = alloc_pages_node_noprof(nid, gfp, order);
	if (page)
		tracked_pages((unsigned long)page_address(page), order, alloc_pages_node_noprof,
			      _RET_IP_);
	return page;
}
EXPORT_SYMBOL(__memsan_alloc_pages_node_noprof);
#elif defined(MEMSAN_HAVE_ALLOC_PAGES_NOPROF) || defined(MEMSAN_HAVE_ALLOC_PAGES_PLAIN)
#ifdef MEMSAN_HAVE_ALLOC_PAGES_NOPROF
#define real_alloc_pages_nodemask __alloc_pages_noprof
#define memsan_alloc_pages_nodemask __memsan___alloc_pages_noprof
#else
#define real_alloc_pages_nodemask __alloc_pages
#define memsan_alloc_pages_nodemask __memsan___alloc_pages
#endif
struct page *memsan_alloc_pages_nodemask(gfp_t gfp, unsigned int order, int nid,
					 nodemask_t *nodemask);

struct page *memsan_alloc_pages_nodemask(gfp_t gfp, unsigned int order, int nid,
					 nodemask_t *nodemask)
{
	struct page *page;

	if (memsan_inject_fail(gfp, _RET_IP_))
		return NULL;
	page = real_alloc_pages_nodemask(gfp, order, nid, nodemask);
	if (page)
		tracked_pages((unsigned long)page_address(page), order, real_alloc_pages_nodemask,
			      _RET_IP_);
	return page;
}
EXPORT_SYMBOL(memsan_alloc_pages_nodemask);
#endif

void *__memsan_alloc_pages_exact(size_t size, gfp_t gfp)
{
	void *addr;

	if (memsan_inject_fail(gfp, _RET_IP_))
		return NULL;
	addr = real_alloc_pages_exact(size, gfp);
	if (addr && memsan_enabled())
		memsan_track_region(addr, size, PAGE_ALIGN(size), MEMSAN_KIND_PAGES,
				    memsan_save_stack((unsigned long)real_alloc_pages_exact,
						      _RET_IP_));
	return addr;
}
EXPORT_SYMBOL(__memsan_alloc_pages_exact);

/*
 * A page somebody else holds a reference to (get_page()) is not freed by
 * this call, only released by the caller: memsan forgets it.  Otherwise
 * memsan takes the free (to give it back with @release), or the call is
 * made as asked.
 */
static bool free_taken(struct page *page, u8 release, unsigned long ip, unsigned long fn)
{
	void *addr = page_address(page);

	if (!memsan_enabled())
		return false;
	if (page_ref_count(page) != 1 && !PageSlab(page)) {
		memsan_forget_region(addr, MEMSAN_KIND_PAGES);
		return false;
	}
	return memsan_free_region(addr, MEMSAN_KIND_PAGES, release, ip, fn, true);
}

void __memsan___free_pages(struct page *page, unsigned int order)
{
	if (!page || !free_taken(page, MEMSAN_RELEASE_FREE_PAGES, _RET_IP_,
				 (unsigned long)__free_pages))
		__free_pages(page, order);
}
EXPORT_SYMBOL(__memsan___free_pages);

void __memsan_free_pages(unsigned long addr, unsigned int order)
{
	if (!addr)
		return;
	/* a pointer that is no page of the linear map: memsan_free_region() says which */
	if (memsan_enabled() && (!virt_addr_valid((void *)addr) || offset_in_page(addr))) {
		memsan_free_region((void *)addr, MEMSAN_KIND_PAGES, MEMSAN_RELEASE_FREE_PAGES,
				   _RET_IP_, (unsigned long)free_pages, true);
		return;
	}
	if (!free_taken(virt_to_page((void *)addr), MEMSAN_RELEASE_FREE_PAGES, _RET_IP_,
			(unsigned long)free_pages))
		free_pages(addr, order);
}
EXPORT_SYMBOL(__memsan_free_pages);

void __memsan_free_pages_exact(void *virt, size_t size)
{
	if (!virt)
		return;
	if (memsan_enabled() && (!virt_addr_valid(virt) || offset_in_page(virt))) {
		memsan_free_region(virt, MEMSAN_KIND_PAGES, MEMSAN_RELEASE_FREE_PAGES_EXACT,
				   _RET_IP_, (unsigned long)free_pages_exact, true);
		return;
	}
	if (!free_taken(virt_to_page(virt), MEMSAN_RELEASE_FREE_PAGES_EXACT, _RET_IP_,
			(unsigned long)free_pages_exact))
		free_pages_exact(virt, size);
}
EXPORT_SYMBOL(__memsan_free_pages_exact);
