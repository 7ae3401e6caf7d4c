/* outq.c - a sink's bounded queue and writer thread (see outq.h).
 * One mutex guards the list, the counters and the requests; WORK wakes the writer, ROOM
 * wakes a blocked pusher, a flusher or outq_free().  The writer never holds the mutex while
 * the sink works, so the loop thread waits at most for a few pointer updates. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "core/log.h"
#include "core/now.h"
#include "output/outq.h"

#define OUTQ_ERROR_LOG_NS (10 * UINT64_C(1000000000))   /* sink failures: one log line per */
#define OUTQ_STOP_GRACE_MS 1000       /* after the deadline, for the sink to give up waiting */
#define OUTQ_BATCH 64                 /* blocking mode: lines queued before the writer is woken */

struct outq_node {
	struct outq_node *next;
	enum priority prio;
	size_t len;
	char line[];
};

struct outq {
	struct sink sink;             /* the writer thread's alone after outq_new() */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t work, room;
	struct outq_node *head, *tail;
	size_t capacity;
	bool block;
	bool busy;                    /* the writer is inside the sink */
	bool reopen;                  /* requested by outq_reopen() */
	bool closing;                 /* outq_free(): drain, then exit */
	bool stop;                    /* outq_free() past its deadline: exit now */
	bool done;                    /* the writer thread has left */
	struct outq_stats st;
	/* The writer thread's own: failures not logged yet. */
	uint64_t errors_unlogged, last_error_log_ns;
};

void
outq_deadline(int ms, struct timespec *deadline)
{
	clock_gettime(CLOCK_MONOTONIC, deadline);
	deadline->tv_sec += ms / 1000;
	deadline->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (deadline->tv_nsec >= 1000000000L) {
		deadline->tv_sec++;
		deadline->tv_nsec -= 1000000000L;
	}
}

/* Wait on COND until signalled or DEADLINE (NULL = no limit).  -ETIMEDOUT once past it. */
static int
outq_wait(struct outq *q, pthread_cond_t *cond, const struct timespec *deadline)
{
	if (deadline == NULL)
		return -pthread_cond_wait(cond, &q->mu);
	return -pthread_cond_timedwait(cond, &q->mu, deadline);
}

/* Log sink failures: the first at once, then one line per OUTQ_ERROR_LOG_NS with the count,
 * so a dead endpoint cannot flood the log. */
static void
outq_log_error(struct outq *q, int rc, bool force)
{
	uint64_t now = now_mono_ns();

	if (rc < 0)
		q->errors_unlogged++;
	if (q->errors_unlogged == 0 ||
	    (!force && q->last_error_log_ns && now - q->last_error_log_ns < OUTQ_ERROR_LOG_NS))
		return;
	log_warnx("%s output: %" PRIu64 " alert(s) not delivered (last: %s)", q->sink.ops->name,
	          q->errors_unlogged, q->sink.err[0] ? q->sink.err : strerror(rc < 0 ? -rc : EIO));
	q->errors_unlogged = 0;
	q->last_error_log_ns = now;
}

/* Hand one line to the sink, with the mutex released. */
static void
outq_deliver(struct outq *q, struct outq_node *n)
{
	int rc;

	pthread_mutex_unlock(&q->mu);
	q->sink.err[0] = '\0';
	rc = q->sink.ops->write(&q->sink, n->line, n->len, n->prio);
	if (rc < 0)
		outq_log_error(q, rc, false);
	free(n);
	pthread_mutex_lock(&q->mu);
	if (rc < 0)
		q->st.errors++;
	else
		q->st.written++;
}

static void
outq_do_reopen(struct outq *q)
{
	int rc;

	pthread_mutex_unlock(&q->mu);
	rc = q->sink.ops->reopen ? q->sink.ops->reopen(&q->sink) : 0;
	if (rc < 0)
		log_warnx("cannot reopen the %s output: %s", q->sink.ops->name, strerror(-rc));
	pthread_mutex_lock(&q->mu);
}

