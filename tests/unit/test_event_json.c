/* test_event_json.c - unit tests for event/event_json: every event class survives a trip
 * through JSON text unchanged, unset stays unset, output is byte-stable, and bad objects are
 * rejected with a reason instead of crashing. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <linux/audit.h>

#include "core/sbuf.h"
#include "core/utf8.h"
#include "event/event.h"
#include "event/event_json.h"
#include "event/event_json_int.h"

/* ---- comparing events field by field ---- */

static void
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

static void
container_eq(const struct container *a, const struct container *b)
{
	if (a == NULL || b == NULL) {
		assert_ptr_equal(a, b);
		return;
	}
	assert_int_equal(a->runtime, b->runtime);
	assert_string_equal(a->id, b->id);
	assert_string_equal(a->full_id, b->full_id);
	str_eq(a->name, b->name);
	str_eq(a->image, b->image);
	str_eq(a->image_id, b->image_id);
	str_eq(a->image_repo, b->image_repo);
	str_eq(a->image_tag, b->image_tag);
	str_eq(a->image_digest, b->image_digest);
	str_eq(a->pod_uid, b->pod_uid);
	str_eq(a->pod_name, b->pod_name);
	str_eq(a->pod_ns, b->pod_ns);
	assert_int_equal(a->privileged, b->privileged);
	assert_true(a->start_ns == b->start_ns);
	assert_true((a->mounts == NULL) == (b->mounts == NULL));
	assert_int_equal(a->nmounts, b->nmounts);
	for (uint32_t i = 0; i < a->nmounts; i++) {
		str_eq(a->mounts[i].source, b->mounts[i].source);
		str_eq(a->mounts[i].dest, b->mounts[i].dest);
		str_eq(a->mounts[i].mode, b->mounts[i].mode);
		str_eq(a->mounts[i].propagation, b->mounts[i].propagation);
		assert_int_equal(a->mounts[i].rw, b->mounts[i].rw);
	}
	assert_int_equal(a->nlabels, b->nlabels);
	for (uint32_t i = 0; i < a->nlabels; i++) {
		assert_string_equal(a->labels[i].key, b->labels[i].key);
		assert_string_equal(a->labels[i].value, b->labels[i].value);
	}
	assert_int_equal(a->npod_labels, b->npod_labels);
	for (uint32_t i = 0; i < a->npod_labels; i++)
		assert_string_equal(a->pod_labels[i].value, b->pod_labels[i].value);
	str_eq(a->upperdir, b->upperdir);
	str_eq(a->merged, b->merged);
	assert_int_equal(a->nlower, b->nlower);
	for (uint32_t i = 0; i < a->nlower; i++)
		assert_string_equal(a->lowerdirs[i], b->lowerdirs[i]);
	assert_int_equal(a->meta, b->meta);
}

static void
proc_eq(const struct proc *a, const struct proc *b)
{
	if (a == NULL || b == NULL) {
		assert_ptr_equal(a, b);
		return;
	}
	assert_true(a->pid == b->pid && a->ppid == b->ppid);
	assert_true(a->uid == b->uid && a->euid == b->euid && a->suid == b->suid);
	assert_true(a->fsuid == b->fsuid && a->gid == b->gid && a->egid == b->egid);
	assert_true(a->sgid == b->sgid && a->fsgid == b->fsgid);
	assert_true(a->auid == b->auid && a->ses == b->ses);
	str_eq(a->comm, b->comm);
	str_eq(a->exe, b->exe);
	str_eq(a->cwd, b->cwd);
	str_eq(a->tty, b->tty);
	assert_int_equal(a->has_tty, b->has_tty);
	assert_true((a->argv == NULL) == (b->argv == NULL));
	assert_int_equal(a->argc, b->argc);
	for (uint32_t i = 0; a->argv && i < a->argc; i++)
		assert_string_equal(a->argv[i], b->argv[i]);
	assert_true(a->start_ns == b->start_ns);
	assert_true(a->exe_ino == b->exe_ino && a->exe_dev == b->exe_dev);
	assert_int_equal(a->caps_known, b->caps_known);
	if (a->caps_known & PROC_CAP_EFFECTIVE)
		assert_true(a->cap_effective == b->cap_effective);
	if (a->caps_known & PROC_CAP_PERMITTED)
		assert_true(a->cap_permitted == b->cap_permitted);
	assert_int_equal(a->in_container, b->in_container);
	container_eq(a->container, b->container);
}

static void
path_eq(const struct event_path *a, const struct event_path *b)
{
	str_eq(a->path, b->path);
	str_eq(a->raw, b->raw);
	assert_true(a->inode == b->inode && a->dev == b->dev);
	assert_true(a->mode == b->mode && a->ouid == b->ouid && a->ogid == b->ogid);
}

static void
addr_eq(const struct event_addr *a, const struct event_addr *b)
{
	assert_int_equal(a->family, b->family);
	assert_int_equal(a->port, b->port);
	assert_memory_equal(a->ip, b->ip, sizeof(a->ip));
	str_eq(a->path, b->path);
}

static void
event_eq(const struct event *a, const struct event *b)
{
	assert_int_equal(a->type, b->type);
	assert_int_equal(a->source, b->source);
	str_eq(a->name, b->name);
	assert_true(a->ts_ns == b->ts_ns && a->serial == b->serial);
	assert_true(a->pid == b->pid && a->tid == b->tid);
	assert_true(a->arch == b->arch && a->syscall_nr == b->syscall_nr);
	assert_int_equal(a->success, b->success);
	assert_true(a->res == b->res);
	str_eq(a->key, b->key);
	proc_eq(a->proc, b->proc);
	path_eq(&a->file, &b->file);
	path_eq(&a->file2, &b->file2);
	assert_true(a->net.domain == b->net.domain && a->net.type == b->net.type);
	assert_true(a->net.protocol == b->net.protocol && a->net.fd == b->net.fd);
	addr_eq(&a->net.local, &b->net.local);
	addr_eq(&a->net.remote, &b->net.remote);
	assert_int_equal(a->nargs, b->nargs);
	for (uint32_t i = 0; i < a->nargs; i++) {
		assert_string_equal(a->args[i].name, b->args[i].name);
		str_eq(a->args[i].str, b->args[i].str);
		assert_true(a->args[i].num == b->args[i].num);
	}
	assert_int_equal(a->nkv, b->nkv);
	for (uint32_t i = 0; i < a->nkv; i++) {
		assert_string_equal(a->kv[i].key, b->kv[i].key);
		assert_string_equal(a->kv[i].value, b->kv[i].value);
	}
}

