/* test_template.c - unit tests for rules/template: parsing, rendering, widths, <NA>, escaping
 * of attacker-controlled values, typed JSON fields, and positioned errors. */
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

#include "core/sbuf.h"
#include "rules/template.h"

static const struct filter_src src = { .file = "r.yaml", .line = 10, .col = 11,
                                       .item = "rule 'X'" };

static struct event *
exec_event(const char *const *argv, uint32_t argc)
{
	struct event *ev = event_new(EVT_execve, EVS_AUDIT);
	struct proc *p = proc_new(4242);

	p->comm = proc_strdup(p, argv[0]);
	p->exe = proc_strdup(p, "/usr/bin/evil");
	p->uid = p->euid = 0;
	proc_set_argv(p, argv, argc);
	ev->proc = p;
	ev->pid = ev->tid = 4242;
	ev->ts_ns = 1700000000123456789ull;
	return ev;
}

/* Compile TEXT, render it for EV, compare with WANT. */
static void
check_render(const char *text, const struct event *ev, const char *want)
{
	struct template *t = NULL;
	struct diags d = DIAGS_INIT;
	struct arena scratch = ARENA_INIT;
	struct sbuf out = SBUF_INIT;

	assert_int_equal(template_compile(text, &src, &t, &d), 0);
	assert_int_equal(d.n, 0);
	template_render(t, ev, &scratch, &out);
	assert_string_equal(sbuf_str(&out), want);
	sbuf_free(&out);
	arena_free(&scratch);
	template_free(t);
}

static void
test_render_fields_literals_and_na(void **state)
{
	const char *argv[] = { "evil", "-x", "a b" };
	struct event *ev = exec_event(argv, 3);

	check_render("Shell (pid=%proc.pid cmd=%proc.cmdline)", ev, "Shell (pid=4242 cmd=evil -x a b)");
	check_render("file=%fd.name end", ev, "file=<NA> end");
	check_render("100%% sure %proc.name.", ev, "100% sure evil.");
	check_render("%proc.name", ev, "evil");
	check_render("*%proc.name", ev, "evil");           /* Falco's no-prefix marker */
	check_render("[%8proc.name]", ev, "[evil    ]");
	check_render("[%2proc.name]", ev, "[ev]");
	check_render("%evt.type:%proc.aname[0]", ev, "execve:evil");
	check_render("no fields at all", ev, "no fields at all");
	check_render("", ev, "");
	check_render("x (%container.info) y", ev, "x (container_id=host container_name=host) y");
	check_render("%toupper(proc.name)!", ev, "EVIL!");
	check_render("[%basename(proc.exepath)] %len(proc.name)", ev, "[evil] 4");
	check_render("%tolower(toupper(proc.name)).", ev, "evil.");
	event_free(ev);
}

/* A process named with a newline and shell syntax must not forge a second alert line. */
static void
test_render_escapes_event_data(void **state)
{
	const char *argv[] = { "x\nFake: Critical forged", "$(reboot)", "\x1b[2J" };
	struct event *ev = exec_event(argv, 3);

	check_render("cmd=%proc.cmdline", ev,
	    "cmd=x\\nFake: Critical forged $(reboot) \\x1b[2J");
	event_free(ev);
}

static void
test_json_fields_are_typed(void **state)
{
	const char *argv[] = { "sh", "-c", "id" };
	struct event *ev = exec_event(argv, 3);
	struct template *t = NULL;
	struct diags d = DIAGS_INIT;
	struct arena scratch = ARENA_INIT;
	json_t *obj = json_object();

	assert_int_equal(template_compile("%proc.name %proc.pid %fd.name %user.uid %proc.name",
	    &src, &t, &d), 0);
	template_fields_json(t, ev, &scratch, obj);
	assert_int_equal(json_object_size(obj), 4);
	assert_string_equal(json_string_value(json_object_get(obj, "proc.name")), "sh");
	assert_true(json_is_integer(json_object_get(obj, "proc.pid")));
	assert_int_equal(json_integer_value(json_object_get(obj, "proc.pid")), 4242);
	assert_true(json_is_null(json_object_get(obj, "fd.name")));
	assert_true(json_is_integer(json_object_get(obj, "user.uid")));
	json_decref(obj);
	arena_free(&scratch);
	template_free(t);
	event_free(ev);
}

static void
count_field(const char *name, void *arg)
{
	(*(int *)arg)++;
}

static void
test_fields_listed_once(void **state)
{
	struct template *t = NULL;
	struct diags d = DIAGS_INIT;
	int n = 0;

	assert_int_equal(template_compile("%proc.name %proc.name %fd.name lit", &src, &t, &d), 0);
	template_fields(t, count_field, &n);
	assert_int_equal(n, 2);
	template_free(t);
}

static void
test_errors_have_positions_and_all_are_reported(void **state)
{
	struct template *t = NULL;
	struct diags d = DIAGS_INIT;

	assert_int_equal(template_compile("a %proc.nope b %fd.name c %evt.foo % d", &src, &t, &d),
	    -EINVAL);
	assert_null(t);
	assert_int_equal(d.n, 3);
	char *s = diag_format(&d.v[0]);
	assert_string_equal(s, "r.yaml:10:14: error: rule 'X': output: unknown field 'proc.nope'");
	free(s);
	assert_int_equal(d.v[1].col, 11 + 27);   /* the field name after the % */
	assert_non_null(strstr(d.v[2].msg, "must be followed by a field name"));
	diags_free(&d);

	assert_int_equal(template_compile("%tolower(proc.name x", &src, &t, &d), -EINVAL);
	assert_non_null(strstr(d.v[0].msg, "expected ')'"));
	diags_free(&d);
	assert_int_equal(template_compile("%tolower(nosuch.field)", &src, &t, &d), -EINVAL);
	assert_non_null(strstr(d.v[0].msg, "unknown field 'nosuch.field'"));
	diags_free(&d);

	assert_int_equal(template_compile("%99999proc.name", &src, &t, &d), -EINVAL);
	assert_non_null(strstr(d.v[0].msg, "width"));
	diags_free(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render_fields_literals_and_na),
		cmocka_unit_test(test_render_escapes_event_data),
		cmocka_unit_test(test_json_fields_are_typed),
		cmocka_unit_test(test_fields_listed_once),
		cmocka_unit_test(test_errors_have_positions_and_all_are_reported),
	};
	return cmocka_run_group_tests_name("template", tests, NULL, NULL);
}
