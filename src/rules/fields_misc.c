/* fields_misc.c - user.*, group.*, container.*, k8s.* and audit.* extractors, and the
 * extractor of fields shikra cannot supply yet.
 * User and group names come from the system databases (getpwuid_r/getgrgid_r, so NSS
 * applies) through a small cache: 64 direct-mapped slots per database, each entry valid for
 * 60 seconds, misses cached too, names longer than 63 bytes looked up every time.  The cache
 * is file-static: rules are evaluated by one thread (the event loop), and no other thread may
 * extract these fields.  Container fields read fields_container_get(), the one place that
 * knows what the event model says about containers. */
#include "config.h"

#include <errno.h>
#include <fnmatch.h>
#include <grp.h>
#include <pwd.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/now.h"
#include "core/sbuf.h"
#include "rules/fields_int.h"

#define IDCACHE_SLOTS     64
#define IDCACHE_NAME_MAX  64
#define IDCACHE_TTL_NS    (60ull * 1000000000ull)
#define IDDB_BUF_MIN      1024
#define IDDB_BUF_MAX      (1u << 20)
#define ID_INVALID        4294967295   /* (uid_t)-1: "no user", also audit's unset auid */

struct idcache_slot {
	uint64_t stamp;                 /* monotonic ns when filled; 0 = empty */
	uint32_t id;
	bool found;
	char name[IDCACHE_NAME_MAX];
};

static struct idcache_slot user_cache[IDCACHE_SLOTS];
static struct idcache_slot group_cache[IDCACHE_SLOTS];

uint32_t
field_x_na(const struct field_ref *ref, const struct event *ev, struct arena *scratch,
           struct fvalue *out, uint32_t max)
{
	return 0;
}

uint32_t
field_x_audit_key(const struct field_ref *ref, const struct event *ev, struct arena *scratch,
                  struct fvalue *out, uint32_t max)
{
	return fields_put_cstr(out, max, ev->key);
}

/* ---- user and group names ---- */

/* Look ID up in the password (GROUP false) or group database, growing the buffer while the
 * libc asks for more.  0 with the name in SCRATCH, -ENOENT if there is no such id, or
 * another -errno (not cached). */
static int
iddb_lookup(bool group, uint32_t id, struct arena *scratch, const char **name)
{
	size_t size = IDDB_BUF_MIN;
	char *buf = NULL;
	int rc;

	for (;;) {
		struct passwd pw, *pwr = NULL;
		struct group gr, *grr = NULL;
		char *nb = realloc(buf, size);

		if (nb == NULL) {
			rc = -ENOMEM;
			goto fail;
		}
		buf = nb;
		rc = group ? getgrgid_r(id, &gr, buf, size, &grr) : getpwuid_r(id, &pw, buf, size, &pwr);
		if (rc == ERANGE && size < IDDB_BUF_MAX) {
			size *= 2;
			continue;
		}
		if (rc != 0) {
			rc = -rc;
			goto fail;
		}
		if (pwr == NULL && grr == NULL) {
			rc = -ENOENT;
			goto fail;
		}
		*name = arena_strdup(scratch, group ? grr->gr_name : pwr->pw_name);
		break;
	}
	free(buf);
	return 0;
fail:
	free(buf);
	return rc;
}

/* The name of user or group ID (int64 as the snapshot keeps it), through the cache. */
static uint32_t
put_id_name(bool group, int64_t id, struct arena *scratch, struct fvalue *out, uint32_t max)
{
	struct idcache_slot *s;
	const char *name = NULL;
	uint64_t now = now_mono_ns();
	int rc;

	if (id < 0 || id >= ID_INVALID)
		return 0;
	s = &(group ? group_cache : user_cache)[(uint32_t)id % IDCACHE_SLOTS];
	if (s->stamp && s->id == (uint32_t)id && now - s->stamp < IDCACHE_TTL_NS)
		return s->found ? fields_put_cstr(out, max, arena_strdup(scratch, s->name)) : 0;
	rc = iddb_lookup(group, (uint32_t)id, scratch, &name);
	if (rc == 0 && strlen(name) < IDCACHE_NAME_MAX) {
		*s = (struct idcache_slot){ .stamp = now ? now : 1, .id = (uint32_t)id, .found = true };
		memcpy(s->name, name, strlen(name) + 1);
	} else if (rc == -ENOENT) {
		*s = (struct idcache_slot){ .stamp = now ? now : 1, .id = (uint32_t)id };
	}
	return rc == 0 ? fields_put_cstr(out, max, name) : 0;
}

/* The ids of the event's process; PROC_ID_UNSET when there is no process. */
static int64_t
proc_euid(const struct event *ev)
{
	return ev->proc ? ev->proc->euid : PROC_ID_UNSET;
}

static int64_t
proc_egid(const struct event *ev)
{
	return ev->proc ? ev->proc->egid : PROC_ID_UNSET;
}

