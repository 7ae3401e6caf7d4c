/* evhold.h - a short, bounded hold for events whose process is not known yet.
 *
 * Why.  fanotify queues a file event when the operation happens; audit's records reach the
 * daemon later (the kernel hands them to its kauditd thread, which sends them on).  A
 * short-lived process such as `mv a b` can exec, rename and exit before its fanotify event is
 * read and before audit's record of its exec has arrived: /proc no longer describes the pid
 * and the process table has not heard of it yet, so the event would have no process.  The
 * caller (the live command) puts such an event here instead of evaluating it, and gets it back
 * through the release callback as soon as the table can describe its process, or when waiting
 * longer cannot help.
 *
 * An event leaves the hold at the first of:
 *   - evhold_exec(PID): the exec of its pid was seen and taken into the process table;
 *   - evhold_audit_time(TS) with TS later than the event's own ts_ns: audit has delivered a
 *     record made after the held event was read, and the kernel sends audit records in the
 *     order it queued them, so everything audit had to say about the pid before then
 *     (its exec) has arrived and no later record will describe it better;
 *   - its hold time ran out (evhold_expire(), or evhold_dispatch() on the hold's timer);
 *   - the hold is full when another event comes: the oldest is released first;
 *   - evhold_flush() (shutdown).
 * Events leave in arrival order, except that events of a pid whose exec was seen do not wait
 * for older events of other pids.  Events of one pid always leave in arrival order.
 *
 * Clocks: event timestamps (ts_ns) are the wall clock the sources stamp; hold deadlines use
 * the caller's NOW_NS, which must be CLOCK_MONOTONIC when the hold has its timer.
 *
 * Ownership: evhold_push() takes the event; the release callback takes it back.  The callback
 * must not call into the hold.  Single-threaded. */
#ifndef SHIKRA_STATE_EVHOLD_H
#define SHIKRA_STATE_EVHOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event/event.h"

struct evhold;

struct evhold_config {
	uint32_t max_events;        /* held at most; 0 = 4096 */
	uint64_t max_hold_ns;       /* longest hold; 0 = 100 ms */
	/* Own a CLOCK_MONOTONIC timerfd (evhold_fd()) armed for the oldest event's deadline.
	 * Without it the caller must call evhold_expire() often enough. */
	bool timer;
};

struct evhold_stats {
	uint64_t held;              /* events put on hold */
	uint64_t by_exec;           /* released: the exec of their pid was seen */
	uint64_t by_audit;          /* released: audit delivered a later event */
	uint64_t expired;           /* released: the hold time ran out */
	uint64_t overflow;          /* released early: the hold was full */
	uint64_t flushed;           /* released by evhold_flush() */
	uint32_t now;               /* held at present */
	uint32_t peak;              /* held at most at once */
};

/* Create a hold that hands released events to RELEASE (with ARG).  CFG may be NULL for the
 * defaults.  0, -ENOMEM, or -errno when the timer cannot be made. */
int  evhold_new(const struct evhold_config *cfg, event_fn *release, void *arg,
                struct evhold **out);
/* NULL-safe.  Held events are freed without being released (call evhold_flush() first to
 * have them evaluated). */
void evhold_free(struct evhold *h);

/* Hold EV (taken) until one of the events above; NOW_NS starts its hold time.  When the hold
 * is full the oldest event is released first. */
void evhold_push(struct evhold *h, struct event *ev, uint64_t now_ns);
/* Whether an event of PID is held (a new event of PID must then wait behind it). */
bool evhold_has(const struct evhold *h, int64_t pid);
/* An audit event stamped TS_NS was delivered: release every held event stamped earlier.  Call
 * before evaluating that audit event. */
void evhold_audit_time(struct evhold *h, uint64_t ts_ns);
/* The exec of PID was taken into the process table: release PID's events. */
void evhold_exec(struct evhold *h, int64_t pid);
/* Release every event whose hold time has run out at NOW_NS. */
void evhold_expire(struct evhold *h, uint64_t now_ns);
/* Release everything, oldest first. */
void evhold_flush(struct evhold *h);

/* The timerfd (CLOCK_MONOTONIC, non-blocking, close-on-exec), -1 without cfg.timer.  When it
 * is readable call evhold_dispatch(). */
int  evhold_fd(const struct evhold *h);
/* Consume the timer's expiry, release what has run out at NOW_NS (monotonic) and arm the
 * timer again for the next deadline. */
void evhold_dispatch(struct evhold *h, uint64_t now_ns);
/* The deadline of the oldest held event, 0 when nothing is held. */
uint64_t evhold_deadline(const struct evhold *h);

const struct evhold_stats *evhold_stats(const struct evhold *h);

#endif