/* ---- the trip: event -> text -> event, and the text must come back identical ---- */

static char *
to_line(const struct event *ev)
{
	json_t *obj = NULL;
	char *text;

	assert_int_equal(event_to_json(ev, &obj), 0);
	text = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
	assert_non_null(text);
	json_decref(obj);
	assert_null(strchr(text, '\n'));
	return text;
}

/* Parse TEXT as capture does.  Return event_from_json()'s result; WHY gets the reason. */
static int
from_line(const char *text, struct event **out, char *why)
{
	json_error_t err;
	json_t *obj = json_loads(text, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err);
	int rc;

	if (obj == NULL) {
		snprintf(why, EVENT_JSON_WHY_MAX, "json: %.100s", err.text);
		return -EBADMSG;
	}
	rc = event_from_json(obj, out, why, EVENT_JSON_WHY_MAX);
	json_decref(obj);
	return rc;
}

/* Round-trip EV, check equality and byte-stability, and return the text (caller frees). */
static char *
round_trip(const struct event *ev)
{
	char why[EVENT_JSON_WHY_MAX] = "";
	struct event *back = NULL;
	char *text = to_line(ev), *again;

	if (from_line(text, &back, why) != 0)
		fail_msg("re-reading %s failed: %s", text, why);
	event_eq(ev, back);
	again = to_line(back);
	assert_string_equal(text, again);
	free(again);
	event_free(back);
	return text;
}

static void
assert_contains(const char *hay, const char *needle)
{
	if (strstr(hay, needle) == NULL)
		fail_msg("\"%s\" not found in %s", needle, hay);
}

static void
assert_lacks(const char *hay, const char *needle)
{
	if (strstr(hay, needle) != NULL)
		fail_msg("\"%s\" unexpectedly found in %s", needle, hay);
}

/* ---- events of every class ---- */

static struct proc *
full_proc(void)
{
	static const char *const argv[] = {
		"/bin/sh", "-c", "line1\nline2", "say \"hi\"", "back\\slash", "caf\xe9", "",
		"\xff\xfe", "\xed\xa0\x80", "\xc0\xaf", "\xe6\x97\xa5\xe6\x9c\xac", "tab\there",
		"\\u0000e9 is text", "\x01\x1f\x7f", "trunc\xe6\x97",
	};
	struct proc *p = proc_new(4242);

	p->ppid = 1, p->uid = 0, p->euid = 0, p->suid = 1000, p->fsuid = 1000;
	p->gid = 0, p->egid = 4294967294, p->sgid = 5, p->fsgid = 6;
	p->auid = 4294967295, p->ses = 4294967295;
	p->comm = proc_strdup(p, "sh");
	p->exe = proc_strdup(p, "/usr/bin/d\xe9j\xe0");
	p->cwd = proc_strdup(p, "/tmp/\"odd\"\\dir");
	p->tty = proc_strdup(p, "pts0");
	p->has_tty = 1;
	proc_set_argv(p, argv, sizeof(argv) / sizeof(argv[0]));
	p->start_ns = 1795405995000000000ull;
	p->exe_ino = 0x8000000000000001ull;	/* overlayfs xino bit: above INT64_MAX */
	p->exe_dev = 2049;
	p->cap_effective = UINT64_MAX;          /* all 64 bits: no double can carry it */
	p->cap_permitted = 0;                   /* known and empty */
	p->caps_known = PROC_CAP_EFFECTIVE | PROC_CAP_PERMITTED;
	return p;
}

static void
test_exec_round_trip(void **state)
{
	struct event *ev = event_new(EVT_execve, EVS_AUDIT);
	char *text;

	ev->ts_ns = 1795405995123456789ull;
	ev->serial = 77;
	ev->arch = AUDIT_ARCH_X86_64;
	ev->syscall_nr = 59;
	ev->success = 1;
	ev->res = 0;
	ev->pid = ev->tid = 4242;
	ev->key = event_strdup(ev, "shikra");
	ev->proc = full_proc();
	ev->file.path = event_strdup(ev, "/bin/sh");
	ev->file.inode = 131;
	ev->file.dev = 2049;
	ev->file.mode = S_IFREG | 0755;
	ev->file.ouid = 0;
	ev->file.ogid = 0;
	text = round_trip(ev);
	assert_contains(text, "\"time\":\"2026-11-23T");
	assert_contains(text, "\"arch\":\"x86_64\"");
	assert_contains(text, "\"line1\\nline2\"");
	assert_contains(text, "\"say \\\"hi\\\"\"");
	assert_contains(text, "\"caf\\u0000e9\"");
	assert_contains(text, "\"\\u0000ff\\u0000fe\"");
	assert_contains(text, "\"exe_ino\":\"9223372036854775809\"");
	assert_contains(text, "\"mode\":\"0100755\"");
	assert_contains(text, "\"ouid\":0");
	assert_contains(text, "\"cap_effective\":\"ffffffffffffffff\"");
	assert_contains(text, "\"cap_permitted\":\"0000000000000000\"");
	assert_lacks(text, "has_tty");		/* implied by the tty name */
	assert_lacks(text, "null");
	free(text);
	event_free(ev);
}

