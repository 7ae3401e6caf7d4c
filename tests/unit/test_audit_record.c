/* test_audit_record.c - unit tests for audit/record: the line and netlink grammars, every value
 * kind, ENRICHED and user-space records, the getters, and the ways input can be bad. */
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
#include <cmocka.h>

#include "audit/record.h"

#define TS_1700000000_123 1700000000123000000ULL

static const char syscall_line[] =
	"type=SYSCALL msg=audit(1700000000.123:4567): arch=c000003e syscall=59 success=yes "
	"exit=-2 a0=55d0 a1=0 items=2 ppid=1 pid=1240 auid=1000 uid=0 tty=(none) ses=3 "
	"comm=\"ls\" exe=\"/usr/bin/ls\" subj=? key=(null)";

/* Parse a NUL-terminated line; fail the test if it is rejected. */
static void
parse_ok(const char *line, struct audit_record *rec)
{
	const char *why = NULL;
	int rc = audit_record_parse_line(line, strlen(line), rec, &why);

	if (rc != 0)
		fail_msg("rejected (%d, %s): %s", rc, why ? why : "?", line);
}

/* Parse LEN bytes expecting failure RC; return the reason and check nothing is left over. */
static const char *
parse_bad_n(const char *line, size_t len, int rc)
{
	struct audit_record rec;
	const char *why = NULL;

	assert_int_equal(audit_record_parse_line(line, len, &rec, &why), rc);
	assert_non_null(why);
	assert_null(rec.fields);
	assert_int_equal(rec.nfields, 0);
	assert_null(rec.mem.head);
	return why;
}

static const char *
parse_bad(const char *line, int rc)
{
	return parse_bad_n(line, strlen(line), rc);
}

/* The decoded text of NAME, which must be present and valid. */
static const char *
str(const struct audit_record *rec, const char *name, struct arena *a)
{
	const char *s = "unset";
	size_t n;

	assert_int_equal(audit_record_get_str(rec, name, a, &s, &n), 0);
	return s;
}

static void
test_syscall_line_and_value_kinds(void **state)
{
	struct audit_record rec;
	struct arena a = ARENA_INIT;
	uint64_t u = 0;
	int64_t i = 0;
	const char *s = "unset";

	parse_ok(syscall_line, &rec);
	assert_int_equal(rec.type, AUDIT_SYSCALL);
	assert_true(rec.ts_ns == TS_1700000000_123);
	assert_int_equal(rec.serial, 4567);
	assert_int_equal(rec.line, 0);
	assert_int_equal(rec.nfields, 17);
	assert_string_equal(rec.fields[0].name, "arch");
	assert_int_equal(rec.fields[0].kind, AUDIT_VALUE_BARE);
	assert_int_equal(audit_record_get_u64(&rec, "arch", 16, &u), 0);
	assert_true(u == 0xc000003e);
	assert_int_equal(audit_record_get_u64(&rec, "syscall", 10, &u), 0);
	assert_int_equal(u, 59);
	assert_int_equal(audit_record_get_i64(&rec, "exit", 10, &i), 0);
	assert_int_equal(i, -2);
	assert_string_equal(audit_record_field(&rec, "success")->value, "yes");

	const struct audit_field *f = audit_record_field(&rec, "comm");
	assert_int_equal(f->kind, AUDIT_VALUE_QUOTED);
	assert_string_equal(f->value, "ls");
	assert_int_equal(f->value_len, 2);
	assert_false(f->enriched);
	assert_string_equal(str(&rec, "exe", &a), "/usr/bin/ls");

	assert_int_equal(audit_record_field(&rec, "key")->kind, AUDIT_VALUE_NULL);
	assert_string_equal(audit_record_field(&rec, "key")->value, "(null)");
	assert_int_equal(audit_record_get_str(&rec, "key", &a, &s, NULL), 0);
	assert_null(s);
	assert_int_equal(audit_record_field(&rec, "tty")->kind, AUDIT_VALUE_NONE);
	s = "unset";
	assert_int_equal(audit_record_get_str(&rec, "tty", &a, &s, NULL), 0);
	assert_null(s);
	assert_int_equal(audit_record_field(&rec, "subj")->kind, AUDIT_VALUE_NONE);
	assert_string_equal(audit_record_field(&rec, "subj")->value, "?");

	assert_null(audit_record_field(&rec, "nosuch"));
	assert_null(audit_record_field(&rec, ""));
	assert_int_equal(audit_record_get_str(&rec, "nosuch", &a, &s, NULL), -ENOENT);
	audit_record_free(&rec);
	assert_null(rec.fields);
	audit_record_free(&rec);	/* twice is fine */
	audit_record_free(NULL);
	arena_free(&a);
}

