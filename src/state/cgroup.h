/* cgroup.h - which container a process belongs to, from its cgroup paths alone.
 * Pure string work (no I/O): the container table reads /proc/PID/cgroup and hands the text
 * here.  A table of path shapes recognises each runtime's naming (Docker cgroupfs and systemd,
 * containerd CRI incl. "slice:cri-containerd:ID", CRI-O, Podman incl. libpod_parent, payload
 * and rootless user slices, nerdctl/ctr namespaces, Kubernetes pod slices in both drivers,
 * LXC/Incus, systemd-nspawn/machined, ECS/Fargate, Garden).  conmon's cgroup, host services,
 * user sessions and /init.scope are not containers.  cgroup v1, v2 and hybrid files are read;
 * relative paths ("/../../docker-ID.scope", seen from inside a cgroup namespace) are resolved
 * by their last components. */
#ifndef SHIKRA_STATE_CGROUP_H
#define SHIKRA_STATE_CGROUP_H

#include <stddef.h>

#include "event/container.h"

#define CGROUP_ID_MAX 128     /* longest id or name kept (hex ids are 64) */

struct cgroup_match {
	enum container_runtime runtime;   /* CTR_NONE: a host process */
	char id[CGROUP_ID_MAX + 1];       /* the runtime's full id (hex) or name (LXC, nspawn) */
	char pod_uid[37];                 /* Kubernetes pod uid with dashes, "" if none */
};

/* Match one cgroup path (the third field of a /proc/PID/cgroup line).  1 = a container (OUT
 * filled; pod_uid set too when the path is below a Kubernetes pod), 0 = not a container
 * (runtime CTR_NONE, id ""; a pod-level path with no container below it still sets
 * pod_uid), -EINVAL for a path that is not absolute, holds a NUL, is PATH_MAX bytes or
 * longer, or has "." or ".." after its first real component (leading ones, as a cgroup
 * namespace shows paths outside it, are skipped); OUT is then cleared.  Never reads past LEN. */
int cgroup_match_path(const char *path, size_t len, struct cgroup_match *out);

/* Match the whole text of /proc/PID/cgroup (v1, v2 or hybrid): the most specific container
 * any line names (a container beats a pod, a pod beats the host; lines that disagree on the
 * container id are resolved in favour of the unified v2 line "0::").  A line is well-formed
 * when it is "ID:CONTROLLERS:PATH" with a decimal ID and a PATH cgroup_match_path() accepts;
 * other lines (garbage, NUL bytes, over-long paths) are skipped.  1, 0 or -EINVAL for text with
 * no well-formed line. */
int cgroup_match_file(const char *text, size_t len, struct cgroup_match *out);

#endif