static void *
outq_main(void *arg)
{
	struct outq *q = arg;

	pthread_mutex_lock(&q->mu);
	while (!q->stop) {
		if (q->reopen) {
			q->reopen = false;
			q->busy = true;
			outq_do_reopen(q);
		} else if (q->head != NULL) {
			struct outq_node *n = q->head;
			if ((q->head = n->next) == NULL)
				q->tail = NULL;
			q->st.queued--;
			q->busy = true;
			outq_deliver(q, n);
		} else if (q->closing) {
			break;
		} else {
			pthread_cond_wait(&q->work, &q->mu);
			continue;
		}
		q->busy = false;
		pthread_cond_broadcast(&q->room);
	}
	pthread_mutex_unlock(&q->mu);
	/* The sink is closed here, by its own thread: a program is waited for (until stopped),
	 * a connection is closed. */
	q->sink.ops->close(&q->sink);
	outq_log_error(q, 0, true);
	pthread_mutex_lock(&q->mu);
	q->done = true;
	pthread_cond_broadcast(&q->room);
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

static int
outq_start(struct outq *q)
{
	pthread_condattr_t ca;
	sigset_t all, old;
	int rc;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->work, &ca);
	pthread_cond_init(&q->room, &ca);
	pthread_condattr_destroy(&ca);
	/* Signals belong to the loop thread (signalfd): a writer thread must never take one,
	 * or SIGTERM would kill the process instead of stopping it cleanly. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = -pthread_create(&q->thread, NULL, outq_main, q);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

int
outq_new(const struct sink *s, size_t capacity, bool block, struct outq **out)
{
	struct outq *q = calloc(1, sizeof(*q));
	struct sink orphan = *s;
	int rc = -ENOMEM;

	if (q == NULL)
		goto fail;
	q->sink = *s;
	q->capacity = capacity ? capacity : 1;
	q->block = block;
	q->sink.stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (q->sink.stop_fd < 0) {
		rc = -errno;
		goto fail;
	}
	if ((rc = outq_start(q)) < 0)
		goto fail;
	*out = q;
	return 0;
fail:
	if (q != NULL && q->sink.stop_fd >= 0)
		close(q->sink.stop_fd);
	free(q);
	orphan.ops->close(&orphan);
	return rc;
}

void
outq_close(struct outq *q)
{
	pthread_mutex_lock(&q->mu);
	q->closing = true;
	pthread_cond_broadcast(&q->work);
	pthread_mutex_unlock(&q->mu);
}

/* Whether a line may take a slot now. */
static bool
outq_has_room(const struct outq *q, bool internal)
{
	return q->st.queued < q->capacity + (internal ? OUTQ_RESERVE : 0);
}

int
outq_push(struct outq *q, const char *line, size_t len, enum priority p, bool internal)
{
	struct outq_node *n = malloc(sizeof(*n) + len);
	int rc = 0;

	if (n == NULL)
		return -ENOMEM;
	*n = (struct outq_node){ .prio = p, .len = len };
	memcpy(n->line, line, len);
	pthread_mutex_lock(&q->mu);
	while (q->block && !q->closing && !q->done && !outq_has_room(q, internal))
		outq_wait(q, &q->room, NULL);
	if (q->closing || q->done) {
		rc = -ESHUTDOWN;
	} else if (!outq_has_room(q, internal)) {
		q->st.dropped++;
		q->st.dropped_alerts += !internal;
		rc = -ENOBUFS;
	} else {
		if (q->tail)
			q->tail->next = n;
		else
			q->head = n;
		q->tail = n;
		q->st.queued++;
		q->st.pushed++;
		/* A replay (blocking mode) wakes the writer once per batch: a wake-up is two
		 * context switches, more than a replay spends on a whole event.  outq_flush()
		 * and outq_close() wake it for the rest.  Live mode wakes it for every line, so
		 * that no alert waits for the next one. */
		if (!q->block || q->st.queued >= OUTQ_BATCH || q->st.queued >= q->capacity)
			pthread_cond_signal(&q->work);
		n = NULL;
	}
	pthread_mutex_unlock(&q->mu);
	free(n);
	return rc;
}

void
outq_reopen(struct outq *q)
{
	pthread_mutex_lock(&q->mu);
	q->reopen = true;
	pthread_cond_signal(&q->work);
	pthread_mutex_unlock(&q->mu);
}

int
outq_flush(struct outq *q, const struct timespec *deadline)
{
	int rc = 0;

	pthread_mutex_lock(&q->mu);
	pthread_cond_signal(&q->work);	/* blocking mode may hold a batch not yet woken for */
	while ((q->head != NULL || q->busy || q->reopen) && !q->done && rc == 0)
		rc = outq_wait(q, &q->room, deadline);
	pthread_mutex_unlock(&q->mu);
	return rc == -ETIMEDOUT ? rc : 0;
}

void
outq_stats(struct outq *q, struct outq_stats *st)
{
	pthread_mutex_lock(&q->mu);
	*st = q->st;
	pthread_mutex_unlock(&q->mu);
}

const char *
outq_name(const struct outq *q)
{
	return q->sink.ops->name;
}

/* Past the deadline: drop what is still queued and make the sink give up its waits.  Called
 * with the mutex held. */
static void
outq_stop(struct outq *q)
{
	uint64_t one = 1;
	size_t lost = 0;

	q->stop = true;
	while (q->head != NULL) {
		struct outq_node *n = q->head;
		q->head = n->next;
		free(n);
		lost++;
	}
	q->tail = NULL;
	q->st.queued = 0;
	q->st.dropped += lost;
	q->st.dropped_alerts += lost;
	if (lost > 0)
		log_warnx("%s output: %zu alert(s) still queued at shutdown were dropped",
		          q->sink.ops->name, lost);
	if (write(q->sink.stop_fd, &one, sizeof(one)) < 0)
		log_warn("%s output: cannot stop the writer", q->sink.ops->name);
	pthread_cond_broadcast(&q->work);
}

void
outq_free(struct outq *q, const struct timespec *deadline)
{
	struct timespec grace;
	int rc = 0;

	if (q == NULL)
		return;
	outq_close(q);
	pthread_mutex_lock(&q->mu);
	while (!q->done && rc == 0)
		rc = outq_wait(q, &q->room, deadline);
	if (!q->done) {
		outq_stop(q);
		outq_deadline(OUTQ_STOP_GRACE_MS, &grace);
		rc = 0;
		while (!q->done && rc == 0)
			rc = outq_wait(q, &q->room, &grace);
	}
	bool done = q->done;
	pthread_mutex_unlock(&q->mu);
	if (!done) {
		/* Stuck in a write the kernel will not interrupt: leave the thread its memory. */
		log_warnx("%s output: the writer did not stop; abandoned", q->sink.ops->name);
		pthread_detach(q->thread);
		return;
	}
	pthread_join(q->thread, NULL);
	close(q->sink.stop_fd);
	pthread_cond_destroy(&q->work);
	pthread_cond_destroy(&q->room);
	pthread_mutex_destroy(&q->mu);
	free(q);
}