static void
test_enriched_fields(void **state)
{
	struct audit_record rec;
	struct arena a = ARENA_INIT;

	parse_ok("type=SYSCALL msg=audit(1700000000.123:4567): arch=c000003e syscall=59 "
		 "uid=0 key=(null)\x1d" "ARCH=x86_64 SYSCALL=execve AUID=\"unset\" UID=\"root\"",
		 &rec);
	assert_int_equal(rec.nfields, 8);
	assert_false(rec.fields[3].enriched);
	assert_int_equal(rec.fields[3].kind, AUDIT_VALUE_NULL);	/* NUL written over 0x1d */
	const struct audit_field *f = audit_record_field(&rec, "ARCH");
	assert_true(f->enriched);
	assert_int_equal(f->kind, AUDIT_VALUE_BARE);
	assert_string_equal(f->value, "x86_64");
	assert_true(audit_record_field(&rec, "SYSCALL")->enriched);
	assert_string_equal(str(&rec, "UID", &a), "root");
	assert_false(audit_record_field(&rec, "uid")->enriched);
	audit_record_free(&rec);

	/* A raw field is found before an enriched one of the same name, wherever it is. */
	parse_ok("type=SYSCALL msg=audit(1700000000.123:4567): x=\"raw\"\x1dx=\"enr\" y=\"e\"",
		 &rec);
	assert_string_equal(audit_record_field(&rec, "x")->value, "raw");
	assert_false(audit_record_field(&rec, "x")->enriched);
	assert_true(audit_record_field(&rec, "y")->enriched);
	/* A hand-built record with the enriched copy first still prefers the raw one. */
	struct audit_field swapped[2] = { rec.fields[1], rec.fields[0] };
	struct audit_record r2 = { .fields = swapped, .nfields = 2 };
	assert_string_equal(audit_record_field(&r2, "x")->value, "raw");
	audit_record_free(&rec);

	/* SADDR={ ... } is kept whole, spaces and all; the next field still parses. */
	parse_ok("type=SOCKADDR msg=audit(1700000000.123:4567): saddr=0200003500000000\x1d"
		 "SADDR={ saddr_fam=inet laddr=0.0.0.0 lport=53 } Z=1", &rec);
	assert_int_equal(rec.nfields, 3);
	f = audit_record_field(&rec, "SADDR");
	assert_int_equal(f->kind, AUDIT_VALUE_QUOTED);
	assert_string_equal(f->value, "{ saddr_fam=inet laddr=0.0.0.0 lport=53 }");
	assert_string_equal(audit_record_field(&rec, "Z")->value, "1");
	assert_null(audit_record_field(&rec, "laddr"));
	audit_record_free(&rec);
	arena_free(&a);
}

