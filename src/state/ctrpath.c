/* ctrpath.c - container views of host paths, and upper-layer executables (see ctrpath.h and
 * ctrtab_container_path() in ctrtab.h).
 *
 * This file owns the prefix rules that map a host path into a container's view and the
 * lookup of a container path in the upper layer.  It owns no table: the container (with its
 * layers, filled in by the container table) comes from the event's process snapshot.
 *
 * Prefix rules: a layer directory L (upperdir, each lowerdir, merged) contains PATH when PATH
 * equals L or continues with '/' right after L, so ".../ID/diff" never claims
 * ".../ID/diffX/etc" nor ".../ID/diff2".  Trailing slashes of L are ignored; a layer that is
 * empty, relative or "/" claims nothing (it would rewrite every host path).  The container
 * path is "/" followed by what comes after L.
 *
 * Upper-layer lookups walk the container path one component at a time below an O_PATH fd of
 * the upper directory, never following a symbolic link and refusing "." and "..": the upper
 * layer is written by the container, so nothing in it is trusted to lead back into the host.
 * A symbolic link on the way means the merged view does not show this upper entry at that
 * path, so the answer is "not in the upper layer".
 *
 * An upper entry at the exe's path is not always the exe.  A runtime that mounts something at
 * a path the image lacks first creates the mount point, and for a container with an overlay
 * root it does so in the upper layer: `podman run -v /usr/bin/x:/usr/local/sbin/x` leaves an
 * empty file /usr/local/sbin/x in the upperdir, under the bind mount the process really runs.
 * So an exe is not from the upper layer when
 *   - it lies at or below the destination of one of the container's mounts other than "/"
 *     (container.mounts, from the runtime's configuration: runc's bundle, Docker's
 *     config.v2.json, Podman's store, the API), which covers bind-mounted files and
 *     directories, volumes included; or
 *   - the upper entry is empty: execve() never runs an empty file (ENOEXEC), so an empty
 *     upper file under a successfully run exe is a mount point, whoever mounted on it; this
 *     needs no metadata, so it also holds before the runtime's files have been read, for
 *     mounts the runtime keeps out of container.mounts, and for mounts made later inside the
 *     container; or
 *   - the exe's own inode is known (audit's PATH record, or a stat of /proc/PID/exe), lies
 *     on the filesystem of the upper directory, and is another inode: the process runs a
 *     host file, not this one.  An exe run through the overlay reports the overlay's device,
 *     or (layers on different filesystems without xino) the upper file's own device and
 *     inode, so this comparison never clears a genuine upper-layer exe.
 * The container's /proc/PID/mountinfo would list the mounts too, but it would have to be kept
 * per container (the layers are read from it once) or read again per exec, and the checks
 * above already cover what it would add. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state/ctrpath.h"
#include "state/ctrtab.h"

/* The length of layer L without trailing slashes, or 0 when L claims nothing. */
static size_t
layer_len(const char *l)
{
	size_t n;

	if (l == NULL || l[0] != '/')
		return 0;
	n = strlen(l);
	while (n > 1 && l[n - 1] == '/')
		n--;
	return n > 1 ? n : 0;
}

/* What follows layer L in PATH ("" for PATH == L, "/x" below it), or NULL. */
static const char *
below_layer(const char *l, const char *path)
{
	size_t n = layer_len(l);

	if (n == 0 || strncmp(path, l, n) != 0)
		return NULL;
	if (path[n] != '\0' && path[n] != '/')
		return NULL;
	return path + n;
}

/* The rest of PATH after the first layer of C that contains it, or NULL. */
static const char *
layer_rest(const struct container *c, const char *path)
{
	const char *rest;

	if ((rest = below_layer(c->upperdir, path)) != NULL)
		return rest;
	for (uint32_t i = 0; i < c->nlower && c->lowerdirs; i++)
		if ((rest = below_layer(c->lowerdirs[i], path)) != NULL)
			return rest;
	return below_layer(c->merged, path);
}

const char *
ctrtab_container_path(const struct container *c, const char *path, struct arena *mem)
{
	const char *rest;

	if (c == NULL || path == NULL || path[0] != '/' || mem == NULL)
		return NULL;
	if ((rest = layer_rest(c, path)) == NULL)
		return NULL;
	while (rest[0] == '/' && rest[1] == '/')
		rest++;                 /* ".../diff//usr" is "/usr" */
	return rest[0] == '\0' ? arena_strdup(mem, "/") : arena_strdup(mem, rest);
}

