/* test_audit_asm.c - unit tests for audit/assemble: grouping, completion, timeouts, eviction,
 * limits and late records.  Records are built by hand (type, stamp and one field in the
 * record's own arena), so these tests do not depend on the record parser. */
#include "config.h"

#include <errno.h>
#include <libaudit.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "audit/assemble.h"

#ifndef AUDIT_MAC_TASK_CONTEXTS
#define AUDIT_MAC_TASK_CONTEXTS 1420	/* newer kernels; older headers lack it */
#endif

#define SEC 1000000000ULL
#define MAX_SEEN 64

/* What the callback saw of one group. */
struct seen {
	uint64_t serial;
	uint32_t n;
	bool complete;
	int types[MAX_SEEN];
	uint64_t tags[MAX_SEEN];   /* the "tag" field of each record, in order */
};

struct sink {
	struct seen *groups;
	size_t n, cap;
};

/* A record of TYPE for (TS, SERIAL) whose "tag" field says TAG, all in its own arena. */
static struct audit_record
rec(int type, uint64_t ts, uint64_t serial, uint64_t tag)
{
	struct audit_record r;
	char buf[32];

	memset(&r, 0, sizeof(r));
	r.type = type;
	r.ts_ns = ts;
	r.serial = serial;
	r.fields = arena_zalloc(&r.mem, sizeof(*r.fields));
	r.nfields = 1;
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)tag);
	r.fields[0].name = arena_strdup(&r.mem, "tag");
	r.fields[0].value = arena_strdup(&r.mem, buf);
	r.fields[0].value_len = (uint32_t)strlen(buf);
	r.fields[0].kind = AUDIT_VALUE_BARE;
	return r;
}

static void
collect(struct audit_record *recs, uint32_t n, bool complete, void *arg)
{
	struct sink *s = arg;
	struct seen *g;

	assert_true(n > 0);
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->groups = realloc(s->groups, s->cap * sizeof(*s->groups));
		assert_non_null(s->groups);
	}
	g = &s->groups[s->n++];
	memset(g, 0, sizeof(*g));
	g->serial = recs[0].serial;
	g->n = n;
	g->complete = complete;
	for (uint32_t i = 0; i < n && i < MAX_SEEN; i++) {
		assert_int_equal(recs[i].serial, g->serial);
		assert_int_equal(recs[i].nfields, 1);
		assert_string_equal(recs[i].fields[0].name, "tag");
		g->types[i] = recs[i].type;
		g->tags[i] = strtoull(recs[i].fields[0].value, NULL, 10);
	}
}

/* Add a record and check that the caller's copy was emptied. */
static void
add(struct audit_asm *a, int type, uint64_t ts, uint64_t serial, uint64_t tag, uint64_t now)
{
	struct audit_record r = rec(type, ts, serial, tag);

	audit_asm_add(a, &r, now);
	assert_null(r.fields);
	assert_null(r.mem.head);
}

static struct audit_asm *
make(const struct audit_asm_config *cfg, struct sink *s)
{
	struct audit_asm *a = NULL;

	memset(s, 0, sizeof(*s));
	assert_int_equal(audit_asm_new(cfg, collect, s, &a), 0);
	assert_non_null(a);
	return a;
}

static void
done(struct audit_asm *a, struct sink *s)
{
	audit_asm_free(a);
	free(s->groups);
}

