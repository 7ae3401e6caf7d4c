/* act.c - perform, for real, the system calls that the golden audit logs must contain.
 * It is built twice by record.sh (x86_64 and, when `gcc -m32` works, i386) and run as root
 * while auditd records.  Each action prints one line on stderr with its result, so a
 * recording can be checked against what the kernel was asked to do.  It is a recording tool,
 * not part of shikra; every failure is reported and the run goes on, because failed calls
 * (success=no, exit=-errno) are wanted in the logs as well. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#ifndef RESOLVE_BENEATH
#define RESOLVE_BENEATH 0x08
#endif

/* The layout of the openat2() argument (linux/openat2.h), kept here so the i386 build needs
 * no extra kernel headers. */
struct act_open_how {
	unsigned long long flags;
	unsigned long long mode;
	unsigned long long resolve;
};

static const char *dir;       /* the per-architecture test directory */
static char path_buf[4][512];

static const char *
at(int slot, const char *name)
{
	snprintf(path_buf[slot], sizeof(path_buf[slot]), "%s/%s", dir, name);
	return path_buf[slot];
}

static long
report(const char *what, long rc)
{
	if (rc < 0)
		fprintf(stderr, "act: %-28s -> -1 %s\n", what, strerror(errno));
	else
		fprintf(stderr, "act: %-28s -> %ld\n", what, rc);
	return rc;
}

static void
close_ok(long fd)
{
	if (fd >= 0)
		close((int)fd);
}

/* Wait for CHILD and report how it ended. */
static void
reap(const char *what, pid_t child)
{
	int status = 0;

	if (child < 0) {
		report(what, -1);
		return;
	}
	waitpid(child, &status, 0);
	fprintf(stderr, "act: %-28s -> child status %d\n", what, status);
}

static void
act_files(void)
{
	struct act_open_how how = { .flags = O_RDONLY, .resolve = RESOLVE_BENEATH };
	long dfd, fd;

	close_ok(report("open(O_CREAT)", syscall(SYS_open, at(0, "plain.txt"), O_CREAT | O_WRONLY | O_TRUNC, 0644)));
	close_ok(report("creat", syscall(SYS_creat, at(0, "with space \xc3\xa9.txt"), 0600)));
	dfd = report("open(O_DIRECTORY)", open(dir, O_RDONLY | O_DIRECTORY));
	close_ok(report("openat(relative)", openat((int)dfd, "plain.txt", O_RDONLY)));
	close_ok(report("openat2(RESOLVE_BENEATH)", syscall(SYS_openat2, dfd, "with space \xc3\xa9.txt", &how, sizeof(how))));
	close_ok(report("openat2(escape, fails)", syscall(SYS_openat2, dfd, "../escape", &how, sizeof(how))));
	close_ok(report("open(missing, fails)", open(at(0, "missing"), O_RDONLY)));
	report("link", link(at(0, "plain.txt"), at(1, "hard link")));
	report("linkat", linkat((int)dfd, "plain.txt", (int)dfd, "hard link 2", 0));
	report("symlink", symlink("plain.txt", at(0, "sym link")));
	report("symlinkat", symlinkat("/etc/passwd", (int)dfd, "sym passwd"));
	report("rename", rename(at(0, "hard link"), at(1, "renamed link")));
	report("renameat", renameat((int)dfd, "hard link 2", (int)dfd, "renamed 2"));
	report("renameat2(EXCHANGE)", syscall(SYS_renameat2, dfd, "renamed 2", dfd, "renamed link", 2 /* RENAME_EXCHANGE */));
	fd = report("open(O_RDWR)", open(at(0, "plain.txt"), O_RDWR));
	report("chmod(04755)", chmod(at(0, "plain.txt"), 04755));
	report("fchmod", fchmod((int)fd, 0640));
	report("fchmodat", fchmodat((int)dfd, "with space \xc3\xa9.txt", 0600, 0));
	report("chown", chown(at(0, "plain.txt"), 65534, 65534));
	report("fchown", fchown((int)fd, 0, 0));
	report("lchown", lchown(at(0, "sym link"), 65534, (gid_t)-1));
	report("fchownat", fchownat((int)dfd, "with space \xc3\xa9.txt", 0, 65534, 0));
	report("unlink", unlink(at(0, "renamed link")));
	report("unlinkat", unlinkat((int)dfd, "renamed 2", 0));
	report("unlink(missing, fails)", unlink(at(0, "missing")));
	close_ok(fd);
	close_ok(dfd);
}

static void
tcp_pair(int family, const struct sockaddr *addr, socklen_t len, int use_accept4)
{
	struct sockaddr_storage bound;
	socklen_t blen = sizeof(bound);
	long ls, cs, as;

	ls = report("socket(listen)", socket(family, SOCK_STREAM, 0));
	report("bind", bind((int)ls, addr, len));
	report("listen", listen((int)ls, 4));
	getsockname((int)ls, (struct sockaddr *)&bound, &blen);
	cs = report("socket(client)", socket(family, SOCK_STREAM, 0));
	report("connect(tcp)", connect((int)cs, (struct sockaddr *)&bound, blen));
	blen = sizeof(bound);
	if (use_accept4)
		as = report("accept4", accept4((int)ls, (struct sockaddr *)&bound, &blen, SOCK_CLOEXEC));
	else
		as = report("accept", accept((int)ls, (struct sockaddr *)&bound, &blen));
	close_ok(as);
	close_ok(cs);
	close_ok(ls);
}

