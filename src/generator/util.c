/* util.c - the generator's private directory, copies of itself under other names, spawning
 * and waiting, loopback listeners, and the helper modes those copies run in.
 * A helper is this very program started with SHIKRA_GEN_HELPER=MODE in its environment;
 * the mode says what it does (exit at once, spawn a child, connect somewhere ...).  Its
 * first output line is the pid that made the triggering syscall. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <grp.h>
#include <time.h>
#include <unistd.h>

#include "generator/gen.h"

extern char **environ;

int
gen_copy(const char *src, const char *dst, mode_t mode)
{
	char buf[65536];
	ssize_t n;
	int in, out, rc = 0;

	if ((in = open(src, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	if ((out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)) < 0) {
		rc = -errno;
		close(in);
		return rc;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			rc = -EIO;
			break;
		}
	if (n < 0)
		rc = -errno;
	if (fchmod(out, mode) < 0 && rc == 0)
		rc = -errno;
	close(in);
	if (close(out) < 0 && rc == 0)
		rc = -errno;
	return rc;
}

int
gen_setup(struct gen_ctx *g)
{
	/* /var/tmp first: some hosts keep /tmp private to root, and helpers may run as nobody. */
	snprintf(g->dir, sizeof(g->dir), "/var/tmp/shikra-gen.XXXXXX");
	if (mkdtemp(g->dir) == NULL) {
		snprintf(g->dir, sizeof(g->dir), "/tmp/shikra-gen.XXXXXX");
		if (mkdtemp(g->dir) == NULL)
			return -errno;
	}
	/* Helpers may run as nobody: they must reach their own copy. */
	if (chmod(g->dir, 0755) < 0)
		return -errno;
	snprintf(g->self, sizeof(g->self), "%s/gen", g->dir);
	return gen_copy("/proc/self/exe", g->self, 0755);
}

static int
rm_tree_entry(const char *dir, const char *name)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return unlink(p) < 0 ? rmdir(p) : 0;
}

void
gen_cleanup(struct gen_ctx *g)
{
	static const char *const names[] = {
		"gen", "nc", "find", "shred", "debugfs", "auditctl", "kubectl", "login", "nginx",
		"mysqld", "id", "ssh", "sshd", "sh", "runc", "shadow-link", "shadow-hardlink", "mnt",
		"data",
	};

	if (g->dropped[0] != '\0')
		unlink(g->dropped);
	g->dropped[0] = '\0';
	if (g->dir[0] == '\0')
		return;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		rm_tree_entry(g->dir, names[i]);
	rmdir(g->dir);
	g->dir[0] = '\0';
}

/* Read the helper's first line (a pid) from FD; 0 if there is none. */
static pid_t
read_pid(int fd)
{
	char buf[32];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	long v;
	char *end;

	if (n <= 0)
		return 0;
	buf[n] = '\0';
	v = strtol(buf, &end, 10);
	return end != buf && v > 0 ? (pid_t)v : 0;
}

/* Fork, run PATH/ARGV with HELPER in the environment, collect the helper's pid line and
 * the exit status. */
static int
spawn(const char *path, char *const argv[], const char *helper, pid_t *pid)
{
	int p[2], st;
	pid_t c, said;

	if (pipe(p) < 0)
		return -errno;
	if ((c = fork()) < 0)
		return -errno;
	if (c == 0) {
		close(p[0]);
		dup2(p[1], STDOUT_FILENO);
		if (helper)
			setenv(GEN_HELPER_ENV, helper, 1);
		else
			unsetenv(GEN_HELPER_ENV);
		execve(path, argv, environ);
		_exit(127);
	}
	close(p[1]);
	said = read_pid(p[0]);
	close(p[0]);
	if (waitpid(c, &st, 0) < 0)
		return -errno;
	*pid = said > 0 ? said : c;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -ECHILD;
}

int
gen_spawn(const char *path, char *const argv[], const char *helper, pid_t *pid)
{
	return spawn(path, argv, helper, pid);
}

int
gen_run_named(struct gen_ctx *g, const char *name, const char *helper,
              const char *const *args, pid_t *pid)
{
	char link[256];
	char *argv[16];
	size_t n = 0;
	int rc;

	snprintf(link, sizeof(link), "%s/%s", g->dir, name);
	if (symlink(g->self, link) < 0 && errno != EEXIST)
		return -errno;
	argv[n++] = (char *)name;
	for (; args && *args && n < 15; args++)
		argv[n++] = (char *)*args;
	argv[n] = NULL;
	rc = spawn(link, argv, helper, pid);
	unlink(link);
	return rc;
}

