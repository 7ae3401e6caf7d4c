/* test_fields.c - unit tests for rules/fields extraction: every field's value or absence on
 * events of every class (lookup and formatting are in test_fields_lookup.c). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
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

#include "core/sbuf.h"
#include "rules/fields.h"
#include "rules/fields_int.h"

#define TS 1700000000123456789ull   /* 2023-11-14T22:13:20.123456789Z */

/* One expectation: FIELD as a rule writes it, and its values formatted and joined with ","
 * (NULL = not available). */
struct expect {
	const char *field;
	const char *text;
};

static bool covered[512];

/* ---- building events ---- */

static struct proc *
mkproc(int64_t pid, const char *comm, const char *exe, const char *const *argv, uint32_t argc)
{
	struct proc *p = proc_new(pid);

	p->comm = proc_strdup(p, comm);
	p->exe = proc_strdup(p, exe);
	if (argv)
		proc_set_argv(p, argv, argc);
	return p;
}

static void
set_ids(struct proc *p, int64_t euid, int64_t egid, int64_t auid)
{
	p->uid = p->euid = euid;
	p->gid = p->egid = egid;
	p->auid = auid;
}

static struct event *
mkevent(enum event_type t, enum event_source src, struct proc *p)
{
	struct event *ev = event_new(t, src);

	ev->ts_ns = TS;
	ev->serial = 42;
	ev->proc = p;
	if (p)
		ev->pid = ev->tid = p->pid;
	return ev;
}

static void
set_addr(struct event_addr *a, int family, const char *ip, uint16_t port)
{
	a->family = (uint16_t)family;
	a->port = port;
	assert_int_equal(inet_pton(family, ip, a->ip), 1);
}

/* ---- checking ---- */

static void
format_values(const struct fvalue *v, uint32_t n, struct sbuf *b)
{
	for (uint32_t i = 0; i < n; i++) {
		if (i)
			sbuf_putc(b, ',');
		fvalue_format(&v[i], b);
	}
}

static void
mark_covered(const struct field_def *d)
{
	size_t n;
	const struct field_def *t = fields_table(&n);

	covered[d - t] = true;
}

static void
check(const struct event *ev, const struct expect *ex, size_t n)
{
	struct arena scratch = ARENA_INIT;
	struct fvalue v[FIELD_MAX_VALUES];
	struct field_ref ref;
	const char *why = NULL;
	bool bad = false;

	for (size_t i = 0; i < n; i++) {
		struct sbuf got = SBUF_INIT;
		uint32_t cnt;

		if (field_lookup(ex[i].field, strlen(ex[i].field), &ref, &why) != 0) {
			print_error("%s: lookup failed: %s\n", ex[i].field, why);
			bad = true;
			continue;
		}
		mark_covered(ref.def);
		cnt = field_extract(&ref, ev, &scratch, v, FIELD_MAX_VALUES);
		for (uint32_t j = 0; j < cnt; j++) {
			enum field_type want = ref.def->type == FT_IPNET ? FT_IPADDR : ref.def->type;
			if (v[j].type != want) {
				print_error("%s: value %u has type %s\n", ex[i].field, j,
				            field_type_name(v[j].type));
				bad = true;
			}
		}
		format_values(v, cnt, &got);
		if (ex[i].text == NULL && cnt != 0) {
			print_error("%s: expected <NA>, got \"%s\"\n", ex[i].field, sbuf_str(&got));
			bad = true;
		} else if (ex[i].text && (cnt == 0 || strcmp(ex[i].text, sbuf_str(&got)) != 0)) {
			print_error("%s: expected \"%s\", got %s\"%s\"\n", ex[i].field, ex[i].text,
			            cnt ? "" : "<NA> ", sbuf_str(&got));
			bad = true;
		}
		sbuf_free(&got);
		field_ref_clear(&ref);
	}
	arena_free(&scratch);
	if (bad)
		fail();
}

#define CHECK(ev, table) check(ev, table, sizeof(table) / sizeof(table[0]))

/* ---- an exec with argv and a parent chain ---- */

static struct event *
exec_event(void)
{
	static const char *const argv[] = { "bash", "-c", "echo hi" };
	static const char *const pargv[] = { "sshd: root@pts/1" };
	static const char *const gargv[] = { "/sbin/init", "splash" };
	struct proc *g = mkproc(1, "systemd", "/usr/lib/systemd/systemd", gargv, 2);
	struct proc *pp = mkproc(1000, "sshd", "/usr/sbin/sshd", pargv, 1);
	struct proc *p = mkproc(1234, "bash", "/usr/bin/bash", argv, 3);
	struct event *ev;

	pp->parent = g;
	pp->ppid = 1;
	p->parent = pp;
	p->ppid = 1000;
	p->cwd = proc_strdup(p, "/root");
	p->tty = proc_strdup(p, "pts1");
	p->has_tty = 1;
	p->start_ns = TS - 2000000000ull;
	p->exe_ino = 777;
	set_ids(p, 0, 0, 0);
	ev = mkevent(EVT_execve, EVS_AUDIT, p);
	ev->res = 0;
	ev->success = 1;
	ev->key = event_strdup(ev, "exec_key");
	assert_int_equal(event_set_arg(ev, "filename", "/usr/bin/bash", EVENT_NUM_UNSET), 0);
	return ev;
}