static void
test_net_round_trip(void **state)
{
	struct event *ev = event_new(EVT_connect, EVS_AUDIT);
	char *text;

	ev->net.domain = AF_INET6, ev->net.type = SOCK_STREAM, ev->net.protocol = 6;
	ev->net.fd = 3;
	ev->net.local.family = AF_INET;
	inet_pton(AF_INET, "127.0.0.1", ev->net.local.ip);
	ev->net.local.port = 80;
	ev->net.remote.family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8::1", ev->net.remote.ip);
	ev->net.remote.port = 0;		/* port 0 is a value, not "unset" */
	text = round_trip(ev);
	assert_contains(text, "\"net\":{\"domain\":\"AF_INET6\",\"type\":\"SOCK_STREAM\","
	                "\"protocol\":6,\"fd\":3,\"local\":{\"family\":\"AF_INET\","
	                "\"ip\":\"127.0.0.1\",\"port\":80},\"remote\":{\"family\":\"AF_INET6\","
	                "\"ip\":\"2001:db8::1\",\"port\":0}}");
	free(text);
	event_free(ev);

	ev = event_new(EVT_bind, EVS_AUDIT);
	ev->net.domain = 12345;			/* no name: stays a number */
	ev->net.type = 99;
	ev->net.local.family = AF_UNIX;
	ev->net.local.path = event_strdup(ev, "/run/x.sock");
	ev->net.remote.family = AF_UNIX;
	ev->net.remote.path = event_strdup(ev, "@abstract\xff");
	text = round_trip(ev);
	assert_contains(text, "\"domain\":12345,\"type\":99");
	assert_contains(text, "\"local\":{\"family\":\"AF_UNIX\",\"path\":\"/run/x.sock\"}");
	assert_contains(text, "\"path\":\"@abstract\\u0000ff\"");
	free(text);
	event_free(ev);

	ev = event_new(EVT_sendto, EVS_AUDIT);
	ev->net.remote.family = AF_NETLINK;
	ev->net.remote.port = 7;
	ev->net.remote.ip[0] = 0xde, ev->net.remote.ip[15] = 0xad;
	ev->net.local.family = 4000;		/* unnamed family */
	text = round_trip(ev);
	assert_contains(text, "\"addr\":\"de0000000000000000000000000000ad\"");
	assert_contains(text, "\"local\":{\"family\":4000}");
	free(text);
	event_free(ev);
}

static void
test_file_pair_round_trip(void **state)
{
	struct event *ev = event_new(EVT_renameat2, EVS_FANOTIFY);
	char *text;

	ev->file.path = event_strdup(ev, "/etc/new\nname");
	ev->file.raw = event_strdup(ev, "../etc/new\nname");
	ev->file.mode = 0;			/* 0 is a mode, not "unset" */
	ev->file2.path = event_strdup(ev, "/etc/old");
	ev->file2.inode = UINT64_MAX;
	ev->file2.dev = 1;
	ev->file2.ouid = 4294967295;
	text = round_trip(ev);
	assert_contains(text, "\"source\":\"fanotify\"");
	assert_contains(text, "\"file\":{\"path\":\"/etc/new\\nname\",\"raw\":\"../etc/new\\nname\","
	                "\"mode\":\"00\"}");
	assert_contains(text, "\"file2\":{\"path\":\"/etc/old\",\"inode\":\"18446744073709551615\","
	                "\"dev\":1,\"ouid\":4294967295}");
	free(text);
	event_free(ev);
}

static void
test_args_round_trip(void **state)
{
	struct event *ev = event_new(EVT_openat, EVS_AUDIT);
	char *text;

	assert_int_equal(event_set_arg(ev, "dirfd", NULL, -100), 0);
	assert_int_equal(event_set_arg(ev, "flags", "O_RDONLY|O_CLOEXEC", 524288), 0);
	assert_int_equal(event_set_arg(ev, "name", "/etc/shad\xf0w", EVENT_NUM_UNSET), 0);
	assert_int_equal(event_set_arg(ev, "mode", "0", 0), 0);
	assert_int_equal(event_set_arg(ev, "nothing", NULL, EVENT_NUM_UNSET), 0);
	text = to_line(ev);
	assert_contains(text, "\"args\":{\"dirfd\":-100,\"flags\":\"O_RDONLY|O_CLOEXEC\","
	                "\"name\":\"/etc/shad\\u0000f0w\",\"mode\":\"0\"},"
	                "\"rawargs\":{\"dirfd\":-100,\"flags\":524288,\"mode\":0}");
	free(text);
	/* An argument with neither form carries nothing and is documented to vanish. */
	ev->nargs--;
	text = round_trip(ev);
	free(text);
	event_free(ev);
}

static void
test_record_round_trip(void **state)
{
	struct event *ev = event_new(EVT_USER_LOGIN, EVS_AUDIT);
	char *text;

	event_add_kv(ev, "op", "login");
	event_add_kv(ev, "acct", "r\xf6ot");
	event_add_kv(ev, "exe", "");
	text = round_trip(ev);
	assert_contains(text, "\"type\":\"USER_LOGIN\",\"source\"");
	assert_contains(text, "\"fields\":{\"op\":\"login\",\"acct\":\"r\\u0000f6ot\",\"exe\":\"\"}");
	free(text);
	event_free(ev);

	/* Repeated keys and keys that are not UTF-8 need the pair form. */
	ev = event_new(EVT_record, EVS_AUDIT);
	ev->name = event_strdup(ev, "NETFILTER_CFG");
	event_add_kv(ev, "table", "filter");
	event_add_kv(ev, "table", "nat");
	event_add_kv(ev, "k\xff", "v");
	text = round_trip(ev);
	assert_contains(text, "\"type\":\"NETFILTER_CFG\",\"class\":\"record\"");
	assert_contains(text, "\"fields\":[[\"table\",\"filter\"],[\"table\",\"nat\"],"
	                "[\"k\\u0000ff\",\"v\"]]");
	free(text);
	event_free(ev);

	ev = event_new(EVT_internal, EVS_INTERNAL);
	event_add_kv(ev, "lost", "12");
	text = round_trip(ev);
	free(text);
	event_free(ev);
}

