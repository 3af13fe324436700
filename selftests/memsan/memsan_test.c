// SPDX-License-Identifier: GPL-2.0
/*
 * memsan_test: trigger each case of memsan_victim.ko and check memsan's
 * reports against this file's own table of expectations.  KTAP output.
 *
 * Run as root after "insmod memsan.ko; insmod memsan_victim.ko":
 *
 *   memsan_test [-r REPORTS] [-d VICTIM_DIR] [CASE...]
 *   memsan_test -l
 *
 * For each case: read memsan's reports, write the case name to the victim's
 * "run" file, read the reports again and take the new ones.  A bad case must
 * make exactly one report and every line checked below must match the
 * table; a clean case must make none.  The table is written by hand from
 * memsan_victim.c and never derived from a report.
 *
 * Exit status: 0 if every case passed, 1 if one failed, 4 (kselftest's
 * skip) if nothing could run because memsan or the victim is not loaded.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <regex.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <time.h>
#include <unistd.h>

#define REPORTS_PATH	"/sys/kernel/debug/memsan/reports"
#define VICTIM_DIR	"/sys/kernel/debug/memsan_victim"
#define REPORT_ALL_PATH	"/sys/module/memsan/parameters/report_all"
#define REDZONE_PATH	"/sys/module/memsan/parameters/redzone"
#define VICTIM_MODULE	"memsan_victim"
#define VICTIM_CACHE	"memsan_victim20"

#define KSFT_PASS	0
#define KSFT_FAIL	1
#define KSFT_SKIP	4

/* A bad case's report may come a little after the write returns. */
#define REPORT_WAIT_MS	3000
/* Time given to late extra reports before a case is judged. */
#define SETTLE_MS	100
/* dmesg lines shown when a bad case made no report. */
#define DMESG_TAIL	25

enum access {
	ACC_NONE,
	ACC_READ,
	ACC_WRITE,
	ACC_FREE,
};

enum free_check {
	FREE_UNCHECKED,	/* no "Freed by task" check */
	FREE_BY_CASE,	/* "Freed by task <our pid>:", case function in stack */
	FREE_ANY,	/* "Freed by task" present (kfree_rcu: RCU frees it) */
};

/**
 * struct expect - what one case of memsan_victim must make memsan report
 * @name:	case name, written to the victim's "run" file
 * @bug:	bug type in the headline; NULL for a clean case (no report)
 * @access:	kind of the second line: Read, Write or Free
 * @size:	access size in the Read/Write line (for the string functions,
 *		the whole range passed to them)
 * @offset:	buggy address minus the object's start
 * @obj_size:	the object's requested size, the S of "S-byte region"
 * @cache:	exact cache name, or NULL for any "kmalloc-*" cache
 * @freed:	what to check of the free stack
 * @any_task:	the bug happens in interrupt context: no check of the task
 * @variable:	for a global: the variable's name (then @offset is from its
 *		start, @obj_size its size, and there is no object or stack)
 * @free_fn:	for an alloc-free-mismatch: the free function the report names
 * @destroyed:	for a double kmem_cache_destroy(): the cache's name (the
 *		object is its struct kmem_cache: its size is not checked)
 *
 * @cache may also be one of the kinds below, for objects of no cache:
 * KIND_PAGES, KIND_VMALLOC, KIND_LARGE.
 *
 * The case function, victim_<name>, is the function of the headline (the
 * one doing the access, or calling kfree) and the one in the allocation
 * stack; with FREE_BY_CASE it is in the free stack too.
 */
struct expect {
	const char *name;
	const char *bug;
	enum access access;
	unsigned long size;
	long offset;
	unsigned long obj_size;
	const char *cache;
	enum free_check freed;
	bool any_task;
	const char *variable;
	const char *free_fn;
	const char *destroyed;
};

/* Objects of no cache (issue 10): what the report says they are. */
#define KIND_PAGES	"<pages>"
#define KIND_VMALLOC	"<vmalloc>"
#define KIND_LARGE	"<large>"

#define SOOB	"slab-out-of-bounds"
#define UAF	"use-after-free"
#define DFREE	"double-free"
#define IFREE	"invalid-free"
#define OOB	"out-of-bounds"

