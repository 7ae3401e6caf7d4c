/* source.c - the live fanotify source: the fd, its features, reading (see source.h).
 *
 * This file owns the fanotify fd from fanotify_init() to close(), the choice of reporting
 * flags, the masks that follow from them, and the read buffer.  It hands marks to marks.c,
 * records to parse.c and keeps the resolver (resolve.c) alive for both.  Closing the fd
 * removes every mark with it.
 *
 * Features are probed from the richest set down: fanotify_init() answers EINVAL for a flag
 * the kernel does not know, so each set is tried in turn and the first accepted one is logged.
 * FID mode (FAN_REPORT_DFID_NAME | FAN_REPORT_FID, Linux 5.9) reports handles and names and
 * has dirent events (create, delete, moves) and attrib; fd mode (the fallback) opens each
 * file for us and knows only opens, reads, writes and closes.  FAN_REPORT_TARGET_FID (5.17)
 * and FAN_REPORT_PIDFD (5.15) are taken when present.  FAN_UNLIMITED_QUEUE trades memory for
 * never losing events; an overflow is still reported if one comes.
 *
 * Masks: FAN_RENAME (5.17) replaces FAN_MOVED_FROM | FAN_MOVED_TO where the kernel has it:
 * asking for all three would report each rename three times.  marks.c finds out on the first
 * mark and falls back.  FAN_CLOSE_NOWRITE is not asked for: it doubles every read for no rule
 * fanotify can serve better than FAN_OPEN. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <time.h>
#include <unistd.h>

#include "core/hostpath.h"
#include "core/log.h"
#include "core/now.h"
#include "fan/fan_int.h"

#define INIT_COMMON (FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK | FAN_UNLIMITED_QUEUE)
#define INIT_FID (FAN_REPORT_DFID_NAME | FAN_REPORT_FID)
#define EVENT_F_FLAGS (O_RDONLY | O_LARGEFILE | O_CLOEXEC)

/* Reporting flag sets, richest first. */
static const struct {
	unsigned flags;
	const char *name;
} init_modes[] = {
	{ INIT_FID | FAN_REPORT_TARGET_FID | FAN_REPORT_PIDFD,
	  "FID mode (DFID_NAME, FID, TARGET_FID, PIDFD)" },
	{ INIT_FID | FAN_REPORT_TARGET_FID, "FID mode (DFID_NAME, FID, TARGET_FID)" },
	{ INIT_FID | FAN_REPORT_PIDFD, "FID mode (DFID_NAME, FID, PIDFD)" },
	{ INIT_FID, "FID mode (DFID_NAME, FID)" },
	{ 0, "fd mode (no FID reporting: no create, delete, rename or attrib events)" },
};

/* Events on file contents: every mode has them. */
#define MASK_CONTENT (FAN_OPEN | FAN_ACCESS | FAN_MODIFY | FAN_CLOSE_WRITE | FAN_OPEN_EXEC)
/* Events only FID mode has. */
#define MASK_FID (FAN_ATTRIB | FAN_CREATE | FAN_DELETE | FAN_RENAME)

static const struct fan_masks masks_fid = {
	.dir = MASK_CONTENT | MASK_FID | FAN_ONDIR | FAN_EVENT_ON_CHILD,
	.file = MASK_CONTENT | FAN_ATTRIB,
	.fs = MASK_CONTENT | MASK_FID | FAN_ONDIR,
	.fid_mode = true,
};

static const struct fan_masks masks_fd = {
	.dir = MASK_CONTENT | FAN_ONDIR | FAN_EVENT_ON_CHILD,
	.file = MASK_CONTENT,
	.fs = MASK_CONTENT | FAN_ONDIR,
	.fid_mode = false,
};

/* The bytes to read for BUDGET events: a record with names is ~100-250 bytes, and the
 * largest (a rename with two names and handles) stays under 1 KiB. */
static size_t
read_size(unsigned budget)
{
	size_t n = (size_t)budget * 256;

	return n < 4096 ? 4096 : n > FAN_READ_BUF ? FAN_READ_BUF : n;
}

static int
source_alloc(event_fn *sink, void *arg, struct fan_source **out)
{
	struct fan_source *s = calloc(1, sizeof(*s));
	int rc;

	if (s == NULL)
		return -ENOMEM;
	s->fd = -1;
	s->sink = sink;
	s->arg = arg;
	s->self = getpid();
	s->path = (struct sbuf)SBUF_INIT;
	s->path2 = (struct sbuf)SBUF_INIT;
	if ((s->buf = aligned_alloc(8, FAN_READ_BUF)) == NULL) {
		rc = -ENOMEM;
		goto fail;
	}
	if ((rc = fan_resolver_new(&s->res)) < 0)
		goto fail;
	*out = s;
	return 0;
fail:
	fan_source_close(s);
	return rc;
}

int
fan_source_new_detached(event_fn *sink, void *arg, struct fan_source **out)
{
	return source_alloc(sink, arg, out);
}

#define N_INIT_MODES (sizeof(init_modes) / sizeof(init_modes[0]))

/* fanotify_init() with the richest flags the kernel takes, from init_modes[FIRST] on.
 * 0 or -errno. */
