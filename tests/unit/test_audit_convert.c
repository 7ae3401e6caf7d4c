/* test_audit_convert.c - unit tests for audit/convert: syscall record groups, written as
 * auditd log lines and parsed with audit_record_parse_line(), turned into events: argv,
 * files, and the arguments of the syscalls rules care about.  Addresses, architectures and
 * the decode tables are in test_audit_decode.c; other records and bad groups in
 * test_audit_convert_records.c. */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <cmocka.h>

#include "audit/convert.h"
#include "convert_helpers.h"

static void
test_execve_split_and_hex_args(void **state)
{
	struct audit_convert_stats st = { 0 };
	struct event *ev = convert_ok(LINES(
		"type=SYSCALL " HDR(100) X64 "syscall=59 success=yes exit=0 a0=55d0c8a0e0f0 "
		"a1=55d0c8a0e130 a2=55d0c8a0e168 a3=0 items=2 ppid=1000 pid=1234 auid=1000 "
		"uid=1000 gid=1000 euid=0 suid=0 fsuid=0 egid=1000 sgid=1000 fsgid=1000 tty=pts0 "
		"ses=3 comm=\"sudo\" exe=\"/usr/bin/sudo\" subj=unconfined key=\"exec_watch\"",
		"type=EXECVE " HDR(100) "argc=5 a0=\"sudo\" a1=\"-c\" "
		"a2=6563686F20226869207468657265220A6C73 a3_len=14 a3[0]=414243",
		"type=EXECVE " HDR(100) "a3[1]=44454647 a4=\"\"",
		"type=CWD " HDR(100) "cwd=\"/home/user\"",
		"type=PATH " HDR(100) "item=0 name=\"/usr/bin/sudo\" inode=1311 dev=fd:01 "
		"mode=0104755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0",
		"type=PATH " HDR(100) "item=1 name=\"/lib64/ld-linux-x86-64.so.2\" inode=77 "
		"dev=fd:01 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL",
		"type=PROCTITLE " HDR(100) "proctitle=62617368002D63006563686F",
		EOE(100)), &st);

	assert_int_equal(ev->type, EVT_execve);
	assert_string_equal(ev->name, "execve");
	assert_int_equal(ev->source, EVS_AUDIT);
	assert_true(ev->ts_ns == 1700000000123000000ull);
	assert_int_equal(ev->serial, 100);
	assert_int_equal(ev->arch, 0xc000003e);
	assert_int_equal(ev->syscall_nr, 59);
	assert_int_equal(ev->success, 1);
	assert_int_equal(ev->res, 0);
	assert_int_equal(ev->pid, 1234);
	assert_string_equal(ev->key, "exec_watch");
	assert_int_equal(ev->proc->ppid, 1000);
	assert_int_equal(ev->proc->uid, 1000);
	assert_int_equal(ev->proc->euid, 0);
	assert_int_equal(ev->proc->auid, 1000);
	assert_int_equal(ev->proc->ses, 3);
	assert_string_equal(ev->proc->tty, "pts0");
	assert_int_equal(ev->proc->has_tty, 1);
	assert_string_equal(ev->proc->comm, "sudo");
	assert_string_equal(ev->proc->exe, "/usr/bin/sudo");
	assert_string_equal(ev->proc->cwd, "/home/user");
	/* EXECVE wins over PROCTITLE, pieces stitch across records, hex keeps newlines. */
	assert_int_equal(ev->proc->argc, 5);
	assert_string_equal(ev->proc->argv[0], "sudo");
	assert_string_equal(ev->proc->argv[2], "echo \"hi there\"\nls");
	assert_string_equal(ev->proc->argv[3], "ABCDEFG");
	assert_string_equal(ev->proc->argv[4], "");
	assert_null(ev->proc->argv[5]);
	assert_string_equal(ev->file.path, "/usr/bin/sudo");
	assert_int_equal(ev->file.inode, 1311);
	assert_true(ev->file.dev == makedev(0xfd, 1));
	assert_int_equal(ev->file.mode, 0104755);
	assert_int_equal(ev->file.ouid, 0);
	assert_string_equal(arg_str(ev, "filename"), "/usr/bin/sudo");
	assert_int_equal(st.events, 1);
	assert_int_equal(st.bad_fields, 0);
	event_free(ev);
}

