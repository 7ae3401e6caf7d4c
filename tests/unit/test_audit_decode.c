/* test_audit_decode.c - unit tests for audit/convert and audit/decode: numbers turned into
 * names and addresses.  Socket addresses of every family (and the malformed ones), other
 * architectures (i386, its socketcall, a big-endian one), syscalls nobody knows, and the
 * flag and enumeration tables themselves. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "audit/decode.h"
#include "core/sbuf.h"
#include "convert_helpers.h"

static void
test_sockets(void **state)
{
	struct event *ev = convert_ok(LINES(
		"type=SYSCALL " HDR(170) X64 "syscall=42 success=yes exit=0 a0=3 a1=7ffc a2=10 a3=0"
		PROC,
		"type=SOCKADDR " HDR(170) "saddr=02000050C0A800010000000000000000"), NULL);

	assert_int_equal(ev->type, EVT_connect);
	assert_int_equal(ev->net.remote.family, 2);
	assert_int_equal(ev->net.remote.port, 80);
	assert_memory_equal(ev->net.remote.ip, "\xc0\xa8\x00\x01", 4);
	assert_int_equal(ev->net.fd, 3);
	assert_int_equal(arg_num(ev, "fd"), 3);
	event_free(ev);

	ev = convert_ok(LINES(
		"type=SYSCALL " HDR(171) X64 "syscall=42 success=no exit=-115 a0=3 a1=7ffc a2=1c "
		"a3=0" PROC,
		"type=SOCKADDR " HDR(171)
		"saddr=0A0001BB0000000020010DB800000000000000000000000100000000"), NULL);
	assert_int_equal(ev->net.remote.family, 10);
	assert_int_equal(ev->net.remote.port, 443);
	assert_memory_equal(ev->net.remote.ip,
	                    "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
	assert_int_equal(ev->res, -115);
	event_free(ev);

	ev = convert_ok(LINES(
		"type=SYSCALL " HDR(172) X64 "syscall=42 success=yes exit=0 a0=4 a1=7ffc a2=17 a3=0"
		PROC,
		"type=SOCKADDR " HDR(172) "saddr=01002F7661722F72756E2F646F636B65722E736F636B00"),
		NULL);
	assert_int_equal(ev->net.remote.family, 1);
	assert_string_equal(ev->net.remote.path, "/var/run/docker.sock");
	event_free(ev);

	ev = convert_ok(LINES(
		"type=SYSCALL " HDR(173) X64 "syscall=49 success=yes exit=0 a0=4 a1=7ffc a2=6 a3=0"
		PROC,
		"type=SOCKADDR " HDR(173) "saddr=01000061620063"), NULL);
	assert_int_equal(ev->type, EVT_bind);
	assert_string_equal(ev->net.local.path, "@ab@c");
	assert_int_equal(ev->net.remote.family, 0);
	event_free(ev);

	ev = convert_ok(LINES(
		"type=SYSCALL " HDR(174) X64 "syscall=288 success=yes exit=5 a0=3 a1=7ffc a2=7ffd "
		"a3=80800" PROC,
		"type=SOCKADDR " HDR(174) "saddr=0200D4310A0000050000000000000000"), NULL);
	assert_int_equal(ev->type, EVT_accept4);
	assert_string_equal(arg_str(ev, "flags"), "SOCK_NONBLOCK|SOCK_CLOEXEC");
	assert_int_equal(arg_num(ev, "fd"), 5);
	assert_int_equal(ev->net.fd, 5);
	assert_int_equal(ev->net.remote.port, 54321);
	assert_memory_equal(ev->net.remote.ip, "\x0a\x00\x00\x05", 4);
	event_free(ev);

	ev = convert_ok(LINES(
		"type=SYSCALL " HDR(175) X64 "syscall=41 success=yes exit=3 a0=2 a1=80001 a2=6 a3=0"
		PROC), NULL);
	assert_int_equal(ev->type, EVT_socket);
	assert_string_equal(arg_str(ev, "domain"), "AF_INET");
	assert_string_equal(ev->args[0].name, "domain");      /* evt.arg[0] */
	assert_string_equal(arg_str(ev, "type"), "SOCK_STREAM|SOCK_CLOEXEC");
	assert_string_equal(arg_str(ev, "proto"), "IPPROTO_TCP");
	assert_int_equal(ev->net.domain, 2);
	assert_int_equal(ev->net.type, 1);
	assert_int_equal(ev->net.protocol, 6);
	assert_int_equal(ev->net.fd, 3);
	event_free(ev);

	ev = convert_ok(LINES(
		"type=SYSCALL " HDR(176) X64 "syscall=41 success=yes exit=3 a0=10 a1=3 a2=9 a3=0"
		PROC), NULL);
	assert_string_equal(arg_str(ev, "domain"), "AF_NETLINK");
	assert_string_equal(arg_str(ev, "type"), "SOCK_RAW");
	assert_string_equal(arg_str(ev, "proto"), "NETLINK_AUDIT");
	event_free(ev);

	/* socketpair returns 0; its two fds are in FD_PAIR. */
	ev = convert_ok(LINES(
		"type=SYSCALL " HDR(177) X64 "syscall=53 success=yes exit=0 a0=1 a1=1 a2=0 a3=7ffc"
		PROC,
		"type=FD_PAIR " HDR(177) "fd0=5 fd1=6"), NULL);
	assert_int_equal(ev->type, EVT_socketpair);
	assert_string_equal(arg_str(ev, "domain"), "AF_UNIX");
	assert_int_equal(arg_num(ev, "fd1"), 5);
	assert_int_equal(arg_num(ev, "fd2"), 6);
	assert_null(event_get_arg(ev, "proto")->str);  /* no names for AF_UNIX protocols */
	assert_int_equal(ev->net.fd, EVENT_NUM_UNSET);
	event_free(ev);
}

