/* assemble.c - group audit records into events (see assemble.h).
 *
 * This file owns the in-flight table and the decision of when a group is finished.  It knows
 * record types only as numbers (which ones stand alone, which one ends an event); it never
 * looks inside a record: that is convert.c's business.
 *
 * Layout.  Every table is sized once, in audit_asm_new(), so that steady-state work never
 * allocates except to grow a slot's record array (kept for the next group that uses the slot):
 *   - SLOTS: max_inflight groups, each with its key, birth time and records;
 *   - a chained hash over the slots' keys, for O(1) lookup of a record's group;
 *   - an age list through the slots (oldest first), for eviction, expiry and flush;
 *   - a ring of recently finished keys with its own hash, so that records arriving after
 *     their event was emitted are counted and dropped instead of starting phantom groups.
 *
 * Which records stand alone.  In the kernel a record carries the stamp of the current syscall
 * when it is logged inside one (and the syscall is then reported: SYSCALL ... EOE follows);
 * otherwise it gets a fresh stamp and nothing follows.  Messages that user space sends
 * (USER_*, the 2100-2999 range), auditd's DAEMON_* records, AUDIT_KERNEL and netfilter's
 * NETFILTER_PKT are always logged without a syscall context, so they are events by
 * themselves.  Records such as LOGIN, CONFIG_CHANGE, AVC, SECCOMP or ANOM_* may or may not
 * be followed by SYSCALL/EOE depending on where the kernel logged them and whether audit has
 * rules; for them the group waits for EOE and otherwise ends by the timeout.  Serial 0 is
 * never handed out for a syscall event, so such records stand alone too. */
#include "config.h"

#include <errno.h>
#include <libaudit.h>
#include <stdlib.h>
#include <string.h>

#include "audit/assemble.h"

#define ASM_NIL            UINT32_MAX
#define ASM_MAX_INFLIGHT   (1u << 18)   /* larger settings are clamped */
#define ASM_FIRST_CAP      8            /* records a slot's array starts with */
#define ASM_KEEP_CAP       64           /* bigger arrays are freed when their group ends */

struct asm_key {
	uint64_t ts_ns;
	uint64_t serial;
};

/* A chained hash over an array of keys owned by someone else: HEAD[bucket] and NEXT[index]
 * hold indices into that array. */
struct asm_hash {
	uint32_t *head;
	uint32_t *next;
	uint32_t  mask;
};

struct asm_group {
	struct audit_record *recs;
	uint32_t n, cap;
	uint64_t born_ns;       /* assembler clock when the first record came */
	uint32_t older, newer;  /* age list */
};

/* Why a held group left the table. */
enum asm_end { ASM_END_EOE, ASM_END_TIMEOUT, ASM_END_EVICT, ASM_END_FLUSH };

struct audit_asm {
	struct audit_asm_config cfg;
	audit_group_fn *fn;
	void *arg;

	struct asm_group *slots;
	struct asm_key *keys;       /* key of each slot */
	struct asm_hash live;       /* over KEYS */
	uint32_t free_head;         /* free slots, chained through live.next */
	uint32_t oldest, newest;    /* age list ends */
	uint32_t held;

	struct asm_key *done;       /* ring of finished keys */
	struct asm_hash done_hash;  /* over DONE */
	uint32_t done_len, done_pos;

	uint64_t now;               /* the latest NOW_NS seen */
	struct audit_asm_stats st;
};

struct asm_range {
	int lo, hi;
};

/* Record types that are whole events by themselves (see the top of the file). */
static const struct asm_range asm_alone[] = {
	{ AUDIT_USER, AUDIT_USER },
	{ AUDIT_FIRST_USER_MSG, AUDIT_LAST_USER_MSG },
	{ AUDIT_FIRST_DAEMON, AUDIT_LAST_DAEMON },
	{ AUDIT_NETFILTER_PKT, AUDIT_NETFILTER_PKT },
	{ AUDIT_KERNEL, AUDIT_KERNEL },
	{ AUDIT_FIRST_USER_MSG2, AUDIT_LAST_USER_MSG2 },
};