static void
test_interleaved_serials(void **state)
{
	struct sink s;
	struct audit_asm *a = make(NULL, &s);
	const struct audit_asm_stats *st;

	add(a, AUDIT_SYSCALL, 10 * SEC, 100, 1, 10 * SEC);
	add(a, AUDIT_SYSCALL, 10 * SEC, 101, 2, 10 * SEC);
	add(a, AUDIT_CWD, 10 * SEC, 100, 3, 10 * SEC);
	add(a, AUDIT_EXECVE, 10 * SEC, 101, 4, 10 * SEC);
	add(a, AUDIT_PATH, 10 * SEC, 100, 5, 10 * SEC);
	assert_int_equal(s.n, 0);
	add(a, AUDIT_EOE, 10 * SEC, 101, 6, 10 * SEC);
	assert_int_equal(s.n, 1);
	add(a, AUDIT_EOE, 10 * SEC, 100, 7, 10 * SEC);
	assert_int_equal(s.n, 2);

	/* Emission follows completion, not arrival. */
	assert_int_equal(s.groups[0].serial, 101);
	assert_int_equal(s.groups[0].n, 3);
	assert_true(s.groups[0].complete);
	assert_int_equal(s.groups[0].tags[0], 2);
	assert_int_equal(s.groups[0].tags[1], 4);
	assert_int_equal(s.groups[0].types[2], AUDIT_EOE);
	assert_int_equal(s.groups[1].serial, 100);
	assert_int_equal(s.groups[1].n, 4);
	assert_int_equal(s.groups[1].tags[0], 1);
	assert_int_equal(s.groups[1].tags[1], 3);
	assert_int_equal(s.groups[1].tags[2], 5);
	assert_int_equal(s.groups[1].tags[3], 7);

	st = audit_asm_stats(a);
	assert_int_equal(st->records, 7);
	assert_int_equal(st->events, 2);
	assert_int_equal(st->complete, 2);
	assert_int_equal(st->timed_out + st->evicted + st->flushed + st->dropped_records, 0);
	done(a, &s);
}

static void
test_same_serial_other_time_is_another_event(void **state)
{
	struct sink s;
	struct audit_asm *a = make(NULL, &s);

	/* The key is (time, serial): a serial reused after a reboot is a different event. */
	add(a, AUDIT_SYSCALL, 10 * SEC, 5, 1, 10 * SEC);
	add(a, AUDIT_SYSCALL, 11 * SEC, 5, 2, 11 * SEC);
	add(a, AUDIT_EOE, 11 * SEC, 5, 3, 11 * SEC);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.groups[0].n, 2);
	assert_int_equal(s.groups[0].tags[0], 2);
	add(a, AUDIT_EOE, 10 * SEC, 5, 4, 11 * SEC);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.groups[1].tags[0], 1);
	done(a, &s);
}

static void
test_missing_eoe_times_out(void **state)
{
	struct audit_asm_config cfg = { .timeout_ns = 2 * SEC };
	struct sink s;
	struct audit_asm *a = make(&cfg, &s);
	const struct audit_asm_stats *st = audit_asm_stats(a);

	add(a, AUDIT_SYSCALL, 100 * SEC, 1, 1, 100 * SEC);
	add(a, AUDIT_PATH, 100 * SEC, 1, 2, 100 * SEC);
	add(a, AUDIT_SYSCALL, 101 * SEC, 2, 3, 101 * SEC);
	audit_asm_expire(a, 102 * SEC - 1);
	assert_int_equal(s.n, 0);
	/* Exactly the timeout: the first group goes, incomplete; the second is younger. */
	audit_asm_expire(a, 102 * SEC);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.groups[0].serial, 1);
	assert_int_equal(s.groups[0].n, 2);
	assert_false(s.groups[0].complete);
	/* Adding a record also expires what its time makes old. */
	add(a, AUDIT_SYSCALL, 104 * SEC, 3, 4, 104 * SEC);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.groups[1].serial, 2);
	assert_false(s.groups[1].complete);
	assert_int_equal(st->timed_out, 2);
	assert_int_equal(st->events, 2);
	assert_int_equal(st->complete, 0);
	/* A clock that goes back a little changes nothing. */
	audit_asm_expire(a, 103 * SEC);
	assert_int_equal(s.n, 2);
	done(a, &s);
}

