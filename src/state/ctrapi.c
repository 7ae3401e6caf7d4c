/* ctrapi.c - the API worker: a bounded queue of container lookups served by one thread
 * through libcurl over unix sockets, answers handed back through an eventfd (see ctrapi.h).
 * This file owns the thread, the queue, the sockets' dead/alive memory and the HTTP
 * transfer; it never parses a document (ctrapi_inspect.c does that, on the loop thread).
 *
 * Locking: one mutex guards the queue, the id in flight, the answer list, the pending count,
 * the limits and the eventfd's counter.  The eventfd is written and drained only under the
 * mutex, so it is readable exactly when the answer list is non-empty.  The curl handles and
 * the sockets' dead times belong to the worker alone (ctrapi_free() touches them only after
 * the join).  A request is one allocation from ctrapi_request() to ctrapi_take(): the same
 * item moves from the queue to the worker to the answer list, so the worker never has to
 * allocate to report a failure.
 *
 * Stopping: ctrapi_free() sets the abort flag and wakes both the condition variable and the
 * curl multi handle's poll (curl_multi_wakeup), so a transfer in progress ends at once
 * instead of at its timeout. */
#include "config.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "core/now.h"
#include "state/ctrapi.h"

#define CTRAPI_DEF_QUEUE      256u
#define CTRAPI_DEF_TIMEOUT_MS 2000u
#define CTRAPI_DEF_MAX_BYTES  ((size_t)4 << 20)
#define CTRAPI_DEF_DEAD_MS    10000u
#define CTRAPI_ID_MAX         128
/* The longest the worker sleeps in curl_multi_poll() without news; curl shortens it to its
 * own timers, and curl_multi_wakeup() ends it early. */
#define CTRAPI_POLL_MS        1000
/* Unversioned: Docker then answers with its current API version, and Podman's compat
 * service registers the same path without a version prefix. */
#define CTRAPI_URL_FMT        "http://localhost/containers/%s/json"

/* One lookup: queued, then in flight, then an answer waiting for ctrapi_take(). */
struct ctrapi_item {
	struct ctrapi_answer ans;
	struct ctrapi_item *next;
};

struct ctrapi_sock {
	char *path;
	uint64_t dead_until_ms;       /* monotonic; skipped until then */
};

struct ctrapi {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	bool started;
	bool stop;                    /* under mu */
	atomic_bool abort;            /* read by the worker between curl steps */
	struct ctrapi_item *q_head, *q_tail;      /* queued */
	struct ctrapi_item *o_head, *o_tail;      /* answered, not taken */
	const char *inflight;         /* id being served (owned by its item), or NULL */
	unsigned pending, queue_max;
	struct ctrapi_limits lim;
	int efd;
	bool curl_ready;              /* curl_global_init() succeeded */
	CURLM *multi;
	CURL *easy;
	struct ctrapi_sock *socks;
	size_t nsocks;
};

/* An answer body being received, capped at MAX bytes. */
struct ctrapi_body {
	char *buf;
	size_t len, cap, max;
	bool too_big;
};

/* Docker ids are hex, names [a-zA-Z0-9][a-zA-Z0-9_.-]*; anything else never reaches a URL. */
static bool
id_valid(const char *id)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                         "0123456789_.-";
	size_t n = id ? strlen(id) : 0;

	return n > 0 && n <= CTRAPI_ID_MAX && strspn(id, ok) == n && id[0] != '.';
}

static void
limits_fill(struct ctrapi_limits *dst, const struct ctrapi_limits *src)
{
	dst->timeout_ms = src && src->timeout_ms ? src->timeout_ms : CTRAPI_DEF_TIMEOUT_MS;
	dst->max_bytes = src && src->max_bytes ? src->max_bytes : CTRAPI_DEF_MAX_BYTES;
	dst->dead_ms = src && src->dead_ms ? src->dead_ms : CTRAPI_DEF_DEAD_MS;
}

