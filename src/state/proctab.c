/* proctab.c - the process table's storage: entries by pid, the parent links between their
 * snapshots, eviction, and seeding from /proc (see proctab.h; proctab_event.c holds what each
 * event changes, procfs.c the /proc formats).
 *
 * Entries live in a hash of 2^bits chains (bits fixed at creation from max_entries, so lookup
 * stays O(1) and nothing rehashes) and on exactly one of two lists: the live list in order of
 * last sight (head = least recently seen) and the dead list in order of exit (head = oldest).
 * Eviction takes the head of the dead list, else the head of the live list: exited entries
 * past their grace time go first because they are the oldest exited ones, then the other
 * exited ones, then the least recently seen.  Both lists are kept in the order operations
 * happen, so with a clock that goes backwards (replay) the order is the arrival order.
 *
 * Parent links.  A snapshot's parent is the parent's table snapshot when the link is made, and
 * that snapshot's own parent is whatever it was linked to when it was made.  So an ancestor
 * that execs later is not reflected in the chains of snapshots made before: an event's
 * proc.pname is current (its link is made when the event is enriched), its proc.aname[2] and
 * beyond are as of the moment its parent's snapshot was made.  Because snapshots are shared
 * and immutable, a chain can keep snapshots alive that the table no longer holds (a process
 * that forks and exits in a loop would otherwise grow one chain without end); to bound that,
 * a snapshot the table keeps has at most max_ancestors ancestors, the top of a chain that
 * would be longer being copied and cut (needed only below depth max_ancestors, once per
 * exec, fork or read there).  An event's own snapshot, which only the event holds, links to
 * its parent's table snapshot as it is and so may have one ancestor more. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/now.h"
#include "state/ctrpath.h"
#include "state/proctab_int.h"

#define DEFAULT_MAX_ENTRIES 65536u
#define LIMIT_MAX_ENTRIES   (1u << 22)
#define DEFAULT_GRACE_NS    (UINT64_C(30) * 1000000000)
#define DEFAULT_ANCESTORS   16u
#define LIMIT_ANCESTORS     64u         /* the rules never look further (FIELDS_MAX_DEPTH) */

/* ---- the hash and the two lists ---- */

static size_t
bucket_of(const struct proctab *pt, int64_t pid)
{
	return (size_t)(((uint64_t)pid * UINT64_C(0x9e3779b97f4a7c15)) >> (64 - pt->bits));
}

struct pt_entry *
pt_find(struct proctab *pt, int64_t pid)
{
	struct pt_entry *e = pt->buckets[bucket_of(pt, pid)];

	while (e && e->pid != pid)
		e = e->hnext;
	return e;
}

static void
list_remove(struct pt_list *l, struct pt_entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		l->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		l->tail = e->prev;
	e->prev = e->next = NULL;
}

static void
list_append(struct pt_list *l, struct pt_entry *e)
{
	e->prev = l->tail;
	e->next = NULL;
	if (l->tail)
		l->tail->next = e;
	else
		l->head = e;
	l->tail = e;
}

static struct pt_list *
list_of(struct proctab *pt, const struct pt_entry *e)
{
	return e->exited ? &pt->dead : &pt->live;
}

void
pt_drop(struct proctab *pt, struct pt_entry *e)
{
	struct pt_entry **link = &pt->buckets[bucket_of(pt, e->pid)];

	while (*link != e)
		link = &(*link)->hnext;
	*link = e->hnext;
	list_remove(list_of(pt, e), e);
	proc_unref(e->snap);
	free(e);
	pt->st.entries--;
}

static struct pt_entry *
first_unpinned(struct pt_entry *e)
{
	while (e && e->pins)
		e = e->next;
	return e;
}

/* Make room for one entry.  Pinned entries (being built or used up the call stack) are
 * passed by; if every entry is pinned the table grows past max_entries by at most the depth
 * of the call stack, and shrinks back on the next insertion. */
