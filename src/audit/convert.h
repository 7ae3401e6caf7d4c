/* convert.h - turn one group of audit records into a struct event.
 * The group's SYSCALL record gives the type (syscall number -> name through libaudit's per-arch
 * tables), the process (pid, ppid, ids, comm, exe, tty, key) and the result; EXECVE records
 * give argv (a0.., aN_len/aN[i] pieces stitched, hex decoded); CWD the working directory;
 * PATH records the files (raw name, and resolved against CWD); SOCKADDR the address;
 * PROCTITLE is a fallback argv.  Non-syscall records (USER_*, CONFIG_CHANGE, ANOM_*) become
 * events of their own types with their fields as key/value pairs. */
#ifndef SHIKRA_AUDIT_CONVERT_H
#define SHIKRA_AUDIT_CONVERT_H

#include <stdint.h>

#include "audit/record.h"
#include "event/event.h"

struct audit_convert_stats {
	uint64_t events;           /* events built */
	uint64_t skipped;          /* groups that carry nothing an event needs (lone EOE, ...) */
	uint64_t bad_fields;       /* fields that failed to decode (bad hex, absurd lengths) */
};

/* Build an event from N records.  On success store it in *OUT (caller frees) and return 0.
 * Return -ENOENT when the group yields no event (counted as skipped), -EINVAL when it cannot be
 * understood at all (*WHY says why).  Undecodable fields are counted in ST and left unset; they
 * never fail the whole event.  ST may be NULL. */
int audit_convert(const struct audit_record *recs, uint32_t n, struct event **out,
                  struct audit_convert_stats *st, const char **why);

#endif
