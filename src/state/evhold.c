/* evhold.c - the hold for events whose process is not known yet (see evhold.h).
 *
 * This file owns the held events, the order they arrived in and, with cfg.timer, a timerfd.
 * It knows nothing of the process table: the caller decides what to hold and says when an
 * exec or a later audit event was seen.
 *
 * Storage.  Nodes come from one array of max_events made at creation (no allocation per
 * event; a node is free when it holds no event) and sit on two doubly linked lists at once:
 * the arrival list (head = oldest), and the chain of their pid's bucket in a fixed hash, also
 * in arrival order.  Releasing the oldest, the events of one pid (an exec: the chain, not
 * the whole hold, is walked, so a storm of execs costs little while many events are held) and
 * everything older than a time are all O(released), give or take a chain.
 *
 * Deadlines are the push time plus max_hold_ns, so the arrival list is also in deadline
 * order, and the timer only ever needs the head's.  Stamps (ts_ns) are the sources' wall
 * clock and are in arrival order too, except across a clock step: evhold_audit_time() stops
 * at the first event not older than the audit stamp, and the deadline still bounds the
 * wait of what a step leaves behind. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "state/evhold.h"

#define DEFAULT_MAX_EVENTS 4096u
#define LIMIT_MAX_EVENTS   (1u << 20)
#define DEFAULT_HOLD_NS    (UINT64_C(100) * 1000000)
#define NBUCKETS           1024u        /* a power of two */

_Static_assert((NBUCKETS & (NBUCKETS - 1)) == 0, "NBUCKETS must be a power of two");

enum why { WHY_EXEC, WHY_AUDIT, WHY_EXPIRED, WHY_OVERFLOW, WHY_FLUSH };

struct node {
	struct event *ev;           /* NULL: free */
	uint64_t deadline;
	struct node *prev, *next;   /* arrival list, or the free list (next only) */
	struct node *hprev, *hnext; /* the pid's bucket */
};

struct bucket {
	struct node *head, *tail;
};

struct evhold {
	struct evhold_config cfg;
	event_fn *release;
	void *arg;
	struct node *nodes, *free;
	struct node *head, *tail;
	struct bucket buckets[NBUCKETS];
	int tfd;
	uint64_t armed;             /* the deadline the timer is set for, 0 = disarmed */
	struct evhold_stats st;
};

static size_t
bucket_index(int64_t pid)
{
	uint64_t x = (uint64_t)pid * UINT64_C(0x9e3779b97f4a7c15);

	return (size_t)((x >> 32) & (NBUCKETS - 1));
}

static struct bucket *
bucket_of(struct evhold *h, int64_t pid)
{
	return &h->buckets[bucket_index(pid)];
}

/* ---- the timer ---- */

/* Set the timer for the oldest event's deadline, or disarm it when nothing is held. */
static void
rearm(struct evhold *h)
{
	uint64_t want = h->head ? h->head->deadline : 0;
	struct itimerspec its = { 0 };

	if (h->tfd < 0 || want == h->armed)
		return;
	if (want) {
		its.it_value.tv_sec = (time_t)(want / 1000000000u);
		its.it_value.tv_nsec = (long)(want % 1000000000u);
	}
	/* An absolute time already past fires at once, which is what a late deadline needs. */
	if (timerfd_settime(h->tfd, want ? TFD_TIMER_ABSTIME : 0, &its, NULL) == 0)
		h->armed = want;
}

/* ---- taking nodes off ---- */

static void
unlink_node(struct evhold *h, struct node *n)
{
	struct bucket *b = bucket_of(h, n->ev->pid);

	if (n->prev)
		n->prev->next = n->next;
	else
		h->head = n->next;
	if (n->next)
		n->next->prev = n->prev;
	else
		h->tail = n->prev;
	if (n->hprev)
		n->hprev->hnext = n->hnext;
	else
		b->head = n->hnext;
	if (n->hnext)
		n->hnext->hprev = n->hprev;
	else
		b->tail = n->hprev;
}

/* Take N off both lists, free it and hand its event to the callback. */
static void
release(struct evhold *h, struct node *n, enum why why)
{
	uint64_t *count[] = {
		[WHY_EXEC] = &h->st.by_exec, [WHY_AUDIT] = &h->st.by_audit,
		[WHY_EXPIRED] = &h->st.expired, [WHY_OVERFLOW] = &h->st.overflow,
		[WHY_FLUSH] = &h->st.flushed,
	};
	struct event *ev = n->ev;

	unlink_node(h, n);
	n->ev = NULL;
	n->prev = n->hprev = n->hnext = NULL;
	n->next = h->free;
	h->free = n;
	h->st.now--;
	(*count[why])++;
	(void)h->release(ev, h->arg);   /* the event is the callback's now, whatever it says */
}

