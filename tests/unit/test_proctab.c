/* test_proctab.c - unit tests for state/proctab against a fake /proc tree: seeding, parent
 * chains (proc.aname-style walks), exec replacing a snapshot, events completed from the table,
 * setuid, pid reuse by start time, exited processes still described and then expired,
 * fanotify-like events, lazy reads, fork/clone, eviction order, the ancestor limit, ppid
 * loops, references outliving the table (test_proctab_live.c reads the real /proc).
 * Run under ASan, these also check the reference counts (no leak, no use after free). */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "fakeproc.h"
#include "state/proctab.h"

#define S_NS  UINT64_C(1000000000)
#define T0    ((uint64_t)(FAKE_BTIME + 1000) * S_NS)      /* "now" in the fake world */

struct fixture {
	struct fakeproc f;
	struct proctab *pt;
};

/* The standard tree: systemd <- bash <- sh <- {"a) (b", "new\nline"}, and kthreadd. */
static void
add_tree(struct fakeproc *f)
{
	fake_add(f, &(struct fake_pid){ .pid = 1, .ppid = 0, .comm = "systemd", .start_ticks = 1,
	        .cmdline = "/sbin/init", .exe = "/bin/true", .cwd = "/" });
	fake_add(f, &(struct fake_pid){ .pid = 2, .ppid = 0, .comm = "kthreadd",
	        .start_ticks = 1 });
	fake_add(f, &(struct fake_pid){ .pid = 100, .ppid = 1, .comm = "bash", .uid = 1000,
	        .euid = 1000, .gid = 100, .egid = 100, .start_ticks = 500, .tty_nr = 34819,
	        .cmdline = "bash\0-l", .cmdline_len = 8, .exe = "/bin/sh", .cwd = "/home/u" });
	fake_add(f, &(struct fake_pid){ .pid = 110, .ppid = 100, .comm = "sh", .uid = 1000,
	        .euid = 1000, .start_ticks = 600, .tty_nr = 34819, .cmdline = "sh\0-c\0x",
	        .cmdline_len = 8, .exe = "/bin/dash", .cwd = "/srv" });
	fake_add(f, &(struct fake_pid){ .pid = 120, .ppid = 110, .comm = "a) (b",
	        .start_ticks = 700, .cmdline = "ab" });
	fake_add(f, &(struct fake_pid){ .pid = 121, .ppid = 110, .comm = "new\nline",
	        .start_ticks = 700, .cmdline = "nl" });
}

static int
setup_cfg(void **state, const struct proctab_config *base, bool tree)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	struct proctab_config cfg = base ? *base : (struct proctab_config){ 0 };

	fake_init(&fx->f);
	if (tree)
		add_tree(&fx->f);
	cfg.proc_root = fx->f.root;
	assert_int_equal(proctab_new(&cfg, &fx->pt), 0);
	*state = fx;
	return 0;
}

static int
setup(void **state)
{
	setup_cfg(state, NULL, true);
	assert_int_equal(proctab_seed(((struct fixture *)*state)->pt), 0);
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	proctab_free(fx->pt);
	fake_cleanup(&fx->f);
	free(fx);
	return 0;
}

/* An audit event as the converter makes it: its own snapshot, no argv, no cwd, no link. */
static struct event *
audit_ev(enum event_type type, int64_t pid, int64_t ppid, const char *comm, uint64_t ts)
{
	struct event *ev = event_new(type, EVS_AUDIT);
	struct proc *p = proc_new(pid);

	ev->pid = pid;
	ev->ts_ns = ts;
	ev->success = 1;
	p->ppid = ppid;
	p->comm = proc_strdup(p, comm);
	p->uid = p->euid = p->suid = p->fsuid = 1000;
	p->gid = p->egid = p->sgid = p->fsgid = 100;
	ev->proc = p;
	return ev;
}

/* A fanotify-like event: a pid and nothing else. */
static struct event *
bare_ev(int64_t pid, uint64_t ts)
{
	struct event *ev = event_new(EVT_open, EVS_FANOTIFY);

	ev->pid = pid;
	ev->ts_ns = ts;
	return ev;
}

static const char *
comm_of(struct proctab *pt, int64_t pid)
{
	static char buf[64];
	struct proc *p = proctab_get(pt, pid, T0);

	if (p == NULL)
		return "(none)";
	snprintf(buf, sizeof(buf), "%s", p->comm ? p->comm : "(null)");
	proc_unref(p);
	return buf;
}

