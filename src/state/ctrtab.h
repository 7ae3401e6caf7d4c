/* ctrtab.h - the container table: container id -> struct container, and pid -> container.
 * The process table asks ctrtab_lookup_pid() whenever it makes a snapshot of a process it has
 * not placed yet (seeding, first sight of a pid, exec): the pid's /proc/PID/cgroup is read and
 * matched (state/cgroup.h) synchronously, so the very first event of a new container already
 * carries its id and runtime.  Metadata (name, image, labels, mounts, privileged, pod) is then
 * filled in by providers, in this order: runc state.json and the OCI bundle's config.json
 * annotations (containerd CRI, CRI-O), Docker's config.v2.json/hostconfig.json, Podman's
 * container store (all small local files, read at once), and last the Docker-compatible API on
 * a unix socket (Docker, `podman system service`), which runs on a worker thread and is
 * applied by ctrtab_dispatch() when ctrtab_fd() is readable: the event loop never waits on a
 * runtime.  Answers and misses are cached with expiry.  The rootfs layers (upperdir,
 * lowerdirs) are read from the container's mountinfo when it is first seen.  Single-threaded
 * apart from the API worker, which touches no container. */
#ifndef SHIKRA_STATE_CTRTAB_H
#define SHIKRA_STATE_CTRTAB_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "event/container.h"

struct ctrtab;

struct ctrtab_config {
	const char *proc_root;            /* "/proc" */
	const char *const *runc_roots;    /* NULL-terminated; NULL = the built-in list */
	const char *docker_root;          /* "/var/lib/docker" */
	const char *podman_root;          /* "/var/lib/containers/storage" */
	const char *const *api_sockets;   /* NULL-terminated; NULL = /var/run/docker.sock and
	                                   * /run/podman/podman.sock; an empty list disables */
	uint64_t meta_ttl_ns;             /* re-ask providers after this; 0 = 5 min */
	uint64_t miss_ttl_ns;             /* a failed lookup is not retried before; 0 = 30 s */
	uint64_t gone_ns;                 /* a container no process was seen in for this long is
	                                   * dropped; 0 = 10 min */
	uint32_t max_entries;             /* 0 = 4096 */
	/* Where the host's / is mounted in our mount namespace (NULL or "": it is ours).  The
	 * roots above are the host's names and are read through it, as are the files and layers
	 * a container's metadata names (core/hostpath.h); what the table stores (merged, upperdir,
	 * lowerdirs, mounts) stays the host's names.  PROC_ROOT is not prefixed: with the host's
	 * pid namespace our /proc is the host's. */
	const char *host_root;
};

struct ctrtab_stats {
	uint64_t containers;              /* current */
	uint64_t cgroup_reads, cgroup_errors;
	uint64_t provider_hits[8], provider_misses[8];   /* by CTR_META_* bit index */
	uint64_t api_requests, api_errors, api_dropped;
	uint64_t evicted;
};

/* Called on the loop thread when a container is first seen (its layers known when the
 * CTR_META_LAYERS bit is set), once more when its layers become known later (a container's
 * first process is often seen before pivot_root), and when it is dropped (GONE true; not
 * from ctrtab_free()).  The callee may take a reference. */
typedef void ctrtab_watch_fn(void *arg, struct container *c, bool gone);

int  ctrtab_new(const struct ctrtab_config *cfg, struct ctrtab **out);   /* 0 or -errno */
void ctrtab_free(struct ctrtab *ct);                                     /* NULL-safe */
void ctrtab_set_watch(struct ctrtab *ct, ctrtab_watch_fn *fn, void *arg);

/* Place PID: *OUT = a new reference to its container (1), or NULL for a host process (0);
 * -errno (OUT NULL) when /proc/PID/cgroup cannot be read (the process is gone). */
int  ctrtab_lookup_pid(struct ctrtab *ct, int64_t pid, uint64_t now_ns, struct container **out);

/* A path seen on the host that lies in one of C's rootfs layers, rewritten as the container
 * sees it ("/var/lib/containers/storage/overlay/ID/diff/usr/x" -> "/usr/x"), in MEM; NULL
 * when PATH is not below a layer of C. */
const char *ctrtab_container_path(const struct container *c, const char *path, struct arena *mem);

/* The API worker's wakeup fd (readable when answers wait), or -1 when no socket is used. */
int  ctrtab_fd(const struct ctrtab *ct);
/* Apply the worker's answers; call when ctrtab_fd() is readable. */
void ctrtab_dispatch(struct ctrtab *ct, uint64_t now_ns);
/* Drop containers not seen for gone_ns, retry expired lookups; from a housekeeping timer. */
void ctrtab_expire(struct ctrtab *ct, uint64_t now_ns);
const struct ctrtab_stats *ctrtab_stats(const struct ctrtab *ct);

#endif
