/* hmap.h - a hash map from byte strings to pointers, for the filter pipeline.
 * Used for the environment's names (list/macro -> latest definition) and for the hashed
 * constant sets of compiled checks (`in`, `intersects`, `pmatch`).  A map owns copies of its
 * keys; it never owns the values.  Lookups do not allocate. */
#ifndef SHIKRA_HMAP_H
#define SHIKRA_HMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hmap;

/* Create an empty map.  0 or -ENOMEM. */
int  hmap_new(struct hmap **out);
void hmap_free(struct hmap *m);                     /* NULL-safe */

/* Map the LEN bytes at KEY to VAL, replacing an earlier value.  0 or -ENOMEM. */
int  hmap_put(struct hmap *m, const void *key, size_t len, void *val);

/* True if KEY is present; its value goes to *VAL when VAL is not NULL. */
bool hmap_get(const struct hmap *m, const void *key, size_t len, void **val);

size_t hmap_count(const struct hmap *m);

/* The key hash, a byte at a time, so that every prefix of a string can be looked up in one
 * pass (pmatch): H = HMAP_HASH_INIT, then H = hmap_hash_step(H, byte) for each byte of KEY,
 * then hmap_get_hashed(M, H, KEY, LEN, VAL), which is hmap_get() without hashing KEY. */
#define HMAP_HASH_INIT UINT64_C(14695981039346656037)     /* FNV-1a, 64-bit */
static inline uint64_t hmap_hash_step(uint64_t h, unsigned char c)
{ return (h ^ c) * UINT64_C(1099511628211); }
bool hmap_get_hashed(const struct hmap *m, uint64_t h, const void *key, size_t len, void **val);

#endif