static void
test_clock_reset_restarts_ages(void **state)
{
	struct audit_asm_config cfg = { .timeout_ns = 2 * SEC };
	struct sink s;
	struct audit_asm *a = make(&cfg, &s);

	add(a, AUDIT_SYSCALL, 10000 * SEC, 1, 1, 10000 * SEC);
	/* The wall clock is set back an hour: the group must not wait an hour. */
	audit_asm_expire(a, 10000 * SEC - 3600 * SEC);
	assert_int_equal(s.n, 0);
	audit_asm_expire(a, 10000 * SEC - 3600 * SEC + 2 * SEC);
	assert_int_equal(s.n, 1);
	assert_false(s.groups[0].complete);
	done(a, &s);
}

static void
test_missing_eoe_flushed_oldest_first(void **state)
{
	struct sink s;
	struct audit_asm *a = make(NULL, &s);
	const struct audit_asm_stats *st = audit_asm_stats(a);

	add(a, AUDIT_SYSCALL, 1 * SEC, 30, 1, 1 * SEC);
	add(a, AUDIT_SYSCALL, 1 * SEC, 10, 2, 1 * SEC);
	add(a, AUDIT_SYSCALL, 1 * SEC, 20, 3, 1 * SEC);
	add(a, AUDIT_PATH, 1 * SEC, 30, 4, 1 * SEC);
	audit_asm_flush(a);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.groups[0].serial, 30);
	assert_int_equal(s.groups[0].n, 2);
	assert_int_equal(s.groups[1].serial, 10);
	assert_int_equal(s.groups[2].serial, 20);
	for (size_t i = 0; i < 3; i++)
		assert_false(s.groups[i].complete);
	assert_int_equal(st->flushed, 3);
	assert_int_equal(st->events, 3);
	/* Flushing an empty table does nothing. */
	audit_asm_flush(a);
	assert_int_equal(s.n, 3);
	done(a, &s);
}

static void
test_records_before_syscall_kept(void **state)
{
	struct sink s;
	struct audit_asm *a = make(NULL, &s);
	static const int order[] = {
		AUDIT_AVC, AUDIT_CONFIG_CHANGE, AUDIT_LOGIN, AUDIT_SYSCALL, AUDIT_CWD, AUDIT_PATH,
		AUDIT_PROCTITLE, AUDIT_EOE,
	};

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		add(a, order[i], 5 * SEC, 77, i, 5 * SEC);
	assert_int_equal(s.n, 1);
	assert_true(s.groups[0].complete);
	assert_int_equal(s.groups[0].n, 8);
	for (size_t i = 0; i < 8; i++) {
		assert_int_equal(s.groups[0].types[i], order[i]);
		assert_int_equal(s.groups[0].tags[i], i);
	}
	done(a, &s);
}

static void
test_standalone_records_emitted_at_once(void **state)
{
	struct sink s;
	struct audit_asm *a = make(NULL, &s);
	static const int alone[] = {
		AUDIT_USER, AUDIT_USER_LOGIN, AUDIT_USER_CMD, AUDIT_FIRST_USER_MSG,
		AUDIT_LAST_USER_MSG, AUDIT_DAEMON_START, AUDIT_DAEMON_END, AUDIT_KERNEL,
		AUDIT_NETFILTER_PKT, AUDIT_FIRST_USER_MSG2, AUDIT_ANOM_LOGIN_FAILURES,
		AUDIT_LAST_USER_MSG2,
	};
	size_t n = sizeof(alone) / sizeof(alone[0]);

	/* A pending syscall event does not hold them back. */
	add(a, AUDIT_SYSCALL, 1 * SEC, 1, 99, 1 * SEC);
	for (size_t i = 0; i < n; i++) {
		add(a, alone[i], 1 * SEC, 1000 + i, i, 1 * SEC);
		assert_int_equal(s.n, i + 1);
		assert_int_equal(s.groups[i].n, 1);
		assert_true(s.groups[i].complete);
		assert_int_equal(s.groups[i].types[0], alone[i]);
	}
	/* Serial 0 is never a syscall event's. */
	add(a, AUDIT_PATH, 1 * SEC, 0, 1, 1 * SEC);
	assert_int_equal(s.n, n + 1);
	/* Kernel records that may be followed by SYSCALL/EOE wait. */
	add(a, AUDIT_LOGIN, 1 * SEC, 2, 1, 1 * SEC);
	add(a, AUDIT_CONFIG_CHANGE, 1 * SEC, 3, 1, 1 * SEC);
	add(a, AUDIT_SECCOMP, 1 * SEC, 4, 1, 1 * SEC);
	add(a, AUDIT_ANOM_ABEND, 1 * SEC, 5, 1, 1 * SEC);
	assert_int_equal(s.n, n + 1);
	assert_int_equal(audit_asm_stats(a)->complete, n + 1);
	assert_int_equal(audit_asm_stats(a)->records, n + 6);
	done(a, &s);
}

