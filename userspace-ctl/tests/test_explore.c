// SPDX-License-Identifier: GPL-2.0
/* memsan-ctl unit tests: explore's parsing, step lines and summary, and its command line. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static void test_headline(void **unused)
{
	char buf[128];

	assert_true(ms_report_headline(unit_report_text, buf, sizeof(buf)));
	assert_string_equal(buf, "BUG: MEMSAN: use-after-free in victim_uaf+0x59/0x90 [memsan_victim]");
	assert_true(ms_report_headline("===\nBUG: MEMSAN: double-free in f+0x1/0x2 [m]", buf,
				       sizeof(buf)));
	assert_string_equal(buf, "BUG: MEMSAN: double-free in f+0x1/0x2 [m]");
	/* cut to the buffer, never past it */
	assert_true(ms_report_headline("BUG: MEMSAN: double-free in f\n", buf, 8));
	assert_string_equal(buf, "BUG: ME");
	assert_false(ms_report_headline("no headline here\n", buf, sizeof(buf)));
	assert_false(ms_report_headline(NULL, buf, sizeof(buf)));
}

static void test_briefs(void **unused)
{
	char buf[128];

	ms_headline_brief("BUG: MEMSAN: double-free in hub_free_rx+0x1b/0x2e [error_paths]", buf,
			  sizeof(buf));
	assert_string_equal(buf, "double-free in hub_free_rx");
	ms_headline_brief("BUG: MEMSAN: memory-leak in foo_alloc_ring+0x4c/0x90 [foo]", buf,
			  sizeof(buf));
	assert_string_equal(buf, "memory-leak in foo_alloc_ring");
	/* a symbol without offset: up to the module */
	ms_headline_brief("BUG: MEMSAN: invalid-free in 0xffffffffc0001234 [m]", buf, sizeof(buf));
	assert_string_equal(buf, "invalid-free in 0xffffffffc0001234");
	ms_headline_brief("something else", buf, sizeof(buf));
	assert_string_equal(buf, "something else");

	ms_fail_site_brief("kstrdup in hub_init+0x54/0x1000 [error_paths] (fail_nth)", buf,
			   sizeof(buf));
	assert_string_equal(buf, "kstrdup in hub_init+0x54/0x1000 [error_paths]");
	ms_fail_site_brief("kstrdup in hub_init+0x54/0x1000", buf, sizeof(buf));
	assert_string_equal(buf, "kstrdup in hub_init+0x54/0x1000");
	ms_fail_site_brief("", buf, sizeof(buf));
	assert_string_equal(buf, "");
}

static char *df = "BUG: MEMSAN: double-free in hub_free_rx+0x1b/0x2e [error_paths]";
static char *leak = "BUG: MEMSAN: memory-leak in hub_alloc_rx+0x32/0x9e [error_paths]";

static void test_step_lines(void **unused)
{
	struct ms_explore_step s = { 0 };
	char *two[] = { df, leak };
	char line[512];

	s.allocations = 6;
	assert_int_equal(ms_explore_step_line(&s, 60, line, sizeof(line)), 0);
	assert_string_equal(line, "step 0: no failure, 6 allocations -> exit 0, no report");
	s.allocations = 1;
	ms_explore_step_line(&s, 60, line, sizeof(line));
	assert_string_equal(line, "step 0: no failure, 1 allocation -> exit 0, no report");

	s.step = 5;
	s.reached = true;
	strcpy(s.site, "kmalloc_trace in hub_alloc_rx+0x68/0x9e [error_paths] (fail_nth)");
	s.exit_status = 1;
	s.nr_reports = 1;
	s.headlines = two;
	ms_explore_step_line(&s, 60, line, sizeof(line));
	assert_string_equal(line, "step 5: kmalloc_trace in hub_alloc_rx+0x68/0x9e [error_paths] "
			    "failed -> exit 1, 1 report: double-free in hub_free_rx");
	s.nr_reports = 2;
	ms_explore_step_line(&s, 60, line, sizeof(line));
	assert_string_equal(line, "step 5: kmalloc_trace in hub_alloc_rx+0x68/0x9e [error_paths] "
			    "failed -> exit 1, 2 reports: double-free in hub_free_rx, "
			    "memory-leak in hub_alloc_rx");

	s.reached = false;
	s.nr_reports = 0;
	s.exit_status = 0;
	ms_explore_step_line(&s, 60, line, sizeof(line));
	assert_string_equal(line, "step 5: not reached (the command made fewer allocations) -> "
			    "exit 0, no report");
	s.signal = 9;
	ms_explore_step_line(&s, 60, line, sizeof(line));
	assert_string_equal(line, "step 5: not reached (the command made fewer allocations) -> "
			    "killed by signal 9, no report");
	s.timed_out = true;
	ms_explore_step_line(&s, 7, line, sizeof(line));
	assert_string_equal(line, "step 5: not reached (the command made fewer allocations) -> "
			    "timed out after 7 s (killed), no report");
	/* a line that does not fit is cut, and says so */
	assert_int_equal(ms_explore_step_line(&s, 7, line, 20), -1);
	assert_int_equal(strlen(line), 19);
}

