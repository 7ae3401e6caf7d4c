/* event_json_ctr.c - the container of a process snapshot in JSON (part of the capture shape
 * in event_json.h): written inside "proc" as "container", read back into a new struct
 * container, so that a replayed capture describes the same container as the live run did.
 *
 *   "container":{"type":"host"}                      a host process (in_container 0)
 *   "container":{"type":"podman","id":"060ae9a03ac3","full_id":"060ae9...","name":"web",
 *                "image":"...","image_id":"...","image_repo":"...","image_tag":"...",
 *                "image_digest":"...","pod_uid":"...","pod_name":"...","pod_ns":"...",
 *                "privileged":true,"start_ns":1795413797759142005,
 *                "mounts":[{"source":"/proc","dest":"/host/proc","mode":"ro,rbind",
 *                           "propagation":"rprivate","rw":false}],
 *                "labels":[["key","value"]],"pod_labels":[["key","value"]],
 *                "upperdir":"...","lowerdirs":["..."],"merged":"...","meta":63}
 *
 * Absent when nobody placed the process.  "type" is container.type's name; "id" is written
 * for people and recomputed from "full_id" when read.  Unknown members are left out, as
 * everywhere in the shape; strings use the escape of event_json_str(); labels are [key,
 * value] pairs because keys need not be UTF-8. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "event/event_json.h"
#include "event/event_json_int.h"

#define CTR_JSON_MAX_ID     1024u
#define CTR_JSON_MAX_ITEMS  4096u      /* mounts, labels, lower layers */

/* The string members, in output order. */
#define S(k, f) { k, offsetof(struct container, f) }
static const struct ctr_str {
	const char *key;
	size_t off;
} ctr_strs[] = {
	S("name", name), S("image", image), S("image_id", image_id),
	S("image_repo", image_repo), S("image_tag", image_tag),
	S("image_digest", image_digest), S("pod_uid", pod_uid), S("pod_name", pod_name),
	S("pod_ns", pod_ns), S("upperdir", upperdir), S("merged", merged),
};
#undef S

static char **
str_at(struct container *c, size_t off)
{
	return (char **)(void *)((char *)c + off);
}

/* ---- writing ---- */

/* Add VAL (a new reference or NULL) under KEY; remember a failure in *ERR. */
static void
put(json_t *obj, const char *key, json_t *val, int *err)
{
	if (val == NULL || json_object_set_new(obj, key, val) != 0)
		*err = -ENOMEM;
}

static void
put_str(json_t *obj, const char *key, const char *s, int *err)
{
	if (s != NULL)
		put(obj, key, event_json_str(s), err);
}

static json_t *
kv_json(const struct container_kv *kv, uint32_t n, int *err)
{
	json_t *arr = json_array();

	for (uint32_t i = 0; arr && i < n; i++) {
		json_t *pair = json_pack("[oo]", event_json_str(kv[i].key),
		                         event_json_str(kv[i].value));

		if (pair == NULL || json_array_append_new(arr, pair) != 0)
			*err = -ENOMEM;
	}
	return arr;
}

static json_t *
mounts_json(const struct container *c, int *err)
{
	json_t *arr = json_array();

	for (uint32_t i = 0; arr && i < c->nmounts; i++) {
		const struct container_mount *m = &c->mounts[i];
		json_t *o = json_object();

		if (o == NULL || json_array_append_new(arr, o) != 0) {
			*err = -ENOMEM;
			break;
		}
		put_str(o, "source", m->source, err);
		put_str(o, "dest", m->dest, err);
		put_str(o, "mode", m->mode, err);
		put_str(o, "propagation", m->propagation, err);
		if (m->rw >= 0)
			put(o, "rw", json_boolean(m->rw), err);
	}
	return arr;
}

static json_t *
lower_json(const struct container *c, int *err)
{
	json_t *arr = json_array();

	for (uint32_t i = 0; arr && i < c->nlower; i++)
		if (json_array_append_new(arr, event_json_str(c->lowerdirs[i])) != 0)
			*err = -ENOMEM;
	return arr;
}

