/* test_evhold.c - unit tests for state/evhold: what releases a held event (the exec of its
 * pid, a later audit stamp, the hold time, a full hold, a flush), the order events leave in,
 * the timer, and the whole race the hold exists for, against the process table and a fake
 * /proc: a fanotify event of a process that exited before audit's record of its exec came is
 * held, and once the exec is in the table it is described (proc.name "mv", not <NA>).
 * Run under ASan, these also check that every event is freed exactly once. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "fakeproc.h"
#include "state/evhold.h"
#include "state/proctab.h"

#define MS      UINT64_C(1000000)
#define S_NS    UINT64_C(1000000000)
#define HOLD_NS (100 * MS)
#define MAXREL  64

/* What the release callback saw: the serials, in order. */
struct sink {
	uint64_t serial[MAXREL];
	size_t n;
	struct proctab *pt;         /* when set, each released event is enriched first */
	char comm[MAXREL][32];
};

static int
sink_fn(struct event *ev, void *arg)
{
	struct sink *s = arg;

	if (s->pt)
		proctab_enrich(s->pt, ev, 0);
	if (s->n < MAXREL) {
		s->serial[s->n] = ev->serial;
		strncpy(s->comm[s->n], ev->proc && ev->proc->comm ? ev->proc->comm : "<NA>",
		        sizeof(s->comm[0]) - 1);
		s->n++;
	}
	event_free(ev);
	return 0;
}

static struct event *
fan_ev(int64_t pid, uint64_t ts, uint64_t serial)
{
	struct event *ev = event_new(EVT_rename, EVS_FANOTIFY);

	ev->pid = pid;
	ev->ts_ns = ts;
	ev->serial = serial;
	return ev;
}

static struct evhold *
hold_new(struct sink *s, uint32_t max)
{
	struct evhold *h = NULL;

	assert_int_equal(evhold_new(&(struct evhold_config){ .max_events = max,
	                 .max_hold_ns = HOLD_NS }, sink_fn, s, &h), 0);
	assert_int_equal(evhold_fd(h), -1);
	return h;
}

