// SPDX-License-Identifier: GPL-2.0
/*
 * memsan-ctl: global options, command dispatch, messages.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "memsan-ctl.h"

/* Filled by the linker with every MS_COMMAND() of the program. */
extern const struct command *const __start_ms_commands[];
extern const struct command *const __stop_ms_commands[];

const struct command *ms_command_find(const char *name)
{
	const struct command *const *c;

	for (c = __start_ms_commands; c < __stop_ms_commands; c++)
		if (!strcmp((*c)->name, name))
			return *c;
	return NULL;
}

static const char global_usage[] =
	"Usage: %s [--json] COMMAND [ARGS...]\n"
	"       %s COMMAND --help\n"
	"\n"
	"Control memsan.ko and read its reports through generic netlink.\n"
	"\n"
	"Options:\n"
	"  -j, --json     print data as JSON (one document; one object per line when following)\n"
	"  -h, --help     this text\n"
	"\n"
	"Commands:\n";

void ms_commands_usage(struct state *st, FILE *f)
{
	const struct command *const *c;

	fprintf(f, global_usage, st->prog, st->prog);
	for (c = __start_ms_commands; c < __stop_ms_commands; c++)
		fprintf(f, "  %-10s %s\n", (*c)->name, (*c)->summary);
	fprintf(f, "\nExit status: 0 ok, 1 error, 2 usage, 3 memsan not loaded,\n"
		   "4 permission denied, 5 reports found (--fail-on-report).\n");
}

static void vmessage(struct state *st, const char *fmt, va_list ap)
{
	fprintf(st->err, "%s: ", st->prog);
	if (st->cmd)
		fprintf(st->err, "%s: ", st->cmd->name);
	vfprintf(st->err, fmt, ap);
	fputc('\n', st->err);
	fflush(st->err);
}

int ms_error(struct state *st, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(st, fmt, ap);
	va_end(ap);
	return code;
}

void ms_warn(struct state *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(st, fmt, ap);
	va_end(ap);
}

int ms_usage_error(struct state *st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmessage(st, fmt, ap);
	va_end(ap);
	if (st->cmd)
		fprintf(st->err, "Try '%s %s --help'.\n", st->prog, st->cmd->name);
	else
		fprintf(st->err, "Try '%s --help'.\n", st->prog);
	return MS_EXIT_USAGE;
}

int ms_command_help(struct state *st)
{
	fprintf(st->out, "Usage: %s [--json] %s", st->prog, st->cmd->usage);
	return MS_EXIT_OK;
}

int ms_getopt(struct state *st, int argc, char **argv, const char *shortopts,
	      const struct option *longopts,
	      int (*cb)(struct state *st, int opt, const char *arg, void *ctx),
	      void *ctx, int *optind_out)
{
	struct option all[32];
	char spec[64];
	int opt, ret, n = 0;

	/* The command's options, then --help and --json, which every command takes. */
	while (longopts && longopts[n].name && n < 29) {
		all[n] = longopts[n];
		n++;
	}
	all[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	all[n++] = (struct option){ "json", no_argument, NULL, 'j' };
	all[n] = (struct option){ NULL, 0, NULL, 0 };
	/* '+': stop at the first operand; ':': report a missing argument as ':'. */
	snprintf(spec, sizeof(spec), "+:hj%s", shortopts);
	optind = 0;	/* glibc: full reinitialisation, as each command parses anew */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, spec, all, NULL)) != -1) {
		switch (opt) {
		case 'h':
			ms_command_help(st);
			return -1;
		case 'j':
			st->json = true;
			break;
		case ':':
			return ms_usage_error(st, "option '%s' needs an argument", argv[optind - 1]);
		case '?':
			if (optopt)
				return ms_usage_error(st, "unknown option '-%c'", optopt);
			return ms_usage_error(st, "unknown option '%s'", argv[optind - 1]);
		default:
			ret = cb ? cb(st, opt, optarg, ctx) : MS_EXIT_USAGE;
			if (ret)
				return ret;
		}
	}
	*optind_out = optind;
	return 0;
}

void ms_state_init(struct state *st)
{
	const char *env;

	memset(st, 0, sizeof(*st));
	st->prog = "memsan-ctl";
	st->out = stdout;
	st->err = stderr;
	env = getenv("MEMSAN_CTL_FAMILY");
	st->family_name = env && *env ? env : MEMSAN_GENL_NAME;
	env = getenv("MEMSAN_CTL_DEBUGFS");
	st->debugfs_dir = env && *env ? env : "/sys/kernel/debug/memsan";
	env = getenv("MEMSAN_CTL_SYSFS");
	st->sysfs_dir = env && *env ? env : "/sys/module/memsan";
	st->extack_off = -1;
}

void ms_state_fini(struct state *st)
{
	ms_nl_close(st);
	ms_decoder_close(st);
}

static const struct option global_options[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int ms_main(struct state *st, int argc, char **argv)
{
	const struct command *cmd;
	int opt;

	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+jh", global_options, NULL)) != -1) {
		switch (opt) {
		case 'j':
			st->json = true;
			break;
		case 'h':
			ms_commands_usage(st, st->out);
			return MS_EXIT_OK;
		default:
			if (optopt)
				return ms_usage_error(st, "unknown option '-%c'", optopt);
			return ms_usage_error(st, "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind >= argc) {
		ms_commands_usage(st, st->err);
		return MS_EXIT_USAGE;
	}
	cmd = ms_command_find(argv[optind]);
	if (!cmd) {
		if (!strcmp(argv[optind], "help")) {
			ms_commands_usage(st, st->out);
			return MS_EXIT_OK;
		}
		return ms_usage_error(st, "unknown command '%s'", argv[optind]);
	}
	st->cmd = cmd;
	return cmd->handler(st, argc - optind, argv + optind);
}
