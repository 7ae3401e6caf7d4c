/* test_loader.c - unit tests for the rule-file loader (rules/loader*.c), priorities and the
 * audit rule derivation: what Falco's collection rules make of our test files, the exact
 * diagnostics for broken files (golden), and the auditctl lines for a set of event types.
 * Data: tests/data/rules/ (found through $TOP_SRCDIR). */
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
#include <unistd.h>
#include <cmocka.h>

#include "testutil.h"

#include "core/diag.h"
#include "core/sbuf.h"
#include "rules/auditrules.h"
#include "rules/loader.h"
#include "rules/ruleset.h"

static struct loader *
load_files(const char *const *files, size_t n, struct diags *d)
{
	struct loader *ld = NULL;

	assert_int_equal(loader_new(&ld), 0);
	for (size_t i = 0; i < n; i++)
		loader_read_file(ld, files[i], d);
	return ld;
}

static struct loader *
load_text(const char *text, struct diags *d, int want)
{
	struct loader *ld = NULL;
	struct yamldoc *doc = NULL;

	assert_int_equal(loader_new(&ld), 0);
	assert_int_equal(yamldoc_parse("t.yaml", text, strlen(text), &doc, d), 0);
	assert_int_equal(loader_read_doc(ld, doc, d), want);
	return ld;
}

static const struct loader_rule *
rule(const struct loader *ld, const char *name)
{
	long i = loader_find_rule(ld, name);

	assert_true(i >= 0);
	return &ld->rules[i];
}

static void
test_collect_base_and_local(void **state)
{
	static const char *const files[] = { "base.yaml", "local.yaml" };
	struct diags d = DIAGS_INIT;
	struct loader *ld = load_files(files, 2, &d);
	const struct loader_list *l;
	const struct loader_macro *m;
	const struct loader_rule *r;
	char *text = diags_text(&d);

	assert_string_equal(text,
		"base.yaml:9:7: warning: required_plugin_versions: plugin 'k8saudit' is required, "
		"but shikra loads no plugins (only the container plugin's fields are built in); "
		"rules that need it will not load\n"
		"base.yaml:101:11: warning: rule 'Kubernetes thing': source 'k8s_audit' is not "
		"supported (shikra evaluates syscall rules only); the rule is skipped\n"
		"local.yaml:27:11: warning: rule 'Shell spawned': 'append: true' is deprecated; use "
		"'override' with an 'append' entry (e.g. 'condition: append')\n"
		"local.yaml:46:12: warning: rule 'Editor run': an item with only 'enabled' is "
		"deprecated; use 'override: {enabled: replace}'\n");
	free(text);
	assert_false(diags_has_errors(&d));

	/* override: items: append, and a full redefinition that keeps its place. */
	l = &ld->lists[loader_find_list(ld, "shells")];
	assert_int_equal(l->nitems, 4);
	assert_string_equal(l->items[3], "fish");
	assert_int_equal(l->index, 0);
	assert_true(l->visibility > ld->rules[0].index);
	l = &ld->lists[loader_find_list(ld, "editors")];
	assert_int_equal(l->nitems, 1);
	assert_string_equal(l->items[0], "emacs");
	assert_int_equal(l->index, 1);
	assert_string_equal(ld->lists[2].items[2], "\"less-\"");

	m = &ld->macros[loader_find_macro(ld, "allowed_parents")];
	assert_string_equal(sbuf_str(&m->cond), "(never_true) or proc.pname = systemd");
	assert_int_equal(m->cond_src.line, 38);     /* still the first definition's text */
	assert_int_equal(m->cond_src.col, 14);

	r = rule(ld, "Shell spawned");
	assert_string_equal(sbuf_str(&r->cond),
	                    "shell_spawned and not allowed_parents\n and user.uid != 0");
	assert_string_equal(sbuf_str(&r->output), "Shell spawned (user=%user.name "
	                    "parent=%proc.pname cmdline=%proc.cmdline) (uid=%user.uid)");
	assert_int_equal(r->priority, PRIO_WARNING);
	assert_int_equal(r->ntags, 3);
	assert_int_equal(r->nexc, 3);
	assert_int_equal(r->exc[0].nvalues, 3);   /* two in base.yaml, one appended */

	r = rule(ld, "Outbound SSH");
	assert_int_equal(r->priority, PRIO_CRITICAL);
	assert_int_equal(r->ntags, 2);
	assert_string_equal(r->tags[1], "ssh");
	assert_true(rule(ld, "Editor run")->enabled);
	assert_int_equal(rule(ld, "Editor run")->priority, PRIO_INFORMATIONAL);
	assert_false(rule(ld, "Etc written")->enabled);
	assert_string_equal(sbuf_str(&rule(ld, "Etc written")->output),
	                    "File below /etc opened (file=%fd.name)");
	assert_false(rule(ld, "Named bash")->warn_evttypes);
	assert_true(rule(ld, "Future field")->skip_unknown);
	assert_true(rule(ld, "Kubernetes thing")->unknown_source);
	/* Rules keep file order. */
	assert_string_equal(ld->rules[0].name, "Shell spawned");
	assert_string_equal(ld->rules[6].name, "Kubernetes thing");
	assert_int_equal(ld->required_engine[1], 50);
	loader_free(ld);
	diags_free(&d);
}

