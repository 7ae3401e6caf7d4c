/* test_audit_convert_records.c - unit tests for audit/convert: records that are not syscalls
 * (user-space messages, configuration changes, anomalies), which record of a group defines
 * the event, and groups that are malformed or empty. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "convert_helpers.h"

#define SYSCALL_PROC " ppid=1 pid=777 auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 " \
	"sgid=0 fsgid=0 tty=(none) ses=4 comm=\"auditctl\" exe=\"/usr/sbin/auditctl\" " \
	"subj=unconfined key=(null)"

static void
test_user_login_msg_fields(void **state)
{
	struct event *ev = convert_ok(LINES(
		"type=USER_LOGIN " HDR(300) "pid=4321 uid=0 auid=1000 ses=5 subj=unconfined "
		"msg='op=login id=1000 exe=\"/usr/sbin/sshd\" hostname=10.0.0.5 addr=10.0.0.5 "
		"terminal=/dev/pts/1 res=success'"), NULL);

	assert_int_equal(ev->type, EVT_USER_LOGIN);
	assert_string_equal(ev->name, "USER_LOGIN");
	assert_true(ev->ts_ns == 1700000000123000000ull);
	assert_int_equal(ev->serial, 300);
	assert_int_equal(ev->success, 1);
	assert_int_equal(ev->pid, 4321);
	assert_int_equal(ev->syscall_nr, EVENT_NUM_UNSET);
	assert_string_equal(event_get_kv(ev, "op"), "login");
	assert_string_equal(event_get_kv(ev, "id"), "1000");
	assert_string_equal(event_get_kv(ev, "exe"), "/usr/sbin/sshd");
	assert_string_equal(event_get_kv(ev, "addr"), "10.0.0.5");
	assert_string_equal(event_get_kv(ev, "terminal"), "/dev/pts/1");
	assert_string_equal(event_get_kv(ev, "subj"), "unconfined");
	assert_null(event_get_kv(ev, "msg"));
	assert_int_equal(ev->proc->pid, 4321);
	assert_int_equal(ev->proc->uid, 0);
	assert_int_equal(ev->proc->auid, 1000);
	assert_int_equal(ev->proc->ses, 5);
	assert_string_equal(ev->proc->exe, "/usr/sbin/sshd");
	assert_int_equal(ev->proc->has_tty, -1);
	event_free(ev);

	/* Encoded fields come hex when they hold a space; a failed login is success=0. */
	ev = convert_ok(LINES(
		"type=USER_CMD " HDR(301) "pid=99 uid=1000 auid=1000 ses=2 subj=unconfined "
		"msg='cwd=\"/home/u\" cmd=6C73202D6C61 exe=\"/usr/bin/sudo\" terminal=pts/0 "
		"res=failed'"), NULL);
	assert_int_equal(ev->type, EVT_USER_CMD);
	assert_string_equal(event_get_kv(ev, "cmd"), "ls -la");
	assert_string_equal(event_get_kv(ev, "cwd"), "/home/u");
	assert_string_equal(ev->proc->cwd, "/home/u");
	assert_int_equal(ev->success, 0);
	event_free(ev);

	ev = convert_ok(LINES(
		"type=USER_AUTH " HDR(302) "pid=12 uid=0 auid=4294967295 ses=4294967295 "
		"msg='op=PAM:authentication grantors=? acct=6D792075736572 exe=\"/usr/sbin/sshd\" "
		"hostname=host addr=? terminal=ssh res=failed'"), NULL);
	assert_string_equal(event_get_kv(ev, "acct"), "my user");
	assert_string_equal(event_get_kv(ev, "grantors"), "?");
	assert_int_equal(ev->proc->auid, 4294967295);
	event_free(ev);
}