static void
test_generic_types_keep_their_class(void **state)
{
	struct event *ev = event_new(EVT_syscall, EVS_AUDIT);
	char *text;

	ev->name = event_strdup(ev, "io_uring_setup");
	ev->arch = 0x1234;			/* no name: hex */
	text = round_trip(ev);
	assert_contains(text, "{\"type\":\"io_uring_setup\",\"class\":\"syscall\",");
	assert_contains(text, "\"arch\":\"0x00001234\"");
	free(text);
	/* A generic event named like a known type must not turn into that type. */
	ev->name = event_strdup(ev, "execve");
	text = round_trip(ev);
	assert_contains(text, "{\"type\":\"execve\",\"class\":\"syscall\",");
	free(text);
	event_free(ev);

	ev = event_new(EVT_record, EVS_AUDIT);	/* name left as "record" */
	text = round_trip(ev);
	assert_contains(text, "{\"type\":\"record\",\"source\"");
	free(text);
	event_free(ev);
}

/* Zero and "unknown" are different things and must stay different. */
static void
test_unset_differs_from_zero(void **state)
{
	struct event *ev = event_new(EVT_setuid, EVS_AUDIT);
	char *text;

	text = round_trip(ev);
	assert_string_equal(text, "{\"type\":\"setuid\",\"source\":\"audit\","
	                    "\"time\":\"1970-01-01T00:00:00.000000000Z\",\"ts\":0,\"serial\":0}");
	free(text);

	ev->pid = 0, ev->tid = 0, ev->res = 0, ev->success = 0, ev->syscall_nr = 0;
	ev->proc = proc_new(PROC_ID_UNSET);
	ev->proc->has_tty = 0;
	ev->proc->argv = NULL;
	text = round_trip(ev);
	assert_contains(text, "\"syscall\":0,\"success\":false,\"res\":0,\"pid\":0,\"tid\":0");
	assert_contains(text, "\"proc\":{\"has_tty\":false}");
	free(text);

	ev->proc->caps_known = PROC_CAP_PERMITTED;	/* one set known, the other not */
	ev->proc->cap_permitted = UINT64_C(0x200000);
	text = round_trip(ev);
	assert_contains(text, "\"proc\":{\"has_tty\":false,\"cap_permitted\":\"0000000000200000\"}");
	assert_lacks(text, "cap_effective");
	free(text);
	ev->proc->caps_known = 0;

	ev->proc->uid = 0;
	ev->proc->has_tty = 1;			/* known to have a tty, name unknown */
	proc_set_argv(ev->proc, NULL, 0);	/* known empty argv */
	text = round_trip(ev);
	assert_contains(text, "\"proc\":{\"uid\":0,\"has_tty\":true,\"argv\":[]}");
	free(text);
	event_free(ev);
}

/* The exact text is part of the format: golden tests diff it. */
/* ---- containers ---- */

static struct container *
full_container(void)
{
	struct container *c = container_new(CTR_PODMAN, "060ae9a03ac33aea9984976b45b44601b4d20d5b"
	                                                "b66f41797aea8f15c6ab153b");
	static struct container_mount m[2] = {
		{ .source = "/proc", .dest = "/host/proc", .mode = "ro,rbind",
		  .propagation = "rprivate", .rw = 0 },
		{ .source = NULL, .dest = "/d\xe9st", .mode = NULL, .propagation = NULL, .rw = -1 },
	};
	static struct container_kv l[2] = { { "io.k8s/x", "1" }, { "k\xff", "caf\xe9" } };
	static char *lower[3] = { "/var/lib/l1", "/var/lib/l:2", NULL };

	c->name = container_strdup(c, "shikra-ct-1");
	c->image = container_strdup(c, "localhost/shikra-busybox:test");
	c->image_repo = container_strdup(c, "localhost/shikra-busybox");
	c->image_tag = container_strdup(c, "test");
	c->image_id = container_strdup(c, "2c4bb99737");
	c->pod_name = container_strdup(c, "db-0");
	c->pod_ns = container_strdup(c, "data");
	c->privileged = 1;
	c->start_ns = 1795413797759142005ull;
	c->mounts = m;
	c->nmounts = 2;
	c->labels = l;
	c->nlabels = 2;
	c->pod_labels = l;
	c->npod_labels = 1;
	c->upperdir = container_strdup(c, "/var/lib/up");
	c->lowerdirs = lower;
	c->nlower = 2;
	c->merged = container_strdup(c, "/var/lib/merged");
	c->meta = CTR_META_CGROUP | CTR_META_RUNC | CTR_META_PODMAN | CTR_META_LAYERS;
	return c;
}

static void
test_container_round_trip(void **state)
{
	struct event *ev = event_new(EVT_execve, EVS_AUDIT);
	char *text;

	ev->pid = 4242;
	ev->proc = full_proc();
	ev->proc->container = full_container();
	ev->proc->in_container = 1;
	text = round_trip(ev);
	assert_contains(text, "\"container\":{\"type\":\"podman\",\"id\":\"060ae9a03ac3\"");
	assert_contains(text, "\"privileged\":true");
	assert_contains(text, "\"mounts\":[{\"source\":\"/proc\",\"dest\":\"/host/proc\"");
	assert_contains(text, "[\"k\\u0000ff\",\"caf\\u0000e9\"]");
	free(text);
	/* A host process, and one nobody placed. */
	container_unref(ev->proc->container);
	ev->proc->container = NULL;
	ev->proc->in_container = 0;
	text = round_trip(ev);
	assert_contains(text, "\"container\":{\"type\":\"host\"}");
	free(text);
	ev->proc->in_container = -1;
	text = round_trip(ev);
	assert_lacks(text, "container");
	free(text);
	event_free(ev);
}

