/* convert_priv.h - what the files behind audit_convert() share.  Not an API: only
 * src/audit/convert*.c include it.  One struct conv lives on audit_convert()'s stack for the
 * duration of one group; its scratch arena holds decoded values that the event copies. */
#ifndef SHIKRA_AUDIT_CONVERT_PRIV_H
#define SHIKRA_AUDIT_CONVERT_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit/convert.h"
#include "core/arena.h"
#include "event/event.h"

#define CONV_NARGS 6            /* a0..a5: SYSCALL logs four, SOCKETCALL up to six */
#define CONV_MAX_ARGC 65536     /* EXECVE arguments kept; more are dropped and counted */
#define CONV_MAX_ARG_LEN 131072 /* MAX_ARG_STRLEN: no single argument can be longer */
#define CONV_MAX_ARGV_BYTES (2u * 1024 * 1024)  /* ARG_MAX with the default stack limit */
#define CONV_MAX_KV 256         /* key/value pairs kept from one record */

struct conv {
	const struct audit_record *recs;
	uint32_t n;
	struct audit_convert_stats *st;       /* never NULL here (a local when the caller's is) */
	const struct audit_record *sys;       /* the SYSCALL record, or NULL */
	struct event *ev;                     /* the event being built */
	struct proc *proc;                    /* ev->proc, being filled in */
	uint32_t arch;                        /* AUDIT_ARCH_*, 0 if unknown */
	uint64_t a[CONV_NARGS];               /* syscall arguments ... */
	unsigned have;                        /* ... bit I set when a[I] is known */
	const char *cwd;                      /* the CWD record's directory, or NULL */
	struct arena scratch;                 /* decoded values; freed after the event is built */
};

/* convert.c: record access shared by the other files. */
void conv_bad(struct conv *c);                               /* count one bad field */
const struct audit_record *conv_find(const struct conv *c, int type);
/* The raw text of field NAME (bare or quoted, not decoded), or NULL if absent or (null). */
const char *conv_raw(const struct audit_record *rec, const char *name);
/* Field NAME decoded as text (quoted as is, bare as hex) into scratch.  NULL when absent or
 * (null); a bad hex value is counted and yields NULL.  *LEN may be NULL. */
const char *conv_text(struct conv *c, const struct audit_record *rec, const char *name,
                      size_t *len);
/* Field NAME as a signed decimal; false when absent, counted when malformed. */
bool conv_i64(struct conv *c, const struct audit_record *rec, const char *name, int64_t *out);
/* Fill c->proc's identity, credentials, names and tty from the SYSCALL record. */
void conv_proc_from_syscall(struct conv *c);

/* convert_syscall.c: the event of a group whose SYSCALL record defines it.  0, or -EINVAL
 * with *WHY set when the SYSCALL record has no syscall number. */
int conv_syscall_event(struct conv *c, const char **why);
/* Fill c->ev (already created) with what the SYSCALL record, CWD and EXECVE/PROCTITLE say:
 * arch, number, result, key, and a new process snapshot. */
void conv_syscall_common(struct conv *c);

/* convert_exec.c: argv from EXECVE records, else from PROCTITLE. */
void conv_argv(struct conv *c);

/* convert_path.c */
enum conv_path_role {
	PATH_NONE,
	PATH_FIRST,     /* the first item that is not a PARENT (the object of chmod, mount, ...) */
	PATH_CREATE,    /* the last CREATE item, else the first NORMAL, else the last that is
	                 * not a PARENT (open, mkdir, symlink) */
	PATH_DELETE,    /* the first DELETE item, else PATH_FIRST (unlink, rmdir) */
	/* Two-file syscalls: no fallback, or a failed rename would name one file twice. */
	PATH_NEW,       /* the last CREATE item (rename's and link's new name) */
	PATH_OLD,       /* the first DELETE item (rename's old name) */
	PATH_NORMAL,    /* the first NORMAL item (link's existing file) */
	PATH_UNKNOWN,   /* the first UNKNOWN item: a name copied in but never looked up
	                 * (symlink's target text) */
};
#define CONV_DIR_UNKNOWN 0x7fff  /* a dirfd argument index meaning "relative to who knows" */
/* Fill OUT from the PATH item ROLE selects.  DIRFD is -1 when a relative name is relative
 * to the cwd, else (the index of the dirfd argument, or CONV_DIR_UNKNOWN) it is left
 * unresolved.
 * Return 0, or -ENOENT when no item fits. */
int conv_path(struct conv *c, enum conv_path_role role, int dirfd, struct event_path *out);
/* Lexically normalize absolute path P of LEN bytes ("//", ".", ".."); result in scratch. */
char *conv_path_normalize(struct conv *c, const char *p, size_t len);

/* convert_net.c: decode the group's SOCKADDR record into OUT.  0, -ENOENT (no record) or
 * -EINVAL (counted; OUT left with family 0). */
int conv_sockaddr(struct conv *c, struct event_addr *out);

#endif
