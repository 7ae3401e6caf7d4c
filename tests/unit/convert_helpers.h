/* convert_helpers.h - what the audit/convert unit tests share: turn log lines into a record
 * group, convert it, and look at arguments.  Included by test_audit_*.c only. */
#ifndef SHIKRA_TEST_CONVERT_HELPERS_H
#define SHIKRA_TEST_CONVERT_HELPERS_H

#include "audit/convert.h"
#include "audit/record.h"
#include "event/event.h"

/* x86_64 SYSCALL prefix fields after "syscall=N": a realistic process. */
#define PROC " items=2 ppid=1000 pid=1234 auid=1000 uid=1000 gid=1000 euid=1000 suid=1000 " \
	"fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=3 comm=\"bash\" " \
	"exe=\"/usr/bin/bash\" subj=unconfined key=(null)"
#define HDR(serial) "msg=audit(1700000000.123:" #serial "): "
#define X64 "arch=c000003e "
#define EOE(serial) "type=EOE " HDR(serial)

#define LINES(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define GROUP_MAX 32

/* Parse LINES, convert them, free the records (the event must not need them) and return
 * what audit_convert() returned; *OUT and *WHY as it left them. */
static inline int
convert_lines(const char *const *lines, struct event **out, struct audit_convert_stats *st,
              const char **why)
{
	struct audit_record recs[GROUP_MAX] = { 0 };
	uint32_t n = 0;
	int rc;

	for (; lines[n] != NULL; n++) {
		const char *w = NULL;

		assert_true(n < GROUP_MAX);
		rc = audit_record_parse_line(lines[n], strlen(lines[n]), &recs[n], &w);
		if (rc != 0)
			print_error("cannot parse line %u (%s): %s\n", n, w ? w : "?", lines[n]);
		assert_int_equal(rc, 0);
	}
	rc = audit_convert(recs, n, out, st, why);
	for (uint32_t i = 0; i < n; i++)
		audit_record_free(&recs[i]);
	return rc;
}

static inline struct event *
convert_ok(const char *const *lines, struct audit_convert_stats *st)
{
	struct event *ev = NULL;
	const char *why = NULL;
	int rc = convert_lines(lines, &ev, st, &why);

	if (rc != 0)
		print_error("audit_convert: %d (%s)\n", rc, why ? why : "?");
	assert_int_equal(rc, 0);
	assert_non_null(ev);
	return ev;
}

static inline const char *
arg_str(const struct event *ev, const char *name)
{
	const struct event_arg *a = event_get_arg(ev, name);

	if (a == NULL)
		print_error("no argument %s\n", name);
	assert_non_null(a);
	assert_non_null(a->str);
	return a->str;
}

static inline int64_t
arg_num(const struct event *ev, const char *name)
{
	const struct event_arg *a = event_get_arg(ev, name);

	if (a == NULL)
		print_error("no argument %s\n", name);
	assert_non_null(a);
	return a->num;
}

#endif
