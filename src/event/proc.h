/* proc.h - an immutable, reference-counted snapshot of one process.
 * A snapshot holds what was known of a process when an event happened: identity, credentials,
 * names, argv, cwd, tty and (once state/ links it) its parent's snapshot.  Sources create one
 * per event from what the kernel reported; the process table (state/) shares them between
 * events and chains parents.  A snapshot is filled in by its creator and then never changed,
 * so any number of events may hold it.  Strings live in the snapshot's own arena. */
#ifndef SHIKRA_PROC_H
#define SHIKRA_PROC_H

#include <stdint.h>

#include "core/arena.h"
#include "event/container.h"

#define PROC_ID_UNSET (-1)   /* an id the source did not report; distinct from 4294967295 */
/* First arena chunk of a snapshot: most hold a comm, an exe, a cwd and a few arguments, and
 * the table keeps tens of thousands of them; a bigger argv grows the arena. */
#define PROC_ARENA_CHUNK 256
#define PROC_CAP_EFFECTIVE 1u /* bits of struct proc.caps_known */
#define PROC_CAP_PERMITTED 2u

struct proc {
	unsigned refs;
	int64_t  pid, ppid;
	/* Credentials.  auid is the login uid (4294967295 = never logged in), ses the session. */
	int64_t  uid, euid, suid, fsuid;
	int64_t  gid, egid, sgid, fsgid;
	int64_t  auid, ses;
	char    *comm;        /* kernel task name, <= 15 bytes on Linux; NULL = unknown */
	char    *exe;         /* absolute path of the executable; NULL = unknown */
	char    *cwd;         /* NULL = unknown */
	char    *tty;         /* "pts0", "tty1"; NULL = none or unknown (see has_tty) */
	int      has_tty;     /* 1 = tty known to be set, 0 = known to be none, -1 = unknown */
	char   **argv;        /* argc strings, NULL when the argv is unknown */
	uint32_t argc;
	uint64_t start_ns;    /* process start (wall clock ns), 0 = unknown */
	uint64_t exe_ino, exe_dev;   /* 0 = unknown */
	/* Capability sets, bit N = capability N (CAP_SYS_ADMIN is 21), as /proc/PID/status
	 * prints them.  0 is a real value (no capabilities), so CAPS_KNOWN says which are set. */
	uint64_t cap_effective, cap_permitted;
	unsigned caps_known;  /* PROC_CAP_EFFECTIVE | PROC_CAP_PERMITTED; 0 = neither known */
	/* The container the process runs in (owned reference) when in_container is 1; NULL
	 * for a host process (in_container 0) or when nobody could tell (-1). */
	struct container *container;
	int      in_container;
	/* proc.is_exe_upper_layer: 1 when exe was in the container's overlay upper layer (written
	 * or copied up after the container started) when this snapshot was made, 0 when it was
	 * not, -1 no value (a host process, or unknown).  Set by state/ctrpath.h. */
	int      exe_upper_layer;
	struct proc *parent;  /* owned reference, or NULL */
	struct arena mem;
};

/* Return a new snapshot with refs = 1 and every id PROC_ID_UNSET. Never NULL. */
struct proc *proc_new(int64_t pid);
struct proc *proc_ref(struct proc *p);       /* NULL-safe; returns P */
void proc_unref(struct proc *p);             /* NULL-safe; frees at zero, then the parent ref */

/* Copy S into P's arena; NULL stays NULL.  Only while P is being filled in. */
char *proc_strdup(struct proc *p, const char *s);
/* Set argv from COUNT strings, copied into P's arena. */
void proc_set_argv(struct proc *p, const char *const *argv, uint32_t count);

#endif
