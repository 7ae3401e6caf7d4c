/* ctrmarks.c - the rules' paths watched inside containers (see fan_int.h, fan/source.h).
 *
 * This file owns the list of watched containers and, for each, the objects marked in its root
 * filesystem with their container paths and file handles.  It borrows the plan (the roots)
 * and the marking itself from marks.c.  It never keeps an fd on a container's filesystem
 * between calls: an open fd would make the runtime's unmount fail (EBUSY) when the container
 * stops.  Inode marks do not hold the mount: the kernel drops them when the overlay goes.
 *
 * What the kernel reports, measured on Linux 6.18 (podman 4 + runc, busybox image, rootfs an
 * overlay with uuid=on; a FID/DFID_NAME group; reads, writes, creates, renames, deletes and an
 * exec of a copied binary done by `podman exec` inside the container):
 *  - Inode marks on the overlay's own directories (the merged view: <merged>/etc, opened from
 *    the host) with FAN_EVENT_ON_CHILD see everything done through the overlay: open and
 *    access for a read of a lower-layer file (/etc/shadow), create, modify, close_write for
 *    a new file in a lower-layer directory even while that directory is being copied up,
 *    rename (one FAN_RENAME with both names), delete (also of a lower-layer file, which
 *    overlayfs turns into a whiteout), open_exec for a binary dropped into /tmp.  The pid is
 *    the acting process's pid in the host namespace.  fsid and handles are reported
 *    (handle type 0xf8, overlayfs's), but do not decode (open_by_handle_at: ESTALE, the
 *    overlay has no nfs_export); name_to_handle_at(AT_HANDLE_FID) on the marked directory
 *    yields byte for byte the handle the events carry, and it stays the same when the
 *    directory is copied up.  Hence the table below: handle -> container path.
 *  - A mount mark on the overlay (/proc/PID/root) is refused in FID mode (EINVAL with dirent
 *    events, EOPNOTSUPP without); in fd mode it works (open, access, modify, close_write,
 *    open_exec; event fds read as the container's path), with no dirent events.
 *  - Inode marks on the layer directories (upperdir, lowerdir on the backing ext4) see the
 *    backing filesystem's side: a read of /etc/shadow gives only "open" on the lowerdir file
 *    (cat's sendfile makes no access event there), and a create below a lower-layer directory
 *    is missed: the directory is first copied up (created in workdir, renamed into upperdir)
 *    and the file created in it at once, before any mark can follow the new upper directory.
 *  - A filesystem mark on the backing filesystem sees all of it with upper/lower paths and the
 *    right pids (copy-ups appear as workdir creates and renames, a deleted lower file as a
 *    whiteout renamed into upperdir, not a delete), but it reports the whole host filesystem:
 *    ~26,000 events in 15 s on this otherwise idle build VM.
 * So containers are watched with inode marks on their merged view, the roots of the rules'
 * plan resolved inside the container (openat2 RESOLVE_IN_ROOT: the container's symbolic links
 * cannot lead out of it; RESOLVE_NO_XDEV: volumes and bind mounts are not followed).  Overlay
 * inode marks in FID mode need an overlayfs that encodes non-decodable file ids (upstream
 * Linux 6.6; older kernels refuse the mark, which is logged once).  When a rule needs every
 * file (filesystem marks), the backing filesystem is marked anyway and state/ctrpath.h maps
 * upper/lower paths back into the container's view; containers are then not watched here.
 *
 * Table: one open-addressing index over every watched object of every container, keyed by
 * (fsid, handle).  Two containers of one image may share a lower-layer directory's handle
 * when their overlays share an fsid (uuid=off); it then names the same container path in
 * both, and the process (by pid) says which container acted.  Removal rebuilds the index. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "core/log.h"
#include "fan/fan_int.h"

#ifndef AT_HANDLE_FID
#define AT_HANDLE_FID 0x200     /* Linux 6.5: an identifier that need not decode */
#endif
#define FH_HEAD 8               /* handle_bytes, handle_type */

struct ctr_obj {
	uint64_t key;           /* the container */
	unsigned char id[8 + FH_HEAD + MAX_HANDLE_SZ];   /* fsid, then the handle */
	uint32_t idlen;
	char *path;             /* as the container sees it */
};

