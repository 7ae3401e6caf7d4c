/* hmap.c - open addressing with linear probing and FNV-1a hashes (see hmap.h).
 * Keys are copied into one malloc'd block per entry; the table doubles at 50% load, so probe
 * runs stay short.  Nothing here is exposed to event data except lookups, which are bounded by
 * the table size. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules/hmap.h"

struct hmap_slot {
	uint64_t hash;
	char    *key;       /* NULL = empty */
	size_t   len;
	void    *val;
};

struct hmap {
	struct hmap_slot *slots;
	size_t cap;         /* a power of two */
	size_t n;
	uint64_t lens;      /* bit L set: some key is L bytes long (bit 63: 63 or more) */
};

/* A key's bit in struct hmap's LENS: most lookups (a process name, a path) miss every key
 * of a set by length alone, and then nothing needs hashing. */
static uint64_t
len_bit(size_t len)
{
	return UINT64_C(1) << (len < 63 ? len : 63);
}

static uint64_t
hash_bytes(const void *p, size_t len)
{
	const unsigned char *s = p;
	uint64_t h = HMAP_HASH_INIT;

	for (size_t i = 0; i < len; i++)
		h = hmap_hash_step(h, s[i]);
	return h;
}

int
hmap_new(struct hmap **out)
{
	struct hmap *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return -ENOMEM;
	m->cap = 16;
	m->slots = calloc(m->cap, sizeof(*m->slots));
	if (m->slots == NULL) {
		free(m);
		return -ENOMEM;
	}
	*out = m;
	return 0;
}

void
hmap_free(struct hmap *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	free(m);
}

/* The slot holding KEY, or the empty slot where it would go. */
static struct hmap_slot *
find_slot(struct hmap_slot *slots, size_t cap, uint64_t h, const void *key, size_t len)
{
	size_t i = (size_t)h & (cap - 1);

	for (;;) {
		struct hmap_slot *s = &slots[i];

		if (s->key == NULL)
			return s;
		if (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0)
			return s;
		i = (i + 1) & (cap - 1);
	}
}

static int
grow(struct hmap *m)
{
	size_t cap = m->cap * 2;
	struct hmap_slot *slots;

	if (cap < m->cap || cap > SIZE_MAX / sizeof(*slots))
		return -ENOMEM;
	slots = calloc(cap, sizeof(*slots));
	if (slots == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < m->cap; i++) {
		struct hmap_slot *old = &m->slots[i];

		if (old->key != NULL)
			*find_slot(slots, cap, old->hash, old->key, old->len) = *old;
	}
	free(m->slots);
	m->slots = slots;
	m->cap = cap;
	return 0;
}

int
hmap_put(struct hmap *m, const void *key, size_t len, void *val)
{
	uint64_t h = hash_bytes(key, len);
	struct hmap_slot *s;

	if ((m->n + 1) * 2 > m->cap) {
		int rc = grow(m);
		if (rc < 0)
			return rc;
	}
	s = find_slot(m->slots, m->cap, h, key, len);
	if (s->key == NULL) {
		/* One spare byte so that an empty key still gets a non-NULL block. */
		char *copy = malloc(len + 1);
		if (copy == NULL)
			return -ENOMEM;
		if (len)
			memcpy(copy, key, len);
		copy[len] = '\0';
		*s = (struct hmap_slot){ .hash = h, .key = copy, .len = len };
		m->n++;
		m->lens |= len_bit(len);
	}
	s->val = val;
	return 0;
}

bool
hmap_get(const struct hmap *m, const void *key, size_t len, void **val)
{
	if (m == NULL || !(m->lens & len_bit(len)))
		return false;
	return hmap_get_hashed(m, hash_bytes(key, len), key, len, val);
}

bool
hmap_get_hashed(const struct hmap *m, uint64_t h, const void *key, size_t len, void **val)
{
	struct hmap_slot *s;

	if (m == NULL || !(m->lens & len_bit(len)))
		return false;
	s = find_slot(m->slots, m->cap, h, key, len);
	if (s->key == NULL)
		return false;
	if (val)
		*val = s->val;
	return true;
}

size_t
hmap_count(const struct hmap *m)
{
	return m ? m->n : 0;
}
