// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: the ring of kept reports.
 *
 * The last REPORT_RING_SLOTS reports, for debugfs and netlink.  Readers get
 * a copy (memsan_report_copy()): ring_lock is taken and released here only.
 * A new report is announced on a notifier chain, which a channel joins.
 */
#include <linux/kernel.h>
#include <linux/notifier.h>
#include <linux/overflow.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "report/report.h"

#define REPORT_RING_SLOTS	64	/* power of two */

/* The ring; slot = seq % REPORT_RING_SLOTS.  Sequences start at 1. */
static struct memsan_report *ring;
static u64 ring_next_seq = 1;
static u64 ring_cleared_seq = 1;	/* reports before it were cleared */
static DEFINE_RAW_SPINLOCK(ring_lock);

static ATOMIC_NOTIFIER_HEAD(report_chain);

/**
 * memsan_ring_push() - keep a rendered report and announce it
 * @r:	the report; its sequence number is set here
 *
 * Any context but NMI.  Return: the report's sequence number.
 */
u64 memsan_ring_push(struct memsan_report *r)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&ring_lock, flags);
	r->seq = ring_next_seq++;
	memcpy(&ring[r->seq % REPORT_RING_SLOTS], r, sizeof(*r));
	raw_spin_unlock_irqrestore(&ring_lock, flags);
	atomic_notifier_call_chain(&report_chain, 0, &r->seq);
	return r->seq;
}

/**
 * memsan_report_copy() - copy report @seq out of the ring
 * @seq:	sequence number
 * @copy:	where to copy it: the text up to its end, NUL-terminated
 *
 * Any context but NMI; nothing may allocate under the ring's raw spinlock,
 * hence the copy.  Return: false if @seq is not (or no longer) in the ring.
 */
bool memsan_report_copy(u64 seq, struct memsan_report *copy)
{
	const struct memsan_report *r;
	unsigned long flags;
	unsigned int len;
	bool found;

	raw_spin_lock_irqsave(&ring_lock, flags);
	r = &ring[seq % REPORT_RING_SLOTS];
	found = r->seq == seq && seq >= ring_cleared_seq;
	if (found) {
		len = min_t(unsigned int, r->text_len, sizeof(r->text) - 1);
		memcpy(copy, r, offsetof(struct memsan_report, text) + len);
	}
	raw_spin_unlock_irqrestore(&ring_lock, flags);
	if (found) {
		copy->text_len = len;
		copy->text[len] = '\0';
	}
	return found;
}

/* Sequence number the next report will get. */
u64 memsan_reports_next_seq(void)
{
	return READ_ONCE(ring_next_seq);
}

/* Oldest sequence number still in the ring and not cleared. */
u64 memsan_reports_first_seq(void)
{
	u64 next = READ_ONCE(ring_next_seq);
	u64 first = next > REPORT_RING_SLOTS ? next - REPORT_RING_SLOTS : 1;

	return max(first, READ_ONCE(ring_cleared_seq));
}

/*
 * Forget every report so far (memsan_reports_clear()).  Sequence numbers go
 * on increasing, so a reader's "since" stays valid.
 */
void memsan_ring_clear(void)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&ring_lock, flags);
	WRITE_ONCE(ring_cleared_seq, ring_next_seq);
	raw_spin_unlock_irqrestore(&ring_lock, flags);
}

int memsan_report_notifier_register(struct notifier_block *nb)
{
	return atomic_notifier_chain_register(&report_chain, nb);
}

/* Waits for the callbacks running now: none runs after this returns. */
int memsan_report_notifier_unregister(struct notifier_block *nb)
{
	return atomic_notifier_chain_unregister(&report_chain, nb);
}

int memsan_ring_init(void)
{
	ring = vzalloc(array_size(REPORT_RING_SLOTS, sizeof(*ring)));
	return ring ? 0 : -ENOMEM;
}

void memsan_ring_exit(void)
{
	vfree(ring);
	ring = NULL;
}
