// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: the leak scan.
 *
 * A conservative mark phase in the manner of kmemleak, for the live tracked
 * objects of the module(s) asked about (the candidates): each starts white;
 * a word anywhere in the roots that points to any byte of one makes it grey,
 * and a grey object is scanned in turn.  What stays white is unreferenced.
 *
 * The roots (what the kernel holds that memsan does not scan as candidates):
 *  - every slab page of the system, but for the candidates themselves (they
 *    count once reached), freed objects in the quarantine and free slots
 *    (stale), and on 7.x the free objects waiting in the per-CPU sheaves
 *    and per-node barns and the sheaves themselves (object pointers, free
 *    or stale);
 *  - every reserved page of RAM: the kernel image (data, bss,
 *    ro_after_init; read at its image address where the linear map leaves
 *    it out, arm64 7.x), per-CPU areas of the first chunk (static, module and
 *    dynamic), boot-time tables;
 *  - every loaded module's writable data (ro_after_init, data, bss) but for
 *    memsan's own and the module going away;
 *  - the stacks of the tasks that run code of a module asked about, but
 *    the scanner's;
 *  - any other page of RAM the kernel holds (not free, not user or page
 *    cache, not a page table) that a word of a reserved page or of module
 *    data points into: kfree_rcu()'s pointer blocks, hanging off a per-CPU
 *    variable, are such pages.  Only one step, and only from there: pages
 *    reached from slab objects were stale more often than not (a cached
 *    thread stack of a task long gone held the candidate's address).
 *
 * Memory is read through copy_from_kernel_nofault() only: a page that
 * vanishes or faults is skipped (the scan is then marked incomplete).  An
 * object must be unreferenced in two passes and still live with the same
 * allocation stack to be reported; anything the scan could not do makes it
 * report less, never more.
 */
#define pr_fmt(fmt) "memsan: " fmt

#include <linux/ioport.h>
#include <linux/kernel.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task_stack.h>
#include <linux/sort.h>
#include <linux/stackdepot.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "compat/compat.h"
#include "counters/counters.h"
#include "leaks/leaks.h"
#include "leaks/ranges.h"
#include "objects/objects.h"
#include "report/report.h"

/* RAM ranges memsan looks at: more are ignored (the scan is then incomplete). */
#define SCAN_RAM_RANGES		64
/* Room for records created while the candidates are collected. */
#define SCAN_SLACK		1024
/* Followed pages queued at once; more: incomplete. */
#define SCAN_PAGE_QUEUE		(64 * 1024)
/* 7.x: free objects noted in sheaves, and sheaves; more: incomplete. */
#define SCAN_SHEAF_OBJECTS	(256 * 1024)
#define SCAN_SHEAVES		(16 * 1024)
/* Caches, and sheaves in a barn's list, walked at most (bounds a list changing). */
#define SCAN_CACHES		4096
#define SCAN_BARN_LIST		4096

/**
 * struct leak_obj - a candidate, as collected
 * @addr:	its start
 * @size:	bytes asked for
 * @ip:		the allocating call (second frame of the allocation stack)
 * @stack:	allocation stack handle
 * @white:	unreferenced in every pass so far
 * @vmalloc:	a vmalloc area: the kernel's own records of it name its start
 */
struct leak_obj {
	unsigned long addr;
	unsigned long size;
	unsigned long ip;
	depot_stack_handle_t stack;
	bool white;
	bool vmalloc;
};

struct ram_range {
	unsigned long start_pfn;
	unsigned long end_pfn;
};

/*
 * One scan's state, under scan_lock.  Everything that holds candidates'
 * addresses is vmalloc'd or here, in memsan's own data, which is not a
 * root: the scan must not find itself.
 */
struct leak_scan {
	struct module *const *mods;
	unsigned int nr_mods;
	const struct module *going;

	struct leak_set set;
	unsigned int max_ranges;
	struct leak_obj *objs;
	unsigned int nr_objs;

	struct ram_range ram[SCAN_RAM_RANGES];
	unsigned int nr_ram;
	unsigned long min_pfn, max_pfn;
	unsigned long lin_lo, lin_hi;
	unsigned long *follow;		/* pfn - min_pfn: a page to scan if pointed to */
	unsigned long *excluded;	/* pfn - min_pfn: memsan's records */
	unsigned long *queue;		/* followed pages to scan */
	unsigned int nr_queue;
	unsigned long *buf;		/* a page's copy */
	unsigned long *stack_buf;	/* a task stack's copy */

	u64 bytes;
	bool incomplete;
	bool follow_now;		/* the memory scanned now may lead to pages */
	unsigned int nr_vmalloc;	/* candidates that are vmalloc areas */
	u64 free_slot_bytes;		/* of slab pages, in free slots: not scanned */

	unsigned long *sheaf_free;	/* sorted: objects waiting in sheaves (7.x) */
	unsigned int nr_sheaf_free;
	unsigned long *sheaves;		/* sorted: the sheaves themselves */
	unsigned int nr_sheaves;
};

static DEFINE_MUTEX(scan_lock);
static struct leak_scan scan;

/* === Collecting the candidates === */

/* The allocating call of a stack, if it is in one of the modules asked about. */
static unsigned long alloc_site(const struct leak_scan *s, depot_stack_handle_t handle)
{
	unsigned long *entries;
	unsigned int nr, i;

	if (!handle)
		return 0;
	nr = stack_depot_fetch(handle, &entries);
	if (nr < 2)
		return 0;
	for (i = 0; i < s->nr_mods; i++)
		if (within_module(entries[1], s->mods[i]))
			return entries[1];
	return 0;
}

/*
 * Under a bucket lock (memsan_objects_walk()): copies, nothing more, but
 * for the objects of a module going away, which become orphans: a module
 * loaded later at the same address must not inherit them.
 */
static void collect(struct memsan_object *obj, void *arg)
{
	struct leak_scan *s = arg;
	struct leak_range *r;
	unsigned long ip;

	if (obj->state != MEMSAN_OBJECT_LIVE && obj->state != MEMSAN_OBJECT_QUARANTINED)
		return;
	if (s->set.n >= s->max_ranges) {
		s->incomplete = true;
		return;
	}
	r = &s->set.r[s->set.n];
	r->start = obj->addr;
	if (obj->state == MEMSAN_OBJECT_QUARANTINED) {
		r->end = obj->addr + obj->slot_size;
		r->color = LEAK_SKIP;
		r->cookie = UINT_MAX;
		s->set.n++;
		return;
	}
	ip = obj->leak_flags & MEMSAN_LEAK_ORPHAN ? 0 : alloc_site(s, obj->alloc_stack);
	if (!ip || !obj->size)
		return;		/* not a candidate: its memory is a root */
	if (s->going)
		obj->leak_flags |= MEMSAN_LEAK_ORPHAN;
	r->end = obj->addr + obj->size;
	r->color = LEAK_WHITE;
	r->cookie = s->nr_objs;
	s->objs[s->nr_objs++] = (struct leak_obj){
		.addr = obj->addr,
		.size = obj->size,
		.ip = ip,
		.stack = obj->alloc_stack,
		.white = true,
		.vmalloc = obj->kind == MEMSAN_KIND_VMALLOC,
	};
	s->nr_vmalloc += obj->kind == MEMSAN_KIND_VMALLOC;
	s->set.n++;
}

/* Under pool_lock (memsan_objects_pool_pages()). */
static void exclude_page(struct page *page, void *arg)
{
	struct leak_scan *s = arg;
	unsigned long pfn = page_to_pfn(page);

	if (pfn >= s->min_pfn && pfn < s->max_pfn)
		__set_bit(pfn - s->min_pfn, s->excluded);
}

/*
 * The pages of one of the scan's own buffers: they hold the candidates'
 * addresses, and something may point to their linear-map alias.
 */
static void exclude_vmalloc(struct leak_scan *s, const void *buf, size_t size)
{
	const char *p = buf;
	size_t off;

	for (off = 0; off < size; off += PAGE_SIZE) {
		unsigned long pfn = vmalloc_to_pfn(p + off);

		if (pfn >= s->min_pfn && pfn < s->max_pfn)
			__set_bit(pfn - s->min_pfn, s->excluded);
	}
}

/*
 * The pages of the module going away: its data is no root, not even seen
 * through the linear map (a page there holding its globals' copy of the
 * candidates' addresses hid a leak on 6.12).
 */
static void exclude_module(struct leak_scan *s, struct module *mod)
{
	unsigned long start[2], size[2];
	unsigned int i, n = memsan_module_data(mod, start, size);

	for (i = 0; i < n; i++)
		if (size[i])
			exclude_vmalloc(s, (void *)ALIGN_DOWN(start[i], PAGE_SIZE),
					PAGE_ALIGN(offset_in_page(start[i]) + size[i]));
}

static int add_ram(struct resource *res, void *arg)
{
	struct leak_scan *s = arg;
	struct ram_range *r;

	if (s->nr_ram == SCAN_RAM_RANGES) {
		s->incomplete = true;
		return 0;
	}
	r = &s->ram[s->nr_ram];
	r->start_pfn = PFN_UP(res->start);
	r->end_pfn = PFN_DOWN(res->end + 1);
	if (r->start_pfn >= r->end_pfn)
		return 0;
	s->nr_ram++;
	s->min_pfn = min(s->min_pfn, r->start_pfn);
	s->max_pfn = max(s->max_pfn, r->end_pfn);
	return 0;
}

/* === Reading memory === */

/* A page of RAM the kernel holds for itself, not scanned unless pointed to. */
static bool page_followable(struct page *page)
{
	struct folio *folio = page_folio(page);

	return folio_ref_count(folio) > 0 && !folio_test_slab(folio) &&
	       !PageReserved(page) && !folio_test_lru(folio) && !READ_ONCE(folio->mapping) &&
	       !PageTable(page) && !PageBuddy(page);
}

/* Queue the pages the words point into that are to be followed. */
static void follow_words(struct leak_scan *s, const unsigned long *w, unsigned long nr)
{
	unsigned long i;

	for (i = 0; i < nr; i++) {
		unsigned long v = w[i], pfn;

		/*
		 * The start of a page only: kfree_rcu()'s blocks are named so;
		 * a pointer into a page's middle led to thread stacks and
		 * module memory seen through the linear map, stale or excluded.
		 */
		if (v < s->lin_lo || v >= s->lin_hi || offset_in_page(v))
			continue;
		pfn = PHYS_PFN(__pa(v));
		if (pfn < s->min_pfn || pfn >= s->max_pfn ||
		    !__test_and_clear_bit(pfn - s->min_pfn, s->follow))
			continue;
		if (s->nr_queue == SCAN_PAGE_QUEUE) {
			s->incomplete = true;
			continue;
		}
		s->queue[s->nr_queue++] = pfn;
	}
}

/* The vmalloc area that starts at @v, if it is a candidate. */
static const struct leak_obj *vmalloc_candidate(const struct leak_scan *s, unsigned long v)
{
	long k;

	if (v < s->set.lo || v >= s->set.hi || !PAGE_ALIGNED(v))
		return NULL;
	k = leak_set_find(&s->set, v);
	if (k < 0 || s->set.r[k].start != v || s->set.r[k].cookie >= s->nr_objs)
		return NULL;
	return s->objs[s->set.r[k].cookie].vmalloc ? &s->objs[s->set.r[k].cookie] : NULL;
}

/*
 * Is @w[@j] the va_start of a struct vmap_area: followed by its va_end,
 * both page-aligned vmalloc addresses, and by a list linked to other
 * vmap_areas (slab objects)?  An array of vmalloc'd buffers has no such
 * links, however its buffers lie.
 */
static bool vmap_area_at(const struct leak_scan *s, const unsigned long *w, unsigned long nr,
			 unsigned long j)
{
	const unsigned long start = offsetof(struct vmap_area, va_start) / sizeof(long);
	const unsigned long next = offsetof(struct vmap_area, list.next) / sizeof(long) - start;
	const unsigned long prev = offsetof(struct vmap_area, list.prev) / sizeof(long) - start;

	BUILD_BUG_ON(offsetof(struct vmap_area, va_end) !=
		     offsetof(struct vmap_area, va_start) + sizeof(long));
	return j + 1 < nr && j + prev < nr && w[j] < w[j + 1] && PAGE_ALIGNED(w[j]) &&
	       PAGE_ALIGNED(w[j + 1]) && is_vmalloc_addr((void *)w[j]) &&
	       w[j + next] >= s->lin_lo && w[j + next] < s->lin_hi &&
	       w[j + prev] >= s->lin_lo && w[j + prev] < s->lin_hi;
}

/*
 * Blank, in the copy @w of @nr words, the words by which vmalloc keeps its
 * own account of a candidate area: its vm_struct (addr, then the size with
 * the guard page, then VM_ALLOC in the flags), its vmap_area (va_start,
 * then va_end) and the vmap_area of the area just below it (whose va_end
 * is this start).  They name every vmalloc area, leaked or not.
 */
static void forget_vmalloc_records(const struct leak_scan *s, unsigned long *w, unsigned long nr)
{
	const unsigned long vm_addr = offsetof(struct vm_struct, addr) / sizeof(long);
	const unsigned long vm_size = offsetof(struct vm_struct, size) / sizeof(long);
	const unsigned long vm_flags = offsetof(struct vm_struct, flags) / sizeof(long);
	unsigned long i;

	for (i = 0; i < nr; i++) {
		const struct leak_obj *o = vmalloc_candidate(s, w[i]);
		unsigned long area, b = i - vm_addr;

		if (!o)
			continue;
		area = PAGE_ALIGN(o->size) + PAGE_SIZE;
		if ((i >= vm_addr && b + vm_flags < nr && w[b + vm_size] == area &&
		     (w[b + vm_flags] & VM_ALLOC)) ||
		    (vmap_area_at(s, w, nr, i) && w[i + 1] == w[i] + area) ||
		    (i >= 1 && vmap_area_at(s, w, nr, i - 1)))
			w[i] = 0;
	}
}

/*
 * Copy what the linear map does not map at @start through another mapping
 * of the same memory (memsan_image_alias()), if it has one.
 */
static bool read_alias(struct leak_scan *s, unsigned long start, unsigned long len)
{
	unsigned long alias;

	if (start < s->lin_lo || start >= s->lin_hi)
		return false;
	alias = memsan_image_alias(start);
	return alias && !copy_from_kernel_nofault(s->buf, (void *)alias, len);
}

/*
 * Scan [@start, @start + @len): copy it a page at most at a time and look
 * at every aligned word.  What cannot be read is skipped.
 */
static void scan_range(struct leak_scan *s, unsigned long start, unsigned long len)
{
	unsigned long end = start + len;

	start = ALIGN(start, sizeof(long));
	while (start + sizeof(long) <= end) {
		unsigned long chunk = min(end - start, PAGE_SIZE - offset_in_page(start));
		unsigned long nr = chunk / sizeof(long);

		if (!nr)
			break;
		if (copy_from_kernel_nofault(s->buf, (void *)start, nr * sizeof(long)) &&
		    !read_alias(s, start, nr * sizeof(long))) {
			s->incomplete = true;
		} else {
			if (s->nr_vmalloc)
				forget_vmalloc_records(s, s->buf, nr);
			leak_set_scan_words(&s->set, s->buf, nr);
			if (s->follow_now)
				follow_words(s, s->buf, nr);
			s->bytes += nr * sizeof(long);
		}
		start += chunk;
	}
}

/* Scan [@addr, @end) as a root, but for the tracked objects in it. */
static void scan_span(struct leak_scan *s, unsigned long addr, unsigned long end)
{
	unsigned int i = leak_set_next(&s->set, addr);

	while (addr < end) {
		unsigned long stop = end;

		if (i < s->set.n && s->set.r[i].start < end)
			stop = max(addr, s->set.r[i].start);
		if (stop > addr)
			scan_range(s, addr, stop - addr);
		if (stop == end)
			break;
		addr = max(addr, s->set.r[i].end);
		i++;
	}
}

/* Scan one page of RAM as a root, but for the tracked objects in it. */
static void scan_page_root(struct leak_scan *s, unsigned long pfn)
{
	unsigned long addr = (unsigned long)pfn_to_kaddr(pfn);

	scan_span(s, addr, addr + PAGE_SIZE);
}

/* === 7.x: the free objects in sheaves === */

/* The first of the @n sorted values of @a that is not below @v. */
static unsigned int sorted_from(const unsigned long *a, unsigned int n, unsigned long v)
{
	unsigned int lo = 0, hi = n;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (a[mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

#ifdef MEMSAN_SLAB_SHEAVES
static int cmp_ulong(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

static bool read_word(unsigned long addr, unsigned long *v)
{
	return !copy_from_kernel_nofault(v, (void *)addr, sizeof(*v));
}

/*
 * Note the sheaf at @sheaf of @cache, whose sheaves hold @cap objects, and
 * the free objects in it, objects[0..size).  A free object there keeps what
 * it held when it was freed (SLUB writes no free pointer in it); the
 * sheaf's words beyond size name the objects handed out since.  Neither is
 * a reference.  Read without the kernel's locks: a sheaf that changes
 * meanwhile may be noted wrongly, and each pass notes them afresh.
 */
static void sheaf_note(struct leak_scan *s, unsigned long cache, unsigned long sheaf,
		       unsigned int cap)
{
	unsigned long owner, objs[16];
	unsigned int size, i, j, n;

	if (!sheaf || !read_word(sheaf + MEMSAN_OFF_SHEAF_CACHE, &owner) || owner != cache ||
	    copy_from_kernel_nofault(&size, (void *)(sheaf + MEMSAN_OFF_SHEAF_SIZE), sizeof(size)) ||
	    size > cap)
		return;
	if (s->nr_sheaves == SCAN_SHEAVES) {
		s->incomplete = true;
		return;
	}
	s->sheaves[s->nr_sheaves++] = sheaf;
	for (i = 0; i < size; i += n) {
		n = min_t(unsigned int, size - i, ARRAY_SIZE(objs));
		if (copy_from_kernel_nofault(objs, (void *)(sheaf + MEMSAN_OFF_SHEAF_OBJECTS +
							    i * sizeof(long)), n * sizeof(long)))
			return;
		for (j = 0; j < n; j++) {
			if (s->nr_sheaf_free == SCAN_SHEAF_OBJECTS) {
				s->incomplete = true;
				return;
			}
			s->sheaf_free[s->nr_sheaf_free++] = objs[j];
		}
	}
}

/* The sheaves in a barn's list (full or empty) at @head. */
static void barn_list_note(struct leak_scan *s, unsigned long cache, unsigned long head,
			   unsigned int cap)
{
	unsigned long pos;
	unsigned int n;

	if (!read_word(head, &pos))
		return;
	for (n = 0; pos != head; n++) {
		if (n == SCAN_BARN_LIST || !pos) {
			s->incomplete = true;
			return;
		}
		sheaf_note(s, cache, pos - MEMSAN_OFF_SHEAF_BARN_LIST, cap);
		if (!read_word(pos, &pos))
			return;
	}
}

/* A cache's sheaves: each CPU's main, spare and rcu_free, each node's barn. */
static void cache_note(struct leak_scan *s, unsigned long cache)
{
	unsigned long pcs, barn, sheaf;
	unsigned int cap, cpu, nid;

	if (!read_word(cache + MEMSAN_OFF_CACHE_CPU_SHEAVES, &pcs) || !pcs ||
	    copy_from_kernel_nofault(&cap, (void *)(cache + MEMSAN_OFF_CACHE_SHEAF_CAPACITY),
				     sizeof(cap)) || !cap)
		return;
	for_each_possible_cpu(cpu) {
		unsigned long p = (unsigned long)per_cpu_ptr((void __percpu *)pcs, cpu);

		if (read_word(p + MEMSAN_OFF_PCS_MAIN, &sheaf))
			sheaf_note(s, cache, sheaf, cap);
		if (read_word(p + MEMSAN_OFF_PCS_SPARE, &sheaf))
			sheaf_note(s, cache, sheaf, cap);
		if (read_word(p + MEMSAN_OFF_PCS_RCU_FREE, &sheaf))
			sheaf_note(s, cache, sheaf, cap);
	}
	for (nid = 0; nid < nr_node_ids; nid++) {
		if (!read_word(cache + MEMSAN_OFF_CACHE_PER_NODE + nid * MEMSAN_CACHE_PER_NODE_SIZE +
			       MEMSAN_OFF_CACHE_PER_NODE_BARN, &barn) || !barn)
			continue;
		barn_list_note(s, cache, barn + MEMSAN_OFF_BARN_FULL, cap);
		barn_list_note(s, cache, barn + MEMSAN_OFF_BARN_EMPTY, cap);
	}
}

/* Is @addr a struct kmem_cache: an object of the cache @kc of them? */
static bool is_cache(unsigned long addr, struct kmem_cache *kc)
{
	struct folio *folio;

	if (!virt_addr_valid((void *)addr))
		return false;
	folio = virt_to_folio((void *)addr);
	return folio_test_slab(folio) && memsan_folio_slab_cache(folio) == kc;
}

/*
 * Note the sheaves of every cache, walking the kernel's list of caches
 * from a kmalloc cache (the list's head, in the kernel's data, is no
 * cache).  Without the kernel's slab_mutex: every read is a no-fault one,
 * and the walk is bounded.
 */
static void sheaves_collect(struct leak_scan *s)
{
	struct kmem_cache *first = NULL, *kc;
	unsigned long head, pos;
	unsigned int i, n;

	s->nr_sheaf_free = 0;
	s->nr_sheaves = 0;
	for (i = 0; i < ARRAY_SIZE(kmalloc_caches[KMALLOC_NORMAL]) && !first; i++)
		first = READ_ONCE(kmalloc_caches[KMALLOC_NORMAL][i]);
	if (!first || !virt_addr_valid(first))
		return;
	kc = memsan_folio_slab_cache(virt_to_folio(first));
	head = (unsigned long)first + MEMSAN_OFF_CACHE_LIST;
	pos = head;
	for (n = 0; n < SCAN_CACHES; n++) {
		if (is_cache(pos - MEMSAN_OFF_CACHE_LIST, kc))
			cache_note(s, pos - MEMSAN_OFF_CACHE_LIST);
		if (!read_word(pos, &pos) || pos == head)
			break;
	}
	if (n == SCAN_CACHES || pos != head)
		s->incomplete = true;
	sort(s->sheaf_free, s->nr_sheaf_free, sizeof(long), cmp_ulong, NULL);
	sort(s->sheaves, s->nr_sheaves, sizeof(long), cmp_ulong, NULL);
}
#else
static void sheaves_collect(struct leak_scan *s)
{
}
#endif

/*
 * Is the slot at @obj free?  A free slot holds its free pointer, which
 * decodes to NULL or to a slot of the same slab; an allocated object was
 * cleared at allocation (memsan_cache_free_pointer() says when that holds),
 * so its words decode to that only if its user wrote that very value.
 */
static bool slot_free(unsigned long obj, unsigned long base, unsigned long nr,
		      unsigned int stride, unsigned int offset, unsigned long key)
{
	unsigned long where = obj + offset, word, next;

	if (copy_from_kernel_nofault(&word, (void *)where, sizeof(word)))
		return false;
	next = word ^ key ^ swab(where);
	return !next || (next >= base && next < base + nr * stride && !((next - base) % stride));
}

/*
 * Scan one slab page as a root, but for the tracked objects and the free
 * slots in it: a free slot keeps what its last object held, and pointers
 * to objects long gone whose slot a candidate now has were the scan's
 * commonest stale references.
 */
static void scan_slab_root(struct leak_scan *s, unsigned long pfn)
{
	struct folio *folio = page_folio(pfn_to_page(pfn));
	unsigned long addr = (unsigned long)pfn_to_kaddr(pfn), end = addr + PAGE_SIZE;
	struct kmem_cache *cache = memsan_folio_slab_cache(folio);
	unsigned long base, nr, slot, key = 0;
	unsigned int stride, offset = 0, pad, fi, si;
	bool fp = cache && memsan_cache_free_pointer(cache, &offset, &key);

	if (!cache || (!fp && !s->nr_sheaf_free && !s->nr_sheaves)) {
		scan_span(s, addr, end);
		return;
	}
	stride = memsan_cache_stride(cache);
	base = (unsigned long)folio_address(folio);
	nr = stride ? folio_size(folio) / stride : 0;
	if (!nr || addr < base) {
		scan_span(s, addr, end);
		return;
	}
	/* SLUB's left redzone (memsan's kmalloc caches): objects start past it */
	pad = memsan_cache_left_pad(cache);
	slot = base + (addr - base) / stride * stride;
	/* 7.x: cursors into the sorted free objects of sheaves, and sheaves */
	fi = sorted_from(s->sheaf_free, s->nr_sheaf_free, slot + pad);
	si = sorted_from(s->sheaves, s->nr_sheaves, slot + pad);
	for (; slot < end; slot += stride) {
		unsigned long from = max(addr, slot), to = min(end, slot + stride);
		unsigned long obj = slot + pad;

		if (slot >= base + nr * stride) {	/* the slab's unused tail */
			scan_span(s, from, end);
			break;
		}
		while (fi < s->nr_sheaf_free && s->sheaf_free[fi] < obj)
			fi++;
		while (si < s->nr_sheaves && s->sheaves[si] < obj)
			si++;
		if ((fi < s->nr_sheaf_free && s->sheaf_free[fi] == obj) ||
		    (fp && slot_free(obj, base + pad, nr, stride, offset, key)))
			s->free_slot_bytes += to - from;
		else if (si >= s->nr_sheaves || s->sheaves[si] != obj)
			scan_span(s, from, to);
		/* a sheaf: object pointers, of free objects or stale */
	}
}

/*
 * A followed page is scanned with the rest of its allocation (a compound
 * page: a large untracked kmalloc, say), each page once.
 */
static void scan_followed(struct leak_scan *s, unsigned long pfn)
{
	struct folio *folio = page_folio(pfn_to_page(pfn));
	unsigned long head = folio_pfn(folio), nr = folio_nr_pages(folio), p;

	if (head > pfn || nr > MAX_ORDER_NR_PAGES || pfn - head >= nr) {
		head = pfn;	/* changed under us: this page alone */
		nr = 1;
	}
	for (p = head; p < head + nr && p < s->max_pfn; p++) {
		if (p != pfn && (p < s->min_pfn || !__test_and_clear_bit(p - s->min_pfn, s->follow)))
			continue;
		scan_page_root(s, p);
	}
}

/* Scan the grey candidates and the followed pages until there are none. */
static void drain(struct leak_scan *s)
{
	while (s->set.nr_grey || s->nr_queue) {
		while (s->set.nr_grey) {
			struct leak_range *r = &s->set.r[s->set.grey[--s->set.nr_grey]];

			r->color = LEAK_BLACK;
			scan_range(s, r->start, r->end - r->start);
		}
		if (s->nr_queue)
			scan_followed(s, s->queue[--s->nr_queue]);
		cond_resched();
	}
}

/* === The roots === */

/* Slab and reserved pages are roots; other kernel pages are followed. */
static void scan_ram(struct leak_scan *s)
{
	unsigned int k;
	unsigned long pfn;

	for (k = 0; k < s->nr_ram; k++) {
		for (pfn = s->ram[k].start_pfn; pfn < s->ram[k].end_pfn; pfn++) {
			struct page *page = pfn_to_online_page(pfn);

			if (page && !test_bit(pfn - s->min_pfn, s->excluded) &&
			    page_followable(page))
				__set_bit(pfn - s->min_pfn, s->follow);
		}
		cond_resched();
	}
	for (k = 0; k < s->nr_ram; k++) {
		for (pfn = s->ram[k].start_pfn; pfn < s->ram[k].end_pfn; pfn++) {
			struct page *page = pfn_to_online_page(pfn);

			if (!page || test_bit(pfn - s->min_pfn, s->excluded))
				continue;
			if (folio_test_slab(page_folio(page))) {
				scan_slab_root(s, pfn);
			} else if (PageReserved(page)) {
				s->follow_now = true;
				scan_page_root(s, pfn);
				s->follow_now = false;
			}
			if (!(pfn & 255)) {
				drain(s);
				cond_resched();
			}
		}
	}
	drain(s);
}

/*
 * Is @mod a module?  The walk starts at memsan's own list entry, so it
 * meets the kernel's list head too, which is no module.
 */
static bool real_module(struct module *mod)
{
	struct module *self;
	enum module_state state;

	if (get_kernel_nofault(state, &mod->state) || get_kernel_nofault(self, &mod->mkobj.mod))
		return false;
	return self == mod && state != MODULE_STATE_UNFORMED &&
	       within_module_core((unsigned long)mod, mod);
}

/* Every module's writable data, but memsan's and the one going. */
static void scan_modules(struct leak_scan *s)
{
	struct module *mod;

	preempt_disable();
	list_for_each_entry_rcu(mod, &THIS_MODULE->list, list) {
		unsigned long start[2], size[2];
		unsigned int i, n;

		if (mod == s->going || !real_module(mod))
			continue;
		n = memsan_module_data(mod, start, size);
		s->follow_now = true;
		for (i = 0; i < n; i++)
			scan_range(s, start[i], size[i]);
		s->follow_now = false;
	}
	preempt_enable();
	drain(s);
}

/* How often @t was switched out: a change means it ran meanwhile. */
static unsigned long task_switches(struct task_struct *t)
{
	return READ_ONCE(t->nvcsw) + READ_ONCE(t->nivcsw);
}

/* Does a word of @w point into the code or data of a module asked about? */
static bool runs_candidates_module(const struct leak_scan *s, const unsigned long *w,
				   unsigned long nr)
{
	unsigned long i;
	unsigned int m;

	for (i = 0; i < nr; i++)
		for (m = 0; m < s->nr_mods; m++)
			if (within_module(w[i], s->mods[m]))
				return true;
	return false;
}

/*
 * One task's stack, a root only while a module asked about is at work on
 * it: a return address (or a pointer to its data) of the module is there.
 * Other stacks hold the candidates' addresses only as stale words: a
 * slot whose previous object kthreadd or a kworker had handled was still
 * named in their frames, and hid the leak of the object that took it.
 * A task that is not running is read from the stack pointer it saved
 * (below it, every word is stale); a running one, or one that ran while
 * it was read, whole.
 */
static void scan_task_stack(struct leak_scan *s, struct task_struct *t, unsigned long stack)
{
	unsigned long top = stack + THREAD_SIZE, switches = task_switches(t), from = stack, sp;

	smp_rmb();	/* the switch count before the saved sp: pairs with the switch */
	sp = memsan_task_saved_sp(t);
	if (!READ_ONCE(t->on_cpu) && sp >= stack && sp < top)
		from = ALIGN_DOWN(sp, sizeof(long));
	if (copy_from_kernel_nofault(s->stack_buf, (void *)from, top - from))
		goto unreadable;
	smp_rmb();	/* the copy before the second look: did the task run meanwhile? */
	if (from != stack && (READ_ONCE(t->on_cpu) || task_switches(t) != switches ||
			      memsan_task_saved_sp(t) != sp)) {
		from = stack;
		if (copy_from_kernel_nofault(s->stack_buf, (void *)from, THREAD_SIZE))
			goto unreadable;
	}
	s->bytes += top - from;
	if (runs_candidates_module(s, s->stack_buf, (top - from) / sizeof(long)))
		leak_set_scan_words(&s->set, s->stack_buf, (top - from) / sizeof(long));
	return;
unreadable:
	s->incomplete = true;
}

/*
 * The stacks of all tasks but current: the scanner's own frames hold the
 * candidates' addresses, and its callers (the unload path, a netlink
 * request) hold no object of the module.  A stack being freed is read
 * through the no-fault copy.
 */
static void scan_stacks(struct leak_scan *s)
{
	struct task_struct *g, *t;

	rcu_read_lock();
	for_each_process_thread(g, t) {
		void *stack = READ_ONCE(t->stack);

		if (t == current || !stack || !refcount_read(&t->stack_refcount))
			continue;
		scan_task_stack(s, t, (unsigned long)stack);
	}
	rcu_read_unlock();
	drain(s);
}

static void scan_pass(struct leak_scan *s)
{
	unsigned int i;

	leak_set_reset(&s->set);
	s->nr_queue = 0;
	memset(s->follow, 0, BITS_TO_LONGS(s->max_pfn - s->min_pfn) * sizeof(long));
	if (s->sheaf_free)
		sheaves_collect(s);
	scan_ram(s);
	scan_modules(s);
	scan_stacks(s);
	for (i = 0; i < s->set.n; i++) {
		struct leak_range *r = &s->set.r[i];

		if (r->color == LEAK_BLACK || r->color == LEAK_GREY)
			s->objs[r->cookie].white = false;
	}
}

/* === Reports === */

static int cmp_site(const void *a, const void *b)
{
	const struct leak_obj *x = a, *y = b;

	if (x->ip != y->ip)
		return x->ip < y->ip ? -1 : 1;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Still live, with the same allocation: a freed and reused object is not it. */
static bool still_leaked(const struct leak_obj *o)
{
	struct memsan_object rec;

	return memsan_object_lookup(o->addr, &rec) && rec.state == MEMSAN_OBJECT_LIVE &&
	       rec.alloc_stack == o->stack;
}

/*
 * One report per allocating call among the objects left white: the call is
 * the report's site (a site is reported once), and objects from one call
 * may have stacks that differ further out; the first object's is shown.
 */
static void report_leaks(struct leak_scan *s, const char *what, struct memsan_leak_stats *st)
{
	static struct memsan_leak leak;		/* under scan_lock */
	unsigned int i, j, n = 0;

	for (i = 0; i < s->nr_objs; i++)
		if (s->objs[i].white && still_leaked(&s->objs[i]))
			s->objs[n++] = s->objs[i];
	sort(s->objs, n, sizeof(*s->objs), cmp_site, NULL);
	for (i = 0; i < n; i = j) {
		const struct leak_obj *o = &s->objs[i];

		memset(&leak, 0, sizeof(leak));
		leak.addr = o->addr;
		leak.ip = o->ip;
		leak.alloc_stack = o->stack;
		leak.scan = what;
		for (j = i; j < n && s->objs[j].ip == o->ip; j++) {
			leak.objects++;
			leak.bytes += s->objs[j].size;
		}
		leak.dump_len = min_t(unsigned long, o->size, MEMSAN_LEAK_DUMP);
		if (copy_from_kernel_nofault(leak.dump, (void *)o->addr, leak.dump_len))
			leak.dump_len = 0;
		if (memsan_report_leak(&leak)) {
			st->reports++;
			memsan_count(MEMSAN_COUNTER_LEAKS_REPORTED, leak.objects);
		}
	}
	st->leaked = n;
	/* the copies of the candidates' addresses go with the scan */
	memset(s->objs, 0, s->nr_objs * sizeof(*s->objs));
}

/* === The scan === */

static void scan_free(struct leak_scan *s)
{
	vfree(s->set.r);
	vfree(s->set.grey);
	vfree(s->objs);
	vfree(s->follow);
	vfree(s->excluded);
	vfree(s->queue);
	vfree(s->buf);
	vfree(s->stack_buf);
	vfree(s->sheaf_free);
	vfree(s->sheaves);
	memset(s, 0, sizeof(*s));
}

static int scan_setup(struct leak_scan *s)
{
	unsigned long bits;

	s->min_pfn = ULONG_MAX;
	walk_iomem_res_desc(IORES_DESC_NONE, IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY, 0,
			    U64_MAX, s, add_ram);
	if (!s->nr_ram)
		return -ENODEV;
	s->lin_lo = (unsigned long)pfn_to_kaddr(s->min_pfn);
	s->lin_hi = (unsigned long)pfn_to_kaddr(s->max_pfn);
	bits = s->max_pfn - s->min_pfn;
	s->max_ranges = memsan_counter_read(MEMSAN_COUNTER_OBJECTS) + SCAN_SLACK;
	s->set.r = vmalloc(array_size(s->max_ranges, sizeof(*s->set.r)));
	s->set.grey = vmalloc(array_size(s->max_ranges, sizeof(*s->set.grey)));
	s->objs = vmalloc(array_size(s->max_ranges, sizeof(*s->objs)));
	s->follow = vzalloc(BITS_TO_LONGS(bits) * sizeof(long));
	s->excluded = vzalloc(BITS_TO_LONGS(bits) * sizeof(long));
	s->queue = vmalloc(array_size(SCAN_PAGE_QUEUE, sizeof(*s->queue)));
	s->buf = vmalloc(PAGE_SIZE);
	s->stack_buf = vmalloc(THREAD_SIZE);
	if (!s->set.r || !s->set.grey || !s->objs || !s->follow || !s->excluded || !s->queue ||
	    !s->buf || !s->stack_buf)
		return -ENOMEM;
	exclude_vmalloc(s, s->set.r, array_size(s->max_ranges, sizeof(*s->set.r)));
	exclude_vmalloc(s, s->objs, array_size(s->max_ranges, sizeof(*s->objs)));
	exclude_vmalloc(s, s->buf, PAGE_SIZE);
	exclude_vmalloc(s, s->stack_buf, THREAD_SIZE);
#ifdef MEMSAN_SLAB_SHEAVES
	s->sheaf_free = vmalloc(array_size(SCAN_SHEAF_OBJECTS, sizeof(*s->sheaf_free)));
	s->sheaves = vmalloc(array_size(SCAN_SHEAVES, sizeof(*s->sheaves)));
	if (!s->sheaf_free || !s->sheaves)
		return -ENOMEM;
	exclude_vmalloc(s, s->sheaf_free, array_size(SCAN_SHEAF_OBJECTS, sizeof(*s->sheaf_free)));
	exclude_vmalloc(s, s->sheaves, array_size(SCAN_SHEAVES, sizeof(*s->sheaves)));
#endif
	return 0;
}

/**
 * memsan_leaks_scan() - find and report the leaked objects of some modules
 * @mods:	the modules whose objects are candidates (allocated from their code)
 * @nr:		how many
 * @going:	a module going away, whose data is no root (NULL: none)
 * @st:		what the scan did
 *
 * Process context; may sleep.  Scans are serialised.  Objects without an
 * allocation stack (stack_trace=N) cannot be attributed and are not checked.
 *
 * Return: 0, or a negative errno if the scan could not run.
 */
int memsan_leaks_scan(struct module *const *mods, unsigned int nr, const struct module *going,
		      struct memsan_leak_stats *st)
{
	static char what[MEMSAN_LEAK_SCAN_NAME];	/* under scan_lock */
	struct leak_scan *s = &scan;
	u64 t0 = ktime_get_ns();
	unsigned int i;
	int err;

	memset(st, 0, sizeof(*st));
	mutex_lock(&scan_lock);
	err = scan_setup(s);
	if (err)
		goto out;
	s->mods = mods;
	s->nr_mods = nr;
	s->going = going;
	memsan_count(MEMSAN_COUNTER_LEAK_SCANS, 1);

	memsan_objects_pool_pages(exclude_page, s);
	if (going)
		exclude_module(s, (struct module *)going);
	memsan_objects_walk(collect, s);
	st->candidates = s->nr_objs;
	if (!s->nr_objs)
		goto done;
	leak_set_prepare(&s->set);

	scan_pass(s);
	for (i = 0; i < s->nr_objs && !s->objs[i].white; i++)
		;
	if (i < s->nr_objs)
		scan_pass(s);	/* a reference moving during the first is found now */
	if (going)
		snprintf(what, sizeof(what), "at unload of %s", going->name);
	else
		strscpy(what, "on demand", sizeof(what));
	report_leaks(s, what, st);
done:
	st->bytes_scanned = s->bytes;
	st->free_slot_bytes = s->free_slot_bytes;
	st->incomplete = s->incomplete;
out:
	scan_free(s);
	mutex_unlock(&scan_lock);
	st->ns = ktime_get_ns() - t0;
	return err;
}

/**
 * memsan_leaks_module_going() - report what an instrumented module leaked
 * @mod:	the module, after its exit function (or its failed init)
 *
 * RCU callbacks queued before are run first (rcu_barrier()), so that an
 * object whose call_rcu() free was pending is gone; objects still waiting
 * in kfree_rcu()'s batches are found through the kernel's per-CPU pointer
 * blocks, which the scan follows.
 */
void memsan_leaks_module_going(struct module *mod)
{
	struct memsan_leak_stats st;
	int err;

	rcu_barrier();
	err = memsan_leaks_scan(&mod, 1, mod, &st);
	if (err)
		pr_warn("%s: leak scan failed (%d)\n", mod->name, err);
	else
		pr_info("%s: leak scan at unload: %u objects checked, %u leaked; %llu bytes scanned in %llu ms (%llu in free slab slots skipped)%s\n",
			mod->name, st.candidates, st.leaked, st.bytes_scanned,
			div_u64(st.ns, NSEC_PER_MSEC), st.free_slot_bytes,
			st.incomplete ? " (incomplete)" : "");
}