struct ctr {
	uint64_t key;
	char *host_root;
	uint64_t dev;           /* st_dev of the root filesystem */
};

struct fan_ctrs {
	struct fan_marks *m;
	struct ctr *v;
	size_t n, cap;
	struct ctr_obj *objs;
	uint32_t nobj, capobj;
	uint32_t *slots;        /* index + 1 into objs; 0 empty; nslots a power of two */
	uint32_t nslots;
	bool warned;
};

/* ---- the handle index ------------------------------------------------------------------ */

static uint32_t
id_hash(const unsigned char *id, size_t n)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ id[i]) * 16777619u;
	return h;
}

static void
index_put(struct fan_ctrs *cs, uint32_t i)
{
	uint32_t mask = cs->nslots - 1, s;

	for (s = id_hash(cs->objs[i].id, cs->objs[i].idlen) & mask; cs->slots[s]; s = (s + 1) & mask)
		;
	cs->slots[s] = i + 1;
}

/* Rebuild the index for the current objects, with room for at least one more. */
static void
index_rebuild(struct fan_ctrs *cs)
{
	uint32_t want = 64;

	while (want < (cs->nobj + 1) * 2)
		want *= 2;
	free(cs->slots);
	if ((cs->slots = calloc(want, sizeof(*cs->slots))) == NULL)
		abort();
	cs->nslots = want;
	for (uint32_t i = 0; i < cs->nobj; i++)
		index_put(cs, i);
}

static const struct ctr_obj *
index_find(const struct fan_ctrs *cs, const unsigned char *id, size_t n)
{
	uint32_t mask = cs->nslots - 1;

	if (cs->nslots == 0)
		return NULL;
	for (uint32_t s = id_hash(id, n) & mask; cs->slots[s]; s = (s + 1) & mask) {
		const struct ctr_obj *o = &cs->objs[cs->slots[s] - 1];

		if (o->idlen == n && memcmp(o->id, id, n) == 0)
			return o;
	}
	return NULL;
}

/* Remember that the object open at FD is PATH in container KEY.  Objects whose identifier
 * cannot be had (fd mode needs none) are simply not in the index. */
static void
remember(struct fan_ctrs *cs, uint64_t key, int fd, const char *path)
{
	union {
		struct file_handle h;
		unsigned char b[FH_HEAD + MAX_HANDLE_SZ];
	} u;
	struct ctr_obj o = { .key = key };
	struct statfs sfs;
	int mnt;

	u.h.handle_bytes = MAX_HANDLE_SZ;
	if (fstatfs(fd, &sfs) < 0 ||
	    name_to_handle_at(fd, "", &u.h, &mnt, AT_EMPTY_PATH | AT_HANDLE_FID) < 0)
		return;
	memcpy(o.id, &sfs.f_fsid, 8);
	memcpy(o.id + 8, u.b, FH_HEAD + u.h.handle_bytes);
	o.idlen = 8 + FH_HEAD + u.h.handle_bytes;
	if (index_find(cs, o.id, o.idlen) != NULL)
		return;
	if (cs->nobj == cs->capobj) {
		cs->capobj = cs->capobj ? cs->capobj * 2 : 64;
		if ((cs->objs = realloc(cs->objs, cs->capobj * sizeof(*cs->objs))) == NULL)
			abort();
	}
	if ((o.path = strdup(path)) == NULL)
		abort();
	cs->objs[cs->nobj++] = o;
	if (cs->nobj * 2 > cs->nslots)
		index_rebuild(cs);
	else
		index_put(cs, cs->nobj - 1);
}

/* Forget KEY's objects (every container's when ALL). */
static void
forget(struct fan_ctrs *cs, uint64_t key, bool all)
{
	uint32_t w = 0;

	for (uint32_t i = 0; i < cs->nobj; i++) {
		if (all || cs->objs[i].key == key)
			free(cs->objs[i].path);
		else
			cs->objs[w++] = cs->objs[i];
	}
	cs->nobj = w;
	index_rebuild(cs);
}

/* ---- opening and marking inside a container -------------------------------------------- */

