/* auditrules.h - the audit rules a ruleset needs, in auditctl syntax (--print-audit-rules).
 * From the event types some rule can match, keep the syscall ones (not fanotify's own event
 * types, not audit record types) and write one "-a always,exit" rule per architecture with
 * every syscall that architecture has, tagged with shikra's key, plus the 32-bit extras that
 * auditd users add by hand (socketcall operations, the *32 uid/gid calls).  The lines can be
 * given to `auditctl -R` or put in /etc/audit/rules.d/. */
#ifndef SHIKRA_AUDITRULES_H
#define SHIKRA_AUDITRULES_H

#include <stdbool.h>
#include <stddef.h>

#include "rules/filter.h"

#define AUDITRULES_KEY "shikra"

struct auditrules {
	char **lines;           /* each malloc'd, no newline */
	size_t n;
};

/* libaudit machine numbers (MACH_*) for the host's native and 32-bit compat ABIs; *M32 is
 * -1 when there is none.  0, or -ENOTSUP when libaudit does not know the host. */
int  auditrules_host(int *m64, int *m32);

/* Build the lines for TYPES (ANY: some rule matches every type, noted in a comment) for the
 * 64-bit machine M64 ("-F arch=b64") and, unless M32 < 0, the 32-bit one ("-F arch=b32").
 * On success fill OUT (release it with auditrules_free()) and return 0; -ENOMEM. */
int  auditrules_build(const struct evtset *types, bool any, int m64, int m32,
                      struct auditrules *out);
void auditrules_free(struct auditrules *ar);     /* NULL-safe; leaves AR empty */

#endif
