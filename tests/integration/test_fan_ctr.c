/* test_fan_ctr.c - the fanotify source inside a real podman container (root only).
 * A busybox container (tests/integration/podman.sh) is started; a fan_source watches the
 * paths /etc/shadow (exact), /usr (directory), /tmp (directory) and the prefix
 * /srv/shikra-ctr/ (missing everywhere) with no_open set, and fan_source_watch_root() adds the
 * container's overlay.  `podman exec` then acts inside the container, and each event must name
 * the path as the container sees it, carry the host path in "host_path", and be an open even
 * with no_open.  Also: a host read of /etc/shadow stays a host event, a new directory below
 * the prefix is followed, a reload keeps the container watched, unwatching silences it, and
 * a stopped container leaves nothing behind.
 * Without root: exit 77 (skip), or fail when CI=true; without podman likewise. */
#include "config.h"

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
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/log.h"
#include "event/event.h"
#include "fan/source.h"

#define KEY 42
#define LABEL "shikra-test-fanctr=1"

static struct {
	char id[80], merged[4096];
	struct fan_source *s;
	struct event **ev;
	size_t n, cap;
} T;

static const struct filter_path paths[] = {
	{ "/etc/shadow", FPATH_EXACT },
	{ "/usr", FPATH_DIR },
	{ "/tmp", FPATH_DIR },
	{ "/srv/shikra-ctr/", FPATH_PREFIX },
};

static int
collect(struct event *ev, void *arg)
{
	if (T.n == T.cap) {
		T.cap = T.cap ? T.cap * 2 : 256;
		T.ev = realloc(T.ev, T.cap * sizeof(*T.ev));
		assert_non_null(T.ev);
	}
	T.ev[T.n++] = ev;
	return 0;
}

static void
forget(void)
{
	for (size_t i = 0; i < T.n; i++)
		event_free(T.ev[i]);
	T.n = 0;
}

static void
drain(int quiet_ms)
{
	for (;;) {
		struct pollfd p = { .fd = fan_source_fd(T.s), .events = POLLIN };
		int rc;

		while ((rc = fan_source_read(T.s, 256)) == 1)
			;
		assert_int_equal(rc, 0);
		if (poll(&p, 1, quiet_ms) == 0)
			return;
	}
}

/* Run the shell command FMT (podman.sh sourced) and keep the first line of its output in OUT
 * (when OUT is not NULL).  The exit status. */
static int
shell(char *out, size_t outlen, const char *fmt, ...)
{
	char cmd[8192], line[4096] = "";
	const char *top = getenv("TOP_SRCDIR");
	va_list ap;
	size_t n;
	FILE *f;

	n = (size_t)snprintf(cmd, sizeof(cmd), ". '%s/tests/integration/podman.sh' && ",
	                     top ? top : ".");
	va_start(ap, fmt);
	vsnprintf(cmd + n, sizeof(cmd) - n, fmt, ap);
	va_end(ap);
	/* podman.sh is bash; popen() runs sh, which hands the text to bash untouched. */
	setenv("TEST_FAN_CTR_CMD", cmd, 1);
	if ((f = popen("exec bash -c \"$TEST_FAN_CTR_CMD\"", "r")) == NULL)
		return -1;
	if (fgets(line, sizeof(line), f) != NULL)
		line[strcspn(line, "\n")] = '\0';
	while (fgetc(f) != EOF)
		;
	if (out)
		snprintf(out, outlen, "%s", line);
	return pclose(f);
}

/* Run the shell text CMD inside the container, then read its events. */
static void
in_ctr(const char *cmd)
{
	assert_int_equal(shell(NULL, 0, "podman_cmd exec %s sh -c '%s' >/dev/null 2>&1", T.id,
	                       cmd), 0);
	drain(300);
}

static const struct event *
find(enum event_type type, const char *path, const char *old)
{
	for (size_t i = 0; i < T.n; i++) {
		const struct event *ev = T.ev[i];

		if (ev->type == type && ev->file.path && strcmp(ev->file.path, path) == 0 &&
		    (old == NULL || (ev->file2.path && strcmp(ev->file2.path, old) == 0)))
			return ev;
	}
	return NULL;
}

