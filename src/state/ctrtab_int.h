/* ctrtab_int.h - what the container table (ctrtab.c) and its metadata providers share;
 * private to src/state/.
 *
 * A provider reads one runtime's local files and fills in a container.  It only ever sets
 * fields that are still NULL (-1, 0), so providers called in order give the first one that
 * knew a field the last word, and it sets its CTR_META_* bit in c->meta when it found the
 * container at all.  The table runs them into a fresh staging container and then merges the
 * staging one into the real one with ctr_merge(), which copies only what changed: a refresh
 * of a container whose metadata did not change allocates nothing.
 *
 * Every file a provider reads is hostile: it is opened without following a final symlink,
 * must be a regular file of at most CTR_FILE_MAX bytes, and every JSON member is checked for
 * type and size before use (ctrtab_meta.c holds the checked accessors). */
#ifndef SHIKRA_STATE_CTRTAB_INT_H
#define SHIKRA_STATE_CTRTAB_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "state/ctrtab.h"

#define CTR_FILE_MAX     (8u << 20)   /* bytes of any runtime file (JSON, mountinfo) */
#define CTR_STR_MAX      4096u        /* bytes of any one string kept (names, labels, paths) */
#define CTR_MAX_LABELS   256u         /* labels kept per container */
#define CTR_MAX_MOUNTS   256u         /* mounts kept per container */
#define CTR_MAX_LOWER    512u         /* overlay lower layers kept */

/* A parsed JSON file kept while the file's identity (device, inode, size, mtime) does not
 * change: Podman's containers.json and images.json are read for every new container, and
 * only change when containers come and go. */
struct ctr_jcache {
	json_t *doc;                      /* owned; NULL when never read or unreadable */
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
};

/* Where the providers look: the table's configuration with defaults applied, and the
 * caches.  Tests build one by hand. */
struct ctr_src {
	const char *const *runc_roots;    /* NULL-terminated */
	const char *docker_root;          /* NULL: skip Docker */
	const char *podman_root;          /* NULL: skip Podman/CRI-O's store */
	/* The host's / in our namespace, NULL or "" = ours: the three roots above are already
	 * behind it; names read from the runtime's files are the host's (core/hostpath.h). */
	const char *host_root;
	struct ctr_jcache podman_ctrs, podman_images;
	/* Per round: privileged as guessed from an OCI spec (1, 0, -1), applied only when no
	 * provider knew it for certain. */
	int priv_guess;
};

/* ---- ctrtab_meta.c: files, JSON, and filling a container ---- */

/* Read the regular file PATH (a final symlink is refused) into a NUL-terminated buffer the
 * caller frees.  0; -ENOENT when it does not exist; -EFBIG above MAX bytes; -EINVAL for
 * something that is not a regular file; another -errno. */
int  ctr_read_file(const char *path, size_t max, char **out, size_t *len);
/* Parse the JSON file PATH.  0 with a new reference in *OUT, or -errno (-EINVAL: not JSON). */
int  ctr_read_json(const char *path, json_t **out);
/* The cached parse of PATH (see struct ctr_jcache): a borrowed reference valid until the next
 * call with the same cache, or NULL when the file cannot be read or parsed. */
json_t *ctr_jcache_get(struct ctr_jcache *jc, const char *path);
void ctr_jcache_clear(struct ctr_jcache *jc);

/* Checked JSON accessors: the member KEY of OBJ if it has the right type (strings: no
 * longer than CTR_STR_MAX), else NULL / -1.  OBJ may be NULL or not an object. */
const char *ctr_json_str(const json_t *obj, const char *key);
const json_t *ctr_json_obj(const json_t *obj, const char *key);
const json_t *ctr_json_arr(const json_t *obj, const char *key);
int  ctr_json_bool(const json_t *obj, const char *key);       /* 1, 0, or -1 */

/* Set *FIELD of C to S (copied into C's arena) if *FIELD is still NULL and S is a usable
 * string (non-empty, at most CTR_STR_MAX bytes). */
