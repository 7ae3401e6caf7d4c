/* fields_int.h - what the field extractors share; private to src/rules/fields*.c.
 * fields.c owns the table, lookup and formatting; fields_evt.c, fields_proc.c, fields_fd.c
 * and fields_misc.c hold the extractors of one family each.  Every extractor follows
 * field_extract_fn: it fills at most MAX values and returns how many, 0 meaning "not
 * available"; it never guesses a value the event does not carry. */
#ifndef SHIKRA_FIELDS_INT_H
#define SHIKRA_FIELDS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "event/event.h"
#include "rules/fields.h"

/* Event class masks for the CLASSES column of fields.def. */
#define FC(c)     (1u << (c))
#define FC_ANY    ((1u << (EVC_INTERNAL + 1)) - 1)
#define FC_PROCS  (FC_ANY & ~FC(EVC_INTERNAL))                 /* events with a process */
#define FC_SYS    (FC_PROCS & ~FC(EVC_RECORD))                 /* syscall and fanotify */
#define FC_FILE   (FC(EVC_FILE) | FC(EVC_FD))
#define FC_NET    (FC(EVC_NET) | FC(EVC_FD))
#define FC_FD     (FC_FILE | FC_NET)

/* Every extractor named in fields.def, declared from the list itself. */
#define FIELD(name, type, arg, classes, desc, fn) field_extract_fn fn;
#include "rules/fields.def"
#undef FIELD

/* The longest ancestor chain any extractor walks: a bound on work per event. */
#define FIELDS_MAX_DEPTH 64

/* Value setters.  Each fills OUT[0] and returns 1, or returns 0 when MAX is 0. */
uint32_t fields_put_str(struct fvalue *out, uint32_t max, const char *s, size_t len);
uint32_t fields_put_cstr(struct fvalue *out, uint32_t max, const char *s);   /* NULL -> 0 */
uint32_t fields_put_i64(struct fvalue *out, uint32_t max, int64_t v);
uint32_t fields_put_u64(struct fvalue *out, uint32_t max, enum field_type t, uint64_t v);
uint32_t fields_put_bool(struct fvalue *out, uint32_t max, bool v);
/* An address of FAMILY (AF_INET or AF_INET6); IP is in network order. */
uint32_t fields_put_ip(struct fvalue *out, uint32_t max, int family, const uint8_t *ip);

/* Copy the text built in B into SCRATCH and store the copy in OUT[0]; B stays the caller's. */
struct sbuf;
uint32_t fields_put_sbuf(struct fvalue *out, uint32_t max, struct arena *scratch,
                         const struct sbuf *b);

/* "ENOENT" for 2; NULL for a number with no name. */
const char *fields_errno_name(int64_t e);

/* The process that did the event, or its Nth ancestor (0 = itself); NULL if unknown. */
const struct proc *fields_ancestor(const struct event *ev, int64_t n);

/* Join N strings with single spaces into SCRATCH, after FIRST when it is not NULL; store
 * the length in *LEN and return the text. */
const char *fields_join(struct arena *scratch, const char *first, char *const *v, uint32_t n,
                        size_t *len);

/* Capability set CAPS as Falco prints it: names in bit order, one space apart
 * ("CAP_CHOWN CAP_SYS_ADMIN"); a bit without a name prints as CAP_<bit>; an empty set is "".
 * Writes at most SIZE bytes with the NUL (whole names only: FIELDS_CAPS_MAX always fits
 * every name) and returns the length. */
#define FIELDS_CAPS_MAX 1024
size_t fields_caps_format(uint64_t caps, char *buf, size_t size);

/* proc.cmdline of P ("name arg1 arg2") in SCRATCH; NULL when the name or argv is unknown. */
const char *fields_cmdline(const struct proc *p, struct arena *scratch, size_t *len);

/* What is known of the container an event's process runs in.  Absent data is NULL, -1 or
 * 0.  A host process (struct proc.in_container 0) and a process nobody could place (-1:
 * no container table, or gone before it was read and no parent known) both describe the
 * host, as Falco does without container metadata: id, full_id, name and type "host",
 * everything else unknown.  A container's fields point into its struct container. */
struct fields_container {
	const char *id, *full_id, *name, *type;
	const char *image, *image_id, *image_repo, *image_tag, *image_digest;
	const char *k8s_ns, *k8s_pod_name, *k8s_pod_uid;
	int privileged;             /* 1, 0, or -1 unknown */
	uint64_t start_ts;          /* ns since the epoch, 0 unknown */
	const struct container_mount *mounts;   /* NULL: unknown; else NMOUNTS of them */
	uint32_t nmounts;
	const struct container_kv *labels, *pod_labels;
	uint32_t nlabels, npod_labels;
};

/* Describe the container of EV's process into *OUT (zeroed and filled).  Return false when
 * EV has no process, in which case nothing is known. */
bool fields_container_get(const struct event *ev, struct fields_container *out);

#endif
