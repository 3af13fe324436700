// SPDX-License-Identifier: GPL-2.0
/*
 * memsan-ctl explore: walk a command's error paths.
 *
 * Step 0 runs COMMAND with no failure and counts its allocation calls
 * (memsan's allocations_counted); step N runs it with fail_nth=N, for N up
 * to that count (or --max).  Before each step memsan's kept reports are
 * cleared (so a bug site reports again); after it, modules the command left
 * loaded are unloaded (which runs their exit and memsan's checks at unload)
 * and the reports of the step are collected.  Each step prints one line;
 * the summary lists the distinct bugs (one per report headline).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "memsan-ctl.h"

#define MAX_NEW_MODULES	16

/* What explore reads of memsan's status between steps. */
struct snapshot {
	int64_t counted, failed, leak_scans;
	bool has_leak_scans;
	uint64_t next_seq;
	char fail_nth[32], fail_module[MS_MODULE_NAME_MAX], fail_probability[16];
	char fail_last[MS_EXPLORE_SITE_MAX];
};

static void copy_value(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

static int snapshot_reply(struct state *st, struct nlmsghdr *nlh, void *arg)
{
	struct ms_status *s = calloc(1, sizeof(*s));
	struct snapshot *snap = arg;
	char why[256];
	unsigned int i;

	if (!s)
		return ms_error(st, MS_EXIT_ERROR, "out of memory");
	if (ms_parse_status(nlh, s, why, sizeof(why))) {
		free(s);
		return ms_error(st, MS_EXIT_ERROR, "malformed status message: %s", why);
	}
	for (i = 0; i < s->n_counters; i++) {
		const struct ms_counter *c = &s->counters[i];

		if (!strcmp(c->name, "allocations_counted"))
			snap->counted = c->value;
		else if (!strcmp(c->name, "allocations_failed_injected"))
			snap->failed = c->value;
		else if (!strcmp(c->name, "leak_scans")) {
			snap->leak_scans = c->value;
			snap->has_leak_scans = true;
		}
	}
	for (i = 0; i < s->config.n; i++) {
		const struct ms_entry *e = &s->config.entries[i];

		if (!strcmp(e->name, "fail_nth"))
			copy_value(snap->fail_nth, sizeof(snap->fail_nth), e->value);
		else if (!strcmp(e->name, "fail_module"))
			copy_value(snap->fail_module, sizeof(snap->fail_module), e->value);
		else if (!strcmp(e->name, "fail_probability"))
			copy_value(snap->fail_probability, sizeof(snap->fail_probability),
				   e->value);
		else if (!strcmp(e->name, "fail_last"))
			copy_value(snap->fail_last, sizeof(snap->fail_last), e->value);
	}
	snap->next_seq = s->has_next_seq ? s->next_seq : 0;
	free(s);
	return 0;
}

static int snapshot(struct state *st, struct snapshot *snap)
{
	int ret;

	memset(snap, 0, sizeof(*snap));
	ret = ms_nl_do(st, MEMSAN_CMD_GET_STATUS, snapshot_reply, snap);
	if (ret == -EPROTO)
		return MS_EXIT_ERROR;
	if (ret)
		return ms_nl_fail(st, "reading the status", NULL);
	return 0;
}

/* Set one configuration key; the kernel's message on failure. */
static int set_key(struct state *st, const char *name, const char *value)
{
	struct nl_msg *msg = ms_nl_msg(st, MEMSAN_CMD_SET_CONFIG, 0);
	struct nlattr *entry;
	int ret;

	if (!msg)
		return ms_error(st, MS_EXIT_ERROR, "out of memory");
	entry = nla_nest_start(msg, MEMSAN_A_CONFIG_ENTRY | NLA_F_NESTED);
	if (!entry || nla_put_string(msg, MEMSAN_A_ENTRY_NAME, name) ||
	    nla_put_string(msg, MEMSAN_A_ENTRY_VALUE, value)) {
		nlmsg_free(msg);
		return ms_error(st, MS_EXIT_ERROR, "request too large");
	}
	nla_nest_end(msg, entry);
	ret = ms_nl_request(st, msg, NULL, NULL);
	if (!ret)
		return 0;
	if (st->nl_errno == EPERM || st->nl_errno == EACCES)
		return ms_nl_fail(st, "setting the configuration", "CAP_NET_ADMIN");
	if (!strcmp(name, "fail_module"))
		return ms_error(st, MS_EXIT_ERROR, "fail_module=%s: %s (is it an instrumented module?)",
				value, st->extack[0] ? st->extack : strerror(st->nl_errno));
	return ms_error(st, MS_EXIT_ERROR, "%s=%s: %s", name, value,
			st->extack[0] ? st->extack : strerror(st->nl_errno));
}

/* === The reports of one step === */

struct collected {
	struct ms_explore_step *step;
	json_object *reports;		/* --json: the reports of the step */
};

static int report_msg(struct state *st, struct nlmsghdr *nlh, void *arg)
{
	struct collected *col = arg;
	struct ms_explore_step *s = col->step;
	char headline[512], **grown;
	struct ms_report r;
	char why[256];

	if (ms_parse_report(nlh, &r, why, sizeof(why))) {
		ms_warn(st, "malformed report message: %s", why);
		return 0;
	}
	if (!ms_report_headline(r.text, headline, sizeof(headline)))
		snprintf(headline, sizeof(headline), "BUG: MEMSAN: %s in %s", r.bug,
			 r.ip ? r.ip : "?");
	grown = realloc(s->headlines, (s->nr_reports + 1) * sizeof(*grown));
	if (!grown)
		return ms_error(st, MS_EXIT_ERROR, "out of memory");
	s->headlines = grown;
	s->headlines[s->nr_reports] = strdup(headline);
	if (!s->headlines[s->nr_reports])
		return ms_error(st, MS_EXIT_ERROR, "out of memory");
	s->nr_reports++;
	if (col->reports)
		json_object_array_add(col->reports, ms_report_json(st, &r));
	return 0;
}

static int collect_reports(struct state *st, uint64_t since, struct collected *col)
{
	struct nl_msg *msg = ms_nl_msg(st, MEMSAN_CMD_GET_REPORTS, NLM_F_DUMP);

	if (!msg || nla_put_u64(msg, MEMSAN_A_REPORT_SEQ, since)) {
		if (msg)
			nlmsg_free(msg);
		return ms_error(st, MS_EXIT_ERROR, "out of memory");
	}
	if (ms_nl_request(st, msg, report_msg, col))
		return ms_nl_fail(st, "reading the reports", "CAP_NET_ADMIN");
	return 0;
}

/* === The command and the modules it loads === */

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static char *read_modules(void)
{
	size_t cap = 8192, len = 0;
	char *buf = malloc(cap);
	ssize_t n;
	int fd = open("/proc/modules", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || !buf) {
		if (fd >= 0)
			close(fd);
		free(buf);
		return NULL;
	}
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += n;
		if (len + 1 == cap) {
			char *grown = realloc(buf, cap * 2);

			if (!grown)
				break;
			buf = grown;
			cap *= 2;
		}
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

/* Unload the modules loaded since @before; 0, or an exit status after a message. */
static int unload_new_modules(struct state *st, const char *before)
{
	char names[MAX_NEW_MODULES][MS_MODULE_NAME_MAX];
	char *now = read_modules();
	int n, i, tries;

	if (!now)
		return ms_error(st, MS_EXIT_ERROR, "cannot read /proc/modules: %s",
				strerror(errno));
	n = ms_modules_new(before, now, names, MAX_NEW_MODULES);
	free(now);
	if (n < 0)
		return ms_error(st, MS_EXIT_ERROR, "the command left more than %d modules loaded",
				MAX_NEW_MODULES);
	for (i = n - 1; i >= 0; i--) {
		int err = 0;

		/* a module whose exit is still running is busy for a moment */
		for (tries = 0; tries < 50; tries++) {
			err = syscall(SYS_delete_module, names[i], O_NONBLOCK) ? errno : 0;
			if (err != EAGAIN && err != EBUSY && err != EWOULDBLOCK)
				break;
			sleep_ms(100);
		}
		if (err && err != ENOENT)
			return ms_error(st, MS_EXIT_ERROR, "cannot unload %s (left by the command): %s",
					names[i], strerror(err));
	}
	return 0;
}

/*
 * Run @argv in its own process group; fill @s with how it ended.  Returns
 * 0, or -1 if it could not be started or outlived SIGKILL.
 */
static int run_command(struct state *st, char **argv, struct ms_explore_step *s)
{
	long waited = 0, limit = (long)st->explore_timeout * 1000;
	int status;
	pid_t pid, got;

	fflush(st->out);
	fflush(st->err);
	pid = fork();
	if (pid < 0)
		return ms_error(st, -1, "fork: %s", strerror(errno));
	if (!pid) {
		setpgid(0, 0);
		if (!st->explore_output) {
			int null = open("/dev/null", O_RDWR);

			if (null >= 0) {
				dup2(null, 0);
				dup2(null, 1);
				dup2(null, 2);
			}
		} else {
			dup2(2, 1);	/* keep stdout for explore's own lines */
		}
		execvp(argv[0], argv);
		fprintf(stderr, "%s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	while ((got = waitpid(pid, &status, WNOHANG)) == 0 && waited < limit) {
		sleep_ms(20);
		waited += 20;
	}
	if (got == 0) {
		s->timed_out = true;
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		for (waited = 0; (got = waitpid(pid, &status, WNOHANG)) == 0 && waited < 5000;
		     waited += 50)
			sleep_ms(50);
		if (got == 0)
			return ms_error(st, -1, "step %u: the command did not end %u s after SIGKILL "
					"(stuck in the kernel?): stopping", s->step,
					st->explore_timeout);
	}
	if (got < 0)
		return ms_error(st, -1, "waitpid: %s", strerror(errno));
	if (WIFEXITED(status))
		s->exit_status = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		s->signal = WTERMSIG(status);
	return 0;
}

/*
 * After the command: wait until memsan's leak scans (when it has them) have
 * settled, unchanged for 200 ms, since a module's unload may scan after
 * its exit returned.  At most 3 s.
 */
static int settle(struct state *st, struct snapshot *snap)
{
	int64_t prev = -1;
	int i, stable = 0, ret;

	for (i = 0; i < 30; i++) {
		ret = snapshot(st, snap);
		if (ret || !snap->has_leak_scans)
			return ret;
		stable = snap->leak_scans == prev ? stable + 1 : 0;
		if (stable == 2)
			return 0;
		prev = snap->leak_scans;
		sleep_ms(100);
	}
	return 0;
}

/* === The exploration === */

struct run {
	struct ms_explore x;
	json_object *steps;
	char *modules_before;
};

static void step_free(struct ms_explore_step *s)
{
	unsigned int i;

	for (i = 0; i < s->nr_reports; i++)
		free(s->headlines[i]);
	free(s->headlines);
	memset(s, 0, sizeof(*s));
}

static json_object *step_json(const struct ms_explore_step *s, json_object *reports)
{
	json_object *o = json_object_new_object();
	char site[MS_EXPLORE_SITE_MAX];

	json_object_object_add(o, "step", json_object_new_int64(s->step));
	if (!s->step)
		json_object_object_add(o, "allocations", json_object_new_int64(s->allocations));
	else
		json_object_object_add(o, "reached", json_object_new_boolean(s->reached));
	ms_fail_site_brief(s->site, site, sizeof(site));
	json_object_object_add(o, "failed", s->step && s->reached ?
			       json_object_new_string(site) : NULL);
	json_object_object_add(o, "exit", s->timed_out || s->signal ? NULL :
			       json_object_new_int(s->exit_status));
	json_object_object_add(o, "signal", s->signal ? json_object_new_int(s->signal) : NULL);
	json_object_object_add(o, "timed_out", json_object_new_boolean(s->timed_out));
	json_object_object_add(o, "reports", reports);
	return o;
}

/*
 * One step: clear the reports, arm fail_nth (step > 0), run, unload, collect.
 * 0 with @s filled, or an exit status (the exploration stops).
 */
static int one_step(struct state *st, struct run *run, char **argv, struct ms_explore_step *s)
{
	struct collected col = { .step = s };
	struct snapshot before, after;
	char nth[32], line[2048];
	int ret;

	if (ms_nl_do(st, MEMSAN_CMD_CLEAR, NULL, NULL))
		return ms_nl_fail(st, "clearing the reports", "CAP_NET_ADMIN");
	ret = snapshot(st, &before);
	if (ret)
		return ret;
	if (s->step) {
		snprintf(nth, sizeof(nth), "%u", s->step);
		ret = set_key(st, "fail_nth", nth);
		if (ret)
			return ret;
	}
	if (run_command(st, argv, s))
		return MS_EXIT_ERROR;
	ret = snapshot(st, &after);
	if (!ret && s->step && strcmp(after.fail_nth, "0"))
		ret = set_key(st, "fail_nth", "0");	/* not reached: disarm */
	if (ret)
		return ret;
	s->allocations = after.counted - before.counted;
	s->reached = s->step && after.failed > before.failed;
	copy_value(s->site, sizeof(s->site), s->reached ? after.fail_last : "");
	ret = unload_new_modules(st, run->modules_before);
	if (!ret)
		ret = settle(st, &after);
	if (ret)
		return ret;
	if (st->json)
		col.reports = json_object_new_array();
	ret = collect_reports(st, before.next_seq, &col);
	if (ret) {
		json_object_put(col.reports);
		return ret;
	}
	if (ms_explore_add_step(&run->x, s))
		return ms_error(st, MS_EXIT_ERROR, "out of memory");
	if (st->json) {
		json_object_array_add(run->steps, step_json(s, col.reports));
	} else {
		ms_explore_step_line(s, st->explore_timeout, line, sizeof(line));
		fprintf(st->out, "%s\n", line);
		fflush(st->out);
	}
	return 0;
}

static int explore(struct state *st, char **argv, struct run *run, unsigned int *done,
		   uint64_t *total)
{
	struct ms_explore_step s = { 0 };
	unsigned int n, last;
	int ret;

	ret = one_step(st, run, argv, &s);
	*total = s.allocations;
	step_free(&s);
	*done = 1;
	if (ret)
		return ret;
	if (!*total && !st->json)
		fprintf(st->out, "the command made no allocation memsan can fail: nothing to explore\n");
	last = *total > UINT32_MAX ? UINT32_MAX : (unsigned int)*total;
	if (st->explore_max && st->explore_max < last) {
		if (!st->json)
			fprintf(st->out, "exploring the first %u of %u allocations (--max)\n",
				st->explore_max, last);
		last = st->explore_max;
	}
	for (n = 1; n <= last; n++) {
		memset(&s, 0, sizeof(s));
		s.step = n;
		ret = one_step(st, run, argv, &s);
		step_free(&s);
		if (ret)
			return ret;
		(*done)++;
	}
	return 0;
}

static int check_operands(struct state *st, int argc, char **argv)
{
	if (!argc)
		return ms_usage_error(st, "which command? (explore [OPTIONS] -- COMMAND...)");
	return 0;
}

static int explore_handler(struct state *st, int argc, char **argv)
{
	struct run run = { 0 };
	struct snapshot saved;
	uint64_t total = 0;
	unsigned int done = 0;
	char *base = strrchr(argv[0], '/');
	int ret, restore;
	bool module_set = false;
	json_object *doc = NULL, *cmd;
	int i;

	base = base ? base + 1 : argv[0];
	if (!strcmp(base, "insmod"))
		ms_warn(st, "note: busybox's insmod runs a failing init twice (it retries with "
			"init_module()); 'memsan-ctl insmod PATH.ko' loads once");
	ret = snapshot(st, &saved);
	if (ret)
		return ret;
	if (!saved.fail_last[0] && !saved.fail_nth[0])
		return ms_error(st, MS_EXIT_ERROR, "this memsan.ko has no failure injection "
				"(no fail_nth parameter)");
	run.modules_before = read_modules();
	if (!run.modules_before)
		return ms_error(st, MS_EXIT_ERROR, "cannot read /proc/modules: %s",
				strerror(errno));
	ret = set_key(st, "fail_probability", "0");
	if (!ret)
		ret = set_key(st, "fail_nth", "0");
	if (ret)
		goto out;
	if (st->module) {
		char none[1][MS_MODULE_NAME_MAX];
		char line[MS_MODULE_NAME_MAX + 2];

		/* loaded: a /proc/modules of that line alone has no module new to the list */
		snprintf(line, sizeof(line), "%s \n", st->module);
		if (ms_modules_new(run.modules_before, line, none, 0)) {
			ms_warn(st, "note: %s is not loaded yet: counting the allocations of every "
				"instrumented module", st->module);
		} else {
			ret = set_key(st, "fail_module", st->module);
			if (ret)
				goto out;
			module_set = true;
		}
	}
	if (st->json)
		run.steps = json_object_new_array();
	ret = explore(st, argv, &run, &done, &total);

	if (st->json) {
		doc = json_object_new_object();
		cmd = json_object_new_array();
		for (i = 0; i < argc; i++)
			json_object_array_add(cmd, json_object_new_string(argv[i]));
		json_object_object_add(doc, "command", cmd);
		json_object_object_add(doc, "allocations", json_object_new_int64(total));
		json_object_object_add(doc, "steps", run.steps);
		cmd = json_object_new_array();
		for (i = 0; i < (int)run.x.nr_bugs; i++) {
			json_object *b = json_object_new_object();

			json_object_object_add(b, "headline",
					       json_object_new_string(run.x.bugs[i].headline));
			json_object_object_add(b, "first_step",
					       json_object_new_int(run.x.bugs[i].first_step));
			json_object_object_add(b, "failed", run.x.bugs[i].site[0] ?
					       json_object_new_string(run.x.bugs[i].site) : NULL);
			json_object_object_add(b, "steps",
					       json_object_new_int(run.x.bugs[i].nr_steps));
			json_object_array_add(cmd, b);
		}
		json_object_object_add(doc, "bugs", cmd);
		json_object_object_add(doc, "complete", json_object_new_boolean(!ret));
		ms_print_json(st, doc, false);
		json_object_put(doc);
	} else {
		ms_explore_summary(&run.x, done, st->out);
	}
	if (!ret)
		ret = run.x.nr_bugs ? MS_EXIT_REPORTS : run.x.timeouts ? MS_EXIT_TIMEOUT : 0;
	else if (run.x.nr_bugs)
		ret = MS_EXIT_REPORTS;
out:
	/* put injection back as it was */
	restore = set_key(st, "fail_nth", "0");
	if (module_set)
		restore |= set_key(st, "fail_module", saved.fail_module);
	if (saved.fail_probability[0])
		restore |= set_key(st, "fail_probability", saved.fail_probability);
	if (restore && !ret)
		ret = MS_EXIT_ERROR;
	ms_explore_free(&run.x);
	free(run.modules_before);
	return ret;
}

static const struct option explore_options[] = {
	{ "module", required_argument, NULL, 'm' },
	{ "max", required_argument, NULL, 'n' },
	{ "timeout", required_argument, NULL, 't' },
	{ "output", no_argument, NULL, 'o' },
	{ NULL, 0, NULL, 0 },
};

static const struct command explore_command = {
	.name = "explore",
	.summary = "fail a command's allocations one by one and collect the bugs",
	.usage = "explore [--module NAME] [--max N] [--timeout S] [--output] -- COMMAND [ARGS...]\n"
		 "\n"
		 "Run COMMAND once without failure, counting the allocation calls of\n"
		 "instrumented modules it causes; then once with each of them failed in\n"
		 "turn (fail_nth=1, 2, ...).  Modules COMMAND loaded are unloaded after\n"
		 "each run; memsan's kept reports are cleared before each.  Prints one\n"
		 "line per step and a summary of the distinct bugs.  Load modules with\n"
		 "'memsan-ctl insmod' (busybox's insmod runs a failing init twice).\n"
		 "\n"
		 "  -m, --module NAME   count and fail only NAME's calls (NAME loaded)\n"
		 "  -n, --max N         explore the first N allocations at most\n"
		 "  -t, --timeout S     kill a step's command after S seconds (default 60)\n"
		 "  -o, --output        show the command's output (on stderr)\n"
		 "\n"
		 "Exit status: 0 no report, 5 reports, 6 a step timed out (no report),\n"
		 "1 error.  Needs CAP_NET_ADMIN, and what COMMAND needs.\n",
	.flags = COMMAND_FLAG_NETLINK,
	.shortopts = "m:n:t:o",
	.longopts = explore_options,
	.check_operands = check_operands,
	.handler = explore_handler,
};
MS_COMMAND(explore_command);