static void
assert_released(const struct sink *s, const uint64_t *want, size_t n)
{
	assert_int_equal(s->n, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(s->serial[i], want[i]);
}

static void
test_exec_releases_its_pid_only(void **state)
{
	struct sink s = { 0 };
	struct evhold *h = hold_new(&s, 0);
	const struct evhold_stats *st = evhold_stats(h);

	(void)state;
	evhold_push(h, fan_ev(100, 10 * S_NS, 1), 1000);
	evhold_push(h, fan_ev(200, 10 * S_NS + 1, 2), 1001);
	evhold_push(h, fan_ev(100, 10 * S_NS + 2, 3), 1002);
	assert_true(evhold_has(h, 100));
	assert_true(evhold_has(h, 200));
	assert_false(evhold_has(h, 300));
	evhold_exec(h, 300);
	assert_int_equal(s.n, 0);
	evhold_exec(h, 100);
	assert_released(&s, (const uint64_t[]){ 1, 3 }, 2);
	assert_false(evhold_has(h, 100));
	assert_true(evhold_has(h, 200));
	assert_int_equal(st->by_exec, 2);
	assert_int_equal(st->now, 1);
	assert_int_equal(evhold_deadline(h), 1001 + HOLD_NS);
	evhold_exec(h, 100);                    /* nothing more of it */
	assert_int_equal(s.n, 2);
	evhold_free(h);                         /* 200's event is freed, not released */
	assert_int_equal(s.n, 2);
}

static void
test_later_audit_stamp_releases_older(void **state)
{
	struct sink s = { 0 };
	struct evhold *h = hold_new(&s, 0);
	const struct evhold_stats *st = evhold_stats(h);

	(void)state;
	evhold_push(h, fan_ev(1, 5000, 1), 1);
	evhold_push(h, fan_ev(2, 6000, 2), 2);
	evhold_push(h, fan_ev(3, 7000, 3), 3);
	evhold_audit_time(h, 0);                /* no stamp: says nothing */
	evhold_audit_time(h, 5000);             /* not later than the first */
	assert_int_equal(s.n, 0);
	evhold_audit_time(h, 6001);
	assert_released(&s, (const uint64_t[]){ 1, 2 }, 2);
	assert_int_equal(st->by_audit, 2);
	assert_int_equal(evhold_deadline(h), 3 + HOLD_NS);
	evhold_audit_time(h, UINT64_MAX);
	assert_released(&s, (const uint64_t[]){ 1, 2, 3 }, 3);
	assert_int_equal(evhold_deadline(h), 0);
	assert_int_equal(st->now, 0);
	evhold_audit_time(h, UINT64_MAX);       /* empty: fine */
	evhold_free(h);
}

static void
test_expiry_and_flush(void **state)
{
	struct sink s = { 0 };
	struct evhold *h = hold_new(&s, 0);
	const struct evhold_stats *st = evhold_stats(h);

	(void)state;
	evhold_push(h, fan_ev(1, 1, 1), 1000);
	evhold_push(h, fan_ev(2, 2, 2), 1000 + 50 * MS);
	evhold_push(h, fan_ev(3, 3, 3), 1000 + 60 * MS);
	evhold_expire(h, 1000 + HOLD_NS - 1);
	assert_int_equal(s.n, 0);
	evhold_expire(h, 1000 + HOLD_NS);
	assert_released(&s, (const uint64_t[]){ 1 }, 1);
	evhold_expire(h, 1000 + 50 * MS + HOLD_NS);
	assert_released(&s, (const uint64_t[]){ 1, 2 }, 2);
	assert_int_equal(st->expired, 2);
	evhold_push(h, fan_ev(4, 4, 4), 2000 * MS);
	evhold_flush(h);
	assert_released(&s, (const uint64_t[]){ 1, 2, 3, 4 }, 4);
	assert_int_equal(st->flushed, 2);
	assert_int_equal(st->held, 4);
	assert_int_equal(st->peak, 3);
	assert_int_equal(st->now, 0);
	evhold_flush(h);
	evhold_expire(NULL, 0);
	evhold_flush(NULL);
	evhold_exec(NULL, 1);
	evhold_audit_time(NULL, 1);
	assert_false(evhold_has(NULL, 1));
	assert_int_equal(evhold_deadline(NULL), 0);
	evhold_free(h);
	evhold_free(NULL);
}

/* A full hold releases its oldest event to make room, and the node is reused. */
static void
test_full_hold_releases_oldest(void **state)
{
	struct sink s = { 0 };
	struct evhold *h = hold_new(&s, 3);
	const struct evhold_stats *st = evhold_stats(h);

	(void)state;
	for (uint64_t i = 1; i <= 3; i++)
		evhold_push(h, fan_ev((int64_t)i, i, i), i);
	assert_int_equal(s.n, 0);
	evhold_push(h, fan_ev(4, 4, 4), 4);
	assert_released(&s, (const uint64_t[]){ 1 }, 1);
	assert_int_equal(st->overflow, 1);
	assert_false(evhold_has(h, 1));
	/* Take one from the middle, then fill again: the freed node serves. */
	evhold_exec(h, 3);
	evhold_push(h, fan_ev(5, 5, 5), 5);
	assert_released(&s, (const uint64_t[]){ 1, 3 }, 2);
	evhold_push(h, fan_ev(6, 6, 6), 6);
	assert_released(&s, (const uint64_t[]){ 1, 3, 2 }, 3);
	assert_int_equal(st->overflow, 2);
	assert_int_equal(st->now, 3);
	assert_int_equal(st->peak, 3);
	evhold_flush(h);
	assert_released(&s, (const uint64_t[]){ 1, 3, 2, 4, 5, 6 }, 6);
	/* One slot: every push releases the one before. */
	evhold_free(h);
	s.n = 0;
	h = hold_new(&s, 1);
	evhold_push(h, fan_ev(7, 7, 7), 7);
	evhold_push(h, fan_ev(7, 8, 8), 8);
	assert_released(&s, (const uint64_t[]){ 7 }, 1);
	evhold_exec(h, 7);
	assert_released(&s, (const uint64_t[]){ 7, 8 }, 2);
	evhold_free(h);
}

/* Events without a usable pid can still be held and leave in order. */
static void
test_odd_pids(void **state)
{
	struct sink s = { 0 };
	struct evhold *h = hold_new(&s, 0);

	(void)state;
	evhold_push(h, fan_ev(EVENT_NUM_UNSET, 1, 1), 1);
	evhold_push(h, fan_ev(0, 2, 2), 2);
	evhold_push(h, fan_ev(-5, 3, 3), 3);
	evhold_push(h, fan_ev(7, 4, 4), 4);
	assert_true(evhold_has(h, EVENT_NUM_UNSET));
	assert_true(evhold_has(h, -5));
	evhold_exec(h, 7);
	assert_released(&s, (const uint64_t[]){ 4 }, 1);
	evhold_flush(h);
	assert_released(&s, (const uint64_t[]){ 4, 1, 2, 3 }, 4);
	evhold_free(h);
}

/* Many pids, so that buckets are shared (more pids than buckets): each exec releases exactly
 * its own pid's events, wherever they sit in their chains, and the others stay. */
static void
test_shared_buckets(void **state)
{
	enum { NPID = 3000 };
	struct sink s = { 0 };
	struct evhold *h = hold_new(&s, 2 * NPID);
	const struct evhold_stats *st = evhold_stats(h);
	static bool gone[NPID + 1];
	uint64_t serial = 0;

	(void)state;
	for (int round = 0; round < 2; round++)
		for (int64_t pid = 1; pid <= NPID; pid++) {
			serial++;
			evhold_push(h, fan_ev(pid, serial, serial), serial);
		}
	/* Release in a scrambled order (7 is prime to NPID). */
	for (int64_t i = 0; i < NPID; i++) {
		int64_t pid = (i * 7) % NPID + 1;
		uint64_t before = st->by_exec;

		assert_true(evhold_has(h, pid));
		evhold_exec(h, pid);
		assert_false(evhold_has(h, pid));
		assert_int_equal(st->by_exec, before + 2);
		gone[pid] = true;
		if (i % 100 == 0)
			for (int64_t q = 1; q <= NPID; q++)
				assert_true(evhold_has(h, q) == !gone[q]);
	}
	assert_int_equal(st->now, 0);
	assert_int_equal(evhold_deadline(h), 0);
	evhold_free(h);
}

static uint64_t
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * S_NS + (uint64_t)ts.tv_nsec;
}

