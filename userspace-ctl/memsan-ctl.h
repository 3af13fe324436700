/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsan-ctl: command line client of memsan.ko's generic netlink family.
 *
 * Every command lives in its own cmd_*.c file and registers itself with
 * MS_COMMAND(), with flags that say what it needs; ctl.c finds it by name,
 * parses its options into the one struct state of the run, opens what the
 * flags ask for, and calls its handler with the operands.  Messages from the
 * kernel are parsed into the structs below (msg.c) and printed by one
 * printer per message type (print.c), shared by the commands.
 *
 * Calls go one way, down this list: main.c; ctl.c; cmd_*.c; reports.c (the
 * report stream of "reports" and "monitor"); nl.c (transport); print.c;
 * decode.c; msg.c (parsers) and err.c (messages), which call nothing here.
 */
#ifndef MEMSAN_CTL_H
#define MEMSAN_CTL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "../kmod/uapi/memsan.h"

#define MEMSAN_CTL_VERSION "0.1.0"

/* Exit statuses: keep memsan-ctl.1 in step. */
enum ms_exit {
	MS_EXIT_OK = 0,
	MS_EXIT_ERROR = 1,		/* any other error */
	MS_EXIT_USAGE = 2,		/* bad command line */
	MS_EXIT_NOT_LOADED = 3,		/* memsan.ko is not loaded */
	MS_EXIT_PERM = 4,		/* permission denied */
	MS_EXIT_REPORTS = 5,		/* --fail-on-report and there were reports; explore: any */
	MS_EXIT_TIMEOUT = 6,		/* explore: a step timed out, no report */
};

struct nl_sock;
struct nlmsghdr;
struct decoder;
struct option;

/**
 * struct state - everything a command handler needs, one per run
 */
struct state {
	const char *prog;		/* for messages: "memsan-ctl" */
	const struct command *cmd;	/* the command being run */
	bool json;			/* --json */
	bool parse_only;		/* unit tests: return after parsing arguments */
	FILE *out;			/* data: stdout */
	FILE *err;			/* diagnostics: stderr */

	/* Where memsan lives; the environment can move them (tests). */
	const char *family_name;	/* $MEMSAN_CTL_FAMILY or "memsan" */
	const char *sysfs_dir;		/* $MEMSAN_CTL_SYSFS or /sys/module/memsan */

	/* Options of "reports" and "monitor" (ctl.c) */
	bool follow;			/* --follow */
	bool fail_on_report;		/* --fail-on-report */
	bool has_since;			/* --since SEQ */
	uint64_t since;
	const char *decode;		/* --decode PATH.ko */
	const char *module;		/* --module NAME (leaks, explore) */

	/* Options of "explore" (ctl.c) */
	unsigned int explore_max;	/* --max N (0: no bound) */
	unsigned int explore_timeout;	/* --timeout S per step */
	bool explore_output;		/* --output: show the command's output */

	/* Netlink (nl.c) */
	struct nl_sock *sk;		/* requests and replies */
	struct nl_sock *mc;		/* the "reports" group */
	int family_id;
	int nl_errno;			/* last request's error, positive errno */
	char extack[256];		/* its extack message, or "" */
	int extack_off;			/* its extack offset, or -1 */

	/* Reports (reports.c, print.c) */
	struct decoder *decoder;	/* --decode */
	bool stream;			/* printed one by one as they come: JSON lines */
	unsigned long reports_printed;
	uint64_t last_seq;		/* highest report sequence printed */
	bool malformed;			/* a message could not be parsed */
};

/* What a command needs before its handler runs (as batctl's COMMAND_FLAG_*). */
enum command_flags {
	COMMAND_FLAG_NETLINK = 1 << 0,	/* memsan's generic netlink family, opened */
};

