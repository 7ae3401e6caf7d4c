/* output.c - alert formatting and dispatch to the sinks (see output.h). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/sbuf.h"
#include "core/timefmt.h"
#include "event/event_json.h"
#include "output/sink.h"

#define OUTPUT_MAX_SINKS 4

struct outputs {
	struct output_config cfg;
	char hostname[256];
	struct sink sinks[OUTPUT_MAX_SINKS];
	size_t nsinks;
	struct output_stats stats;
	struct sbuf line;       /* reused for every alert */
	struct sbuf text;
};

void
output_time_text(uint64_t ts_ns, bool iso, struct sbuf *out)
{
	char t[TIMEFMT_MAX];

	sbuf_add(out, t, timefmt_write(ts_ns, iso ? TIMEFMT_LOCAL_ISO : TIMEFMT_LOCAL_CLOCK,
	                               true, t));
}

void
output_time_json(uint64_t ts_ns, struct sbuf *out)
{
	char t[TIMEFMT_MAX];

	sbuf_add(out, t, timefmt_write(ts_ns, TIMEFMT_UTC_ISO, true, t));
}

static void
outputs_close_sinks(struct outputs *o)
{
	for (size_t i = 0; i < o->nsinks; i++)
		o->sinks[i].ops->close(&o->sinks[i]);
	o->nsinks = 0;
}

int
outputs_new(const struct output_config *cfg, struct outputs **out)
{
	static const struct {
		size_t enabled_offset;
		const struct sink_ops *ops;
	} kinds[] = {
		{ offsetof(struct output_config, stdout_enabled), &sink_stdout_ops },
		{ offsetof(struct output_config, file_enabled), &sink_file_ops },
		{ offsetof(struct output_config, syslog_enabled), &sink_syslog_ops },
		{ offsetof(struct output_config, program_enabled), &sink_program_ops },
	};
	_Static_assert(sizeof(kinds) / sizeof(kinds[0]) <= OUTPUT_MAX_SINKS, "sink table");
	struct outputs *o = calloc(1, sizeof(*o));
	int rc = 0;

	if (o == NULL)
		return -ENOMEM;
	o->cfg = *cfg;
	if (cfg->hostname)
		snprintf(o->hostname, sizeof(o->hostname), "%s", cfg->hostname);
	else if (gethostname(o->hostname, sizeof(o->hostname) - 1) < 0)
		snprintf(o->hostname, sizeof(o->hostname), "localhost");
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]) && rc == 0; i++) {
		if (!*(const bool *)((const char *)cfg + kinds[i].enabled_offset))
			continue;
		struct sink *s = &o->sinks[o->nsinks];
		*s = (struct sink){ .ops = kinds[i].ops, .fd = -1 };
		rc = s->ops->open(s, cfg);
		if (rc < 0)
			log_warnx("cannot open the %s output: %s", s->ops->name, strerror(-rc));
		o->nsinks++;
	}
	/* The config strings are the caller's; the sinks copied what they keep. */
	o->cfg.file_name = o->cfg.program = o->cfg.hostname = NULL;
	if (rc < 0) {
		outputs_free(o);
		return rc;
	}
	*out = o;
	return 0;
}

void
outputs_free(struct outputs *o)
{
	if (o == NULL)
		return;
	outputs_close_sinks(o);
	sbuf_free(&o->line);
	sbuf_free(&o->text);
	free(o);
}

/* Hand the finished line to every sink, counting failures. */
static void
outputs_dispatch(struct outputs *o, enum priority p)
{
	o->stats.alerts++;
	for (size_t i = 0; i < o->nsinks; i++) {
		struct sink *s = &o->sinks[i];
		if (s->ops->write(s, o->line.buf, o->line.len, p) < 0)
			o->stats.write_errors++;
	}
}

/* Build o->line from the text form in o->text: as is, or wrapped in Falco's JSON. */
static void
outputs_finish(struct outputs *o, enum priority p, const char *rule, const char *source,
               const char *const *tags, size_t ntags, json_t *fields, uint64_t ts_ns)
{
	sbuf_reset(&o->line);
	if (!o->cfg.json_output) {
		sbuf_add(&o->line, o->text.buf, o->text.len);
		json_decref(fields);
		return;
	}
	json_t *j = json_object();
	struct sbuf t = SBUF_INIT;
	json_object_set_new(j, "hostname", event_json_text(o->hostname, strlen(o->hostname)));
	if (o->cfg.json_include_output_property)
		json_object_set_new(j, "output", event_json_text(sbuf_str(&o->text), o->text.len));
	json_object_set_new(j, "output_fields", fields ? fields : json_object());
	json_object_set_new(j, "priority", json_string(priority_name(p)));
	json_object_set_new(j, "rule", json_string(rule));
	json_object_set_new(j, "source", json_string(source));
	if (o->cfg.json_include_tags_property) {
		json_t *a = json_array();
		for (size_t i = 0; i < ntags; i++)
			json_array_append_new(a, json_string(tags[i]));
		json_object_set_new(j, "tags", a);
	}
	output_time_json(ts_ns, &t);
	json_object_set_new(j, "time", json_string(sbuf_str(&t)));
	sbuf_free(&t);
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	if (s != NULL)
		sbuf_puts(&o->line, s);
	free(s);
	json_decref(j);
}

/* The "<time>: <Priority> " prefix of every text line. */
static void
outputs_prefix(struct outputs *o, enum priority p, uint64_t ts_ns)
{
	sbuf_reset(&o->text);
	output_time_text(ts_ns, o->cfg.time_format_iso_8601, &o->text);
	sbuf_printf(&o->text, ": %s ", priority_name(p));
}

void
outputs_alert(struct outputs *o, const struct rule *r, const struct event *ev,
              struct arena *scratch)
{
	json_t *fields = NULL;

	outputs_prefix(o, r->priority, ev->ts_ns);
	template_render(r->output, ev, scratch, &o->text);
	if (o->cfg.json_output) {
		json_int_t ns = ev->ts_ns > INT64_MAX ? INT64_MAX : (json_int_t)ev->ts_ns;
		fields = json_object();
		/* Falco puts the event time first in output_fields, as an integer in ns, even when
		 * the template prints %evt.time as text: set it again after the template's fields
		 * (a replaced member keeps its place). */
		json_object_set_new(fields, "evt.time", json_integer(ns));
		template_fields_json(r->output, ev, scratch, fields);
		json_object_set_new(fields, "evt.time", json_integer(ns));
	}
	outputs_finish(o, r->priority, r->name, r->source ? r->source : "syscall", r->tags,
	    r->ntags, fields, ev->ts_ns);
	outputs_dispatch(o, r->priority);
}

void
outputs_internal(struct outputs *o, enum priority p, const char *rule, const char *text,
                 json_t *fields, uint64_t ts_ns)
{
	static const char *const tags[] = { "shikra" };

	outputs_prefix(o, p, ts_ns);
	sbuf_escape(&o->text, text, strlen(text));
	outputs_finish(o, p, rule, "internal", tags, 1, fields, ts_ns);
	outputs_dispatch(o, p);
}

int
outputs_reopen(struct outputs *o)
{
	int rc = 0;

	for (size_t i = 0; i < o->nsinks; i++) {
		struct sink *s = &o->sinks[i];
		int r = s->ops->reopen ? s->ops->reopen(s) : 0;
		if (r < 0) {
			log_warnx("cannot reopen the %s output: %s", s->ops->name, strerror(-r));
			rc = r;
		}
	}
	return rc;
}

const struct output_stats *
outputs_stats(const struct outputs *o)
{
	return &o->stats;
}