static const struct expect exec_expect[] = {
	{ "evt.num", "42" },
	{ "evt.time", "22:13:20.123456789" },
	{ "evt.time.s", "22:13:20" },
	{ "evt.time.iso8601", "2023-11-14T22:13:20.123456789Z" },
	{ "evt.datetime", "2023-11-14 22:13:20.123456789" },
	{ "evt.datetime.s", "2023-11-14 22:13:20" },
	{ "evt.rawtime", "1700000000123456789" },
	{ "evt.rawtime.s", "1700000000" },
	{ "evt.rawtime.ns", "123456789" },
	{ "evt.source", "syscall" },
	{ "evt.type", "execve" },
	{ "syscall.type", "execve" },
	{ "evt.dir", "<" },
	{ "evt.category", "process" },
	{ "evt.res", "SUCCESS" },
	{ "evt.rawres", "0" },
	{ "evt.failed", "false" },
	{ "evt.args", "filename=/usr/bin/bash" },
	{ "evt.arg.filename", "/usr/bin/bash" },
	{ "evt.arg[filename]", "/usr/bin/bash" },
	{ "evt.arg[0]", "/usr/bin/bash" },
	{ "evt.arg[1]", NULL },
	{ "evt.arg.flags", NULL },
	{ "evt.rawarg.filename", NULL },
	{ "evt.is_open_read", "false" },
	{ "evt.is_open_write", "false" },
	{ "evt.is_open_exec", "false" },
	{ "evt.is_open_create", "false" },
	{ "evt.buffer", NULL },
	{ "proc.name", "bash" },
	{ "proc.exe", "bash" },
	{ "proc.exepath", "/usr/bin/bash" },
	{ "proc.args", "-c echo hi" },
	{ "proc.cmdline", "bash -c echo hi" },
	{ "proc.exeline", "bash -c echo hi" },
	{ "proc.cmdnargs", "2" },
	{ "proc.pid", "1234" },
	{ "proc.vpid", NULL },
	{ "proc.ppid", "1000" },
	{ "proc.pname", "sshd" },
	{ "proc.pexe", "sshd: root@pts/1" },
	{ "proc.pexepath", "/usr/sbin/sshd" },
	{ "proc.pcmdline", "sshd" },
	{ "proc.aname", "sshd,systemd" },
	{ "proc.aname[0]", "bash" },
	{ "proc.aname[1]", "sshd" },
	{ "proc.aname[2]", "systemd" },
	{ "proc.aname[3]", NULL },
	{ "proc.apid", "1000,1" },
	{ "proc.apid[2]", "1" },
	{ "proc.aexe", "sshd: root@pts/1,/sbin/init" },
	{ "proc.aexe[2]", "/sbin/init" },
	{ "proc.aexepath", "/usr/sbin/sshd,/usr/lib/systemd/systemd" },
	{ "proc.aexepath[0]", "/usr/bin/bash" },
	{ "proc.acmdline", "sshd,systemd splash" },
	{ "proc.acmdline[2]", "systemd splash" },
	{ "proc.cwd", "/root/" },
	{ "proc.env", NULL },
	{ "proc.env[HOME]", NULL },
	{ "proc.tty", "34817" },
	{ "proc.sid", NULL },
	{ "proc.sname", NULL },
	{ "proc.duration", "2000000000" },
	{ "proc.is_exe_upper_layer", NULL },
	{ "proc.is_exe_from_memfd", "false" },
	{ "proc.exe_ino", "777" },
	{ "proc.exe_ino.ctime", NULL },
	{ "proc.exe_ino.mtime", NULL },
	{ "proc.exe_ino.ctime_duration_proc_start", NULL },
	{ "thread.tid", "1234" },
	{ "thread.cap_effective", NULL },
	{ "thread.cap_permitted", NULL },
	{ "thread.cap_inheritable", NULL },
	{ "user.uid", "0" },
	{ "user.name", "root" },
	{ "user.loginuid", "0" },
	{ "user.loginname", "root" },
	{ "group.gid", "0" },
	{ "group.name", "root" },
	{ "fd.num", NULL },
	{ "fd.type", NULL },
	{ "fd.typechar", NULL },
	{ "fd.name", NULL },
	{ "fd.nameraw", NULL },
	{ "fd.directory", NULL },
	{ "fd.filename", NULL },
	{ "fd.ino", NULL },
	{ "fd.ip", NULL },
	{ "fd.sport", NULL },
	{ "container.id", "host" },
	{ "container.full_id", "host" },
	{ "container.name", "host" },
	{ "container.type", "host" },
	{ "container.image", NULL },
	{ "container.image.id", NULL },
	{ "container.image.repository", NULL },
	{ "container.image.tag", NULL },
	{ "container.image.digest", NULL },
	{ "container.privileged", NULL },
	{ "container.start_ts", NULL },
	{ "container.mounts", NULL },
	{ "container.mount[0]", NULL },
	{ "container.mount.source[/lib/modules]", NULL },
	{ "container.mount.dest[/proc*]", NULL },
	{ "container.label[io.kubernetes.pod.name]", NULL },
	{ "container.label.app", NULL },
	{ "k8s.ns.name", NULL },
	{ "k8s.pod.name", NULL },
	{ "k8s.pod.uid", NULL },
	{ "k8s.pod.id", NULL },
	{ "k8s.pod.label[app]", NULL },
	{ "audit.key", "exec_key" },
};

