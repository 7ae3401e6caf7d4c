/* test_fan_live.c - the fanotify source against the real kernel (root only).
 * A temporary tree is marked through fan_source_open() with FPATH_DIR, FPATH_PREFIX and
 * FPATH_EXACT paths; child processes act on it one step at a time (each exits before its
 * events are read, so the pid must survive its process) and the test checks that each
 * expected event arrives with its type, path and pid: reads, writes and creation, renames,
 * deletion, chmod, exec, a subdirectory created under a prefix (marked on its create event),
 * a prefix whose directory does not exist yet, a file name with a newline, a file followed
 * through a rename out of the watched directory, the max_dir_marks bound and a reload.  The
 * last test measures the reader in a storm and prints events per second.
 * Without root: exit 77 (skip), or fail when CI=true. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/log.h"
#include "event/event.h"
#include "fan/fan_int.h"
#include "fan/source.h"

/* ---- collecting events ----------------------------------------------------------------- */

struct live {
	char top[64];                   /* the temporary tree */
	struct fan_source *s;
	struct event **ev;
	size_t n, cap;
	bool count_only;                /* storm: count, do not keep */
	uint64_t counted;
};

static struct live L;
static int fds_at_start;

/* How many fds this process has open (the directory stream's own fd included, every time). */
static int
count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	assert_non_null(d);
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n;
}

static int
collect(struct event *ev, void *arg)
{
	struct live *l = arg;

	if (l->count_only) {
		l->counted++;
		event_free(ev);
		return 0;
	}
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->ev = realloc(l->ev, l->cap * sizeof(*l->ev));
		assert_non_null(l->ev);
	}
	l->ev[l->n++] = ev;
	return 0;
}

static void
forget(struct live *l)
{
	for (size_t i = 0; i < l->n; i++)
		event_free(l->ev[i]);
	l->n = 0;
}

/* Read until the source has been quiet for QUIET_MS. */
static void
drain(struct live *l, int quiet_ms)
{
	for (;;) {
		struct pollfd p = { .fd = fan_source_fd(l->s), .events = POLLIN };
		int rc;

		while ((rc = fan_source_read(l->s, 256)) == 1)
			;
		assert_int_equal(rc, 0);
		if (poll(&p, 1, quiet_ms) == 0)
			return;
	}
}

static bool
same(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* The first kept event of TYPE by PID on PATH (and, when OLD is set, file2 OLD). */
static const struct event *
find(const struct live *l, enum event_type type, pid_t pid, const char *path, const char *old)
{
	for (size_t i = 0; i < l->n; i++) {
		const struct event *ev = l->ev[i];

		if (ev->type == type && ev->pid == pid && (path == NULL || same(ev->file.path, path)) &&
		    (old == NULL || same(ev->file2.path, old)))
			return ev;
	}
	return NULL;
}

static size_t
count(const struct live *l, enum event_type type, pid_t pid)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++)
		n += l->ev[i]->type == type && l->ev[i]->pid == pid;
	return n;
}

static const struct event *
expect(struct live *l, enum event_type type, pid_t pid, const char *path, const char *old)
{
	const struct event *ev = find(l, type, pid, path, old);

	if (ev == NULL) {
		fprintf(stderr, "missing %s pid %d path %s old %s; have:\n", event_type_name(type),
		        (int)pid, path ? path : "-", old ? old : "-");
		for (size_t i = 0; i < l->n; i++)
			fprintf(stderr, "  %s pid %lld %s %s\n", l->ev[i]->name,
			        (long long)l->ev[i]->pid, l->ev[i]->file.path ? l->ev[i]->file.path : "-",
			        l->ev[i]->file2.path ? l->ev[i]->file2.path : "-");
	}
	assert_non_null(ev);
	assert_int_equal(ev->source, EVS_FANOTIFY);
	assert_null(ev->proc);
	assert_true(ev->ts_ns > 0);
	if (ev->file.path)
		assert_ptr_equal(ev->file.raw, ev->file.path);
	return ev;
}

/* ---- child processes ---------------------------------------------------------------------- */

typedef void action_fn(const char *a, const char *b);