static void
test_execve_bad_lengths_stop_argv(void **state)
{
	struct audit_convert_stats st = { 0 };
	/* a1_len is absurd (no argument can be 1 GB): argv stops before it. */
	struct event *ev = convert_ok(LINES(
		"type=SYSCALL " HDR(101) X64 "syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=0" PROC,
		"type=EXECVE " HDR(101) "argc=3 a0=\"ls\" a1_len=1000000000 a1[0]=41 a2=\"x\""),
		&st);

	assert_int_equal(ev->proc->argc, 1);
	assert_string_equal(ev->proc->argv[0], "ls");
	assert_true(st.bad_fields >= 2);
	event_free(ev);

	/* Pieces that do not add up to aN_len, or come out of order, are not an argument. */
	memset(&st, 0, sizeof(st));
	ev = convert_ok(LINES(
		"type=SYSCALL " HDR(102) X64 "syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=0" PROC,
		"type=EXECVE " HDR(102) "argc=3 a0=\"ls\" a1_len=4 a1[0]=41 a2_len=2 a2[1]=41 "
		"a2[0]=42"), &st);
	assert_int_equal(ev->proc->argc, 1);
	assert_true(st.bad_fields >= 2);
	event_free(ev);

	/* Older kernels split an argument without control characters into quoted pieces and
	 * count aN_len in bytes; hex pieces count hex digits (2 per byte). */
	memset(&st, 0, sizeof(st));
	ev = convert_ok(LINES(
		"type=SYSCALL " HDR(104) X64 "syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=0" PROC,
		"type=EXECVE " HDR(104) "argc=3 a0=\"ls\" a1_len=7 a1[0]=\"ABC\" a1[1]=\"DEFG\" "
		"a2_len=7 a2[0]=414243"), &st);
	assert_int_equal(ev->proc->argc, 2);
	assert_string_equal(ev->proc->argv[1], "ABCDEFG");
	assert_int_equal(st.bad_fields, 1);     /* a2: 3 bytes are 6 hex digits, not 7 */
	event_free(ev);

	/* Non-hex, odd-length hex and an embedded NUL. */
	memset(&st, 0, sizeof(st));
	ev = convert_ok(LINES(
		"type=SYSCALL " HDR(103) X64 "syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=0" PROC,
		"type=EXECVE " HDR(103) "argc=4 a0=\"sh\" a1=4G4G a2=414 a3=410042"), &st);
	assert_int_equal(ev->proc->argc, 1);
	assert_int_equal(st.bad_fields, 4);
	event_free(ev);

	/* argc=0 is a known, empty argv (the pkexec trick), not an unknown one. */
	ev = convert_ok(LINES(
		"type=SYSCALL " HDR(104) X64 "syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=0" PROC,
		"type=EXECVE " HDR(104) "argc=0"), NULL);
	assert_non_null(ev->proc->argv);
	assert_int_equal(ev->proc->argc, 0);
	event_free(ev);
}

