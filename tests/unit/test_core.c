/* test_core.c - unit tests for core/: strict numbers, strings, escaping, arenas, diags. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/diag.h"
#include "core/lineread.h"
#include "core/log.h"
#include "core/hostpath.h"
#include "core/pathlist.h"
#include "core/notify.h"
#include <sys/socket.h>
#include <sys/un.h>
#include "core/sbuf.h"
#include "core/strnum.h"
#include "core/timefmt.h"
#include "core/utf8.h"

static void
test_strnum_accepts_whole_numbers(void **state)
{
	uint64_t u = 0;
	int64_t i = 0;

	assert_int_equal(strnum_u64z("0", 10, UINT64_MAX, &u), 0);
	assert_int_equal(u, 0);
	assert_int_equal(strnum_u64z("18446744073709551615", 10, UINT64_MAX, &u), 0);
	assert_true(u == UINT64_MAX);
	assert_int_equal(strnum_u64z("c000003e", 16, UINT64_MAX, &u), 0);
	assert_int_equal(u, 0xc000003e);
	assert_int_equal(strnum_i64z("-1", 10, INT64_MIN, INT64_MAX, &i), 0);
	assert_int_equal(i, -1);
	assert_int_equal(strnum_i64z("-9223372036854775808", 10, INT64_MIN, INT64_MAX, &i), 0);
	assert_true(i == INT64_MIN);
	/* Either side of the length below which no overflow check is made. */
	assert_int_equal(strnum_u64z("9999999999999999999", 10, UINT64_MAX, &u), 0);
	assert_true(u == UINT64_C(9999999999999999999));
	assert_int_equal(strnum_u64z("ffffffffffffffff", 16, UINT64_MAX, &u), 0);
	assert_true(u == UINT64_MAX);
	assert_int_equal(strnum_u64z("00000000000000000001", 10, UINT64_MAX, &u), 0);
	assert_int_equal(u, 1);
	assert_int_equal(strnum_u64z("0000000000000000000000000000000A", 16, UINT64_MAX, &u), 0);
	assert_int_equal(u, 10);
	assert_int_equal(strnum_u64z("1111111111111111111111111111111111111111111111111111111111111111",
	                             2, UINT64_MAX, &u), 0);
	assert_true(u == UINT64_MAX);
	assert_int_equal(strnum_u64z("777", 8, UINT64_MAX, &u), 0);
	assert_int_equal(u, 0777);
}

static void
test_strnum_rejects_junk_and_range(void **state)
{
	uint64_t u = 7;
	int64_t i = 7;

	assert_int_equal(strnum_u64z("", 10, UINT64_MAX, &u), -EINVAL);
	assert_int_equal(strnum_u64z(" 1", 10, UINT64_MAX, &u), -EINVAL);
	assert_int_equal(strnum_u64z("1 ", 10, UINT64_MAX, &u), -EINVAL);
	assert_int_equal(strnum_u64z("+1", 10, UINT64_MAX, &u), -EINVAL);
	assert_int_equal(strnum_u64z("0x10", 16, UINT64_MAX, &u), -EINVAL);
	assert_int_equal(strnum_u64z("12a", 10, UINT64_MAX, &u), -EINVAL);
	assert_int_equal(strnum_u64z("18446744073709551616", 10, UINT64_MAX, &u), -ERANGE);
	assert_int_equal(strnum_u64z("256", 10, 255, &u), -ERANGE);
	assert_int_equal(strnum_u64z("10000000000000000", 16, UINT64_MAX, &u), -ERANGE);
	assert_int_equal(strnum_u64z("1ffffffffffffffff", 16, UINT64_MAX, &u), -ERANGE);
	assert_int_equal(strnum_u64z("8", 8, UINT64_MAX, &u), -EINVAL);
	assert_int_equal(strnum_u64z("a", 10, UINT64_MAX, &u), -EINVAL);
	assert_int_equal(strnum_u64z("g", 16, UINT64_MAX, &u), -EINVAL);
	assert_int_equal(strnum_u64z("1\xff", 16, UINT64_MAX, &u), -EINVAL);
	assert_int_equal(strnum_u64("1\0", 2, 10, UINT64_MAX, &u), -EINVAL);
	assert_int_equal(strnum_i64z("9223372036854775808", 10, INT64_MIN, INT64_MAX, &i), -ERANGE);
	assert_int_equal(strnum_i64z("-", 10, INT64_MIN, INT64_MAX, &i), -EINVAL);
	assert_int_equal(strnum_i64z("-5", 10, 0, 10, &i), -ERANGE);
	/* Overflow followed by junk is junk, not a range error. */
	assert_int_equal(strnum_u64z("99999999999999999999x", 10, UINT64_MAX, &u), -EINVAL);
	assert_int_equal(u, 7);
	assert_int_equal(i, 7);
	/* A span is read only as far as its length. */
	assert_int_equal(strnum_u64("123junk", 3, 10, UINT64_MAX, &u), 0);
	assert_int_equal(u, 123);
}