/* Run FN(A, B) in a child that exits at once; return its pid after it is gone. */
static pid_t
act(action_fn *fn, const char *a, const char *b)
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		fn(a, b);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return pid;
}

static void
do_read(const char *path, const char *unused)
{
	char buf[16];
	int fd = open(path, O_RDONLY);

	if (fd < 0 || read(fd, buf, sizeof(buf)) < 0)
		_exit(1);
	close(fd);
}

static void
do_write(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write(fd, text, strlen(text)) < 0)
		_exit(1);
	close(fd);
}

static void
do_rename(const char *from, const char *to)
{
	if (rename(from, to) < 0)
		_exit(1);
}

static void
do_unlink(const char *path, const char *unused)
{
	if (unlink(path) < 0)
		_exit(1);
}

static void
do_chmod(const char *path, const char *unused)
{
	if (chmod(path, 0600) < 0)
		_exit(1);
}

static void
do_mkdir(const char *path, const char *unused)
{
	if (mkdir(path, 0755) < 0)
		_exit(1);
}

static void
do_mkdir_p(const char *a, const char *b)
{
	if (mkdir(a, 0755) < 0 || mkdir(b, 0755) < 0)
		_exit(1);
}

static void
do_exec(const char *path, const char *unused)
{
	execl(path, path, (char *)NULL);
	_exit(1);
}

/* ---- the tree ---------------------------------------------------------------------------- */

static char *
at(const char *rel)
{
	static char bufs[8][256];
	static unsigned next;
	char *b = bufs[next++ % 8];

	snprintf(b, sizeof(bufs[0]), "%s/%s", L.top, rel);
	return b;
}

static void
copy_file(const char *from, const char *to, mode_t mode)
{
	char buf[65536];
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, mode);
	ssize_t n;

	assert_true(in >= 0 && out >= 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		assert_int_equal(write(out, buf, (size_t)n), n);
	close(in);
	close(out);
}

static int
setup(void **state)
{
	struct filter_path paths[4];
	struct fan_source_config cfg = { .paths = paths, .npaths = 4 };
	char pre[256];

	fds_at_start = count_fds();
	strcpy(L.top, "/tmp/shikra-fanlive-XXXXXX");
	assert_non_null(mkdtemp(L.top));
	assert_int_equal(mkdir(at("d"), 0755), 0);
	assert_int_equal(mkdir(at("p"), 0755), 0);
	assert_int_equal(mkdir(at("u"), 0755), 0);
	assert_int_equal(mkdir(at("e"), 0755), 0);
	do_write(at("d/r"), "hello\n");
	do_write(at("e/target"), "watched\n");
	copy_file("/bin/true", at("d/true"), 0755);
	snprintf(pre, sizeof(pre), "%s/p/", L.top);
	paths[0] = (struct filter_path){ strdup(at("d")), FPATH_DIR };
	paths[1] = (struct filter_path){ strdup(pre), FPATH_PREFIX };
	paths[2] = (struct filter_path){ strdup(at("e/target")), FPATH_EXACT };
	paths[3] = (struct filter_path){ strdup(at("later/deep/")), FPATH_PREFIX };
	assert_int_equal(fan_source_open(&cfg, collect, &L, &L.s), 0);
	for (size_t i = 0; i < 4; i++)
		free((char *)paths[i].path);
	assert_true(fan_source_stats(L.s)->fid_mode);
	/* d, p, e, e/target, and top (the nearest existing ancestor of later/deep). */
	assert_int_equal(fan_source_stats(L.s)->marks, 5);
	drain(&L, 50);          /* our own setup is dropped; nothing else should be there */
	assert_int_equal(L.n, 0);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	forget(&L);
	free(L.ev);
	fan_source_close(L.s);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", L.top);
	assert_int_equal(system(cmd), 0);
	return 0;
}

/* ---- tests -------------------------------------------------------------------------------- */

