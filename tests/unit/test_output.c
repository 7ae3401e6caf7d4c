/* test_output.c - unit tests for output/: real alerts from a rule loaded with ruleset_load()
 * through outputs_new()/outputs_alert()/outputs_internal(), read back from the sinks.
 * Covered: the text line and its two time formats, Falco's JSON schema (typed output_fields,
 * evt.time in ns, null for <NA>, UTC time with ns), the json_include_* switches, the file
 * sink (append, keep_alive both ways, reopen after a rename as logrotate does), the program
 * sink (alerts on stdin, keep_alive both ways, event data never reaching a shell, a program
 * that dies at once), hostile event strings (one line of text, valid JSON) and syslog.
 * The queues, the threads and the HTTP sink have their own tests (test_outq.c).
 * Every test works in its own temporary directory; TZ is UTC so local times are fixed. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/sbuf.h"
#include "output/output.h"
#include "rules/ruleset.h"
#include "testutil.h"

/* 2026-01-02T03:04:05.123456789Z */
#define TS UINT64_C(1767323045123456789)

static const char rule_yaml[] =
	"- rule: Shell spawned\n"
	"  desc: a shell\n"
	"  condition: evt.type = execve and proc.name != sshd\n"
	"  output: Shell spawned (at=%evt.time user=%user.uid cmd=%proc.cmdline pid=%proc.pid"
	" tty=%proc.tty)\n"
	"  priority: WARNING\n"
	"  tags: [shell, mitre_execution]\n";

struct fixture {
	char dir[64];
	char path[128];             /* DIR/alerts */
	struct ruleset *rs;
	const struct rule *rule;
	struct arena scratch;
};

/* ---- helpers ---------------------------------------------------------------------------- */

