/* capture.h - shikra's capture format: one event per line as JSON (the --dump-events output).
 * Writing an event and reading the line back gives an equal event.  The JSON shape is
 * documented in event/event_json.h; this module owns lines and files: a line is one compact
 * JSON object (jansson escapes every control character, so no event data can end a line), and
 * blank lines are ignored. */
#ifndef SHIKRA_CAPTURE_H
#define SHIKRA_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "event/event.h"

/* Lines longer than this are skipped as bad (an event's JSON is far smaller). */
#define CAPTURE_MAX_LINE (64u << 20)
/* Bad lines reported one by one; later ones are only counted, then summed up at the end. */
#define CAPTURE_MAX_REPORTS 20

struct capture_stats {
	uint64_t lines;            /* every line read, blank ones included */
	uint64_t events;           /* events handed to the sink */
	uint64_t bad_lines;        /* skipped: not JSON, not an event, too long, NUL bytes */
};

/* True if LINE looks like a capture line (first non-blank byte is '{'), false if it looks like
 * an audit log line. */
bool capture_detect(const char *line, size_t len);

/* Write EV as one JSON line to FP (buffered: the caller flushes).  Return 0, -EIO when
 * writing fails, or the -EINVAL/-ENOMEM of event_to_json() when EV cannot be written, in
 * which case nothing is written.  Borrows EV. */
int capture_write(FILE *fp, const struct event *ev);

/* Read capture lines from FP and hand each event to SINK, which owns it.  The first line may
 * be passed in FIRST/FIRST_LEN (with or without its newline) when the caller already read it
 * to detect the format (NULL if not).  Bad lines are reported through log_warnx() as
 * "NAME:LINE: skipped: REASON" (NAME NULL prints "-"), the first CAPTURE_MAX_REPORTS of them,
 * and skipped.  A line is never held beyond CAPTURE_MAX_LINE bytes, whatever the input.
 * Return 0 at end of input, -errno on a read error (-EIO when the stream does not say which),
 * -ENOMEM, or SINK's -errno when it asks to stop.  ST (may be NULL) is reset and filled in
 * either way. */
int capture_replay(FILE *fp, const char *name, const char *first, size_t first_len,
                   event_fn *sink, void *arg, struct capture_stats *st);

#endif