/* proc.aname[N]: 0 = the process itself. */
static const char *
aname(const struct proc *p, int n)
{
	for (int i = 0; i < n && p; i++)
		p = p->parent;
	return p ? p->comm : NULL;
}

static int
chain_len(const struct proc *p)
{
	int n = 0;

	for (p = p ? p->parent : NULL; p && n < 1000; p = p->parent)
		n++;
	return n;
}

static void
test_seed_builds_chains(void **state)
{
	struct fixture *fx = *state;
	const struct proctab_stats *st = proctab_stats(fx->pt);
	struct proc *p = proctab_get(fx->pt, 120, T0);

	assert_int_equal(st->seeded, 6);
	assert_int_equal(st->entries, 6);
	assert_int_equal(st->proc_errors, 0);
	assert_int_equal(st->lazy_reads, 0);
	assert_string_equal(aname(p, 0), "a) (b");
	assert_string_equal(aname(p, 1), "sh");
	assert_string_equal(aname(p, 2), "bash");
	assert_string_equal(aname(p, 3), "systemd");
	assert_null(aname(p, 4));
	assert_int_equal(p->parent->parent->pid, 100);
	assert_string_equal(p->parent->parent->tty, "pts3");
	assert_string_equal(p->parent->parent->cwd, "/home/u");
	assert_true(p->parent->parent->start_ns == (uint64_t)FAKE_BTIME * S_NS +
	            500 * S_NS / (uint64_t)sysconf(_SC_CLK_TCK));
	proc_unref(p);
	assert_string_equal(comm_of(fx->pt, 121), "new\nline");
	p = proctab_get(fx->pt, 2, T0);
	assert_int_equal(p->argc, 0);
	assert_non_null(p->argv);
	assert_null(p->exe);
	assert_null(p->parent);
	proc_unref(p);
	/* Seeding again finds the same processes and changes nothing. */
	assert_int_equal(proctab_seed(fx->pt), 0);
	assert_int_equal(st->entries, 6);
	assert_int_equal(st->reused, 0);
}

static void
test_seed_tolerates_broken_entries(void **state)
{
	struct fixture *fx = *state;
	const struct proctab_stats *st = proctab_stats(fx->pt);
	char path[512];
	struct proc *p;

	fake_add(&fx->f, &(struct fake_pid){ .pid = 300, .ppid = 1 });
	fake_add(&fx->f, &(struct fake_pid){ .pid = 301, .ppid = 1 });
	fake_add(&fx->f, &(struct fake_pid){ .pid = 302, .ppid = 100, .cmdline = "kept" });
	fake_add(&fx->f, &(struct fake_pid){ .pid = 303, .ppid = 1 });
	fake_path(&fx->f, 300, "stat", path, sizeof(path));
	unlink(path);                                   /* vanished mid-read */
	fake_path(&fx->f, 301, "stat", path, sizeof(path));
	unlink(path);
	assert_int_equal(mkdir(path, 0755), 0);         /* unreadable */
	fake_path(&fx->f, 302, "status", path, sizeof(path));
	unlink(path);
	assert_int_equal(mkfifo(path, 0644), 0);        /* would block a careless reader */
	fake_write(&fx->f, 303, "stat", "1 (init) S 0", 12);    /* another pid, truncated */
	fake_path(&fx->f, 0, "4x", path, sizeof(path));
	assert_int_equal(mkdir(path, 0755), 0);         /* not a pid at all: not counted */
	assert_int_equal(proctab_seed(fx->pt), 0);
	assert_int_equal(st->proc_errors, 3);
	assert_int_equal(st->seeded, 7);
	p = proctab_get(fx->pt, 302, T0);
	assert_string_equal(p->argv[0], "kept");
	assert_int_equal(p->uid, PROC_ID_UNSET);
	assert_string_equal(aname(p, 1), "bash");
	proc_unref(p);
	assert_null(proctab_get(fx->pt, 300, T0));
	assert_int_equal(st->proc_errors, 4);           /* the lazy retry is counted too */
}

static void
test_seed_missing_root(void **state)
{
	struct proctab_config cfg = { .proc_root = "/nonexistent/proc" };
	struct proctab *pt = NULL;
	struct event *ev = bare_ev(1, T0);

	(void)state;
	assert_int_equal(proctab_new(&cfg, &pt), 0);
	assert_int_equal(proctab_seed(pt), -ENOENT);
	proctab_enrich(pt, ev, T0);
	assert_null(ev->proc);
	assert_null(proctab_get(pt, 1, T0));
	event_free(ev);
	proctab_free(pt);
	proctab_free(NULL);
}

