// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: kfree_rcu() of an instrumented module's objects where the kernel
 * does not free them through kfree() (7.x).
 *
 * 7.x hands kfree_rcu() objects to per-CPU sheaves that go back to the slab
 * allocator after a grace period without calling kfree() or
 * kmem_cache_free(): the free hooks never see them, and memsan would keep
 * such an object live forever.  memsan_redirect.h sends an instrumented
 * module's kvfree_call_rcu() here instead (built when conftest.sh finds
 * slab sheaves: 7.2 and 7.3; 7.3's takes a struct kvfree_rcu_head *).  A tracked object
 * waits in a ring with a grace-period cookie; a work item frees it through
 * memsan (quarantine, use-after-free detection) once that grace period has
 * elapsed, as the kernel would have: kfree() or, for a vmalloc object
 * (kvfree_rcu()), vfree(), each through memsan.  7.3's kfree_rcu_nolock()
 * (kfree_call_rcu_nolock()) is taken the same way.  The object's rcu head is
 * not used: 7.3's struct kvfree_rcu_head is one word, too small for
 * call_rcu().
 */
#include <linux/export.h>
#include <linux/hardirq.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "hooks/hooks.h"
#include "objects/objects.h"
#include "settings/settings.h"
#include "shadow_port/memsan_shadow.h"

/* Objects waiting for their grace period; beyond that the kernel frees them. */
#define RCU_FREE_SLOTS		1024
/* How often the work item looks for elapsed grace periods. */
#define RCU_FREE_POLL_MS	10

struct rcu_free {
	void *ptr;
	unsigned long cookie;	/* get_state_synchronize_rcu() when queued */
	unsigned long ip;	/* the kfree_rcu() caller */
};

static struct rcu_free ring[RCU_FREE_SLOTS];
static unsigned int ring_head, ring_tail;	/* free-running: head - tail queued */
static DEFINE_RAW_SPINLOCK(ring_lock);

static void rcu_free_workfn(struct work_struct *work);
static DECLARE_DELAYED_WORK(rcu_free_work, rcu_free_workfn);

/*
 * What the kernel would do at the end of the grace period: kvfree(), each
 * half through memsan as in the module's own kvfree().  Process context.
 */
static void free_now(void *ptr, unsigned long ip)
{
	unsigned long fn = (unsigned long)kvfree_call_rcu;

	if (!is_vmalloc_addr(ptr))
		memsan_free_object(NULL, ptr, MEMSAN_RELEASE_KFREE, ip, fn);
	else if (!memsan_free_region(ptr, MEMSAN_KIND_VMALLOC, MEMSAN_RELEASE_VFREE, ip, fn, true))
		memsan_allocator_vfree(ptr);
}

/*
 * Queue @ptr; false when the ring is full, or for @nolock when its lock is
 * taken (kfree_rcu_nolock() may be called with any lock held, this one too).
 */
static bool ring_put(void *ptr, unsigned long ip, bool nolock)
{
	/*
	 * start_poll_synchronize_rcu(), not get_state_synchronize_rcu(): the
	 * latter starts no grace period, and on an idle system (7.x's
	 * kfree_rcu() no longer queues RCU callbacks) none may come for
	 * seconds, the object staying live long after the kernel would have
	 * freed it.
	 */
	unsigned long cookie = start_poll_synchronize_rcu();
	unsigned long flags;
	bool queued = false;

	if (!nolock)
		raw_spin_lock_irqsave(&ring_lock, flags);
	else if (!raw_spin_trylock_irqsave(&ring_lock, flags))
		return false;
	if (ring_head - ring_tail < RCU_FREE_SLOTS) {
		ring[ring_head % RCU_FREE_SLOTS] = (struct rcu_free) {
			.ptr = ptr,
			.cookie = cookie,
			.ip = ip,
		};
		ring_head++;
		queued = true;
	}
	raw_spin_unlock_irqrestore(&ring_lock, flags);
	return queued;
}

