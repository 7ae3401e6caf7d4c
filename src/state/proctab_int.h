/* proctab_int.h - what proctab.c (the table: entries, links, eviction, seeding) and
 * proctab_event.c (what each event changes) share; private to src/state/.
 *
 * Ownership: the table holds one reference to each entry's snapshot.  A snapshot is mutable
 * only while its creator holds the sole reference and has not yet handed it to the table or
 * to an event; after that it is never changed.  Entry pointers are invalidated by anything
 * that can insert (an insertion may evict); code that keeps an entry across such a call pins
 * it first, and eviction passes pinned entries by. */
#ifndef SHIKRA_STATE_PROCTAB_INT_H
#define SHIKRA_STATE_PROCTAB_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "state/proctab.h"
#include "state/procfs.h"

/* How far a start time read from /proc (boot time has 1 s resolution, start time one clock
 * tick) and an event's timestamp may differ and still name the same process. */
#define PROCTAB_SLACK_NS (UINT64_C(2) * 1000000000)

struct pt_entry {
	int64_t pid;
	struct proc *snap;          /* the table's reference; NULL only while being built */
	uint64_t start_ticks;       /* /proc start time in ticks, 0 = unknown: the reuse key */
	uint64_t born_ns;           /* start time, else the time of the first event naming it */
	uint64_t seen_ns;           /* last event or read (the caller's clock) */
	uint64_t exit_ts;           /* timestamp of the exit event: later events are not ours */
	uint64_t exit_at;           /* the caller's clock at the exit: the grace time runs from it */
	bool exited;
	bool unlinked;              /* seeded, parent link not yet made */
	bool checked;               /* exe mismatch already checked against /proc */
	unsigned pins;
	struct pt_entry *hnext;     /* hash chain */
	struct pt_entry *prev, *next;   /* live list (LRU order) or dead list (exit order) */
};

struct pt_list {
	struct pt_entry *head, *tail;
};

struct proctab {
	struct proctab_config cfg;
	struct procfs fs;
	struct pt_entry **buckets;
	unsigned bits;
	struct pt_list live, dead;
	struct proctab_stats st;
};

/* The entry of PID, or NULL. */
struct pt_entry *pt_find(struct proctab *pt, int64_t pid);
/* A new empty entry for PID (snap NULL, on the live list), evicting one entry first when the
 * table is full.  Replaces nothing: the caller checked that PID has no entry. */
struct pt_entry *pt_insert(struct proctab *pt, int64_t pid, uint64_t now_ns);
void pt_drop(struct proctab *pt, struct pt_entry *e);
void pt_touch(struct proctab *pt, struct pt_entry *e, uint64_t now_ns);
void pt_mark_exited(struct proctab *pt, struct pt_entry *e, uint64_t ts_ns, uint64_t now_ns);

/* Give E the snapshot P (borrowed: the table takes its own reference). */
void pt_set_snap(struct pt_entry *e, struct proc *p);

/* Link P (sole reference, no parent yet) to the table's snapshot of P->ppid, reading /proc
 * for an unknown parent while DEPTH < max_ancestors, and cutting the chain so that P has at
 * most max_ancestors ancestors. */
void pt_link_parent(struct proctab *pt, struct proc *p, uint32_t depth, uint64_t now_ns);
/* The same for a snapshot only an event will hold: no cut (its parent's chain is already
 * bounded, so it has at most max_ancestors + 1 ancestors), hence no copying per event. */
void pt_link_event(struct proctab *pt, struct proc *p, uint64_t now_ns);

/* Read PID from /proc and install it (replacing an entry of another process with that pid,
 * which counts as reuse).  Threads are not entries: a tid resolves to its process.  The
 * entry, or NULL when /proc has nothing usable. */
struct pt_entry *pt_load(struct proctab *pt, int64_t pid, uint32_t depth, uint64_t now_ns);

/* Read PID from /proc again and give its entry the new snapshot even if the process is the
 * same (an exec the events did not show).  The entry, or NULL. */
struct pt_entry *pt_reload(struct proctab *pt, int64_t pid, uint64_t now_ns);

/* The entry that describes PID at time TS, reading /proc when the table does not know PID or
 * its entry has exited before TS (then a live process with that pid is a new one). */
struct pt_entry *pt_current(struct proctab *pt, int64_t pid, uint64_t ts_ns, uint64_t now_ns);

/* A deep copy of P's own fields for PID; no parent, refs = 1.  The container is shared (a
 * new reference). */
struct proc *pt_snap_copy(const struct proc *p, int64_t pid);

/* Place P (private, pid set) in its container through the container table, if there is one.
 * When /proc cannot tell (the process is gone) P keeps a placement it already has, else takes
 * FALLBACK's (the process before an exec, or the parent), else stays unknown. */
void pt_place(struct proctab *pt, struct proc *p, const struct proc *fallback, uint64_t now_ns);
/* Give P (private) the placement of S unless P already has one. */
void pt_place_copy(struct proc *p, const struct proc *s);

#endif
