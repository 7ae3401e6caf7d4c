/* marks.c - what the fanotify source marks, and marking it (see fan_int.h).
 *
 * This file owns the plan: each configured path becomes a root, a rule for which directories
 * to mark; the set of objects marked so far (markset.c) keeps marks unique and counts them.
 * It borrows the fanotify fd and the resolver from source.c and adds a mount fd
 * for every filesystem it marks.  It does not read events (parse.c).
 *
 * Roots, per filter_path_kind:
 *   FPATH_EXACT  /a/b/f    base /a/b (children's events), plus the file f itself when it exists,
 *                          so that f is still seen after a rename or through another link;
 *   FPATH_DIR    /a/b      base /a/b;
 *   FPATH_PREFIX /a/b/pre  base /a/b, and recursively every directory below it whose path
 *                          starts with the prefix (a prefix ending in '/' takes the whole tree);
 *   FPATH_GLOB   /a/x*.c   base = the fixed leading directory (/a), recursively below it
 *                          into directories whose path starts with the fixed part (/a/x).
 * A base that does not exist yet is watched through its longest existing ancestor, for
 * directories appearing only: their create events bring the marks down (fan_marks_new_dir).
 * Recursive roots follow new subdirectories the same way.  Both need dirent events, which only
 * FID mode has; in fd mode a missing base is skipped and a tree is marked as it was at start.
 * Directory marks are bounded by max_dir_marks; at the bound the set is rebuilt from the
 * kernel's own list (/proc/self/fdinfo), since marks of removed directories go away with them.
 * "unbounded" marks every real filesystem in the mount table (FAN_MARK_FILESYSTEM; FAN_MARK_MOUNT
 * on kernels without it).
 *
 * Objects are opened with O_PATH and marked through that fd, so what is marked is what was
 * checked; walks never follow symbolic links.  Every path here is the host's name for it; the
 * three places that hand one to the kernel (mark_at, walk_dir, existing_dir) go through the
 * host root (core/hostpath.h).  The mount table of "unbounded" is our own, so its mount points
 * are used as they are. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/hostpath.h"
#include "core/log.h"
#include "fan/fan_int.h"

#define DEFAULT_MAX_DIRS 4096u

struct fan_marks {
	int fd;
	struct fan_masks masks;
	struct fan_resolver *res;
	struct fan_root *roots;
	size_t nroots;
	struct fan_markset set; /* inode marks placed */
	uint64_t *fs_devs;      /* filesystems with a filesystem/mount mark */
	uint32_t nfs, capfs;
	uint32_t max_dirs;
	uint32_t walk_cap;      /* a tree's walk stops at this many marks (its fair share) */
	bool rewalk;            /* walks descend into directories already marked, too */
	int have_rename;        /* 1 yes, 0 no, -1 not tried yet */
	int last_err;           /* the last mark that failed, -errno */
	const char *hostfs;     /* the host's / in our namespace (borrowed), NULL = ours */
	bool warned_bound;
};

/* May one more directory be marked?  At the bound, recount from the kernel first. */
bool
fan_marks_room_for_dir(struct fan_marks *m)
{
	if (m->set.n < m->max_dirs)
		return true;
	if (m->fd >= 0 && fan_markset_load(&m->set, m->fd) == 0 && m->set.n < m->max_dirs)
		return true;
	if (!m->warned_bound)
		log_warnx("fanotify: %u directory marks reached (max_dir_marks): deeper directories "
		          "are not watched", m->max_dirs);
	m->warned_bound = true;
	return false;
}

/* ---- placing one mark ------------------------------------------------------------------ */

/* fanotify_mark() on the object open at FD (O_PATH) with MASK; on a kernel without FAN_RENAME,
 * say so once and fall back to FAN_MOVED_FROM | FAN_MOVED_TO.  0 or -errno.
 * fanotify_mark() will not take an O_PATH fd as its object (EBADF), but the fd's magic link
 * in /proc leads to exactly that object, so what is marked is still what was checked. */
