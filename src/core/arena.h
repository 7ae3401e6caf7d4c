/* arena.h - a bump allocator for data that lives and dies together (one event's strings).
 * Allocation never fails (abort on out-of-memory, and on a size above SIZE_MAX / 2, which only
 * a bug can ask for); nothing is freed one by one; arena_free() releases everything at once.
 * An arena starts with a small inline block, so most events need a single malloc. */
#ifndef SHIKRA_ARENA_H
#define SHIKRA_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head;
	size_t total;           /* bytes handed out, for accounting */
};

#define ARENA_INIT { NULL, 0 }

void *arena_alloc(struct arena *a, size_t n);          /* 16-byte aligned, uninitialized */
void *arena_zalloc(struct arena *a, size_t n);
char *arena_strndup(struct arena *a, const char *s, size_t n);  /* adds the NUL */
char *arena_strdup(struct arena *a, const char *s);
void  arena_free(struct arena *a);                     /* NULL-safe; leaves A empty */

#endif
