/* hmap.h - a hash map from byte strings to pointers, for the filter pipeline.
 * Used for the environment's names (list/macro -> latest definition) and for the hashed
 * constant sets of compiled checks (`in`, `intersects`, `pmatch`).  A map owns copies of its
 * keys; it never owns the values.  Lookups do not allocate. */
#ifndef SHIKRA_HMAP_H
#define SHIKRA_HMAP_H

#include <stdbool.h>
#include <stddef.h>

struct hmap;

/* Create an empty map.  0 or -ENOMEM. */
int  hmap_new(struct hmap **out);
void hmap_free(struct hmap *m);                     /* NULL-safe */

/* Map the LEN bytes at KEY to VAL, replacing an earlier value.  0 or -ENOMEM. */
int  hmap_put(struct hmap *m, const void *key, size_t len, void *val);

/* True if KEY is present; its value goes to *VAL when VAL is not NULL. */
bool hmap_get(const struct hmap *m, const void *key, size_t len, void **val);

size_t hmap_count(const struct hmap *m);

#endif
