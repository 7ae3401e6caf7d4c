/* test_audit_live.c - the live audit source against the real kernel (root only).
 * Unicast: real processes (an exec with arguments, a loopback TCP connect) become events;
 * the kernel shows our rules, keyed and excluding our pid, while the source is open and none
 * after; the pid, enabled flag and backlog settings come back.  The printed rules are the
 * installed rules.  A run killed with SIGKILL leaves rules that the next run replaces without
 * duplicates.  Forged datagrams are dropped.  Someone else trying to own audit, deleting our
 * rules or switching audit off becomes an internal event.  Multicast: with Debian's auditd
 * owning audit and our printed rules loaded into it, events still arrive and nothing of
 * auditd's is touched.  A reload replaces the rules without a gap or duplicates and without
 * taking our own removals for someone else's.  Floods are in test_audit_flood.c.  Every test
 * ends in live_restore(), checked by the teardown. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <cmocka.h>

#include "audit/source.h"
#include "live_util.h"
#include "rules/auditrules.h"

struct live {
	struct audit_source *src;
	struct collector c;
	int listen_fd;
};

static int
setup(void **state)
{
	struct live *l = calloc(1, sizeof(*l));

	l->c.keep_watched = true;
	l->listen_fd = -1;
	*state = l;
	return 0;
}

static int
teardown(void **state)
{
	struct live *l = *state;

	audit_source_close(l->src);
	live_collector_free(&l->c);
	if (l->listen_fd >= 0)
		close(l->listen_fd);
	free(l);
	return live_restore() == 0 ? 0 : -1;
}

static struct evtset
types_of(const enum event_type *t, size_t n)
{
	struct evtset set = { { 0 } };

	for (size_t i = 0; i < n; i++)
		evtset_add(&set, t[i]);
	return set;
}

static const enum event_type three[] = { EVT_execve, EVT_connect, EVT_openat };

/* How many rules the source should install for SET on this host. */
static size_t
expected_rules(const struct evtset *set)
{
	struct auditrules ar = { 0 };
	int m64, m32;
	size_t n;

	assert_int_equal(auditrules_host(&m64, &m32), 0);
	assert_int_equal(auditrules_build(set, false, NULL, m64, m32, &ar), 0);
	n = ar.nrules;
	auditrules_free(&ar);
	return n;
}

static void
open_source(struct live *l, enum audit_mode mode, const struct evtset *set)
{
	struct audit_source_config cfg = { .mode = mode, .types = set };

	assert_int_equal(audit_source_open(&cfg, live_collect, &l->c, &l->src), 0);
}

static void
close_source(struct live *l)
{
	audit_source_close(l->src);
	l->src = NULL;
}

static size_t
rules_excluding(pid_t pid)
{
	char needle[48];

	snprintf(needle, sizeof(needle), " -F pid!=%ld ", (long)pid);
	return live_rules_with(needle);
}

/* --- exec and connect ---------------------------------------------------------------------- */

struct pair {
	pid_t exec, conn;
};

static bool
got_both(const struct collector *c, void *arg)
{
	const struct pair *p = arg;

	return live_find(c, EVT_execve, p->exec) != NULL && live_find(c, EVT_connect, p->conn) != NULL;
}

/* Run /bin/true with arguments and a loopback connect; wait for both events and check them. */
static void
exec_and_connect(struct live *l)
{
	char *argv[] = { "/bin/true", "shikra-live", "two words", NULL };
	uint64_t t0 = live_ms();
	struct event *ev;
	struct pair p;
	uint16_t port;

	l->listen_fd = live_listen(&port);
	p.exec = live_spawn(argv);
	live_watch(&l->c, p.exec);
	p.conn = live_connect_child(port);
	live_watch(&l->c, p.conn);
	assert_int_equal(live_reap(p.exec), 0);
	assert_int_equal(live_reap(p.conn), 0);
	assert_true(live_pump(l->src, &l->c, 10000, got_both, &p));
	print_message("exec+connect events after %llu ms\n", (unsigned long long)(live_ms() - t0));

	ev = live_find(&l->c, EVT_execve, p.exec);
	assert_int_equal(ev->success, 1);
	assert_string_equal(ev->key, AUDITRULES_KEY);
	assert_non_null(ev->proc);
	assert_int_equal(ev->proc->argc, 3);
	assert_string_equal(ev->proc->argv[0], "/bin/true");
	assert_string_equal(ev->proc->argv[1], "shikra-live");
	assert_string_equal(ev->proc->argv[2], "two words");

	ev = live_find(&l->c, EVT_connect, p.conn);
	assert_int_equal(ev->success, 1);
	assert_int_equal(ev->net.remote.family, AF_INET);
	assert_int_equal(ev->net.remote.port, port);
	assert_memory_equal(ev->net.remote.ip, "\x7f\x00\x00\x01", 4);
}

