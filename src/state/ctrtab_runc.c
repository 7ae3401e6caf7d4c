/* ctrtab_runc.c - metadata from runc's state and the OCI bundle (see ctrtab_int.h).
 * runc keeps ROOT/ID/state.json for every container it runs; containerd (Docker's "moby" and
 * Kubernetes' "k8s.io" namespaces), CRI-O and Podman all drive runc, each with its own ROOT.
 * state.json gives the creation time, the rootfs as the host sees it, and labels, one of
 * which ("bundle=DIR") names the OCI bundle whose config.json holds the annotations the
 * orchestrator wrote (containerd CRI: io.kubernetes.cri.*; CRI-O: io.kubernetes.cri-o.* and
 * io.kubernetes.pod.*; Podman: io.podman.annotations.*) and the mounts.
 *
 * Mounts: like Docker's "Mounts", container.mounts lists what the user asked to mount: bind
 * mounts (volumes are bind mounts too).  The runtime's own mounts are left out: /proc, /dev,
 * /sys and other non-bind mounts, and the per-container files a runtime binds in (hosts,
 * hostname, resolv.conf, /dev/shm, .containerenv), recognised by a source that contains the
 * container's id or lies in a runtime's per-container directory.
 *
 * Privileged: from io.kubernetes.cri-o.Privileged or io.podman.annotations.privileged when
 * present.  Otherwise a guess from the spec, used only when no provider knows for certain:
 * a container is taken as privileged when its bounding capability set holds CAP_SYS_ADMIN
 * and the spec masks no paths (linux.maskedPaths absent or empty), which is what
 * `--privileged` produces in Docker, Podman, containerd and CRI-O; a container given
 * CAP_SYS_ADMIN alone still has its masked paths and is not. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/hostpath.h"
#include "state/ctrtab_int.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define PATH_BUF 4096
#define MODE_BUF 512

enum annot_kind { AK_STR, AK_IMAGE, AK_PRIV, AK_LABELS };

/* Annotations, in order of preference: the first one present fills a field. */
static const struct annot {
	const char *key;
	enum annot_kind kind;
	size_t off;             /* AK_STR: the char * member of struct container */
} annots[] = {
	/* containerd CRI */
	{ "io.kubernetes.cri.container-name", AK_STR, offsetof(struct container, name) },
	{ "io.kubernetes.cri.sandbox-name", AK_STR, offsetof(struct container, pod_name) },
	{ "io.kubernetes.cri.sandbox-namespace", AK_STR, offsetof(struct container, pod_ns) },
	{ "io.kubernetes.cri.sandbox-uid", AK_STR, offsetof(struct container, pod_uid) },
	{ "io.kubernetes.cri.image-name", AK_IMAGE, 0 },
	/* CRI-O: the kubelet's names first, CRI-O's own "k8s_..." name last */
	{ "io.kubernetes.container.name", AK_STR, offsetof(struct container, name) },
	{ "io.kubernetes.pod.name", AK_STR, offsetof(struct container, pod_name) },
	{ "io.kubernetes.pod.namespace", AK_STR, offsetof(struct container, pod_ns) },
	{ "io.kubernetes.pod.uid", AK_STR, offsetof(struct container, pod_uid) },
	{ "io.kubernetes.cri-o.ImageName", AK_IMAGE, 0 },
	{ "io.kubernetes.cri-o.Privileged", AK_PRIV, 0 },
	{ "io.kubernetes.cri-o.Labels", AK_LABELS, 0 },
	{ "io.kubernetes.cri-o.ContainerName", AK_STR, offsetof(struct container, name) },
	/* Podman */
	{ "io.podman.annotations.privileged", AK_PRIV, 0 },
};

/* Sources of bind mounts that a runtime makes for itself (besides ones naming the id). */
static const char *const runtime_dirs[] = {
	"/io.containerd.grpc.v1.cri/sandboxes/",
	"/io.containerd.runtime.v2.task/",
	"/overlay-containers/",
};

static const char *const propagations[] = {
	"rprivate", "private", "rshared", "shared", "rslave", "slave", "runbindable",
	"unbindable",
};

bool
ctr_id_safe(const char *id)
{
	size_t n = id ? strnlen(id, 256) : 0;

	return n > 0 && n <= 128 && strchr(id, '/') == NULL && strcmp(id, ".") != 0 &&
	       strcmp(id, "..") != 0;
}

/* ---- annotations ---- */

