/* test_fan_parse.c - unit tests for the fanotify record parser (fan/parse.c) and path
 * resolution (fan/resolve.c), fed with hand-built buffers: overflow, malformed and truncated
 * records, fd and pidfd closing, our own events, mask splitting and open modes, FID handles
 * (parent + name, ".", renames, moved halves, unknown and stale filesystems) and a sink that
 * stops.  The handle tests need CAP_DAC_READ_SEARCH (open_by_handle_at) and skip without it. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/log.h"
#include "event/event.h"
#include "fan/fan_int.h"

/* ---- a sink that keeps what it gets --------------------------------------------------- */

#define MAX_EVENTS 32

struct got {
	struct event *ev[MAX_EVENTS];
	unsigned n;
	int fail_with;          /* returned for every event when nonzero */
};

static int
keep(struct event *ev, void *arg)
{
	struct got *g = arg;

	assert_true(g->n < MAX_EVENTS);
	g->ev[g->n++] = ev;
	return g->fail_with;
}

static void
got_free(struct got *g)
{
	for (unsigned i = 0; i < g->n; i++)
		event_free(g->ev[i]);
	g->n = 0;
}

/* ---- building records -------------------------------------------------------------- */

struct rb {
	unsigned char b[8192];
	size_t len;
	size_t start;           /* where the open record began */
};

static void
put(struct rb *r, const void *p, size_t n)
{
	assert_true(r->len + n <= sizeof(r->b));
	memcpy(r->b + r->len, p, n);
	r->len += n;
}

static void
rec_begin(struct rb *r, uint64_t mask, int32_t fd, int32_t pid)
{
	struct fanotify_event_metadata md = {
		.vers = FANOTIFY_METADATA_VERSION, .metadata_len = sizeof(md),
		.mask = mask, .fd = fd, .pid = pid,
	};

	r->start = r->len;
	put(r, &md, sizeof(md));
}

static void
rec_end(struct rb *r)
{
	uint32_t len = (uint32_t)(r->len - r->start);

	memcpy(r->b + r->start, &len, sizeof(len));
}

static void
info_hdr(struct rb *r, uint8_t type, uint16_t len)
{
	struct fanotify_event_info_header h = { .info_type = type, .len = len };

	put(r, &h, sizeof(h));
}

/* A FID record: header, fsid, handle (NBYTES bytes of FH after its 8-byte head), NAME. */
static void
info_fid(struct rb *r, uint8_t type, const unsigned char fsid[8], const struct file_handle *fh,
         const char *name)
{
	size_t nlen = name ? strlen(name) + 1 : 0;
	size_t len = 4 + 8 + 8 + fh->handle_bytes + nlen;
	static const unsigned char pad[4];

	info_hdr(r, type, (uint16_t)((len + 3) & ~(size_t)3));
	put(r, fsid, 8);
	put(r, fh, 8 + fh->handle_bytes);
	if (name)
		put(r, name, nlen);
	put(r, pad, ((len + 3) & ~(size_t)3) - len);
}

static void
info_pidfd(struct rb *r, int32_t pidfd)
{
	info_hdr(r, FAN_EVENT_INFO_TYPE_PIDFD, 8);
	put(r, &pidfd, sizeof(pidfd));
}

/* ---- fixtures ------------------------------------------------------------------------ */

struct fix {
	struct fan_source *s;
	struct got got;
	char dir[64];
	unsigned char fsid[8];
	union {
		struct file_handle fh;
		unsigned char bytes[sizeof(struct file_handle) + MAX_HANDLE_SZ];
	} h;
	bool handles;           /* open_by_handle_at works here */
};

static int
setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	struct statfs sfs;
	int mnt, dfd;

	assert_non_null(f);
	assert_int_equal(fan_source_new_detached(keep, &f->got, &f->s), 0);
	strcpy(f->dir, "/tmp/shikra-fanparse-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	dfd = open(f->dir, O_PATH | O_DIRECTORY);
	assert_true(dfd >= 0);
	assert_int_equal(fstatfs(dfd, &sfs), 0);
	memcpy(f->fsid, &sfs.f_fsid, 8);
	f->h.fh.handle_bytes = MAX_HANDLE_SZ;
	assert_int_equal(name_to_handle_at(dfd, "", &f->h.fh, &mnt, AT_EMPTY_PATH), 0);
	{
		int mfd = open(f->dir, O_RDONLY | O_DIRECTORY);
		int t = open_by_handle_at(mfd, &f->h.fh, O_PATH);

		f->handles = t >= 0;
		if (t >= 0)
			close(t);
		close(mfd);
	}
	assert_int_equal(fan_resolver_add(f->s->res, dfd), 0);
	close(dfd);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fix *f = *state;

	got_free(&f->got);
	fan_source_close(f->s);
	rmdir(f->dir);
	free(f);
	return 0;
}