/**
 * struct command - one subcommand
 * @name:	as typed
 * @summary:	one line for "memsan-ctl --help"
 * @usage:	synopsis and options for "memsan-ctl COMMAND --help"
 * @flags:	enum command_flags
 * @shortopts:	its options besides --help and --json, for getopt_long; ctl.c
 * @longopts:	knows every option letter and stores it in struct state
 * @check_operands: usage errors in the operands (MS_EXIT_USAGE), else 0; NULL:
 *		the command takes none
 * @handler:	runs it with its operands; returns an enum ms_exit
 */
struct command {
	const char *name;
	const char *summary;
	const char *usage;
	unsigned int flags;
	const char *shortopts;
	const struct option *longopts;
	int (*check_operands)(struct state *st, int argc, char **argv);
	int (*handler)(struct state *st, int argc, char **argv);
};

/* Register @cmd (a static struct command): it lands in section ms_commands. */
#define MS_COMMAND(cmd)							\
	static const struct command *const cmd##_entry			\
	__attribute__((used, section("ms_commands"), aligned(sizeof(void *)))) = &cmd

/* === Dispatch (ctl.c; main.c is the process around it) === */

const struct command *ms_command_find(const char *name);
void ms_commands_usage(struct state *st, FILE *f);
void ms_state_init(struct state *st);
void ms_state_fini(struct state *st);
/* The whole program but the process; returns an enum ms_exit. */
int ms_main(struct state *st, int argc, char **argv);

/* === Diagnostics (err.c): "memsan-ctl: COMMAND: ..." on st->err === */