static void
test_utf8_strict(void **state)
{
	/* Truncated sequences, stray continuations, bad leads: the offset of the first bad byte. */
	assert_int_equal(utf8_check("ab\xc3\xa9", 4), 4);
	assert_int_equal(utf8_check("ab\xc3", 3), 2);
	assert_int_equal(utf8_check("ab\xc3\xa9\x80z", 6), 4);
	assert_int_equal(utf8_check("\xc0\x80", 2), 0);	/* overlong NUL */
	assert_int_equal(utf8_check("\xf5\x80\x80\x80", 4), 0);
	assert_int_equal(utf8_check("x\xe2\x82", 3), 1);	/* cut inside a 3-byte sequence */
	/* AVAIL bounds the read: a sequence that would run past it is invalid. */
	assert_int_equal(utf8_seq("\xe2\x82\xac", 2), 0);
	assert_int_equal(utf8_seq("\xe2\x82\xac", 3), 3);
	assert_int_equal(utf8_seq("\xf0\x9f\x98\x80", 4), 4);
	assert_int_equal(utf8_seq("", 1), 1);			/* a NUL is a one-byte sequence */
	assert_true(utf8_valid("", 0));
	assert_false(utf8_valid("\xed\xa0\x80", 3));		/* surrogate */
}

/* Lines of any length and content are read with at most MAX bytes held; the reader keeps its
 * place across a line many blocks long. */
static void
test_lineread_bounded(void **state)
{
	struct sbuf in = SBUF_INIT;
	struct lineread lr;
	FILE *fp;

	sbuf_puts(&in, "abc\n");
	for (int i = 0; i < 300000; i++)		/* several 64 KiB blocks, one line */
		sbuf_putc(&in, 'z');
	sbuf_puts(&in, "\nx");
	sbuf_add(&in, "\0y\r\n\n12345\n123456\ntail", 23);
	assert_non_null(fp = fmemopen(in.buf, in.len, "r"));
	assert_int_equal(lineread_init(&lr, fp, 5), 0);
	assert_int_equal(lineread_next(&lr), 1);
	assert_false(lr.too_long);
	assert_int_equal(lr.len, 3);
	assert_string_equal(lr.line, "abc");
	assert_int_equal(lineread_next(&lr), 1);
	assert_true(lr.too_long);
	assert_int_equal(lineread_next(&lr), 1);
	assert_false(lr.too_long);
	assert_int_equal(lr.len, 4);
	assert_memory_equal(lr.line, "x\0y\r", 4);	/* NUL and CR are the caller's business */
	assert_int_equal(lineread_next(&lr), 1);
	assert_int_equal(lr.len, 0);
	assert_int_equal(lineread_next(&lr), 1);
	assert_false(lr.too_long);
	assert_string_equal(lr.line, "12345");
	assert_int_equal(lineread_next(&lr), 1);
	assert_true(lr.too_long);
	assert_int_equal(lineread_next(&lr), 1);
	assert_string_equal(lr.line, "tail");		/* no newline at the end */
	assert_int_equal(lineread_next(&lr), 0);
	assert_true(lr.cap <= 4096);			/* never grew past the first buffer */
	assert_int_equal(lr.bytes, in.len);
	lineread_free(&lr);
	fclose(fp);
	sbuf_free(&in);
}

