/* container.h - what shikra knows about one container, shared by every process in it.
 * A container is created by the container table (state/ctrtab.h) when a process's cgroup first
 * names it, and is then reference-counted: process snapshots (struct proc.container) and the
 * table each hold a reference.  Unlike a process snapshot a container is filled in over time
 * (metadata from runtime files or the runtime's API may arrive after the first event), always
 * on the one thread that runs the event loop, so a reader sees the best current knowledge.
 * Strings live in the container's own arena; a field is NULL until some provider knew it.
 * Host processes have no container (struct proc.in_container == 0). */
#ifndef SHIKRA_CONTAINER_H
#define SHIKRA_CONTAINER_H

#include <stdint.h>

#include "core/arena.h"

/* Runtimes recognised from cgroup paths; container.type prints container_runtime_name(). */
enum container_runtime {
	CTR_NONE = 0,       /* not a container */
	CTR_DOCKER, CTR_PODMAN, CTR_CONTAINERD, CTR_CRIO, CTR_LXC, CTR_NSPAWN, CTR_ECS,
	CTR_GARDEN,
	CTR__COUNT
};

struct container_mount {
	char *source, *dest;
	char *mode;           /* mount options as the runtime reports them ("rw,rbind"), or NULL */
	char *propagation;    /* "rprivate", ... or NULL */
	int rw;               /* 1 read-write, 0 read-only, -1 unknown */
};

struct container_kv {
	char *key, *value;
};

/* Which providers have answered (bits of struct container.meta). */
#define CTR_META_CGROUP   1u   /* id and runtime from the cgroup path (always set) */
#define CTR_META_RUNC     2u   /* runc state.json and the OCI bundle's config.json */
#define CTR_META_DOCKER   4u   /* Docker's config.v2.json / hostconfig.json */
#define CTR_META_PODMAN   8u   /* Podman's container store */
#define CTR_META_API     16u   /* the Docker-compatible API on a unix socket */
#define CTR_META_LAYERS  32u   /* rootfs layers read from the container's mountinfo */

struct container {
	unsigned refs;
	enum container_runtime runtime;
	char *id;             /* container.id: 12 hex characters for hex ids, else the name
	                       * (LXC, nspawn); never NULL */
	char *full_id;        /* container.full_id: the id as the runtime spells it */
	char *name;           /* container.name */
	char *image;          /* as the user wrote it: "docker.io/library/nginx:1.25" */
	char *image_id, *image_repo, *image_tag, *image_digest;
	char *pod_uid, *pod_name, *pod_ns;       /* Kubernetes; NULL outside a pod */
	int privileged;       /* 1, 0, -1 unknown */
	uint64_t start_ns;    /* container start, ns since the epoch; 0 unknown */
	struct container_mount *mounts;
	uint32_t nmounts;
	struct container_kv *labels, *pod_labels;
	uint32_t nlabels, npod_labels;
	/* The root filesystem as the host sees it, when it is an overlay: UPPERDIR holds what was
	 * written after the container started; LOWERDIRS (top first) the image layers, with
	 * symlinks resolved.  MERGED is the overlay's mount point on the host, or NULL. */
	char *upperdir;
	char **lowerdirs;
	uint32_t nlower;
	char *merged;
	unsigned meta;        /* CTR_META_* bits: who has filled this in */
	uint64_t seen_ns;     /* last time a process of this container was seen (table clock) */
	struct arena mem;
};

/* A new container of RUNTIME with FULL_ID (copied; id derived from it), refs = 1, meta =
 * CTR_META_CGROUP, privileged -1.  Never NULL. */
struct container *container_new(enum container_runtime runtime, const char *full_id);
struct container *container_ref(struct container *c);    /* NULL-safe; returns C */
void container_unref(struct container *c);               /* NULL-safe; frees at zero */
/* Copy S into C's arena; NULL stays NULL. */
char *container_strdup(struct container *c, const char *s);

/* "docker", "podman", "containerd", "cri-o", "lxc", "systemd-nspawn", "ecs", "garden";
 * "host" for CTR_NONE. */
const char *container_runtime_name(enum container_runtime rt);

#endif
