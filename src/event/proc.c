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
	size_t ptrs = ((size_t)count + 1) * sizeof(char *), bytes = ptrs;	/* no 32-bit wrap */
	char *text;

	/* One block for the array and the strings: argument by argument, a small first chunk
	 * would grow several times for every exec. */
	for (uint32_t i = 0; i < count; i++)
		bytes += strlen(argv[i]) + 1;
	p->argv = arena_alloc(&p->mem, bytes);
	text = (char *)p->argv + ptrs;
	for (uint32_t i = 0; i < count; i++) {
		size_t n = strlen(argv[i]) + 1;

		p->argv[i] = memcpy(text, argv[i], n);
		text += n;
	}
	p->argv[count] = NULL;
	p->argc = count;
}
