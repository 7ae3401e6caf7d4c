/* test_ctrapi_worker.c - the ctrapi worker against a small HTTP server on a real unix socket
 * (a thread here that accepts one connection at a time and answers by the id in the path):
 * 200 with a document, 404, 500, an answer slower than the timeout, an oversized answer, a
 * socket that does not exist, several sockets in order, dead sockets remembered, coalescing,
 * a full queue, ids that must never reach a URL, and ctrapi_free() in the middle of a
 * request.  Real libcurl, real sockets; nothing is mocked. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/sbuf.h"
#include "state/ctrapi.h"

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define WAIT_MS 5000

/* The server answers by the id's prefix: "missing" 404, "err" 500, "slow" nothing until the
 * client goes away, "big<N>" N bytes of 200 body, "gate" a document once the gate opens,
 * anything else a document naming NAME. */
struct srv {
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	const char *name;
	int lfd;
	int stop[2];                  /* written to stop the thread */
	int gate[2];                  /* written to release a "gate" request */
	pthread_t thread;
	atomic_int hits;              /* requests read */
};

static char tmpdir[64];

static uint64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w <= 0)
			return;       /* the client gave up (too big, timeout): fine */
		p += w;
		n -= (size_t)w;
	}
}

static void
respond(int fd, int status, const char *body, size_t len)
{
	char head[256];
	int n = snprintf(head, sizeof(head), "HTTP/1.1 %d X\r\nContent-Type: application/json\r\n"
	                 "Content-Length: %zu\r\nConnection: close\r\n\r\n", status, len);

	send_all(fd, head, (size_t)n);
	send_all(fd, body, len);
}

/* Wait until FD or the stop pipe is readable, at most MS. */
static void
wait_fd(struct srv *s, int fd, int ms)
{
	struct pollfd p[2] = { { .fd = fd, .events = POLLIN }, { .fd = s->stop[0], .events = POLLIN } };

	poll(p, 2, ms);
}

static void
serve_doc(struct srv *s, int fd, const char *id)
{
	struct sbuf b = SBUF_INIT;

	sbuf_printf(&b, "{\"Id\":\"%s\",\"Name\":\"/%s\",\"Config\":{\"Image\":\"img:1\"}}",
	            id, s->name);
	respond(fd, 200, b.buf, b.len);
	sbuf_free(&b);
}

static void
serve_one(struct srv *s, int fd)
{
	char req[4096] = "", id[256];
	size_t len = 0;
	char c;

	while (len < sizeof(req) - 1 && !strstr(req, "\r\n\r\n")) {
		ssize_t r = recv(fd, req + len, sizeof(req) - 1 - len, 0);

		if (r <= 0)
			return;
		len += (size_t)r;
		req[len] = '\0';
	}
	if (sscanf(req, "GET /containers/%255[^/ ]/json HTTP/1.1%c", id, &c) != 2) {
		respond(fd, 400, "{}", 2);
		return;
	}
	atomic_fetch_add(&s->hits, 1);
	if (strncmp(id, "missing", 7) == 0) {
		respond(fd, 404, "{\"message\":\"no such container\"}", 32);
	} else if (strncmp(id, "err", 3) == 0) {
		respond(fd, 500, "{\"message\":\"boom\"}", 18);
	} else if (strncmp(id, "slow", 4) == 0) {
		wait_fd(s, fd, 10000);          /* until the client closes */
	} else if (strncmp(id, "big", 3) == 0) {
		size_t n = strtoul(id + 3, NULL, 10);
		char *body = malloc(n + 1);

		memset(body, 'x', n);
		respond(fd, 200, body, n);
		free(body);
	} else {
		if (strncmp(id, "gate", 4) == 0) {
			wait_fd(s, s->gate[0], 10000);
			if (read(s->gate[0], &c, 1) != 1)
				return;
		}
		serve_doc(s, fd, id);
	}
}