static void
test_exec_replaces_snapshot(void **state)
{
	struct fixture *fx = *state;
	struct proc *old = proctab_get(fx->pt, 110, T0), *now, *bash = proctab_get(fx->pt, 100, T0);
	static const char *const argv[] = { "python3", "-c", "print(1)" };
	struct event *ev = audit_ev(EVT_execve, 110, 100, "python3", T0);
	struct event *child;

	ev->proc->exe = proc_strdup(ev->proc, "/usr/bin/python3");
	proc_set_argv(ev->proc, argv, 3);
	proctab_enrich(fx->pt, ev, T0);
	assert_string_equal(ev->proc->comm, "python3");
	assert_true(ev->proc->start_ns == old->start_ns);       /* exec keeps the start time */
	assert_string_equal(ev->proc->cwd, "/srv");              /* and the cwd, and the tty */
	assert_string_equal(ev->proc->tty, "pts3");
	assert_int_equal(ev->proc->auid, 1000);
	assert_ptr_equal(ev->proc->parent, bash);
	assert_string_equal(aname(ev->proc, 2), "systemd");
	now = proctab_get(fx->pt, 110, T0);
	assert_ptr_equal(now, ev->proc);                        /* the table's snapshot now */
	assert_string_equal(old->comm, "sh");                   /* shared ones never change */
	assert_int_equal(old->argc, 3);
	/* A child's event links to the parent's current snapshot; the child's stored snapshot
	 * keeps the one it was linked to (documented). */
	child = audit_ev(EVT_openat, 120, 110, "a) (b", T0 + 1);
	child->proc->uid = child->proc->euid = child->proc->suid = child->proc->fsuid = 0;
	child->proc->gid = child->proc->egid = child->proc->sgid = child->proc->fsgid = 0;
	proctab_enrich(fx->pt, child, T0 + 1);
	assert_string_equal(aname(child->proc, 1), "python3");
	assert_string_equal(aname(child->proc, 2), "bash");
	assert_string_equal(comm_of(fx->pt, 120), "a) (b");
	{
		struct proc *c = proctab_get(fx->pt, 120, T0);

		assert_string_equal(aname(c, 1), "sh");
		proc_unref(c);
	}
	event_free(child);
	event_free(ev);
	proc_unref(now);
	proc_unref(old);
	proc_unref(bash);
}

static void
test_event_completed_from_table(void **state)
{
	struct fixture *fx = *state;
	struct event *ev = audit_ev(EVT_openat, 100, 1, "bash", T0);
	struct proc *table = proctab_get(fx->pt, 100, T0), *after;

	ev->proc->exe = proc_strdup(ev->proc, "/bin/sh");
	ev->proc->auid = ev->proc->ses = PROC_ID_UNSET;
	proctab_enrich(fx->pt, ev, T0);
	assert_int_equal(ev->proc->argc, 2);
	assert_string_equal(ev->proc->argv[1], "-l");
	assert_string_equal(ev->proc->cwd, "/home/u");
	assert_string_equal(ev->proc->tty, "pts3");
	assert_int_equal(ev->proc->auid, 1000);
	assert_int_equal(ev->proc->ses, 7);
	assert_true(ev->proc->start_ns == table->start_ns && table->start_ns != 0);
	assert_true(ev->proc->exe_ino == table->exe_ino && table->exe_ino != 0);
	assert_string_equal(aname(ev->proc, 1), "systemd");
	after = proctab_get(fx->pt, 100, T0);
	assert_ptr_equal(after, table);         /* same credentials: the table keeps its own */
	proc_unref(after);
	event_free(ev);
	/* setuid: new credentials make the event's snapshot the table's. */
	ev = audit_ev(EVT_setuid, 100, 1, "bash", T0 + 1);
	ev->proc->euid = 0;
	proctab_enrich(fx->pt, ev, T0 + 1);
	after = proctab_get(fx->pt, 100, T0);
	assert_ptr_equal(after, ev->proc);
	assert_int_equal(after->euid, 0);
	assert_int_equal(after->argc, 2);
	proc_unref(after);
	event_free(ev);
	proc_unref(table);
}

