/* event_json_read.c - build a struct event from a JSON object (the shape is in event_json.h).
 * The object comes from a file anyone may have written, so every member is checked for type,
 * range and size before it touches the event; the first problem ends the read with a reason
 * that names the key.  Keys this version does not know are ignored. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "core/strnum.h"
#include "event/event_json.h"
#include "event/event_json_int.h"

struct range {
	int64_t min, max;
};

#define RANGE(lo, hi) ((struct range){ (lo), (hi) })
#define R_PID   RANGE(0, INT32_MAX)
#define R_ID    RANGE(0, UINT32_MAX)
#define R_PORT  RANGE(0, UINT16_MAX)
#define R_INT   RANGE(0, INT32_MAX)
#define R_ANY   RANGE(INT64_MIN + 1, INT64_MAX)   /* INT64_MIN is EVENT_NUM_UNSET */

/* The reader's state: where it is, for messages, and a scratch buffer for decoded strings.
 * Helpers read members of OBJ, the object being read, whose name for messages is WHERE. */
struct rd {
	char *why;
	size_t why_len;
	const char *where;
	const json_t *obj;
	struct sbuf tmp;
};

struct rd_frame {
	const char *where;
	const json_t *obj;
};

/* Record "WHERE.KEY: PROBLEM" and return -EINVAL.  KEY may be NULL. */
static int
bad(struct rd *r, const char *key, const char *problem)
{
	const char *dot = r->where[0] && key ? "." : "";

	if (r->why != NULL && r->why_len > 0) {
		if (r->where[0] || key)
			snprintf(r->why, r->why_len, "%s%s%s: %s", r->where, dot, key ? key : "",
			         problem);
		else
			snprintf(r->why, r->why_len, "%s", problem);
	}
	return -EINVAL;
}

/* Make member KEY (named WHERE in messages) the object being read.  Return 1 when it is there
 * (leave() restores FR), 0 when it is absent, -EINVAL when it is not an object. */
static int
enter(struct rd *r, const char *key, const char *where, struct rd_frame *fr)
{
	const json_t *v = json_object_get(r->obj, key);

	if (v == NULL)
		return 0;
	if (!json_is_object(v))
		return bad(r, key, "not an object");
	fr->where = r->where;
	fr->obj = r->obj;
	r->where = where;
	r->obj = v;
	return 1;
}

static void
leave(struct rd *r, const struct rd_frame *fr)
{
	r->where = fr->where;
	r->obj = fr->obj;
}

/* Five parameters: the key only names the value in messages, and bundling it would cost
 * every caller a compound literal. */
static int
int_value(struct rd *r, const json_t *v, const char *key, struct range rg, int64_t *out)
{
	json_int_t x;

	if (!json_is_integer(v))
		return bad(r, key, "not an integer");
	x = json_integer_value(v);
	if (x < rg.min || x > rg.max)
		return bad(r, key, "out of range");
	*out = x;
	return 0;
}

/* The get_*() helpers leave *OUT alone and return 0 when KEY is absent. */
static int
get_int(struct rd *r, const char *key, struct range rg, int64_t *out)
{
	const json_t *v = json_object_get(r->obj, key);

	return v ? int_value(r, v, key, rg, out) : 0;
}

static int
get_u64(struct rd *r, const char *key, uint64_t *out)
{
	const json_t *v = json_object_get(r->obj, key);
	int64_t x;

	if (v == NULL)
		return 0;
	if (json_is_string(v)) {
		if (strnum_u64z(json_string_value(v), 10, UINT64_MAX, out) != 0 ||
		    strlen(json_string_value(v)) != json_string_length(v))
			return bad(r, key, "not an unsigned decimal");
		return 0;
	}
	if (int_value(r, v, key, RANGE(0, INT64_MAX), &x) != 0)
		return -EINVAL;
	*out = (uint64_t)x;
	return 0;
}

static int
get_bool(struct rd *r, const char *key, int *out)
{
	const json_t *v = json_object_get(r->obj, key);

	if (v == NULL)
		return 0;
	if (!json_is_boolean(v))
		return bad(r, key, "not true or false");
	*out = json_is_true(v);
	return 0;
}

/* Decode string V into a copy in MEM.  NULL (with the reason recorded) if it is not one. */
static char *
str_value(struct rd *r, const json_t *v, const char *key, struct arena *mem)
{
	int rc;

	if (!json_is_string(v)) {
		bad(r, key, "not a string");
		return NULL;
	}
	rc = event_json_unstr(v, EVENT_JSON_MAX_STR, &r->tmp);
	if (rc != 0) {
		bad(r, key, rc == -EMSGSIZE ? "string too long" : "bad \\u0000 escape");
		return NULL;
	}
	return arena_strndup(mem, r->tmp.buf ? r->tmp.buf : "", r->tmp.len);
}