/* Lines inside a block are handed out in place, a line across two blocks is assembled:
 * both read the same.  (The reader's blocks are 64 KiB.) */
static void
test_lineread_across_blocks(void **state)
{
	struct sbuf in = SBUF_INIT;
	struct lineread lr;
	FILE *fp;

	for (int i = 0; i < 65530; i++)
		sbuf_putc(&in, 'a');
	sbuf_puts(&in, "\nhello world\nnext\n\nlast");
	assert_non_null(fp = fmemopen(in.buf, in.len, "r"));
	assert_int_equal(lineread_init(&lr, fp, 100000), 0);
	assert_int_equal(lineread_next(&lr), 1);
	assert_int_equal(lr.len, 65530);
	assert_int_equal(strlen(lr.line), 65530);
	assert_int_equal(lineread_next(&lr), 1);
	assert_string_equal(lr.line, "hello world");	/* bytes 65531..65541: two blocks */
	assert_int_equal(lr.len, 11);
	assert_int_equal(lineread_next(&lr), 1);
	assert_string_equal(lr.line, "next");
	assert_int_equal(lineread_next(&lr), 1);
	assert_string_equal(lr.line, "");
	assert_int_equal(lr.len, 0);
	assert_int_equal(lineread_next(&lr), 1);
	assert_string_equal(lr.line, "last");
	assert_int_equal(lineread_next(&lr), 0);
	lineread_free(&lr);
	fclose(fp);
	sbuf_free(&in);
}

/* lineread_first() stops right after its line, so the stream can be handed on. */
static void
test_lineread_first(void **state)
{
	static const char text[] = "abcde\n0123456789\nnext";
	struct sbuf line = SBUF_INIT;
	FILE *fp = fmemopen((void *)text, sizeof(text) - 1, "r");

	assert_non_null(fp);
	assert_int_equal(lineread_first(fp, 5, &line), 1);
	assert_int_equal(line.len, 6);
	assert_string_equal(sbuf_str(&line), "abcde\n");		/* MAX bytes and the '\n' */
	assert_int_equal(lineread_first(fp, 5, &line), 1);
	assert_int_equal(line.len, 6);				/* MAX + 1: too long to accept */
	assert_string_equal(sbuf_str(&line), "012345");
	assert_int_equal(getc(fp), 'n');			/* the rest of the line was consumed */
	assert_int_equal(lineread_first(fp, 5, &line), 1);
	assert_string_equal(sbuf_str(&line), "ext");
	assert_int_equal(lineread_first(fp, 5, &line), 0);
	fclose(fp);
	sbuf_free(&line);
}

static void
test_timefmt_forms(void **state)
{
	char buf[TIMEFMT_MAX];

	assert_int_equal(timefmt_write(0, TIMEFMT_UTC_ISO, true, buf), 30);
	assert_string_equal(buf, "1970-01-01T00:00:00.000000000Z");
	timefmt_write(UINT64_MAX, TIMEFMT_UTC_ISO, true, buf);
	assert_string_equal(buf, "2554-07-21T23:34:33.709551615Z");
	timefmt_write(UINT64_C(999999999), TIMEFMT_UTC_ISO, false, buf);
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
	/* Local forms, in a zone that needs no tz database. */
	setenv("TZ", "XYZ-5:30", 1);
	tzset();
	timefmt_write(123, TIMEFMT_LOCAL_ISO, true, buf);
	assert_string_equal(buf, "1970-01-01T05:30:00.000000123+0530");
	timefmt_write(123, TIMEFMT_LOCAL_CLOCK, false, buf);
	assert_string_equal(buf, "05:30:00");
	timefmt_write(123, TIMEFMT_LOCAL_DATE, true, buf);
	assert_string_equal(buf, "1970-01-01 05:30:00.000000123");
	assert_true(timefmt_write(UINT64_MAX, TIMEFMT_LOCAL_ISO, true, buf) < TIMEFMT_MAX);
	unsetenv("TZ");
	tzset();
}

