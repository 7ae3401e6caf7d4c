/* test_filter.c - unit tests for the condition pipeline (rules/filter.h): a table-driven
 * corpus of (condition, event, expected result) against the real field table, the printed
 * form and its round trip, event-type sets, watched paths, field lists, and errors with
 * their exact messages and positions (test_filter_errors.c). */
#include "config.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <cmocka.h>

#include "rules/filter.h"
#include "filter_test.h"

/* ---- events ---- */

static struct proc *
mkproc(int64_t pid, const char *comm, const char *exe, const char *const *argv, uint32_t argc)
{
	struct proc *p = proc_new(pid);

	p->comm = proc_strdup(p, comm);
	p->exe = proc_strdup(p, exe);
	if (argv)
		proc_set_argv(p, argv, argc);
	p->uid = p->euid = p->gid = p->egid = p->auid = 0;
	return p;
}

static struct event *
mkevent(enum event_type t, enum event_source src, struct proc *p)
{
	struct event *ev = event_new(t, src);

	ev->ts_ns = 1700000000123456789ull;
	ev->serial = 42;
	ev->proc = p;
	if (p)
		ev->pid = ev->tid = p->pid;
	ev->res = 0;
	ev->success = 1;
	return ev;
}

/* bash (pid 1234) run by sshd (1000) under systemd (1), with a few odd arguments. */
static struct event *
exec_event(void)
{
	static const char *const argv[] = { "bash", "-c", "echo hi" };
	struct proc *g = mkproc(1, "systemd", "/usr/lib/systemd/systemd", NULL, 0);
	struct proc *pp = mkproc(1000, "sshd", "/usr/sbin/sshd", NULL, 0);
	struct proc *p = mkproc(1234, "bash", "/usr/bin/bash", argv, 3);
	struct event *ev;

	pp->parent = g;
	pp->ppid = 1;
	p->parent = pp;
	p->ppid = 1000;
	p->cwd = proc_strdup(p, "/root");
	p->start_ns = 1700000000123456789ull - 2000000000ull;
	ev = mkevent(EVT_execve, EVS_AUDIT, p);
	assert_int_equal(event_set_arg(ev, "data", "aGVsbG8gd29ybGQ=", EVENT_NUM_UNSET), 0);
	assert_int_equal(event_set_arg(ev, "q", "He said \"hi\" \\o/", EVENT_NUM_UNSET), 0);
	assert_int_equal(event_set_arg(ev, "t", "a\tb", EVENT_NUM_UNSET), 0);
	assert_int_equal(event_set_arg(ev, "bin", "\xff\x01", EVENT_NUM_UNSET), 0);
	assert_int_equal(event_set_arg(ev, "utf", "caf\xc3\xa9", EVENT_NUM_UNSET), 0);
	return ev;
}

static struct event *
open_event(void)
{
	struct event *ev = mkevent(EVT_openat, EVS_AUDIT, mkproc(77, "cat", "/usr/bin/cat", NULL, 0));

	ev->res = 3;
	ev->file.path = event_strdup(ev, "/etc/shadow");
	assert_int_equal(event_set_arg(ev, "flags", "O_RDONLY|O_CLOEXEC", O_RDONLY | O_CLOEXEC), 0);
	return ev;
}

static void
set_addr(struct event_addr *a, int family, const char *ip, uint16_t port)
{
	a->family = (uint16_t)family;
	a->port = port;
	assert_int_equal(inet_pton(family, ip, a->ip), 1);
}

static struct event *
connect_event(int family, const char *local, const char *remote)
{
	struct event *ev = mkevent(EVT_connect, EVS_AUDIT, mkproc(300, "curl", "/usr/bin/curl",
	                                                             NULL, 0));

	ev->net.domain = family;
	ev->net.fd = 5;
	ev->net.type = SOCK_STREAM;
	ev->net.protocol = 0;
	if (local)
		set_addr(&ev->net.local, family, local, 40000);
	set_addr(&ev->net.remote, family, remote, 443);
	return ev;
}

