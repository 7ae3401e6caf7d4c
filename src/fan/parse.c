/* parse.c - the bytes of one fanotify read() to events (see fan_int.h).
 *
 * This file owns the record format: struct fanotify_event_metadata, then info records (each a
 * fanotify_event_info_header with its own length) up to event_len.  Everything is copied out
 * with memcpy before use: the buffer is the kernel's, records are only 4-byte aligned, and a
 * length that does not fit is a malformed record (stats.truncated), never a read past the end.
 * It owns the mapping of mask bits to event types and the fds a record carries, which it
 * always closes.  It does not own the fds that resolve paths (resolve.c) nor the marks
 * (marks.c), though it tells marks.c when a directory appears.
 *
 * Mapping: one event per mask bit, in the order the operations happen (create, open, exec,
 * access, modify, attrib, close_write, moves, delete).  Paths: a FAN_RENAME record names the
 * old and new parent + name (file = new, file2 = old); a FAN_MOVED_FROM/TO record only its
 * own half.  Other FID records name the parent + name (DFID_NAME; "." for a directory's own
 * event), or only the object (FID).  fd mode records carry an open fd instead.  A handle that
 * no longer decodes leaves file.path NULL and puts the bare name in file.raw.
 *
 * Open modes: fanotify does not say how a file was opened.  A FAN_OPEN merged in one record
 * with FAN_MODIFY or FAN_CLOSE_WRITE was a write open (O_RDWR if FAN_ACCESS is there too);
 * a FAN_OPEN alone is reported as O_RDONLY, the common case, which a write open that has not
 * written yet also looks like.  access and open_exec read; modify and close_write write. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/hostpath.h"
#include "core/log.h"
#include "fan/fan_int.h"

/* Byte layout of the info records (offsets from the record's start). */
#define INFO_HDR_LEN 4                  /* info_type, pad, len */
#define FID_FSID_OFF 4                  /* __kernel_fsid_t */
#define FID_FH_OFF 12                   /* struct file_handle */
#define FH_HEAD 8                       /* handle_bytes, handle_type */
#define PIDFD_LEN 8                     /* header + __s32 pidfd */

enum fid_slot { FID_DIR, FID_OBJ, FID_OLD, FID_NEW, FID__N };

struct record {
	struct fanotify_event_metadata md;
	int pidfd;                      /* -1 when none */
	struct fan_fid fid[FID__N];
	bool has[FID__N];
};

/* The FID info types: which slot each fills (plus one, so that 0 is "not a FID record") and
 * whether a name follows the handle. */
static const struct {
	unsigned char slot1;
	bool named;
} fid_types[] = {
	[FAN_EVENT_INFO_TYPE_FID] = { 1 + FID_OBJ, false },
	[FAN_EVENT_INFO_TYPE_DFID_NAME] = { 1 + FID_DIR, true },
	[FAN_EVENT_INFO_TYPE_DFID] = { 1 + FID_DIR, false },
	[FAN_EVENT_INFO_TYPE_OLD_DFID_NAME] = { 1 + FID_OLD, true },
	[FAN_EVENT_INFO_TYPE_NEW_DFID_NAME] = { 1 + FID_NEW, true },
};
#define N_FID_TYPES (sizeof(fid_types) / sizeof(fid_types[0]))
_Static_assert(N_FID_TYPES == FAN_EVENT_INFO_TYPE_NEW_DFID_NAME + 1, "FID info type table");