_Static_assert(sizeof(asm_alone) / sizeof(asm_alone[0]) == 6, "asm_alone changed size");

static bool
asm_stands_alone(const struct audit_record *rec)
{
	if (rec->serial == 0)
		return true;
	for (size_t i = 0; i < sizeof(asm_alone) / sizeof(asm_alone[0]); i++)
		if (rec->type >= asm_alone[i].lo && rec->type <= asm_alone[i].hi)
			return true;
	return false;
}

/* --- the keyed hash ------------------------------------------------------------------------ */

static uint32_t
asm_key_hash(struct asm_key k, uint32_t mask)
{
	uint64_t h = k.serial * 0x9e3779b97f4a7c15ULL ^ k.ts_ns;

	/* A 64-bit finalizer, so that neighbouring serials spread over the buckets. */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (uint32_t)h & mask;
}

static bool
asm_key_eq(struct asm_key a, struct asm_key b)
{
	return a.ts_ns == b.ts_ns && a.serial == b.serial;
}

/* Size H for N entries (buckets: a power of two >= 2N).  0 or -ENOMEM. */
static int
asm_hash_init(struct asm_hash *h, uint32_t n)
{
	uint32_t nb = 16;

	while (nb < 2 * (uint64_t)n)
		nb *= 2;
	h->head = malloc(sizeof(*h->head) * nb);
	h->next = malloc(sizeof(*h->next) * n);
	if (h->head == NULL || h->next == NULL)
		return -ENOMEM;
	memset(h->head, 0xff, sizeof(*h->head) * nb);	/* all ASM_NIL */
	h->mask = nb - 1;
	return 0;
}

static void
asm_hash_fini(struct asm_hash *h)
{
	free(h->head);
	free(h->next);
}

static void
asm_hash_insert(struct asm_hash *h, const struct asm_key *keys, uint32_t i)
{
	uint32_t b = asm_key_hash(keys[i], h->mask);

	h->next[i] = h->head[b];
	h->head[b] = i;
}

static void
asm_hash_remove(struct asm_hash *h, const struct asm_key *keys, uint32_t i)
{
	uint32_t *p = &h->head[asm_key_hash(keys[i], h->mask)];

	while (*p != ASM_NIL && *p != i)
		p = &h->next[*p];
	if (*p == i)
		*p = h->next[i];
}

static uint32_t
asm_hash_find(const struct asm_hash *h, const struct asm_key *keys, struct asm_key k)
{
	uint32_t i = h->head[asm_key_hash(k, h->mask)];

	while (i != ASM_NIL && !asm_key_eq(keys[i], k))
		i = h->next[i];
	return i;
}

/* --- finished keys ------------------------------------------------------------------------- */

static void
asm_done_add(struct audit_asm *a, struct asm_key k)
{
	uint32_t i = a->done_pos;

	if (a->done_len == a->cfg.max_inflight)
		asm_hash_remove(&a->done_hash, a->done, i);	/* forget the oldest */
	else
		a->done_len++;
	a->done[i] = k;
	asm_hash_insert(&a->done_hash, a->done, i);
	a->done_pos = (i + 1) % a->cfg.max_inflight;
}

static bool
asm_done_has(const struct audit_asm *a, struct asm_key k)
{
	return asm_hash_find(&a->done_hash, a->done, k) != ASM_NIL;
}

/* --- slots and the age list ---------------------------------------------------------------- */

static void
asm_age_unlink(struct audit_asm *a, uint32_t i)
{
	struct asm_group *g = &a->slots[i];

	if (g->older != ASM_NIL)
		a->slots[g->older].newer = g->newer;
	else
		a->oldest = g->newer;
	if (g->newer != ASM_NIL)
		a->slots[g->newer].older = g->older;
	else
		a->newest = g->older;
}