static void
test_unicast_events_and_restore(void **state)
{
	struct live *l = *state;
	struct evtset set = types_of(three, 3);
	const struct audit_status *init = live_initial();
	size_t want = expected_rules(&set);
	struct audit_status st;

	open_source(l, AUDIT_MODE_UNICAST, &set);
	assert_true(audit_source_stats(l->src)->unicast);
	/* The kernel holds exactly our rules, each excluding our own pid. */
	assert_true(want >= 1);
	assert_int_equal(audit_source_stats(l->src)->rules_installed, want);
	assert_int_equal(live_rules_with(""), want);
	assert_int_equal(rules_excluding(getpid()), want);
	assert_int_equal(live_status(&st), 0);
	assert_int_equal(st.pid, getpid());
	assert_int_equal(st.enabled, 1);
	assert_true(st.backlog_limit >= 8192 && st.backlog_limit >= init->backlog_limit);
	assert_int_equal(st.backlog_wait_time, 0);

	exec_and_connect(l);
	assert_int_equal(audit_source_stats(l->src)->bad_records, 0);
	assert_true(audit_source_stats(l->src)->records > 0);

	close_source(l);
	assert_int_equal(live_rules_with(""), 0);
	assert_int_equal(live_status(&st), 0);
	assert_int_equal(st.pid, 0);
	assert_int_equal(st.enabled, init->enabled);
	assert_int_equal(st.backlog_limit, init->backlog_limit);
	assert_int_equal(st.backlog_wait_time, init->backlog_wait_time);
}

/* --- what is printed is what is installed -------------------------------------------------- */

static void
test_printed_rules_are_installed_rules(void **state)
{
	static const enum event_type many[] = {
		EVT_execve, EVT_connect, EVT_accept, EVT_bind, EVT_socket, EVT_openat, EVT_chown,
		EVT_setuid, EVT_ptrace, EVT_kexec_file_load,
	};
	struct live *l = *state;
	struct evtset set = types_of(many, sizeof(many) / sizeof(many[0]));
	struct auditrules ar = { 0 };
	char path[] = "/tmp/shikra-rules.XXXXXX", cmd[128];
	char **installed, **printed;
	size_t ni, np;
	int m64, m32, fd;
	FILE *fp;

	open_source(l, AUDIT_MODE_UNICAST, &set);
	installed = live_rules(true, &ni);
	close_source(l);

	assert_int_equal(auditrules_host(&m64, &m32), 0);
	assert_int_equal(auditrules_build(&set, false, NULL, m64, m32, &ar), 0);
	assert_true((fd = mkstemp(path)) >= 0);
	assert_non_null(fp = fdopen(fd, "w"));
	for (size_t i = 0; i < ar.n; i++)
		fprintf(fp, "%s\n", ar.lines[i]);
	fclose(fp);
	snprintf(cmd, sizeof(cmd), "auditctl -R %s >/dev/null", path);
	assert_int_equal(live_run(cmd), 0);
	unlink(path);
	printed = live_rules(true, &np);
	assert_int_equal(live_run("auditctl -D -k " AUDITRULES_KEY " >/dev/null"), 0);

	assert_int_equal(ni, ar.nrules);
	assert_int_equal(np, ni);
	for (size_t i = 0; i < ni; i++)
		assert_string_equal(installed[i], printed[i]);
	live_lines_free(installed, ni);
	live_lines_free(printed, np);
	auditrules_free(&ar);
}

/* --- a run killed with SIGKILL ------------------------------------------------------------- */

#define STATE_FILE "/run/shikra-audit-test.state"