static void
test_exec_with_parent_chain(void **state)
{
	struct event *ev = exec_event();

	CHECK(ev, exec_expect);
	event_free(ev);
}

/* ---- openat with flags, succeeding and failing ---- */

static struct event *
open_event(int64_t flags, const char *flagstr, int64_t res)
{
	static const char *const argv[] = { "sh", "-c", "x" };
	struct proc *p = mkproc(77, "sh", "/bin/sh", argv, 3);
	struct event *ev;

	set_ids(p, 4999999, 4999999, 4294967295);
	p->has_tty = 0;
	ev = mkevent(EVT_openat, EVS_AUDIT, p);
	ev->res = res;
	ev->success = res >= 0;
	ev->file.path = event_strdup(ev, "/etc/cron.d/evil");
	ev->file.raw = event_strdup(ev, "../etc//cron.d///evil");
	ev->file.inode = 99;
	assert_int_equal(event_set_arg(ev, "flags", flagstr, flags), 0);
	assert_int_equal(event_set_arg(ev, "mode", NULL, 0755), 0);
	return ev;
}

static const struct expect open_write_expect[] = {
	{ "evt.category", "file" },
	{ "evt.res", "SUCCESS" },
	{ "evt.args", "flags=577(O_WRONLY|O_CREAT|O_TRUNC) mode=493" },
	{ "evt.arg.flags", "O_WRONLY|O_CREAT|O_TRUNC" },
	{ "evt.arg[1]", "493" },
	{ "evt.rawarg.flags", "577" },
	{ "evt.rawarg.mode", "493" },
	{ "evt.is_open_read", "false" },
	{ "evt.is_open_write", "true" },
	{ "evt.is_open_exec", "true" },
	{ "evt.is_open_create", "true" },
	{ "fd.num", "3" },
	{ "fd.type", "file" },
	{ "fd.typechar", "f" },
	{ "fd.name", "/etc/cron.d/evil" },
	{ "fd.nameraw", "../etc/cron.d/evil" },
	{ "fd.directory", "/etc/cron.d" },
	{ "fd.filename", "evil" },
	{ "fd.ino", "99" },
	{ "fd.sockfamily", NULL },
	{ "fd.l4proto", NULL },
	{ "fd.ip", NULL },
	{ "fd.cip", NULL },
	{ "fd.port", NULL },
	{ "fd.net", NULL },
	{ "fd.connected", NULL },
	{ "proc.pname", NULL },
	{ "proc.pexe", NULL },
	{ "proc.pexepath", NULL },
	{ "proc.pcmdline", NULL },
	{ "proc.ppid", NULL },
	{ "proc.aname", NULL },
	{ "proc.aname[0]", "sh" },
	{ "proc.tty", "0" },
	{ "proc.cwd", NULL },
	{ "proc.duration", NULL },
	{ "proc.exe_ino", NULL },
	{ "user.uid", "4999999" },
	{ "user.name", NULL },
	{ "user.loginuid", "-1" },
	{ "user.loginname", NULL },
	{ "group.name", NULL },
	{ "audit.key", NULL },
};

static const struct expect open_failed_expect[] = {
	{ "evt.res", "ENOENT" },
	{ "evt.rawres", "-2" },
	{ "evt.failed", "true" },
	{ "evt.is_open_read", "true" },
	{ "evt.is_open_write", "false" },
	{ "evt.is_open_exec", "false" },
	{ "evt.is_open_create", "false" },
	{ "fd.num", "-1" },
	{ "fd.name", "/etc/cron.d/evil" },
};

static void
test_openat_flags(void **state)
{
	struct event *ev = open_event(O_WRONLY | O_CREAT | O_TRUNC, "O_WRONLY|O_CREAT|O_TRUNC", 3);

	CHECK(ev, open_write_expect);
	event_free(ev);
	ev = open_event(O_RDONLY, "O_RDONLY", -ENOENT);
	CHECK(ev, open_failed_expect);
	event_free(ev);
}

