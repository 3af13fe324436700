// SPDX-License-Identifier: GPL-2.0
/*
 * memsan-ctl: without the netlink family (an older memsan.ko, another
 * network namespace), read what debugfs and sysfs show instead:
 * /sys/kernel/debug/memsan/{stats,reports} and /sys/module/memsan/parameters.
 * No live reports, no clear, no sequence numbers.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memsan-ctl.h"

#define REPORT_FRAME_PREFIX	"=========="
#define REPORT_HEADLINE		"BUG: MEMSAN: "

bool ms_module_loaded(struct state *st)
{
	return access(st->sysfs_dir, F_OK) == 0;
}

int ms_fallback_note(struct state *st)
{
	ms_warn(st, "the generic netlink family '%s' is not available: reading %s instead",
		st->family_name, st->debugfs_dir);
	return 0;
}

/* The whole of @path, NUL-terminated, malloc'd; NULL with errno set. */
static char *slurp(const char *path)
{
	size_t len = 0, cap = 8192;
	char *buf = malloc(cap), *bigger;
	ssize_t n;
	int fd;

	if (!buf)
		return NULL;
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		free(buf);
		return NULL;
	}
	for (;;) {
		if (len + 1 == cap) {
			bigger = realloc(buf, cap * 2);
			if (!bigger)
				break;
			buf = bigger;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;

			close(fd);
			free(buf);
			errno = err;
			return NULL;
		}
		if (!n)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

static int read_error(struct state *st, const char *path)
{
	if (errno == EACCES || errno == EPERM)
		return ms_error(st, MS_EXIT_PERM, "permission denied: reading %s needs root", path);
	return ms_error(st, MS_EXIT_ERROR, "cannot read %s: %s%s", path, strerror(errno),
			errno == ENOENT ? " (is debugfs mounted?)" : "");
}

static void chomp(char *s)
{
	size_t len = strlen(s);

	while (len && (s[len - 1] == '\n' || s[len - 1] == ' '))
		s[--len] = '\0';
}

/* Module parameters from sysfs into @c; the strings are malloc'd. */
static int read_params(struct state *st, struct ms_config *c)
{
	char dir[512], path[1024];
	struct dirent *de;
	DIR *d;

	c->n = 0;
	snprintf(dir, sizeof(dir), "%s/parameters", st->sysfs_dir);
	d = opendir(dir);
	if (!d)
		return read_error(st, dir);
	while ((de = readdir(d)) && c->n < MS_MAX_ENTRIES) {
		char *value;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		value = slurp(path);
		if (!value)
			continue;
		chomp(value);
		c->entries[c->n].name = strdup(de->d_name);
		c->entries[c->n].value = value;
		c->n++;
	}
	closedir(d);
	return 0;
}

static void free_params(struct ms_config *c)
{
	unsigned int i;

	for (i = 0; i < c->n; i++) {
		free((char *)c->entries[i].name);
		free((char *)c->entries[i].value);
	}
	c->n = 0;
}

int ms_fallback_status(struct state *st)
{
	struct ms_status *s = calloc(1, sizeof(*s));
	char path[512], *text, *line, *save = NULL, *version;
	int ret;

	if (!s)
		return ms_error(st, MS_EXIT_ERROR, "out of memory");
	snprintf(path, sizeof(path), "%s/stats", st->debugfs_dir);
	text = slurp(path);
	if (!text) {
		free(s);
		return read_error(st, path);
	}
	s->source = "debugfs";
	s->enabled = -1;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':');
		long long v;

		if (!colon)
			continue;
		*colon = '\0';
		v = strtoll(colon + 1, NULL, 0);
		if (!strcmp(line, "enabled")) {
			s->enabled = !!v;
		} else if (!strcmp(line, "probes_missed")) {
			s->has_probes_missed = true;
			s->probes_missed = v;
		} else if (s->n_counters < MS_MAX_ENTRIES) {
			s->counters[s->n_counters].name = line;
			s->counters[s->n_counters].value = v;
			s->n_counters++;
		}
	}
	snprintf(path, sizeof(path), "%s/version", st->sysfs_dir);
	version = slurp(path);
	if (version) {
		chomp(version);
		s->version = version;
	}
	ret = read_params(st, &s->config);
	if (!ret)
		ms_print_status(st, s);
	free_params(&s->config);
	free(version);
	free(text);
	free(s);
	return ret;
}

