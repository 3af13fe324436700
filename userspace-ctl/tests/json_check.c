// SPDX-License-Identifier: GPL-2.0
/*
 * json_check: validate memsan-ctl's JSON output in the test guest (busybox
 * has no JSON parser) and pull values out of it.
 *
 *   json_check FILE [PATH]          FILE holds one JSON document
 *   json_check --lines FILE [PATH]  FILE holds one JSON object per line
 *
 * Without PATH: prints the number of elements (array), keys (object) or lines.
 * With PATH ("0.text", "config.track"; with --lines the first component is
 * the line): prints the value, a string as is (no newline added).
 * Exit status 0 if the input parses (and PATH exists), else 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

static char *slurp(const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap);
	size_t n;

	if (!f || !buf)
		return NULL;
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (len + 1 == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			if (!buf)
				return NULL;
		}
	}
	buf[len] = '\0';
	if (f != stdin)
		fclose(f);
	return buf;
}

/* One whole document: trailing garbage is an error. */
static struct json_object *parse(const char *text)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *obj;
	size_t len = strlen(text);

	obj = json_tokener_parse_ex(tok, text, len);
	if (obj && json_tokener_get_parse_end(tok) < len &&
	    strspn(text + json_tokener_get_parse_end(tok), " \t\r\n") !=
		    len - json_tokener_get_parse_end(tok)) {
		json_object_put(obj);
		obj = NULL;
	}
	json_tokener_free(tok);
	return obj;
}

static struct json_object *walk(struct json_object *o, char *path)
{
	char *part, *save = NULL;

	for (part = strtok_r(path, ".", &save); part && o; part = strtok_r(NULL, ".", &save)) {
		if (json_object_is_type(o, json_type_array)) {
			char *end;
			long i = strtol(part, &end, 10);

			if (*end || i < 0 || (size_t)i >= json_object_array_length(o))
				return NULL;
			o = json_object_array_get_idx(o, i);
		} else if (!json_object_object_get_ex(o, part, &o)) {
			return NULL;
		}
	}
	return o;
}

static int show(struct json_object *o, char *path)
{
	if (path) {
		o = walk(o, path);
		if (!o)
			return 1;
		if (json_object_is_type(o, json_type_string))
			fputs(json_object_get_string(o), stdout);
		else
			puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		return 0;
	}
	if (json_object_is_type(o, json_type_array))
		printf("%zu\n", json_object_array_length(o));
	else if (json_object_is_type(o, json_type_object))
		printf("%d\n", json_object_object_length(o));
	else
		printf("1\n");
	return 0;
}

int main(int argc, char **argv)
{
	int lines = argc > 1 && !strcmp(argv[1], "--lines");
	char *text, *path, *line, *save = NULL;
	struct json_object *all, *o;
	int ret;

	if (argc - lines < 2 || argc - lines > 3) {
		fprintf(stderr, "usage: %s [--lines] FILE [PATH]\n", argv[0]);
		return 2;
	}
	text = slurp(argv[1 + lines]);
	path = argc - lines == 3 ? argv[2 + lines] : NULL;
	if (!text) {
		perror(argv[1 + lines]);
		return 1;
	}
	if (!lines) {
		o = parse(text);
		if (!o) {
			fprintf(stderr, "json_check: not one JSON document\n");
			return 1;
		}
		return show(o, path);
	}
	all = json_object_new_array();
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		o = parse(line);
		if (!o || !json_object_is_type(o, json_type_object)) {
			fprintf(stderr, "json_check: line is not a JSON object: %.60s\n", line);
			return 1;
		}
		json_object_array_add(all, o);
	}
	ret = show(all, path);
	return ret;
}
