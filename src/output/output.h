/* output.h - alerts: format once (text line or Falco JSON), write to every enabled sink.
 * Text:  "<time>: <Priority> <rendered output>"
 * JSON:  Falco's schema, so falcosidekick and SIEM pipelines take it as is:
 *        {"hostname", "output", "output_fields", "priority", "rule", "source", "tags", "time"}
 *        with "time" in UTC ISO-8601 with nanoseconds and "output" the text line.
 * Sinks: stdout, file (append; reopened by outputs_reopen() on SIGUSR1), syslog (the rule's
 * priority as the syslog level, facility configurable) and program (the alert on the
 * program's standard input; the command comes only from the configuration, event data never
 * reaches a shell).  Every piece of event data is escaped, so an alert is always one line. */
#ifndef SHIKRA_OUTPUT_H
#define SHIKRA_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "core/arena.h"
#include "event/event.h"
#include "rules/ruleset.h"

struct output_config {
	bool json_output;
	bool json_include_output_property;   /* default true */
	bool json_include_tags_property;     /* default true */
	bool time_format_iso_8601;
	const char *hostname;                /* NULL = gethostname() */
	bool stdout_enabled;
	bool file_enabled;
	const char *file_name;
	bool file_keep_alive;
	bool syslog_enabled;
	int  syslog_facility;                /* LOG_USER, LOG_DAEMON, LOG_LOCAL0.. */
	bool program_enabled;
	const char *program;                 /* run with /bin/sh -c, alert on stdin */
	bool program_keep_alive;
};

struct output_stats {
	uint64_t alerts;                     /* alerts formatted */
	uint64_t write_errors;               /* sink writes that failed (the alert is lost there) */
};

struct outputs;

/* Open every enabled sink.  CFG's strings are copied.  0, or -errno when a sink cannot be
 * opened (the file cannot be created, the program cannot be started). */
int  outputs_new(const struct output_config *cfg, struct outputs **out);
void outputs_free(struct outputs *o);                  /* NULL-safe; closes the sinks */

/* Emit an alert for rule R matching EV.  SCRATCH is for field extraction. */
void outputs_alert(struct outputs *o, const struct rule *r, const struct event *ev,
                   struct arena *scratch);

/* Emit one of shikra's own alerts (source "internal"): lost events, audit ownership, reloads.
 * FIELDS (may be NULL) is taken over and becomes "output_fields". */
void outputs_internal(struct outputs *o, enum priority p, const char *rule, const char *text,
                      json_t *fields, uint64_t ts_ns);

/* Close and reopen the file sink (log rotation).  0 or -errno. */
int  outputs_reopen(struct outputs *o);
const struct output_stats *outputs_stats(const struct outputs *o);

/* Format TS_NS as Falco does: ISO-8601 ("2026-11-23T03:33:15.123456789+0000") when ISO is
 * set, else local "03:33:15.123456789".  JSON's "time" uses output_time_json(). */
void output_time_text(uint64_t ts_ns, bool iso, struct sbuf *out);
void output_time_json(uint64_t ts_ns, struct sbuf *out);  /* "2026-11-23T03:33:15.123456789Z" */

#endif
