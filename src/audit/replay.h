/* replay.h - read an auditd log file (RAW or ENRICHED format) and produce events.
 * Lines are parsed, assembled and converted exactly as live netlink records are.  Bad lines
 * (malformed, over-long, containing NUL bytes) are counted, reported with their line number
 * through the operator log, and skipped; the rest of the file still replays. */
#ifndef SHIKRA_AUDIT_REPLAY_H
#define SHIKRA_AUDIT_REPLAY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "audit/assemble.h"
#include "audit/convert.h"
#include "event/event.h"

struct audit_replay_stats {
	uint64_t lines;
	uint64_t bad_lines;        /* malformed, too long, or with NUL bytes */
	struct audit_asm_stats asm_stats;
	struct audit_convert_stats conv;
};

struct audit_replay_opts {
	const char *name;          /* for messages: the file name, or "-" */
	bool progress;             /* show progress on stderr (the caller checks isatty) */
	uint64_t total_bytes;      /* for the progress percentage; 0 = unknown */
	uint32_t max_reports;      /* bad lines reported one by one; later ones only counted */
};

/* Replay FP to the end, handing each event to SINK (which owns it).  The first line may be
 * passed in FIRST/FIRST_LEN when the caller already read it to detect the format (NULL if not).
 * Return 0 at end of input, -errno on a read error or when SINK asks to stop.  ST is filled in
 * either way.  OPTS and ST may be NULL. */
int audit_replay(FILE *fp, const char *first, size_t first_len,
                 const struct audit_replay_opts *opts, event_fn *sink, void *arg,
                 struct audit_replay_stats *st);

#endif
