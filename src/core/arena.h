/* arena.h - a bump allocator for data that lives and dies together (one event's strings).
 * Allocation never fails (abort on out-of-memory, and on a size above SIZE_MAX / 2, which only
 * a bug can ask for); nothing is freed one by one; arena_free() releases everything at once.
 * An arena's first chunk holds ARENA_CHUNK_MIN bytes unless first_chunk says otherwise, so
 * most events need a single malloc. */
#ifndef SHIKRA_ARENA_H
#define SHIKRA_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head;
	size_t total;           /* bytes handed out, for accounting */
	/* Usable bytes of the first chunk, set before the first allocation (0 = ARENA_CHUNK_MIN);
	 * later chunks double from it.  Small for objects that are many and small (process
	 * snapshots), the default for one event's strings.  arena_free() keeps it. */
	size_t first_chunk;
};

#define ARENA_CHUNK_MIN 2048
#define ARENA_INIT { .head = NULL, .total = 0, .first_chunk = 0 }

void *arena_alloc(struct arena *a, size_t n);          /* 16-byte aligned, uninitialized */
void *arena_zalloc(struct arena *a, size_t n);
char *arena_strndup(struct arena *a, const char *s, size_t n);  /* adds the NUL */
char *arena_strdup(struct arena *a, const char *s);
void  arena_free(struct arena *a);                     /* NULL-safe; leaves A empty */
/* Forget everything allocated but keep the oldest chunk for reuse, so a scratch arena reset
 * after every event costs no malloc/free.  Pointers into A become invalid.  NULL-safe. */
void  arena_reset(struct arena *a);

#endif