json_t *
event_json_container(const struct proc *p)
{
	const struct container *c = p->container;
	json_t *obj = json_object();
	int err = 0;

	if (obj == NULL)
		return NULL;
	if (p->in_container != 1 || c == NULL) {
		put(obj, "type", json_string("host"), &err);
		goto out;
	}
	put(obj, "type", json_string(container_runtime_name(c->runtime)), &err);
	put_str(obj, "id", c->id, &err);
	put_str(obj, "full_id", c->full_id, &err);
	for (size_t i = 0; i < sizeof(ctr_strs) / sizeof(ctr_strs[0]); i++)
		put_str(obj, ctr_strs[i].key, *str_at((struct container *)c, ctr_strs[i].off), &err);
	if (c->privileged >= 0)
		put(obj, "privileged", json_boolean(c->privileged), &err);
	if (c->start_ns > 0 && c->start_ns <= INT64_MAX)
		put(obj, "start_ns", json_integer((json_int_t)c->start_ns), &err);
	if (c->mounts)
		put(obj, "mounts", mounts_json(c, &err), &err);
	if (c->nlabels)
		put(obj, "labels", kv_json(c->labels, c->nlabels, &err), &err);
	if (c->npod_labels)
		put(obj, "pod_labels", kv_json(c->pod_labels, c->npod_labels, &err), &err);
	if (c->lowerdirs)
		put(obj, "lowerdirs", lower_json(c, &err), &err);
	put(obj, "meta", json_integer(c->meta), &err);
out:
	if (err) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

/* ---- reading ---- */

struct crd {
	char *why;
	size_t why_len;
	struct sbuf tmp;
	struct container *c;
};

/* Record "proc.container[.KEY]: PROBLEM" and return -EINVAL. */
static int
bad(struct crd *r, const char *key, const char *problem)
{
	if (r->why && r->why_len)
		snprintf(r->why, r->why_len, "proc.container%s%s: %s", key ? "." : "",
		         key ? key : "", problem);
	return -EINVAL;
}

/* The decoded string V, copied into the container (or borrowed from TMP when C is NULL). */
static int
str_of(struct crd *r, const json_t *v, const char *key, size_t max, char **out)
{
	int rc;

	if (!json_is_string(v))
		return bad(r, key, "not a string");
	rc = event_json_unstr(v, max, &r->tmp);
	if (rc != 0)
		return bad(r, key, rc == -EMSGSIZE ? "string too long" : "bad \\u0000 escape");
	*out = r->c ? container_strdup(r->c, r->tmp.buf ? r->tmp.buf : "")
	            : (r->tmp.buf ? r->tmp.buf : (char *)"");
	return 0;
}

static int
opt_str(struct crd *r, const json_t *obj, const char *key, char **out)
{
	const json_t *v = json_object_get(obj, key);

	return v ? str_of(r, v, key, EVENT_JSON_MAX_STR, out) : 0;
}

static int
read_type(struct crd *r, const json_t *obj, enum container_runtime *rt)
{
	const json_t *v = json_object_get(obj, "type");

	if (!json_is_string(v))
		return bad(r, "type", v ? "not a string" : "missing");
	for (int i = 0; i < CTR__COUNT; i++) {
		if (strcmp(json_string_value(v), container_runtime_name((enum container_runtime)i)) == 0) {
			*rt = (enum container_runtime)i;
			return 0;
		}
	}
	return bad(r, "type", "unknown container type");
}

static const json_t *
array_of(struct crd *r, const json_t *obj, const char *key, int *rc)
{
	const json_t *v = json_object_get(obj, key);

	*rc = 0;
	if (v == NULL)
		return NULL;
	if (!json_is_array(v))
		*rc = bad(r, key, "not an array");
	else if (json_array_size(v) > CTR_JSON_MAX_ITEMS)
		*rc = bad(r, key, "too many elements");
	return *rc ? NULL : v;
}

static int
read_mounts(struct crd *r, const json_t *obj)
{
	struct container *c = r->c;
	int rc;
	const json_t *arr = array_of(r, obj, "mounts", &rc);

	if (arr == NULL)
		return rc;
	c->mounts = arena_zalloc(&c->mem, (json_array_size(arr) + 1) * sizeof(*c->mounts));
	for (size_t i = 0; i < json_array_size(arr); i++) {
		const json_t *m = json_array_get(arr, i);
		struct container_mount *d = &c->mounts[i];
		const json_t *rw = json_object_get(m, "rw");

		if (!json_is_object(m))
			return bad(r, "mounts", "element not an object");
		if ((rc = opt_str(r, m, "source", &d->source)) || (rc = opt_str(r, m, "dest", &d->dest)) ||
		    (rc = opt_str(r, m, "mode", &d->mode)) ||
		    (rc = opt_str(r, m, "propagation", &d->propagation)))
			return rc;
		if (rw && !json_is_boolean(rw))
			return bad(r, "mounts", "rw not true or false");
		d->rw = rw ? json_is_true(rw) : -1;
		if (d->dest == NULL)
			return bad(r, "mounts", "mount without dest");
		c->nmounts++;
	}
	return 0;
}

static int
read_kv(struct crd *r, const json_t *obj, const char *key, struct container_kv **out,
        uint32_t *n)
{
	struct container *c = r->c;
	int rc;
	const json_t *arr = array_of(r, obj, key, &rc);

	if (arr == NULL)
		return rc;
	*out = arena_zalloc(&c->mem, (json_array_size(arr) + 1) * sizeof(**out));
	for (size_t i = 0; i < json_array_size(arr); i++) {
		const json_t *pair = json_array_get(arr, i);

		if (!json_is_array(pair) || json_array_size(pair) != 2)
			return bad(r, key, "element not a [key, value] pair");
		if ((rc = str_of(r, json_array_get(pair, 0), key, EVENT_JSON_MAX_STR,
		                 &(*out)[i].key)) ||
		    (rc = str_of(r, json_array_get(pair, 1), key, EVENT_JSON_MAX_STR,
		                 &(*out)[i].value)))
			return rc;
		(*n)++;
	}
	return 0;
}

static int
read_lower(struct crd *r, const json_t *obj)
{
	struct container *c = r->c;
	int rc;
	const json_t *arr = array_of(r, obj, "lowerdirs", &rc);

	if (arr == NULL)
		return rc;
	c->lowerdirs = arena_zalloc(&c->mem, (json_array_size(arr) + 1) * sizeof(char *));
	for (size_t i = 0; i < json_array_size(arr); i++) {
		if ((rc = str_of(r, json_array_get(arr, i), "lowerdirs", EVENT_JSON_MAX_STR,
		                 &c->lowerdirs[i])))
			return rc;
		c->nlower++;
	}
	return 0;
}

static int
read_scalars(struct crd *r, const json_t *obj)
{
	struct container *c = r->c;
	const json_t *v;
	int rc;

	for (size_t i = 0; i < sizeof(ctr_strs) / sizeof(ctr_strs[0]); i++)
		if ((rc = opt_str(r, obj, ctr_strs[i].key, str_at(c, ctr_strs[i].off))))
			return rc;
	if ((v = json_object_get(obj, "privileged")) != NULL) {
		if (!json_is_boolean(v))
			return bad(r, "privileged", "not true or false");
		c->privileged = json_is_true(v);
	}
	if ((v = json_object_get(obj, "start_ns")) != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return bad(r, "start_ns", "not a non-negative integer");
		c->start_ns = (uint64_t)json_integer_value(v);
	}
	if ((v = json_object_get(obj, "meta")) != NULL) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > UINT32_MAX)
			return bad(r, "meta", "not a 32-bit unsigned integer");
		c->meta = (unsigned)json_integer_value(v) | CTR_META_CGROUP;
	}
	return 0;
}

