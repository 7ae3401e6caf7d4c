/* test_audit_replay.c - unit tests for audit/replay: reading lines of any shape (CRLF, no final
 * newline, NUL bytes, over-long, block boundaries), bad-line reports with line numbers and
 * their budget, the log clock driving timeouts, the caller's first line, the sink stopping
 * the replay, read errors and the progress display.  The input is real auditd log text, so
 * the parser and the converter run for real. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "audit/replay.h"
#include "core/sbuf.h"

struct sink {
	uint64_t serials[64];
	size_t n;
	size_t stop_after;      /* 0 = never */
};

static int
collect(struct event *ev, void *arg)
{
	struct sink *s = arg;

	if (s->n < sizeof(s->serials) / sizeof(s->serials[0]))
		s->serials[s->n] = ev->serial;
	s->n++;
	event_free(ev);
	return s->stop_after != 0 && s->n >= s->stop_after ? -ECANCELED : 0;
}

/* Append one execve event (SYSCALL, EXECVE, CWD, PATH, PROCTITLE, EOE) at SEC.MS:SERIAL,
 * each line ending with EOL; the EOE gets no EOL when LAST_EOL is false. */
static void
put_event(struct sbuf *b, unsigned sec, unsigned ms, unsigned serial, const char *eol,
          bool last_eol)
{
	char stamp[64];

	snprintf(stamp, sizeof(stamp), "msg=audit(%u.%03u:%u):", sec, ms, serial);
	sbuf_printf(b, "type=SYSCALL %s arch=c000003e syscall=59 success=yes exit=0 a0=55d0 "
	            "a1=55d1 a2=55d2 a3=0 items=2 ppid=1000 pid=1001 auid=1000 uid=1000 "
	            "gid=1000 euid=1000 suid=1000 fsuid=1000 egid=1000 sgid=1000 fsgid=1000 "
	            "tty=pts0 ses=3 comm=\"ls\" exe=\"/usr/bin/ls\" key=(null)%s", stamp, eol);
	sbuf_printf(b, "type=EXECVE %s argc=2 a0=\"ls\" a1=\"-l\"%s", stamp, eol);
	sbuf_printf(b, "type=CWD %s cwd=\"/tmp\"%s", stamp, eol);
	sbuf_printf(b, "type=PATH %s item=0 name=\"/usr/bin/ls\" inode=1234 dev=fd:00 "
	            "mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 "
	            "cap_fe=0 cap_fver=0%s", stamp, eol);
	sbuf_printf(b, "type=PROCTITLE %s proctitle=6C73002D6C%s", stamp, eol);
	sbuf_printf(b, "type=EOE %s %s", stamp, last_eol ? eol : "");
}

static void
put_line(struct sbuf *b, const char *type, unsigned sec, unsigned ms, unsigned serial,
         const char *rest)
{
	sbuf_printf(b, "type=%s msg=audit(%u.%03u:%u): %s\n", type, sec, ms, serial, rest);
}

/* Redirect stderr into a temporary file while a replay runs. */
struct capture {
	int saved;
	FILE *tmp;
};

static void
capture_start(struct capture *c)
{
	fflush(stderr);
	c->tmp = tmpfile();
	assert_non_null(c->tmp);
	c->saved = dup(STDERR_FILENO);
	assert_true(c->saved >= 0);
	assert_true(dup2(fileno(c->tmp), STDERR_FILENO) >= 0);
}

/* Restore stderr and return what was written (caller frees). */
static char *
capture_end(struct capture *c)
{
	struct sbuf out = SBUF_INIT;
	char buf[4096];
	size_t n;

	fflush(stderr);
	assert_true(dup2(c->saved, STDERR_FILENO) >= 0);
	close(c->saved);
	rewind(c->tmp);
	while ((n = fread(buf, 1, sizeof(buf), c->tmp)) > 0)
		sbuf_add(&out, buf, n);
	fclose(c->tmp);
	sbuf_putc(&out, '\0');	/* an empty capture still yields a string */
	return sbuf_steal(&out);
}

