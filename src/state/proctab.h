/* proctab.h - the process table: pid -> what shikra knows about the process.
 * Seeded from /proc at start and kept current from the event stream: an exec event replaces
 * the pid's snapshot (argv, exe, cwd, credentials as the kernel reported them), a fork/clone
 * (when audited) or the first sight of a pid creates one, an exit event marks it gone.  Every
 * event passes through proctab_enrich() before the rules see it: the event's own process
 * snapshot (what the kernel said in this event) is completed from the table (argv, cwd,
 * start time, tty) and linked to its parent's snapshot, so proc.pname, proc.aname[N] and
 * proc.apid[N] work; an event that carries no snapshot (fanotify) gets the table's.  A process
 * that has exited stays describable until it is evicted after a grace time.  Pid reuse is
 * detected by start time.  Memory is bounded: the oldest exited entries go first, then the
 * least recently seen.  /proc is read lazily for pids the table has never seen; an unreadable
 * or vanished /proc entry is not an error.  The table is single-threaded.
 * Ancestors: an event's parent link is the parent's snapshot when the event is enriched;
 * further ancestors are as they were when that parent snapshot was made, so an ancestor's
 * later exec shows in proc.pname of new events but not in an older snapshot's proc.aname[2+].
 * A snapshot the table keeps has at most max_ancestors ancestors (an event's, one more). */
#ifndef SHIKRA_PROCTAB_H
#define SHIKRA_PROCTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event/event.h"

struct proctab;
struct ctrtab;

struct proctab_config {
	const char *proc_root;      /* "/proc" unless a test says otherwise */
	/* The container table (borrowed; it must outlive this table), or NULL: then nothing is
	 * placed and every snapshot's in_container stays -1.  A snapshot the table makes for a
	 * process it has not placed (seeding, first sight, exec) asks ctrtab_lookup_pid(); one
	 * it makes without /proc (the process is gone) takes its parent's placement. */
	struct ctrtab *containers;
	uint32_t max_entries;       /* 0 = 65536 */
	uint64_t exit_grace_ns;     /* how long an exited process stays; 0 = 30 s */
	uint32_t max_ancestors;     /* parent links built per snapshot; 0 = 16 */
};

struct proctab_stats {
	uint64_t entries;           /* current */
	uint64_t seeded;            /* read from /proc at start */
	uint64_t lazy_reads;        /* /proc reads for unknown pids */
	uint64_t proc_errors;       /* /proc entries that vanished or could not be read */
	uint64_t reused;            /* pid reuse detected */
	uint64_t evicted;
};

/* Create an empty table.  CFG may be NULL for defaults.  0 or -ENOMEM. */
int  proctab_new(const struct proctab_config *cfg, struct proctab **out);
void proctab_free(struct proctab *pt);                 /* NULL-safe; drops every snapshot */

/* Read every process under proc_root.  0 or -errno if proc_root cannot be listed. */
int  proctab_seed(struct proctab *pt);

/* Complete EV's process information from the table and update the table from EV (exec,
 * fork, exit).  NOW_NS is the wall clock.  Never fails: missing data stays missing. */
void proctab_enrich(struct proctab *pt, struct event *ev, uint64_t now_ns);

/* Whether the table can describe PID as it was at TS_NS (an event without a snapshot, such as
 * fanotify's, stamped TS_NS): it has an entry for PID, or /proc has a process with that pid
 * that had started by then (the table then keeps it).  False for a pid that is unknown and
 * gone, and for one whose /proc entry belongs to a process started after TS_NS (the pid was
 * reused): proctab_enrich() would leave such an event without a process, and the caller may
 * wait for audit's record of the exec (state/evhold.h) before enriching it. */
bool proctab_knows(struct proctab *pt, int64_t pid, uint64_t ts_ns, uint64_t now_ns);

/* The current snapshot of PID (a new reference the caller unrefs), reading /proc if the table
 * does not know it; NULL if the process is unknown and gone. */
struct proc *proctab_get(struct proctab *pt, int64_t pid, uint64_t now_ns);

/* Evict exited entries older than the grace time; call from a housekeeping timer. */
void proctab_expire(struct proctab *pt, uint64_t now_ns);
const struct proctab_stats *proctab_stats(const struct proctab *pt);

#endif