/* Validate the FID record of LEN bytes at P into *FI.  0 or -EINVAL. */
static int
parse_fid(const unsigned char *p, size_t len, bool named, struct fan_fid *fi)
{
	uint32_t nbytes;
	const char *name, *nul;
	size_t rest;

	if (len < FID_FH_OFF + FH_HEAD)
		return -EINVAL;
	memcpy(&nbytes, p + FID_FH_OFF, sizeof(nbytes));
	if (nbytes == 0 || nbytes > MAX_HANDLE_SZ || nbytes > len - FID_FH_OFF - FH_HEAD)
		return -EINVAL;
	fi->fsid = p + FID_FSID_OFF;
	fi->fh = p + FID_FH_OFF;
	fi->fhlen = FH_HEAD + nbytes;
	fi->name = NULL;
	if (!named)
		return 0;
	name = (const char *)p + FID_FH_OFF + fi->fhlen;
	rest = len - FID_FH_OFF - fi->fhlen;
	/* A name is one path component: not empty, terminated inside the record, no '/'. */
	if (rest == 0 || (nul = memchr(name, '\0', rest)) == NULL || nul == name ||
	    memchr(name, '/', (size_t)(nul - name)) != NULL)
		return -EINVAL;
	fi->name = name;
	return 0;
}

/* Read one info record at P (AVAIL bytes left in the event) into R; *USED its length.
 * 0 or -EINVAL. */
static int
parse_info(const unsigned char *p, size_t avail, struct record *r, size_t *used)
{
	struct fanotify_event_info_header h;
	int slot;

	if (avail < INFO_HDR_LEN)
		return -EINVAL;
	memcpy(&h, p, sizeof(h));
	if (h.len < INFO_HDR_LEN || h.len > avail)
		return -EINVAL;
	*used = h.len;
	if (h.info_type == FAN_EVENT_INFO_TYPE_PIDFD) {
		int32_t pidfd;

		if (h.len < PIDFD_LEN || r->pidfd != -1)
			return -EINVAL;
		memcpy(&pidfd, p + INFO_HDR_LEN, sizeof(pidfd));
		r->pidfd = pidfd >= 0 ? pidfd : -1;     /* FAN_NOPIDFD, FAN_EPIDFD: none */
		return 0;
	}
	if (h.info_type >= N_FID_TYPES || fid_types[h.info_type].slot1 == 0)
		return 0;               /* a type we do not use (error, future ones): skip it */
	slot = fid_types[h.info_type].slot1 - 1;
	if (r->has[slot])
		return -EINVAL;
	r->has[slot] = true;
	return parse_fid(p, h.len, fid_types[h.info_type].named, &r->fid[slot]);
}

/* Close the fds a record carries.  Only called once its metadata proved well-formed: a
 * garbled record's "fd" could be any number, including one of ours. */
static void
close_fds(const struct record *r)
{
	if (r->md.fd >= 0)
		close(r->md.fd);
	if (r->pidfd >= 0)
		close(r->pidfd);
}

/* ---- building events -------------------------------------------------------------------- */

/* What a record names, resolved. */
struct object {
	const char *path;               /* absolute, or NULL */
	const char *raw;                /* the name as known, or NULL */
	uint64_t ino, dev;
	int64_t mode;
	const char *host_root;          /* in a watched container: its root on the host (PATH is
	                                 * the container's view); else NULL */
	uint64_t ctr_key;
};

struct view {
	const struct record *r;
	struct object file, file2;
	uint64_t now_ns;
};

/* Resolve FI (parent + name, or the object itself) into OUT using SB for storage. */
static void
resolve_fid(struct fan_source *s, const struct fan_fid *fi, struct sbuf *sb, struct object *out)
{
	bool self = fi->name == NULL || strcmp(fi->name, ".") == 0;
	int rc;

	sbuf_reset(sb);
	/* A directory marked in a container: its handle may not decode (overlayfs), and the
	 * container's view of the path is the one wanted anyway. */
	if (fan_ctrs_resolve(s->ctrs, fi, sb, &out->ctr_key, &out->host_root) == 0) {
		out->path = out->raw = sbuf_str(sb);
		return;
	}
	rc = fan_resolve_handle(s->res, fi, sb);
	if (rc < 0) {
		s->stats.unresolved++;
		out->raw = self ? NULL : fi->name;
		return;
	}
	if (!self) {
		if (sb->len > 1)
			sbuf_putc(sb, '/');
		sbuf_puts(sb, fi->name);
	}
	out->path = out->raw = sbuf_str(sb);
}

