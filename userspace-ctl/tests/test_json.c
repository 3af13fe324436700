// SPDX-License-Identifier: GPL-2.0
/* memsan-ctl unit tests: JSON output, parsed back with json-c. */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <netlink/msg.h>

#include "unit.h"

static struct json_object *get(struct json_object *o, const char *path)
{
	char key[64];
	const char *dot;

	while ((dot = strchr(path, '.'))) {
		snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
		if (!json_object_object_get_ex(o, key, &o))
			return NULL;
		path = dot + 1;
	}
	return json_object_object_get_ex(o, path, &o) ? o : NULL;
}

static const char *get_str(struct json_object *o, const char *path)
{
	struct json_object *v = get(o, path);

	assert_non_null(v);
	assert_true(json_object_is_type(v, json_type_string));
	return json_object_get_string(v);
}

static int64_t get_int(struct json_object *o, const char *path)
{
	struct json_object *v = get(o, path);

	assert_non_null(v);
	assert_true(json_object_is_type(v, json_type_int));
	return json_object_get_int64(v);
}

static void check_report(struct json_object *o, uint64_t seq)
{
	struct json_object *frames, *frame;

	assert_int_equal(get_int(o, "seq"), seq);
	assert_string_equal(get_str(o, "bug"), "use-after-free");
	assert_string_equal(get_str(o, "access"), "read");
	assert_int_equal(get_int(o, "size"), 4);
	assert_string_equal(get_str(o, "addr"), "0xffff888006700188");
	assert_string_equal(get_str(o, "ip"), "victim_uaf+0x59/0x90 [memsan_victim]");
	assert_string_equal(get_str(o, "module"), "memsan_victim");
	assert_int_equal(get_int(o, "pid"), 96);
	assert_string_equal(get_str(o, "comm"), "sh");
	assert_int_equal(get_int(o, "cpu"), 1);
	assert_int_equal(get_int(o, "call_stack.pid"), 96);
	frames = get(o, "call_stack.frames");
	assert_non_null(frames);
	assert_int_equal(json_object_array_length(frames), 2);
	frame = json_object_array_get_idx(frames, 0);
	assert_string_equal(get_str(frame, "frame"), "victim_uaf+0x59/0x90 [memsan_victim]");
	assert_string_equal(get_str(frame, "function"), "victim_uaf");
	assert_int_equal(get_int(frame, "offset"), 0x59);
	assert_int_equal(get_int(frame, "size"), 0x90);
	assert_string_equal(get_str(frame, "module"), "memsan_victim");
	frame = json_object_array_get_idx(frames, 1);
	{
		struct json_object *module = frame;	/* present, and null: vmlinux */

		assert_true(json_object_object_get_ex(frame, "module", &module));
		assert_null(module);
	}
	assert_string_equal(get_str(o, "object.addr"), "0xffff888006700180");
	assert_int_equal(get_int(o, "object.size"), 40);
	assert_string_equal(get_str(o, "object.cache"), "kmalloc-64");
	assert_int_equal(get_int(o, "object.cache_size"), 64);
	assert_int_equal(json_object_array_length(get(o, "alloc_stack.frames")), 2);
	assert_int_equal(get_int(o, "free_stack.pid"), 97);
	assert_string_equal(get_str(o, "text"), unit_report_text);
}

static void print_reports(struct captured *c, bool lines, int n)
{
	struct ms_report r;
	char why[256];
	int i;

	c->st.stream = lines;
	ms_print_reports_begin(&c->st);
	for (i = 1; i <= n; i++) {
		struct nl_msg *msg = unit_report_msg(i);

		assert_int_equal(ms_parse_report(nlmsg_hdr(msg), &r, why, sizeof(why)), 0);
		ms_print_report(&c->st, &r);
		nlmsg_free(msg);
	}
	ms_print_reports_end(&c->st);
}

static void test_reports_document(void **unused)
{
	struct json_object *doc;
	struct captured c;

	unit_start(&c);
	c.st.json = true;
	print_reports(&c, false, 3);
	unit_finish(&c);
	doc = json_tokener_parse(c.out);
	assert_non_null(doc);
	assert_true(json_object_is_type(doc, json_type_array));
	assert_int_equal(json_object_array_length(doc), 3);
	check_report(json_object_array_get_idx(doc, 0), 1);
	check_report(json_object_array_get_idx(doc, 2), 3);
	assert_int_equal(c.st.reports_printed, 3);
	assert_int_equal(c.st.last_seq, 3);
	json_object_put(doc);
	unit_free(&c);
}

