/* fakeproc.h - a fake /proc tree under a temporary directory, for the state/ tests.
 * fake_add() writes a process's stat, status, cmdline, loginuid and sessionid and makes its
 * exe and cwd symlinks; the other calls damage or remove what it made.  Every helper aborts
 * the test on a failed system call: a fixture that cannot be built is a broken test. */
#ifndef SHIKRA_TEST_FAKEPROC_H
#define SHIKRA_TEST_FAKEPROC_H

#include <stddef.h>
#include <stdint.h>

#define FAKE_BTIME 1700000000u

struct fakeproc {
	char root[128];
};

struct fake_pid {
	int64_t pid, ppid;
	const char *comm;           /* NULL = "proc<pid>" */
	char state;                 /* 0 = 'S' */
	uint64_t start_ticks;
	uint64_t tty_nr;
	uint32_t uid, euid, gid, egid;
	const char *cmdline;        /* NULL = empty (a kernel thread) */
	size_t cmdline_len;         /* 0 = strlen + 1 */
	const char *exe, *cwd;      /* NULL = no link */
	const char *capeff;         /* NULL = "0000000000000000" */
	const char *capprm;         /* NULL = "0000000000000000" */
	int64_t tgid;               /* 0 = pid */
};

void fake_init(struct fakeproc *f);             /* with /stat holding FAKE_BTIME */
void fake_cleanup(struct fakeproc *f);          /* removes the whole tree */
void fake_add(struct fakeproc *f, const struct fake_pid *p);
/* Write (replace) the file NAME of PID with LEN bytes of DATA. */
void fake_write(struct fakeproc *f, int64_t pid, const char *name, const char *data, size_t len);
void fake_remove(struct fakeproc *f, int64_t pid);     /* the whole pid directory */
void fake_path(const struct fakeproc *f, int64_t pid, const char *name, char *out, size_t n);

#endif