static void
test_user_message_fields(void **state)
{
	struct audit_record rec;
	struct arena a = ARENA_INIT;
	const char *msg = "op=PAM:session_open grantors=pam_unix acct=\"root\" exe=\"/usr/bin/su\" "
			  "hostname=? addr=? terminal=pts/0 res=success";
	char line[512];

	snprintf(line, sizeof(line), "type=USER_START msg=audit(1700000001.001:88): pid=2001 "
		 "uid=0 auid=1000 ses=3 msg='%s'\x1dUID=\"root\" AUID=\"alice\"", msg);
	parse_ok(line, &rec);
	assert_int_equal(rec.type, AUDIT_USER_START);
	assert_true(rec.ts_ns == 1700000001001000000ULL);
	assert_int_equal(rec.nfields, 4 + 1 + 8 + 2);
	const struct audit_field *f = audit_record_field(&rec, "msg");
	assert_int_equal(f->kind, AUDIT_VALUE_QUOTED);
	assert_string_equal(f->value, msg);	/* the whole text, untouched */
	assert_int_equal(f->value_len, strlen(msg));
	assert_ptr_equal(f + 1, audit_record_field(&rec, "op"));	/* inner fields follow */
	assert_string_equal(audit_record_field(&rec, "op")->value, "PAM:session_open");
	assert_string_equal(str(&rec, "acct", &a), "root");
	assert_string_equal(str(&rec, "exe", &a), "/usr/bin/su");
	assert_int_equal(audit_record_field(&rec, "hostname")->kind, AUDIT_VALUE_NONE);
	/* Plain text is not hex: the caller reads such fields from ->value. */
	assert_string_equal(audit_record_field(&rec, "terminal")->value, "pts/0");
	assert_string_equal(audit_record_field(&rec, "res")->value, "success");
	const char *s;
	assert_int_equal(audit_record_get_str(&rec, "res", &a, &s, NULL), -EINVAL);
	assert_false(audit_record_field(&rec, "res")->enriched);
	assert_true(audit_record_field(&rec, "AUID")->enriched);
	audit_record_free(&rec);

	/* The message runs to its last quote, so a quote inside it is text. */
	parse_ok("type=USER_CMD msg=audit(1700000006.006:98): pid=3 uid=1000 msg='cwd=\"/home/o'b\" "
		 "cmd=6C73202D6C61 res=success'", &rec);
	assert_string_equal(str(&rec, "cwd", &a), "/home/o'b");
	assert_string_equal(str(&rec, "cmd", &a), "ls -la");
	assert_string_equal(audit_record_field(&rec, "res")->value, "success");
	audit_record_free(&rec);
	/* Fields after the message are still top-level fields. */
	parse_ok("type=USER msg=audit(1700000006.006:98): msg='a=1 b=\"x\"'  after=2 q=\"y\"", &rec);
	assert_int_equal(rec.nfields, 5);
	assert_string_equal(audit_record_field(&rec, "msg")->value, "a=1 b=\"x\"");
	assert_string_equal(audit_record_field(&rec, "after")->value, "2");
	assert_string_equal(audit_record_field(&rec, "q")->value, "y");
	audit_record_free(&rec);

	/* Free words (SELinux text) are skipped, the fields among them kept. */
	parse_ok("type=USER_AVC msg=audit(1700000002.500:91): pid=1 msg='avc:  denied  { status } "
		 "for auid=0 cmdline=\"/usr/bin/systemctl status x\" tclass=service  exe=\"/x\"'",
		 &rec);
	assert_int_equal(rec.nfields, 6);
	assert_string_equal(str(&rec, "cmdline", &a), "/usr/bin/systemctl status x");
	assert_string_equal(audit_record_field(&rec, "tclass")->value, "service");
	audit_record_free(&rec);
	arena_free(&a);
}

static void
test_node_prefix_and_types(void **state)
{
	struct audit_record rec;
	struct arena a = ARENA_INIT;

	parse_ok("node=web-01 type=PROCTITLE msg=audit(1700000000.123:4567): proctitle=6C73", &rec);
	assert_int_equal(rec.type, AUDIT_PROCTITLE);
	assert_string_equal(rec.fields[0].name, "node");
	assert_int_equal(rec.fields[0].kind, AUDIT_VALUE_QUOTED);
	assert_string_equal(str(&rec, "node", &a), "web-01");
	assert_string_equal(str(&rec, "proctitle", &a), "ls");
	audit_record_free(&rec);

	parse_ok("type=UNKNOWN[1334] msg=audit(1700000000.123:4567): prog-id=75 op=LOAD", &rec);
	assert_int_equal(rec.type, 1334);
	assert_string_equal(audit_record_field(&rec, "prog-id")->value, "75");
	audit_record_free(&rec);

	/* An event's end: no fields at all, with or without the trailing space. */
	parse_ok("type=EOE msg=audit(1700000000.123:4567): ", &rec);
	assert_int_equal(rec.type, AUDIT_EOE);
	assert_int_equal(rec.nfields, 0);
	audit_record_free(&rec);
	parse_ok("type=EOE msg=audit(1700000000.123:4567):", &rec);
	audit_record_free(&rec);

	parse_bad("node= type=EOE msg=audit(1700000000.123:4567):", -EINVAL);
	parse_bad("node=host", -EINVAL);
	parse_bad("node=host  type=EOE msg=audit(1700000000.123:4567):", -EINVAL);
	assert_string_equal(parse_bad("type=NOSUCH msg=audit(1700000000.123:4567):", -EINVAL),
			    "unknown record type");
	parse_bad("type=1300 msg=audit(1700000000.123:4567):", -EINVAL);
	parse_bad("type=syscall msg=audit(1700000000.123:4567):", -EINVAL);
	parse_bad("type= msg=audit(1700000000.123:4567):", -EINVAL);
	parse_bad("type=UNKNOWN[] msg=audit(1700000000.123:4567):", -EINVAL);
	parse_bad("type=UNKNOWN[0] msg=audit(1700000000.123:4567):", -EINVAL);
	parse_bad("type=UNKNOWN[65536] msg=audit(1700000000.123:4567):", -EINVAL);
	parse_bad("type=UNKNOWN[12a] msg=audit(1700000000.123:4567):", -EINVAL);
	parse_bad("type=UNKNOWN[-5] msg=audit(1700000000.123:4567):", -EINVAL);
	parse_bad("type=UNKNOWN[1334 msg=audit(1700000000.123:4567):", -EINVAL);
	parse_bad("type=SYSCALLSYSCALLSYSCALLSYSCALLSYSCALLSYSCALLSYSCALLSYSCALLSYSCALL "
		  "msg=audit(1700000000.123:4567):", -EINVAL);
	arena_free(&a);
}