static void test_reports_empty_document(void **unused)
{
	struct json_object *doc;
	struct captured c;

	unit_start(&c);
	c.st.json = true;
	print_reports(&c, false, 0);
	unit_finish(&c);
	doc = json_tokener_parse(c.out);
	assert_non_null(doc);
	assert_int_equal(json_object_array_length(doc), 0);
	json_object_put(doc);
	unit_free(&c);
}

static void test_reports_lines(void **unused)
{
	struct captured c;
	char *line, *save = NULL;
	int n = 0;

	unit_start(&c);
	c.st.json = true;
	print_reports(&c, true, 4);
	unit_finish(&c);
	for (line = strtok_r(c.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct json_object *o = json_tokener_parse(line);

		assert_non_null(o);
		check_report(o, ++n);
		json_object_put(o);
	}
	assert_int_equal(n, 4);
	unit_free(&c);
}

/* As text, a report is its text, byte for byte. */
static void test_reports_text(void **unused)
{
	struct captured c;

	unit_start(&c);
	print_reports(&c, false, 2);
	unit_finish(&c);
	assert_int_equal(c.out_len, 2 * strlen(unit_report_text));
	assert_memory_equal(c.out, unit_report_text, strlen(unit_report_text));
	assert_memory_equal(c.out + strlen(unit_report_text), unit_report_text,
			    strlen(unit_report_text));
	unit_free(&c);
}

static void test_status_json(void **unused)
{
	struct nl_msg *msg = unit_status_msg();
	struct ms_status *s = malloc(sizeof(*s));
	struct json_object *doc, *v;
	struct captured c;
	char why[256];

	assert_int_equal(ms_parse_status(nlmsg_hdr(msg), s, why, sizeof(why)), 0);
	unit_start(&c);
	c.st.json = true;
	ms_print_status(&c.st, s);
	unit_finish(&c);
	doc = json_tokener_parse(c.out);
	assert_non_null(doc);
	assert_string_equal(get_str(doc, "version"), "0.1.0");
	assert_string_equal(get_str(doc, "source"), "netlink");
	v = get(doc, "enabled");
	assert_true(json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v));
	assert_string_equal(get_str(doc, "config.track"), "modules");
	assert_string_equal(get_str(doc, "config.redzone"), "16");
	assert_int_equal(get_int(doc, "counters.reports"), 3);
	assert_int_equal(get_int(doc, "counters.netlink_drops"), -1);
	assert_int_equal(get_int(doc, "probes_missed"), 35);
	assert_int_equal(get_int(doc, "next_seq"), 5);
	json_object_put(doc);
	unit_free(&c);

	/* and as text: every key and counter on a line of its own */
	unit_start(&c);
	ms_print_status(&c.st, s);
	unit_finish(&c);
	assert_non_null(strstr(c.out, "\n  track: modules\n"));
	assert_non_null(strstr(c.out, "\n  netlink_drops: -1\n"));
	assert_non_null(strstr(c.out, "reports kept: seq 2 to 4\n"));
	unit_free(&c);
	free(s);
	nlmsg_free(msg);
}

static void test_config_json(void **unused)
{
	struct ms_config cfg = { .n = 2, .entries = { { "track", "all" }, { "redzone", "8" } } };
	struct json_object *doc;
	struct captured c;

	unit_start(&c);
	c.st.json = true;
	ms_print_config(&c.st, &cfg);
	unit_finish(&c);
	doc = json_tokener_parse(c.out);
	assert_non_null(doc);
	assert_string_equal(get_str(doc, "track"), "all");
	assert_string_equal(get_str(doc, "redzone"), "8");
	json_object_put(doc);
	unit_free(&c);

	unit_start(&c);
	ms_print_config(&c.st, &cfg);
	unit_finish(&c);
	assert_string_equal(c.out, "track=all\nredzone=8\n");
	unit_free(&c);
}

int unit_json_tests(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reports_document),
		cmocka_unit_test(test_reports_empty_document),
		cmocka_unit_test(test_reports_lines),
		cmocka_unit_test(test_reports_text),
		cmocka_unit_test(test_status_json),
		cmocka_unit_test(test_config_json),
	};

	return cmocka_run_group_tests_name("output", tests, NULL, NULL);
}
