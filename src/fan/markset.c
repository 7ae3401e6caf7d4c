/* markset.c - the set of objects the fanotify group holds inode marks on (see fan_int.h).
 *
 * Keys are (device, inode): what stat() says of a marked object.  The set only keeps marks
 * unique and counted; the kernel holds the marks themselves, drops a mark when its inode goes
 * away, and lists the living ones in /proc/self/fdinfo/FD, from which the set can be rebuilt.
 * Those lines read "fanotify ino:HEX sdev:HEX ...", with sdev in the kernel's internal device
 * encoding (major << 20 | minor), not the one stat() uses. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/sysmacros.h>

#include "core/strnum.h"
#include "fan/fan_int.h"

#define KDEV_MINOR_BITS 20

static uint32_t
key_hash(uint64_t dev, uint64_t ino)
{
	uint64_t h = (ino ^ (dev * 0x9e3779b97f4a7c15ull)) * 0xff51afd7ed558ccdull;

	return (uint32_t)(h >> 32);
}

bool
fan_markset_has(const struct fan_markset *set, uint64_t dev, uint64_t ino)
{
	uint32_t mask = set->cap - 1;

	if (set->cap == 0)
		return false;
	for (uint32_t i = key_hash(dev, ino) & mask;; i = (i + 1) & mask) {
		if (set->v[i].ino == 0)
			return false;
		if (set->v[i].dev == dev && set->v[i].ino == ino)
			return true;
	}
}

/* Store a key known to be absent; the table has room. */
static void
insert(struct fan_markset *set, uint64_t dev, uint64_t ino)
{
	uint32_t mask = set->cap - 1, i;

	for (i = key_hash(dev, ino) & mask; set->v[i].ino != 0; i = (i + 1) & mask)
		;
	set->v[i] = (struct fan_markkey){ dev, ino };
	set->n++;
}

static void
grow(struct fan_markset *set)
{
	struct fan_markset bigger = { .cap = set->cap ? set->cap * 2 : 64 };

	bigger.v = calloc(bigger.cap, sizeof(*bigger.v));
	if (bigger.v == NULL)
		abort();
	for (uint32_t i = 0; i < set->cap; i++)
		if (set->v[i].ino != 0)
			insert(&bigger, set->v[i].dev, set->v[i].ino);
	free(set->v);
	*set = bigger;
}

void
fan_markset_put(struct fan_markset *set, uint64_t dev, uint64_t ino)
{
	if (ino == 0 || fan_markset_has(set, dev, ino))
		return;
	if ((set->n + 1) * 2 > set->cap)    /* keep the load under one half */
		grow(set);
	insert(set, dev, ino);
}

void
fan_markset_clear(struct fan_markset *set)
{
	free(set->v);
	*set = (struct fan_markset){ 0 };
}

int
fan_markset_load(struct fan_markset *set, int fan_fd)
{
	char path[64], line[512], ino_s[32], dev_s[32];
	uint64_t ino, kdev;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fan_fd);
	if ((f = fopen(path, "re")) == NULL)
		return -errno;
	fan_markset_clear(set);
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "fanotify ino:%31[0-9a-f] sdev:%31[0-9a-f] ", ino_s, dev_s) != 2 ||
		    strnum_u64z(ino_s, 16, UINT64_MAX, &ino) != 0 ||
		    strnum_u64z(dev_s, 16, UINT32_MAX, &kdev) != 0)
			continue;
		fan_markset_put(set, makedev((unsigned)(kdev >> KDEV_MINOR_BITS),
		                             (unsigned)(kdev & ((1u << KDEV_MINOR_BITS) - 1))), ino);
	}
	fclose(f);
	return 0;
}
