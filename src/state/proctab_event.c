/* proctab_event.c - what an event tells the process table, and what the table adds to the
 * event (see proctab.h for the contract, proctab.c for the storage).
 *
 * Four cases.  A successful execve/execveat: the event's own snapshot (the kernel's view just
 * after the exec) becomes the pid's snapshot, keeping what exec does not change (start time,
 * cwd, terminal, login ids, parent).  Any other event with a snapshot: the converter made it
 * for this event alone, so it is completed in place from the table (argv, cwd, start time,
 * exe inode) and linked to its parent; when its credentials differ from the table's (a setuid
 * call) it becomes the pid's snapshot.  An event without one (fanotify, internal) shares the
 * table's.  fork/vfork/clone, when audited, create the child's entry as a copy of the parent
 * (the child pid is the return value) unless the child was already seen, which is common: a
 * child often execs before its parent's fork record is emitted.  exit_group marks the entry
 * exited; it stays describable for the grace time.
 *
 * Containers (when the table has a container table): a snapshot made from /proc is placed by
 * reading the pid's cgroup (proctab.c); every other snapshot copies the placement of the one
 * it completes from, so an event of a placed process costs no read.  An exec asks again,
 * because runc and `podman exec` move a process into the container's cgroup just before it
 * execs; a process whose /proc is gone takes the placement of its image before the exec or
 * of its parent. */
#include "config.h"

#include <sched.h>
#include <stddef.h>
#include <string.h>

#include "state/ctrtab.h"
#include "state/proctab_int.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define PROCTITLE_AUDIT_MAX 128         /* bytes of cmdline the kernel puts in PROCTITLE */

#define ID(f) offsetof(struct proc, f)
/* Credentials: a change of any of these makes the event's snapshot the table's. */
static const size_t cred_ids[] = {
	ID(uid), ID(euid), ID(suid), ID(fsuid), ID(gid), ID(egid), ID(sgid), ID(fsgid),
	ID(auid), ID(ses),
};
/* What an exec does not change. */
static const size_t exec_kept_ids[] = { ID(ppid), ID(auid), ID(ses) };
#undef ID

static int64_t *
id_at(struct proc *p, size_t off)
{
	return (int64_t *)(void *)((char *)p + off);
}

static int64_t
id_of(const struct proc *p, size_t off)
{
	return *(const int64_t *)(const void *)((const char *)p + off);
}

static void
fill_ids(struct proc *p, const struct proc *s, const size_t *offs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (*id_at(p, offs[i]) == PROC_ID_UNSET)
			*id_at(p, offs[i]) = id_of(s, offs[i]);
}

static bool
creds_changed(const struct proc *p, const struct proc *s)
{
	for (size_t i = 0; i < NELEM(cred_ids); i++) {
		int64_t a = id_of(p, cred_ids[i]), b = id_of(s, cred_ids[i]);

		if (a != PROC_ID_UNSET && b != PROC_ID_UNSET && a != b)
			return true;
	}
	return false;
}