static int64_t
proc_auid(const struct event *ev)
{
	return ev->proc ? ev->proc->auid : PROC_ID_UNSET;
}

uint32_t
field_x_user_uid(const struct field_ref *ref, const struct event *ev, struct arena *scratch,
                 struct fvalue *out, uint32_t max)
{
	int64_t id = proc_euid(ev);

	return id >= 0 ? fields_put_u64(out, max, FT_UINT64, (uint64_t)id) : 0;
}

uint32_t
field_x_user_name(const struct field_ref *ref, const struct event *ev, struct arena *scratch,
                  struct fvalue *out, uint32_t max)
{
	return put_id_name(false, proc_euid(ev), scratch, out, max);
}

uint32_t
field_x_user_loginuid(const struct field_ref *ref, const struct event *ev,
                      struct arena *scratch, struct fvalue *out, uint32_t max)
{
	int64_t id = proc_auid(ev);

	if (id == PROC_ID_UNSET)
		return 0;
	/* Falco turns the unset login uid 4294967295 into -1. */
	return fields_put_i64(out, max, id >= ID_INVALID || id < 0 ? -1 : id);
}

uint32_t
field_x_user_loginname(const struct field_ref *ref, const struct event *ev,
                       struct arena *scratch, struct fvalue *out, uint32_t max)
{
	return put_id_name(false, proc_auid(ev), scratch, out, max);
}

uint32_t
field_x_group_gid(const struct field_ref *ref, const struct event *ev, struct arena *scratch,
                  struct fvalue *out, uint32_t max)
{
	int64_t id = proc_egid(ev);

	return id >= 0 ? fields_put_u64(out, max, FT_UINT64, (uint64_t)id) : 0;
}

uint32_t
field_x_group_name(const struct field_ref *ref, const struct event *ev,
                   struct arena *scratch, struct fvalue *out, uint32_t max)
{
	return put_id_name(true, proc_egid(ev), scratch, out, max);
}

/* ---- containers ---- */

static void
container_fill(const struct container *c, struct fields_container *out)
{
	out->id = c->id;
	out->full_id = c->full_id;
	out->name = c->name;
	out->type = container_runtime_name(c->runtime);
	out->image = c->image;
	out->image_id = c->image_id;
	out->image_repo = c->image_repo;
	out->image_tag = c->image_tag;
	out->image_digest = c->image_digest;
	out->k8s_ns = c->pod_ns;
	out->k8s_pod_name = c->pod_name;
	out->k8s_pod_uid = c->pod_uid;
	out->privileged = c->privileged;
	out->start_ts = c->start_ns;
	out->mounts = c->mounts;
	out->nmounts = c->nmounts;
	out->labels = c->labels;
	out->nlabels = c->nlabels;
	out->pod_labels = c->pod_labels;
	out->npod_labels = c->npod_labels;
}

bool
fields_container_get(const struct event *ev, struct fields_container *out)
{
	memset(out, 0, sizeof(*out));
	out->privileged = -1;
	if (ev->proc == NULL)
		return false;
	if (ev->proc->in_container == 1 && ev->proc->container != NULL) {
		container_fill(ev->proc->container, out);
		return true;
	}
	out->id = out->full_id = out->name = out->type = "host";
	return true;
}

static uint32_t
container_str(const struct event *ev, size_t off, struct fvalue *out, uint32_t max)
{
	struct fields_container c;

	if (!fields_container_get(ev, &c))
		return 0;
	return fields_put_cstr(out, max, *(const char *const *)(const void *)((const char *)&c + off));
}

#define CONTAINER_STR(fn, member)                                                         \
	uint32_t fn(const struct field_ref *ref, const struct event *ev,                  \
	            struct arena *scratch, struct fvalue *out, uint32_t max)              \
	{                                                                                 \
		return container_str(ev, offsetof(struct fields_container, member), out, max); \
	}

CONTAINER_STR(field_x_container_id, id)
CONTAINER_STR(field_x_container_full_id, full_id)
CONTAINER_STR(field_x_container_name, name)
CONTAINER_STR(field_x_container_type, type)
CONTAINER_STR(field_x_container_image, image)
CONTAINER_STR(field_x_container_image_id, image_id)
CONTAINER_STR(field_x_container_image_repo, image_repo)
CONTAINER_STR(field_x_container_image_tag, image_tag)
CONTAINER_STR(field_x_container_image_digest, image_digest)
CONTAINER_STR(field_x_k8s_ns_name, k8s_ns)
CONTAINER_STR(field_x_k8s_pod_name, k8s_pod_name)
CONTAINER_STR(field_x_k8s_pod_uid, k8s_pod_uid)

uint32_t
field_x_container_privileged(const struct field_ref *ref, const struct event *ev,
                             struct arena *scratch, struct fvalue *out, uint32_t max)
{
	struct fields_container c;