static int
mark_fd(struct fan_marks *m, unsigned flags, uint64_t mask, int fd)
{
	char link[32];
	int rc;

	if ((mask & FAN_RENAME) && m->have_rename == 0)
		mask = (mask & ~(uint64_t)FAN_RENAME) | FAN_MOVED_FROM | FAN_MOVED_TO;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	if (fanotify_mark(m->fd, FAN_MARK_ADD | flags, mask, AT_FDCWD, link) == 0) {
		if (mask & FAN_RENAME)
			m->have_rename = 1;
		return 0;
	}
	rc = -errno;
	if (rc != -EINVAL || !(mask & FAN_RENAME) || m->have_rename != -1)
		return rc;
	m->have_rename = 0;
	rc = mark_fd(m, flags, mask, fd);
	if (rc < 0)
		m->have_rename = -1;    /* the EINVAL was not FAN_RENAME's: still unknown */
	else
		log_info("fanotify: no FAN_RENAME in this kernel; a rename is reported as two "
		         "halves (moved_from, moved_to)");
	return rc;
}

/* How an object is opened and marked. */
enum mark_how {
	HOW_NAMED,              /* a configured file or directory: symlinks followed */
	HOW_DIR,                /* a configured directory */
	HOW_WALK,               /* a directory found in a walk: never through a symlink */
	HOW_ANCESTOR,           /* an ancestor of a missing directory: only to see it appear */
};

static const struct {
	int oflags;
	bool ancestor;
} hows[] = {
	[HOW_NAMED] = { 0, false },
	[HOW_DIR] = { O_DIRECTORY, false },
	[HOW_WALK] = { O_DIRECTORY | O_NOFOLLOW, false },
	[HOW_ANCESTOR] = { O_DIRECTORY, true },
};
_Static_assert(sizeof(hows) / sizeof(hows[0]) == HOW_ANCESTOR + 1, "mark_how table");

/* An ancestor is watched for directories appearing in it, not for its files' contents. */

/* Mark the object open at FD (stat ST) with DIR_MASK if it is a directory, the file mask if
 * not.  Returns 1 if newly marked, 0 if it already was, -ENOSPC at the bound, or -errno. */
static int
mark_object(struct fan_marks *m, int fd, const struct stat *st, uint64_t dir_mask)
{
	int rc = fan_marks_object(m, fd, st, dir_mask), rc2;

	if (rc >= 0 && m->masks.fid_mode && S_ISDIR(st->st_mode) &&
	    (rc2 = fan_resolver_add(m->res, fd)) < 0)
		log_info("fanotify: no mount fd for a watched filesystem: %s", strerror(-rc2));
	return rc;
}

int
fan_marks_object(struct fan_marks *m, int fd, const struct stat *st, uint64_t dir_mask)
{
	bool dir = S_ISDIR(st->st_mode);
	bool known = fan_markset_has(&m->set, st->st_dev, st->st_ino);
	int rc;

	if (!known && dir && !fan_marks_room_for_dir(m))
		return -ENOSPC;
	/* Marked before: mark again anyway (masks add up, and the inode number may now belong
	 * to a new directory that replaced a removed one). */
	rc = mark_fd(m, dir ? FAN_MARK_ONLYDIR : 0, dir ? dir_mask : m->masks.file, fd);
	if (rc < 0)
		return rc;
	fan_markset_put(&m->set, st->st_dev, st->st_ino);
	return known ? 0 : 1;
}

/* Open PATH as HOW says and mark it.  Returns as mark_object(), or -errno from open/fstat. */
static int
mark_at(struct fan_marks *m, const char *path, enum mark_how how)
{
	uint64_t dir_mask = hows[how].ancestor ? m->masks.dir & FAN_MASK_ANCESTOR : m->masks.dir;
	char buf[PATH_MAX];
	const char *local;
	struct stat st;
	int fd, rc;

	if ((rc = hostpath_to(m->hostfs, path, buf, sizeof(buf), &local)) < 0)
		return rc;
	fd = open(local, O_PATH | O_CLOEXEC | hows[how].oflags);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		rc = -errno;
	else if (S_ISLNK(st.st_mode))
		rc = -ELOOP;
	else
		rc = mark_object(m, fd, &st, dir_mask);
	close(fd);
	if (rc < 0 && rc != -ENOSPC) {
		log_info("fanotify: cannot mark %s: %s", path, strerror(-rc));
		m->last_err = rc;
	}
	return rc;
}

