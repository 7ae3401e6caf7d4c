/* ctrapi.h - container metadata from a Docker-compatible API on a unix socket.
 * Docker (/var/run/docker.sock) and `podman system service` (/run/podman/podman.sock) answer
 * GET /containers/ID/json with the same "inspect" document.  Requests are queued by the loop
 * thread and served by one worker thread through libcurl (bounded time per request, bounded
 * answer size); answers are collected by the loop thread when ctrapi_fd() is readable.  The
 * worker never touches a struct container: ctrapi_apply() turns an answer into fields on the
 * loop thread.  A socket that does not exist or refuses is skipped and retried later. */
#ifndef SHIKRA_STATE_CTRAPI_H
#define SHIKRA_STATE_CTRAPI_H

#include <stddef.h>
#include <stdint.h>

#include "event/container.h"

struct ctrapi;

struct ctrapi_answer {
	char *full_id;        /* as requested; owned by the answer */
	char *json;           /* the inspect document, NUL-terminated; NULL on failure */
	size_t len;
	/* 0, or -ENOENT (every socket that answered said 404), -ECONNREFUSED (no socket could
	 * be reached, or every one is remembered as dead), -ETIMEDOUT, -EFBIG (answer above
	 * max_bytes), -EIO (another HTTP status or transfer error), -ENOMEM, -ECANCELED
	 * (ctrapi_free() came first; such answers are never handed out). */
	int err;
};

/* Tuning; a field left 0 takes the default. */
struct ctrapi_limits {
	unsigned timeout_ms;  /* whole request on one socket; 2000 */
	size_t max_bytes;     /* answer body; 4 MiB */
	unsigned dead_ms;     /* a socket that refused or does not exist is skipped this long;
	                       * 10000 */
};

/* Start the worker for SOCKETS (NULL-terminated, copied), tried in this order for each
 * request.  QUEUE_MAX bounds pending requests (0 = 256): queued, in flight, and answered
 * but not yet taken.  The worker thread blocks every signal.  0 or -errno. */
int  ctrapi_new(const char *const *sockets, unsigned queue_max, struct ctrapi **out);
/* NULL-safe; stops the worker (a request in flight is aborted at once), joins it and frees
 * every pending request and untaken answer. */
void ctrapi_free(struct ctrapi *a);
/* Replace the limits (LIM copied); they apply from the next request on. */
void ctrapi_set_limits(struct ctrapi *a, const struct ctrapi_limits *lim);
int  ctrapi_fd(const struct ctrapi *a);      /* readable when answers wait */
/* Queue a lookup of FULL_ID (copied).  A request queued or in flight for it is not repeated
 * (0).  0, -EINVAL when FULL_ID is not 1..128 characters of [A-Za-z0-9_.-] (it goes into a
 * URL), or -EAGAIN when QUEUE_MAX requests are pending (the caller counts a drop and retries
 * later). */
int  ctrapi_request(struct ctrapi *a, const char *full_id);
/* Take one answer: 1 (OUT filled; release with ctrapi_answer_free), 0 when none is left. */
int  ctrapi_take(struct ctrapi *a, struct ctrapi_answer *out);
void ctrapi_answer_free(struct ctrapi_answer *ans);

/* Fill C from an inspect document (Name, Config.Image, Config.Labels, Image, Created/
 * State.StartedAt, HostConfig.Privileged, Mounts, Kubernetes labels).  Fields already set by
 * a local provider are kept (a string or array that is non-NULL, privileged != -1,
 * start_ns != 0); on success CTR_META_API is set in C->meta.  0, or -EINVAL for a document
 * that is not an inspect object: not a JSON object, or without a string "Id" that equals
 * C->full_id or starts with it.
 * What is taken, Falco's way: name without its leading '/'; image as written, split into
 * image_repo (registry and port kept), image_tag ("latest" when neither tag nor digest is
 * written) and image_digest; image_id the full hex id without "sha256:" (Podman may put an
 * image name in "Image": then no id); pod_name/pod_ns/pod_uid from the io.kubernetes.pod.*
 * labels; start_ns from State.StartedAt, else Created (RFC 3339, zero times ignored).
 * Bounds: at most CTRAPI_MAX_ITEMS labels and CTRAPI_MAX_ITEMS mounts are kept (the rest
 * dropped); a string longer than CTRAPI_MAX_STR bytes, containing NUL, or of the wrong JSON
 * type is treated as absent (a NUL in an object key makes the whole document -EINVAL: jansson
 * refuses it).  Borrows JSON; strings are copied into C's arena. */
#define CTRAPI_MAX_ITEMS 256
#define CTRAPI_MAX_STR   4096
int  ctrapi_apply(struct container *c, const char *json, size_t len);

#endif
