// SPDX-License-Identifier: GPL-2.0
/* memsan-ctl: the process around ms_main(). */
#include "memsan-ctl.h"

int main(int argc, char **argv)
{
	struct state st;
	int ret;

	ms_state_init(&st);
	ret = ms_main(&st, argc, argv);
	ms_state_fini(&st);
	if (fflush(stdout) || ferror(stdout))
		return ret ? ret : MS_EXIT_ERROR;
	return ret;
}