static void
test_bad_sockaddrs_are_counted(void **state)
{
	static const char *const saddrs[] = {
		"saddr=02000050C0A8",           /* AF_INET cut before the address */
		"saddr=0A0001BB00000000200100", /* AF_INET6 cut inside the address */
		"saddr=02",                     /* not even a family */
		"saddr=0200005G",               /* not hex */
		"saddr=020000500",              /* odd length */
		"saddr=\"quoted\"",             /* never quoted */
	};
	char line[256];

	for (size_t i = 0; i < sizeof(saddrs) / sizeof(saddrs[0]); i++) {
		struct audit_convert_stats st = { 0 };
		struct event *ev;

		snprintf(line, sizeof(line), "type=SOCKADDR " HDR(180) "%s", saddrs[i]);
		ev = convert_ok(LINES(
			"type=SYSCALL " HDR(180) X64 "syscall=42 success=yes exit=0 a0=3 a1=1 a2=10 "
			"a3=0" PROC, line), &st);
		assert_int_equal(ev->type, EVT_connect);
		assert_int_equal(ev->net.remote.family, 0);
		assert_int_equal(st.bad_fields, 1);
		event_free(ev);
	}
}

static void
test_other_arches(void **state)
{
	/* i386: setuid32 is setuid; execve is 11. */
	struct event *ev = convert_ok(LINES(
		"type=SYSCALL " HDR(190) "arch=40000003 syscall=213 success=yes exit=0 a0=0 a1=0 "
		"a2=0 a3=0" PROC), NULL);

	assert_int_equal(ev->type, EVT_setuid);
	assert_int_equal(ev->arch, 0x40000003);
	assert_int_equal(ev->syscall_nr, 213);
	event_free(ev);

	/* i386 socketcall(SYS_CONNECT): the real arguments are in SOCKETCALL. */
	ev = convert_ok(LINES(
		"type=SYSCALL " HDR(191) "arch=40000003 syscall=102 success=yes exit=0 a0=3 "
		"a1=ffd0 a2=0 a3=0" PROC,
		"type=SOCKETCALL " HDR(191) "nargs=3 a0=5 a1=ffd0a0 a2=10",
		"type=SOCKADDR " HDR(191) "saddr=02000035080808080000000000000000"), NULL);
	assert_int_equal(ev->type, EVT_connect);
	assert_int_equal(arg_num(ev, "fd"), 5);
	assert_int_equal(ev->net.remote.port, 53);
	event_free(ev);

	/* A big-endian arch (s390x) stores sa_family big-endian. */
	ev = convert_ok(LINES(
		"type=SYSCALL " HDR(192) "arch=80000016 syscall=362 success=yes exit=0 a0=3 a1=0 "
		"a2=10 a3=0" PROC,
		"type=SOCKADDR " HDR(192) "saddr=00020016C0A800010000000000000000"), NULL);
	assert_int_equal(ev->net.remote.family, 2);
	assert_int_equal(ev->net.remote.port, 22);
	event_free(ev);
}

