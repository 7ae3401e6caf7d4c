/* test_filter_errors.c - the second half of the filter tests (see filter_test.h): event-type
 * sets, watched paths, and every kind of error with its exact message and position. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "rules/expand.h"
#include "rules/filter.h"
#include "filter_test.h"

static const struct filter_src rule_src = {
	.file = "r.yaml", .line = 10, .col = 5, .item = "rule 'R'",
};

static struct filter *
compile_ok(struct filter_env *env, const char *cond)
{
	struct diags d = DIAGS_INIT;
	struct filter *f = NULL;

	if (filter_compile(env, cond, &rule_src, 0, &f, &d) != 0) {
		diags_print(&d, stderr);
		fail_msg("does not compile: %s", cond);
	}
	diags_free(&d);
	return f;
}

/* ---- event types ---- */

enum types_mode { ONLY, EXCEPT };

/* COND's type set is exactly NAMES (ONLY) or every type but NAMES (EXCEPT). */
static void
check_types(const char *cond, enum types_mode mode, const char *names)
{
	struct filter *f = compile_ok(test_env, cond);
	struct evtset got, want = { { 0 } };
	char buf[256], *save = NULL;
	bool any, all_types;

	snprintf(buf, sizeof(buf), "%s", names);
	for (char *n = strtok_r(buf, " ", &save); n; n = strtok_r(NULL, " ", &save)) {
		enum event_type t = event_type_from_name(n);
		assert_int_not_equal(t, EVT_NONE);
		evtset_add(&want, t);
	}
	filter_evttypes(f, &got, &any);
	for (unsigned t = 1; t < EVT__COUNT; t++) {
		bool in = evtset_has(&want, (enum event_type)t);
		if (evtset_has(&got, (enum event_type)t) != (mode == ONLY ? in : !in))
			fail_msg("%s: type %s wrongly %s", cond, event_type_name((enum event_type)t),
			         evtset_has(&got, (enum event_type)t) ? "in" : "out");
	}
	assert_false(evtset_has(&got, EVT_NONE));
	all_types = mode == EXCEPT && names[0] == '\0';
	assert_int_equal(any, all_types);
	filter_free(f);
}

void
test_evttypes(void **state)
{
	check_types("evt.type = execve", ONLY, "execve");
	check_types("evt.type in (open, openat, openat2)", ONLY, "open openat openat2");
	check_types("evt.type = open and evt.type = openat", ONLY, "");
	check_types("evt.type = open or evt.type = execve", ONLY, "open execve");
	check_types("evt.type in (open, execve) and evt.type in (execve, bind)", ONLY, "execve");
	check_types("not evt.type = execve", EXCEPT, "execve");
	check_types("evt.type != execve", EXCEPT, "execve");
	check_types("not evt.type != execve", ONLY, "execve");
	check_types("not evt.type in (open, execve)", EXCEPT, "open execve");
	check_types("not (evt.type = open or evt.type = execve)", EXCEPT, "open execve");
	check_types("not (evt.type = open and evt.type = execve)", EXCEPT, "");
	check_types("not (evt.type = open and proc.name = x)", EXCEPT, "");
	check_types("evt.type = open and not proc.name = x", ONLY, "open");
	check_types("proc.name = bash", EXCEPT, "");
	check_types("evt.type startswith open", EXCEPT, "");
	check_types("evt.type = chdir", ONLY, "syscall");
	check_types("evt.type in (chdir, fchdir, execve)", ONLY, "syscall execve");
	check_types("evt.type != chdir", EXCEPT, "");
	check_types("evt.type = USER_SOMETHING", ONLY, "record");
	check_types("evt.type = USER_LOGIN", ONLY, "USER_LOGIN");
	check_types("evt.dir = > and evt.type = execve", ONLY, "");
	check_types("evt.type = execve and evt.dir = <", ONLY, "execve");
	check_types("evt.type in ()", ONLY, "");
	check_types("evt.type in () or evt.type = bind", ONLY, "bind");
	check_types("spawned_shell", ONLY, "execve");
	check_types("never", ONLY, "");
	check_types("spawned_shell or (evt.type = connect and fd.sport = 443)", ONLY,
	            "execve connect");
	/* A comparison on a field shikra can never supply is false, whatever the operator. */
	check_types("evt.type = recvfrom and evt.buffer bcontains cafebabe", ONLY, "");
	check_types("evt.type = init_module and thread.cap_inheritable exists", ONLY, "");
	check_types("evt.type = init_module and not thread.cap_inheritable icontains sys_module",
	            ONLY, "init_module");
	/* The capability sets come from /proc: a rule on them can fire. */
	check_types("evt.type = init_module and thread.cap_effective icontains sys_module", ONLY,
	            "init_module");
	check_types("evt.type = init_module and thread.cap_permitted exists", ONLY, "init_module");
	check_types("evt.type = execve and (proc.env[HOME] != x or proc.name = bash)", ONLY,
	            "execve");
	check_types("evt.type = execve and len(proc.env) > 0", ONLY, "");
	check_types("evt.type = execve and proc.name = val(proc.sname)", ONLY, "");
}