struct event *
test_event(enum test_event k)
{
	struct event *ev;

	switch (k) {
	case EV_EXEC:
		return exec_event();
	case EV_OPEN:
		return open_event();
	case EV_CONNECT:
		return connect_event(AF_INET, "10.1.2.3", "192.168.1.10");
	case EV_CONNECT6:
		return connect_event(AF_INET6, NULL, "2001:db8::1");
	case EV_MAPPED:
		return connect_event(AF_INET6, NULL, "::ffff:127.0.0.1");
	case EV_FAN_OPEN:
		ev = mkevent(EVT_open, EVS_FANOTIFY, mkproc(55, "vi", "/usr/bin/vi", NULL, 0));
		ev->file.path = event_strdup(ev, "/tmp/x");
		return ev;
	case EV_NOPROC:
		return mkevent(EVT_openat, EVS_AUDIT, NULL);
	case EV_CHDIR:
		ev = mkevent(EVT_syscall, EVS_AUDIT, mkproc(9, "sh", "/bin/sh", NULL, 0));
		ev->name = event_strdup(ev, "chdir");
		return ev;
	}
	return NULL;
}

/* ---- the environment every corpus row sees ---- */

struct filter_env *test_env;

static void
add_list(const char *name, const char *const *items, size_t n)
{
	struct diags d = DIAGS_INIT;

	assert_int_equal(filter_env_add_list(test_env, name, items, n, NULL, &d), 0);
	diags_free(&d);
}

static void
add_macro(const char *name, const char *cond)
{
	struct diags d = DIAGS_INIT;

	if (filter_env_add_macro(test_env, name, cond, NULL, &d) != 0) {
		diags_print(&d, stderr);
		fail();
	}
	diags_free(&d);
}

#define ADD_LIST(name, ...) do { \
		static const char *const items_[] = { __VA_ARGS__ }; \
		add_list(name, items_, sizeof(items_) / sizeof(items_[0])); \
	} while (0)

static int
test_env_setup(void **state)
{
	assert_int_equal(filter_env_new(&test_env), 0);
	ADD_LIST("shell_binaries", "bash", "sh", "zsh");
	ADD_LIST("shell_plus", "shell_binaries", "fish", "\"/bin/odd name\"", "'x,y'");
	ADD_LIST("ports", "22", "\"443\"");
	ADD_LIST("nets", "10.0.0.0/8", "192.168.0.0/16");
	add_list("empty_list", NULL, 0);
	ADD_LIST("colors", "red");
	add_macro("spawned_shell", "evt.type = execve and proc.name in (shell_binaries)");
	add_macro("shell_from_sshd", "spawned_shell and proc.pname = sshd");
	add_macro("uses_colors1", "proc.name in (colors)");
	ADD_LIST("colors", "bash");                 /* redefinition: seen from here on */
	add_macro("uses_colors2", "proc.name in (colors)");
	add_macro("m_x", "proc.name = bash");
	add_macro("m_x", "proc.name = zsh");        /* a redefinition replaces */
	add_macro("never", "evt.dir = >");
	assert_true(filter_env_has_list(test_env, "colors"));
	assert_true(filter_env_has_macro(test_env, "m_x"));
	assert_false(filter_env_has_macro(test_env, "colors"));
	assert_false(filter_env_has_list(test_env, "nope"));
	return 0;
}

static int
test_env_teardown(void **state)
{
	filter_env_free(test_env);
	filter_env_free(NULL);
	return 0;
}

/* ---- the corpus ---- */

struct row {
	const char *cond;
	enum test_event ev;
	bool want;
};