static void
object_init(struct object *o, uint64_t mask)
{
	*o = (struct object){ .mode = (mask & FAN_ONDIR) ? S_IFDIR : EVENT_NUM_UNSET };
}

/* fd mode: an object on a watched container's root filesystem is named as the container
 * sees it.  The kernel's fd names it by the mount the process used: the container's own
 * mount, which is not below our root, reads as the container path already; the host's
 * mount of the overlay reads as HOST_ROOT + path. */
static void
fd_in_container(struct fan_source *s, const struct stat *st, struct object *o)
{
	size_t n;

	if (fan_ctrs_by_dev(s->ctrs, st->st_dev, &o->ctr_key, &o->host_root) < 0)
		return;
	n = strlen(o->host_root);
	if (strncmp(o->path, o->host_root, n) == 0 && (o->path[n] == '/' || o->path[n] == '\0'))
		o->path = o->raw = o->path[n] ? o->path + n : "/";
}

/* Fill V's objects from R, named from our mount namespace. */
static void
resolve_objects(struct fan_source *s, const struct record *r, struct view *v)
{
	object_init(&v->file, r->md.mask);
	object_init(&v->file2, r->md.mask);
	if (r->md.fd >= 0) {
		struct stat st;

		sbuf_reset(&s->path);
		if (fan_resolve_fd(r->md.fd, &s->path, &st) < 0) {
			s->stats.unresolved++;
			return;
		}
		v->file.path = v->file.raw = sbuf_str(&s->path);
		fd_in_container(s, &st, &v->file);
		v->file.ino = st.st_ino;
		v->file.dev = st.st_dev;
		v->file.mode = st.st_mode;
		return;
	}
	if (r->has[FID_NEW] || r->has[FID_OLD]) {
		/* The kernel names only the side(s) we watch.  When the new side is missing, the
		 * moved object's own handle (FAN_REPORT_TARGET_FID) says where it is now; a missing
		 * old side is gone for good. */
		if (r->has[FID_NEW])
			resolve_fid(s, &r->fid[FID_NEW], &s->path, &v->file);
		else if (r->has[FID_OBJ])
			resolve_fid(s, &r->fid[FID_OBJ], &s->path, &v->file);
		if (r->has[FID_OLD])
			resolve_fid(s, &r->fid[FID_OLD], &s->path2, &v->file2);
	} else if (r->has[FID_DIR] && (r->fid[FID_DIR].name || !r->has[FID_OBJ])) {
		resolve_fid(s, &r->fid[FID_DIR], &s->path, &v->file);
	} else if (r->has[FID_OBJ]) {
		resolve_fid(s, &r->fid[FID_OBJ], &s->path, &v->file);  /* the object itself */
	}
	/* A moved-from half names the old path: it is the rename's file2. */
	if ((r->md.mask & FAN_MOVED_FROM) && !(r->md.mask & FAN_RENAME)) {
		v->file2 = v->file;
		object_init(&v->file, r->md.mask);
	}
}

/* O was named from our mount namespace: name it as the host does (core/hostpath.h).  A
 * container path is the container's own name and stays; its root loses the prefix. */
static void
host_view(const struct fan_source *s, struct object *o)
{
	if (o->host_root != NULL) {
		o->host_root = hostpath_from(s->hostfs, o->host_root);
	} else if (o->path != NULL) {
		bool same = o->raw == o->path;

		o->path = hostpath_from(s->hostfs, o->path);
		if (same)
			o->raw = o->path;
	}
}

/* Fill V's objects from R, named as the host names them. */
static void
resolve_record(struct fan_source *s, const struct record *r, struct view *v)
{
	resolve_objects(s, r, v);
	host_view(s, &v->file);
	host_view(s, &v->file2);
}