static void
test_exceptions_compile_to_and_not(void **state)
{
	static const char *const files[] = { "base.yaml", "local.yaml" };
	struct diags d = DIAGS_INIT;
	struct loader *ld = load_files(files, 2, &d);
	struct sbuf c = SBUF_INIT;
	size_t shift = 99;

	loader_rule_condition(rule(ld, "Shell spawned"), &c, &shift);
	assert_int_equal(shift, 1);
	assert_string_equal(sbuf_str(&c),
		"(shell_spawned and not allowed_parents\n and user.uid != 0)"
		" and not ((proc.pname in (sshd, login) and proc.cmdline startswith \"bash -c\")"
		" or (proc.pname in (cron_parents) and proc.cmdline startswith /usr/bin/run)"
		" or (proc.pname in (systemd) and proc.cmdline startswith \"/bin/x y\"))"
		" and not (user.name in (root, \"svc account\"))"
		" and not ((proc.tty = 0 and proc.name = bash))");
	sbuf_reset(&c);
	loader_rule_condition(rule(ld, "Outbound SSH"), &c, &shift);
	assert_int_equal(shift, 0);
	assert_string_equal(sbuf_str(&c), "evt.type = connect and fd.rport = 22");
	sbuf_free(&c);
	loader_free(ld);
	diags_free(&d);
}

static void
test_broken_files_golden(void **state)
{
	static const char *const files[] = {
		"broken.yaml", "notseq.yaml", "syntax.yaml", "missing.yaml",
	};
	struct diags d = DIAGS_INIT;
	struct loader *ld = load_files(files, 4, &d);
	char *got = diags_text(&d), *want = read_text_file("broken.expected");

	assert_string_equal(got, want);
	free(got);
	free(want);
	loader_free(ld);
	diags_free(&d);
}

static void
test_duplicate_names_later_wins(void **state)
{
	static const char *const files[] = { "dup.yaml" };
	struct diags d = DIAGS_INIT;
	struct loader *ld = load_files(files, 1, &d);
	const struct loader_rule *r = rule(ld, "Proc");
	char *text = diags_text(&d);

	assert_string_equal(text, "dup.yaml:24:7: warning: rule 'Proc': more than one "
	                    "exception is named 'same'\n");
	free(text);
	assert_int_equal(ld->nlists, 1);
	assert_string_equal(ld->lists[0].items[0], "b");
	assert_int_equal(ld->nmacros, 1);
	assert_string_equal(sbuf_str(&ld->macros[0].cond),
	                    "proc.name in (procs) and evt.type = execve");
	assert_int_equal(ld->nrules, 1);
	assert_string_equal(sbuf_str(&r->desc), "second");
	assert_int_equal(r->nexc, 2);
	/* The rule keeps its first place; its visibility is its latest definition. */
	assert_int_equal(r->index, 4);
	assert_int_equal(r->visibility, 5);
	loader_free(ld);
	diags_free(&d);
}

/* The deprecated 'append: true' on a list or a macro names the override entry to use. */
static void
test_deprecated_append_hints(void **state)
{
	struct diags d = DIAGS_INIT;
	struct loader *ld;
	char *text;

	ld = load_text("- list: l\n  items: [a]\n"
	               "- list: l\n  items: ['\"b c\"']\n  append: true\n"
	               "- macro: m\n  condition: proc.name in (l)\n"
	               "- macro: m\n  condition: or proc.name = x\n  append: true\n", &d, 0);
	text = diags_text(&d);
	assert_string_equal(text,
		"t.yaml:5:11: warning: list 'l': 'append: true' is deprecated; use 'override' "
		"with an 'append' entry ('items: append')\n"
		"t.yaml:10:11: warning: macro 'm': 'append: true' is deprecated; use 'override' "
		"with an 'append' entry ('condition: append')\n");
	free(text);
	assert_int_equal(ld->lists[0].nitems, 2);
	assert_string_equal(ld->lists[0].items[1], "\"b c\"");
	assert_string_equal(sbuf_str(&ld->macros[0].cond), "proc.name in (l) or proc.name = x");
	loader_free(ld);
	diags_free(&d);
}

