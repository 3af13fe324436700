// SPDX-License-Identifier: GPL-2.0
/* memsan-ctl version: of memsan-ctl, and of memsan.ko if loaded. */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "memsan-ctl.h"

/* memsan.ko's version: from netlink, else sysfs; "" if not loaded. */
static void module_version(struct state *st, char *version, size_t len)
{
	struct ms_status_brief b;
	char path[512];
	FILE *f;

	version[0] = '\0';
	if (!ms_module_loaded(st))
		return;
	if (!ms_nl_open(st) && !ms_get_status_brief(st, &b) && b.version[0]) {
		snprintf(version, len, "%s", b.version);
		return;
	}
	snprintf(path, sizeof(path), "%s/version", st->sysfs_dir);
	f = fopen(path, "r");
	if (f) {
		if (fgets(version, len, f))
			version[strcspn(version, "\n")] = '\0';
		fclose(f);
	}
	if (!version[0])
		snprintf(version, len, "unknown");
}

static int version_handler(struct state *st, int argc, char **argv)
{
	char version[64];

	module_version(st, version, sizeof(version));
	if (st->json) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "memsan_ctl", json_object_new_string(MEMSAN_CTL_VERSION));
		json_object_object_add(o, "memsan_ko",
				       version[0] ? json_object_new_string(version) : NULL);
		ms_print_json(st, o, false);
		json_object_put(o);
	} else {
		fprintf(st->out, "memsan-ctl %s\n", MEMSAN_CTL_VERSION);
		fprintf(st->out, "memsan.ko %s\n", version[0] ? version : "not loaded");
	}
	return MS_EXIT_OK;
}

static const struct command version_command = {
	.name = "version",
	.summary = "show the versions of memsan-ctl and memsan.ko",
	.usage = "version\n"
		 "\n"
		 "Show memsan-ctl's version and, if it is loaded, memsan.ko's.\n",
	.handler = version_handler,
};
MS_COMMAND(version_command);