static void
test_proctitle_cut_is_completed(void **state)
{
	struct fixture *fx = *state;
	char cmd[300], last[128];
	const char *argv[3];
	struct event *ev;

	memset(cmd, 'a', sizeof(cmd));
	memcpy(cmd, "java\0-jar\0", 10);
	cmd[sizeof(cmd) - 1] = '\0';
	fake_add(&fx->f, &(struct fake_pid){ .pid = 130, .ppid = 1, .comm = "java",
	        .cmdline = cmd, .cmdline_len = sizeof(cmd), .start_ticks = 9 });
	/* PROCTITLE holds the first 128 bytes: "java", "-jar" and 118 bytes of the third. */
	memcpy(last, cmd + 10, 118);
	last[118] = '\0';
	argv[0] = "java", argv[1] = "-jar", argv[2] = last;
	ev = audit_ev(EVT_openat, 130, 1, "java", T0);
	proc_set_argv(ev->proc, argv, 3);
	proctab_enrich(fx->pt, ev, T0);
	assert_int_equal(ev->proc->argc, 3);
	assert_int_equal(strlen(ev->proc->argv[2]), sizeof(cmd) - 11);
	event_free(ev);
	/* A title the process rewrote is what the kernel says now: kept. */
	argv[2] = "renamed";
	ev = audit_ev(EVT_openat, 130, 1, "java", T0);
	proc_set_argv(ev->proc, argv, 3);
	proctab_enrich(fx->pt, ev, T0);
	assert_string_equal(ev->proc->argv[2], "renamed");
	event_free(ev);
}

static void
test_pid_reuse_by_start_time(void **state)
{
	struct fixture *fx = *state;
	const struct proctab_stats *st = proctab_stats(fx->pt);
	struct event *ev = audit_ev(EVT_exit_group, 110, 100, "sh", T0);

	proctab_enrich(fx->pt, ev, T0);
	event_free(ev);
	/* Before the exit (late event) and after it with /proc still the same: still "sh". */
	ev = bare_ev(110, T0 - 1);
	proctab_enrich(fx->pt, ev, T0);
	assert_string_equal(ev->proc->comm, "sh");
	event_free(ev);
	ev = bare_ev(110, T0 + 1);
	proctab_enrich(fx->pt, ev, T0);
	assert_string_equal(ev->proc->comm, "sh");
	event_free(ev);
	assert_int_equal(st->reused, 0);
	/* Another process took the pid: a new start time. */
	fake_remove(&fx->f, 110);
	fake_add(&fx->f, &(struct fake_pid){ .pid = 110, .ppid = 1, .comm = "reborn",
	        .start_ticks = 90000 });
	ev = bare_ev(110, T0 + 2);
	proctab_enrich(fx->pt, ev, T0);
	assert_string_equal(ev->proc->comm, "reborn");
	assert_string_equal(aname(ev->proc, 1), "systemd");
	assert_int_equal(st->reused, 1);
	event_free(ev);
	/* Seeding again notices a changed start time too. */
	fake_remove(&fx->f, 100);
	fake_add(&fx->f, &(struct fake_pid){ .pid = 100, .ppid = 1, .comm = "zsh",
	        .start_ticks = 95000 });
	assert_int_equal(proctab_seed(fx->pt), 0);
	assert_int_equal(st->reused, 2);
	assert_string_equal(comm_of(fx->pt, 100), "zsh");
}

static void
test_exited_described_then_expired(void **state)
{
	struct fixture *fx = *state;
	const struct proctab_stats *st = proctab_stats(fx->pt);
	struct event *ev = audit_ev(EVT_exit_group, 121, 110, "new\nline", T0);

	proctab_enrich(fx->pt, ev, T0);
	event_free(ev);
	fake_remove(&fx->f, 121);
	ev = bare_ev(121, T0 + 5 * S_NS);       /* a fanotify event read after the exit */
	proctab_enrich(fx->pt, ev, T0 + 5 * S_NS);
	assert_non_null(ev->proc);
	assert_string_equal(ev->proc->comm, "new\nline");
	assert_string_equal(aname(ev->proc, 1), "sh");
	proctab_expire(fx->pt, T0 + 29 * S_NS);
	assert_int_equal(st->evicted, 0);
	proctab_expire(fx->pt, T0 + 30 * S_NS);
	assert_int_equal(st->evicted, 1);
	assert_int_equal(st->entries, 5);
	assert_null(proctab_get(fx->pt, 121, T0 + 31 * S_NS));
	/* The event still holds the whole chain. */
	assert_string_equal(aname(ev->proc, 2), "bash");
	event_free(ev);
}