static void
check_bad_container(const char *ctr, const char *reason)
{
	char text[1024], why[EVENT_JSON_WHY_MAX] = "";
	struct event *ev = NULL;

	snprintf(text, sizeof(text), "{\"type\":\"execve\",\"source\":\"audit\","
	         "\"proc\":{\"pid\":1,\"container\":%s}}", ctr);
	assert_int_equal(from_line(text, &ev, why), -EINVAL);
	assert_null(ev);
	if (strstr(why, reason) == NULL)
		fail_msg("%s: reason \"%s\" lacks \"%s\"", ctr, why, reason);
}

static void
test_container_rejects(void **state)
{
	check_bad_container("\"host\"", "proc.container: not an object");
	check_bad_container("{}", "proc.container.type: missing");
	check_bad_container("{\"type\":\"vm\"}", "unknown container type");
	check_bad_container("{\"type\":\"docker\"}", "proc.container.full_id");
	check_bad_container("{\"type\":\"docker\",\"full_id\":\"\"}", "full_id");
	check_bad_container("{\"type\":\"docker\",\"full_id\":\"a\",\"name\":3}",
	                    "proc.container.name: not a string");
	check_bad_container("{\"type\":\"docker\",\"full_id\":\"a\",\"privileged\":1}",
	                    "privileged");
	check_bad_container("{\"type\":\"docker\",\"full_id\":\"a\",\"start_ns\":-1}",
	                    "start_ns");
	check_bad_container("{\"type\":\"docker\",\"full_id\":\"a\",\"mounts\":{}}",
	                    "mounts: not an array");
	check_bad_container("{\"type\":\"docker\",\"full_id\":\"a\",\"mounts\":[{}]}",
	                    "mount without dest");
	check_bad_container("{\"type\":\"docker\",\"full_id\":\"a\",\"mounts\":"
	                    "[{\"dest\":\"/x\",\"rw\":\"yes\"}]}", "rw not true");
	check_bad_container("{\"type\":\"docker\",\"full_id\":\"a\",\"labels\":[[\"k\"]]}",
	                    "labels: element not a [key, value] pair");
	check_bad_container("{\"type\":\"docker\",\"full_id\":\"a\",\"labels\":"
	                    "[[\"k\",\"\\u0000zz\"]]}", "bad \\u0000 escape");
	check_bad_container("{\"type\":\"docker\",\"full_id\":\"a\",\"lowerdirs\":[1]}",
	                    "lowerdirs: not a string");
	check_bad_container("{\"type\":\"docker\",\"full_id\":\"a\",\"meta\":-3}", "meta");
}

static void
test_output_is_byte_stable(void **state)
{
	struct event *ev = event_new(EVT_openat, EVS_AUDIT);
	char *text;

	ev->ts_ns = 1795405995000000001ull;
	ev->serial = 9;
	ev->arch = AUDIT_ARCH_AARCH64;
	ev->syscall_nr = 56;
	ev->success = 0;
	ev->res = -13;
	ev->pid = 10, ev->tid = 11;
	ev->proc = proc_new(10);
	ev->proc->comm = proc_strdup(ev->proc, "cat");
	ev->file.path = event_strdup(ev, "/etc/shadow");
	event_set_arg(ev, "flags", "O_RDONLY", 0);
	text = round_trip(ev);
	assert_string_equal(text,
		"{\"type\":\"openat\",\"source\":\"audit\","
		"\"time\":\"2026-11-23T03:53:15.000000001Z\",\"ts\":1795405995000000001,"
		"\"serial\":9,\"arch\":\"aarch64\",\"syscall\":56,\"success\":false,\"res\":-13,"
		"\"pid\":10,\"tid\":11,\"proc\":{\"pid\":10,\"comm\":\"cat\"},"
		"\"file\":{\"path\":\"/etc/shadow\"},\"args\":{\"flags\":\"O_RDONLY\"},"
		"\"rawargs\":{\"flags\":0}}");
	free(text);
	event_free(ev);
}

static void
test_writer_refuses_what_it_cannot_write(void **state)
{
	struct event *ev = event_new(EVT_NONE, EVS_AUDIT);
	json_t *obj = NULL;

	assert_int_equal(event_to_json(ev, &obj), -EINVAL);
	ev->type = (enum event_type)9999;
	assert_int_equal(event_to_json(ev, &obj), -EINVAL);
	ev->type = EVT_open;
	event_set_arg(ev, "bad\xff", "x", 1);
	assert_int_equal(event_to_json(ev, &obj), -EINVAL);
	ev->args[0].name = "";
	assert_int_equal(event_to_json(ev, &obj), -EINVAL);
	ev->args[0].name = "ok";
	assert_int_equal(event_to_json(ev, &obj), 0);
	json_decref(obj);
	event_free(ev);
}

/* ---- reading hand-written and hostile objects ---- */

static void
test_reader_accepts_minimal_and_unknown_keys(void **state)
{
	char why[EVENT_JSON_WHY_MAX];
	struct event *ev = NULL;

	assert_int_equal(from_line("{\"type\":\"execve\",\"source\":\"audit\","
	                           "\"future\":{\"x\":[1,2]},\"proc\":{\"later\":true}}", &ev, why), 0);
	assert_int_equal(ev->type, EVT_execve);
	assert_true(ev->ts_ns == 0);
	assert_true(ev->pid == EVENT_NUM_UNSET);
	assert_non_null(ev->proc);
	assert_true(ev->proc->pid == PROC_ID_UNSET);
	assert_null(ev->proc->argv);
	event_free(ev);

	/* Without "ts" the time text is parsed; "ts" wins over it. */
	assert_int_equal(from_line("{\"type\":\"open\",\"source\":\"fanotify\","
	                           "\"time\":\"2026-11-23T03:33:15.5Z\",\"serial\":\"7\"}", &ev, why), 0);
	assert_true(ev->ts_ns == 1795404795500000000ull);
	assert_true(ev->serial == 7);
	event_free(ev);
	assert_int_equal(from_line("{\"type\":\"open\",\"source\":\"audit\","
	                           "\"time\":\"2026-11-23T03:33:15Z\",\"ts\":5}", &ev, why), 0);
	assert_true(ev->ts_ns == 5);
	event_free(ev);
	/* Numbers and names are both accepted where the writer uses a name. */
	assert_int_equal(from_line("{\"type\":\"socket\",\"source\":\"audit\",\"net\":{\"domain\":2,"
	                           "\"type\":\"SOCK_DGRAM\",\"local\":{\"family\":10,\"ip\":\"::1\"}}}",
	                           &ev, why), 0);
	assert_true(ev->net.domain == AF_INET && ev->net.type == SOCK_DGRAM);
	assert_int_equal(ev->net.local.family, AF_INET6);
	assert_int_equal(ev->net.local.ip[15], 1);
	event_free(ev);
}