#define BAD_CASE(_name, _bug, _acc, _size, _off, _obj, _cache, _freed, _any)	\
	{ .name = #_name, .bug = _bug, .access = ACC_##_acc,		\
	  .size = _size, .offset = _off, .obj_size = _obj,		\
	  .cache = _cache, .freed = FREE_##_freed, .any_task = _any }
#define BAD(...)	BAD_CASE(__VA_ARGS__, false)
#define BAD_IN_IRQ(...)	BAD_CASE(__VA_ARGS__, true)
#define CLEAN(_name)	{ .name = #_name }
#define GOOB	"global-out-of-bounds"
#define VOOB	"vmalloc-out-of-bounds"
#define MISMATCH_BUG	"alloc-free-mismatch"
#define MISMATCH(_name, _obj, _cache, _free_fn)				\
	{ .name = #_name, .bug = MISMATCH_BUG, .access = ACC_FREE,	\
	  .obj_size = _obj, .cache = _cache, .freed = FREE_UNCHECKED,	\
	  .free_fn = _free_fn }
#define GLOBAL(_name, _acc, _size, _off, _var, _var_size)		\
	{ .name = #_name, .bug = GOOB, .access = ACC_##_acc,		\
	  .size = _size, .offset = _off, .obj_size = _var_size,		\
	  .variable = _var }

static const struct expect cases[] = {
	/*  case                    bug    access size offset S  cache  freed */
	BAD(oob_right_1_size1,      SOOB,  READ,   1, 13, 13, NULL, UNCHECKED),
	BAD(oob_right_1_size2,      SOOB,  READ,   2,  6,  6, NULL, UNCHECKED),
	BAD(oob_right_1_size4,      SOOB,  READ,   4, 20, 20, NULL, UNCHECKED),
	BAD(oob_right_1_size8,      SOOB,  READ,   8, 40, 40, NULL, UNCHECKED),
	BAD(oob_right_1_size16,     SOOB,  READ,  16, 48, 48, NULL, UNCHECKED),
	BAD(oob_right_1_size13,     SOOB,  READ,  13, 19, 19, NULL, UNCHECKED),
	BAD(oob_slack_kmalloc13,    SOOB,  WRITE,  1, 13, 13, NULL, UNCHECKED),
	BAD(oob_kmem_cache,         SOOB,  READ,   1, 20, 20, VICTIM_CACHE,
	    UNCHECKED),
	BAD(uaf_read_kmalloc,       UAF,   READ,   4,  8, 40, NULL, BY_CASE),
	BAD(uaf_write_kmalloc,      UAF,   WRITE,  8,  0, 40, NULL, BY_CASE),
	BAD(uaf_read_kmem_cache,    UAF,   READ,   1, 19, 20, VICTIM_CACHE,
	    BY_CASE),
	BAD(uaf_write_kmem_cache,   UAF,   WRITE,  4,  0, 20, VICTIM_CACHE,
	    BY_CASE),
	BAD(uaf_krealloc_moved,     UAF,   READ,   1,  0, 16, NULL, BY_CASE),
	BAD(uaf_kvfree_exact,       UAF,   READ,   4,  0, 192, NULL, BY_CASE),
	BAD(uaf_kfree_rcu,          UAF,   READ,   8,  0, 24, NULL, ANY),
	BAD_IN_IRQ(uaf_in_irq,      UAF,   READ,   8,  0, 24, NULL, BY_CASE),
	BAD(double_free_kfree,      DFREE, FREE,   0,  0, 32, NULL, BY_CASE),
	BAD(double_free_kmem_cache, DFREE, FREE,   0,  0, 20, VICTIM_CACHE,
	    BY_CASE),
	BAD(invalid_free_interior,  IFREE, FREE,   0,  1, 32, NULL, UNCHECKED),
	BAD(memset_overflow,        SOOB,  WRITE, 14,  0, 13, NULL, UNCHECKED),
	BAD(memcpy_overflow,        SOOB,  READ,  25,  0, 24, NULL, UNCHECKED),
	BAD(strcpy_overflow,        SOOB,  WRITE, 21,  0, 20, NULL, UNCHECKED),
	CLEAN(clean_exact_size),
	CLEAN(clean_krealloc_in_place),
	CLEAN(clean_kstrdup),
	CLEAN(clean_kmemdup),
	CLEAN(clean_string_ops_end),
	CLEAN(clean_kvmalloc),
	CLEAN(clean_kmem_cache),
	CLEAN(churn),
	CLEAN(stack_varied),
	/*     case                  access size offset variable        size */
	GLOBAL(global_oob_read,      READ,   1, 13, "victim_global13", 13),
	GLOBAL(global_oob_write,     WRITE,  1, 13, "victim_global13", 13),
	CLEAN(clean_global),
	/* issue 10 */
	CLEAN(clean_kasprintf_nul),
	BAD(kasprintf_nul_overflow, SOOB,  READ,   9,  0,  8, NULL, UNCHECKED),
	CLEAN(clean_kmemdup_nul),
	BAD(memmove_negative_size,  OOB,   READ,  (unsigned long)-2, 4, 64, NULL,
	    UNCHECKED),
	BAD(strncpy_huge_size,      OOB,   WRITE, (unsigned long)-1, 0, 32, NULL,
	    UNCHECKED),
	BAD(memset_overflow_skipped, SOOB, WRITE, 25,  0, 24, NULL, UNCHECKED),
	BAD(uaf_krealloc_freed,     UAF,   READ,   1,  0, 40, NULL, BY_CASE),
	BAD(uaf_ksize_freed,        UAF,   READ,   1,  0, 40, NULL, BY_CASE),
	BAD(atomic_inc_oob,         SOOB,  WRITE,  4, 20, 20, NULL, UNCHECKED),
	BAD(atomic_inc_uaf,         UAF,   WRITE,  4,  0, 40, NULL, BY_CASE),
	BAD(set_bit_oob,            SOOB,  WRITE,  8, 24, 24, NULL, UNCHECKED),
	BAD(set_bit_uaf,            UAF,   WRITE,  8,  0, 32, NULL, BY_CASE),
	BAD(test_and_clear_bit_oob, SOOB,  WRITE,  8, 40, 40, NULL, UNCHECKED),
	BAD(test_and_clear_bit_uaf, UAF,   WRITE,  8,  0, 32, NULL, BY_CASE),
	CLEAN(clean_atomics_bitops),
	BAD(copy_from_user_overflow, SOOB, WRITE, 33,  0, 32, NULL, UNCHECKED),
	BAD(copy_to_user_overflow,  SOOB,  READ,  33,  0, 32, NULL, UNCHECKED),
	BAD(strncpy_from_user_overflow, SOOB, WRITE, 33, 0, 32, NULL, UNCHECKED),
	CLEAN(clean_user_copies),
	/* issue 10: pages, vmalloc, wrong frees, formatted output, redzones */
	BAD(uaf_free_pages,         UAF,   READ,   8, 16, 8192, KIND_PAGES, BY_CASE),
	BAD(uaf_free_page_struct,   UAF,   WRITE,  4, 100, 4096, KIND_PAGES, BY_CASE),
	CLEAN(clean_pages),
	BAD(uaf_vfree,              UAF,   READ,   4,  8, 100, KIND_VMALLOC, BY_CASE),
	BAD(vmalloc_oob_right,      VOOB,  READ,   1, 100, 100, KIND_VMALLOC, UNCHECKED),
	BAD(uaf_kvfree_vmalloc,     UAF,   READ,   8, 4096, 5000, KIND_VMALLOC, BY_CASE),
	BAD(uaf_kvfree_rcu_vmalloc, UAF,   READ,   8,  0, 64, KIND_VMALLOC, ANY),
	CLEAN(clean_vmalloc),
	MISMATCH(kfree_of_vmalloc,            64, KIND_VMALLOC, "kfree"),
	MISMATCH(vfree_of_kmalloc,            64, NULL, "vfree"),
	MISMATCH(free_pages_of_slab,          64, NULL, "free_pages"),
	MISMATCH(kfree_of_pages,            4096, KIND_PAGES, "kfree"),
	MISMATCH(kmem_cache_free_wrong_cache, 20, VICTIM_CACHE, "kmem_cache_free"),
	BAD(double_free_vfree,      DFREE, FREE,   0,  0, 100, KIND_VMALLOC, BY_CASE),
	BAD(double_free_pages,      DFREE, FREE,   0,  0, 4096, KIND_PAGES, BY_CASE),
	BAD(snprintf_overflow,      SOOB,  WRITE, 20,  0, 16, NULL, UNCHECKED),
	BAD(scnprintf_overflow,     SOOB,  WRITE, 18,  0, 16, NULL, UNCHECKED),
	BAD(sprintf_overflow,       SOOB,  WRITE, 10,  0,  8, NULL, UNCHECKED),
	BAD(vsnprintf_overflow,     SOOB,  WRITE, 20,  0, 16, NULL, UNCHECKED),
	CLEAN(clean_snprintf),
	BAD(oob_const_kmalloc64,    SOOB,  READ,   1, 64, 64, NULL, UNCHECKED),
	BAD(oob_const_kmalloc_node4096, SOOB, WRITE, 1, 4096, 4096, NULL, UNCHECKED),
	BAD(oob_const_kmalloc8192,  SOOB,  READ,   1, 8192, 8192, KIND_LARGE, UNCHECKED),
	BAD(oob_large_kmalloc_exact, SOOB, READ,   1, 16384, 16384, KIND_LARGE, UNCHECKED),
	BAD(oob_past_ksize,         SOOB,  READ,   1, 256, 256, NULL, UNCHECKED),
	BAD(oob_krealloc_grown,     SOOB,  READ,   1, 64, 64, NULL, UNCHECKED),
	CLEAN(clean_const_kmalloc),
	BAD(oob_kmem_cache_far,     SOOB,  READ,   1, 24, 20, VICTIM_CACHE, UNCHECKED),
	{ .name = "double_kmem_cache_destroy", .bug = DFREE, .access = ACC_FREE,
	  .freed = FREE_BY_CASE, .destroyed = "memsan_victim_twice" },
	CLEAN(clean_module_cache),
	/* issue 10: the kernel side of get_user()/put_user() */
	BAD(get_user_uaf,           UAF,   WRITE,  4,  0, 32, NULL, BY_CASE),
	BAD(put_user_oob,           SOOB,  READ,   4, 32, 32, NULL, UNCHECKED),
	CLEAN(clean_get_put_user),
	/* issue 10: underflows, SLUB's left redzone */
	BAD(oob_left_kmalloc64,     SOOB,  READ,   1, -1, 64, NULL, UNCHECKED),
	BAD(oob_left_const_kmalloc64, SOOB, WRITE, 1, -16, 64, NULL, UNCHECKED),
	BAD(oob_left_kmalloc4096,   SOOB,  READ,   8, -8, 4096, NULL, UNCHECKED),
	BAD(oob_left_kmem_cache,    SOOB,  READ,   1, -1, 20, VICTIM_CACHE, UNCHECKED),
	BAD(oob_left_kmem_cache_bulk, SOOB, READ,  1, -1, 20, VICTIM_CACHE, UNCHECKED),
	CLEAN(clean_kmalloc_align),
	/* issue 10: alloc_pages_exact() */
	BAD(uaf_pages_exact,        UAF,   READ,   1, 100, 5000, KIND_PAGES, BY_CASE),
	BAD(oob_pages_exact,        SOOB,  READ,   1, 5000, 5000, KIND_PAGES, UNCHECKED),
	CLEAN(clean_pages_exact),
	/* issue 10: vmalloc_huge() */
	BAD(uaf_vmalloc_huge,       UAF,   READ,   1,  0, 100, KIND_VMALLOC, BY_CASE),
	BAD(oob_vmalloc_huge,       VOOB,  READ,   1, 100, 100, KIND_VMALLOC, UNCHECKED),
	/* issue 10: alloc_pages_node() */
	BAD(uaf_alloc_pages_node,   UAF,   READ,   8, 4096, 8192, KIND_PAGES, BY_CASE),
	CLEAN(clean_alloc_pages_node),
	/* issue 12: kfree_rcu_nolock() (7.3; SKIP where the kernel has none) */
	BAD(uaf_kfree_rcu_nolock,   UAF,   READ,   8,  0, 24, NULL, ANY),
};

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define NR_CASES	ARRAY_SIZE(cases)

#define PAST_SLOT	"the bad bytes lie past the object's last 8-byte granule, in the " \
			"next slot (or page), which only a redzone makes memsan's"
#define LEFT_PAD	"the bad bytes lie before the object, in the previous slot, which only " \
			"the left redzone of memsan's caches (made with the redzone) makes memsan's"
#define USERCOPY_BUG	"the object fills its slot, so the kernel's hardened usercopy " \
			"stops this copy first, with a BUG"

/*
 * The cases only a redzone catches: with memsan's redzone=0 they are SKIPs
 * with the reason, and every other case must pass as with redzones.
 */
static const struct {
	const char *name;
	const char *why;
} redzone_only[] = {
	{ "kasprintf_nul_overflow", PAST_SLOT },
	{ "copy_from_user_overflow", USERCOPY_BUG },
	{ "copy_to_user_overflow", USERCOPY_BUG },
	{ "strncpy_from_user_overflow", PAST_SLOT },
	{ "snprintf_overflow", PAST_SLOT },
	{ "scnprintf_overflow", PAST_SLOT },
	{ "sprintf_overflow", PAST_SLOT },
	{ "vsnprintf_overflow", PAST_SLOT },
	{ "oob_const_kmalloc64", PAST_SLOT },
	{ "oob_const_kmalloc_node4096", PAST_SLOT },
	{ "oob_const_kmalloc8192", PAST_SLOT },
	{ "oob_large_kmalloc_exact", PAST_SLOT },
	{ "oob_past_ksize", PAST_SLOT },
	{ "oob_krealloc_grown", PAST_SLOT },
	{ "oob_kmem_cache_far", PAST_SLOT },
	{ "put_user_oob", PAST_SLOT },
	{ "oob_left_kmalloc64", LEFT_PAD },
	{ "oob_left_const_kmalloc64", LEFT_PAD },
	{ "oob_left_kmalloc4096", LEFT_PAD },
	{ "oob_left_kmem_cache", LEFT_PAD },
	{ "oob_left_kmem_cache_bulk", LEFT_PAD },
};

static const char *redzone_only_why(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(redzone_only); i++)
		if (!strcmp(redzone_only[i].name, name))
			return redzone_only[i].why;
	return NULL;
}

