/* log.h - diagnostics for the daemon's operator, on stderr or syslog.
 * This is shikra's own voice ("cannot open ...", "audit: 12 events lost"), never alerts:
 * alerts go through output/.  The logger keeps its settings in file-local state that only
 * log_init() changes; every message is one line, with control characters escaped. */
#ifndef SHIKRA_LOG_H
#define SHIKRA_LOG_H

#include <stdbool.h>

enum log_level { LOG_LVL_ERR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* Set the program name, the most verbose level shown and whether to use syslog (instead of
 * stderr). */
void log_init(const char *prog, enum log_level level, bool use_syslog);
/* Send messages to stderr, to syslog, to both or to neither (the log_stderr and log_syslog
 * configuration keys); overrides log_init()'s choice. */
void log_targets(bool to_stderr, bool to_syslog);
enum log_level log_level(void);

/* log_warn() appends strerror(errno); log_warnx() does not. */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Only main() may call these, and only during startup. */
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