static void
test_bare_event_gets_table_snapshot(void **state)
{
	struct fixture *fx = *state;
	struct event *ev = bare_ev(100, T0);
	struct proc *p = proctab_get(fx->pt, 100, T0);
	unsigned refs = p->refs;

	proctab_enrich(fx->pt, ev, T0);
	assert_ptr_equal(ev->proc, p);
	assert_int_equal(p->refs, refs + 1);
	event_free(ev);
	assert_int_equal(p->refs, refs);
	proc_unref(p);
	ev = bare_ev(EVENT_NUM_UNSET, T0);      /* no pid: nothing to find */
	proctab_enrich(fx->pt, ev, T0);
	assert_null(ev->proc);
	event_free(ev);
	proctab_enrich(fx->pt, NULL, T0);
}

static void
test_lazy_reads(void **state)
{
	struct fixture *fx = *state;
	const struct proctab_stats *st = proctab_stats(fx->pt);
	struct event *ev;

	fake_add(&fx->f, &(struct fake_pid){ .pid = 401, .ppid = 100, .comm = "make",
	        .start_ticks = 800 });
	fake_add(&fx->f, &(struct fake_pid){ .pid = 400, .ppid = 401, .comm = "cc1",
	        .start_ticks = 801, .cmdline = "cc1\0-O2", .cmdline_len = 8 });
	ev = bare_ev(400, T0);
	proctab_enrich(fx->pt, ev, T0);
	assert_string_equal(aname(ev->proc, 0), "cc1");
	assert_string_equal(aname(ev->proc, 1), "make");
	assert_string_equal(aname(ev->proc, 2), "bash");
	assert_int_equal(st->lazy_reads, 2);
	event_free(ev);
	ev = bare_ev(999, T0);                  /* unknown and gone */
	proctab_enrich(fx->pt, ev, T0);
	assert_null(ev->proc);
	assert_int_equal(st->proc_errors, 1);
	event_free(ev);
	/* An audit event of a pid the table never saw takes argv and cwd from /proc. */
	fake_add(&fx->f, &(struct fake_pid){ .pid = 402, .ppid = 401, .comm = "as",
	        .start_ticks = 802, .cmdline = "as\0-o", .cmdline_len = 6, .cwd = "/build" });
	ev = audit_ev(EVT_openat, 402, 401, "as", T0);
	proctab_enrich(fx->pt, ev, T0);
	assert_int_equal(ev->proc->argc, 2);
	assert_string_equal(ev->proc->cwd, "/build");
	assert_string_equal(aname(ev->proc, 1), "make");
	assert_int_equal(st->lazy_reads, 4);
	event_free(ev);
}

static void
test_first_seen_through_event(void **state)
{
	struct fixture *fx = *state;
	struct event *ev = audit_ev(EVT_connect, 500, 100, "curl", T0);
	static const char *const argv[] = { "sleep", "1" };
	struct proc *p;

	proctab_enrich(fx->pt, ev, T0);         /* /proc has no 500: the event describes it */
	p = proctab_get(fx->pt, 500, T0);
	assert_ptr_equal(p, ev->proc);
	assert_string_equal(aname(p, 1), "bash");
	proc_unref(p);
	event_free(ev);
	ev = audit_ev(EVT_execve, 501, 110, "sleep", T0);
	proc_set_argv(ev->proc, argv, 2);
	proctab_enrich(fx->pt, ev, T0);
	assert_string_equal(comm_of(fx->pt, 501), "sleep");
	assert_string_equal(aname(ev->proc, 1), "sh");
	event_free(ev);
}

static void
test_missed_exec_and_missed_exit(void **state)
{
	struct fixture *fx = *state;
	const struct proctab_stats *st = proctab_stats(fx->pt);
	static const char vim_stat[] = "110 (vim) S 100 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 600";
	char path[512];
	struct event *ev;

	/* 110 exec'd vim without an audited execve: same start time, another image. */
	fake_path(&fx->f, 110, "exe", path, sizeof(path));
	unlink(path);
	assert_int_equal(symlink("/usr/bin/vim", path), 0);
	fake_write(&fx->f, 110, "stat", vim_stat, sizeof(vim_stat) - 1);
	ev = audit_ev(EVT_openat, 110, 100, "vim", T0);
	ev->proc->exe = proc_strdup(ev->proc, "/usr/bin/vim");
	proctab_enrich(fx->pt, ev, T0);
	event_free(ev);
	assert_string_equal(comm_of(fx->pt, 110), "vim");
	assert_int_equal(st->reused, 0);
	assert_int_equal(st->lazy_reads, 1);
	/* The check is made once per snapshot, not on every event. */
	ev = audit_ev(EVT_openat, 110, 100, "vim", T0);
	ev->proc->exe = proc_strdup(ev->proc, "/elsewhere/vim");
	proctab_enrich(fx->pt, ev, T0);
	event_free(ev);
	assert_int_equal(st->lazy_reads, 1);
	/* 100 died unseen and top took its pid: a new start time. */
	fake_remove(&fx->f, 100);
	fake_add(&fx->f, &(struct fake_pid){ .pid = 100, .ppid = 1, .comm = "top",
	        .start_ticks = 5000, .exe = "/usr/bin/top" });
	ev = audit_ev(EVT_openat, 100, 1, "top", T0);
	ev->proc->exe = proc_strdup(ev->proc, "/usr/bin/top");
	proctab_enrich(fx->pt, ev, T0);
	assert_null(ev->proc->cwd);             /* nothing of bash's leaks into top */
	assert_int_equal(ev->proc->argc, 0);
	event_free(ev);
	assert_int_equal(st->reused, 1);
	assert_string_equal(comm_of(fx->pt, 100), "top");
}