static int
text_bool(const char *s)
{
	if (s && strcasecmp(s, "true") == 0)
		return 1;
	if (s && strcasecmp(s, "false") == 0)
		return 0;
	return -1;
}

/* CRI-O's io.kubernetes.cri-o.Labels: a JSON object inside a string. */
static void
labels_from_text(struct container *c, const char *text)
{
	json_t *obj = json_loads(text, 0, NULL);

	ctr_add_labels_obj(c, false, obj);
	json_decref(obj);
	ctr_k8s_from_labels(c);     /* the kubelet's container name beats CRI-O's "k8s_..." */
}

void
ctr_annotations_fill(struct container *c, const json_t *ann)
{
	for (size_t i = 0; i < NELEM(annots); i++) {
		const char *v = ctr_json_str(ann, annots[i].key);

		if (v == NULL)
			continue;
		switch (annots[i].kind) {
		case AK_STR:
			ctr_fill(c, (char **)(void *)((char *)c + annots[i].off), v);
			break;
		case AK_IMAGE:
			ctr_fill_image(c, v);
			break;
		case AK_PRIV:
			if (c->privileged < 0)
				c->privileged = text_bool(v);
			break;
		case AK_LABELS:
			labels_from_text(c, v);
			break;
		}
	}
}

void
ctr_k8s_from_labels(struct container *c)
{
	static const struct { const char *key; size_t off; } map[] = {
		{ "io.kubernetes.container.name", offsetof(struct container, name) },
		{ "io.kubernetes.pod.name", offsetof(struct container, pod_name) },
		{ "io.kubernetes.pod.namespace", offsetof(struct container, pod_ns) },
		{ "io.kubernetes.pod.uid", offsetof(struct container, pod_uid) },
	};

	for (uint32_t i = 0; i < c->nlabels; i++)
		for (size_t k = 0; k < NELEM(map); k++)
			if (strcmp(c->labels[i].key, map[k].key) == 0)
				ctr_fill(c, (char **)(void *)((char *)c + map[k].off),
				         c->labels[i].value);
}

/* ---- mounts ---- */

static bool
has_option(const json_t *opts, const char *name)
{
	for (size_t i = 0; i < json_array_size(opts); i++) {
		const json_t *o = json_array_get(opts, i);

		if (json_is_string(o) && strcmp(json_string_value(o), name) == 0)
			return true;
	}
	return false;
}

static bool
runtime_own(const struct container *c, const char *source)
{
	if (source == NULL)
		return false;
	if (strstr(source, c->full_id) != NULL)
		return true;
	for (size_t i = 0; i < NELEM(runtime_dirs); i++)
		if (strstr(source, runtime_dirs[i]) != NULL)
			return true;
	return false;
}

/* The options joined with commas into BUF (whole options only), and the propagation. */
static void
mount_options(const json_t *opts, char *buf, size_t size, const char **prop)
{
	size_t n = 0;

	buf[0] = '\0';
	*prop = NULL;
	for (size_t i = 0; i < json_array_size(opts); i++) {
		const json_t *o = json_array_get(opts, i);
		const char *s = json_is_string(o) ? json_string_value(o) : NULL;
		size_t len = s ? strlen(s) : 0;

		if (len == 0 || n + len + 2 > size)
			continue;
		n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? "," : "", s);
		for (size_t k = 0; k < NELEM(propagations) && *prop == NULL; k++)
			if (strcmp(s, propagations[k]) == 0)
				*prop = propagations[k];
	}
}

static void
oci_mounts(struct container *c, const json_t *mounts)
{
	char mode[MODE_BUF];

	if (!json_is_array(mounts))
		return;
	if (c->mounts == NULL)      /* known, even if none is kept */
		c->mounts = arena_zalloc(&c->mem, sizeof(*c->mounts));
	for (size_t i = 0; i < json_array_size(mounts); i++) {
		const json_t *m = json_array_get(mounts, i);
		const json_t *opts = ctr_json_arr(m, "options");
		const char *type = ctr_json_str(m, "type");
		struct container_mount cm = { .source = (char *)ctr_json_str(m, "source"),
		                              .dest = (char *)ctr_json_str(m, "destination") };
		const char *prop;

		if (!(type && strcmp(type, "bind") == 0) && !has_option(opts, "bind") &&
		    !has_option(opts, "rbind"))
			continue;
		if (runtime_own(c, cm.source))
			continue;
		mount_options(opts, mode, sizeof(mode), &prop);
		cm.mode = mode;
		cm.propagation = (char *)prop;
		cm.rw = has_option(opts, "ro") ? 0 : 1;
		ctr_add_mount(c, &cm);
	}
}