/* ---- walking trees --------------------------------------------------------------------- */

bool
fan_path_below(const char *path, const char *base)
{
	size_t n = strlen(base);

	if (n == 1 && base[0] == '/')
		return path[0] == '/' && path[1] != '\0';
	return strncmp(path, base, n) == 0 && path[n] == '/' && path[n + 1] != '\0';
}

char *
fan_path_join(const char *dir, const char *name)
{
	size_t nd = strlen(dir), nn = strlen(name);
	bool slash = !(nd == 1 && dir[0] == '/');
	char *p = malloc(nd + slash + nn + 1);

	if (p == NULL)
		abort();
	memcpy(p, dir, nd);
	if (slash)
		p[nd] = '/';
	memcpy(p + nd + slash, name, nn + 1);
	return p;
}

struct walk {
	char **q;               /* directories to read, breadth first */
	size_t head, n, cap;
};

static void
walk_push(struct walk *w, char *path)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 32;
		char **q = realloc(w->q, cap * sizeof(*q));

		if (q == NULL)
			abort();
		w->q = q;
		w->cap = cap;
	}
	w->q[w->n++] = path;
}

/* Mark the subdirectories of DIR that ROOT wants and queue them.  false at the bound. */
static bool
walk_dir(struct fan_marks *m, const struct fan_root *root, const char *dir, struct walk *w)
{
	char buf[PATH_MAX];
	const char *local;
	struct dirent *de;
	DIR *d;
	bool more = true;

	if (hostpath_to(m->hostfs, dir, buf, sizeof(buf), &local) < 0 ||
	    (d = opendir(local)) == NULL)
		return true;
	while (more && (de = readdir(d)) != NULL) {
		char *child;
		int rc;

		if (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN)
			continue;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (m->set.n >= m->walk_cap) {
			more = false;       /* this tree's share is used up */
			break;
		}
		child = fan_path_join(dir, de->d_name);
		if (strncmp(child, root->prefix, strlen(root->prefix)) != 0) {
			free(child);
			continue;
		}
		rc = mark_at(m, child, HOW_WALK);
		if (rc == -ENOSPC)
			more = false;
		if (rc == 1 || (rc == 0 && m->rewalk))
			walk_push(w, child);        /* new: read it too (a known one was read before,
			                             * unless a cut tree is being walked again) */
		else
			free(child);
	}
	closedir(d);
	return more;
}

/* Mark the tree below DIR (itself already marked) as ROOT wants, breadth first, so that the
 * bound, if reached, cuts the deepest levels. */
static void
walk_tree(struct fan_marks *m, const struct fan_root *root, const char *dir)
{
	struct walk w = { 0 };
	bool more = true;

	walk_push(&w, strdup(dir));
	if (w.q[0] == NULL)
		abort();
	while (more && w.head < w.n) {
		char *d = w.q[w.head++];

		more = walk_dir(m, root, d, &w);
		free(d);
	}
	while (w.head < w.n)
		free(w.q[w.head++]);
	free(w.q);
}

/* ---- roots ----------------------------------------------------------------------------- */

/* The longest existing directory at or above PATH (a malloc'd copy, a host name), looked
 * for through HOSTFS, or NULL. */
static char *
existing_dir(const char *hostfs, const char *path)
{
	char *p = strdup(path), buf[PATH_MAX];
	const char *local;
	struct stat st;

	if (p == NULL)
		abort();
	for (;;) {
		char *slash;

		if (hostpath_to(hostfs, p, buf, sizeof(buf), &local) == 0 && stat(local, &st) == 0 &&
		    S_ISDIR(st.st_mode))
			return p;
		if ((slash = strrchr(p, '/')) == NULL || (slash == p && p[1] == '\0')) {
			free(p);
			return NULL;
		}
		slash[slash == p ? 1 : 0] = '\0';
	}
}