static void
test_openat_relative_create(void **state)
{
	struct event *ev = convert_ok(LINES(
		"type=SYSCALL " HDR(110) X64 "syscall=257 success=yes exit=3 a0=ffffff9c "
		"a1=7ffd2d5e a2=241 a3=1b6" PROC,
		"type=CWD " HDR(110) "cwd=\"/tmp/work\"",
		"type=PATH " HDR(110) "item=0 name=\"../x/\" inode=40 dev=fd:01 mode=040755 ouid=0 "
		"ogid=0 rdev=00:00 nametype=PARENT",
		"type=PATH " HDR(110) "item=1 name=\"../x/./new.txt\" inode=41 dev=fd:01 "
		"mode=0100644 ouid=1000 ogid=1000 rdev=00:00 nametype=CREATE",
		"type=PROCTITLE " HDR(110) "proctitle=636174002F6574632F706173737764"), NULL);

	assert_int_equal(ev->type, EVT_openat);
	assert_string_equal(ev->file.raw, "../x/./new.txt");
	assert_string_equal(ev->file.path, "/tmp/x/new.txt");
	assert_int_equal(ev->file.inode, 41);
	assert_int_equal(ev->file.ouid, 1000);
	assert_string_equal(arg_str(ev, "flags"), "O_WRONLY|O_CREAT|O_TRUNC");
	assert_int_equal(arg_num(ev, "flags"), 0x241);
	assert_string_equal(arg_str(ev, "mode"), "0666");
	assert_int_equal(arg_num(ev, "dirfd"), -100);
	assert_int_equal(arg_num(ev, "fd"), 3);
	assert_string_equal(arg_str(ev, "name"), "/tmp/x/new.txt");
	/* No EXECVE: PROCTITLE is the argv. */
	assert_int_equal(ev->proc->argc, 2);
	assert_string_equal(ev->proc->argv[1], "/etc/passwd");
	event_free(ev);
}

static void
test_openat_dirfd_and_normalization(void **state)
{
	/* Relative to a real dirfd: the kernel does not log that directory, so no path. */
	struct event *ev = convert_ok(LINES(
		"type=SYSCALL " HDR(111) X64 "syscall=257 success=yes exit=4 a0=5 a1=1 a2=80000 "
		"a3=0" PROC,
		"type=CWD " HDR(111) "cwd=\"/home/user\"",
		"type=PATH " HDR(111) "item=0 name=\"conf\" inode=9 dev=fd:01 mode=0100600 ouid=0 "
		"ogid=0 rdev=00:00 nametype=NORMAL"), NULL);

	assert_string_equal(ev->file.raw, "conf");
	assert_null(ev->file.path);
	assert_string_equal(arg_str(ev, "name"), "conf");
	assert_string_equal(arg_str(ev, "flags"), "O_RDONLY|O_CLOEXEC");
	event_free(ev);

	/* Absolute names are normalized whatever the dirfd; ".." stops at the root. */
	ev = convert_ok(LINES(
		"type=SYSCALL " HDR(112) X64 "syscall=2 success=no exit=-13 a0=1 a1=0 a2=0 a3=0" PROC,
		"type=PATH " HDR(112) "item=0 name=\"/a/b/../../../etc//shadow/.\" inode=5 "
		"dev=fd:01 mode=0100640 ouid=0 ogid=42 rdev=00:00 nametype=NORMAL"), NULL);
	assert_int_equal(ev->type, EVT_open);
	assert_string_equal(ev->file.path, "/etc/shadow");
	assert_int_equal(ev->success, 0);
	assert_int_equal(ev->res, -13);
	assert_int_equal(arg_num(ev, "fd"), -13);
	event_free(ev);

	/* A hex name with a space, relative to a hex cwd. */
	ev = convert_ok(LINES(
		"type=SYSCALL " HDR(113) X64 "syscall=90 success=yes exit=0 a0=1 a1=1ed a2=0 a3=0"
		PROC,
		"type=CWD " HDR(113) "cwd=2F686F6D652F752F6469722077697468207370616365",
		"type=PATH " HDR(113) "item=0 name=\"script.sh\" inode=5 dev=fd:01 mode=0100644 "
		"ouid=1000 ogid=1000 rdev=00:00 nametype=NORMAL"), NULL);
	assert_int_equal(ev->type, EVT_chmod);
	assert_string_equal(ev->file.path, "/home/u/dir with space/script.sh");
	assert_string_equal(arg_str(ev, "filename"), "/home/u/dir with space/script.sh");
	assert_string_equal(arg_str(ev, "mode"),
	                    "S_IXOTH|S_IROTH|S_IXGRP|S_IRGRP|S_IXUSR|S_IWUSR|S_IRUSR");
	assert_int_equal(arg_num(ev, "mode"), 0755);
	event_free(ev);
}

