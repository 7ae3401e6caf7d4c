/* test_ruleset.c - unit tests for rules/ruleset: loading and compiling real rule files,
 * the priority filter, matching order (all/first), hit counters, the event-type index (a
 * rule is not even evaluated for event types it cannot match: counted through a wrapper
 * around filter_eval, linked with -Wl,--wrap=filter_eval), listings, compile diagnostics
 * (golden) and the audit rules derived from a ruleset.  Data: tests/data/rules/. */
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
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "testutil.h"

#include "core/diag.h"
#include "core/sbuf.h"
#include "rules/auditrules.h"
#include "rules/ruleset.h"

/* --- counting evaluations ------------------------------------------------------------- */

bool __real_filter_eval(const struct filter *f, const struct event *ev, struct arena *scratch);
bool __wrap_filter_eval(const struct filter *f, const struct event *ev, struct arena *scratch);

static const struct filter *watched;
static unsigned watched_evals, total_evals;

bool
__wrap_filter_eval(const struct filter *f, const struct event *ev, struct arena *scratch)
{
	total_evals++;
	if (f == watched)
		watched_evals++;
	return __real_filter_eval(f, ev, scratch);
}

/* --- helpers ---------------------------------------------------------------------------- */

static int
load(const char *const *files, size_t n, enum priority min, enum rule_matching m,
     struct ruleset **rs, struct diags *d)
{
	struct ruleset_opts opts = { .min_priority = min, .matching = m };

	*rs = NULL;
	return ruleset_load(files, n, &opts, rs, d);
}

static struct event *
exec_event(const char *comm, const char *parent)
{
	struct event *ev = event_new(EVT_execve, EVS_AUDIT);
	struct proc *p = proc_new(100), *pp = proc_new(1);

	p->comm = proc_strdup(p, comm);
	pp->comm = proc_strdup(pp, parent);
	p->ppid = 1;
	p->uid = 1000;
	p->parent = pp;
	ev->proc = p;
	ev->pid = ev->tid = 100;
	return ev;
}

static struct event *
connect_event(const char *comm, uint16_t port)
{
	struct event *ev = exec_event(comm, "init");

	ev->type = EVT_connect;
	ev->name = "connect";
	ev->net.remote.family = AF_INET;
	ev->net.remote.port = port;
	memcpy(ev->net.remote.ip, "\x0a\x00\x00\x01", 4);
	return ev;
}

struct seen {
	char names[256];
};

static void
on_match(const struct rule *r, const struct event *ev, void *arg)
{
	struct seen *s = arg;

	strncat(s->names, r->name, sizeof(s->names) - strlen(s->names) - 1);
}

static const char *
match(const struct ruleset *rs, const struct event *ev, struct seen *s)
{
	struct arena scratch = ARENA_INIT;

	s->names[0] = '\0';
	ruleset_match(rs, ev, &scratch, on_match, s);
	arena_free(&scratch);
	return s->names;
}

static const struct rule *
find(const struct ruleset *rs, const char *name)
{
	for (size_t i = 0; i < ruleset_count(rs); i++)
		if (strcmp(ruleset_rule(rs, i)->name, name) == 0)
			return ruleset_rule(rs, i);
	fail_msg("no rule '%s'", name);
	return NULL;
}

/* --- tests ------------------------------------------------------------------------------ */

static void
test_load_base_and_local(void **state)
{
	static const char *const files[] = { "base.yaml", "local.yaml" };
	struct ruleset *rs;
	struct diags d = DIAGS_INIT;
	char *text;
	FILE *fp;
	size_t len = 0;
	char *listing = NULL;
	struct evtset types;
	bool any;

	assert_int_equal(load(files, 2, PRIO_DEBUG, RULE_MATCHING_ALL, &rs, &d), 0);
	text = diags_text(&d);
	/* The warnings of the collection, then the rule skipped for its unknown field. */
	assert_non_null(strstr(text, "base.yaml:91:36: warning: rule 'Future field': unknown "
	                        "field 'proc.future_field'\n"
	                        "base.yaml:89:3: warning: rule 'Future field': the condition "
	                        "uses a field shikra does not know; the rule is skipped "
	                        "(skip-if-unknown-filter)\n"));
	assert_null(strstr(text, "error"));
	assert_null(strstr(text, "Named bash"));     /* warn_evttypes: false */
	free(text);
	assert_int_equal(ruleset_count(rs), 4);
	assert_null(ruleset_rule(rs, 4));
	fp = open_memstream(&listing, &len);
	ruleset_list_text(rs, fp);
	fclose(fp);
	assert_string_equal(listing,
		"Shell spawned\tWarning\texecve,execveat\n"
		"Outbound SSH\tCritical\tconnect\n"
		"Editor run\tInformational\texecve,execveat\n"
		"Named bash\tDebug\t*\n");
	free(listing);
	ruleset_evttypes(rs, &types, &any);
	assert_true(any);
	assert_true(evtset_has(&types, EVT_execve));
	assert_true(evtset_has(&types, EVT_connect));
	assert_false(evtset_has(&types, EVT_openat));   /* "Etc written" is disabled */
	ruleset_free(rs);
	diags_free(&d);
}

