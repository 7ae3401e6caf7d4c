/* drain.c - the drain-only floor of the live benchmark: receive what the kernel sends and
 * throw it away, so that a storm's slowdown under it is what audit and fanotify cost by
 * themselves, with no parsing, no state and no rules.
 * Usage: bench_drain [-f FDINFO] [-M PATH]...
 * Audit: registers itself as the audit daemon (unicast) and reads the netlink socket.  The
 * rules are not its business: the driver loads shikra's (--print-audit-rules) with auditctl
 * after this program says it is ready, and sets backlog_limit/backlog_wait_time as shikra
 * would.  fanotify: FDINFO is a copy of /proc/PID/fdinfo/FD of a running shikra's fanotify
 * fd, so the floor places exactly shikra's marks: the same init flags, and each inode mark
 * (file handle, mask) opened again with open_by_handle_at() against a mount fd on the same
 * filesystem (one of the -M PATHs, default "/").  Filesystem marks are placed on the -M path
 * of that device; mount marks are reported and skipped.
 * Prints "drain: ready" on stderr once registered and marked, and at SIGTERM/SIGINT one line
 * of counts on stdout: audit_msgs, audit_bytes, enobufs, fan_events, fan_overflows, marks. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libaudit.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fanotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define MAX_MOUNTS 16

struct drain {
	int audit_fd, fan_fd;
	const char *mounts[MAX_MOUNTS];
	int nmounts;
	unsigned marks;
	unsigned long long audit_msgs, audit_bytes, enobufs, fan_events, fan_overflows;
	unsigned fan_flags;
};

static volatile sig_atomic_t stop;

static void
on_signal(int signo)
{
	(void)signo;
	stop = 1;
}

/* The -M path on the filesystem whose kernel dev_t (as fdinfo prints it) is SDEV, or NULL. */
static const char *
mount_for(const struct drain *d, unsigned long sdev)
{
	for (int i = 0; i < d->nmounts; i++) {
		struct stat st;
		if (stat(d->mounts[i], &st) == 0 && major(st.st_dev) == (sdev >> 20) &&
		    minor(st.st_dev) == (sdev & 0xfffff))
			return d->mounts[i];
	}
	return NULL;
}

static int
hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	    c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* One inode mark: "ino:.. sdev:.. mflags:.. mask:.. ignored_mask:.. fhandle-bytes:..
 * fhandle-type:.. f_handle:HEX". */
static int
mark_inode(struct drain *d, const char *line)
{
	unsigned long ino, sdev, mflags, mask, ign, bytes;
	int type, n = 0;
	char hex[2 * MAX_HANDLE_SZ + 1];
	union {
		struct file_handle fh;
		unsigned char raw[sizeof(struct file_handle) + MAX_HANDLE_SZ];
	} h;
	unsigned char *hb = h.raw + sizeof(struct file_handle);

	if (sscanf(line, "fanotify ino:%lx sdev:%lx mflags:%lx mask:%lx ignored_mask:%lx "
	    "fhandle-bytes:%lx fhandle-type:%x f_handle:%256s%n", &ino, &sdev, &mflags, &mask,
	    &ign, &bytes, &type, hex, &n) < 8 || bytes > MAX_HANDLE_SZ ||
	    strlen(hex) != 2 * bytes)
		return -EINVAL;
	h.fh.handle_bytes = (unsigned)bytes;
	h.fh.handle_type = type;
	for (unsigned long i = 0; i < bytes; i++)
		hb[i] = (unsigned char)(hexval(hex[2 * i]) * 16 + hexval(hex[2 * i + 1]));
	const char *mnt = mount_for(d, sdev);
	if (mnt == NULL)
		return -ENODEV;
	int mfd = open(mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int fd = mfd < 0 ? -1 : open_by_handle_at(mfd, &h.fh, O_PATH | O_CLOEXEC);
	int rc = fd < 0 ? -errno : 0;
	/* fanotify_mark() wants a path; /proc/self/fd/N is the object behind the O_PATH fd. */
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	/* The kernel shows FAN_EVENT_ON_CHILD in a file's mark too, but refuses it when asked
	 * for one (ENOTDIR in FID mode): it means nothing on a non-directory. */
	struct stat st;
	if (rc == 0 && fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode))
		mask &= ~(unsigned long)FAN_EVENT_ON_CHILD;
	if (rc == 0 && fanotify_mark(d->fan_fd, FAN_MARK_ADD, mask, AT_FDCWD, path) < 0)
		rc = -errno;
	if (fd >= 0)
		close(fd);
	if (mfd >= 0)
		close(mfd);
	(void)ino;
	(void)mflags;
	(void)ign;
	return rc;
}

