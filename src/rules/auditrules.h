/* auditrules.h - the audit rules a ruleset needs: one description, two renderings.
 * From the event types some rule can match, keep the syscall ones (not fanotify's own event
 * types, not audit record types) and describe one "always,exit" rule per architecture with
 * every syscall that architecture has, tagged with shikra's key, plus the 32-bit extras that
 * auditd users add by hand (socketcall operations, the *32 uid/gid calls).
 *
 * The description (struct auditrule) is rendered two ways, both from the same fields, so
 * what `shikra --print-audit-rules` prints and what the live source installs can never
 * differ:
 *   - auditrule_format(): auditctl syntax, for `auditctl -R` or /etc/audit/rules.d/;
 *   - auditrule_to_data(): the kernel's struct audit_rule_data, for AUDIT_ADD_RULE, made
 *     with libaudit from the very "-F" pairs the text shows.
 * The only thing the installer adds is "-F pid!=OURPID" (shikra's own syscalls are never
 * audited); auditd users have no such pid to name.
 *
 * The open family (open, openat, openat2, creat) is the costliest to audit: every process
 * opens files all the time.  When the ruleset's file paths are bounded (ruleset_paths()),
 * those syscalls leave the main rule and get one rule per path instead, restricted by the
 * kernel's file filters:
 *   FPATH_EXACT  /a/f       -F path=/a/f   (a watch: the file, even if created later)
 *   FPATH_DIR    /a/d       -F dir=/a/d    (recursive)
 *   FPATH_PREFIX /a/d/pre   -F dir=/a/d    (the parent directory; "/a/d/" means /a/d itself)
 *   FPATH_GLOB   /a/x*.c    -F dir=/a      (the fixed leading directory)
 * The kernel refuses a dir= that does not exist, or a path= whose directory does not: such a
 * path is replaced by dir= of its nearest existing ancestor, with a "# warning:" comment.
 * Paths covered by another rule's dir= (or repeated) get no rule of their own.  When the
 * paths are unbounded (or none is given), the open family stays in the main rule and a
 * "# warning:" comment says that every open on the host is audited. */
#ifndef SHIKRA_AUDITRULES_H
#define SHIKRA_AUDITRULES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/sbuf.h"
#include "rules/filter.h"

#define AUDITRULES_KEY "shikra"

struct audit_rule_data;

/* One syscall of a rule: the name as printed and its number on the rule's machine. */
struct auditrule_syscall {
	const char *name;       /* static storage (event type table, or a fixed table) */
	int nr;
};

/* One "-a always,exit" rule. */
struct auditrule {
	int mach;               /* libaudit MACH_* the syscall numbers belong to */
	const char *arch;       /* "b64" or "b32": the "-F arch=" value */
	struct auditrule_syscall *syscalls;   /* malloc'd, at least one */
	size_t nsyscalls;
	char extra[16];         /* one more "-F" pair such as "a0=3", or "" */
	const char *file_field; /* "path" or "dir" (static), or NULL */
	char *file_value;       /* malloc'd absolute path when FILE_FIELD is set */
};


struct auditrules {
	char **lines;           /* the text: comments and one line per rule, each malloc'd */
	size_t n;
	struct auditrule *rules;   /* the rules in the order of their lines */
	size_t nrules;
};

/* libaudit machine numbers (MACH_*) for the host's native and 32-bit compat ABIs; *M32 is
 * -1 when there is none.  0, or -ENOTSUP when libaudit does not know the host. */
int  auditrules_host(int *m64, int *m32);

/* Describe the rules for TYPES (ANY: some rule matches every type, noted in a comment) for
 * the 64-bit machine M64 ("-F arch=b64") and, unless M32 < 0, the 32-bit one
 * ("-F arch=b32").  PATHS bounds the open family (see above); NULL, unbounded or empty: every
 * open is audited.  The description depends on which directories exist now (stat()), so
 * build it once and render it both ways.  On success fill OUT (release it with
 * auditrules_free()) and return 0; -ENOMEM.  A rule is never made without a syscall (it
 * would audit every syscall). */
int  auditrules_build(const struct evtset *types, bool any, const struct filter_paths *paths,
                      int m64, int m32, struct auditrules *out);
void auditrules_free(struct auditrules *ar);     /* NULL-safe; leaves AR empty */

/* Append R in auditctl syntax (no newline):
 *     -a always,exit -F arch=b64 -S execve -S connect [-F a0=3] [-F dir=/etc] -F key=shikra */
void auditrule_format(const struct auditrule *r, struct sbuf *out);

/* Build the kernel's form of R with libaudit, adding "-F pid!=EXCLUDE_PID" when
 * EXCLUDE_PID > 0.  On success store it in *OUT (free() it) and its length in bytes (header
 * plus string buffer) in *LEN, and return 0; -EINVAL when libaudit refuses a pair (*WHY says
 * what went wrong), -ENOMEM. */
int  auditrule_to_data(const struct auditrule *r, pid_t exclude_pid,
                       struct audit_rule_data **out, size_t *len, const char **why);

#endif