static void
test_list_json(void **state)
{
	static const char *const files[] = { "base.yaml", "local.yaml" };
	struct ruleset *rs;
	struct diags d = DIAGS_INIT;
	json_t *arr, *o, *f;
	bool has_pname = false;
	size_t i;
	json_t *v;

	assert_int_equal(load(files, 2, PRIO_DEBUG, RULE_MATCHING_ALL, &rs, &d), 0);
	arr = ruleset_list_json(rs);
	assert_int_equal(json_array_size(arr), 4);
	o = json_array_get(arr, 1);
	assert_string_equal(json_string_value(json_object_get(o, "name")), "Outbound SSH");
	assert_string_equal(json_string_value(json_object_get(o, "priority")), "Critical");
	assert_string_equal(json_string_value(json_object_get(o, "source")), "syscall");
	assert_string_equal(json_string_value(json_array_get(json_object_get(o, "tags"), 1)),
	                    "ssh");
	assert_string_equal(json_string_value(json_array_get(json_object_get(o, "evt.types"),
	                                                     0)), "connect");
	assert_string_equal(json_string_value(json_object_get(o, "output")),
	                    "Outbound SSH (connection=%fd.name)");
	assert_non_null(json_string_value(json_object_get(o, "condition")));
	o = json_array_get(arr, 0);
	f = json_object_get(o, "fields");
	json_array_foreach(f, i, v)
		has_pname |= strcmp(json_string_value(v), "proc.pname") == 0;
	assert_true(has_pname);
	assert_true(json_is_false(json_object_get(o, "any_evt_type")));
	assert_true(json_is_true(json_object_get(json_array_get(arr, 3), "any_evt_type")));
	json_decref(arr);
	ruleset_free(rs);
	diags_free(&d);
}

static void
test_priority_filter(void **state)
{
	static const char *const files[] = { "base.yaml", "local.yaml" };
	struct ruleset *rs;
	struct diags d = DIAGS_INIT;

	assert_int_equal(load(files, 2, PRIO_WARNING, RULE_MATCHING_ALL, &rs, &d), 0);
	assert_int_equal(ruleset_count(rs), 2);
	assert_string_equal(ruleset_rule(rs, 0)->name, "Shell spawned");
	assert_string_equal(ruleset_rule(rs, 1)->name, "Outbound SSH");
	ruleset_free(rs);
	diags_free(&d);
	assert_int_equal(load(files, 2, PRIO_EMERGENCY, RULE_MATCHING_ALL, &rs, &d), 0);
	assert_int_equal(ruleset_count(rs), 0);
	ruleset_free(rs);
	diags_free(&d);
}

