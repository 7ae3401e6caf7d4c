/* ctrtab_meta.c - the providers' shared tools: bounded file reads, cached and checked JSON,
 * filling a container's fields, and merging a staging container into the table's (see
 * ctrtab_int.h).  Owns no runtime's file layout: those are in ctrtab_runc.c and
 * ctrtab_docker.c. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/strnum.h"
#include "state/ctrtab_int.h"

#define READ_CHUNK 65536u
#define SHORT_HEX 12u
#define FULL_HEX 64u

/* ---- files ---- */

static int
read_all(int fd, size_t max, char **out, size_t *len)
{
	size_t cap = 0, n = 0;
	char *buf = NULL;

	for (;;) {
		ssize_t r;

		if (n == cap) {
			size_t ncap = cap ? cap * 2 : READ_CHUNK;
			char *nb;

			if (cap > max)
				goto toobig;
			if ((nb = realloc(buf, ncap + 1)) == NULL)
				goto nomem;
			buf = nb;
			cap = ncap;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int rc = -errno;

			free(buf);
			return rc;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max)
			goto toobig;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
toobig:
	free(buf);
	return -EFBIG;
nomem:
	free(buf);
	return -ENOMEM;
}

int
ctr_read_file(const char *path, size_t max, char **out, size_t *len)
{
	struct stat st;
	int fd, rc;

	*out = NULL;
	*len = 0;
	/* O_NONBLOCK: a FIFO planted where a file should be must not hang the loop. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return errno == ELOOP ? -EINVAL : -errno;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = -EINVAL;
		goto out;
	}
	if (st.st_size > 0 && (uint64_t)st.st_size > max) {
		rc = -EFBIG;
		goto out;
	}
	rc = read_all(fd, max, out, len);
out:
	close(fd);
	return rc;
}

int
ctr_read_json(const char *path, json_t **out)
{
	json_error_t err;
	size_t len;
	char *buf;
	int rc;

	*out = NULL;
	if ((rc = ctr_read_file(path, CTR_FILE_MAX, &buf, &len)) < 0)
		return rc;
	/* No JSON_ALLOW_NUL: a string with a NUL inside makes the whole file unusable. */
	*out = json_loadb(buf, len, 0, &err);
	free(buf);
	return *out ? 0 : -EINVAL;
}

static bool
same_file(const struct ctr_jcache *jc, const struct stat *st)
{
	return jc->dev == st->st_dev && jc->ino == st->st_ino && jc->size == st->st_size &&
	       jc->mtime.tv_sec == st->st_mtim.tv_sec && jc->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

json_t *
ctr_jcache_get(struct ctr_jcache *jc, const char *path)
{
	struct stat st;
	json_t *doc;

	if (stat(path, &st) < 0) {
		ctr_jcache_clear(jc);
		return NULL;
	}
	if (jc->doc && same_file(jc, &st))
		return jc->doc;
	ctr_jcache_clear(jc);
	if (ctr_read_json(path, &doc) < 0)
		return NULL;
	jc->doc = doc;
	jc->dev = st.st_dev;
	jc->ino = st.st_ino;
	jc->size = st.st_size;
	jc->mtime = st.st_mtim;
	return doc;
}

void
ctr_jcache_clear(struct ctr_jcache *jc)
{
	json_decref(jc->doc);
	memset(jc, 0, sizeof(*jc));
}

/* ---- checked JSON ---- */

const char *
ctr_json_str(const json_t *obj, const char *key)
{
	const json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

	if (!json_is_string(v) || json_string_length(v) > CTR_STR_MAX ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return NULL;
	return json_string_value(v);
}

const json_t *
ctr_json_obj(const json_t *obj, const char *key)
{
	const json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

	return json_is_object(v) ? v : NULL;
}

const json_t *
ctr_json_arr(const json_t *obj, const char *key)
{
	const json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

	return json_is_array(v) ? v : NULL;
}

int
ctr_json_bool(const json_t *obj, const char *key)
{
	const json_t *v = json_is_object(obj) ? json_object_get(obj, key) : NULL;

	return json_is_boolean(v) ? json_is_true(v) : -1;
}

/* ---- filling fields ---- */

static bool
usable(const char *s)
{
	return s && s[0] && strnlen(s, CTR_STR_MAX + 1) <= CTR_STR_MAX;
}

void
ctr_fill(struct container *c, char **field, const char *s)
{
	if (*field == NULL && usable(s))
		*field = container_strdup(c, s);
}

static bool
is_hex(const char *s, size_t n)
{
	return n > 0 && strspn(s, "0123456789abcdef") == n;
}

void
ctr_fill_image_id(struct container *c, const char *id)
{
	if (!usable(id))
		return;
	if (strncmp(id, "sha256:", 7) == 0)
		id += 7;
	if (is_hex(id, strlen(id)))
		ctr_fill(c, &c->image_id, id);
}

void
ctr_fill_image(struct container *c, const char *image)
{
	const char *at, *slash, *colon, *name_end;
	char *repo;

	if (!usable(image) || c->image != NULL)
		return;
	if (strncmp(image, "sha256:", 7) == 0 ||
	    (strlen(image) == FULL_HEX && is_hex(image, FULL_HEX))) {
		ctr_fill_image_id(c, image);        /* an id, not a name */
		return;
	}
	c->image = container_strdup(c, image);
	at = strchr(image, '@');
	name_end = at ? at : image + strlen(image);
	if (at && at[1])
		ctr_fill(c, &c->image_digest, at + 1);
	slash = memrchr(image, '/', (size_t)(name_end - image));
	colon = memrchr(image, ':', (size_t)(name_end - image));
	if (colon && (slash == NULL || colon > slash)) {
		if (c->image_tag == NULL && colon + 1 < name_end)
			c->image_tag = arena_strndup(&c->mem, colon + 1,
			                             (size_t)(name_end - colon - 1));
		name_end = colon;
	} else if (at == NULL && c->image_tag == NULL) {
		c->image_tag = container_strdup(c, "latest");   /* as Docker reads a bare name */
	}
	if (c->image_repo == NULL && name_end > image) {
		repo = arena_strndup(&c->mem, image, (size_t)(name_end - image));
		c->image_repo = repo;
	}
}

/* N digits at S as a number in [MIN, MAX], or -1. */
static int64_t
digits(const char *s, size_t n, int64_t min, int64_t max)
{
	int64_t v;

	if (strnlen(s, n) < n || strnum_i64(s, n, 10, min, max, &v) < 0)
		return -1;
	return v;
}

static int
parse_fraction(const char **p, uint64_t *ns)
{
	const char *s = *p;
	size_t n = 0;

	*ns = 0;
	if (*s != '.')
		return 0;
	for (s++; s[n] >= '0' && s[n] <= '9'; n++)
		if (n < 9)
			*ns = *ns * 10 + (uint64_t)(s[n] - '0');
	if (n == 0)
		return -EINVAL;
	for (size_t k = n; k < 9; k++)
		*ns *= 10;
	*p = s + n;
	return 0;
}

/* "Z" or "+hh:mm"/"-hh:mm": the offset east of UTC in seconds. */
static int
parse_offset(const char *s, int64_t *off)
{
	int64_t h, m;

	if (strcmp(s, "Z") == 0 || strcmp(s, "z") == 0) {
		*off = 0;
		return 0;
	}
	if ((s[0] != '+' && s[0] != '-') || strlen(s) != 6 || s[3] != ':' ||
	    (h = digits(s + 1, 2, 0, 23)) < 0 || (m = digits(s + 4, 2, 0, 59)) < 0)
		return -EINVAL;
	*off = (s[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
	return 0;
}

int
ctr_parse_time(const char *s, uint64_t *out)
{
	struct tm tm = { 0 };
	int64_t f[6], off;
	uint64_t ns;
	time_t t;

	if (s == NULL || strnlen(s, 64) < 20 || s[4] != '-' || s[7] != '-' ||
	    (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':')
		return -EINVAL;
	f[0] = digits(s, 4, 1970, 2500);
	f[1] = digits(s + 5, 2, 1, 12);
	f[2] = digits(s + 8, 2, 1, 31);
	f[3] = digits(s + 11, 2, 0, 23);
	f[4] = digits(s + 14, 2, 0, 59);
	f[5] = digits(s + 17, 2, 0, 60);
	for (int i = 0; i < 6; i++)
		if (f[i] < 0)
			return -EINVAL;
	s += 19;
	if (parse_fraction(&s, &ns) < 0 || parse_offset(s, &off) < 0)
		return -EINVAL;
	tm.tm_year = (int)f[0] - 1900;
	tm.tm_mon = (int)f[1] - 1;
	tm.tm_mday = (int)f[2];
	tm.tm_hour = (int)f[3];
	tm.tm_min = (int)f[4];
	tm.tm_sec = (int)f[5];
	t = timegm(&tm);
	if (t == (time_t)-1 || (int64_t)t - off < 0)
		return -EINVAL;
	*out = (uint64_t)((int64_t)t - off) * 1000000000u + ns;
	return 0;
}

/* Room for one more element in an array of N elements of SIZE bytes that grows by doubling
 * from 8 in C's arena (so the capacity follows from N). */
static void *
grow(struct container *c, void *v, uint32_t n, size_t size)
{
	void *nv;

	if (n != 0 && (n < 8 || (n & (n - 1)) != 0))
		return v;
	nv = arena_alloc(&c->mem, (n ? 2 * (size_t)n : 8) * size);
	if (n)
		memcpy(nv, v, n * size);
	return nv;
}

void
ctr_add_label(struct container *c, bool pod, const char *key, const char *value)
{
	struct container_kv **v = pod ? &c->pod_labels : &c->labels;
	uint32_t *n = pod ? &c->npod_labels : &c->nlabels;

	if (!usable(key) || value == NULL || strnlen(value, CTR_STR_MAX + 1) > CTR_STR_MAX ||
	    *n >= CTR_MAX_LABELS)
		return;
	for (uint32_t i = 0; i < *n; i++)
		if (strcmp((*v)[i].key, key) == 0)
			return;
	*v = grow(c, *v, *n, sizeof(**v));
	(*v)[*n].key = container_strdup(c, key);
	(*v)[*n].value = container_strdup(c, value);
	(*n)++;
}

void
ctr_add_labels_obj(struct container *c, bool pod, const json_t *obj)
{
	const char *key;
	json_t *v;

	if (!json_is_object(obj))
		return;
	json_object_foreach((json_t *)obj, key, v) {
		const char *s = ctr_json_str(obj, key);

		if (s)
			ctr_add_label(c, pod, key, s);
	}
}

void
ctr_add_mount(struct container *c, const struct container_mount *m)
{
	struct container_mount *d;

	if (!usable(m->dest) || c->nmounts >= CTR_MAX_MOUNTS)
		return;
	c->mounts = grow(c, c->mounts, c->nmounts, sizeof(*c->mounts));
	d = &c->mounts[c->nmounts++];
	d->source = usable(m->source) ? container_strdup(c, m->source) : NULL;
	d->dest = container_strdup(c, m->dest);
	d->mode = usable(m->mode) ? container_strdup(c, m->mode) : NULL;
	d->propagation = usable(m->propagation) ? container_strdup(c, m->propagation) : NULL;
	d->rw = m->rw;
}

/* ---- merging a staging container into the table's ---- */

static bool
str_differs(const char *a, const char *b)
{
	return b != NULL && (a == NULL || strcmp(a, b) != 0);
}

static bool
merge_str(struct container *dst, char **field, const char *s)
{
	if (!str_differs(*field, s))
		return false;
	*field = container_strdup(dst, s);
	return true;
}

static bool
kv_same(const struct container_kv *a, uint32_t na, const struct container_kv *b, uint32_t nb)
{
	if (na != nb)
		return false;
	for (uint32_t i = 0; i < na; i++)
		if (strcmp(a[i].key, b[i].key) != 0 || strcmp(a[i].value, b[i].value) != 0)
			return false;
	return true;
}

static bool
merge_kv(struct container *dst, struct container_kv **v, uint32_t *n,
         const struct container_kv *s, uint32_t ns)
{
	struct container_kv *nv;

	if (ns == 0 || kv_same(*v, *n, s, ns))
		return false;
	nv = arena_alloc(&dst->mem, ns * sizeof(*nv));
	for (uint32_t i = 0; i < ns; i++) {
		nv[i].key = container_strdup(dst, s[i].key);
		nv[i].value = container_strdup(dst, s[i].value);
	}
	*v = nv;
	*n = ns;
	return true;
}

static bool
opt_same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static bool
mounts_same(const struct container *a, const struct container *b)
{
	if (a->mounts == NULL || a->nmounts != b->nmounts)
		return false;
	for (uint32_t i = 0; i < a->nmounts; i++) {
		const struct container_mount *x = &a->mounts[i], *y = &b->mounts[i];

		if (!opt_same(x->source, y->source) || !opt_same(x->dest, y->dest) ||
		    !opt_same(x->mode, y->mode) || !opt_same(x->propagation, y->propagation) ||
		    x->rw != y->rw)
			return false;
	}
	return true;
}

static bool
merge_mounts(struct container *dst, const struct container *s)
{
	if (s->mounts == NULL || mounts_same(dst, s))
		return false;
	dst->mounts = arena_alloc(&dst->mem, (s->nmounts ? s->nmounts : 1) * sizeof(*dst->mounts));
	for (uint32_t i = 0; i < s->nmounts; i++) {
		const struct container_mount *m = &s->mounts[i];

		dst->mounts[i] = (struct container_mount){
			.source = container_strdup(dst, m->source),
			.dest = container_strdup(dst, m->dest),
			.mode = container_strdup(dst, m->mode),
			.propagation = container_strdup(dst, m->propagation),
			.rw = m->rw,
		};
	}
	dst->nmounts = s->nmounts;
	return true;
}

/* The layers are read once: a container's rootfs does not change. */
static bool
merge_layers(struct container *dst, const struct container *s)
{
	if ((dst->meta & CTR_META_LAYERS) || !(s->meta & CTR_META_LAYERS))
		return false;
	dst->upperdir = container_strdup(dst, s->upperdir);
	dst->lowerdirs = arena_alloc(&dst->mem, ((size_t)s->nlower + 1) * sizeof(char *));
	for (uint32_t i = 0; i < s->nlower; i++)
		dst->lowerdirs[i] = container_strdup(dst, s->lowerdirs[i]);
	dst->lowerdirs[s->nlower] = NULL;
	dst->nlower = s->nlower;
	return true;
}

bool
ctr_merge(struct container *dst, const struct container *s)
{
	bool ch = false;

	ch |= merge_str(dst, &dst->name, s->name);
	ch |= merge_str(dst, &dst->image, s->image);
	ch |= merge_str(dst, &dst->image_id, s->image_id);
	ch |= merge_str(dst, &dst->image_repo, s->image_repo);
	ch |= merge_str(dst, &dst->image_tag, s->image_tag);
	ch |= merge_str(dst, &dst->image_digest, s->image_digest);
	ch |= merge_str(dst, &dst->pod_uid, s->pod_uid);
	ch |= merge_str(dst, &dst->pod_name, s->pod_name);
	ch |= merge_str(dst, &dst->pod_ns, s->pod_ns);
	ch |= merge_str(dst, &dst->merged, s->merged);
	if (s->privileged >= 0 && s->privileged != dst->privileged) {
		dst->privileged = s->privileged;
		ch = true;
	}
	if (s->start_ns && s->start_ns != dst->start_ns) {
		dst->start_ns = s->start_ns;
		ch = true;
	}
	ch |= merge_kv(dst, &dst->labels, &dst->nlabels, s->labels, s->nlabels);
	ch |= merge_kv(dst, &dst->pod_labels, &dst->npod_labels, s->pod_labels, s->npod_labels);
	ch |= merge_mounts(dst, s);
	ch |= merge_layers(dst, s);
	if ((dst->meta | s->meta) != dst->meta) {
		dst->meta |= s->meta;
		ch = true;
	}
	return ch;
}