static void
set_path(struct event *ev, struct event_path *p, const struct object *o, const char *host_arg)
{
	p->path = event_strdup(ev, o->path);
	p->raw = o->path ? p->path : event_strdup(ev, o->raw);
	p->inode = o->ino;
	p->dev = o->dev;
	p->mode = o->mode;
	if (o->host_root && o->path) {
		/* The host's name of a container file: its root plus the container path. */
		size_t nr = strlen(o->host_root), np = strlen(o->path);
		char *h = arena_alloc(&ev->mem, nr + np + 1);

		memcpy(h, o->host_root, nr);
		memcpy(h + nr, o->path, np + 1);
		if (np == 1)
			h[nr] = '\0';  /* the root itself */
		event_set_arg(ev, host_arg, h, EVENT_NUM_UNSET);
	}
}

/* The open mode to report for TYPE in a record with MASK; -1 for none. */
static int
open_mode(enum event_type type, uint64_t mask)
{
	bool writes = mask & (FAN_MODIFY | FAN_CLOSE_WRITE);

	switch (type) {
	case EVT_open:
		if (!writes)
			return O_RDONLY;
		return (mask & FAN_ACCESS) ? O_RDWR : O_WRONLY;
	case EVT_access:
	case EVT_open_exec:
		return O_RDONLY;
	case EVT_modify:
	case EVT_close_write:
		return O_WRONLY;
	default:
		return -1;
	}
}

static void
set_flags(struct event *ev, uint64_t mask)
{
	static const char *const names[] = {
		[O_RDONLY] = "O_RDONLY", [O_WRONLY] = "O_WRONLY", [O_RDWR] = "O_RDWR",
	};
	int mode = open_mode(ev->type, mask);

	if (mode >= 0)
		event_set_arg(ev, "flags", names[mode], mode);
}

/* Hand one event of TYPE for the record in V to the sink. */
static void
emit(struct fan_source *s, const struct view *v, enum event_type type)
{
	struct event *ev = event_new(type, EVS_FANOTIFY);
	int rc;

	ev->ts_ns = v->now_ns;
	ev->serial = ++s->seq;
	ev->pid = v->r->md.pid;
	ev->success = 1;
	set_path(ev, &ev->file, &v->file, "host_path");
	set_path(ev, &ev->file2, &v->file2, "host_path2");
	set_flags(ev, v->r->md.mask);
	if (type == EVT_rename) {
		if (ev->file2.raw)
			event_set_arg(ev, "oldpath", ev->file2.raw, EVENT_NUM_UNSET);
		if (ev->file.raw)
			event_set_arg(ev, "newpath", ev->file.raw, EVENT_NUM_UNSET);
	}
	s->stats.events++;
	rc = s->sink(ev, s->arg);
	if (rc < 0 && s->sink_err == 0)
		s->sink_err = rc;
}

static void
emit_overflow(struct fan_source *s, uint64_t now_ns)
{
	struct event *ev = event_new(EVT_internal, EVS_INTERNAL);
	char n[24];
	int rc;

	s->stats.overflows++;
	log_warnx("fanotify: the kernel's event queue overflowed; file events were lost");
	ev->ts_ns = now_ns;
	ev->serial = ++s->seq;
	snprintf(n, sizeof(n), "%" PRIu64, s->stats.overflows);
	event_add_kv(ev, "rule", "Fanotify events lost");
	event_add_kv(ev, "priority", "Critical");
	event_add_kv(ev, "msg", "fanotify: the kernel's event queue overflowed; file events were "
	             "lost");
	event_add_kv(ev, "source", "fanotify");
	event_add_kv(ev, "overflows", n);
	rc = s->sink(ev, s->arg);
	if (rc < 0 && s->sink_err == 0)
		s->sink_err = rc;
}