static void
test_unknown_syscalls(void **state)
{
	struct audit_convert_stats st = { 0 };
	struct event *ev = convert_ok(LINES(
		"type=SYSCALL " HDR(200) X64 "syscall=9999 success=yes exit=0 a0=0 a1=0 a2=0 a3=0"
		PROC), &st);

	assert_int_equal(ev->type, EVT_syscall);
	assert_string_equal(ev->name, "syscall_9999");
	event_free(ev);

	ev = convert_ok(LINES(
		"type=SYSCALL " HDR(201) "arch=deadbeef syscall=59 success=yes exit=0 a0=0 a1=0 "
		"a2=0 a3=0" PROC), NULL);
	assert_string_equal(ev->name, "syscall_59");
	event_free(ev);

	/* A syscall libaudit does not know, named by the log's ENRICHED part. */
	ev = convert_ok(LINES(
		"type=SYSCALL " HDR(202) X64 "syscall=9998 success=yes exit=0 a0=0 a1=0 a2=0 a3=0"
		PROC "\035ARCH=x86_64 SYSCALL=futex_waitv2 AUID=\"user\""), NULL);
	assert_string_equal(ev->name, "futex_waitv2");
	event_free(ev);

	/* The ENRICHED name disagrees: the number wins, the field is counted. */
	memset(&st, 0, sizeof(st));
	ev = convert_ok(LINES(
		"type=SYSCALL " HDR(203) X64 "syscall=59 success=yes exit=0 a0=0 a1=0 a2=0 a3=0"
		PROC "\035ARCH=x86_64 SYSCALL=open"), &st);
	assert_int_equal(ev->type, EVT_execve);
	assert_int_equal(st.bad_fields, 1);
	event_free(ev);

	/* Syscalls outside event_types.def keep their own name; access(2) is not fanotify's. */
	ev = convert_ok(LINES(
		"type=SYSCALL " HDR(204) X64 "syscall=21 success=yes exit=0 a0=0 a1=0 a2=0 a3=0"
		PROC), NULL);
	assert_int_equal(ev->type, EVT_syscall);
	assert_string_equal(ev->name, "access");
	event_free(ev);
}

static void
test_decode_tables(void **state)
{
	struct sbuf sb = SBUF_INIT;

	/* 040000 is O_DIRECT on x86 and O_DIRECTORY on arm64. */
	assert_int_equal(decode_value(DECODE_OPEN_FLAGS, 0xc000003e, 040000, &sb), 0);
	assert_string_equal(sbuf_str(&sb), "O_RDONLY|O_DIRECT");
	sbuf_reset(&sb);
	assert_int_equal(decode_value(DECODE_OPEN_FLAGS, 0xc00000b7, 040000, &sb), 0);
	assert_string_equal(sbuf_str(&sb), "O_RDONLY|O_DIRECTORY");
	sbuf_reset(&sb);
	assert_int_equal(decode_value(DECODE_OPEN_FLAGS, 0xc000003e, 020200002, &sb), 0);
	assert_string_equal(sbuf_str(&sb), "O_RDWR|O_TMPFILE");
	sbuf_reset(&sb);
	/* Unknown bits are kept as hex; an empty set is "0". */
	assert_int_equal(decode_value(DECODE_CLONE_FLAGS, 0xc000003e, 0x40000011, &sb), 0);
	assert_string_equal(sbuf_str(&sb), "CLONE_NEWNET");
	sbuf_reset(&sb);
	assert_int_equal(decode_value(DECODE_UMOUNT_FLAGS, 0, 0x30, &sb), 0);
	assert_string_equal(sbuf_str(&sb), "0x30");
	sbuf_reset(&sb);
	assert_int_equal(decode_value(DECODE_MOUNT_FLAGS, 0, 0, &sb), 0);
	assert_string_equal(sbuf_str(&sb), "0");
	sbuf_reset(&sb);
	/* Unknown enumeration values and unknown arch numbering decode to nothing. */
	assert_int_equal(decode_value(DECODE_BPF_CMD, 0, 9999, &sb), -ENOENT);
	assert_int_equal(decode_value(DECODE_SIGNAL, 0x00000008 /* mips */, 9, &sb), -ENOENT);
	assert_int_equal(decode_value(DECODE__COUNT, 0, 0, &sb), -ENOENT);
	assert_int_equal(sb.len, 0);
	assert_int_equal(decode_value(DECODE_SIGNAL, 0xc000003e, 9, &sb), 0);
	assert_string_equal(sbuf_str(&sb), "SIGKILL");
	sbuf_reset(&sb);
	assert_int_equal(decode_value(DECODE_PTRACE_REQUEST, 0xc000003e, 12, &sb), 0);
	assert_string_equal(sbuf_str(&sb), "PTRACE_GETREGS");
	assert_int_equal(decode_value(DECODE_PTRACE_REQUEST, 0xc00000b7, 12, &sb), -ENOENT);
	sbuf_reset(&sb);
	assert_int_equal(decode_sock_protocol(10, 17, &sb), 0);
	assert_string_equal(sbuf_str(&sb), "IPPROTO_UDP");
	assert_int_equal(decode_sock_protocol(17, 768, &sb), -ENOENT);
	sbuf_free(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sockets),
		cmocka_unit_test(test_bad_sockaddrs_are_counted),
		cmocka_unit_test(test_other_arches),
		cmocka_unit_test(test_unknown_syscalls),
		cmocka_unit_test(test_decode_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
