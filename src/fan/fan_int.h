/* fan_int.h - what the files of the fanotify source share; nothing outside src/fan/ and its
 * unit tests includes this.
 *
 * Who owns what: source.c owns the fanotify fd, the read buffer and the lifetime of the
 * resolver and the mark set; parse.c turns the bytes of one read() into events and owns no
 * state of its own; resolve.c owns the mount fds (one per filesystem id) and turns file handles
 * and event fds into paths; marks.c owns the plan of what to mark and the set of marked
 * objects, and places marks on the fanotify fd it borrows from source.c. */
#ifndef SHIKRA_FAN_INT_H
#define SHIKRA_FAN_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "core/sbuf.h"
#include "fan/source.h"

/* The kernel ABI's values, for building against headers older than the running kernel. */
#ifndef FAN_REPORT_PIDFD
#define FAN_REPORT_PIDFD 0x00000080
#endif
#ifndef FAN_REPORT_DFID_NAME
#define FAN_REPORT_DFID_NAME (0x00000400 | 0x00000800)
#endif
#ifndef FAN_REPORT_TARGET_FID
#define FAN_REPORT_TARGET_FID 0x00001000
#endif
#ifndef FAN_RENAME
#define FAN_RENAME 0x10000000
#endif
#ifndef FAN_EVENT_INFO_TYPE_DFID_NAME
#define FAN_EVENT_INFO_TYPE_DFID_NAME 2
#define FAN_EVENT_INFO_TYPE_DFID 3
#endif
#ifndef FAN_EVENT_INFO_TYPE_PIDFD
#define FAN_EVENT_INFO_TYPE_PIDFD 4
#endif
#ifndef FAN_EVENT_INFO_TYPE_OLD_DFID_NAME
#define FAN_EVENT_INFO_TYPE_OLD_DFID_NAME 10
#define FAN_EVENT_INFO_TYPE_NEW_DFID_NAME 12
#endif

/* ---- resolve.c: file handles and fds to paths ---------------------------------------- */

/* The mount fds, keyed by filesystem id (statfs f_fsid, the fsid fanotify reports). */
struct fan_resolver;

int  fan_resolver_new(struct fan_resolver **out);
void fan_resolver_free(struct fan_resolver *r);          /* NULL-safe; closes the mount fds */
/* Open the directory FD refers to (FD may be O_PATH) as the mount fd for its filesystem,
 * unless that filesystem already has one.  FD stays the caller's.  0, -ENOTDIR for a
 * non-directory, or another -errno. */
int  fan_resolver_add(struct fan_resolver *r, int fd);
size_t fan_resolver_count(const struct fan_resolver *r);
/* A file identifier as a FID info record carries it, pointing into the record. */
struct fan_fid {
	const unsigned char *fsid;      /* 8 bytes: the filesystem id */
	const unsigned char *fh;        /* struct file_handle as fanotify lays it out, unaligned */
	size_t fhlen;                   /* bytes at FH that belong to the handle */
	const char *name;               /* DFID_NAME kinds: the entry's name; else NULL */
};

/* Resolve FID's handle and append the absolute path of the object to OUT.  Returns 0; -ENODEV
 * if no mount fd is known for its filesystem; -EINVAL for a handle that does not fit in
 * fhlen; -ESTALE if it no longer decodes, or names a file whose path no longer leads to it;
 * another -errno.  OUT is unchanged on error. */
int  fan_resolve_handle(struct fan_resolver *r, const struct fan_fid *fid, struct sbuf *out);
/* Append the absolute path of open fd FD to OUT; fill *ST from fstat(FD).  0 or -errno. */
int  fan_resolve_fd(int fd, struct sbuf *out, struct stat *st);

/* ---- markset.c: the objects we hold inode marks on ------------------------------------ */

struct fan_markkey {
	uint64_t dev, ino;      /* ino 0 = empty slot */
};

struct fan_markset {
	struct fan_markkey *v;  /* open addressing; cap a power of two */
	uint32_t n, cap;
};

