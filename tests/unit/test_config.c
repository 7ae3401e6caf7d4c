/* test_config.c - unit tests for core/config: defaults, YAML files, -o overrides, errors. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/config.h"
#include "core/log.h"

/* Write TEXT to a fresh temporary file; return its malloc'd name. */
static char *
write_tmp(const char *text)
{
	char *name = strdup("/tmp/shikra-test-config-XXXXXX");
	int fd = mkstemp(name);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return name;
}

static void
test_defaults_cover_every_key(void **state)
{
	struct config c;

	config_defaults(&c);
	assert_false(c.json_output);
	assert_true(c.json_include_output_property);
	assert_true(c.stdout_enabled);
	assert_false(c.file_enabled);
	assert_string_equal(c.file_filename, "./events.txt");
	assert_string_equal(c.priority, "debug");
	assert_string_equal(c.rule_matching, "all");
	assert_string_equal(c.audit_mode, "auto");
	assert_int_equal(c.audit_backlog_limit, 8192);
	assert_int_equal(c.nrules_files, 2);
	config_free(&c);
	config_free(NULL);
}

static void
test_file_overrides_defaults(void **state)
{
	struct config c;
	struct diags d = DIAGS_INIT;
	char *f = write_tmp(
	    "# a comment\n"
	    "rules_files:\n  - /a.yaml\n  - /b.d\n"
	    "json_output: true\n"
	    "priority: Warning\n"
	    "file_output:\n  enabled: yes\n  filename: /tmp/x.txt\n"
	    "syslog_output: {enabled: true, facility: local3}\n"
	    "audit:\n  mode: multicast\n  backlog_limit: 16384\n");

	config_defaults(&c);
	assert_int_equal(config_load(&c, f, &d), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(c.nrules_files, 2);
	assert_string_equal(c.rules_files[0], "/a.yaml");
	assert_string_equal(c.rules_files[1], "/b.d");
	assert_true(c.json_output);
	assert_string_equal(c.priority, "Warning");
	assert_true(c.file_enabled);
	assert_string_equal(c.file_filename, "/tmp/x.txt");
	assert_true(c.syslog_enabled);
	assert_int_equal(config_syslog_facility(c.syslog_facility), LOG_LOCAL3);
	assert_string_equal(c.audit_mode, "multicast");
	assert_int_equal(c.audit_backlog_limit, 16384);
	assert_true(c.stdout_enabled);          /* untouched keys keep their defaults */
	config_free(&c);
	unlink(f);
	free(f);
}

/* A single value for a list key replaces the default list, as a one-item sequence does. */
static void
test_scalar_list_replaces_default(void **state)
{
	struct config c;
	struct diags d = DIAGS_INIT;
	char *f = write_tmp("rules_files: /only/this,one.yaml\n");

	config_defaults(&c);
	assert_int_equal(c.nrules_files, 2);
	assert_int_equal(config_load(&c, f, &d), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(c.nrules_files, 1);
	assert_string_equal(c.rules_files[0], "/only/this,one.yaml");
	config_free(&c);
	unlink(f);
	free(f);
}

static void
test_log_level_names(void **state)
{
	assert_int_equal(config_log_level("error"), LOG_LVL_ERR);
	assert_int_equal(config_log_level("Warning"), LOG_LVL_WARN);
	assert_int_equal(config_log_level("info"), LOG_LVL_INFO);
	assert_int_equal(config_log_level("debug"), LOG_LVL_DEBUG);
	assert_int_equal(config_log_level("loud"), -EINVAL);
}

static void
test_every_problem_is_reported_with_position(void **state)
{
	struct config c;
	struct diags d = DIAGS_INIT;
	char *f = write_tmp(
	    "json_output: maybe\n"
	    "nosuchkey: 1\n"
	    "file_output:\n  enabled: true\n  colour: red\n"
	    "audit:\n  backlog_limit: 12x\n"
	    "priority: loud\n");

	config_defaults(&c);
	assert_int_equal(config_load(&c, f, &d), -EINVAL);
	assert_int_equal(d.n, 5);
	char *s = diag_format(&d.v[0]);
	assert_non_null(strstr(s, ":1:14: error: json_output: expected true or false"));
	free(s);
	s = diag_format(&d.v[1]);
	assert_non_null(strstr(s, ":2:1: error: nosuchkey: unknown configuration key"));
	free(s);
	s = diag_format(&d.v[2]);
	assert_non_null(strstr(s, ":5:3: error: file_output.colour: unknown"));
	free(s);
	s = diag_format(&d.v[3]);
	assert_non_null(strstr(s, ":7:18: error: audit.backlog_limit"));
	free(s);
	assert_non_null(strstr(d.v[4].msg, "priority: not one of the allowed values"));
	assert_true(c.file_enabled);            /* good keys still apply */
	diags_free(&d);
	config_free(&c);
	unlink(f);
	free(f);
}

static void
test_yaml_syntax_errors_and_odd_documents(void **state)
{
	struct config c;
	struct diags d = DIAGS_INIT;
	char *f = write_tmp("json_output: [unterminated\n");

	config_defaults(&c);
	assert_int_equal(config_load(&c, f, &d), -EINVAL);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.v[0].line, 2);
	diags_free(&d);
	unlink(f);
	free(f);

	f = write_tmp("- just\n- a list\n");
	assert_int_equal(config_load(&c, f, &d), -EINVAL);
	assert_non_null(strstr(d.v[0].msg, "must be a mapping"));
	diags_free(&d);
	unlink(f);
	free(f);

	/* Aliases are shared nodes, not copies; they must not multiply work or memory. */
	f = write_tmp("a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a]\n"
	    "c: &c [*b, *b, *b, *b, *b, *b, *b]\nrules_files: *c\n");
	assert_int_equal(config_load(&c, f, &d), -EINVAL);
	assert_true(d.n >= 1);
	diags_free(&d);
	unlink(f);
	free(f);

	f = write_tmp("");                      /* an empty file changes nothing */
	assert_int_equal(config_load(&c, f, &d), 0);
	unlink(f);
	free(f);
	assert_int_equal(config_load(&c, "/nonexistent/shikra.yaml", &d), -ENOENT);
	config_free(&c);
}

static void
test_overrides(void **state)
{
	struct config c;
	struct diags d = DIAGS_INIT;

	config_defaults(&c);
	assert_int_equal(config_override(&c, "json_output=true", &d), 0);
	assert_true(c.json_output);
	assert_int_equal(config_override(&c, "file_output.filename=/tmp/a=b", &d), 0);
	assert_string_equal(c.file_filename, "/tmp/a=b");
	assert_int_equal(config_override(&c, "rules_files=/x.yaml,/y.yaml", &d), 0);
	assert_int_equal(c.nrules_files, 2);
	assert_int_equal(config_override(&c, "rules_files[]=/z,with,commas.yaml", &d), 0);
	assert_int_equal(c.nrules_files, 3);
	assert_string_equal(c.rules_files[2], "/z,with,commas.yaml");
	assert_string_equal(c.host_root, "");
	assert_int_equal(config_override(&c, "host_root=/host", &d), 0);
	assert_string_equal(c.host_root, "/host");
	assert_int_equal(d.n, 0);

	assert_int_equal(config_override(&c, "json_output", &d), -EINVAL);
	assert_int_equal(config_override(&c, "=true", &d), -EINVAL);
	assert_int_equal(config_override(&c, "nosuch=1", &d), -EINVAL);
	assert_int_equal(config_override(&c, "json_output[]=true", &d), -EINVAL);
	assert_int_equal(config_override(&c, "audit.backlog_limit=1", &d), -EINVAL);
	assert_int_equal(config_override(&c, "rule_matching=some", &d), -EINVAL);
	assert_int_equal(config_override(&c, "host_root=host", &d), -EINVAL);   /* relative */
	assert_string_equal(c.host_root, "/host");
	assert_int_equal(d.n, 7);
	assert_string_equal(d.v[2].msg, "'nosuch=1': unknown key");
	diags_free(&d);
	config_free(&c);
}

/* The shipped conf/shikra.yaml must load cleanly and say exactly what the defaults say. */
static void
test_shipped_config_matches_defaults(void **state)
{
	struct config def, c;
	struct diags d = DIAGS_INIT;
	char path[4096];
	const char *top = getenv("TOP_SRCDIR");

	snprintf(path, sizeof(path), "%s/conf/shikra.yaml", top ? top : "..");
	config_defaults(&def);
	config_defaults(&c);
	assert_int_equal(config_load(&c, path, &d), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(c.json_output, def.json_output);
	assert_int_equal(c.stdout_enabled, def.stdout_enabled);
	assert_int_equal(c.file_enabled, def.file_enabled);
	assert_string_equal(c.file_filename, def.file_filename);
	assert_string_equal(c.priority, def.priority);
	assert_string_equal(c.audit_mode, def.audit_mode);
	assert_int_equal(c.audit_backlog_limit, def.audit_backlog_limit);
	assert_int_equal(c.nrules_files, 2);
	assert_string_equal(c.rules_files[0], "/etc/shikra/shikra_rules.yaml");
	assert_int_equal(c.http_enabled, def.http_enabled);
	assert_string_equal(c.http_url, def.http_url);
	assert_int_equal(c.http_timeout_ms, def.http_timeout_ms);
	assert_int_equal(c.http_keep_alive, def.http_keep_alive);
	assert_int_equal(c.outputs_queue_capacity, def.outputs_queue_capacity);
	config_free(&def);
	config_free(&c);
}

/* The HTTP output and the queue: defaults, -o overrides, the file, and bounds. */
static void
test_http_and_queue_keys(void **state)
{
	struct config c;
	struct diags d = DIAGS_INIT;
	char *f = write_tmp(
	    "http_output:\n  enabled: true\n  url: https://siem.example/alerts\n"
	    "  insecure: true\n  ca_cert: /etc/ca.pem\n  timeout_ms: 250\n"
	    "outputs_queue:\n  capacity: 50\n");

	config_defaults(&c);
	assert_false(c.http_enabled);
	assert_string_equal(c.http_url, "");
	assert_int_equal(c.http_timeout_ms, 5000);
	assert_true(c.http_keep_alive);
	assert_int_equal(c.outputs_queue_capacity, 10000);
	assert_int_equal(config_load(&c, f, &d), 0);
	assert_true(c.http_enabled && c.http_insecure);
	assert_string_equal(c.http_url, "https://siem.example/alerts");
	assert_string_equal(c.http_ca_cert, "/etc/ca.pem");
	assert_int_equal(c.http_timeout_ms, 250);
	assert_int_equal(c.outputs_queue_capacity, 50);
	assert_int_equal(config_override(&c, "http_output.keep_alive=false", &d), 0);
	assert_int_equal(config_override(&c, "http_output.user_agent=a/1", &d), 0);
	assert_int_equal(config_override(&c, "outputs_queue.capacity=7", &d), 0);
	assert_false(c.http_keep_alive);
	assert_string_equal(c.http_user_agent, "a/1");
	assert_int_equal(c.outputs_queue_capacity, 7);
	assert_int_equal(d.n, 0);
	/* A queue must hold something and is bounded; so is the timeout. */
	assert_int_equal(config_override(&c, "outputs_queue.capacity=0", &d), -EINVAL);
	assert_int_equal(config_override(&c, "outputs_queue.capacity=-1", &d), -EINVAL);
	assert_int_equal(config_override(&c, "outputs_queue.capacity=10000001", &d), -EINVAL);
	assert_int_equal(config_override(&c, "http_output.timeout_ms=5s", &d), -EINVAL);
	assert_int_equal(config_override(&c, "http_output.timeout_ms=99", &d), -EINVAL);
	assert_int_equal(d.n, 5);
	assert_int_equal(c.outputs_queue_capacity, 7);
	diags_free(&d);
	config_free(&c);
	unlink(f);
	free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_cover_every_key),
		cmocka_unit_test(test_file_overrides_defaults),
		cmocka_unit_test(test_scalar_list_replaces_default),
		cmocka_unit_test(test_log_level_names),
		cmocka_unit_test(test_every_problem_is_reported_with_position),
		cmocka_unit_test(test_yaml_syntax_errors_and_odd_documents),
		cmocka_unit_test(test_overrides),
		cmocka_unit_test(test_shipped_config_matches_defaults),
		cmocka_unit_test(test_http_and_queue_keys),
	};
	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
