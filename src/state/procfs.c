/* procfs.c - one process out of a /proc tree (see procfs.h).
 * Everything here crosses a boundary: a process chooses its own comm (it may hold ')', spaces
 * and newlines) and its own argv, and a test or a container may hand us a fake tree.  So each
 * file is read into a bounded buffer, refused unless it is a regular file, and parsed with
 * the strict number parser; a field that does not parse stays unknown. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "core/strnum.h"
#include "state/procfs.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define STAT_MAX   4096u        /* a stat line is ~300 bytes; more is not /proc */
#define STATUS_MAX 16384u       /* status is ~1.5 KiB */
#define IDFILE_MAX 32u          /* loginuid, sessionid */
#define BTIME_SCAN_MAX (4u << 20)       /* bytes of ROOT/stat searched for btime */
#define NS_PER_S   UINT64_C(1000000000)

/* Fields of /proc/PID/stat counted from the one after the comm (state = 0), see proc(5). */
enum { STAT_STATE = 0, STAT_PPID = 1, STAT_TTY_NR = 4, STAT_STARTTIME = 19 };

/* Terminal names as the kernel's tty drivers make them (tty->name), by device number.  The
 * name is PREFIX followed by (major - major_lo) * 256 + minor - minor_lo, or PREFIX alone
 * when NUMBERED is false. */
static const struct tty_range {
	uint32_t major_lo, major_hi, minor_lo, minor_hi;
	const char *prefix;
	bool numbered;
} tty_ranges[] = {
	{ .major_lo = 136, .major_hi = 143, .minor_lo = 0, .minor_hi = (1u << 20) - 1,
	  .prefix = "pts", .numbered = true },
	{ .major_lo = 4, .major_hi = 4, .minor_lo = 0, .minor_hi = 63,
	  .prefix = "tty", .numbered = true },
	{ .major_lo = 4, .major_hi = 4, .minor_lo = 64, .minor_hi = 255,
	  .prefix = "ttyS", .numbered = true },
	{ .major_lo = 5, .major_hi = 5, .minor_lo = 1, .minor_hi = 1,
	  .prefix = "console", .numbered = false },
	{ .major_lo = 166, .major_hi = 166, .minor_lo = 0, .minor_hi = 255,
	  .prefix = "ttyACM", .numbered = true },
	{ .major_lo = 188, .major_hi = 188, .minor_lo = 0, .minor_hi = 255,
	  .prefix = "ttyUSB", .numbered = true },
	{ .major_lo = 204, .major_hi = 204, .minor_lo = 64, .minor_hi = 79,
	  .prefix = "ttyAMA", .numbered = true },
	{ .major_lo = 229, .major_hi = 229, .minor_lo = 0, .minor_hi = 255,
	  .prefix = "hvc", .numbered = true },
};
_Static_assert(NELEM(tty_ranges) == 8, "tty table changed: update the tests");

int
procfs_tty_name(uint64_t tty_nr, char *buf, size_t size)
{
	/* The kernel prints tty_nr with new_encode_dev(): minor bits 0-7 and 20-31, major 8-19. */
	uint32_t major = (uint32_t)((tty_nr >> 8) & 0xfff);
	uint32_t minor = (uint32_t)((tty_nr & 0xff) | ((tty_nr >> 12) & 0xfff00));

	if (tty_nr == 0)
		return -ENOENT;
	if (tty_nr > UINT32_MAX)
		return -EINVAL;
	for (size_t i = 0; i < NELEM(tty_ranges); i++) {
		const struct tty_range *t = &tty_ranges[i];
		uint64_t n;
		int len;

		if (major < t->major_lo || major > t->major_hi || minor < t->minor_lo ||
		    minor > t->minor_hi)
			continue;
		n = (uint64_t)(major - t->major_lo) * 256 + (minor - t->minor_lo);
		len = t->numbered ? snprintf(buf, size, "%s%" PRIu64, t->prefix, n)
		                  : snprintf(buf, size, "%s", t->prefix);
		return len < 0 || (size_t)len >= size ? -EINVAL : 0;
	}
	return -EINVAL;
}

