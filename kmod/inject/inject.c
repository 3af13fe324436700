// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: allocation-failure injection (inject.h).
 *
 * The decision is made on every call of an allocation wrapper, in any
 * context (the wrappers run wherever the module allocates, hard IRQ
 * included): atomics and a per-CPU counter on the way, a spinlock only when
 * a call is failed (to note it in fail_last).
 *
 * What the parameters mean, as the kernel's fault-injection attributes:
 *   fail_nth		the Nth counted call from now on fails, once; reads
 *			back the calls still to go (0: none pending)
 *   fail_probability	percent of counted calls that fail...
 *   fail_interval	...among every fail_interval-th one only
 *   fail_times		...at most this many times (-1: no limit); reads back
 *			what is left
 *   fail_module	count only the calls of this instrumented module
 *   fail_verbose	0: quiet, 1: a line naming the call, 2: and its stack
 * A counted call is a wrapper's call, made by fail_module if set, without
 * __GFP_NOFAIL (never failed, never counted).
 */
#define pr_fmt(fmt) "memsan: " fmt

#include <linux/atomic.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/printk.h>
#include <linux/random.h>
#include <linux/ratelimit.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "counters/counters.h"
#include "inject/inject.h"
#include "settings/settings.h"

/* The wrappers' names in the kernel's symbol table: __memsan_<function>. */
#define WRAPPER_PREFIX	"__memsan_"
#define LAST_LEN	192

unsigned int memsan_fail_probability;
unsigned int memsan_fail_interval = 1;
unsigned int memsan_fail_verbose = MEMSAN_FAIL_VERBOSE_DEFAULT;

static atomic_t fail_nth = ATOMIC_INIT(0);
static atomic_t fail_times = ATOMIC_INIT(1);
static atomic_long_t interval_count = ATOMIC_LONG_INIT(0);

/*
 * fail_module: its name, and the loaded module of that name (NULL while
 * none is).  Written under target_lock by hooks/modules.c, which holds its
 * instrumented_lock around it and waits for an RCU grace period before a
 * module it dropped goes away; read locklessly, with preemption off.
 */
static DEFINE_SPINLOCK(target_lock);
static char target_name[MODULE_NAME_LEN];
static bool target_set;
static struct module *target;

/* fail_last: the last call failed on purpose, as "function in caller (why)". */
static DEFINE_RAW_SPINLOCK(last_lock);
static char last[LAST_LEN];

static DEFINE_RATELIMIT_STATE(verbose_rs, 5 * HZ, 10);

/* Is the call from @caller one that injection counts (fail_module)? */
static bool caller_selected(unsigned long caller)
{
	struct module *mod;
	bool selected;

	if (!READ_ONCE(target_set))
		return true;
	preempt_disable();
	mod = READ_ONCE(target);
	selected = mod && within_module(caller, mod);
	preempt_enable();
	return selected;
}

/* fail_probability, fail_interval, fail_times: does this counted call fail? */
static bool probability_fires(void)
{
	unsigned int prob = READ_ONCE(memsan_fail_probability);
	unsigned int interval = READ_ONCE(memsan_fail_interval);

	if (!prob || !atomic_read(&fail_times))
		return false;
	if (interval > 1 && atomic_long_inc_return(&interval_count) % interval)
		return false;
	if (prob < 100 && get_random_u32() % 100 >= prob)
		return false;
	/* -1: no limit; otherwise take one, unless another CPU took the last */
	return atomic_read(&fail_times) < 0 || atomic_dec_if_positive(&fail_times) >= 0;
}

/* Note the failed call in fail_last and, with fail_verbose, on the console. */
static void note_failure(unsigned long wrapper, unsigned long caller, const char *why)
{
	unsigned int verbose = READ_ONCE(memsan_fail_verbose);
	char fn[64], line[LAST_LEN];
	const char *name = fn;
	unsigned long flags;

	/* "__memsan_kstrdup [memsan]": the function's name alone */
	snprintf(fn, sizeof(fn), "%ps", (void *)wrapper);
	fn[strcspn(fn, " ")] = '\0';
	if (!strncmp(fn, WRAPPER_PREFIX, sizeof(WRAPPER_PREFIX) - 1))
		name += sizeof(WRAPPER_PREFIX) - 1;
	snprintf(line, sizeof(line), "%s in %pS (%s)", name, (void *)caller, why);
	raw_spin_lock_irqsave(&last_lock, flags);
	strscpy(last, line, sizeof(last));
	raw_spin_unlock_irqrestore(&last_lock, flags);

	if (verbose && __ratelimit(&verbose_rs)) {
		pr_info("injected allocation failure: %s\n", line);
		if (verbose > 1)
			dump_stack();
	}
}

