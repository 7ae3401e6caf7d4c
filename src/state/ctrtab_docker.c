/* ctrtab_docker.c - metadata from Docker's and Podman's own files (see ctrtab_int.h).
 *
 * Docker keeps DOCKER_ROOT/containers/ID/config.v2.json (Name with a leading '/',
 * Config.Image as the user wrote it, Config.Labels, Image as "sha256:HEX", State.StartedAt,
 * MountPoints keyed by destination) and hostconfig.json (the HostConfig object: Privileged).
 *
 * Podman (and CRI-O, which shares containers/storage) keeps PODMAN_ROOT/overlay-containers/
 * containers.json: one object per container with names, the image id, and "metadata", a JSON
 * object in a string with image-name and name; PODMAN_ROOT/overlay-images/images.json maps
 * image ids to names and a digest; and the container's OCI spec in overlay-containers/ID/
 * userdata/config.json.  Podman's labels live in its own database and reach shikra only
 * through the API. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "state/ctrtab_int.h"

#define PATH_BUF 4096
#define METADATA_MAX (64u * 1024)

static int
path_in(char *buf, size_t size, const char *root, const char *id, const char *file)
{
	int n = snprintf(buf, size, "%s/%s%s%s", root, id ? id : "", id ? "/" : "", file);

	return n > 0 && (size_t)n < size ? 0 : -ENAMETOOLONG;
}

/* ---- Docker ---- */

static void
docker_mounts(struct container *c, const json_t *mps)
{
	const char *dest;
	json_t *m;

	if (!json_is_object(mps) || c->mounts != NULL)
		return;
	c->mounts = arena_zalloc(&c->mem, sizeof(*c->mounts));
	json_object_foreach((json_t *)mps, dest, m) {
		struct container_mount cm = {
			.source = (char *)ctr_json_str(m, "Source"),
			.dest = (char *)ctr_json_str(m, "Destination"),
			.mode = (char *)ctr_json_str(m, "Mode"),
			.propagation = (char *)ctr_json_str(m, "Propagation"),
			.rw = ctr_json_bool(m, "RW"),
		};

		if (cm.dest == NULL)
			cm.dest = (char *)dest;
		ctr_add_mount(c, &cm);
	}
}

static void
docker_config(struct container *c, const json_t *doc)
{
	const json_t *cfg = ctr_json_obj(doc, "Config");
	const char *name = ctr_json_str(doc, "Name");
	uint64_t t;

	if (name && name[0] == '/')
		name++;
	ctr_fill(c, &c->name, name);
	ctr_fill_image(c, ctr_json_str(cfg, "Image"));
	ctr_fill_image_id(c, ctr_json_str(doc, "Image"));
	ctr_add_labels_obj(c, false, ctr_json_obj(cfg, "Labels"));
	if (c->start_ns == 0 &&
	    ctr_parse_time(ctr_json_str(ctr_json_obj(doc, "State"), "StartedAt"), &t) == 0)
		c->start_ns = t;
	docker_mounts(c, ctr_json_obj(doc, "MountPoints"));
}

int
ctr_docker_fill(struct ctr_src *src, struct container *c)
{
	char dir[PATH_BUF], path[PATH_BUF];
	json_t *doc = NULL, *host = NULL;
	const char *id;
	int rc = 0;

	if (src->docker_root == NULL || !ctr_id_safe(c->full_id) ||
	    path_in(dir, sizeof(dir), src->docker_root, NULL, "containers") < 0 ||
	    path_in(path, sizeof(path), dir, c->full_id, "config.v2.json") < 0 ||
	    ctr_read_json(path, &doc) < 0)
		return 0;
	id = ctr_json_str(doc, "ID");
	if (id == NULL || strcmp(id, c->full_id) != 0)
		goto out;
	docker_config(c, doc);
	if (path_in(path, sizeof(path), dir, c->full_id, "hostconfig.json") == 0 &&
	    ctr_read_json(path, &host) == 0 && c->privileged < 0)
		c->privileged = ctr_json_bool(host, "Privileged");
	c->meta |= CTR_META_DOCKER;
	rc = 1;
out:
	json_decref(host);
	json_decref(doc);
	return rc;
}

/* ---- Podman / containers-storage ---- */

/* The element of the array DOC whose "id" is ID, or NULL. */
static const json_t *
find_by_id(const json_t *doc, const char *id)
{
	for (size_t i = 0; i < json_array_size(doc); i++) {
		const json_t *e = json_array_get(doc, i);
		const char *eid = ctr_json_str(e, "id");

		if (eid && strcmp(eid, id) == 0)
			return e;
	}
	return NULL;
}

static const char *
first_name(const json_t *e)
{
	const json_t *names = ctr_json_arr(e, "names");
	const json_t *n = json_array_get(names, 0);

	return json_is_string(n) && json_string_length(n) <= CTR_STR_MAX ? json_string_value(n)
	                                                                 : NULL;
}

static void
store_metadata(struct container *c, const json_t *e)
{
	const json_t *v = json_object_get(e, "metadata");
	json_t *md;

	if (!json_is_string(v) || json_string_length(v) > METADATA_MAX)
		return;
	md = json_loadb(json_string_value(v), json_string_length(v), 0, NULL);
	ctr_fill_image(c, ctr_json_str(md, "image-name"));
	ctr_fill(c, &c->name, ctr_json_str(md, "name"));
	json_decref(md);
}

static void
store_image(struct ctr_src *src, struct container *c, const char *image_id)
{
	char path[PATH_BUF];
	const json_t *img;

	if (image_id == NULL ||
	    path_in(path, sizeof(path), src->podman_root, NULL, "overlay-images/images.json") < 0)
		return;
	img = find_by_id(ctr_jcache_get(&src->podman_images, path), image_id);
	if (img == NULL)
		return;
	ctr_fill_image(c, first_name(img));
	ctr_fill(c, &c->image_digest, ctr_json_str(img, "digest"));
}

/* The container's OCI spec, when runc's state did not already lead there. */
static void
store_spec(struct ctr_src *src, struct container *c)
{
	char path[PATH_BUF];
	json_t *spec;
	int guess;

	if ((c->meta & CTR_META_RUNC) ||
	    path_in(path, sizeof(path), src->podman_root, "overlay-containers",
	            c->full_id) < 0 ||
	    strlen(path) + sizeof("/userdata/config.json") > sizeof(path))
		return;
	strcat(path, "/userdata/config.json");
	if (ctr_read_json(path, &spec) < 0)
		return;
	guess = ctr_oci_fill(c, spec);
	if (src->priv_guess < 0)
		src->priv_guess = guess;
	json_decref(spec);
}

int
ctr_podman_fill(struct ctr_src *src, struct container *c)
{
	char path[PATH_BUF];
	const json_t *e;
	const char *image_id;
	uint64_t t;

	if (src->podman_root == NULL || !ctr_id_safe(c->full_id) ||
	    path_in(path, sizeof(path), src->podman_root, NULL,
	            "overlay-containers/containers.json") < 0)
		return 0;
	e = find_by_id(ctr_jcache_get(&src->podman_ctrs, path), c->full_id);
	if (e == NULL)
		return 0;
	ctr_fill(c, &c->name, first_name(e));
	store_metadata(c, e);
	image_id = ctr_json_str(e, "image");
	ctr_fill_image_id(c, image_id);
	if (c->start_ns == 0 && ctr_parse_time(ctr_json_str(e, "created"), &t) == 0)
		c->start_ns = t;
	store_image(src, c, image_id);
	store_spec(src, c);
	c->meta |= CTR_META_PODMAN;
	return 1;
}
