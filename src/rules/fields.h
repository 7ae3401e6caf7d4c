/* fields.h - the field table: every name a condition or an output template may use.
 * One table (fields.def) gives each field its name, type, argument rule, description, the
 * event classes that can supply it, and its extractor.  Extraction borrows from the event and
 * may build strings in a caller-supplied scratch arena; it never invents a value: a field the
 * event cannot supply is "not available" (exists is false, outputs print <NA> / null).
 * Nothing here knows about rules, YAML or outputs. */
#ifndef SHIKRA_FIELDS_H
#define SHIKRA_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "event/event.h"

enum field_type {
	FT_STRING,      /* text; file names, process names, flags rendered as text */
	FT_INT64,       /* signed numbers: pid, res, fd */
	FT_UINT64,      /* unsigned numbers: uid, inode, counts */
	FT_BOOL,
	FT_IPADDR,      /* one IPv4 or IPv6 address */
	FT_IPNET,       /* a network; only constants have this type (for fd.net = 10.0.0.0/8) */
	FT_PORT,        /* 0..65535 */
	FT_ABSTIME,     /* ns since the epoch */
	FT_RELTIME,     /* a duration in ns */
};

/* One value.  Strings are borrowed (from the event or the scratch arena) and carry a length,
 * since file names may contain any byte but NUL. */
struct fvalue {
	enum field_type type;
	union {
		int64_t  i;         /* FT_INT64 */
		uint64_t u;         /* FT_UINT64, FT_PORT, FT_ABSTIME, FT_RELTIME */
		bool     b;         /* FT_BOOL */
		struct {            /* FT_IPADDR, FT_IPNET */
			uint8_t family;     /* 4 or 6 */
			uint8_t prefix;     /* FT_IPNET only */
			uint8_t addr[16];   /* network order; v4 in the first 4 bytes */
		} ip;
		struct {            /* FT_STRING */
			const char *s;
			size_t len;
		} str;
	};
};

/* How a field takes an argument: proc.aname[2], evt.arg.flags / evt.arg[0],
 * container.mount.dest[/proc*], container.label[app], proc.env[HOME]. */
enum field_arg {
	FA_NONE,        /* no argument allowed */
	FA_INDEX,       /* optional [N], N >= 0 (proc.aname: without it, any ancestor) */
	FA_KEY,         /* required [KEY] or .KEY (evt.arg.flags, container.label[x]) */
	FA_INDEX_OR_KEY,/* evt.arg[0] or evt.arg.flags / evt.arg[flags] */
	FA_OPT_KEY,     /* optional [KEY] (proc.env[HOME]; without it, the whole value) */
};

struct field_ref;

/* Fill at most MAX values for REF from EV; return how many (0 = not available).
 * Multi-valued fields (proc.aname without an index) return several. */
typedef uint32_t field_extract_fn(const struct field_ref *ref, const struct event *ev,
                                  struct arena *scratch, struct fvalue *out, uint32_t max);

struct field_def {
	const char *name;          /* "proc.aname" */
	enum field_type type;
	enum field_arg arg;
	uint32_t classes;          /* bitmask of 1u << enum event_class that can supply it */
	const char *desc;
	field_extract_fn *extract;
};

/* A field as written in a rule, resolved against the table. */
struct field_ref {
	const struct field_def *def;
	bool     has_arg;
	int64_t  index;            /* FA_INDEX / numeric FA_INDEX_OR_KEY, else -1 */
	char    *key;              /* FA_KEY / named FA_INDEX_OR_KEY (malloc'd), else NULL */
};

#define FIELD_MAX_VALUES 32        /* a sensible max for field_extract() callers */

/* Resolve TEXT (LEN bytes: "proc.aname[2]", "evt.arg.flags", "fd.name") into OUT.
 * Return 0; -ENOENT for an unknown field; -EINVAL for a bad or missing argument.  *WHY gets a
 * static reason.  The caller releases OUT with field_ref_clear(). */
int  field_lookup(const char *text, size_t len, struct field_ref *out, const char **why);
void field_ref_clear(struct field_ref *ref);   /* NULL-safe */

/* Extract REF from EV (see field_extract_fn). */
uint32_t field_extract(const struct field_ref *ref, const struct event *ev,
                       struct arena *scratch, struct fvalue *out, uint32_t max);

/* True when shikra can never supply D: its extractor always answers "not available", so
 * every comparison on it is false (and its negation true).  The compiler folds them. */
bool field_never_available(const struct field_def *d);

/* The whole table, for --list-fields.  *N gets the count. */
const struct field_def *fields_table(size_t *n);
const char *field_type_name(enum field_type t);     /* "string", "int64", "ipaddr", ... */

/* Append the text form of V ("127.0.0.1", "42", "true", ISO time for FT_ABSTIME) to OUT, raw
 * (escaping is the output's job). */
struct sbuf;
void fvalue_format(const struct fvalue *v, struct sbuf *out);

#endif
