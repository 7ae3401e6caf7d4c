/* event_json.c - write a struct event as a JSON object (the shape is in event_json.h).
 * Keys are added in one fixed order so that output is byte-stable for golden tests; whatever
 * is unset is left out.  Reading is in event_json_read.c, shared tables in event_json_text.c. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "core/utf8.h"
#include "event/event_json.h"
#include "event/event_json_int.h"

/* The writer's state: the first error.  Helpers record failures here instead of making every
 * caller check every jansson call. */
struct wr {
	int err;
};

/* Add VAL (a new reference, or NULL after a failed allocation) to OBJ under KEY. */
static void
put(struct wr *w, json_t *obj, const char *key, json_t *val)
{
	if (val == NULL || json_object_set_new(obj, key, val) != 0)
		w->err = w->err ? w->err : -ENOMEM;
}

static void
put_num(struct wr *w, json_t *obj, const char *key, int64_t v)
{
	if (v != EVENT_NUM_UNSET)
		put(w, obj, key, json_integer(v));
}

static void
put_id(struct wr *w, json_t *obj, const char *key, int64_t v)
{
	if (v != PROC_ID_UNSET)
		put(w, obj, key, json_integer(v));
}

/* JSON integers are signed 64-bit; larger unsigned values go out as decimal strings. */
static json_t *
json_u64(uint64_t v)
{
	char buf[24];

	if (v <= INT64_MAX)
		return json_integer((json_int_t)v);
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	return json_string(buf);
}

static void
put_u64_set(struct wr *w, json_t *obj, const char *key, uint64_t v)
{
	if (v != 0)
		put(w, obj, key, json_u64(v));
}

static void
put_str(struct wr *w, json_t *obj, const char *key, const char *s)
{
	if (s != NULL)
		put(w, obj, key, event_json_str(s));
}

/* NAME if the table has one, the number V otherwise. */
static json_t *
json_named(int64_t v, const char *name)
{
	return name ? json_string(name) : json_integer(v);
}

/* Attach CHILD to OBJ unless it stayed empty. */
static void
put_nonempty(struct wr *w, json_t *obj, const char *key, json_t *child)
{
	if (child != NULL && json_object_size(child) == 0 && json_array_size(child) == 0)
		json_decref(child);
	else
		put(w, obj, key, child);
}

/* Type, class and name (see event_json.h).  Names must be plain text to be written. */
static int
put_type(struct wr *w, json_t *obj, const struct event *ev)
{
	const char *tname = event_type_name(ev->type);
	const char *name = tname;
	bool generic = ev->type == EVT_syscall || ev->type == EVT_record;

	if (ev->type == EVT_NONE || tname[0] == '\0')
		return -EINVAL;
	if (generic && ev->name != NULL && ev->name[0] != '\0')
		name = ev->name;
	if (strlen(name) > EVENT_JSON_MAX_NAME || !utf8_valid(name, strlen(name)))
		return -EINVAL;
	put(w, obj, "type", json_string(name));
	if (strcmp(name, tname) != 0)
		put(w, obj, "class", json_string(tname));
	put(w, obj, "source", json_string(event_source_name(ev->source)));
	return 0;
}

static void
put_head(struct wr *w, json_t *obj, const struct event *ev)
{
	char when[48], arch[16];

	event_json_time(ev->ts_ns, when, sizeof(when));
	put(w, obj, "time", json_string(when));
	put(w, obj, "ts", json_u64(ev->ts_ns));
	put(w, obj, "serial", json_u64(ev->serial));
	if (ev->arch != 0) {
		const char *name = event_json_arch_name(ev->arch);

		snprintf(arch, sizeof(arch), "0x%08x", (unsigned)ev->arch);
		put(w, obj, "arch", json_string(name ? name : arch));
	}
	put_num(w, obj, "syscall", ev->syscall_nr);
	if (ev->success >= 0)
		put(w, obj, "success", json_boolean(ev->success));
	put_num(w, obj, "res", ev->res);
	put_num(w, obj, "pid", ev->pid);
	put_num(w, obj, "tid", ev->tid);
	put_str(w, obj, "key", ev->key);
}