static void *
srv_main(void *arg)
{
	struct srv *s = arg;

	for (;;) {
		struct pollfd p[2] = { { .fd = s->lfd, .events = POLLIN },
		                       { .fd = s->stop[0], .events = POLLIN } };
		int fd;

		if (poll(p, 2, -1) < 0 || (p[1].revents & POLLIN))
			break;
		fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		serve_one(s, fd);
		close(fd);
	}
	return NULL;
}

static struct srv *
srv_start(const char *file, const char *name)
{
	struct srv *s = calloc(1, sizeof(*s));
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	assert_non_null(s);
	s->name = name;
	snprintf(s->path, sizeof(s->path), "%s/%s", tmpdir, file);
	unlink(s->path);
	strcpy(sa.sun_path, s->path);
	s->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(s->lfd >= 0);
	assert_int_equal(bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(s->lfd, 16), 0);
	assert_int_equal(pipe(s->stop), 0);
	assert_int_equal(pipe(s->gate), 0);
	atomic_init(&s->hits, 0);
	assert_int_equal(pthread_create(&s->thread, NULL, srv_main, s), 0);
	return s;
}

static void
srv_stop(struct srv *s)
{
	assert_int_equal(write(s->stop[1], "x", 1), 1);
	pthread_join(s->thread, NULL);
	close(s->lfd);
	close(s->stop[0]);
	close(s->stop[1]);
	close(s->gate[0]);
	close(s->gate[1]);
	unlink(s->path);
	free(s);
}

static void
srv_open_gate(struct srv *s)
{
	assert_int_equal(write(s->gate[1], "g", 1), 1);
}

/* Wait for the next answer (fails the test after WAIT_MS). */
static void
next_answer(struct ctrapi *a, struct ctrapi_answer *ans)
{
	struct pollfd p = { .fd = ctrapi_fd(a), .events = POLLIN };

	if (poll(&p, 1, WAIT_MS) != 1)
		fail_msg("no answer within %d ms", WAIT_MS);
	assert_int_equal(ctrapi_take(a, ans), 1);
}