static void
test_eviction_when_full(void **state)
{
	struct audit_asm_config cfg = { .max_inflight = 4, .timeout_ns = 60 * SEC };
	struct sink s;
	struct audit_asm *a = make(&cfg, &s);
	const struct audit_asm_stats *st = audit_asm_stats(a);

	for (uint64_t i = 1; i <= 4; i++)
		add(a, AUDIT_SYSCALL, 1 * SEC, i, i, 1 * SEC);
	assert_int_equal(s.n, 0);
	add(a, AUDIT_SYSCALL, 1 * SEC, 5, 5, 1 * SEC);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.groups[0].serial, 1);
	assert_false(s.groups[0].complete);
	assert_int_equal(st->evicted, 1);
	/* Completing one frees its slot: no eviction for the next new group. */
	add(a, AUDIT_EOE, 1 * SEC, 3, 30, 1 * SEC);
	add(a, AUDIT_SYSCALL, 1 * SEC, 6, 6, 1 * SEC);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.groups[1].serial, 3);
	assert_true(s.groups[1].complete);
	/* The next one evicts the oldest still held: 2. */
	add(a, AUDIT_SYSCALL, 1 * SEC, 7, 7, 1 * SEC);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.groups[2].serial, 2);
	assert_int_equal(st->evicted, 2);
	/* The rest of an evicted event is dropped, not made into a phantom group. */
	add(a, AUDIT_EOE, 1 * SEC, 1, 10, 1 * SEC);
	add(a, AUDIT_PATH, 1 * SEC, 2, 20, 1 * SEC);
	assert_int_equal(s.n, 3);
	assert_int_equal(st->dropped_records, 2);
	audit_asm_flush(a);
	assert_int_equal(s.n, 7);
	assert_int_equal(st->events, st->complete + st->timed_out + st->evicted + st->flushed);
	done(a, &s);
}

static void
test_full_table_prefers_timeout_to_eviction(void **state)
{
	struct audit_asm_config cfg = { .max_inflight = 2, .timeout_ns = 2 * SEC };
	struct sink s;
	struct audit_asm *a = make(&cfg, &s);
	const struct audit_asm_stats *st = audit_asm_stats(a);

	add(a, AUDIT_SYSCALL, 1 * SEC, 1, 1, 1 * SEC);
	add(a, AUDIT_SYSCALL, 2 * SEC, 2, 2, 2 * SEC);
	add(a, AUDIT_SYSCALL, 3 * SEC, 3, 3, 3 * SEC);
	assert_int_equal(s.n, 1);
	assert_int_equal(st->timed_out, 1);
	assert_int_equal(st->evicted, 0);
	done(a, &s);
}