static void
test_shared_event_snapshot_is_copied(void **state)
{
	struct fixture *fx = *state;
	struct event *ev = audit_ev(EVT_openat, 100, 1, "bash", T0);
	struct proc *held = proc_ref(ev->proc);

	proctab_enrich(fx->pt, ev, T0);
	assert_ptr_not_equal(ev->proc, held);
	assert_null(held->argv);                /* what someone else holds is not changed */
	assert_null(held->parent);
	assert_int_equal(held->refs, 1);
	assert_int_equal(ev->proc->argc, 2);
	assert_string_equal(aname(ev->proc, 1), "systemd");
	proc_unref(held);
	event_free(ev);
}

static struct event *
clone_ev(enum event_type type, int64_t child, int64_t flags, uint64_t ts)
{
	struct event *ev = audit_ev(type, 100, 1, "bash", ts);

	ev->res = child;
	if (flags != EVENT_NUM_UNSET)
		event_set_arg(ev, "flags", "x", flags);
	return ev;
}

static void
test_fork_and_clone(void **state)
{
	struct fixture *fx = *state;
	const struct proctab_stats *st = proctab_stats(fx->pt);
	struct event *ev = clone_ev(EVT_clone, 700, 0x11, T0);
	struct proc *p, *bash = proctab_get(fx->pt, 100, T0);

	proctab_enrich(fx->pt, ev, T0);
	event_free(ev);
	p = proctab_get(fx->pt, 700, T0);
	assert_string_equal(p->comm, "bash");
	assert_int_equal(p->ppid, 100);
	assert_int_equal(p->argc, 2);
	assert_ptr_equal(p->parent, bash);
	assert_true(p->start_ns == T0);
	proc_unref(p);
	/* A thread is not a process. */
	ev = clone_ev(EVT_clone, 701, 0x10000 | 0x100, T0);
	proctab_enrich(fx->pt, ev, T0);
	event_free(ev);
	assert_int_equal(st->entries, 7);
	/* The child's exec was processed before its parent's fork record: kept. */
	ev = audit_ev(EVT_execve, 702, 100, "ls", T0 + 2);
	proctab_enrich(fx->pt, ev, T0);
	event_free(ev);
	ev = clone_ev(EVT_fork, 702, EVENT_NUM_UNSET, T0 + 1);
	proctab_enrich(fx->pt, ev, T0);
	event_free(ev);
	assert_string_equal(comm_of(fx->pt, 702), "ls");
	/* clone3: only /proc can say thread or process. */
	fake_add(&fx->f, &(struct fake_pid){ .pid = 703, .ppid = 100, .comm = "worker",
	        .tgid = 100, .start_ticks = 900 });
	ev = clone_ev(EVT_clone3, 703, EVENT_NUM_UNSET, T0);
	proctab_enrich(fx->pt, ev, T0);
	event_free(ev);
	assert_int_equal(st->entries, 8);
	fake_add(&fx->f, &(struct fake_pid){ .pid = 704, .ppid = 100, .comm = "spawned",
	        .start_ticks = 900 });
	ev = clone_ev(EVT_clone3, 704, EVENT_NUM_UNSET, T0);
	proctab_enrich(fx->pt, ev, T0);
	event_free(ev);
	assert_int_equal(st->entries, 9);
	assert_string_equal(comm_of(fx->pt, 704), "spawned");
	/* A failed fork creates nothing. */
	ev = clone_ev(EVT_fork, 705, EVENT_NUM_UNSET, T0);
	ev->success = 0;
	proctab_enrich(fx->pt, ev, T0);
	event_free(ev);
	assert_int_equal(st->entries, 9);
	proc_unref(bash);
}

