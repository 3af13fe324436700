// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: /sys/kernel/debug/memsan/.
 *
 *   reports (0400)  every report still in the ring, oldest first, as printed
 *                   to the console; it holds kernel addresses, hence root only
 *   stats   (0444)  "name: value" counters
 *   fail_alloc (0600)  TEST ONLY: "N KIND[,KIND...]" makes one in N of
 *                   memsan's own allocations of those kinds fail (object,
 *                   shadow, stack, netlink, report, or all); "0" stops it.
 *                   For the stress suite: memsan must degrade (counted),
 *                   not misreport or crash.  Never needed in normal use.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "channels/channels.h"
#include "counters/counters.h"
#include "hooks/hooks.h"
#include "leaks/leaks.h"
#include "report/report.h"
#include "settings/settings.h"

static struct dentry *memsan_dir;

/* === reports: one report per seq_file record, copied out of the ring === */

static void *reports_start(struct seq_file *seq, loff_t *pos)
{
	u64 first = memsan_reports_first_seq();

	if (*pos < first)
		*pos = first;
	return *pos < memsan_reports_next_seq() ? pos : NULL;
}

static void *reports_next(struct seq_file *seq, void *v, loff_t *pos)
{
	++*pos;
	return reports_start(seq, pos);
}

static void reports_stop(struct seq_file *seq, void *v)
{
}

static int reports_show(struct seq_file *seq, void *v)
{
	struct memsan_report *copy = seq->private;

	if (!memsan_report_copy(*(loff_t *)v, copy))
		return 0;	/* overwritten since start(): skip it */
	seq_write(seq, copy->text, copy->text_len);
	return 0;
}

static const struct seq_operations reports_sops = {
	.start = reports_start,
	.next = reports_next,
	.stop = reports_stop,
	.show = reports_show,
};
/* Each open file has its copy of one report: too big for the stack. */
static int reports_open(struct inode *inode, struct file *file)
{
	struct memsan_report *copy = kvmalloc(sizeof(*copy), GFP_KERNEL);
	int err;

	if (!copy)
		return -ENOMEM;
	err = seq_open(file, &reports_sops);
	if (err) {
		kvfree(copy);
		return err;
	}
	((struct seq_file *)file->private_data)->private = copy;
	return 0;
}

static int reports_release(struct inode *inode, struct file *file)
{
	kvfree(((struct seq_file *)file->private_data)->private);
	return seq_release(inode, file);
}

static const struct file_operations reports_fops = {
	.owner = THIS_MODULE,
	.open = reports_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = reports_release,
};

/* === stats === */

static int stats_show(struct seq_file *seq, void *v)
{
	unsigned int i;

	seq_printf(seq, "enabled: %d\n", memsan_enabled());
	for (i = 0; i < MEMSAN_COUNTER_COUNT; i++)
		seq_printf(seq, "%s: %ld\n", memsan_counter_name(i), memsan_counter_read(i));
	seq_printf(seq, "probes_missed: %lu\n", memsan_hooks_missed());
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

/* === leak_scan: writing anything scans every instrumented module now === */

static ssize_t leak_scan_write(struct file *file, const char __user *buf, size_t len,
			       loff_t *ppos)
{
	struct module *mods[32];
	struct memsan_leak_stats st;
	unsigned int nr = memsan_instrumented_get(NULL, mods, ARRAY_SIZE(mods));
	int err = 0;

	if (nr)
		err = memsan_leaks_scan(mods, nr, NULL, &st);
	memsan_instrumented_put(mods, nr);
	return err ?: len;
}

static const struct file_operations leak_scan_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = leak_scan_write,
	.llseek = noop_llseek,
};

/* === fail_alloc (test only) === */

static const char *const fail_names[MEMSAN_FAIL_KINDS] = {
	[MEMSAN_FAIL_OBJECT] = "object",
	[MEMSAN_FAIL_SHADOW] = "shadow",
	[MEMSAN_FAIL_STACK] = "stack",
	[MEMSAN_FAIL_NETLINK] = "netlink",
	[MEMSAN_FAIL_REPORT] = "report",
};

static int fail_alloc_show(struct seq_file *seq, void *v)
{
	unsigned int every, kinds, i;
	const char *sep = "";

	memsan_fail_alloc_get(&every, &kinds);
	seq_printf(seq, "%u ", every);
	for (i = 0; i < MEMSAN_FAIL_KINDS; i++) {
		if (kinds & BIT(i)) {
			seq_printf(seq, "%s%s", sep, fail_names[i]);
			sep = ",";
		}
	}
	seq_puts(seq, *sep ? "\n" : "none\n");
	return 0;
}

/* "N KIND,KIND..." or "0": a bad word changes nothing. */
static ssize_t fail_alloc_write(struct file *file, const char __user *ubuf, size_t len,
				loff_t *ppos)
{
	char buf[64], *p, *word;
	unsigned int every, kinds = 0, i;
	int err;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	p = strim(buf);
	word = strsep(&p, " \t");
	if (kstrtouint(word, 0, &every))
		return -EINVAL;
	while (every && p && (word = strsep(&p, ", \t\n"))) {
		if (!*word)
			continue;
		if (!strcmp(word, "all")) {
			kinds = BIT(MEMSAN_FAIL_KINDS) - 1;
			continue;
		}
		i = match_string(fail_names, MEMSAN_FAIL_KINDS, word);
		if ((int)i < 0)
			return -EINVAL;
		kinds |= BIT(i);
	}
	if (every && !kinds)
		return -EINVAL;
	err = memsan_fail_alloc_set(every, kinds);
	return err ? err : len;
}

static int fail_alloc_open(struct inode *inode, struct file *file)
{
	return single_open(file, fail_alloc_show, NULL);
}

static const struct file_operations fail_alloc_fops = {
	.owner = THIS_MODULE,
	.open = fail_alloc_open,
	.read = seq_read,
	.write = fail_alloc_write,
	.llseek = seq_lseek,
	.release = single_release,
};

int memsan_debugfs_init(void)
{
	memsan_dir = debugfs_create_dir("memsan", NULL);
	debugfs_create_file("reports", 0400, memsan_dir, NULL, &reports_fops);
	debugfs_create_file("stats", 0444, memsan_dir, NULL, &stats_fops);
	debugfs_create_file("leak_scan", 0200, memsan_dir, NULL, &leak_scan_fops);
	debugfs_create_file("fail_alloc", 0600, memsan_dir, NULL, &fail_alloc_fops);
	return 0;
}

void memsan_debugfs_exit(void)
{
	debugfs_remove_recursive(memsan_dir);
}
