// SPDX-License-Identifier: GPL-2.0
/*
 * memsan-ctl: --decode PATH.ko, frames of that module to file:line.
 *
 * As scripts/decode_stacktrace.sh does: the symbol's address in the .ko
 * from nm, plus the frame's offset, given to addr2line on the .ko.  Frames
 * are return addresses, so the address looked up is one byte before (the
 * call instruction's line, as gdb shows for callers).  $CROSS_COMPILE, $NM
 * and $ADDR2LINE choose the tools.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "memsan-ctl.h"

struct sym {
	char *name;
	uint64_t addr;
};

struct decoded {
	uint64_t addr;
	char *where;			/* NULL: addr2line knew nothing */
};

struct decoder {
	char *ko;
	char module[64];
	char nm[256];
	char addr2line[256];
	struct sym *syms;
	size_t nsyms;
	struct decoded *cache;
	size_t ncache;
};

bool ms_frame_parse(const char *frame, struct ms_frame *f)
{
	const char *plus, *slash, *mod, *end;
	char *stop;
	size_t len;

	memset(f, 0, sizeof(*f));
	mod = strstr(frame, " [");
	end = mod ? mod : frame + strlen(frame);
	if (mod) {
		const char *close = strchr(mod + 2, ']');

		len = close ? (size_t)(close - (mod + 2)) : 0;
		if (!len || len >= sizeof(f->module) || close[1])
			return false;
		memcpy(f->module, mod + 2, len);
	}
	/* func+0x1a/0x40: the last '+' before the end (names may hold '+'? not in C) */
	for (plus = end; plus > frame && plus[-1] != '+'; plus--)
		;
	if (plus == frame)
		return false;
	plus--;
	len = plus - frame;
	if (!len || len >= sizeof(f->func))
		return false;
	memcpy(f->func, frame, len);
	if (strncmp(plus + 1, "0x", 2))
		return false;
	errno = 0;
	f->off = strtoull(plus + 3, &stop, 16);
	if (errno || stop == plus + 3 || *stop != '/')
		return false;
	slash = stop;
	if (strncmp(slash + 1, "0x", 2))
		return false;
	f->size = strtoull(slash + 3, &stop, 16);
	if (errno || stop == slash + 3 || stop != end)
		return false;
	return true;
}