/* Whether an answer arrives within MS. */
static bool
answer_within(struct ctrapi *a, int ms)
{
	struct pollfd p = { .fd = ctrapi_fd(a), .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

static void
wait_hits(struct srv *s, int n)
{
	uint64_t end = mono_ms() + WAIT_MS;

	while (atomic_load(&s->hits) < n && mono_ms() < end)
		usleep(2000);
	assert_int_equal(atomic_load(&s->hits), n);
}

static struct ctrapi *
start(const char *const *socks, unsigned qmax)
{
	struct ctrapi *a = NULL;

	assert_int_equal(ctrapi_new(socks, qmax, &a), 0);
	assert_non_null(a);
	return a;
}

static void
test_document_and_errors(void **state)
{
	struct srv *s = srv_start("one.sock", "from-one");
	const char *socks[] = { s->path, NULL };
	struct ctrapi *a = start(socks, 0);
	struct ctrapi_answer ans;

	/* Nothing waits: the fd is quiet and take says so. */
	assert_false(answer_within(a, 0));
	assert_int_equal(ctrapi_take(a, &ans), 0);
	assert_null(ans.json);

	assert_int_equal(ctrapi_request(a, HEX64), 0);
	next_answer(a, &ans);
	assert_string_equal(ans.full_id, HEX64);
	assert_int_equal(ans.err, 0);
	assert_non_null(ans.json);
	assert_int_equal(ans.len, strlen(ans.json));
	assert_non_null(strstr(ans.json, "\"Name\":\"/from-one\""));
	/* The answer feeds ctrapi_apply() as it is. */
	struct container *c = container_new(CTR_DOCKER, HEX64);
	assert_int_equal(ctrapi_apply(c, ans.json, ans.len), 0);
	assert_string_equal(c->name, "from-one");
	container_unref(c);
	ctrapi_answer_free(&ans);
	ctrapi_answer_free(&ans);               /* twice is harmless */
	/* Taken and drained: quiet again. */
	assert_false(answer_within(a, 0));

	assert_int_equal(ctrapi_request(a, "missing1"), 0);
	next_answer(a, &ans);
	assert_int_equal(ans.err, -ENOENT);
	assert_null(ans.json);
	ctrapi_answer_free(&ans);

	assert_int_equal(ctrapi_request(a, "err1"), 0);
	next_answer(a, &ans);
	assert_int_equal(ans.err, -EIO);
	assert_null(ans.json);
	ctrapi_answer_free(&ans);
	ctrapi_free(a);
	srv_stop(s);
}

static void
test_timeout(void **state)
{
	struct srv *s = srv_start("slow.sock", "x");
	const char *socks[] = { s->path, NULL };
	struct ctrapi *a = start(socks, 0);
	struct ctrapi_limits lim = { .timeout_ms = 300 };
	struct ctrapi_answer ans;
	uint64_t t0;

	ctrapi_set_limits(a, &lim);
	t0 = mono_ms();
	assert_int_equal(ctrapi_request(a, "slow1"), 0);
	next_answer(a, &ans);
	assert_int_equal(ans.err, -ETIMEDOUT);
	assert_true(mono_ms() - t0 >= 250);
	assert_true(mono_ms() - t0 < 3000);
	ctrapi_answer_free(&ans);
	/* The worker is free again afterwards. */
	assert_int_equal(ctrapi_request(a, "after"), 0);
	next_answer(a, &ans);
	assert_int_equal(ans.err, 0);
	ctrapi_answer_free(&ans);
	ctrapi_free(a);
	srv_stop(s);
}

static void
test_answer_size_cap(void **state)
{
	struct srv *s = srv_start("big.sock", "x");
	const char *socks[] = { s->path, NULL };
	struct ctrapi *a = start(socks, 0);
	struct ctrapi_limits lim = { .max_bytes = 1000 };
	struct ctrapi_answer ans;

	ctrapi_set_limits(a, &lim);
	assert_int_equal(ctrapi_request(a, "big1000"), 0);
	next_answer(a, &ans);
	assert_int_equal(ans.err, 0);
	assert_int_equal(ans.len, 1000);
	assert_int_equal(strlen(ans.json), 1000);
	ctrapi_answer_free(&ans);
	assert_int_equal(ctrapi_request(a, "big1001"), 0);
	next_answer(a, &ans);
	assert_int_equal(ans.err, -EFBIG);
	assert_null(ans.json);
	ctrapi_answer_free(&ans);
	/* The default cap is 4 MiB. */
	ctrapi_set_limits(a, NULL);
	assert_int_equal(ctrapi_request(a, "big4194304"), 0);
	next_answer(a, &ans);
	assert_int_equal(ans.err, 0);
	assert_int_equal(ans.len, 4194304);
	ctrapi_answer_free(&ans);
	assert_int_equal(ctrapi_request(a, "big6000000"), 0);
	next_answer(a, &ans);
	assert_int_equal(ans.err, -EFBIG);
	ctrapi_answer_free(&ans);
	ctrapi_free(a);
	srv_stop(s);
}

/* Sockets are tried in order: a missing one is skipped, a 404 goes on to the next. */
static void
test_sockets_in_order(void **state)
{
	struct srv *s1 = srv_start("docker.sock", "docker");
	struct srv *s2 = srv_start("podman.sock", "podman");
	char nowhere[128];
	struct ctrapi_answer ans;

	snprintf(nowhere, sizeof(nowhere), "%s/does-not-exist.sock", tmpdir);
	const char *socks[] = { nowhere, s1->path, s2->path, NULL };
	struct ctrapi *a = start(socks, 0);

	assert_int_equal(ctrapi_request(a, "abc"), 0);
	next_answer(a, &ans);
	assert_int_equal(ans.err, 0);
	assert_non_null(strstr(ans.json, "/docker\""));
	ctrapi_answer_free(&ans);
	assert_int_equal(atomic_load(&s2->hits), 0);
	/* 404 on docker, then podman: both asked; podman's 404 too -> -ENOENT. */
	assert_int_equal(ctrapi_request(a, "missing2"), 0);
	next_answer(a, &ans);
	assert_int_equal(ans.err, -ENOENT);
	ctrapi_answer_free(&ans);
	assert_int_equal(atomic_load(&s1->hits), 2);
	assert_int_equal(atomic_load(&s2->hits), 1);
	ctrapi_free(a);
	srv_stop(s1);
	srv_stop(s2);

	/* Nobody anywhere: refused; no socket at all: the same. */
	const char *none[] = { nowhere, NULL };
	a = start(none, 0);
	assert_int_equal(ctrapi_request(a, "abc"), 0);
	next_answer(a, &ans);
	assert_int_equal(ans.err, -ECONNREFUSED);
	ctrapi_answer_free(&ans);
	ctrapi_free(a);
	a = start(NULL, 0);
	assert_int_equal(ctrapi_request(a, "abc"), 0);
	next_answer(a, &ans);
	assert_int_equal(ans.err, -ECONNREFUSED);
	ctrapi_answer_free(&ans);
	ctrapi_free(a);
}

/* A socket that was missing is not asked again until dead_ms has passed. */
static void
test_dead_socket_remembered(void **state)
{
	struct srv *late = NULL, *s2 = srv_start("second.sock", "second");
	char first[128];
	struct ctrapi_limits lim = { .dead_ms = 1500 };
	struct ctrapi_answer ans;
	uint64_t t0;

	snprintf(first, sizeof(first), "%s/first.sock", tmpdir);
	unlink(first);
	const char *socks[] = { first, s2->path, NULL };
	struct ctrapi *a = start(socks, 0);

	ctrapi_set_limits(a, &lim);
	assert_int_equal(ctrapi_request(a, "one"), 0);
	next_answer(a, &ans);
	t0 = mono_ms();
	assert_non_null(strstr(ans.json, "/second\""));
	ctrapi_answer_free(&ans);
	late = srv_start("first.sock", "first");
	assert_int_equal(ctrapi_request(a, "two"), 0);
	next_answer(a, &ans);
	if (mono_ms() - t0 < 1400) {            /* a very slow machine proves nothing here */
		assert_non_null(strstr(ans.json, "/second\""));
		assert_int_equal(atomic_load(&late->hits), 0);
	}
	ctrapi_answer_free(&ans);
	usleep(1600 * 1000);
	assert_int_equal(ctrapi_request(a, "three"), 0);
	next_answer(a, &ans);
	assert_non_null(strstr(ans.json, "/first\""));
	ctrapi_answer_free(&ans);
	ctrapi_free(a);
	srv_stop(late);
	srv_stop(s2);
}

/* A request queued or in flight is not repeated; the queue bound counts both, and answers
 * not yet taken. */
static void
test_coalesce_and_bound(void **state)
{
	struct srv *s = srv_start("gate.sock", "gated");
	const char *socks[] = { s->path, NULL };
	struct ctrapi *a = start(socks, 3);
	struct ctrapi_answer ans;

	assert_int_equal(ctrapi_request(a, "gate1"), 0);
	wait_hits(s, 1);                        /* in flight, held by the server */
	assert_int_equal(ctrapi_request(a, "gate1"), 0);
	assert_int_equal(ctrapi_request(a, "b1"), 0);
	assert_int_equal(ctrapi_request(a, "b1"), 0);
	assert_int_equal(ctrapi_request(a, "c1"), 0);
	assert_int_equal(ctrapi_request(a, "d1"), -EAGAIN);
	srv_open_gate(s);
	next_answer(a, &ans);
	assert_string_equal(ans.full_id, "gate1");
	assert_int_equal(ans.err, 0);
	ctrapi_answer_free(&ans);
	next_answer(a, &ans);
	assert_string_equal(ans.full_id, "b1");
	ctrapi_answer_free(&ans);
	/* c1 counts whether queued, in flight or answered but untaken: two more fit. */
	assert_int_equal(ctrapi_request(a, "d1"), 0);
	assert_int_equal(ctrapi_request(a, "e1"), 0);
	assert_int_equal(ctrapi_request(a, "f1"), -EAGAIN);
	next_answer(a, &ans);
	assert_string_equal(ans.full_id, "c1");
	ctrapi_answer_free(&ans);
	next_answer(a, &ans);
	assert_string_equal(ans.full_id, "d1");
	ctrapi_answer_free(&ans);
	next_answer(a, &ans);
	assert_string_equal(ans.full_id, "e1");
	ctrapi_answer_free(&ans);
	assert_false(answer_within(a, 200));
	assert_int_equal(atomic_load(&s->hits), 5);
	/* Once answered, the same id may be asked again. */
	assert_int_equal(ctrapi_request(a, "b1"), 0);
	next_answer(a, &ans);
	assert_string_equal(ans.full_id, "b1");
	ctrapi_answer_free(&ans);
	ctrapi_free(a);
	srv_stop(s);
}

static void
test_ids_never_reach_a_url(void **state)
{
	static const char *const bad[] = {
		"", "../../etc", "a/b", "a b", "a?b", "a#b", "a%2fb", "a\nb", "a\rb", "a:b",
		".", "..", ".hidden", "id\x80", "a@b",
		"0123456789012345678901234567890123456789012345678901234567890123"
		"01234567890123456789012345678901234567890123456789012345678901234",
	};
	struct srv *s = srv_start("ids.sock", "x");
	const char *socks[] = { s->path, NULL };
	struct ctrapi *a = start(socks, 0);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (ctrapi_request(a, bad[i]) != -EINVAL)
			fail_msg("accepted id '%s'", bad[i]);
	}
	assert_int_equal(ctrapi_request(a, NULL), -EINVAL);
	assert_false(answer_within(a, 100));
	assert_int_equal(atomic_load(&s->hits), 0);
	/* 128 characters of names are fine. */
	assert_int_equal(ctrapi_request(a, "my_ctr-1.2"), 0);
	assert_int_equal(ctrapi_request(a, HEX64 HEX64), 0);
	ctrapi_free(a);
	srv_stop(s);
}

/* ctrapi_free() in the middle of a request returns at once, and frees what is queued and
 * what was answered but never taken. */
static void
test_free_mid_request(void **state)
{
	struct srv *s = srv_start("stuck.sock", "x"), *fast = srv_start("fast.sock", "fast");
	const char *socks[] = { s->path, NULL }, *fsocks[] = { fast->path, NULL };
	struct ctrapi_limits lim = { .timeout_ms = 60000 };
	struct ctrapi *a = start(socks, 0);
	uint64_t t0;

	ctrapi_set_limits(a, &lim);
	assert_int_equal(ctrapi_request(a, "slow2"), 0);
	assert_int_equal(ctrapi_request(a, "queued1"), 0);
	assert_int_equal(ctrapi_request(a, "queued2"), 0);
	wait_hits(s, 1);
	t0 = mono_ms();
	ctrapi_free(a);
	assert_true(mono_ms() - t0 < 10000);	/* not the 60 s of the stuck request */
	srv_stop(s);

	/* Answers left untaken are freed too (LeakSanitizer checks). */
	a = start(fsocks, 0);
	assert_int_equal(ctrapi_request(a, "left1"), 0);
	assert_int_equal(ctrapi_request(a, "left2"), 0);
	wait_hits(fast, 2);
	assert_true(answer_within(a, WAIT_MS));
	ctrapi_free(a);
	ctrapi_free(NULL);
	srv_stop(fast);
}

static int
setup(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/shikra-ctrapi.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int
teardown(void **state)
{
	return rmdir(tmpdir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_document_and_errors),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_answer_size_cap),
		cmocka_unit_test(test_sockets_in_order),
		cmocka_unit_test(test_dead_socket_remembered),
		cmocka_unit_test(test_coalesce_and_bound),
		cmocka_unit_test(test_ids_never_reach_a_url),
		cmocka_unit_test(test_free_mid_request),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
