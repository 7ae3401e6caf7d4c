/* event_json.h - struct event <-> JSON (jansson), the shape of --dump-events and capture files.
 * This file owns the JSON form of an event and nothing else: capture/ adds lines and files,
 * output/ has its own Falco alert schema.  Writing an event and reading the object back gives
 * an equal event (the process snapshot's parent chain excepted: state/ rebuilds it).
 *
 * Shape, keys always in this order, anything unknown or unset left out (never null, never an
 * invented 0):
 *
 *   {"type":"execve",            evt.type; for EVT_syscall/EVT_record the syscall/record name
 *    "class":"syscall",          only when "type" is such a name: "syscall" or "record"
 *    "source":"audit",           "audit" | "fanotify" | "internal"
 *    "time":"2026-11-23T03:33:15.123456789Z",   UTC, for people; "ts" wins when both are read
 *    "ts":1795405995123456789,   ns since the epoch
 *    "serial":42,
 *    "arch":"x86_64",            or "0xc000003e" for an AUDIT_ARCH_* value without a name
 *    "syscall":59, "success":true, "res":0, "pid":1234, "tid":1234, "key":"shikra",
 *    "proc":{"pid","ppid","uid","euid","suid","fsuid","gid","egid","sgid","fsgid","auid","ses",
 *            "comm","exe","cwd","tty","has_tty","argv":[...],"start_ns","exe_ino","exe_dev",
 *            "container":{"type":"podman","full_id",...} (see event_json_ctr.c)},
 *    "file":{"path","raw","inode","dev","mode":"0100644","ouid","ogid"},  "file2":{...},
 *    "net":{"domain":"AF_INET","type":"SOCK_STREAM","protocol":6,"fd":3,
 *           "local":{"family":"AF_INET","ip":"127.0.0.1","port":80},
 *           "remote":{"family":"AF_UNIX","path":"@abstract"}},
 *    "args":{"flags":"O_RDONLY|O_CLOEXEC","fd":3},
 *    "rawargs":{"flags":524288,"fd":3},
 *    "fields":{"op":"PAM:session_open","acct":"root"}}
 *
 * Details:
 *  - Integers are JSON integers.  An unsigned 64-bit value above 2^63-1 (inode numbers with
 *    overlayfs xino bits, say) is written as a decimal string; either form is read.
 *  - "has_tty" appears only when the tty name is absent: false = known to have none, true =
 *    known to have one whose name is unknown.  A "tty" name implies has_tty = 1.
 *  - "mode" is an octal string.  "domain", "type" and "family" are names where shikra knows
 *    one, integers otherwise.  "ip" is inet_ntop() text for AF_INET/AF_INET6 (AF_INET uses the
 *    first 4 bytes); other families carry non-zero address bytes as 32 hex digits in "addr".
 *    "port" is always present for AF_INET/AF_INET6, elsewhere only when non-zero.
 *  - "args" lists every argument in order: its string form, or the number when it has no
 *    string.  "rawargs" gives the number of every argument that has one.  An argument with
 *    neither carries nothing and is not written.
 *  - "fields" is an object, or, when record keys repeat or a key is not valid UTF-8, an array
 *    of [key, value] pairs in order.  A field whose key or value is NULL is not written.
 *  - Strings carry any bytes but NUL (C strings cannot hold one).  Valid UTF-8 is written as
 *    is; each byte that is not part of a valid UTF-8 sequence is written as U+0000 followed
 *    by two lower-case hex digits ("caf\u0000e9" is the bytes 'c' 'a' 'f' 0xe9).  Readers pass
 *    JSON_ALLOW_NUL to jansson.
 *
 * Reading validates every type, range and size, rejects what does not fit with a reason, and
 * ignores keys it does not know (forward compatibility).  "type" and "source" are required;
 * without "ts", a "time" string is parsed instead; without either the time is 0. */
#ifndef SHIKRA_EVENT_JSON_H
#define SHIKRA_EVENT_JSON_H

#include <stddef.h>

#include <jansson.h>

#include "event/event.h"

/* Bounds the reader enforces (bytes are after decoding). */
#define EVENT_JSON_MAX_STR    (1u << 20)   /* any one string */
#define EVENT_JSON_MAX_NAME   128u         /* type, class, argument and field names */
#define EVENT_JSON_MAX_ARGV   65536u       /* proc.argv elements */
#define EVENT_JSON_MAX_FIELDS 4096u        /* record fields */

/* Room for any reason event_from_json() gives. */
#define EVENT_JSON_WHY_MAX 160

/* Build the JSON object for EV.  On success store a new reference in *OUT (the caller
 * json_decref()s it) and return 0.  Return -EINVAL when EV cannot be written (EVT_NONE or an
 * unknown type, an argument name that is not valid UTF-8), -ENOMEM when jansson fails.
 * Borrows EV. */
int event_to_json(const struct event *ev, json_t **out);

/* Build an event from OBJ.  On success store it in *OUT (the caller event_free()s it) and
 * return 0.  On a malformed object return -EINVAL and write a one-line reason naming the
 * offending key ("proc.uid: out of range") into WHY (WHY_LEN bytes, EVENT_JSON_WHY_MAX is
 * enough; WHY may be NULL).  Borrows OBJ. */
int event_from_json(const json_t *obj, struct event **out, char *why, size_t why_len);

/* A JSON string for the LEN bytes at S, for alerts and listings rather than captures: valid
 * UTF-8 is kept as it is and every byte that is not part of a valid sequence becomes the four
 * characters \xNN, so a file or process name that is not UTF-8 still prints (jansson refuses
 * such a string outright).  Unlike event_json_str() this is not reversible, and it need not
 * be.  A new reference, or NULL when jansson runs out of memory. */
json_t *event_json_text(const char *s, size_t len);

/* Format TS_NS as "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ" into BUF (at least 40 bytes). */
void event_json_time(uint64_t ts_ns, char *buf, size_t len);

#endif