/* The next space-separated token of [*S, END); false at the end or on an empty token. */
static bool
next_token(const char **s, const char *end, const char **tok, size_t *len)
{
	const char *p = *s, *sp;

	if (p >= end)
		return false;
	sp = memchr(p, ' ', (size_t)(end - p));
	*tok = p;
	*len = sp ? (size_t)(sp - p) : (size_t)(end - p);
	*s = sp ? sp + 1 : end;
	return *len > 0;
}

/* The fields after the comm: " S PPID PGRP SID TTY_NR ... STARTTIME ...". */
static int
parse_stat_tail(const char *s, const char *end, struct procfs_stat *out)
{
	const char *tok;
	size_t len;
	int64_t v;

	for (int i = 0; i <= STAT_STARTTIME; i++) {
		if (!next_token(&s, end, &tok, &len))
			return -EINVAL;
		if (i == STAT_STATE) {
			if (len != 1)
				return -EINVAL;
			out->state = tok[0];
		} else if (i == STAT_PPID) {
			if (strnum_i64(tok, len, 10, 0, INT32_MAX, &out->ppid) < 0)
				return -EINVAL;
		} else if (i == STAT_TTY_NR) {
			/* An int in the kernel: a large minor prints negative. */
			if (strnum_i64(tok, len, 10, INT32_MIN, INT32_MAX, &v) < 0)
				return -EINVAL;
			out->tty_nr = (uint32_t)(int32_t)v;
		} else if (i == STAT_STARTTIME) {
			if (strnum_u64(tok, len, 10, UINT64_MAX, &out->start_ticks) < 0)
				return -EINVAL;
		}
	}
	return 0;
}

int
procfs_parse_stat(const char *buf, size_t len, struct procfs_stat *out)
{
	const char *end = buf + len, *open, *close;
	size_t comm_len;

	if (len > 0 && end[-1] == '\n')
		end--;
	if (memchr(buf, '\0', len) != NULL)
		return -EINVAL;         /* no field of stat can hold a NUL */
	open = memchr(buf, '(', (size_t)(end - buf));
	if (open == NULL || open == buf || open[-1] != ' ')
		return -EINVAL;
	if (strnum_i64(buf, (size_t)(open - 1 - buf), 10, 1, INT32_MAX, &out->pid) < 0)
		return -EINVAL;
	/* The comm is the process's choice and may contain ") (": only the last ')' ends it. */
	close = memrchr(open, ')', (size_t)(end - open));
	if (close == NULL || close + 1 >= end || close[1] != ' ')
		return -EINVAL;
	comm_len = (size_t)(close - open - 1);
	if (comm_len > PROCFS_COMM_MAX)
		return -EINVAL;
	memcpy(out->comm, open + 1, comm_len);
	out->comm[comm_len] = '\0';
	return parse_stat_tail(close + 2, end, out);
}

/* "A\tB\tC\tD": four ids. */
static int
parse_ids(const char *s, size_t len, int64_t ids[4])
{
	const char *end = s + len;
	int64_t v[4];

	for (int i = 0; i < 4; i++) {
		const char *tab = memchr(s, '\t', (size_t)(end - s));
		const char *stop = i < 3 ? tab : end;

		if (stop == NULL || (i == 3 && tab != NULL))
			return -EINVAL;
		if (strnum_i64(s, (size_t)(stop - s), 10, 0, UINT32_MAX, &v[i]) < 0)
			return -EINVAL;
		s = stop + 1;
	}
	memcpy(ids, v, sizeof(v));
	return 0;
}

/* One "Key:\tvalue" line of status; unknown keys are fine, a known key that does not parse
 * is not (-EINVAL, the value stays unknown). */
static int
status_line(const char *line, size_t len, struct procfs_status *out)
{
	const char *colon = memchr(line, ':', len);
	const char *val;
	size_t klen, vlen;

	if (colon == NULL || colon + 1 >= line + len || colon[1] != '\t')
		return 0;
	klen = (size_t)(colon - line);
	val = colon + 2;
	vlen = len - klen - 2;
	if (klen == 4 && memcmp(line, "Tgid", 4) == 0)
		return strnum_i64(val, vlen, 10, 1, INT32_MAX, &out->tgid) < 0 ? -EINVAL : 0;
	if (klen == 3 && memcmp(line, "Uid", 3) == 0)
		return parse_ids(val, vlen, out->uid);
	if (klen == 3 && memcmp(line, "Gid", 3) == 0)
		return parse_ids(val, vlen, out->gid);
	if (klen == 6 && memcmp(line, "CapEff", 6) == 0) {
		if (vlen != 16 || strnum_u64(val, vlen, 16, UINT64_MAX, &out->cap_eff) < 0)
			return -EINVAL;
		out->caps_known |= PROC_CAP_EFFECTIVE;
	}
	if (klen == 6 && memcmp(line, "CapPrm", 6) == 0) {
		if (vlen != 16 || strnum_u64(val, vlen, 16, UINT64_MAX, &out->cap_prm) < 0)
			return -EINVAL;
		out->caps_known |= PROC_CAP_PERMITTED;
	}
	return 0;
}