static void
udp_connect(int family, const struct sockaddr *addr, socklen_t len)
{
	long s = report("socket(udp)", socket(family, SOCK_DGRAM, 0));

	report("connect(udp)", connect((int)s, addr, len));
	close_ok(s);
}

static void
unix_pair(const struct sockaddr_un *sun, socklen_t len)
{
	long ls, cs;

	ls = report("socket(unix)", socket(AF_UNIX, SOCK_STREAM, 0));
	report("bind(unix)", bind((int)ls, (const struct sockaddr *)sun, len));
	report("listen(unix)", listen((int)ls, 4));
	cs = report("socket(unix client)", socket(AF_UNIX, SOCK_STREAM, 0));
	report("connect(unix)", connect((int)cs, (const struct sockaddr *)sun, len));
	close_ok(cs);
	close_ok(ls);
}

static void
act_net(void)
{
	struct sockaddr_in v4 = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in6 v6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	static const char abstract[] = "\0shikra-golden abstract";

	tcp_pair(AF_INET, (struct sockaddr *)&v4, sizeof(v4), 0);
	tcp_pair(AF_INET6, (struct sockaddr *)&v6, sizeof(v6), 1);
	v4.sin_port = htons(9);
	udp_connect(AF_INET, (struct sockaddr *)&v4, sizeof(v4));
	v6.sin6_port = htons(53);
	udp_connect(AF_INET6, (struct sockaddr *)&v6, sizeof(v6));
	v4.sin_port = htons(1);       /* nothing listens on tcp/1 here: ECONNREFUSED */
	{
		long s = report("socket(refused)", socket(AF_INET, SOCK_STREAM, 0));
		report("connect(refused, fails)", connect((int)s, (struct sockaddr *)&v4, sizeof(v4)));
		close_ok(s);
	}
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/sock with space", dir);
	unix_pair(&sun, sizeof(sun));
	memcpy(sun.sun_path, abstract, sizeof(abstract) - 1);
	unix_pair(&sun, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + sizeof(abstract) - 1));
}

static void
act_ns(void)
{
	pid_t child = fork();

	if (child == 0) {
		/* Keep a handle on the namespace we start in, leave it, then go back to it. */
		long fd = report("open(/proc/self/ns/uts)", open("/proc/self/ns/uts", O_RDONLY));

		report("unshare(NEWNET|NEWUTS)", unshare(CLONE_NEWNET | CLONE_NEWUTS));
		report("setns(uts)", setns((int)fd, CLONE_NEWUTS));
		report("setns(bad fd, fails)", setns(-1, 0));
		_exit(0);
	}
	reap("ns child", child);
}

static void
act_mount(void)
{
	mkdir(at(0, "mnt point"), 0700);
	report("mount(tmpfs)", mount("shikra-golden", at(0, "mnt point"), "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=0700"));
	report("umount2", umount2(at(0, "mnt point"), 0));
	report("umount2(not mounted, fails)", umount2(at(0, "mnt point"), 0));
}

static void
act_ptrace(void)
{
	int status;
	pid_t child = fork();

	if (child == 0) {
		for (;;)
			pause();
	}
	report("ptrace(ATTACH)", ptrace(PTRACE_ATTACH, child, NULL, NULL));
	waitpid(child, &status, 0);
	report("ptrace(PEEKUSER)", ptrace(PTRACE_PEEKUSER, child, NULL, NULL) == -1 && errno ? -1 : 0);
	report("ptrace(DETACH)", ptrace(PTRACE_DETACH, child, NULL, NULL));
	kill(child, SIGKILL);
	reap("ptrace child", child);
}

/* Copy /bin/true into a memfd and execute it from there with execveat(AT_EMPTY_PATH). */
static void
act_memfd(void)
{
	char buf[65536];
	ssize_t n;
	long mfd, src;
	pid_t child;

	report("memfd_create(bad flags, fails)", memfd_create("bad", 0x40000000u));
	mfd = report("memfd_create", memfd_create("shikra golden", MFD_CLOEXEC));
	src = open("/bin/true", O_RDONLY | O_CLOEXEC);
	while (src >= 0 && mfd >= 0 && (n = read((int)src, buf, sizeof(buf))) > 0)
		if (write((int)mfd, buf, (size_t)n) != n)
			break;
	close_ok(src);
	child = fork();
	if (child == 0) {
		char *const argv[] = { "memfd-true", "from memfd", NULL };
		char *const envp[] = { "PATH=/usr/bin:/bin", NULL };

		report("execveat(memfd)", syscall(SYS_execveat, mfd, "", argv, envp, AT_EMPTY_PATH));
		_exit(127);
	}
	reap("memfd child", child);
	close_ok(mfd);
}