	if (!fields_container_get(ev, &c) || c.privileged < 0)
		return 0;
	return fields_put_bool(out, max, c.privileged == 1);
}

uint32_t
field_x_container_start_ts(const struct field_ref *ref, const struct event *ev,
                           struct arena *scratch, struct fvalue *out, uint32_t max)
{
	struct fields_container c;

	if (!fields_container_get(ev, &c) || c.start_ts == 0)
		return 0;
	return fields_put_u64(out, max, FT_UINT64, c.start_ts);
}

static void
mount_format(const struct container_mount *m, struct sbuf *b)
{
	sbuf_printf(b, "%s:%s:%s:%s:%s", m->source ? m->source : "", m->dest ? m->dest : "",
	            m->mode ? m->mode : "", m->rw < 0 ? "" : m->rw ? "true" : "false",
	            m->propagation ? m->propagation : "");
}

uint32_t
field_x_container_mounts(const struct field_ref *ref, const struct event *ev,
                         struct arena *scratch, struct fvalue *out, uint32_t max)
{
	struct fields_container c;
	struct sbuf b = SBUF_INIT;
	uint32_t n;

	if (!fields_container_get(ev, &c) || c.mounts == NULL)
		return 0;
	for (uint32_t i = 0; i < c.nmounts; i++) {
		if (i)
			sbuf_putc(&b, ' ');
		mount_format(&c.mounts[i], &b);
	}
	n = fields_put_sbuf(out, max, scratch, &b);
	sbuf_free(&b);
	return n;
}

/* The mount REF selects: by index, or the first whose BY_DEST (else source) matches the key
 * as a glob.  NULL if none. */
static const struct container_mount *
mount_select(const struct fields_container *c, const struct field_ref *ref, bool by_dest)
{
	if (!ref->key)
		return ref->index >= 0 && (uint64_t)ref->index < c->nmounts ? &c->mounts[ref->index]
		                                                             : NULL;
	for (uint32_t i = 0; i < c->nmounts; i++) {
		const char *s = by_dest ? c->mounts[i].dest : c->mounts[i].source;
		if (s && fnmatch(ref->key, s, 0) == 0)
			return &c->mounts[i];
	}
	return NULL;
}

uint32_t
field_x_container_mount(const struct field_ref *ref, const struct event *ev,
                        struct arena *scratch, struct fvalue *out, uint32_t max)
{
	struct fields_container c;
	const struct container_mount *m;
	struct sbuf b = SBUF_INIT;
	uint32_t n;

	if (!fields_container_get(ev, &c) || c.mounts == NULL)
		return 0;
	m = mount_select(&c, ref, false);
	if (m == NULL)
		return fields_put_cstr(out, max, "none");   /* Falco's answer for no such mount */
	mount_format(m, &b);
	n = fields_put_sbuf(out, max, scratch, &b);
	sbuf_free(&b);
	return n;
}

uint32_t
field_x_container_mount_source(const struct field_ref *ref, const struct event *ev,
                               struct arena *scratch, struct fvalue *out, uint32_t max)
{
	struct fields_container c;
	const struct container_mount *m;

	if (!fields_container_get(ev, &c) || c.mounts == NULL)
		return 0;
	m = mount_select(&c, ref, true);
	return m ? fields_put_cstr(out, max, m->source) : 0;
}

uint32_t
field_x_container_mount_dest(const struct field_ref *ref, const struct event *ev,
                             struct arena *scratch, struct fvalue *out, uint32_t max)
{
	struct fields_container c;
	const struct container_mount *m;

	if (!fields_container_get(ev, &c) || c.mounts == NULL)
		return 0;
	m = mount_select(&c, ref, false);
	return m ? fields_put_cstr(out, max, m->dest) : 0;
}

static uint32_t
put_label(const struct container_kv *kv, uint32_t n, const char *key, struct fvalue *out,
          uint32_t max)
{
	for (uint32_t i = 0; kv && key && i < n; i++)
		if (strcmp(kv[i].key, key) == 0)
			return fields_put_cstr(out, max, kv[i].value);
	return 0;
}

uint32_t
field_x_container_label(const struct field_ref *ref, const struct event *ev,
                        struct arena *scratch, struct fvalue *out, uint32_t max)
{
	struct fields_container c;

	if (!fields_container_get(ev, &c))
		return 0;
	return put_label(c.labels, c.nlabels, ref->key, out, max);
}

uint32_t
field_x_k8s_pod_label(const struct field_ref *ref, const struct event *ev,
                      struct arena *scratch, struct fvalue *out, uint32_t max)
{
	struct fields_container c;

	if (!fields_container_get(ev, &c))
		return 0;
	return put_label(c.pod_labels, c.npod_labels, ref->key, out, max);
}