static const struct row corpus[] = {
	/* strings: every operator */
	{ "proc.name = bash", EV_EXEC, true },
	{ "proc.name == bash", EV_EXEC, true },
	{ "proc.name=bash", EV_EXEC, true },
	{ "proc.name = sh", EV_EXEC, false },
	{ "proc.name != sh", EV_EXEC, true },
	{ "proc.name != bash", EV_EXEC, false },
	{ "proc.cmdline contains \"-c echo\"", EV_EXEC, true },
	{ "proc.cmdline contains zzz", EV_EXEC, false },
	{ "proc.exepath icontains /USR/Bin", EV_EXEC, true },
	{ "proc.exepath contains /USR/Bin", EV_EXEC, false },
	{ "proc.name bcontains 6173", EV_EXEC, true },
	{ "proc.name bcontains 7A7A", EV_EXEC, false },
	{ "evt.arg.bin bcontains ff01", EV_EXEC, true },
	{ "proc.exepath startswith /usr/", EV_EXEC, true },
	{ "proc.exepath startswith /bin/", EV_EXEC, false },
	{ "proc.name bstartswith 6261", EV_EXEC, true },
	{ "proc.name bstartswith 6173", EV_EXEC, false },
	{ "proc.exepath endswith /bash", EV_EXEC, true },
	{ "proc.exepath endswith /sh", EV_EXEC, false },
	{ "proc.exepath glob /usr/*/bash", EV_EXEC, true },
	{ "proc.exepath glob '/usr/*/b?sh'", EV_EXEC, true },
	{ "proc.exepath glob /*/bash", EV_EXEC, true },        /* fnmatch without FNM_PATHNAME */
	{ "proc.exepath glob /bin/*", EV_EXEC, false },
	{ "proc.exepath iglob /USR/*/BASH", EV_EXEC, true },
	{ "proc.exepath glob /USR/*/BASH", EV_EXEC, false },
	{ "proc.exepath regex '/usr/bin/[a-z]+'", EV_EXEC, true },
	{ "proc.exepath regex 'bin/bash'", EV_EXEC, false },   /* a full match, not a search */
	{ "proc.exepath regex '.*bin/bash'", EV_EXEC, true },
	{ "proc.name regex 'ba|zsh'", EV_EXEC, false },        /* anchoring covers alternation */
	{ "proc.name regex 'bash|zsh'", EV_EXEC, true },
	{ "proc.name regex '[[:alpha:]]{4}'", EV_EXEC, true },
	{ "proc.name regex '[]a-z]{2,5}'", EV_EXEC, true },
	{ "proc.name regex '(b|c)(a)+(s|t)h?'", EV_EXEC, true },
	{ "proc.name regex 'b\\\\(ash'", EV_EXEC, false },
	{ "proc.name regex 'b\\\\(?ash'", EV_EXEC, true },
	{ "proc.name regex '()bash'", EV_EXEC, true },
	{ "proc.name in (sh, bash)", EV_EXEC, true },
	{ "proc.name in (sh, zsh)", EV_EXEC, false },
	{ "proc.name in ()", EV_EXEC, false },
	{ "proc.name intersects (bash)", EV_EXEC, true },
	{ "proc.name intersects (sh)", EV_EXEC, false },
	{ "proc.exepath pmatch (/usr/bin)", EV_EXEC, true },
	{ "proc.exepath pmatch (/usr/bin/)", EV_EXEC, true },
	{ "proc.exepath pmatch (/usr/bin/bash)", EV_EXEC, true },
	{ "proc.exepath pmatch (/usr/bi)", EV_EXEC, false },
	{ "proc.exepath pmatch (/usr/bin/bash/x)", EV_EXEC, false },
	{ "proc.exepath pmatch (/opt, /)", EV_EXEC, true },
	{ "proc.exepath pmatch (/usr/*)", EV_EXEC, true },
	{ "proc.exepath pmatch (/*/b?n)", EV_EXEC, true },
	{ "proc.exepath pmatch (/*/sbin)", EV_EXEC, false },
	{ "proc.exepath pmatch ()", EV_EXEC, false },
	{ "proc.name exists", EV_EXEC, true },
	{ "fd.name exists", EV_EXEC, false },
	/* int64, uint64, reltime, abstime */
	{ "proc.pid = 1234", EV_EXEC, true },
	{ "proc.pid != 1234", EV_EXEC, false },
	{ "proc.pid < 2000", EV_EXEC, true },
	{ "proc.pid <= 1234", EV_EXEC, true },
	{ "proc.pid > 1234", EV_EXEC, false },
	{ "proc.pid >= 1234", EV_EXEC, true },
	{ "proc.pid > -5", EV_EXEC, true },
	{ "proc.pid = 0x4d2", EV_EXEC, true },
	{ "proc.pid in (1, 1234)", EV_EXEC, true },
	{ "proc.pid in (1, 2)", EV_EXEC, false },
	{ "proc.pid intersects (1234)", EV_EXEC, true },
	{ "evt.rawres >= 0", EV_OPEN, true },
	{ "fd.num = 3", EV_OPEN, true },
	{ "user.uid = 0", EV_EXEC, true },
	{ "user.uid in (0, 1000)", EV_EXEC, true },
	{ "user.uid < 1", EV_EXEC, true },
	{ "user.uid > 0", EV_EXEC, false },
	{ "proc.cmdnargs = 2", EV_EXEC, true },
	{ "proc.duration >= 2000000000", EV_EXEC, true },
	{ "proc.duration > 2000000000", EV_EXEC, false },
	{ "evt.rawtime > 1700000000000000000", EV_EXEC, true },
	/* booleans */
	{ "evt.is_open_read = true", EV_OPEN, true },
	{ "evt.is_open_write = false", EV_OPEN, true },
	{ "evt.is_open_write = true", EV_OPEN, false },
	{ "evt.is_open_read in (true)", EV_OPEN, true },
	{ "evt.failed != true", EV_OPEN, true },
	/* addresses, networks, ports */
	{ "fd.sip = 192.168.1.10", EV_CONNECT, true },
	{ "fd.sip = 192.168.1.11", EV_CONNECT, false },
	{ "fd.sip != 192.168.1.11", EV_CONNECT, true },
	{ "fd.sip in (10.0.0.1, 192.168.1.10)", EV_CONNECT, true },
	{ "fd.sip in (192.168.0.0/16)", EV_CONNECT, true },
	{ "fd.cip = 10.1.2.3", EV_CONNECT, true },
	{ "fd.net = 192.168.0.0/16", EV_CONNECT, true },
	{ "fd.net = 10.0.0.0/8", EV_CONNECT, true },
	{ "fd.net = 172.16.0.0/12", EV_CONNECT, false },
	{ "fd.snet in (nets)", EV_CONNECT, true },
	{ "fd.cnet = 10.0.0.0/8", EV_CONNECT, true },
	{ "fd.rnet = 10.0.0.0/8", EV_CONNECT, false },
	{ "fd.rnet = 192.168.1.0/25", EV_CONNECT, true },
	{ "fd.rnet = 192.168.1.128/25", EV_CONNECT, false },
	{ "fd.sip = 2001:db8::1", EV_CONNECT6, true },
	{ "fd.snet = 2001:db8::/32", EV_CONNECT6, true },
	{ "fd.snet = 2001:db9::/32", EV_CONNECT6, false },
	{ "fd.snet = 10.0.0.0/8", EV_CONNECT6, false },
	{ "fd.sip = 127.0.0.1", EV_MAPPED, true },
	{ "fd.sip = ::ffff:127.0.0.1", EV_MAPPED, true },
	{ "fd.snet = 127.0.0.0/8", EV_MAPPED, true },
	{ "fd.sport = 443", EV_CONNECT, true },
	{ "fd.sport in (ports)", EV_CONNECT, true },
	{ "fd.sport > 1024", EV_CONNECT, false },
	{ "fd.cport > 1024", EV_CONNECT, true },
	/* either-end fields: = holds when one end matches, != only when neither does (the
	 * inbound/outbound macros' "fd.net != 127.0.0.0/8" must reject a loopback end) */
	{ "fd.ip = 10.1.2.3", EV_CONNECT, true },
	{ "fd.ip != 10.1.2.3", EV_CONNECT, false },
	{ "fd.ip != 192.168.1.10", EV_CONNECT, false },
	{ "fd.ip != 0.0.0.0", EV_CONNECT, true },
	{ "not fd.ip != 10.1.2.3", EV_CONNECT, true },
	{ "fd.net != 10.0.0.0/8", EV_CONNECT, false },
	{ "fd.net != 172.16.0.0/12", EV_CONNECT, true },
	{ "fd.net != 127.0.0.0/8", EV_MAPPED, false },
	{ "fd.port != 443", EV_CONNECT, false },
	{ "fd.port != 40000", EV_CONNECT, false },
	{ "fd.port != 80", EV_CONNECT, true },
	{ "fd.port in (80, 443)", EV_CONNECT, true },
	{ "fd.sip != 10.1.2.3", EV_CONNECT, true },
	{ "fd.ip != 10.1.2.3", EV_EXEC, false },
	/* fields shikra can never supply: false, compiled as such */
	{ "proc.env icontains HTTP_PROXY", EV_EXEC, false },
	{ "not proc.env icontains HTTP_PROXY", EV_EXEC, true },
	{ "proc.env exists", EV_EXEC, false },
	{ "proc.env[HOME] != /root", EV_EXEC, false },
	{ "thread.cap_effective contains CAP_SYS_ADMIN or proc.name = bash", EV_EXEC, true },
	/* transformers and val() */
	{ "toupper(proc.name) = BASH", EV_EXEC, true },
	{ "tolower(toupper(proc.name)) = bash", EV_EXEC, true },
	{ "basename(proc.exepath) = bash", EV_EXEC, true },
	{ "basename(proc.cwd) = ''", EV_EXEC, true },
	{ "len(proc.name) = 4", EV_EXEC, true },
	{ "len(proc.name) > 10", EV_EXEC, false },
	{ "len(basename(proc.exepath)) in (3, 4)", EV_EXEC, true },
	{ "b64(evt.arg.data) = 'hello world'", EV_EXEC, true },
	{ "b64(proc.exepath) exists", EV_EXEC, false },
	{ "proc.name = val(proc.aname[0])", EV_EXEC, true },
	{ "proc.name = val(proc.pname)", EV_EXEC, false },
	{ "proc.name != val(proc.pname)", EV_EXEC, true },
	{ "proc.name = val(fd.name)", EV_EXEC, false },
	{ "proc.name != val(fd.name)", EV_EXEC, false },
	{ "tolower(proc.name) = tolower(proc.aname[0])", EV_EXEC, true },
	{ "proc.pid > val(proc.ppid)", EV_EXEC, true },
	{ "proc.pname in val(proc.aname)", EV_EXEC, true },
	{ "proc.name in val(proc.aname)", EV_EXEC, false },
	/* precedence and not */
	{ "not proc.name = bash or proc.name = bash", EV_EXEC, true },
	{ "proc.name = sh and proc.name = sh or proc.name = bash", EV_EXEC, true },
	{ "proc.name = bash or proc.name = sh and proc.name = sh", EV_EXEC, true },
	{ "not proc.name = sh and proc.name = bash or proc.name = zsh", EV_EXEC, true },
	{ "not (proc.name = bash)", EV_EXEC, false },
	{ "not not proc.name = bash", EV_EXEC, true },
	{ "not(proc.name = sh)", EV_EXEC, true },
	{ "proc.name = bash and not proc.pid = 1", EV_EXEC, true },
	{ "((proc.name = bash))", EV_EXEC, true },
	/* quoting and escapes */
	{ "proc.cmdline = 'bash -c echo hi'", EV_EXEC, true },
	{ "proc.cmdline = \"bash -c echo hi\"", EV_EXEC, true },
	{ "proc.cmdline contains \"echo\\x20hi\"", EV_EXEC, true },
	{ "evt.arg.q = \"He said \\\"hi\\\" \\\\o\\/\"", EV_EXEC, true },
	{ "evt.arg.q = 'He said \"hi\" \\\\o/'", EV_EXEC, true },
	{ "evt.arg.t = \"a\\tb\"", EV_EXEC, true },
	{ "evt.arg.bin startswith \"\\xFF\"", EV_EXEC, true },
	{ "evt.arg.utf = 'caf\xc3\xa9'", EV_EXEC, true },
	{ "evt.arg.utf = caf\xc3\xa9", EV_EXEC, true },
	/* missing fields: false for every operator but a negated one */
	{ "fd.name = /etc/passwd", EV_EXEC, false },
	{ "fd.name != /etc/passwd", EV_EXEC, false },
	{ "not fd.name = /etc/passwd", EV_EXEC, true },
	{ "not fd.name exists", EV_EXEC, true },
	{ "proc.name != bash", EV_NOPROC, false },
	{ "proc.name exists", EV_NOPROC, false },
	{ "proc.aname[7] = x or proc.name = bash", EV_EXEC, true },
	/* multi-valued fields match when any value does */
	{ "proc.aname = sshd", EV_EXEC, true },
	{ "proc.aname = systemd", EV_EXEC, true },
	{ "proc.aname = bash", EV_EXEC, false },
	{ "proc.aname in (foo, systemd)", EV_EXEC, true },
	{ "proc.aname[2] = systemd", EV_EXEC, true },
	{ "proc.aname[1] = systemd", EV_EXEC, false },
	{ "proc.aname != sshd", EV_EXEC, true },
	{ "proc.aname startswith sys", EV_EXEC, true },
	{ "proc.apid = 1", EV_EXEC, true },
	/* exception-shaped conditions */
	{ "not (proc.name in (a, b) and fd.name startswith /tmp)", EV_OPEN, true },
	{ "not (proc.name in (cat, b) and fd.name startswith /etc)", EV_OPEN, false },
	{ "fd.name = /etc/shadow and not (proc.name in (cat) and fd.name = /etc/shadow)",
	  EV_OPEN, false },
	/* lists and macros */
	{ "proc.name in (shell_binaries)", EV_EXEC, true },
	{ "proc.name in shell_binaries", EV_EXEC, true },
	{ "proc.name in (shell_plus)", EV_EXEC, true },
	{ "fd.name in (shell_plus)", EV_EXEC, false },
	{ "proc.name in (fish, \"shell_binaries\")", EV_EXEC, false },
	{ "proc.name in (empty_list)", EV_EXEC, false },
	{ "proc.name in (empty_list, bash)", EV_EXEC, true },
	{ "proc.name in (no_such_list, bash)", EV_EXEC, true },
	{ "proc.name = shell_binaries", EV_EXEC, false },
	{ "spawned_shell", EV_EXEC, true },
	{ "spawned_shell", EV_OPEN, false },
	{ "shell_from_sshd", EV_EXEC, true },
	{ "not spawned_shell", EV_EXEC, false },
	{ "uses_colors1", EV_EXEC, false },
	{ "uses_colors2", EV_EXEC, true },
	{ "proc.name in (colors)", EV_EXEC, true },
	{ "m_x", EV_EXEC, false },
	{ "never or spawned_shell", EV_EXEC, true },
	/* event types and direction */
	{ "evt.dir = <", EV_EXEC, true },
	{ "evt.dir = >", EV_EXEC, false },
	{ "evt.dir != >", EV_EXEC, true },
	{ "evt.dir in (<, >) and proc.name = bash", EV_EXEC, true },
	{ "evt.type = chdir", EV_CHDIR, true },
	{ "evt.type in (open, chdir)", EV_CHDIR, true },
	{ "evt.type = execve", EV_CHDIR, false },
	{ "evt.type in (open, openat, openat2) and fd.name = /tmp/x", EV_FAN_OPEN, true },
	{ "evt.type in (open, openat, openat2) and fd.name = /etc/shadow", EV_OPEN, true },
	/* A fanotify open stands for open, openat and openat2 (eval.h); an audit openat is
	 * only itself. */
	{ "evt.type = openat and fd.name = /tmp/x", EV_FAN_OPEN, true },
	{ "evt.type in (openat2, execve)", EV_FAN_OPEN, true },
	{ "evt.type intersects (openat2)", EV_FAN_OPEN, true },
	{ "evt.type = execve", EV_FAN_OPEN, false },
	{ "evt.type != openat", EV_FAN_OPEN, false },
	{ "evt.type != execve", EV_FAN_OPEN, true },
	{ "not evt.type in (open, openat, openat2)", EV_FAN_OPEN, false },
	{ "evt.type = open", EV_OPEN, false },
	{ "evt.type != open", EV_OPEN, true },
	{ "evt.type startswith openat", EV_FAN_OPEN, false },	/* names only: fanotify's own */
};