static void
act_exec(void)
{
	char *const envp[] = { "PATH=/usr/bin:/bin", "SHIKRA_GOLDEN=1", NULL };
	pid_t child = fork();

	if (child == 0) {
		char *const argv[] = { "true", "via execveat", NULL };
		long dfd = open("/bin", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		report("execveat(dirfd)", syscall(SYS_execveat, dfd, "true", argv, envp, 0));
		_exit(127);
	}
	reap("execveat child", child);
	child = fork();
	if (child == 0) {
		char *const argv[] = { "missing", NULL };

		report("execve(missing, fails)", execve("/nonexistent/shikra-golden", argv, envp));
		report("execve(not executable, fails)", execve(at(0, "with space \xc3\xa9.txt"), argv, envp));
		_exit(0);
	}
	reap("failed exec child", child);
}

static void
act_dup(void)
{
	long fd = report("open(/dev/null)", open("/dev/null", O_RDONLY | O_CLOEXEC));

	close_ok(report("dup", dup((int)fd)));
	close_ok(report("dup2", dup2((int)fd, 100)));
	close_ok(report("dup3", dup3((int)fd, 101, O_CLOEXEC)));
	report("dup2(bad fd, fails)", dup2(-1, 102));
	close_ok(fd);
}

static void
act_setid(void)
{
	pid_t child = fork();

	if (child == 0) {
		report("setresgid", setresgid(65534, 65534, 65534));
		report("setregid", setregid(65534, 65534));
		report("setgid", setgid(65534));
		report("setfsgid", setfsgid(65534));
		report("setfsuid", setfsuid(65534));
		report("setresuid", setresuid(0, 65534, 0));
		report("setreuid", setreuid(0, 65534));
		report("setuid", setuid(65534));
		report("setuid(0, fails)", setuid(0));
		_exit(0);
	}
	reap("setid child", child);
}

static void
act_modules(void)
{
	static const char junk[] = "this is not a kernel module";
	long fd = open("/etc/hostname", O_RDONLY | O_CLOEXEC);

	report("finit_module(fails)", syscall(SYS_finit_module, fd, "", 0));
	report("init_module(fails)", syscall(SYS_init_module, junk, sizeof(junk), ""));
	report("delete_module(fails)", syscall(SYS_delete_module, "shikra_golden_none", O_NONBLOCK));
	close_ok(fd);
}

static void
act_bpf(void)
{
	struct bpf_insn prog[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;
	long map, pfd;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARRAY;
	attr.key_size = 4;
	attr.value_size = 4;
	attr.max_entries = 1;
	map = report("bpf(MAP_CREATE)", syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr)));
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (unsigned long)prog;
	attr.insn_cnt = sizeof(prog) / sizeof(prog[0]);
	attr.license = (unsigned long)"GPL";
	pfd = report("bpf(PROG_LOAD)", syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr)));
	close_ok(pfd);
	close_ok(map);
}

static void
act_handle(void)
{
	union {
		struct file_handle fh;
		char space[sizeof(struct file_handle) + MAX_HANDLE_SZ];
	} h;
	int mount_id;
	long mfd;

	h.fh.handle_bytes = MAX_HANDLE_SZ;
	report("name_to_handle_at", name_to_handle_at(AT_FDCWD, at(0, "plain.txt"), &h.fh, &mount_id, 0));
	mfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	close_ok(report("open_by_handle_at", open_by_handle_at((int)mfd, &h.fh, O_RDONLY)));
	close_ok(mfd);
}

struct act {
	const char *name;
	void (*fn)(void);
};

static const struct act acts[] = {
	{ .name = "files", .fn = act_files },
	{ .name = "handle", .fn = act_handle },
	{ .name = "net", .fn = act_net },
	{ .name = "ns", .fn = act_ns },
	{ .name = "mount", .fn = act_mount },
	{ .name = "ptrace", .fn = act_ptrace },
	{ .name = "memfd", .fn = act_memfd },
	{ .name = "exec", .fn = act_exec },
	{ .name = "dup", .fn = act_dup },
	{ .name = "setid", .fn = act_setid },
	{ .name = "modules", .fn = act_modules },
	{ .name = "bpf", .fn = act_bpf },
};

int
main(int argc, char *argv[])
{
	size_t i;

	if (argc < 3) {
		fprintf(stderr, "usage: act DIR all|ACTION...\n");
		return 2;
	}
	dir = argv[1];
	for (int a = 2; a < argc; a++) {
		for (i = 0; i < sizeof(acts) / sizeof(acts[0]); i++) {
			if (strcmp(argv[a], "all") && strcmp(argv[a], acts[i].name))
				continue;
			fprintf(stderr, "act: == %s (%d-bit)\n", acts[i].name, (int)sizeof(long) * 8);
			acts[i].fn();
		}
	}
	return 0;
}