/* ---- the public face ---- */

int
evhold_new(const struct evhold_config *cfg, event_fn *release_fn, void *arg,
           struct evhold **out)
{
	struct evhold *h = calloc(1, sizeof(*h));
	int rc = -ENOMEM;

	*out = NULL;
	if (h == NULL)
		return -ENOMEM;
	h->tfd = -1;
	if (cfg)
		h->cfg = *cfg;
	if (h->cfg.max_events == 0)
		h->cfg.max_events = DEFAULT_MAX_EVENTS;
	if (h->cfg.max_events > LIMIT_MAX_EVENTS)
		h->cfg.max_events = LIMIT_MAX_EVENTS;
	if (h->cfg.max_hold_ns == 0)
		h->cfg.max_hold_ns = DEFAULT_HOLD_NS;
	h->release = release_fn;
	h->arg = arg;
	if ((h->nodes = calloc(h->cfg.max_events, sizeof(*h->nodes))) == NULL)
		goto fail;
	for (uint32_t i = h->cfg.max_events; i-- > 0;) {
		h->nodes[i].next = h->free;
		h->free = &h->nodes[i];
	}
	if (h->cfg.timer &&
	    (h->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)) < 0) {
		rc = -errno;
		goto fail;
	}
	*out = h;
	return 0;
fail:
	evhold_free(h);
	return rc;
}

void
evhold_free(struct evhold *h)
{
	if (h == NULL)
		return;
	for (struct node *n = h->head; n; n = n->next)
		event_free(n->ev);
	if (h->tfd >= 0)
		close(h->tfd);
	free(h->nodes);
	free(h);
}

void
evhold_push(struct evhold *h, struct event *ev, uint64_t now_ns)
{
	struct bucket *b;
	struct node *n;

	if (h->free == NULL)
		release(h, h->head, WHY_OVERFLOW);      /* max_events >= 1: a head exists */
	n = h->free;
	h->free = n->next;
	n->ev = ev;
	n->deadline = now_ns + h->cfg.max_hold_ns;
	if (n->deadline == 0)
		n->deadline = 1;        /* 0 means "nothing held" to evhold_deadline() */
	n->next = NULL;
	n->prev = h->tail;
	if (h->tail)
		h->tail->next = n;
	else
		h->head = n;
	h->tail = n;
	b = bucket_of(h, ev->pid);
	n->hnext = NULL;
	n->hprev = b->tail;
	if (b->tail)
		b->tail->hnext = n;
	else
		b->head = n;
	b->tail = n;
	h->st.held++;
	if (++h->st.now > h->st.peak)
		h->st.peak = h->st.now;
	rearm(h);
}

bool
evhold_has(const struct evhold *h, int64_t pid)
{
	const struct node *n;

	if (h == NULL || h->head == NULL)
		return false;
	for (n = h->buckets[bucket_index(pid)].head; n; n = n->hnext)
		if (n->ev->pid == pid)
			return true;
	return false;
}

void
evhold_audit_time(struct evhold *h, uint64_t ts_ns)
{
	if (h == NULL || h->head == NULL || ts_ns == 0)
		return;
	while (h->head && h->head->ev->ts_ns < ts_ns)
		release(h, h->head, WHY_AUDIT);
	rearm(h);
}

void
evhold_exec(struct evhold *h, int64_t pid)
{
	struct node *n, *next;

	if (h == NULL || h->head == NULL)
		return;
	for (n = bucket_of(h, pid)->head; n; n = next) {
		next = n->hnext;        /* the callback never touches the hold */
		if (n->ev->pid == pid)
			release(h, n, WHY_EXEC);
	}
	rearm(h);
}

void
evhold_expire(struct evhold *h, uint64_t now_ns)
{
	if (h == NULL)
		return;
	while (h->head && h->head->deadline <= now_ns)
		release(h, h->head, WHY_EXPIRED);
	rearm(h);
}

void
evhold_flush(struct evhold *h)
{
	if (h == NULL)
		return;
	while (h->head)
		release(h, h->head, WHY_FLUSH);
	rearm(h);
}

int
evhold_fd(const struct evhold *h)
{
	return h ? h->tfd : -1;
}

void
evhold_dispatch(struct evhold *h, uint64_t now_ns)
{
	uint64_t ticks;

	if (h == NULL)
		return;
	if (h->tfd >= 0 && read(h->tfd, &ticks, sizeof(ticks)) == (ssize_t)sizeof(ticks))
		h->armed = 0;           /* a one-shot timer that fired is disarmed */
	evhold_expire(h, now_ns);
}

uint64_t
evhold_deadline(const struct evhold *h)
{
	return h && h->head ? h->head->deadline : 0;
}

const struct evhold_stats *
evhold_stats(const struct evhold *h)
{
	return &h->st;
}