static void
test_openat2_reads_its_record(void **state)
{
	struct event *ev = convert_ok(LINES(
		"type=SYSCALL " HDR(114) X64 "syscall=437 success=yes exit=3 a0=ffffff9c a1=7ffc "
		"a2=7ffd a3=18" PROC,
		"type=OPENAT2 " HDR(114) "oflag=02002001 mode=0600 resolve=0x18",
		"type=PATH " HDR(114) "item=0 name=\"/var/log/app.log\" inode=9 dev=fd:01 "
		"mode=0100600 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL"), NULL);

	assert_int_equal(ev->type, EVT_openat2);
	assert_string_equal(arg_str(ev, "flags"), "O_WRONLY|O_APPEND|O_CLOEXEC");
	assert_int_equal(arg_num(ev, "flags"), 02002001);
	assert_string_equal(arg_str(ev, "mode"), "0600");
	assert_string_equal(arg_str(ev, "resolve"), "RESOLVE_BENEATH|RESOLVE_IN_ROOT");
	assert_string_equal(ev->file.path, "/var/log/app.log");
	event_free(ev);

	/* Without the OPENAT2 record (older kernels) the flags are unknown, not zero. */
	ev = convert_ok(LINES(
		"type=SYSCALL " HDR(115) X64 "syscall=437 success=yes exit=3 a0=ffffff9c a1=7ffc "
		"a2=7ffd a3=18" PROC), NULL);
	assert_null(event_get_arg(ev, "flags"));
	assert_int_equal(arg_num(ev, "dirfd"), -100);
	event_free(ev);
}