static void
evict_one(struct proctab *pt)
{
	struct pt_entry *victim = first_unpinned(pt->dead.head);

	if (victim == NULL)
		victim = first_unpinned(pt->live.head);
	if (victim) {
		pt_drop(pt, victim);
		pt->st.evicted++;
	}
}

struct pt_entry *
pt_insert(struct proctab *pt, int64_t pid, uint64_t now_ns)
{
	struct pt_entry *e;
	size_t b = bucket_of(pt, pid);

	while (pt->st.entries >= pt->cfg.max_entries && pt->st.entries > 0) {
		uint64_t before = pt->st.entries;

		evict_one(pt);
		if (pt->st.entries == before)
			break;
	}
	e = calloc(1, sizeof(*e));
	if (e == NULL)
		abort();
	e->pid = pid;
	e->seen_ns = now_ns;
	e->hnext = pt->buckets[b];
	pt->buckets[b] = e;
	list_append(&pt->live, e);
	pt->st.entries++;
	return e;
}

void
pt_touch(struct proctab *pt, struct pt_entry *e, uint64_t now_ns)
{
	e->seen_ns = now_ns;
	if (!e->exited) {
		list_remove(&pt->live, e);
		list_append(&pt->live, e);
	}
}

void
pt_mark_exited(struct proctab *pt, struct pt_entry *e, uint64_t ts_ns, uint64_t now_ns)
{
	if (e->exited)
		return;
	list_remove(&pt->live, e);
	e->exited = true;
	e->exit_ts = ts_ns ? ts_ns : now_ns;
	e->exit_at = now_ns;
	list_append(&pt->dead, e);
}

void
pt_set_snap(struct pt_entry *e, struct proc *p)
{
	struct proc *old = e->snap;

	/* The one place every new snapshot passes while still private (exec, seeding, lazy
	 * reads, fork copies, credential changes): proc.is_exe_upper_layer is decided here,
	 * once per image.  Needs P's container placed before this call. */
	if (p->refs == 1)
		ctrpath_exe_upper(p);

	e->snap = proc_ref(p);
	proc_unref(old);
}

/* ---- snapshots and their chains ---- */

struct proc *
pt_snap_copy(const struct proc *s, int64_t pid)
{
	struct proc *p = proc_new(pid);
	struct arena mem = p->mem;

	*p = *s;                    /* ids, counts, numbers */
	p->refs = 1;
	p->pid = pid;
	p->parent = NULL;
	p->mem = mem;
	p->comm = proc_strdup(p, s->comm);
	p->exe = proc_strdup(p, s->exe);
	p->cwd = proc_strdup(p, s->cwd);
	p->tty = proc_strdup(p, s->tty);
	p->container = container_ref(s->container);
	p->argv = NULL;
	p->argc = 0;
	if (s->argv)
		proc_set_argv(p, (const char *const *)s->argv, s->argc);
	return p;
}

/* How many snapshots the chain starting at Q holds (Q included), counting at most LIMIT + 1,
 * and whether P is one of the first LIMIT + 1 (a link to Q would then close a cycle). */
static uint32_t
chain_len(const struct proc *q, uint32_t limit, const struct proc *p, bool *has_p)
{
	uint32_t n = 0;

	*has_p = false;
	for (; q && n <= limit; q = q->parent, n++)
		if (q == p)
			*has_p = true;
	return n;
}

/* A copy of the first N snapshots of the chain at Q, the last without a parent. */
static struct proc *
chain_cut(const struct proc *q, uint32_t n)
{
	struct proc *head = NULL, **link = &head;

	for (uint32_t i = 0; i < n && q; i++, q = q->parent) {
		*link = pt_snap_copy(q, q->pid);
		link = &(*link)->parent;
	}
	return head;
}

