/* live_util.c - helpers for the live audit tests (see live_util.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <linux/netlink.h>
#include <cmocka.h>

#include "audit/ctl.h"
#include "rules/auditrules.h"
#include "live_util.h"

#define LOCK_PATH "/run/shikra-audit-test.lock"

static struct audit_ctl *g_ctl;
static struct audit_status g_initial;
static bool g_begun;
static pid_t g_auditd = -1;
static char g_auditd_dir[64];

uint64_t
live_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static bool
under_ci(void)
{
	const char *ci = getenv("CI");

	return ci != NULL && strcmp(ci, "true") == 0;
}

void
live_unavailable(const char *why)
{
	if (under_ci())
		fail_msg("%s (CI=true: a live test may not be skipped)", why);
	print_message("skipped: %s\n", why);
	skip();
}

static bool
alive(uint32_t pid)
{
	return pid != 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM);
}

static void
restore_at_exit(void)
{
	live_restore();
}

static int
begin_fail(const char *why, int rc)
{
	printf("live audit tests: %s%s%s\n", why, rc ? ": " : "", rc ? strerror(-rc) : "");
	printf(under_ci() ? "CI=true: failing instead of skipping\n" : "skipped\n");
	return under_ci() ? 1 : 77;
}

int
live_begin(void)
{
	int fd, rc;

	if (geteuid() != 0)
		return begin_fail("they need root", 0);
	/* Test runs in other trees (or the sanitizer build) must not interleave with ours. */
	fd = open(LOCK_PATH, O_CREAT | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0 || flock(fd, LOCK_EX) < 0)
		return begin_fail("cannot take " LOCK_PATH, -errno);
	if ((rc = audit_ctl_open(&g_ctl)) < 0 || (rc = audit_ctl_get(g_ctl, &g_initial)) < 0)
		return begin_fail("the kernel's audit is not available", rc);
	if (alive(g_initial.pid))
		return begin_fail("another process owns audit (auditd?); the tests need it free", 0);
	if (g_initial.enabled == 2)
		return begin_fail("the audit configuration is locked (enabled=2)", 0);
	if (g_initial.failure == 2)
		return begin_fail("audit failure mode is panic (-f 2): no flood test here", 0);
	g_begun = true;
	atexit(restore_at_exit);
	return 0;
}

const struct audit_status *
live_initial(void)
{
	return &g_initial;
}

int
live_status(struct audit_status *out)
{
	return audit_ctl_get(g_ctl, out);
}

int
live_set_backlog_limit(uint32_t limit)
{
	struct audit_status st = { .backlog_limit = limit };

	return audit_ctl_set(g_ctl, AUDIT_STATUS_BACKLOG_LIMIT, &st);
}

/* --- restoring ----------------------------------------------------------------------------- */

struct keyed {
	struct audit_rule_data *d[256];
	size_t len[256];
	size_t n;
};

static int
collect_keyed(const struct audit_rule_data *d, size_t len, void *arg)
{
	struct keyed *k = arg;
	const char *key;
	size_t klen;

	if (audit_ctl_rule_check(d, len, &key, &klen) < 0 || key == NULL ||
	    klen != strlen(AUDITRULES_KEY) || memcmp(key, AUDITRULES_KEY, klen) != 0 ||
	    k->n == 256)
		return 0;
	k->d[k->n] = malloc(len);
	memcpy(k->d[k->n], d, len);
	k->len[k->n++] = len;
	return 0;
}

/* The safety net of `auditctl -D -k shikra`. */
static void
delete_keyed(void)
{
	struct keyed k = { .n = 0 };

	audit_ctl_rules(g_ctl, collect_keyed, &k, NULL);
	for (size_t i = 0; i < k.n; i++) {
		audit_ctl_rule_del(g_ctl, k.d[i], k.len[i]);
		free(k.d[i]);
	}
}

/* A dead process still named as the audit pid: register ourselves (the kernel finds the
 * old reader gone and lets us), then give the pid back. */
static void
release_dead_owner(void)
{
	struct {
		struct nlmsghdr h;
		struct audit_status s;
	} msg = { .h = { .nlmsg_len = sizeof(msg), .nlmsg_type = AUDIT_SET,
	                 .nlmsg_flags = NLM_F_REQUEST },
	          .s = { .mask = AUDIT_STATUS_PID, .pid = (uint32_t)getpid() } };
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct audit_status zero = { 0 };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);

	if (fd < 0)
		return;
	sendto(fd, &msg, sizeof(msg), 0, (struct sockaddr *)&kernel, sizeof(kernel));
	audit_ctl_set(g_ctl, AUDIT_STATUS_PID, &zero);
	close(fd);
}