/* Take the oldest entry if its grace period has elapsed (or @all). */
static bool ring_take(struct rcu_free *out, bool all)
{
	unsigned long flags;
	bool taken = false;

	raw_spin_lock_irqsave(&ring_lock, flags);
	if (ring_head != ring_tail) {
		struct rcu_free *oldest = &ring[ring_tail % RCU_FREE_SLOTS];

		if (all || poll_state_synchronize_rcu(oldest->cookie)) {
			*out = *oldest;
			ring_tail++;
			taken = true;
		}
	}
	raw_spin_unlock_irqrestore(&ring_lock, flags);
	return taken;
}

static bool ring_empty(void)
{
	return READ_ONCE(ring_head) == READ_ONCE(ring_tail);
}

static void rcu_free_workfn(struct work_struct *work)
{
	struct rcu_free entry;

	while (ring_take(&entry, false))
		free_now(entry.ptr, entry.ip);
	if (!ring_empty())
		schedule_delayed_work(&rcu_free_work, msecs_to_jiffies(RCU_FREE_POLL_MS));
}

void __memsan_kvfree_call_rcu(struct MEMSAN_KVFREE_RCU_HEAD *head, void *ptr)
{
	if (!memsan_enabled() || ZERO_OR_NULL_PTR(ptr) ||
	    !memsan_shadow_page_tracked((unsigned long)ptr)) {
		kvfree_call_rcu(head, ptr);
		return;
	}
	if (!head) {
		/* kvfree_rcu_mightsleep(): the caller may sleep */
		synchronize_rcu();
		free_now(ptr, _RET_IP_);
		return;
	}
	if (!ring_put(ptr, _RET_IP_, false)) {
		kvfree_call_rcu(head, ptr);	/* unseen by memsan: its record stays */
		return;
	}
	schedule_delayed_work(&rcu_free_work, msecs_to_jiffies(RCU_FREE_POLL_MS));
}
EXPORT_SYMBOL(__memsan_kvfree_call_rcu);

#ifdef MEMSAN_HAVE_KFREE_CALL_RCU_NOLOCK
/**
 * __memsan_kfree_call_rcu_nolock() - an instrumented module's kfree_rcu_nolock() (7.3)
 * @head:	the object's struct kvfree_rcu_head
 * @ptr:	the object
 *
 * As __memsan_kvfree_call_rcu(), from any context: in NMI, or when the
 * ring's lock is taken, the object goes to the kernel unseen (its record
 * stays, as when the ring is full); memsan never waits for its own lock
 * here.  start_poll_synchronize_rcu() and schedule_delayed_work() still take
 * RCU's and the workqueue's locks: a caller inside those (none is known)
 * would deadlock, which the kernel's own kfree_rcu_nolock() avoids.
 */
void __memsan_kfree_call_rcu_nolock(struct kvfree_rcu_head *head, void *ptr)
{
	if (in_nmi() || !memsan_enabled() || ZERO_OR_NULL_PTR(ptr) ||
	    !memsan_shadow_page_tracked((unsigned long)ptr) || !ring_put(ptr, _RET_IP_, true)) {
		kfree_call_rcu_nolock(head, ptr);
		return;
	}
	schedule_delayed_work(&rcu_free_work, msecs_to_jiffies(RCU_FREE_POLL_MS));
}
EXPORT_SYMBOL(__memsan_kfree_call_rcu_nolock);
#endif

/**
 * memsan_rcu_free_exit() - free what still waits, after its grace period
 *
 * Unload: the instrumented modules are gone, nothing queues any more.
 */
void memsan_rcu_free_exit(void)
{
	struct rcu_free entry;

	cancel_delayed_work_sync(&rcu_free_work);
	synchronize_rcu();
	while (ring_take(&entry, true))
		free_now(entry.ptr, entry.ip);
}