static void test_summary(void **unused)
{
	struct ms_explore x = { 0 };
	struct ms_explore_step s = { 0 };
	char *one[] = { df }, *both[] = { leak, df };
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	/* step 0 clean, step 5 the double free, step 6 both: two distinct bugs */
	assert_int_equal(ms_explore_add_step(&x, &s), 0);
	s.step = 5;
	s.reached = true;
	strcpy(s.site, "kmalloc_trace in hub_alloc_rx+0x68/0x9e [error_paths] (fail_nth)");
	s.nr_reports = 1;
	s.headlines = one;
	assert_int_equal(ms_explore_add_step(&x, &s), 0);
	s.step = 6;
	strcpy(s.site, "kasprintf in hub_init+0x113/0x1000 [error_paths] (fail_nth)");
	s.nr_reports = 2;
	s.headlines = both;
	assert_int_equal(ms_explore_add_step(&x, &s), 0);
	assert_int_equal(x.nr_bugs, 2);
	assert_int_equal(x.reports, 3);
	assert_string_equal(x.bugs[0].headline, df);
	assert_int_equal(x.bugs[0].first_step, 5);
	assert_int_equal(x.bugs[0].nr_steps, 2);
	assert_string_equal(x.bugs[1].headline, leak);
	assert_int_equal(x.bugs[1].first_step, 6);
	assert_string_equal(x.bugs[1].site, "kasprintf in hub_init+0x113/0x1000 [error_paths]");

	f = open_memstream(&out, &len);
	ms_explore_summary(&x, 7, f);
	fclose(f);
	assert_string_equal(out,
		"summary: 7 steps, 3 reports, 2 distinct bugs:\n"
		"  BUG: MEMSAN: double-free in hub_free_rx+0x1b/0x2e [error_paths]\n"
		"    first at step 5: kmalloc_trace in hub_alloc_rx+0x68/0x9e [error_paths] failed;"
		" in 2 steps\n"
		"  BUG: MEMSAN: memory-leak in hub_alloc_rx+0x32/0x9e [error_paths]\n"
		"    first at step 6: kasprintf in hub_init+0x113/0x1000 [error_paths] failed\n");
	free(out);
	ms_explore_free(&x);
	assert_int_equal(x.nr_bugs, 0);

	/* a bug without any failure, a timeout, and a clean run */
	memset(&s, 0, sizeof(s));
	s.nr_reports = 1;
	s.headlines = one;
	s.timed_out = true;
	ms_explore_add_step(&x, &s);
	f = open_memstream(&out, &len);
	ms_explore_summary(&x, 1, f);
	fclose(f);
	assert_string_equal(out,
		"summary: 1 step, 1 report, 1 distinct bug: (1 step timed out)\n"
		"  BUG: MEMSAN: double-free in hub_free_rx+0x1b/0x2e [error_paths]\n"
		"    without any failure (step 0)\n");
	free(out);
	ms_explore_free(&x);

	f = open_memstream(&out, &len);
	ms_explore_summary(&x, 7, f);
	fclose(f);
	assert_string_equal(out, "summary: 7 steps, 0 reports, no bug found\n");
	free(out);
}