int
procfs_parse_status(const char *buf, size_t len, struct procfs_status *out)
{
	const char *s = buf, *end = buf + len;
	int rc = 0;

	out->tgid = PROC_ID_UNSET;
	for (int i = 0; i < 4; i++)
		out->uid[i] = out->gid[i] = PROC_ID_UNSET;
	out->cap_eff = out->cap_prm = 0;
	out->caps_known = 0;
	if (memchr(buf, '\0', len) != NULL)
		return -EINVAL;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);

		if (status_line(s, n, out) < 0)
			rc = -EINVAL;
		s += n + 1;
	}
	return rc;
}

void
procfs_parse_cmdline(struct proc *p, const char *buf, size_t len)
{
	uint32_t argc = 0;
	size_t i = 0;

	/* Count first so the pointer array is exact; each NUL ends one argument. */
	for (size_t j = 0; j < len && argc < PROCFS_ARGC_MAX; argc++)
		j += strnlen(buf + j, len - j) + 1;
	p->argv = arena_alloc(&p->mem, (argc + 1) * sizeof(char *));
	for (uint32_t k = 0; k < argc; k++) {
		size_t n = strnlen(buf + i, len - i);

		p->argv[k] = arena_strndup(&p->mem, buf + i, n);
		i += n + 1;
	}
	p->argv[argc] = NULL;
	p->argc = argc;
}

int
procfs_parse_btime(const char *buf, size_t len, uint64_t *out)
{
	const char *s = buf, *end = buf + len;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);

		if (n > 6 && memcmp(s, "btime ", 6) == 0)
			return strnum_u64(s + 6, n - 6, 10, UINT32_MAX * UINT64_C(4), out) < 0
			       ? -EINVAL : 0;
		s += n + 1;
	}
	return -EINVAL;
}

uint64_t
procfs_start_ns(const struct procfs *fs, uint64_t ticks)
{
	uint64_t sec, frac;

	if (fs->btime_ns == 0 || fs->clk_tck == 0)
		return 0;
	sec = ticks / fs->clk_tck;
	frac = (ticks % fs->clk_tck) * NS_PER_S / fs->clk_tck;
	if (sec > (UINT64_MAX - fs->btime_ns - frac) / NS_PER_S)
		return 0;
	return fs->btime_ns + sec * NS_PER_S + frac;
}

/* Read at most SIZE bytes of NAME under DFD into BUF.  Never blocks: anything but a regular
 * file is -EINVAL.  0 with the length in *LEN, or -errno. */
