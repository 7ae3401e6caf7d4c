/* sink.c - the alert sinks: stdout, file, syslog, program (see sink.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include "output/sink.h"

/* Write LINE plus a newline in one writev so concurrent writers never interleave lines. */
static int
write_line(int fd, const char *line, size_t len)
{
	struct iovec iov[2] = {
		{ .iov_base = (void *)line, .iov_len = len },
		{ .iov_base = "\n", .iov_len = 1 },
	};
	size_t want = len + 1;
	ssize_t n;

	do
		n = writev(fd, iov, 2);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == want ? 0 : -EIO;
}

static int
stdout_open(struct sink *s, const struct output_config *cfg)
{
	s->fd = STDOUT_FILENO;
	return 0;
}

static int
stdout_write(struct sink *s, const char *line, size_t len, enum priority p)
{
	return write_line(s->fd, line, len);
}

static void
sink_noop_close(struct sink *s)
{
}

static int
file_open_fd(struct sink *s)
{
	s->fd = open(s->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
	return s->fd < 0 ? -errno : 0;
}

static int
file_open(struct sink *s, const struct output_config *cfg)
{
	int rc;

	s->path = strdup(cfg->file_name ? cfg->file_name : "./events.txt");
	s->keep_alive = cfg->file_keep_alive;
	if (s->path == NULL)
		return -ENOMEM;
	/* Open once even without keep_alive, so a bad path fails at startup, not silently. */
	rc = file_open_fd(s);
	if (rc == 0 && !s->keep_alive) {
		close(s->fd);
		s->fd = -1;
	}
	return rc;
}

static void
file_close(struct sink *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	free(s->path);
	s->path = NULL;
}

static int
file_write(struct sink *s, const char *line, size_t len, enum priority p)
{
	int rc = 0;

	if (s->fd < 0 && (rc = file_open_fd(s)) < 0)
		return rc;
	rc = write_line(s->fd, line, len);
	if (!s->keep_alive) {
		close(s->fd);
		s->fd = -1;
	}
	return rc;
}

static int
file_reopen(struct sink *s)
{
	if (s->fd < 0)
		return 0;
	close(s->fd);
	return file_open_fd(s);
}

static int
syslog_open(struct sink *s, const struct output_config *cfg)
{
	s->facility = cfg->syslog_facility ? cfg->syslog_facility : LOG_USER;
	openlog("shikra", LOG_PID | LOG_NDELAY, s->facility);
	return 0;
}

static int
syslog_write(struct sink *s, const char *line, size_t len, enum priority p)
{
	/* Our priorities are syslog's levels in the same order: emergency = LOG_EMERG = 0. */
	syslog(s->facility | (int)p, "%.*s", (int)len, line);
	return 0;
}

/* Start the configured command with a pipe on its stdin.  The command is the operator's,
 * from the configuration; alerts only ever travel through the pipe. */
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
		/* Ignored signals and the blocked mask survive exec: give the program the
		 * defaults, not the SIGPIPE we ignore and the signals we take by signalfd. */
		signal(SIGPIPE, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		dup2(fds[0], STDIN_FILENO);
		execl("/bin/sh", "sh", "-c", s->path, (char *)NULL);
		_exit(127);
	}
	close(fds[0]);
	/* Never wait for a slow program: a full pipe fails the write with EAGAIN, and the
	 * alert is dropped (a line up to PIPE_BUF bytes is written whole or not at all). */
	fcntl(fds[1], F_SETFL, O_NONBLOCK);
	s->fd = fds[1];
	s->pid = pid;
	return 0;
}

static void
program_reap(struct sink *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	if (s->pid > 0)
		waitpid(s->pid, NULL, 0);
	s->pid = 0;
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
	rc = write_line(s->fd, line, len);
	/* One program per alert, as Falco does without keep_alive.  A full pipe only drops
	 * this alert; any other failure (EPIPE: the program is gone) restarts the program. */
	if ((rc < 0 && rc != -EAGAIN) || !s->keep_alive)
		program_reap(s);
	return rc;
}

static void
program_close(struct sink *s)
{
	program_reap(s);
	free(s->path);
	s->path = NULL;
}

const struct sink_ops sink_stdout_ops = {
	.name = "stdout", .open = stdout_open, .write = stdout_write, .close = sink_noop_close,
};
const struct sink_ops sink_file_ops = {
	.name = "file", .open = file_open, .write = file_write, .reopen = file_reopen,
	.close = file_close,
};
const struct sink_ops sink_syslog_ops = {
	.name = "syslog", .open = syslog_open, .write = syslog_write, .close = sink_noop_close,
};
const struct sink_ops sink_program_ops = {
	.name = "program", .open = program_open, .write = program_write, .close = program_close,
};