static void
test_netlink_body_reads_only_len(void **state)
{
	/* The payload ends after "a1=2F74"; the bytes after it must never be looked at. */
	const char buf[] = "audit(1700000000.123:4567): comm=\"ls\" a1=2F74"
			   "6D70 x=\"unterminated \0 more";
	size_t len = strlen("audit(1700000000.123:4567): comm=\"ls\" a1=2F74");
	struct audit_record rec;
	struct arena a = ARENA_INIT;
	const char *why = NULL;

	assert_int_equal(audit_record_parse_body(AUDIT_SYSCALL, buf, len, &rec, &why), 0);
	assert_int_equal(rec.type, AUDIT_SYSCALL);
	assert_true(rec.ts_ns == TS_1700000000_123);
	assert_int_equal(rec.nfields, 2);
	assert_string_equal(str(&rec, "a1", &a), "/t");
	audit_record_free(&rec);

	/* The same in a heap block of exactly LEN bytes, for AddressSanitizer. */
	char *exact = malloc(len);
	assert_non_null(exact);
	memcpy(exact, buf, len);
	assert_int_equal(audit_record_parse_body(AUDIT_SYSCALL, exact, len, &rec, &why), 0);
	assert_string_equal(audit_record_field(&rec, "comm")->value, "ls");
	audit_record_free(&rec);
	/* Cut inside the quotes, the same bytes are an unterminated value. */
	len = strlen("audit(1700000000.123:4567): comm=\"l");
	assert_int_equal(audit_record_parse_body(AUDIT_SYSCALL, exact, len, &rec, &why), -EINVAL);
	assert_string_equal(why, "unterminated double quote");
	free(exact);

	/* NUL padding after the text is allowed, a NUL inside it is not. */
	const char padded[] = "audit(1700000000.123:4567): pid=1\0\0";
	assert_int_equal(audit_record_parse_body(AUDIT_LOGIN, padded, sizeof(padded) - 1, &rec,
						 &why), 0);
	assert_string_equal(audit_record_field(&rec, "pid")->value, "1");
	audit_record_free(&rec);
	const char inner[] = "audit(1700000000.123:4567): pid=1\0 uid=0";
	assert_int_equal(audit_record_parse_body(AUDIT_LOGIN, inner, sizeof(inner) - 1, &rec,
						 &why), -EINVAL);
	assert_null(rec.fields);

	/* Bodies carry no enriched part: 0x1d is an ordinary byte there. */
	const char gs[] = "audit(1700000000.123:4567): a=1\x1d" "B=2";
	assert_int_equal(audit_record_parse_body(AUDIT_SYSCALL, gs, sizeof(gs) - 1, &rec, &why),
			 0);
	assert_int_equal(rec.nfields, 1);
	assert_string_equal(audit_record_field(&rec, "a")->value, "1\x1d" "B=2");
	audit_record_free(&rec);

	/* A body has no type= prefix; a bad message type or a missing header is rejected. */
	const char *line = "type=SYSCALL msg=audit(1700000000.123:4567): a=1";
	assert_int_equal(audit_record_parse_body(AUDIT_SYSCALL, line, strlen(line), &rec, &why),
			 -EINVAL);
	assert_int_equal(audit_record_parse_body(0, buf, 10, &rec, &why), -EINVAL);
	assert_int_equal(audit_record_parse_body(-1, buf, 10, &rec, &why), -EINVAL);
	assert_int_equal(audit_record_parse_body(70000, buf, 10, &rec, &why), -EINVAL);
	assert_int_equal(audit_record_parse_body(AUDIT_SYSCALL, buf, 0, &rec, NULL), -EINVAL);
	arena_free(&a);
}