static void
test_engine_versions(void **state)
{
	struct diags d = DIAGS_INIT;
	struct loader *ld;
	char *text;

	ld = load_text("- required_engine_version: 57\n"
	               "- required_engine_version: '0.57.0'\n"
	               "- required_engine_version: 0.3.1\n", &d, 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(ld->required_engine[1], 57);
	loader_free(ld);
	ld = load_text("- required_engine_version: 58\n"
	               "- required_engine_version: 1.0.0\n"
	               "- required_engine_version: 0.57.1\n"
	               "- required_engine_version: 0.57\n"
	               "- required_engine_version: [1]\n", &d, -EINVAL);
	text = diags_text(&d);
	assert_string_equal(text,
		"t.yaml:1:28: error: required_engine_version: the file requires engine version "
		"0.58.0, but shikra implements engine version 0.57.0\n"
		"t.yaml:2:28: error: required_engine_version: the file requires engine version "
		"1.0.0, but shikra implements engine version 0.57.0\n"
		"t.yaml:3:28: error: required_engine_version: the file requires engine version "
		"0.57.1, but shikra implements engine version 0.57.0\n"
		"t.yaml:4:28: error: required_engine_version: cannot parse '0.57' as an engine "
		"version: expected an integer or x.y.z\n"
		"t.yaml:5:28: error: required_engine_version: cannot parse '' as an engine "
		"version: expected an integer or x.y.z\n");
	free(text);
	loader_free(ld);
	diags_free(&d);
}

static void
test_plugins_and_alternatives(void **state)
{
	struct diags d = DIAGS_INIT;
	struct loader *ld;
	char *text;

	ld = load_text("- required_plugin_versions:\n"
	               "    - name: json\n"
	               "      version: 0.7.0\n"
	               "      alternatives:\n"
	               "        - name: container\n"
	               "          version: 0.1.0\n"
	               "    - name: k8smeta\n"
	               "      version: 1.x\n"
	               "      colour: red\n", &d, -EINVAL);
	text = diags_text(&d);
	assert_string_equal(text,
		"t.yaml:9:7: error: required_plugin_versions: unknown key 'colour'\n"
		"t.yaml:8:16: error: required_plugin_versions: invalid plugin version '1.x'\n"
		"t.yaml:7:7: warning: required_plugin_versions: plugin 'k8smeta' is required, but "
		"shikra loads no plugins (only the container plugin's fields are built in); rules "
		"that need it will not load\n");
	free(text);
	loader_free(ld);
	diags_free(&d);
}

/* Override forms that are subtle in Falco: replacing exceptions, appending new ones, and a
 * key listed under override that the item does not carry. */
static void
test_override_exceptions(void **state)
{
	struct diags d = DIAGS_INIT;
	struct loader *ld;
	const struct loader_rule *r;
	char *text;

	ld = load_text(
		"- rule: R\n  desc: d\n  condition: evt.type = execve\n  output: o\n"
		"  priority: notice\n"
		"  exceptions:\n    - name: a\n      fields: [proc.name]\n      values: [[x]]\n"
		"- rule: R\n  exceptions:\n    - name: b\n      fields: proc.name\n"
		"      comps: pmatch\n      values: [/tmp]\n"
		"  override:\n    exceptions: replace\n"
		"- rule: R\n  exceptions:\n    - name: b\n      values: [/var]\n"
		"    - name: c\n      fields: [proc.pid]\n"
		"  override:\n    exceptions: append\n"
		"- rule: R\n  override:\n    desc: replace\n", &d, -EINVAL);
	r = rule(ld, "R");
	text = diags_text(&d);
	assert_string_equal(text,
		"t.yaml:22:7: warning: rule 'R': exception 'c' is overridden or appended with no "
		"values\n"
		"t.yaml:23:15: error: rule 'R': new exception 'c' must have values\n"
		"t.yaml:26:3: error: rule 'R': 'override' names 'desc', but the item has no 'desc'\n");
	free(text);
	assert_int_equal(r->nexc, 1);
	assert_string_equal(r->exc[0].name, "b");
	assert_int_equal(r->exc[0].nvalues, 2);
	{
		struct sbuf c = SBUF_INIT;
		size_t shift;
		loader_rule_condition(r, &c, &shift);
		assert_string_equal(sbuf_str(&c),
		                    "(evt.type = execve) and not (proc.name pmatch (/tmp, /var))");
		sbuf_free(&c);
	}
	loader_free(ld);
	diags_free(&d);
}

static void
test_priority_names(void **state)
{
	enum priority p = PRIO_DEBUG;

	assert_string_equal(priority_name(PRIO_INFORMATIONAL), "Informational");
	assert_string_equal(priority_name(PRIO_EMERGENCY), "Emergency");
	assert_int_equal(priority_from_name("INFO", &p), 0);
	assert_int_equal(p, PRIO_INFORMATIONAL);
	assert_int_equal(priority_from_name("informational", &p), 0);
	assert_int_equal(priority_from_name("wArNiNg", &p), 0);
	assert_int_equal(p, PRIO_WARNING);
	assert_int_equal(priority_from_name("warn", &p), -EINVAL);
	assert_int_equal(priority_from_name("", &p), -EINVAL);
	assert_int_equal(p, PRIO_WARNING);
}

static char *
audit_lines(const struct evtset *set, bool any, int m64, int m32)
{
	struct auditrules ar = { 0 };
	struct sbuf b = SBUF_INIT;

	assert_int_equal(auditrules_build(set, any, NULL, m64, m32, &ar), 0);
	for (size_t i = 0; i < ar.n; i++)
		sbuf_printf(&b, "%s\n", ar.lines[i]);
	auditrules_free(&ar);
	return sbuf_steal(&b);
}

static void
test_print_audit_rules(void **state)
{
	static const enum event_type types[] = {
		EVT_execve, EVT_connect, EVT_accept, EVT_chown, EVT_openat, EVT_kexec_file_load,
		EVT_modify, EVT_access, EVT_USER_LOGIN, EVT_syscall, EVT_internal,
	};
	struct evtset set = { { 0 } };
	char *text;

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		evtset_add(&set, types[i]);
	text = audit_lines(&set, true, MACH_86_64, MACH_X86);
	assert_string_equal(text,
		"# some rules match every event type; they see only the syscalls asked for here\n"
		"# warning: some rule matches files on any path: every open on the host is "
		"audited\n"
		"-a always,exit -F arch=b64 -S execve -S connect -S accept -S kexec_file_load "
		"-S openat -S chown -F key=shikra\n"
		"-a always,exit -F arch=b32 -S execve -S connect -S openat -S chown -S chown32 "
		"-F key=shikra\n"
		"# not on b32 (i386): accept kexec_file_load\n"
		"-a always,exit -F arch=b32 -S socketcall -F a0=3 -F key=shikra\n"
		"-a always,exit -F arch=b32 -S socketcall -F a0=5 -F key=shikra\n");
	free(text);

	/* Only fanotify and record types: nothing to ask audit for, and never a rule with no
	 * -S (which would audit every syscall). */
	memset(&set, 0, sizeof(set));
	evtset_add(&set, EVT_modify);
	evtset_add(&set, EVT_USER_LOGIN);
	text = audit_lines(&set, false, MACH_86_64, -1);
	assert_string_equal(text, "");
	free(text);
}


/* Check the kernel data D against the auditctl LINE it was made beside, token by token: every
 * "-F" pair is a field with its value, every "-S" a bit of the mask on machine MACH, nothing
 * more except the excluded pid. */
static void
check_data_against_line(const struct audit_rule_data *d, const char *line, int mach,
                        long pid)
{
	char *copy = strdup(line), *save = NULL, *tok;
	uint32_t fields = 0, bits = 0, syscalls = 0;

	assert_int_equal(d->flags, AUDIT_FILTER_EXIT);
	assert_int_equal(d->action, AUDIT_ALWAYS);
	assert_string_equal(strtok_r(copy, " ", &save), "-a");
	assert_string_equal(strtok_r(NULL, " ", &save), "always,exit");
	while ((tok = strtok_r(NULL, " ", &save)) != NULL) {
		const char *arg = strtok_r(NULL, " ", &save);
		assert_non_null(arg);
		if (strcmp(tok, "-S") == 0) {
			int nr = audit_name_to_syscall(arg, mach);
			assert_true(nr >= 0);
			assert_true(d->mask[AUDIT_WORD(nr)] & AUDIT_BIT(nr));
			syscalls++;
			continue;
		}
		assert_string_equal(tok, "-F");
		if (strcmp(arg, "arch=b64") == 0 || strcmp(arg, "arch=b32") == 0) {
			assert_int_equal(d->fields[fields], AUDIT_ARCH);
			assert_int_equal(d->values[fields], arg[6] == '6' ? AUDIT_ARCH_X86_64
			                                                  : AUDIT_ARCH_I386);
		} else if (strncmp(arg, "a0=", 3) == 0) {
			assert_int_equal(d->fields[fields], AUDIT_ARG0);
			assert_int_equal(d->values[fields], strtoul(arg + 3, NULL, 10));
		} else {
			assert_string_equal(arg, "key=" AUDITRULES_KEY);
			if (pid > 0) {   /* the excluded pid comes just before the key */
				assert_int_equal(d->fields[fields], AUDIT_PID);
				assert_int_equal(d->fieldflags[fields], AUDIT_NOT_EQUAL);
				assert_int_equal(d->values[fields], pid);
				fields++;
			}
			assert_int_equal(d->fields[fields], AUDIT_FILTERKEY);
			assert_int_equal(d->values[fields], strlen(AUDITRULES_KEY));
			assert_memory_equal(d->buf, AUDITRULES_KEY, strlen(AUDITRULES_KEY));
		}
		if (d->fields[fields] != AUDIT_FILTERKEY && d->fields[fields] != AUDIT_PID)
			assert_int_equal(d->fieldflags[fields], AUDIT_EQUAL);
		fields++;
	}
	assert_int_equal(d->field_count, fields);
	assert_int_equal(d->buflen, strlen(AUDITRULES_KEY));
	for (size_t i = 0; i < AUDIT_BITMASK_SIZE; i++)
		bits += (uint32_t)__builtin_popcount(d->mask[i]);
	assert_int_equal(bits, syscalls);
	free(copy);
}

/* The installer's data and the printed text come from one description: they agree. */
static void
test_audit_rules_data_matches_text(void **state)
{
	static const enum event_type types[] = {
		EVT_execve, EVT_connect, EVT_accept, EVT_bind, EVT_socket, EVT_listen, EVT_chown,
		EVT_setuid, EVT_setresgid, EVT_fcntl, EVT_openat, EVT_ptrace, EVT_kexec_file_load,
	};
	struct evtset set = { { 0 } };
	struct auditrules ar = { 0 };
	size_t line = 0;

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		evtset_add(&set, types[i]);
	assert_int_equal(auditrules_build(&set, false, NULL, MACH_86_64, MACH_X86, &ar), 0);
	assert_int_equal(ar.nrules, 7);   /* b64, b32, and socketcall socket/bind/connect/listen/accept */
	for (size_t i = 0; i < ar.nrules; i++) {
		const struct auditrule *r = &ar.rules[i];
		struct sbuf b = SBUF_INIT;
		struct audit_rule_data *d;
		char extra[sizeof(r->extra)];
		const char *why;
		size_t len;

		while (ar.lines[line][0] == '#')
			line++;
		auditrule_format(r, &b);
		assert_string_equal(sbuf_str(&b), ar.lines[line]);
		memcpy(extra, r->extra, sizeof(extra));
		assert_int_equal(auditrule_to_data(r, i % 2 ? 4321 : 0, &d, &len, &why), 0);
		/* libaudit cuts the text it parses; the description must not suffer from it. */
		assert_memory_equal(extra, r->extra, sizeof(extra));
		assert_int_equal(len, sizeof(*d) + d->buflen);
		check_data_against_line(d, ar.lines[line], r->mach, i % 2 ? 4321 : 0);
		free(d);
		sbuf_free(&b);
		line++;
	}
	auditrules_free(&ar);
	assert_null(ar.rules);
	assert_int_equal(ar.nrules, 0);
}

static int
setup(void **state)
{
	const char *top = getenv("TOP_SRCDIR");
	struct sbuf dir = SBUF_INIT;

	sbuf_printf(&dir, "%s/tests/data/rules", top ? top : ".");
	if (chdir(sbuf_str(&dir)) < 0) {
		fprintf(stderr, "cannot enter %s\n", sbuf_str(&dir));
		sbuf_free(&dir);
		return -1;
	}
	sbuf_free(&dir);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_collect_base_and_local),
		cmocka_unit_test(test_exceptions_compile_to_and_not),
		cmocka_unit_test(test_broken_files_golden),
		cmocka_unit_test(test_duplicate_names_later_wins),
		cmocka_unit_test(test_deprecated_append_hints),
		cmocka_unit_test(test_engine_versions),
		cmocka_unit_test(test_plugins_and_alternatives),
		cmocka_unit_test(test_override_exceptions),
		cmocka_unit_test(test_priority_names),
		cmocka_unit_test(test_print_audit_rules),
		cmocka_unit_test(test_audit_rules_data_matches_text),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
