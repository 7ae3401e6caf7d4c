/* output.c - alert formatting, dispatch to the sinks' queues and drop reports (see
 * output.h).  Everything here runs on the caller's thread; the sinks run on their own
 * (outq.c). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/now.h"
#include "core/sbuf.h"
#include "core/timefmt.h"
#include "event/event_json.h"
#include "output/outq.h"
#include "output/sink.h"

#define OUTPUT_MAX_SINKS 5

struct outputs {
	struct output_config cfg;
	char hostname[256];
	struct outq *queues[OUTPUT_MAX_SINKS];
	size_t nsinks;
	uint64_t alerts;
	/* Drop reports: each queue's dropped_alerts at the last report, and when it was. */
	uint64_t reported[OUTPUT_MAX_SINKS];
	uint64_t last_report_ns;
	uint64_t drop_reports;
	struct sbuf line;       /* reused for every alert */
	struct sbuf text;
};

static void outputs_report_drops(struct outputs *o, bool force);

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

/* Open the sink OPS from O's configuration and give it its queue. */
static int
outputs_add(struct outputs *o, const struct sink_ops *ops, const struct output_config *cfg)
{
	struct sink s = { .ops = ops, .fd = -1, .stop_fd = -1 };
	size_t cap = cfg->queue_capacity ? cfg->queue_capacity : OUTPUT_QUEUE_DEFAULT;
	int rc = ops->open(&s, cfg);

	if (rc < 0) {
		ops->close(&s);
		log_warnx("cannot open the %s output: %s", ops->name, strerror(-rc));
		return rc;
	}
	if ((rc = outq_new(&s, cap, cfg->queue_block, &o->queues[o->nsinks])) < 0) {
		log_warnx("cannot start the %s output: %s", ops->name, strerror(-rc));
		return rc;
	}
	o->nsinks++;
	return 0;
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
		{ offsetof(struct output_config, http_enabled), &sink_http_ops },
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
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]) && rc == 0; i++)
		if (*(const bool *)((const char *)cfg + kinds[i].enabled_offset))
			rc = outputs_add(o, kinds[i].ops, cfg);
	/* The config strings are the caller's; the sinks copied what they keep. */
	o->cfg.file_name = o->cfg.program = o->cfg.hostname = NULL;
	o->cfg.http_url = o->cfg.http_user_agent = NULL;
	o->cfg.http_ca_cert = o->cfg.http_ca_path = NULL;
	if (rc < 0) {
		o->cfg.flush_timeout_ms = 1;	/* nothing was queued */
		outputs_free(o);
		return rc;
	}
	*out = o;
	return 0;
}

void
outputs_free(struct outputs *o)
{
	struct timespec deadline;
	int ms;

	if (o == NULL)
		return;
	outputs_report_drops(o, true);
	ms = o->cfg.flush_timeout_ms ? o->cfg.flush_timeout_ms : OUTPUT_FLUSH_MS;
	outq_deadline(ms > 0 ? ms : 0, &deadline);
	/* Every queue drains at once; then each is waited for until the common deadline. */
	for (size_t i = 0; i < o->nsinks; i++)
		outq_close(o->queues[i]);
	for (size_t i = 0; i < o->nsinks; i++)
		outq_free(o->queues[i], ms > 0 ? &deadline : NULL);
	sbuf_free(&o->line);
	sbuf_free(&o->text);
	free(o);
}

/* Hand the finished line to every sink's queue. */
static void
outputs_dispatch(struct outputs *o, enum priority p, bool internal)
{
	bool dropped = false;

	o->alerts++;
	for (size_t i = 0; i < o->nsinks; i++)
		dropped |= outq_push(o->queues[i], o->line.buf, o->line.len, p, internal) ==
		    -ENOBUFS;
	if (dropped && !internal)
		outputs_report_drops(o, false);
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
	outputs_dispatch(o, r->priority, false);
}