static void
test_rename_and_renameat2(void **state)
{
	/* The target existed: two DELETE items; the old name is the first. */
	struct event *ev = convert_ok(LINES(
		"type=SYSCALL " HDR(120) X64 "syscall=82 success=yes exit=0 a0=1 a1=2 a2=0 a3=0" PROC,
		"type=CWD " HDR(120) "cwd=\"/tmp\"",
		"type=PATH " HDR(120) "item=0 name=\"/tmp/\" inode=2 dev=fd:01 mode=041777 ouid=0 "
		"ogid=0 rdev=00:00 nametype=PARENT",
		"type=PATH " HDR(120) "item=1 name=\"/tmp/\" inode=2 dev=fd:01 mode=041777 ouid=0 "
		"ogid=0 rdev=00:00 nametype=PARENT",
		"type=PATH " HDR(120) "item=2 name=\"/tmp/a\" inode=10 dev=fd:01 mode=0100644 "
		"ouid=0 ogid=0 rdev=00:00 nametype=DELETE",
		"type=PATH " HDR(120) "item=3 name=\"/tmp/b\" inode=11 dev=fd:01 mode=0100644 "
		"ouid=0 ogid=0 rdev=00:00 nametype=DELETE",
		"type=PATH " HDR(120) "item=4 name=\"/tmp/b\" inode=10 dev=fd:01 mode=0100644 "
		"ouid=0 ogid=0 rdev=00:00 nametype=CREATE"), NULL);

	assert_int_equal(ev->type, EVT_rename);
	assert_string_equal(ev->file.path, "/tmp/b");
	assert_string_equal(ev->file2.path, "/tmp/a");
	assert_int_equal(ev->file2.inode, 10);
	assert_string_equal(arg_str(ev, "oldpath"), "/tmp/a");
	assert_string_equal(arg_str(ev, "newpath"), "/tmp/b");
	event_free(ev);

	ev = convert_ok(LINES(
		"type=SYSCALL " HDR(121) X64 "syscall=316 success=yes exit=0 a0=ffffff9c a1=2 "
		"a2=ffffff9c a3=4" PROC,
		"type=CWD " HDR(121) "cwd=\"/home/u\"",
		"type=PATH " HDR(121) "item=0 name=\"/home/u\" inode=2 dev=fd:01 mode=040755 "
		"ouid=0 ogid=0 rdev=00:00 nametype=PARENT",
		"type=PATH " HDR(121) "item=1 name=\"/home/u\" inode=2 dev=fd:01 mode=040755 "
		"ouid=0 ogid=0 rdev=00:00 nametype=PARENT",
		"type=PATH " HDR(121) "item=2 name=\"old\" inode=10 dev=fd:01 mode=0100644 ouid=0 "
		"ogid=0 rdev=00:00 nametype=DELETE",
		"type=PATH " HDR(121) "item=3 name=\"new\" inode=10 dev=fd:01 mode=0100644 ouid=0 "
		"ogid=0 rdev=00:00 nametype=CREATE"), NULL);
	assert_int_equal(ev->type, EVT_renameat2);
	assert_string_equal(ev->file.path, "/home/u/new");
	assert_string_equal(ev->file2.path, "/home/u/old");
	assert_string_equal(ev->file2.raw, "old");
	assert_int_equal(arg_num(ev, "olddirfd"), -100);
	assert_null(event_get_arg(ev, "flags"));        /* a4: never logged */
	event_free(ev);

	/* A failed rename names no CREATE item: the new name stays unknown, not the old one. */
	ev = convert_ok(LINES(
		"type=SYSCALL " HDR(122) X64 "syscall=82 success=no exit=-2 a0=1 a1=2 a2=0 a3=0" PROC,
		"type=PATH " HDR(122) "item=0 name=\"/tmp/\" inode=2 dev=fd:01 mode=041777 ouid=0 "
		"ogid=0 rdev=00:00 nametype=PARENT",
		"type=PATH " HDR(122) "item=1 name=\"/tmp/missing\" nametype=UNKNOWN"), NULL);
	assert_null(ev->file.raw);
	assert_null(ev->file2.raw);
	event_free(ev);
}