static void
test_read(void **state)
{
	pid_t pid = act(do_read, at("d/r"), NULL);
	const struct event *ev;

	drain(&L, 50);
	ev = expect(&L, EVT_open, pid, at("d/r"), NULL);
	assert_int_equal(event_get_arg(ev, "flags")->num, O_RDONLY);
	expect(&L, EVT_access, pid, at("d/r"), NULL);
	assert_null(find(&L, EVT_modify, pid, NULL, NULL));
	forget(&L);
}

static void
test_write_create_rename_chmod_delete(void **state)
{
	pid_t w = act(do_write, at("d/w"), "data"), r, c, u;

	r = act(do_rename, at("d/w"), at("d/w2"));
	c = act(do_chmod, at("d/w2"), NULL);
	u = act(do_unlink, at("d/w2"), NULL);
	drain(&L, 50);
	expect(&L, EVT_create, w, at("d/w"), NULL);
	expect(&L, EVT_open, w, at("d/w"), NULL);
	assert_int_equal(event_get_arg(expect(&L, EVT_modify, w, at("d/w"), NULL), "flags")->num,
	                 O_WRONLY);
	expect(&L, EVT_close_write, w, at("d/w"), NULL);
	expect(&L, EVT_rename, r, at("d/w2"), at("d/w"));
	expect(&L, EVT_attrib, c, at("d/w2"), NULL);
	expect(&L, EVT_delete, u, at("d/w2"), NULL);
	/* FAN_RENAME is asked for instead of the two halves: one event per rename. */
	assert_int_equal(count(&L, EVT_rename, r), 1);
	forget(&L);
}

static void
test_exec(void **state)
{
	pid_t pid = act(do_exec, at("d/true"), NULL);

	drain(&L, 50);
	expect(&L, EVT_open_exec, pid, at("d/true"), NULL);
	forget(&L);
}

static void
test_rename_across_watch_boundary(void **state)
{
	pid_t out, in;

	do_write(at("d/x"), "x");       /* ours: not reported */
	out = act(do_rename, at("d/x"), at("u/x"));
	drain(&L, 50);
	/* The kernel names only the watched side.  The new name of a file moved out is found
	 * through the file's own handle when the record is read (so it is where the file is
	 * then); the old name of one moved in is not known. */
	expect(&L, EVT_rename, out, at("u/x"), at("d/x"));
	in = act(do_rename, at("u/x"), at("d/y"));
	drain(&L, 50);
	assert_null(expect(&L, EVT_rename, in, at("d/y"), NULL)->file2.path);
	forget(&L);
}

static void
test_newline_in_name(void **state)
{
	pid_t pid = act(do_write, at("d/new\nline"), "n");

	drain(&L, 50);
	expect(&L, EVT_create, pid, at("d/new\nline"), NULL);
	forget(&L);
}

static void
test_prefix_follows_new_directories(void **state)
{
	uint32_t before = fan_source_stats(L.s)->marks;
	const struct event *ev;
	pid_t mk, cr;

	mk = act(do_mkdir, at("p/sub"), NULL);
	drain(&L, 50);
	ev = expect(&L, EVT_create, mk, at("p/sub"), NULL);
	assert_true(S_ISDIR((mode_t)ev->file.mode));
	assert_int_equal(fan_source_stats(L.s)->marks, before + 1);
	cr = act(do_write, at("p/sub/f"), "f");
	drain(&L, 50);
	expect(&L, EVT_create, cr, at("p/sub/f"), NULL);
	expect(&L, EVT_close_write, cr, at("p/sub/f"), NULL);
	forget(&L);
}

static void
test_prefix_that_appears_later(void **state)
{
	pid_t mk, cr;

	mk = act(do_mkdir_p, at("later"), at("later/deep"));
	drain(&L, 50);
	expect(&L, EVT_create, mk, at("later"), NULL);
	cr = act(do_write, at("later/deep/f"), "f");
	drain(&L, 50);
	expect(&L, EVT_create, cr, at("later/deep/f"), NULL);
	forget(&L);
}

static void
test_exact_file_followed_after_rename(void **state)
{
	pid_t mv, wr;

	mv = act(do_rename, at("e/target"), at("u/moved"));
	wr = act(do_write, at("u/moved"), "still watched");
	drain(&L, 50);
	expect(&L, EVT_rename, mv, at("u/moved"), at("e/target"));
	/* u is not watched: the file's own mark reports it, named through its new parent. */
	expect(&L, EVT_modify, wr, at("u/moved"), NULL);
	forget(&L);
}

