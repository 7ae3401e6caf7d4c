/* capture.h - shikra's capture format: one event per line as JSON (the --dump-events output).
 * Writing an event and reading the line back gives an equal event.  The JSON shape is
 * documented in event/event_json.h. */
#ifndef SHIKRA_CAPTURE_H
#define SHIKRA_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "event/event.h"

struct capture_stats {
	uint64_t lines;
	uint64_t events;
	uint64_t bad_lines;
};

/* True if LINE looks like a capture line (first non-blank byte is '{'), false if it looks like
 * an audit log line. */
bool capture_detect(const char *line, size_t len);

/* Write EV as one JSON line to FP.  0 or -EIO. */
int capture_write(FILE *fp, const struct event *ev);

/* Read capture lines from FP (FIRST/FIRST_LEN as in audit_replay()) and hand each event to
 * SINK.  Bad lines are reported with their number and skipped.  0 or -errno. */
int capture_replay(FILE *fp, const char *name, const char *first, size_t first_len,
                   event_fn *sink, void *arg, struct capture_stats *st);

#endif