/* Open PATH (a container path) below ROOTFD as the container would resolve it, without
 * leaving its root filesystem.  The fd, or -errno. */
static int
ctr_open(int rootfd, const char *path, int oflags)
{
	struct open_how how = {
		.flags = (uint64_t)(oflags | O_CLOEXEC),
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
	};
	long fd;

	while (*path == '/')
		path++;
	fd = syscall(SYS_openat2, rootfd, *path ? path : ".", &how, sizeof(how));
	return fd < 0 ? -errno : (int)fd;
}

/* Open C's root directory, and check it is still the filesystem that was watched. */
static int
ctr_root(const struct ctr *c)
{
	struct stat st;
	int fd = open(c->host_root, O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || st.st_dev != c->dev) {
		close(fd);
		return -ESTALE;
	}
	return fd;
}

/* Mark the object open at FD, PATH in C, with DIR_MASK (directories) and remember it.
 * As fan_marks_object(); -EXDEV for an object on another filesystem (a volume). */
static int
ctr_mark(struct fan_ctrs *cs, const struct ctr *c, int fd, const char *path, uint64_t dir_mask)
{
	struct stat st;
	int rc;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (st.st_dev != c->dev)
		return -EXDEV;
	rc = fan_marks_object(cs->m, fd, &st, dir_mask);
	if (rc == -EOPNOTSUPP || rc == -EXDEV || rc == -ENODEV) {
		if (!cs->warned)
			log_warnx("fanotify: cannot watch files inside containers (%s): this kernel's "
			          "overlayfs cannot report file ids to fanotify (Linux 6.6 or later is "
			          "needed)", strerror(-rc));
		cs->warned = true;
	}
	if (rc >= 0 && fan_marks_masks(cs->m)->fid_mode)
		remember(cs, c->key, fd, path);
	return rc;
}

/* Open PATH in C with OFLAGS and mark it.  As ctr_mark(), or -errno from the open. */
static int
ctr_mark_path(struct fan_ctrs *cs, const struct ctr *c, int rootfd, const char *path,
              uint64_t dir_mask)
{
	int fd = ctr_open(rootfd, path, O_PATH), rc;

	if (fd < 0)
		return fd;
	rc = ctr_mark(cs, c, fd, path, dir_mask);
	close(fd);
	return rc;
}

/* Mark the subdirectories of DIR (container path) that ROOT wants and queue them; false at
 * the bound. */