static size_t
body_write(char *p, size_t size, size_t nmemb, void *arg)
{
	struct ctrapi_body *b = arg;
	size_t n = size * nmemb;      /* curl documents size as always 1 */

	if (n > b->max - b->len) {
		b->too_big = true;
		return 0;             /* anything but N makes curl fail with CURLE_WRITE_ERROR */
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		char *nb;

		while (cap < b->len + n + 1)
			cap *= 2;
		nb = realloc(b->buf, cap);
		if (nb == NULL)
			return 0;
		b->buf = nb;
		b->cap = cap;
	}
	memcpy(b->buf + b->len, p, n);
	b->len += n;
	b->buf[b->len] = '\0';
	return n;
}

/* Drive the worker's easy handle to completion on the multi handle, or until ctrapi_free()
 * raises the abort flag (CURLE_ABORTED_BY_CALLBACK then). */
static CURLcode
transfer_run(struct ctrapi *a)
{
	CURLcode rc = CURLE_ABORTED_BY_CALLBACK;
	CURLMsg *msg;
	int running = 1, left;

	if (curl_multi_add_handle(a->multi, a->easy) != CURLM_OK)
		return CURLE_FAILED_INIT;
	while (running && !atomic_load(&a->abort)) {
		if (curl_multi_perform(a->multi, &running) != CURLM_OK)
			break;
		if (running && curl_multi_poll(a->multi, NULL, 0, CTRAPI_POLL_MS, NULL) != CURLM_OK)
			break;
	}
	while ((msg = curl_multi_info_read(a->multi, &left)) != NULL) {
		if (msg->msg == CURLMSG_DONE && msg->easy_handle == a->easy)
			rc = msg->data.result;
	}
	curl_multi_remove_handle(a->multi, a->easy);
	return rc;
}

/* One GET of URL on socket PATH into B.  0 (HTTP 200), or the -errno of ctrapi_answer.err. */
static int
fetch_one(struct ctrapi *a, const char *path, const char *url, const struct ctrapi_limits *lim,
          struct ctrapi_body *b)
{
	CURL *e = a->easy;
	long status = 0;
	CURLcode rc;

	curl_easy_reset(e);
	curl_easy_setopt(e, CURLOPT_UNIX_SOCKET_PATH, path);
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	/* A proxy from the environment (http_proxy) has no business with a local socket. */
	curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)lim->timeout_ms);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, body_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, b);
	rc = transfer_run(a);
	switch (rc) {
	case CURLE_OK:
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
		return status == 200 ? 0 : status == 404 ? -ENOENT : -EIO;
	case CURLE_COULDNT_CONNECT:
		return -ECONNREFUSED;
	case CURLE_OPERATION_TIMEDOUT:
		return -ETIMEDOUT;
	case CURLE_WRITE_ERROR:
		return b->too_big ? -EFBIG : -ENOMEM;
	case CURLE_ABORTED_BY_CALLBACK:
		return -ECANCELED;
	default:
		return -EIO;
	}
}

/* Which of two failures says more: a definite answer (timeout, too big, I/O) beats "no such
 * container" (404), which beats "nobody there" (refused, missing, dead). */
static int
err_rank(int err)
{
	return err == -ECONNREFUSED ? 0 : err == -ENOENT ? 1 : 2;
}