static int
get_str(struct rd *r, const char *key, struct arena *mem, char **out)
{
	const json_t *v = json_object_get(r->obj, key);

	if (v != NULL && (*out = str_value(r, v, key, mem)) == NULL)
		return -EINVAL;
	return 0;
}

/* A plain name (no escapes, 1 to EVENT_JSON_MAX_NAME bytes), borrowed from the object. */
static int
get_name(struct rd *r, const char *key, bool required, const char **out)
{
	const json_t *v = json_object_get(r->obj, key);
	size_t len;

	if (v == NULL)
		return required ? bad(r, key, "missing") : 0;
	if (!json_is_string(v))
		return bad(r, key, "not a string");
	len = json_string_length(v);
	if (len == 0 || len > EVENT_JSON_MAX_NAME || strlen(json_string_value(v)) != len)
		return bad(r, key, "not a valid name");
	*out = json_string_value(v);
	return 0;
}

/* Values written as a name from a table where there is one, as a number otherwise. */
struct named {
	const char *key;
	int (*lookup)(const char *name, int64_t *out);
	struct range rg;
};

static const struct named n_domain = { "domain", event_json_family_value, R_INT };
static const struct named n_socktype = { "type", event_json_socktype_value, R_INT };
static const struct named n_family = { "family", event_json_family_value, R_PORT };

static int
get_named(struct rd *r, const struct named *nm, int64_t *out)
{
	const json_t *v = json_object_get(r->obj, nm->key);

	if (v == NULL || !json_is_string(v))
		return get_int(r, nm->key, nm->rg, out);
	if (nm->lookup(json_string_value(v), out) != 0)
		return bad(r, nm->key, "unknown name");
	return 0;
}

static int
read_type(struct rd *r, struct event **out)
{
	const char *name = NULL, *cls = NULL, *src = NULL;
	enum event_source source;
	enum event_type t;
	int rc;

	if ((rc = get_name(r, "type", true, &name)) != 0 ||
	    (rc = get_name(r, "class", false, &cls)) != 0 ||
	    (rc = get_name(r, "source", true, &src)) != 0)
		return rc;
	if (event_source_from_name(src, &source) != 0)
		return bad(r, "source", "unknown source");
	if (cls != NULL) {
		t = event_type_from_name(cls);
		if (t != EVT_syscall && t != EVT_record)
			return bad(r, "class", "neither \"syscall\" nor \"record\"");
	} else if ((t = event_type_from_name(name)) == EVT_NONE) {
		return bad(r, "type", "unknown event type");
	}
	*out = event_new(t, source);
	if (cls != NULL)
		(*out)->name = event_strdup(*out, name);
	return 0;
}

static int
read_time(struct rd *r, struct event *ev)
{
	const json_t *ts = json_object_get(r->obj, "ts");
	const json_t *tm = json_object_get(r->obj, "time");

	if (tm != NULL && !json_is_string(tm))
		return bad(r, "time", "not a string");
	if (ts != NULL)
		return get_u64(r, "ts", &ev->ts_ns);
	if (tm != NULL && event_json_time_parse(json_string_value(tm), &ev->ts_ns) != 0)
		return bad(r, "time", "not YYYY-MM-DDTHH:MM:SS[.nnnnnnnnn]Z");
	return 0;
}

static int
read_arch(struct rd *r, struct event *ev)
{
	const char *s = NULL;
	uint64_t v;
	int rc;

	if ((rc = get_name(r, "arch", false, &s)) != 0 || s == NULL)
		return rc;
	if (event_json_arch_value(s, &ev->arch) == 0)
		return 0;
	if (strncmp(s, "0x", 2) != 0 || strnum_u64z(s + 2, 16, UINT32_MAX, &v) != 0 || v == 0)
		return bad(r, "arch", "neither a known name nor 0x and 1 to 8 hex digits");
	ev->arch = (uint32_t)v;
	return 0;
}