static bool
fd_is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

/* ---- tests -------------------------------------------------------------------------- */

static void
test_overflow_is_an_internal_event(void **state)
{
	struct fix *f = *state;
	struct rb r = { .len = 0 };

	rec_begin(&r, FAN_Q_OVERFLOW, FAN_NOFD, 0);
	rec_end(&r);
	assert_int_equal(fan_parse(f->s, r.b, r.len, 42), 1);
	assert_int_equal(f->got.n, 1);
	assert_int_equal(f->got.ev[0]->type, EVT_internal);
	assert_int_equal(f->got.ev[0]->source, EVS_INTERNAL);
	assert_string_equal(event_get_kv(f->got.ev[0], "rule"), "Fanotify events lost");
	assert_string_equal(event_get_kv(f->got.ev[0], "priority"), "Critical");
	assert_non_null(event_get_kv(f->got.ev[0], "msg"));
	assert_int_equal(f->got.ev[0]->ts_ns, 42);
	assert_int_equal(f->s->stats.overflows, 1);
	assert_int_equal(f->s->stats.truncated, 0);
}

/* A good overflow record, used to show parsing goes on (or not) after a bad one. */
static void
add_overflow(struct rb *r)
{
	rec_begin(r, FAN_Q_OVERFLOW, FAN_NOFD, 0);
	rec_end(r);
}

static void
test_short_and_oversized_event_len(void **state)
{
	struct fix *f = *state;
	struct rb r = { .len = 0 };
	uint32_t len;

	/* Fewer bytes than a metadata header. */
	add_overflow(&r);
	assert_int_equal(fan_parse(f->s, r.b, 10, 0), 0);
	assert_int_equal(f->s->stats.truncated, 1);
	/* event_len beyond the buffer: nothing after it can be found, so stop. */
	r.len = 0;
	add_overflow(&r);
	add_overflow(&r);
	len = (uint32_t)r.len + 1;
	memcpy(r.b, &len, sizeof(len));
	assert_int_equal(fan_parse(f->s, r.b, r.len, 0), 0);
	assert_int_equal(f->s->stats.truncated, 2);
	/* event_len smaller than the metadata. */
	len = 8;
	memcpy(r.b, &len, sizeof(len));
	assert_int_equal(fan_parse(f->s, r.b, r.len, 0), 0);
	assert_int_equal(f->s->stats.truncated, 3);
	/* A good record followed by a torn one: the good one is delivered. */
	r.len = 0;
	add_overflow(&r);
	add_overflow(&r);
	assert_int_equal(fan_parse(f->s, r.b, r.len - 1, 0), 1);
	assert_int_equal(f->s->stats.truncated, 4);
	assert_int_equal(f->got.n, 1);
}

static void
test_bad_metadata_is_skipped(void **state)
{
	struct fix *f = *state;
	struct rb r = { .len = 0 };
	int fd = open("/dev/null", O_RDONLY);
	uint16_t mlen;

	/* Wrong version: skipped whole; its fd is not trusted, so not closed. */
	rec_begin(&r, FAN_OPEN, fd, 1);
	r.b[r.start + 4] = FANOTIFY_METADATA_VERSION + 1;
	rec_end(&r);
	add_overflow(&r);
	/* metadata_len too small, then too large. */
	rec_begin(&r, FAN_OPEN, FAN_NOFD, 1);
	mlen = 8;
	memcpy(r.b + r.start + 6, &mlen, sizeof(mlen));
	rec_end(&r);
	rec_begin(&r, FAN_OPEN, FAN_NOFD, 1);
	mlen = 200;
	memcpy(r.b + r.start + 6, &mlen, sizeof(mlen));
	rec_end(&r);
	add_overflow(&r);
	assert_int_equal(fan_parse(f->s, r.b, r.len, 0), 5);
	assert_int_equal(f->s->stats.truncated, 3);
	assert_int_equal(f->got.n, 2);
	assert_true(fd_is_open(fd));
	close(fd);
}