static void
test_open_edge_cases(void **state)
{
	static const struct expect creat_no_mode[] = {
		{ "evt.is_open_create", "true" },
		{ "evt.is_open_exec", NULL },       /* creates, but the mode is unknown */
		{ "evt.is_open_read", "false" },    /* Falco: creat is not an open */
		{ "evt.res", "-9999" },             /* an errno with no name keeps its number */
		{ "fd.num", "-1" },
	};
	static const struct expect no_flags[] = {
		{ "evt.is_open_read", NULL },
		{ "evt.is_open_write", NULL },
		{ "evt.is_open_create", NULL },
		{ "fd.type", "directory" },
		{ "fd.typechar", "d" },
		{ "fd.directory", "/" },
		{ "fd.filename", NULL },
		{ "fd.name", "/" },
	};
	struct event *ev = mkevent(EVT_creat, EVS_AUDIT, NULL);

	ev->res = -9999;
	CHECK(ev, creat_no_mode);
	event_free(ev);
	ev = mkevent(EVT_open, EVS_AUDIT, NULL);
	ev->file.path = event_strdup(ev, "/");
	ev->file.mode = 040755;
	CHECK(ev, no_flags);
	event_free(ev);
}

/* ---- sockets ---- */

static struct event *
net_event(enum event_type t, int family)
{
	struct proc *p = mkproc(300, "curl", "/usr/bin/curl", NULL, 0);
	struct event *ev = mkevent(t, EVS_AUDIT, p);

	ev->net.domain = family;
	return ev;
}

static const struct expect connect4_expect[] = {
	{ "evt.category", "net" },
	{ "fd.num", "5" },
	{ "fd.type", "ipv4" },
	{ "fd.typechar", "4" },
	{ "fd.sockfamily", "ip" },
	{ "fd.l4proto", "tcp" },
	{ "fd.name", "10.0.0.5:51000->93.184.216.34:443" },
	{ "fd.cip", "10.0.0.5" },
	{ "fd.sip", "93.184.216.34" },
	{ "fd.lip", "10.0.0.5" },
	{ "fd.rip", "93.184.216.34" },
	{ "fd.cport", "51000" },
	{ "fd.sport", "443" },
	{ "fd.lport", "51000" },
	{ "fd.rport", "443" },
	{ "fd.ip", "10.0.0.5,93.184.216.34" },
	{ "fd.port", "51000,443" },
	{ "fd.net", "10.0.0.5,93.184.216.34" },
	{ "fd.cnet", "10.0.0.5" },
	{ "fd.snet", "93.184.216.34" },
	{ "fd.lnet", "10.0.0.5" },
	{ "fd.rnet", "93.184.216.34" },
	{ "fd.cip.name", NULL },
	{ "fd.sip.name", NULL },
	{ "fd.lip.name", NULL },
	{ "fd.rip.name", NULL },
	{ "fd.connected", "true" },
	{ "fd.name_changed", NULL },
	{ "fd.directory", NULL },
	{ "fd.filename", NULL },
	{ "fd.nameraw", NULL },
	{ "fd.ino", NULL },
	{ "proc.exe", NULL },
	{ "proc.args", NULL },
	{ "proc.cmdline", NULL },
	{ "proc.cmdnargs", NULL },
	{ "proc.exeline", NULL },
	{ "proc.aexe[0]", NULL },
};

static const struct expect connect6_expect[] = {
	{ "evt.res", "EINPROGRESS" },
	{ "fd.num", NULL },
	{ "fd.type", "ipv6" },
	{ "fd.typechar", "6" },
	{ "fd.l4proto", NULL },             /* audit's connect does not say tcp or udp */
	{ "fd.name", "->2001:db8::1:8443" },
	{ "fd.cip", NULL },
	{ "fd.sip", "2001:db8::1" },
	{ "fd.lip", NULL },
	{ "fd.rip", "2001:db8::1" },
	{ "fd.cport", NULL },
	{ "fd.sport", "8443" },
	{ "fd.ip", "2001:db8::1" },
	{ "fd.port", "8443" },
	{ "fd.connected", "false" },
};

static const struct expect mapped_expect[] = {
	{ "fd.typechar", "4" },
	{ "fd.sip", "127.0.0.1" },
	{ "fd.name", "->127.0.0.1:80" },
	{ "fd.l4proto", "udp" },
};

static void
test_connect(void **state)
{
	struct event *ev = net_event(EVT_connect, AF_INET);

	ev->res = 0;
	ev->net.fd = 5;
	ev->net.type = SOCK_STREAM;
	ev->net.protocol = 0;
	set_addr(&ev->net.local, AF_INET, "10.0.0.5", 51000);
	set_addr(&ev->net.remote, AF_INET, "93.184.216.34", 443);
	CHECK(ev, connect4_expect);
	event_free(ev);

	ev = net_event(EVT_connect, AF_INET6);
	ev->res = -EINPROGRESS;
	set_addr(&ev->net.remote, AF_INET6, "2001:db8::1", 8443);
	CHECK(ev, connect6_expect);
	event_free(ev);

	ev = net_event(EVT_connect, AF_INET6);
	ev->net.type = SOCK_DGRAM;
	set_addr(&ev->net.remote, AF_INET6, "::ffff:127.0.0.1", 80);
	CHECK(ev, mapped_expect);
	event_free(ev);
}