static void
test_unlinkat_link_symlink(void **state)
{
	struct event *ev = convert_ok(LINES(
		"type=SYSCALL " HDR(130) X64 "syscall=263 success=yes exit=0 a0=ffffff9c a1=1 "
		"a2=200 a3=0" PROC,
		"type=PATH " HDR(130) "item=0 name=\"/tmp/\" inode=2 dev=fd:01 mode=041777 ouid=0 "
		"ogid=0 rdev=00:00 nametype=PARENT",
		"type=PATH " HDR(130) "item=1 name=\"/tmp/dir\" inode=12 dev=fd:01 mode=040755 "
		"ouid=0 ogid=0 rdev=00:00 nametype=DELETE"), NULL);

	assert_int_equal(ev->type, EVT_unlinkat);
	assert_string_equal(ev->file.path, "/tmp/dir");
	assert_string_equal(arg_str(ev, "flags"), "AT_REMOVEDIR");
	assert_string_equal(arg_str(ev, "name"), "/tmp/dir");
	event_free(ev);

	ev = convert_ok(LINES(
		"type=SYSCALL " HDR(131) X64 "syscall=86 success=yes exit=0 a0=1 a1=2 a2=0 a3=0" PROC,
		"type=PATH " HDR(131) "item=0 name=\"/etc/passwd\" inode=30 dev=fd:01 mode=0100644 "
		"ouid=0 ogid=0 rdev=00:00 nametype=NORMAL",
		"type=PATH " HDR(131) "item=1 name=\"/tmp/\" inode=2 dev=fd:01 mode=041777 ouid=0 "
		"ogid=0 rdev=00:00 nametype=PARENT",
		"type=PATH " HDR(131) "item=2 name=\"/tmp/pw\" inode=30 dev=fd:01 mode=0100644 "
		"ouid=0 ogid=0 rdev=00:00 nametype=CREATE"), NULL);
	assert_int_equal(ev->type, EVT_link);
	assert_string_equal(ev->file.path, "/tmp/pw");
	assert_string_equal(ev->file2.path, "/etc/passwd");
	assert_string_equal(arg_str(ev, "oldpath"), "/etc/passwd");
	event_free(ev);

	ev = convert_ok(LINES(
		"type=SYSCALL " HDR(132) X64 "syscall=266 success=yes exit=0 a0=1 a1=ffffff9c a2=2 "
		"a3=0" PROC,
		"type=CWD " HDR(132) "cwd=\"/tmp\"",
		"type=PATH " HDR(132) "item=0 name=\"../etc/./shadow\" nametype=UNKNOWN "
		"cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0",
		"type=PATH " HDR(132) "item=1 name=\"/tmp\" inode=2 dev=fd:01 mode=041777 ouid=0 "
		"ogid=0 rdev=00:00 nametype=PARENT",
		"type=PATH " HDR(132) "item=2 name=\"lnk\" inode=31 dev=fd:01 mode=0120777 ouid=0 "
		"ogid=0 rdev=00:00 nametype=CREATE"), NULL);
	assert_int_equal(ev->type, EVT_symlinkat);
	assert_string_equal(ev->file.path, "/tmp/lnk");
	/* The target is text, relative to the link's directory: kept as written. */
	assert_string_equal(ev->file2.raw, "../etc/./shadow");
	assert_null(ev->file2.path);
	assert_string_equal(arg_str(ev, "target"), "../etc/./shadow");
	assert_string_equal(arg_str(ev, "linkpath"), "/tmp/lnk");
	assert_int_equal(arg_num(ev, "linkdirfd"), -100);
	event_free(ev);
}

static void
test_namespaces_mount_ptrace(void **state)
{
	struct event *ev = convert_ok(LINES(
		"type=SYSCALL " HDR(140) X64 "syscall=308 success=yes exit=0 a0=3 a1=40000000 "
		"a2=0 a3=0" PROC), NULL);

	assert_int_equal(ev->type, EVT_setns);
	assert_string_equal(arg_str(ev, "nstype"), "CLONE_NEWNET");
	assert_int_equal(arg_num(ev, "fd"), 3);
	event_free(ev);

	ev = convert_ok(LINES(
		"type=SYSCALL " HDR(141) X64 "syscall=272 success=yes exit=0 a0=10020080 a1=0 a2=0 "
		"a3=0" PROC), NULL);
	assert_int_equal(ev->type, EVT_unshare);
	assert_string_equal(arg_str(ev, "flags"), "CLONE_NEWNS|CLONE_NEWUSER|CLONE_NEWTIME");
	event_free(ev);

	ev = convert_ok(LINES(
		"type=SYSCALL " HDR(142) X64 "syscall=165 success=yes exit=0 a0=1 a1=2 a2=0 "
		"a3=c0ed5000" PROC,
		"type=PATH " HDR(142) "item=0 name=\"/mnt/target\" inode=3 dev=fd:01 mode=040755 "
		"ouid=0 ogid=0 rdev=00:00 nametype=NORMAL",
		"type=PATH " HDR(142) "item=1 name=\"/srv\" inode=4 dev=fd:01 mode=040755 ouid=0 "
		"ogid=0 rdev=00:00 nametype=NORMAL"), NULL);
	assert_int_equal(ev->type, EVT_mount);
	assert_string_equal(arg_str(ev, "flags"), "MS_MGC_VAL|MS_BIND|MS_REC");
	assert_string_equal(arg_str(ev, "dir"), "/mnt/target");
	event_free(ev);

	ev = convert_ok(LINES(
		"type=SYSCALL " HDR(143) X64 "syscall=166 success=yes exit=0 a0=1 a1=2 a2=0 a3=0"
		PROC,
		"type=PATH " HDR(143) "item=0 name=\"/mnt/target\" inode=3 dev=fd:01 mode=040755 "
		"ouid=0 ogid=0 rdev=00:00 nametype=NORMAL"), NULL);
	assert_int_equal(ev->type, EVT_umount2);
	assert_string_equal(arg_str(ev, "flags"), "MNT_DETACH");
	event_free(ev);

	ev = convert_ok(LINES(
		"type=SYSCALL " HDR(144) X64 "syscall=101 success=yes exit=0 a0=10 a1=4d2 a2=0 "
		"a3=0" PROC,
		"type=OBJ_PID " HDR(144) "opid=1234 oauid=1000 ouid=1000 oses=3 obj=unconfined "
		"ocomm=\"victim\""), NULL);
	assert_int_equal(ev->type, EVT_ptrace);
	assert_string_equal(arg_str(ev, "request"), "PTRACE_ATTACH");
	assert_int_equal(arg_num(ev, "request"), 16);
	assert_int_equal(arg_num(ev, "pid"), 1234);
	event_free(ev);
}

