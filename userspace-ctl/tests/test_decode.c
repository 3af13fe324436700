// SPDX-License-Identifier: GPL-2.0
/* memsan-ctl unit tests: frames and --decode (nm + addr2line on a fixture object). */
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static void test_frame_parse(void **unused)
{
	struct ms_frame f;

	assert_true(ms_frame_parse("victim_uaf+0x59/0x90 [memsan_victim]", &f));
	assert_string_equal(f.func, "victim_uaf");
	assert_int_equal(f.off, 0x59);
	assert_int_equal(f.size, 0x90);
	assert_string_equal(f.module, "memsan_victim");
	assert_true(ms_frame_parse("vfs_write+0xc7/0x3f0", &f));
	assert_string_equal(f.module, "");
	assert_true(ms_frame_parse("f.constprop.0+0x0/0x10 [m]", &f));
	assert_string_equal(f.func, "f.constprop.0");
	assert_false(ms_frame_parse("0xffffffffc0001234", &f));
	assert_false(ms_frame_parse("f+0x1", &f));
	assert_false(ms_frame_parse("f+0x1/", &f));
	assert_false(ms_frame_parse("+0x1/0x2", &f));
	assert_false(ms_frame_parse("f+0x1/0x2 [m", &f));
	assert_false(ms_frame_parse("f+0x1/0x2 []", &f));
	assert_false(ms_frame_parse("f+0x1/0x2 [m] x", &f));
	assert_false(ms_frame_parse("f+0xzz/0x2", &f));
	assert_false(ms_frame_parse("", &f));
}

/* The line of the marked call in the fixture. */
static int call_line(void)
{
	FILE *f = fopen("decode_fixture.c", "r");
	char line[256];
	int n = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		n++;
		if (strstr(line, "FIXTURE_CALL_LINE"))
			break;
	}
	fclose(f);
	return n;
}

static void test_decode(void **unused)
{
	char frame[128], text[512], want[64];
	struct captured c;
	struct ms_report r = { .access = -1 };
	const char *where;
	unsigned int off;

	unit_start(&c);
	assert_int_equal(ms_decoder_open(&c.st, "decode_fixture.ko"), 0);
	snprintf(want, sizeof(want), "decode_fixture.c:%d", call_line());

	/* The return address after the call of fixture_helper: find it by trying. */
	where = NULL;
	for (off = 1; off < 64 && !(where && strstr(where, want)); off++) {
		snprintf(frame, sizeof(frame), "fixture_target+0x%x/0x40 [decode_fixture]", off);
		where = ms_decode_frame(c.st.decoder, frame);
	}
	assert_non_null(where);
	assert_non_null(strstr(where, want));

	/* Other modules, unknown functions and raw addresses are left alone. */
	assert_null(ms_decode_frame(c.st.decoder, "fixture_target+0x4/0x40 [other]"));
	assert_null(ms_decode_frame(c.st.decoder, "fixture_target+0x4/0x40"));
	assert_null(ms_decode_frame(c.st.decoder, "nosuch+0x4/0x40 [decode_fixture]"));
	assert_null(ms_decode_frame(c.st.decoder, "0xffffffffc0001234"));

	/* The text printer appends the place to the frame lines it can decode. */
	snprintf(text, sizeof(text), "BUG: x\n %s\n vfs_write+0x1/0x2\n", frame);
	r.text = text;
	ms_print_report(&c.st, &r);
	unit_finish(&c);
	assert_non_null(strstr(c.out, "[decode_fixture] ("));
	assert_non_null(strstr(c.out, want));
	assert_non_null(strstr(c.out, "\n vfs_write+0x1/0x2\n"));
	unit_free(&c);
}

static void test_decode_errors(void **unused)
{
	struct captured c;

	unit_start(&c);
	assert_int_equal(ms_decoder_open(&c.st, "no-such.ko"), MS_EXIT_ERROR);
	assert_null(c.st.decoder);
	unit_finish(&c);
	assert_non_null(strstr(c.err, "--decode: no-such.ko"));
	unit_free(&c);

	unit_start(&c);
	assert_int_equal(ms_decoder_open(&c.st, "unit.h"), MS_EXIT_ERROR);	/* not ELF */
	unit_finish(&c);
	assert_non_null(strstr(c.err, "--decode"));
	unit_free(&c);
}

int unit_decode_tests(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_parse),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_decode_errors),
	};

	return cmocka_run_group_tests_name("decode", tests, NULL, NULL);
}