static pid_t
killed_run(const struct evtset *set, size_t want, const char *state_file)
{
	int pfd[2], rc = -1;
	pid_t child;

	assert_int_equal(pipe(pfd), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		struct audit_source_config cfg = { .mode = AUDIT_MODE_UNICAST, .types = set,
		                                   .state_file = state_file };
		struct collector c = { .npids = 0 };
		struct audit_source *s;
		rc = audit_source_open(&cfg, live_collect, &c, &s);
		if (write(pfd[1], &rc, sizeof(rc)) != sizeof(rc))
			_exit(1);
		for (;;)
			pause();
	}
	close(pfd[1]);
	assert_int_equal(read(pfd[0], &rc, sizeof(rc)), sizeof(rc));
	close(pfd[0]);
	assert_int_equal(rc, 0);
	assert_int_equal(rules_excluding(child), want);
	assert_int_equal(kill(child, SIGKILL), 0);
	assert_int_equal(live_reap(child), 128 + SIGKILL);
	return child;
}

static void
test_kill9_leftovers_replaced(void **state)
{
	struct live *l = *state;
	struct evtset set = types_of(three, 3);
	size_t want = expected_rules(&set);
	struct audit_status st;
	pid_t dead = killed_run(&set, want, NULL);

	/* Its rules are still loaded, and it may still be named as the audit pid. */
	assert_int_equal(live_rules_with(""), want);
	open_source(l, AUDIT_MODE_UNICAST, &set);
	assert_true(audit_source_stats(l->src)->unicast);
	assert_int_equal(live_rules_with(""), want);
	assert_int_equal(rules_excluding(getpid()), want);
	assert_int_equal(rules_excluding(dead), 0);
	exec_and_connect(l);
	close_source(l);
	assert_int_equal(live_rules_with(""), 0);
	assert_int_equal(live_status(&st), 0);
	assert_int_equal(st.pid, 0);
	/* The second run found audit enabled by the killed one and leaves it so: what it was
	 * before both runs is known only to live_restore(). */
	assert_int_equal(st.enabled, 1);
}

/* With a state file, the run after a SIGKILL restores what the host had before the killed run
 * changed it (enabled flag, backlog limit), not what the killed run left. */
static void
test_kill9_state_file_restores_host_settings(void **state)
{
	struct live *l = *state;
	struct evtset set = types_of(three, 3);
	struct audit_status before, after;
	struct audit_source_config cfg = { .mode = AUDIT_MODE_UNICAST, .types = &set,
	                                   .state_file = STATE_FILE };

	unlink(STATE_FILE);
	assert_int_equal(live_status(&before), 0);
	killed_run(&set, expected_rules(&set), STATE_FILE);
	assert_int_equal(access(STATE_FILE, F_OK), 0);
	assert_int_equal(audit_source_open(&cfg, live_collect, &l->c, &l->src), 0);
	exec_and_connect(l);
	close_source(l);
	assert_int_equal(live_status(&after), 0);
	assert_int_equal(after.pid, 0);
	assert_int_equal(after.enabled, before.enabled);
	assert_int_equal(after.backlog_limit, before.backlog_limit);
	assert_int_equal(live_rules_with(""), 0);
	assert_int_equal(access(STATE_FILE, F_OK), -1);     /* a clean close forgets it */
}

/* --- trust: only the kernel speaks ---------------------------------------------------------- */

static bool
two_bad(const struct collector *c, void *arg)
{
	const struct audit_source *s = arg;

	return audit_source_stats(s)->bad_records >= 2;
}

/* Send a record shaped exactly like the kernel's (payload-only nlmsg_len) to PORTID. */
static void
forge(int fd, uint32_t portid, uint16_t type, const char *text)
{
	struct sockaddr_nl to = { .nl_family = AF_NETLINK, .nl_pid = portid };
	char buf[1024] __attribute__((aligned(8)));
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	size_t len = strlen(text);

	memset(buf, 0, sizeof(buf));
	h->nlmsg_type = type;
	h->nlmsg_len = (uint32_t)len;
	memcpy(buf + NLMSG_HDRLEN, text, len);
	assert_true(sendto(fd, buf, NLMSG_HDRLEN + len, 0, (struct sockaddr *)&to, sizeof(to)) > 0);
}