static bool
same_str(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* Whether P's argv is the kernel's 128-byte PROCTITLE cut of S's longer one. */
static bool
argv_cut_of(const struct proc *p, const struct proc *s)
{
	size_t total = 0, last, slast;
	uint32_t k;

	if (p->argc == 0 || p->argc > s->argc)
		return false;
	for (k = 0; k < p->argc; k++)
		total += strlen(p->argv[k]) + 1;
	if (total < PROCTITLE_AUDIT_MAX)
		return false;
	for (k = 0; k + 1 < p->argc; k++)
		if (strcmp(p->argv[k], s->argv[k]) != 0)
			return false;
	last = strlen(p->argv[k]);
	slast = strlen(s->argv[k]);
	if (slast < last || memcmp(p->argv[k], s->argv[k], last) != 0)
		return false;
	return s->argc > p->argc || slast > last;
}

/* ---- containers ---- */

void
pt_place_copy(struct proc *p, const struct proc *s)
{
	if (p->in_container >= 0 || s == NULL || s->in_container < 0)
		return;
	container_unref(p->container);
	p->container = container_ref(s->container);
	p->in_container = s->in_container;
}

void
pt_place(struct proctab *pt, struct proc *p, const struct proc *fallback, uint64_t now_ns)
{
	struct container *c = NULL;
	int rc;

	if (pt->cfg.containers == NULL)
		return;
	rc = ctrtab_lookup_pid(pt->cfg.containers, p->pid, now_ns, &c);
	if (rc < 0) {
		pt_place_copy(p, fallback);
		return;
	}
	container_unref(p->container);
	p->container = c;
	p->in_container = rc;
}

/* Complete P (the event's, still private) from S (the table's, same process and image). */
static void
fill_from(struct proc *p, const struct proc *s)
{
	fill_ids(p, s, cred_ids, NELEM(cred_ids));
	if (p->ppid == PROC_ID_UNSET)
		p->ppid = s->ppid;
	if (p->comm == NULL)
		p->comm = proc_strdup(p, s->comm);
	if (p->exe == NULL)
		p->exe = proc_strdup(p, s->exe);
	if (p->exe_ino == 0 && same_str(p->exe, s->exe)) {
		p->exe_ino = s->exe_ino;
		p->exe_dev = s->exe_dev;
	}
	if (p->exe_upper_layer < 0 && same_str(p->exe, s->exe))
		p->exe_upper_layer = s->exe_upper_layer;        /* decided at the exec */
	if (p->cwd == NULL)
		p->cwd = proc_strdup(p, s->cwd);
	if (p->has_tty < 0) {
		p->has_tty = s->has_tty;
		p->tty = proc_strdup(p, s->tty);
	}
	if (p->start_ns == 0)
		p->start_ns = s->start_ns;
	if (s->argv && (p->argv == NULL || argv_cut_of(p, s)))
		proc_set_argv(p, (const char *const *)s->argv, s->argc);
	if (p->caps_known == 0) {
		p->cap_effective = s->cap_effective;
		p->cap_permitted = s->cap_permitted;
		p->caps_known = s->caps_known;
	}
	pt_place_copy(p, s);        /* no cgroup read for a process already placed */
}

/* Complete P, the image an exec just made, from S, the process before the exec. */
static void
fill_after_exec(struct proc *p, const struct proc *s)
{
	fill_ids(p, s, exec_kept_ids, NELEM(exec_kept_ids));
	if (p->cwd == NULL)
		p->cwd = proc_strdup(p, s->cwd);
	if (p->has_tty < 0) {
		p->has_tty = s->has_tty;
		p->tty = proc_strdup(p, s->tty);
	}
	p->start_ns = s->start_ns;      /* exec does not restart the process */
}

static bool
valid_pid(int64_t pid)
{
	return pid > 0 && pid <= INT32_MAX;
}

/* EV's snapshot as one this code may still change: the converter's own, or a private copy
 * when someone else already holds it. */
static struct proc *
own_proc(struct event *ev)
{
	struct proc *p = ev->proc;

	if (p->refs > 1) {
		struct proc *c = pt_snap_copy(p, p->pid);

		c->parent = proc_ref(p->parent);
		proc_unref(p);
		ev->proc = p = c;
	}
	if (!valid_pid(p->pid) && valid_pid(ev->pid))
		p->pid = ev->pid;
	return p;
}

/* The entry of PID at time TS, and whether its snapshot was just read from /proc. */
static struct pt_entry *
current(struct proctab *pt, int64_t pid, const struct event *ev, uint64_t now_ns,
        bool *fresh)
{
	struct pt_entry *known = pt_find(pt, pid), *e;
	struct proc *before = proc_ref(known ? known->snap : NULL);

	e = pt_current(pt, pid, ev->ts_ns, now_ns);
	*fresh = e && e->snap != before;
	proc_unref(before);
	return e;
}

/* A pid first seen through an event, with nothing left in /proc: the event describes it. */
static void
adopt(struct proctab *pt, struct proc *p, const struct event *ev, uint64_t now_ns)
{
	struct pt_entry *e = pt_find(pt, p->pid);

	if (e && e->pins)
		return;
	if (e) {
		pt->st.reused++;        /* a dead entry, and this event came after its exit */
		pt_drop(pt, e);
	}
	e = pt_insert(pt, p->pid, now_ns);
	e->pins++;
	e->born_ns = p->start_ns ? p->start_ns : ev->ts_ns;
	pt_link_parent(pt, p, 0, now_ns);
	if (p->in_container < 0)
		pt_place(pt, p, p->parent, now_ns);     /* usually gone: the parent's placement */
	pt_set_snap(e, p);
	e->pins--;
}

static void
on_exec(struct proctab *pt, struct event *ev, uint64_t now_ns)
{
	struct proc *p = ev->proc;
	bool fresh = false;
	struct pt_entry *e = current(pt, p->pid, ev, now_ns, &fresh);

	if (e && e->exited && ev->ts_ns > e->exit_ts)
		e = NULL;               /* the pid's old process is gone: this is a new one */
	if (e == NULL) {
		adopt(pt, p, ev, now_ns);
		return;
	}
	if (fresh) {
		fill_from(p, e->snap);  /* /proc was read after this exec: the same image */
	} else {
		fill_after_exec(p, e->snap);
		/* runc (and nsenter-style tools) join the cgroup before the exec: ask again. */
		pt_place(pt, p, e->snap, now_ns);
	}
	/* An exec recomputes the capability sets (file capabilities, setuid root): the old
	 * image's are not the new one's.  /proc has the new ones while the process still runs
	 * this image; otherwise they stay unknown. */
	if (!fresh && p->caps_known == 0 && !e->exited)
		(void)procfs_read_caps(&pt->fs, p, e->start_ticks);
	if (p->exe_ino == 0 && ev->file.inode && same_str(ev->file.path, p->exe)) {
		p->exe_ino = ev->file.inode;
		p->exe_dev = ev->file.dev;
	}
	e->pins++;
	pt_link_parent(pt, p, 0, now_ns);
	pt_set_snap(e, p);
	e->checked = false;
	e->pins--;
}

static void
on_other(struct proctab *pt, struct event *ev, uint64_t now_ns)
{
	struct proc *p = ev->proc;
	bool fresh = false;
	struct pt_entry *e = current(pt, p->pid, ev, now_ns, &fresh);

	if (e == NULL) {
		adopt(pt, p, ev, now_ns);
		return;
	}
	if (!fresh && !e->checked && !e->exited && p->exe && e->snap->exe &&
	    strcmp(p->exe, e->snap->exe) != 0) {
		/* Another image than the table's: an exec we did not see, or a new process on a
		 * reused pid whose exit we did not see.  /proc tells which, once per snapshot. */
		struct pt_entry *f = pt_reload(pt, p->pid, now_ns);

		e = f ? f : pt_find(pt, p->pid);
		if (e == NULL || e->snap == NULL)
			return;
		e->checked = true;
	}
	e->pins++;
	fill_from(p, e->snap);
	if (creds_changed(p, e->snap)) {
		pt_link_parent(pt, p, 0, now_ns);
		pt_set_snap(e, p);
	} else {
		pt_link_event(pt, p, now_ns);
	}
	e->pins--;
}

static bool
is_thread_clone(const struct event *ev, bool *known)
{
	const struct event_arg *flags = event_get_arg(ev, "flags");

	*known = ev->type == EVT_fork || ev->type == EVT_vfork;
	if (ev->type != EVT_clone || flags == NULL || flags->num == EVENT_NUM_UNSET)
		return false;
	*known = true;
	return (flags->num & CLONE_THREAD) != 0;
}

static void
on_fork(struct proctab *pt, const struct event *ev, uint64_t now_ns)
{
	int64_t child = ev->res;
	bool known;
	struct pt_entry *e;
	struct proc *c;

	if (!valid_pid(child) || is_thread_clone(ev, &known))
		return;
	e = pt_find(pt, child);
	if (e && (e->pins || (e->born_ns && e->born_ns + PROCTAB_SLACK_NS >= ev->ts_ns)))
		return;                 /* the child spoke before its parent's fork record */
	if (!known) {
		(void)pt_load(pt, child, 0, now_ns);    /* clone3: only /proc tells a thread */
		return;
	}
	if (e) {
		pt->st.reused++;
		pt_drop(pt, e);
	}
	c = pt_snap_copy(ev->proc, child);
	c->ppid = ev->proc->pid;
	c->start_ns = ev->ts_ns;
	e = pt_insert(pt, child, now_ns);
	e->pins++;
	e->born_ns = ev->ts_ns;
	pt_link_parent(pt, c, 0, now_ns);
	pt_set_snap(e, c);
	e->pins--;
	proc_unref(c);
}

/* The entry that describes PID for an event stamped TS that carries no snapshot: never one of
 * a process that started after the event (a pid reused since). */
static struct pt_entry *
describing(struct proctab *pt, int64_t pid, uint64_t ts_ns, uint64_t now_ns)
{
	struct pt_entry *e = pt_current(pt, pid, ts_ns, now_ns);

	if (e && ts_ns && e->born_ns > ts_ns + PROCTAB_SLACK_NS)
		return NULL;
	return e;
}

bool
proctab_knows(struct proctab *pt, int64_t pid, uint64_t ts_ns, uint64_t now_ns)
{
	return pt != NULL && describing(pt, pid, ts_ns, now_ns) != NULL;
}

void
proctab_enrich(struct proctab *pt, struct event *ev, uint64_t now_ns)
{
	struct pt_entry *e;

	if (pt == NULL || ev == NULL)
		return;
	if (ev->proc == NULL) {
		e = describing(pt, ev->pid, ev->ts_ns, now_ns);
		if (e)
			ev->proc = proc_ref(e->snap);
		return;
	}
	if (!valid_pid(own_proc(ev)->pid))
		return;                 /* nothing to key on: the event keeps what it has */
	if ((ev->type == EVT_execve || ev->type == EVT_execveat) && ev->success == 1)
		on_exec(pt, ev, now_ns);
	else
		on_other(pt, ev, now_ns);
	if ((ev->type == EVT_fork || ev->type == EVT_vfork || ev->type == EVT_clone ||
	     ev->type == EVT_clone3) && ev->success == 1)
		on_fork(pt, ev, now_ns);
	if (ev->type == EVT_exit_group && (e = pt_find(pt, ev->proc->pid)) != NULL)
		pt_mark_exited(pt, e, ev->ts_ns, now_ns);
}