void ctr_fill(struct container *c, char **field, const char *s);
/* Fill image, image_repo, image_tag and image_digest from IMAGE as a user wrote it
 * ("docker.io/library/nginx:1.25@sha256:..."); a name that is a bare image id fills only
 * image_id. */
void ctr_fill_image(struct container *c, const char *image);
/* Fill image_id from "sha256:HEX" or HEX. */
void ctr_fill_image_id(struct container *c, const char *id);
/* Parse an RFC 3339 time ("2024-05-01T10:00:00.123456789Z", or with a +hh:mm offset) into
 * ns since the epoch.  0 or -EINVAL. */
int  ctr_parse_time(const char *s, uint64_t *out);
/* Add label KEY=VALUE to C's labels (POD true: pod labels) unless the key is already there
 * or the table is full. */
void ctr_add_label(struct container *c, bool pod, const char *key, const char *value);
/* Add every string member of OBJ as a label. */
void ctr_add_labels_obj(struct container *c, bool pod, const json_t *obj);
/* Add a mount. */
void ctr_add_mount(struct container *c, const struct container_mount *m);

/* Copy into DST what STAGE knows that DST does not, or knows differently: strings, the pod,
 * privileged, start time, labels, mounts, and the layers when DST has none.  DST's meta
 * gains STAGE's bits.  Return true when DST changed. */
bool ctr_merge(struct container *dst, const struct container *stage);

/* ---- providers: each returns 1 when it found the container, 0 when not, -errno ---- */

/* runc state.json under each root (ROOT/ID/state.json): created time, the rootfs, labels
 * ("bundle=DIR"); then DIR/config.json: annotations (containerd CRI, CRI-O, Podman), mounts,
 * privileged.  (ctrtab_runc.c) */
int  ctr_runc_fill(struct ctr_src *src, struct container *c);
/* Fill C from an OCI runtime spec (config.json) already parsed: annotations, the bind mounts
 * the user asked for, privileged when an annotation says it.  Return the privileged guess
 * from the spec itself (see ctrtab_runc.c): 1, 0, or -1 when the spec does not tell. */
int  ctr_oci_fill(struct container *c, const json_t *spec);
/* Fill C from the annotations object ANN (containerd CRI, CRI-O, Podman). */
void ctr_annotations_fill(struct container *c, const json_t *ann);
/* Fill the pod fields and the container name of C from the Kubernetes labels it carries
 * (the kubelet's io.kubernetes.* labels, in Docker and CRI-O). */
void ctr_k8s_from_labels(struct container *c);
/* Whether ID can name a directory entry (no '/', not "." or "..", not too long). */
bool ctr_id_safe(const char *id);
/* Docker: DOCKER_ROOT/containers/ID/config.v2.json and hostconfig.json.  (ctrtab_docker.c) */
int  ctr_docker_fill(struct ctr_src *src, struct container *c);
/* Podman and CRI-O's containers/storage: overlay-containers/containers.json (names, image,
 * metadata), overlay-images/images.json (image names, digest), and the container's
 * userdata/config.json.  (ctrtab_docker.c) */
int  ctr_podman_fill(struct ctr_src *src, struct container *c);

/* ---- ctrtab_layers.c ---- */

/* Fill upperdir, lowerdirs and merged of C from the mountinfo text (LEN bytes): the mount at
 * "/" of type overlay.  Lower layers that are symlinks (Podman's "l/SHORT") are resolved;
 * relative ones are taken below SRC->podman_root/overlay (may be NULL).  Layers are looked at
 * through SRC->host_root and stored by their host names.  1 when found, 0 when "/" is not an
 * overlay, -EINVAL for text that is not mountinfo. */
int  ctr_layers_parse(const char *text, size_t len, const struct ctr_src *src,
                      struct container *c);
/* The same from PROC_ROOT/PID/mountinfo; -errno when it cannot be read. */
int  ctr_layers_read(const char *proc_root, int64_t pid, const struct ctr_src *src,
                     struct container *c);

#endif