static void
test_eviction_order(void **state)
{
	struct proctab_config cfg = { .max_entries = 4 };
	struct fixture *fx;
	const struct proctab_stats *st;
	static const int64_t gone[] = { 12, 13, 14 }, kept[] = { 11, 15, 16, 17 };
	struct event *ev;

	setup_cfg(state, &cfg, false);
	fx = *state;
	st = proctab_stats(fx->pt);
	for (int64_t pid = 11; pid <= 14; pid++)
		fake_add(&fx->f, &(struct fake_pid){ .pid = pid, .ppid = 0, .start_ticks = 5 });
	assert_int_equal(proctab_seed(fx->pt), 0);
	for (int64_t pid = 12; pid <= 13; pid++) {
		ev = audit_ev(EVT_exit_group, pid, 0, "x", T0 + (uint64_t)pid);
		proctab_enrich(fx->pt, ev, T0 + (uint64_t)pid);
		event_free(ev);
	}
	for (int64_t pid = 14; pid >= 11; pid -= 3) {   /* seen: 14, then 11 */
		ev = bare_ev(pid, T0 + 20);
		proctab_enrich(fx->pt, ev, T0 + 20);
		event_free(ev);
	}
	for (int64_t pid = 15; pid <= 17; pid++) {
		fake_add(&fx->f, &(struct fake_pid){ .pid = pid, .ppid = 11, .start_ticks = 9 });
		ev = bare_ev(pid, T0 + 30);
		proctab_enrich(fx->pt, ev, T0 + 30);
		assert_string_equal(aname(ev->proc, 1), "proc11");
		event_free(ev);
		assert_int_equal(st->entries, 4);
	}
	assert_int_equal(st->evicted, 3);
	for (int64_t pid = 11; pid <= 17; pid++)
		fake_remove(&fx->f, pid);               /* from now on only the table answers */
	for (size_t i = 0; i < 3; i++)
		assert_null(proctab_get(fx->pt, gone[i], T0 + 40));
	for (size_t i = 0; i < 4; i++) {
		char name[16];

		snprintf(name, sizeof(name), "proc%d", (int)kept[i]);
		assert_string_equal(comm_of(fx->pt, kept[i]), name);
	}
	teardown(state);
}

static void
test_ancestor_limit_and_loops(void **state)
{
	struct proctab_config cfg = { .max_ancestors = 3 };
	struct fixture *fx;
	struct event *ev;
	struct proc *p;

	setup_cfg(state, &cfg, false);
	fx = *state;
	for (int64_t pid = 1001; pid <= 1008; pid++)
		fake_add(&fx->f, &(struct fake_pid){ .pid = pid, .ppid = pid == 1001 ? 0 : pid - 1,
		        .start_ticks = 5 });
	fake_add(&fx->f, &(struct fake_pid){ .pid = 1100, .ppid = 1101, .start_ticks = 5 });
	fake_add(&fx->f, &(struct fake_pid){ .pid = 1101, .ppid = 1100, .start_ticks = 5 });
	fake_add(&fx->f, &(struct fake_pid){ .pid = 1102, .ppid = 1102, .start_ticks = 5 });
	assert_int_equal(proctab_seed(fx->pt), 0);
	p = proctab_get(fx->pt, 1008, T0);
	assert_int_equal(chain_len(p), 3);
	assert_string_equal(aname(p, 3), "proc1005");
	proc_unref(p);
	p = proctab_get(fx->pt, 1003, T0);
	assert_int_equal(chain_len(p), 2);
	proc_unref(p);
	/* An event's own snapshot links to its parent's as it is: no copies per event. */
	ev = audit_ev(EVT_openat, 1008, 1007, "proc1008", T0);
	ev->proc->uid = ev->proc->euid = ev->proc->suid = ev->proc->fsuid = PROC_ID_UNSET;
	ev->proc->gid = ev->proc->egid = ev->proc->sgid = ev->proc->fsgid = PROC_ID_UNSET;
	proctab_enrich(fx->pt, ev, T0);
	p = proctab_get(fx->pt, 1007, T0);
	assert_ptr_equal(ev->proc->parent, p);
	assert_int_equal(chain_len(ev->proc), 4);
	proc_unref(p);
	event_free(ev);
	/* A lazy read at the bottom of a deep chain is cut the same way. */
	fake_add(&fx->f, &(struct fake_pid){ .pid = 1009, .ppid = 1008, .start_ticks = 6 });
	p = proctab_get(fx->pt, 1009, T0);
	assert_int_equal(chain_len(p), 3);
	assert_string_equal(aname(p, 3), "proc1006");
	proc_unref(p);
	/* ppid loops in a garbled tree: finite chains, no reference cycle (ASan: no leak). */
	p = proctab_get(fx->pt, 1100, T0);
	assert_true(chain_len(p) <= 1);
	proc_unref(p);
	p = proctab_get(fx->pt, 1102, T0);
	assert_int_equal(chain_len(p), 0);
	proc_unref(p);
	teardown(state);
}