/* One record with a DFID_NAME whose bytes are then damaged by DAMAGE. */
static void
bad_info_case(struct fix *f, void (*damage)(struct rb *r, size_t info))
{
	struct rb r = { .len = 0 };
	int fd = open("/dev/null", O_RDONLY), pidfd = open("/dev/null", O_RDONLY);
	uint64_t before = f->s->stats.truncated;
	size_t info;

	rec_begin(&r, FAN_OPEN, fd, 1);
	info_pidfd(&r, pidfd);
	info = r.len;
	info_fid(&r, FAN_EVENT_INFO_TYPE_DFID_NAME, f->fsid, &f->h.fh, "name");
	damage(&r, info);
	rec_end(&r);
	add_overflow(&r);
	got_free(&f->got);
	assert_int_equal(fan_parse(f->s, r.b, r.len, 0), 2);
	assert_int_equal(f->s->stats.truncated, before + 1);
	assert_int_equal(f->got.n, 1);
	assert_int_equal(f->got.ev[0]->type, EVT_internal);
	/* The metadata was sound: the record's fds are closed even though it was dropped. */
	assert_false(fd_is_open(fd));
	assert_false(fd_is_open(pidfd));
}

static void
dmg_hdr_len_zero(struct rb *r, size_t info)
{
	r->b[info + 2] = 0;
	r->b[info + 3] = 0;
}

static void
dmg_hdr_len_past_event(struct rb *r, size_t info)
{
	uint16_t len = (uint16_t)(r->len - info + 4);

	memcpy(r->b + info + 2, &len, sizeof(len));
}

static void
dmg_handle_too_big(struct rb *r, size_t info)
{
	uint32_t nbytes = 4000;

	memcpy(r->b + info + 12, &nbytes, sizeof(nbytes));
}

static void
dmg_handle_zero(struct rb *r, size_t info)
{
	uint32_t nbytes = 0;

	memcpy(r->b + info + 12, &nbytes, sizeof(nbytes));
}

static void
dmg_name_unterminated(struct rb *r, size_t info)
{
	for (size_t i = r->len - 8; i < r->len; i++)
		if (r->b[i] == '\0')
			r->b[i] = 'x';
}

static void
dmg_name_empty(struct rb *r, size_t info)
{
	uint32_t nbytes;

	memcpy(&nbytes, r->b + info + 12, sizeof(nbytes));
	r->b[info + 20 + nbytes] = '\0';
}

static void
dmg_name_slash(struct rb *r, size_t info)
{
	uint32_t nbytes;

	memcpy(&nbytes, r->b + info + 12, sizeof(nbytes));
	r->b[info + 20 + nbytes + 1] = '/';
}

static void
dmg_tail_bytes(struct rb *r, size_t info)
{
	static const unsigned char junk[3] = { 1, 2, 3 };

	put(r, junk, sizeof(junk));         /* a partial info header at the end */
}

static void
dmg_duplicate(struct rb *r, size_t info)
{
	size_t n = r->len - info;

	assert_true(r->len + n <= sizeof(r->b));
	memcpy(r->b + r->len, r->b + info, n);
	r->len += n;
}

static void
dmg_short_fid(struct rb *r, size_t info)
{
	uint16_t len = 12;                  /* header + fsid, no handle */

	memcpy(r->b + info + 2, &len, sizeof(len));
	r->len = info + len;
}

static void
test_malformed_info_records(void **state)
{
	struct fix *f = *state;

	bad_info_case(f, dmg_hdr_len_zero);
	bad_info_case(f, dmg_hdr_len_past_event);
	bad_info_case(f, dmg_handle_too_big);
	bad_info_case(f, dmg_handle_zero);
	bad_info_case(f, dmg_name_unterminated);
	bad_info_case(f, dmg_name_empty);
	bad_info_case(f, dmg_name_slash);
	bad_info_case(f, dmg_tail_bytes);
	bad_info_case(f, dmg_duplicate);
	bad_info_case(f, dmg_short_fid);
}

