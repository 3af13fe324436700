// SPDX-License-Identifier: GPL-2.0
/*
 * memsan: /sys/kernel/debug/memsan/.
 *
 *   reports (0400)  every report still in the ring, oldest first, as printed
 *                   to the console; it holds kernel addresses, hence root only
 *   stats   (0444)  "name: value" counters
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "memsan.h"

static struct dentry *memsan_dir;

/* === reports: one report per seq_file record, copied under the ring lock === */

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
	const struct memsan_report *r = memsan_report_get(*(loff_t *)v);

	if (!r)
		return 0;	/* overwritten since start(): skip it */
	seq_write(seq, r->text, r->text_len);
	memsan_report_put();
	return 0;
}

static const struct seq_operations reports_sops = {
	.start = reports_start,
	.next = reports_next,
	.stop = reports_stop,
	.show = reports_show,
};
DEFINE_SEQ_ATTRIBUTE(reports);

/* === stats === */

static int stats_show(struct seq_file *seq, void *v)
{
	unsigned int i;

	seq_printf(seq, "enabled: %d\n", memsan_enabled());
	for (i = 0; i < MEMSAN_COUNTER_COUNT; i++)
		seq_printf(seq, "%s: %ld\n", memsan_counter_names[i],
			   memsan_counter_read(i));
	seq_printf(seq, "probes_missed: %lu\n", memsan_hooks_missed());
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

int memsan_debugfs_init(void)
{
	memsan_dir = debugfs_create_dir("memsan", NULL);
	debugfs_create_file("reports", 0400, memsan_dir, NULL, &reports_fops);
	debugfs_create_file("stats", 0444, memsan_dir, NULL, &stats_fops);
	return 0;
}

void memsan_debugfs_exit(void)
{
	debugfs_remove_recursive(memsan_dir);
}