static void
test_config_change_takes_the_syscall_process(void **state)
{
	struct event *ev = convert_ok(LINES(
		"type=CONFIG_CHANGE " HDR(310) "auid=1000 ses=4 subj=unconfined op=add_rule "
		"key=\"shadow\" list=4 res=1",
		"type=SYSCALL " HDR(310) "arch=c000003e syscall=44 success=yes exit=1084 a0=3 "
		"a1=7ffc a2=43c a3=0 items=0" SYSCALL_PROC,
		"type=SOCKADDR " HDR(310) "saddr=100000000000000000000000",
		"type=PROCTITLE " HDR(310) "proctitle=617564697463746C002D77002F6574632F736861646F77"
		"002D6B00736861646F77",
		"type=EOE " HDR(310)), NULL);

	assert_int_equal(ev->type, EVT_CONFIG_CHANGE);
	assert_string_equal(ev->name, "CONFIG_CHANGE");
	assert_string_equal(event_get_kv(ev, "op"), "add_rule");
	assert_string_equal(event_get_kv(ev, "key"), "shadow");
	assert_int_equal(ev->success, 1);
	assert_int_equal(ev->arch, 0xc000003e);
	assert_int_equal(ev->syscall_nr, 44);
	assert_int_equal(ev->res, 1084);
	assert_int_equal(ev->pid, 777);
	assert_string_equal(ev->proc->comm, "auditctl");
	assert_string_equal(ev->proc->exe, "/usr/sbin/auditctl");
	assert_int_equal(ev->proc->has_tty, 0);
	assert_null(ev->proc->tty);
	assert_null(ev->key);
	assert_int_equal(ev->proc->argc, 5);
	assert_string_equal(ev->proc->argv[4], "shadow");
	event_free(ev);

	/* ANOM_PROMISCUOUS logged inside the ioctl that caused it. */
	ev = convert_ok(LINES(
		"type=ANOM_PROMISCUOUS " HDR(311) "dev=eth0 prom=256 old_prom=0 auid=1000 uid=0 "
		"gid=0 ses=4",
		"type=SYSCALL " HDR(311) "arch=c000003e syscall=16 success=yes exit=0 a0=3 "
		"a1=8914 a2=7ffc a3=0 items=0" SYSCALL_PROC), NULL);
	assert_int_equal(ev->type, EVT_ANOM_PROMISCUOUS);
	assert_string_equal(event_get_kv(ev, "dev"), "eth0");
	assert_int_equal(ev->pid, 777);
	event_free(ev);
}

static void
test_annotations_stay_with_the_syscall(void **state)
{
	/* An AVC denial during openat describes the openat. */
	struct event *ev = convert_ok(LINES(
		"type=AVC " HDR(320) "avc:  denied  { read } for  pid=777 comm=\"cat\" "
		"name=\"shadow\" dev=\"dm-0\" ino=5 scontext=u:r:t:s0 tcontext=u:o:t:s0 "
		"tclass=file permissive=0",
		"type=SYSCALL " HDR(320) "arch=c000003e syscall=257 success=no exit=-13 "
		"a0=ffffff9c a1=7ffc a2=0 a3=0 items=1" SYSCALL_PROC,
		"type=PATH " HDR(320) "item=0 name=\"/etc/shadow\" inode=5 dev=fd:01 mode=0100640 "
		"ouid=0 ogid=42 rdev=00:00 nametype=NORMAL"), NULL);

	assert_int_equal(ev->type, EVT_openat);
	assert_string_equal(ev->file.path, "/etc/shadow");
	assert_int_equal(ev->nkv, 0);
	event_free(ev);

	/* Alone, the same kind of record is an event of its own. */
	ev = convert_ok(LINES(
		"type=AVC " HDR(321) "avc:  denied  { read } for  pid=777 comm=\"cat\" "
		"tclass=file permissive=0"), NULL);
	assert_int_equal(ev->type, EVT_AVC);
	assert_string_equal(event_get_kv(ev, "tclass"), "file");
	assert_string_equal(ev->proc->comm, "cat");
	event_free(ev);
}

static void
test_anomalies_and_unknown_types(void **state)
{
	struct event *ev = convert_ok(LINES(
		"type=ANOM_ABEND " HDR(330) "auid=1000 uid=1000 gid=1000 ses=2 subj=unconfined "
		"pid=5555 comm=\"crashme\" exe=\"/tmp/crashme\" sig=11 res=1"), NULL);

	assert_int_equal(ev->type, EVT_ANOM_ABEND);
	assert_int_equal(ev->pid, 5555);
	assert_string_equal(ev->proc->comm, "crashme");
	assert_string_equal(ev->proc->exe, "/tmp/crashme");
	assert_int_equal(ev->proc->gid, 1000);
	assert_string_equal(event_get_kv(ev, "sig"), "11");
	assert_int_equal(ev->success, 1);
	event_free(ev);

	/* A type libaudit knows but event_types.def does not list. */
	ev = convert_ok(LINES(
		"type=NETFILTER_CFG " HDR(331) "table=filter family=2 entries=4 op=xt_replace "
		"pid=1 subj=unconfined comm=\"iptables\""), NULL);
	assert_int_equal(ev->type, EVT_record);
	assert_string_equal(ev->name, "NETFILTER_CFG");
	event_free(ev);

	/* A type nobody knows; no process fields, so no process. */
	ev = convert_ok(LINES("type=UNKNOWN[1999] " HDR(332) "foo=bar"), NULL);
	assert_int_equal(ev->type, EVT_record);
	assert_string_equal(ev->name, "UNKNOWN[1999]");
	assert_string_equal(event_get_kv(ev, "foo"), "bar");
	assert_null(ev->proc);
	assert_int_equal(ev->success, -1);
	event_free(ev);
}