/* The event must be there, by a process of the container (not us), with its host path. */
static const struct event *
expect(enum event_type type, const char *path, const char *old)
{
	const struct event *ev = find(type, path, old);
	const struct event_arg *host;
	char want[8192];

	if (ev == NULL) {
		for (size_t i = 0; i < T.n; i++)
			fprintf(stderr, "  have %s %s (old %s) pid %lld\n", event_type_name(T.ev[i]->type),
			        T.ev[i]->file.path ? T.ev[i]->file.path : "(null)",
			        T.ev[i]->file2.path ? T.ev[i]->file2.path : "-",
			        (long long)T.ev[i]->pid);
		fail_msg("no %s event on %s", event_type_name(type), path);
	}
	assert_true(ev->pid > 0 && ev->pid != getpid());
	host = event_get_arg(ev, "host_path");
	assert_non_null(host);
	snprintf(want, sizeof(want), "%s%s", T.merged, path);
	assert_string_equal(host->str, want);
	return ev;
}

static int
setup(void **state)
{
	struct fan_source_config cfg = {
		.paths = paths, .npaths = sizeof(paths) / sizeof(paths[0]), .no_open = true,
	};
	int rc;

	/* Not podman_run: its shared label lets another test's cleanup remove this container. */
	rc = shell(T.id, sizeof(T.id), "ensure_image >/dev/null && podman_cmd run -d --rm "
	           "--network none --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --label "
	           LABEL " \"$SHIKRA_IMAGE\" sleep 300");
	if (rc != 0 || T.id[0] == '\0')
		return -1;
	shell(T.merged, sizeof(T.merged), "podman_cmd inspect -f '{{.GraphDriver.Data.MergedDir}}' "
	      "%s", T.id);
	if (T.merged[0] != '/')
		return -1;
	return fan_source_open(&cfg, collect, NULL, &T.s) < 0 ? -1 : 0;
}

static int
teardown(void **state)
{
	forget();
	free(T.ev);
	fan_source_close(T.s);
	if (T.id[0])
		shell(NULL, 0, "podman_cmd rm -f -t 0 %s >/dev/null 2>&1", T.id);
	return 0;
}

static void
test_watch(void **state)
{
	assert_int_equal(fan_source_watch_root(T.s, T.merged, KEY), 0);
	assert_int_equal(fan_source_stats(T.s)->containers, 1);
	/* Again with the same key: replaced, not doubled. */
	assert_int_equal(fan_source_watch_root(T.s, T.merged, KEY), 0);
	assert_int_equal(fan_source_stats(T.s)->containers, 1);
	assert_int_equal(fan_source_watch_root(T.s, "/nonexistent/merged", KEY + 1), -ENOENT);
	assert_int_equal(fan_source_watch_root(T.s, "relative", KEY + 1), -EINVAL);
}

static void
test_read_lower_layer_file(void **state)
{
	const struct event *ev;

	in_ctr("cat /etc/shadow");
	/* An open although no_open is set: audit's open rules never see a container's files. */
	ev = expect(EVT_open, "/etc/shadow", NULL);
	assert_string_equal(event_get_arg(ev, "flags")->str, "O_RDONLY");
	forget();
}

static void
test_create_write_rename_delete(void **state)
{
	in_ctr("echo x > /usr/x");
	expect(EVT_create, "/usr/x", NULL);
	expect(EVT_close_write, "/usr/x", NULL);
	forget();
	in_ctr("mv /usr/x /usr/y");
	expect(EVT_rename, "/usr/y", "/usr/x");
	forget();
	in_ctr("rm /usr/y");
	expect(EVT_delete, "/usr/y", NULL);
	forget();
}

