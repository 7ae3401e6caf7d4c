/* fields_evt.c - evt.* extractors: time, type, result, arguments, open modes.
 * Times: evt.time and evt.datetime print local time as Falco's text output does;
 * evt.time.iso8601 is UTC.  An event with ts_ns 0 or serial 0 has no time or number (sources
 * number events from 1), so Falco's never_true macro (evt.num=0) stays false.
 * Open modes: an audit open-family event answers evt.is_open_read/write from its "flags"
 * argument (O_ACCMODE); a fanotify event from its "flags" argument when the source supplied
 * one, else from its type (access and close_nowrite read, modify and close_write write, a
 * bare open says nothing); every other event answers false, as Falco does. */
#include "config.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/sbuf.h"
#include "core/timefmt.h"
#include "rules/fields_int.h"

#define NS_PER_S 1000000000u

/* Falco's category for each event class; NULL where Falco has none. */
static const char *const class_category[] = {
	[EVC_EXEC] = "process",
	[EVC_PROC] = "process",
	[EVC_NET] = "net",
	[EVC_NS] = "process",
	[EVC_MOUNT] = "file",
	[EVC_PTRACE] = "process",
	[EVC_MODULE] = "system",
	[EVC_BPF] = "other",
	[EVC_FILE] = "file",
	[EVC_CRED] = "user",
	[EVC_FD] = "other",
	[EVC_SYSCALL] = "other",
	[EVC_RECORD] = NULL,
	[EVC_INTERNAL] = "internal",
};
_Static_assert(sizeof(class_category) / sizeof(class_category[0]) == EVC_INTERNAL + 1,
               "category table out of step with enum event_class");

/* ---- number and time ---- */

uint32_t
field_x_evt_num(const struct field_ref *ref, const struct event *ev, struct arena *scratch,
                struct fvalue *out, uint32_t max)
{
	return ev->serial ? fields_put_u64(out, max, FT_UINT64, ev->serial) : 0;
}

/* The event time in FORM, with ".nnnnnnnnn" if NS; not available without a time. */
static uint32_t
put_time(const struct event *ev, struct arena *scratch, struct fvalue *out, uint32_t max,
         enum timefmt_form form, bool ns)
{
	char buf[TIMEFMT_MAX];
	size_t n;

	if (ev->ts_ns == 0 || (n = timefmt_write(ev->ts_ns, form, ns, buf)) == 0)
		return 0;
	return fields_put_str(out, max, arena_strndup(scratch, buf, n), n);
}

uint32_t
field_x_evt_time(const struct field_ref *ref, const struct event *ev, struct arena *scratch,
                 struct fvalue *out, uint32_t max)
{
	return put_time(ev, scratch, out, max, TIMEFMT_LOCAL_CLOCK, true);
}

uint32_t
field_x_evt_time_s(const struct field_ref *ref, const struct event *ev, struct arena *scratch,
                   struct fvalue *out, uint32_t max)
{
	return put_time(ev, scratch, out, max, TIMEFMT_LOCAL_CLOCK, false);
}

uint32_t
field_x_evt_time_iso(const struct field_ref *ref, const struct event *ev,
                     struct arena *scratch, struct fvalue *out, uint32_t max)
{
	return put_time(ev, scratch, out, max, TIMEFMT_UTC_ISO, true);
}

uint32_t
field_x_evt_datetime(const struct field_ref *ref, const struct event *ev,
                     struct arena *scratch, struct fvalue *out, uint32_t max)
{
	return put_time(ev, scratch, out, max, TIMEFMT_LOCAL_DATE, true);
}

uint32_t
field_x_evt_datetime_s(const struct field_ref *ref, const struct event *ev,
                       struct arena *scratch, struct fvalue *out, uint32_t max)
{
	return put_time(ev, scratch, out, max, TIMEFMT_LOCAL_DATE, false);
}

uint32_t
field_x_evt_rawtime(const struct field_ref *ref, const struct event *ev,
                    struct arena *scratch, struct fvalue *out, uint32_t max)
{
	return ev->ts_ns ? fields_put_u64(out, max, FT_ABSTIME, ev->ts_ns) : 0;
}

uint32_t
field_x_evt_rawtime_s(const struct field_ref *ref, const struct event *ev,
                      struct arena *scratch, struct fvalue *out, uint32_t max)
{
	return ev->ts_ns ? fields_put_u64(out, max, FT_UINT64, ev->ts_ns / NS_PER_S) : 0;
}

uint32_t
field_x_evt_rawtime_ns(const struct field_ref *ref, const struct event *ev,
                       struct arena *scratch, struct fvalue *out, uint32_t max)
{
	return ev->ts_ns ? fields_put_u64(out, max, FT_UINT64, ev->ts_ns % NS_PER_S) : 0;
}

/* ---- type and source ---- */

