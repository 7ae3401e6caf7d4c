/* actions_sys.c - actions on the kernel's other interfaces: ptrace, modules, BPF, namespaces,
 * mounts, packet sockets, handles, and connections to loopback listeners of our own.  Calls
 * that need a privilege the caller may lack are made anyway: audit reports failed calls too,
 * and the arguments given are invalid on purpose so that nothing is ever loaded. */
#define _GNU_SOURCE 1
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "generator/gen.h"
#include "generator/actions.h"

#ifndef AF_PACKET
#define AF_PACKET 17
#endif

int
act_kernel_module(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	static const char junk[64] = "not an ELF module, refused by the kernel";

	(void)g, (void)why, (void)wl;
	*pid = getpid();
	syscall(SYS_init_module, junk, sizeof(junk), "");
	return 0;
}

int
act_bpf_prog_load(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	union bpf_attr attr;

	(void)g, (void)why, (void)wl;
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;   /* no instructions: EINVAL */
	*pid = getpid();
	syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	return 0;
}

int
act_open_by_handle(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	struct { struct file_handle fh; unsigned char b[8]; } h = {
		.fh = { .handle_bytes = 8, .handle_type = 1 },
	};
	int fd;

	(void)g, (void)why, (void)wl;
	*pid = getpid();
	if ((fd = open_by_handle_at(AT_FDCWD, &h.fh, O_RDONLY)) >= 0)
		close(fd);
	return 0;
}

int
act_packet_socket(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	int fd;

	(void)g, (void)why, (void)wl;
	*pid = getpid();
	if ((fd = socket(AF_PACKET, SOCK_RAW, 0)) >= 0)
		close(fd);
	return 0;
}

int
act_change_namespace(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	int st;
	pid_t c = fork();

	(void)g, (void)why, (void)wl;
	if (c == 0)
		_exit(unshare(CLONE_NEWUTS) < 0);
	if (c < 0 || waitpid(c, &st, 0) < 0)
		return -errno;
	*pid = c;
	return 0;
}

int
act_mount_in_container(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	char dir[128];

	snprintf(dir, sizeof(dir), "%s/mnt", g->dir);
	if (mkdir(dir, 0700) < 0) {
		int rc = -errno;
		GEN_WHY(why, wl, "mkdir %s: %s", dir, strerror(-rc));
		return rc;
	}
	*pid = getpid();
	if (mount("shikra-gen", dir, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k") == 0)
		umount(dir);
	rmdir(dir);
	return 0;
}

/* A child to trace: it waits to be killed. */
static pid_t
sleeper(void)
{
	pid_t c = fork();

	if (c == 0) {
		pause();
		_exit(0);
	}
	return c;
}

int
act_ptrace_attach(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	int st, rc = 0;
	pid_t c = sleeper();

	(void)g;
	if (c < 0)
		return -errno;
	*pid = getpid();
	if (ptrace(PTRACE_ATTACH, c, NULL, NULL) < 0) {
		rc = -errno;
		GEN_WHY(why, wl, "PTRACE_ATTACH: %s", strerror(errno));
	} else {
		waitpid(c, &st, 0);
		ptrace(PTRACE_DETACH, c, NULL, NULL);
	}
	kill(c, SIGKILL);
	waitpid(c, &st, 0);
	return rc;
}

int
act_ptrace_traceme(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	int st;
	pid_t c = fork();

	(void)g, (void)why, (void)wl;
	if (c == 0)
		_exit(ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0);
	if (c < 0 || waitpid(c, &st, 0) < 0)
		return -errno;
	*pid = c;
	return 0;
}

/* Run NAME in helper MODE connecting to a listener of ours on 127.0.0.1 (or to PORT). */
static int
connect_as(struct gen_ctx *g, const char *name, const char *mode, int port, pid_t *pid,
           char *why, size_t wl)
{
	char ps[16];
	int lfd = -1, rc;

	if (port == 0 && (lfd = gen_listen(&port)) < 0) {
		GEN_WHY(why, wl, "listen: %s", strerror(-lfd));
		return lfd;
	}
	snprintf(ps, sizeof(ps), "%d", port);
	rc = gen_run_named(g, name, mode, (const char *const[]){ "-p", ps, NULL }, pid);
	if (lfd >= 0)
		close(lfd);
	return rc;
}

int
act_ssh_port(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	return connect_as(g, "ssh", "connect", 0, pid, why, wl);
}

int
act_k8s_api(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	return connect_as(g, "kubectl", "connect", 6443, pid, why, wl);
}

int
act_redirect_stdio(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	return connect_as(g, "sh", "connect-dup", 0, pid, why, wl);
}

/* bash's own /dev/tcp, to a listener of ours. */
int
act_reverse_shell(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	char cmd[96];
	char *argv[] = { "bash", "-c", cmd, NULL };
	int port, lfd, rc;

	(void)g;
	if (access("/bin/bash", X_OK) < 0) {
		GEN_WHY(why, wl, "no /bin/bash");
		return -ENOENT;
	}
	if ((lfd = gen_listen(&port)) < 0) {
		GEN_WHY(why, wl, "listen: %s", strerror(-lfd));
		return lfd;
	}
	snprintf(cmd, sizeof(cmd), "exec 3<>/dev/tcp/127.0.0.1/%d", port);
	rc = gen_spawn("/bin/bash", argv, NULL, pid);
	if (rc < 0)
		GEN_WHY(why, wl, "bash failed");
	close(lfd);
	return rc;
}