static void
test_hex_values(void **state)
{
	struct audit_record rec;
	struct arena a = ARENA_INIT;
	const char *s;
	char *d;
	size_t n;

	parse_ok("type=PATH msg=audit(1700000000.123:4567): item=0 name=2F746D702F6120622063 "
		 "lower=2f746d70 odd=2F7 nonhex=2G empty= proctitle=6C73002D6C61", &rec);
	assert_int_equal(audit_record_get_str(&rec, "name", &a, &s, &n), 0);
	assert_string_equal(s, "/tmp/a b c");
	assert_int_equal(n, 10);
	assert_string_equal(str(&rec, "lower", &a), "/tmp");
	assert_int_equal(audit_record_get_str(&rec, "odd", &a, &s, &n), -EINVAL);
	assert_int_equal(audit_record_get_str(&rec, "nonhex", &a, &s, &n), -EINVAL);
	assert_int_equal(audit_record_field(&rec, "empty")->kind, AUDIT_VALUE_BARE);
	assert_int_equal(audit_record_get_str(&rec, "empty", &a, &s, &n), 0);
	assert_string_equal(s, "");
	assert_int_equal(n, 0);
	/* PROCTITLE separates argv with NUL: the length tells, the NUL stays. */
	assert_int_equal(audit_record_get_str(&rec, "proctitle", &a, &s, &n), 0);
	assert_int_equal(n, 6);
	assert_memory_equal(s, "ls\0-la", 7);
	audit_record_free(&rec);

	assert_int_equal(audit_hex_decode("00410042", 8, &a, &d, &n), 0);
	assert_int_equal(n, 4);
	assert_memory_equal(d, "\0A\0B\0", 5);
	assert_int_equal(audit_hex_decode("ff", 2, &a, &d, NULL), 0);
	assert_int_equal((unsigned char)d[0], 0xff);
	assert_int_equal(audit_hex_decode("414", 3, &a, &d, &n), -EINVAL);
	assert_int_equal(audit_hex_decode("4G", 2, &a, &d, &n), -EINVAL);
	assert_int_equal(audit_hex_decode("41 2", 4, &a, &d, &n), -EINVAL);
	assert_int_equal(audit_hex_decode("0x41", 4, &a, &d, &n), -EINVAL);
	assert_int_equal(audit_hex_decode("4142", 2, &a, &d, &n), 0);	/* only LEN bytes */
	assert_string_equal(d, "A");
	arena_free(&a);
}

static void
test_numbers_are_strict(void **state)
{
	struct audit_record rec;
	uint64_t u = 7;
	int64_t i = 7;

	parse_ok("type=SECCOMP msg=audit(1700000000.123:4567): pid=59x exit=-2 big=18446744073709551616 "
		 "ip=0x7f00 bad=0x q=\"5\" n=(null) sp=+1 e=", &rec);
	assert_int_equal(audit_record_get_u64(&rec, "pid", 10, &u), -EINVAL);
	assert_int_equal(audit_record_get_u64(&rec, "exit", 10, &u), -EINVAL);
	assert_int_equal(audit_record_get_i64(&rec, "exit", 10, &i), 0);
	assert_int_equal(i, -2);
	assert_int_equal(audit_record_get_u64(&rec, "big", 10, &u), -ERANGE);
	assert_int_equal(audit_record_get_u64(&rec, "ip", 16, &u), 0);
	assert_int_equal(u, 0x7f00);
	assert_int_equal(audit_record_get_u64(&rec, "ip", 10, &u), -EINVAL);
	assert_int_equal(audit_record_get_u64(&rec, "bad", 16, &u), -EINVAL);
	assert_int_equal(audit_record_get_u64(&rec, "q", 10, &u), -EINVAL);
	assert_int_equal(audit_record_get_u64(&rec, "n", 10, &u), -EINVAL);
	assert_int_equal(audit_record_get_i64(&rec, "sp", 10, &i), -EINVAL);
	assert_int_equal(audit_record_get_u64(&rec, "e", 10, &u), -EINVAL);
	assert_int_equal(audit_record_get_u64(&rec, "exit", 8, &u), -EINVAL);
	assert_int_equal(audit_record_get_u64(&rec, "nosuch", 10, &u), -ENOENT);
	assert_int_equal(audit_record_get_i64(&rec, "nosuch", 10, &i), -ENOENT);
	assert_int_equal(u, 0x7f00);	/* untouched by the failures */
	assert_int_equal(i, -2);
	audit_record_free(&rec);
}

