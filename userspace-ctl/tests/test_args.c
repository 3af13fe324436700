// SPDX-License-Identifier: GPL-2.0
/* memsan-ctl unit tests: the command line of every command. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

static const char *const commands[] = {
	"status", "config", "reports", "monitor", "clear", "version",
};

/* Run memsan-ctl with @argv (NULL-terminated); only its argument parsing if @parse_only. */
static int run_as(struct captured *c, bool parse_only, const char *const *argv)
{
	char *args[32];
	int argc = 0, ret;

	unit_start(c);
	c->st.parse_only = parse_only;
	args[argc++] = "memsan-ctl";
	while (*argv && argc < 31)
		args[argc++] = (char *)*argv++;
	args[argc] = NULL;
	ret = ms_main(&c->st, argc, args);
	unit_finish(c);
	return ret;
}

static int run(struct captured *c, const char *const *argv)
{
	return run_as(c, true, argv);
}

#define RUN(c, ...) run(c, (const char *const[]){ __VA_ARGS__, NULL })

static void test_no_command(void **unused)
{
	struct captured c;

	assert_int_equal(run(&c, (const char *const[]){ NULL }), MS_EXIT_USAGE);
	assert_non_null(strstr(c.err, "Usage: memsan-ctl"));
	assert_int_equal(c.out_len, 0);
	unit_free(&c);
}

static void test_global_help(void **unused)
{
	struct captured c;
	size_t i;

	assert_int_equal(RUN(&c, "--help"), MS_EXIT_OK);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		char line[64];

		snprintf(line, sizeof(line), "\n  %-10s ", commands[i]);
		assert_non_null(strstr(c.out, line));
	}
	assert_non_null(strstr(c.out, "5 reports found"));
	unit_free(&c);
	assert_int_equal(RUN(&c, "help"), MS_EXIT_OK);
	assert_non_null(strstr(c.out, "Commands:"));
	unit_free(&c);
}

static void test_unknown_command(void **unused)
{
	struct captured c;

	assert_int_equal(RUN(&c, "frobnicate"), MS_EXIT_USAGE);
	assert_non_null(strstr(c.err, "unknown command 'frobnicate'"));
	assert_non_null(strstr(c.err, "Try 'memsan-ctl --help'"));
	unit_free(&c);
	assert_int_equal(RUN(&c, "--frob", "status"), MS_EXIT_USAGE);
	assert_non_null(strstr(c.err, "unknown option '--frob'"));
	unit_free(&c);
	assert_int_equal(RUN(&c, "-x", "status"), MS_EXIT_USAGE);
	assert_non_null(strstr(c.err, "unknown option '-x'"));
	unit_free(&c);
}

static void test_command_help(void **unused)
{
	struct captured c;
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		char usage[64];

		snprintf(usage, sizeof(usage), "Usage: memsan-ctl [--json] %s", commands[i]);
		assert_int_equal(RUN(&c, commands[i], "--help"), MS_EXIT_OK);
		assert_non_null(strstr(c.out, usage));
		unit_free(&c);
		assert_int_equal(RUN(&c, commands[i], "-h"), MS_EXIT_OK);
		assert_non_null(strstr(c.out, usage));
		unit_free(&c);
	}
}

/* Every command rejects an unknown option and an extra operand, with exit 2. */
static void test_command_bad_options(void **unused)
{
	struct captured c;
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		char try[64];

		snprintf(try, sizeof(try), "Try 'memsan-ctl %s --help'", commands[i]);
		assert_int_equal(RUN(&c, commands[i], "--no-such-option"), MS_EXIT_USAGE);
		assert_non_null(strstr(c.err, "unknown option '--no-such-option'"));
		assert_non_null(strstr(c.err, try));
		unit_free(&c);
		assert_int_equal(RUN(&c, commands[i], "-Z"), MS_EXIT_USAGE);
		assert_non_null(strstr(c.err, "unknown option '-Z'"));
		unit_free(&c);
		if (!strcmp(commands[i], "config"))
			continue;	/* config takes operands */
		assert_int_equal(RUN(&c, commands[i], "extra"), MS_EXIT_USAGE);
		assert_non_null(strstr(c.err, "unexpected argument 'extra'"));
		unit_free(&c);
	}
}

static void test_good_arguments(void **unused)
{
	static const char *const good[][8] = {
		{ "status" },
		{ "status", "--json" },
		{ "--json", "status" },
		{ "-j", "config" },
		{ "config", "track" },
		{ "config", "track", "redzone=32", "quarantine_kb=0" },
		{ "config", "report_all=Y" },
		{ "config", "x=" },
		{ "reports" },
		{ "reports", "--since", "5", "--follow", "--fail-on-report" },
		{ "reports", "-s", "0x10", "-f", "-F", "-d", "m.ko" },
		{ "reports", "--since=7", "--decode=m.ko" },
		{ "monitor" },
		{ "monitor", "--decode", "m.ko", "--json" },
		{ "clear" },
		{ "version" },
	};
	struct captured c;
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int ret = run(&c, good[i]);

		if (ret)
			fail_msg("'%s %s ...' gave %d: %s", good[i][0], good[i][1] ? good[i][1] : "",
				 ret, c.err);
		assert_int_equal(c.err_len, 0);
		unit_free(&c);
	}
	assert_int_equal(RUN(&c, "status", "--json"), 0);
	assert_true(c.st.json);
	unit_free(&c);
}