static void
test_modules_bpf_memfd_handles(void **state)
{
	struct event *ev = convert_ok(LINES(
		"type=SYSCALL " HDR(150) X64 "syscall=175 success=yes exit=0 a0=7f00 a1=1a2b "
		"a2=5600 a3=0" PROC), NULL);

	assert_int_equal(ev->type, EVT_init_module);
	assert_int_equal(arg_num(ev, "length"), 0x1a2b);
	event_free(ev);

	ev = convert_ok(LINES(
		"type=SYSCALL " HDR(151) X64 "syscall=313 success=yes exit=0 a0=3 a1=5600 a2=3 a3=0"
		PROC,
		"type=KERN_MODULE " HDR(151) "name=\"evil\""), NULL);
	assert_int_equal(ev->type, EVT_finit_module);
	assert_string_equal(arg_str(ev, "flags"),
	                    "MODULE_INIT_IGNORE_MODVERSIONS|MODULE_INIT_IGNORE_VERMAGIC");
	assert_int_equal(arg_num(ev, "fd"), 3);
	event_free(ev);

	ev = convert_ok(LINES(
		"type=SYSCALL " HDR(152) X64 "syscall=321 success=yes exit=7 a0=5 a1=7ffc a2=90 "
		"a3=0" PROC,
		"type=BPF " HDR(152) "prog-id=12 op=LOAD"), NULL);
	assert_int_equal(ev->type, EVT_bpf);
	assert_string_equal(arg_str(ev, "cmd"), "BPF_PROG_LOAD");
	assert_int_equal(arg_num(ev, "cmd"), 5);
	event_free(ev);

	ev = convert_ok(LINES(
		"type=SYSCALL " HDR(153) X64 "syscall=319 success=yes exit=4 a0=5599 a1=3 a2=0 a3=0"
		PROC), NULL);
	assert_int_equal(ev->type, EVT_memfd_create);
	assert_string_equal(arg_str(ev, "flags"), "MFD_CLOEXEC|MFD_ALLOW_SEALING");
	assert_int_equal(arg_num(ev, "fd"), 4);
	event_free(ev);

	ev = convert_ok(LINES(
		"type=SYSCALL " HDR(154) X64 "syscall=304 success=yes exit=5 a0=3 a1=7ffc a2=0 a3=0"
		PROC), NULL);
	assert_int_equal(ev->type, EVT_open_by_handle_at);
	assert_int_equal(arg_num(ev, "mountfd"), 3);
	assert_string_equal(arg_str(ev, "flags"), "O_RDONLY");
	assert_int_equal(arg_num(ev, "fd"), 5);
	assert_null(event_get_arg(ev, "path"));
	event_free(ev);
}