/* Mask bits to event types, in the order the operations happen. */
static const struct {
	uint64_t bit;
	enum event_type type;
} bit_order[] = {
	{ FAN_CREATE, EVT_create },
	{ FAN_OPEN, EVT_open },
	{ FAN_OPEN_EXEC, EVT_open_exec },
	{ FAN_ACCESS, EVT_access },
	{ FAN_MODIFY, EVT_modify },
	{ FAN_ATTRIB, EVT_attrib },
	{ FAN_CLOSE_WRITE, EVT_close_write },
	{ FAN_MOVED_FROM, EVT_rename },
	{ FAN_MOVED_TO, EVT_rename },
	{ FAN_RENAME, EVT_rename },
	{ FAN_DELETE, EVT_delete },
};

/* A directory appeared: let marks.c follow it. */
static void
follow_new_dir(struct fan_source *s, const struct view *v)
{
	uint64_t mask = v->r->md.mask;

	if (!s->marks || !(mask & FAN_ONDIR) || !(mask & (FAN_CREATE | FAN_MOVED_TO | FAN_RENAME)) ||
	    v->file.path == NULL)
		return;
	if (v->file.host_root)
		fan_ctrs_new_dir(s->ctrs, v->file.ctr_key, v->file.path);
	else
		fan_marks_new_dir(s->marks, v->file.path);
	s->stats.marks = fan_marks_count(s->marks);
}

/* Turn the validated record R into events. */
static void
deliver(struct fan_source *s, const struct record *r, uint64_t now_ns)
{
	struct view v = { .r = r, .now_ns = now_ns };

	if (r->md.mask & FAN_Q_OVERFLOW)
		emit_overflow(s, now_ns);
	if (!(r->md.mask & ~(uint64_t)(FAN_Q_OVERFLOW | FAN_ONDIR)))
		return;
	resolve_record(s, r, &v);
	for (size_t i = 0; i < sizeof(bit_order) / sizeof(bit_order[0]); i++) {
		/* Audit reports the open syscall itself, except in a container: its open rules
		 * name host inodes, which a container's files are not. */
		if (s->no_open && bit_order[i].type == EVT_open && v.file.host_root == NULL)
			continue;
		if ((r->md.mask & bit_order[i].bit) && s->sink_err == 0)
			emit(s, &v, bit_order[i].type);
	}
	follow_new_dir(s, &v);
}

/* Parse the event of LEN bytes at P (LEN >= metadata, from event_len).  A malformed one is
 * counted and skipped; its fds are closed if its metadata could be trusted. */
static void
parse_event(struct fan_source *s, const unsigned char *p, size_t len, uint64_t now_ns)
{
	struct record r = { .pidfd = -1 };
	size_t off, used;

	memcpy(&r.md, p, sizeof(r.md));
	if (r.md.vers != FANOTIFY_METADATA_VERSION || r.md.metadata_len < sizeof(r.md) ||
	    r.md.metadata_len > len) {
		s->stats.truncated++;
		return;
	}
	for (off = r.md.metadata_len; off < len; off += used) {
		if (parse_info(p + off, len - off, &r, &used) < 0) {
			s->stats.truncated++;
			close_fds(&r);
			return;
		}
	}
	/* The pidfd is not used: the pid says who, and the process table looks it up. */
	if (r.pidfd >= 0)
		close(r.pidfd);
	r.pidfd = -1;
	if (r.md.pid != s->self && s->sink_err == 0)
		deliver(s, &r, now_ns);
	if (r.md.fd >= 0)
		close(r.md.fd);
}

unsigned
fan_parse(struct fan_source *s, const void *buf, size_t len, uint64_t now_ns)
{
	const unsigned char *p = buf;
	unsigned n = 0;

	while (len > 0) {
		struct fanotify_event_metadata md;

		/* Without a trustworthy event_len there is no next record: drop the rest. */
		if (len < sizeof(md)) {
			s->stats.truncated++;
			break;
		}
		memcpy(&md, p, sizeof(md));
		if (md.event_len < sizeof(md) || md.event_len > len) {
			s->stats.truncated++;
			break;
		}
		parse_event(s, p, md.event_len, now_ns);
		p += md.event_len;
		len -= md.event_len;
		n++;
	}
	return n;
}