static int write_param(struct state *st, const char *key, const char *value)
{
	char path[1024];
	ssize_t n;
	int fd, err;

	if (strchr(key, '/') || !*key)
		return ms_error(st, MS_EXIT_ERROR, "%s: unknown configuration key", key);
	snprintf(path, sizeof(path), "%s/parameters/%s", st->sysfs_dir, key);
	fd = open(path, O_WRONLY);
	if (fd < 0) {
		if (errno == ENOENT)
			return ms_error(st, MS_EXIT_ERROR, "%s: unknown configuration key", key);
		if (errno == EACCES || errno == EPERM)
			return ms_error(st, MS_EXIT_PERM, "permission denied: writing %s needs root",
					path);
		return ms_error(st, MS_EXIT_ERROR, "%s: %s", path, strerror(errno));
	}
	n = write(fd, value, strlen(value));
	err = errno;
	close(fd);
	if (n < 0)
		return ms_error(st, MS_EXIT_ERROR, "%s=%s: %s", key, value,
				err == EINVAL ? "invalid value for this configuration key" :
				strerror(err));
	return 0;
}

int ms_fallback_config(struct state *st, int nkeys, char **keys)
{
	struct ms_config *all = calloc(1, sizeof(*all)), *shown = calloc(1, sizeof(*shown));
	int i, ret = 0;
	unsigned int j;

	if (!all || !shown) {
		ret = ms_error(st, MS_EXIT_ERROR, "out of memory");
		goto out;
	}
	for (i = 0; i < nkeys && !ret; i++) {
		char *eq = strchr(keys[i], '=');

		if (eq) {
			*eq = '\0';
			ret = write_param(st, keys[i], eq + 1);
			*eq = '=';
		}
	}
	if (ret)
		goto out;
	ret = read_params(st, all);
	if (ret)
		goto out;
	for (i = 0; i < nkeys; i++) {
		if (strchr(keys[i], '='))
			continue;
		for (j = 0; j < all->n; j++)
			if (!strcmp(all->entries[j].name, keys[i]))
				break;
		if (j == all->n) {
			ret = ms_error(st, MS_EXIT_ERROR, "%s: unknown configuration key", keys[i]);
			goto out;
		}
		shown->entries[shown->n++] = all->entries[j];
	}
	if (shown->n || !nkeys)
		ms_print_config(st, shown->n ? shown : all);
out:
	if (all)
		free_params(all);
	free(all);
	free(shown);
	return ret;
}

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static const char *next_line(const char *s)
{
	const char *nl = strchr(s, '\n');

	return nl ? nl + 1 : s + strlen(s);
}

/*
 * Each report is "====\nBUG: MEMSAN: <bug> in <ip>\n...====\n".  Each out[i]
 * gets one malloc'd block: the text, then the bug type, then the ip.
 */
int ms_split_reports(char *text, struct ms_report *out, int max)
{
	const char *p = text, *start, *end;
	int n = 0;

	while (*p && n < max) {
		const char *head = next_line(p);

		if (!starts(p, REPORT_FRAME_PREFIX) || !starts(head, REPORT_HEADLINE)) {
			p = next_line(p);
			continue;
		}
		start = p;
		for (end = next_line(head); *end && !starts(end, REPORT_FRAME_PREFIX);
		     end = next_line(end))
			;
		end = next_line(end);	/* the closing frame line belongs to the report */

		size_t tlen = end - start, hlen = next_line(head) - head;
		char *block = malloc(tlen + 1 + hlen + 1);
		const char *bug = head + strlen(REPORT_HEADLINE), *in;
		char *b;

		if (!block)
			break;
		memset(&out[n], 0, sizeof(out[n]));
		out[n].access = -1;
		memcpy(block, start, tlen);
		block[tlen] = '\0';
		out[n].text = block;
		/* "<bug> in <ip>" */
		b = block + tlen + 1;
		memcpy(b, bug, hlen - strlen(REPORT_HEADLINE));
		b[hlen - strlen(REPORT_HEADLINE)] = '\0';
		chomp(b);
		in = strstr(b, " in ");
		if (in) {
			b[in - b] = '\0';
			out[n].ip = in + 4;
		}
		out[n].bug = b;
		n++;
		p = end;
	}
	return n;
}

int ms_fallback_reports(struct state *st, bool fail_on_report)
{
	struct ms_report *reports;
	char path[512], *text;
	int i, n;

	snprintf(path, sizeof(path), "%s/reports", st->debugfs_dir);
	text = slurp(path);
	if (!text)
		return read_error(st, path);
	reports = calloc(1024, sizeof(*reports));
	if (!reports) {
		free(text);
		return ms_error(st, MS_EXIT_ERROR, "out of memory");
	}
	n = ms_split_reports(text, reports, 1024);
	if (st->json || st->decoder) {
		ms_print_reports_begin(st, false);
		for (i = 0; i < n; i++)
			ms_print_report(st, &reports[i], false);
		ms_print_reports_end(st, false);
	} else {
		fputs(text, st->out);	/* exactly what debugfs shows */
		fflush(st->out);
	}
	for (i = 0; i < n; i++)
		free((char *)reports[i].text);
	free(reports);
	free(text);
	return fail_on_report && n ? MS_EXIT_REPORTS : MS_EXIT_OK;
}
