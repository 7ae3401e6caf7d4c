/* ctrapi_inspect.c - ctrapi_apply(): a Docker or Podman "inspect" document (GET
 * /containers/ID/json) turned into fields of a struct container, on the loop thread.
 * The document comes from another program and is treated as hostile: every value is checked
 * for its JSON type, strings with NUL or above CTRAPI_MAX_STR bytes count as absent, and the
 * numbers of labels and mounts kept are capped (ctrapi.h).  A field a local provider already
 * filled is never overwritten.  This file owns no state. */
#include "config.h"

#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "core/strnum.h"
#include "state/ctrapi.h"

#define NS_PER_S 1000000000ull

/* The string held by V if it is a usable one, else NULL. */
static const char *
str_ok(const json_t *v)
{
	const char *s;
	size_t n;

	if (!json_is_string(v))
		return NULL;
	s = json_string_value(v);
	n = json_string_length(v);
	if (n > CTRAPI_MAX_STR || strlen(s) != n)
		return NULL;
	return s;
}

/* OBJ[KEY] as a usable string; OBJ may be anything, NULL included. */
static const char *
get_str(const json_t *obj, const char *key)
{
	return str_ok(json_object_get(obj, key));
}

static void
set_str(struct container *c, char **field, const char *s)
{
	if (*field == NULL && s != NULL && *s != '\0')
		*field = container_strdup(c, s);
}

static void
set_strn(struct container *c, char **field, const char *s, size_t n)
{
	if (*field == NULL && n > 0)
		*field = arena_strndup(&c->mem, s, n);
}

static bool
all_hex(const char *s, size_t min)
{
	size_t n = strlen(s);

	return n >= min && strspn(s, "0123456789abcdef") == n;
}

/* Docker's "Image" is the image id ("sha256:<64 hex>"); Podman's compat service may put the
 * id without the prefix, or an image name (which has a '/'), there.  Falco keeps the whole
 * hex id, without the algorithm. */
static void
take_image_id(struct container *c, const char *img)
{
	if (img == NULL)
		return;
	if (strncmp(img, "sha256:", 7) == 0)
		img += 7;
	if (all_hex(img, 12))
		set_str(c, &c->image_id, img);
}

/* Whether IMAGE names the image by its id ("sha256:..." or a prefix of the hex id), as
 * `docker run ID` allows: then it has no repository or tag to split off. */
static bool
image_is_id(const struct container *c, const char *image)
{
	if (strncmp(image, "sha256:", 7) == 0)
		return true;
	return c->image_id && all_hex(image, 1) &&
	       strncmp(c->image_id, image, strlen(image)) == 0;
}

/* Split C's image reference "[registry[:port]/]path[:tag][@digest]" into the missing ones of
 * image_repo, image_tag and image_digest.  A ':' counts as the tag's only after the last '/'
 * (before it, it is the registry's port).  Falco's rule for no tag: "latest", unless the
 * image is pinned by digest. */
static void
split_image(struct container *c)
{
	const char *img = c->image, *at, *slash, *colon;
	size_t name_len, repo_len;

	if (img == NULL || image_is_id(c, img))
		return;
	at = strchr(img, '@');
	name_len = at ? (size_t)(at - img) : strlen(img);
	slash = memrchr(img, '/', name_len);
	colon = memrchr(img, ':', name_len);
	if (colon && (slash == NULL || colon > slash)) {
		repo_len = (size_t)(colon - img);
		set_strn(c, &c->image_tag, colon + 1, name_len - repo_len - 1);
	} else {
		repo_len = name_len;
		if (at == NULL)
			set_str(c, &c->image_tag, "latest");
	}
	set_strn(c, &c->image_repo, img, repo_len);
	if (at)
		set_str(c, &c->image_digest, at + 1);
}

static void
take_labels(struct container *c, json_t *labels)
{
	struct container_kv *kv;
	const char *key;
	json_t *v;
	size_t n = json_object_size(labels), i = 0;

	if (c->labels != NULL || n == 0)
		return;
	if (n > CTRAPI_MAX_ITEMS)
		n = CTRAPI_MAX_ITEMS;
	kv = arena_zalloc(&c->mem, n * sizeof(*kv));
	json_object_foreach(labels, key, v) {
		const char *val = str_ok(v);

		if (i == n)
			break;
		if (val == NULL || *key == '\0' || strlen(key) > CTRAPI_MAX_STR)
			continue;
		kv[i].key = container_strdup(c, key);
		kv[i].value = container_strdup(c, val);
		i++;
	}
	if (i > 0) {
		c->labels = kv;
		c->nlabels = (uint32_t)i;
	}
}

static void
take_pod(struct container *c, const json_t *labels)
{
	set_str(c, &c->pod_name, get_str(labels, "io.kubernetes.pod.name"));
	set_str(c, &c->pod_ns, get_str(labels, "io.kubernetes.pod.namespace"));
	set_str(c, &c->pod_uid, get_str(labels, "io.kubernetes.pod.uid"));
}

static void
take_mount(struct container *c, const json_t *m, struct container_mount *out)
{
	const json_t *rw = json_object_get(m, "RW");

	set_str(c, &out->source, get_str(m, "Source"));
	set_str(c, &out->dest, get_str(m, "Destination"));
	set_str(c, &out->mode, get_str(m, "Mode"));
	set_str(c, &out->propagation, get_str(m, "Propagation"));
	out->rw = json_is_boolean(rw) ? json_is_true(rw) : -1;
}