static int
read_head(struct rd *r, struct event *ev)
{
	char *key = NULL;
	int rc;

	if ((rc = read_time(r, ev)) != 0 ||
	    (rc = get_u64(r, "serial", &ev->serial)) != 0 ||
	    (rc = read_arch(r, ev)) != 0 ||
	    (rc = get_int(r, "syscall", R_INT, &ev->syscall_nr)) != 0 ||
	    (rc = get_bool(r, "success", &ev->success)) != 0 ||
	    (rc = get_int(r, "res", R_ANY, &ev->res)) != 0 ||
	    (rc = get_int(r, "pid", R_PID, &ev->pid)) != 0 ||
	    (rc = get_int(r, "tid", R_PID, &ev->tid)) != 0 ||
	    (rc = get_str(r, "key", &ev->mem, &key)) != 0)
		return rc;
	if (key != NULL)
		ev->key = key;
	return 0;
}

static int
read_argv(struct rd *r, struct proc *p)
{
	const json_t *arr = json_object_get(r->obj, "argv");
	size_t n;

	if (arr == NULL)
		return 0;
	if (!json_is_array(arr))
		return bad(r, "argv", "not an array");
	if ((n = json_array_size(arr)) > EVENT_JSON_MAX_ARGV)
		return bad(r, "argv", "too many elements");
	p->argv = arena_alloc(&p->mem, (n + 1) * sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		p->argv[i] = str_value(r, json_array_get(arr, i), "argv", &p->mem);
		if (p->argv[i] == NULL)
			return -EINVAL;
	}
	p->argv[n] = NULL;
	p->argc = (uint32_t)n;
	return 0;
}

static int
read_proc_strings(struct rd *r, struct proc *p)
{
	int rc;

	if ((rc = get_str(r, "comm", &p->mem, &p->comm)) != 0 ||
	    (rc = get_str(r, "exe", &p->mem, &p->exe)) != 0 ||
	    (rc = get_str(r, "cwd", &p->mem, &p->cwd)) != 0 ||
	    (rc = get_str(r, "tty", &p->mem, &p->tty)) != 0 ||
	    (rc = get_bool(r, "has_tty", &p->has_tty)) != 0)
		return rc;
	if (p->tty != NULL)
		p->has_tty = 1;		/* a name means there is a tty, whatever has_tty says */
	return read_argv(r, p);
}

/* The capability sets: 1 to EVENT_JSON_CAP_HEX hex digits each, optional. */
static int
read_caps(struct rd *r, struct proc *p)
{
	size_t n;
	const struct event_json_cap *caps = event_json_proc_caps(&n);

	for (size_t i = 0; i < n; i++) {
		const json_t *v = json_object_get(r->obj, caps[i].key);
		uint64_t x;

		if (v == NULL)
			continue;
		if (!json_is_string(v) || json_string_length(v) > EVENT_JSON_CAP_HEX ||
		    strlen(json_string_value(v)) != json_string_length(v) ||
		    strnum_u64z(json_string_value(v), 16, UINT64_MAX, &x) != 0)
			return bad(r, caps[i].key, "not a string of 1 to 16 hex digits");
		*(uint64_t *)((char *)p + caps[i].off) = x;
		p->caps_known |= caps[i].known;
	}
	return 0;
}

static int
read_proc(struct rd *r, struct event *ev)
{
	const struct event_json_num *ids, *u64s;
	struct rd_frame fr = { 0 };
	struct proc *p;
	size_t nids, nu64s;
	int rc;

	if ((rc = enter(r, "proc", "proc", &fr)) <= 0)
		return rc;
	p = ev->proc = proc_new(PROC_ID_UNSET);
	ids = event_json_proc_ids(&nids);
	u64s = event_json_proc_u64s(&nu64s);
	for (size_t i = 0; i < nids; i++) {
		int64_t *dst = (int64_t *)((char *)p + ids[i].off);

		if ((rc = get_int(r, ids[i].key, RANGE(ids[i].min, ids[i].max), dst)) != 0)
			return rc;
	}
	for (size_t i = 0; i < nu64s; i++)
		if ((rc = get_u64(r, u64s[i].key, (uint64_t *)((char *)p + u64s[i].off))) != 0)
			return rc;
	if ((rc = read_caps(r, p)) != 0 || (rc = read_proc_strings(r, p)) != 0)
		return rc;
	if (json_object_get(r->obj, "container") != NULL &&
	    (rc = event_json_container_read(json_object_get(r->obj, "container"), p, r->why,
	                                    r->why_len)) != 0)
		return rc;
	leave(r, &fr);
	return 0;
}

