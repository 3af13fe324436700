// SPDX-License-Identifier: GPL-2.0
/*
 * memsan-ctl explore: the parts that need no kernel (unit-tested): a
 * report's headline and its short form, one step's line, the summary of
 * distinct bugs, and which modules a command left loaded.  cmd_explore.c
 * runs the steps.  Calls nothing else of memsan-ctl.
 */
#include <stdlib.h>
#include <string.h>

#include "memsan-ctl.h"

#define HEADLINE_PREFIX "BUG: MEMSAN: "

bool ms_report_headline(const char *text, char *buf, size_t len)
{
	const char *p = text ? strstr(text, HEADLINE_PREFIX) : NULL;
	size_t n;

	if (!p || !len)
		return false;
	n = strcspn(p, "\n");
	if (n >= len)
		n = len - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return true;
}

void ms_headline_brief(const char *headline, char *buf, size_t len)
{
	const char *p = headline;
	const char *in;
	size_t n;

	if (!strncmp(p, HEADLINE_PREFIX, strlen(HEADLINE_PREFIX)))
		p += strlen(HEADLINE_PREFIX);
	n = strlen(p);
	/* "TYPE in FUNC+0xO/0xS [MOD]": up to the offset */
	in = strstr(p, " in ");
	if (in) {
		const char *plus = strchr(in + 4, '+');
		const char *space = strchr(in + 4, ' ');

		if (plus && (!space || plus < space))
			n = plus - p;
		else if (space)
			n = space - p;
	}
	snprintf(buf, len, "%.*s", (int)n, p);
}

void ms_fail_site_brief(const char *fail_last, char *buf, size_t len)
{
	const char *why = strrchr(fail_last, '(');
	size_t n = strlen(fail_last);

	/* "FUNC in CALLER (why)": without the reason */
	if (why && why > fail_last && why[-1] == ' ')
		n = why - fail_last - 1;
	snprintf(buf, len, "%.*s", (int)n, fail_last);
}

/* The command's fate: "exit 1", "killed by signal 9", "timed out after 30 s (killed)". */
static void fate(const struct ms_explore_step *s, unsigned int timeout, char *buf, size_t len)
{
	if (s->timed_out)
		snprintf(buf, len, "timed out after %u s (killed)", timeout);
	else if (s->signal)
		snprintf(buf, len, "killed by signal %d", s->signal);
	else
		snprintf(buf, len, "exit %d", s->exit_status);
}

int ms_explore_step_line(const struct ms_explore_step *s, unsigned int timeout, char *buf,
			 size_t len)
{
	char what[MS_EXPLORE_SITE_MAX + 64], end[64], brief[MS_EXPLORE_SITE_MAX];
	size_t used;
	unsigned int i;

	if (!s->step)
		snprintf(what, sizeof(what), "no failure, %llu allocation%s",
			 (unsigned long long)s->allocations, s->allocations == 1 ? "" : "s");
	else if (!s->reached)
		snprintf(what, sizeof(what), "not reached (the command made fewer allocations)");
	else {
		ms_fail_site_brief(s->site, brief, sizeof(brief));
		snprintf(what, sizeof(what), "%s failed", brief[0] ? brief : "an allocation");
	}
	fate(s, timeout, end, sizeof(end));
	used = snprintf(buf, len, "step %u: %s -> %s, ", s->step, what, end);
	if (used >= len)
		return -1;
	if (!s->nr_reports)
		used += snprintf(buf + used, len - used, "no report");
	else
		used += snprintf(buf + used, len - used, "%u report%s:", s->nr_reports,
				 s->nr_reports == 1 ? "" : "s");
	for (i = 0; i < s->nr_reports && used < len; i++) {
		ms_headline_brief(s->headlines[i], brief, sizeof(brief));
		used += snprintf(buf + used, len - used, "%s %s", i ? "," : "", brief);
	}
	return used < len ? 0 : -1;
}

int ms_explore_add_step(struct ms_explore *x, const struct ms_explore_step *s)
{
	unsigned int i, j;
	char site[MS_EXPLORE_SITE_MAX];

	if (s->timed_out)
		x->timeouts++;
	for (i = 0; i < s->nr_reports; i++) {
		struct ms_explore_bug *b = NULL, *grown;

		x->reports++;
		for (j = 0; j < x->nr_bugs; j++)
			if (!strcmp(x->bugs[j].headline, s->headlines[i]))
				b = &x->bugs[j];
		if (b) {
			if (b->last_step != s->step)
				b->nr_steps++;
			b->last_step = s->step;
			continue;
		}
		grown = realloc(x->bugs, (x->nr_bugs + 1) * sizeof(*grown));
		if (!grown)
			return -1;
		x->bugs = grown;
		b = &x->bugs[x->nr_bugs];
		memset(b, 0, sizeof(*b));
		b->headline = strdup(s->headlines[i]);
		if (s->step && s->reached)
			ms_fail_site_brief(s->site, site, sizeof(site));
		else
			snprintf(site, sizeof(site), "%s", "");
		b->site = strdup(site);
		if (!b->headline || !b->site) {
			free(b->headline);
			free(b->site);
			return -1;
		}
		b->first_step = b->last_step = s->step;
		b->nr_steps = 1;
		x->nr_bugs++;
	}
	return 0;
}

void ms_explore_summary(const struct ms_explore *x, unsigned int steps, FILE *f)
{
	unsigned int i;

	fprintf(f, "summary: %u step%s, %u report%s, ", steps, steps == 1 ? "" : "s",
		x->reports, x->reports == 1 ? "" : "s");
	if (!x->nr_bugs)
		fprintf(f, "no bug found");
	else
		fprintf(f, "%u distinct bug%s:", x->nr_bugs, x->nr_bugs == 1 ? "" : "s");
	if (x->timeouts)
		fprintf(f, " (%u step%s timed out)", x->timeouts, x->timeouts == 1 ? "" : "s");
	fputc('\n', f);
	for (i = 0; i < x->nr_bugs; i++) {
		const struct ms_explore_bug *b = &x->bugs[i];

		fprintf(f, "  %s\n", b->headline);
		if (!b->first_step)
			fprintf(f, "    without any failure (step 0)");
		else
			fprintf(f, "    first at step %u: %s failed", b->first_step,
				b->site[0] ? b->site : "an allocation");
		if (b->nr_steps > 1)
			fprintf(f, "; in %u steps", b->nr_steps);
		fputc('\n', f);
	}
}

void ms_explore_free(struct ms_explore *x)
{
	unsigned int i;

	for (i = 0; i < x->nr_bugs; i++) {
		free(x->bugs[i].headline);
		free(x->bugs[i].site);
	}
	free(x->bugs);
	memset(x, 0, sizeof(*x));
}

/* Is @name the first word of a line of @modules (/proc/modules)? */
static bool module_listed(const char *modules, const char *name, size_t len)
{
	const char *line = modules;

	while (line && *line) {
		if (!strncmp(line, name, len) && line[len] == ' ')
			return true;
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return false;
}

int ms_modules_new(const char *before, const char *after, char (*names)[MS_MODULE_NAME_MAX],
		   int max)
{
	const char *line = after;
	int n = 0;

	while (line && *line) {
		size_t len = strcspn(line, " \n");

		if (len && line[len] == ' ' && len < MS_MODULE_NAME_MAX &&
		    !module_listed(before, line, len)) {
			if (n >= max)
				return -1;
			memcpy(names[n], line, len);
			names[n][len] = '\0';
			n++;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return n;
}