struct bad_case {
	const char *json;
	const char *why;
};

#define EV "\"type\":\"execve\",\"source\":\"audit\""

static const struct bad_case bad_cases[] = {
	{ "[1]", "not a JSON object" },
	{ "{}", "type: missing" },
	{ "{\"type\":\"execve\"}", "source: missing" },
	{ "{\"type\":\"nosuch\",\"source\":\"audit\"}", "type: unknown event type" },
	{ "{\"type\":\"\",\"source\":\"audit\"}", "type: not a valid name" },
	{ "{\"type\":7,\"source\":\"audit\"}", "type: not a string" },
	{ "{\"type\":\"exec\\u0000e9\",\"source\":\"audit\"}", "type: not a valid name" },
	{ "{\"type\":\"execve\",\"source\":\"kernel\"}", "source: unknown source" },
	{ "{\"type\":\"foo\",\"class\":\"file\",\"source\":\"audit\"}", "class: neither" },
	{ "{" EV ",\"pid\":-1}", "pid: out of range" },
	{ "{" EV ",\"proc\":{\"cap_effective\":\"\"}}", "proc.cap_effective: not a string" },
	{ "{" EV ",\"proc\":{\"cap_effective\":\"1ffffffffffffffff\"}}",
	  "proc.cap_effective: not a string" },
	{ "{" EV ",\"proc\":{\"cap_effective\":\"0x1f\"}}", "proc.cap_effective: not a string" },
	{ "{" EV ",\"proc\":{\"cap_permitted\":\"-1\"}}", "proc.cap_permitted: not a string" },
	{ "{" EV ",\"proc\":{\"cap_permitted\":\"1f\\u0000\"}}",
	  "proc.cap_permitted: not a string" },
	{ "{" EV ",\"proc\":{\"cap_permitted\":31}}", "proc.cap_permitted: not a string" },
	{ "{" EV ",\"proc\":{\"cap_permitted\":\"zz\"}}", "proc.cap_permitted: not a string" },
	{ "{" EV ",\"pid\":\"12\"}", "pid: not an integer" },
	{ "{" EV ",\"pid\":1.5}", "pid: not an integer" },
	{ "{" EV ",\"tid\":2147483648}", "tid: out of range" },
	{ "{" EV ",\"res\":-9223372036854775808}", "res: out of range" },
	{ "{" EV ",\"ts\":-1}", "ts: out of range" },
	{ "{" EV ",\"ts\":\"abc\"}", "ts: not an unsigned decimal" },
	{ "{" EV ",\"ts\":\"18446744073709551616\"}", "ts: not an unsigned decimal" },
	{ "{" EV ",\"time\":\"2026-02-30T00:00:00Z\"}", "time: not YYYY" },
	{ "{" EV ",\"time\":\"2026-01-01T00:00:00.1234567890Z\"}", "time: not YYYY" },
	{ "{" EV ",\"time\":\"2026-01-01 00:00:00Z\"}", "time: not YYYY" },
	{ "{" EV ",\"time\":5,\"ts\":1}", "time: not a string" },
	{ "{" EV ",\"success\":\"yes\"}", "success: not true or false" },
	{ "{" EV ",\"arch\":\"vax\"}", "arch: neither" },
	{ "{" EV ",\"arch\":\"0x\"}", "arch: neither" },
	{ "{" EV ",\"arch\":\"0x0\"}", "arch: neither" },
	{ "{" EV ",\"arch\":\"0x100000000\"}", "arch: neither" },
	{ "{" EV ",\"key\":[]}", "key: not a string" },
	{ "{" EV ",\"proc\":[]}", "proc: not an object" },
	{ "{" EV ",\"proc\":{\"uid\":4294967296}}", "proc.uid: out of range" },
	{ "{" EV ",\"proc\":{\"ppid\":-5}}", "proc.ppid: out of range" },
	{ "{" EV ",\"proc\":{\"exe_ino\":-5}}", "proc.exe_ino: out of range" },
	{ "{" EV ",\"proc\":{\"argv\":\"sh\"}}", "proc.argv: not an array" },
	{ "{" EV ",\"proc\":{\"argv\":[\"sh\",1]}}", "proc.argv: not a string" },
	{ "{" EV ",\"proc\":{\"comm\":\"a\\u0000zz\"}}", "proc.comm: bad \\u0000 escape" },
	{ "{" EV ",\"proc\":{\"comm\":\"a\\u000000\"}}", "proc.comm: bad \\u0000 escape" },
	{ "{" EV ",\"proc\":{\"comm\":\"a\\u0000E9\"}}", "proc.comm: bad \\u0000 escape" },
	{ "{" EV ",\"proc\":{\"comm\":\"a\\u0000e\"}}", "proc.comm: bad \\u0000 escape" },
	{ "{" EV ",\"proc\":{\"has_tty\":1}}", "proc.has_tty: not true or false" },
	{ "{" EV ",\"file\":{\"mode\":420}}", "file.mode: not an octal" },
	{ "{" EV ",\"file\":{\"mode\":\"644\"}}", "file.mode: not an octal" },
	{ "{" EV ",\"file\":{\"mode\":\"09\"}}", "file.mode: not an octal" },
	{ "{" EV ",\"file2\":{\"inode\":true}}", "file2.inode: not an integer" },
	{ "{" EV ",\"file2\":{\"path\":null}}", "file2.path: not a string" },
	{ "{" EV ",\"net\":{\"local\":{\"family\":\"AF_INET\",\"ip\":\"999.1.1.1\"}}}",
	  "net.local.ip: not an address" },
	{ "{" EV ",\"net\":{\"local\":{\"family\":\"AF_INET\",\"ip\":\"1.2.3.4\\u00005\"}}}",
	  "net.local.ip: not an address" },
	{ "{" EV ",\"net\":{\"remote\":{\"family\":\"AF_UNIX\",\"ip\":\"1.2.3.4\"}}}",
	  "net.remote.ip: not an address" },
	{ "{" EV ",\"net\":{\"remote\":{\"family\":\"AF_INET\",\"addr\":\"00\"}}}",
	  "net.remote.addr: not 32 hex" },
	{ "{" EV ",\"net\":{\"remote\":{\"addr\":\"0000000000000000000000000000000g\"}}}",
	  "net.remote.addr: not 32 hex" },
	{ "{" EV ",\"net\":{\"remote\":{\"port\":65536}}}", "net.remote.port: out of range" },
	{ "{" EV ",\"net\":{\"remote\":{\"family\":\"AF_BOGUS\"}}}", "net.remote.family: unknown name" },
	{ "{" EV ",\"net\":{\"remote\":{\"family\":70000}}}", "net.remote.family: out of range" },
	{ "{" EV ",\"net\":{\"domain\":-2}}", "net.domain: out of range" },
	{ "{" EV ",\"net\":{\"type\":[]}}", "net.type: not an integer" },
	{ "{" EV ",\"args\":[]}", "args: not an object" },
	{ "{" EV ",\"args\":{\"flags\":true}}", "args.flags: neither a string nor an integer" },
	{ "{" EV ",\"args\":{\"\":1}}", "args: argument name empty" },
	{ "{" EV ",\"rawargs\":{\"flags\":1}}", "rawargs: names an argument that args does not" },
	{ "{" EV ",\"args\":{\"fd\":3},\"rawargs\":{\"fd\":4}}", "rawargs.fd: differs from args" },
	{ "{" EV ",\"args\":{\"fl\":\"x\"},\"rawargs\":{\"fl\":\"1\"}}", "rawargs.fl: not an integer" },
	{ "{" EV ",\"fields\":\"x\"}", "fields: neither an object nor an array" },
	{ "{" EV ",\"fields\":{\"a\":1}}", "fields: not a string" },
	{ "{" EV ",\"fields\":[[\"a\"]]}", "fields: pair is not" },
	{ "{" EV ",\"fields\":[\"a\",\"b\"]}", "fields: pair is not" },
	{ "{" EV ",\"fields\":[[\"a\",false]]}", "fields: not a string" },
};