static void
test_exec_dropped_binary(void **state)
{
	/* busybox run as "dropped" knows no such applet and fails, after the exec. */
	in_ctr("cp /bin/busybox /tmp/dropped && /tmp/dropped true; true");
	expect(EVT_create, "/tmp/dropped", NULL);
	expect(EVT_open_exec, "/tmp/dropped", NULL);
	forget();
}

static void
test_prefix_followed_in_container(void **state)
{
	/* As on the host, marks follow a new directory once its create event is read. */
	in_ctr("mkdir -p /srv/shikra-ctr/a/b");
	expect(EVT_create, "/srv", NULL);
	in_ctr("echo f > /srv/shikra-ctr/a/b/f");
	expect(EVT_create, "/srv/shikra-ctr/a/b/f", NULL);
	forget();
}

static void
test_host_read_stays_host(void **state)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		char b[64];
		int fd = open("/etc/shadow", O_RDONLY);

		_exit(fd >= 0 && read(fd, b, sizeof(b)) >= 0 ? 0 : 1);
	}
	waitpid(pid, &st, 0);
	drain(100);
	for (size_t i = 0; i < T.n; i++)
		if (T.ev[i]->pid == pid) {
			assert_string_equal(T.ev[i]->file.path, "/etc/shadow");
			assert_null(event_get_arg(T.ev[i], "host_path"));
			assert_int_not_equal(T.ev[i]->type, EVT_open);      /* no_open on the host */
		}
	assert_non_null(find(EVT_access, "/etc/shadow", NULL));
	forget();
}

static void
test_reload_keeps_container(void **state)
{
	struct fan_source_config cfg = {
		.paths = paths, .npaths = 1, .no_open = true,     /* /etc/shadow only */
	};

	assert_int_equal(fan_source_set_paths(T.s, &cfg), 0);
	in_ctr("cat /etc/shadow; echo z > /usr/z");
	expect(EVT_open, "/etc/shadow", NULL);
	assert_null(find(EVT_create, "/usr/z", NULL));
	forget();
}

static void
test_unwatch(void **state)
{
	fan_source_unwatch_root(T.s, KEY);
	assert_int_equal(fan_source_stats(T.s)->containers, 0);
	in_ctr("cat /etc/shadow");
	for (size_t i = 0; i < T.n; i++)
		assert_null(event_get_arg(T.ev[i], "host_path"));
	forget();
	fan_source_unwatch_root(T.s, KEY);      /* unknown now: ignored */
}

/* A watched container that stops takes its marks with it, and podman can unmount it. */
static void
test_stop_while_watched(void **state)
{
	assert_int_equal(fan_source_watch_root(T.s, T.merged, KEY), 0);
	assert_int_equal(shell(NULL, 0, "podman_cmd rm -f -t 0 %s >/dev/null 2>&1", T.id), 0);
	T.id[0] = '\0';
	drain(100);
	fan_source_unwatch_root(T.s, KEY);
	assert_int_equal(fan_source_stats(T.s)->containers, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_watch),
		cmocka_unit_test(test_read_lower_layer_file),
		cmocka_unit_test(test_create_write_rename_delete),
		cmocka_unit_test(test_exec_dropped_binary),
		cmocka_unit_test(test_prefix_followed_in_container),
		cmocka_unit_test(test_host_read_stays_host),
		cmocka_unit_test(test_reload_keeps_container),
		cmocka_unit_test(test_unwatch),
		cmocka_unit_test(test_stop_while_watched),
	};
	const char *ci = getenv("CI");
	bool in_ci = ci && strcmp(ci, "true") == 0;

	if (geteuid() != 0) {
		fprintf(stderr, "test_fan_ctr: needs root (fanotify marks, podman)\n");
		return in_ci ? 1 : 77;
	}
	if (shell(NULL, 0, "command -v podman >/dev/null && test -x /usr/sbin/runc") != 0) {
		fprintf(stderr, "test_fan_ctr: podman or runc missing\n");
		return in_ci ? 1 : 77;
	}
	log_init("test_fan_ctr", LOG_LVL_WARN, false);
	return cmocka_run_group_tests(tests, setup, teardown);
}