/* A new reference to the table's snapshot of PPID, read lazily while DEPTH allows. */
static struct proc *
parent_snap(struct proctab *pt, int64_t ppid, uint32_t depth, uint64_t now_ns)
{
	struct pt_entry *e = pt_find(pt, ppid);

	if (e == NULL && depth < pt->cfg.max_ancestors)
		e = pt_load(pt, ppid, depth + 1, now_ns);
	if (e == NULL || e->snap == NULL)
		return NULL;            /* unknown, or being built further down the stack */
	if (e->unlinked && e->pins == 0) {
		/* Seeded but not linked yet (a process that appeared during seeding has a seeded
		 * parent): link it first, so the chain measured below is final. */
		e->pins++;
		e->unlinked = false;
		pt_link_parent(pt, e->snap, depth + 1, now_ns);
		e->pins--;
	}
	if (!e->exited)
		pt_touch(pt, e, now_ns);
	return proc_ref(e->snap);
}

static void
link_parent(struct proctab *pt, struct proc *p, uint32_t depth, uint64_t now_ns, bool cut)
{
	uint32_t max = pt->cfg.max_ancestors, n;
	struct proc *q;
	bool cycle;

	if (p->parent || p->ppid <= 0 || p->ppid == p->pid)
		return;                 /* a source's own link stays; 0 is no process */
	q = parent_snap(pt, p->ppid, depth, now_ns);
	if (q == NULL)
		return;
	n = chain_len(q, max, p, &cycle);
	if (cycle) {
		proc_unref(q);          /* garbled ppids in a fake tree: no link at all */
		return;
	}
	if (cut && n > max) {
		struct proc *top = chain_cut(q, max);

		proc_unref(q);
		q = top;
	}
	p->parent = q;
}

void
pt_link_parent(struct proctab *pt, struct proc *p, uint32_t depth, uint64_t now_ns)
{
	link_parent(pt, p, depth, now_ns, true);
}

void
pt_link_event(struct proctab *pt, struct proc *p, uint64_t now_ns)
{
	link_parent(pt, p, 0, now_ns, false);
}

/* ---- reading /proc into the table ---- */

/* Whether the entry E and a process read from /proc (X, START_NS) are the same process. */
static bool
same_process(const struct pt_entry *e, const struct procfs_extra *x, uint64_t start_ns)
{
	if (e->start_ticks && x->start_ticks)
		return e->start_ticks == x->start_ticks;
	if (e->born_ns && start_ns)
		return e->born_ns <= start_ns + PROCTAB_SLACK_NS &&
		       start_ns <= e->born_ns + PROCTAB_SLACK_NS;
	/* Nothing to compare: a live entry is taken as the same process; a dead one is only
	 * still there as a zombie. */
	return !e->exited || x->state == 'Z' || x->state == 'X';
}

static void
set_facts(struct pt_entry *e, const struct procfs_extra *x, uint64_t start_ns)
{
	e->start_ticks = x->start_ticks;
	if (start_ns)
		e->born_ns = start_ns;
}

struct how {
	uint32_t depth;             /* of lazy parent reads so far */
	uint64_t now_ns;
	bool refresh;               /* replace the snapshot even of the same process */
	bool redirect;              /* a tid may resolve to its process */
};

/* Install the snapshot P read from /proc for PID: keep an entry of the same process (its
 * snapshot may come from an exec event and know more) unless told to refresh it, replace
 * one of another process.  An entry in use up the call stack is never replaced. */
static struct pt_entry *
install(struct proctab *pt, struct proc *p, const struct procfs_extra *x,
        const struct how *how)
{
	struct pt_entry *e = pt_find(pt, p->pid);
	bool same = e && same_process(e, x, p->start_ns);

	if (e && (e->snap == NULL || e->pins))
		return e->snap ? e : NULL;
	if (same && !how->refresh) {
		if (e->start_ticks == 0)
			set_facts(e, x, e->born_ns ? 0 : p->start_ns);
		pt_touch(pt, e, how->now_ns);
		return e;
	}
	if (e && !same) {
		pt->st.reused++;
		pt_drop(pt, e);
		e = NULL;
	}
	if (e == NULL)
		e = pt_insert(pt, p->pid, how->now_ns);
	e->pins++;
	set_facts(e, x, p->start_ns);
	pt_link_parent(pt, p, how->depth, how->now_ns);
	pt_place(pt, p, p->parent, how->now_ns);
	pt_set_snap(e, p);
	pt_touch(pt, e, how->now_ns);
	e->pins--;
	return e;
}