static void
collect_name(const char *name, void *arg)
{
	sbuf_printf(arg, "%s;", name);
}

/* Which fields made comparisons false at compile time, once each, in order. */
void
test_folded_fields(void **state)
{
	static const struct { const char *cond, *want; } t[] = {
		{ "proc.name = bash", "" },
		{ "evt.dir = <", "" },
		{ "evt.dir = > or proc.env exists or not proc.env = x", "evt.dir;proc.env;" },
		{ "thread.cap_inheritable contains A and fd.sip.name = b and evt.dir != <",
		  "thread.cap_inheritable;fd.sip.name;evt.dir;" },
		{ "thread.cap_effective contains A or thread.cap_permitted exists", "" },
		{ "proc.name = val(proc.sname)", "proc.sname;" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct filter *f = compile_ok(test_env, t[i].cond);
		struct sbuf b = SBUF_INIT;
		filter_folded_fields(f, collect_name, &b);
		if (strcmp(sbuf_str(&b), t[i].want) != 0)
			fail_msg("%s: got \"%s\"", t[i].cond, sbuf_str(&b));
		sbuf_free(&b);
		filter_free(f);
	}
}

/* ---- watched paths ---- */

static void
collect_path(const char *path, enum filter_path_kind kind, void *arg)
{
	static const char kinds[] = { [FPATH_EXACT] = 'E', [FPATH_DIR] = 'D',
	                              [FPATH_PREFIX] = 'P', [FPATH_GLOB] = 'G' };

	sbuf_printf(arg, "%c:%s;", kinds[kind], path);
}

/* The paths COND needs for USE are WANT (kind:path; ...), unbounded or not. */
static void
check_use(const char *cond, enum filter_path_use use, const char *want, bool want_unbounded)
{
	struct filter *f = compile_ok(test_env, cond);
	struct sbuf b = SBUF_INIT;
	bool unbounded = !want_unbounded;

	filter_paths(f, use, collect_path, &b, &unbounded);
	if (strcmp(sbuf_str(&b), want) != 0 || unbounded != want_unbounded)
		fail_msg("%s: got \"%s\"%s", cond, sbuf_str(&b), unbounded ? " unbounded" : "");
	sbuf_free(&b);
	filter_free(f);
}

static void
check_paths(const char *cond, const char *want, bool want_unbounded)
{
	check_use(cond, FPUSE_FANOTIFY, want, want_unbounded);
}

void
test_paths(void **state)
{
	check_paths("evt.type = openat and fd.name = /etc/shadow", "E:/etc/shadow;", false);
	check_paths("evt.type = openat and fd.name in (/etc/shadow, /etc/passwd)",
	            "E:/etc/shadow;E:/etc/passwd;", false);
	check_paths("fd.name startswith /etc/", "P:/etc/;", false);
	check_paths("fd.name startswith /etc/pass", "P:/etc/pass;", false);
	check_paths("fd.directory = /root/.ssh", "D:/root/.ssh;", false);
	check_paths("fd.name glob '/home/*/.ssh/*'", "G:/home/*/.ssh/*;", false);
	check_paths("fd.name pmatch (/boot, /var/*/x/)", "P:/boot/;G:/var/*/x;", false);
	check_paths("evt.type = execve and proc.name = bash", "", false);
	check_paths("evt.type = openat", "", true);
	check_paths("evt.type = openat and not fd.name = /etc/shadow", "", true);
	check_paths("(evt.type = openat and fd.name = /a) or evt.type = execve", "E:/a;", false);
	/* unlink and memfd_create are audited unfiltered and fanotify has no such event: a branch
	 * that can match only them needs no path. */
	check_paths("(evt.type = openat and fd.name = /a) or (evt.type = unlink and "
	            "proc.name = rm)", "E:/a;", false);
	check_paths("evt.type = memfd_create", "", false);
	check_paths("(evt.type = openat and fd.name = /a) or evt.type = delete", "", true);
	check_paths("fd.name = relative/path", "", true);
	check_paths("fd.name contains shadow", "", true);
	check_paths("fd.name = /a or fd.name = /a or fd.directory = /a", "E:/a;D:/a;", false);
	check_paths("fd.name = /a and fd.name in (/b, /c)", "E:/a;", false);
	check_paths("tolower(fd.name) = /a", "", true);
	check_paths("fd.name in ()", "", false);
	check_paths("fd.sip = 10.0.0.1", "", true);
	check_use("evt.type = create and fd.directory = /dev", FPUSE_FANOTIFY, "D:/dev;", false);
	check_use("evt.type = create and fd.directory = /dev", FPUSE_AUDIT_OPEN, "", false);
	check_use("evt.type = openat and fd.name = /a or evt.type = modify and fd.name = /b",
	          FPUSE_AUDIT_OPEN, "E:/a;", false);
	check_use("evt.type = openat and fd.name = /a or evt.type = modify", FPUSE_AUDIT_OPEN,
	          "E:/a;", false);
	check_use("evt.type = openat and fd.name = /a or evt.type = modify", FPUSE_FANOTIFY,
	          "", true);
}

/* ---- errors ---- */

/* Compiling COND (against the test env) fails, and the first problem reads WANT. */
static void
expect_error(const char *cond, const char *want)
{
	struct diags d = DIAGS_INIT;
	struct filter *f = NULL;
	char *s;

	assert_int_equal(filter_compile(test_env, cond, &rule_src, 0, &f, &d), -EINVAL);
	assert_null(f);
	assert_true(diags_has_errors(&d));
	s = diag_format(&d.v[0]);
	if (strcmp(s, want) != 0)
		fail_msg("%s:\n got  %s\n want %s", cond, s, want);
	free(s);
	diags_free(&d);
}

#define E(col, msg) "r.yaml:10:" #col ": error: rule 'R': " msg

void
test_syntax_errors(void **state)
{
	expect_error("proc.name = \"abc", E(17, "unterminated string"));
	expect_error("proc.name like bash", E(15, "unknown operator 'like'"));
	expect_error("proc.name in (a b)", E(21, "expected ',' or ')' in list, found 'b'"));
	expect_error("proc.name in (a,)", E(21, "expected a list item, found ')'"));
	expect_error("proc.name in (a, b", E(18, "unterminated list: missing ')'"));
	expect_error("proc.name in (a, (b))", E(22, "expected a list item, found '('"));
	expect_error("proc.name in \"a\"", E(18, "expected a list after 'in', found '\"a\"'"));
	expect_error("proc.name = bash )", E(22, "unexpected ')' after a complete condition"));
	expect_error("proc.name = bash bash",
	             E(22, "unexpected 'bash' after a complete condition"));
	expect_error("proc.name = \"a\xff\"", E(19, "invalid UTF-8 in string"));
	expect_error("proc.name = a\xc3", E(18, "invalid UTF-8"));
	expect_error("proc.name = \"a\\qb\"", E(19, "unsupported escape sequence in string"));
	expect_error("proc.name = 'a\\\"b'", E(19, "escaped double quote in a single-quoted string"));
	expect_error("proc.name = \"a\\'b\"", E(19, "escaped single quote in a double-quoted string"));
	expect_error("proc.name = \"\\x00\"", E(18, "NUL byte not allowed in a string"));
	expect_error("proc.name = \"\\x4\"", E(18, "hex escape needs two hexadecimal digits"));
	expect_error("proc.name =", E(16, "expected a value after '=', found end of condition"));
	expect_error("proc.name = )", E(17, "expected a value after '=', found ')'"));
	expect_error("proc.name = = x", E(17, "expected a value after '=', found '='"));
	expect_error("proc.name", E(14, "expected an operator after 'proc.name', found end of "
	                                "condition"));
	expect_error("proc.name /etc", E(15, "expected an operator after 'proc.name', found "
	                                     "'/etc'"));
	expect_error("proc.name and x", E(15, "expected an operator after 'proc.name', found "
	                                      "'and'"));
	expect_error("and proc.name = x", E(5, "expected a condition, found 'and'"));
	expect_error("proc.name = x and", E(22, "expected a condition, found end of condition"));
	expect_error("proc.name = x or or", E(22, "expected a condition, found 'or'"));
	expect_error("/etc/passwd", E(5, "expected a condition, found '/etc/passwd'"));
	expect_error("(proc.name = bash", E(5, "unbalanced '(': missing ')'"));
	expect_error("(proc.name = bash x)", E(23, "expected ')', found 'x'"));
	expect_error("", E(5, "empty condition"));
	expect_error(" \n\t ", E(5, "empty condition"));
	expect_error("proc.name = val(", E(21, "expected a field name, found end of condition"));
	expect_error("proc.name = val(proc.pname", E(31, "expected ')', found end of condition"));
	expect_error("proc.name = val('x')", E(21, "expected a field name, found ''x''"));
	expect_error("foo(proc.name) = x", E(8, "unexpected '(' after a complete condition"));
	expect_error("proc.aname[2 = x", E(15, "unterminated or empty field argument"));
	expect_error("fd.name[] = x", E(12, "unterminated or empty field argument"));
	expect_error("tolower(tolower(tolower(tolower(tolower(tolower(tolower(tolower(tolower("
	             "proc.name))))))))) = x", E(69, "too many nested transformers (at most 8)"));
	expect_error("proc.name = x and averyveryveryveryveryveryveryverylongname xyz",
	             E(65, "unexpected 'xyz' after a complete condition"));
	expect_error("proc.name = x and averyveryveryveryveryveryveryverylongnamexxxxxxxxx = y",
	             E(23, "unknown field 'averyveryveryveryveryveryveryverylongnamexxxxxxxxx'"));
	expect_error("proc.name = x or (fd.name = y and",
	             E(38, "expected a condition, found end of condition"));
	expect_error("proc.name = x and \"quoted\"", E(23, "expected a condition, found "
	                                               "'\"quoted\"'"));
	expect_error("proc.name = x abcdefghijabcdefghijabcdefghijabcdefghijabcdefghij",
	             E(19, "unexpected 'abcdefghijabcdefghijabcdefghijabcdefghij'... after a "
	                   "complete condition"));
}

void
test_type_errors(void **state)
{
	expect_error("proc.nam = bash", E(5, "unknown field 'proc.nam'"));
	expect_error("foo = bar", E(5, "unknown field 'foo'"));
	expect_error("foo and proc.name = x", E(5, "undefined macro 'foo'"));
	expect_error("proc.name < 5", E(15, "operator '<' cannot be used with 'proc.name' "
	                                    "(string)"));
	expect_error("proc.pid contains 1", E(14, "operator 'contains' cannot be used with "
	                                          "'proc.pid' (int64)"));
	expect_error("fd.sip startswith 10.", E(12, "operator 'startswith' cannot be used with "
	                                            "'fd.sip' (ipaddr)"));
	expect_error("evt.failed glob t*", E(16, "operator 'glob' cannot be used with "
	                                         "'evt.failed' (bool)"));
	expect_error("proc.pid = abc", E(16, "invalid number 'abc' for field 'proc.pid' (int64)"));
	expect_error("proc.pid in (1, 2x, 3)", E(21, "invalid number '2x' for field 'proc.pid' "
	                                             "(int64)"));
	expect_error("fd.sport = 70000", E(16, "invalid number '70000' for field 'fd.sport' "
	                                       "(port)"));
	expect_error("user.uid = -1", E(16, "invalid number '-1' for field 'user.uid' (uint64)"));
	expect_error("proc.pid = 9223372036854775808", E(16, "invalid number "
	             "'9223372036854775808' for field 'proc.pid' (int64)"));
	expect_error("evt.is_open_read = yes", E(24, "invalid boolean 'yes' for field "
	                                             "'evt.is_open_read' (true or false)"));
	expect_error("fd.sip = 300.1.1.1", E(14, "invalid IP address or network '300.1.1.1' "
	                                         "for field 'fd.sip'"));
	expect_error("fd.net = 10.0.0.0/33", E(14, "invalid IP address or network "
	                                           "'10.0.0.0/33' for field 'fd.net'"));
	expect_error("fd.net in (nets, 10.0.0.0/x)", E(22, "invalid IP address or network "
	                                                   "'10.0.0.0/x' for field 'fd.net'"));
	expect_error("proc.name regex 'a)|(b'", E(21, "invalid regular expression 'a)|(b': "
	                                              "unbalanced parentheses"));
	expect_error("proc.name regex '(a'", E(21, "invalid regular expression '(a': "
	                                           "unbalanced parentheses"));
	expect_error("proc.name regex '[a'", E(21, "invalid regular expression '[a': "
	                                           "unbalanced brackets"));
	expect_error("proc.name regex 'a++'", E(21, "invalid regular expression 'a++': "
	             "repetition operator without an operand or after another"));
	expect_error("proc.name regex '*a'", E(21, "invalid regular expression '*a': "
	             "repetition operator without an operand or after another"));
	expect_error("proc.name regex 'a{1001}'", E(21, "invalid regular expression 'a{1001}': "
	             "repetition count above 1000"));
	expect_error("proc.name regex '((a{1,100}){1,100}){1,100}'", E(21, "invalid regular "
	             "expression '((a{1,100}){1,100}){1,100}': too complex"));
	expect_error("proc.name regex '(a*)(a*)\\\\2\\\\3c'", E(21, "invalid regular expression "
	             "'(a*)(a*)\\\\2\\\\3c': back-references are not supported"));

	expect_error("proc.name bcontains xyz", E(25, "invalid hex byte string 'xyz' for "
	                                              "'bcontains'"));
	expect_error("proc.name bstartswith abc", E(27, "invalid hex byte string 'abc' for "
	                                                "'bstartswith'"));
	expect_error("len(proc.pid) = 1", E(5, "transformer 'len' needs a string, but "
	                                       "'proc.pid' is int64"));
	expect_error("tolower(len(proc.name)) = 1", E(5, "transformer 'tolower' needs a "
	                                                 "string, but 'proc.name' is uint64"));
	expect_error("proc.name pmatch val(proc.pname)", E(22, "operator 'pmatch' cannot "
	                                                       "compare with a field"));
	expect_error("proc.name regex val(proc.pname)", E(21, "operator 'regex' cannot compare "
	                                                      "with a field"));
	expect_error("proc.pid = val(proc.name)", E(16, "cannot compare 'proc.pid' (int64) with "
	                                                "'proc.name' (string)"));
	expect_error("fd.net = val(fd.sip)", E(14, "field 'fd.net' (ipnet) cannot compare with "
	                                           "a field"));
	expect_error("proc.name = val(proc.nope)", E(21, "unknown field 'proc.nope'"));
	expect_error("proc.aname[x] = a", E(5, "invalid field 'proc.aname[x]': bad index (a "
	                                       "number from 0 to 65535 is expected)"));
	expect_error("proc.name[1] = a", E(5, "invalid field 'proc.name[1]': this field takes "
	                                      "no argument"));

	/* Every problem of one condition is reported, in order. */
	struct diags d = DIAGS_INIT;
	struct filter *f = NULL;
	char *s;

	/* regcomp()'s own complaints come through (their wording is the C library's). */
	assert_int_equal(filter_compile(test_env, "proc.name regex 'a{2,1}'", &rule_src, 0, &f,
	                                &d), -EINVAL);
	assert_ptr_equal(strstr(d.v[0].msg, "rule 'R': invalid regular expression 'a{2,1}': "),
	                 d.v[0].msg);
	assert_int_equal(d.v[0].col, 21);
	diags_free(&d);
	assert_int_equal(filter_compile(test_env, "proc.nam = a and proc.pid = x or nomacro",
	                                &rule_src, 0, &f, &d), -EINVAL);
	assert_int_equal(d.n, 1);   /* an undefined macro stops before compilation */
	s = diag_format(&d.v[0]);
	assert_string_equal(s, E(38, "undefined macro 'nomacro'"));
	free(s);
	diags_free(&d);
	assert_int_equal(filter_compile(test_env, "proc.nam = a and proc.pid = x", &rule_src, 0,
	                                &f, &d), -EINVAL);
	assert_int_equal(d.n, 2);
	s = diag_format(&d.v[1]);
	assert_string_equal(s, E(33, "invalid number 'x' for field 'proc.pid' (int64)"));
	free(s);
	diags_free(&d);
}

/* Adding a definition to ENV fails with the first problem reading WANT. */
static void
expect_def_error(struct filter_env *env, bool macro, const char *name, const char *text,
                 const char *const *items, size_t n, const char *want)
{
	static const struct filter_src msrc = {
		.file = "m.yaml", .line = 3, .col = 14, .item = NULL,
	};
	struct diags d = DIAGS_INIT;
	int rc = macro ? filter_env_add_macro(env, name, text, &msrc, &d)
	               : filter_env_add_list(env, name, items, n, &msrc, &d);
	char *s;

	assert_int_equal(rc, -EINVAL);
	assert_true(d.n >= 1);
	s = diag_format(&d.v[0]);
	if (strcmp(s, want) != 0)
		fail_msg("%s:\n got  %s\n want %s", name, s, want);
	free(s);
	diags_free(&d);
}

static void
define(struct filter_env *env, const char *name, const char *cond)
{
	struct diags d = DIAGS_INIT;

	if (filter_env_add_macro(env, name, cond, NULL, &d) != 0) {
		diags_print(&d, stderr);
		fail_msg("macro %s", name);
	}
	diags_free(&d);
}

static bool
eval_env(struct filter_env *env, const char *cond, enum test_event k)
{
	struct filter *f = compile_ok(env, cond);
	struct arena scratch = ARENA_INIT;
	struct event *ev = test_event(k);
	bool r = filter_eval(f, ev, &scratch);

	arena_free(&scratch);
	event_free(ev);
	filter_free(f);
	return r;
}

void
test_definition_errors(void **state)
{
	static const char *const unterminated[] = { "ok", "\"open" };
	static const char *const junk[] = { "\"a\" junk" };
	static const char *const badutf[] = { "a\xff" };
	struct filter_env *env;

	assert_int_equal(filter_env_new(&env), 0);
	/* A macro sees only earlier definitions: itself and later ones are undefined. */
	expect_def_error(env, true, "a", "a and proc.name = x", NULL, 0,
	                 "m.yaml:3:14: error: macro 'a': undefined macro 'a' (a macro cannot "
	                 "refer to itself)");
	expect_def_error(env, true, "m1", "proc.name = x or m2", NULL, 0,
	                 "m.yaml:3:31: error: macro 'm1': undefined macro 'm2'");
	assert_false(filter_env_has_macro(env, "m1"));
	define(env, "m2", "proc.name = bash");
	define(env, "m1", "proc.name = x or m2");
	/* Redefining m2 in terms of m1 is no cycle: m1 keeps the m2 it saw. */
	define(env, "m2", "m1 and proc.pid = 1234");
	assert_true(eval_env(env, "m2", EV_EXEC));
	define(env, "m2", "m2 and proc.pid = 1");    /* the earlier m2 is not visible either */
	expect_def_error(env, true, "bad", "proc.name = ", NULL, 0,
	                 "m.yaml:3:26: error: macro 'bad': expected a value after '=', found end of "
	                 "condition");
	expect_def_error(env, false, "l", NULL, unterminated, 2,
	                 "m.yaml:3:14: error: list 'l': item 2: unterminated string");
	expect_def_error(env, false, "l", NULL, junk, 1,
	                 "m.yaml:3:14: error: list 'l': item 1: text after the closing quote");
	expect_def_error(env, false, "l", NULL, badutf, 1,
	                 "m.yaml:3:14: error: list 'l': item 1: invalid UTF-8");
	assert_false(filter_env_has_list(env, "l"));
	/* With an item label from the caller the list is not named twice. */
	static const struct filter_src lsrc = {
		.file = "l.yaml", .line = 7, .col = 3, .item = "list 'l'",
	};
	struct diags d = DIAGS_INIT;
	assert_int_equal(filter_env_add_list(env, "l", junk, 1, &lsrc, &d), -EINVAL);
	char *s = diag_format(&d.v[0]);
	assert_string_equal(s, "l.yaml:7:3: error: list 'l': item 1: text after the closing "
	                       "quote");
	free(s);
	diags_free(&d);
	filter_env_free(env);
}

void
test_positions(void **state)
{
	static const struct filter_src msrc = {
		.file = "m.yaml", .line = 3, .col = 14, .item = "macro 'mm'",
	};
	struct filter_env *env;
	struct diags d = DIAGS_INIT;
	struct filter *f = NULL;
	char *s;

	expect_error("proc.name = bash and\n  proc.nam = x",
	             "r.yaml:11:3: error: rule 'R': unknown field 'proc.nam'");
	expect_error("proc.name = '\xc3\xa9\xc3\xa9' and proc.nam = x", E(26, "unknown field "
	                                                                    "'proc.nam'"));
	/* An error inside a macro points into the macro's definition. */
	assert_int_equal(filter_env_new(&env), 0);
	assert_int_equal(filter_env_add_macro(env, "mm", "proc.name = a and\n    proc.nam = x",
	                                      &msrc, &d), 0);
	assert_int_equal(filter_compile(env, "mm and proc.name = y", &rule_src, 0, &f, &d),
	                 -EINVAL);
	s = diag_format(&d.v[0]);
	assert_string_equal(s, "m.yaml:4:5: error: macro 'mm': unknown field 'proc.nam' "
	                       "(used by rule 'R')");
	free(s);
	diags_free(&d);
	/* Without a source: no file, positions from 1:1. */
	assert_int_equal(filter_compile(env, "proc.name = a or\nx y", NULL, 0, &f, &d), -EINVAL);
	s = diag_format(&d.v[0]);
	assert_string_equal(s, "error: unexpected 'y' after a complete condition");
	assert_int_equal(d.v[0].line, 2);
	assert_int_equal(d.v[0].col, 3);
	free(s);
	diags_free(&d);
	filter_env_free(env);
}

void
test_skip_unknown(void **state)
{
	struct diags d = DIAGS_INIT;
	struct filter *f = NULL;
	char *s;

	assert_int_equal(filter_compile(test_env, "proc.nam = x and proc.name = y", &rule_src,
	                                FILTER_SKIP_UNKNOWN, &f, &d), -ENOENT);
	assert_null(f);
	assert_false(diags_has_errors(&d));
	assert_int_equal(d.n, 1);
	s = diag_format(&d.v[0]);
	assert_string_equal(s, "r.yaml:10:5: warning: rule 'R': unknown field 'proc.nam'");
	free(s);
	diags_free(&d);
	/* Other errors still fail the rule. */
	assert_int_equal(filter_compile(test_env, "proc.nam = x and proc.pid = y", &rule_src,
	                                FILTER_SKIP_UNKNOWN, &f, &d), -EINVAL);
	assert_true(diags_has_errors(&d));
	diags_free(&d);
	assert_int_equal(filter_compile(test_env, "proc.name = y", &rule_src,
	                                FILTER_SKIP_UNKNOWN, &f, &d), 0);
	filter_free(f);
	diags_free(&d);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *
repeat(const char *head, const char *unit, size_t n, const char *mid, const char *tail,
       size_t ntail)
{
	struct sbuf b = SBUF_INIT;

	sbuf_puts(&b, head);
	for (size_t i = 0; i < n; i++)
		sbuf_puts(&b, unit);
	sbuf_puts(&b, mid);
	for (size_t i = 0; i < ntail; i++)
		sbuf_puts(&b, tail);
	return sbuf_steal(&b);
}

/* Definitions that grow past the limits, and chains that fail at the Nth step. */
static void
grow_until_error(bool macros, const char *want_prefix)
{
	struct filter_env *env;
	struct diags d = DIAGS_INIT;
	char name[16], prev[16], cond[64];
	int rc = 0, i;

	assert_int_equal(filter_env_new(&env), 0);
	for (i = 0; i < 40 && rc == 0; i++) {
		snprintf(name, sizeof(name), "x%d", i);
		if (macros) {
			snprintf(cond, sizeof(cond), i ? "%s or %s" : "proc.name = a", prev, prev);
			rc = filter_env_add_macro(env, name, cond, NULL, &d);
		} else {
			const char *items[2] = { i ? prev : "a", i ? prev : "b" };
			rc = filter_env_add_list(env, name, items, 2, NULL, &d);
		}
		memcpy(prev, name, sizeof(prev));
	}
	assert_int_equal(rc, -EINVAL);
	assert_true(i > 15 && i < 25);
	assert_non_null(strstr(d.v[0].msg, want_prefix));
	diags_free(&d);
	filter_env_free(env);
}

void
test_limits(void **state)
{
	struct diags d = DIAGS_INIT;
	struct filter *f = NULL;
	double t0 = now();
	char *c;

	/* 10,000 nested parentheses fail cleanly, at the 201st, and fast. */
	c = repeat("", "(", 10000, "proc.name = bash", ")", 10000);
	expect_error(c, E(205, "condition nested too deeply (more than 200 levels)"));
	free(c);
	c = repeat("", "not ", 10000, "proc.name = bash", "", 0);
	expect_error(c, E(805, "condition nested too deeply (more than 200 levels)"));
	free(c);
	c = repeat("", "not (", 5000, "proc.name = bash", ")", 5000);
	assert_int_equal(filter_compile(test_env, c, &rule_src, 0, &f, &d), -EINVAL);
	diags_free(&d);
	free(c);
	assert_true(now() - t0 < 2.0);
	/* 199 levels are fine. */
	c = repeat("", "(", 199, "proc.name = bash", ")", 199);
	assert_true(eval_env(test_env, c, EV_EXEC));
	free(c);
	/* Long flat chains and big lists are not nesting. */
	c = repeat("proc.name = x", " or proc.name = x", 20000, " or proc.name = bash", "", 0);
	assert_true(eval_env(test_env, c, EV_EXEC));
	free(c);
	c = repeat("proc.name in (a", ", a", 100000, ", bash)", "", 0);
	assert_true(eval_env(test_env, c, EV_EXEC));
	free(c);
	/* Doubling macros and lists stop at the expansion budget. */
	grow_until_error(true, "condition too large after expanding macros and lists");
	grow_until_error(false, "too large after expansion");
	/* A deep chain of macros stops at the depth limit. */
	struct filter_env *env;
	char name[16], cond[64];
	int rc = 0, i;
	assert_int_equal(filter_env_new(&env), 0);
	define(env, "d0", "proc.name = bash");
	for (i = 1; i < 1100 && rc == 0; i++) {
		snprintf(name, sizeof(name), "d%d", i);
		snprintf(cond, sizeof(cond), "(d%d and proc.pid = 1234)", i - 1);
		rc = filter_env_add_macro(env, name, cond, NULL, &d);
	}
	assert_int_equal(rc, -EINVAL);
	assert_non_null(strstr(d.v[0].msg, "condition nested too deeply after expanding macros"));
	assert_true(eval_env(env, "d500", EV_EXEC));
	diags_free(&d);
	filter_env_free(env);
}

/* Many rules using one doubling macro: each fits the per-condition limit, but the ruleset
 * budget stops them.  Counted, not timed: the rules that compile are exactly those the budget
 * allows, and a rule refused past it expands nothing (the count does not move). */
void
test_ruleset_budget(void **state)
{
	struct filter_env *env;
	struct diags d = DIAGS_INIT;
	struct filter *f = NULL;
	char name[16], cond[64];
	uint64_t base, per, before;
	int ok = 0, rc = 0;

	(void)state;
	assert_int_equal(filter_env_new(&env), 0);
	define(env, "x0", "proc.name = a");
	for (int i = 1; i <= 16; i++) {
		snprintf(name, sizeof(name), "x%d", i);
		snprintf(cond, sizeof(cond), "x%d or x%d", i - 1, i - 1);
		define(env, name, cond);
	}
	base = env->spent;
	assert_true(base < EXPAND_MAX_TOTAL / 2);
	assert_int_equal(filter_compile(env, "x16", &rule_src, 0, &f, &d), 0);
	filter_free(f);
	ok = 1;
	per = env->spent - base;
	assert_true(per > EXPAND_MAX_UNITS / 8 && per <= EXPAND_MAX_UNITS);
	while (ok < 100 && (rc = filter_compile(env, "x16", &rule_src, 0, &f, &d)) == 0) {
		filter_free(f);
		ok++;
	}
	assert_int_equal(rc, -EINVAL);
	print_message("budget: macros %" PRIu64 " units, %" PRIu64 " per rule, %d rules fit\n", base,
	              per, ok);
	assert_int_equal(ok, (EXPAND_MAX_TOTAL - base) / per);
	assert_true(env->spent <= EXPAND_MAX_TOTAL);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].line, 10);      /* positioned at the rule */
	assert_non_null(strstr(d.v[0].msg, "ruleset too large after expansion"));
	/* Small rules use up what is left; then even they are refused, with no expansion done. */
	before = env->spent;
	while ((rc = filter_compile(env, "proc.name = b", &rule_src, 0, &f, &d)) == 0) {
		filter_free(f);
		assert_true(env->spent > before && env->spent <= EXPAND_MAX_TOTAL);
		before = env->spent;
	}
	assert_true(EXPAND_MAX_TOTAL - env->spent < 4);
	for (int i = 0; i < 50; i++)
		assert_int_equal(filter_compile(env, "proc.name = b", &rule_src, 0, &f, &d), -EINVAL);
	assert_true(env->spent == before);
	assert_int_equal(d.n, 52);
	/* A fresh environment (the next load) starts from zero. */
	diags_free(&d);
	filter_env_free(env);
	assert_int_equal(filter_env_new(&env), 0);
	assert_int_equal(filter_compile(env, "proc.name = b", &rule_src, 0, &f, &d), 0);
	filter_free(f);
	filter_env_free(env);
}