static bool
eval_row(struct filter_env *env, const char *cond, enum test_event k, char **text)
{
	struct diags d = DIAGS_INIT;
	struct arena scratch = ARENA_INIT;
	struct filter *f = NULL;
	struct event *ev;
	bool got;

	if (filter_compile(env, cond, NULL, 0, &f, &d) != 0) {
		print_error("does not compile: %s\n", cond);
		diags_print(&d, stderr);
		fail();
	}
	assert_false(diags_has_errors(&d));
	ev = test_event(k);
	got = filter_eval(f, ev, &scratch);
	if (text)
		*text = filter_to_string(f);
	arena_free(&scratch);
	event_free(ev);
	filter_free(f);
	diags_free(&d);
	return got;
}

static void
test_corpus(void **state)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof(corpus) / sizeof(corpus[0]); i++) {
		if (eval_row(test_env, corpus[i].cond, corpus[i].ev, NULL) != corpus[i].want) {
			print_error("row %zu: \"%s\" should be %s\n", i, corpus[i].cond,
			            corpus[i].want ? "true" : "false");
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* The printed form compiles, without any environment, to the same text and the same result. */
static void
test_corpus_round_trip(void **state)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof(corpus) / sizeof(corpus[0]); i++) {
		char *t1 = NULL, *t2 = NULL;
		bool r1 = eval_row(test_env, corpus[i].cond, corpus[i].ev, &t1);
		bool r2 = eval_row(NULL, t1, corpus[i].ev, &t2);

		if (r1 != r2 || strcmp(t1, t2) != 0) {
			print_error("row %zu: \"%s\" -> \"%s\" -> \"%s\"\n", i, corpus[i].cond, t1, t2);
			bad++;
		}
		free(t1);
		free(t2);
	}
	assert_int_equal(bad, 0);
}

