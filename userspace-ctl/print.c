// SPDX-License-Identifier: GPL-2.0
/*
 * memsan-ctl: one printer per message type (report, status, config), as text
 * or JSON, shared by every command that shows one.
 *
 * A report as text is its rendered text, byte for byte what the kernel
 * printed (and what /sys/kernel/debug/memsan/reports shows); with --decode,
 * frames of the decoded module get " (file:line)" appended.
 */
#include <inttypes.h>
#include <string.h>

#include <json-c/json.h>

#include "memsan-ctl.h"

static struct json_object *json_doc;	/* the array of a non-streamed report list */

void ms_print_json(struct state *st, struct json_object *obj, bool line)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE |
		    (line ? JSON_C_TO_STRING_PLAIN : JSON_C_TO_STRING_PRETTY);

	fprintf(st->out, "%s\n", json_object_to_json_string_ext(obj, flags));
	fflush(st->out);
}

static struct json_object *json_hex(uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "0x%016" PRIx64, v);
	return json_object_new_string(buf);
}

static void add(struct json_object *obj, const char *key, struct json_object *val)
{
	json_object_object_add(obj, key, val);
}

static void add_str(struct json_object *obj, const char *key, const char *s)
{
	if (s)
		add(obj, key, json_object_new_string(s));
}

/* === Reports === */

static struct json_object *frame_json(struct state *st, const char *frame)
{
	struct json_object *o = json_object_new_object();
	const char *where;
	struct ms_frame f;

	add_str(o, "frame", frame);
	if (ms_frame_parse(frame, &f)) {
		add_str(o, "function", f.func);
		add(o, "offset", json_object_new_uint64(f.off));
		add(o, "size", json_object_new_uint64(f.size));
		add(o, "module", f.module[0] ? json_object_new_string(f.module) : NULL);
	}
	if (st->decoder) {
		where = ms_decode_frame(st->decoder, frame);
		if (where)
			add_str(o, "source", where);
	}
	return o;
}

static struct json_object *stack_json(struct state *st, const struct ms_stack *s)
{
	struct json_object *o = json_object_new_object();
	struct json_object *frames = json_object_new_array();
	unsigned int i;

	if (s->has_pid)
		add(o, "pid", json_object_new_int64(s->pid));
	for (i = 0; i < s->nr; i++)
		json_object_array_add(frames, frame_json(st, s->frames[i]));
	add(o, "frames", frames);
	return o;
}

struct json_object *ms_report_json(struct state *st, const struct ms_report *r)
{
	struct json_object *o = json_object_new_object();

	if (r->seq)
		add(o, "seq", json_object_new_uint64(r->seq));
	add_str(o, "bug", r->bug);
	if (r->access >= 0)
		add_str(o, "access", ms_access_name(r->access));
	if (r->has_size)
		add(o, "size", json_object_new_uint64(r->size));
	if (r->has_addr)
		add(o, "addr", json_hex(r->addr));
	if (r->has_first_bad)
		add(o, "first_bad", json_hex(r->first_bad));
	add_str(o, "ip", r->ip);
	add_str(o, "module", r->module);
	if (r->has_pid)
		add(o, "pid", json_object_new_int64(r->pid));
	add_str(o, "comm", r->comm);
	if (r->has_cpu)
		add(o, "cpu", json_object_new_int64(r->cpu));
	if (r->call.present)
		add(o, "call_stack", stack_json(st, &r->call));
	if (r->has_object) {
		struct json_object *obj = json_object_new_object();

		if (r->has_obj_addr)
			add(obj, "addr", json_hex(r->obj_addr));
		if (r->has_obj_size)
			add(obj, "size", json_object_new_uint64(r->obj_size));
		add_str(obj, "cache", r->cache);
		if (r->has_cache_size)
			add(obj, "cache_size", json_object_new_uint64(r->cache_size));
		add(o, "object", obj);
	}
	if (r->alloc.present)
		add(o, "alloc_stack", stack_json(st, &r->alloc));
	if (r->free.present)
		add(o, "free_stack", stack_json(st, &r->free));
	if (r->has_leak) {
		struct json_object *leak = json_object_new_object();

		add(leak, "objects", json_object_new_uint64(r->leak_objects));
		if (r->has_leak_bytes)
			add(leak, "bytes", json_object_new_uint64(r->leak_bytes));
		add(o, "leak", leak);
	}
	add_str(o, "text", r->text);
	return o;
}