/* Replay the N bytes at TEXT. */
static int
replay_mem(const char *text, size_t n, const struct audit_replay_opts *opts, struct sink *s,
           struct audit_replay_stats *st)
{
	FILE *fp = fmemopen((void *)text, n, "r");
	int rc;

	assert_non_null(fp);
	rc = audit_replay(fp, NULL, 0, opts, collect, s, st);
	fclose(fp);
	return rc;
}

static void
test_replay_events_in_completion_order(void **state)
{
	struct sbuf b = SBUF_INIT;
	struct sink s = { .n = 0 };
	struct audit_replay_stats st;

	put_line(&b, "SYSCALL", 1700000000, 100, 10, "arch=c000003e syscall=59 success=yes "
	         "exit=0 a0=1 a1=2 a2=3 a3=0 items=0 ppid=1 pid=2 auid=0 uid=0 gid=0 euid=0 "
	         "suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm=\"a\" "
	         "exe=\"/bin/a\" key=(null)");
	put_event(&b, 1700000000, 100, 11, "\n", true);
	put_line(&b, "USER_LOGIN", 1700000000, 200, 12, "pid=5 uid=0 auid=1000 ses=3 "
	         "msg='op=login id=1000 exe=\"/usr/sbin/sshd\" hostname=? addr=10.0.0.1 "
	         "terminal=ssh res=success'");
	put_line(&b, "EOE", 1700000000, 100, 10, "");
	assert_int_equal(replay_mem(b.buf, b.len, NULL, &s, &st), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.serials[0], 11);
	assert_int_equal(s.serials[1], 12);
	assert_int_equal(s.serials[2], 10);
	assert_int_equal(st.lines, 9);
	assert_int_equal(st.bad_lines, 0);
	assert_int_equal(st.asm_stats.complete, 3);
	assert_int_equal(st.asm_stats.flushed, 0);
	assert_int_equal(st.conv.events, 3);
	sbuf_free(&b);
}

static void
test_replay_crlf_and_no_final_newline(void **state)
{
	struct sbuf b = SBUF_INIT;
	struct sink s = { .n = 0 };
	struct audit_replay_stats st;

	put_event(&b, 1700000000, 1, 21, "\r\n", true);
	put_event(&b, 1700000000, 2, 22, "\r\n", false);
	assert_int_equal(replay_mem(b.buf, b.len, NULL, &s, &st), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.serials[1], 22);
	assert_int_equal(st.lines, 12);
	assert_int_equal(st.bad_lines, 0);
	/* The last EOE, without its newline, still completed its event. */
	assert_int_equal(st.asm_stats.complete, 2);
	assert_int_equal(st.asm_stats.flushed, 0);
	sbuf_free(&b);
}

static void
test_replay_bad_lines_reported_and_skipped(void **state)
{
	struct sbuf b = SBUF_INIT;
	struct sink s = { .n = 0 };
	struct audit_replay_stats st;
	struct audit_replay_opts opts = { .name = "t.log", .max_reports = 2 };
	struct capture cap;
	char *err;

	put_line(&b, "SYSCALL", 1700000000, 1, 31, "arch=c000003e syscall=2 success=yes "
	         "exit=3 a0=1 a1=0 a2=0 a3=0 items=1 ppid=1 pid=2 auid=0 uid=0 gid=0 euid=0 "
	         "suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm=\"a\" "
	         "exe=\"/bin/a\" key=(null)");                        /* 1 */
	sbuf_puts(&b, "this is not an audit record\n");                 /* 2 */
	sbuf_puts(&b, "type=CWD msg=audit(1700000000.001:31): cwd=\"/");
	sbuf_add(&b, "\0", 1);
	sbuf_puts(&b, "x\"\n");                                          /* 3: NUL */
	sbuf_puts(&b, "type=PATH msg=audit(1700000000.001:31): item=0 name=\"");
	for (size_t i = 0; i < AUDIT_RECORD_MAX_LEN; i++)
		sbuf_putc(&b, 'x');
	sbuf_puts(&b, "\"\n");                                           /* 4: too long */
	sbuf_puts(&b, "\n");                                             /* 5: blank */
	sbuf_puts(&b, "\t\n");                                           /* 6: junk */
	put_line(&b, "EOE", 1700000000, 1, 31, "");                      /* 7 */

	capture_start(&cap);
	assert_int_equal(replay_mem(b.buf, b.len, &opts, &s, &st), 0);
	err = capture_end(&cap);
	assert_int_equal(st.lines, 7);
	assert_int_equal(st.bad_lines, 4);
	/* The event around the bad lines survives, and the line after the long one was read. */
	assert_int_equal(s.n, 1);
	assert_int_equal(s.serials[0], 31);
	assert_int_equal(st.asm_stats.complete, 1);
	/* Two reports with file and line, then one note, then silence. */
	assert_non_null(strstr(err, "t.log:2: skipped: "));
	assert_non_null(strstr(err, "t.log:3: skipped: NUL byte in line"));
	assert_null(strstr(err, "t.log:4:"));
	assert_null(strstr(err, "t.log:6:"));
	assert_non_null(strstr(err, "more than 2 problems"));
	assert_null(strstr(err, "\n\n"));
	free(err);
	sbuf_free(&b);
}

