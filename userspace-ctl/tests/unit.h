/* SPDX-License-Identifier: GPL-2.0 */
/* memsan-ctl unit tests: shared helpers (cmocka). */
#ifndef MEMSAN_CTL_UNIT_H
#define MEMSAN_CTL_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "memsan-ctl.h"

struct nl_msg;

/* A state whose out and err go to memory; unit_finish() returns them. */
struct captured {
	struct state st;
	char *out, *err;
	size_t out_len, err_len;
};

void unit_start(struct captured *c);
void unit_finish(struct captured *c);
void unit_free(struct captured *c);

/* A genetlink message of @cmd as the kernel would send it. */
struct nl_msg *unit_msg(uint8_t cmd);
/* A full report message like memsan.ko sends (seq @seq). */
struct nl_msg *unit_report_msg(uint64_t seq);
/* A status message with every field. */
struct nl_msg *unit_status_msg(void);
/* A malloc'd copy of the first @len bytes of @msg with nlmsg_len = @len (ASan sees over-reads). */
struct nlmsghdr *unit_copy(struct nl_msg *msg, size_t len);

extern const char unit_report_text[];

int unit_args_tests(void);
int unit_msg_tests(void);
int unit_json_tests(void);
int unit_decode_tests(void);
int unit_explore_tests(void);

#endif