/* Rewrite FP into C's view; keep the host path as argument NAME.  Rename arguments that
 * named the host path follow. */
static void
rewrite(struct event *ev, const struct container *c, struct event_path *fp, const char *name)
{
	static const char *const follow[] = { "oldpath", "newpath" };
	const char *host = fp->path, *cp;

	if (host == NULL || (cp = ctrtab_container_path(c, host, &ev->mem)) == NULL)
		return;
	if (event_set_arg(ev, name, host, EVENT_NUM_UNSET) < 0)
		return;                 /* no room to keep the host path: leave the event as it is */
	for (size_t i = 0; i < sizeof(follow) / sizeof(follow[0]); i++) {
		const struct event_arg *a = event_get_arg(ev, follow[i]);

		if (a && a->str && strcmp(a->str, host) == 0)
			event_set_arg(ev, follow[i], cp, a->num);
	}
	if (fp->raw && (fp->raw == host || strcmp(fp->raw, host) == 0))
		fp->raw = (char *)cp;
	fp->path = (char *)cp;
}

void
ctrpath_enrich(struct event *ev)
{
	const struct container *c;

	if (ev == NULL || ev->proc == NULL || ev->proc->in_container != 1)
		return;
	if ((c = ev->proc->container) == NULL)
		return;
	rewrite(ev, c, &ev->file, "host_path");
	rewrite(ev, c, &ev->file2, "host_path2");
}

/* Step from directory fd DFD to component NAME without following a link; *ST is its stat.
 * The new fd, or -errno. */
static int
step(int dfd, const char *name, struct stat *st)
{
	int fd;

	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return -EINVAL;
	fd = openat(dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, st) < 0) {
		int rc = -errno;

		close(fd);
		return rc;
	}
	return fd;
}

/* ctrpath_upper_has(), and the stat of the regular file it found in *ST. */
static int
upper_lookup(const char *upperdir, const char *path, struct stat *out)
{
	char buf[PATH_MAX], *comp, *save = NULL;
	struct stat st = { 0 };
	int dfd, rc = 0;

	if (upperdir == NULL || path == NULL || path[0] != '/' || strlen(path) >= sizeof(buf))
		return -EINVAL;
	if ((dfd = open(upperdir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return -errno;
	strcpy(buf, path);
	for (comp = strtok_r(buf, "/", &save); comp; comp = strtok_r(NULL, "/", &save)) {
		int fd = step(dfd, comp, &st);

		close(dfd);
		dfd = -1;
		if (fd < 0) {
			rc = 0;         /* absent, or a name we refuse: not in the upper layer */
			break;
		}
		dfd = fd;
		if (S_ISDIR(st.st_mode))
			continue;
		/* Only the last component may be a non-directory, and only a regular file counts. */
		rc = strtok_r(NULL, "/", &save) == NULL && S_ISREG(st.st_mode);
		break;
	}
	if (dfd >= 0)
		close(dfd);
	if (rc == 1)
		*out = st;
	return rc;
}

int
ctrpath_upper_has(const char *upperdir, const char *path)
{
	struct stat st;

	return upper_lookup(upperdir, path, &st);
}

/* Whether PATH lies at or below the destination of one of C's mounts other than "/". */
static bool
under_mount(const struct container *c, const char *path)
{
	for (uint32_t i = 0; i < c->nmounts && c->mounts; i++)
		if (below_layer(c->mounts[i].dest, path) != NULL)
			return true;
	return false;
}

/* Whether the regular upper file ST can be what P runs (see the file-top comment). */
static bool
may_be_exe(const struct stat *st, const struct proc *p)
{
	if (st->st_size == 0)
		return false;           /* a mount point: execve() runs no empty file */
	if (p->exe_ino != 0 && p->exe_dev != 0 && p->exe_dev == (uint64_t)st->st_dev &&
	    p->exe_ino != (uint64_t)st->st_ino)
		return false;           /* another file on the upper layer's own filesystem */
	return true;
}

void
ctrpath_exe_upper(struct proc *p)
{
	const struct container *c;
	struct stat st;
	int rc;

	if (p == NULL || p->exe_upper_layer != -1 || p->in_container != 1 || p->exe == NULL)
		return;
	c = p->container;
	if (c == NULL || c->upperdir == NULL)
		return;
	if (under_mount(c, p->exe)) {
		p->exe_upper_layer = 0;
		return;
	}
	if ((rc = upper_lookup(c->upperdir, p->exe, &st)) < 0)
		return;
	p->exe_upper_layer = rc == 1 && may_be_exe(&st, p);
}
