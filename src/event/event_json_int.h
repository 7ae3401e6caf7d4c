/* event_json_int.h - what the JSON writer (event_json.c) and reader (event_json_read.c) share:
 * the byte-string codec, the name tables and the per-field tables.  Not for other modules. */
#ifndef SHIKRA_EVENT_JSON_INT_H
#define SHIKRA_EVENT_JSON_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/sbuf.h"
#include "event/event.h"

/* The JSON string for the C string S (see the escape rule in event_json.h).  A new reference,
 * or NULL when jansson runs out of memory. */
json_t *event_json_str(const char *s);

/* Decode the JSON string V (see event_json.h) into OUT, which is reset first and holds the
 * bytes (NUL-terminated, no NUL inside) on success.  Return 0, -EMSGSIZE when the result
 * would exceed MAX bytes, or -EILSEQ for a U+0000 not followed by two lower-case hex digits
 * or one that encodes a NUL byte.  V must be a string. */
int event_json_unstr(const json_t *v, size_t max, struct sbuf *out);

/* Name tables.  *_name() returns NULL when the value has no name; *_value() returns 0 and
 * stores the value, or -ENOENT. */
const char *event_json_arch_name(uint32_t arch);
int event_json_arch_value(const char *name, uint32_t *out);
const char *event_json_family_name(int64_t family);
int event_json_family_value(const char *name, int64_t *out);
const char *event_json_socktype_name(int64_t type);
int event_json_socktype_value(const char *name, int64_t *out);

/* Parse "YYYY-MM-DDTHH:MM:SS[.fraction of 1 to 9 digits]Z" (UTC, years 1970..2500).
 * 0 or -EINVAL. */
int event_json_time_parse(const char *s, uint64_t *out);

/* One int64_t member of a struct and the range a reader accepts for it. */
struct event_json_num {
	const char *key;
	size_t      off;
	int64_t     min, max;
};

/* The id members of struct proc, in output order (unset = PROC_ID_UNSET). */
const struct event_json_num *event_json_proc_ids(size_t *n);
/* The uint64_t members of struct proc, in output order (unset = 0). */
const struct event_json_num *event_json_proc_u64s(size_t *n);

/* The capability sets of struct proc: written as 16 hex digits (as /proc prints them) when
 * the KNOWN bit of caps_known is set, absent otherwise. */
struct event_json_cap {
	const char *key;
	size_t      off;        /* of a uint64_t */
	unsigned    known;      /* PROC_CAP_* */
};
const struct event_json_cap *event_json_proc_caps(size_t *n);
#define EVENT_JSON_CAP_HEX 16   /* digits written; a reader takes 1 to 16 */

/* The "container" member of P's object (event_json_ctr.c has the shape): a new reference, or
 * NULL when jansson runs out of memory.  Only for a placed process (in_container >= 0). */
json_t *event_json_container(const struct proc *p);
/* Read the "container" member OBJ into P (private): in_container and a new container.
 * 0, or -EINVAL with a reason naming the key in WHY (WHY_LEN bytes). */
int event_json_container_read(const json_t *obj, struct proc *p, char *why, size_t why_len);

#endif