static void
expect_text(const char *cond, const char *want)
{
	struct diags d = DIAGS_INIT;
	struct filter *f = NULL;
	char *s;

	assert_int_equal(filter_compile(test_env, cond, NULL, 0, &f, &d), 0);
	s = filter_to_string(f);
	assert_string_equal(s, want);
	free(s);
	filter_free(f);
	diags_free(&d);
}

static void
test_to_string(void **state)
{
	expect_text("proc.name=bash and (fd.name in (a,'b c', \"\") or not proc.pid>1)",
	            "proc.name = bash and (fd.name in (a, \"b c\", \"\") or not proc.pid > 1)");
	expect_text("spawned_shell and proc.name in (shell_binaries, x)",
	            "(evt.type = execve and proc.name in (bash, sh, zsh)) and "
	            "proc.name in (bash, sh, zsh, x)");
	expect_text("proc.name in (shell_plus)",
	            "proc.name in (bash, sh, zsh, fish, \"/bin/odd name\", \"x,y\")");
	expect_text("tolower(basename(proc.exepath)) = val(proc.pname)",
	            "tolower(basename(proc.exepath)) = val(proc.pname)");
	expect_text("proc.name in shell_binaries", "proc.name in (bash, sh, zsh)");
	expect_text("proc.name = 'a\"b\\\\c\\n\\x01\\xff'", "proc.name = \"a\\\"b\\\\c\\n\\x01\\xff\"");
	expect_text("not not evt.dir = <", "not not evt.dir = <");
	expect_text("proc.name exists", "proc.name exists");
}