/* The timer fires at the oldest event's deadline and not before; nothing held, nothing set. */
static void
test_timer(void **state)
{
	struct sink s = { 0 };
	struct evhold *h = NULL;
	struct pollfd pfd = { .events = POLLIN };
	uint64_t t0;

	(void)state;
	assert_int_equal(evhold_new(&(struct evhold_config){ .max_hold_ns = 30 * MS,
	                 .timer = true }, sink_fn, &s, &h), 0);
	pfd.fd = evhold_fd(h);
	assert_true(pfd.fd >= 0);
	assert_int_equal(poll(&pfd, 1, 50), 0);         /* nothing held: never fires */
	t0 = mono();
	evhold_push(h, fan_ev(1, 1, 1), t0);
	assert_int_equal(poll(&pfd, 1, 1000), 1);
	assert_true(mono() >= t0 + 30 * MS);
	evhold_dispatch(h, mono());
	assert_released(&s, (const uint64_t[]){ 1 }, 1);
	assert_int_equal(poll(&pfd, 1, 60), 0);         /* consumed, and disarmed */
	/* A released head moves the timer to the next deadline. */
	t0 = mono();
	evhold_push(h, fan_ev(2, 2, 2), t0);
	evhold_push(h, fan_ev(3, 3, 3), t0 + 200 * MS);
	evhold_exec(h, 2);
	assert_int_equal(poll(&pfd, 1, 100), 0);
	/* A dispatch with nothing due (a late wakeup that found the work done) is harmless. */
	evhold_dispatch(h, mono());
	assert_int_equal(s.n, 2);
	evhold_free(h);
}

/* ---- the race itself, with the process table ---- */

/* A fanotify rename of pid 4242 (mv), read after mv exited and before audit's record of its
 * exec: the table cannot describe it, so it is held; the exec arrives (mv, adopted since /proc
 * has nothing) and releases it, and it is described as mv. */