static bool
walk_dir(struct fan_ctrs *cs, const struct ctr *c, int rootfd, const struct fan_root *root,
         const char *dir, char ***q, size_t *n, size_t *cap)
{
	int dfd = ctr_open(rootfd, dir, O_RDONLY | O_DIRECTORY);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	struct dirent *de;
	bool more = true;

	if (d == NULL) {
		if (dfd >= 0)
			close(dfd);
		return true;
	}
	while (more && (de = readdir(d)) != NULL) {
		char *child;
		int fd, rc;

		if ((de->d_type != DT_DIR && de->d_type != DT_UNKNOWN) ||
		    strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		child = fan_path_join(dir, de->d_name);
		fd = strncmp(child, root->prefix, strlen(root->prefix)) != 0 ? -1 :
		     openat(dirfd(d), de->d_name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		rc = fd < 0 ? -ENOENT : ctr_mark(cs, c, fd, child, fan_marks_masks(cs->m)->dir);
		if (fd >= 0)
			close(fd);
		if (rc == -ENOSPC)
			more = false;
		if (rc == 1 && *n == *cap) {
			*cap = *cap ? *cap * 2 : 32;
			if ((*q = realloc(*q, *cap * sizeof(**q))) == NULL)
				abort();
		}
		if (rc == 1)
			(*q)[(*n)++] = child;
		else
			free(child);
	}
	closedir(d);
	return more;
}

/* Mark the tree below DIR (marked already) as ROOT wants, breadth first. */
static void
walk_tree(struct fan_ctrs *cs, const struct ctr *c, int rootfd, const struct fan_root *root,
          const char *dir)
{
	char **q = NULL;
	size_t head = 0, n = 0, cap = 0;
	bool more;

	more = walk_dir(cs, c, rootfd, root, dir, &q, &n, &cap);
	while (more && head < n) {
		more = walk_dir(cs, c, rootfd, root, q[head], &q, &n, &cap);
		free(q[head++]);
	}
	while (head < n)
		free(q[head++]);
	free(q);
}

/* Mark the longest existing ancestor of BASE in C, to see the rest appear. */
static void
plan_ancestor(struct fan_ctrs *cs, const struct ctr *c, int rootfd, const char *base)
{
	char *p = strdup(base), *slash;

	if (p == NULL)
		abort();
	while ((slash = strrchr(p, '/')) != NULL) {
		int rc;

		slash[slash == p ? 1 : 0] = '\0';
		rc = ctr_mark_path(cs, c, rootfd, p,
		                   fan_marks_masks(cs->m)->dir & FAN_MASK_ANCESTOR);
		if (rc != -ENOENT && rc != -ENOTDIR)
			break;
		if (slash == p)
			break;
	}
	free(p);
}

/* Mark ROOT inside C as far as it exists now. */
static void
plan_root(struct fan_ctrs *cs, const struct ctr *c, int rootfd, const struct fan_root *root)
{
	int fd = ctr_open(rootfd, root->base, O_PATH | O_DIRECTORY), rc;

	if (fd == -ENOENT || fd == -ENOTDIR) {
		if (fan_marks_masks(cs->m)->fid_mode)
			plan_ancestor(cs, c, rootfd, root->base);
		return;
	}
	if (fd < 0)
		return;
	/* Recorded under the rule's path even when a symbolic link of the container's led
	 * elsewhere: that is the path the rule asked about. */
	rc = ctr_mark(cs, c, fd, root->base, fan_marks_masks(cs->m)->dir);
	close(fd);
	if (root->file)
		(void)ctr_mark_path(cs, c, rootfd, root->file, fan_marks_masks(cs->m)->dir);
	if (rc >= 0 && root->prefix)
		walk_tree(cs, c, rootfd, root, root->base);
}

/* Mark every root of the plan inside C. */
static void
plan_ctr(struct fan_ctrs *cs, const struct ctr *c)
{
	size_t n;
	const struct fan_root *roots = fan_marks_roots(cs->m, &n);
	int rootfd = ctr_root(c);

	if (rootfd < 0)
		return;
	for (size_t i = 0; i < n; i++)
		plan_root(cs, c, rootfd, &roots[i]);
	close(rootfd);
}

/* ---- the interface ---------------------------------------------------------------------- */

int
fan_ctrs_new(struct fan_marks *m, struct fan_ctrs **out)
{
	struct fan_ctrs *cs = calloc(1, sizeof(*cs));

	if (cs == NULL)
		return -ENOMEM;
	cs->m = m;
	*out = cs;
	return 0;
}

void
fan_ctrs_free(struct fan_ctrs *cs)
{
	if (cs == NULL)
		return;
	for (uint32_t i = 0; i < cs->nobj; i++)
		free(cs->objs[i].path);
	for (size_t i = 0; i < cs->n; i++)
		free(cs->v[i].host_root);
	free(cs->objs);
	free(cs->slots);
	free(cs->v);
	free(cs);
}

static struct ctr *
find_ctr(const struct fan_ctrs *cs, uint64_t key)
{
	for (size_t i = 0; i < cs->n; i++)
		if (cs->v[i].key == key)
			return &cs->v[i];
	return NULL;
}

int
fan_ctrs_watch(struct fan_ctrs *cs, const char *host_root, uint64_t key)
{
	struct ctr c = { .key = key };
	struct stat st;

	if (host_root == NULL || host_root[0] != '/')
		return -EINVAL;
	fan_ctrs_unwatch(cs, key);
	if (stat(host_root, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if ((c.host_root = strdup(host_root)) == NULL)
		return -ENOMEM;
	c.dev = st.st_dev;
	if (cs->n == cs->cap) {
		size_t cap = cs->cap ? cs->cap * 2 : 8;
		struct ctr *v = realloc(cs->v, cap * sizeof(*v));

		if (v == NULL) {
			free(c.host_root);
			return -ENOMEM;
		}
		cs->v = v;
		cs->cap = cap;
	}
	cs->v[cs->n++] = c;
	plan_ctr(cs, &cs->v[cs->n - 1]);
	return cs->warned ? -EOPNOTSUPP : 0;
}

/* Remove the marks of C's remembered objects, as far as its root is still there. */
static void
unmark(struct fan_ctrs *cs, const struct ctr *c)
{
	int rootfd = ctr_root(c);

	if (rootfd < 0)
		return;                 /* unmounted: the kernel dropped the marks with it */
	for (uint32_t i = 0; i < cs->nobj; i++) {
		struct stat st;
		int fd;

		if (cs->objs[i].key != c->key)
			continue;
		fd = ctr_open(rootfd, cs->objs[i].path, O_PATH);
		if (fd < 0)
			continue;
		if (fstat(fd, &st) == 0 && st.st_dev == c->dev)
			(void)fan_marks_remove(cs->m, fd, &st);
		close(fd);
	}
	close(rootfd);
}

void
fan_ctrs_unwatch(struct fan_ctrs *cs, uint64_t key)
{
	struct ctr *c = find_ctr(cs, key);

	if (c == NULL)
		return;
	unmark(cs, c);
	forget(cs, key, false);
	free(c->host_root);
	*c = cs->v[--cs->n];
	fan_marks_recount(cs->m);
}

void
fan_ctrs_replan(struct fan_ctrs *cs)
{
	forget(cs, 0, true);
	for (size_t i = 0; i < cs->n; i++)
		plan_ctr(cs, &cs->v[i]);
}

size_t
fan_ctrs_count(const struct fan_ctrs *cs)
{
	return cs ? cs->n : 0;
}

int
fan_ctrs_resolve(const struct fan_ctrs *cs, const struct fan_fid *fid, struct sbuf *out,
                 uint64_t *key, const char **host_root)
{
	unsigned char id[8 + FH_HEAD + MAX_HANDLE_SZ];
	const struct ctr_obj *o;
	const struct ctr *c;

	if (cs == NULL || cs->nobj == 0 || fid->fhlen > FH_HEAD + MAX_HANDLE_SZ)
		return -ENOENT;
	memcpy(id, fid->fsid, 8);
	memcpy(id + 8, fid->fh, fid->fhlen);
	if ((o = index_find(cs, id, 8 + fid->fhlen)) == NULL || (c = find_ctr(cs, o->key)) == NULL)
		return -ENOENT;
	sbuf_puts(out, o->path);
	if (fid->name && strcmp(fid->name, ".") != 0) {
		if (strcmp(o->path, "/") != 0)
			sbuf_putc(out, '/');
		sbuf_puts(out, fid->name);
	}
	*key = o->key;
	*host_root = c->host_root;
	return 0;
}

int
fan_ctrs_by_dev(const struct fan_ctrs *cs, uint64_t dev, uint64_t *key, const char **host_root)
{
	for (size_t i = 0; cs && i < cs->n; i++) {
		if (cs->v[i].dev == dev) {
			*key = cs->v[i].key;
			*host_root = cs->v[i].host_root;
			return 0;
		}
	}
	return -ENOENT;
}

void
fan_ctrs_new_dir(struct fan_ctrs *cs, uint64_t key, const char *path)
{
	size_t n;
	const struct fan_root *roots = fan_marks_roots(cs->m, &n);
	const struct ctr *c = find_ctr(cs, key);
	int rootfd;

	if (c == NULL || (rootfd = ctr_root(c)) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		const struct fan_root *root = &roots[i];

		if (strcmp(path, root->base) == 0 || fan_path_below(root->base, path)) {
			plan_root(cs, c, rootfd, root);     /* a missing part of the base appeared */
		} else if (root->prefix && fan_path_below(path, root->base) &&
		           strncmp(path, root->prefix, strlen(root->prefix)) == 0) {
			if (ctr_mark_path(cs, c, rootfd, path, fan_marks_masks(cs->m)->dir) >= 0)
				walk_tree(cs, c, rootfd, root, path);
		}
	}
	close(rootfd);
}