static void
test_syscall_field_variants(void **state)
{
	struct audit_convert_stats st = { 0 };
	/* Several keys, joined by the kernel with 0x01, and a tty. */
	struct event *ev = convert_ok(LINES(
		"type=SYSCALL " HDR(340) "arch=c000003e syscall=105 success=yes exit=0 a0=0 a1=0 "
		"a2=0 a3=0 items=0 ppid=1 pid=2 auid=3 uid=4 gid=5 euid=6 suid=7 fsuid=8 egid=9 "
		"sgid=10 fsgid=11 tty=tty1 ses=12 comm=\"su\" exe=\"/bin/su\" key=6B657931016B657932"),
		&st);

	assert_string_equal(ev->key, "key1\001key2");
	assert_string_equal(ev->proc->tty, "tty1");
	assert_int_equal(ev->proc->fsgid, 11);
	assert_int_equal(st.bad_fields, 0);
	event_free(ev);

	/* Non-hex arguments and a non-decimal uid are counted and left unset. */
	ev = convert_ok(LINES(
		"type=SYSCALL " HDR(341) "arch=c000003e syscall=105 success=maybe exit=x a0=zz "
		"a1=0 a2=0 a3=0 items=0 ppid=1 pid=2 auid=3 uid=four gid=5 comm=\"su\" "
		"exe=\"/bin/su\" key=(null)"), &st);
	assert_null(event_get_arg(ev, "uid"));
	assert_int_equal(ev->proc->uid, PROC_ID_UNSET);
	assert_int_equal(ev->success, -1);
	assert_int_equal(ev->res, EVENT_NUM_UNSET);
	assert_int_equal(st.bad_fields, 4);
	assert_null(ev->key);
	event_free(ev);
}

static void
test_malformed_groups(void **state)
{
	struct audit_convert_stats st = { 0 };
	struct event *ev = (struct event *)&st;
	const char *why = NULL;

	/* PATH and EXECVE without the SYSCALL they belong to. */
	assert_int_equal(convert_lines(LINES(
		"type=EXECVE " HDR(350) "argc=1 a0=\"ls\"",
		"type=CWD " HDR(350) "cwd=\"/\"",
		"type=PATH " HDR(350) "item=0 name=\"/bin/ls\" nametype=NORMAL"), &ev, &st, &why),
		-EINVAL);
	assert_null(ev);
	assert_non_null(why);

	/* A SYSCALL record without a syscall number. */
	why = NULL;
	assert_int_equal(convert_lines(LINES(
		"type=SYSCALL " HDR(351) "arch=c000003e success=yes exit=0 pid=3"), &ev, &st, &why),
		-EINVAL);
	assert_non_null(why);
	assert_null(ev);

	/* Nothing in it: skipped, not an error. */
	assert_int_equal(convert_lines(LINES("type=EOE " HDR(352)), &ev, &st, NULL), -ENOENT);
	assert_int_equal(convert_lines(LINES(
		"type=PROCTITLE " HDR(353) "proctitle=6C73", "type=EOE " HDR(353)), &ev, &st, &why),
		-ENOENT);
	assert_int_equal(audit_convert(NULL, 0, &ev, &st, &why), -ENOENT);
	assert_null(ev);
	assert_int_equal(st.skipped, 3);
	assert_int_equal(st.events, 0);
	/* The stats pointer is optional. */
	assert_int_equal(audit_convert(NULL, 0, &ev, NULL, NULL), -ENOENT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_user_login_msg_fields),
		cmocka_unit_test(test_config_change_takes_the_syscall_process),
		cmocka_unit_test(test_annotations_stay_with_the_syscall),
		cmocka_unit_test(test_anomalies_and_unknown_types),
		cmocka_unit_test(test_syscall_field_variants),
		cmocka_unit_test(test_malformed_groups),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