static void
test_matching_all_first_and_hits(void **state)
{
	static const char *const files[] = { "match.yaml" };
	struct ruleset *all, *first;
	struct diags d = DIAGS_INIT;
	struct event *bash = exec_event("bash", "sshd"), *conn = connect_event("bash", 22);
	struct event *other = exec_event("zsh", "sshd");
	struct seen s;

	assert_int_equal(load(files, 1, PRIO_DEBUG, RULE_MATCHING_ALL, &all, &d), 0);
	assert_int_equal(load(files, 1, PRIO_DEBUG, RULE_MATCHING_FIRST, &first, &d), 0);
	assert_false(diags_has_errors(&d));
	assert_string_equal(match(all, bash, &s), "ABC");
	assert_string_equal(match(all, conn, &s), "BCD");
	assert_string_equal(match(all, other, &s), "");
	assert_string_equal(match(all, bash, &s), "ABC");
	assert_string_equal(match(first, bash, &s), "A");
	assert_string_equal(match(first, conn, &s), "B");
	assert_int_equal(*find(all, "A")->hits, 2);
	assert_int_equal(*find(all, "B")->hits, 3);
	assert_int_equal(*find(all, "C")->hits, 3);
	assert_int_equal(*find(all, "D")->hits, 1);
	assert_int_equal(*find(all, "E")->hits, 0);
	assert_int_equal(*find(first, "A")->hits, 1);
	assert_int_equal(*find(first, "B")->hits, 1);
	assert_int_equal(*find(first, "C")->hits, 0);
	event_free(bash);
	event_free(conn);
	event_free(other);
	ruleset_free(all);
	ruleset_free(first);
	diags_free(&d);
}

static void
test_type_index_skips_other_types(void **state)
{
	static const char *const files[] = { "match.yaml" };
	struct ruleset *rs;
	struct diags d = DIAGS_INIT;
	struct event *bash = exec_event("bash", "sshd"), *conn = connect_event("nc", 4444);
	struct event *fan = event_new(EVT_open, EVS_FANOTIFY);
	struct seen s;

	assert_int_equal(load(files, 1, PRIO_DEBUG, RULE_MATCHING_ALL, &rs, &d), 0);
	watched = find(rs, "D")->filter;             /* evt.type = connect */
	watched_evals = total_evals = 0;
	match(rs, bash, &s);
	assert_int_equal(watched_evals, 0);
	assert_int_equal(total_evals, 3);            /* A, B and the any-type C */
	match(rs, conn, &s);
	assert_int_equal(watched_evals, 1);
	assert_int_equal(total_evals, 3 + 3);        /* B, C, D */
	/* A fanotify open is a candidate for a rule on openat (and for C, any type), and
	 * the rule fires on it: the open stands for openat too. */
	watched = find(rs, "E")->filter;
	watched_evals = total_evals = 0;
	fan->file.path = event_strdup(fan, "/etc/shadow");
	assert_non_null(strstr(match(rs, fan, &s), "E"));
	assert_int_equal(watched_evals, 1);
	assert_int_equal(total_evals, 2);
	watched = NULL;
	event_free(bash);
	event_free(conn);
	event_free(fan);
	ruleset_free(rs);
	diags_free(&d);
}

static void
test_visibility(void **state)
{
	static const char *const files[] = { "visibility.yaml" };
	struct ruleset *rs;
	struct diags d = DIAGS_INIT;
	struct event *ev = exec_event("anything", "sshd");
	struct seen s;
	char *text;

	assert_int_equal(load(files, 1, PRIO_DEBUG, RULE_MATCHING_ALL, &rs, &d), 0);
	text = diags_text(&d);
	assert_string_equal(text, "");
	free(text);
	assert_string_equal(match(rs, ev, &s), "RLate");
	event_free(ev);
	ruleset_free(rs);
	diags_free(&d);
}

/* A rule whose condition can match no event type (evt.dir = >, a field shikra can never
 * supply, contradictory types) is kept, never fires, asks nothing of the kernel, and is
 * reported at load unless warn_evttypes is false. */
static void
test_never_matching_rules(void **state)
{
	static const char *const files[] = { "never.yaml" };
	struct ruleset *rs;
	struct diags d = DIAGS_INIT;
	struct event *ev = exec_event("strace", "bash");
	struct evtset types;
	struct seen s;
	bool any;
	char *text;

	assert_int_equal(load(files, 1, PRIO_DEBUG, RULE_MATCHING_ALL, &rs, &d), 0);
	text = diags_text(&d);
	assert_string_equal(text,
		"never.yaml:4:3: warning: rule 'Entry only': the condition can match no event "
		"type, so the rule never fires (evt.dir = > is always false: audit and fanotify "
		"report only completed calls)\n"
		"never.yaml:17:3: warning: rule 'Two types at once': the condition can match no "
		"event type, so the rule never fires\n"
		"never.yaml:23:3: warning: rule 'Capability needed': the condition can match no "
		"event type, so the rule never fires (shikra cannot supply thread.cap_inheritable)\n");
	free(text);
	assert_int_equal(ruleset_count(rs), 5);
	assert_false(find(rs, "Entry only")->any_type);
	ruleset_evttypes(rs, &types, &any);
	assert_false(any);
	assert_true(evtset_has(&types, EVT_ptrace));
	assert_false(evtset_has(&types, EVT_open));
	assert_false(evtset_has(&types, EVT_init_module));     /* no audit rule for it */
	ev->type = EVT_ptrace;
	ev->name = "ptrace";
	assert_int_equal(event_set_arg(ev, "request", "PTRACE_ATTACH", 16), 0);
	assert_string_equal(match(rs, ev, &s), "Exit side");
	event_free(ev);
	ruleset_free(rs);
	diags_free(&d);
}