/* Returns @code. */
int ms_error(struct state *st, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Adds "Try '... --help'."; returns MS_EXIT_USAGE. */
int ms_usage_error(struct state *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ms_warn(struct state *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* === Netlink (nl.c) === */

/*
 * Open the request socket and resolve the family: 0; -1 if memsan is loaded
 * without the family (nothing printed); or an enum ms_exit, with its message
 * printed (MS_EXIT_NOT_LOADED if memsan is not).
 */
int ms_nl_open(struct state *st);
/* The same, with a message when the family is missing: 0 or an enum ms_exit. */
int ms_nl_need(struct state *st);
void ms_nl_close(struct state *st);
/* Whether memsan.ko is loaded at all (its sysfs directory exists). */
bool ms_module_loaded(struct state *st);

/* Called for each message of a reply; a nonzero return stops the request. */
typedef int (*ms_nl_handler)(struct state *st, struct nlmsghdr *nlh, void *arg);

struct nl_msg;
/* A request of @cmd with @flags (NLM_F_DUMP...), attributes already in @msg or NULL. */
struct nl_msg *ms_nl_msg(struct state *st, uint8_t cmd, int flags);
/* Send @msg (freed) and handle the replies. 0, or -errno with st->nl_errno/extack set. */
int ms_nl_request(struct state *st, struct nl_msg *msg, ms_nl_handler handler, void *arg);
/* A request of @cmd without attributes: as ms_nl_request(). */
int ms_nl_do(struct state *st, uint8_t cmd, ms_nl_handler handler, void *arg);
/* Map a failed request to a message and an exit status; @what names it. */
int ms_nl_fail(struct state *st, const char *what, const char *privilege);

/* What a status reply says of memsan's version and next report, copied out of it. */
struct ms_status_brief {
	char version[64];		/* "" if the reply had none */
	uint64_t next_seq;		/* 0 if the reply had none */
};

/* A GET_STATUS request: 0, or -errno with st->nl_errno set. */
int ms_get_status_brief(struct state *st, struct ms_status_brief *b);

/* Join the "reports" group on st->mc.  0, or an enum ms_exit. */
int ms_nl_subscribe(struct state *st);
/*
 * Call @handler for each message of the group until SIGINT/SIGTERM (then 0)
 * or until it returns nonzero (then that).  After a receive buffer overrun,
 * once the socket is drained, @handler gets a NULL message.  -1 on error.
 */
int ms_nl_listen(struct state *st, ms_nl_handler handler, void *arg);

/* SIGINT/SIGTERM seen by ms_nl_listen() */
extern volatile int ms_stop;

/* === Messages from memsan.ko into structs (msg.c) === */

#define MS_MAX_FRAMES	64	/* more than the kernel sends: extra frames are dropped */
#define MS_MAX_ENTRIES	128

struct ms_stack {
	bool present;
	bool has_pid;
	uint32_t pid;
	unsigned int nr;
	const char *frames[MS_MAX_FRAMES];
};

/* A report.  Strings point into the message it came from. */
struct ms_report {
	uint64_t seq;			/* 1, 2, ...; 0: none */
	const char *bug;
	int access;			/* enum memsan_access, -1: unknown */
	bool has_size, has_addr, has_first_bad, has_pid, has_cpu;
	uint64_t size, addr, first_bad;
	uint32_t pid, cpu;
	const char *ip, *module, *comm;
	struct ms_stack call, alloc, free;
	bool has_object, has_obj_addr, has_obj_size, has_cache_size;
	uint64_t obj_addr, obj_size;
	uint32_t cache_size;
	const char *cache;
	const char *text;
	bool has_leak, has_leak_bytes;	/* memory-leak reports */
	uint32_t leak_objects;
	uint64_t leak_bytes;
};

/* What a leak scan did (MEMSAN_CMD_LEAK_SCAN reply). */
struct ms_leak_scan {
	uint32_t modules, candidates, leaked, reports;
	uint64_t first_seq, bytes_scanned, duration_ns;
	bool incomplete;
};

struct ms_entry {
	const char *name;
	const char *value;
};

struct ms_counter {
	const char *name;
	int64_t value;
};

struct ms_config {
	unsigned int n;
	struct ms_entry entries[MS_MAX_ENTRIES];
};

struct ms_status {
	const char *version;
	const char *source;		/* always "netlink" (kept in the output) */
	int enabled;			/* -1: unknown */
	struct ms_config config;
	unsigned int n_counters;
	struct ms_counter counters[MS_MAX_ENTRIES];
	bool has_probes_missed, has_first_seq, has_next_seq;
	uint64_t probes_missed, first_seq, next_seq;
};

/*
 * Each returns 0, or -1 with a reason in @why (never reads past nlmsg_len).
 * A report is a MEMSAN_CMD_REPORT or a MEMSAN_CMD_GET_REPORTS reply.
 */
int ms_parse_report(const struct nlmsghdr *nlh, struct ms_report *r, char *why, size_t len);
int ms_parse_leak_scan(const struct nlmsghdr *nlh, struct ms_leak_scan *l, char *why, size_t len);
int ms_parse_report_ready(const struct nlmsghdr *nlh, uint64_t *seq, char *why, size_t len);
int ms_parse_status(const struct nlmsghdr *nlh, struct ms_status *s, char *why, size_t len);
int ms_parse_config(const struct nlmsghdr *nlh, struct ms_config *c, char *why, size_t len);
/* The genl command of a message from memsan, or -1 if it is not one. */
int ms_msg_cmd(const struct nlmsghdr *nlh);

const char *ms_access_name(int access);

/* === Printers (print.c): one per message type, text or JSON === */

struct json_object;
struct json_object *ms_report_json(struct state *st, const struct ms_report *r);
struct json_object *ms_status_json(const struct ms_status *s);
struct json_object *ms_config_json(const struct ms_config *c);

/*
 * Reports are printed one by one; begin/end frame them in a JSON array
 * unless st->stream (then one JSON object per line).
 */
void ms_print_reports_begin(struct state *st);
void ms_print_report(struct state *st, const struct ms_report *r);
void ms_print_reports_end(struct state *st);
void ms_print_status(struct state *st, const struct ms_status *s);
void ms_print_config(struct state *st, const struct ms_config *c);
void ms_print_json(struct state *st, struct json_object *obj, bool line);

/* === --decode (decode.c) === */

int ms_decoder_open(struct state *st, const char *ko_path);
void ms_decoder_close(struct state *st);
/* "func+0x1a/0x40 [mod]" of the decoded module: "file.c:12", else NULL. */
const char *ms_decode_frame(struct decoder *d, const char *frame);

/* A frame split up; false if @frame is not "func+0xoff/0xsize[ [mod]]". */
struct ms_frame {
	char func[256];
	uint64_t off, size;
	char module[64];
};
bool ms_frame_parse(const char *frame, struct ms_frame *f);

/* === The report stream (reports.c), of "reports" and "monitor" === */

/* --decode, an option of both: its long option and its help line. */
#define MS_DECODE_OPTION	{ "decode", required_argument, NULL, 'd' }
#define MS_DECODE_HELP		"  -d, --decode PATH.ko   add file:line to the frames of that module\n"

/* Dump and print the reports from @since on (every one kept if !@has_since). */
int ms_dump_reports(struct state *st, bool has_since, uint64_t since);
/*
 * Before following: an empty dump (permission denied as a clear error on any
 * kernel), then join the "reports" group; *@next is the sequence number of
 * memsan's next report.  0 or an enum ms_exit.
 */
int ms_subscribe_reports(struct state *st, uint64_t *next);
/*
 * Print each report the group brings with a sequence number above @after
 * (and above st->last_seq) until SIGINT/SIGTERM; a gap in the sequence
 * numbers is caught up with a dump.  0 or an enum ms_exit.
 */
int ms_follow_reports(struct state *st, uint64_t after);

/* === explore (explore.c: no kernel needed; cmd_explore.c runs it) === */

#define MS_EXPLORE_SITE_MAX	192	/* fail_last: "FUNC in CALLER (why)" */
#define MS_MODULE_NAME_MAX	64

/* One run of the command: step 0 without failure, step N with fail_nth=N. */
struct ms_explore_step {
	unsigned int step;
	bool reached;			/* step N: the Nth call happened and was failed */
	char site[MS_EXPLORE_SITE_MAX];	/* fail_last after it */
	uint64_t allocations;		/* step 0: calls counted */
	int exit_status;		/* the command's, when it exited */
	int signal;			/* killed by this signal, or 0 */
	bool timed_out;			/* killed after --timeout */
	unsigned int nr_reports;
	char **headlines;		/* "BUG: MEMSAN: ..." of each report */
};

/* A distinct bug: reports with the same headline. */
struct ms_explore_bug {
	char *headline;
	char *site;			/* the failed call of its first step, or "" */
	unsigned int first_step, last_step, nr_steps;
};

struct ms_explore {
	struct ms_explore_bug *bugs;
	unsigned int nr_bugs, reports, timeouts;
};

/* The "BUG: MEMSAN: ..." line of a report's text into @buf; false if none. */
bool ms_report_headline(const char *text, char *buf, size_t len);
/* "BUG: MEMSAN: double-free in f+0x1c/0x40 [m]" -> "double-free in f" */
void ms_headline_brief(const char *headline, char *buf, size_t len);
/* fail_last "FUNC in CALLER (why)" -> "FUNC in CALLER" */
void ms_fail_site_brief(const char *fail_last, char *buf, size_t len);
/* "step 7: kmalloc in f+0x4c/0x90 [m] failed -> exit 1, 1 report: ..."; -1 if cut */
int ms_explore_step_line(const struct ms_explore_step *s, unsigned int timeout, char *buf,
			 size_t len);
/* Count @s's reports into the distinct bugs; -1 out of memory. */
int ms_explore_add_step(struct ms_explore *x, const struct ms_explore_step *s);
void ms_explore_summary(const struct ms_explore *x, unsigned int steps, FILE *f);
void ms_explore_free(struct ms_explore *x);
/* Modules of /proc/modules text @after not in @before, into @names: count, -1 if > @max. */
int ms_modules_new(const char *before, const char *after, char (*names)[MS_MODULE_NAME_MAX],
		   int max);

#endif /* MEMSAN_CTL_H */
