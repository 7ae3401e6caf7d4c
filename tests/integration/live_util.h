/* live_util.h - helpers for tests that change the kernel's audit state for real.
 * Every such test runs as root, holds a machine-wide lock so that test runs in different
 * trees never overlap, and ends with live_restore(): the rules with our key deleted, the
 * audit pid released (ours, or a dead one's), an auditd we started stopped, and enabled,
 * backlog_limit, backlog_wait_time and (if it was 0) lost put back as live_begin() found them.
 * Checks use auditctl, a tool independent of the code under test. */
#ifndef SHIKRA_TESTS_LIVE_UTIL_H
#define SHIKRA_TESTS_LIVE_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/audit.h>

#include "audit/source.h"
#include "event/event.h"

/* Decide whether the live tests can run: 0 yes; otherwise print why and return the exit
 * status to use (77 = skipped, or 1 under CI=true, where a skip is a failure). */
int  live_begin(void);
/* Undo everything (see above).  Safe to call any number of times.  0 if the state is back. */
int  live_restore(void);
const struct audit_status *live_initial(void);
/* Under CI=true a missing prerequisite fails the test, elsewhere it skips it. */
void live_unavailable(const char *why);

int  live_status(struct audit_status *out);
int  live_set_backlog_limit(uint32_t limit);  /* 0 or -errno; live_restore() puts it back */
/* Run "auditctl -l" and return the lines that carry key=shikra, with any " -F pid!=N"
 * removed when STRIP_PID; *N lines.  Free with live_lines_free(). */
char **live_rules(bool strip_pid, size_t *n);
void live_lines_free(char **lines, size_t n);
size_t live_rules_with(const char *needle);   /* our rules whose line contains NEEDLE */
int  live_run(const char *cmd);               /* system() status, or -1 */

/* Events of the processes a test watches, plus every internal event. */
#define LIVE_MAX_EVENTS 4096
struct collector {
	pid_t pids[8];
	unsigned npids;
	struct event *ev[LIVE_MAX_EVENTS];
	size_t n;
	uint64_t other;          /* events of unwatched processes */
	uint64_t watched_total;  /* events of watched processes, kept or not */
	bool keep_watched;       /* keep them (false: only count, for floods) */
	uint64_t last_watched_ms;   /* live_ms() when the last watched event came */
};
int  live_collect(struct event *ev, void *arg);   /* the sink */
void live_collector_free(struct collector *c);
void live_watch(struct collector *c, pid_t pid);
/* The first kept event of TYPE from PID (any pid if 0), or NULL. */
struct event *live_find(const struct collector *c, enum event_type type, pid_t pid);
/* The first internal event whose "rule" is RULE, or NULL. */
struct event *live_find_internal(const struct collector *c, const char *rule);

typedef bool live_done_fn(const struct collector *c, void *arg);
/* Read S into C (and tick it every 200 ms) until DONE says so or TIMEOUT_MS pass.  Returns
 * whether DONE was reached.  DONE may be NULL: read until the socket stays idle 500 ms. */
bool live_pump(struct audit_source *s, struct collector *c, unsigned timeout_ms,
               live_done_fn *done, void *arg);

/* Fork a child that runs ARGV[0] with ARGV; return its pid (not yet reaped). */
pid_t live_spawn(char *const argv[]);
/* A listening TCP socket on 127.0.0.1; its port in *PORT.  Returns the fd. */
int  live_listen(uint16_t *port);
/* Fork a child that connects to 127.0.0.1:PORT and exits 0 if it could. */
pid_t live_connect_child(uint16_t port);
/* Fork a child that calls openat() on /dev/null COUNT times (or for at most MAX_MS). */
pid_t live_openat_child(unsigned count, unsigned max_ms);
int  live_reap(pid_t pid);                    /* waitpid; the exit status or -1 */

/* Start Debian's auditd in the foreground with a private configuration in a temporary
 * directory, and wait until it owns audit.  Its pid, or -1. */
pid_t live_auditd_start(void);
void live_auditd_stop(void);

uint64_t live_ms(void);                       /* CLOCK_MONOTONIC in ms */

#endif
