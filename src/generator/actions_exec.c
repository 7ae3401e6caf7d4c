/* actions_exec.c - actions whose trigger is a program start: a copy of this program run
 * under a telling name (nc, find, shred, ...) with telling arguments, from a telling parent
 * (nginx, mysqld), as a telling user, or from a telling place (/dev/shm, a memfd, the
 * container's writable layer).  The copies only print their pid and exit. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "generator/gen.h"
#include "generator/actions.h"

extern char **environ;

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

int
act_terminal_shell(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	(void)why, (void)wl;
	return gen_run_named(g, "runc", "tty-shell", NULL, pid);
}

int
act_shell_from_server(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	(void)why, (void)wl;
	return gen_run_named(g, "nginx", "spawn", ARGS("/bin/sh", "-c", "true"), pid);
}

int
act_system_user_login(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	(void)why, (void)wl;
	return gen_run_named(g, "sshd", "spawn-nobody", NULL, pid);
}

int
act_late_read_shadow(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	(void)why, (void)wl;
	return gen_run_named(g, "nginx", "late-read", NULL, pid);
}

int
act_netcat_exec(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	(void)why, (void)wl;
	return gen_run_named(g, "nc", "exit", ARGS("-e", "/bin/sh", "127.0.0.1", "4444"), pid);
}

int
act_search_private_keys(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	(void)why, (void)wl;
	return gen_run_named(g, "find", "exit", ARGS(g->dir, "-name", "id_rsa"), pid);
}

int
act_find_aws_credentials(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	(void)why, (void)wl;
	return gen_run_named(g, "find", "exit", ARGS(g->dir, "-path", "*.aws/credentials"), pid);
}

int
act_remove_bulk_data(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	char data[128];

	(void)why, (void)wl;
	snprintf(data, sizeof(data), "%s/data", g->dir);
	return gen_run_named(g, "shred", "exit", ARGS("-u", data), pid);
}

int
act_debugfs(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	(void)why, (void)wl;
	return gen_run_named(g, "debugfs", "exit", ARGS("-R", "stats", "/dev/null"), pid);
}

int
act_container_client(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	(void)why, (void)wl;
	return gen_run_named(g, "kubectl", "exit", ARGS("get", "pods"), pid);
}

int
act_db_spawn(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	char id[128];

	(void)why, (void)wl;
	snprintf(id, sizeof(id), "%s/id", g->dir);
	if (symlink(g->self, id) < 0 && errno != EEXIST)
		return -errno;
	int rc = gen_run_named(g, "mysqld", "spawn", ARGS(id), pid);
	unlink(id);
	return rc;
}

int
act_auditctl(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	(void)why, (void)wl;
	return gen_run_named(g, "auditctl", "exit",
	                     ARGS("-w", "/etc/shikra-gen-none", "-p", "wa", "-k", "shikra-gen"), pid);
}

/* Copy this program to DIR/shikra-gen-PID and run it there.  The copy is removed at once,
 * or with KEEP noted in G->dropped for gen_cleanup(). */
static int
run_copy(struct gen_ctx *g, const char *dir, bool keep, pid_t *pid, char *why, size_t wl)
{
	char path[256];
	char *argv[] = { "shikra-gen-copy", NULL };
	int rc;

	snprintf(path, sizeof(path), "%s/shikra-gen-%ld", dir, (long)getpid());
	if ((rc = gen_copy(g->self, path, 0755)) < 0) {
		GEN_WHY(why, wl, "cannot copy to %s: %s", path, strerror(-rc));
		return rc;
	}
	rc = gen_spawn(path, argv, "exit", pid);
	if (rc < 0)
		GEN_WHY(why, wl, "cannot run %s: %s", path, strerror(-rc));
	if (keep)
		snprintf(g->dropped, sizeof(g->dropped), "%s", path);
	else
		unlink(path);
	return rc;
}

int
act_exec_dev_shm(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	return run_copy(g, "/dev/shm", false, pid, why, wl);
}

/* The copy goes to the container's root directory, which is in its writable layer: the
 * private directory is not (a tmpfs, see runctr.c), so that no other action drops a binary.
 * It stays until the generator ends: whether an executable is in the writable layer is
 * looked up there when the monitor handles the exec, which an immediate unlink would race. */
int
act_drop_and_exec(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	return run_copy(g, "", true, pid, why, wl);
}

int
act_memfd_exec(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	char buf[65536];
	ssize_t n;
	int in, fd, st;
	pid_t c;

	if ((fd = memfd_create("shikra-gen", 0)) < 0 || (in = open(g->self, O_RDONLY)) < 0) {
		GEN_WHY(why, wl, "memfd_create: %s", strerror(errno));
		return -errno;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(fd, buf, (size_t)n) != n)
			break;
	close(in);
	if ((c = fork()) == 0) {
		char *argv[] = { "shikra-gen-memfd", NULL };
		setenv(GEN_HELPER_ENV, "exit", 1);
		if (dup2(open("/dev/null", O_WRONLY), STDOUT_FILENO) < 0)
			_exit(126);
		fexecve(fd, argv, environ);
		_exit(127);
	}
	close(fd);
	if (c < 0 || waitpid(c, &st, 0) < 0)
		return -errno;
	*pid = c;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		GEN_WHY(why, wl, "the memfd program failed (status %d)", st);
		return -ECHILD;
	}
	return 0;
}

int
act_single_program(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	char *argv[] = { "true", NULL };

	(void)g, (void)why, (void)wl;
	return gen_spawn("/bin/true", argv, NULL, pid);
}

int
act_sensitive_mount(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	(void)g, (void)why, (void)wl;
	*pid = getpid();     /* the container's first program: this one */
	return 0;
}
