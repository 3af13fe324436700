// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: the ring of kept reports.
 *
 * The first REPORT_FIRST_SLOTS reports since memsan was loaded or the
 * reports were last cleared, and the last REPORT_RING_SLOTS, for debugfs
 * and netlink: in a storm of reports the first is often the bug and the
 * rest its consequences, while the latest say what goes on now.  Readers
 * get a copy (memsan_report_copy()): ring_lock is taken and released here
 * only.  A new report is announced on a notifier chain, which a channel
 * joins.
 */
#include <linux/kernel.h>
#include <linux/notifier.h>
#include <linux/overflow.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include "report/report.h"

#define REPORT_RING_SLOTS	64	/* power of two */
#define REPORT_FIRST_SLOTS	16

/* The ring; slot = seq % REPORT_RING_SLOTS.  Sequences start at 1. */
static struct memsan_report *ring;
/* The first reports since ring_cleared_seq; slot = seq - ring_cleared_seq. */
static struct memsan_report *first;
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
	if (r->seq - ring_cleared_seq < REPORT_FIRST_SLOTS)
		memcpy(&first[r->seq - ring_cleared_seq], r, sizeof(*r));
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
	if (r->seq != seq && seq >= ring_cleared_seq &&
	    seq - ring_cleared_seq < REPORT_FIRST_SLOTS)
		r = &first[seq - ring_cleared_seq];
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

/* Oldest sequence number kept and not cleared: the first since the clear. */
u64 memsan_reports_first_seq(void)
{
	return READ_ONCE(ring_cleared_seq);
}

/**
 * memsan_reports_next_kept() - the first sequence number from @seq on that may be kept
 * @seq:	where a reader is
 *
 * The first reports since the clear, then the last REPORT_RING_SLOTS: a
 * reader jumps the reports in between, which are gone.
 */
u64 memsan_reports_next_kept(u64 seq)
{
	u64 cleared = READ_ONCE(ring_cleared_seq), next = READ_ONCE(ring_next_seq);
	u64 latest = next > REPORT_RING_SLOTS ? next - REPORT_RING_SLOTS : 1;

	if (seq < cleared)
		return cleared;
	if (seq - cleared < REPORT_FIRST_SLOTS)
		return seq;
	return max(seq, latest);
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
	first = vzalloc(array_size(REPORT_FIRST_SLOTS, sizeof(*first)));
	if (!ring || !first) {
		memsan_ring_exit();
		return -ENOMEM;
	}
	return 0;
}

void memsan_ring_exit(void)
{
	vfree(ring);
	vfree(first);
	ring = NULL;
	first = NULL;
}
