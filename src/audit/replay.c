/* replay.c - replay an auditd log file as events (see replay.h).
 *
 * This file owns reading the input in bounded lines, reporting bad lines, the log clock that
 * drives the assembler's timeouts, and the progress display.  It knows nothing of record
 * syntax (record.c) or of what an event holds (convert.c).
 *
 * Lines come from core/lineread, so a line may be of any length and contain NUL bytes without
 * the reader losing its place; a line is never held beyond AUDIT_RECORD_MAX_LEN bytes, the
 * rest of an over-long line is skipped.  A final line without a newline counts, and a '\r'
 * before the newline is dropped.  The assembler's clock is the
 * latest record time seen so far, so that timeouts behave as they did when the log was
 * written, however fast it is replayed. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/replay.h"
#include "core/lineread.h"
#include "core/log.h"
#include "core/now.h"

#define REPLAY_REPORTS      20            /* default for opts->max_reports */
#define REPLAY_PROGRESS_NS  250000000ULL  /* at most four progress updates a second */
#define REPLAY_PROGRESS_EVERY 64          /* lines between looks at the clock */

struct replay {
	const struct audit_replay_opts *opts;
	const char *name;
	uint32_t max_reports;
	uint64_t reported;
	event_fn *sink;
	void *arg;
	int err;                /* the sink's request to stop */
	struct audit_replay_stats *st;
	struct audit_asm *assembler;
	uint64_t lineno;
	uint64_t now;           /* latest record time seen */
	uint64_t first_bytes;   /* length of the line the caller passed in */
	struct lineread rd;
	uint64_t start_ns, shown_ns;
	bool shown;             /* a progress line is on the terminal */
};

/* --- reporting and progress ---------------------------------------------------------------- */

static void
progress_clear(struct replay *rp)
{
	if (rp->shown)
		fputs("\r\033[K", stderr);
	rp->shown = false;
}

static void
progress_show(struct replay *rp, uint64_t now_ns)
{
	uint64_t done = rp->rd.bytes + rp->first_bytes;
	uint64_t total = rp->opts->total_bytes;
	double secs = (double)(now_ns - rp->start_ns) / 1e9;
	double rate = secs > 0 ? (double)rp->st->conv.events / secs : 0;

	if (total > 0) {
		double pct = done >= total ? 100.0 : 100.0 * (double)done / (double)total;
		fprintf(stderr, "\rreplay: %.1f/%.1f MiB (%.0f%%), %.0f events/s\033[K",
		        (double)done / 1048576.0, (double)total / 1048576.0, pct, rate);
	} else {
		fprintf(stderr, "\rreplay: %.1f MiB, %.0f events/s\033[K",
		        (double)done / 1048576.0, rate);
	}
	fflush(stderr);
	rp->shown = true;
	rp->shown_ns = now_ns;
}

static void
progress_tick(struct replay *rp)
{
	uint64_t now_ns;

	if (!rp->opts->progress || rp->lineno % REPLAY_PROGRESS_EVERY != 0)
		return;
	now_ns = now_mono_ns();
	if (now_ns - rp->shown_ns >= REPLAY_PROGRESS_NS)
		progress_show(rp, now_ns);
}

/* Report a problem at LINE, unless the report budget is spent. */
static void
replay_report(struct replay *rp, uint64_t line, const char *what, const char *why)
{
	rp->reported++;
	if (rp->reported > (uint64_t)rp->max_reports + 1)
		return;
	progress_clear(rp);
	if (rp->reported <= rp->max_reports)
		log_warnx("%s:%" PRIu64 ": %s: %s", rp->name, line, what, why);
	else
		log_warnx("%s: more than %" PRIu32 " problems; counting the rest without report",
		          rp->name, rp->max_reports);
}

static void
replay_bad_line(struct replay *rp, const char *why)
{
	rp->st->bad_lines++;
	replay_report(rp, rp->lineno, "skipped", why);
}

/* --- the pipeline -------------------------------------------------------------------------- */