static void
test_reader_rejects_bad_objects(void **state)
{
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		char why[EVENT_JSON_WHY_MAX] = "";
		struct event *ev = NULL;
		int rc = from_line(bad_cases[i].json, &ev, why);

		if (rc != -EINVAL || strncmp(why, bad_cases[i].why, strlen(bad_cases[i].why)) != 0)
			fail_msg("%s: rc %d, why \"%s\", wanted \"%s\"", bad_cases[i].json, rc, why,
			         bad_cases[i].why);
		assert_null(ev);
	}
}

/* Build {EV,"KEY":[N copies of ITEM]} or similar and check the reason. */
static void
expect_big(const char *prefix, const char *item, size_t n, const char *suffix, const char *why)
{
	struct sbuf b = SBUF_INIT;
	char got[EVENT_JSON_WHY_MAX] = "";
	struct event *ev = NULL;

	sbuf_puts(&b, prefix);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && item[0] != '\0')
			sbuf_putc(&b, ',');
		sbuf_puts(&b, item);
	}
	sbuf_puts(&b, suffix);
	assert_int_equal(from_line(sbuf_str(&b), &ev, got), -EINVAL);
	assert_string_equal(got, why);
	assert_null(ev);
	sbuf_free(&b);
}

static void
test_reader_bounds_sizes(void **state)
{
	char name[32];
	struct sbuf b = SBUF_INIT;
	char why[EVENT_JSON_WHY_MAX] = "";
	struct event *ev = NULL;

	expect_big("{" EV ",\"proc\":{\"argv\":[", "\"\"", EVENT_JSON_MAX_ARGV + 1, "]}}",
	           "proc.argv: too many elements");
	expect_big("{" EV ",\"proc\":{\"exe\":\"", "x", EVENT_JSON_MAX_STR + 1, "\"}}",
	           "proc.exe: string too long");
	expect_big("{" EV ",\"fields\":[", "[\"k\",\"v\"]", EVENT_JSON_MAX_FIELDS + 1, "]}",
	           "fields: too many fields");
	expect_big("{\"type\":\"", "a", EVENT_JSON_MAX_NAME + 1, "\",\"source\":\"audit\"}",
	           "type: not a valid name");
	/* Exactly at the limits is fine. */
	sbuf_puts(&b, "{" EV ",\"proc\":{\"exe\":\"");
	for (size_t i = 0; i < EVENT_JSON_MAX_STR; i++)
		sbuf_putc(&b, 'x');
	sbuf_puts(&b, "\"}}");
	assert_int_equal(from_line(sbuf_str(&b), &ev, why), 0);
	assert_int_equal(strlen(ev->proc->exe), EVENT_JSON_MAX_STR);
	event_free(ev);
	/* Seventeen arguments do not fit in an event. */
	sbuf_reset(&b);
	sbuf_puts(&b, "{" EV ",\"args\":{");
	for (int i = 0; i <= EVENT_MAX_ARGS; i++) {
		snprintf(name, sizeof(name), "%s\"a%d\":%d", i ? "," : "", i, i);
		sbuf_puts(&b, name);
	}
	sbuf_puts(&b, "}}");
	assert_int_equal(from_line(sbuf_str(&b), &ev, why), -EINVAL);
	assert_string_equal(why, "args: too many arguments");
	sbuf_free(&b);
}