/**
 * memsan_inject_fail() - fail this allocation on purpose?
 * @gfp:	the call's allocation flags
 * @caller:	its return address in the instrumented module (_RET_IP_)
 *
 * Called at the top of every allocation wrapper; counts the call in
 * allocations_counted if injection would consider it, whether or not any
 * injection is on.  When it returns true, the wrapper returns what the real
 * function returns when it fails, without calling it.
 *
 * Return: true if the call must fail.
 */
bool memsan_inject_fail(gfp_t gfp, unsigned long caller)
{
	const char *why;

	if (!memsan_enabled() || (gfp & __GFP_NOFAIL) || !caller_selected(caller))
		return false;
	memsan_count(MEMSAN_COUNTER_ALLOCS_COUNTED, 1);
	if (atomic_read(&fail_nth) > 0 && atomic_dec_if_positive(&fail_nth) == 0)
		why = "fail_nth";
	else if (probability_fires())
		why = "fail_probability";
	else
		return false;
	memsan_count(MEMSAN_COUNTER_FAILED_INJECTED, 1);
	note_failure(_RET_IP_, caller, why);
	return true;
}

/**
 * memsan_inject_set_nth() - fail the @nth counted call from now on (0: none)
 * @nth:	1 is the next one
 */
void memsan_inject_set_nth(unsigned int nth)
{
	atomic_set(&fail_nth, nth);
}

/* Counted calls until the one fail_nth fails; 0 if none is pending. */
unsigned int memsan_inject_nth(void)
{
	return max(atomic_read(&fail_nth), 0);
}

/* fail_times: at most @times probability failures from now on; -1 no limit. */
void memsan_inject_set_times(int times)
{
	atomic_set(&fail_times, times);
	atomic_long_set(&interval_count, 0);
}

int memsan_inject_times(void)
{
	return atomic_read(&fail_times);
}

/**
 * memsan_inject_set_module() - count only the calls of module @name
 * @name:	module name; "" counts every instrumented module's calls
 * @mod:	the loaded module of that name, or NULL
 *
 * Called by hooks/modules.c under its instrumented_lock, which also
 * serializes memsan_inject_module_coming() and _going().
 */
void memsan_inject_set_module(const char *name, struct module *mod)
{
	spin_lock(&target_lock);
	strscpy(target_name, name, sizeof(target_name));
	WRITE_ONCE(target, mod);
	WRITE_ONCE(target_set, name[0] != '\0');
	spin_unlock(&target_lock);
}

/* fail_module's name into @buf ("" if unset); returns its length. */
int memsan_inject_module_name(char *buf, size_t size)
{
	int len;

	spin_lock(&target_lock);
	len = strscpy(buf, target_name, size);
	spin_unlock(&target_lock);
	return max(len, 0);
}

/* An instrumented module is coming: fail_module may name it (a reload). */
void memsan_inject_module_coming(struct module *mod)
{
	spin_lock(&target_lock);
	if (target_set && !strcmp(mod->name, target_name))
		WRITE_ONCE(target, mod);
	spin_unlock(&target_lock);
}

/* An instrumented module is going: fail_module keeps its name, not the module. */
void memsan_inject_module_going(struct module *mod)
{
	spin_lock(&target_lock);
	if (target == mod)
		WRITE_ONCE(target, NULL);
	spin_unlock(&target_lock);
}

/* fail_last into @buf ("" if no call was failed yet); returns its length. */
int memsan_inject_last(char *buf, size_t size)
{
	unsigned long flags;
	int len;

	raw_spin_lock_irqsave(&last_lock, flags);
	len = strscpy(buf, last, size);
	raw_spin_unlock_irqrestore(&last_lock, flags);
	return max(len, 0);
}