static void
test_bad_headers(void **state)
{
	static const char *const bad[] = {
		"",
		"type=SYSCALL",
		"type=SYSCALL arch=c000003e",
		"type=SYSCALL msg=audit(",
		"type=SYSCALL msg=(1700000000.123:4567): a=1",
		"type=SYSCALL msg=audit(1700000000.123:4567) a=1",
		"type=SYSCALL msg=audit(1700000000.123:4567):a=1",
		"type=SYSCALL msg=audit(1700000000.123:4567",
		"type=SYSCALL msg=audit(1700000000.123)",
		"type=SYSCALL  msg=audit(1700000000.123:4567): a=1",
		"msg=audit(1700000000.123:4567): a=1",
		"audit(1700000000.123:4567): a=1",
		/* numbers */
		"type=SYSCALL msg=audit(17000a0000.123:4567): a=1",
		"type=SYSCALL msg=audit(-1.123:4567): a=1",
		"type=SYSCALL msg=audit(+1.123:4567): a=1",
		"type=SYSCALL msg=audit(.123:4567): a=1",
		"type=SYSCALL msg=audit(1700000000.12:4567): a=1",
		"type=SYSCALL msg=audit(1700000000.1234:4567): a=1",
		"type=SYSCALL msg=audit(1700000000.-12:4567): a=1",
		"type=SYSCALL msg=audit(1700000000.123:): a=1",
		"type=SYSCALL msg=audit(1700000000.123:45 67): a=1",
		"type=SYSCALL msg=audit(1700000000.123:0x10): a=1",
		"type=SYSCALL msg=audit(1700000000.123:18446744073709551616): a=1",
		"type=SYSCALL msg=audit(99999999999999999999.123:1): a=1",
		"type=SYSCALL msg=audit(18446744073.000:1): a=1",	/* ns would overflow */
	};

	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		struct audit_record rec;
		const char *why = NULL;
		int rc = audit_record_parse_line(bad[k], strlen(bad[k]), &rec, &why);

		if (rc != -EINVAL || why == NULL || rec.mem.head != NULL)
			fail_msg("accepted or wrong error (%d): %s", rc, bad[k]);
	}
	/* The largest timestamp that fits is fine. */
	struct audit_record rec;
	parse_ok("type=SYSCALL msg=audit(18446744072.999:18446744073709551615): a=1", &rec);
	assert_true(rec.ts_ns == 18446744072999000000ULL);
	assert_true(rec.serial == UINT64_MAX);
	audit_record_free(&rec);
	parse_ok("type=SYSCALL msg=audit(0.000:0):", &rec);
	assert_true(rec.ts_ns == 0);
	audit_record_free(&rec);
}

static void
test_bad_fields(void **state)
{
	const char *h = "type=SYSCALL msg=audit(1700000000.123:4567): ";
	char line[256];
	static const struct {
		const char *fields;
		const char *why;
	} bad[] = {
		{ "comm=\"ls", "unterminated double quote" },
		{ "comm=\"ls exe=\"/bin/ls", "junk after closing quote" },
		{ "comm=\"ls\"x", "junk after closing quote" },
		{ "a=1 msg='op=x res=1", "unterminated single quote" },
		{ "msg='op=x' junk' y=1", NULL },	/* runs to the last quote: then junk */
		{ "msg='a=\"b'", "unterminated double quote" },
		{ "msg='a='b'", "unterminated single quote" },
		{ "a=b\"c", "quote inside unquoted value" },
		{ "a=b'c", "quote inside unquoted value" },
		{ "\"a=1", "quote in field name" },
		{ "=x", "empty field name" },
		{ "a=1 =", "empty field name" },
		{ "a=1\x1dSADDR={ saddr_fam=inet", "unterminated brace" },
		{ "a=1\x1dSADDR={ x }y", "unterminated brace" },
		{ "a=1\x1dUID=\"root", "unterminated double quote" },
	};

	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		snprintf(line, sizeof(line), "%s%s", h, bad[k].fields);
		const char *why = parse_bad(line, -EINVAL);
		if (bad[k].why != NULL && strcmp(why, bad[k].why) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"", bad[k].fields, why, bad[k].why);
	}
	/* A 0x1d inside a user message ends the raw part early, so the message is cut. */
	snprintf(line, sizeof(line), "%smsg='a=1\x1d b=2'", h);
	parse_bad(line, -EINVAL);
}