static int
read_mode(struct rd *r, int64_t *out)
{
	const json_t *v = json_object_get(r->obj, "mode");

	if (v == NULL)
		return 0;
	if (!json_is_string(v) || json_string_value(v)[0] != '0' ||
	    strnum_i64z(json_string_value(v), 8, 0, UINT32_MAX, out) != 0)
		return bad(r, "mode", "not an octal string from 0 to 037777777777");
	return 0;
}

/* File KEY into FP; its strings go into EV's arena. */
static int
read_path(struct rd *r, const char *key, struct event *ev, struct event_path *fp)
{
	struct rd_frame fr = { 0 };
	int rc;

	if ((rc = enter(r, key, key, &fr)) <= 0)
		return rc;
	if ((rc = get_str(r, "path", &ev->mem, &fp->path)) != 0 ||
	    (rc = get_str(r, "raw", &ev->mem, &fp->raw)) != 0 ||
	    (rc = get_u64(r, "inode", &fp->inode)) != 0 ||
	    (rc = get_u64(r, "dev", &fp->dev)) != 0 ||
	    (rc = read_mode(r, &fp->mode)) != 0 ||
	    (rc = get_int(r, "ouid", R_ID, &fp->ouid)) != 0 ||
	    (rc = get_int(r, "ogid", R_ID, &fp->ogid)) != 0)
		return rc;
	leave(r, &fr);
	return 0;
}

/* "ip" for AF_INET/AF_INET6, "addr" (32 hex digits) for every other family. */
static int
read_ip(struct rd *r, struct event_addr *a)
{
	const json_t *ip = json_object_get(r->obj, "ip");
	const json_t *hex = json_object_get(r->obj, "addr");
	bool inet = a->family == AF_INET || a->family == AF_INET6;

	if (ip != NULL && (!inet || !json_is_string(ip) ||
	                   strlen(json_string_value(ip)) != json_string_length(ip) ||
	                   inet_pton(a->family, json_string_value(ip), a->ip) != 1))
		return bad(r, "ip", "not an address of the family");
	if (hex == NULL)
		return 0;
	if (inet || !json_is_string(hex) || json_string_length(hex) != 2 * sizeof(a->ip))
		return bad(r, "addr", "not 32 hex digits for a non-IP family");
	for (size_t i = 0; i < sizeof(a->ip); i++) {
		uint64_t b;

		if (strnum_u64(json_string_value(hex) + 2 * i, 2, 16, 255, &b) != 0)
			return bad(r, "addr", "not 32 hex digits for a non-IP family");
		a->ip[i] = (uint8_t)b;
	}
	return 0;
}

/* The address WHERE ("net.local") into A; its path goes into EV's arena. */
static int
read_addr(struct rd *r, const char *where, struct event *ev, struct event_addr *a)
{
	struct rd_frame fr = { 0 };
	int64_t family = 0, port = 0;
	int rc;

	if ((rc = enter(r, strrchr(where, '.') + 1, where, &fr)) <= 0)
		return rc;
	if ((rc = get_named(r, &n_family, &family)) != 0 ||
	    (rc = get_int(r, "port", R_PORT, &port)) != 0)
		return rc;
	a->family = (uint16_t)family;
	a->port = (uint16_t)port;
	if ((rc = read_ip(r, a)) != 0 || (rc = get_str(r, "path", &ev->mem, &a->path)) != 0)
		return rc;
	leave(r, &fr);
	return 0;
}

static int
read_net(struct rd *r, struct event *ev)
{
	struct event_net *n = &ev->net;
	struct rd_frame fr = { 0 };
	int rc;

	if ((rc = enter(r, "net", "net", &fr)) <= 0)
		return rc;
	if ((rc = get_named(r, &n_domain, &n->domain)) != 0 ||
	    (rc = get_named(r, &n_socktype, &n->type)) != 0 ||
	    (rc = get_int(r, "protocol", R_INT, &n->protocol)) != 0 ||
	    (rc = get_int(r, "fd", R_INT, &n->fd)) != 0 ||
	    (rc = read_addr(r, "net.local", ev, &n->local)) != 0 ||
	    (rc = read_addr(r, "net.remote", ev, &n->remote)) != 0)
		return rc;
	leave(r, &fr);
	return 0;
}