/* Mark ROOT as far as it exists now.  Marks already in place are left as they are. */
/* Mark ROOT's base (or its longest existing ancestor) and named file; with WALK, also the
 * tree below a prefix root. */
static void
plan_root(struct fan_marks *m, const struct fan_root *root, bool walk)
{
	char *dir = existing_dir(m->hostfs, root->base);
	int rc;

	if (dir == NULL)
		return;
	if (strcmp(dir, root->base) != 0) {
		/* Only dirent events can tell us when the rest appears. */
		if (m->masks.fid_mode)
			mark_at(m, dir, HOW_ANCESTOR);
		else
			log_info("fanotify: %s does not exist; not watched", root->base);
		free(dir);
		return;
	}
	free(dir);
	rc = mark_at(m, root->base, HOW_DIR);
	if (root->file)
		mark_at(m, root->file, HOW_NAMED);
	if (walk && rc >= 0 && root->prefix)
		walk_tree(m, root, root->base);
}

/* Walk ROOT's tree when its base exists; true when the walk stopped at m->walk_cap. */
static bool
walk_root(struct fan_marks *m, const struct fan_root *root)
{
	char *dir = existing_dir(m->hostfs, root->base);
	bool cut = false;

	if (dir != NULL && strcmp(dir, root->base) == 0) {
		walk_tree(m, root, root->base);
		cut = m->set.n >= m->walk_cap;
	}
	free(dir);
	return cut;
}

/* Walk the trees of the prefix roots within half of max_dir_marks (the other half stays for
 * directories made later and for the trees inside containers, which appear later), each
 * first within a fair share: the budget left divided by the trees still to walk, so that one
 * huge tree (a developer's /root) cannot leave /etc or /var/log unwatched; what a small tree
 * does not use passes to the next.  Then the trees that were cut are walked again, in order,
 * with what is left.  Every base was marked before, so a cut tree keeps its top levels (the
 * walk is breadth first). */
static void
walk_roots(struct fan_marks *m)
{
	bool *cut = calloc(m->nroots ? m->nroots : 1, sizeof(*cut));
	uint32_t budget = m->max_dirs / 2;
	size_t left = 0;

	if (cut == NULL)
		abort();
	for (size_t i = 0; i < m->nroots; i++)
		left += m->roots[i].prefix != NULL;
	for (size_t i = 0; i < m->nroots && left > 0; i++) {
		uint32_t used = m->set.n, free_marks = used < budget ? budget - used : 0;

		if (m->roots[i].prefix == NULL)
			continue;
		m->walk_cap = used + (uint32_t)(free_marks / left--);
		cut[i] = walk_root(m, &m->roots[i]);
	}
	m->walk_cap = budget;
	m->rewalk = true;
	for (size_t i = 0; i < m->nroots; i++) {
		if (!cut[i])
			continue;
		if (walk_root(m, &m->roots[i]))
			log_info("fanotify: %s has more directories than the %u directory marks the "
			         "rules' trees may take (half of max_dir_marks): its deepest levels "
			         "are not watched", m->roots[i].base, budget);
	}
	m->rewalk = false;
	m->walk_cap = UINT32_MAX;
	free(cut);
}

static char *
dup_n(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (p == NULL)
		abort();
	return p;
}

/* Fill ROOT from a configured path.  -EINVAL for a path that cannot be watched. */
static int
root_init(struct fan_root *root, const char *path, enum filter_path_kind kind)
{
	size_t n = strlen(path), cut;

	if (n == 0 || path[0] != '/')
		return -EINVAL;
	while (n > 1 && path[n - 1] == '/' && kind != FPATH_PREFIX)
		n--;
	*root = (struct fan_root){ 0 };
	if (kind == FPATH_GLOB)
		n = strcspn(path, "*?[");
	if (kind == FPATH_DIR) {
		root->base = dup_n(path, n);
		return 0;
	}
	for (cut = n; cut > 0 && path[cut - 1] != '/'; cut--)
		;
	/* CUT is just past the last '/' in the first N bytes: the base is what precedes it. */
	root->base = dup_n(path, cut > 1 ? cut - 1 : 1);
	if (kind == FPATH_EXACT)
		root->file = dup_n(path, n);
	else            /* PREFIX and GLOB: every file they match starts with these N bytes */
		root->prefix = dup_n(path, n);
	return 0;
}

