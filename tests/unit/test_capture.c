/* test_capture.c - unit tests for capture/: detection, writing lines, replaying files with
 * good, bad, blank, over-long and endless lines, the report cap, and a sink that stops. */
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

#include "capture/capture.h"
#include "core/log.h"
#include "core/sbuf.h"
#include "event/event.h"
#include "event/event_json.h"

/* A sink that keeps the events' JSON text, one line each, and can stop after STOP_AFTER. */
struct collect {
	struct sbuf text;
	unsigned n;
	unsigned stop_after;	/* 0 = never */
};

static int
collect(struct event *ev, void *arg)
{
	struct collect *c = arg;
	json_t *obj = NULL;
	char *s;

	assert_int_equal(event_to_json(ev, &obj), 0);
	s = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
	sbuf_puts(&c->text, s);
	sbuf_putc(&c->text, '\n');
	free(s);
	json_decref(obj);
	event_free(ev);
	c->n++;
	return c->stop_after && c->n == c->stop_after ? -ECANCELED : 0;
}

static FILE *
file_with(const char *content, size_t len)
{
	FILE *fp = tmpfile();

	assert_non_null(fp);
	assert_int_equal(fwrite(content, 1, len, fp), len);
	rewind(fp);
	return fp;
}

/* Run FN with stderr going to a temporary file; return what was written (caller frees). */
static char *
stderr_of(int (*fn)(void *), void *arg, int *rc)
{
	FILE *tmp = tmpfile();
	int saved = dup(STDERR_FILENO);
	long len;
	char *out;

	assert_non_null(tmp);
	fflush(stderr);
	dup2(fileno(tmp), STDERR_FILENO);
	*rc = fn(arg);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	len = ftell(tmp);
	out = calloc(1, (size_t)len + 1);
	rewind(tmp);
	assert_int_equal(fread(out, 1, (size_t)len, tmp), (size_t)len);
	fclose(tmp);
	return out;
}

static void
test_detect(void **state)
{
	assert_true(capture_detect("{\"type\":\"open\"}", 15));
	assert_true(capture_detect(" \t{", 3));
	assert_true(capture_detect("\n\r {", 4));
	assert_false(capture_detect("type=SYSCALL msg=audit(1.2:3): ", 31));
	assert_false(capture_detect("", 0));
	assert_false(capture_detect("   ", 3));
	assert_false(capture_detect("{", 0));	/* the length is what counts */
	assert_false(capture_detect("[{}]", 4));
}

static struct event *
sample(unsigned i)
{
	static const char *const argv[] = { "sh", "-c", "echo 'a\nb' \"\\\" \xff" };
	struct event *ev = event_new(i % 2 ? EVT_execve : EVT_USER_CMD, EVS_AUDIT);

	ev->ts_ns = 1700000000000000000ull + i;
	ev->serial = i;
	ev->pid = (int64_t)i;
	ev->proc = proc_new((int64_t)i);
	proc_set_argv(ev->proc, argv, 3);
	event_add_kv(ev, "cmd", "line\none\r\n");
	return ev;
}

static void
test_write_and_replay_round_trip(void **state)
{
	struct collect c = { SBUF_INIT, 0, 0 };
	struct sbuf want = SBUF_INIT;
	struct capture_stats st;
	FILE *fp = tmpfile();
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	assert_non_null(fp);
	for (unsigned i = 0; i < 50; i++) {
		struct event *ev = sample(i);

		assert_int_equal(capture_write(fp, ev), 0);
		event_free(ev);
	}
	rewind(fp);
	/* Every event is exactly one line. */
	for (unsigned i = 0; (n = getline(&line, &cap, fp)) >= 0; i++) {
		assert_true(capture_detect(line, (size_t)n));
		assert_int_equal(memchr(line, '\n', (size_t)n), line + n - 1);
		sbuf_add(&want, line, (size_t)n);
	}
	free(line);
	rewind(fp);
	assert_int_equal(capture_replay(fp, "cap", NULL, 0, collect, &c, &st), 0);
	assert_int_equal(st.lines, 50);
	assert_int_equal(st.events, 50);
	assert_int_equal(st.bad_lines, 0);
	/* Reading back and writing again gives the same bytes. */
	assert_string_equal(sbuf_str(&c.text), sbuf_str(&want));
	fclose(fp);
	sbuf_free(&c.text);
	sbuf_free(&want);
}