/* Free the records of slot I and put it back on the free list. */
static void
asm_slot_release(struct audit_asm *a, uint32_t i)
{
	struct asm_group *g = &a->slots[i];

	for (uint32_t r = 0; r < g->n; r++)
		audit_record_free(&g->recs[r]);
	g->n = 0;
	if (g->cap > ASM_KEEP_CAP) {
		/* A rare huge event should not pin its memory for good. */
		free(g->recs);
		g->recs = NULL;
		g->cap = 0;
	}
	a->live.next[i] = a->free_head;
	a->free_head = i;
	a->held--;
}

/* Take slot I out of the table, hand its group to the callback and release it. */
static void
asm_emit(struct audit_asm *a, uint32_t i, enum asm_end why)
{
	struct asm_group *g = &a->slots[i];
	uint64_t *counter[] = {
		[ASM_END_EOE] = &a->st.complete,
		[ASM_END_TIMEOUT] = &a->st.timed_out,
		[ASM_END_EVICT] = &a->st.evicted,
		[ASM_END_FLUSH] = &a->st.flushed,
	};

	asm_hash_remove(&a->live, a->keys, i);
	asm_age_unlink(a, i);
	asm_done_add(a, a->keys[i]);
	(*counter[why])++;
	a->st.events++;
	a->fn(g->recs, g->n, why == ASM_END_EOE, a->arg);
	asm_slot_release(a, i);
}

/* Take an empty slot I out of the table without emitting anything. */
static void
asm_discard(struct audit_asm *a, uint32_t i)
{
	asm_hash_remove(&a->live, a->keys, i);
	asm_age_unlink(a, i);
	asm_slot_release(a, i);
}

/* Open a group for K, evicting the oldest group if the table is full.  Returns the slot. */
static uint32_t
asm_open(struct audit_asm *a, struct asm_key k)
{
	uint32_t i;

	if (a->held == a->cfg.max_inflight) {
		audit_asm_expire(a, a->now);
		if (a->held == a->cfg.max_inflight)
			asm_emit(a, a->oldest, ASM_END_EVICT);
	}
	i = a->free_head;
	a->free_head = a->live.next[i];
	a->keys[i] = k;
	asm_hash_insert(&a->live, a->keys, i);
	a->slots[i].born_ns = a->now;
	a->slots[i].older = a->newest;
	a->slots[i].newer = ASM_NIL;
	if (a->newest != ASM_NIL)
		a->slots[a->newest].newer = i;
	else
		a->oldest = i;
	a->newest = i;
	a->held++;
	return i;
}

/* Move REC into group I.  Returns false (REC untouched) when the group is full or memory
 * ran out. */
static bool
asm_append(struct audit_asm *a, uint32_t i, struct audit_record *rec)
{
	struct asm_group *g = &a->slots[i];

	if (g->n == a->cfg.max_records)
		return false;
	if (g->n == g->cap) {
		uint32_t cap = g->cap ? g->cap * 2 : ASM_FIRST_CAP;
		if (cap > a->cfg.max_records)
			cap = a->cfg.max_records;
		struct audit_record *p = realloc(g->recs, sizeof(*p) * cap);
		if (p == NULL)
			return false;
		g->recs = p;
		g->cap = cap;
	}
	g->recs[g->n++] = *rec;
	return true;
}

/* --- the interface ------------------------------------------------------------------------- */

static void
asm_config_defaults(struct audit_asm_config *c)
{
	if (c->max_inflight == 0)
		c->max_inflight = 4096;
	if (c->max_inflight > ASM_MAX_INFLIGHT)
		c->max_inflight = ASM_MAX_INFLIGHT;
	if (c->max_records == 0)
		c->max_records = 1024;
	if (c->timeout_ns == 0)
		c->timeout_ns = 2000000000ULL;
}

int
audit_asm_new(const struct audit_asm_config *cfg, audit_group_fn *fn, void *arg,
              struct audit_asm **out)
{
	struct audit_asm *a = calloc(1, sizeof(*a));
	uint32_t n;