static void
test_max_records_overflow(void **state)
{
	struct audit_asm_config cfg = { .max_records = 3 };
	struct sink s;
	struct audit_asm *a = make(&cfg, &s);
	const struct audit_asm_stats *st = audit_asm_stats(a);

	add(a, AUDIT_SYSCALL, 1 * SEC, 9, 0, 1 * SEC);
	for (uint64_t i = 1; i <= 5; i++)
		add(a, AUDIT_PATH, 1 * SEC, 9, i, 1 * SEC);
	assert_int_equal(s.n, 0);
	/* EOE still ends the event although there is no room left to keep it. */
	add(a, AUDIT_EOE, 1 * SEC, 9, 6, 1 * SEC);
	assert_int_equal(s.n, 1);
	assert_true(s.groups[0].complete);
	assert_int_equal(s.groups[0].n, 3);
	assert_int_equal(s.groups[0].tags[2], 2);
	assert_int_equal(st->records, 3);
	assert_int_equal(st->dropped_records, 4);
	done(a, &s);
}

static void
test_big_group_grows(void **state)
{
	struct sink s;
	struct audit_asm *a = make(NULL, &s);

	/* Past the size at which a slot gives its array back (exercises grow and release). */
	for (int round = 0; round < 2; round++) {
		uint64_t serial = 50 + (uint64_t)round;
		add(a, AUDIT_SYSCALL, 1 * SEC, serial, 0, 1 * SEC);
		for (uint64_t i = 1; i < 300; i++)
			add(a, AUDIT_PATH, 1 * SEC, serial, i, 1 * SEC);
		add(a, AUDIT_EOE, 1 * SEC, serial, 300, 1 * SEC);
		assert_int_equal(s.n, (size_t)round + 1);
		assert_int_equal(s.groups[round].n, 301);
		assert_int_equal(s.groups[round].tags[MAX_SEEN - 1], MAX_SEEN - 1);
	}
	done(a, &s);
}

static void
test_late_and_duplicate_records(void **state)
{
	struct audit_asm_config cfg = { .max_inflight = 8, .timeout_ns = 2 * SEC };
	struct sink s;
	struct audit_asm *a = make(&cfg, &s);
	const struct audit_asm_stats *st = audit_asm_stats(a);

	add(a, AUDIT_SYSCALL, 1 * SEC, 1, 1, 1 * SEC);
	add(a, AUDIT_EOE, 1 * SEC, 1, 2, 1 * SEC);
	/* After EOE: a duplicate EOE and a straggler are dropped and counted. */
	add(a, AUDIT_EOE, 1 * SEC, 1, 3, 1 * SEC);
	add(a, AUDIT_PATH, 1 * SEC, 1, 4, 1 * SEC);
	assert_int_equal(s.n, 1);
	assert_int_equal(st->dropped_records, 2);
	/* After a timeout: the EOE that finally comes is late. */
	add(a, AUDIT_SYSCALL, 2 * SEC, 2, 5, 2 * SEC);
	audit_asm_expire(a, 5 * SEC);
	assert_int_equal(s.n, 2);
	add(a, AUDIT_EOE, 2 * SEC, 2, 6, 5 * SEC);
	assert_int_equal(s.n, 2);
	assert_int_equal(st->dropped_records, 3);
	/* A record following a stand-alone one under its stamp is late too. */
	add(a, AUDIT_USER_LOGIN, 5 * SEC, 3, 7, 5 * SEC);
	add(a, AUDIT_MAC_TASK_CONTEXTS, 5 * SEC, 3, 8, 5 * SEC);
	assert_int_equal(s.n, 3);
	assert_int_equal(st->dropped_records, 4);
	/* Memory of finished events is bounded: once max_inflight newer events finished, a
	 * record of the first is no longer recognised; it forms a group that times out. */
	for (uint64_t i = 100; i < 108; i++) {
		add(a, AUDIT_SYSCALL, 5 * SEC, i, i, 5 * SEC);
		add(a, AUDIT_EOE, 5 * SEC, i, i, 5 * SEC);
	}
	assert_int_equal(s.n, 11);
	add(a, AUDIT_PATH, 1 * SEC, 1, 9, 5 * SEC);
	assert_int_equal(s.n, 11);
	audit_asm_expire(a, 7 * SEC);
	assert_int_equal(s.n, 12);
	assert_false(s.groups[11].complete);
	assert_int_equal(s.groups[11].serial, 1);
	assert_int_equal(st->dropped_records, 4);
	done(a, &s);
}