static void
test_short_pidfd_and_unknown_info(void **state)
{
	struct fix *f = *state;
	struct rb r = { .len = 0 };
	static const unsigned char future[8] = { 0 };

	/* A PIDFD record too short to hold the fd. */
	rec_begin(&r, FAN_OPEN, FAN_NOFD, 1);
	info_hdr(&r, FAN_EVENT_INFO_TYPE_PIDFD, 4);
	rec_end(&r);
	/* An info type this parser does not know is skipped; the event still counts. */
	rec_begin(&r, FAN_OPEN, FAN_NOFD, 1);
	info_hdr(&r, 99, 12);
	put(&r, future, sizeof(future));
	rec_end(&r);
	assert_int_equal(fan_parse(f->s, r.b, r.len, 0), 2);
	assert_int_equal(f->s->stats.truncated, 1);
	assert_int_equal(f->got.n, 1);
	assert_int_equal(f->got.ev[0]->type, EVT_open);
	assert_null(f->got.ev[0]->file.path);
}

static void
test_fd_mode_record(void **state)
{
	struct fix *f = *state;
	struct rb r = { .len = 0 };
	char path[128];
	int fd, pidfd = open("/dev/null", O_RDONLY);

	snprintf(path, sizeof(path), "%s/file", f->dir);
	fd = open(path, O_RDWR | O_CREAT, 0600);
	assert_true(fd >= 0);
	rec_begin(&r, FAN_OPEN | FAN_MODIFY | FAN_CLOSE_WRITE, fd, 4242);
	info_pidfd(&r, pidfd);
	rec_end(&r);
	assert_int_equal(fan_parse(f->s, r.b, r.len, 7), 1);
	assert_false(fd_is_open(fd));
	assert_false(fd_is_open(pidfd));
	assert_int_equal(f->got.n, 3);
	assert_int_equal(f->got.ev[0]->type, EVT_open);
	assert_int_equal(f->got.ev[1]->type, EVT_modify);
	assert_int_equal(f->got.ev[2]->type, EVT_close_write);
	for (unsigned i = 0; i < 3; i++) {
		const struct event *ev = f->got.ev[i];

		assert_int_equal(ev->source, EVS_FANOTIFY);
		assert_int_equal(ev->pid, 4242);
		assert_true(ev->tid == EVENT_NUM_UNSET);
		assert_null(ev->proc);
		assert_int_equal(ev->ts_ns, 7);
		assert_int_equal(ev->serial, i + 1);
		assert_string_equal(ev->file.path, path);
		assert_ptr_equal(ev->file.raw, ev->file.path);
		assert_true(S_ISREG((mode_t)ev->file.mode));
		assert_true(ev->file.inode != 0);
		assert_int_equal(event_get_arg(ev, "flags")->num, O_WRONLY);
	}
	unlink(path);
}

/* With no_open (audit reports the open syscalls), FAN_OPEN makes no event, alone or merged;
 * the other bits of the same record still do. */
static void
test_no_open(void **state)
{
	struct fix *f = *state;
	struct rb r = { .len = 0 };
	char path[128];
	int fd, fd2;

	snprintf(path, sizeof(path), "%s/file", f->dir);
	fd = open(path, O_RDWR | O_CREAT, 0600);
	fd2 = open(path, O_RDONLY);
	assert_true(fd >= 0 && fd2 >= 0);
	f->s->no_open = true;
	rec_begin(&r, FAN_OPEN | FAN_MODIFY | FAN_CLOSE_WRITE, fd, 4242);
	rec_end(&r);
	rec_begin(&r, FAN_OPEN, fd2, 4242);
	rec_end(&r);
	assert_int_equal(fan_parse(f->s, r.b, r.len, 7), 2);
	assert_false(fd_is_open(fd));
	assert_false(fd_is_open(fd2));
	assert_int_equal(f->got.n, 2);
	assert_int_equal(f->got.ev[0]->type, EVT_modify);
	assert_int_equal(f->got.ev[1]->type, EVT_close_write);
	/* Back off: the open is reported again. */
	f->s->no_open = false;
	r.len = 0;
	fd = open(path, O_RDONLY);
	rec_begin(&r, FAN_OPEN, fd, 4242);
	rec_end(&r);
	assert_int_equal(fan_parse(f->s, r.b, r.len, 8), 1);
	assert_int_equal(f->got.n, 3);
	assert_int_equal(f->got.ev[2]->type, EVT_open);
	unlink(path);
}

