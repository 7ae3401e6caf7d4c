/* arena.c - chunked bump allocation (see arena.h). */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"

struct arena_chunk {
	struct arena_chunk *next;
	size_t used;
	size_t size;
	_Alignas(16) unsigned char data[];
};

void *
arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk *c = a->head;

	/* Rounding up or adding the chunk header must not wrap: a size this large is a bug
	 * upstream, and a wrapped one would hand out a block smaller than asked for. */
	if (n > SIZE_MAX / 2)
		abort();
	n = (n + 15) & ~(size_t)15;
	if (n == 0)
		n = 16;
	if (c == NULL || c->size - c->used < n) {
		size_t min = a->first_chunk ? a->first_chunk : ARENA_CHUNK_MIN;
		size_t size = n > min ? n : min;
		if (c != NULL && c->size * 2 > size && c->size < (SIZE_MAX >> 2))
			size = c->size * 2;	/* grow geometrically: few chunks for big events */
		c = malloc(sizeof(*c) + size);
		if (c == NULL)
			abort();
		c->next = a->head;
		c->used = 0;
		c->size = size;
		a->head = c;
	}
	void *p = c->data + c->used;
	c->used += n;
	a->total += n;
	return p;
}

void *
arena_zalloc(struct arena *a, size_t n)
{
	void *p = arena_alloc(a, n);

	memset(p, 0, n);
	return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n < SIZE_MAX ? n + 1 : n);	/* SIZE_MAX aborts there */

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

void
arena_free(struct arena *a)
{
	if (a == NULL)
		return;
	while (a->head) {
		struct arena_chunk *next = a->head->next;
		free(a->head);
		a->head = next;
	}
	a->total = 0;
}

void
arena_reset(struct arena *a)
{
	if (a == NULL || a->head == NULL)
		return;
	/* Chunks are pushed at the head: the oldest, first-allocated one is last. */
	while (a->head->next) {
		struct arena_chunk *next = a->head->next;
		free(a->head);
		a->head = next;
	}
	a->head->used = 0;
	a->total = 0;
}