/* The text, with decoded frames when --decode is on. */
static void print_report_text(struct state *st, const struct ms_report *r)
{
	const char *line = r->text, *nl;

	if (!line)
		return;
	if (!st->decoder) {
		fputs(line, st->out);
	} else {
		for (; *line; line = nl ? nl + 1 : line + strlen(line)) {
			char frame[512];
			const char *where;
			size_t len;

			nl = strchr(line, '\n');
			len = nl ? (size_t)(nl - line) : strlen(line);
			fwrite(line, 1, len, st->out);
			/* frame lines are " func+0x1a/0x40 [mod]" */
			if (len > 1 && len < sizeof(frame) && line[0] == ' ') {
				memcpy(frame, line + 1, len - 1);
				frame[len - 1] = '\0';
				where = ms_decode_frame(st->decoder, frame);
				if (where)
					fprintf(st->out, " (%s)", where);
			}
			fputc('\n', st->out);
			if (!nl)
				break;
		}
	}
	if (*r->text && r->text[strlen(r->text) - 1] != '\n' && !st->decoder)
		fputc('\n', st->out);
}

void ms_print_reports_begin(struct state *st)
{
	if (st->json && !st->stream && !json_doc)
		json_doc = json_object_new_array();
}

void ms_print_report(struct state *st, const struct ms_report *r)
{
	struct json_object *o;

	st->reports_printed++;
	if (r->seq > st->last_seq)
		st->last_seq = r->seq;
	if (!st->json) {
		print_report_text(st, r);
		fflush(st->out);
		return;
	}
	o = ms_report_json(st, r);
	if (json_doc) {
		json_object_array_add(json_doc, o);	/* printed by ms_print_reports_end() */
		return;
	}
	ms_print_json(st, o, true);
	json_object_put(o);
}

void ms_print_reports_end(struct state *st)
{
	if (!json_doc)
		return;
	ms_print_json(st, json_doc, false);
	json_object_put(json_doc);
	json_doc = NULL;
}

/* === Status and configuration === */

struct json_object *ms_config_json(const struct ms_config *c)
{
	struct json_object *o = json_object_new_object();
	unsigned int i;

	for (i = 0; i < c->n; i++)
		add_str(o, c->entries[i].name, c->entries[i].value);
	return o;
}

struct json_object *ms_status_json(const struct ms_status *s)
{
	struct json_object *o = json_object_new_object();
	struct json_object *counters = json_object_new_object();
	unsigned int i;

	add_str(o, "version", s->version);
	add_str(o, "source", s->source);
	if (s->enabled >= 0)
		add(o, "enabled", json_object_new_boolean(s->enabled));
	add(o, "config", ms_config_json(&s->config));
	for (i = 0; i < s->n_counters; i++)
		add(counters, s->counters[i].name, json_object_new_int64(s->counters[i].value));
	add(o, "counters", counters);
	if (s->has_probes_missed)
		add(o, "probes_missed", json_object_new_uint64(s->probes_missed));
	if (s->has_first_seq)
		add(o, "first_seq", json_object_new_uint64(s->first_seq));
	if (s->has_next_seq)
		add(o, "next_seq", json_object_new_uint64(s->next_seq));
	return o;
}

void ms_print_status(struct state *st, const struct ms_status *s)
{
	unsigned int i;

	if (st->json) {
		struct json_object *o = ms_status_json(s);

		ms_print_json(st, o, false);
		json_object_put(o);
		return;
	}
	fprintf(st->out, "version: %s\n", s->version ? s->version : "unknown");
	fprintf(st->out, "source: %s\n", s->source);
	if (s->enabled >= 0)
		fprintf(st->out, "enabled: %s\n", s->enabled ? "yes" : "no");
	fprintf(st->out, "config:\n");
	for (i = 0; i < s->config.n; i++)
		fprintf(st->out, "  %s: %s\n", s->config.entries[i].name,
			s->config.entries[i].value);
	fprintf(st->out, "counters:\n");
	for (i = 0; i < s->n_counters; i++)
		fprintf(st->out, "  %s: %" PRId64 "\n", s->counters[i].name, s->counters[i].value);
	if (s->has_probes_missed)
		fprintf(st->out, "probes_missed: %" PRIu64 "\n", s->probes_missed);
	if (s->has_first_seq && s->has_next_seq) {
		if (s->next_seq > s->first_seq)
			fprintf(st->out, "reports kept: seq %" PRIu64 " to %" PRIu64 "\n",
				s->first_seq, s->next_seq - 1);
		else
			fprintf(st->out, "reports kept: none (next seq %" PRIu64 ")\n",
				s->next_seq);
	}
	fflush(st->out);
}

void ms_print_config(struct state *st, const struct ms_config *c)
{
	unsigned int i;

	if (st->json) {
		struct json_object *o = ms_config_json(c);

		ms_print_json(st, o, false);
		json_object_put(o);
		return;
	}
	for (i = 0; i < c->n; i++)
		fprintf(st->out, "%s=%s\n", c->entries[i].name, c->entries[i].value);
	fflush(st->out);
}