/* Open modes from the bits merged in one record. */
static void
test_open_modes(void **state)
{
	static const struct { uint64_t mask; int mode; } cases[] = {
		{ FAN_OPEN, O_RDONLY },
		{ FAN_OPEN | FAN_CLOSE_WRITE, O_WRONLY },
		{ FAN_OPEN | FAN_MODIFY, O_WRONLY },
		{ FAN_OPEN | FAN_ACCESS | FAN_MODIFY, O_RDWR },
		{ FAN_OPEN | FAN_ACCESS, O_RDONLY },
	};
	struct fix *f = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rb r = { .len = 0 };

		got_free(&f->got);
		rec_begin(&r, cases[i].mask, FAN_NOFD, 1);
		rec_end(&r);
		fan_parse(f->s, r.b, r.len, 0);
		assert_true(f->got.n >= 1);
		assert_int_equal(f->got.ev[0]->type, EVT_open);
		assert_int_equal(event_get_arg(f->got.ev[0], "flags")->num, cases[i].mode);
	}
	/* Events that are not opens of a kind carry no flags. */
	{
		struct rb r = { .len = 0 };

		got_free(&f->got);
		rec_begin(&r, FAN_CREATE | FAN_ATTRIB | FAN_DELETE, FAN_NOFD, 1);
		rec_end(&r);
		fan_parse(f->s, r.b, r.len, 0);
		assert_int_equal(f->got.n, 3);
		assert_int_equal(f->got.ev[0]->type, EVT_create);
		assert_int_equal(f->got.ev[1]->type, EVT_attrib);
		assert_int_equal(f->got.ev[2]->type, EVT_delete);
		for (unsigned i = 0; i < 3; i++)
			assert_null(event_get_arg(f->got.ev[i], "flags"));
	}
}

static void
test_every_bit_in_order(void **state)
{
	static const enum event_type order[] = {
		EVT_create, EVT_open, EVT_open_exec, EVT_access, EVT_modify, EVT_attrib,
		EVT_close_write, EVT_rename, EVT_rename, EVT_delete,
	};
	struct fix *f = *state;
	struct rb r = { .len = 0 };

	rec_begin(&r, FAN_CREATE | FAN_OPEN | FAN_OPEN_EXEC | FAN_ACCESS | FAN_MODIFY |
	          FAN_ATTRIB | FAN_CLOSE_WRITE | FAN_MOVED_FROM | FAN_MOVED_TO | FAN_DELETE |
	          FAN_CLOSE_NOWRITE | FAN_ONDIR, FAN_NOFD, 1);
	rec_end(&r);
	fan_parse(f->s, r.b, r.len, 0);
	assert_int_equal(f->got.n, sizeof(order) / sizeof(order[0]));
	for (unsigned i = 0; i < f->got.n; i++) {
		assert_int_equal(f->got.ev[i]->type, order[i]);
		assert_true(S_ISDIR((mode_t)f->got.ev[i]->file.mode));
	}
	assert_int_equal(f->s->stats.events, f->got.n);
}

static void
test_own_events_are_dropped(void **state)
{
	struct fix *f = *state;
	struct rb r = { .len = 0 };
	int fd = open("/dev/null", O_RDONLY);

	rec_begin(&r, FAN_OPEN, fd, getpid());
	rec_end(&r);
	assert_int_equal(fan_parse(f->s, r.b, r.len, 0), 1);
	assert_int_equal(f->got.n, 0);
	assert_false(fd_is_open(fd));
}