static void
test_accept_and_listen(void **state)
{
	static const struct expect accept_expect[] = {
		{ "fd.num", "7" },
		{ "fd.name", "198.51.100.7:40000->10.0.0.5:22" },
		{ "fd.cip", "198.51.100.7" },
		{ "fd.sip", "10.0.0.5" },
		{ "fd.cport", "40000" },
		{ "fd.sport", "22" },
		{ "fd.lip", "10.0.0.5" },
		{ "fd.rip", "198.51.100.7" },
		{ "fd.lport", "22" },
		{ "fd.rport", "40000" },
		{ "fd.ip", "198.51.100.7,10.0.0.5" },
		{ "fd.l4proto", "tcp" },
		{ "fd.connected", "true" },
	};
	static const struct expect listen_expect[] = {
		{ "fd.name", "0.0.0.0:8080" },
		{ "fd.sip", "0.0.0.0" },
		{ "fd.sport", "8080" },
		{ "fd.cip", NULL },
		{ "fd.cport", NULL },
		{ "fd.rip", NULL },
		{ "fd.ip", "0.0.0.0" },
		{ "fd.connected", NULL },
	};
	struct event *ev = net_event(EVT_accept4, AF_INET);

	ev->res = 7;
	ev->net.type = SOCK_STREAM;
	ev->net.protocol = IPPROTO_TCP;
	set_addr(&ev->net.local, AF_INET, "10.0.0.5", 22);
	set_addr(&ev->net.remote, AF_INET, "198.51.100.7", 40000);
	CHECK(ev, accept_expect);
	event_free(ev);

	ev = net_event(EVT_bind, AF_INET);
	set_addr(&ev->net.local, AF_INET, "0.0.0.0", 8080);
	set_addr(&ev->net.remote, AF_INET, "192.0.2.1", 1);   /* ignored for a listening socket */
	CHECK(ev, listen_expect);
	event_free(ev);
}

static void
test_unix_udp_and_dup(void **state)
{
	static const struct expect unix_expect[] = {
		{ "fd.type", "unix" },
		{ "fd.typechar", "u" },
		{ "fd.sockfamily", "unix" },
		{ "fd.name", "/run/docker.sock" },
		{ "fd.l4proto", NULL },
		{ "fd.ip", NULL },
		{ "fd.sip", NULL },
		{ "fd.sport", NULL },
	};
	static const struct expect udp_expect[] = {
		{ "fd.l4proto", "udp" },
		{ "fd.connected", "false" },
		{ "fd.name_changed", "true" },
		{ "fd.sip", "8.8.8.8" },
		{ "fd.sport", "53" },
	};
	static const struct expect dup_expect[] = {
		{ "evt.rawres", "1" },
		{ "evt.category", "other" },
		{ "fd.num", "1" },
		{ "fd.type", "ipv4" },
		{ "fd.name", "10.1.1.1:4444->10.2.2.2:5555" },
		{ "fd.lip", "10.1.1.1" },
		{ "fd.rport", "5555" },
		{ "fd.cip", NULL },                 /* who is client is not known for a dup */
		{ "fd.sip", NULL },
		{ "fd.ip", "10.1.1.1,10.2.2.2" },
	};
	struct event *ev = net_event(EVT_connect, AF_UNIX);

	ev->net.remote.family = AF_UNIX;
	ev->net.remote.path = event_strdup(ev, "/run/docker.sock");
	CHECK(ev, unix_expect);
	event_free(ev);

	ev = net_event(EVT_sendto, AF_INET);
	ev->net.type = SOCK_DGRAM;
	set_addr(&ev->net.remote, AF_INET, "8.8.8.8", 53);
	CHECK(ev, udp_expect);
	event_free(ev);

	ev = mkevent(EVT_dup2, EVS_AUDIT, mkproc(9, "sh", NULL, NULL, 0));
	ev->res = 1;
	set_addr(&ev->net.local, AF_INET, "10.1.1.1", 4444);
	set_addr(&ev->net.remote, AF_INET, "10.2.2.2", 5555);
	CHECK(ev, dup_expect);
	event_free(ev);
}

/* ---- fanotify ---- */