/* The assembler's callback: convert a finished group and hand the event to the sink. */
static void
replay_group(struct audit_record *recs, uint32_t n, bool complete, void *arg)
{
	struct replay *rp = arg;
	struct event *ev = NULL;
	const char *why = NULL;
	int rc;

	if (rp->err != 0)
		return;	/* the sink asked to stop; what is still held is dropped */
	rc = audit_convert(recs, n, &ev, &rp->st->conv, &why);
	if (rc == -ENOENT)
		return;
	if (rc < 0) {
		rp->st->bad_groups++;
		replay_report(rp, recs[0].line, "event skipped", why != NULL ? why : strerror(-rc));
		return;
	}
	rc = rp->sink(ev, rp->arg);
	if (rc < 0)
		rp->err = rc;
}

/* Parse one line (LEN bytes, its '\n' already gone) and feed it to the assembler. */
static void
replay_line(struct replay *rp, const char *line, size_t len, bool too_long)
{
	struct audit_record rec;
	const char *why = NULL;
	int rc;

	rp->lineno++;
	rp->st->lines++;
	if (too_long) {
		replay_bad_line(rp, "line too long");
		return;
	}
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len == 0)
		return;	/* blank lines carry nothing and harm nothing */
	if (memchr(line, '\0', len) != NULL) {
		replay_bad_line(rp, "NUL byte in line");
		return;
	}
	rc = audit_record_parse_line(line, len, &rec, &why);
	if (rc < 0) {
		replay_bad_line(rp, why != NULL ? why : strerror(-rc));
		return;
	}
	rec.line = rp->lineno;
	if (rec.ts_ns > rp->now)
		rp->now = rec.ts_ns;
	audit_asm_add(rp->assembler, &rec, rp->now);
}

/* The line the caller already read: its '\n' may still be there. */
static void
replay_first(struct replay *rp, const char *first, size_t len)
{
	rp->first_bytes = len;
	if (len > 0 && first[len - 1] == '\n')
		len--;
	replay_line(rp, first, len, len > AUDIT_RECORD_MAX_LEN);
}

static int
replay_run(struct replay *rp, const char *first, size_t first_len)
{
	int rc;

	if (first != NULL)
		replay_first(rp, first, first_len);
	while (rp->err == 0) {
		rc = lineread_next(&rp->rd);
		if (rc <= 0)
			return rc;
		replay_line(rp, rp->rd.line, rp->rd.len, rp->rd.too_long);
		progress_tick(rp);
	}
	return rp->err;
}

int
audit_replay(FILE *fp, const char *first, size_t first_len,
             const struct audit_replay_opts *opts, event_fn *sink, void *arg,
             struct audit_replay_stats *st)
{
	static const struct audit_replay_opts defaults = { .name = "-" };
	/* auditd drops EOE when it writes a log: PROCTITLE marks the end instead. */
	static const struct audit_asm_config asm_cfg = { .proctitle_ends = true };
	struct audit_replay_stats local;
	struct replay rp = { .opts = opts != NULL ? opts : &defaults, .sink = sink, .arg = arg };
	int rc;

	rp.st = st != NULL ? st : &local;
	memset(rp.st, 0, sizeof(*rp.st));
	rp.name = rp.opts->name != NULL ? rp.opts->name : "-";
	rp.max_reports = rp.opts->max_reports ? rp.opts->max_reports : REPLAY_REPORTS;
	rp.start_ns = now_mono_ns();
	rc = lineread_init(&rp.rd, fp, AUDIT_RECORD_MAX_LEN);
	if (rc == 0)
		rc = audit_asm_new(&asm_cfg, replay_group, &rp, &rp.assembler);
	if (rc < 0)
		goto out;
	rc = replay_run(&rp, first, first_len);
	if (rc == 0)
		audit_asm_flush(rp.assembler);	/* end of input: nothing more can complete a group */
	if (rc == 0 && rp.err != 0)
		rc = rp.err;	/* the sink stopped us during the flush */
	rp.st->asm_stats = *audit_asm_stats(rp.assembler);
out:
	progress_clear(&rp);
	audit_asm_free(rp.assembler);
	lineread_free(&rp.rd);
	return rc;
}
