/* test_audit_source.c - unit tests for the parts of the live audit source that need no
 * kernel: the check of rule payloads the kernel lists (ctl.c), the internal events and their
 * kv convention, the coalescing of socket overruns, and the CONFIG_CHANGE watch that tells our
 * own rule changes from others'.  The kernel side runs in tests/integration/test_audit_live. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "audit/ctl.h"
#include "audit/source_priv.h"
#include "core/now.h"
#include "rules/auditrules.h"

/* --- rule payloads ------------------------------------------------------------------------- */

/* A rule as the kernel lists it: a watch on /etc (a string field before the key) and a key. */
static struct audit_rule_data *
listed_rule(const char *key, size_t *len)
{
	size_t klen = strlen(key);
	struct audit_rule_data *d = calloc(1, sizeof(*d) + 4 + klen);

	d->flags = AUDIT_FILTER_EXIT;
	d->action = AUDIT_ALWAYS;
	d->field_count = 3;
	d->fields[0] = AUDIT_ARCH;
	d->values[0] = AUDIT_ARCH_X86_64;
	d->fields[1] = AUDIT_WATCH;
	d->values[1] = 4;
	d->fields[2] = AUDIT_FILTERKEY;
	d->values[2] = (uint32_t)klen;
	memcpy(d->buf, "/etc", 4);
	memcpy(d->buf + 4, key, klen);
	d->buflen = (uint32_t)(4 + klen);
	*len = sizeof(*d) + d->buflen;
	return d;
}

static void
test_rule_check_finds_key(void **state)
{
	size_t len, klen;
	struct audit_rule_data *d = listed_rule("shikra", &len);
	const char *key;

	assert_int_equal(audit_ctl_rule_check(d, len, &key, &klen), 0);
	assert_int_equal(klen, 6);
	assert_memory_equal(key, "shikra", 6);
	/* No key field: a rule, but not anyone's. */
	d->field_count = 2;
	d->buflen = 4;
	assert_int_equal(audit_ctl_rule_check(d, sizeof(*d) + 4, &key, &klen), 0);
	assert_null(key);
	free(d);
}

static void
test_rule_check_rejects_bad_payloads(void **state)
{
	size_t len, klen;
	struct audit_rule_data *d = listed_rule("shikra", &len);
	const char *key;

	/* Truncated: shorter than the header, or than header + buflen. */
	assert_int_equal(audit_ctl_rule_check(d, sizeof(*d) - 1, &key, &klen), -EINVAL);
	assert_int_equal(audit_ctl_rule_check(d, len - 1, &key, &klen), -EINVAL);
	/* Oversized: bytes after buf that buflen does not account for. */
	assert_int_equal(audit_ctl_rule_check(d, len + 1, &key, &klen), -EINVAL);
	assert_int_equal(audit_ctl_rule_check(NULL, len, &key, &klen), -EINVAL);
	/* A string longer than what is left of buf. */
	d->values[2] = 7;
	assert_int_equal(audit_ctl_rule_check(d, len, &key, &klen), -EINVAL);
	d->values[2] = 6;
	d->values[1] = UINT32_MAX;
	assert_int_equal(audit_ctl_rule_check(d, len, &key, &klen), -EINVAL);
	d->values[1] = 4;
	/* Too many fields. */
	d->field_count = AUDIT_MAX_FIELDS + 1;
	assert_int_equal(audit_ctl_rule_check(d, len, &key, &klen), -EINVAL);
	/* Two key fields. */
	d->field_count = 4;
	d->fields[3] = AUDIT_FILTERKEY;
	d->values[3] = 0;
	assert_int_equal(audit_ctl_rule_check(d, len, &key, &klen), -EINVAL);
	assert_null(key);
	free(d);
	/* A key that merely starts like ours is found as it is; the caller compares lengths. */
	d = listed_rule("shikra2", &len);
	assert_int_equal(audit_ctl_rule_check(d, len, &key, &klen), 0);
	assert_int_equal(klen, 7);
	free(d);
}

/* --- internal events ----------------------------------------------------------------------- */

struct sink {
	struct event *ev[16];
	size_t n;
};

static int
collect(struct event *ev, void *arg)
{
	struct sink *k = arg;

	assert_true(k->n < 16);
	k->ev[k->n++] = ev;
	return 0;
}

static void
sink_free(struct sink *k)
{
	for (size_t i = 0; i < k->n; i++)
		event_free(k->ev[i]);
	k->n = 0;
}

static void
test_internal_event_convention(void **state)
{
	struct sink k = { .n = 0 };
	struct audit_source s = { .sink = collect, .arg = &k, .self = 1 };
	struct asrc_note n = { .rule = "Audit events lost", .priority = "Critical" };

	snprintf(n.msg, sizeof(n.msg), "the kernel dropped 12 audit records");
	asrc_note_count(&n, "lost", 12);
	asrc_note_count(&n, "total_lost", UINT64_MAX);
	for (int i = 0; i < 3; i++)
		asrc_note_count(&n, "extra", 1);     /* only four counts fit */
	asrc_internal(&s, &n);
	assert_int_equal(k.n, 1);
	assert_int_equal(k.ev[0]->type, EVT_internal);
	assert_int_equal(k.ev[0]->source, EVS_INTERNAL);
	assert_true(k.ev[0]->ts_ns > 0);
	assert_string_equal(event_get_kv(k.ev[0], "rule"), "Audit events lost");
	assert_string_equal(event_get_kv(k.ev[0], "priority"), "Critical");
	assert_string_equal(event_get_kv(k.ev[0], "msg"), "the kernel dropped 12 audit records");
	assert_string_equal(event_get_kv(k.ev[0], "lost"), "12");
	assert_string_equal(event_get_kv(k.ev[0], "total_lost"), "18446744073709551615");
	assert_int_equal(k.ev[0]->nkv, 7);
	assert_int_equal(s.st.events, 1);
	assert_int_equal(s.st.internal, 1);
	sink_free(&k);
}

