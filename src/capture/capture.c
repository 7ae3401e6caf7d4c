/* capture.c - capture files: events as JSON lines, written and replayed (see capture.h).
 * This file owns lines, files and the reporting of bad lines; the JSON form of an event
 * belongs to event/event_json.c.  Replay trusts nothing in the file: every line goes through
 * jansson and the strict event reader, and a bad line costs only itself. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <jansson.h>

#include "capture/capture.h"
#include "core/lineread.h"
#include "core/log.h"
#include "event/event_json.h"

bool
capture_detect(const char *line, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (line[i] == ' ' || line[i] == '\t' || line[i] == '\r' || line[i] == '\n')
			continue;
		return line[i] == '{';
	}
	return false;
}

int
capture_write(FILE *fp, const struct event *ev)
{
	json_t *obj = NULL;
	char *text = NULL;
	size_t len;
	int rc;

	if ((rc = event_to_json(ev, &obj)) != 0)
		return rc;
	/* Format first, then write once, so a failure never leaves half a line behind. */
	text = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(obj);
	if (text == NULL)
		return -ENOMEM;
	len = strlen(text);
	text[len] = '\n';	/* json_dumps() NUL-terminates, so there is room for this */
	rc = fwrite(text, 1, len + 1, fp) == len + 1 ? 0 : -EIO;
	free(text);
	return rc;
}

struct replay {
	const char *name;
	event_fn *sink;
	void *arg;
	struct capture_stats *st;
};

static void
skip(struct replay *rp, const char *reason)
{
	rp->st->bad_lines++;
	if (rp->st->bad_lines <= CAPTURE_MAX_REPORTS)
		log_warnx("%s:%llu: skipped: %s", rp->name,
		          (unsigned long long)rp->st->lines, reason);
}

static bool
blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

/* Parse one line (newline already removed) and hand its event on.  Returns the sink's
 * verdict; bad lines are counted and return 0. */
static int
replay_line(struct replay *rp, const char *line, size_t len)
{
	char why[EVENT_JSON_WHY_MAX], msg[JSON_ERROR_TEXT_LENGTH + 48];
	struct event *ev = NULL;
	json_error_t err;
	json_t *obj;
	int rc;

	if (len > CAPTURE_MAX_LINE) {
		skip(rp, "line too long");
		return 0;
	}
	if (blank(line, len))
		return 0;
	if (memchr(line, '\0', len) != NULL) {
		skip(rp, "NUL byte in line");
		return 0;
	}
	obj = json_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err);
	if (obj == NULL) {
		snprintf(msg, sizeof(msg), "invalid JSON at column %d: %s", err.column, err.text);
		skip(rp, msg);
		return 0;
	}
	rc = event_from_json(obj, &ev, why, sizeof(why));
	json_decref(obj);
	if (rc != 0) {
		skip(rp, why);
		return 0;
	}
	rp->st->events++;
	return rp->sink(ev, rp->arg);
}

/* One line: LEN bytes, a '\n' (the caller's first line may keep it) and a '\r' before it
 * are dropped.  TOO_LONG says the reader cut it. */
static int
replay_chunk(struct replay *rp, const char *line, size_t len, bool too_long)
{
	rp->st->lines++;
	if (too_long) {
		skip(rp, "line too long");
		return 0;
	}
	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	return replay_line(rp, line, len);
}

int
capture_replay(FILE *fp, const char *name, const char *first, size_t first_len,
               event_fn *sink, void *arg, struct capture_stats *st)
{
	struct capture_stats local;
	struct replay rp = { name ? name : "-", sink, arg, st ? st : &local };
	struct lineread lr;
	int rc;

	memset(rp.st, 0, sizeof(*rp.st));
	/* Lines are read bounded: an endless line costs CAPTURE_MAX_LINE, not all memory. */
	if ((rc = lineread_init(&lr, fp, CAPTURE_MAX_LINE)) < 0)
		goto out;
	if (first != NULL)
		rc = replay_chunk(&rp, first, first_len, false);	/* replay_line() checks its length */
	while (rc == 0 && (rc = lineread_next(&lr)) > 0)
		rc = replay_chunk(&rp, lr.line, lr.len, lr.too_long);
out:
	lineread_free(&lr);
	if (rp.st->bad_lines > CAPTURE_MAX_REPORTS)
		log_warnx("%s: %llu bad lines skipped, only the first %u reported", rp.name,
		          (unsigned long long)rp.st->bad_lines, CAPTURE_MAX_REPORTS);
	return rc;
}