static void
write_text(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct diags d = DIAGS_INIT;
	char rules[128];

	assert_non_null(f);
	setenv("TZ", "UTC", 1);
	tzset();
	snprintf(f->dir, sizeof(f->dir), "%s/shikra-output-XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/alerts", f->dir);
	snprintf(rules, sizeof(rules), "%s/rules.yaml", f->dir);
	write_text(rules, rule_yaml);
	const char *paths[] = { rules };
	assert_int_equal(ruleset_load(paths, 1, NULL, &f->rs, &d), 0);
	assert_int_equal(d.nerrors, 0);
	diags_free(&d);
	unlink(rules);
	assert_int_equal(ruleset_count(f->rs), 1);
	f->rule = ruleset_rule(f->rs, 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[160];

	ruleset_free(f->rs);
	arena_free(&f->scratch);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static struct event *
exec_event(const char *comm, const char *arg)
{
	const char *argv[] = { comm, "-c", arg };
	struct event *ev = event_new(EVT_execve, EVS_AUDIT);
	struct proc *p = proc_new(4242);

	p->comm = proc_strdup(p, comm);
	p->exe = proc_strdup(p, "/usr/bin/bash");
	p->uid = p->euid = 1000;
	proc_set_argv(p, argv, 3);
	ev->proc = p;
	ev->pid = ev->tid = 4242;
	ev->ts_ns = TS;
	ev->success = 1;
	return ev;
}

/* The counters once every alert emitted so far reached its sinks. */
static struct output_stats
settled(struct outputs *o)
{
	struct output_stats st;

	assert_int_equal(outputs_flush(o, 10000), 0);
	outputs_stats(o, NULL, &st);
	return st;
}

/* Match EV against the fixture's rule and send the alert to O. */
static void
alert(struct fixture *f, struct outputs *o, const struct event *ev)
{
	struct evtset types;
	bool any;

	ruleset_evttypes(f->rs, &types, &any);
	assert_true(evtset_has(&types, ev->type));
	assert_true(filter_eval(f->rule->filter, ev, &f->scratch));
	outputs_alert(o, f->rule, ev, &f->scratch);
	arena_free(&f->scratch);
}

static void
alert_bash(struct fixture *f, struct outputs *o)
{
	struct event *ev = exec_event("bash", "echo hi");

	alert(f, o, ev);
	event_free(ev);
}

static struct output_config
file_config(const struct fixture *f)
{
	return (struct output_config){
		.json_include_output_property = true,
		.json_include_tags_property = true,
		.hostname = "testhost",
		.file_enabled = true,
		.file_name = f->path,
	};
}

#define WANT_TEXT "Warning Shell spawned (at=03:04:05.123456789 user=1000 cmd=bash -c echo hi " \
	"pid=4242 tty=<NA>)\n"

/* ---- text ------------------------------------------------------------------------------- */

static void
test_text_line(void **state)
{
	struct fixture *f = *state;
	struct output_config cfg = file_config(f);
	struct outputs *o = NULL;

	assert_int_equal(outputs_new(&cfg, &o), 0);
	alert_bash(f, o);
	outputs_free(o);
	char *text = slurp_file(f->path);
	assert_string_equal(text, "03:04:05.123456789: " WANT_TEXT);
	free(text);

	/* The ISO-8601 option, appended to the same file. */
	cfg.time_format_iso_8601 = true;
	assert_int_equal(outputs_new(&cfg, &o), 0);
	alert_bash(f, o);
	assert_int_equal(settled(o).alerts, 1);
	assert_int_equal(settled(o).write_errors, 0);
	outputs_free(o);
	text = slurp_file(f->path);
	assert_string_equal(text, "03:04:05.123456789: " WANT_TEXT
	                    "2026-01-02T03:04:05.123456789+0000: " WANT_TEXT);
	free(text);
}

static void
test_time_formats(void **state)
{
	struct sbuf b = SBUF_INIT;

	output_time_text(0, false, &b);
	assert_string_equal(sbuf_str(&b), "00:00:00.000000000");
	sbuf_reset(&b);
	output_time_text(TS, true, &b);
	assert_string_equal(sbuf_str(&b), "2026-01-02T03:04:05.123456789+0000");
	sbuf_reset(&b);
	output_time_json(UINT64_C(999999999), &b);
	assert_string_equal(sbuf_str(&b), "1970-01-01T00:00:00.999999999Z");
	sbuf_free(&b);
}

/* ---- JSON ------------------------------------------------------------------------------- */

/* The single JSON line in PATH, parsed. */
static json_t *
read_json_line(const char *path)
{
	char *text = slurp_file(path);
	json_error_t err;
	json_t *j;

	assert_non_null(text);
	assert_int_equal(count_lines(text), 1);
	j = json_loads(text, 0, &err);
	if (j == NULL)
		fail_msg("not JSON (%s): %s", err.text, text);
	free(text);
	unlink(path);
	return j;
}

static void
check_keys(json_t *j, const char *const *want)
{
	const char *key;
	json_t *v;
	size_t i = 0;

	json_object_foreach(j, key, v) {
		assert_non_null(want[i]);
		assert_string_equal(key, want[i]);
		i++;
	}
	assert_null(want[i]);
}

static void
test_json_schema(void **state)
{
	static const char *const keys[] = { "hostname", "output", "output_fields", "priority",
		"rule", "source", "tags", "time", NULL };
	static const char *const field_keys[] = { "evt.time", "user.uid", "proc.cmdline",
		"proc.pid", "proc.tty", NULL };
	struct fixture *f = *state;
	struct output_config cfg = file_config(f);
	struct outputs *o = NULL;

	cfg.json_output = true;
	assert_int_equal(outputs_new(&cfg, &o), 0);
	alert_bash(f, o);
	outputs_free(o);
	json_t *j = read_json_line(f->path);
	check_keys(j, keys);
	assert_string_equal(json_string_value(json_object_get(j, "hostname")), "testhost");
	assert_string_equal(json_string_value(json_object_get(j, "output")),
	                    "03:04:05.123456789: " "Warning Shell spawned (at=03:04:05.123456789 "
	                    "user=1000 cmd=bash -c echo hi pid=4242 tty=<NA>)");
	assert_string_equal(json_string_value(json_object_get(j, "priority")), "Warning");
	assert_string_equal(json_string_value(json_object_get(j, "rule")), "Shell spawned");
	assert_string_equal(json_string_value(json_object_get(j, "source")), "syscall");
	assert_string_equal(json_string_value(json_object_get(j, "time")),
	                    "2026-01-02T03:04:05.123456789Z");
	json_t *tags = json_object_get(j, "tags");
	assert_int_equal(json_array_size(tags), 2);
	assert_string_equal(json_string_value(json_array_get(tags, 0)), "shell");
	assert_string_equal(json_string_value(json_array_get(tags, 1)), "mitre_execution");

	/* Typed fields; evt.time stays Falco's integer ns even though the template names it. */
	json_t *fields = json_object_get(j, "output_fields");
	check_keys(fields, field_keys);
	assert_true(json_is_integer(json_object_get(fields, "evt.time")));
	assert_true((uint64_t)json_integer_value(json_object_get(fields, "evt.time")) == TS);
	assert_int_equal(json_integer_value(json_object_get(fields, "user.uid")), 1000);
	assert_int_equal(json_integer_value(json_object_get(fields, "proc.pid")), 4242);
	assert_string_equal(json_string_value(json_object_get(fields, "proc.cmdline")),
	                    "bash -c echo hi");
	assert_true(json_is_null(json_object_get(fields, "proc.tty")));
	json_decref(j);
}

static void
test_json_without_output_and_tags(void **state)
{
	static const char *const keys[] = { "hostname", "output_fields", "priority", "rule",
		"source", "time", NULL };
	struct fixture *f = *state;
	struct output_config cfg = file_config(f);
	struct outputs *o = NULL;

	cfg.json_output = true;
	cfg.json_include_output_property = false;
	cfg.json_include_tags_property = false;
	cfg.hostname = NULL;	/* gethostname() */
	assert_int_equal(outputs_new(&cfg, &o), 0);
	alert_bash(f, o);
	outputs_free(o);
	json_t *j = read_json_line(f->path);
	check_keys(j, keys);
	const char *host = json_string_value(json_object_get(j, "hostname"));
	assert_non_null(host);
	assert_true(host[0] != '\0');
	json_decref(j);
}

static void
test_internal_alerts(void **state)
{
	struct fixture *f = *state;
	struct output_config cfg = file_config(f);
	struct outputs *o = NULL;

	assert_int_equal(outputs_new(&cfg, &o), 0);
	outputs_internal(o, PRIO_CRITICAL, "Events lost", "audit lost 12 events\n(forged)",
	                 NULL, TS);
	outputs_free(o);
	char *text = slurp_file(f->path);
	assert_string_equal(text,
	    "03:04:05.123456789: Critical audit lost 12 events\\n(forged)\n");
	free(text);
	unlink(f->path);

	cfg.json_output = true;
	assert_int_equal(outputs_new(&cfg, &o), 0);
	outputs_internal(o, PRIO_ERROR, "Events lost", "lost", json_pack("{sI}", "lost", 12),
	                 TS);
	outputs_internal(o, PRIO_INFORMATIONAL, "Rules reloaded", "ok", NULL, TS);
	outputs_free(o);
	char *two = slurp_file(f->path);
	assert_int_equal(count_lines(two), 2);
	json_t *j = json_loadb(two, (size_t)(strchr(two, '\n') - two), 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "source")), "internal");
	assert_string_equal(json_string_value(json_object_get(j, "rule")), "Events lost");
	assert_string_equal(json_string_value(json_object_get(j, "priority")), "Error");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "output_fields"),
	                 "lost")), 12);
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "tags"), 0)),
	                    "shikra");
	json_decref(j);
	free(two);
}

