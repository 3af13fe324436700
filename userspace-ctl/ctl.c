// SPDX-License-Identifier: GPL-2.0
/*
 * memsan-ctl: global options, command dispatch and the one prologue of every
 * command: its options (into struct state), its operands, --decode, and
 * memsan's generic netlink family for a command with COMMAND_FLAG_NETLINK.
 * The handler then only does the command's work.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "memsan-ctl.h"

/* Filled by the linker with every MS_COMMAND() of the program. */
extern const struct command *const __start_ms_commands[];
extern const struct command *const __stop_ms_commands[];

#define MS_MAX_OPTIONS	16	/* long options of one command, --help and --json included */

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
		   "4 permission denied, 5 reports found (--fail-on-report; explore),\n"
		   "6 a step of explore timed out.\n");
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || *end ? -1 : 0;
}

/* One option of a command into st: the command's option table says which it takes. */
static int command_option(struct state *st, int opt, const char *arg)
{
	uint64_t v;

	switch (opt) {
	case 's':
		if (parse_u64(arg, &st->since))
			return ms_usage_error(st, "--since '%s': not a sequence number", arg);
		st->has_since = true;
		return 0;
	case 'f':
		st->follow = true;
		return 0;
	case 'F':
		st->fail_on_report = true;
		return 0;
	case 'd':
		if (!*arg)
			return ms_usage_error(st, "--decode needs the path of a .ko");
		st->decode = arg;
		return 0;
	case 'm':
		/* a module name: MODULE_NAME_LEN (56) with its NUL, no '/' */
		if (!*arg || strlen(arg) > 55 || strpbrk(arg, " \t\n/"))
			return ms_usage_error(st, "--module '%s': not a module name", arg);
		st->module = arg;
		return 0;
	case 'n':
		if (parse_u64(arg, &v) || !v || v > UINT32_MAX)
			return ms_usage_error(st, "--max '%s': not a number of steps (1 or more)", arg);
		st->explore_max = v;
		return 0;
	case 't':
		if (parse_u64(arg, &v) || !v || v > 86400)
			return ms_usage_error(st, "--timeout '%s': not a number of seconds (1-86400)",
					      arg);
		st->explore_timeout = v;
		return 0;
	case 'o':
		st->explore_output = true;
		return 0;
	}
	return ms_usage_error(st, "unknown option '-%c'", opt);
}

/*
 * The options of st->cmd: its own, and --help and --json, which every
 * command takes.  0 with the first operand's index in *@first; -1 after
 * printing the help; or MS_EXIT_USAGE.
 */
static int command_options(struct state *st, int argc, char **argv, int *first)
{
	const struct command *cmd = st->cmd;
	struct option all[MS_MAX_OPTIONS + 1];
	char spec[32];
	int opt, ret, n = 0;

	while (cmd->longopts && cmd->longopts[n].name && n < MS_MAX_OPTIONS - 2) {
		all[n] = cmd->longopts[n];
		n++;
	}
	all[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	all[n++] = (struct option){ "json", no_argument, NULL, 'j' };
	all[n] = (struct option){ NULL, 0, NULL, 0 };
	/* '+': stop at the first operand; ':': report a missing argument as ':'. */
	snprintf(spec, sizeof(spec), "+:hj%s", cmd->shortopts ? cmd->shortopts : "");
	optind = 0;	/* glibc: full reinitialisation, as each command parses anew */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, spec, all, NULL)) != -1) {
		switch (opt) {
		case 'h':
			fprintf(st->out, "Usage: %s [--json] %s", st->prog, cmd->usage);
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
			ret = command_option(st, opt, optarg);
			if (ret)
				return ret;
		}
	}
	*first = optind;
	return 0;
}

/* The prologue every command shares, then its handler with its operands. */
static int run_command(struct state *st, int argc, char **argv)
{
	const struct command *cmd = st->cmd;
	int ret, first;

	ret = command_options(st, argc, argv, &first);
	if (ret)
		return ret < 0 ? MS_EXIT_OK : ret;
	argc -= first;
	argv += first;
	if (cmd->check_operands)
		ret = cmd->check_operands(st, argc, argv);
	else if (argc)
		ret = ms_usage_error(st, "unexpected argument '%s'", argv[0]);
	if (ret || st->parse_only)
		return ret;

	if (st->decode) {
		ret = ms_decoder_open(st, st->decode);
		if (ret)
			return ret;
	}
	if (cmd->flags & COMMAND_FLAG_NETLINK) {
		ret = ms_nl_need(st);
		if (ret)
			return ret;
	}
	return cmd->handler(st, argc, argv);
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
	env = getenv("MEMSAN_CTL_SYSFS");
	st->sysfs_dir = env && *env ? env : "/sys/module/memsan";
	st->extack_off = -1;
	st->explore_timeout = 60;
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
	return run_command(st, argc - optind, argv + optind);
}