static int
source_init_fd(struct fan_source *s, size_t first)
{
	for (size_t i = first; i < N_INIT_MODES; i++) {
		unsigned flags = INIT_COMMON | init_modes[i].flags;

		s->fd = fanotify_init(flags, EVENT_F_FLAGS);
		if (s->fd >= 0) {
			s->init_flags = flags;
			s->stats.fid_mode = (flags & INIT_FID) == INIT_FID;
			log_info("fanotify: %s", init_modes[i].name);
			return 0;
		}
		if (errno != EINVAL)
			return -errno;
	}
	return -EINVAL;
}

/* Open a source whose fanotify flags are probed from init_modes[FIRST_MODE] down. */
static int
source_open(const struct fan_source_config *cfg, struct fan_source *s, size_t first_mode)
{
	int rc;

	s->no_open = cfg->no_open;
	if ((s->hostfs = strdup(cfg->hostfs ? cfg->hostfs : "")) == NULL)
		return -ENOMEM;
	if ((rc = source_init_fd(s, first_mode)) < 0)
		return rc;
	rc = fan_marks_new(s->fd, s->stats.fid_mode ? &masks_fid : &masks_fd, s->res, &s->marks);
	if (rc < 0 || (rc = fan_ctrs_new(s->marks, &s->ctrs)) < 0)
		return rc;
	fan_marks_set_hostfs(s->marks, s->hostfs);
	s->unbounded = cfg->unbounded;
	if ((rc = fan_marks_apply(s->marks, cfg)) < 0)
		return rc;
	s->stats.marks = fan_marks_count(s->marks);
	log_info("fanotify: %u marks%s", s->stats.marks,
	         s->stats.fid_mode && !fan_marks_have_rename(s->marks) && s->stats.marks ?
	         ", renames as moved_from/moved_to halves" : "");
	return 0;
}

int
fan_source_open(const struct fan_source_config *cfg, event_fn *sink, void *arg,
                struct fan_source **out)
{
	struct fan_source *s = NULL;
	int rc;

	if ((rc = source_alloc(sink, arg, &s)) < 0)
		return rc;
	if ((rc = source_open(cfg, s, 0)) < 0) {
		fan_source_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

int
fan_source_open_fd_mode(const struct fan_source_config *cfg, event_fn *sink, void *arg,
                        struct fan_source **out)
{
	struct fan_source *s = NULL;
	int rc;

	if ((rc = source_alloc(sink, arg, &s)) < 0)
		return rc;
	if ((rc = source_open(cfg, s, N_INIT_MODES - 1)) < 0) {
		fan_source_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

int
fan_source_fd(const struct fan_source *s)
{
	return s->fd;
}

int
fan_source_read(struct fan_source *s, unsigned budget)
{
	size_t want = read_size(budget);
	unsigned done = 0;

	s->sink_err = 0;
	while (done < budget || done == 0) {
		ssize_t n = read(s->fd, s->buf, want);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n < 0 && (errno == EMFILE || errno == ENFILE || errno == ENOMEM)) {
			/* fd mode: the kernel could not open the file for us; that event is gone. */
			log_warn("fanotify: an event was lost");
			done++;
			continue;
		}
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		done += fan_parse(s, s->buf, (size_t)n, now_wall_ns());
		if (s->sink_err < 0)
			return s->sink_err;
	}
	return 1;
}

int
fan_source_set_paths(struct fan_source *s, const struct fan_source_config *cfg)
{
	int rc;

	if (s->marks == NULL)
		return -EINVAL;
	s->no_open = cfg->no_open;
	s->unbounded = cfg->unbounded;
	rc = fan_marks_apply(s->marks, cfg);
	if (!s->unbounded)
		fan_ctrs_replan(s->ctrs);
	s->stats.marks = fan_marks_count(s->marks);
	log_info("fanotify: %u marks after reload", s->stats.marks);
	return rc;
}

int
fan_source_watch_root(struct fan_source *s, const char *host_root, uint64_t key)
{
	char buf[PATH_MAX];
	const char *local;
	int rc;

	if (s->ctrs == NULL)
		return -EINVAL;
	if (s->unbounded)
		return 0;               /* the filesystem marks see the backing filesystem */
	/* The container table names the root as the host does; we reach it through hostfs
	 * (events name it as the host does again: parse.c). */
	if ((rc = hostpath_to(s->hostfs, host_root, buf, sizeof(buf), &local)) < 0)
		return rc;
	rc = fan_ctrs_watch(s->ctrs, local, key);
	s->stats.marks = fan_marks_count(s->marks);
	s->stats.containers = (uint32_t)fan_ctrs_count(s->ctrs);
	return rc;
}

void
fan_source_unwatch_root(struct fan_source *s, uint64_t key)
{
	if (s->ctrs == NULL)
		return;
	fan_ctrs_unwatch(s->ctrs, key);
	s->stats.marks = fan_marks_count(s->marks);
	s->stats.containers = (uint32_t)fan_ctrs_count(s->ctrs);
}

void
fan_source_close(struct fan_source *s)
{
	if (s == NULL)
		return;
	if (s->fd >= 0)
		close(s->fd);
	fan_ctrs_free(s->ctrs);
	fan_marks_free(s->marks);
	fan_resolver_free(s->res);
	sbuf_free(&s->path);
	sbuf_free(&s->path2);
	free(s->buf);
	free(s->hostfs);
	free(s);
}

const struct fan_source_stats *
fan_source_stats(const struct fan_source *s)
{
	return &s->stats;
}
