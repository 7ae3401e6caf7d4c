/* event.h - struct event, the one currency between sources, state, rules and outputs.
 * An event is created by a source (audit/, fan/, capture/) with event_new(), filled in, enriched
 * by state/, read by rules/ and output/, and freed with event_free().  Every string and array an
 * event points to lives in the event's own arena (one malloc for most events); the process
 * snapshot is a counted reference the event owns.  Absent data is NULL / EVENT_NUM_UNSET, never
 * an invented value: rules print <NA> for it. */
#ifndef SHIKRA_EVENT_H
#define SHIKRA_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "event/proc.h"

/* EVC_INTERNAL: shikra's own messages (EVT_internal, source EVS_INTERNAL), made by the
 * sources for events the outputs must report like alerts: losses, audit ownership taken or
 * contested, audit configuration changed by someone else.  They carry no process (pid unset,
 * proc NULL); ts_ns is when shikra noticed.  Their kv pairs, in this order:
 *     "rule"      the alert's rule name: "Audit events lost", "Audit ownership taken", ...
 *     "priority"  a Falco priority name ("Critical", "Warning", ...), for the alert
 *     "msg"       one human sentence saying what happened and what it means
 * then zero or more counts, each a decimal number: "lost" (records the kernel dropped since
 * the last report), "total_lost", "overruns", "backlog", "backlog_limit", "pid" (the other
 * process involved), ... */
enum event_class {
	EVC_EXEC, EVC_PROC, EVC_NET, EVC_NS, EVC_MOUNT, EVC_PTRACE, EVC_MODULE, EVC_BPF,
	EVC_FILE, EVC_CRED, EVC_FD, EVC_SYSCALL, EVC_RECORD, EVC_INTERNAL,
};

enum event_type {
	EVT_NONE = 0,
#define EVENT_TYPE(name, cls) EVT_##name,
#include "event/event_types.def"
#undef EVENT_TYPE
	EVT__COUNT
};

enum event_source { EVS_AUDIT, EVS_FANOTIFY, EVS_INTERNAL };

#define EVENT_NUM_UNSET INT64_MIN

/* One end of a connection.  family 0 = unknown. */
struct event_addr {
	uint16_t family;        /* AF_INET, AF_INET6, AF_UNIX, AF_NETLINK, AF_PACKET, ... */
	uint16_t port;          /* host order; inet only */
	uint8_t  ip[16];        /* AF_INET uses the first 4 bytes, network order */
	char    *path;          /* AF_UNIX path; abstract names start with '@'; NULL otherwise */
};

struct event_net {
	int64_t domain;         /* socket(2) domain, EVENT_NUM_UNSET if unknown */
	int64_t type;           /* SOCK_STREAM, ... (flags masked off) */
	int64_t protocol;       /* IPPROTO_TCP, ... ; 0 = default for the type */
	int64_t fd;             /* the socket fd when known */
	struct event_addr local;   /* bind(): the address bound */
	struct event_addr remote;  /* connect()/sendto(): the peer; accept(): the client */
};

/* One file the event names.  PATH is absolute and normalized when it could be resolved; RAW is
 * the name exactly as the process passed it (relative, with "..").  Either may be NULL. */
struct event_path {
	char    *path;
	char    *raw;
	uint64_t inode;         /* 0 = unknown */
	uint64_t dev;           /* makedev(major, minor); 0 = unknown */
	int64_t  mode;          /* st_mode, EVENT_NUM_UNSET if unknown */
	int64_t  ouid, ogid;    /* owner, EVENT_NUM_UNSET if unknown */
};

/* A syscall argument by name, as Falco's evt.arg.NAME / evt.rawarg.NAME: STR is the readable
 * form ("O_RDONLY|O_CLOEXEC", "/etc/passwd", "CLONE_NEWNET"), NUM the raw number if any. */
struct event_arg {
	const char *name;       /* static string or arena */
	const char *str;        /* NULL if only a number */
	int64_t     num;        /* EVENT_NUM_UNSET if only a string */
};

/* A key=value pair of a non-syscall audit record (USER_*, CONFIG_CHANGE, ANOM_*). */
struct event_kv {
	const char *key;
	const char *value;
};

#define EVENT_MAX_ARGS 16

struct event {
	enum event_type   type;
	enum event_source source;
	uint64_t ts_ns;          /* wall clock, ns since the epoch (UTC) */
	uint64_t serial;         /* audit serial or source sequence number (evt.num) */
	int64_t  pid, tid;       /* EVENT_NUM_UNSET if unknown */
	uint32_t arch;           /* AUDIT_ARCH_* value, 0 = unknown/not a syscall */
	int64_t  syscall_nr;     /* EVENT_NUM_UNSET unless a syscall */
	const char *name;        /* evt.type: the type's name, or the syscall/record's own name
	                          * for EVT_syscall and EVT_record */
	int      success;        /* 1 yes, 0 no, -1 unknown */
	int64_t  res;            /* return value (exit=), EVENT_NUM_UNSET if unknown */
	struct proc *proc;       /* owned reference; NULL until a source or state/ sets it */

	struct event_path file;  /* the file acted upon; for rename/link: the new name */
	struct event_path file2; /* rename/link: the old name; symlink: the target text */
	struct event_net  net;

	struct event_arg args[EVENT_MAX_ARGS];
	uint32_t nargs;
	struct event_kv *kv;     /* record fields, EVC_RECORD/EVC_INTERNAL only */
	uint32_t nkv;
	const char *key;         /* audit rule key (audit.key), NULL if none */

	struct arena mem;        /* owns everything above except proc; the event itself is in it */
};

/* A consumer of events.  It takes ownership of EV (and must event_free() it eventually).
 * Returns 0, or -errno to ask the producer to stop. */
typedef int event_fn(struct event *ev, void *arg);

/* Allocate a zeroed event of TYPE from SOURCE with every number unset.  Never NULL. */
struct event *event_new(enum event_type type, enum event_source source);
/* Release the event, its arena and its process reference.  NULL-safe. */
void event_free(struct event *ev);

/* Copy N bytes of S into the event's arena and NUL-terminate. */
char *event_strndup(struct event *ev, const char *s, size_t n);
char *event_strdup(struct event *ev, const char *s);      /* NULL stays NULL */

/* Add (or replace) argument NAME.  NAME and STR are copied.  Returns -ENOSPC when full. */
int event_set_arg(struct event *ev, const char *name, const char *str, int64_t num);
const struct event_arg *event_get_arg(const struct event *ev, const char *name);
/* Append a record field; KEY and VALUE are copied. */
void event_add_kv(struct event *ev, const char *key, const char *value);
const char *event_get_kv(const struct event *ev, const char *key);

/* The type table, generated from event_types.def. */
const char *event_type_name(enum event_type t);       /* "" for EVT_NONE or out of range */
enum event_class event_type_class(enum event_type t);
/* Look up a type by name; EVT_NONE if unknown.  Case-sensitive. */
enum event_type event_type_from_name(const char *name);
const char *event_source_name(enum event_source s);   /* "audit", "fanotify", "internal" */
int event_source_from_name(const char *name, enum event_source *out);  /* 0 or -EINVAL */

#endif