/* Run @argv; its stdout (NUL-terminated, malloc'd) in *@out.  Exit status or -1. */
static int run(char *const argv[], char **out)
{
	size_t len = 0, cap = 4096;
	int pipefd[2], status, devnull;
	char *buf = malloc(cap);
	ssize_t n;
	pid_t pid;

	*out = NULL;
	if (!buf || pipe(pipefd)) {
		free(buf);
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		free(buf);
		return -1;
	}
	if (!pid) {
		devnull = open("/dev/null", O_RDWR);
		dup2(pipefd[1], STDOUT_FILENO);
		if (devnull >= 0) {
			dup2(devnull, STDIN_FILENO);
			dup2(devnull, STDERR_FILENO);
		}
		close(pipefd[0]);
		close(pipefd[1]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(pipefd[1]);
	for (;;) {
		if (len + 1 == cap) {
			char *bigger = realloc(buf, cap * 2);

			if (!bigger)
				break;
			buf = bigger;
			cap *= 2;
		}
		n = read(pipefd[0], buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	close(pipefd[0]);
	buf[len] = '\0';
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	*out = buf;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void tool(char *dst, size_t len, const char *env, const char *name)
{
	const char *value = getenv(env), *cross = getenv("CROSS_COMPILE");

	if (value && *value)
		snprintf(dst, len, "%s", value);
	else
		snprintf(dst, len, "%s%s", cross ? cross : "", name);
}

/* Function symbols of the .ko from "nm": "0000000000000010 T name". */
static int load_symbols(struct state *st, struct decoder *d)
{
	char *argv[] = { d->nm, "--defined-only", d->ko, NULL };
	char *out, *line, *save = NULL;
	size_t cap = 0;
	int status;

	status = run(argv, &out);
	if (status) {
		free(out);
		return ms_error(st, MS_EXIT_ERROR, "--decode: '%s %s' failed%s", d->nm, d->ko,
				status == 127 ? " (is binutils installed?)" : "");
	}
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char type, name[256];
		uint64_t addr;

		if (sscanf(line, "%" SCNx64 " %c %255s", &addr, &type, name) != 3 ||
		    (type != 't' && type != 'T'))
			continue;
		if (d->nsyms == cap) {
			struct sym *more;

			cap = cap ? cap * 2 : 256;
			more = realloc(d->syms, cap * sizeof(*more));
			if (!more)
				break;
			d->syms = more;
		}
		d->syms[d->nsyms].name = strdup(name);
		d->syms[d->nsyms].addr = addr;
		if (d->syms[d->nsyms].name)
			d->nsyms++;
	}
	free(out);
	if (!d->nsyms)
		return ms_error(st, MS_EXIT_ERROR, "--decode: no function symbols in %s", d->ko);
	return 0;
}

int ms_decoder_open(struct state *st, const char *ko)
{
	struct decoder *d = calloc(1, sizeof(*d));
	const char *base;
	size_t len;
	char *p;
	int ret;

	if (!d)
		return ms_error(st, MS_EXIT_ERROR, "out of memory");
	if (access(ko, R_OK)) {
		free(d);
		return ms_error(st, MS_EXIT_ERROR, "--decode: %s: %s", ko, strerror(errno));
	}
	d->ko = strdup(ko);
	base = strrchr(ko, '/');
	base = base ? base + 1 : ko;
	len = strlen(base);
	if (len > 3 && !strcmp(base + len - 3, ".ko"))
		len -= 3;
	snprintf(d->module, sizeof(d->module), "%.*s", (int)len, base);
	for (p = d->module; *p; p++)		/* the kernel's module names use '_' */
		if (*p == '-')
			*p = '_';
	tool(d->nm, sizeof(d->nm), "NM", "nm");
	tool(d->addr2line, sizeof(d->addr2line), "ADDR2LINE", "addr2line");
	st->decoder = d;
	ret = load_symbols(st, d);
	if (ret)
		ms_decoder_close(st);
	return ret;
}

void ms_decoder_close(struct state *st)
{
	struct decoder *d = st->decoder;
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->nsyms; i++)
		free(d->syms[i].name);
	for (i = 0; i < d->ncache; i++)
		free(d->cache[i].where);
	free(d->syms);
	free(d->cache);
	free(d->ko);
	free(d);
	st->decoder = NULL;
}

/* addr2line's answer for @addr: "file:line[, inlined into file:line...]" or NULL. */
static char *addr2line(struct decoder *d, uint64_t addr)
{
	char hex[32], *out, *line, *save = NULL, *where = NULL;
	char *argv[] = { d->addr2line, "-i", "-e", d->ko, hex, NULL };
	size_t len = 0;

	snprintf(hex, sizeof(hex), "0x%" PRIx64, addr);
	if (run(argv, &out)) {
		free(out);
		return NULL;
	}
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *disc = strstr(line, " (discriminator");
		char *more;

		if (disc)
			*disc = '\0';
		if (!strncmp(line, "??", 2))
			break;
		more = realloc(where, len + strlen(line) + 32);
		if (!more)
			break;
		where = more;
		len += sprintf(where + len, "%s%s", len ? ", inlined into " : "", line);
	}
	free(out);
	return where;
}

const char *ms_decode_frame(struct decoder *d, const char *frame)
{
	struct decoded *more;
	struct ms_frame f;
	uint64_t addr;
	size_t i;

	if (!d || !ms_frame_parse(frame, &f) || strcmp(f.module, d->module))
		return NULL;
	for (i = 0; i < d->nsyms; i++)
		if (!strcmp(d->syms[i].name, f.func))
			break;
	if (i == d->nsyms)
		return NULL;
	addr = d->syms[i].addr + f.off - (f.off ? 1 : 0);
	for (i = 0; i < d->ncache; i++)
		if (d->cache[i].addr == addr)
			return d->cache[i].where;
	more = realloc(d->cache, (d->ncache + 1) * sizeof(*more));
	if (!more)
		return NULL;
	d->cache = more;
	d->cache[d->ncache].addr = addr;
	d->cache[d->ncache].where = addr2line(d, addr);
	return d->cache[d->ncache++].where;
}