/* ---- the file sink ---------------------------------------------------------------------- */

static void
file_rotation(struct fixture *f, bool keep_alive)
{
	struct output_config cfg = file_config(f);
	struct outputs *o = NULL;
	char rotated[160];

	snprintf(rotated, sizeof(rotated), "%s.1", f->path);
	write_text(f->path, "old line\n");
	cfg.file_keep_alive = keep_alive;
	assert_int_equal(outputs_new(&cfg, &o), 0);
	alert_bash(f, o);
	assert_int_equal(outputs_flush(o, 10000), 0);
	assert_int_equal(rename(f->path, rotated), 0);
	/* Kept open: the alert still goes to the renamed file until reopened. */
	alert_bash(f, o);
	assert_int_equal(outputs_flush(o, 10000), 0);
	/* The reopen is done by the sink's thread before the next alert. */
	outputs_reopen(o);
	alert_bash(f, o);
	assert_int_equal(settled(o).write_errors, 0);
	outputs_free(o);

	char *old = slurp_file(rotated), *cur = slurp_file(f->path);
	assert_non_null(old);
	assert_non_null(cur);
	assert_int_equal(strncmp(old, "old line\n", 9), 0);	/* appended, not truncated */
	assert_int_equal(count_lines(old), keep_alive ? 3 : 2);
	assert_int_equal(count_lines(cur), keep_alive ? 1 : 2);
	free(old);
	free(cur);
	unlink(rotated);
	unlink(f->path);
}

static void
test_file_keep_alive_and_reopen(void **state)
{
	file_rotation(*state, true);
}

static void
test_file_reopened_per_alert(void **state)
{
	file_rotation(*state, false);
}

static void
test_file_cannot_open(void **state)
{
	struct fixture *f = *state;
	struct output_config cfg = file_config(f);
	struct outputs *o = NULL;
	char bad[160];

	snprintf(bad, sizeof(bad), "%s/no/such/dir", f->dir);
	cfg.file_name = bad;
	assert_int_equal(outputs_new(&cfg, &o), -ENOENT);
	assert_null(o);
	cfg = (struct output_config){ .program_enabled = true, .program = "" };
	assert_int_equal(outputs_new(&cfg, &o), -EINVAL);
	outputs_free(NULL);
}

