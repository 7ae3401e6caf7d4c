/* convert.h - turn one group of audit records into a struct event.
 * The group's SYSCALL record gives the type (syscall number -> name through libaudit's per-arch
 * tables), the process (pid, ppid, ids, comm, exe, tty, key) and the result; EXECVE records
 * give argv (a0.., aN_len/aN[i] pieces stitched, hex decoded); CWD the working directory;
 * PATH records the files (raw name, and resolved against CWD); SOCKADDR the address;
 * PROCTITLE is a fallback argv.  Non-syscall records (USER_*, CONFIG_CHANGE, ANOM_*) become
 * events of their own types with their fields as key/value pairs.
 *
 * Decisions a rule writer can observe:
 * - Which record is the event.  A record of a type that stands for an action of its own
 *   (login and user-space messages, DAEMON_*, CONFIG_CHANGE, ANOM_*) is the event even when
 *   the kernel logged it inside an audited syscall (auditctl's CONFIG_CHANGE, an ioctl's
 *   ANOM_PROMISCUOUS): the event has the record's type, its fields as key/value pairs
 *   (msg='...' split into its own pairs), and the SYSCALL's process, arch, number and
 *   result.  Other records that come with a SYSCALL (AVC, SECCOMP, KERN_MODULE, BPF, ...)
 *   only annotate it and the event is the syscall's.  Alone, any record that is not part
 *   of a syscall's context is an event: its type if event_types.def lists it, else
 *   EVT_record named after the record type ("NETFILTER_CFG", "UNKNOWN[1999]").
 * - Names.  i386's 32-bit-id variants are the plain calls (setuid32 -> setuid) and i386
 *   socketcall becomes the call it carries (its arguments from the SOCKETCALL record).  A
 *   number libaudit does not know takes the ENRICHED SYSCALL= name if the log has one, else
 *   "syscall_NNN"; either way the type is EVT_syscall, as for every syscall that
 *   event_types.def does not list.
 * - Arguments are set under Falco's names (evt.arg.flags, .request, .nstype, .domain, ...),
 *   in the order of Falco's enter event and then its exit event (evt.arg[0] of socket is
 *   the domain).  STR is the symbolic form ("O_WRONLY|O_CREAT", "PTRACE_ATTACH",
 *   "SOCK_STREAM", chmod modes as "S_IRUSR|S_ISUID"; open and mkdir modes in octal) even
 *   where Falco prints a number; NUM is the kernel's own value.  Path arguments are the
 *   resolved path when there is one, else the name as passed.  Only a0..a3 are logged, so
 *   later arguments (renameat2 and linkat flags, fchownat flags) are never set, nor are
 *   the strings and structs that pointers lead to.
 * - Files.  A relative name passed with a real dirfd stays unresolved (PATH is NULL, RAW is
 *   set): the kernel does not log the dirfd's directory.  symlink's target is FILE2.raw,
 *   never resolved.
 * - A failed syscall is an event like any other: success 0, res -errno.
 * - The audit key is copied as logged; several keys stay joined by the kernel's 0x01.
 * - Nothing is invented: a field that is absent or undecodable leaves its member unset;
 *   argv ends before the first argument that is missing or does not add up. */
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
 * never fail the whole event.  ST and WHY may be NULL.  The event copies what it needs: RECS may be
 * freed as soon as this returns. */
int audit_convert(const struct audit_record *recs, uint32_t n, struct event **out,
                  struct audit_convert_stats *st, const char **why);

#endif