static void
test_credentials_and_fds(void **state)
{
	struct event *ev = convert_ok(LINES(
		"type=SYSCALL " HDR(160) X64 "syscall=105 success=no exit=-1 a0=0 a1=0 a2=0 a3=0"
		PROC), NULL);

	assert_int_equal(ev->type, EVT_setuid);
	assert_int_equal(arg_num(ev, "uid"), 0);
	assert_int_equal(ev->success, 0);
	event_free(ev);

	ev = convert_ok(LINES(
		"type=SYSCALL " HDR(161) X64 "syscall=117 success=yes exit=0 a0=ffffffff a1=0 "
		"a2=ffffffff a3=0" PROC), NULL);
	assert_int_equal(ev->type, EVT_setresuid);
	assert_int_equal(arg_num(ev, "ruid"), 4294967295);
	assert_int_equal(arg_num(ev, "euid"), 0);
	event_free(ev);

	ev = convert_ok(LINES(
		"type=SYSCALL " HDR(162) X64 "syscall=92 success=yes exit=0 a0=1 a1=0 a2=3e8 a3=0"
		PROC,
		"type=PATH " HDR(162) "item=0 name=\"/etc/sudoers\" inode=8 dev=fd:01 mode=0100440 "
		"ouid=0 ogid=0 rdev=00:00 nametype=NORMAL"), NULL);
	assert_int_equal(ev->type, EVT_chown);
	assert_int_equal(arg_num(ev, "gid"), 1000);
	assert_string_equal(arg_str(ev, "path"), "/etc/sudoers");
	event_free(ev);

	ev = convert_ok(LINES(
		"type=SYSCALL " HDR(163) X64 "syscall=33 success=yes exit=0 a0=3 a1=0 a2=0 a3=0"
		PROC), NULL);
	assert_int_equal(ev->type, EVT_dup2);
	assert_int_equal(arg_num(ev, "oldfd"), 3);
	assert_int_equal(arg_num(ev, "newfd"), 0);
	event_free(ev);

	/* setuid bit via fchmodat: what "Set Setuid or Setgid bit" looks for. */
	ev = convert_ok(LINES(
		"type=SYSCALL " HDR(165) X64 "syscall=268 success=yes exit=0 a0=ffffff9c a1=1 "
		"a2=9ed a3=0" PROC,
		"type=CWD " HDR(165) "cwd=\"/tmp\"",
		"type=PATH " HDR(165) "item=0 name=\"sh\" inode=5 dev=fd:01 mode=0104755 ouid=0 "
		"ogid=0 rdev=00:00 nametype=NORMAL"), NULL);
	assert_int_equal(ev->type, EVT_fchmodat);
	assert_non_null(strstr(arg_str(ev, "mode"), "S_ISUID"));
	assert_null(strstr(arg_str(ev, "mode"), "S_ISGID"));
	assert_string_equal(arg_str(ev, "filename"), "/tmp/sh");
	event_free(ev);

	ev = convert_ok(LINES(
		"type=SYSCALL " HDR(164) X64 "syscall=292 success=yes exit=1 a0=3 a1=1 a2=80000 "
		"a3=0" PROC), NULL);
	assert_int_equal(ev->type, EVT_dup3);
	assert_string_equal(arg_str(ev, "flags"), "O_CLOEXEC");
	event_free(ev);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_execve_split_and_hex_args),
		cmocka_unit_test(test_execve_bad_lengths_stop_argv),
		cmocka_unit_test(test_openat_relative_create),
		cmocka_unit_test(test_openat_dirfd_and_normalization),
		cmocka_unit_test(test_openat2_reads_its_record),
		cmocka_unit_test(test_rename_and_renameat2),
		cmocka_unit_test(test_unlinkat_link_symlink),
		cmocka_unit_test(test_namespaces_mount_ptrace),
		cmocka_unit_test(test_modules_bpf_memfd_handles),
		cmocka_unit_test(test_credentials_and_fds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