static void
test_compile_errors_golden(void **state)
{
	static const char *const files[] = { "compile_broken.yaml" };
	struct ruleset *rs;
	struct diags d = DIAGS_INIT;
	char *got, *want;

	assert_int_equal(load(files, 1, PRIO_DEBUG, RULE_MATCHING_ALL, &rs, &d), -EINVAL);
	assert_null(rs);
	got = diags_text(&d);
	want = read_text_file("compile_broken.expected");
	assert_string_equal(got, want);
	free(got);
	free(want);
	diags_free(&d);
}

static void
test_missing_file(void **state)
{
	static const char *const files[] = { "match.yaml", "nowhere.yaml" };
	struct ruleset *rs;
	struct diags d = DIAGS_INIT;

	assert_int_equal(load(files, 2, PRIO_DEBUG, RULE_MATCHING_ALL, &rs, &d), -EINVAL);
	assert_null(rs);
	assert_int_equal(d.nerrors, 1);
	diags_free(&d);
	ruleset_free(NULL);
}

static void
test_audit_rules_from_ruleset(void **state)
{
	static const char *const files[] = { "match.yaml" };
	struct ruleset *rs;
	struct diags d = DIAGS_INIT;
	struct auditrules ar = { 0 };
	struct filter_paths ps;
	struct evtset types;
	bool any;

	assert_int_equal(load(files, 1, PRIO_DEBUG, RULE_MATCHING_ALL, &rs, &d), 0);
	ruleset_evttypes(rs, &types, &any);
	assert_true(any);
	ruleset_paths_collect(rs, FPUSE_AUDIT_OPEN, &ps);
	assert_int_equal(auditrules_build(&types, any, &ps, MACH_86_64, MACH_X86, &ar), 0);
	ruleset_paths_free(&ps);
	ruleset_paths_free(&ps);
	/* A rule matches every event type, so files on any path: openat stays unfiltered. */
	assert_int_equal(ar.n, 5);
	assert_string_equal(ar.lines[1], "# warning: some rule matches files on any path: every "
	                    "open on the host is audited");
	assert_string_equal(ar.lines[2], "-a always,exit -F arch=b64 -S execve -S connect "
	                    "-S openat -F key=shikra");
	assert_string_equal(ar.lines[3], "-a always,exit -F arch=b32 -S execve -S connect "
	                    "-S openat -F key=shikra");
	assert_string_equal(ar.lines[4], "-a always,exit -F arch=b32 -S socketcall -F a0=3 "
	                    "-F key=shikra");
	auditrules_free(&ar);
	auditrules_free(&ar);
	ruleset_free(rs);
	diags_free(&d);
}

static int
setup(void **state)
{
	const char *top = getenv("TOP_SRCDIR");
	struct sbuf dir = SBUF_INIT;
	int rc;

	sbuf_printf(&dir, "%s/tests/data/rules", top ? top : ".");
	rc = chdir(sbuf_str(&dir));
	if (rc < 0)
		fprintf(stderr, "cannot enter %s\n", sbuf_str(&dir));
	sbuf_free(&dir);
	return rc;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_base_and_local),
		cmocka_unit_test(test_list_json),
		cmocka_unit_test(test_priority_filter),
		cmocka_unit_test(test_matching_all_first_and_hits),
		cmocka_unit_test(test_type_index_skips_other_types),
		cmocka_unit_test(test_visibility),
		cmocka_unit_test(test_never_matching_rules),
		cmocka_unit_test(test_compile_errors_golden),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_audit_rules_from_ruleset),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