bool fan_markset_has(const struct fan_markset *set, uint64_t dev, uint64_t ino);
/* Add (DEV, INO) unless present; INO 0 is ignored. */
void fan_markset_put(struct fan_markset *set, uint64_t dev, uint64_t ino);
void fan_markset_clear(struct fan_markset *set);        /* leaves SET empty */
/* Replace SET's contents with the inode marks the kernel lists for fanotify fd FAN_FD
 * (/proc/self/fdinfo): marks of removed objects are gone from there.  0 or -errno. */
int  fan_markset_load(struct fan_markset *set, int fan_fd);

/* ---- marks.c: what to mark, and marking it --------------------------------------------- */

struct fan_marks;

/* Masks in use, decided by source.c from the kernel's features. */
struct fan_masks {
	uint64_t dir;           /* directories: content events on children, dirent events */
	uint64_t file;          /* a named file itself */
	uint64_t fs;            /* filesystem (or mount) marks */
	bool fid_mode;          /* dirent events exist: new directories can be followed */
};

/* A rule for which directories to mark, from one configured path (see marks.c). */
struct fan_root {
	char *base;             /* the directory whose children matter */
	char *file;             /* FPATH_EXACT: the file itself; else NULL */
	char *prefix;           /* recursive roots: subdirectories whose path starts with this */
};

/* An ancestor of a missing base is watched for directories appearing in it only. */
#define FAN_MASK_ANCESTOR (FAN_CREATE | FAN_RENAME | FAN_ONDIR)

/* Borrow FAN_FD and RES (mount fds are added for every marked filesystem).  0 or -errno. */
int  fan_marks_new(int fan_fd, const struct fan_masks *masks, struct fan_resolver *res,
                   struct fan_marks **out);
void fan_marks_free(struct fan_marks *m);                /* NULL-safe; marks stay on the fd */
/* Plan the marks CFG asks for and place them (after removing any earlier ones).  Paths that
 * cannot be marked are logged and skipped.  0, or -errno if nothing could be planned. */
int  fan_marks_apply(struct fan_marks *m, const struct fan_source_config *cfg);
/* A directory appeared at PATH (created or moved in): mark it and what is below it when
 * some configured path wants it. */
void fan_marks_new_dir(struct fan_marks *m, const char *path);
/* Paths given to M (plan, new directories) are the host's names; open them through HOSTFS
 * (core/hostpath.h; borrowed, must outlive M; NULL = off). */
void fan_marks_set_hostfs(struct fan_marks *m, const char *hostfs);
/* DIR + "/" + NAME in a new malloc'd string (no doubled slash after "/"); aborts on ENOMEM. */
char *fan_path_join(const char *dir, const char *name);
/* Does PATH lie strictly below directory BASE (a whole-component match; "/" holds all)? */
bool fan_path_below(const char *path, const char *base);
uint32_t fan_marks_count(const struct fan_marks *m);
/* How FAN_RENAME fared: the first directory mark finds out whether the kernel has it. */
bool fan_marks_have_rename(const struct fan_marks *m);
/* The roots of the current plan (valid until the next fan_marks_apply()), and the masks. */
const struct fan_root *fan_marks_roots(const struct fan_marks *m, size_t *n);
const struct fan_masks *fan_marks_masks(const struct fan_marks *m);
/* May one more directory be marked?  At the bound the set is recounted from the kernel
 * first; false (with one warning) when it is still full. */
bool fan_marks_room_for_dir(struct fan_marks *m);
/* Mark the object open at FD (stat ST; FD may be O_PATH) with DIR_MASK if it is a directory,
 * the file mask if not, and count it; no mount fd is added for its filesystem.  1 if newly
 * marked, 0 if it already was, -ENOSPC at the bound, or -errno. */
int  fan_marks_object(struct fan_marks *m, int fd, const struct stat *st, uint64_t dir_mask);
/* Remove the mark of the object open at FD (stat ST).  0 or -errno (-ENOENT: none). */
int  fan_marks_remove(struct fan_marks *m, int fd, const struct stat *st);
/* Recount the marked objects from the kernel's list, after removals. */
void fan_marks_recount(struct fan_marks *m);

/* ---- ctrmarks.c: marks inside containers' root filesystems ------------------------------ */

/* The containers watched, each with the directories marked in its root filesystem and, in
 * FID mode, their file handles (an overlay's handles do not decode: the table is how an
 * event's directory handle becomes a path). */
struct fan_ctrs;

