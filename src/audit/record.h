/* record.h - one audit record, parsed strictly.
 * A record is what the kernel sends in one netlink message, or one line of an auditd log:
 *     type=SYSCALL msg=audit(1700000000.123:4567): arch=c000003e syscall=59 ... key="x"
 * optionally followed (ENRICHED log format) by 0x1d and interpreted fields: ARCH=x86_64 ...
 * The parser splits the text into fields without decoding them: values that are quoted, bare
 * (a number, or hex-encoded text) or "(null)" are kept as spans into a buffer the record owns,
 * and the audit_record_get_*() helpers decode on demand, because whether a bare value is a
 * number or hex text depends on the field, which only the caller knows.
 * Fields come in input order: "node" (the log line's node= prefix, if any), the raw fields, then
 * the enriched ones.  A user-space message msg='...' is one field holding the whole text,
 * followed by the fields inside it (op=, acct=, exe=, res=, ...).  Words without '=' (SELinux
 * "avc:  denied  { read }") are not fields and are skipped. */
#ifndef SHIKRA_AUDIT_RECORD_H
#define SHIKRA_AUDIT_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

#define AUDIT_RECORD_MAX_LEN   (1024 * 1024)  /* longer records are rejected */
#define AUDIT_RECORD_MAX_FIELDS 512

enum audit_value_kind {
	AUDIT_VALUE_BARE,       /* 59, c000003e, 2F746D70, root */
	AUDIT_VALUE_QUOTED,     /* literal text: "text" or 'msg text' (outer quotes stripped),
	                           enriched { saddr_fam=inet ... } (braces kept), node= name */
	AUDIT_VALUE_NULL,       /* (null) */
	AUDIT_VALUE_NONE,       /* (none) or ?, e.g. tty=(none) hostname=? */
};

struct audit_field {
	const char *name;       /* NUL-terminated, in the record's buffer */
	const char *value;      /* NUL-terminated, quotes stripped */
	uint32_t value_len;
	enum audit_value_kind kind;
	bool enriched;          /* after the 0x1d separator (interpreted, upper-case names) */
	uint16_t next_same;     /* parser's lookup chain: 1 + position of the next field whose
	                         * first two name bytes hash alike; 0 = none */
};

#define AUDIT_RECORD_CHAINS 32

struct audit_record {
	int      type;          /* AUDIT_* message type number */
	uint64_t ts_ns;         /* the msg=audit(SEC.MSEC:SERIAL) timestamp, in ns */
	uint64_t serial;
	struct audit_field *fields;
	uint32_t nfields;
	uint64_t line;          /* input line number (log files), 0 for netlink */
	/* Set by the parser so that audit_record_field() visits only the fields whose name
	 * starts like the one it looks for: 1 + position of the first field of each chain (a
	 * hash of the first two name bytes, so that auid and arch, suid and ses part), 0 = none.  A record built by hand leaves CHAINED false, and
	 * lookups then scan every field. */
	uint16_t chain[AUDIT_RECORD_CHAINS];
	bool chained;
	struct arena mem;       /* owns the buffer, the names and values */
};

/* Parse one auditd log line (without its newline) into OUT.  TYPE is read from type=NAME or
 * type=UNKNOWN[NNNN].  On success return 0 and the caller must audit_record_free(OUT).
 * On failure return -EINVAL (malformed) or -E2BIG (over the limits), set *WHY to a static
 * description, and leave OUT with nothing to free. */
int audit_record_parse_line(const char *line, size_t len, struct audit_record *out,
                            const char **why);

/* Parse the payload of one netlink message of TYPE ("audit(SEC.MSEC:SERIAL): fields...").
 * LEN comes from the message; the payload need not be NUL-terminated.  As above. */
int audit_record_parse_body(int type, const char *body, size_t len, struct audit_record *out,
                            const char **why);

void audit_record_free(struct audit_record *rec);   /* NULL-safe; frees what OUT holds */

/* The first field called NAME (raw, non-enriched fields first), or NULL. */
const struct audit_field *audit_record_field(const struct audit_record *rec, const char *name);

/* Decode a text field: quoted values as is, bare values as hex-encoded bytes.  On success store
 * a NUL-terminated copy in ARENA at *OUT (NULL for "(null)"/"(none)") and *OUT_LEN, return 0.
 * Return -ENOENT if the field is absent, -EINVAL if bare and not valid hex. */
int audit_record_get_str(const struct audit_record *rec, const char *name, struct arena *arena,
                         const char **out, size_t *out_len);

/* Decode a bare numeric field in BASE (10 or 16) with the strict parser; in base 16 a 0x
 * prefix is allowed (SECCOMP ip=0x7f...).  Return 0, -ENOENT or -EINVAL/-ERANGE. */
int audit_record_get_u64(const struct audit_record *rec, const char *name, int base,
                         uint64_t *out);
int audit_record_get_i64(const struct audit_record *rec, const char *name, int base,
                         int64_t *out);

/* Decode a hex string of LEN bytes into ARENA (NUL-terminated; *OUT_LEN excludes the NUL,
 * embedded NULs are kept, e.g. PROCTITLE argv separators).  0 or -EINVAL. */
int audit_hex_decode(const char *hex, size_t len, struct arena *arena, char **out,
                     size_t *out_len);

#endif