static void
roots_clear(struct fan_marks *m)
{
	for (size_t i = 0; i < m->nroots; i++) {
		free(m->roots[i].base);
		free(m->roots[i].file);
		free(m->roots[i].prefix);
	}
	free(m->roots);
	m->roots = NULL;
	m->nroots = 0;
}

/* ---- whole filesystems ----------------------------------------------------------------- */

/* Filesystems that hold no files worth watching, or that fanotify cannot watch. */
static const char *const pseudo_fs[] = {
	"autofs", "binfmt_misc", "bpf", "cgroup", "cgroup2", "configfs", "debugfs", "devpts",
	"efivarfs", "fusectl", "hugetlbfs", "mqueue", "nsfs", "proc", "pstore", "rpc_pipefs",
	"securityfs", "selinuxfs", "sysfs", "tracefs",
};

static bool
is_pseudo_fs(const char *type)
{
	for (size_t i = 0; i < sizeof(pseudo_fs) / sizeof(pseudo_fs[0]); i++)
		if (strcmp(type, pseudo_fs[i]) == 0)
			return true;
	return false;
}

/* Undo mountinfo's octal escapes (\040 for a space) in place. */
static void
unescape_octal(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*w++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

/* Mark the filesystem mounted at PATH unless it already is. */
static void
mark_fs(struct fan_marks *m, const char *path)
{
	struct stat st;
	int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return;
	if (fstat(fd, &st) < 0)
		goto out;
	for (uint32_t i = 0; i < m->nfs; i++)
		if (m->fs_devs[i] == st.st_dev)
			goto out;
	rc = mark_fd(m, FAN_MARK_FILESYSTEM, m->masks.fs, fd);
	if (rc == -EINVAL && !m->masks.fid_mode)     /* before Linux 4.20: mount marks */
		rc = mark_fd(m, FAN_MARK_MOUNT, m->masks.fs, fd);
	if (rc < 0) {
		log_info("fanotify: cannot watch the filesystem at %s: %s", path, strerror(-rc));
		m->last_err = rc;
		goto out;
	}
	if (m->masks.fid_mode)
		fan_resolver_add(m->res, fd);
	if (m->nfs == m->capfs) {
		m->capfs = m->capfs ? m->capfs * 2 : 8;
		m->fs_devs = realloc(m->fs_devs, m->capfs * sizeof(*m->fs_devs));
		if (m->fs_devs == NULL)
			abort();
	}
	m->fs_devs[m->nfs++] = st.st_dev;
out:
	close(fd);
}

/* Mark every real filesystem in our mount table. */
static void
mark_all_fs(struct fan_marks *m)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL, *mnt = NULL, type[64];
	size_t cap = 0;
	ssize_t n;
	const char *sep;

	mark_fs(m, "/");
	while (f != NULL && (n = getline(&line, &cap, f)) > 0) {
		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPER */
		char *grown = realloc(mnt, (size_t)n + 1);

		if (grown == NULL)
			break;
		mnt = grown;
		if (sscanf(line, "%*s %*s %*s %*s %s", mnt) != 1 ||
		    (sep = strstr(line, " - ")) == NULL || sscanf(sep, " - %63s", type) != 1 ||
		    is_pseudo_fs(type))
			continue;
		unescape_octal(mnt);
		mark_fs(m, mnt);
	}
	free(line);
	free(mnt);
	if (f != NULL)
		fclose(f);
	log_warnx("fanotify: a rule needs every file: watching %u whole filesystem(s); every open, "
	          "read and write on them is reported, which costs CPU on busy hosts", m->nfs);
}

/* ---- the interface ---------------------------------------------------------------------- */