void
outputs_internal(struct outputs *o, enum priority p, const char *rule, const char *text,
                 json_t *fields, uint64_t ts_ns)
{
	static const char *const tags[] = { "shikra" };

	outputs_prefix(o, p, ts_ns);
	sbuf_escape(&o->text, text, strlen(text));
	outputs_finish(o, p, rule, "internal", tags, 1, fields, ts_ns);
	outputs_dispatch(o, p, true);
}

void
outputs_reopen(struct outputs *o)
{
	for (size_t i = 0; i < o->nsinks; i++)
		outq_reopen(o->queues[i]);
}

int
outputs_flush(struct outputs *o, int timeout_ms)
{
	struct timespec deadline;
	int rc = 0;

	outq_deadline(timeout_ms > 0 ? timeout_ms : 0, &deadline);
	for (size_t i = 0; i < o->nsinks && rc == 0; i++)
		rc = outq_flush(o->queues[i], timeout_ms < 0 ? NULL : &deadline);
	return rc;
}

void
outputs_stats(const struct outputs *o, const char *sink, struct output_stats *st)
{
	struct outq_stats qs;

	*st = (struct output_stats){ 0 };
	if (sink == NULL)
		*st = (struct output_stats){ .alerts = o->alerts, .drop_reports = o->drop_reports };
	for (size_t i = 0; i < o->nsinks; i++) {
		if (sink != NULL && strcmp(sink, outq_name(o->queues[i])) != 0)
			continue;
		outq_stats(o->queues[i], &qs);
		st->alerts = o->alerts;
		st->written += qs.written;
		st->write_errors += qs.errors;
		st->dropped += qs.dropped;
		st->queued += qs.queued;
	}
}

/* Emit "Alerts dropped" with the rule alerts each sink dropped since the last report, if
 * there are any and if FORCE or drop_report_ms passed since the last report.  Internal
 * alerts that were dropped do not count here, so that a report dropped by a stalled sink
 * does not cause the next one. */
static void
outputs_report_drops(struct outputs *o, bool force)
{
	uint64_t now = now_mono_ns(), delta[OUTPUT_MAX_SINKS];
	uint64_t ms = (uint64_t)(o->cfg.drop_report_ms > 0 ? o->cfg.drop_report_ms :
	                         OUTPUT_DROP_REPORT_MS);
	uint64_t total = 0, all = 0;
	struct outq_stats qs;
	struct sbuf msg = SBUF_INIT;
	const char *sep = " (";

	if (!force && o->last_report_ns != 0 && now - o->last_report_ns < ms * 1000000u)
		return;
	for (size_t i = 0; i < o->nsinks; i++) {
		outq_stats(o->queues[i], &qs);
		delta[i] = qs.dropped_alerts - o->reported[i];
		total += delta[i];
		all += qs.dropped_alerts;
	}
	if (total == 0)
		return;
	json_t *fields = json_pack("{s:I, s:I}", "dropped", (json_int_t)total, "total_dropped",
	                           (json_int_t)all);
	sbuf_printf(&msg, "%" PRIu64 " alert(s) dropped because the outputs did not keep up",
	            total);
	for (size_t i = 0; i < o->nsinks; i++) {
		char key[32];
		if (delta[i] == 0)
			continue;
		snprintf(key, sizeof(key), "dropped_%s", outq_name(o->queues[i]));
		json_object_set_new(fields, key, json_integer((json_int_t)delta[i]));
		sbuf_printf(&msg, "%s%s: %" PRIu64, sep, outq_name(o->queues[i]), delta[i]);
		sep = ", ";
		o->reported[i] += delta[i];
	}
	sbuf_puts(&msg, ")");
	o->last_report_ns = now;
	o->drop_reports++;
	log_warnx("%s", sbuf_str(&msg));
	outputs_internal(o, PRIO_CRITICAL, "Alerts dropped", sbuf_str(&msg), fields,
	                 now_wall_ns());
	sbuf_free(&msg);
}

void
outputs_tick(struct outputs *o)
{
	outputs_report_drops(o, false);
}