static struct pt_entry *
load(struct proctab *pt, int64_t pid, struct how *how)
{
	struct procfs_extra x;
	struct pt_entry *e;
	struct proc *p;

	pt->st.lazy_reads++;
	if (procfs_read(&pt->fs, pid, &p, &x) < 0) {
		pt->st.proc_errors++;
		return NULL;
	}
	if (x.tgid > 0 && x.tgid != pid) {
		/* A thread id (/proc answers for hidden tids too): describe its process. */
		proc_unref(p);
		e = pt_find(pt, x.tgid);
		if (e || !how->redirect)
			return e;
		how->redirect = false;
		return load(pt, x.tgid, how);
	}
	e = install(pt, p, &x, how);
	proc_unref(p);
	return e;
}

struct pt_entry *
pt_load(struct proctab *pt, int64_t pid, uint32_t depth, uint64_t now_ns)
{
	struct how how = { .depth = depth, .now_ns = now_ns, .redirect = true };

	return load(pt, pid, &how);
}

struct pt_entry *
pt_reload(struct proctab *pt, int64_t pid, uint64_t now_ns)
{
	struct how how = { .now_ns = now_ns, .refresh = true, .redirect = false };

	return load(pt, pid, &how);
}

struct pt_entry *
pt_current(struct proctab *pt, int64_t pid, uint64_t ts_ns, uint64_t now_ns)
{
	struct pt_entry *e;

	if (pid <= 0 || pid > INT32_MAX)
		return NULL;
	e = pt_find(pt, pid);
	if (e == NULL || (e->exited && ts_ns > e->exit_ts)) {
		struct pt_entry *fresh = pt_load(pt, pid, 0, now_ns);

		e = fresh ? fresh : pt_find(pt, pid);
	}
	if (e && e->snap == NULL)
		return NULL;
	if (e)
		pt_touch(pt, e, now_ns);
	return e;
}

/* ---- seeding ---- */

struct seed {
	struct proctab *pt;
	int64_t *pids;              /* installed by this seed, linked in the second pass */
	size_t n, cap;
	uint64_t now_ns;
};

static int
seed_one(int64_t pid, void *arg)
{
	struct seed *s = arg;
	struct proctab *pt = s->pt;
	struct procfs_extra x;
	struct pt_entry *e;
	struct proc *p;

	if (procfs_read(&pt->fs, pid, &p, &x) < 0) {
		pt->st.proc_errors++;   /* gone since the listing, or unreadable */
		return 0;
	}
	e = pt_find(pt, pid);
	if (e && e->snap && same_process(e, &x, p->start_ns)) {
		proc_unref(p);          /* known: what the events told us is newer */
		return 0;
	}
	if (e) {
		pt->st.reused++;
		pt_drop(pt, e);
	}
	pt_place(pt, p, NULL, s->now_ns);
	e = pt_insert(pt, pid, s->now_ns);
	set_facts(e, &x, p->start_ns);
	e->snap = p;                /* the sole reference until the links are made */
	e->unlinked = true;
	pt->st.seeded++;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		int64_t *pids = realloc(s->pids, cap * sizeof(*pids));

		if (pids == NULL)
			return -ENOMEM;
		s->pids = pids;
		s->cap = cap;
	}
	s->pids[s->n++] = pid;
	return 0;
}

/* Link E's unlinked ancestors before E, so that each link sees its parent's final chain.
 * The walk is iterative (a tree can be deep) and stops at an entry already on the stack. */
static void
seed_link(struct proctab *pt, struct pt_entry *e, struct pt_entry ***stack, size_t *cap,
          uint64_t now_ns)
{
	size_t n = 0;

	while (e && e->unlinked && e->pins == 0) {
		if (n == *cap) {
			size_t c = *cap ? *cap * 2 : 64;
			struct pt_entry **st = realloc(*stack, c * sizeof(*st));

			if (st == NULL)
				abort();
			*stack = st;
			*cap = c;
		}
		e->pins++;
		(*stack)[n++] = e;
		e = e->snap->ppid > 0 ? pt_find(pt, e->snap->ppid) : NULL;
	}
	while (n > 0) {
		e = (*stack)[--n];
		e->unlinked = false;
		pt_link_parent(pt, e->snap, 0, now_ns);
		e->pins--;
	}
}