static void test_modules_new(void **unused)
{
	const char *before = "memsan 425984 0 - Live 0x0000000000000000\n"
			     "error_paths_fixed 16384 0 - Live 0x0000000000000000 (OE)\n";
	const char *after = "error_paths 16384 0 - Live 0x0000000000000000 (OE)\n"
			    "memsan 425984 1 error_paths, Live 0x0000000000000000\n"
			    "error_paths_fixed 16384 0 - Live 0x0000000000000000 (OE)\n"
			    "error 4096 0 - Loading 0x0000000000000000\n";
	char names[4][MS_MODULE_NAME_MAX];

	/* a name that is a prefix of a loaded one is a different module */
	assert_int_equal(ms_modules_new(before, after, names, 4), 2);
	assert_string_equal(names[0], "error_paths");
	assert_string_equal(names[1], "error");
	assert_int_equal(ms_modules_new(before, before, names, 4), 0);
	assert_int_equal(ms_modules_new(before, after, names, 1), -1);
	assert_int_equal(ms_modules_new("", "", names, 4), 0);
	/* a malformed line (no size field) is no module */
	assert_int_equal(ms_modules_new("", "garbage\n", names, 4), 0);
}

/* The command line: parse only. */
static int parse(struct captured *c, const char *const *argv)
{
	char *args[16];
	int argc = 0, ret;

	unit_start(c);
	c->st.parse_only = true;
	args[argc++] = "memsan-ctl";
	while (*argv && argc < 15)
		args[argc++] = (char *)*argv++;
	args[argc] = NULL;
	ret = ms_main(&c->st, argc, args);
	unit_finish(c);
	return ret;
}

#define PARSE(c, ...) parse(c, (const char *const[]){ __VA_ARGS__, NULL })

static void test_explore_args(void **unused)
{
	struct captured c;

	assert_int_equal(PARSE(&c, "explore", "--", "insmod", "x.ko"), 0);
	assert_int_equal(c.st.explore_timeout, 60);
	assert_int_equal(c.st.explore_max, 0);
	assert_null(c.st.module);
	unit_free(&c);

	assert_int_equal(PARSE(&c, "explore", "--module", "drv", "--max", "12", "--timeout", "5",
			       "--output", "--", "sh", "-c", "insmod drv.ko"), 0);
	assert_string_equal(c.st.module, "drv");
	assert_int_equal(c.st.explore_max, 12);
	assert_int_equal(c.st.explore_timeout, 5);
	assert_true(c.st.explore_output);
	unit_free(&c);

	/* the command's own options are not explore's */
	assert_int_equal(PARSE(&c, "explore", "-m", "drv", "--", "./t", "--max", "0"), 0);
	unit_free(&c);

	assert_int_equal(PARSE(&c, "explore"), MS_EXIT_USAGE);
	assert_non_null(strstr(c.err, "which command?"));
	unit_free(&c);
	assert_int_equal(PARSE(&c, "explore", "--"), MS_EXIT_USAGE);
	unit_free(&c);
	assert_int_equal(PARSE(&c, "explore", "--max", "0", "--", "true"), MS_EXIT_USAGE);
	assert_non_null(strstr(c.err, "--max '0'"));
	unit_free(&c);
	assert_int_equal(PARSE(&c, "explore", "--max", "-3", "--", "true"), MS_EXIT_USAGE);
	unit_free(&c);
	assert_int_equal(PARSE(&c, "explore", "--timeout", "0", "--", "true"), MS_EXIT_USAGE);
	unit_free(&c);
	assert_int_equal(PARSE(&c, "explore", "--timeout", "86401", "--", "true"), MS_EXIT_USAGE);
	unit_free(&c);
	assert_int_equal(PARSE(&c, "explore", "--module", "a/b", "--", "true"), MS_EXIT_USAGE);
	unit_free(&c);
	assert_int_equal(PARSE(&c, "explore", "--module", "", "--", "true"), MS_EXIT_USAGE);
	unit_free(&c);
	assert_int_equal(PARSE(&c, "explore", "--max"), MS_EXIT_USAGE);
	unit_free(&c);

	assert_int_equal(PARSE(&c, "insmod"), MS_EXIT_USAGE);
	unit_free(&c);
	assert_int_equal(PARSE(&c, "insmod", "x.ko", "a=1", "b=2"), 0);
	unit_free(&c);
}

int unit_explore_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_headline),
		cmocka_unit_test(test_briefs),
		cmocka_unit_test(test_step_lines),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_modules_new),
		cmocka_unit_test(test_explore_args),
	};

	return cmocka_run_group_tests_name("explore", tests, NULL, NULL);
}