	if (a == NULL)
		return -ENOMEM;
	a->oldest = a->newest = ASM_NIL;
	if (cfg != NULL)
		a->cfg = *cfg;
	asm_config_defaults(&a->cfg);
	a->fn = fn;
	a->arg = arg;
	n = a->cfg.max_inflight;
	a->slots = calloc(n, sizeof(*a->slots));
	a->keys = calloc(n, sizeof(*a->keys));
	a->done = calloc(n, sizeof(*a->done));
	if (a->slots == NULL || a->keys == NULL || a->done == NULL ||
	    asm_hash_init(&a->live, n) < 0 || asm_hash_init(&a->done_hash, n) < 0)
		goto fail;
	for (uint32_t i = 0; i < n; i++)
		a->live.next[i] = i + 1 < n ? i + 1 : ASM_NIL;
	a->free_head = 0;
	*out = a;
	return 0;
fail:
	audit_asm_free(a);
	return -ENOMEM;
}

/* Advance the clock to NOW_NS.  A clock that steps back by more than the timeout (the wall
 * clock was reset) restarts the age of every held group, so that none waits for the old
 * time to come back; smaller steps back are ignored. */
static void
asm_tick(struct audit_asm *a, uint64_t now_ns)
{
	if (now_ns >= a->now) {
		a->now = now_ns;
		return;
	}
	if (a->now - now_ns <= a->cfg.timeout_ns)
		return;
	a->now = now_ns;
	for (uint32_t i = a->oldest; i != ASM_NIL; i = a->slots[i].newer)
		a->slots[i].born_ns = now_ns;
}

void
audit_asm_add(struct audit_asm *a, struct audit_record *rec, uint64_t now_ns)
{
	struct audit_record r = *rec;
	struct asm_key k = { r.ts_ns, r.serial };
	bool eoe = r.type == AUDIT_EOE;
	uint32_t i;

	memset(rec, 0, sizeof(*rec));	/* REC is ours now */
	asm_tick(a, now_ns);
	if (asm_stands_alone(&r)) {
		a->st.records++;
		a->st.events++;
		a->st.complete++;
		asm_done_add(a, k);
		a->fn(&r, 1, true, a->arg);
		audit_record_free(&r);
		goto out;
	}
	i = asm_hash_find(&a->live, a->keys, k);
	if (i == ASM_NIL && asm_done_has(a, k)) {
		a->st.dropped_records++;	/* its event is gone: a late or repeated record */
		audit_record_free(&r);
		goto out;
	}
	if (i == ASM_NIL)
		i = asm_open(a, k);
	if (asm_append(a, i, &r)) {
		a->st.records++;
	} else {
		a->st.dropped_records++;
		audit_record_free(&r);
		if (a->slots[i].n == 0) {	/* out of memory on a new group */
			asm_discard(a, i);
			goto out;
		}
	}
	/* EOE ends the event even when the group had no room left for the EOE itself. */
	if (eoe)
		asm_emit(a, i, ASM_END_EOE);
out:
	audit_asm_expire(a, a->now);
}

void
audit_asm_expire(struct audit_asm *a, uint64_t now_ns)
{
	asm_tick(a, now_ns);
	while (a->oldest != ASM_NIL &&
	       a->now - a->slots[a->oldest].born_ns >= a->cfg.timeout_ns)
		asm_emit(a, a->oldest, ASM_END_TIMEOUT);
}

void
audit_asm_flush(struct audit_asm *a)
{
	while (a->oldest != ASM_NIL)
		asm_emit(a, a->oldest, ASM_END_FLUSH);
}

const struct audit_asm_stats *
audit_asm_stats(const struct audit_asm *a)
{
	return &a->st;
}

void
audit_asm_free(struct audit_asm *a)
{
	if (a == NULL)
		return;
	if (a->slots != NULL) {
		for (uint32_t i = a->oldest; i != ASM_NIL; i = a->slots[i].newer)
			for (uint32_t r = 0; r < a->slots[i].n; r++)
				audit_record_free(&a->slots[i].recs[r]);
		for (uint32_t i = 0; i < a->cfg.max_inflight; i++)
			free(a->slots[i].recs);
	}
	free(a->slots);
	free(a->keys);
	free(a->done);
	asm_hash_fini(&a->live);
	asm_hash_fini(&a->done_hash);
	free(a);
}
