/* fakeproc.c - a fake /proc tree for the state/ tests (see fakeproc.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "fakeproc.h"

static void
must(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fakeproc: %s: %s\n", what, strerror(errno));
		abort();
	}
}

void
fake_path(const struct fakeproc *f, int64_t pid, const char *name, char *out, size_t n)
{
	if (pid > 0)
		snprintf(out, n, "%s/%" PRId64 "%s%s", f->root, pid, name ? "/" : "",
		         name ? name : "");
	else
		snprintf(out, n, "%s/%s", f->root, name ? name : "");
}

static void
write_at(const char *path, const char *data, size_t len)
{
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	must(fd >= 0, path);
	must(write(fd, data, len) == (ssize_t)len, path);
	close(fd);
}

void
fake_write(struct fakeproc *f, int64_t pid, const char *name, const char *data, size_t len)
{
	char path[512];

	fake_path(f, pid, name, path, sizeof(path));
	write_at(path, data, len);
}

void
fake_init(struct fakeproc *f)
{
	char stat[128];
	int n;

	snprintf(f->root, sizeof(f->root), "/tmp/shikra-fakeproc-XXXXXX");
	must(mkdtemp(f->root) != NULL, "mkdtemp");
	n = snprintf(stat, sizeof(stat), "cpu  1 2 3 4\nintr 5 6\nbtime %u\nprocesses 9\n",
	             FAKE_BTIME);
	fake_write(f, 0, "stat", stat, (size_t)n);
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	chmod(path, 0700);
	return remove(path);
}

void
fake_cleanup(struct fakeproc *f)
{
	nftw(f->root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

void
fake_remove(struct fakeproc *f, int64_t pid)
{
	char path[512];

	fake_path(f, pid, NULL, path, sizeof(path));
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void
add_links(struct fakeproc *f, const struct fake_pid *p)
{
	char path[512];

	if (p->exe) {
		fake_path(f, p->pid, "exe", path, sizeof(path));
		must(symlink(p->exe, path) == 0, path);
	}
	if (p->cwd) {
		fake_path(f, p->pid, "cwd", path, sizeof(path));
		must(symlink(p->cwd, path) == 0, path);
	}
}

void
fake_add(struct fakeproc *f, const struct fake_pid *p)
{
	char path[512], buf[1024], comm[32];
	const char *name = p->comm;
	int n;

	fake_path(f, p->pid, NULL, path, sizeof(path));
	must(mkdir(path, 0755) == 0, path);
	if (name == NULL) {
		snprintf(comm, sizeof(comm), "proc%" PRId64, p->pid);
		name = comm;
	}
	n = snprintf(buf, sizeof(buf), "%" PRId64 " (%s) %c %" PRId64 " 1 1 %" PRIu64
	             " -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 %" PRIu64 " 1000 10 0 0\n",
	             p->pid, name, p->state ? p->state : 'S', p->ppid, p->tty_nr,
	             p->start_ticks);
	fake_write(f, p->pid, "stat", buf, (size_t)n);
	n = snprintf(buf, sizeof(buf), "Name:\t%.15s\nUmask:\t0022\nState:\tS (sleeping)\n"
	             "Tgid:\t%" PRId64 "\nPid:\t%" PRId64 "\nPPid:\t%" PRId64 "\n"
	             "Uid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\nCapPrm:\t%s\n"
	             "CapEff:\t%s\nThreads:\t1\n", name, p->tgid ? p->tgid : p->pid, p->pid,
	             p->ppid, p->uid, p->euid, p->euid, p->euid, p->gid, p->egid, p->egid,
	             p->egid, p->capprm ? p->capprm : "0000000000000000",
	             p->capeff ? p->capeff : "0000000000000000");
	fake_write(f, p->pid, "status", buf, (size_t)n);
	fake_write(f, p->pid, "cmdline", p->cmdline ? p->cmdline : "",
	           p->cmdline ? (p->cmdline_len ? p->cmdline_len : strlen(p->cmdline) + 1) : 0);
	fake_write(f, p->pid, "loginuid", "1000", 4);
	fake_write(f, p->pid, "sessionid", "7\n", 2);
	add_links(f, p);
}