/* Borrow M.  0 or -ENOMEM. */
int  fan_ctrs_new(struct fan_marks *m, struct fan_ctrs **out);
void fan_ctrs_free(struct fan_ctrs *cs);                 /* NULL-safe; marks stay on the fd */
/* Watch the roots of M's plan inside the container whose root filesystem is HOST_ROOT (a
 * host path: the overlay's merged directory, or /proc/PID/root), known by KEY (replacing an
 * earlier watch with that key).  0; -ENOTDIR/-ENOENT for a bad HOST_ROOT; -EOPNOTSUPP when
 * the kernel cannot mark that filesystem in this mode; another -errno. */
int  fan_ctrs_watch(struct fan_ctrs *cs, const char *host_root, uint64_t key);
/* Remove KEY's marks (those still there) and forget it.  Unknown keys are ignored. */
void fan_ctrs_unwatch(struct fan_ctrs *cs, uint64_t key);
/* M's plan changed and its marks were flushed: mark every watched container again. */
void fan_ctrs_replan(struct fan_ctrs *cs);
size_t fan_ctrs_count(const struct fan_ctrs *cs);
/* Which container, and where in it, FID (a directory handle, with or without a name) names:
 * append the container path (plus "/" and the name) to OUT, set *KEY and *HOST_ROOT
 * (borrowed, valid until the next watch/unwatch) and return 0; -ENOENT when FID is no
 * directory marked in a container.  OUT is unchanged on error. */
int  fan_ctrs_resolve(const struct fan_ctrs *cs, const struct fan_fid *fid, struct sbuf *out,
                      uint64_t *key, const char **host_root);
/* fd mode: the container whose root filesystem is device DEV.  0 or -ENOENT. */
int  fan_ctrs_by_dev(const struct fan_ctrs *cs, uint64_t dev, uint64_t *key,
                     const char **host_root);
/* A directory appeared at container path PATH in KEY's root filesystem: mark it and what is
 * below it when some root of the plan wants it. */
void fan_ctrs_new_dir(struct fan_ctrs *cs, uint64_t key, const char *path);

/* ---- parse.c: bytes of one read() to events -------------------------------------------- */

struct fan_source {
	int fd;                         /* the fanotify fd; -1 for a detached (test) source */
	unsigned init_flags;            /* what fanotify_init accepted */
	pid_t self;                     /* our pid: events we cause are dropped */
	event_fn *sink;
	void *arg;
	struct fan_resolver *res;
	struct fan_marks *marks;        /* NULL for a detached source */
	struct fan_ctrs *ctrs;          /* containers watched; NULL for a detached source */
	struct fan_source_stats stats;
	uint64_t seq;                   /* evt.num of the last event */
	int sink_err;                   /* first error the sink returned in this read */
	bool no_open;                   /* cfg.no_open: FAN_OPEN makes no EVT_open (except
	                                 * in containers: see fan_source_watch_root()) */
	bool unbounded;                 /* cfg.unbounded: filesystem marks, no container marks */
	char *hostfs;                   /* cfg.hostfs, copied at open ("" = off) */
	struct sbuf path, path2;        /* scratch for the paths of one record */
	unsigned char *buf;             /* read buffer, FAN_READ_BUF bytes, 8-byte aligned */
};

#define FAN_READ_BUF (64 * 1024)

/* Parse LEN bytes read from the fanotify fd, stamped NOW_NS, and hand the events to the sink.
 * Every record is validated before use; a malformed one is counted in stats.truncated and
 * skipped, and parsing never reads past LEN.  Every fd a well-formed record carries (event fd,
 * pidfd) is closed.  Returns the number of records seen; a sink error is kept in sink_err. */
unsigned fan_parse(struct fan_source *s, const void *buf, size_t len, uint64_t now_ns);

/* As fan_source_open(), but in fd mode (the fallback for kernels without FID reporting)
 * whatever this kernel has: for testing the fallback.  0 or -errno. */
int  fan_source_open_fd_mode(const struct fan_source_config *cfg, event_fn *sink, void *arg,
                             struct fan_source **out);

/* A source with no fanotify fd and no marks, for feeding fan_parse() by hand (tests).
 * Close it with fan_source_close().  0 or -errno. */
int  fan_source_new_detached(event_fn *sink, void *arg, struct fan_source **out);

#endif
