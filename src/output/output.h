/* output.h - alerts: format once (text line or Falco JSON), write to every enabled sink.
 * Text:  "<time>: <Priority> <rendered output>"
 * JSON:  Falco's schema, so falcosidekick and SIEM pipelines take it as is:
 *        {"hostname", "output", "output_fields", "priority", "rule", "source", "tags", "time"}
 *        with "time" in UTC ISO-8601 with nanoseconds and "output" the text line.
 * Sinks: stdout, file (append; reopened by outputs_reopen() on SIGUSR1), syslog (the rule's
 * priority as the syslog level, facility configurable), program (the alert on the
 * program's standard input; the command comes only from the configuration, event data never
 * reaches a shell) and HTTP (one POST per alert, libcurl).  Every piece of event data is
 * escaped, so an alert is always one line.
 *
 * Queues: the caller's thread (the event loop) only formats.  Each sink has its own bounded
 * queue and writer thread (output/outq.h), so a slow or dead sink never stalls event intake
 * nor the other sinks.  When a sink's queue is full the alert is dropped for that sink and
 * counted; the drops are reported as an internal alert "Alerts dropped" (Critical) at most
 * once per drop_report_ms, with counts per sink.  With queue_block set (replay) a full queue
 * makes the caller wait instead, so that every alert is delivered, in order.
 * Threads: every function here is for one thread, the caller's; the writer threads are
 * internal. */
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
	bool http_enabled;
	const char *http_url;
	const char *http_user_agent;         /* NULL or "" = "shikra/VERSION" */
	bool http_insecure;                  /* no TLS peer or host name verification */
	const char *http_ca_cert;            /* CA bundle file; NULL or "" = libcurl's */
	const char *http_ca_path;            /* CA directory; NULL or "" = libcurl's */
	int  http_timeout_ms;                /* per request; 0 = OUTPUT_HTTP_TIMEOUT_MS */
	bool http_keep_alive;                /* reuse the connection between alerts */
	size_t queue_capacity;               /* alerts per sink queue; 0 = OUTPUT_QUEUE_DEFAULT */
	bool queue_block;                    /* wait for room instead of dropping (replay) */
	int  flush_timeout_ms;               /* outputs_free(): 0 = OUTPUT_FLUSH_MS, < 0 = all */
	int  drop_report_ms;                 /* 0 = OUTPUT_DROP_REPORT_MS */
};

#define OUTPUT_QUEUE_DEFAULT 10000
#define OUTPUT_HTTP_TIMEOUT_MS 5000
#define OUTPUT_FLUSH_MS 2000
#define OUTPUT_DROP_REPORT_MS 10000

/* Counters, summed over the sinks (an alert dropped by two sinks counts twice there). */
struct output_stats {
	uint64_t alerts;                     /* alerts formatted (rule and internal) */
	uint64_t written;                    /* lines a sink delivered */
	uint64_t write_errors;               /* lines a sink failed to deliver (lost there) */
	uint64_t dropped;                    /* lines dropped: a full queue, or at shutdown */
	uint64_t drop_reports;               /* "Alerts dropped" internal alerts emitted */
	size_t   queued;                     /* lines waiting now */
};

struct outputs;

/* Open every enabled sink and start its writer thread.  CFG's strings are copied.  0, or
 * -errno when a sink cannot be opened (the file cannot be created, no program or URL is
 * configured, libcurl cannot start). */
int  outputs_new(const struct output_config *cfg, struct outputs **out);

/* Report drops not reported yet, deliver what is queued within flush_timeout_ms (all of it
 * when negative), then stop the sinks; what is still queued is dropped and logged.
 * NULL-safe. */
void outputs_free(struct outputs *o);

/* Emit an alert for rule R matching EV.  SCRATCH is for field extraction. */
void outputs_alert(struct outputs *o, const struct rule *r, const struct event *ev,
                   struct arena *scratch);

/* Emit one of shikra's own alerts (source "internal"): lost events, audit ownership, reloads.
 * FIELDS (may be NULL) is taken over and becomes "output_fields". */
void outputs_internal(struct outputs *o, enum priority p, const char *rule, const char *text,
                      json_t *fields, uint64_t ts_ns);

/* Report drops if some are unreported and drop_report_ms passed since the last report.
 * The event loop calls it from its periodic timer. */
void outputs_tick(struct outputs *o);

/* Ask every sink to reopen (the file sink closes and reopens its file: log rotation) before
 * its next alert.  Never waits; a failure is logged by the sink's thread. */
void outputs_reopen(struct outputs *o);

/* Wait until every alert emitted so far was handed to its sinks, at most TIMEOUT_MS
 * (< 0: no limit).  0 or -ETIMEDOUT. */
int  outputs_flush(struct outputs *o, int timeout_ms);

/* A snapshot of the counters of sink SINK ("file", "http", ...), or of all sinks when SINK
 * is NULL (an unknown name gives zeros). */
void outputs_stats(const struct outputs *o, const char *sink, struct output_stats *st);

/* Format TS_NS as Falco does: ISO-8601 ("2026-11-23T03:33:15.123456789+0000") when ISO is
 * set, else local "03:33:15.123456789".  JSON's "time" uses output_time_json(). */
void output_time_text(uint64_t ts_ns, bool iso, struct sbuf *out);
void output_time_json(uint64_t ts_ns, struct sbuf *out);  /* "2026-11-23T03:33:15.123456789Z" */

#endif