static void
test_unwatched_is_silent(void **state)
{
	pid_t pid;

	act(do_write, at("u/quiet"), "q");
	/* top is marked only as the ancestor of later/deep/: for entries appearing, not for
	 * what happens to its files. */
	pid = act(do_write, at("topfile"), "t");
	drain(&L, 50);
	for (size_t i = 0; i < L.n; i++)
		assert_false(same(L.ev[i]->file.path, at("u/quiet")));
	expect(&L, EVT_create, pid, at("topfile"), NULL);
	assert_null(find(&L, EVT_close_write, pid, NULL, NULL));
	assert_null(find(&L, EVT_open, pid, NULL, NULL));
	forget(&L);
}

/* The fallback for kernels without FID reporting: the kernel opens each file for us, and
 * there are no dirent events. */
static void
test_fd_mode(void **state)
{
	struct filter_path p = { strdup(at("fdm")), FPATH_DIR };
	struct fan_source_config cfg = { .paths = &p, .npaths = 1 };
	struct live l = { .count_only = false };
	const struct event *ev;
	int fds = count_fds();
	pid_t w, r;

	assert_int_equal(mkdir(at("fdm"), 0755), 0);
	assert_int_equal(fan_source_open_fd_mode(&cfg, collect, &l, &l.s), 0);
	assert_false(fan_source_stats(l.s)->fid_mode);
	assert_int_equal(fan_source_stats(l.s)->marks, 1);
	w = act(do_write, at("fdm/f"), "fd mode");
	r = act(do_read, at("fdm/f"), NULL);
	drain(&l, 50);
	expect(&l, EVT_open, w, at("fdm/f"), NULL);
	ev = expect(&l, EVT_modify, w, at("fdm/f"), NULL);
	assert_true(S_ISREG((mode_t)ev->file.mode));
	assert_true(ev->file.inode != 0);
	expect(&l, EVT_close_write, w, at("fdm/f"), NULL);
	expect(&l, EVT_access, r, at("fdm/f"), NULL);
	assert_null(find(&l, EVT_create, w, NULL, NULL));
	fan_source_close(l.s);
	forget(&l);
	free(l.ev);
	free((char *)p.path);
	assert_int_equal(count_fds(), fds);     /* every event fd was closed */
}

/* What a glob and a named file mark, counted. */
static void
test_glob_and_exact_roots(void **state)
{
	struct filter_path p[3] = {
		{ strdup(at("gl/ga*/x")), FPATH_GLOB },
		{ strdup(at("gl/missing")), FPATH_EXACT },
		{ strdup(at("gl/other/f")), FPATH_EXACT },
	};
	struct fan_source_config cfg = { .paths = p, .npaths = 3 };
	struct fan_source *s;

	assert_int_equal(mkdir(at("gl"), 0755), 0);
	assert_int_equal(mkdir(at("gl/ga1"), 0755), 0);
	assert_int_equal(mkdir(at("gl/ga1/deeper"), 0755), 0);
	assert_int_equal(mkdir(at("gl/other"), 0755), 0);
	do_write(at("gl/other/f"), "f");
	assert_int_equal(fan_source_open(&cfg, collect, &L, &s), 0);
	/* gl and gl/ga1 and gl/ga1/deeper (the glob), gl/other and gl/other/f (the file); the
	 * missing file adds nothing, gl/other is not walked into by the glob. */
	assert_int_equal(fan_source_stats(s)->marks, 5);
	fan_source_close(s);
	for (size_t i = 0; i < 3; i++)
		free((char *)p[i].path);
	drain(&L, 20);
	forget(&L);
}

/* A tree at start takes at most half of max_dir_marks; directories made later take the rest,
 * up to the bound. */