static void
collect_field(const char *name, void *arg)
{
	struct sbuf *b = arg;

	if (b->len)
		sbuf_putc(b, ',');
	sbuf_puts(b, name);
}

/* pmatch looks up every directory prefix of the value: in one pass, not one hash per prefix
 * (a 4 KiB path of 2047 components took 4.6 ms per check that way). */
static void
test_pmatch_linear(void **state)
{
	struct diags d = DIAGS_INIT;
	struct arena scratch = ARENA_INIT;
	struct filter *f = NULL;
	struct event *ev = test_event(EV_OPEN);
	struct sbuf path = SBUF_INIT;
	struct timespec t0, t1;

	for (int i = 0; i < 2047; i++)
		sbuf_puts(&path, "/a");
	ev->file.path = event_strndup(ev, sbuf_str(&path), path.len);
	assert_int_equal(filter_compile(test_env, "fd.name pmatch (/etc, /usr/bin, /a/a/b)", NULL,
	                                0, &f, &d), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < 1000; i++) {
		assert_false(filter_eval(f, ev, &scratch));
		arena_free(&scratch);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double elapsed = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (elapsed > 1.5)
		fail_msg("1000 pmatch checks of a %zu-byte path took %.2f s", path.len, elapsed);
	filter_free(f);
	/* The same path under a listed prefix still matches, at any depth. */
	assert_int_equal(filter_compile(test_env, "fd.name pmatch (/a/a/a/a)", NULL, 0, &f, &d), 0);
	assert_true(filter_eval(f, ev, &scratch));
	filter_free(f);
	arena_free(&scratch);
	sbuf_free(&path);
	event_free(ev);
	diags_free(&d);
}

static void
test_fields_used(void **state)
{
	struct diags d = DIAGS_INIT;
	struct sbuf b = SBUF_INIT;
	struct filter *f = NULL;

	assert_int_equal(filter_compile(test_env,
		"proc.name = a and proc.aname[2] = b and evt.arg.flags contains X and proc.name = c "
		"and tolower(fd.name) = val(proc.pname) and evt.dir = < and spawned_shell",
		NULL, 0, &f, &d), 0);
	filter_fields(f, collect_field, &b);
	assert_string_equal(sbuf_str(&b),
	                    "proc.name,proc.aname,evt.arg.flags,fd.name,proc.pname,evt.dir,evt.type");
	sbuf_free(&b);
	filter_free(f);
	diags_free(&d);
}

/* evt.type tests are answered from a per-type table (eval_type_table()) only while evt.type
 * is the type's own name: the same type under another name must compare by that name. */
static void
test_type_table(void **state)
{
	static const struct { const char *cond; bool own, copy, other; } rows[] = {
		{ "evt.type = openat", true, true, false },
		{ "evt.type != openat", false, false, true },
		{ "evt.type in (open, openat, openat2)", true, true, false },
		{ "evt.type in (frobnicate, execve)", false, false, true },
		{ "not evt.type = openat", false, false, true },
	};
	struct arena scratch = ARENA_INIT;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct diags d = DIAGS_INIT;
		struct filter *f = NULL;
		struct event *ev = test_event(EV_OPEN);

		assert_int_equal(filter_compile(test_env, rows[i].cond, NULL, 0, &f, &d), 0);
		assert_int_equal(filter_eval(f, ev, &scratch), rows[i].own);
		ev->name = event_strdup(ev, "openat");      /* same text, not the table's string */
		assert_int_equal(filter_eval(f, ev, &scratch), rows[i].copy);
		ev->name = event_strdup(ev, "frobnicate");
		assert_int_equal(filter_eval(f, ev, &scratch), rows[i].other);
		event_free(ev);
		filter_free(f);
		diags_free(&d);
	}
	arena_free(&scratch);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corpus),
		cmocka_unit_test(test_corpus_round_trip),
		cmocka_unit_test(test_to_string),
		cmocka_unit_test(test_pmatch_linear),
		cmocka_unit_test(test_fields_used),
		cmocka_unit_test(test_type_table),
		TEST_FILTER_MORE_TESTS
	};

	return cmocka_run_group_tests(tests, test_env_setup, test_env_teardown);
}
