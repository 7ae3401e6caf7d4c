/* procfs.h - reading one process out of a /proc tree; private to src/state/.
 * procfs owns the file formats (stat, status, cmdline, the exe and cwd links, loginuid,
 * sessionid, the boot time in stat) and nothing else: it builds a fresh snapshot without a
 * parent and never keeps state between calls except the root directory and the clock.  Every
 * file is opened relative to the pid directory's fd, so one read can never mix two processes
 * that shared a pid; every read is bounded; a file that is not a regular file is refused
 * without blocking (a FIFO planted in a fake tree cannot hang the daemon).  The parsers are
 * exported so tests can feed them hostile text. */
#ifndef SHIKRA_STATE_PROCFS_H
#define SHIKRA_STATE_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event/proc.h"

#define PROCFS_CMDLINE_MAX (64u * 1024)   /* bytes of argv kept from /proc/PID/cmdline */
#define PROCFS_ARGC_MAX    4096u          /* arguments kept */
#define PROCFS_COMM_MAX    64u            /* kernel threads' names may exceed TASK_COMM_LEN */

struct procfs {
	int rootfd;             /* the proc root, O_DIRECTORY; -1 when closed */
	uint64_t btime_ns;      /* boot time (wall ns) from ROOT/stat; 0 = unknown */
	uint64_t clk_tck;       /* sysconf(_SC_CLK_TCK) */
	char *buf;              /* PROCFS_CMDLINE_MAX + 1 bytes of scratch */
};

/* What /proc/PID/stat says, beyond the snapshot. */
struct procfs_stat {
	int64_t pid, ppid;
	char comm[PROCFS_COMM_MAX + 1];
	char state;             /* 'R', 'S', 'Z', ... */
	uint64_t tty_nr;        /* new_encode_dev() form, 0 = no terminal */
	uint64_t start_ticks;   /* clock ticks after boot */
};

/* What /proc/PID/status says that shikra uses.  Absent lines leave PROC_ID_UNSET / false. */
struct procfs_status {
	int64_t tgid;
	int64_t uid[4], gid[4];         /* real, effective, saved, filesystem */
	uint64_t cap_eff, cap_prm;      /* CapEff, CapPrm */
	unsigned caps_known;            /* PROC_CAP_* of the two lines that parsed */
};

/* Facts a reader needs besides the snapshot: the reuse key.  (The capabilities go into the
 * snapshot itself.) */
struct procfs_extra {
	uint64_t start_ticks;
	int64_t tgid;           /* PROC_ID_UNSET if status had none */
	char state;
};

/* Open ROOT and read its boot time.  0, or -errno if ROOT cannot be opened as a directory or
 * the scratch buffer cannot be allocated.  A missing or garbled btime only leaves it 0. */
int  procfs_open(const char *root, struct procfs *fs);
void procfs_close(struct procfs *fs);                  /* idempotent */

/* Read process PID into a new snapshot (refs = 1, parent NULL) stored in *OUT, with its extra
 * facts in *X (may be NULL).  0; -ENOENT or -ESRCH when the process is gone; -EACCES when its
 * directory or stat cannot be read; -EINVAL when stat is garbage or names another pid.  Only
 * stat is required: a file that cannot be read leaves its fields unknown, except that a
 * vanished status or cmdline means the whole process vanished. */
int  procfs_read(struct procfs *fs, int64_t pid, struct proc **out, struct procfs_extra *x);

/* Read the capability sets of PID into P (which must be the caller's private snapshot) if
 * the process is still the one whose start time in clock ticks is START_TICKS (0 = do not
 * check) and, when P->exe is known, still runs P->exe.  0 when they were read; -ESRCH when
 * the process is gone or is another one; -errno otherwise.  P is unchanged on error. */
int  procfs_read_caps(struct procfs *fs, struct proc *p, uint64_t start_ticks);

/* Call FN for every numeric entry of the root, in directory order.  FN returns 0 to go on.
 * 0, FN's non-zero value, or -errno if the root cannot be listed. */
typedef int procfs_pid_fn(int64_t pid, void *arg);
int  procfs_list(struct procfs *fs, procfs_pid_fn *fn, void *arg);

/* Wall-clock ns of a start time in clock ticks after boot; 0 when the boot time is unknown
 * or the sum overflows. */
uint64_t procfs_start_ns(const struct procfs *fs, uint64_t ticks);

/* Parsers.  LEN bytes of BUF, which need not be NUL-terminated.  0 or -EINVAL. */
int  procfs_parse_stat(const char *buf, size_t len, struct procfs_stat *out);
int  procfs_parse_status(const char *buf, size_t len, struct procfs_status *out);
/* Split a cmdline into P's argv (NUL-separated; an unterminated last argument is kept). */
void procfs_parse_cmdline(struct proc *p, const char *buf, size_t len);
/* The btime line of /proc/stat, in seconds. */
int  procfs_parse_btime(const char *buf, size_t len, uint64_t *out);

/* The terminal name audit prints for TTY_NR ("pts3", "tty1", "ttyS0"): 0 with the name in
 * BUF, -ENOENT for 0 (no terminal), -EINVAL for a device shikra cannot name. */
int  procfs_tty_name(uint64_t tty_nr, char *buf, size_t size);

#endif