static void
test_fanotify(void **state)
{
	static const struct expect open_expect[] = {
		{ "evt.source", "syscall" },
		{ "evt.type", "open" },
		{ "syscall.type", NULL },
		{ "evt.dir", "<" },
		{ "evt.args", "" },
		{ "evt.is_open_read", NULL },       /* a bare FAN_OPEN does not say how */
		{ "evt.is_open_write", NULL },
		{ "fd.num", NULL },
		{ "fd.typechar", "f" },
		{ "fd.name", "/etc/shadow" },
		{ "fd.directory", "/etc" },
		{ "fd.filename", "shadow" },
		{ "fd.nameraw", NULL },
		{ "proc.name", "cat" },
		{ "proc.exe", NULL },
		{ "proc.exepath", NULL },
		{ "proc.is_exe_from_memfd", NULL },
		{ "user.uid", NULL },
	};
	static const struct expect access_expect[] = {
		{ "evt.is_open_read", "true" },
		{ "evt.is_open_write", "false" },
	};
	static const struct expect modify_expect[] = {
		{ "evt.is_open_read", "false" },
		{ "evt.is_open_write", "true" },
	};
	static const struct expect flags_expect[] = {
		{ "evt.is_open_read", "true" },
		{ "evt.is_open_write", "true" },
	};
	struct event *ev = mkevent(EVT_open, EVS_FANOTIFY, mkproc(55, "cat", NULL, NULL, 0));

	ev->file.path = event_strdup(ev, "/etc/shadow");
	CHECK(ev, open_expect);
	ev->type = EVT_access;
	CHECK(ev, access_expect);
	ev->type = EVT_close_write;
	CHECK(ev, modify_expect);
	ev->type = EVT_open;
	assert_int_equal(event_set_arg(ev, "flags", "O_RDWR", O_RDWR), 0);
	CHECK(ev, flags_expect);
	event_free(ev);
}

/* ---- records and internal events ---- */

static void
test_user_login_record(void **state)
{
	static const struct expect login_expect[] = {
		{ "evt.type", "USER_LOGIN" },
		{ "syscall.type", NULL },
		{ "evt.category", NULL },
		{ "evt.source", "syscall" },
		{ "evt.res", NULL },
		{ "evt.failed", NULL },
		{ "evt.args", "op=login acct=root exe=/usr/sbin/sshd res=success" },
		{ "evt.arg.acct", "root" },
		{ "evt.arg[0]", NULL },
		{ "evt.rawarg.acct", NULL },
		{ "evt.is_open_read", "false" },
		{ "proc.pid", "900" },
		{ "proc.name", NULL },
		{ "proc.tty", NULL },
		{ "user.uid", NULL },
		{ "user.loginuid", "-1" },
		{ "user.loginname", NULL },
		{ "fd.name", NULL },
		{ "fd.num", NULL },
		{ "container.id", "host" },
		{ "audit.key", NULL },
	};
	struct proc *p = proc_new(900);
	struct event *ev;

	p->uid = 0;
	p->auid = 4294967295;
	ev = mkevent(EVT_USER_LOGIN, EVS_AUDIT, p);
	event_add_kv(ev, "op", "login");
	event_add_kv(ev, "acct", "root");
	event_add_kv(ev, "exe", "/usr/sbin/sshd");
	event_add_kv(ev, "res", "success");
	CHECK(ev, login_expect);
	event_free(ev);
}

static void
test_internal_event(void **state)
{
	static const struct expect internal_expect[] = {
		{ "evt.source", "internal" },
		{ "evt.type", "internal" },
		{ "evt.category", "internal" },
		{ "evt.num", NULL },
		{ "evt.time", NULL },
		{ "evt.rawtime", NULL },
		{ "evt.rawtime.s", NULL },
		{ "proc.pid", NULL },
		{ "thread.tid", NULL },
		{ "container.id", NULL },
		{ "container.name", NULL },
	};
	struct event *ev = event_new(EVT_internal, EVS_INTERNAL);

	CHECK(ev, internal_expect);
	event_free(ev);
}

/* ---- process details ---- */

static void
check_tty(const char *name, int has, const char *want)
{
	struct proc *p = proc_new(1);
	struct event *ev;
	struct expect e = { "proc.tty", want };

	p->tty = proc_strdup(p, name);
	p->has_tty = has;
	ev = mkevent(EVT_execve, EVS_AUDIT, p);
	check(ev, &e, 1);
	event_free(ev);
}

static void
test_tty_numbers(void **state)
{
	check_tty("pts0", 1, "34816");
	check_tty("pts/300", 1, "1083436");
	check_tty("tty1", 1, "1025");
	check_tty("ttyS0", 1, "1088");
	check_tty("ttyUSB0", 1, NULL);
	check_tty("pts", 1, NULL);
	check_tty("pts99999999", 1, NULL);
	check_tty(NULL, 1, NULL);
	check_tty(NULL, 0, "0");
	check_tty("pts0", -1, NULL);
}