static void
test_dfid_name_resolves(void **state)
{
	struct fix *f = *state;
	struct rb r = { .len = 0 };
	char want[128];

	if (!f->handles)
		skip();
	rec_begin(&r, FAN_CREATE, FAN_NOFD, 10);
	info_fid(&r, FAN_EVENT_INFO_TYPE_DFID_NAME, f->fsid, &f->h.fh, "new\nline");
	rec_end(&r);
	rec_begin(&r, FAN_OPEN | FAN_ONDIR, FAN_NOFD, 11);
	info_fid(&r, FAN_EVENT_INFO_TYPE_DFID_NAME, f->fsid, &f->h.fh, ".");
	info_fid(&r, FAN_EVENT_INFO_TYPE_FID, f->fsid, &f->h.fh, NULL);
	rec_end(&r);
	/* FID only: the object itself. */
	rec_begin(&r, FAN_ATTRIB | FAN_ONDIR, FAN_NOFD, 12);
	info_fid(&r, FAN_EVENT_INFO_TYPE_FID, f->fsid, &f->h.fh, NULL);
	rec_end(&r);
	assert_int_equal(fan_parse(f->s, r.b, r.len, 0), 3);
	assert_int_equal(f->got.n, 3);
	snprintf(want, sizeof(want), "%s/new\nline", f->dir);
	assert_string_equal(f->got.ev[0]->file.path, want);
	assert_true(f->got.ev[0]->file.mode == EVENT_NUM_UNSET);
	assert_string_equal(f->got.ev[1]->file.path, f->dir);
	assert_true(S_ISDIR((mode_t)f->got.ev[1]->file.mode));
	assert_int_equal(f->got.ev[1]->pid, 11);
	assert_string_equal(f->got.ev[2]->file.path, f->dir);
	assert_int_equal(f->s->stats.unresolved, 0);
}

static void
test_rename_records(void **state)
{
	struct fix *f = *state;
	struct rb r = { .len = 0 };
	char oldp[128], newp[128];
	const struct event *ev;

	if (!f->handles)
		skip();
	rec_begin(&r, FAN_RENAME, FAN_NOFD, 10);
	info_fid(&r, FAN_EVENT_INFO_TYPE_OLD_DFID_NAME, f->fsid, &f->h.fh, "old");
	info_fid(&r, FAN_EVENT_INFO_TYPE_NEW_DFID_NAME, f->fsid, &f->h.fh, "new");
	info_fid(&r, FAN_EVENT_INFO_TYPE_FID, f->fsid, &f->h.fh, NULL);
	rec_end(&r);
	rec_begin(&r, FAN_MOVED_FROM, FAN_NOFD, 10);
	info_fid(&r, FAN_EVENT_INFO_TYPE_DFID_NAME, f->fsid, &f->h.fh, "from");
	rec_end(&r);
	rec_begin(&r, FAN_MOVED_TO, FAN_NOFD, 10);
	info_fid(&r, FAN_EVENT_INFO_TYPE_DFID_NAME, f->fsid, &f->h.fh, "to");
	rec_end(&r);
	assert_int_equal(fan_parse(f->s, r.b, r.len, 0), 3);
	assert_int_equal(f->got.n, 3);
	snprintf(oldp, sizeof(oldp), "%s/old", f->dir);
	snprintf(newp, sizeof(newp), "%s/new", f->dir);
	ev = f->got.ev[0];
	assert_int_equal(ev->type, EVT_rename);
	assert_string_equal(ev->file.path, newp);
	assert_string_equal(ev->file2.path, oldp);
	assert_string_equal(event_get_arg(ev, "oldpath")->str, oldp);
	assert_string_equal(event_get_arg(ev, "newpath")->str, newp);
	snprintf(oldp, sizeof(oldp), "%s/from", f->dir);
	assert_null(f->got.ev[1]->file.path);
	assert_string_equal(f->got.ev[1]->file2.path, oldp);
	snprintf(newp, sizeof(newp), "%s/to", f->dir);
	assert_string_equal(f->got.ev[2]->file.path, newp);
	assert_null(f->got.ev[2]->file2.path);
}