/* "args": every argument in order, as a string or, when it has no string, its number. */
static int
read_args(struct rd *r, struct event *ev)
{
	struct rd_frame fr = { 0 };
	const char *name;
	json_t *v;
	int rc;

	if ((rc = enter(r, "args", "args", &fr)) <= 0)
		return rc;
	/* jansson's iteration macro wants a mutable object; nothing here changes it. */
	json_object_foreach((json_t *)r->obj, name, v) {
		struct event_arg *a;
		char *str = NULL;

		if (ev->nargs == EVENT_MAX_ARGS)
			return bad(r, NULL, "too many arguments");
		if (name[0] == '\0' || strlen(name) > EVENT_JSON_MAX_NAME)
			return bad(r, NULL, "argument name empty or too long");
		a = &ev->args[ev->nargs];
		a->str = NULL;
		a->num = EVENT_NUM_UNSET;
		if (json_is_string(v))
			rc = (str = str_value(r, v, name, &ev->mem)) ? 0 : -EINVAL;
		else if (json_is_integer(v))
			rc = int_value(r, v, name, R_ANY, &a->num);
		else
			rc = bad(r, name, "neither a string nor an integer");
		if (rc != 0)
			return rc;
		a->str = str;
		a->name = event_strdup(ev, name);
		ev->nargs++;
	}
	leave(r, &fr);
	return 0;
}

/* "rawargs": the numbers of arguments "args" already named. */
static int
read_rawargs(struct rd *r, struct event *ev)
{
	struct rd_frame fr = { 0 };
	const char *name;
	json_t *v;
	int rc;

	if ((rc = enter(r, "rawargs", "rawargs", &fr)) <= 0)
		return rc;
	json_object_foreach((json_t *)r->obj, name, v) {
		struct event_arg *a = (struct event_arg *)event_get_arg(ev, name);
		int64_t num;

		if (a == NULL)
			return bad(r, NULL, "names an argument that args does not");
		if ((rc = int_value(r, v, name, R_ANY, &num)) != 0)
			return rc;
		if (a->str == NULL && a->num != num)
			return bad(r, name, "differs from args");
		a->num = num;
	}
	leave(r, &fr);
	return 0;
}

/* One [key, value] pair of the array form of "fields". */
static int
read_pair(struct rd *r, const json_t *pair, struct event *ev)
{
	char *key = NULL, *value = NULL;

	if (!json_is_array(pair) || json_array_size(pair) != 2)
		return bad(r, "fields", "pair is not a [key, value] array");
	if ((key = str_value(r, json_array_get(pair, 0), "fields", &ev->mem)) == NULL ||
	    (value = str_value(r, json_array_get(pair, 1), "fields", &ev->mem)) == NULL)
		return -EINVAL;
	event_add_kv(ev, key, value);
	return 0;
}

static int
read_fields(struct rd *r, struct event *ev)
{
	const json_t *f = json_object_get(r->obj, "fields");
	const char *key;
	json_t *v;
	char *value;

	if (f == NULL)
		return 0;
	if (!json_is_object(f) && !json_is_array(f))
		return bad(r, "fields", "neither an object nor an array");
	if (json_object_size(f) > EVENT_JSON_MAX_FIELDS || json_array_size(f) > EVENT_JSON_MAX_FIELDS)
		return bad(r, "fields", "too many fields");
	for (size_t i = 0; i < json_array_size(f); i++)
		if (read_pair(r, json_array_get(f, i), ev) != 0)
			return -EINVAL;
	json_object_foreach((json_t *)f, key, v) {
		if (strlen(key) > EVENT_JSON_MAX_STR)
			return bad(r, "fields", "key too long");
		if ((value = str_value(r, v, "fields", &ev->mem)) == NULL)
			return -EINVAL;
		event_add_kv(ev, key, value);
	}
	return 0;
}

int
event_from_json(const json_t *obj, struct event **out, char *why, size_t why_len)
{
	struct rd r = { .why = why, .why_len = why_len, .where = "", .obj = obj };
	struct event *ev = NULL;
	int rc;

	if (!json_is_object(obj)) {
		rc = bad(&r, NULL, "not a JSON object");
		goto fail;
	}
	if ((rc = read_type(&r, &ev)) != 0 ||
	    (rc = read_head(&r, ev)) != 0 ||
	    (rc = read_proc(&r, ev)) != 0 ||
	    (rc = read_path(&r, "file", ev, &ev->file)) != 0 ||
	    (rc = read_path(&r, "file2", ev, &ev->file2)) != 0 ||
	    (rc = read_net(&r, ev)) != 0 ||
	    (rc = read_args(&r, ev)) != 0 ||
	    (rc = read_rawargs(&r, ev)) != 0 ||
	    (rc = read_fields(&r, ev)) != 0)
		goto fail;
	sbuf_free(&r.tmp);
	*out = ev;
	return 0;
fail:
	sbuf_free(&r.tmp);
	event_free(ev);
	return rc;
}