/* ---- the program sink ------------------------------------------------------------------- */

static struct output_config
program_config(const struct fixture *f, char *cmd, size_t len, bool keep_alive)
{
	snprintf(cmd, len, "cat >> '%s'", f->path);
	return (struct output_config){
		.hostname = "testhost",
		.program_enabled = true,
		.program = cmd,
		.program_keep_alive = keep_alive,
	};
}

static void
program_alerts(struct fixture *f, bool keep_alive)
{
	char cmd[200], pwned[160];
	struct output_config cfg = program_config(f, cmd, sizeof(cmd), keep_alive);
	struct outputs *o = NULL;
	struct event *ev;

	snprintf(pwned, sizeof(pwned), "%s/pwned", f->dir);
	assert_int_equal(outputs_new(&cfg, &o), 0);
	alert_bash(f, o);
	/* A process named after a command substitution: the name travels as data only. */
	char name[200];
	snprintf(name, sizeof(name), "$(touch %s)", pwned);
	ev = exec_event(name, "`touch x`; echo $HOME");
	alert(f, o, ev);
	event_free(ev);
	assert_int_equal(settled(o).write_errors, 0);
	outputs_free(o);	/* closes the pipe and waits for the program */

	char *text = slurp_file(f->path);
	assert_non_null(text);
	assert_int_equal(count_lines(text), 2);
	assert_non_null(strstr(text, "03:04:05.123456789: " WANT_TEXT));
	assert_non_null(strstr(text, "cmd=$(touch "));
	assert_non_null(strstr(text, "`touch x`; echo $HOME pid="));
	free(text);
	assert_int_equal(access(pwned, F_OK), -1);
	unlink(f->path);
}

static void
test_program_keep_alive(void **state)
{
	program_alerts(*state, true);
}

static void
test_program_per_alert(void **state)
{
	program_alerts(*state, false);
}

/* A program that exits at once: writes fail with EPIPE (not SIGPIPE) and are counted. */
static void
test_program_dead(void **state)
{
	struct fixture *f = *state;
	struct output_config cfg = { .program_enabled = true, .program = "exit 0",
	                             .program_keep_alive = true };
	struct outputs *o = NULL;

	assert_int_equal(outputs_new(&cfg, &o), 0);
	/* The first write may land in the pipe before the shell exits; once it is gone, the
	 * next write must fail.  Bounded: 100 tries 20 ms apart. */
	for (int i = 0; i < 100 && settled(o).write_errors == 0; i++) {
		alert_bash(f, o);
		usleep(20000);
	}
	assert_true(settled(o).write_errors > 0);
	assert_true(settled(o).alerts >= settled(o).write_errors);
	outputs_free(o);

	cfg.program_keep_alive = false;
	assert_int_equal(outputs_new(&cfg, &o), 0);
	for (int i = 0; i < 3; i++)
		alert_bash(f, o);
	assert_int_equal(settled(o).alerts, 3);
	outputs_free(o);
}

/* The program starts with default signal dispositions and nothing blocked, whatever the
 * daemon ignores (SIGPIPE) or takes through signalfd (blocked).  (dash, Debian's /bin/sh,
 * happens to clear the blocked mask itself; an inherited SIG_IGN it keeps.) */
static void
test_program_signals(void **state)
{
	struct fixture *f = *state;
	char cmd[256];
	struct output_config cfg = { .program_enabled = true, .program = cmd };
	struct outputs *o = NULL;
	sigset_t usr1, old;
	unsigned long long ign = 0, blk = 0;

	snprintf(cmd, sizeof(cmd), "cat > /dev/null; grep -E '^Sig(Ign|Blk)' /proc/self/status"
	         " > '%s'", f->path);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	assert_int_equal(sigprocmask(SIG_BLOCK, &usr1, &old), 0);
	assert_int_equal(outputs_new(&cfg, &o), 0);	/* ignores SIGPIPE in this process */
	alert_bash(f, o);
	outputs_free(o);
	assert_int_equal(sigprocmask(SIG_SETMASK, &old, NULL), 0);
	char *text = slurp_file(f->path);
	assert_non_null(text);
	assert_int_equal(sscanf(text, "SigBlk: %llx SigIgn: %llx", &blk, &ign), 2);
	assert_int_equal(blk & (1ull << (SIGUSR1 - 1)), 0);
	assert_int_equal(ign & (1ull << (SIGPIPE - 1)), 0);
	free(text);
}

