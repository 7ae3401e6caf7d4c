/* test_loop.c - unit tests for core/loop: fd sources, budgets and fairness, timers, signals
 * through the signalfd, removal from inside a callback. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/loop.h"

struct reader {
	struct loop *l;
	int fd;
	unsigned budget;        /* bytes per call */
	unsigned total;         /* bytes read so far */
	unsigned calls;
	unsigned stop_at;       /* stop the loop when total reaches this (0 = never) */
	struct reader *other;   /* for fairness checks */
	unsigned other_at_first_call;
};

static int
read_some(int fd, uint32_t events, void *arg)
{
	struct reader *r = arg;
	char c;

	if (r->calls++ == 0 && r->other)
		r->other_at_first_call = r->other->total;
	for (unsigned i = 0; i < r->budget; i++) {
		ssize_t n = read(fd, &c, 1);
		if (n <= 0)
			return n < 0 && errno != EAGAIN ? -errno : LOOP_DONE;
		r->total++;
		if (r->stop_at && r->total >= r->stop_at)
			loop_stop(r->l);
	}
	return LOOP_MORE;
}

static int
make_pipe(int fds[2], unsigned bytes)
{
	char buf[4096];

	assert_int_equal(pipe2(fds, O_NONBLOCK | O_CLOEXEC), 0);
	memset(buf, 'x', sizeof(buf));
	assert_true(bytes <= sizeof(buf));
	assert_int_equal(write(fds[1], buf, bytes), (ssize_t)bytes);
	return fds[0];
}

/* Two busy sources with small budgets both make progress: neither starves the other. */
static void
test_budgets_share_the_loop(void **state)
{
	struct loop *l;
	int a[2], b[2];
	struct reader ra = { .budget = 10 }, rb = { .budget = 10 };

	assert_int_equal(loop_new(NULL, NULL, NULL, &l), 0);
	ra.l = rb.l = l;
	ra.fd = make_pipe(a, 4000);
	rb.fd = make_pipe(b, 4000);
	ra.other = &rb;
	rb.other = &ra;
	ra.stop_at = 4000;
	assert_int_equal(loop_add_fd(l, ra.fd, read_some, &ra), 0);
	assert_int_equal(loop_add_fd(l, rb.fd, read_some, &rb), 0);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(ra.total, 4000);
	/* b was served all along: it is near a, not at 0 and not finished first. */
	assert_true(rb.total >= 3900);
	assert_true(ra.calls >= 400 && rb.calls >= 390);
	loop_free(l);
	for (int i = 0; i < 2; i++) {
		close(a[i]);
		close(b[i]);
	}
}

static void
count_tick(void *arg)
{
	unsigned *n = arg;

	(*n)++;
}

struct sigstate {
	struct loop *l;
	int last;
	unsigned count;
};

static void
on_signal(int signo, void *arg)
{
	struct sigstate *s = arg;

	s->last = signo;
	if (++s->count == 2)
		loop_stop(s->l);
}

static void
raise_usr1(void *arg)
{
	(void)arg;
	raise(SIGUSR1);
}

/* Signals arrive as ordinary events (no handler runs) and timers tick. */
static void
test_signals_and_timers(void **state)
{
	static const int sigs[] = { SIGUSR1, SIGHUP, 0 };
	struct sigstate s = { 0 };
	struct loop *l;
	unsigned ticks = 0;

	assert_int_equal(loop_new(sigs, on_signal, &s, &l), 0);
	s.l = l;
	assert_int_equal(loop_add_timer(l, 5, count_tick, &ticks), 0);
	assert_int_equal(loop_add_timer(l, 20, raise_usr1, NULL), 0);
	assert_int_equal(loop_add_timer(l, 0, count_tick, &ticks), -EINVAL);
	raise(SIGHUP);          /* blocked now: queued for the signalfd, not fatal */
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(s.count, 2);
	assert_int_equal(s.last, SIGUSR1);
	assert_true(ticks >= 2);
	loop_free(l);           /* restores the signal mask */
}

static int
remove_self(int fd, uint32_t events, void *arg)
{
	struct reader *r = arg;

	r->calls++;
	loop_del_fd(r->l, fd);
	loop_stop(r->l);
	return LOOP_DONE;
}

static int
fail_source(int fd, uint32_t events, void *arg)
{
	unsigned *calls = arg;

	(*calls)++;
	return -EIO;
}

static void
stop_loop(void *arg)
{
	loop_stop(arg);
}

static void
test_removal_and_failing_sources(void **state)
{
	struct loop *l;
	int a[2], b[2];
	struct reader r = { 0 };
	unsigned fails = 0;

	assert_int_equal(loop_new(NULL, NULL, NULL, &l), 0);
	r.l = l;
	make_pipe(a, 1);
	assert_int_equal(loop_add_fd(l, a[0], remove_self, &r), 0);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(r.calls, 1);
	/* A failing source is dropped and never called again. */
	make_pipe(b, 1);
	assert_int_equal(loop_add_fd(l, b[0], fail_source, &fails), 0);
	assert_int_equal(loop_add_timer(l, 30, stop_loop, l), 0);
	assert_int_equal(loop_run(l), 0);
	assert_int_equal(fails, 1);
	assert_int_equal(loop_add_fd(l, -1, fail_source, &fails), -EBADF);
	loop_free(l);
	loop_free(NULL);
	for (int i = 0; i < 2; i++) {
		close(a[i]);
		close(b[i]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_budgets_share_the_loop),
		cmocka_unit_test(test_signals_and_timers),
		cmocka_unit_test(test_removal_and_failing_sources),
	};
	return cmocka_run_group_tests_name("loop", tests, NULL, NULL);
}
