/* resolve.c - file handles and event fds to absolute paths (see fan_int.h).
 *
 * This file owns the mount fds: one directory fd per filesystem id, opened on a marked
 * directory of that filesystem and kept until the source closes.  open_by_handle_at() needs
 * such an fd to know which filesystem a handle belongs to (and will not take an O_PATH one);
 * the path it yields is relative to the mount that fd sits on, which is the mount the
 * configured path named (a mount fd on "/" would miss a filesystem mounted only elsewhere).
 * It does not own what to mark (marks.c) or what a record means (parse.c).
 *
 * How a handle becomes a path: open_by_handle_at(mount fd, handle, O_PATH) gives an fd (an
 * O_PATH open reads nothing and makes no fanotify event), readlink("/proc/self/fd/N") gives its
 * path, and the fd is closed at once.  A directory that was removed but is still cached reads
 * as "PATH (deleted)"; its link count of 0 tells that suffix from a real name that ends so.
 * A non-directory may decode to a disconnected alias whose link is not its path, so its path
 * is believed only when looking it up again finds the same inode.  Nothing is cached:
 * directories are renamed, and a stale cached path would name the wrong file in an alert.
 * The cost per event is open_by_handle_at + fstat + readlink + close. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "fan/fan_int.h"

struct fan_mountfd {
	unsigned char fsid[8];
	int fd;
};

struct fan_resolver {
	struct fan_mountfd *v;
	size_t n, cap;
};

/* The bytes of a file handle before f_handle: handle_bytes and handle_type. */
#define FH_HEAD 8

int
fan_resolver_new(struct fan_resolver **out)
{
	struct fan_resolver *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return -ENOMEM;
	*out = r;
	return 0;
}

void
fan_resolver_free(struct fan_resolver *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n; i++)
		close(r->v[i].fd);
	free(r->v);
	free(r);
}

size_t
fan_resolver_count(const struct fan_resolver *r)
{
	return r->n;
}

static struct fan_mountfd *
find_fsid(const struct fan_resolver *r, const void *fsid)
{
	for (size_t i = 0; i < r->n; i++)
		if (memcmp(r->v[i].fsid, fsid, sizeof(r->v[i].fsid)) == 0)
			return &r->v[i];
	return NULL;
}

int
fan_resolver_add(struct fan_resolver *r, int fd)
{
	struct statfs sfs;
	unsigned char fsid[8];
	int dup_fd;

	if (fstatfs(fd, &sfs) < 0)
		return -errno;
	_Static_assert(sizeof(sfs.f_fsid) == sizeof(fsid), "fsid is 8 bytes");
	memcpy(fsid, &sfs.f_fsid, sizeof(fsid));
	if (find_fsid(r, fsid) != NULL)
		return 0;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 4;
		struct fan_mountfd *v = realloc(r->v, cap * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		r->v = v;
		r->cap = cap;
	}
	/* open_by_handle_at() refuses an O_PATH mount fd (EBADF): open the directory for real.
	 * FD may be O_PATH, which still serves as a base for openat(). */
	dup_fd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK);
	if (dup_fd < 0)
		return -errno;
	memcpy(r->v[r->n].fsid, fsid, sizeof(fsid));
	r->v[r->n++].fd = dup_fd;
	return 0;
}

/* Read the path of open fd FD (stat ST) into BUF (PATH_MAX + 1 bytes), NUL-terminated; its
 * length in *LEN.  A removed object (no links left) is named without the " (deleted)" suffix
 * the kernel appends.  0, -ENOENT when the fd has no path in our tree, or -errno. */
static int
fd_path(int fd, const struct stat *st, char *buf, size_t *len)
{
	static const char deleted[] = " (deleted)";
	const size_t dlen = sizeof(deleted) - 1;
	char link[32];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, buf, PATH_MAX + 1);
	if (n < 0)
		return -errno;
	if (n > PATH_MAX)
		return -ENAMETOOLONG;
	/* Not a path in our view of the tree ("anon_inode:...", a lazily unmounted file). */
	if (n == 0 || buf[0] != '/')
		return -ENOENT;
	if (st->st_nlink == 0 && (size_t)n > dlen && memcmp(buf + n - dlen, deleted, dlen) == 0)
		n -= (ssize_t)dlen;
	buf[n] = '\0';
	*len = (size_t)n;
	return 0;
}

int
fan_resolve_fd(int fd, struct sbuf *out, struct stat *st)
{
	char buf[PATH_MAX + 1];
	size_t len;
	int rc;

	if (fstat(fd, st) < 0)
		return -errno;
	if ((rc = fd_path(fd, st, buf, &len)) == 0)
		sbuf_add(out, buf, len);
	return rc;
}

/* Is BUF the path of the object whose stat is ST?  A directory decoded from a handle is always
 * connected to the tree, so its path is right; a file may come back as a disconnected alias
 * whose "path" is only its name, so it must be looked up again to be believed. */
static bool
path_is_object(const char *buf, const struct stat *st)
{
	struct stat again;

	if (S_ISDIR(st->st_mode))
		return true;
	return lstat(buf, &again) == 0 && again.st_dev == st->st_dev && again.st_ino == st->st_ino;
}

int
fan_resolve_handle(struct fan_resolver *r, const struct fan_fid *fid, struct sbuf *out)
{
	/* open_by_handle_at wants an aligned struct file_handle; the record's may not be. */
	union {
		struct file_handle h;
		unsigned char b[FH_HEAD + MAX_HANDLE_SZ];
	} u;
	char buf[PATH_MAX + 1];
	const struct fan_mountfd *m;
	unsigned int nbytes;
	struct stat st;
	size_t plen;
	int fd, rc;

	if (fid->fhlen < FH_HEAD)
		return -EINVAL;
	memcpy(&nbytes, fid->fh, sizeof(nbytes));
	if (nbytes == 0 || nbytes > MAX_HANDLE_SZ || nbytes > fid->fhlen - FH_HEAD)
		return -EINVAL;
	if ((m = find_fsid(r, fid->fsid)) == NULL)
		return -ENODEV;
	memcpy(u.b, fid->fh, FH_HEAD + nbytes);
	fd = open_by_handle_at(m->fd, &u.h, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		rc = -errno;
	else if ((rc = fd_path(fd, &st, buf, &plen)) == 0 && !path_is_object(buf, &st))
		rc = -ESTALE;
	close(fd);
	if (rc == 0)
		sbuf_add(out, buf, plen);
	return rc;
}