static void
take_mounts(struct container *c, const json_t *mounts)
{
	struct container_mount *m;
	size_t n = json_array_size(mounts), i = 0;

	if (c->mounts != NULL || n == 0)
		return;
	if (n > CTRAPI_MAX_ITEMS)
		n = CTRAPI_MAX_ITEMS;
	m = arena_zalloc(&c->mem, n * sizeof(*m));
	for (size_t k = 0; k < json_array_size(mounts) && i < n; k++) {
		const json_t *mo = json_array_get(mounts, k);

		if (!json_is_object(mo))
			continue;
		take_mount(c, mo, &m[i]);
		if (m[i].source || m[i].dest)
			i++;
		else
			memset(&m[i], 0, sizeof(m[i]));
	}
	if (i > 0) {
		c->mounts = m;
		c->nmounts = (uint32_t)i;
	}
}

/* Days from 1970-01-01 to Y-M-D in the proleptic Gregorian calendar (Y >= 1). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool
num(const char *s, size_t len, uint64_t min, uint64_t max, uint64_t *out)
{
	return strnum_u64(s, len, 10, max, out) == 0 && *out >= min;
}

/* The fraction at S (".ddd", up to 9 digits counted, more allowed) as ns; *END past it. */
static uint64_t
fraction_ns(const char *s, const char **end)
{
	uint64_t ns = 0;
	unsigned digits = 0;

	*end = s;
	if (*s != '.')
		return 0;
	for (s++; *s >= '0' && *s <= '9'; s++, digits++) {
		if (digits < 9)
			ns = ns * 10 + (uint64_t)(*s - '0');
	}
	for (unsigned k = digits; k < 9; k++)
		ns *= 10;
	*end = digits ? s : NULL;
	return ns;
}

/* The zone at S ("Z" or "+hh:mm"/"-hh:mm", then the end) as seconds east of UTC into *OFF. */
static bool
zone_offset(const char *s, int64_t *off)
{
	uint64_t h, m;

	if ((*s == 'Z' || *s == 'z') && s[1] == '\0') {
		*off = 0;
		return true;
	}
	if ((*s != '+' && *s != '-') || strlen(s) != 6 || s[3] != ':' ||
	    !num(s + 1, 2, 0, 23, &h) || !num(s + 4, 2, 0, 59, &m))
		return false;
	*off = (int64_t)(h * 3600 + m * 60) * (*s == '-' ? -1 : 1);
	return true;
}

/* An RFC 3339 time ("2024-05-01T10:20:30.123456789Z", "...+02:00") as ns since the epoch;
 * 0 when S is not one, is before 1970 (Docker writes 0001-01-01T00:00:00Z for "never"), or
 * does not fit. */
static uint64_t
rfc3339_ns(const char *s)
{
	uint64_t y, mo, d, h, mi, sec, frac;
	int64_t off, secs;
	const char *p;

	if (s == NULL || strlen(s) < 20 || s[4] != '-' || s[7] != '-' ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' || s[16] != ':')
		return 0;
	if (!num(s, 4, 1970, 9999, &y) || !num(s + 5, 2, 1, 12, &mo) ||
	    !num(s + 8, 2, 1, 31, &d) || !num(s + 11, 2, 0, 23, &h) ||
	    !num(s + 14, 2, 0, 59, &mi) || !num(s + 17, 2, 0, 60, &sec))
		return 0;
	frac = fraction_ns(s + 19, &p);
	if (p == NULL || !zone_offset(p, &off))
		return 0;
	secs = days_from_civil((int64_t)y, (unsigned)mo, (unsigned)d) * 86400 +
	       (int64_t)(h * 3600 + mi * 60 + sec) - off;
	if (secs <= 0 || (uint64_t)secs > (UINT64_MAX - frac) / NS_PER_S)
		return 0;
	return (uint64_t)secs * NS_PER_S + frac;
}

static void
take_start(struct container *c, const json_t *doc)
{
	uint64_t ns;

	if (c->start_ns != 0)
		return;
	ns = rfc3339_ns(get_str(json_object_get(doc, "State"), "StartedAt"));
	if (ns == 0)
		ns = rfc3339_ns(get_str(doc, "Created"));
	c->start_ns = ns;
}

static void
take_privileged(struct container *c, const json_t *doc)
{
	const json_t *v = json_object_get(json_object_get(doc, "HostConfig"), "Privileged");

	if (c->privileged == -1 && json_is_boolean(v))
		c->privileged = json_is_true(v);
}

/* The document's "Id" must be C's: the full id, or longer than what C knows. */
static bool
id_matches(const struct container *c, const char *id)
{
	size_t n = strlen(c->full_id);

	return id != NULL && n > 0 && strncmp(id, c->full_id, n) == 0;
}

int
ctrapi_apply(struct container *c, const char *json, size_t len)
{
	json_error_t jerr;
	json_t *doc = json_loadb(json, len, JSON_ALLOW_NUL, &jerr);
	json_t *config, *labels;
	const char *name;
	int err = -EINVAL;

	if (!json_is_object(doc) || !id_matches(c, get_str(doc, "Id")))
		goto fail;
	config = json_object_get(doc, "Config");
	labels = json_object_get(config, "Labels");
	name = get_str(doc, "Name");
	if (name && name[0] == '/')
		name++;
	set_str(c, &c->name, name);
	set_str(c, &c->image, get_str(config, "Image"));
	take_image_id(c, get_str(doc, "Image"));
	split_image(c);
	if (json_is_object(labels)) {
		take_labels(c, labels);
		take_pod(c, labels);
	}
	take_privileged(c, doc);
	take_start(c, doc);
	if (json_is_array(json_object_get(doc, "Mounts")))
		take_mounts(c, json_object_get(doc, "Mounts"));
	c->meta |= CTR_META_API;
	err = 0;
fail:
	json_decref(doc);
	return err;
}