static void
test_dir_mark_bound(void **state)
{
	struct filter_path p = { strdup(at("tree/")), FPATH_PREFIX };
	struct fan_source_config cfg = { .paths = &p, .npaths = 1, .max_dir_marks = 8 };
	struct live l = { .count_only = false };
	char name[32];

	assert_int_equal(mkdir(at("tree"), 0755), 0);
	for (int i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "tree/s%d", i);
		assert_int_equal(mkdir(at(name), 0755), 0);
	}
	assert_int_equal(fan_source_open(&cfg, collect, &l, &l.s), 0);
	free((char *)p.path);
	assert_int_equal(fan_source_stats(l.s)->marks, 4);
	for (int i = 0; i < 6; i++) {     /* by another process: our own events are dropped */
		snprintf(name, sizeof(name), "tree/new%d", i);
		act(do_mkdir, at(name), NULL);
	}
	drain(&l, 50);
	assert_int_equal(fan_source_stats(l.s)->marks, 8);
	fan_source_close(l.s);
	forget(&l);
	free(l.ev);
}

/* Two trees share their budget (half the bound) fairly: a big tree listed first cannot take
 * the marks a small tree listed after it needs (each gets the budget left divided by the
 * trees left; what the small one leaves goes back to the big one). */
static void
test_dir_mark_share(void **state)
{
	struct filter_path p[2] = { { strdup(at("big/")), FPATH_PREFIX },
	                            { strdup(at("small/")), FPATH_PREFIX } };
	struct fan_source_config cfg = { .paths = p, .npaths = 2, .max_dir_marks = 20 };
	struct live l = { .count_only = false };
	char name[32];
	pid_t pid;

	assert_int_equal(mkdir(at("big"), 0755), 0);
	for (int i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "big/b%02d", i);
		assert_int_equal(mkdir(at(name), 0755), 0);
	}
	assert_int_equal(mkdir(at("small"), 0755), 0);
	assert_int_equal(mkdir(at("small/s1"), 0755), 0);
	assert_int_equal(mkdir(at("small/s1/s2"), 0755), 0);
	assert_int_equal(fan_source_open(&cfg, collect, &l, &l.s), 0);
	/* The trees' half is used up: both bases, small's two directories, the rest in big. */
	assert_int_equal(fan_source_stats(l.s)->marks, 10);
	for (size_t i = 0; i < 2; i++)
		free((char *)p[i].path);
	/* The deepest directory of the small tree is watched. */
	pid = act(do_write, at("small/s1/s2/f"), "x");
	drain(&l, 50);
	expect(&l, EVT_close_write, pid, at("small/s1/s2/f"), NULL);
	fan_source_close(l.s);
	forget(&l);
	free(l.ev);
}

static void
test_reload_moves_marks(void **state)
{
	struct filter_path p = { at("u"), FPATH_DIR };
	struct fan_source_config cfg = { .paths = &p, .npaths = 1 };
	pid_t in_d, in_u;

	assert_int_equal(fan_source_set_paths(L.s, &cfg), 0);
	assert_int_equal(fan_source_stats(L.s)->marks, 1);
	in_d = act(do_write, at("d/after"), "a");
	in_u = act(do_write, at("u/after"), "a");
	drain(&L, 50);
	assert_null(find(&L, EVT_create, in_d, NULL, NULL));
	expect(&L, EVT_create, in_u, at("u/after"), NULL);
	forget(&L);
}

/* A rule that needs every file: filesystem marks.  The filesystem is shared with whatever
 * else runs on this host, so other processes' events arrive too; ours must be among them. */