static void
test_unresolvable_handles(void **state)
{
	struct fix *f = *state;
	struct rb r = { .len = 0 };
	unsigned char other[8];
	union {
		struct file_handle fh;
		unsigned char bytes[sizeof(struct file_handle) + 16];
	} junk = { .fh = { .handle_bytes = 16, .handle_type = 0x7777 } };

	/* A filesystem we hold no mount fd for. */
	memcpy(other, f->fsid, 8);
	other[0] ^= 0xff;
	rec_begin(&r, FAN_DELETE, FAN_NOFD, 10);
	info_fid(&r, FAN_EVENT_INFO_TYPE_DFID_NAME, other, &f->h.fh, "gone");
	rec_end(&r);
	/* A handle the filesystem does not decode. */
	memset(junk.fh.f_handle, 0xee, 16);
	rec_begin(&r, FAN_DELETE, FAN_NOFD, 10);
	info_fid(&r, FAN_EVENT_INFO_TYPE_DFID_NAME, f->fsid, &junk.fh, "stale");
	rec_end(&r);
	assert_int_equal(fan_parse(f->s, r.b, r.len, 0), 2);
	assert_int_equal(f->got.n, 2);
	assert_null(f->got.ev[0]->file.path);
	assert_string_equal(f->got.ev[0]->file.raw, "gone");
	assert_null(f->got.ev[1]->file.path);
	assert_string_equal(f->got.ev[1]->file.raw, "stale");
	assert_int_equal(f->s->stats.unresolved, 2);
	assert_int_equal(f->s->stats.truncated, 0);
}

static void
test_sink_can_stop(void **state)
{
	struct fix *f = *state;
	struct rb r = { .len = 0 };
	int fd = open("/dev/null", O_RDONLY);

	f->got.fail_with = -EIO;
	rec_begin(&r, FAN_OPEN | FAN_ACCESS, FAN_NOFD, 10);
	rec_end(&r);
	rec_begin(&r, FAN_OPEN, fd, 10);
	rec_end(&r);
	assert_int_equal(fan_parse(f->s, r.b, r.len, 0), 2);
	assert_int_equal(f->s->sink_err, -EIO);
	assert_int_equal(f->got.n, 1);          /* nothing after the refusal */
	assert_false(fd_is_open(fd));           /* but every fd is still closed */
}

/* The mark set: many keys (so it grows), duplicates, the empty key, clearing. */
static void
test_markset(void **state)
{
	struct fan_markset set = { 0 };

	for (uint64_t i = 1; i <= 1000; i++)
		fan_markset_put(&set, i % 3, i);
	for (uint64_t i = 1; i <= 1000; i++)
		fan_markset_put(&set, i % 3, i);
	fan_markset_put(&set, 5, 0);
	assert_int_equal(set.n, 1000);
	assert_true(set.cap >= 2000);
	assert_true(fan_markset_has(&set, 1, 1));
	assert_false(fan_markset_has(&set, 2, 1));
	assert_false(fan_markset_has(&set, 5, 0));
	fan_markset_clear(&set);
	assert_int_equal(set.n, 0);
	assert_false(fan_markset_has(&set, 1, 1));
}

/* The set rebuilt from the kernel's own list of marks (needs CAP_SYS_ADMIN for fanotify). */
static void
test_markset_from_kernel(void **state)
{
	struct fix *f = *state;
	struct fan_markset set = { 0 };
	struct stat st;
	int fd = fanotify_init(FAN_CLASS_NOTIF | FAN_CLOEXEC, O_RDONLY);

	if (fd < 0)
		skip();
	assert_int_equal(fanotify_mark(fd, FAN_MARK_ADD, FAN_OPEN, AT_FDCWD, f->dir), 0);
	assert_int_equal(stat(f->dir, &st), 0);
	fan_markset_put(&set, 1, 1);            /* stale: the kernel does not list it */
	assert_int_equal(fan_markset_load(&set, fd), 0);
	assert_int_equal(set.n, 1);
	assert_true(fan_markset_has(&set, st.st_dev, st.st_ino));
	fan_markset_clear(&set);
	close(fd);
	assert_int_equal(fan_markset_load(&set, fd), -ENOENT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_overflow_is_an_internal_event, setup, teardown),
		cmocka_unit_test_setup_teardown(test_short_and_oversized_event_len, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_metadata_is_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_info_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_short_pidfd_and_unknown_info, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fd_mode_record, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_modes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_bit_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_own_events_are_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dfid_name_resolves, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rename_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unresolvable_handles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sink_can_stop, setup, teardown),
		cmocka_unit_test(test_markset),
		cmocka_unit_test_setup_teardown(test_no_open, setup, teardown),
		cmocka_unit_test_setup_teardown(test_markset_from_kernel, setup, teardown),
	};

	log_init("test_fan_parse", LOG_LVL_ERR, false);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
