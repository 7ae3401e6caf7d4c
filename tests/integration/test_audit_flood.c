/* test_audit_flood.c - the live audit source under load (root only).
 * With a tiny backlog and a reader that does not read, the kernel's loss is reported as an
 * internal event with its count; with a reader that keeps up, every event of a syscall storm
 * arrives or the loss is reported.  The measured rates are printed.  Every test ends in
 * live_restore(), checked by the teardown. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "audit/source.h"
#include "live_util.h"

struct live {
	struct audit_source *src;
	struct collector c;
};

static int
setup(void **state)
{
	*state = calloc(1, sizeof(struct live));
	return 0;
}

static int
teardown(void **state)
{
	struct live *l = *state;

	audit_source_close(l->src);
	live_collector_free(&l->c);
	free(l);
	return live_restore() == 0 ? 0 : -1;
}

static struct evtset
openat_only(void)
{
	struct evtset set = { { 0 } };

	evtset_add(&set, EVT_openat);
	return set;
}

/* --- floods -------------------------------------------------------------------------------- */

static uint64_t
kv_u64(const struct event *ev, const char *key)
{
	const char *v = event_get_kv(ev, key);

	return v != NULL ? strtoull(v, NULL, 10) : 0;
}

/* The first internal "Audit events lost" event that carries KEY. */
static struct event *
lost_with(const struct collector *c, const char *key)
{
	for (size_t i = 0; i < c->n; i++) {
		const char *r = event_get_kv(c->ev[i], "rule");
		if (r != NULL && strcmp(r, "Audit events lost") == 0 && event_get_kv(c->ev[i], key))
			return c->ev[i];
	}
	return NULL;
}

static bool
has_lost_count(const struct collector *c, void *arg)
{
	return lost_with(c, "lost") != NULL;
}

static void
test_flood_reports_lost(void **state)
{
	struct live *l = *state;
	struct evtset set = openat_only();
	struct audit_source_config cfg = {
		.mode = AUDIT_MODE_UNICAST, .types = &set, .backlog_limit = 64, .rcvbuf = 65536,
	};
	const struct audit_source_stats *st;
	struct event *lost;
	pid_t c;

	assert_int_equal(live_set_backlog_limit(64), 0);
	l->c.keep_watched = false;
	assert_int_equal(audit_source_open(&cfg, live_collect, &l->c, &l->src), 0);
	/* The reader does not read while the child floods. */
	c = live_openat_child(200000, 3000);
	live_watch(&l->c, c);
	assert_int_equal(live_reap(c), 0);
	assert_true(live_pump(l->src, &l->c, 10000, has_lost_count, NULL));
	st = audit_source_stats(l->src);
	lost = lost_with(&l->c, "lost");
	assert_string_equal(event_get_kv(lost, "priority"), "Critical");
	assert_true(kv_u64(lost, "lost") > 0);
	assert_true(kv_u64(lost, "total_lost") >= kv_u64(lost, "lost"));
	assert_int_equal(kv_u64(lost, "backlog_limit"), 64);
	print_message("flood (backlog_limit 64, idle reader, 64 KiB socket buffer): %llu events "
	              "received, first report lost=%llu, socket overruns %llu, ownership lost: "
	              "%s\n", (unsigned long long)l->c.watched_total,
	              (unsigned long long)kv_u64(lost, "lost"), (unsigned long long)st->enobufs,
	              live_find_internal(&l->c, "Audit ownership lost") ? "yes" : "no");
}

struct count_goal {
	uint64_t n;
};

static bool
got_count(const struct collector *c, void *arg)
{
	const struct count_goal *g = arg;

	return c->watched_total >= g->n;
}

/* A reader that keeps up: every openat arrives, or the loss is reported. */
static void
test_throughput_accounts_for_every_event(void **state)
{
	struct live *l = *state;
	struct evtset set = openat_only();
	struct audit_source_config cfg = { .mode = AUDIT_MODE_UNICAST, .types = &set };
	struct count_goal goal = { 20000 };
	const struct audit_source_stats *st;
	uint64_t t0, ms, lost0;
	bool all;
	pid_t c;

	l->c.keep_watched = false;
	assert_int_equal(audit_source_open(&cfg, live_collect, &l->c, &l->src), 0);
	lost0 = audit_source_stats(l->src)->kernel_lost;
	t0 = live_ms();
	c = live_openat_child((unsigned)goal.n, 20000);
	live_watch(&l->c, c);
	all = live_pump(l->src, &l->c, 30000, got_count, &goal);
	assert_int_equal(live_reap(c), 0);
	live_pump(l->src, &l->c, 1500, NULL, NULL);
	ms = l->c.last_watched_ms - t0;
	st = audit_source_stats(l->src);
	print_message("throughput: %llu of %llu openat events of the child in %llu ms (%.0f/s); "
	              "all processes: %llu events (%.0f/s); kernel lost %llu records, %llu "
	              "socket overruns\n", (unsigned long long)l->c.watched_total,
	              (unsigned long long)goal.n, (unsigned long long)ms,
	              ms ? 1000.0 * (double)l->c.watched_total / (double)ms : 0.0,
	              (unsigned long long)st->events,
	              ms ? 1000.0 * (double)st->events / (double)ms : 0.0,
	              (unsigned long long)(st->kernel_lost - lost0), (unsigned long long)st->enobufs);
	if (!all)
		assert_non_null(live_find_internal(&l->c, "Audit events lost"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_flood_reports_lost, setup, teardown),
		cmocka_unit_test_setup_teardown(test_throughput_accounts_for_every_event, setup,
		                                teardown),
	};
	int rc = live_begin();

	if (rc != 0)
		return rc;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	if (live_restore() != 0) {
		printf("the audit state could not be restored\n");
		rc = 1;
	}
	return rc;
}
