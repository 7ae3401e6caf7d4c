/* assemble.h - group audit records into events.
 * The kernel sends one event as several records sharing (timestamp, serial): SYSCALL, EXECVE,
 * CWD, PATH..., PROCTITLE, then EOE.  Records of different events interleave.  The assembler
 * holds incomplete groups in a bounded in-flight table and hands each complete group to a
 * callback: on EOE, at once for single-record types (user-space messages), when a group
 * times out, when the table is full (oldest first) and at flush.  Records that arrive before
 * the SYSCALL record are kept.  Time is whatever the caller says "now" is: record time for
 * log replay, the wall clock for live input. */
#ifndef SHIKRA_AUDIT_ASSEMBLE_H
#define SHIKRA_AUDIT_ASSEMBLE_H

#include <stdbool.h>
#include <stdint.h>

#include "audit/record.h"

struct audit_asm;

struct audit_asm_config {
	uint32_t max_inflight;     /* events held at once; 0 = 4096; at most 262144 */
	uint32_t max_records;      /* records per event; more are dropped and counted; 0 = 1024 */
	uint64_t timeout_ns;       /* an event incomplete this long is emitted; 0 = 2 s */
};

struct audit_asm_stats {
	uint64_t records;          /* records accepted */
	uint64_t events;           /* groups emitted */
	uint64_t complete;         /* ... of which ended by EOE or were single-record */
	uint64_t timed_out;        /* ... emitted incomplete because of the timeout */
	uint64_t evicted;          /* ... emitted incomplete because the table was full */
	uint64_t flushed;          /* ... emitted incomplete by audit_asm_flush() */
	uint64_t dropped_records;  /* records over max_records, or late records of a done event */
};

/* Called with one group, in arrival order; the callee borrows RECS for the call only. COMPLETE
 * says whether the group ended normally.  The callee must not call back into the assembler. */
typedef void audit_group_fn(struct audit_record *recs, uint32_t n, bool complete, void *arg);

/* Create an assembler.  CFG may be NULL for defaults.  0 or -ENOMEM. */
int audit_asm_new(const struct audit_asm_config *cfg, audit_group_fn *fn, void *arg,
                  struct audit_asm **out);
/* Take ownership of REC (its contents are moved; REC is left empty) and emit whatever it
 * completes.  NOW_NS drives timeouts: a group's age counts from the NOW_NS at which its first
 * record came.  NOW_NS going back is ignored, unless by more than the timeout (a clock reset),
 * which restarts the age of every held group.  A record whose event was already emitted (after
 * its EOE, timeout or eviction, among the last max_inflight events) is dropped and counted. */
void audit_asm_add(struct audit_asm *a, struct audit_record *rec, uint64_t now_ns);
/* Emit every group older than the timeout at NOW_NS. */
void audit_asm_expire(struct audit_asm *a, uint64_t now_ns);
/* Emit every held group, oldest first (end of input, shutdown). */
void audit_asm_flush(struct audit_asm *a);
const struct audit_asm_stats *audit_asm_stats(const struct audit_asm *a);
void audit_asm_free(struct audit_asm *a);   /* NULL-safe; drops held groups without emitting */

#endif