static void
test_references_outlive_table(void **state)
{
	struct fixture *fx = *state;
	struct event *ev = bare_ev(120, T0);

	proctab_enrich(fx->pt, ev, T0);
	proctab_free(fx->pt);
	fx->pt = NULL;
	assert_string_equal(aname(ev->proc, 3), "systemd");
	event_free(ev);
}

/* Capabilities: from /proc at seeding, copied into a later event of the same image, read
 * again from /proc after an exec while the process still runs the new image, and unknown
 * (never the old image's) when /proc runs another image or the process is gone. */
static void
test_caps_follow_exec(void **state)
{
	static const char status[] = "Tgid:\t110\nUid:\t1000\t1000\t1000\t1000\n"
		"Gid:\t0\t0\t0\t0\nCapPrm:\t0000000000210000\nCapEff:\t0000000000200000\n";
	struct fixture *fx = *state;
	struct event *ev = audit_ev(EVT_openat, 110, 100, "sh", T0);
	struct proc *t;

	proctab_enrich(fx->pt, ev, T0);
	assert_int_equal(ev->proc->caps_known, PROC_CAP_EFFECTIVE | PROC_CAP_PERMITTED);
	assert_true(ev->proc->cap_effective == 0);     /* known and empty, not unknown */
	event_free(ev);
	/* The process gains capabilities through a file-capability exec of the same path. */
	fake_write(&fx->f, 110, "status", status, sizeof(status) - 1);
	ev = audit_ev(EVT_execve, 110, 100, "dash", T0 + 1);
	ev->proc->exe = proc_strdup(ev->proc, "/bin/dash");
	proctab_enrich(fx->pt, ev, T0 + 1);
	assert_int_equal(ev->proc->caps_known, PROC_CAP_EFFECTIVE | PROC_CAP_PERMITTED);
	assert_true(ev->proc->cap_effective == UINT64_C(0x200000));
	assert_true(ev->proc->cap_permitted == UINT64_C(0x210000));
	event_free(ev);
	ev = audit_ev(EVT_init_module, 110, 100, "dash", T0 + 2);
	proctab_enrich(fx->pt, ev, T0 + 2);
	assert_true(ev->proc->cap_effective == UINT64_C(0x200000));
	event_free(ev);
	/* An exec /proc does not show (another exe): unknown, not dash's. */
	ev = audit_ev(EVT_execve, 110, 100, "python3", T0 + 3);
	ev->proc->exe = proc_strdup(ev->proc, "/usr/bin/python3");
	proctab_enrich(fx->pt, ev, T0 + 3);
	assert_int_equal(ev->proc->caps_known, 0);
	event_free(ev);
	t = proctab_get(fx->pt, 110, T0);
	assert_int_equal(t->caps_known, 0);
	proc_unref(t);
	ev = audit_ev(EVT_openat, 110, 100, "python3", T0 + 4);
	ev->proc->exe = proc_strdup(ev->proc, "/usr/bin/python3");
	proctab_enrich(fx->pt, ev, T0 + 4);
	assert_int_equal(ev->proc->caps_known, 0);
	event_free(ev);
	/* A process that is gone by the time its exec is seen. */
	fake_remove(&fx->f, 120);
	ev = audit_ev(EVT_execve, 120, 110, "x", T0 + 5);
	proctab_enrich(fx->pt, ev, T0 + 5);
	assert_int_equal(ev->proc->caps_known, 0);
	event_free(ev);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_seed_builds_chains, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seed_tolerates_broken_entries, setup, teardown),
		cmocka_unit_test(test_seed_missing_root),
		cmocka_unit_test_setup_teardown(test_exec_replaces_snapshot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_completed_from_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_proctitle_cut_is_completed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pid_reuse_by_start_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exited_described_then_expired, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bare_event_gets_table_snapshot, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lazy_reads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_seen_through_event, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missed_exec_and_missed_exit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_event_snapshot_is_copied, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_fork_and_clone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_caps_follow_exec, setup, teardown),
		cmocka_unit_test(test_eviction_order),
		cmocka_unit_test(test_ancestor_limit_and_loops),
		cmocka_unit_test_setup_teardown(test_references_outlive_table, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