static void
test_strnum_hexdecode(void **state)
{
	char out[8];

	assert_int_equal(strnum_hexdecode("2F746d7000ff", 12, out), 0);
	assert_memory_equal(out, "/tmp\0\xff", 6);		/* both cases, NUL kept */
	assert_int_equal(strnum_hexdecode("", 0, out), 0);
	assert_int_equal(strnum_hexdecode("abc", 3, out), -EINVAL);	/* odd */
	assert_int_equal(strnum_hexdecode("0g", 2, out), -EINVAL);
	assert_int_equal(strnum_hexdecode("0 ", 2, out), -EINVAL);
	assert_int_equal(strnum_hexdecode("\0" "0", 2, out), -EINVAL);
	assert_int_equal(strnum_xdigit('F'), 15);
	assert_int_equal(strnum_xdigit('/'), -1);
	assert_int_equal(strnum_xdigit(':'), -1);
	assert_int_equal(strnum_xdigit('G'), -1);
}

/* What the operator log writes to stderr while FN runs: at most 255 bytes. */
static void
stderr_during(void (*fn)(void), char *buf, size_t len)
{
	int fds[2], saved = dup(STDERR_FILENO);
	ssize_t n;

	assert_int_equal(pipe(fds), 0);
	fflush(stderr);
	assert_true(dup2(fds[1], STDERR_FILENO) >= 0);
	close(fds[1]);
	fn();
	fflush(stderr);
	assert_true(dup2(saved, STDERR_FILENO) >= 0);
	close(saved);
	n = read(fds[0], buf, len - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(fds[0]);
}

static void
warn_twice(void)
{
	log_warnx("first %s", "line\nforged");
	log_info("second");
}

/* log_stderr / log_syslog: stderr can be switched off, and lines stay escaped. */
static void
test_log_targets(void **state)
{
	char buf[256];

	log_init("t", LOG_LVL_WARN, false);
	stderr_during(warn_twice, buf, sizeof(buf));
	assert_string_equal(buf, "t: first line\\nforged\n");	/* info is above WARN */
	log_targets(false, false);
	stderr_during(warn_twice, buf, sizeof(buf));
	assert_string_equal(buf, "");
	log_init("t", LOG_LVL_INFO, false);
	stderr_during(warn_twice, buf, sizeof(buf));
	assert_string_equal(buf, "t: first line\\nforged\nt: second\n");
}

static void
test_sbuf_escape_blocks_line_forgery(void **state)
{
	struct sbuf b = SBUF_INIT;
	const char evil[] = "a\nb\tc\\d\x1b[31m\x7f\xc3\xa9";

	sbuf_escape(&b, evil, sizeof(evil) - 1);
	assert_string_equal(sbuf_str(&b), "a\\nb\\tc\\\\d\\x1b[31m\\x7f\xc3\xa9");
	assert_null(strchr(sbuf_str(&b), '\n'));
	sbuf_reset(&b);
	sbuf_escape(&b, "x\0y", 3);
	assert_string_equal(sbuf_str(&b), "x\\x00y");
	sbuf_free(&b);
}

/* sbuf_putu() prints what printf would. */
static void
test_sbuf_putu(void **state)
{
	static const uint64_t values[] = { 0, 1, 7, 8, 0644, 0100644, 255, 0xc000003e, UINT64_MAX };
	struct sbuf b = SBUF_INIT;
	char want[80];

	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		sbuf_reset(&b);
		sbuf_putu(&b, values[i], 8);
		sbuf_putc(&b, ' ');
		sbuf_putu(&b, values[i], 10);
		sbuf_putc(&b, ' ');
		sbuf_putu(&b, values[i], 16);
		snprintf(want, sizeof(want), "%" PRIo64 " %" PRIu64 " %" PRIx64, values[i],
		         values[i], values[i]);
		assert_string_equal(sbuf_str(&b), want);
	}
	sbuf_reset(&b);
	sbuf_putu(&b, 5, 2);
	assert_string_equal(sbuf_str(&b), "101");
	sbuf_free(&b);
}