static void
put_back(uint32_t mask, bool differs)
{
	if (differs)
		audit_ctl_set(g_ctl, mask, &g_initial);
}

int
live_restore(void)
{
	struct audit_status st;

	if (!g_begun)
		return 0;
	live_auditd_stop();
	delete_keyed();
	if (audit_ctl_get(g_ctl, &st) < 0)
		return -1;
	if (st.pid == (uint32_t)getpid()) {
		struct audit_status zero = { 0 };
		audit_ctl_set(g_ctl, AUDIT_STATUS_PID, &zero);
	} else if (st.pid != 0 && !alive(st.pid)) {
		release_dead_owner();
	}
	put_back(AUDIT_STATUS_BACKLOG_WAIT_TIME, st.backlog_wait_time != g_initial.backlog_wait_time);
	put_back(AUDIT_STATUS_BACKLOG_LIMIT, st.backlog_limit != g_initial.backlog_limit);
	put_back(AUDIT_STATUS_ENABLED, st.enabled != g_initial.enabled);
	if (g_initial.lost == 0 && st.lost != 0)
		audit_ctl_set(g_ctl, AUDIT_STATUS_LOST, &g_initial);
	if (audit_ctl_get(g_ctl, &st) < 0)
		return -1;
	return st.pid == 0 && st.enabled == g_initial.enabled &&
	       st.backlog_limit == g_initial.backlog_limit &&
	       st.backlog_wait_time == g_initial.backlog_wait_time &&
	       live_rules_with("") == 0 ? 0 : -1;
}

/* --- auditctl ------------------------------------------------------------------------------ */

int
live_run(const char *cmd)
{
	int st = system(cmd);

	return st == -1 || !WIFEXITED(st) ? -1 : WEXITSTATUS(st);
}

static void
strip_pid(char *line)
{
	char *p = strstr(line, " -F pid!=");
	char *end;
	size_t skip = strlen(" -F pid!=");

	if (p == NULL)
		return;
	end = strchr(p + skip, ' ');
	if (end == NULL)
		*p = '\0';
	else
		memmove(p, end, strlen(end) + 1);
}

char **
live_rules(bool strip, size_t *n)
{
	FILE *fp = popen("auditctl -l 2>&1", "r");
	char buf[4096], **v = NULL;

	*n = 0;
	assert_non_null(fp);
	while (fgets(buf, sizeof(buf), fp) != NULL) {
		buf[strcspn(buf, "\n")] = '\0';
		if (strstr(buf, "-F key=" AUDITRULES_KEY) == NULL)
			continue;
		if (strip)
			strip_pid(buf);
		v = realloc(v, (*n + 1) * sizeof(*v));
		v[(*n)++] = strdup(buf);
	}
	pclose(fp);
	return v;
}

void
live_lines_free(char **lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

size_t
live_rules_with(const char *needle)
{
	size_t n, hits = 0;
	char **v = live_rules(false, &n);

	for (size_t i = 0; i < n; i++)
		hits += strstr(v[i], needle) != NULL;
	live_lines_free(v, n);
	return hits;
}

/* --- collecting events --------------------------------------------------------------------- */

void
live_watch(struct collector *c, pid_t pid)
{
	assert_true(c->npids < sizeof(c->pids) / sizeof(c->pids[0]));
	c->pids[c->npids++] = pid;
}

static bool
watched(const struct collector *c, int64_t pid)
{
	for (unsigned i = 0; i < c->npids; i++)
		if (c->pids[i] == pid)
			return true;
	return false;
}

int
live_collect(struct event *ev, void *arg)
{
	struct collector *c = arg;
	bool w = watched(c, ev->pid);

	if (w) {
		c->watched_total++;
		c->last_watched_ms = live_ms();
	}
	if ((ev->source == EVS_INTERNAL || (w && c->keep_watched)) && c->n < LIVE_MAX_EVENTS) {
		c->ev[c->n++] = ev;
		return 0;
	}
	if (!w && ev->source != EVS_INTERNAL)
		c->other++;
	event_free(ev);
	return 0;
}

void
live_collector_free(struct collector *c)
{
	for (size_t i = 0; i < c->n; i++)
		event_free(c->ev[i]);
	c->n = 0;
}

struct event *
live_find(const struct collector *c, enum event_type type, pid_t pid)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->ev[i]->type == type && (pid == 0 || c->ev[i]->pid == pid))
			return c->ev[i];
	return NULL;
}

struct event *
live_find_internal(const struct collector *c, const char *rule)
{
	for (size_t i = 0; i < c->n; i++) {
		const char *r = event_get_kv(c->ev[i], "rule");
		if (c->ev[i]->source == EVS_INTERNAL && r != NULL && strcmp(r, rule) == 0)
			return c->ev[i];
	}
	return NULL;
}