static json_t *
argv_json(struct wr *w, const struct proc *p)
{
	json_t *arr = json_array();

	for (uint32_t i = 0; arr != NULL && i < p->argc; i++) {
		json_t *s = event_json_str(p->argv[i]);

		if (s == NULL || json_array_append_new(arr, s) != 0)
			w->err = -ENOMEM;
	}
	return arr;
}

static void
put_caps(struct wr *w, json_t *obj, const struct proc *p)
{
	size_t n;
	const struct event_json_cap *caps = event_json_proc_caps(&n);
	char hex[EVENT_JSON_CAP_HEX + 1];

	for (size_t i = 0; i < n; i++) {
		if (!(p->caps_known & caps[i].known))
			continue;
		snprintf(hex, sizeof(hex), "%016" PRIx64,
		         *(const uint64_t *)((const char *)p + caps[i].off));
		put(w, obj, caps[i].key, json_string(hex));
	}
}

static json_t *
proc_json(struct wr *w, const struct proc *p)
{
	json_t *obj = json_object();
	const struct event_json_num *ids, *u64s;
	size_t nids, nu64s;

	if (obj == NULL)
		return NULL;
	ids = event_json_proc_ids(&nids);
	u64s = event_json_proc_u64s(&nu64s);
	for (size_t i = 0; i < nids; i++) {
		int64_t v = *(const int64_t *)((const char *)p + ids[i].off);

		put_id(w, obj, ids[i].key, v);
	}
	put_str(w, obj, "comm", p->comm);
	put_str(w, obj, "exe", p->exe);
	put_str(w, obj, "cwd", p->cwd);
	put_str(w, obj, "tty", p->tty);
	if (p->tty == NULL && (p->has_tty == 0 || p->has_tty == 1))
		put(w, obj, "has_tty", json_boolean(p->has_tty));
	if (p->argv != NULL)
		put(w, obj, "argv", argv_json(w, p));
	for (size_t i = 0; i < nu64s; i++)
		put_u64_set(w, obj, u64s[i].key,
		            *(const uint64_t *)((const char *)p + u64s[i].off));
	put_caps(w, obj, p);
	if (p->in_container >= 0)
		put(w, obj, "container", event_json_container(p));
	return obj;
}

static json_t *
path_json(struct wr *w, const struct event_path *fp)
{
	json_t *obj = json_object();
	char mode[24];

	if (obj == NULL)
		return NULL;
	put_str(w, obj, "path", fp->path);
	put_str(w, obj, "raw", fp->raw);
	put_u64_set(w, obj, "inode", fp->inode);
	put_u64_set(w, obj, "dev", fp->dev);
	if (fp->mode != EVENT_NUM_UNSET) {
		/* A negative mode would be a source's bug; it prints, and a reader rejects it. */
		snprintf(mode, sizeof(mode), "0%llo", (unsigned long long)fp->mode);
		put(w, obj, "mode", json_string(mode));
	}
	put_num(w, obj, "ouid", fp->ouid);
	put_num(w, obj, "ogid", fp->ogid);
	return obj;
}

static bool
addr_is_set(const struct event_addr *a)
{
	static const uint8_t zero[sizeof(a->ip)];

	return a->family != 0 || a->port != 0 || a->path != NULL ||
	       memcmp(a->ip, zero, sizeof(zero)) != 0;
}

static json_t *
addr_json(struct wr *w, const struct event_addr *a)
{
	static const uint8_t zero[sizeof(a->ip)];
	bool inet = a->family == AF_INET || a->family == AF_INET6;
	char text[INET6_ADDRSTRLEN + 1], hex[2 * sizeof(a->ip) + 1];
	json_t *obj = json_object();

	if (obj == NULL)
		return NULL;
	if (a->family != 0)
		put(w, obj, "family", json_named(a->family, event_json_family_name(a->family)));
	if (inet && inet_ntop(a->family, a->ip, text, sizeof(text)) != NULL)
		put(w, obj, "ip", json_string(text));
	if (inet || a->port != 0)
		put(w, obj, "port", json_integer(a->port));
	put_str(w, obj, "path", a->path);
	if (!inet && memcmp(a->ip, zero, sizeof(zero)) != 0) {
		for (size_t i = 0; i < sizeof(a->ip); i++)
			snprintf(hex + 2 * i, 3, "%02x", a->ip[i]);
		put(w, obj, "addr", json_string(hex));
	}
	return obj;
}