static void
test_sbuf_printf_grows(void **state)
{
	struct sbuf b = SBUF_INIT;

	assert_string_equal(sbuf_str(&b), "");
	for (int i = 0; i < 1000; i++)
		sbuf_printf(&b, "%d,", i);
	assert_int_equal(b.len, strlen(sbuf_str(&b)));
	assert_memory_equal(sbuf_str(&b), "0,1,2,", 6);
	char *s = sbuf_steal(&b);
	assert_null(b.buf);
	free(s);
}

static void
test_arena_alignment_and_large_blocks(void **state)
{
	struct arena a = ARENA_INIT;

	for (int i = 0; i < 100; i++) {
		void *p = arena_alloc(&a, (size_t)i * 7 + 1);
		assert_int_equal((uintptr_t)p % 16, 0);
	}
	char *big = arena_zalloc(&a, 1 << 20);
	assert_int_equal(big[(1 << 20) - 1], 0);
	assert_string_equal(arena_strndup(&a, "hello world", 5), "hello");
	arena_free(&a);
	assert_null(a.head);
	arena_free(NULL);
}

/* A size that would wrap when rounded up aborts instead of handing out a tiny block. */
/* An arena's own first-chunk size: small objects stay small, and the arena still grows. */
static void
test_arena_first_chunk_size(void **state)
{
	struct arena a = ARENA_INIT;
	char *p, *q;

	(void)state;
	a.first_chunk = 64;
	p = arena_alloc(&a, 48);
	q = arena_alloc(&a, 16);
	assert_ptr_equal(q, p + 48);            /* both in the first, 64-byte chunk */
	p = arena_alloc(&a, 16);
	assert_true(p < q || p >= q + 16);      /* a new chunk */
	assert_int_equal(a.total, 80);
	/* Growing doubles from the small size and still serves large blocks. */
	memset(arena_alloc(&a, 100), 1, 100);
	memset(arena_alloc(&a, 5000), 2, 5000);
	arena_free(&a);
	assert_int_equal(a.first_chunk, 64);    /* kept for reuse */
	assert_null(a.head);
	/* 0 is the default, as before. */
	a.first_chunk = 0;
	p = arena_alloc(&a, 16);
	for (int i = 1; i < ARENA_CHUNK_MIN / 16; i++)
		assert_ptr_equal(arena_alloc(&a, 16), p + 16 * i);
	assert_ptr_not_equal(arena_alloc(&a, 16), p + ARENA_CHUNK_MIN);
	arena_free(&a);
}

static void
test_arena_refuses_wrapping_sizes(void **state)
{
	static const size_t sizes[] = { SIZE_MAX, SIZE_MAX - 7, SIZE_MAX / 2 + 1 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		pid_t pid = fork();
		int st;

		assert_true(pid >= 0);
		if (pid == 0) {
			struct arena a = ARENA_INIT;
			signal(SIGABRT, SIG_DFL);
			(void)arena_alloc(&a, sizes[i]);
			_exit(0);	/* reached only when the size was let through */
		}
		assert_int_equal(waitpid(pid, &st, 0), pid);
		assert_true(WIFSIGNALED(st));
		assert_int_equal(WTERMSIG(st), SIGABRT);
	}
}

static void
test_diags_collects_and_formats(void **state)
{
	struct diags d = DIAGS_INIT;

	diags_add(&d, DIAG_WARNING, "r.yaml", 3, 7, "rule %s has no evt.type", "x");
	assert_false(diags_has_errors(&d));
	diags_add(&d, DIAG_ERROR, "r\n.yaml", 10, 2, "bad\nthing");
	assert_true(diags_has_errors(&d));
	assert_int_equal(d.n, 2);
	char *s = diag_format(&d.v[0]);
	assert_string_equal(s, "r.yaml:3:7: warning: rule x has no evt.type");
	free(s);
	s = diag_format(&d.v[1]);
	assert_string_equal(s, "r\\n.yaml:10:2: error: bad\\nthing");
	free(s);
	diags_free(&d);
	assert_int_equal(d.n, 0);
}