int
fan_marks_new(int fan_fd, const struct fan_masks *masks, struct fan_resolver *res,
              struct fan_marks **out)
{
	struct fan_marks *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return -ENOMEM;
	m->fd = fan_fd;
	m->masks = *masks;
	m->res = res;
	m->have_rename = -1;
	m->max_dirs = DEFAULT_MAX_DIRS;
	m->walk_cap = UINT32_MAX;
	*out = m;
	return 0;
}

void
fan_marks_free(struct fan_marks *m)
{
	if (m == NULL)
		return;
	roots_clear(m);
	fan_markset_clear(&m->set);
	free(m->fs_devs);
	free(m);
}

/* Remove every mark this group holds. */
static void
flush_all(struct fan_marks *m)
{
	static const unsigned kinds[] = { FAN_MARK_INODE, FAN_MARK_MOUNT, FAN_MARK_FILESYSTEM };

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		fanotify_mark(m->fd, FAN_MARK_FLUSH | kinds[i], 0, AT_FDCWD, "/");
	fan_markset_clear(&m->set);
	m->nfs = 0;
	m->warned_bound = false;
}

int
fan_marks_apply(struct fan_marks *m, const struct fan_source_config *cfg)
{
	size_t i;

	flush_all(m);
	roots_clear(m);
	m->last_err = 0;
	m->max_dirs = cfg->max_dir_marks ? cfg->max_dir_marks : DEFAULT_MAX_DIRS;
	m->walk_cap = UINT32_MAX;
	m->roots = calloc(cfg->npaths ? cfg->npaths : 1, sizeof(*m->roots));
	if (m->roots == NULL)
		return -ENOMEM;
	if (cfg->unbounded)
		mark_all_fs(m);
	for (i = 0; i < cfg->npaths; i++) {
		struct fan_root *root = &m->roots[m->nroots];

		if (cfg->paths[i].path == NULL ||
		    root_init(root, cfg->paths[i].path, cfg->paths[i].kind) < 0) {
			log_info("fanotify: cannot watch \"%s\": not an absolute path",
			         cfg->paths[i].path ? cfg->paths[i].path : "");
			continue;
		}
		m->nroots++;
		plan_root(m, root, false);
	}
	walk_roots(m);
	/* Paths that do not exist are not an error; marks the kernel refused all are. */
	return fan_marks_count(m) == 0 ? m->last_err : 0;
}

void
fan_marks_new_dir(struct fan_marks *m, const char *path)
{
	for (size_t i = 0; i < m->nroots; i++) {
		const struct fan_root *root = &m->roots[i];

		if (strcmp(path, root->base) == 0 || fan_path_below(root->base, path)) {
			plan_root(m, root, true);   /* a missing part of the base appeared */
		} else if (root->prefix && fan_path_below(path, root->base) &&
		           strncmp(path, root->prefix, strlen(root->prefix)) == 0) {
			if (mark_at(m, path, HOW_WALK) >= 0)
				walk_tree(m, root, path);
		}
	}
}

void
fan_marks_set_hostfs(struct fan_marks *m, const char *hostfs)
{
	m->hostfs = hostfs;
}

uint32_t
fan_marks_count(const struct fan_marks *m)
{
	return m->set.n + m->nfs;
}

bool
fan_marks_have_rename(const struct fan_marks *m)
{
	return m->have_rename == 1;
}

const struct fan_root *
fan_marks_roots(const struct fan_marks *m, size_t *n)
{
	*n = m->nroots;
	return m->roots;
}

const struct fan_masks *
fan_marks_masks(const struct fan_marks *m)
{
	return &m->masks;
}

int
fan_marks_remove(struct fan_marks *m, int fd, const struct stat *st)
{
	char link[32];

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	if (fanotify_mark(m->fd, FAN_MARK_REMOVE | (S_ISDIR(st->st_mode) ? FAN_MARK_ONLYDIR : 0),
	                  S_ISDIR(st->st_mode) ? m->masks.dir : m->masks.file, AT_FDCWD, link) < 0)
		return -errno;
	return 0;
}

void
fan_marks_recount(struct fan_marks *m)
{
	if (m->fd >= 0)
		(void)fan_markset_load(&m->set, m->fd);
}
