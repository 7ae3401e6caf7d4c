/* sink.c - the simple alert sinks: stdout, file, syslog; and the write helper every
 * fd-based sink shares (see sink.h).  The program sink is in sink_program.c, the HTTP sink in
 * sink_http.c. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <syslog.h>
#include <unistd.h>

#include "output/sink.h"

bool
sink_stopped(const struct sink *s)
{
	struct pollfd p = { .fd = s->stop_fd, .events = POLLIN };

	return s->stop_fd >= 0 && poll(&p, 1, 0) > 0;
}

/* Wait until FD takes more bytes or S is stopped.  0, -ECANCELED or -errno. */
static int
sink_wait_writable(struct sink *s, int fd)
{
	struct pollfd p[2] = {
		{ .fd = fd, .events = POLLOUT },
		{ .fd = s->stop_fd, .events = POLLIN },
	};

	for (;;) {
		int n = poll(p, s->stop_fd >= 0 ? 2 : 1, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (p[1].revents & POLLIN)
			return -ECANCELED;
		/* POLLERR/POLLHUP: the next write reports the reason (EPIPE). */
		return 0;
	}
}

int
sink_write_line(struct sink *s, int fd, const char *line, size_t len)
{
	/* One writev for line and newline, so that on a pipe a line up to PIPE_BUF bytes is
	 * never interleaved with another writer's. */
	struct iovec iov[2] = {
		{ .iov_base = (void *)line, .iov_len = len },
		{ .iov_base = "\n", .iov_len = 1 },
	};
	struct iovec *v = iov;
	int nv = 2, rc;

	while (nv > 0) {
		ssize_t n = writev(fd, v, nv);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			if ((rc = sink_wait_writable(s, fd)) < 0)
				return rc;
			continue;
		}
		if (n < 0)
			return -errno;
		/* A short write: skip what went out and write the rest. */
		while (nv > 0 && (size_t)n >= v->iov_len) {
			n -= (ssize_t)v->iov_len;
			v++;
			nv--;
		}
		if (nv > 0) {
			v->iov_base = (char *)v->iov_base + n;
			v->iov_len -= (size_t)n;
		}
	}
	return 0;
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
	return sink_write_line(s, s->fd, line, len);
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
	rc = sink_write_line(s, s->fd, line, len);
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