static void test_bad_arguments(void **unused)
{
	static const struct {
		const char *argv[6];
		const char *message;
	} bad[] = {
		{ { "reports", "--since" }, "option '--since' needs an argument" },
		{ { "reports", "-s" }, "option '-s' needs an argument" },
		{ { "reports", "--since", "abc" }, "--since 'abc': not a sequence number" },
		{ { "reports", "--since", "-1" }, "not a sequence number" },
		{ { "reports", "--since", "12x" }, "not a sequence number" },
		{ { "reports", "--since", "" }, "not a sequence number" },
		{ { "reports", "--since", "99999999999999999999999" }, "not a sequence number" },
		{ { "reports", "--decode" }, "needs an argument" },
		{ { "reports", "--decode", "" }, "--decode needs the path of a .ko" },
		{ { "reports", "--follow=yes" }, "unknown option" },
		{ { "monitor", "--since", "3" }, "unknown option '--since'" },
		{ { "monitor", "--fail-on-report" }, "unknown option" },
		{ { "config", "=5" }, "'=5': missing key" },
		{ { "config", "" }, "missing key" },
		{ { "config", "a b" }, "'a b': not a configuration key" },
		{ { "config", "track", "re-dzone=1" }, "not a configuration key" },
		{ { "config", "a/b" }, "not a configuration key" },
		{ { "config", "0123456789012345678901234567890123456789012345678901234567890123" },
		  "key longer than 63 characters" },
		{ { "status", "config" }, "unexpected argument 'config'" },
	};
	struct captured c;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int ret = run(&c, bad[i].argv);

		if (ret != MS_EXIT_USAGE || !strstr(c.err, bad[i].message))
			fail_msg("'%s %s': exit %d, message '%s'", bad[i].argv[0],
				 bad[i].argv[1] ? bad[i].argv[1] : "", ret, c.err);
		assert_non_null(strstr(c.err, "--help"));
		unit_free(&c);
	}
}

static void test_long_value(void **unused)
{
	char arg[MEMSAN_CONFIG_VALUE_MAX + 16];
	struct captured c;

	memset(arg, 'v', sizeof(arg) - 1);
	arg[sizeof(arg) - 1] = '\0';
	memcpy(arg, "track=", 6);
	assert_int_equal(RUN(&c, "config", arg), MS_EXIT_USAGE);
	assert_non_null(strstr(c.err, "value longer than 255 characters"));
	unit_free(&c);
	arg[6 + MEMSAN_CONFIG_VALUE_MAX] = '\0';
	assert_int_equal(RUN(&c, "config", arg), MS_EXIT_OK);
	unit_free(&c);
}

/*
 * Each command that needs the family (COMMAND_FLAG_NETLINK) run to its end
 * without memsan, or without its family: @code, @message, nothing on stdout.
 */
static void check_prologue(const char *message, int code)
{
	static const char *const needs_family[][3] = {
		{ "status" }, { "config" }, { "config", "redzone=8" }, { "reports" },
		{ "reports", "--follow" }, { "monitor" }, { "clear" },
	};
	struct captured c;
	size_t i;

	for (i = 0; i < sizeof(needs_family) / sizeof(needs_family[0]); i++) {
		int ret = run_as(&c, false, needs_family[i]);

		if (strstr(c.err, "cannot open a generic netlink socket")) {
			unit_free(&c);
			unsetenv("MEMSAN_CTL_FAMILY");
			unsetenv("MEMSAN_CTL_SYSFS");
			skip();		/* no netlink here: nothing to test */
		}
		if (ret != code || !strstr(c.err, message) || c.out_len)
			fail_msg("'%s %s': exit %d, message '%s', output '%s'", needs_family[i][0],
				 needs_family[i][1] ? needs_family[i][1] : "", ret, c.err, c.out);
		unit_free(&c);
	}
}

/* The prologue of ctl.c stops a command that needs memsan's family. */
static void test_without_memsan(void **unused)
{
	char dir[] = "/tmp/memsan-ctl-unit-XXXXXX", path[64];
	struct captured c;
	FILE *f;

	setenv("MEMSAN_CTL_FAMILY", "memsan_ctl_unit_none", 1);
	setenv("MEMSAN_CTL_SYSFS", "/nonexistent/memsan", 1);
	check_prologue("memsan is not loaded", MS_EXIT_NOT_LOADED);
	assert_int_equal(run_as(&c, false, (const char *const[]){ "version", NULL }), 0);
	assert_string_equal(c.out, "memsan-ctl " MEMSAN_CTL_VERSION "\nmemsan.ko not loaded\n");
	unit_free(&c);

	/* loaded, as far as sysfs tells, but without the family */
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/version", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("9.8.7\n", f);
	fclose(f);
	setenv("MEMSAN_CTL_SYSFS", dir, 1);
	check_prologue("generic netlink family 'memsan_ctl_unit_none' is not available",
		       MS_EXIT_ERROR);
	assert_int_equal(run_as(&c, false, (const char *const[]){ "version", NULL }), 0);
	assert_non_null(strstr(c.out, "memsan.ko 9.8.7\n"));
	unit_free(&c);
	unlink(path);
	rmdir(dir);
	unsetenv("MEMSAN_CTL_FAMILY");
	unsetenv("MEMSAN_CTL_SYSFS");
}

int unit_args_tests(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_command),
		cmocka_unit_test(test_global_help),
		cmocka_unit_test(test_unknown_command),
		cmocka_unit_test(test_command_help),
		cmocka_unit_test(test_command_bad_options),
		cmocka_unit_test(test_good_arguments),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_long_value),
		cmocka_unit_test(test_without_memsan),
	};

	return cmocka_run_group_tests_name("arguments", tests, NULL, NULL);
}
