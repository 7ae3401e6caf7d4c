/* outq.h - one sink's bounded queue and the writer thread that drains it (internal to
 * output/).
 *
 * Threading: the loop thread (the only caller of every function here) pushes copies of
 * finished alert lines; one writer thread per sink pops them in order and calls the sink.
 * One thread per sink, not one for all, so that a slow sink (an HTTP endpoint timing out, a
 * program that reads slowly) delays only its own alerts: the file and stdout keep flowing,
 * and drops are counted where they happen.  After outq_new() the sink belongs to the writer
 * thread alone; requests reach it through the queue's mutex (reopen, stop).
 *
 * Full queue: in live mode outq_push() never waits; the line is dropped and counted.  In
 * blocking mode (replay) it waits for room, so every alert is delivered, in order.  Internal
 * alerts may use a small reserve beyond the capacity, so that a report about drops still
 * reaches a sink that is catching up. */
#ifndef SHIKRA_OUTQ_H
#define SHIKRA_OUTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "output/sink.h"

/* Slots beyond the capacity that only internal alerts may take. */
#define OUTQ_RESERVE 16

struct outq_stats {
	uint64_t pushed;          /* lines accepted into the queue */
	uint64_t written;         /* lines the sink delivered */
	uint64_t errors;          /* lines the sink failed to deliver */
	uint64_t dropped;         /* lines dropped: queue full, or still queued at shutdown */
	uint64_t dropped_alerts;  /* of those, rule alerts (not internal ones) */
	size_t   queued;          /* lines waiting now */
};

struct outq;

/* Take over the opened sink *S (copied; its stop_fd is set here) and start its writer
 * thread, with every signal blocked in it.  CAPACITY >= 1.  0 or -errno (the sink is then
 * closed). */
int  outq_new(const struct sink *s, size_t capacity, bool block, struct outq **out);

/* Queue a copy of LINE for the sink.  0, or -ENOBUFS when the queue is full (live mode:
 * the line is dropped and counted), -ESHUTDOWN after outq_free() began, -ENOMEM. */
int  outq_push(struct outq *q, const char *line, size_t len, enum priority p, bool internal);

/* Ask the writer thread to reopen the sink before its next line (SIGUSR1).  Never waits;
 * a failure is logged by the writer thread. */
void outq_reopen(struct outq *q);

/* Wait until every queued line was handed to the sink, or until DEADLINE (CLOCK_MONOTONIC;
 * NULL = no limit).  0 or -ETIMEDOUT. */
int  outq_flush(struct outq *q, const struct timespec *deadline);

void outq_stats(struct outq *q, struct outq_stats *st);
const char *outq_name(const struct outq *q);

/* Stop taking lines and let the writer drain the queue, without waiting: outputs_free()
 * closes every queue first so that they drain together.  Repeating it is harmless. */
void outq_close(struct outq *q);

/* Close Q, deliver what is queued until DEADLINE (NULL = all of it), then stop the sink: lines still
 * queued are dropped and counted, the sink's waits end, and the thread is joined within
 * about a second more (OUTQ_STOP_GRACE_MS).  A writer stuck in a blocking write (a hung file system) is left
 * behind with its memory rather than waited for.  NULL-safe. */
void outq_free(struct outq *q, const struct timespec *deadline);

/* DEADLINE = now + MS on CLOCK_MONOTONIC. */
void outq_deadline(int ms, struct timespec *deadline);

#endif