/* ---- the string codec ---- */

static void
codec_round_trip(const char *s)
{
	json_t *v = event_json_str(s);
	struct sbuf out = SBUF_INIT;

	assert_non_null(v);
	assert_int_equal(event_json_unstr(v, EVENT_JSON_MAX_STR, &out), 0);
	assert_int_equal(out.len, strlen(s));
	assert_memory_equal(out.buf ? out.buf : "", s, out.len);
	/* Valid UTF-8 is never touched. */
	if (utf8_valid(s, strlen(s)))
		assert_string_equal(json_string_value(v), s);
	json_decref(v);
	sbuf_free(&out);
}

static void
test_codec_carries_every_byte(void **state)
{
	char s[64];
	uint32_t seed = 12345;

	codec_round_trip("");
	for (int c = 1; c < 256; c++) {
		s[0] = (char)c, s[1] = '\0';
		codec_round_trip(s);
		s[0] = 'a', s[1] = (char)c, s[2] = (char)c, s[3] = '\0';
		codec_round_trip(s);
	}
	for (int n = 0; n < 20000; n++) {
		size_t len = (seed >> 8) % (sizeof(s) - 1);

		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			s[i] = (char)(((seed >> 16) % 255) + 1);	/* any byte but NUL */
		}
		s[len] = '\0';
		codec_round_trip(s);
		seed = seed * 1103515245u + 12345u;
	}
	/* Edge cases of the validator, against jansson's own. */
	assert_false(utf8_valid("\xf4\x90\x80\x80", 4));	/* > U+10FFFF */
	assert_true(utf8_valid("\xf4\x8f\xbf\xbf", 4));
	assert_false(utf8_valid("\xe0\x80\x80", 3));		/* overlong */
	assert_false(utf8_valid("\xed\xbf\xbf", 3));		/* surrogate */
	assert_true(utf8_valid("\xee\x80\x80", 3));
	assert_false(utf8_valid("\xc2", 1));
}

/* The lossy alert form: valid UTF-8 kept, each bad byte as the text \xNN, NULs carried. */
static void
test_text_for_alerts(void **state)
{
	static const struct { const char *in; size_t len; const char *out; size_t olen; } t[] = {
		{ "plain", 5, "plain", 5 },
		{ "caf\xc3\xa9", 5, "caf\xc3\xa9", 5 },
		{ "caf\xc3\xa9\xff", 6, "caf\xc3\xa9\\xff", 9 },
		{ "\xe2\x82", 2, "\\xe2\\x82", 8 },
		{ "a\0b\x80", 4, "a\0b\\x80", 7 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		json_t *v = event_json_text(t[i].in, t[i].len);

		assert_non_null(v);
		assert_int_equal(json_string_length(v), t[i].olen);
		assert_memory_equal(json_string_value(v), t[i].out, t[i].olen);
		json_decref(v);
	}
}

static void
test_time_text(void **state)
{
	char buf[48];
	uint64_t ts = 0;

	event_json_time(0, buf, sizeof(buf));
	assert_string_equal(buf, "1970-01-01T00:00:00.000000000Z");
	event_json_time(UINT64_MAX, buf, sizeof(buf));
	assert_string_equal(buf, "2554-07-21T23:34:33.709551615Z");
	assert_int_equal(event_json_time_parse("2554-07-21T23:34:33.709551615Z", &ts), -EINVAL);
	assert_int_equal(event_json_time_parse("2024-02-29T12:00:00.000000001Z", &ts), 0);
	event_json_time(ts, buf, sizeof(buf));
	assert_string_equal(buf, "2024-02-29T12:00:00.000000001Z");
	assert_int_equal(event_json_time_parse("2023-02-29T12:00:00Z", &ts), -EINVAL);
	assert_int_equal(event_json_time_parse("2023-02-28T12:00:00.Z", &ts), -EINVAL);
	assert_int_equal(event_json_time_parse("2023-02-28T12:00:00", &ts), -EINVAL);
	assert_int_equal(event_json_time_parse("2023-02-28T24:00:00Z", &ts), -EINVAL);
	assert_int_equal(event_json_time_parse("+023-02-28T12:00:00Z", &ts), -EINVAL);
	assert_int_equal(event_json_time_parse("", &ts), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exec_round_trip),
		cmocka_unit_test(test_container_round_trip),
		cmocka_unit_test(test_container_rejects),
		cmocka_unit_test(test_net_round_trip),
		cmocka_unit_test(test_file_pair_round_trip),
		cmocka_unit_test(test_args_round_trip),
		cmocka_unit_test(test_record_round_trip),
		cmocka_unit_test(test_generic_types_keep_their_class),
		cmocka_unit_test(test_unset_differs_from_zero),
		cmocka_unit_test(test_output_is_byte_stable),
		cmocka_unit_test(test_writer_refuses_what_it_cannot_write),
		cmocka_unit_test(test_reader_accepts_minimal_and_unknown_keys),
		cmocka_unit_test(test_reader_rejects_bad_objects),
		cmocka_unit_test(test_reader_bounds_sizes),
		cmocka_unit_test(test_codec_carries_every_byte),
		cmocka_unit_test(test_text_for_alerts),
		cmocka_unit_test(test_time_text),
	};
	return cmocka_run_group_tests_name("event_json", tests, NULL, NULL);
}