static int
read_file(int dfd, const char *name, char *buf, size_t size, size_t *len)
{
	struct stat st;
	size_t got = 0;
	int fd, rc = 0;

	fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		rc = -EINVAL;
		goto out;
	}
	while (got < size) {
		ssize_t n = read(fd, buf + got, size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	*len = got;
out:
	close(fd);
	return rc;
}

static bool
gone(int rc)
{
	return rc == -ENOENT || rc == -ESRCH;
}

static int
read_stat(struct procfs *fs, int dfd, int64_t pid, struct procfs_stat *st)
{
	size_t len = 0;
	int rc = read_file(dfd, "stat", fs->buf, STAT_MAX + 1, &len);

	if (rc < 0)
		return gone(rc) || rc == -EACCES ? rc : -EINVAL;
	if (len > STAT_MAX || procfs_parse_stat(fs->buf, len, st) < 0 || st->pid != pid)
		return -EINVAL;
	return 0;
}

static void
set_caps(struct proc *p, const struct procfs_status *s)
{
	p->cap_effective = s->cap_eff;
	p->cap_permitted = s->cap_prm;
	p->caps_known = s->caps_known;
}

/* Credentials from status.  A line that does not parse leaves its ids unknown. */
static int
read_status(struct procfs *fs, int dfd, struct proc *p, struct procfs_extra *x)
{
	struct procfs_status s;
	size_t len = 0;
	int rc = read_file(dfd, "status", fs->buf, STATUS_MAX + 1, &len);

	if (rc < 0)
		return gone(rc) ? rc : 0;
	if (len > STATUS_MAX)
		return 0;
	(void)procfs_parse_status(fs->buf, len, &s);
	p->uid = s.uid[0], p->euid = s.uid[1], p->suid = s.uid[2], p->fsuid = s.uid[3];
	p->gid = s.gid[0], p->egid = s.gid[1], p->sgid = s.gid[2], p->fsgid = s.gid[3];
	x->tgid = s.tgid;
	set_caps(p, &s);
	return 0;
}

static int
read_cmdline(struct procfs *fs, int dfd, struct proc *p)
{
	size_t len = 0;
	int rc = read_file(dfd, "cmdline", fs->buf, PROCFS_CMDLINE_MAX, &len);

	if (rc < 0)
		return gone(rc) ? rc : 0;
	procfs_parse_cmdline(p, fs->buf, len);
	return 0;
}

/* A symlink's target, or NULL (kernel threads have no exe; zombies neither exe nor cwd). */
static char *
read_link(struct proc *p, int dfd, const char *name, char *buf)
{
	ssize_t n = readlinkat(dfd, name, buf, PATH_MAX);

	if (n <= 0 || n >= PATH_MAX || memchr(buf, '\0', (size_t)n) != NULL)
		return NULL;
	return arena_strndup(&p->mem, buf, (size_t)n);
}

/* loginuid and sessionid: one unsigned number, maybe followed by a newline. */
static void
read_id(struct procfs *fs, int dfd, const char *name, int64_t *out)
{
	size_t len = 0;
	uint64_t v;

	if (read_file(dfd, name, fs->buf, IDFILE_MAX, &len) < 0)
		return;
	if (len > 0 && fs->buf[len - 1] == '\n')
		len--;
	if (strnum_u64(fs->buf, len, 10, UINT32_MAX, &v) == 0)
		*out = (int64_t)v;
}

static void
read_rest(struct procfs *fs, int dfd, struct proc *p, const struct procfs_stat *st)
{
	char tty[32];
	struct stat sb;

	p->exe = read_link(p, dfd, "exe", fs->buf);
	p->cwd = read_link(p, dfd, "cwd", fs->buf);
	/* Through the magic link: the executable's own inode, even when it was deleted. */
	if (p->exe && fstatat(dfd, "exe", &sb, 0) == 0) {
		p->exe_ino = sb.st_ino;
		p->exe_dev = sb.st_dev;
	}
	read_id(fs, dfd, "loginuid", &p->auid);
	read_id(fs, dfd, "sessionid", &p->ses);
	p->has_tty = st->tty_nr != 0;
	if (procfs_tty_name(st->tty_nr, tty, sizeof(tty)) == 0)
		p->tty = proc_strdup(p, tty);
}

int
procfs_read(struct procfs *fs, int64_t pid, struct proc **out, struct procfs_extra *x)
{
	struct procfs_extra ignore;
	struct procfs_stat st;
	struct proc *p = NULL;
	char name[24];
	int dfd, rc;

	*out = NULL;
	if (x == NULL)
		x = &ignore;
	if (pid <= 0 || pid > INT32_MAX || fs->rootfd < 0)
		return -EINVAL;
	snprintf(name, sizeof(name), "%" PRId64, pid);
	dfd = openat(fs->rootfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dfd < 0)
		return errno == ENOTDIR || errno == ELOOP ? -EINVAL : -errno;
	rc = read_stat(fs, dfd, pid, &st);
	if (rc < 0)
		goto fail;
	p = proc_new(pid);
	p->ppid = st.ppid;
	p->comm = proc_strdup(p, st.comm);
	p->start_ns = procfs_start_ns(fs, st.start_ticks);
	*x = (struct procfs_extra){ .start_ticks = st.start_ticks, .tgid = PROC_ID_UNSET,
	                            .state = st.state };
	if ((rc = read_status(fs, dfd, p, x)) < 0 || (rc = read_cmdline(fs, dfd, p)) < 0)
		goto fail;
	read_rest(fs, dfd, p, &st);
	close(dfd);
	*out = p;
	return 0;
fail:
	close(dfd);
	proc_unref(p);
	return rc;
}

/* Whether the process behind DFD still runs EXE. */
static bool
runs_exe(struct procfs *fs, int dfd, const char *exe)
{
	ssize_t n = readlinkat(dfd, "exe", fs->buf, PATH_MAX);

	return n > 0 && n < PATH_MAX && strlen(exe) == (size_t)n &&
	       memcmp(fs->buf, exe, (size_t)n) == 0;
}

int
procfs_read_caps(struct procfs *fs, struct proc *p, uint64_t start_ticks)
{
	struct procfs_status s;
	struct procfs_stat st;
	size_t len = 0;
	char name[24];
	int dfd, rc;

	if (p->pid <= 0 || p->pid > INT32_MAX || fs->rootfd < 0)
		return -EINVAL;
	snprintf(name, sizeof(name), "%" PRId64, p->pid);
	dfd = openat(fs->rootfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dfd < 0)
		return errno == ENOENT ? -ESRCH : -errno;
	/* Another process on the pid, or the same one after a later exec, would lend its
	 * capabilities to an image that never had them: better unknown than wrong. */
	if ((rc = read_stat(fs, dfd, p->pid, &st)) < 0)
		goto out;
	rc = -ESRCH;
	if ((start_ticks && st.start_ticks != start_ticks) || (p->exe && !runs_exe(fs, dfd, p->exe)))
		goto out;
	if ((rc = read_file(dfd, "status", fs->buf, STATUS_MAX + 1, &len)) < 0)
		goto out;
	rc = -EINVAL;
	if (len > STATUS_MAX)
		goto out;
	(void)procfs_parse_status(fs->buf, len, &s);
	if (s.caps_known == 0)
		goto out;
	set_caps(p, &s);
	rc = 0;
out:
	close(dfd);
	return gone(rc) ? -ESRCH : rc;
}

int
procfs_list(struct procfs *fs, procfs_pid_fn *fn, void *arg)
{
	int fd = openat(fs->rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (d == NULL) {
		rc = -errno;
		close(fd);
		return rc;
	}
	while (rc == 0 && (errno = 0, de = readdir(d)) != NULL) {
		int64_t pid;

		if (strnum_i64z(de->d_name, 10, 1, INT32_MAX, &pid) == 0 && de->d_name[0] != '0')
			rc = fn(pid, arg);
	}
	if (rc == 0 && errno != 0)
		rc = -errno;
	closedir(d);
	return rc;
}

/* The boot time from ROOT/stat.  The file is read line by line: on a large machine the
 * per-CPU and interrupt lines before btime run to tens of KiB. */
static uint64_t
read_btime(int rootfd)
{
	int fd = openat(rootfd, "stat", O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	uint64_t btime = 0, total = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	struct stat st;
	FILE *f;

	if (fd < 0)
		return 0;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (f = fdopen(fd, "r")) == NULL) {
		close(fd);
		return 0;
	}
	while (total < BTIME_SCAN_MAX && (n = getline(&line, &cap, f)) > 0) {
		total += (uint64_t)n;
		if (procfs_parse_btime(line, (size_t)n, &btime) == 0)
			break;
	}
	free(line);
	fclose(f);
	return btime * NS_PER_S;
}

int
procfs_open(const char *root, struct procfs *fs)
{
	long tck = sysconf(_SC_CLK_TCK);

	*fs = (struct procfs){ .rootfd = -1, .clk_tck = tck > 0 ? (uint64_t)tck : 100 };
	fs->buf = malloc(PROCFS_CMDLINE_MAX + 1);
	if (fs->buf == NULL)
		return -ENOMEM;
	fs->rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fs->rootfd < 0) {
		int rc = -errno;

		procfs_close(fs);
		return rc;
	}
	fs->btime_ns = read_btime(fs->rootfd);
	return 0;
}

void
procfs_close(struct procfs *fs)
{
	if (fs->rootfd >= 0)
		close(fs->rootfd);
	fs->rootfd = -1;
	free(fs->buf);
	fs->buf = NULL;
}