/* ---- hostile event data ------------------------------------------------------------------ */

static void
test_hostile_strings(void **state)
{
	struct fixture *f = *state;
	struct output_config cfg = file_config(f);
	struct outputs *o = NULL;
	struct event *ev = exec_event("ba\nsh\x1b[2J", "x\n03:04:05: Critical forged\r\xff\xfe\xc3");

	assert_int_equal(outputs_new(&cfg, &o), 0);
	alert(f, o, ev);
	outputs_free(o);
	char *text = slurp_file(f->path);
	assert_int_equal(count_lines(text), 1);
	for (const char *p = text; *p != '\n'; p++)
		assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
	assert_non_null(strstr(text, "cmd=ba\\nsh\\x1b[2J -c x\\n03:04:05: Critical forged\\r"));
	free(text);
	unlink(f->path);

	cfg.json_output = true;
	cfg.hostname = "bad\xffhost";		/* anyone with CAP_SYS_ADMIN may set one */
	assert_int_equal(outputs_new(&cfg, &o), 0);
	alert(f, o, ev);
	outputs_free(o);
	json_t *j = read_json_line(f->path);	/* one line, valid JSON (so valid UTF-8) */
	assert_string_equal(json_string_value(json_object_get(j, "hostname")), "bad\\xffhost");
	const char *out = json_string_value(json_object_get(j, "output"));
	assert_non_null(out);
	assert_null(strchr(out, '\n'));
	assert_non_null(strstr(out, "cmd=ba\\nsh\\x1b[2J"));
	assert_non_null(strstr(out, "forged\\r\\xff\\xfe\\xc3 pid=4242"));
	const char *cmd = json_string_value(json_object_get(json_object_get(j, "output_fields"),
	                                    "proc.cmdline"));
	assert_non_null(cmd);
	assert_non_null(strstr(cmd, "ba\nsh\x1b[2J -c x\n"));	/* exact in JSON, escaped there */
	json_decref(j);
	event_free(ev);
}

/* A name that is mostly UTF-8 keeps its valid characters in JSON; only the bad byte turns
 * into the text \xNN (it used to take every byte >= 0x80 with it). */
static void
test_json_mixed_utf8(void **state)
{
	struct fixture *f = *state;
	struct output_config cfg = file_config(f);
	struct outputs *o = NULL;
	struct event *ev = exec_event("caf\xc3\xa9\xff", "\xe2\x82\xac\xc3");

	cfg.json_output = true;
	assert_int_equal(outputs_new(&cfg, &o), 0);
	alert(f, o, ev);
	outputs_free(o);
	json_t *j = read_json_line(f->path);
	const char *cmd = json_string_value(json_object_get(json_object_get(j, "output_fields"),
	                                    "proc.cmdline"));
	assert_non_null(cmd);
	assert_string_equal(cmd, "caf\xc3\xa9\\xff -c \xe2\x82\xac\\xc3");
	const char *out = json_string_value(json_object_get(j, "output"));
	assert_non_null(out);
	assert_non_null(strstr(out, "cmd=caf\xc3\xa9\\xff -c \xe2\x82\xac\\xc3 "));
	json_decref(j);
	event_free(ev);
}

/* ---- syslog ----------------------------------------------------------------------------- */

static void
test_syslog(void **state)
{
	struct fixture *f = *state;
	struct output_config cfg = { .syslog_enabled = true, .syslog_facility = LOG_LOCAL7,
	                             .hostname = "testhost" };
	struct outputs *o = NULL;

	assert_int_equal(outputs_new(&cfg, &o), 0);
	alert_bash(f, o);
	outputs_internal(o, PRIO_DEBUG, "test", "shikra unit test, please ignore", NULL, TS);
	assert_int_equal(settled(o).alerts, 2);
	assert_int_equal(settled(o).write_errors, 0);
	outputs_reopen(o);
	assert_int_equal(settled(o).written, 2);
	outputs_free(o);
	closelog();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_text_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_time_formats, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_schema, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_without_output_and_tags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_internal_alerts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_keep_alive_and_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_reopened_per_alert, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_cannot_open, setup, teardown),
		cmocka_unit_test_setup_teardown(test_program_keep_alive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_program_per_alert, setup, teardown),
		cmocka_unit_test_setup_teardown(test_program_dead, setup, teardown),
		cmocka_unit_test_setup_teardown(test_program_signals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_strings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_mixed_utf8, setup, teardown),
		cmocka_unit_test_setup_teardown(test_syslog, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