static void
test_replay_long_line_without_newline(void **state)
{
	struct sbuf b = SBUF_INIT;
	struct sink s = { .n = 0 };
	struct audit_replay_stats st;
	struct capture cap;
	char *err;

	put_event(&b, 1700000000, 1, 41, "\n", true);
	for (size_t i = 0; i < 3 * (size_t)AUDIT_RECORD_MAX_LEN; i++)
		sbuf_putc(&b, 'y');
	capture_start(&cap);
	assert_int_equal(replay_mem(b.buf, b.len, NULL, &s, &st), 0);
	err = capture_end(&cap);
	assert_int_equal(st.lines, 7);
	assert_int_equal(st.bad_lines, 1);
	assert_int_equal(s.n, 1);
	assert_non_null(strstr(err, "-:7: skipped: line too long"));
	free(err);
	sbuf_free(&b);
}

static void
test_replay_first_line_passed_in(void **state)
{
	struct sbuf b = SBUF_INIT;
	struct sink s = { .n = 0 };
	struct audit_replay_stats st;
	struct audit_replay_opts opts = { .name = "in" };
	struct capture cap;
	char *line = NULL, *err;
	size_t cap_len = 0;
	ssize_t len;
	FILE *fp;
	int rc;

	put_event(&b, 1700000000, 1, 51, "\n", true);
	sbuf_puts(&b, "junk\n");
	fp = fmemopen(b.buf, b.len, "r");
	assert_non_null(fp);
	len = getline(&line, &cap_len, fp);
	assert_true(len > 0);
	assert_int_equal(line[len - 1], '\n');
	capture_start(&cap);
	rc = audit_replay(fp, line, (size_t)len, &opts, collect, &s, &st);
	err = capture_end(&cap);
	assert_int_equal(rc, 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(st.lines, 7);
	assert_int_equal(st.asm_stats.complete, 1);
	/* Line numbers count the first line too. */
	assert_non_null(strstr(err, "in:7: skipped: "));
	free(err);
	free(line);
	fclose(fp);
	sbuf_free(&b);
}

static void
test_replay_log_time_drives_timeouts(void **state)
{
	struct sbuf b = SBUF_INIT;
	struct sink s = { .n = 0 };
	struct audit_replay_stats st;

	/* 61 never gets its EOE; 62 comes three log seconds later: 61 times out before 62 is
	 * read to its end, however fast the replay runs.  63 is cut off by the end of input. */
	put_line(&b, "SYSCALL", 1700000000, 0, 61, "arch=c000003e syscall=59 success=yes "
	         "exit=0 a0=1 a1=2 a2=3 a3=0 items=0 ppid=1 pid=2 auid=0 uid=0 gid=0 euid=0 "
	         "suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm=\"a\" "
	         "exe=\"/bin/a\" key=(null)");
	put_event(&b, 1700000003, 0, 62, "\n", true);
	put_line(&b, "SYSCALL", 1700000003, 500, 63, "arch=c000003e syscall=59 success=yes "
	         "exit=0 a0=1 a1=2 a2=3 a3=0 items=0 ppid=1 pid=2 auid=0 uid=0 gid=0 euid=0 "
	         "suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm=\"a\" "
	         "exe=\"/bin/a\" key=(null)");
	assert_int_equal(replay_mem(b.buf, b.len, NULL, &s, &st), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.serials[0], 61);
	assert_int_equal(s.serials[1], 62);
	assert_int_equal(s.serials[2], 63);
	assert_int_equal(st.asm_stats.timed_out, 1);
	assert_int_equal(st.asm_stats.complete, 1);
	assert_int_equal(st.asm_stats.flushed, 1);
	sbuf_free(&b);
}

static void
test_replay_sink_stops(void **state)
{
	struct sbuf b = SBUF_INIT;
	struct sink s = { .stop_after = 2 };
	struct audit_replay_stats st;

	for (unsigned i = 0; i < 5; i++)
		put_event(&b, 1700000000, i, 70 + i, "\n", true);
	assert_int_equal(replay_mem(b.buf, b.len, NULL, &s, NULL), -ECANCELED);
	assert_int_equal(s.n, 2);
	/* Stopping during the final flush is reported too. */
	memset(&s, 0, sizeof(s));
	s.stop_after = 1;
	sbuf_reset(&b);
	put_line(&b, "SYSCALL", 1700000000, 0, 80, "arch=c000003e syscall=59 success=yes "
	         "exit=0 a0=1 a1=2 a2=3 a3=0 items=0 ppid=1 pid=2 auid=0 uid=0 gid=0 euid=0 "
	         "suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=1 comm=\"a\" "
	         "exe=\"/bin/a\" key=(null)");
	assert_int_equal(replay_mem(b.buf, b.len, NULL, &s, &st), -ECANCELED);
	assert_int_equal(s.n, 1);
	sbuf_free(&b);
}

static void
test_replay_read_error(void **state)
{
	struct sink s = { .n = 0 };
	struct audit_replay_stats st;
	FILE *fp = fopen("/", "r");	/* opening works; reading a directory fails */

	assert_non_null(fp);
	assert_int_equal(audit_replay(fp, NULL, 0, NULL, collect, &s, &st), -EISDIR);
	assert_int_equal(st.lines, 0);
	fclose(fp);
}

static void
test_replay_many_lines_and_progress(void **state)
{
	struct sbuf b = SBUF_INIT;
	struct sink s = { .n = 0 };
	struct audit_replay_stats st;
	struct audit_replay_opts opts = { .name = "big", .progress = true };
	struct capture cap;
	const unsigned events = 5000;
	char *err;

	/* About 3 MB: lines straddle many read blocks. */
	for (unsigned i = 0; i < events; i++)
		put_event(&b, 1700000000 + i / 1000, i % 1000, 1000 + i, "\n", true);
	opts.total_bytes = b.len;
	capture_start(&cap);
	assert_int_equal(replay_mem(b.buf, b.len, &opts, &s, &st), 0);
	err = capture_end(&cap);
	assert_int_equal(s.n, events);
	assert_int_equal(st.lines, events * 6);
	assert_int_equal(st.bad_lines, 0);
	assert_int_equal(st.asm_stats.complete, events);
	assert_int_equal(st.asm_stats.records, events * 6);
	/* At least one update, in place, with a percentage; the line is cleared at the end. */
	assert_non_null(strstr(err, "\rreplay: "));
	assert_non_null(strstr(err, "%)"));
	assert_non_null(strstr(err, "events/s"));
	assert_null(strchr(err, '\n'));
	assert_true(strlen(err) >= 4);
	assert_string_equal(err + strlen(err) - 4, "\r\033[K");
	free(err);
	sbuf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_events_in_completion_order),
		cmocka_unit_test(test_replay_crlf_and_no_final_newline),
		cmocka_unit_test(test_replay_bad_lines_reported_and_skipped),
		cmocka_unit_test(test_replay_long_line_without_newline),
		cmocka_unit_test(test_replay_first_line_passed_in),
		cmocka_unit_test(test_replay_log_time_drives_timeouts),
		cmocka_unit_test(test_replay_sink_stops),
		cmocka_unit_test(test_replay_read_error),
		cmocka_unit_test(test_replay_many_lines_and_progress),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
