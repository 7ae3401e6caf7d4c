/* log.c - the operator log (see log.h).  Owns the only logger state; knows nothing of alerts. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "core/log.h"
#include "core/sbuf.h"

static const char *log_prog = "shikra";
static enum log_level log_max = LOG_LVL_INFO;
static bool log_stderr = true;
static bool log_syslog;

void
log_targets(bool to_stderr, bool to_syslog)
{
	if (to_syslog && !log_syslog)
		openlog(log_prog, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	log_stderr = to_stderr;
	log_syslog = to_syslog;
}

void
log_init(const char *prog, enum log_level level, bool use_syslog)
{
	log_prog = prog;
	log_max = level;
	log_syslog = false;
	log_targets(!use_syslog, use_syslog);
}

enum log_level
log_level(void)
{
	return log_max;
}

/* Format, escape and emit one line.  ERRNUM >= 0 appends its strerror(). */
static void __attribute__((format(printf, 3, 0)))
log_vemit(enum log_level lvl, int errnum, const char *fmt, va_list ap)
{
	static const int prio[] = {
		[LOG_LVL_ERR] = LOG_ERR, [LOG_LVL_WARN] = LOG_WARNING,
		[LOG_LVL_INFO] = LOG_INFO, [LOG_LVL_DEBUG] = LOG_DEBUG,
	};
	char raw[2048];
	struct sbuf line = SBUF_INIT;

	if (lvl > log_max)
		return;
	vsnprintf(raw, sizeof(raw), fmt, ap);
	/* Messages may quote file names or process names: never let them start a new line. */
	sbuf_escape(&line, raw, strlen(raw));
	if (errnum >= 0) {
		sbuf_puts(&line, ": ");
		sbuf_puts(&line, strerror(errnum));
	}
	if (log_syslog)
		syslog(prio[lvl], "%s", sbuf_str(&line));
	if (log_stderr)
		fprintf(stderr, "%s: %s\n", log_prog, sbuf_str(&line));
	sbuf_free(&line);
}

#define LOG_DEFINE(name, lvl, with_errno)				\
void									\
name(const char *fmt, ...)						\
{									\
	int saved = errno;						\
	va_list ap;							\
									\
	va_start(ap, fmt);						\
	log_vemit(lvl, with_errno ? saved : -1, fmt, ap);		\
	va_end(ap);							\
	errno = saved;							\
}

LOG_DEFINE(log_warn, LOG_LVL_WARN, 1)
LOG_DEFINE(log_warnx, LOG_LVL_WARN, 0)
LOG_DEFINE(log_info, LOG_LVL_INFO, 0)
LOG_DEFINE(log_debug, LOG_LVL_DEBUG, 0)

void
fatal(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	log_vemit(LOG_LVL_ERR, saved, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vemit(LOG_LVL_ERR, -1, fmt, ap);
	va_end(ap);
	exit(1);
}