static void
test_unbounded_marks_filesystems(void **state)
{
	struct fan_source_config cfg = { .unbounded = true };
	struct live l = { .count_only = false };
	const struct event *ev = NULL;
	pid_t pid;

	assert_int_equal(fan_source_open(&cfg, collect, &l, &l.s), 0);
	assert_true(fan_source_stats(l.s)->marks >= 1);
	pid = act(do_write, at("u/everywhere"), "e");
	for (int tries = 0; tries < 20 && ev == NULL; tries++) {
		drain(&l, 50);
		ev = find(&l, EVT_close_write, pid, at("u/everywhere"), NULL);
	}
	assert_non_null(ev);
	fan_source_close(l.s);
	forget(&l);
	free(l.ev);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* N opens and closes of NFILES files in DIR, from a child. */
static void
storm(const char *dir, long n, long nfiles)
{
	char path[512];

	for (long i = 0; i < n; i++) {
		int fd;

		snprintf(path, sizeof(path), "%s/f%ld", dir, i % nfiles);
		fd = open(path, O_RDONLY | O_CREAT, 0644);
		if (fd < 0)
			_exit(1);
		close(fd);
	}
}

static void
do_storm(const char *dir, const char *n)
{
	storm(dir, atol(n), atol(n));
}

/* Storm with the reader idle, then time the drain: the reader's own ceiling. */
static void
test_storm_rate(void **state)
{
	const char *env = getenv("SHIKRA_FAN_STORM");
	char n[32];
	long count = env ? atol(env) : 100000;
	double t0, c0, t1, c1;
	pid_t pid;
	int fds;

	snprintf(n, sizeof(n), "%ld", count > 0 ? count : 100000);
	L.count_only = true;
	L.counted = 0;
	fds = count_fds();
	pid = act(do_storm, at("u"), n);        /* u is the watched directory since the reload */
	t0 = now_s();
	c0 = cpu_s();
	drain(&L, 100);
	t1 = now_s() - 0.1;                     /* the last quiet period is not work */
	c1 = cpu_s();
	L.count_only = false;
	printf("fanotify storm: %s files created+opened+closed by pid %d; %llu events read in "
	       "%.3f s (%.0f events/s), reader CPU %.3f s (%.0f events per CPU-second); "
	       "overflows %llu, unresolved %llu, truncated %llu\n",
	       n, (int)pid, (unsigned long long)L.counted, t1 - t0, (double)L.counted / (t1 - t0),
	       c1 - c0, (double)L.counted / (c1 - c0),
	       (unsigned long long)fan_source_stats(L.s)->overflows,
	       (unsigned long long)fan_source_stats(L.s)->unresolved,
	       (unsigned long long)fan_source_stats(L.s)->truncated);
	assert_true(L.counted >= (uint64_t)atol(n));   /* at least a create per file */
	assert_int_equal(count_fds(), fds);             /* no pidfd or O_PATH fd left behind */
	assert_int_equal(fan_source_stats(L.s)->overflows, 0);
	assert_int_equal(fan_source_stats(L.s)->truncated, 0);
}

/* Last: closing the source gives back every fd it ever had (event fds, pidfds, O_PATH and
 * mount fds); the group teardown would not report a failure, so this is a test. */
static void
test_close_leaves_no_fds(void **state)
{
	fan_source_close(L.s);
	L.s = NULL;
	assert_int_equal(count_fds(), fds_at_start);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read),
		cmocka_unit_test(test_write_create_rename_chmod_delete),
		cmocka_unit_test(test_exec),
		cmocka_unit_test(test_rename_across_watch_boundary),
		cmocka_unit_test(test_newline_in_name),
		cmocka_unit_test(test_prefix_follows_new_directories),
		cmocka_unit_test(test_prefix_that_appears_later),
		cmocka_unit_test(test_exact_file_followed_after_rename),
		cmocka_unit_test(test_unwatched_is_silent),
		cmocka_unit_test(test_fd_mode),
		cmocka_unit_test(test_glob_and_exact_roots),
		cmocka_unit_test(test_dir_mark_bound),
		cmocka_unit_test(test_dir_mark_share),
		cmocka_unit_test(test_reload_moves_marks),
		cmocka_unit_test(test_unbounded_marks_filesystems),
		cmocka_unit_test(test_storm_rate),
		cmocka_unit_test(test_close_leaves_no_fds),
	};
	const char *ci = getenv("CI");

	if (geteuid() != 0) {
		fprintf(stderr, "test_fan_live: needs root (fanotify marks, open_by_handle_at)\n");
		return ci && strcmp(ci, "true") == 0 ? 1 : 77;
	}
	log_init("test_fan_live", LOG_LVL_WARN, false);
	return cmocka_run_group_tests(tests, setup, teardown);
}