static void
test_truncated_records(void **state)
{
	size_t full = strlen(syscall_line);
	size_t header = strlen("type=SYSCALL msg=audit(1700000000.123:4567):");
	unsigned quotes = 0;

	/* Every cut is either before the end of the header, inside a quoted value, or a shorter
	 * but valid record: "comm=" alone is an empty value, "tty=(no" a bare one. */
	for (size_t n = 0; n <= full; n++) {
		struct audit_record rec;
		const char *why = NULL;
		int rc = audit_record_parse_line(syscall_line, n, &rec, &why);

		if (n > 0 && syscall_line[n - 1] == '"')
			quotes++;
		if (n < header) {
			assert_int_equal(rc, -EINVAL);
			assert_null(rec.mem.head);
		} else if (quotes % 2 == 1) {
			assert_int_equal(rc, -EINVAL);
			assert_string_equal(why, "unterminated double quote");
		} else {
			assert_int_equal(rc, 0);
			audit_record_free(&rec);
		}
	}
	assert_int_equal(quotes, 4);
}

static void
test_nul_bytes(void **state)
{
	const char line[] = "type=SYSCALL msg=audit(1700000000.123:4567): comm=\"l\0s\" key=(null)";

	assert_string_equal(parse_bad_n(line, sizeof(line) - 1, -EINVAL), "NUL byte in record");
	/* A NUL anywhere, even in the first or the last byte, is refused. */
	parse_bad_n("\0type=EOE msg=audit(1.123:1):", 29, -EINVAL);
	parse_bad_n("type=EOE msg=audit(1.123:1):\0", 29, -EINVAL);
	assert_string_equal(parse_bad_n(NULL, 5, -EINVAL), "no record");
}

static void
test_megabyte_lines(void **state)
{
	const char *h = "type=PROCTITLE msg=audit(1700000000.123:4567): proctitle=";
	size_t hl = strlen(h);
	char *line = malloc(AUDIT_RECORD_MAX_LEN + 2);
	struct audit_record rec;
	struct arena a = ARENA_INIT;
	const char *s;
	size_t n;

	assert_non_null(line);
	memcpy(line, h, hl);
	/* Exactly the limit, with an even-length hex value: accepted and decodable. */
	size_t vl = (AUDIT_RECORD_MAX_LEN - hl) & ~(size_t)1;
	memset(line + hl, 'A', AUDIT_RECORD_MAX_LEN - hl);
	line[hl + vl] = ' ';
	assert_int_equal(audit_record_parse_line(line, AUDIT_RECORD_MAX_LEN, &rec, NULL), 0);
	assert_int_equal(audit_record_field(&rec, "proctitle")->value_len, vl);
	assert_int_equal(audit_record_get_str(&rec, "proctitle", &a, &s, &n), 0);
	assert_int_equal(n, vl / 2);
	assert_int_equal((unsigned char)s[n - 1], 0xAA);
	audit_record_free(&rec);
	/* One byte more is too long, whatever it holds. */
	line[AUDIT_RECORD_MAX_LEN] = 'A';
	assert_string_equal(parse_bad_n(line, AUDIT_RECORD_MAX_LEN + 1, -E2BIG), "record too long");
	assert_int_equal(audit_record_parse_body(AUDIT_PROCTITLE, line, AUDIT_RECORD_MAX_LEN + 1,
						 &rec, NULL), -E2BIG);
	/* A megabyte of free words: no fields, no trouble. */
	memset(line + hl - 10, 'w', AUDIT_RECORD_MAX_LEN - hl + 10);
	for (size_t k = hl; k < AUDIT_RECORD_MAX_LEN; k += 7)
		line[k] = ' ';
	assert_int_equal(audit_record_parse_line(line, AUDIT_RECORD_MAX_LEN, &rec, NULL), 0);
	assert_int_equal(rec.nfields, 0);
	audit_record_free(&rec);
	free(line);
	arena_free(&a);
}

/* A line of "type=... msg=audit(...):" plus N fields "fK=K", optionally inside msg='...'. */
static char *
many_fields(unsigned n, bool in_msg, bool node)
{
	size_t cap = 128 + (size_t)n * 16;
	char *line = malloc(cap);
	size_t len;

	assert_non_null(line);
	len = (size_t)snprintf(line, cap, "%stype=USER_CMD msg=audit(1700000000.123:4567):%s",
			       node ? "node=h " : "", in_msg ? " msg='" : "");
	for (unsigned k = 0; k < n; k++)
		len += (size_t)snprintf(line + len, cap - len, " f%u=%u", k, k);
	if (in_msg)
		snprintf(line + len, cap - len, "'");
	return line;
}

