// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: exact stacks without unwinding every time (x86_64 with ORC; arm64
 * below, after the ORC part).
 *
 * Saving a stack is most of what a tracked allocation or free costs, and
 * most of that is the unwinder looking up ORC entries frame after frame.
 * This file remembers what a full unwind found, per (first, ret_addr) (up
 * to MEMO_WAYS different stacks each), and on the next save re-reads only
 * the stack slots the result came from.  A
 * frame is taken from a memo only when that re-reading proves the unwinder
 * would find it; from the last proven frame on, the unwinder runs.
 *
 * Why matching slots mean the same frames.  The walk starts in
 * memsan_stack_cache_walk() at a fixed offset from its own stack pointer,
 * so every stack address the walk computes from the stack pointer is the
 * same offset from it on every call.  One ORC step from a frame (ip, sp, bp)
 * is a function of the ORC entry of ip (fixed while no module comes or
 * goes: a generation number), of sp, of bp, of the registers of a pt_regs
 * frame and of the stack words it reads.  A step is proven only if:
 *  - it starts from a call frame (no pt_regs), its return address slot is
 *    sp - 8 and holds exactly the ip the unwinder returned (no ftrace or
 *    kretprobe return address was rewritten);
 *  - its ip and sp do not depend on bp: the same step run again with bp set
 *    to an address no stack is near gives the same ip, sp and stack.  A step
 *    whose CFA or next bp comes from bp (ORC_REG_BP, BP_INDIRECT) would read
 *    near that address and fail, so the two would differ;
 *  - it stays on the same task stack without an error.  An indirect sp
 *    (ORC_REG_SP_INDIRECT) is emitted by objtool for stack switches and
 *    pt_regs hints only, and both are excluded by this rule and the first;
 *    R10, R13, DI and DX need pt_regs, which a call frame has not.
 * Such a step's sp is the previous sp plus a constant of the ORC entry, and
 * its ip is the word at the new sp - 8.  By induction from the start, equal
 * words at the memoised slots give equal frames, and every word these steps
 * read lies below the last proven sp: a stack at least that deep answers
 * every bounds check the same way.
 *
 * The rest of the trace: either it is proven too (an ORC end mark, or a
 * pt_regs step, independent of bp, to a user-mode ip, which is never kernel
 * text: the hit checks the word is a user address; the task stack's depth
 * must then be the recorded one), or the unwinder goes on from the last
 * proven frame with the same ip and sp and the bp a full unwind would have
 * there.  That bp was restored by a proven step from a slot of the frame it
 * left (ORC_REG_PREV_SP: the probing step restored the same value) or passed
 * on unchanged (the probing step kept the poison) since: the slot is the
 * only word with that value between the step's old sp and new CFA, or the
 * memo is not kept.  When the resumed steps give the recorded frames, the
 * depot handle of the recorded trace is reused.
 *
 * The tail of a system call.  do_syscall_64's random stack offset (an
 * alloca) makes its frame bp-based: its CFA is bp plus a constant, and the
 * frames from there on (the entry code's, its pt_regs) sit at a fixed
 * distance from the task stack's end, while everything below moves with
 * the offset.  So the step from the last proven frame K is proven as a
 * bridge, the frames after it by their distance from the stack's end:
 *  - the step's result does not depend on sp (the same step run with sp 16
 *    bytes lower gives the same frame) and its CFA is bp plus a constant
 *    (run with bp 8 bytes higher, the CFA is 8 bytes higher: neither an
 *    sp-based nor an indirect CFA does that), it is a call step with no
 *    error, on the task stack, and goes up the stack;
 *  - K's bp was restored from a proven slot (as for a resumed memo), and
 *    the hit checks that slot holds the recorded distance from the stack's
 *    end: the CFA is at the recorded distance too, above K's sp;
 *  - from the frame after the bridge on, every step is proven as the
 *    steps below it are, with slots counted from the stack's end, and the
 *    trace ends the same way (an end mark or user mode's pt_regs).
 * The bridge's new bp is not checked: the steps after it do not use bp.
 * Such a memo (@ntail) is whole: no step is unwound on a hit.
 *
 * Everything else (IRQ and exception stacks, pt_regs mid-stack, BPF or
 * unknown code, stacks deeper than a memo) takes the full unwind.
 *
 * The memos are per CPU, read and written with preemption off and a busy
 * flag (a save interrupted on the task stack by an exception that saves
 * again does not use them), in pages taken at init.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/sched/task_stack.h>
#include <linux/gfp.h>
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/mm.h>

#include "objects/objects.h"

#if defined(CONFIG_UNWINDER_ORC)
#include <asm/unwind.h>

/* Frames kept by one memo; a deeper stack is unwound every time. */
#define MEMO_FRAMES	40
#define MEMO_SLOTS	64	/* per CPU, a power of two */
/* Memos tried per key: one call site reached from several callers */
#define MEMO_WAYS	4
/* bp in the probing step: no stack is within an ORC offset (s16) of it */
#define POISON_BP	(1UL << 20)

/**
 * struct stack_memo - one unwind, remembered
 * @first:	key: memsan_save_stack()'s @first
 * @ret_addr:	key: memsan_save_stack()'s @ret_addr
 * @depth:	bytes from the walker's stack pointer to the task stack's end:
 *		equal for a whole memo, at least @extent for a resumed one
 * @gen:	module generation when recorded
 * @nr:		frames of the whole trace when recorded; 0: empty
 * @npre:	frames proven by their slots
 * @resume:	the unwinder goes on from frame @npre - 1 (else @npre == @nr)
 * @user_off:	whole memo: offset of the user-mode pt_regs ip that ends the
 *		trace (from the walker's sp, or back from the stack's end with
 *		@ntail), 0: it ends at an ORC end mark
 * @sp_off:	resumed or @ntail: sp of frame @npre - 1, from the walker's sp
 * @bp_off:	resumed or @ntail: the slot its bp was restored from, from the
 *		walker's sp
 * @ntail:	frames after @npre proven back from the stack's end (a bridge
 *		step to them; the memo is whole), 0: none
 * @bp_end:	@ntail: bp of frame @npre - 1, back from the stack's end
 * @tail_sp:	@ntail: sp of frame @npre, back from the stack's end
 * @stack_mask:	resumed: the unwinder's stacks visited so far
 * @handle:	stack depot handle of the trace cut as memsan saves it, 0 if not yet
 * @off:	offset of each proven frame's return address slot from the
 *		walker's sp; for the @ntail frames, back from the stack's end
 * @ip:		each frame's return address: the trace as recorded
 */
struct stack_memo {
	unsigned long first;
	unsigned long ret_addr;
	unsigned int depth;
	unsigned int gen;
	u16 nr;
	u16 npre;
	u16 resume;
	u16 user_off;
	u16 sp_off;
	u16 bp_off;
	u16 ntail;
	u16 bp_end;
	u16 tail_sp;
	unsigned long stack_mask;
	depot_stack_handle_t handle;
	u16 off[MEMO_FRAMES];
	unsigned long ip[MEMO_FRAMES];
};

#define MEMO_TABLE_ORDER	get_order(MEMO_SLOTS * sizeof(struct stack_memo))

static DEFINE_PER_CPU(struct stack_memo *, memo_table);
static DEFINE_PER_CPU(int, memo_busy);
static DEFINE_PER_CPU(unsigned int, memo_victim);
static atomic_t memo_gen = ATOMIC_INIT(1);

static_assert(THREAD_SIZE <= U16_MAX);

/* The first of the MEMO_WAYS memos a key may be in. */
static unsigned int memo_set(unsigned long first, unsigned long ret_addr)
{
	return hash_long(first ^ (ret_addr << 1), ilog2(MEMO_SLOTS / MEMO_WAYS)) * MEMO_WAYS;
}

/* One ORC step, as far as the next steps and the trace can tell. */
static bool same_step(const struct unwind_state *a, const struct unwind_state *b)
{
	return a->stack_info.type == b->stack_info.type &&
	       a->stack_info.begin == b->stack_info.begin && a->error == b->error &&
	       a->ip == b->ip && a->sp == b->sp && a->regs == b->regs &&
	       a->signal == b->signal && a->full_regs == b->full_regs;
}

static unsigned long stack_word(unsigned long addr)
{
	return READ_ONCE_NOCHECK(*(unsigned long *)addr);
}

/*
 * The one word equal to @val in [@lo, @hi), or 0 if none or several: the
 * slot a step that restored bp to @val read it from.  The step's ORC entry
 * puts it below the new CFA @hi and above the old sp @lo.
 */
static unsigned long unique_slot(unsigned long lo, unsigned long hi, unsigned long val)
{
	unsigned long a, found = 0;

	for (a = lo; a + sizeof(long) <= hi; a += sizeof(long)) {
		if (stack_word(a) != val)
			continue;
		if (found)
			return 0;
		found = a;
	}
	return found;
}

/*
 * After a proven step (its result independent of bp): where the new bp
 * comes from.  @probe ran with POISON_BP: still POISON_BP means bp was
 * passed on, equal to the real step's means it was restored from a slot of
 * the frame just left.  Return: the slot of the new bp, 0 if not known.
 */
static unsigned long bp_slot_after(const struct unwind_state *st,
				   const struct unwind_state *probe, unsigned long old_bp,
				   unsigned long old_slot, unsigned long old_sp)
{
	if (st->bp == POISON_BP)
		return 0;
	if (probe->bp == POISON_BP)
		return st->bp == old_bp ? old_slot : 0;
	if (probe->bp != st->bp)
		return 0;
	return unique_slot(old_sp, st->sp, st->bp);
}

/*
 * Is the step from @k, the last proven frame, to @next (its result) a
 * bridge to the tail of the stack (see the top of this file)?  The probes
 * run with the error flag set: a step that goes wrong prints no warning.
 */
static bool bridge_step(const struct unwind_state *k, const struct unwind_state *next,
			unsigned long sp_ref, unsigned long base)
{
	unsigned long end = base + THREAD_SIZE;
	struct unwind_state probe;

	if (next->stack_info.type != STACK_TYPE_TASK || next->error || next->regs || next->signal ||
	    (unsigned long)next->stack_info.begin != base ||
	    next->sp <= k->sp || next->sp >= end || k->bp <= sp_ref || k->bp >= end)
		return false;
	/* with sp lower, the same frame: the step does not depend on sp */
	probe = *k;
	probe.sp -= 2 * sizeof(long);
	probe.error = true;
	unwind_next_frame(&probe);
	if (probe.stack_info.type != STACK_TYPE_TASK || probe.ip != next->ip ||
	    probe.sp != next->sp || probe.regs || probe.signal)
		return false;
	/* with bp higher, the CFA as much higher: it is bp plus a constant */
	probe = *k;
	probe.bp += sizeof(long);
	probe.error = true;
	unwind_next_frame(&probe);
	return probe.stack_info.type == STACK_TYPE_TASK && probe.sp == next->sp + sizeof(long);
}

/*
 * Was the step that gave @st, checked against @probe (the same step with
 * bp poisoned), proven: independent of bp, no error, and done or still on
 * this task's stack (@base)?
 */
static __always_inline bool step_proven(struct unwind_state *st,
					const struct unwind_state *probe, unsigned long base)
{
	return same_step(st, probe) && !st->error &&
	       (unwind_done(st) || ((unsigned long)st->stack_info.begin == base &&
				    st->stack_info.type == STACK_TYPE_TASK));
}

/*
 * Does the walk stop at a user-mode pt_regs below @end whose ip slot holds
 * the ip the unwinder read?  Then a memo can end there.
 */
static __always_inline bool at_user_regs(const struct unwind_state *st, unsigned long end)
{
	return st->regs && st->ip < TASK_SIZE_MAX && (unsigned long)&st->regs->ip < end &&
	       stack_word((unsigned long)&st->regs->ip) == st->ip;
}

/* Is frame @st (@addr) a tail frame as the top of this file says?  Its slot. */
static unsigned long tail_frame_slot(const struct unwind_state *st, unsigned long addr,
				     unsigned int n, unsigned long sp_ref, unsigned long end)
{
	unsigned long slot = st->sp - sizeof(long);

	if (st->regs || n >= MEMO_FRAMES || st->ip != addr || slot <= sp_ref || slot >= end ||
	    stack_word(slot) != st->ip)
		return 0;
	return slot;
}

/*
 * A full unwind into @w->entries; records it in @m: whole when every step
 * is provably reproducible from the stack slots (see the top of this
 * file), else its proven frames and where the unwinder can go on from.
 * Inlined: the trace starts at memsan_stack_cache_walk()'s caller, whose
 * return address slot is above the walker's stack pointer.
 * Return: entries, or 0 when the trace did not fit (the caller unwinds as
 * it always did: its innermost frames, and so its cut, differ).
 */
static __always_inline unsigned int walk_and_record(struct memsan_stack_walk *w,
						    struct stack_memo *m, unsigned long sp_ref,
						    unsigned long base)
{
	unsigned long end = base + THREAD_SIZE, bp_slot = 0, k_bp_slot = 0, k_sp = 0;
	unsigned long addr, slot, old_bp, old_sp, k_mask = 0, tail_sp = 0;
	struct unwind_state st, probe, k_st;
	unsigned int n = 0, npre = 0, ntail = 0;
	/* the tail after a bridge: 0 not reached, 1 proven so far, -1 not */
	int tail = 0;
	bool ok, in_tail;

	m->nr = 0;
	unwind_start(&st, current, NULL, NULL);
	ok = !st.error && st.stack_info.type == STACK_TYPE_TASK && !st.regs;
	while (!unwind_done(&st)) {
		addr = unwind_get_return_address(&st);
		if (!addr)
			break;
		if (n == w->max)
			return 0;
		w->entries[n] = addr;
		if (n < MEMO_FRAMES)
			m->ip[n] = addr;
		if (ok) {
			slot = st.sp - sizeof(long);
			ok = !st.regs && n < MEMO_FRAMES && st.ip == addr &&
			     slot > sp_ref && slot < end && stack_word(slot) == st.ip;
		}
		if (ok) {
			m->off[n] = slot - sp_ref;
			npre = n + 1;
			k_sp = st.sp;
			k_bp_slot = bp_slot && stack_word(bp_slot) == st.bp ? bp_slot : 0;
			k_mask = st.stack_mask;
			k_st = st;
			probe = st;
			probe.bp = POISON_BP;
			unwind_next_frame(&probe);
		}
		in_tail = tail == 1;
		if (in_tail) {
			slot = tail_frame_slot(&st, addr, n, sp_ref, end);
			if (slot) {
				m->off[n] = end - slot;
				ntail++;
				probe = st;
				probe.bp = POISON_BP;
				unwind_next_frame(&probe);
			} else {
				tail = -1;
				in_tail = false;
			}
		}
		old_bp = st.bp;
		old_sp = st.sp;
		n++;
		unwind_next_frame(&st);
		if (ok) {
			ok = step_proven(&st, &probe, base);
			if (!ok) {
				tail = k_bp_slot && bridge_step(&k_st, &st, sp_ref, base) ? 1 : -1;
				tail_sp = st.sp;
			}
		} else if (in_tail && !step_proven(&st, &probe, base)) {
			tail = -1;
		}
		if (ok && !unwind_done(&st))
			bp_slot = bp_slot_after(&st, &probe, old_bp, bp_slot, old_sp);
	}
	if (!npre)
		return n;
	m->resume = 0;
	m->ntail = 0;
	m->user_off = 0;
	m->depth = end - sp_ref;
	if (ok && npre == n && unwind_done(&st)) {
		/* whole: ends at an ORC end mark, no error */
	} else if (ok && npre == n && at_user_regs(&st, end)) {
		/* whole: a pt_regs step to user mode, its ip read from regs->ip */
		m->user_off = (unsigned long)&st.regs->ip - sp_ref;
	} else if (tail == 1 && ntail && npre + ntail == n &&
		   (unwind_done(&st) || at_user_regs(&st, end))) {
		/* whole: a bridge, then the tail to an end mark or to user mode */
		m->ntail = ntail;
		m->sp_off = k_sp - sp_ref;
		m->bp_off = k_bp_slot - sp_ref;
		m->bp_end = end - k_st.bp;
		m->tail_sp = end - tail_sp;
		if (!unwind_done(&st))
			m->user_off = end - (unsigned long)&st.regs->ip;
	} else if (k_bp_slot) {
		/* the unwinder goes on from the last proven frame */
		m->resume = 1;
		m->sp_off = k_sp - sp_ref;
		m->bp_off = k_bp_slot - sp_ref;
		m->stack_mask = k_mask;
	} else {
		return n;
	}
	m->first = w->first;
	m->ret_addr = w->ret_addr;
	m->gen = atomic_read(&memo_gen);
	m->handle = 0;
	m->npre = npre;
	m->nr = n;
	w->memo = m;
	return n;
}

/* The proven frames of @m are the current stack's (its walker's sp: @sp_ref). */
static bool memo_matches(const struct stack_memo *m, unsigned long sp_ref, unsigned int depth)
{
	unsigned long end = sp_ref + depth;
	unsigned int i;

	if (m->ntail) {
		/* the bridge: K's bp and so the CFA where recorded, above K's sp */
		if (depth <= m->sp_off || end - m->tail_sp <= sp_ref + m->sp_off ||
		    stack_word(sp_ref + m->bp_off) != end - m->bp_end)
			return false;
	} else if (m->resume ? depth < m->sp_off : depth != m->depth) {
		return false;
	}
	for (i = 0; i < m->npre; i++)
		if (stack_word(sp_ref + m->off[i]) != m->ip[i])
			return false;
	for (; i < m->npre + m->ntail; i++)
		if (stack_word(end - m->off[i]) != m->ip[i])
			return false;
	if (!m->user_off)
		return true;
	return stack_word(m->ntail ? end - m->user_off : sp_ref + m->user_off) < TASK_SIZE_MAX;
}

/*
 * The unwinder from the last proven frame of @m, in the state a full
 * unwind would have there: the same ip, sp and bp (from the slot it was
 * restored from), on the current task stack, no pt_regs.
 * Return: entries in @w->entries, 0 if they do not fit.
 */
static unsigned int memo_resume(struct memsan_stack_walk *w, const struct stack_memo *m,
				unsigned long sp_ref, unsigned long base)
{
	struct unwind_state st;
	unsigned int n = m->npre;
	unsigned long addr;

	memset(&st, 0, sizeof(st));
	st.task = current;
	st.stack_info.type = STACK_TYPE_TASK;
	st.stack_info.begin = (unsigned long *)base;
	st.stack_info.end = (unsigned long *)(base + THREAD_SIZE);
	st.stack_mask = m->stack_mask;
	st.ip = m->ip[n - 1];
	st.sp = sp_ref + m->sp_off;
	st.bp = stack_word(sp_ref + m->bp_off);
	for (;;) {
		unwind_next_frame(&st);
		if (unwind_done(&st))
			break;
		addr = unwind_get_return_address(&st);
		if (!addr)
			break;
		if (n == w->max)
			return 0;
		w->entries[n++] = addr;
	}
	return n;
}

/**
 * memsan_stack_cache_walk() - the current stack, from a memo when it is proven
 * @w:	in: entries, max, first, ret_addr, want_entries; out: the rest
 *
 * On a verified hit, @w->hit is set, @w->handle is the memo's depot handle
 * if the trace is the memo's (0 otherwise or if it has none yet) and, if
 * there is no handle or @w->want_entries, the trace is in @w->entries
 * (@w->nr).  On a miss the stack is unwound into @w->entries like
 * stack_trace_save() from the caller would, and remembered when that is
 * exact: memsan_stack_cache_done() then gives the memo its handle.
 * @w->nr == 0 and no handle: use stack_trace_save().
 *
 * Return: true if preemption was disabled: memsan_stack_cache_done() must follow.
 */
noinline bool memsan_stack_cache_walk(struct memsan_stack_walk *w)
{
	unsigned long sp_ref = current_stack_pointer;
	unsigned long base = (unsigned long)task_stack_page(current);
	struct stack_memo *table, *set, *m;
	unsigned int depth, n, i;
	bool same;

	w->nr = 0;
	w->hit = false;
	w->handle = 0;
	w->memo = NULL;
	if (sp_ref - base >= THREAD_SIZE)
		return false;	/* IRQ or exception stack */
	depth = base + THREAD_SIZE - sp_ref;
	preempt_disable();
	table = this_cpu_read(memo_table);
	if (!table || this_cpu_inc_return(memo_busy) != 1) {
		if (table)
			this_cpu_dec(memo_busy);
		preempt_enable();
		return false;
	}
	set = &table[memo_set(w->first, w->ret_addr)];
	for (i = 0; i < MEMO_WAYS; i++) {
		m = &set[i];
		if (!m->nr || m->first != w->first || m->ret_addr != w->ret_addr ||
		    m->gen != atomic_read(&memo_gen) || !memo_matches(m, sp_ref, depth))
			continue;
		w->hit = true;
		if (!m->resume) {
			w->handle = m->handle;
			if (m->handle && !w->want_entries)
				return true;
			memcpy(w->entries, m->ip, m->nr * sizeof(*m->ip));
			w->nr = m->nr;
			same = true;
		} else {
			/* the unwound frames go after the proven ones, copied only if needed */
			n = memo_resume(w, m, sp_ref, base);
			w->nr = n;
			/* the same trace as recorded: the same cut and handle */
			same = n == m->nr && n <= MEMO_FRAMES &&
			       !memcmp(w->entries + m->npre, m->ip + m->npre,
				       (n - m->npre) * sizeof(*m->ip));
			if (same)
				w->handle = m->handle;
			if (n && (!w->handle || w->want_entries))
				memcpy(w->entries, m->ip, m->npre * sizeof(*m->ip));
		}
		if (same && !m->handle)
			w->memo = m;
		return true;
	}
	/* a free way, else the next one in turn */
	for (i = 0; i < MEMO_WAYS && set[i].nr; i++)
		;
	if (i == MEMO_WAYS)
		i = this_cpu_inc_return(memo_victim) % MEMO_WAYS;
	m = &set[i];
	w->nr = walk_and_record(w, m, sp_ref, base);
	return true;
}

/**
 * memsan_stack_cache_done() - end a memsan_stack_cache_walk() that returned true
 * @w:		the walk
 * @handle:	depot handle of the trace as saved, kept by a new memo (0: none)
 */
void memsan_stack_cache_done(struct memsan_stack_walk *w, depot_stack_handle_t handle)
{
	if (w->memo && handle)
		w->memo->handle = handle;
	this_cpu_dec(memo_busy);
	preempt_enable();
}

/* A module's ORC entries and text come and go with it: forget every memo. */
static int memo_module_notify(struct notifier_block *nb, unsigned long action, void *data)
{
	if (action == MODULE_STATE_COMING || action == MODULE_STATE_GOING)
		atomic_inc(&memo_gen);
	return NOTIFY_DONE;
}

static struct notifier_block memo_module_nb = {
	.notifier_call = memo_module_notify,
};

/**
 * memsan_stack_cache_init() - the memo pages of every CPU, the module notifier
 *
 * A CPU without its pages unwinds every time.
 */
int memsan_stack_cache_init(void)
{
	struct page *page;
	int cpu, err;

	err = register_module_notifier(&memo_module_nb);
	if (err)
		return err;
	for_each_possible_cpu(cpu) {
		page = alloc_pages_node(cpu_to_node(cpu), GFP_KERNEL | __GFP_ZERO,
					MEMO_TABLE_ORDER);
		per_cpu(memo_table, cpu) = page ? page_address(page) : NULL;
	}
	return 0;
}

/**
 * memsan_stack_cache_exit() - free the memos (no save may run any more)
 */
void memsan_stack_cache_exit(void)
{
	int cpu;

	unregister_module_notifier(&memo_module_nb);
	for_each_possible_cpu(cpu) {
		if (per_cpu(memo_table, cpu))
			free_pages((unsigned long)per_cpu(memo_table, cpu), MEMO_TABLE_ORDER);
		per_cpu(memo_table, cpu) = NULL;
	}
}

#elif defined(CONFIG_ARM64)
#include <linux/string.h>
#include <asm/pointer_auth.h>
#include <asm/processor.h>

/* A return address without its PAC: 6.4+ renamed the helper (a macro there). */
#ifdef ptrauth_strip_kernel_insn_pac
#define strip_pac(lr) ptrauth_strip_kernel_insn_pac(lr)
#else
#define strip_pac(lr) ptrauth_strip_insn_pac(lr)
#endif

/*
 * arm64 unwinds through frame records: each is two words (the caller's
 * record, the return address) and the unwinder (arch_stack_walk(), 6.1)
 * goes from record to record.  Most of a save's cost is not the walk but
 * around it: the unwinder's per-frame stack search and callback, then
 * cutting, filtering and hashing the trace for the stack depot.  Here the
 * walk is a plain loop over the records, and its result is looked up among
 * the traces saved before (per (first, ret_addr), MEMO_WAYS of them): a
 * trace found again reuses its depot handle.
 *
 * Why the plain walk gives what the unwinder gives.  For a record at fp the
 * unwinder stops if fp is the task's final record (in its pt_regs), fails
 * if fp is misaligned or its 16 bytes are not on a stack above the previous
 * record (the first one: on a known stack), reads the next fp and the
 * return address, strips the pointer authentication code, and replaces the
 * address of the function-graph tracer's or the kretprobes' trampoline by
 * the real return address.  The plain walk applies the same tests, accepts
 * a trace only if every record is on the task stack and the walk ended at
 * the final record, and is not used at all while the task has a graph
 * return stack or kretprobe instances (then no trampoline can be on it).
 * Its records are the unwinder's from save_stack()'s frame on (both start
 * below it, in memsan): the two traces differ only in memsan's innermost
 * frames, which memsan_save_stack() cuts off (@ret_addr and @first are
 * never memsan's here).  Any other case takes the full unwind.
 */
#define MEMO_FRAMES	40
#define MEMO_SLOTS	64	/* per CPU, a power of two */
#define MEMO_WAYS	4

/**
 * struct stack_memo - a trace saved before
 * @first:	key: memsan_save_stack()'s @first
 * @ret_addr:	key: memsan_save_stack()'s @ret_addr
 * @nr:		frames, 0: empty
 * @handle:	its depot handle, 0 if not yet
 * @ip:		the trace
 */
struct stack_memo {
	unsigned long first;
	unsigned long ret_addr;
	unsigned int nr;
	depot_stack_handle_t handle;
	unsigned long ip[MEMO_FRAMES];
};

#define MEMO_TABLE_ORDER	get_order(MEMO_SLOTS * sizeof(struct stack_memo))

static DEFINE_PER_CPU(struct stack_memo *, memo_table);
static DEFINE_PER_CPU(int, memo_busy);
static DEFINE_PER_CPU(unsigned int, memo_victim);

static unsigned int memo_set(unsigned long first, unsigned long ret_addr)
{
	return hash_long(first ^ (ret_addr << 1), ilog2(MEMO_SLOTS / MEMO_WAYS)) * MEMO_WAYS;
}

/* Can a trampoline be among the return addresses of the current task? */
static bool task_may_have_trampolines(void)
{
#ifdef CONFIG_FUNCTION_GRAPH_TRACER
	if (READ_ONCE(current->ret_stack))
		return true;
#endif
#ifdef CONFIG_KRETPROBES
	if (READ_ONCE(current->kretprobe_instances.first))
		return true;
#endif
	return false;
}

/*
 * The frame records from @fp to the task's final record, all on the task
 * stack [@base, @end), into @entries (at most @max).
 * Return: entries, or 0 if the unwinder could stop or go elsewhere.
 */
static unsigned int walk_records(unsigned long *entries, unsigned int max, unsigned long fp,
				 unsigned long base, unsigned long end)
{
	unsigned long final = (unsigned long)&task_pt_regs(current)->stackframe;
	unsigned long low = base;
	unsigned int n = 0;

	while (fp != final) {
		if ((fp & 7) || fp < low || fp > end - 16 || n == max)
			return 0;
		entries[n++] = strip_pac(READ_ONCE_NOCHECK(*(unsigned long *)(fp + 8)));
		low = fp + 16;
		fp = READ_ONCE_NOCHECK(*(unsigned long *)fp);
	}
	return n;
}

/**
 * memsan_stack_cache_walk() - the current stack, and its handle if saved before
 * @w:	in: entries, max, first, ret_addr, want_entries; out: the rest
 *
 * On a hit (the trace is a memo's), @w->hit is set and @w->handle is the
 * memo's depot handle (0 if it has none yet).  The trace is in @w->entries
 * (@w->nr) whenever @w->nr is not 0; a new trace is remembered, and
 * memsan_stack_cache_done() gives it its handle.  @w->nr == 0 and no
 * handle: use stack_trace_save().
 *
 * Return: true if preemption was disabled: memsan_stack_cache_done() must follow.
 */
noinline bool memsan_stack_cache_walk(struct memsan_stack_walk *w)
{
	unsigned long base = (unsigned long)task_stack_page(current);
	unsigned long sp = current_stack_pointer;
	struct stack_memo *table, *set, *m;
	unsigned int n, i;

	w->nr = 0;
	w->hit = false;
	w->handle = 0;
	w->memo = NULL;
	if (sp - base >= THREAD_SIZE || task_may_have_trampolines() ||
	    within_module(w->ret_addr, THIS_MODULE) ||
	    (w->first && within_module(w->first, THIS_MODULE)))
		return false;	/* IRQ or other stack, trampolines, memsan's own */
	n = walk_records(w->entries, w->max, (unsigned long)__builtin_frame_address(0), base,
			 base + THREAD_SIZE);
	if (!n)
		return false;
	preempt_disable();
	table = this_cpu_read(memo_table);
	if (!table || this_cpu_inc_return(memo_busy) != 1) {
		if (table)
			this_cpu_dec(memo_busy);
		preempt_enable();
		return false;
	}
	w->nr = n;
	set = &table[memo_set(w->first, w->ret_addr)];
	for (i = 0; i < MEMO_WAYS; i++) {
		m = &set[i];
		if (m->nr != n || m->first != w->first || m->ret_addr != w->ret_addr ||
		    memcmp(m->ip, w->entries, n * sizeof(*m->ip)))
			continue;
		w->hit = true;
		w->handle = m->handle;
		if (!m->handle)
			w->memo = m;
		return true;
	}
	if (n > MEMO_FRAMES)
		return true;
	for (i = 0; i < MEMO_WAYS && set[i].nr; i++)
		;
	if (i == MEMO_WAYS)
		i = this_cpu_inc_return(memo_victim) % MEMO_WAYS;
	m = &set[i];
	m->first = w->first;
	m->ret_addr = w->ret_addr;
	m->nr = n;
	m->handle = 0;
	memcpy(m->ip, w->entries, n * sizeof(*m->ip));
	w->memo = m;
	return true;
}

/**
 * memsan_stack_cache_done() - end a memsan_stack_cache_walk() that returned true
 * @w:		the walk
 * @handle:	depot handle of the trace as saved, kept by a new memo (0: none)
 */
void memsan_stack_cache_done(struct memsan_stack_walk *w, depot_stack_handle_t handle)
{
	if (w->memo && handle)
		w->memo->handle = handle;
	this_cpu_dec(memo_busy);
	preempt_enable();
}

/**
 * memsan_stack_cache_init() - the memo pages of every CPU
 *
 * A CPU without its pages unwinds every time.
 */
int memsan_stack_cache_init(void)
{
	struct page *page;
	int cpu;

	for_each_possible_cpu(cpu) {
		page = alloc_pages_node(cpu_to_node(cpu), GFP_KERNEL | __GFP_ZERO,
					MEMO_TABLE_ORDER);
		per_cpu(memo_table, cpu) = page ? page_address(page) : NULL;
	}
	return 0;
}

/**
 * memsan_stack_cache_exit() - free the memos (no save may run any more)
 */
void memsan_stack_cache_exit(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		if (per_cpu(memo_table, cpu))
			free_pages((unsigned long)per_cpu(memo_table, cpu), MEMO_TABLE_ORDER);
		per_cpu(memo_table, cpu) = NULL;
	}
}

#else /* neither ORC nor arm64 */

bool memsan_stack_cache_walk(struct memsan_stack_walk *w)
{
	return false;
}

void memsan_stack_cache_done(struct memsan_stack_walk *w, depot_stack_handle_t handle)
{
}

int memsan_stack_cache_init(void)
{
	return 0;
}

void memsan_stack_cache_exit(void)
{
}

#endif