int
event_json_container_read(const json_t *obj, struct proc *p, char *why, size_t why_len)
{
	struct crd r = { .why = why, .why_len = why_len };
	enum container_runtime rt;
	char *full_id = NULL;
	int rc;

	if (!json_is_object(obj))
		return bad(&r, NULL, "not an object");
	if ((rc = read_type(&r, obj, &rt)) != 0)
		goto out;
	if (rt == CTR_NONE) {
		p->in_container = 0;
		goto out;
	}
	if ((rc = opt_str(&r, obj, "full_id", &full_id)) != 0)
		goto out;
	if (full_id == NULL || full_id[0] == '\0' || strlen(full_id) > CTR_JSON_MAX_ID) {
		rc = bad(&r, "full_id", "missing, empty or too long");
		goto out;
	}
	r.c = container_new(rt, full_id);
	if ((rc = read_scalars(&r, obj)) != 0 || (rc = read_mounts(&r, obj)) != 0 ||
	    (rc = read_kv(&r, obj, "labels", &r.c->labels, &r.c->nlabels)) != 0 ||
	    (rc = read_kv(&r, obj, "pod_labels", &r.c->pod_labels, &r.c->npod_labels)) != 0 ||
	    (rc = read_lower(&r, obj)) != 0) {
		container_unref(r.c);
		goto out;
	}
	container_unref(p->container);
	p->container = r.c;
	p->in_container = 1;
out:
	sbuf_free(&r.tmp);
	return rc;
}
