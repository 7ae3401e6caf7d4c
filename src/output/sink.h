/* sink.h - where formatted alerts go (internal to output/).
 * Each sink kind is a table of operations.  output.c opens the enabled sinks on the loop
 * thread (so a bad path or command fails at startup), then hands each one to its own queue
 * (outq.h); from then on only that queue's writer thread calls write, reopen and close.
 * A write may take as long as the destination needs (a program that reads slowly, an HTTP
 * endpoint that answers late): that only delays the writer thread, never event intake.
 * Every wait a sink does itself (a full pipe, a program's exit, an HTTP transfer) also ends
 * when STOP_FD becomes readable, so shutdown stays bounded.  Writes on stdout and on files
 * are ordinary blocking writes: the kernel decides how long they take. */
#ifndef SHIKRA_SINK_H
#define SHIKRA_SINK_H

#include <stdbool.h>
#include <stddef.h>

#include "output/output.h"

struct sink;

struct sink_ops {
	const char *name;
	/* Prepare S from CFG (on the loop thread).  0 or -errno. */
	int  (*open)(struct sink *s, const struct output_config *cfg);
	/* Deliver LINE (LEN bytes, no newline).  0, or -errno with the alert lost here; a
	 * sink may leave a reason in s->err. */
	int  (*write)(struct sink *s, const char *line, size_t len, enum priority p);
	int  (*reopen)(struct sink *s);         /* NULL = nothing to do */
	void (*close)(struct sink *s);          /* releases everything open() made */
};

#define SINK_ERR_MAX 256

struct sink {
	const struct sink_ops *ops;
	int fd;                 /* file, stdout or pipe; -1 when closed */
	int pid;                /* program sink's child, 0 when none */
	int facility;           /* syslog */
	bool keep_alive;
	char *path;             /* file name or program command */
	void *priv;             /* HTTP: the libcurl state */
	int stop_fd;            /* readable once the sink must give up waiting; -1 = never */
	char err[SINK_ERR_MAX]; /* the last failure's reason, "" when none is known */
};

extern const struct sink_ops sink_stdout_ops;
extern const struct sink_ops sink_file_ops;
extern const struct sink_ops sink_syslog_ops;
extern const struct sink_ops sink_program_ops;   /* sink_program.c */
extern const struct sink_ops sink_http_ops;      /* sink_http.c */

/* Write LINE and a newline to FD, all of it: EINTR and short writes are retried, and on a
 * non-blocking FD a full buffer is waited out with poll() until S's stop_fd fires.
 * 0, -ECANCELED when stopped, or -errno. */
int  sink_write_line(struct sink *s, int fd, const char *line, size_t len);

/* Whether S's stop_fd has fired (never blocks). */
bool sink_stopped(const struct sink *s);

#endif