static void
test_forged_records_dropped(void **state)
{
	struct live *l = *state;
	struct evtset set = types_of(three, 3);
	struct sockaddr_nl me;
	socklen_t len = sizeof(me);
	int fd;

	open_source(l, AUDIT_MODE_UNICAST, &set);
	assert_int_equal(getsockname(audit_source_fd(l->src), (struct sockaddr *)&me, &len), 0);
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	assert_true(fd >= 0);
	live_watch(&l->c, 4242);
	forge(fd, me.nl_pid, AUDIT_SYSCALL, "audit(1700000000.000:77): arch=c000003e syscall=59 "
	      "success=yes exit=0 a0=0 a1=0 a2=0 a3=0 items=0 ppid=1 pid=4242 auid=0 uid=0 gid=0 "
	      "euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm=\"forged\" "
	      "exe=\"/forged\" key=\"shikra\"");
	forge(fd, me.nl_pid, AUDIT_EOE, "audit(1700000000.000:77): ");
	close(fd);
	assert_true(live_pump(l->src, &l->c, 3000, two_bad, l->src));
	assert_null(live_find(&l->c, EVT_execve, 4242));
	assert_int_equal(l->c.watched_total, 0);
}

/* --- others: a contested pid, our rules deleted, audit switched off ------------------------ */

static bool
has_internal(const struct collector *c, void *arg)
{
	return live_find_internal(c, arg) != NULL;
}

/* A child that tries to register as the audit reader; exits 0 if the kernel said EEXIST. */
static pid_t
contender(void)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		struct {
			struct nlmsghdr h;
			struct audit_status s;
		} m = { .h = { .nlmsg_len = sizeof(m), .nlmsg_type = AUDIT_SET,
		               .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK },
		        .s = { .mask = AUDIT_STATUS_PID, .pid = (uint32_t)getpid() } };
		struct sockaddr_nl k = { .nl_family = AF_NETLINK };
		char buf[256] __attribute__((aligned(8)));
		int fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_AUDIT);
		const struct nlmsgerr *e = (const struct nlmsgerr *)(buf + NLMSG_HDRLEN);
		if (fd < 0 || sendto(fd, &m, sizeof(m), 0, (struct sockaddr *)&k, sizeof(k)) < 0 ||
		    recv(fd, buf, sizeof(buf), 0) < (ssize_t)(NLMSG_HDRLEN + sizeof(*e)))
			_exit(2);
		_exit(e->error == -EEXIST ? 0 : 1);
	}
	return pid;
}

static void
test_others_changes_reported(void **state)
{
	struct live *l = *state;
	struct evtset set = types_of(three, 3);
	const struct audit_status *init = live_initial();
	struct audit_status st;
	const char *v;
	char num[24];
	pid_t c;

	open_source(l, AUDIT_MODE_UNICAST, &set);
	c = contender();
	assert_int_equal(live_reap(c), 0);
	assert_true(live_pump(l->src, &l->c, 5000, has_internal, "Audit ownership contested"));
	snprintf(num, sizeof(num), "%ld", (long)c);
	assert_string_equal(event_get_kv(live_find_internal(&l->c, "Audit ownership contested"),
	                                 "pid"), num);

	assert_int_equal(live_run("auditctl -D -k " AUDITRULES_KEY " >/dev/null"), 0);
	assert_true(live_pump(l->src, &l->c, 5000, has_internal, "Audit rules removed"));
	v = event_get_kv(live_find_internal(&l->c, "Audit rules removed"), "priority");
	assert_string_equal(v, "Critical");
	assert_int_equal(live_run("auditctl -e 0 >/dev/null"), 0);
	assert_true(live_pump(l->src, &l->c, 5000, has_internal, "Audit disabled"));
	assert_non_null(event_get_kv(live_find_internal(&l->c, "Audit disabled"), "msg"));

	close_source(l);
	assert_int_equal(live_status(&st), 0);
	assert_int_equal(st.pid, 0);
	assert_int_equal(st.enabled, init->enabled);
}

/* --- multicast next to auditd -------------------------------------------------------------- */