static json_t *
net_json(struct wr *w, const struct event_net *n)
{
	json_t *obj = json_object();

	if (obj == NULL)
		return NULL;
	if (n->domain != EVENT_NUM_UNSET)
		put(w, obj, "domain", json_named(n->domain, event_json_family_name(n->domain)));
	if (n->type != EVENT_NUM_UNSET)
		put(w, obj, "type", json_named(n->type, event_json_socktype_name(n->type)));
	put_num(w, obj, "protocol", n->protocol);
	put_num(w, obj, "fd", n->fd);
	if (addr_is_set(&n->local))
		put(w, obj, "local", addr_json(w, &n->local));
	if (addr_is_set(&n->remote))
		put(w, obj, "remote", addr_json(w, &n->remote));
	return obj;
}

/* "args" and "rawargs".  Argument names are keys, so they must be plain and unique. */
static int
put_args(struct wr *w, json_t *obj, const struct event *ev)
{
	json_t *args = json_object(), *raw = json_object();

	for (uint32_t i = 0; i < ev->nargs && args && raw; i++) {
		const struct event_arg *a = &ev->args[i];
		size_t len = a->name ? strlen(a->name) : 0;

		if (len == 0 || len > EVENT_JSON_MAX_NAME ||
		    !utf8_valid(a->name, len) || json_object_get(args, a->name)) {
			json_decref(args);
			json_decref(raw);
			return -EINVAL;
		}
		if (a->str != NULL)
			put_str(w, args, a->name, a->str);
		else if (a->num != EVENT_NUM_UNSET)
			put(w, args, a->name, json_integer(a->num));
		put_num(w, raw, a->name, a->num);
	}
	put_nonempty(w, obj, "args", args);
	put_nonempty(w, obj, "rawargs", raw);
	return 0;
}

/* "fields" as pairs: the fallback for repeated keys and keys that are not UTF-8. */
static json_t *
fields_pairs(struct wr *w, const struct event *ev)
{
	json_t *arr = json_array();

	for (uint32_t i = 0; arr != NULL && i < ev->nkv; i++) {
		if (ev->kv[i].key == NULL || ev->kv[i].value == NULL)
			continue;
		json_t *pair = json_pack("[oo]", event_json_str(ev->kv[i].key),
		                         event_json_str(ev->kv[i].value));
		if (pair == NULL || json_array_append_new(arr, pair) != 0)
			w->err = -ENOMEM;
	}
	return arr;
}

static json_t *
fields_json(struct wr *w, const struct event *ev)
{
	json_t *obj = json_object();

	for (uint32_t i = 0; obj != NULL && i < ev->nkv; i++) {
		const struct event_kv *kv = &ev->kv[i];

		if (kv->key == NULL || kv->value == NULL)
			continue;
		if (!utf8_valid(kv->key, strlen(kv->key)) ||
		    json_object_get(obj, kv->key) != NULL) {
			json_decref(obj);
			return fields_pairs(w, ev);
		}
		put_str(w, obj, kv->key, kv->value);
	}
	return obj;
}

int
event_to_json(const struct event *ev, json_t **out)
{
	struct wr w = { 0 };
	json_t *obj = json_object();
	int rc;

	if (obj == NULL)
		return -ENOMEM;
	if ((rc = put_type(&w, obj, ev)) != 0)
		goto fail;
	put_head(&w, obj, ev);
	if (ev->proc != NULL)
		put(&w, obj, "proc", proc_json(&w, ev->proc));
	put_nonempty(&w, obj, "file", path_json(&w, &ev->file));
	put_nonempty(&w, obj, "file2", path_json(&w, &ev->file2));
	put_nonempty(&w, obj, "net", net_json(&w, &ev->net));
	if ((rc = put_args(&w, obj, ev)) != 0)
		goto fail;
	if (ev->nkv > 0)
		put_nonempty(&w, obj, "fields", fields_json(&w, ev));
	if ((rc = w.err) != 0)
		goto fail;
	*out = obj;
	return 0;
fail:
	json_decref(obj);
	return rc;
}