static void
test_held_until_exec_is_known(void **state)
{
	struct fakeproc f;
	struct proctab *pt = NULL;
	struct sink s = { 0 };
	struct evhold *h;
	const uint64_t t0 = (uint64_t)(FAKE_BTIME + 1000) * S_NS;
	struct event *fan, *exec;
	struct proc *p;

	(void)state;
	fake_init(&f);
	fake_add(&f, &(struct fake_pid){ .pid = 100, .ppid = 1, .comm = "bash",
	        .start_ticks = 500, .cmdline = "bash", .exe = "/bin/bash", .cwd = "/" });
	assert_int_equal(proctab_new(&(struct proctab_config){ .proc_root = f.root }, &pt), 0);
	assert_int_equal(proctab_seed(pt), 0);
	s.pt = pt;
	h = hold_new(&s, 0);
	/* Known (seeded), and alive in /proc: no hold. */
	assert_true(proctab_knows(pt, 100, t0, t0));
	/* Unknown and gone: hold it. */
	fan = fan_ev(4242, t0 + 5 * MS, 1);
	assert_false(proctab_knows(pt, 4242, fan->ts_ns, t0));
	evhold_push(h, fan, 0);
	/* A later event of the same pid waits behind it, whatever the table says. */
	assert_true(evhold_has(h, 4242));
	evhold_push(h, fan_ev(4242, t0 + 6 * MS, 2), 1);
	/* audit's exec of mv, stamped before the fanotify events were read. */
	exec = event_new(EVT_execve, EVS_AUDIT);
	exec->pid = 4242;
	exec->ts_ns = t0 + 1 * MS;
	exec->success = 1;
	exec->proc = p = proc_new(4242);
	p->ppid = 100;
	p->comm = proc_strdup(p, "mv");
	p->exe = proc_strdup(p, "/usr/bin/mv");
	evhold_audit_time(h, exec->ts_ns);      /* older than the held events: they stay */
	assert_int_equal(s.n, 0);
	proctab_enrich(pt, exec, t0);
	event_free(exec);
	evhold_exec(h, 4242);
	assert_released(&s, (const uint64_t[]){ 1, 2 }, 2);
	assert_string_equal(s.comm[0], "mv");
	assert_string_equal(s.comm[1], "mv");
	assert_true(proctab_knows(pt, 4242, t0 + 5 * MS, t0));
	/* Expiry without an exec: released, and still without a process. */
	evhold_push(h, fan_ev(4343, t0 + 7 * MS, 3), 10);
	evhold_expire(h, 10 + HOLD_NS);
	assert_string_equal(s.comm[2], "<NA>");
	assert_int_equal(evhold_stats(h)->expired, 1);
	evhold_free(h);
	proctab_free(pt);
	fake_cleanup(&f);
}

/* A pid whose /proc entry belongs to a process that started after the event: not the event's
 * process, so the table does not claim to describe it and enrich leaves the event bare. */
static void
test_reused_pid_is_not_described(void **state)
{
	struct fakeproc f;
	struct proctab *pt = NULL;
	long hz = sysconf(_SC_CLK_TCK);
	const uint64_t t0 = (uint64_t)(FAKE_BTIME + 1000) * S_NS;
	struct event *ev;

	(void)state;
	fake_init(&f);
	/* Started at boot + 1000 s + 10 s: ten seconds after the event. */
	fake_add(&f, &(struct fake_pid){ .pid = 777, .ppid = 1, .comm = "new",
	        .start_ticks = (uint64_t)(1010 * hz), .cmdline = "new" });
	fake_add(&f, &(struct fake_pid){ .pid = 778, .ppid = 1, .comm = "old",
	        .start_ticks = (uint64_t)(999 * hz), .cmdline = "old" });
	assert_int_equal(proctab_new(&(struct proctab_config){ .proc_root = f.root }, &pt), 0);
	assert_false(proctab_knows(pt, 777, t0, t0 + 20 * S_NS));
	assert_true(proctab_knows(pt, 777, t0 + 10 * S_NS, t0 + 20 * S_NS));
	assert_true(proctab_knows(pt, 778, t0, t0 + 20 * S_NS));
	ev = fan_ev(777, t0, 1);
	proctab_enrich(pt, ev, t0 + 20 * S_NS);
	assert_null(ev->proc);
	event_free(ev);
	ev = fan_ev(777, 0, 2);                 /* no stamp: nothing to compare, described */
	proctab_enrich(pt, ev, t0 + 20 * S_NS);
	assert_non_null(ev->proc);
	event_free(ev);
	assert_false(proctab_knows(pt, 0, t0, t0));
	assert_false(proctab_knows(pt, -1, t0, t0));
	assert_false(proctab_knows(pt, (int64_t)INT32_MAX + 1, t0, t0));
	assert_false(proctab_knows(NULL, 1, t0, t0));
	proctab_free(pt);
	fake_cleanup(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exec_releases_its_pid_only),
		cmocka_unit_test(test_later_audit_stamp_releases_older),
		cmocka_unit_test(test_expiry_and_flush),
		cmocka_unit_test(test_full_hold_releases_oldest),
		cmocka_unit_test(test_odd_pids),
		cmocka_unit_test(test_shared_buckets),
		cmocka_unit_test(test_timer),
		cmocka_unit_test(test_held_until_exec_is_known),
		cmocka_unit_test(test_reused_pid_is_not_described),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