/* Ask each live socket in turn for ANS->full_id until one has it; fill ANS. */
static void
serve(struct ctrapi *a, const struct ctrapi_limits *lim, struct ctrapi_answer *ans)
{
	char url[sizeof(CTRAPI_URL_FMT) + CTRAPI_ID_MAX];
	int err = -ECONNREFUSED;

	snprintf(url, sizeof(url), CTRAPI_URL_FMT, ans->full_id);
	for (size_t i = 0; i < a->nsocks; i++) {
		struct ctrapi_sock *s = &a->socks[i];
		struct ctrapi_body b = { .max = lim->max_bytes };
		int e;

		if (s->dead_until_ms > now_mono_ns() / NOW_NS_PER_MS)
			continue;
		e = fetch_one(a, s->path, url, lim, &b);
		if (e == 0 && b.buf == NULL)
			b.buf = calloc(1, 1);         /* an empty 200 answer is still an answer */
		if (e == 0 && b.buf != NULL) {
			ans->json = b.buf;
			ans->len = b.len;
			ans->err = 0;
			return;
		}
		free(b.buf);
		if (e == -ECONNREFUSED)
			s->dead_until_ms = now_mono_ns() / NOW_NS_PER_MS + lim->dead_ms;
		if (err_rank(e) > err_rank(err) || e == -ECANCELED)
			err = e;
		if (e == -ECANCELED)
			break;
	}
	ans->err = err;
}

static void *
worker_main(void *arg)
{
	struct ctrapi *a = arg;
	struct ctrapi_limits lim;
	struct ctrapi_item *it;
	uint64_t one = 1;
	ssize_t wr;

	for (;;) {
		pthread_mutex_lock(&a->mu);
		while (!a->stop && a->q_head == NULL)
			pthread_cond_wait(&a->cv, &a->mu);
		if (a->stop) {
			pthread_mutex_unlock(&a->mu);
			break;
		}
		it = a->q_head;
		a->q_head = it->next;
		if (a->q_head == NULL)
			a->q_tail = NULL;
		it->next = NULL;
		a->inflight = it->ans.full_id;
		lim = a->lim;
		pthread_mutex_unlock(&a->mu);

		serve(a, &lim, &it->ans);

		pthread_mutex_lock(&a->mu);
		a->inflight = NULL;
		if (a->o_tail)
			a->o_tail->next = it;
		else
			a->o_head = it;
		a->o_tail = it;
		/* Cannot fail short of a counter overflow, which needs 2^64 answers. */
		wr = write(a->efd, &one, sizeof(one));
		(void)wr;
		pthread_mutex_unlock(&a->mu);
	}
	return NULL;
}

static void
items_free(struct ctrapi_item *it)
{
	while (it) {
		struct ctrapi_item *next = it->next;

		ctrapi_answer_free(&it->ans);
		free(it);
		it = next;
	}
}

static int
socks_copy(struct ctrapi *a, const char *const *sockets)
{
	size_t n = 0;

	while (sockets && sockets[n])
		n++;
	a->socks = calloc(n ? n : 1, sizeof(*a->socks));
	if (a->socks == NULL)
		return -ENOMEM;
	for (a->nsocks = 0; a->nsocks < n; a->nsocks++) {
		a->socks[a->nsocks].path = strdup(sockets[a->nsocks]);
		if (a->socks[a->nsocks].path == NULL)
			return -ENOMEM;
	}
	return 0;
}

/* Start the worker with every signal blocked: the loop thread takes signals via signalfd,
 * and a signal delivered to the worker would take the default action instead. */
static int
worker_start(struct ctrapi *a)
{
	sigset_t all, old;
	int rc;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&a->thread, NULL, worker_main, a);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
		return -rc;
	a->started = true;
	return 0;
}

int
ctrapi_new(const char *const *sockets, unsigned queue_max, struct ctrapi **out)
{
	struct ctrapi *a = calloc(1, sizeof(*a));
	int err = -ENOMEM;

	*out = NULL;
	if (a == NULL)
		return -ENOMEM;
	a->efd = -1;
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	atomic_init(&a->abort, false);
	a->queue_max = queue_max ? queue_max : CTRAPI_DEF_QUEUE;
	limits_fill(&a->lim, NULL);
	a->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (a->efd < 0) {
		err = -errno;
		goto fail;
	}
	if ((err = socks_copy(a, sockets)) < 0)
		goto fail;
	err = -ENOMEM;
	a->curl_ready = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
	if (!a->curl_ready)
		goto fail;
	a->multi = curl_multi_init();
	a->easy = curl_easy_init();
	if (a->multi == NULL || a->easy == NULL)
		goto fail;
	if ((err = worker_start(a)) < 0)
		goto fail;
	*out = a;
	return 0;
fail:
	ctrapi_free(a);
	return err;
}

