/* container.c - container descriptions (see container.h). */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "event/container.h"

/* Hex ids are shortened to Falco's 12 characters; names (LXC, nspawn) are kept whole. */
#define CTR_SHORT_ID 12
#define CTR_ARENA_CHUNK 1024

static const char *const runtime_names[CTR__COUNT] = {
	[CTR_NONE] = "host",
	[CTR_DOCKER] = "docker",
	[CTR_PODMAN] = "podman",
	[CTR_CONTAINERD] = "containerd",
	[CTR_CRIO] = "cri-o",
	[CTR_LXC] = "lxc",
	[CTR_NSPAWN] = "systemd-nspawn",
	[CTR_ECS] = "ecs",
	[CTR_GARDEN] = "garden",
};
_Static_assert(sizeof(runtime_names) / sizeof(runtime_names[0]) == CTR__COUNT,
               "one name per runtime");

static bool
all_hex(const char *s)
{
	size_t n = strlen(s);

	return n > CTR_SHORT_ID && strspn(s, "0123456789abcdef") == n;
}

struct container *
container_new(enum container_runtime runtime, const char *full_id)
{
	struct container *c = calloc(1, sizeof(*c));

	if (c == NULL)
		abort();
	c->refs = 1;
	c->runtime = runtime;
	c->mem.first_chunk = CTR_ARENA_CHUNK;
	c->full_id = arena_strdup(&c->mem, full_id);
	if (all_hex(full_id))
		c->id = arena_strndup(&c->mem, full_id, CTR_SHORT_ID);
	else
		c->id = c->full_id;
	c->privileged = -1;
	c->meta = CTR_META_CGROUP;
	return c;
}

struct container *
container_ref(struct container *c)
{
	if (c)
		c->refs++;
	return c;
}

void
container_unref(struct container *c)
{
	if (c == NULL || --c->refs > 0)
		return;
	arena_free(&c->mem);
	free(c);
}

char *
container_strdup(struct container *c, const char *s)
{
	return s ? arena_strdup(&c->mem, s) : NULL;
}

const char *
container_runtime_name(enum container_runtime rt)
{
	if ((unsigned)rt >= CTR__COUNT)
		return "";
	return runtime_names[rt];
}