static void
test_too_many_fields(void **state)
{
	struct audit_record rec;
	char *line;

	line = many_fields(AUDIT_RECORD_MAX_FIELDS, false, false);
	parse_ok(line, &rec);
	assert_int_equal(rec.nfields, AUDIT_RECORD_MAX_FIELDS);
	assert_string_equal(audit_record_field(&rec, "f511")->value, "511");
	audit_record_free(&rec);
	free(line);

	line = many_fields(AUDIT_RECORD_MAX_FIELDS + 1, false, false);
	assert_string_equal(parse_bad(line, -E2BIG), "too many fields");
	free(line);
	/* node= and msg= count too. */
	line = many_fields(AUDIT_RECORD_MAX_FIELDS, false, true);
	parse_bad(line, -E2BIG);
	free(line);
	line = many_fields(AUDIT_RECORD_MAX_FIELDS - 1, true, false);
	parse_ok(line, &rec);
	assert_int_equal(rec.nfields, AUDIT_RECORD_MAX_FIELDS);
	audit_record_free(&rec);
	free(line);
	line = many_fields(AUDIT_RECORD_MAX_FIELDS, true, false);
	parse_bad(line, -E2BIG);
	free(line);
}

static void
test_free_text_records(void **state)
{
	struct audit_record rec;
	struct arena a = ARENA_INIT;

	/* SELinux AVC: words and { perms } between the fields. */
	parse_ok("type=AVC msg=audit(1700000007.007:99): avc:  denied  { read write } for  "
		 "pid=1234 comm=\"cat\" name=\"shadow\" tclass=file permissive=0", &rec);
	assert_int_equal(rec.type, AUDIT_AVC);
	assert_int_equal(rec.nfields, 5);
	assert_string_equal(rec.fields[0].name, "pid");
	audit_record_free(&rec);

	/* AppArmor quotes text with spaces (and '=') in it. */
	parse_ok("type=AVC msg=audit(1700000003.000:95): apparmor=\"STATUS\" "
		 "info=\"same as current profile, skipping x=y\" pid=1290", &rec);
	assert_int_equal(rec.nfields, 3);
	assert_string_equal(str(&rec, "info", &a), "same as current profile, skipping x=y");
	assert_string_equal(audit_record_field(&rec, "pid")->value, "1290");
	audit_record_free(&rec);

	/* Names are anything up to '=': EXECVE's a2[0], old-auid. */
	parse_ok("type=EXECVE msg=audit(1700000000.123:4567): argc=3 a2_len=4 a2[0]=6869 "
		 "old-auid=1", &rec);
	assert_string_equal(str(&rec, "a2[0]", &a), "hi");
	assert_non_null(audit_record_field(&rec, "old-auid"));
	audit_record_free(&rec);

	/* Names whose first bytes share a lookup chain (equal modulo 32) are told apart, and
	 * the first of two equal names wins. */
	parse_ok("type=AVC msg=audit(1700000003.000:95): a=1 A=2 !=3 ab=4 a=5 abc=6", &rec);
	assert_string_equal(audit_record_field(&rec, "a")->value, "1");
	assert_string_equal(audit_record_field(&rec, "A")->value, "2");
	assert_string_equal(audit_record_field(&rec, "!")->value, "3");
	assert_string_equal(audit_record_field(&rec, "ab")->value, "4");
	assert_string_equal(audit_record_field(&rec, "abc")->value, "6");
	assert_null(audit_record_field(&rec, "abcd"));
	assert_null(audit_record_field(&rec, "b"));
	assert_null(audit_record_field(&rec, ""));
	audit_record_free(&rec);

	/* Quotes in a free word do not make it a field; '=' is ordinary in a bare value. */
	parse_ok("type=AVC msg=audit(1700000003.000:95): \"a\"b'c' x=a=b y=1", &rec);
	assert_int_equal(rec.nfields, 2);
	assert_string_equal(audit_record_field(&rec, "x")->value, "a=b");
	assert_string_equal(audit_record_field(&rec, "y")->value, "1");
	audit_record_free(&rec);
	arena_free(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syscall_line_and_value_kinds),
		cmocka_unit_test(test_enriched_fields),
		cmocka_unit_test(test_user_message_fields),
		cmocka_unit_test(test_node_prefix_and_types),
		cmocka_unit_test(test_netlink_body_reads_only_len),
		cmocka_unit_test(test_hex_values),
		cmocka_unit_test(test_numbers_are_strict),
		cmocka_unit_test(test_bad_headers),
		cmocka_unit_test(test_bad_fields),
		cmocka_unit_test(test_truncated_records),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_megabyte_lines),
		cmocka_unit_test(test_too_many_fields),
		cmocka_unit_test(test_free_text_records),
	};
	return cmocka_run_group_tests_name("audit_record", tests, NULL, NULL);
}