static void
test_first_line_passed_in(void **state)
{
	static const char file[] =
		"{\"type\":\"open\",\"source\":\"fanotify\",\"serial\":1}\n"
		"{\"type\":\"open\",\"source\":\"fanotify\",\"serial\":2}\n";
	struct collect c = { SBUF_INIT, 0, 0 };
	struct capture_stats st;
	FILE *fp = file_with(file, sizeof(file) - 1);
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, fp);

	assert_true(n > 0 && capture_detect(line, (size_t)n));
	assert_int_equal(capture_replay(fp, "f", line, (size_t)n, collect, &c, &st), 0);
	assert_int_equal(st.lines, 2);
	assert_int_equal(st.events, 2);
	assert_non_null(strstr(sbuf_str(&c.text), "\"serial\":1}\n"));
	assert_non_null(strstr(sbuf_str(&c.text), "\"serial\":2}\n"));
	free(line);
	fclose(fp);
	sbuf_free(&c.text);
}

struct replay_args {
	FILE *fp;
	struct collect *c;
	struct capture_stats *st;
};

static int
run_replay(void *arg)
{
	struct replay_args *a = arg;

	return capture_replay(a->fp, "t.cap", NULL, 0, collect, a->c, a->st);
}

static void
test_bad_lines_are_skipped_and_reported(void **state)
{
	static const char file[] =
		"{\"type\":\"execve\",\"source\":\"audit\",\"pid\":1}\n"	/* 1 good */
		"\n"								/* 2 blank */
		"not json\n"							/* 3 */
		"[1]\n"								/* 4 */
		"{\"type\":\"execve\",\"source\":\"audit\",\"pid\":-1}\n"	/* 5 */
		"{\"type\":\"execve\",\"source\":\"audit\",\"pid\":99999999999999999999}\n"
		"{\"type\":\"execve\",\"source\":\"audit\",\"type\":\"open\"}\n"	/* 7 */
		"{\"type\":\"execve\",\"source\":\"audit\"} {}\n"		/* 8 */
		"{\"type\":\"ex\0ecve\",\"source\":\"audit\"}\n"		/* 9 NUL */
		"{\"source\":\"audit\"}\n"					/* 10 */
		"{\"type\":\"nosuch\",\"source\":\"audit\"}\n"			/* 11 */
		"{\"type\":\"execve\",\"source\":\"audit\",\"pid\":2}\r\n"	/* 12 good */
		"  \t \n"							/* 13 blank */
		"{\"type\":\"execve\",\"source\":\"audit\",\"pid\":3}";	/* 14 good */
	struct collect c = { SBUF_INIT, 0, 0 };
	struct capture_stats st;
	struct replay_args a = { file_with(file, sizeof(file) - 1), &c, &st };
	int rc;
	char *err = stderr_of(run_replay, &a, &rc);

	assert_int_equal(rc, 0);
	assert_int_equal(st.lines, 14);
	assert_int_equal(st.events, 3);
	assert_int_equal(st.bad_lines, 9);
	assert_non_null(strstr(err, "t.cap:3: skipped: invalid JSON at column"));
	assert_non_null(strstr(err, "t.cap:4: skipped: not a JSON object"));
	assert_non_null(strstr(err, "t.cap:5: skipped: pid: out of range"));
	assert_non_null(strstr(err, "t.cap:6: skipped: invalid JSON at column"));
	assert_non_null(strstr(err, "too big integer"));
	assert_non_null(strstr(err, "t.cap:7: skipped: invalid JSON"));
	assert_non_null(strstr(err, "duplicate object key"));
	assert_non_null(strstr(err, "t.cap:8: skipped: invalid JSON"));
	assert_non_null(strstr(err, "t.cap:9: skipped: NUL byte in line"));
	assert_non_null(strstr(err, "t.cap:10: skipped: type: missing"));
	assert_non_null(strstr(err, "t.cap:11: skipped: type: unknown event type"));
	assert_null(strstr(err, "t.cap:2:"));
	assert_null(strstr(err, "t.cap:12:"));
	assert_null(strstr(err, "only the first"));
	assert_non_null(strstr(sbuf_str(&c.text), "\"pid\":3}"));
	free(err);
	fclose(a.fp);
	sbuf_free(&c.text);
}