void
ctrapi_free(struct ctrapi *a)
{
	if (a == NULL)
		return;
	if (a->started) {
		pthread_mutex_lock(&a->mu);
		a->stop = true;
		atomic_store(&a->abort, true);
		pthread_cond_broadcast(&a->cv);
		pthread_mutex_unlock(&a->mu);
		curl_multi_wakeup(a->multi);
		pthread_join(a->thread, NULL);
	}
	items_free(a->q_head);
	items_free(a->o_head);
	if (a->easy)
		curl_easy_cleanup(a->easy);
	if (a->multi)
		curl_multi_cleanup(a->multi);
	if (a->curl_ready)
		curl_global_cleanup();
	for (size_t i = 0; i < a->nsocks; i++)
		free(a->socks[i].path);
	free(a->socks);
	if (a->efd >= 0)
		close(a->efd);
	pthread_cond_destroy(&a->cv);
	pthread_mutex_destroy(&a->mu);
	free(a);
}

void
ctrapi_set_limits(struct ctrapi *a, const struct ctrapi_limits *lim)
{
	pthread_mutex_lock(&a->mu);
	limits_fill(&a->lim, lim);
	pthread_mutex_unlock(&a->mu);
}

int
ctrapi_fd(const struct ctrapi *a)
{
	return a->efd;
}

/* Whether ID is queued or in flight; under the lock.  Linear: the queue is bounded. */
static bool
pending_has(const struct ctrapi *a, const char *id)
{
	if (a->inflight && strcmp(a->inflight, id) == 0)
		return true;
	for (const struct ctrapi_item *it = a->q_head; it; it = it->next) {
		if (strcmp(it->ans.full_id, id) == 0)
			return true;
	}
	return false;
}

int
ctrapi_request(struct ctrapi *a, const char *full_id)
{
	struct ctrapi_item *it = NULL;
	int err = 0;

	if (!id_valid(full_id))
		return -EINVAL;
	pthread_mutex_lock(&a->mu);
	if (pending_has(a, full_id))
		goto out;
	err = -EAGAIN;
	if (a->pending >= a->queue_max)
		goto out;
	err = -ENOMEM;
	it = calloc(1, sizeof(*it));
	if (it == NULL || (it->ans.full_id = strdup(full_id)) == NULL)
		goto out;
	it->ans.err = -EINPROGRESS;
	if (a->q_tail)
		a->q_tail->next = it;
	else
		a->q_head = it;
	a->q_tail = it;
	a->pending++;
	it = NULL;
	err = 0;
	pthread_cond_signal(&a->cv);
out:
	pthread_mutex_unlock(&a->mu);
	free(it);
	return err;
}

int
ctrapi_take(struct ctrapi *a, struct ctrapi_answer *out)
{
	struct ctrapi_item *it;
	uint64_t n;
	ssize_t rd = 0;

	pthread_mutex_lock(&a->mu);
	it = a->o_head;
	if (it) {
		a->o_head = it->next;
		if (a->o_head == NULL)
			a->o_tail = NULL;
		a->pending--;
	}
	/* Drain the counter with the list: the worker writes it under the same lock.  EAGAIN
	 * (already drained) is the only failure a valid eventfd can give. */
	if (a->o_head == NULL)
		rd = read(a->efd, &n, sizeof(n));
	(void)rd;
	pthread_mutex_unlock(&a->mu);
	if (it == NULL) {
		memset(out, 0, sizeof(*out));
		return 0;
	}
	*out = it->ans;
	free(it);
	return 1;
}

void
ctrapi_answer_free(struct ctrapi_answer *ans)
{
	if (ans == NULL)
		return;
	free(ans->full_id);
	free(ans->json);
	memset(ans, 0, sizeof(*ans));
}