/* ---- the spec ---- */

static int
privileged_guess(const json_t *spec)
{
	const json_t *caps = ctr_json_obj(ctr_json_obj(spec, "process"), "capabilities");
	const json_t *bounding = ctr_json_arr(caps, "bounding");
	const json_t *linux_ = ctr_json_obj(spec, "linux");
	const json_t *masked = ctr_json_arr(linux_, "maskedPaths");

	if (bounding == NULL || linux_ == NULL)
		return -1;
	return has_option(bounding, "CAP_SYS_ADMIN") && json_array_size(masked) == 0;
}

int
ctr_oci_fill(struct container *c, const json_t *spec)
{
	ctr_annotations_fill(c, ctr_json_obj(spec, "annotations"));
	oci_mounts(c, ctr_json_arr(spec, "mounts"));
	return privileged_guess(spec);
}

/* ---- runc state ---- */

/* state.json's config.labels: "key=value" strings.  The bundle directory, and the rest as
 * an annotations object (used when the bundle cannot be read). */
static json_t *
state_labels(const json_t *labels, const char **bundle)
{
	json_t *ann = json_object();

	*bundle = NULL;
	for (size_t i = 0; ann && i < json_array_size(labels) && i < 4 * CTR_MAX_LABELS; i++) {
		const json_t *l = json_array_get(labels, i);
		const char *s = json_is_string(l) ? json_string_value(l) : NULL;
		const char *eq = s ? strchr(s, '=') : NULL;
		char key[256];

		if (eq == NULL || eq == s || (size_t)(eq - s) >= sizeof(key) ||
		    json_string_length(l) > CTR_STR_MAX)
			continue;
		if (strncmp(s, "bundle=", 7) == 0) {
			*bundle = eq + 1;
			continue;
		}
		memcpy(key, s, (size_t)(eq - s));
		key[eq - s] = '\0';
		json_object_set_new(ann, key, json_string(eq + 1));
	}
	return ann;
}

static void
state_fill(struct ctr_src *src, struct container *c, const json_t *state)
{
	const json_t *cfg = ctr_json_obj(state, "config");
	const char *rootfs = ctr_json_str(cfg, "rootfs");
	const char *bundle = NULL;
	json_t *ann = state_labels(ctr_json_arr(cfg, "labels"), &bundle);
	json_t *spec = NULL;
	char path[PATH_BUF], local[PATH_BUF];
	const char *b;
	uint64_t t;
	int n;

	if (c->start_ns == 0 && ctr_parse_time(ctr_json_str(state, "created"), &t) == 0)
		c->start_ns = t;
	if (rootfs && rootfs[0] == '/')
		ctr_fill(c, &c->merged, rootfs);
	/* The bundle is named as the host names it. */
	n = bundle && bundle[0] == '/' &&
	    hostpath_to(src->host_root, bundle, local, sizeof(local), &b) == 0 ?
	    snprintf(path, sizeof(path), "%s/config.json", b) : -1;
	if (n > 0 && (size_t)n < sizeof(path) && ctr_read_json(path, &spec) == 0) {
		int guess = ctr_oci_fill(c, spec);

		if (src->priv_guess < 0)
			src->priv_guess = guess;
	} else {
		ctr_annotations_fill(c, ann);   /* runc copies the annotations into its labels */
	}
	json_decref(spec);
	json_decref(ann);
}

int
ctr_runc_fill(struct ctr_src *src, struct container *c)
{
	char path[PATH_BUF];

	if (!ctr_id_safe(c->full_id) || src->runc_roots == NULL)
		return 0;
	for (const char *const *root = src->runc_roots; *root; root++) {
		json_t *state;
		int n = snprintf(path, sizeof(path), "%s/%s/state.json", *root, c->full_id);
		const char *id;

		if (n < 0 || (size_t)n >= sizeof(path) || ctr_read_json(path, &state) < 0)
			continue;
		id = ctr_json_str(state, "id");
		if (id && strcmp(id, c->full_id) == 0) {
			state_fill(src, c, state);
			json_decref(state);
			c->meta |= CTR_META_RUNC;
			return 1;
		}
		json_decref(state);
	}
	return 0;
}