struct state {
	const char *reports_path;
	const char *victim_dir;
	char *victim_cases;	/* contents of the victim's "cases" file */
	bool report_all;	/* memsan's report_all parameter */
	bool no_redzone;	/* memsan's redzone parameter is 0 */
	pid_t pid;
	char comm[64];
	int passed, failed, skipped;
};

/* One report: its lines, from the "BUG: MEMSAN: " line to the last. */
struct report {
	char **lines;
	size_t nr_lines;
};

struct report_list {
	struct report *reports;
	size_t nr;
};

/* === Helpers === */

static void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size);
	if (!p) {
		perror("memsan_test: realloc");
		exit(KSFT_FAIL);
	}
	return p;
}

static char *xstrdup(const char *s)
{
	return strcpy(xrealloc(NULL, strlen(s) + 1), s);
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Read a whole file into a NUL-terminated buffer; NULL and errno on error. */
static char *read_file(const char *path)
{
	size_t len = 0, cap = 65536;
	char *buf = xrealloc(NULL, cap);
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0) {
		free(buf);
		return NULL;
	}
	for (;;) {
		if (cap - len < 4096) {
			cap *= 2;
			buf = xrealloc(buf, cap);
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	if (n < 0) {
		int err = errno;

		close(fd);
		free(buf);
		errno = err;
		return NULL;
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

/* Print @text as KTAP diagnostics, one "# " line per line. */
static void diag_text(const char *indent, const char *text)
{
	const char *p = text, *nl;

	while (*p) {
		nl = strchrnul(p, '\n');
		printf("# %s%.*s\n", indent, (int)(nl - p), p);
		p = *nl ? nl + 1 : nl;
	}
}

static void diag(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("# ", stdout);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	va_end(ap);
}

/* The last @nr lines of the kernel log, as diagnostics. */
static void diag_dmesg_tail(int nr)
{
	int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	const char *start;
	char *buf;
	int len;

	if (size <= 0)
		size = 1 << 20;
	buf = xrealloc(NULL, size + 1);
	len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, size);
	if (len < 0) {
		diag("(cannot read the kernel log: %s)", strerror(errno));
		free(buf);
		return;
	}
	buf[len] = '\0';
	while (len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
	start = buf + len;
	while (start > buf && nr > 0) {
		start--;
		if (*start == '\n')
			nr--;
	}
	if (*start == '\n')
		start++;
	diag("last lines of the kernel log:");
	diag_text("  ", start);
	free(buf);
}

/* === Reports === */

static bool is_frame_line(const char *line)
{
	size_t n = strspn(line, "=");

	return n >= 20 && line[n] == '\0';
}

static void report_list_free(struct report_list *list)
{
	size_t i, j;

	for (i = 0; i < list->nr; i++) {
		for (j = 0; j < list->reports[i].nr_lines; j++)
			free(list->reports[i].lines[j]);
		free(list->reports[i].lines);
	}
	free(list->reports);
	list->reports = NULL;
	list->nr = 0;
}

/*
 * Split memsan's reports file into reports.  A report starts at a line
 * holding "BUG: MEMSAN: " (taken from there on) and ends before the next
 * "=====" frame line, the next report or the end of the file.
 */
static void parse_reports(const char *text, struct report_list *list)
{
	struct report *cur = NULL;
	const char *p = text, *nl;
	char *line, *bug;

	list->reports = NULL;
	list->nr = 0;
	while (*p) {
		nl = strchrnul(p, '\n');
		line = strndup(p, nl - p);
		if (!line) {
			perror("memsan_test: strndup");
			exit(KSFT_FAIL);
		}
		p = *nl ? nl + 1 : nl;

		bug = strstr(line, "BUG: MEMSAN: ");
		if (bug) {
			list->reports = xrealloc(list->reports,
				(list->nr + 1) * sizeof(*list->reports));
			cur = &list->reports[list->nr++];
			cur->lines = NULL;
			cur->nr_lines = 0;
			memmove(line, bug, strlen(bug) + 1);
		} else if (is_frame_line(line)) {
			cur = NULL;
		}
		if (!cur) {
			free(line);
			continue;
		}
		cur->lines = xrealloc(cur->lines,
				      (cur->nr_lines + 1) * sizeof(char *));
		cur->lines[cur->nr_lines++] = line;
	}
}

static int read_reports(const struct state *st, struct report_list *list)
{
	char *text = read_file(st->reports_path);

	if (!text)
		return -errno;
	parse_reports(text, list);
	free(text);
	return 0;
}

static bool report_equal(const struct report *a, const struct report *b)
{
	size_t i;

	if (a->nr_lines != b->nr_lines)
		return false;
	for (i = 0; i < a->nr_lines; i++)
		if (strcmp(a->lines[i], b->lines[i]))
			return false;
	return true;
}

/*
 * The longest tail of @before (@b_nr reports) that @after (@a_nr reports)
 * starts with: how many of @before are still there.
 */
static size_t kept_tail(const struct report *before, size_t b_nr,
			const struct report *after, size_t a_nr)
{
	size_t drop, i, kept;

	for (drop = 0; drop < b_nr; drop++) {
		kept = b_nr - drop;
		if (kept > a_nr)
			continue;
		for (i = 0; i < kept; i++)
			if (!report_equal(&before[drop + i], &after[i]))
				break;
		if (i == kept)
			return kept;
	}
	return 0;
}

/* memsan keeps the first reports for good, then the last ones in a ring */
#define REPORTS_KEPT_FIRST	16

/*
 * Index in @after of the first report that is not in @before.  memsan
 * keeps its first REPORTS_KEPT_FIRST reports and the last ones in a ring
 * (debugfs "reports"), so once the ring is full the oldest of @before's
 * ring part may have been dropped: past the kept first ones, find the
 * longest tail of @before that @after goes on with.
 */
static size_t first_new_report(const struct report_list *before,
			       const struct report_list *after)
{
	size_t head = REPORTS_KEPT_FIRST, i;

	if (before->nr <= head || after->nr < head)
		return kept_tail(before->reports, before->nr, after->reports, after->nr);
	for (i = 0; i < head; i++)
		if (!report_equal(&before->reports[i], &after->reports[i]))
			return 0;
	return head + kept_tail(before->reports + head, before->nr - head,
				after->reports + head, after->nr - head);
}

static void diag_report(const struct report *r)
{
	size_t i;

	for (i = 0; i < r->nr_lines; i++)
		diag("  %s", r->lines[i]);
}

/* === Checking one report === */

/* Index of the first line at or after @from containing @needle, or -1. */
static long find_line(const struct report *r, size_t from, const char *needle)
{
	size_t i;

	for (i = from; i < r->nr_lines; i++)
		if (strstr(r->lines[i], needle))
			return i;
	return -1;
}

/*
 * Match @line against the extended regex @pattern; on success copy up to
 * @nr sub-matches into @out (each malloc'd; the caller frees them).
 */
static bool match(const char *line, const char *pattern, char **out, int nr)
{
	regmatch_t m[8];
	regex_t re;
	bool ok;
	int i;

	if (regcomp(&re, pattern, REG_EXTENDED)) {
		fprintf(stderr, "memsan_test: bad regex %s\n", pattern);
		exit(KSFT_FAIL);
	}
	ok = !regexec(&re, line, nr + 1, m, 0);
	regfree(&re);
	for (i = 0; i < nr; i++)
		out[i] = ok && m[i + 1].rm_so >= 0 ?
			strndup(line + m[i + 1].rm_so,
				m[i + 1].rm_eo - m[i + 1].rm_so) :
			xstrdup("");
	return ok;
}

static void free_strs(char **s, int nr)
{
	while (nr--)
		free(s[nr]);
}

#define HEX	"(0x)?([0-9a-f]+)"

struct check {
	const struct expect *e;
	const struct state *st;
	const struct report *r;
	char func[128];
	int errors;
};

static void fail(struct check *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("# ", stdout);
	vprintf(fmt, ap);
	fputc('\n', stdout);
	va_end(ap);
	c->errors++;
}

/* "BUG: MEMSAN: <bug> in <func>+0x<o>/0x<s> [memsan_victim]" */
static void check_headline(struct check *c)
{
	static const char re[] =
		"^BUG: MEMSAN: ([a-z-]+) in ([A-Za-z0-9_.]+)\\+0x[0-9a-f]+/0x[0-9a-f]+ \\[([A-Za-z0-9_]+)\\][[:space:]]*$";
	char *m[3];

	if (!match(c->r->lines[0], re, m, 3)) {
		fail(c, "headline: bad format: %s", c->r->lines[0]);
	} else {
		if (strcmp(m[0], c->e->bug))
			fail(c, "headline: bug type '%s', expected '%s'",
			     m[0], c->e->bug);
		if (strcmp(m[1], c->func))
			fail(c, "headline: function '%s', expected '%s'",
			     m[1], c->func);
		if (strcmp(m[2], VICTIM_MODULE))
			fail(c, "headline: module '%s', expected '%s'",
			     m[2], VICTIM_MODULE);
	}
	free_strs(m, 3);
}

/*
 * "Read|Write of size <n> at addr <a> by task <comm>/<pid>" or
 * "Free of addr <a> by task <comm>/<pid>", right after the headline.
 * Returns the address, 0 if the line did not parse.
 */
static unsigned long check_access(struct check *c)
{
	const struct expect *e = c->e;
	unsigned long addr = 0;
	const char *line;
	char *m[6];
	size_t i;

	for (i = 1; i < c->r->nr_lines && !c->r->lines[i][0]; i++)
		;
	line = i < c->r->nr_lines ? c->r->lines[i] : "";

	if (e->access == ACC_FREE) {
		if (!match(line, "^Free of addr " HEX " by task (.*)/([0-9]+)[[:space:]]*$",
			   m, 4)) {
			fail(c, "access line: expected 'Free of addr A by task C/P', got: %s",
			     line);
			free_strs(m, 4);
			return 0;
		}
		/* Shift so that m[2..5] line up with the Read/Write case. */
		memmove(m + 2, m, 4 * sizeof(*m));
		m[0] = xstrdup("Free");
		m[1] = xstrdup("0");
	} else if (!match(line, "^(Read|Write) of size ([0-9]+) at addr " HEX
			  " by task (.*)/([0-9]+)[[:space:]]*$", m, 6)) {
		fail(c, "access line: expected '%s of size %lu at addr A by task C/P', got: %s",
		     e->access == ACC_READ ? "Read" : "Write", e->size, line);
		free_strs(m, 6);
		return 0;
	}

	if (e->access == ACC_READ && strcmp(m[0], "Read"))
		fail(c, "access line: '%s', expected 'Read'", m[0]);
	if (e->access == ACC_WRITE && strcmp(m[0], "Write"))
		fail(c, "access line: '%s', expected 'Write'", m[0]);
	if (e->access != ACC_FREE && strtoul(m[1], NULL, 10) != e->size)
		fail(c, "access line: size %s, expected %lu", m[1], e->size);
	addr = strtoul(m[3], NULL, 16);
	if (!c->e->any_task && (strcmp(m[4], c->st->comm) ||
				strtol(m[5], NULL, 10) != c->st->pid))
		fail(c, "access line: task %s/%s, expected %s/%d",
		     m[4], m[5], c->st->comm, (int)c->st->pid);
	free_strs(m, 6);
	return addr;
}

/*
 * "<what> by task <pid>:" then stack lines " func+0x../0x.. [module]".
 * With @func, one of them must be @func in memsan_victim; with @pid >= 0,
 * the task must be @pid.
 */
static void check_stack(struct check *c, const char *what, const char *func,
			pid_t pid)
{
	char header[64], frame[160], *m[1];
	const char *line;
	bool found = false;
	long i;

	snprintf(header, sizeof(header), "%s by task ", what);
	i = find_line(c->r, 1, header);
	if (i < 0) {
		fail(c, "no '%s<pid>:' line", header);
		return;
	}
	if (!match(c->r->lines[i], "by task ([0-9]+):[[:space:]]*$", m, 1))
		fail(c, "bad format: %s", c->r->lines[i]);
	else if (pid >= 0 && strtol(m[0], NULL, 10) != pid)
		fail(c, "'%s%s', expected task %d", header, m[0], (int)pid);
	free_strs(m, 1);
	if (!func)
		return;

	snprintf(frame, sizeof(frame), " %s+0x", func);
	for (i++; i < (long)c->r->nr_lines; i++) {
		line = c->r->lines[i];
		if (line[0] != ' ')
			break;
		if (!strncmp(line, frame, strlen(frame)) &&
		    strstr(line, "[" VICTIM_MODULE "]"))
			found = true;
	}
	if (!found)
		fail(c, "'%s' stack has no frame '%s../0x.. [%s]'", what,
		     frame, VICTIM_MODULE);
}

/*
 * An object of no cache, the line after "belongs to the object at":
 * " which belongs to the pages of order <o> from the page allocator",
 * " which belongs to the vmalloc area of size <n>" (whole pages),
 * " which is a large kmalloc of <n> bytes".
 */
static void check_object_kind(struct check *c, const char *line)
{
	const struct expect *e = c->e;
	unsigned long size = 0;
	char *m[1];
	bool ok;

	if (!strcmp(e->cache, KIND_PAGES)) {
		ok = match(line, "which belongs to the pages of order ([0-9]+) from the page allocator",
			   m, 1);
		if (ok)
			size = 4096UL << strtoul(m[0], NULL, 10);
	} else if (!strcmp(e->cache, KIND_VMALLOC)) {
		ok = match(line, "which belongs to the vmalloc area of size ([0-9]+)", m, 1);
		if (ok)
			size = strtoul(m[0], NULL, 10);
	} else {
		ok = match(line, "which is a large kmalloc of ([0-9]+) bytes", m, 1);
		if (ok)
			size = strtoul(m[0], NULL, 10);
	}
	if (!ok)
		fail(c, "object: expected %s memory, got: %s", e->cache, line);
	else if (size < e->obj_size)
		fail(c, "object: %s of %lu bytes, smaller than the object (%lu)", e->cache, size,
		     e->obj_size);
	free_strs(m, 1);
}

/*
 * alloc-free-mismatch: "The object (<cache or kind>) was allocated by <f>"
 * " and is freed by <free_fn>[ with the cache <name>]"
 */
static void check_mismatch(struct check *c)
{
	char want[96];
	size_t n;
	long i;

	i = find_line(c->r, 1, " and is freed by ");
	if (i < 0) {
		fail(c, "no ' and is freed by <function>' line");
		return;
	}
	n = snprintf(want, sizeof(want), " and is freed by %s", c->e->free_fn);
	if (strncmp(c->r->lines[i], want, n) ||
	    (c->r->lines[i][n] != '\0' && c->r->lines[i][n] != ' '))
		fail(c, "free function: '%s', expected '%s'", c->r->lines[i], want);
	if (find_line(c->r, 1, "was allocated by ") != i - 1)
		fail(c, "no 'The object (...) was allocated by <function>' line before it");
}

/*
 * "The buggy address belongs to the object at <a>"
 * " which belongs to the cache <name> of size <n>"
 * Returns the object address, 0 if not found.
 */
static unsigned long check_object(struct check *c)
{
	const struct expect *e = c->e;
	unsigned long obj = 0;
	char *m[4];
	long i;

	i = find_line(c->r, 1, "The buggy address belongs to the object at ");
	if (i < 0) {
		fail(c, "no 'The buggy address belongs to the object at' line");
		return 0;
	}
	if (match(c->r->lines[i], "belongs to the object at " HEX, m, 2))
		obj = strtoul(m[1], NULL, 16);
	else
		fail(c, "bad format: %s", c->r->lines[i]);
	free_strs(m, 2);

	/* The cache part is on the same line or on the next. */
	if (!strstr(c->r->lines[i], "which ") && i + 1 < (long)c->r->nr_lines)
		i++;
	if (e->cache && e->cache[0] == '<') {
		check_object_kind(c, c->r->lines[i]);
		return obj;
	}
	if (!match(c->r->lines[i],
		   "which belongs to the cache ([^ ]+) of size ([0-9]+)",
		   m, 2)) {
		fail(c, "no ' which belongs to the cache <name> of size <n>' after the object line");
		free_strs(m, 2);
		return obj;
	}
	if (e->cache ? strcmp(m[0], e->cache) :
		       strncmp(m[0], "kmalloc-", 8))
		fail(c, "cache '%s', expected '%s'", m[0],
		     e->cache ? e->cache : "kmalloc-*");
	if (strtoul(m[1], NULL, 10) < e->obj_size)
		fail(c, "cache object size %s, smaller than the object (%lu)",
		     m[1], e->obj_size);
	free_strs(m, 2);
	return obj;
}

/*
 * "The buggy address is located <d> bytes <relation>"
 * " <S>-byte region [<start>, <end>)"
 * d and the relation follow from the table's offset and size.
 */
static void check_location(struct check *c, unsigned long addr,
			   unsigned long obj)
{
	const struct expect *e = c->e;
	unsigned long start, end, d;
	const char *rel;
	char *m[6];
	long i;

	if (e->offset < 0) {
		rel = "to the left of";
		d = -e->offset;
	} else if ((unsigned long)e->offset >= e->obj_size) {
		rel = "to the right of";
		d = e->offset - e->obj_size;
	} else {
		rel = "inside of";
		d = e->offset;
	}

	i = find_line(c->r, 1, "The buggy address is located ");
	if (i < 0) {
		fail(c, "no 'The buggy address is located' line");
		return;
	}
	if (!match(c->r->lines[i],
		   "located ([0-9]+) bytes? (to the right of|to the left of|inside of)",
		   m, 2))
		fail(c, "bad format: %s", c->r->lines[i]);
	else if (strtoul(m[0], NULL, 10) != d || strcmp(m[1], rel))
		fail(c, "located %s bytes %s, expected %lu bytes %s",
		     m[0], m[1], d, rel);
	free_strs(m, 2);

	/* The region is on the same line or on the next. */
	if (!strstr(c->r->lines[i], "-byte region") &&
	    i + 1 < (long)c->r->nr_lines)
		i++;
	if (!match(c->r->lines[i],
		   "([0-9]+)-byte region \\[" HEX ", " HEX "\\)", m, 5)) {
		fail(c, "no '<S>-byte region [<start>, <end>)' after the location line");
		free_strs(m, 5);
		return;
	}
	start = strtoul(m[2], NULL, 16);
	end = strtoul(m[4], NULL, 16);
	if (strtoul(m[0], NULL, 10) != e->obj_size)
		fail(c, "%s-byte region, expected %lu-byte", m[0], e->obj_size);
	if (end - start != e->obj_size)
		fail(c, "region [%s, %s) is not %lu bytes", m[2], m[4],
		     e->obj_size);
	if (obj && start != obj)
		fail(c, "region starts at %s, the object at %lx", m[2], obj);
	if (addr && addr - start != (unsigned long)e->offset)
		fail(c, "address %lx is at offset %ld in the region, expected %ld",
		     addr, (long)(addr - start), e->offset);
	free_strs(m, 5);
}

/* "Memory state around the buggy address:", a '>' row and a '^' line. */
static void check_shadow(struct check *c)
{
	bool row = false, marker = false;
	long i;

	i = find_line(c->r, 1, "Memory state around the buggy address:");
	if (i < 0) {
		fail(c, "no 'Memory state around the buggy address:' line");
		return;
	}
	for (i++; i < (long)c->r->nr_lines; i++) {
		if (c->r->lines[i][0] == '>')
			row = true;
		if (strchr(c->r->lines[i], '^'))
			marker = true;
	}
	if (!row)
		fail(c, "memory state: no '>' row");
	if (!marker)
		fail(c, "memory state: no '^' marker line");
}

/*
 * "The buggy address belongs to the variable: <name>+0x<o>/0x<s> [<module>]":
 * the variable, the access's offset in it, its size, the victim module.
 */
static void check_variable(struct check *c, unsigned long addr)
{
	const struct expect *e = c->e;
	char *m[4];
	long i;

	i = find_line(c->r, 1, "The buggy address belongs to the variable");
	if (i < 0) {
		fail(c, "no 'The buggy address belongs to the variable' line");
		return;
	}
	if (!match(c->r->lines[i],
		   "belongs to the variable: ([A-Za-z0-9_.]+)\\+0x([0-9a-f]+)/0x([0-9a-f]+) \\[([A-Za-z0-9_]+)\\]",
		   m, 4)) {
		fail(c, "variable line: bad format: %s", c->r->lines[i]);
		free_strs(m, 4);
		return;
	}
	if (strcmp(m[0], e->variable))
		fail(c, "variable '%s', expected '%s'", m[0], e->variable);
	if (strtol(m[1], NULL, 16) != e->offset)
		fail(c, "offset 0x%s in the variable, expected 0x%lx", m[1], e->offset);
	if (strtoul(m[2], NULL, 16) != e->obj_size)
		fail(c, "variable size 0x%s, expected 0x%lx", m[2], e->obj_size);
	if (strcmp(m[3], VICTIM_MODULE))
		fail(c, "variable's module '%s', expected '%s'", m[3], VICTIM_MODULE);
	if (!addr)
		fail(c, "no address to check the variable against");
	if (find_line(c->r, 1, "belongs to the object at ") >= 0)
		fail(c, "a global's report names a heap object");
	free_strs(m, 4);
}

/* "The cache <name> was destroyed before by kmem_cache_destroy" */
static void check_destroyed(struct check *c)
{
	char want[128];

	snprintf(want, sizeof(want), "The cache %s was destroyed before by kmem_cache_destroy",
		 c->e->destroyed);
	if (find_line(c->r, 1, want) < 0)
		fail(c, "no '%s' line", want);
	if (find_line(c->r, 1, "which belongs to the cache kmem_cache") < 0)
		fail(c, "the object is not a struct kmem_cache (cache kmem_cache)");
}

/* Check a bad case's report; returns the number of mismatches. */
static int check_report(const struct state *st, const struct expect *e,
			const struct report *r)
{
	struct check c = { .e = e, .st = st, .r = r };
	unsigned long addr, obj;

	snprintf(c.func, sizeof(c.func), "victim_%s", e->name);
	check_headline(&c);
	addr = check_access(&c);
	if (e->variable) {
		check_variable(&c, addr);
		check_shadow(&c);
		return c.errors;
	}
	check_stack(&c, "Allocated", c.func, e->any_task ? -1 : st->pid);
	if (e->freed == FREE_BY_CASE)
		check_stack(&c, "Freed", c.func, e->any_task ? -1 : st->pid);
	else if (e->freed == FREE_ANY)
		check_stack(&c, "Freed", NULL, -1);
	if (e->destroyed) {
		check_destroyed(&c);
		check_shadow(&c);
		return c.errors;
	}
	obj = check_object(&c);
	if (e->free_fn)
		check_mismatch(&c);
	check_location(&c, addr, obj);
	check_shadow(&c);
	return c.errors;
}

/* === Running the cases === */

static int trigger(const struct state *st, const char *name)
{
	char path[512];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/run", st->victim_dir);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, name, strlen(name));
	if (n < 0)
		n = -errno;
	close(fd);
	return n < 0 ? (int)n : 0;
}

static bool victim_has_case(const struct state *st, const char *name)
{
	const char *p = st->victim_cases;
	size_t len = strlen(name);

	while ((p = strstr(p, name))) {
		if ((p == st->victim_cases || p[-1] == '\n') &&
		    (p[len] == '\n' || p[len] == '\0'))
			return true;
		p += len;
	}
	return false;
}

static void result(struct state *st, int nr, const char *name, bool ok,
		   const char *directive)
{
	printf("%s %d %s%s%s\n", ok ? "ok" : "not ok", nr, name,
	       directive ? " # " : "", directive ? directive : "");
	fflush(stdout);
	if (directive && !strncmp(directive, "SKIP", 4))
		st->skipped++;
	else if (ok)
		st->passed++;
	else
		st->failed++;
}

static void run_case(struct state *st, int nr, const struct expect *e)
{
	struct report_list before, after;
	size_t first, nr_new, i;
	int ret, waited = 0;
	char why[256];
	bool ok;

	if (!victim_has_case(st, e->name)) {
		result(st, nr, e->name, false,
		       "the victim module has no such case");
		return;
	}
	if (st->no_redzone && redzone_only_why(e->name)) {
		snprintf(why, sizeof(why), "SKIP redzone=0: %s", redzone_only_why(e->name));
		result(st, nr, e->name, true, why);
		return;
	}
	ret = read_reports(st, &before);
	if (ret) {
		snprintf(why, sizeof(why), "cannot read %s: %s",
			 st->reports_path, strerror(-ret));
		result(st, nr, e->name, false, why);
		return;
	}

	ret = trigger(st, e->name);
	if (ret == -EOPNOTSUPP) {
		/* the victim's case needs what this kernel lacks */
		report_list_free(&before);
		result(st, nr, e->name, true,
		       "SKIP this kernel lacks what the case uses (the victim said EOPNOTSUPP)");
		return;
	}
	if (ret) {
		snprintf(why, sizeof(why), "writing '%s' to %s/run: %s",
			 e->name, st->victim_dir, strerror(-ret));
		report_list_free(&before);
		result(st, nr, e->name, false, why);
		return;
	}

	/* Wait for the bad case's report, then for stragglers. */
	for (;;) {
		ret = read_reports(st, &after);
		if (ret)
			break;
		first = first_new_report(&before, &after);
		if (!e->bug || after.nr > first || waited >= REPORT_WAIT_MS)
			break;
		report_list_free(&after);
		sleep_ms(50);
		waited += 50;
	}
	if (!ret) {
		report_list_free(&after);
		sleep_ms(SETTLE_MS);
		ret = read_reports(st, &after);
	}
	if (ret) {
		snprintf(why, sizeof(why), "cannot read %s: %s",
			 st->reports_path, strerror(-ret));
		report_list_free(&before);
		result(st, nr, e->name, false, why);
		return;
	}
	first = first_new_report(&before, &after);
	nr_new = after.nr - first;

	if (!e->bug) {
		ok = nr_new == 0;
		snprintf(why, sizeof(why), "%zu report(s), expected none",
			 nr_new);
	} else if (nr_new != 1) {
		ok = false;
		snprintf(why, sizeof(why), "%zu report(s), expected one %s",
			 nr_new, e->bug);
	} else {
		diag("%s: %s", e->name, after.reports[first].lines[0]);
		ret = check_report(st, e, &after.reports[first]);
		ok = ret == 0;
		snprintf(why, sizeof(why), "%d mismatch(es) in the report",
			 ret);
	}
	if (!ok) {
		for (i = first; i < after.nr; i++) {
			diag("report %zu of %zu:", i - first + 1, nr_new);
			diag_report(&after.reports[i]);
		}
		if (e->bug && !nr_new) {
			if (!st->report_all)
				diag("(memsan's report_all=N reports each code location once: a second run of a case since memsan was loaded reports nothing)");
			diag_dmesg_tail(DMESG_TAIL);
		}
	}
	result(st, nr, e->name, ok, ok ? NULL : why);
	report_list_free(&before);
	report_list_free(&after);
}

static void read_comm(struct state *st)
{
	char *comm = read_file("/proc/self/comm");

	snprintf(st->comm, sizeof(st->comm), "%s",
		 comm ? comm : "memsan_test");
	st->comm[strcspn(st->comm, "\n")] = '\0';
	free(comm);
}

static const struct expect *find_case(const char *name)
{
	size_t i;

	for (i = 0; i < NR_CASES; i++)
		if (!strcmp(cases[i].name, name))
			return &cases[i];
	return NULL;
}

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: memsan_test [-r REPORTS] [-d VICTIM_DIR] [CASE...]\n"
		"       memsan_test -l\n"
		"  -l             list the cases and exit\n"
		"  -r REPORTS     memsan's reports file (%s)\n"
		"  -d VICTIM_DIR  the victim's debugfs directory (%s)\n",
		REPORTS_PATH, VICTIM_DIR);
}

int main(int argc, char **argv)
{
	struct state st = {
		.reports_path = REPORTS_PATH,
		.victim_dir = VICTIM_DIR,
	};
	const struct expect **run;
	char path[512], *line, *save;
	const char *skip = NULL;
	size_t nr_run = 0, i;
	int opt;

	while ((opt = getopt(argc, argv, "lr:d:h")) != -1) {
		switch (opt) {
		case 'l':
			for (i = 0; i < NR_CASES; i++)
				printf("%s\n", cases[i].name);
			return KSFT_PASS;
		case 'r':
			st.reports_path = optarg;
			break;
		case 'd':
			st.victim_dir = optarg;
			break;
		case 'h':
			print_usage(stdout);
			return KSFT_PASS;
		default:
			print_usage(stderr);
			return 2;
		}
	}

	run = xrealloc(NULL, NR_CASES * sizeof(*run));
	if (optind == argc) {
		for (i = 0; i < NR_CASES; i++)
			run[nr_run++] = &cases[i];
	} else {
		for (; optind < argc; optind++) {
			run[nr_run] = find_case(argv[optind]);
			if (!run[nr_run] || nr_run == NR_CASES) {
				fprintf(stderr, "memsan_test: unknown case '%s'\n",
					argv[optind]);
				return 2;
			}
			nr_run++;
		}
	}

	setvbuf(stdout, NULL, _IOLBF, 0);
	st.pid = getpid();
	read_comm(&st);
	printf("KTAP version 1\n1..%zu\n", nr_run);

	snprintf(path, sizeof(path), "%s/cases", st.victim_dir);
	st.victim_cases = read_file(path);
	if (access(st.reports_path, R_OK)) {
		diag("cannot read %s: %s", st.reports_path, strerror(errno));
		skip = "SKIP memsan.ko is not loaded";
	} else if (!st.victim_cases) {
		diag("cannot read %s: %s", path, strerror(errno));
		skip = "SKIP memsan_victim.ko is not loaded";
	}
	if (skip) {
		for (i = 0; i < nr_run; i++)
			result(&st, i + 1, run[i]->name, true, skip);
		printf("# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:%d error:0\n",
		       st.skipped);
		return KSFT_SKIP;
	}

	diag("memsan_test: task %s/%d, reports %s, victim %s", st.comm,
	     (int)st.pid, st.reports_path, st.victim_dir);
	line = read_file(REPORT_ALL_PATH);
	st.report_all = line && line[0] == 'Y';
	free(line);
	line = read_file(REDZONE_PATH);
	st.no_redzone = line && atoi(line) == 0;
	free(line);
	for (i = 0; i < ARRAY_SIZE(redzone_only); i++)
		if (!find_case(redzone_only[i].name)) {
			fprintf(stderr, "memsan_test: redzone_only names no case: %s\n",
				redzone_only[i].name);
			return KSFT_FAIL;
		}
	if (st.no_redzone)
		diag("memsan's redzone=0: %zu cases only a redzone catches are skipped",
		     ARRAY_SIZE(redzone_only));
	/* Cases the victim has but this table lacks: say so, don't fail. */
	line = strtok_r(st.victim_cases, "\n", &save);
	for (; line; line = strtok_r(NULL, "\n", &save))
		if (!find_case(line))
			diag("the victim's case '%s' has no expectation here",
			     line);
	free(st.victim_cases);
	st.victim_cases = read_file(path);
	if (!st.victim_cases) {
		perror("memsan_test: reading the victim's cases");
		return KSFT_FAIL;
	}

	for (i = 0; i < nr_run; i++)
		run_case(&st, i + 1, run[i]);

	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:%d error:0\n",
	       st.passed, st.failed, st.skipped);
	free(st.victim_cases);
	free(run);
	return st.failed ? KSFT_FAIL : KSFT_PASS;
}