static void
load_printed_rules(const struct evtset *set)
{
	struct auditrules ar = { 0 };
	char path[] = "/tmp/shikra-rules.XXXXXX", cmd[128];
	int m64, m32, fd;
	FILE *fp;

	assert_int_equal(auditrules_host(&m64, &m32), 0);
	assert_int_equal(auditrules_build(set, false, NULL, m64, m32, &ar), 0);
	assert_true((fd = mkstemp(path)) >= 0);
	assert_non_null(fp = fdopen(fd, "w"));
	for (size_t i = 0; i < ar.n; i++)
		fprintf(fp, "%s\n", ar.lines[i]);
	fclose(fp);
	snprintf(cmd, sizeof(cmd), "auditctl -R %s >/dev/null", path);
	assert_int_equal(live_run(cmd), 0);
	unlink(path);
	auditrules_free(&ar);
}

static void
test_multicast_next_to_auditd(void **state)
{
	struct live *l = *state;
	struct evtset set = types_of(three, 3);
	size_t want = expected_rules(&set);
	struct audit_status st;
	pid_t auditd = live_auditd_start();

	if (auditd < 0)
		live_unavailable("cannot start auditd (is Debian's auditd package installed?)");
	load_printed_rules(&set);
	assert_int_equal(live_rules_with(""), want);
	open_source(l, AUDIT_MODE_AUTO, &set);
	assert_false(audit_source_stats(l->src)->unicast);
	assert_int_equal(audit_source_stats(l->src)->rules_installed, 0);
	exec_and_connect(l);
	close_source(l);
	/* auditd's rules and ownership are untouched. */
	assert_int_equal(live_rules_with(""), want);
	assert_int_equal(live_status(&st), 0);
	assert_int_equal(st.pid, auditd);
	assert_int_equal(live_run("auditctl -D -k " AUDITRULES_KEY " >/dev/null"), 0);
	live_auditd_stop();
	assert_int_equal(live_status(&st), 0);
	assert_int_equal(st.pid, 0);
}

/* --- reload -------------------------------------------------------------------------------- */

static void
test_reload_replaces_rules(void **state)
{
	static const enum event_type t1[] = { EVT_execve, EVT_openat };
	static const enum event_type t2[] = { EVT_execve, EVT_connect };
	static const enum event_type t3[] = { EVT_execve, EVT_connect, EVT_accept };
	struct live *l = *state;
	struct evtset a = types_of(t1, 2), b = types_of(t2, 2), c = types_of(t3, 3);

	open_source(l, AUDIT_MODE_UNICAST, &a);
	assert_int_equal(live_rules_with(""), expected_rules(&a));
	assert_true(live_rules_with("openat") > 0);
	assert_int_equal(audit_source_set_rules(l->src, &b, false, NULL), 0);
	assert_int_equal(live_rules_with(""), expected_rules(&b));
	assert_int_equal(rules_excluding(getpid()), expected_rules(&b));
	assert_int_equal(live_rules_with("openat"), 0);
	assert_int_equal(audit_source_stats(l->src)->rules_installed, expected_rules(&b));
	/* The same set again changes nothing; a larger one keeps what it shares. */
	assert_int_equal(audit_source_set_rules(l->src, &b, false, NULL), 0);
	assert_int_equal(live_rules_with(""), expected_rules(&b));
	assert_int_equal(audit_source_set_rules(l->src, &c, false, NULL), 0);
	assert_int_equal(live_rules_with(""), expected_rules(&c));
	assert_true(live_rules_with("accept") > 0);
	/* The new rules work, and our own removals are not taken for someone else's. */
	exec_and_connect(l);
	live_pump(l->src, &l->c, 1000, NULL, NULL);
	assert_null(live_find_internal(&l->c, "Audit rules removed"));
	close_source(l);
	assert_int_equal(live_rules_with(""), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_unicast_events_and_restore, setup, teardown),
		cmocka_unit_test_setup_teardown(test_printed_rules_are_installed_rules, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_kill9_leftovers_replaced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kill9_state_file_restores_host_settings, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_forged_records_dropped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_others_changes_reported, setup, teardown),
		cmocka_unit_test_setup_teardown(test_multicast_next_to_auditd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reload_replaces_rules, setup, teardown),
	};
	int rc = live_begin();

	if (rc != 0)
		return rc;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	if (live_restore() != 0) {
		printf("the audit state could not be restored\n");
		rc = 1;
	}
	return rc;
}
