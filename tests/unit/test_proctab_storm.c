/* test_proctab_storm.c - state/proctab under a random (but repeatable) storm: processes
 * appear and vanish in a fake /proc with garbled ppids (loops, self-parents, thread ids),
 * events of every kind arrive out of order, some with shared snapshots, while the table is
 * tiny, reseeded and expired.  Afterwards every chain must be short and the table within its
 * bound; under ASan the run also proves there is no leak and no use after free. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "fakeproc.h"
#include "state/proctab.h"

#define NPID 40
#define KEEP 16

struct storm {
	struct fakeproc f;
	struct proctab *pt;
	struct proctab_config cfg;
	bool present[NPID];
	struct event *keep[KEEP];   /* events held a while, as a queue to the outputs would */
	uint64_t rs;
};

static unsigned
rnd(struct storm *s, unsigned n)
{
	s->rs ^= s->rs << 13;
	s->rs ^= s->rs >> 7;
	s->rs ^= s->rs << 17;
	return (unsigned)(s->rs % n);
}

static void
toggle(struct storm *s, unsigned pid)
{
	if (s->present[pid]) {
		fake_remove(&s->f, pid);
	} else {
		fake_add(&s->f, &(struct fake_pid){ .pid = pid, .ppid = rnd(s, NPID),
		        .start_ticks = rnd(s, 3), .tgid = rnd(s, 8) == 0 ? 1 + rnd(s, NPID - 1) : 0,
		        .cmdline = "a\0b", .cmdline_len = 3, .exe = rnd(s, 2) ? "/bin/sh" : "/x" });
	}
	s->present[pid] = !s->present[pid];
}

static struct event *
random_event(struct storm *s, unsigned pid, uint64_t t)
{
	static const enum event_type types[] = {
		EVT_execve, EVT_fork, EVT_clone, EVT_clone3, EVT_exit_group, EVT_openat,
		EVT_setuid, EVT_open,
	};
	enum event_type ty = types[rnd(s, sizeof(types) / sizeof(types[0]))];
	struct event *ev = event_new(ty, ty == EVT_open ? EVS_FANOTIFY : EVS_AUDIT);
	struct proc *p;

	ev->pid = pid;
	ev->ts_ns = t - rnd(s, 30);
	if (ty == EVT_open)
		return ev;
	p = ev->proc = proc_new(pid);
	p->ppid = rnd(s, NPID);
	p->comm = proc_strdup(p, "c");
	p->exe = proc_strdup(p, rnd(s, 2) ? "/bin/sh" : "/y");
	p->euid = rnd(s, 2);
	if (rnd(s, 2)) {
		static const char *const argv[] = { "q" };

		proc_set_argv(p, argv, 1);
	}
	ev->success = rnd(s, 4) ? 1 : 0;
	ev->res = 1 + rnd(s, NPID - 1);
	if (ty == EVT_clone)
		event_set_arg(ev, "flags", "x", rnd(s, 2) ? 0x10000 : 0x11);
	return ev;
}

static int
depth(const struct proc *p)
{
	int n = 0;

	for (; p && n < 1000; p = p->parent)
		n++;
	return n;
}

static void
one_event(struct storm *s, unsigned pid, uint64_t t)
{
	struct event *ev = random_event(s, pid, t);
	struct proc *held = rnd(s, 5) == 0 ? proc_ref(ev->proc) : NULL;
	struct proc *g;
	unsigned k;

	proctab_enrich(s->pt, ev, t);
	proc_unref(held);
	/* self + at most max_ancestors + 1 for an event, max_ancestors for the table. */
	assert_true(depth(ev->proc) <= (int)s->cfg.max_ancestors + 2);
	g = proctab_get(s->pt, pid, t);
	assert_true(depth(g) <= (int)s->cfg.max_ancestors + 1);
	proc_unref(g);
	k = rnd(s, KEEP);
	event_free(s->keep[k]);
	s->keep[k] = ev;
}

static void
run_storm(uint32_t max_entries, int iterations)
{
	struct storm s = { .rs = 88172645463325252u };

	fake_init(&s.f);
	s.cfg = (struct proctab_config){ .proc_root = s.f.root, .max_entries = max_entries,
	                                 .max_ancestors = 3, .exit_grace_ns = 50 };
	assert_int_equal(proctab_new(&s.cfg, &s.pt), 0);
	for (int i = 0; i < iterations; i++) {
		unsigned pid = 1 + rnd(&s, NPID - 1), what = rnd(&s, 10);
		uint64_t t = 1000 + (uint64_t)i * 10;

		if (what == 0)
			toggle(&s, pid);
		else if (what == 1)
			assert_int_equal(proctab_seed(s.pt), 0);
		else if (what == 2)
			proctab_expire(s.pt, t);
		else
			one_event(&s, pid, t);
		/* Pinned ancestors may overshoot a tiny table while a call runs, never after. */
		if (max_entries >= 5)
			assert_true(proctab_stats(s.pt)->entries <= max_entries);
	}
	assert_true(proctab_stats(s.pt)->evicted > 0);
	assert_true(proctab_stats(s.pt)->reused > 0);
	proctab_free(s.pt);
	for (int k = 0; k < KEEP; k++)
		event_free(s.keep[k]);
	fake_cleanup(&s.f);
}

static void
test_storm_tiny_table(void **state)
{
	(void)state;
	run_storm(2, 2000);
}

static void
test_storm_small_table(void **state)
{
	(void)state;
	run_storm(5, 3000);
}

static void
test_storm_roomy_table(void **state)
{
	(void)state;
	run_storm(64, 3000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_storm_tiny_table),
		cmocka_unit_test(test_storm_small_table),
		cmocka_unit_test(test_storm_roomy_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
