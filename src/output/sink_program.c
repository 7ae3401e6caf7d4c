/* sink_program.c - the program sink: each alert on the standard input of a command from the
 * configuration (see sink.h).  The command runs with /bin/sh -c; the alert only ever travels
 * through the pipe, so no event data reaches a shell.  With keep_alive one program reads
 * every alert; without it one program runs per alert, as Falco does, and the writer thread
 * waits for it to exit before the next.  All of this runs on the sink's writer thread: the
 * event loop never waits for a program.  Every wait here (a full pipe, a program's exit)
 * ends when the sink is stopped; a program still running then is left to finish alone. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "output/sink.h"

/* Start the configured command with a pipe on its stdin. */
static int
program_spawn(struct sink *s)
{
	int fds[2];
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int err = errno;
		close(fds[0]);
		close(fds[1]);
		return -err;
	}
	if (pid == 0) {
		sigset_t none;
		/* Only async-signal-safe calls here: the parent has threads.  Ignored signals and
		 * the blocked mask survive exec: give the program the defaults, not the SIGPIPE
		 * we ignore and the signals we block (signalfd, writer threads). */
		signal(SIGPIPE, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		dup2(fds[0], STDIN_FILENO);
		execl("/bin/sh", "sh", "-c", s->path, (char *)NULL);
		_exit(127);
	}
	close(fds[0]);
	/* Non-blocking, so that a full pipe is waited out in poll(), which the stop fd ends. */
	fcntl(fds[1], F_SETFL, O_NONBLOCK);
	s->fd = fds[1];
	s->pid = pid;
	return 0;
}

/* Wait for S's child to exit, or until S is stopped.  0, or -ECANCELED (the child is left
 * running; it is not waited for again). */
static int
program_wait_exit(struct sink *s)
{
#ifdef SYS_pidfd_open
	int pfd = (int)syscall(SYS_pidfd_open, s->pid, 0);

	if (pfd >= 0) {
		struct pollfd p[2] = {
			{ .fd = pfd, .events = POLLIN },
			{ .fd = s->stop_fd, .events = POLLIN },
		};
		int n;
		do
			n = poll(p, s->stop_fd >= 0 ? 2 : 1, -1);
		while (n < 0 && errno == EINTR);
		close(pfd);
		if (!(p[0].revents & POLLIN))
			return -ECANCELED;
	}
#endif
	/* Without pidfd (kernels before 5.3) this wait cannot be interrupted. */
	while (waitpid(s->pid, NULL, 0) < 0 && errno == EINTR)
		;
	return 0;
}

/* Close the pipe (the program sees end of input) and wait for the program to exit.
 * 0, or -ECANCELED when stopped first. */
static int
program_finish(struct sink *s)
{
	int rc = 0;

	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	if (s->pid > 0 && (rc = program_wait_exit(s)) < 0)
		snprintf(s->err, sizeof(s->err), "program %d still running, not waited for",
		         s->pid);
	s->pid = 0;
	return rc;
}

static int
program_open(struct sink *s, const struct output_config *cfg)
{
	if (cfg->program == NULL || cfg->program[0] == '\0')
		return -EINVAL;
	s->path = strdup(cfg->program);
	s->keep_alive = cfg->program_keep_alive;
	/* A dead program must not kill us with SIGPIPE; writes then fail with EPIPE. */
	signal(SIGPIPE, SIG_IGN);
	return s->path ? 0 : -ENOMEM;
}

static int
program_write(struct sink *s, const char *line, size_t len, enum priority p)
{
	int rc;

	if (s->fd < 0 && (rc = program_spawn(s)) < 0)
		return rc;
	rc = sink_write_line(s, s->fd, line, len);
	/* One program per alert without keep_alive.  With it, a failed write (EPIPE: the
	 * program is gone) ends this program; the next alert starts a new one. */
	if (rc < 0 || !s->keep_alive)
		program_finish(s);	/* the alert went out even if the program is not waited for */
	return rc;
}

static void
program_close(struct sink *s)
{
	program_finish(s);
	free(s->path);
	s->path = NULL;
}

const struct sink_ops sink_program_ops = {
	.name = "program", .open = program_open, .write = program_write, .close = program_close,
};