static void
test_reports_are_capped(void **state)
{
	struct collect c = { SBUF_INIT, 0, 0 };
	struct capture_stats st;
	struct sbuf file = SBUF_INIT;
	struct replay_args a = { NULL, &c, &st };
	char *err;
	int rc;

	for (int i = 0; i < 100; i++)
		sbuf_puts(&file, "{\"type\":1}\n");
	sbuf_puts(&file, "{\"type\":\"bind\",\"source\":\"audit\"}\n");
	a.fp = file_with(file.buf, file.len);
	err = stderr_of(run_replay, &a, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(st.bad_lines, 100);
	assert_int_equal(st.events, 1);
	assert_non_null(strstr(err, "t.cap:20: skipped"));
	assert_null(strstr(err, "t.cap:21: skipped"));
	assert_non_null(strstr(err, "t.cap: 100 bad lines skipped, only the first 20 reported"));
	free(err);
	fclose(a.fp);
	sbuf_free(&file);
	sbuf_free(&c.text);
}

/* Lines of any length are read whole: a long valid line is an event, an absurd one is
 * skipped without stopping the replay. */
static void
test_long_lines(void **state)
{
	struct collect c = { SBUF_INIT, 0, 0 };
	struct capture_stats st;
	struct sbuf file = SBUF_INIT;
	struct replay_args a = { NULL, &c, &st };
	static char block[1 << 20];
	char *err;
	int rc;

	sbuf_puts(&file, "{\"type\":\"execve\",\"source\":\"audit\",\"proc\":{\"argv\":[");
	for (int i = 0; i < 2000; i++)
		sbuf_printf(&file, "%s\"%0200d\"", i ? "," : "", i);
	sbuf_puts(&file, "]}}\n");
	a.fp = file_with(file.buf, file.len);
	memset(block, ' ', sizeof(block));
	fseek(a.fp, 0, SEEK_END);
	for (size_t i = 0; i <= CAPTURE_MAX_LINE / sizeof(block); i++)
		assert_int_equal(fwrite(block, 1, sizeof(block), a.fp), sizeof(block));
	fputs("{}\n{\"type\":\"bind\",\"source\":\"audit\"}\n", a.fp);
	rewind(a.fp);
	err = stderr_of(run_replay, &a, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(st.lines, 3);
	assert_int_equal(st.events, 2);
	assert_int_equal(st.bad_lines, 1);
	assert_non_null(strstr(err, "t.cap:2: skipped: line too long"));
	assert_non_null(strstr(sbuf_str(&c.text), "\"00000000000000000000"));
	free(err);
	fclose(a.fp);
	sbuf_free(&file);
	sbuf_free(&c.text);
}

static void
test_sink_can_stop(void **state)
{
	struct collect c = { SBUF_INIT, 0, 2 };
	struct capture_stats st;
	struct sbuf file = SBUF_INIT;
	FILE *fp;

	for (int i = 0; i < 5; i++)
		sbuf_printf(&file, "{\"type\":\"listen\",\"source\":\"audit\",\"serial\":%d}\n", i);
	fp = file_with(file.buf, file.len);
	assert_int_equal(capture_replay(fp, NULL, NULL, 0, collect, &c, NULL), -ECANCELED);
	assert_int_equal(c.n, 2);
	rewind(fp);
	c.n = 0;
	c.stop_after = 0;
	assert_int_equal(capture_replay(fp, NULL, NULL, 0, collect, &c, &st), 0);
	assert_int_equal(st.events, 5);
	fclose(fp);
	sbuf_free(&file);
	sbuf_free(&c.text);
}

static void
test_write_errors(void **state)
{
	struct event *ev = event_new(EVT_open, EVS_FANOTIFY);
	FILE *ro = fopen("/dev/null", "r");
	FILE *fp = tmpfile();

	assert_non_null(ro);
	assert_int_equal(capture_write(ro, ev), -EIO);
	/* An event the writer refuses leaves no partial line behind. */
	ev->type = EVT_NONE;
	assert_int_equal(capture_write(fp, ev), -EINVAL);
	assert_int_equal(ftell(fp), 0);
	fclose(ro);
	fclose(fp);
	event_free(ev);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_write_and_replay_round_trip),
		cmocka_unit_test(test_first_line_passed_in),
		cmocka_unit_test(test_bad_lines_are_skipped_and_reported),
		cmocka_unit_test(test_reports_are_capped),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_sink_can_stop),
		cmocka_unit_test(test_write_errors),
	};

	log_init("test_capture", LOG_LVL_WARN, false);
	return cmocka_run_group_tests_name("capture", tests, NULL, NULL);
}