/* A filesystem mark: "sdev:.. mflags:.. mask:.. ignored_mask:..". */
static int
mark_fs(struct drain *d, const char *line)
{
	unsigned long sdev, mflags, mask;
	const char *mnt;

	if (sscanf(line, "fanotify sdev:%lx mflags:%lx mask:%lx", &sdev, &mflags, &mask) != 3)
		return -EINVAL;
	if ((mnt = mount_for(d, sdev)) == NULL)
		return -ENODEV;
	if (fanotify_mark(d->fan_fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, mask, AT_FDCWD, mnt) < 0)
		return -errno;
	return 0;
}

static int
fan_setup(struct drain *d, const char *fdinfo)
{
	FILE *fp = fopen(fdinfo, "re");
	char line[1024];
	unsigned flags, eflags;

	if (fp == NULL)
		return -errno;
	while (fgets(line, sizeof(line), fp)) {
		int rc = 0;
		if (sscanf(line, "fanotify flags:%x event-flags:%x", &flags, &eflags) == 2) {
			d->fan_flags = flags;
			d->fan_fd = fanotify_init(flags, eflags);
			if (d->fan_fd < 0) {
				rc = -errno;
				fprintf(stderr, "drain: fanotify_init(%x): %s\n", flags, strerror(-rc));
				fclose(fp);
				return rc;
			}
			continue;
		}
		if (d->fan_fd < 0 || strncmp(line, "fanotify ", 9) != 0)
			continue;
		if (strncmp(line, "fanotify ino:", 13) == 0)
			rc = mark_inode(d, line);
		else if (strncmp(line, "fanotify sdev:", 14) == 0)
			rc = mark_fs(d, line);
		else
			rc = -EOPNOTSUPP;
		if (rc < 0)
			fprintf(stderr, "drain: mark skipped (%s): %s", strerror(-rc), line);
		else
			d->marks++;
	}
	fclose(fp);
	return 0;
}

static void
read_audit(struct drain *d)
{
	static char buf[1 << 16];

	for (;;) {
		ssize_t n = recv(d->audit_fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && errno == ENOBUFS) {
			d->enobufs++;
			continue;
		}
		if (n <= 0)
			return;
		d->audit_msgs++;
		d->audit_bytes += (unsigned long long)n;
	}
}

static void
read_fan(struct drain *d)
{
	static char buf[1 << 16] __attribute__((aligned(8)));

	for (;;) {
		ssize_t n = read(d->fan_fd, buf, sizeof(buf));
		if (n <= 0)
			return;
		struct fanotify_event_metadata *m = (struct fanotify_event_metadata *)buf;
		for (; FAN_EVENT_OK(m, n); m = FAN_EVENT_NEXT(m, n)) {
			d->fan_events++;
			if (m->mask & FAN_Q_OVERFLOW)
				d->fan_overflows++;
			if (m->fd >= 0)
				close(m->fd);
		}
	}
}

int
main(int argc, char **argv)
{
	struct drain d = { .audit_fd = -1, .fan_fd = -1 };
	const char *fdinfo = NULL;
	int opt;

	while ((opt = getopt(argc, argv, "f:M:")) != -1) {
		if (opt == 'f')
			fdinfo = optarg;
		else if (opt == 'M' && d.nmounts < MAX_MOUNTS)
			d.mounts[d.nmounts++] = optarg;
		else {
			fprintf(stderr, "usage: bench_drain [-f FDINFO] [-M PATH]...\n");
			return 2;
		}
	}
	if (d.nmounts == 0)
		d.mounts[d.nmounts++] = "/";
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	if ((d.audit_fd = audit_open()) < 0 || audit_set_pid(d.audit_fd, (uint32_t)getpid(),
	    WAIT_YES) <= 0 || audit_set_enabled(d.audit_fd, 1) <= 0) {
		fprintf(stderr, "drain: cannot register as the audit daemon\n");
		return 1;
	}
	int sz = 8 << 20;
	setsockopt(d.audit_fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz));
	fcntl(d.audit_fd, F_SETFL, O_NONBLOCK);
	if (fdinfo && fan_setup(&d, fdinfo) < 0)
		fprintf(stderr, "drain: no fanotify marks\n");
	if (d.fan_fd >= 0)
		fcntl(d.fan_fd, F_SETFL, O_NONBLOCK);
	fprintf(stderr, "drain: ready (%u fanotify marks)\n", d.marks);
	while (!stop) {
		struct pollfd p[2] = { { d.audit_fd, POLLIN, 0 }, { d.fan_fd, POLLIN, 0 } };
		if (poll(p, d.fan_fd >= 0 ? 2 : 1, 200) < 0 && errno != EINTR)
			break;
		read_audit(&d);
		if (d.fan_fd >= 0)
			read_fan(&d);
	}
	audit_set_pid(d.audit_fd, 0, WAIT_NO);
	audit_close(d.audit_fd);
	if (d.fan_fd >= 0)
		close(d.fan_fd);
	printf("audit_msgs=%llu audit_bytes=%llu enobufs=%llu fan_events=%llu fan_overflows=%llu "
	    "marks=%u\n", d.audit_msgs, d.audit_bytes, d.enobufs, d.fan_events, d.fan_overflows,
	    d.marks);
	return 0;
}
