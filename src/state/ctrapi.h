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
	int err;              /* 0, or -errno / -ENOENT (no such container on any socket) */
};

/* Start the worker for SOCKETS (NULL-terminated, copied).  QUEUE_MAX bounds pending requests
 * (0 = 256).  0 or -errno. */
int  ctrapi_new(const char *const *sockets, unsigned queue_max, struct ctrapi **out);
void ctrapi_free(struct ctrapi *a);          /* NULL-safe; stops and joins the worker */
int  ctrapi_fd(const struct ctrapi *a);      /* readable when answers wait */
/* Queue a lookup of FULL_ID; a request already pending for it is not repeated.  0, or
 * -EAGAIN when the queue is full (the caller counts a drop and retries later). */
int  ctrapi_request(struct ctrapi *a, const char *full_id);
/* Take one answer: 1 (OUT filled; release with ctrapi_answer_free), 0 when none is left. */
int  ctrapi_take(struct ctrapi *a, struct ctrapi_answer *out);
void ctrapi_answer_free(struct ctrapi_answer *ans);

/* Fill C from an inspect document (Name, Config.Image, Config.Labels, Image, Created/
 * State.StartedAt, HostConfig.Privileged, Mounts, Kubernetes labels).  Fields already set by
 * a local provider are kept.  0, or -EINVAL for a document that is not an inspect object. */
int  ctrapi_apply(struct container *c, const char *json, size_t len);

#endif