int
proctab_seed(struct proctab *pt)
{
	struct seed s = { .pt = pt, .now_ns = now_wall_ns() };
	struct pt_entry **stack = NULL;
	size_t cap = 0;
	int rc;

	if (pt->fs.rootfd < 0) {
		procfs_close(&pt->fs);
		if ((rc = procfs_open(pt->cfg.proc_root, &pt->fs)) < 0)
			return rc;
	}
	rc = procfs_list(&pt->fs, seed_one, &s);
	for (size_t i = 0; i < s.n; i++) {
		struct pt_entry *e = pt_find(pt, s.pids[i]);

		if (e && e->unlinked)
			seed_link(pt, e, &stack, &cap, s.now_ns);
	}
	free(stack);
	free(s.pids);
	return rc < 0 ? rc : 0;
}

/* ---- the public face ---- */

int
proctab_new(const struct proctab_config *cfg, struct proctab **out)
{
	struct proctab *pt = calloc(1, sizeof(*pt));
	int rc = -ENOMEM;

	*out = NULL;
	if (pt == NULL)
		return -ENOMEM;
	if (cfg)
		pt->cfg = *cfg;
	if (pt->cfg.proc_root == NULL)
		pt->cfg.proc_root = "/proc";
	if (pt->cfg.max_entries == 0)
		pt->cfg.max_entries = DEFAULT_MAX_ENTRIES;
	if (pt->cfg.max_entries > LIMIT_MAX_ENTRIES)
		pt->cfg.max_entries = LIMIT_MAX_ENTRIES;
	if (pt->cfg.exit_grace_ns == 0)
		pt->cfg.exit_grace_ns = DEFAULT_GRACE_NS;
	if (pt->cfg.max_ancestors == 0)
		pt->cfg.max_ancestors = DEFAULT_ANCESTORS;
	if (pt->cfg.max_ancestors > LIMIT_ANCESTORS)
		pt->cfg.max_ancestors = LIMIT_ANCESTORS;
	for (pt->bits = 6; (UINT32_C(1) << pt->bits) < pt->cfg.max_entries; pt->bits++)
		;
	pt->buckets = calloc((size_t)1 << pt->bits, sizeof(*pt->buckets));
	if (pt->buckets == NULL)
		goto fail;
	/* proc_root may not exist yet: seeding reports that; lazy reads find nothing. */
	rc = procfs_open(pt->cfg.proc_root, &pt->fs);
	if (rc == -ENOMEM)
		goto fail;
	*out = pt;
	return 0;
fail:
	proctab_free(pt);
	return -ENOMEM;
}

void
proctab_free(struct proctab *pt)
{
	if (pt == NULL)
		return;
	while (pt->live.head)
		pt_drop(pt, pt->live.head);
	while (pt->dead.head)
		pt_drop(pt, pt->dead.head);
	free(pt->buckets);
	procfs_close(&pt->fs);
	free(pt);
}

struct proc *
proctab_get(struct proctab *pt, int64_t pid, uint64_t now_ns)
{
	struct pt_entry *e = pt_current(pt, pid, now_ns, now_ns);

	return e ? proc_ref(e->snap) : NULL;
}

void
proctab_expire(struct proctab *pt, uint64_t now_ns)
{
	struct pt_entry *e = pt->dead.head;

	while (e && e->exit_at + pt->cfg.exit_grace_ns <= now_ns) {
		struct pt_entry *next = e->next;

		if (e->pins == 0) {
			pt_drop(pt, e);
			pt->st.evicted++;
		}
		e = next;
	}
}

const struct proctab_stats *
proctab_stats(const struct proctab *pt)
{
	return &pt->st;
}