static void
test_memfd_cwd_and_deep_chain(void **state)
{
	static const struct expect memfd_expect[] = {
		{ "proc.is_exe_from_memfd", "true" },
		{ "proc.cwd", "/dev/shm/" },
		{ "proc.args", "" },
		{ "proc.cmdline", "x" },
		{ "proc.cmdnargs", "0" },
		{ "proc.ppid", "41" },          /* from the parent snapshot */
	};
	static const char *const argv[] = { "x" };
	struct proc *p = mkproc(42, "x", "/memfd:payload (deleted)", argv, 1);
	struct arena scratch = ARENA_INIT;
	struct fvalue v[FIELD_MAX_VALUES];
	struct field_ref ref;
	const char *why;
	struct event *ev;

	p->cwd = proc_strdup(p, "/dev/shm/");
	ev = mkevent(EVT_execve, EVS_AUDIT, p);
	for (int i = 0; i < 100; i++) {
		struct proc *a = mkproc(41 - i, "anc", NULL, NULL, 0);
		p->parent = a;
		p = a;
	}
	CHECK(ev, memfd_expect);
	/* Without an index, values stop at the caller's bound and at the depth bound. */
	assert_int_equal(field_lookup("proc.apid", 9, &ref, &why), 0);
	assert_int_equal(field_extract(&ref, ev, &scratch, v, FIELD_MAX_VALUES), FIELD_MAX_VALUES);
	assert_int_equal(v[31].i, 41 - 31);
	assert_int_equal(field_extract(&ref, ev, &scratch, v, 1), 1);
	assert_int_equal(field_extract(&ref, ev, &scratch, v, 0), 0);
	assert_int_equal(field_extract(NULL, ev, &scratch, v, 1), 0);
	field_ref_clear(&ref);
	assert_int_equal(field_lookup("proc.aname[99]", 14, &ref, &why), 0);
	assert_int_equal(field_extract(&ref, ev, &scratch, v, 1), 0);   /* beyond the bound */
	field_ref_clear(&ref);
	arena_free(&scratch);
	event_free(ev);
}

static void
test_user_cache_repeats(void **state)
{
	static const struct expect e[] = {
		{ "user.name", "root" },
		{ "group.name", "root" },
	};
	static const struct expect none[] = {
		{ "user.name", NULL },
		{ "group.name", NULL },
	};
	struct proc *p = proc_new(5);
	struct event *ev;

	set_ids(p, 0, 0, 0);
	ev = mkevent(EVT_execve, EVS_AUDIT, p);
	for (int i = 0; i < 3; i++)
		CHECK(ev, e);                     /* the second and third come from the cache */
	p->euid = p->egid = 3999999;
	for (int i = 0; i < 2; i++)
		CHECK(ev, none);                  /* a miss is cached as a miss */
	p->euid = p->egid = 4294967295;
	CHECK(ev, none);
	event_free(ev);
}