static void
test_diags_bounded(void **state)
{
	struct diags d = DIAGS_INIT;

	d.max = 3;
	for (int i = 0; i < 10; i++)
		diags_add(&d, DIAG_ERROR, NULL, 0, 0, "e%d", i);
	assert_int_equal(d.n, 3);
	assert_int_equal(d.dropped, 7);
	assert_int_equal(d.nerrors, 10);
	diags_free(&d);
}

static void
touch(const char *dir, const char *name)
{
	char p[512];
	FILE *fp;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fp = fopen(p, "w");
	assert_non_null(fp);
	fclose(fp);
}

static void
test_pathlist_expands_directories_sorted(void **state)
{
	char dir[] = "/tmp/shikra-test-rules-XXXXXX";
	struct pathlist pl = PATHLIST_INIT;
	struct diags d = DIAGS_INIT;
	char p[512];

	assert_non_null(mkdtemp(dir));
	touch(dir, "b.yaml");
	touch(dir, "a.yml");
	touch(dir, "c.txt");
	touch(dir, ".hidden.yaml");
	assert_int_equal(pathlist_add(&pl, dir, 1, &d), 0);
	assert_int_equal(pl.n, 2);
	assert_non_null(strstr(pl.v[0], "/a.yml"));
	assert_non_null(strstr(pl.v[1], "/b.yaml"));
	snprintf(p, sizeof(p), "%s/c.txt", dir);
	assert_int_equal(pathlist_add(&pl, p, 1, &d), 0);   /* a named file is taken as is */
	assert_int_equal(pl.n, 3);
	assert_int_equal(pathlist_add(&pl, "/nonexistent/rules.d", 0, &d), 0);
	assert_int_equal(d.n, 0);
	assert_int_equal(pathlist_add(&pl, "/nonexistent/rules.d", 1, &d), -ENOENT);
	assert_int_equal(d.n, 1);
	pathlist_free(&pl);
	diags_free(&d);
	snprintf(p, sizeof(p), "rm -rf '%s'", dir);
	assert_int_equal(system(p), 0);
}

