/* proc.c - process snapshots (see proc.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "event/proc.h"

struct proc *
proc_new(int64_t pid)
{
	struct proc *p = calloc(1, sizeof(*p));

	if (p == NULL)
		abort();
	p->refs = 1;
	p->pid = pid;
	p->ppid = p->uid = p->euid = p->suid = p->fsuid = PROC_ID_UNSET;
	p->gid = p->egid = p->sgid = p->fsgid = PROC_ID_UNSET;
	p->auid = p->ses = PROC_ID_UNSET;
	p->has_tty = -1;
	p->in_container = -1;
	p->exe_upper_layer = -1;
	p->mem.first_chunk = PROC_ARENA_CHUNK;
	return p;
}

struct proc *
proc_ref(struct proc *p)
{
	if (p)
		p->refs++;
	return p;
}

void
proc_unref(struct proc *p)
{
	/* Iterate rather than recurse: an ancestor chain can be long. */
	while (p && --p->refs == 0) {
		struct proc *parent = p->parent;

		container_unref(p->container);
		arena_free(&p->mem);
		free(p);
		p = parent;
	}
}

char *
proc_strdup(struct proc *p, const char *s)
{
	return s ? arena_strdup(&p->mem, s) : NULL;
}

void
proc_set_argv(struct proc *p, const char *const *argv, uint32_t count)
{
	p->argv = arena_alloc(&p->mem, ((size_t)count + 1) * sizeof(char *));	/* no 32-bit wrap */
	for (uint32_t i = 0; i < count; i++)
		p->argv[i] = arena_strdup(&p->mem, argv[i]);
	p->argv[count] = NULL;
	p->argc = count;
}
