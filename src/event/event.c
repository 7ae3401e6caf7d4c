/* event.c - event allocation, arguments and the type table (see event.h). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "event/event.h"

static const struct {
	const char *name;
	enum event_class cls;
} event_types[] = {
	[EVT_NONE] = { "", EVC_SYSCALL },
#define EVENT_TYPE(n, c) [EVT_##n] = { #n, c },
#include "event/event_types.def"
#undef EVENT_TYPE
};
_Static_assert(sizeof(event_types) / sizeof(event_types[0]) == EVT__COUNT,
               "event type table out of step with event_types.def");

static const char *const event_sources[] = {
	[EVS_AUDIT] = "audit",
	[EVS_FANOTIFY] = "fanotify",
	[EVS_INTERNAL] = "internal",
};

static void
event_path_init(struct event_path *p)
{
	p->mode = p->ouid = p->ogid = EVENT_NUM_UNSET;
}

struct event *
event_new(enum event_type type, enum event_source source)
{
	struct arena mem = ARENA_INIT;
	struct event *ev = arena_zalloc(&mem, sizeof(*ev));

	ev->mem = mem;
	ev->type = type;
	ev->source = source;
	ev->name = event_type_name(type);
	ev->pid = ev->tid = ev->res = ev->syscall_nr = EVENT_NUM_UNSET;
	ev->success = -1;
	event_path_init(&ev->file);
	event_path_init(&ev->file2);
	ev->net.domain = ev->net.type = ev->net.protocol = ev->net.fd = EVENT_NUM_UNSET;
	return ev;
}

void
event_free(struct event *ev)
{
	struct arena mem;

	if (ev == NULL)
		return;
	proc_unref(ev->proc);
	mem = ev->mem;		/* the event lives inside its own arena */
	arena_free(&mem);
}

char *
event_strndup(struct event *ev, const char *s, size_t n)
{
	return arena_strndup(&ev->mem, s, n);
}

char *
event_strdup(struct event *ev, const char *s)
{
	return s ? arena_strdup(&ev->mem, s) : NULL;
}

int
event_set_arg(struct event *ev, const char *name, const char *str, int64_t num)
{
	struct event_arg *a = NULL;

	for (uint32_t i = 0; i < ev->nargs; i++)
		if (strcmp(ev->args[i].name, name) == 0)
			a = &ev->args[i];
	if (a == NULL) {
		if (ev->nargs == EVENT_MAX_ARGS)
			return -ENOSPC;
		a = &ev->args[ev->nargs++];
		a->name = event_strdup(ev, name);
	}
	a->str = event_strdup(ev, str);
	a->num = num;
	return 0;
}

const struct event_arg *
event_get_arg(const struct event *ev, const char *name)
{
	for (uint32_t i = 0; i < ev->nargs; i++)
		if (strcmp(ev->args[i].name, name) == 0)
			return &ev->args[i];
	return NULL;
}

void
event_add_kv(struct event *ev, const char *key, const char *value)
{
	/* Grow by doubling inside the arena; the old array is simply abandoned there. */
	if ((ev->nkv & (ev->nkv - 1)) == 0) {
		uint32_t cap = ev->nkv ? ev->nkv * 2 : 4;
		struct event_kv *kv = arena_alloc(&ev->mem, cap * sizeof(*kv));
		if (ev->nkv)
			memcpy(kv, ev->kv, ev->nkv * sizeof(*kv));
		ev->kv = kv;
	}
	ev->kv[ev->nkv].key = event_strdup(ev, key);
	ev->kv[ev->nkv].value = event_strdup(ev, value);
	ev->nkv++;
}

const char *
event_get_kv(const struct event *ev, const char *key)
{
	for (uint32_t i = 0; i < ev->nkv; i++)
		if (strcmp(ev->kv[i].key, key) == 0)
			return ev->kv[i].value;
	return NULL;
}

const char *
event_type_name(enum event_type t)
{
	if ((unsigned)t >= EVT__COUNT)
		return "";
	return event_types[t].name;
}

enum event_class
event_type_class(enum event_type t)
{
	if ((unsigned)t >= EVT__COUNT)
		return EVC_SYSCALL;
	return event_types[t].cls;
}

enum event_type
event_type_from_name(const char *name)
{
	/* A linear scan of ~170 names; the audit converter calls it for every syscall event,
	 * so strcmp() runs only where the first byte matches. */
	for (unsigned t = 1; t < EVT__COUNT; t++)
		if (event_types[t].name[0] == name[0] && strcmp(event_types[t].name, name) == 0)
			return (enum event_type)t;
	return EVT_NONE;
}

const char *
event_source_name(enum event_source s)
{
	if ((unsigned)s >= sizeof(event_sources) / sizeof(event_sources[0]))
		return "";
	return event_sources[s];
}

int
event_source_from_name(const char *name, enum event_source *out)
{
	for (unsigned s = 0; s < sizeof(event_sources) / sizeof(event_sources[0]); s++) {
		if (strcmp(event_sources[s], name) == 0) {
			*out = (enum event_source)s;
			return 0;
		}
	}
	return -EINVAL;
}
