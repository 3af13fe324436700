// SPDX-License-Identifier: GPL-2.0
/*
 * memsan-ctl insmod: load a module with finit_module() only.
 *
 * busybox's insmod calls init_module() again when finit_module() fails, so
 * a module whose init fails (what explore makes happen) runs its init
 * twice.  This loader tries once and reports the init's error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "memsan-ctl.h"

static int check_operands(struct state *st, int argc, char **argv)
{
	if (!argc)
		return ms_usage_error(st, "which module? (PATH.ko)");
	return 0;
}

static int insmod_handler(struct state *st, int argc, char **argv)
{
	size_t len = 1;
	char *params;
	int i, fd, ret;

	for (i = 1; i < argc; i++)
		len += strlen(argv[i]) + 1;
	params = calloc(1, len);
	if (!params)
		return ms_error(st, MS_EXIT_ERROR, "out of memory");
	for (i = 1; i < argc; i++) {
		if (i > 1)
			strcat(params, " ");
		strcat(params, argv[i]);
	}
	fd = open(argv[0], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = ms_error(st, MS_EXIT_ERROR, "%s: %s", argv[0], strerror(errno));
		free(params);
		return ret;
	}
	ret = syscall(SYS_finit_module, fd, params, 0);
	if (ret)
		ret = ms_error(st, errno == EPERM ? MS_EXIT_PERM : MS_EXIT_ERROR, "%s: %s",
			       argv[0], strerror(errno));
	close(fd);
	free(params);
	return ret;
}

static const struct command insmod_command = {
	.name = "insmod",
	.summary = "load a module once (finit_module only), for explore",
	.usage = "insmod PATH.ko [PARAM=VALUE...]\n"
		 "\n"
		 "Load a module with finit_module(), once.  busybox's insmod calls\n"
		 "init_module() again when finit_module() fails, which runs a failing init\n"
		 "twice: under 'explore', load modules with this instead.  Needs\n"
		 "CAP_SYS_MODULE.\n",
	.check_operands = check_operands,
	.handler = insmod_handler,
};
MS_COMMAND(insmod_command);
