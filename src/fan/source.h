/* source.h - the live fanotify source: file access as events.
 * Notification class only (never permission events).  At open the kernel's features are
 * probed and logged: FAN_REPORT_DFID_NAME | FAN_REPORT_FID (+ FAN_REPORT_TARGET_FID,
 * FAN_REPORT_PIDFD where present) with FAN_UNLIMITED_QUEUE, else fd mode with mount marks.
 * Marks come from the rules' paths (filter_paths()/ruleset_paths()): a named file or directory
 * gets an inode/directory mark with FAN_EVENT_ON_CHILD (open, access, modify, close_write,
 * attrib, open_exec on children; create, delete, moves in the directory); a prefix ("startswith
 * /etc/") marks the directory tree below it up to a bound; a rule that needs everything gets a
 * filesystem mark, with a warning.  Paths are resolved with open_by_handle_at(O_PATH) against a
 * mount fd; a deleted file keeps its name through parent handle + name.  Our own events are
 * dropped.  FAN_Q_OVERFLOW becomes an EVT_internal event (see audit/source.h). */
#ifndef SHIKRA_FAN_SOURCE_H
#define SHIKRA_FAN_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event/event.h"
#include "rules/filter.h"

struct fan_source_config {
	const struct filter_path *paths;
	size_t npaths;
	bool unbounded;                    /* some rule needs every file: filesystem marks */
	uint32_t max_dir_marks;            /* bound for recursive prefixes; 0 = 4096 */
	/* No EVT_open from FAN_OPEN: the audit source already reports the open syscalls (it
	 * installed rules for them), and one open must not make two events.  The other
	 * fanotify events (access, modify, close_write, open_exec, ...) are unchanged. */
	bool no_open;
	/* Where the host's / is mounted in our mount namespace (configuration key host_root;
	 * NULL or "": it is ours).  PATHS, event paths and fan_source_watch_root()'s HOST_ROOT
	 * stay the host's names; marks are placed on HOSTFS + path, and names resolved from our
	 * namespace lose the prefix again (core/hostpath.h).  Read at open; a reload keeps it. */
	const char *hostfs;
};

struct fan_source_stats {
	bool fid_mode;                     /* FID/DFID_NAME reporting in use */
	uint32_t marks;
	uint32_t containers;               /* container roots watched */
	uint64_t events;
	uint64_t overflows;
	uint64_t unresolved;               /* handles that no longer decode */
	uint64_t truncated;                /* malformed or short records */
};

struct fan_source;

int  fan_source_open(const struct fan_source_config *cfg, event_fn *sink, void *arg,
                     struct fan_source **out);
int  fan_source_fd(const struct fan_source *s);
/* Read at most BUDGET events: 0 (drained), 1 (more to read), or -errno. */
int  fan_source_read(struct fan_source *s, unsigned budget);
/* Replace the marks (and no_open) after a reload.  0 or -errno. */
int  fan_source_set_paths(struct fan_source *s, const struct fan_source_config *cfg);
/* Containers: watch the configured paths inside the container whose root filesystem the host
 * sees at HOST_ROOT (an overlay's merged directory), known by KEY; the paths are marked as
 * the container resolves them, on its root filesystem only (not in volumes), and follow the
 * plan across fan_source_set_paths().  Events there report the path as the container sees it
 * ("/usr/x"), with the host path (HOST_ROOT + path) in the event argument "host_path", and
 * opens are reported even with no_open (audit's open rules watch host inodes and never see
 * a container's files, so there is no duplicate).  Watching again with the same KEY replaces
 * the earlier watch.  Not done (returns 0, nothing marked) when a rule needs every file:
 * the filesystem marks then see the backing filesystem (state/ctrpath.h maps those paths).
 * 0; -EOPNOTSUPP when this kernel cannot mark the container's filesystem (overlayfs without
 * file ids for fanotify, before Linux 6.6); -ENOENT/-ENOTDIR for a bad HOST_ROOT; -errno.
 * Measurements and design: src/fan/ctrmarks.c. */
int  fan_source_watch_root(struct fan_source *s, const char *host_root, uint64_t key);
/* Stop watching KEY's container (its marks go; unknown keys are ignored). */
void fan_source_unwatch_root(struct fan_source *s, uint64_t key);
void fan_source_close(struct fan_source *s);           /* NULL-safe; the marks go with the fd */
const struct fan_source_stats *fan_source_stats(const struct fan_source *s);

#endif