static uint64_t
wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

bool
live_pump(struct audit_source *s, struct collector *c, unsigned timeout_ms, live_done_fn *done,
          void *arg)
{
	uint64_t start = live_ms(), last_tick = 0, last_data = start;

	for (;;) {
		struct pollfd p = { .fd = audit_source_fd(s), .events = POLLIN };
		uint64_t now = live_ms();
		if (done != NULL && done(c, arg))
			return true;
		if (now - start >= timeout_ms)
			return done == NULL;
		if (done == NULL && now - last_data >= 500)
			return true;
		if (poll(&p, 1, 50) > 0) {
			assert_true(audit_source_read(s, 256) >= 0);
			last_data = now;
		}
		if (now - last_tick >= 200) {
			audit_source_tick(s, wall_ns());
			last_tick = now;
		}
	}
}

/* --- processes ----------------------------------------------------------------------------- */

pid_t
live_spawn(char *const argv[])
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

int
live_listen(uint16_t *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 8), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

pid_t
live_connect_child(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
	                         .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		_exit(fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0 ? 0 : 1);
	}
	return pid;
}

pid_t
live_openat_child(unsigned count, unsigned max_ms)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		uint64_t end = live_ms() + max_ms;
		for (unsigned i = 0; i < count && (i % 256 != 0 || live_ms() < end); i++) {
			int fd = openat(AT_FDCWD, "/dev/null", O_RDONLY);
			if (fd >= 0)
				close(fd);
		}
		_exit(0);
	}
	return pid;
}

int
live_reap(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* --- auditd -------------------------------------------------------------------------------- */

static const char auditd_conf[] =
	"local_events = yes\nwrite_logs = yes\nlog_file = %s/audit.log\nlog_format = RAW\n"
	"flush = NONE\nfreq = 0\nmax_log_file = 8\nnum_logs = 1\n"
	"max_log_file_action = IGNORE\nspace_left = 2\nspace_left_action = IGNORE\n"
	"admin_space_left = 1\nadmin_space_left_action = IGNORE\ndisk_full_action = IGNORE\n"
	"disk_error_action = IGNORE\nplugin_dir = %s/plugins\nq_depth = 2000\n"
	"overflow_action = IGNORE\n";

static const char *
auditd_path(void)
{
	static const char *const paths[] = { "/usr/sbin/auditd", "/sbin/auditd" };

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (access(paths[i], X_OK) == 0)
			return paths[i];
	return NULL;
}

static void
auditd_child(const char *exe)
{
	char out[128];
	int fd;

	snprintf(out, sizeof(out), "%s/auditd.out", g_auditd_dir);
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
	}
	execl(exe, "auditd", "-n", "-c", g_auditd_dir, (char *)NULL);
	_exit(127);
}

pid_t
live_auditd_start(void)
{
	const char *exe = auditd_path();
	struct audit_status st;
	char path[128];
	FILE *fp;

	if (exe == NULL)
		return -1;
	snprintf(g_auditd_dir, sizeof(g_auditd_dir), "/tmp/shikra-auditd.XXXXXX");
	assert_non_null(mkdtemp(g_auditd_dir));
	snprintf(path, sizeof(path), "%s/plugins", g_auditd_dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/auditd.conf", g_auditd_dir);
	assert_non_null(fp = fopen(path, "w"));
	fprintf(fp, auditd_conf, g_auditd_dir, g_auditd_dir);
	fclose(fp);
	assert_int_equal(chmod(path, 0600), 0);
	g_auditd = fork();
	assert_true(g_auditd >= 0);
	if (g_auditd == 0)
		auditd_child(exe);
	for (uint64_t end = live_ms() + 5000; live_ms() < end; usleep(50000))
		if (live_status(&st) == 0 && st.pid == (uint32_t)g_auditd)
			return g_auditd;
	live_auditd_stop();
	return -1;
}

static void
remove_dir(const char *dir)
{
	static const char *const names[] = { "auditd.conf", "auditd.out", "audit.log" };
	char path[160];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/plugins", dir);
	rmdir(path);
	rmdir(dir);
}

void
live_auditd_stop(void)
{
	int st;

	if (g_auditd <= 0)
		return;
	kill(g_auditd, SIGTERM);
	for (uint64_t end = live_ms() + 5000; live_ms() < end; usleep(20000))
		if (waitpid(g_auditd, &st, WNOHANG) == g_auditd)
			goto done;
	kill(g_auditd, SIGKILL);
	waitpid(g_auditd, &st, 0);
done:
	g_auditd = -1;
	remove_dir(g_auditd_dir);
}