static void
test_lone_eoe_is_a_group(void **state)
{
	struct sink s;
	struct audit_asm *a = make(NULL, &s);

	/* The SYSCALL record was lost before us: the converter decides what a lone EOE is. */
	add(a, AUDIT_EOE, 1 * SEC, 42, 1, 1 * SEC);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.groups[0].n, 1);
	assert_true(s.groups[0].complete);
	done(a, &s);
}

/* Thousands of events, interleaved in a sliding window and some never finished, through a
 * small table; run under ASan to show that nothing leaks, including held groups at free. */
static void
test_thousands_of_groups(void **state)
{
	struct audit_asm_config cfg = { .max_inflight = 64, .timeout_ns = 2 * SEC };
	struct sink s;
	struct audit_asm *a = make(&cfg, &s);
	const struct audit_asm_stats *st = audit_asm_stats(a);
	const uint64_t events = 20000, window = 16;
	uint64_t complete = 0;

	/* Step k adds record (k - j) of event j for every j in the window: each event gets a
	 * SYSCALL, two PATHs, then an EOE unless its number is a multiple of 97. */
	for (uint64_t k = 0; k < events + window; k++) {
		for (uint64_t j = k >= window ? k - window + 1 : 0; j <= k && j < events; j++) {
			uint64_t step = k - j, now = (j / 100) * SEC;
			static const int kinds[] = { AUDIT_SYSCALL, AUDIT_PATH, AUDIT_PATH, AUDIT_EOE };
			if (step >= 4 || (step == 3 && j % 97 == 0))
				continue;
			add(a, kinds[step], (j / 100) * SEC, j + 1, step, now);
		}
	}
	for (size_t i = 0; i < s.n; i++) {
		if (s.groups[i].complete) {
			assert_int_equal(s.groups[i].n, 4);
			assert_int_equal(s.groups[i].tags[3], 3);
			complete++;
		} else {
			assert_int_equal(s.groups[i].n, 3);
			assert_int_equal((s.groups[i].serial - 1) % 97, 0);
		}
	}
	assert_int_equal(complete, events - (events + 96) / 97);
	assert_int_equal(st->complete, complete);
	assert_int_equal(st->evicted, 0);
	assert_int_equal(st->dropped_records, 0);
	assert_true(st->timed_out > 0);
	/* The last unfinished events are still held; free drops them without a callback. */
	assert_true(s.n < events);
	assert_int_equal(st->records, complete * 4 + (events - complete) * 3);
	done(a, &s);
}

static void
test_free_null_and_defaults(void **state)
{
	struct audit_asm_config cfg = { .max_inflight = 0xffffffffu };
	struct sink s;
	struct audit_asm *a;

	audit_asm_free(NULL);
	/* An absurd table size is clamped, not attempted. */
	a = make(&cfg, &s);
	add(a, AUDIT_SYSCALL, 1 * SEC, 1, 1, 1 * SEC);
	done(a, &s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interleaved_serials),
		cmocka_unit_test(test_same_serial_other_time_is_another_event),
		cmocka_unit_test(test_missing_eoe_times_out),
		cmocka_unit_test(test_clock_reset_restarts_ages),
		cmocka_unit_test(test_missing_eoe_flushed_oldest_first),
		cmocka_unit_test(test_records_before_syscall_kept),
		cmocka_unit_test(test_standalone_records_emitted_at_once),
		cmocka_unit_test(test_eviction_when_full),
		cmocka_unit_test(test_full_table_prefers_timeout_to_eviction),
		cmocka_unit_test(test_max_records_overflow),
		cmocka_unit_test(test_big_group_grows),
		cmocka_unit_test(test_late_and_duplicate_records),
		cmocka_unit_test(test_lone_eoe_is_a_group),
		cmocka_unit_test(test_thousands_of_groups),
		cmocka_unit_test(test_free_null_and_defaults),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
