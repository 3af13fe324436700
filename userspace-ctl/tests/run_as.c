// SPDX-License-Identifier: GPL-2.0
/*
 * run_as: run a command as an unprivileged user (uid/gid 65534, no
 * supplementary groups, hence no capabilities), for the guest tests: busybox
 * has no su that works without a passwd file.
 *
 *   run_as COMMAND [ARGS...]
 */
#include <grp.h>
#include <stdio.h>
#include <unistd.h>

#define NOBODY 65534

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s COMMAND [ARGS...]\n", argv[0]);
		return 2;
	}
	if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY)) {
		perror("run_as: dropping privileges");
		return 126;
	}
	execvp(argv[1], argv + 1);
	perror(argv[1]);
	return 127;
}