/* Runs last: every field in the table must have been checked by some test above. */
/* Capability sets print as Falco prints them: names in bit order, one space apart. */
static void
test_capabilities(void **state)
{
	char buf[FIELDS_CAPS_MAX];
	struct proc *p = proc_new(7);
	struct event *ev;
	static const struct expect both[] = {
		{ "thread.cap_effective", "CAP_SYS_MODULE CAP_SYS_ADMIN" },
		{ "thread.cap_permitted", "" },         /* known and empty: a value */
	};
	static const struct expect eff_only[] = {
		{ "thread.cap_effective", "CAP_CHOWN CAP_63" },
		{ "thread.cap_permitted", NULL },
	};

	(void)state;
	assert_int_equal(fields_caps_format(0, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	fields_caps_format(UINT64_C(0x1ffffffffff), buf, sizeof(buf));
	assert_true(strncmp(buf, "CAP_CHOWN CAP_DAC_OVERRIDE CAP_DAC_READ_SEARCH ", 47) == 0);
	assert_non_null(strstr(buf, " CAP_SYS_PTRACE CAP_SYS_PACCT CAP_SYS_ADMIN CAP_SYS_BOOT "));
	assert_true(strlen(buf) > 22 &&
	            strcmp(buf + strlen(buf) - 23, " CAP_CHECKPOINT_RESTORE") == 0);
	/* Every bit, unnamed ones by number, fits the documented maximum. */
	assert_true(fields_caps_format(UINT64_MAX, buf, sizeof(buf)) < sizeof(buf) - 1);
	assert_non_null(strstr(buf, "CAP_CHECKPOINT_RESTORE CAP_41 CAP_42 "));
	assert_true(strcmp(buf + strlen(buf) - 7, " CAP_63") == 0);
	/* A short buffer keeps whole names only. */
	assert_int_equal(fields_caps_format(3, buf, 20), 9);
	assert_string_equal(buf, "CAP_CHOWN");
	assert_int_equal(fields_caps_format(3, buf, 0), 0);
	/* Unknown sets are not available, never "". */
	ev = mkevent(EVT_init_module, EVS_AUDIT, p);
	check(ev, &(struct expect){ "thread.cap_effective", NULL }, 1);
	p->cap_effective = (UINT64_C(1) << 16) | (UINT64_C(1) << 21);
	p->cap_permitted = 0;
	p->caps_known = PROC_CAP_EFFECTIVE | PROC_CAP_PERMITTED;
	check(ev, both, 2);
	p->cap_effective = 1 | (UINT64_C(1) << 63);
	p->cap_permitted = UINT64_MAX;
	p->caps_known = PROC_CAP_EFFECTIVE;
	check(ev, eff_only, 2);
	event_free(ev);
}

/* ---- containers ---- */

static struct container *
mkcontainer(void)
{
	struct container *c = container_new(CTR_CRIO, "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00"
	                                               "c0ffee00c0ffee00c0ffee00");
	static struct container_mount m[2] = {
		{ .source = "/proc", .dest = "/host/proc", .mode = "ro,rbind", .rw = 0,
		  .propagation = "rprivate" },
		{ .source = "/srv/data", .dest = "/data", .mode = NULL, .rw = 1 },
	};
	static struct container_kv l[] = { { .key = "tier", .value = "db" } };
	static struct container_kv pl[] = { { .key = "app", .value = "shop" } };

	c->name = container_strdup(c, "app");
	c->image = container_strdup(c, "quay.io/ex/db:2.1");
	c->image_repo = container_strdup(c, "quay.io/ex/db");
	c->image_tag = container_strdup(c, "2.1");
	c->image_id = container_strdup(c, "abc123");
	c->pod_name = container_strdup(c, "db-0");
	c->pod_ns = container_strdup(c, "data");
	c->pod_uid = container_strdup(c, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
	c->privileged = 1;
	c->start_ns = 1700000000000000000ull;
	c->mounts = m;              /* static: the container's arena does not free them */
	c->nmounts = 2;
	c->labels = l;
	c->nlabels = 1;
	c->pod_labels = pl;
	c->npod_labels = 1;
	return c;
}

static void
test_container(void **state)
{
	static const struct expect ctr_expect[] = {
		{ "container.id", "c0ffee00c0ff" },
		{ "container.full_id",
		  "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00" },
		{ "container.name", "app" },
		{ "container.type", "cri-o" },
		{ "container.image", "quay.io/ex/db:2.1" },
		{ "container.image.id", "abc123" },
		{ "container.image.repository", "quay.io/ex/db" },
		{ "container.image.tag", "2.1" },
		{ "container.image.digest", NULL },
		{ "container.privileged", "true" },
		{ "container.start_ts", "1700000000000000000" },
		{ "container.mounts", "/proc:/host/proc:ro,rbind:false:rprivate /srv/data:/data::true:" },
		{ "container.mount[1]", "/srv/data:/data::true:" },
		{ "container.mount[/proc]", "/proc:/host/proc:ro,rbind:false:rprivate" },
		{ "container.mount[/etc]", "none" },
		{ "container.mount.dest[/proc*]", "/host/proc" },
		{ "container.mount.source[/data]", "/srv/data" },
		{ "container.label[tier]", "db" },
		{ "container.label[none]", NULL },
		{ "k8s.ns.name", "data" },
		{ "k8s.pod.name", "db-0" },
		{ "k8s.pod.uid", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0" },
		{ "k8s.pod.id", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0" },
		{ "k8s.pod.label[app]", "shop" },
	};
	static const struct expect host_expect[] = {
		{ "container.id", "host" },
		{ "container.type", "host" },
		{ "container.image", NULL },
		{ "container.privileged", NULL },
		{ "k8s.pod.name", NULL },
	};
	struct proc *p = mkproc(77, "db", "/usr/bin/db", NULL, 0);
	struct event *ev;

	p->container = mkcontainer();
	p->in_container = 1;
	ev = mkevent(EVT_execve, EVS_AUDIT, p);
	CHECK(ev, ctr_expect);
	event_free(ev);
	/* Placed on the host, or not placed at all: both read as the host. */
	for (int in = -1; in <= 0; in++) {
		p = mkproc(78, "sh", "/bin/sh", NULL, 0);
		p->in_container = in;
		ev = mkevent(EVT_execve, EVS_AUDIT, p);
		CHECK(ev, host_expect);
		event_free(ev);
	}
}

static void
test_every_field_checked(void **state)
{
	size_t n;
	const struct field_def *t = fields_table(&n);
	bool all = true;

	assert_true(n < sizeof(covered) / sizeof(covered[0]));
	for (size_t i = 0; i < n; i++) {
		if (!covered[i]) {
			print_error("field %s is not checked by any event test\n", t[i].name);
			all = false;
		}
	}
	assert_true(all);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exec_with_parent_chain),
		cmocka_unit_test(test_openat_flags),
		cmocka_unit_test(test_open_edge_cases),
		cmocka_unit_test(test_connect),
		cmocka_unit_test(test_accept_and_listen),
		cmocka_unit_test(test_unix_udp_and_dup),
		cmocka_unit_test(test_fanotify),
		cmocka_unit_test(test_user_login_record),
		cmocka_unit_test(test_internal_event),
		cmocka_unit_test(test_tty_numbers),
		cmocka_unit_test(test_memfd_cwd_and_deep_chain),
		cmocka_unit_test(test_user_cache_repeats),
		cmocka_unit_test(test_capabilities),
		cmocka_unit_test(test_container),
		cmocka_unit_test(test_every_field_checked),
	};

	/* evt.time prints local time, as Falco does; pin the zone so the test is stable. */
	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