uint32_t
field_x_evt_source(const struct field_ref *ref, const struct event *ev,
                   struct arena *scratch, struct fvalue *out, uint32_t max)
{
	/* Falco's name for kernel-event rules is "syscall"; fanotify events answer to it too. */
	return fields_put_cstr(out, max, ev->source == EVS_INTERNAL ? "internal" : "syscall");
}

uint32_t
field_x_evt_type(const struct field_ref *ref, const struct event *ev, struct arena *scratch,
                 struct fvalue *out, uint32_t max)
{
	return ev->name && ev->name[0] ? fields_put_cstr(out, max, ev->name) : 0;
}

uint32_t
field_x_syscall_type(const struct field_ref *ref, const struct event *ev,
                     struct arena *scratch, struct fvalue *out, uint32_t max)
{
	enum event_class c = event_type_class(ev->type);

	if (ev->source != EVS_AUDIT || c == EVC_RECORD || c == EVC_INTERNAL)
		return 0;
	return field_x_evt_type(ref, ev, scratch, out, max);
}

uint32_t
field_x_evt_dir(const struct field_ref *ref, const struct event *ev, struct arena *scratch,
                struct fvalue *out, uint32_t max)
{
	/* Audit and fanotify report a call once it is done: every event is an exit. */
	return fields_put_cstr(out, max, "<");
}

uint32_t
field_x_evt_category(const struct field_ref *ref, const struct event *ev,
                     struct arena *scratch, struct fvalue *out, uint32_t max)
{
	return fields_put_cstr(out, max, class_category[event_type_class(ev->type)]);
}

/* ---- result ---- */

uint32_t
field_x_evt_res(const struct field_ref *ref, const struct event *ev, struct arena *scratch,
                struct fvalue *out, uint32_t max)
{
	const char *name;
	char buf[32];
	int n;

	if (ev->res == EVENT_NUM_UNSET)
		return ev->success == 1 ? fields_put_cstr(out, max, "SUCCESS") : 0;
	if (ev->res >= 0)
		return fields_put_cstr(out, max, "SUCCESS");
	name = ev->res > INT64_MIN ? fields_errno_name(-ev->res) : NULL;
	if (name)
		return fields_put_cstr(out, max, name);
	/* An error without a name keeps its number rather than becoming a guess. */
	n = snprintf(buf, sizeof(buf), "%" PRId64, ev->res);
	return fields_put_str(out, max, arena_strndup(scratch, buf, (size_t)n), (size_t)n);
}

uint32_t
field_x_evt_rawres(const struct field_ref *ref, const struct event *ev,
                   struct arena *scratch, struct fvalue *out, uint32_t max)
{
	return ev->res != EVENT_NUM_UNSET ? fields_put_i64(out, max, ev->res) : 0;
}

uint32_t
field_x_evt_failed(const struct field_ref *ref, const struct event *ev,
                   struct arena *scratch, struct fvalue *out, uint32_t max)
{
	if (ev->success == 0 || ev->success == 1)
		return fields_put_bool(out, max, ev->success == 0);
	if (ev->res != EVENT_NUM_UNSET)
		return fields_put_bool(out, max, ev->res < 0);
	return 0;
}

/* ---- arguments ---- */

/* The readable form of A: its text, else its number; false if it has neither. */
static bool
arg_text(const struct event_arg *a, struct arena *scratch, const char **s, size_t *len)
{
	char buf[32];
	int n;

	if (a->str) {
		*s = a->str;
		*len = strlen(a->str);
		return true;
	}
	if (a->num == EVENT_NUM_UNSET)
		return false;
	n = snprintf(buf, sizeof(buf), "%" PRId64, a->num);
	*s = arena_strndup(scratch, buf, (size_t)n);
	*len = (size_t)n;
	return true;
}

static void
args_append(const struct event_arg *a, struct sbuf *b)
{
	if (b->len)
		sbuf_putc(b, ' ');
	sbuf_printf(b, "%s=", a->name);
	if (a->str && a->num != EVENT_NUM_UNSET)
		sbuf_printf(b, "%" PRId64 "(%s)", a->num, a->str);   /* Falco's "flags=1(O_WRONLY)" */
	else if (a->str)
		sbuf_puts(b, a->str);
	else if (a->num != EVENT_NUM_UNSET)
		sbuf_printf(b, "%" PRId64, a->num);
}

uint32_t
field_x_evt_args(const struct field_ref *ref, const struct event *ev, struct arena *scratch,
                 struct fvalue *out, uint32_t max)
{
	struct sbuf b = SBUF_INIT;
	uint32_t n;

	for (uint32_t i = 0; i < ev->nargs; i++)
		args_append(&ev->args[i], &b);
	/* Record events carry key=value fields instead of syscall arguments. */
	for (uint32_t i = 0; i < ev->nkv; i++)
		sbuf_printf(&b, "%s%s=%s", b.len ? " " : "", ev->kv[i].key,
		            ev->kv[i].value ? ev->kv[i].value : "");
	n = fields_put_sbuf(out, max, scratch, &b);
	sbuf_free(&b);
	return n;
}

