/* test_event.c - unit tests for event/: the type table, arguments, record fields, snapshots. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "event/event.h"

static void
test_type_table_round_trips(void **state)
{
	for (unsigned t = 1; t < EVT__COUNT; t++) {
		const char *name = event_type_name((enum event_type)t);
		assert_true(name[0] != '\0');
		assert_int_equal(event_type_from_name(name), t);
	}
	assert_int_equal(event_type_from_name("nosuchsyscall"), EVT_NONE);
	assert_string_equal(event_type_name(EVT_execve), "execve");
	assert_int_equal(event_type_class(EVT_connect), EVC_NET);
	assert_int_equal(event_type_class(EVT_USER_LOGIN), EVC_RECORD);
	assert_string_equal(event_type_name((enum event_type)9999), "");
}

static void
test_new_event_has_nothing_invented(void **state)
{
	struct event *ev = event_new(EVT_openat, EVS_AUDIT);

	assert_string_equal(ev->name, "openat");
	assert_true(ev->pid == EVENT_NUM_UNSET);
	assert_true(ev->res == EVENT_NUM_UNSET);
	assert_int_equal(ev->success, -1);
	assert_null(ev->proc);
	assert_null(ev->file.path);
	assert_true(ev->file.mode == EVENT_NUM_UNSET);
	assert_true(ev->net.domain == EVENT_NUM_UNSET);
	event_free(ev);
	event_free(NULL);
}

static void
test_args_set_replace_and_bound(void **state)
{
	struct event *ev = event_new(EVT_openat, EVS_AUDIT);
	char name[16];

	assert_int_equal(event_set_arg(ev, "flags", "O_RDONLY", 0), 0);
	assert_int_equal(event_set_arg(ev, "flags", "O_WRONLY", 1), 0);
	assert_int_equal(ev->nargs, 1);
	assert_string_equal(event_get_arg(ev, "flags")->str, "O_WRONLY");
	for (int i = 1; i < EVENT_MAX_ARGS; i++) {
		snprintf(name, sizeof(name), "a%d", i);
		assert_int_equal(event_set_arg(ev, name, NULL, i), 0);
	}
	assert_int_equal(event_set_arg(ev, "one_too_many", "x", 0), -ENOSPC);
	assert_null(event_get_arg(ev, "missing"));
	event_free(ev);
}

static void
test_kv_grows(void **state)
{
	struct event *ev = event_new(EVT_USER_LOGIN, EVS_AUDIT);
	char k[16];

	for (int i = 0; i < 100; i++) {
		snprintf(k, sizeof(k), "k%d", i);
		event_add_kv(ev, k, k);
	}
	assert_int_equal(ev->nkv, 100);
	assert_string_equal(event_get_kv(ev, "k0"), "k0");
	assert_string_equal(event_get_kv(ev, "k99"), "k99");
	assert_null(event_get_kv(ev, "k100"));
	event_free(ev);
}

static void
test_proc_refcounts_and_parent_chain(void **state)
{
	struct proc *parent = proc_new(1);
	struct proc *child = proc_new(42);
	const char *argv[] = { "sh", "-c", "echo hi" };

	child->parent = proc_ref(parent);
	child->comm = proc_strdup(child, "sh");
	proc_set_argv(child, argv, 3);
	assert_int_equal(child->argc, 3);
	assert_string_equal(child->argv[2], "echo hi");
	assert_null(child->argv[3]);
	assert_true(child->uid == PROC_ID_UNSET);
	proc_unref(parent);            /* the child still holds it */
	assert_int_equal(parent->refs, 1);

	struct event *ev = event_new(EVT_execve, EVS_AUDIT);
	ev->proc = proc_ref(child);
	proc_unref(child);
	event_free(ev);                /* frees child, then parent */
	proc_unref(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_type_table_round_trips),
		cmocka_unit_test(test_new_event_has_nothing_invented),
		cmocka_unit_test(test_args_set_replace_and_bound),
		cmocka_unit_test(test_kv_grows),
		cmocka_unit_test(test_proc_refcounts_and_parent_chain),
	};
	return cmocka_run_group_tests_name("event", tests, NULL, NULL);
}