static void
test_overruns_coalesce(void **state)
{
	struct sink k = { .n = 0 };
	struct audit_source s = { .sink = collect, .arg = &k, .self = 1 };
	uint64_t t = 5000000000ULL;

	asrc_overrun(&s, t);                  /* the first is told at once */
	asrc_overrun(&s, t + 1000);           /* the next within a second wait */
	asrc_overrun(&s, t + 2000);
	assert_int_equal(k.n, 1);
	assert_string_equal(event_get_kv(k.ev[0], "overruns"), "1");
	asrc_overrun(&s, t + ASRC_OVERRUN_REPORT_NS);
	assert_int_equal(k.n, 2);
	assert_string_equal(event_get_kv(k.ev[1], "overruns"), "3");
	assert_string_equal(event_get_kv(k.ev[1], "total_overruns"), "4");
	assert_int_equal(s.st.enobufs, 4);
	assert_int_equal(s.overruns_pending, 0);
	sink_free(&k);
}

/* --- the CONFIG_CHANGE watch --------------------------------------------------------------- */

static struct event *
config_change(int64_t pid, const char *op, const char *key, int success)
{
	struct event *ev = event_new(EVT_CONFIG_CHANGE, EVS_AUDIT);

	ev->pid = pid;
	ev->success = success;
	event_add_kv(ev, "op", op);
	if (key != NULL)
		event_add_kv(ev, "key", key);
	return ev;
}

static bool
watch(struct audit_source *s, struct event *ev, struct asrc_note *n)
{
	bool hurt = asrc_watch(s, ev, n);

	event_free(ev);
	return hurt;
}

static void
test_watch_tells_others_changes(void **state)
{
	struct audit_source s = { .self = 100 };
	struct asrc_note n;
	struct event *ev;

	/* Someone else deletes one of our rules. */
	assert_true(watch(&s, config_change(200, "remove_rule", "shikra", 1), &n));
	assert_string_equal(n.rule, "Audit rules removed");
	assert_string_equal(n.priority, "Critical");
	assert_non_null(strstr(n.msg, "process 200"));
	assert_int_equal(n.ncounts, 1);
	assert_string_equal(n.counts[0].key, "pid");
	assert_int_equal(n.counts[0].value, 200);
	/* Older kernels' wording. */
	assert_true(watch(&s, config_change(200, "remove rule", "shikra", 1), &n));
	/* Not ours, not a removal, or a removal that failed: nothing to tell. */
	assert_false(watch(&s, config_change(200, "remove_rule", "other", 1), &n));
	assert_false(watch(&s, config_change(200, "remove_rule", "shikra2", 1), &n));
	assert_false(watch(&s, config_change(200, "remove_rule", NULL, 1), &n));
	assert_false(watch(&s, config_change(200, "add_rule", "shikra", 1), &n));
	assert_false(watch(&s, config_change(200, "remove_rule", "shikra", 0), &n));
	/* Audit switched off, by anyone: we never do it while open. */
	ev = config_change(EVENT_NUM_UNSET, "set", NULL, 1);
	event_add_kv(ev, "audit_enabled", "0");
	assert_true(watch(&s, ev, &n));
	assert_string_equal(n.rule, "Audit disabled");
	assert_non_null(strstr(n.msg, "an unknown process"));
	assert_int_equal(n.ncounts, 0);
	ev = config_change(200, "set", NULL, 1);
	event_add_kv(ev, "audit_enabled", "1");
	assert_false(watch(&s, ev, &n));
	/* Other event types never count. */
	ev = event_new(EVT_execve, EVS_AUDIT);
	event_add_kv(ev, "op", "remove_rule");
	event_add_kv(ev, "key", "shikra");
	assert_false(watch(&s, ev, &n));
}

static void
test_watch_knows_own_removals(void **state)
{
	struct audit_source s = { .self = 100 };
	struct asrc_note n;

	/* Two removals of ours that the kernel logged without a process. */
	s.own_removes = 2;
	s.own_change_ns = now_wall_ns();
	assert_false(watch(&s, config_change(EVENT_NUM_UNSET, "remove_rule", "shikra", 1), &n));
	assert_false(watch(&s, config_change(EVENT_NUM_UNSET, "remove_rule", "shikra", 1), &n));
	assert_int_equal(s.own_removes, 0);
	/* A third is someone else's. */
	assert_true(watch(&s, config_change(EVENT_NUM_UNSET, "remove_rule", "shikra", 1), &n));
	/* A removal with another process's pid is never taken for ours. */
	s.own_removes = 1;
	assert_true(watch(&s, config_change(300, "remove_rule", "shikra", 1), &n));
	assert_int_equal(s.own_removes, 1);
	/* Ours are remembered only for a while. */
	s.own_change_ns = now_wall_ns() - ASRC_OWN_CHANGE_NS - 1000000;
	assert_true(watch(&s, config_change(EVENT_NUM_UNSET, "remove_rule", "shikra", 1), &n));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_check_finds_key),
		cmocka_unit_test(test_rule_check_rejects_bad_payloads),
		cmocka_unit_test(test_internal_event_convention),
		cmocka_unit_test(test_overruns_coalesce),
		cmocka_unit_test(test_watch_tells_others_changes),
		cmocka_unit_test(test_watch_knows_own_removals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
