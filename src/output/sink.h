/* sink.h - where formatted alerts go (internal to output/).
 * Each sink kind is a table of operations; outputs.c opens the enabled ones and hands each the
 * finished line (no newline) and the alert's priority.  A sink never blocks for long: the
 * file and stdout sinks write what they can, the program sink drops the alert when the
 * program does not keep up, and every failure is counted by the caller. */
#ifndef SHIKRA_SINK_H
#define SHIKRA_SINK_H

#include <stddef.h>

#include "output/output.h"

struct sink;

struct sink_ops {
	const char *name;
	int  (*open)(struct sink *s, const struct output_config *cfg);
	int  (*write)(struct sink *s, const char *line, size_t len, enum priority p);
	int  (*reopen)(struct sink *s);         /* NULL = nothing to do */
	void (*close)(struct sink *s);
};

struct sink {
	const struct sink_ops *ops;
	int fd;                 /* file, stdout or pipe; -1 when closed */
	int pid;                /* program sink's child, 0 when none */
	int facility;           /* syslog */
	int keep_alive;
	char *path;             /* file name or program command */
};

extern const struct sink_ops sink_stdout_ops;
extern const struct sink_ops sink_file_ops;
extern const struct sink_ops sink_syslog_ops;
extern const struct sink_ops sink_program_ops;

#endif