/* The systemd notification reaches a datagram socket named by NOTIFY_SOCKET. */
static void
test_notify_datagram(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[64] = { 0 };
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(notify_send("READY=1"), 0);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/tmp/shikra-notify-%d", (int)getpid());
	unlink(sa.sun_path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	setenv("NOTIFY_SOCKET", sa.sun_path, 1);
	assert_int_equal(notify_send("READY=1"), 1);
	assert_int_equal(recv(fd, buf, sizeof(buf) - 1, 0), 7);
	assert_string_equal(buf, "READY=1");
	setenv("NOTIFY_SOCKET", "relative/path", 1);
	assert_int_equal(notify_send("READY=1"), -EINVAL);
	unsetenv("NOTIFY_SOCKET");
	close(fd);
	unlink(sa.sun_path);
}

/* A reset arena keeps its first chunk and hands the same memory out again. */
static void
test_arena_reset_reuses_first_chunk(void **state)
{
	struct arena a = ARENA_INIT;

	arena_reset(&a);                        /* empty: nothing to do */
	assert_null(a.head);
	char *p = arena_alloc(&a, 100);
	arena_alloc(&a, 1 << 16);               /* a second, larger chunk */
	arena_reset(&a);
	assert_non_null(a.head);
	assert_int_equal(a.total, 0);
	assert_ptr_equal(arena_alloc(&a, 100), p);
	arena_free(&a);
	arena_reset(NULL);
}

static void
test_hostpath_prefix_and_strip(void **state)
{
	char buf[32], *dup;
	const char *out;

	(void)state;
	/* Off: NULL, "" and "/" hand the path back unchanged. */
	assert_false(hostpath_on(NULL));
	assert_false(hostpath_on("/"));
	assert_true(hostpath_on("/host/"));
	assert_int_equal(hostpath_to(NULL, "/etc/shadow", buf, sizeof(buf), &out), 0);
	assert_string_equal(out, "/etc/shadow");
	assert_int_equal(hostpath_to("/", "/etc", buf, sizeof(buf), &out), 0);
	assert_string_equal(out, "/etc");
	/* On: one slash between, none doubled, "/" itself is the root. */
	assert_int_equal(hostpath_to("/host", "/etc/shadow", buf, sizeof(buf), &out), 0);
	assert_string_equal(out, "/host/etc/shadow");
	assert_int_equal(hostpath_to("/host//", "/etc", buf, sizeof(buf), &out), 0);
	assert_string_equal(out, "/host/etc");
	assert_int_equal(hostpath_to("/host", "/", buf, sizeof(buf), &out), 0);
	assert_string_equal(out, "/host");
	/* A relative name is not the host's: unchanged. */
	assert_int_equal(hostpath_to("/host", "etc", buf, sizeof(buf), &out), 0);
	assert_string_equal(out, "etc");
	/* Too long for BUF: refused, never truncated. */
	assert_int_equal(hostpath_to("/host", "/aaaaaaaaaaaaaaaaaaaaaaaaaaa", buf, sizeof(buf),
	                             &out), -ENAMETOOLONG);
	assert_null(out);
	assert_int_equal(hostpath_to("/host", "/aaaaaaaaaaaaaaaaaaaaaaaaa", buf, sizeof(buf),
	                             &out), 0);
	assert_int_equal(strlen(out), sizeof(buf) - 1);
	assert_int_equal(hostpath_dup("/host", "/etc", &dup), 0);
	assert_string_equal(dup, "/host/etc");
	free(dup);
	assert_int_equal(hostpath_dup("", "/etc", &dup), 0);
	assert_string_equal(dup, "/etc");
	free(dup);
	assert_int_equal(hostpath_dup("/host", NULL, &dup), 0);
	assert_null(dup);

	/* Back to the host's name: only at a component boundary. */
	assert_string_equal(hostpath_from("/host", "/host/etc/shadow"), "/etc/shadow");
	assert_string_equal(hostpath_from("/host/", "/host/etc"), "/etc");
	assert_string_equal(hostpath_from("/host", "/host"), "/");
	assert_string_equal(hostpath_from("/host", "/hostile/x"), "/hostile/x");
	assert_string_equal(hostpath_from("/host", "/usr/bin/ls"), "/usr/bin/ls");
	assert_string_equal(hostpath_from("", "/host/etc"), "/host/etc");
	assert_null(hostpath_from("/host", NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strnum_accepts_whole_numbers),
		cmocka_unit_test(test_strnum_rejects_junk_and_range),
		cmocka_unit_test(test_utf8_strict),
		cmocka_unit_test(test_lineread_bounded),
		cmocka_unit_test(test_lineread_across_blocks),
		cmocka_unit_test(test_lineread_first),
		cmocka_unit_test(test_timefmt_forms),
		cmocka_unit_test(test_strnum_hexdecode),
		cmocka_unit_test(test_log_targets),
		cmocka_unit_test(test_sbuf_escape_blocks_line_forgery),
		cmocka_unit_test(test_sbuf_putu),
		cmocka_unit_test(test_sbuf_printf_grows),
		cmocka_unit_test(test_arena_alignment_and_large_blocks),
		cmocka_unit_test(test_arena_refuses_wrapping_sizes),
		cmocka_unit_test(test_arena_first_chunk_size),
		cmocka_unit_test(test_diags_collects_and_formats),
		cmocka_unit_test(test_diags_bounded),
		cmocka_unit_test(test_arena_reset_reuses_first_chunk),
		cmocka_unit_test(test_pathlist_expands_directories_sorted),
		cmocka_unit_test(test_notify_datagram),
		cmocka_unit_test(test_hostpath_prefix_and_strip),
	};
	return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