static const struct event_arg *
arg_by_ref(const struct field_ref *ref, const struct event *ev)
{
	if (ref->key)
		return event_get_arg(ev, ref->key);
	if (ref->index >= 0 && (uint64_t)ref->index < ev->nargs)
		return &ev->args[ref->index];
	return NULL;
}

uint32_t
field_x_evt_arg(const struct field_ref *ref, const struct event *ev, struct arena *scratch,
                struct fvalue *out, uint32_t max)
{
	const struct event_arg *a = arg_by_ref(ref, ev);
	const char *s;
	size_t len;

	if (a == NULL && ref->key)
		return fields_put_cstr(out, max, event_get_kv(ev, ref->key));
	if (a == NULL || !arg_text(a, scratch, &s, &len))
		return 0;
	return fields_put_str(out, max, s, len);
}

uint32_t
field_x_evt_rawarg(const struct field_ref *ref, const struct event *ev,
                   struct arena *scratch, struct fvalue *out, uint32_t max)
{
	const struct event_arg *a = arg_by_ref(ref, ev);

	if (a == NULL || a->num == EVENT_NUM_UNSET)
		return 0;
	return fields_put_i64(out, max, a->num);
}

/* ---- open modes ---- */

enum open_answer { OPEN_NO, OPEN_YES, OPEN_UNKNOWN };

static bool
is_open_family(enum event_type t)
{
	return t == EVT_open || t == EVT_openat || t == EVT_openat2 || t == EVT_open_by_handle_at;
}

/* The open flags of EV as a number, or false if it has none. */
static bool
open_flags(const struct event *ev, int64_t *flags)
{
	const struct event_arg *a = event_get_arg(ev, "flags");

	if (a == NULL || a->num == EVENT_NUM_UNSET)
		return false;
	*flags = a->num;
	return true;
}

/* Does EV open its file with access mode WANT (O_RDONLY or O_WRONLY)?  O_RDWR is both. */
static enum open_answer
open_mode(const struct event *ev, int want)
{
	int64_t flags;
	int acc;

	if (ev->source == EVS_FANOTIFY && !open_flags(ev, &flags)) {
		if (ev->type == EVT_access || ev->type == EVT_close_nowrite || ev->type == EVT_open_exec)
			return want == O_RDONLY ? OPEN_YES : OPEN_NO;
		if (ev->type == EVT_modify || ev->type == EVT_close_write)
			return want == O_WRONLY ? OPEN_YES : OPEN_NO;
		return ev->type == EVT_open ? OPEN_UNKNOWN : OPEN_NO;
	}
	if (ev->source != EVS_FANOTIFY && !is_open_family(ev->type))
		return OPEN_NO;
	if (!open_flags(ev, &flags))
		return OPEN_UNKNOWN;
	acc = (int)(flags & O_ACCMODE);
	return acc == want || acc == O_RDWR ? OPEN_YES : OPEN_NO;
}

static uint32_t
put_answer(enum open_answer a, struct fvalue *out, uint32_t max)
{
	return a == OPEN_UNKNOWN ? 0 : fields_put_bool(out, max, a == OPEN_YES);
}

uint32_t
field_x_evt_is_open_read(const struct field_ref *ref, const struct event *ev,
                         struct arena *scratch, struct fvalue *out, uint32_t max)
{
	return put_answer(open_mode(ev, O_RDONLY), out, max);
}

uint32_t
field_x_evt_is_open_write(const struct field_ref *ref, const struct event *ev,
                          struct arena *scratch, struct fvalue *out, uint32_t max)
{
	return put_answer(open_mode(ev, O_WRONLY), out, max);
}

/* Does EV create a file (O_CREAT, or creat)? */
static enum open_answer
open_creates(const struct event *ev)
{
	int64_t flags;

	if (ev->type == EVT_creat)
		return OPEN_YES;
	if (!is_open_family(ev->type) && !(ev->source == EVS_FANOTIFY && open_flags(ev, &flags)))
		return OPEN_NO;
	if (!open_flags(ev, &flags))
		return OPEN_UNKNOWN;
	return flags & O_CREAT ? OPEN_YES : OPEN_NO;
}

uint32_t
field_x_evt_is_open_create(const struct field_ref *ref, const struct event *ev,
                           struct arena *scratch, struct fvalue *out, uint32_t max)
{
	return put_answer(open_creates(ev), out, max);
}

uint32_t
field_x_evt_is_open_exec(const struct field_ref *ref, const struct event *ev,
                         struct arena *scratch, struct fvalue *out, uint32_t max)
{
	enum open_answer c = open_creates(ev);
	const struct event_arg *mode = event_get_arg(ev, "mode");

	if (c != OPEN_YES)
		return put_answer(c, out, max);
	if (mode == NULL || mode->num == EVENT_NUM_UNSET)
		return 0;
	return fields_put_bool(out, max, (mode->num & (S_IXUSR | S_IXGRP | S_IXOTH)) != 0);
}