int
gen_listen(int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -errno;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 4) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0) {
		int rc = -errno;
		close(fd);
		return rc;
	}
	*port = ntohs(a.sin_port);
	return fd;
}

/* --- helper modes ------------------------------------------------------------------------ */

static void
say_pid(pid_t pid)
{
	printf("%ld\n", (long)pid);
	fflush(stdout);
}

/* connect PORT on 127.0.0.1; with DUP, tie the socket to standard output afterwards. */
static int
helper_connect(int argc, char **argv, bool dup)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int fd, port = argc > 1 ? atoi(argv[argc - 1]) : 0;

	say_pid(getpid());
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return 1;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((uint16_t)port);
	connect(fd, (struct sockaddr *)&a, sizeof(a));  /* refused is fine: it was audited */
	if (dup)
		dup2(fd, STDOUT_FILENO);
	close(fd);
	return 0;
}

/* Spawn argv[1..] as a child of this (named) process and wait; its pid is the one. */
static int
helper_spawn(char **argv)
{
	int st;
	pid_t c = fork();

	if (c < 0)
		return 1;
	if (c == 0) {
		setenv(GEN_HELPER_ENV, "exit", 1);
		execv(argv[1], argv + 1);
		_exit(127);
	}
	say_pid(c);
	waitpid(c, &st, 0);
	return 0;
}

/* Start a copy of this program as nobody, from an fd so that no directory on the way needs
 * to be searchable by nobody: the session child of an ssh daemon (this process). */
static int
helper_spawn_nobody(void)
{
	int fd = open("/proc/self/exe", O_RDONLY), st;
	pid_t c;

	if (fd < 0 || (c = fork()) < 0)
		return 1;
	if (c == 0) {
		char *argv[] = { "login", "-f", "nobody", NULL };
		if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0)
			_exit(126);
		setenv(GEN_HELPER_ENV, "exit", 1);
		fexecve(fd, argv, environ);
		_exit(127);
	}
	say_pid(c);
	close(fd);
	waitpid(c, &st, 0);
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
}

/* A server that reads /etc/shadow well after its start. */
static int
helper_late_read(void)
{
	struct timespec ts = { .tv_sec = 5, .tv_nsec = 600000000 };
	int fd;

	say_pid(getpid());
	nanosleep(&ts, NULL);
	if ((fd = open("/etc/shadow", O_RDONLY | O_CLOEXEC)) >= 0)
		close(fd);
	return fd >= 0 ? 0 : 1;
}

/* A shell with a controlling terminal, as the runtime's exec -t makes it. */
static int
helper_tty_shell(void)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY), st;
	pid_t c;

	if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0)
		return 1;
	if ((c = fork()) < 0)
		return 1;
	if (c == 0) {
		int s;
		setsid();
		if ((s = open(ptsname(m), O_RDWR)) < 0)
			_exit(126);
		ioctl(s, TIOCSCTTY, 0);
		dup2(s, 0);
		dup2(s, 1);
		dup2(s, 2);
		execl("/bin/sh", "sh", "-c", "true", (char *)NULL);
		_exit(127);
	}
	say_pid(c);
	waitpid(c, &st, 0);
	close(m);
	return 0;
}

int
gen_helper(const char *mode, int argc, char **argv)
{
	/* The generator reads only the first pid line: a later one may find the pipe closed. */
	signal(SIGPIPE, SIG_IGN);
	if (strcmp(mode, "exit") == 0) {
		say_pid(getpid());
		return 0;
	}
	if (strcmp(mode, "connect") == 0 || strcmp(mode, "connect-dup") == 0)
		return helper_connect(argc, argv, strcmp(mode, "connect-dup") == 0);
	if (strcmp(mode, "spawn") == 0 && argc > 1)
		return helper_spawn(argv);
	if (strcmp(mode, "spawn-nobody") == 0)
		return helper_spawn_nobody();
	if (strcmp(mode, "late-read") == 0)
		return helper_late_read();
	if (strcmp(mode, "tty-shell") == 0)
		return helper_tty_shell();
	fprintf(stderr, "shikra-event-generator: unknown helper mode %s\n", mode);
	return 2;
}
