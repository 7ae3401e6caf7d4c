/* test_procfs.c - unit tests for state/procfs: the stat, status, cmdline and btime parsers
 * against hostile text (comms holding ") (" and newlines, NUL bytes, truncation, missing and
 * malformed fields, non-hex capabilities), terminal names, and reading processes out of a
 * fake /proc tree: kernel threads, zombies, vanished and unreadable entries (EACCES, checked
 * in a child that gives up root's override of file modes), FIFOs. */
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
#include <linux/capability.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "fakeproc.h"
#include "state/procfs.h"

#define STAT_TAIL " S 1 1 1 34819 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 4242 1000 10 0 0"

static int
parse_stat(const char *text, struct procfs_stat *st)
{
	memset(st, 0x55, sizeof(*st));
	return procfs_parse_stat(text, strlen(text), st);
}

static void
test_stat_plain(void **state)
{
	struct procfs_stat st;

	(void)state;
	assert_int_equal(parse_stat("123 (bash)" STAT_TAIL "\n", &st), 0);
	assert_int_equal(st.pid, 123);
	assert_string_equal(st.comm, "bash");
	assert_int_equal(st.state, 'S');
	assert_int_equal(st.ppid, 1);
	assert_int_equal(st.tty_nr, 34819);
	assert_int_equal(st.start_ticks, 4242);
	/* No trailing newline is fine too. */
	assert_int_equal(parse_stat("123 (bash)" STAT_TAIL, &st), 0);
}

static void
test_stat_hostile_comm(void **state)
{
	struct procfs_stat st;

	(void)state;
	/* The comm is the process's choice: only the last ')' ends it. */
	assert_int_equal(parse_stat("9 (a) (b)" STAT_TAIL, &st), 0);
	assert_string_equal(st.comm, "a) (b");
	assert_int_equal(st.ppid, 1);
	assert_int_equal(parse_stat("9 (x) S 77 1 1 0 -1)" STAT_TAIL, &st), 0);
	assert_string_equal(st.comm, "x) S 77 1 1 0 -1");
	assert_int_equal(st.ppid, 1);
	assert_int_equal(parse_stat("9 (new\nline)" STAT_TAIL "\n", &st), 0);
	assert_string_equal(st.comm, "new\nline");
	assert_int_equal(parse_stat("9 ()" STAT_TAIL, &st), 0);
	assert_string_equal(st.comm, "");
	assert_int_equal(parse_stat("9 (  )" STAT_TAIL, &st), 0);
	assert_string_equal(st.comm, "  ");
	/* Longer than a kernel thread's name can be. */
	assert_int_equal(parse_stat("9 (0123456789012345678901234567890123456789012345678901234567"
	                            "89012345)" STAT_TAIL, &st), -EINVAL);
}

static void
test_stat_rejects_garbage(void **state)
{
	static const char *const bad[] = {
		"", "\n", "123", "123 (bash", "(bash)" STAT_TAIL, " 123 (bash)" STAT_TAIL,
		"123(bash)" STAT_TAIL, "12x (bash)" STAT_TAIL, "0 (bash)" STAT_TAIL,
		"123 (bash)", "123 (bash) ", "123 (bash)S 1",
		"123 (bash) S 1 1 1 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0",  /* no starttime */
		"123 (bash) S  1 1 1 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 5",   /* empty field */
		"123 (bash) SS 1 1 1 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 5",
		"123 (bash) S -1 1 1 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 5",
		"123 (bash) S 1 1 1 0x1 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 5",
		"123 (bash) S 1 1 1 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 -5",
		"123 (bash) S 1 1 1 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 99999999999999999999",
		"123 (bash) S 99999999999 1 1 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 5",
	};
	struct procfs_stat st;
	char nul[] = "123 (ba\0sh)" STAT_TAIL;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse_stat(bad[i], &st) != -EINVAL)
			fail_msg("accepted: \"%s\"", bad[i]);
	}
	assert_int_equal(procfs_parse_stat(nul, sizeof(nul) - 1, &st), -EINVAL);
	/* A negative tty_nr is an int with a large minor, not garbage. */
	assert_int_equal(parse_stat("5 (s) S 1 1 1 -2147483648 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 7",
	                            &st), 0);
	assert_int_equal(st.tty_nr, 0x80000000u);
}

static void
test_status_fields(void **state)
{
	static const char text[] =
		"Name:\tbash\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t42\nNgid:\t0\n"
		"Pid:\t42\nPPid:\t1\nUid:\t1000\t0\t1001\t1002\nGid:\t100\t101\t102\t103\n"
		"Groups:\t4 24 27\nCapInh:\t0000000000000000\nCapPrm:\t00000000a80425fb\n"
		"CapEff:\t000001ffffffffff\n"
		"Cpus_allowed_list:\t0-1\n";
	struct procfs_status s;

	(void)state;
	assert_int_equal(procfs_parse_status(text, sizeof(text) - 1, &s), 0);
	assert_int_equal(s.tgid, 42);
	assert_int_equal(s.uid[0], 1000);
	assert_int_equal(s.uid[1], 0);
	assert_int_equal(s.uid[2], 1001);
	assert_int_equal(s.uid[3], 1002);
	assert_int_equal(s.gid[0], 100);
	assert_int_equal(s.gid[3], 103);
	assert_int_equal(s.caps_known, PROC_CAP_EFFECTIVE | PROC_CAP_PERMITTED);
	assert_true(s.cap_eff == UINT64_C(0x1ffffffffff));
	assert_true(s.cap_prm == UINT64_C(0xa80425fb));
	/* Empty or unrelated text: everything unknown, nothing wrong. */
	assert_int_equal(procfs_parse_status("", 0, &s), 0);
	assert_int_equal(s.uid[0], PROC_ID_UNSET);
	assert_int_equal(s.tgid, PROC_ID_UNSET);
	assert_int_equal(s.caps_known, 0);
	assert_int_equal(procfs_parse_status("Uid 1\nfoo\n:\n", 12, &s), 0);
	assert_int_equal(s.uid[0], PROC_ID_UNSET);
}

static void
test_status_malformed(void **state)
{
	static const char *const bad[] = {
		"Uid:\t1\t2\t3\n", "Uid:\t1\t2\t3\t4\t5\n", "Uid:\t1\t2\t3\tx\n", "Uid:\t-1\t0\t0\t0\n",
		"Uid:\t4294967296\t0\t0\t0\n", "Gid:\t\t\t\t\n", "Tgid:\t0\n", "Tgid:\tabc\n",
		"CapEff:\t00000000000000zz\n", "CapEff:\t1ff\n", "CapEff:\t0000000000000000ff\n",
		"CapEff:\t\n", "CapPrm:\t00000000a80425fX\n", "CapPrm:\t-0000000a80425fb\n",
		"CapPrm:\t 00000000a80425f\n",
	};
	struct procfs_status s;
	char nul[] = "Uid:\t1\t1\t1\t1\nGid:\t1\0\t1\t1\t1\n";

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (procfs_parse_status(bad[i], strlen(bad[i]), &s) != -EINVAL)
			fail_msg("accepted: \"%s\"", bad[i]);
		assert_int_equal(s.uid[0], PROC_ID_UNSET);
		assert_int_equal(s.gid[0], PROC_ID_UNSET);
		assert_int_equal(s.tgid, PROC_ID_UNSET);
		assert_int_equal(s.caps_known, 0);
	}
	assert_int_equal(procfs_parse_status(nul, sizeof(nul) - 1, &s), -EINVAL);
	/* One bad line spoils only itself. */
	assert_int_equal(procfs_parse_status("Uid:\t1\t2\t3\t4\nGid:\tx\n", 20, &s), -EINVAL);
	assert_int_equal(s.uid[1], 2);
	assert_int_equal(s.gid[0], PROC_ID_UNSET);
}

static void
test_cmdline_split(void **state)
{
	struct proc *p;

	(void)state;
	p = proc_new(1);
	procfs_parse_cmdline(p, "", 0);
	assert_non_null(p->argv);       /* known to be empty: a kernel thread */
	assert_int_equal(p->argc, 0);
	assert_null(p->argv[0]);
	proc_unref(p);

	p = proc_new(1);
	procfs_parse_cmdline(p, "ls\0-l\0/tmp dir\0", 15);
	assert_int_equal(p->argc, 3);
	assert_string_equal(p->argv[2], "/tmp dir");
	assert_null(p->argv[3]);
	proc_unref(p);

	p = proc_new(1);
	procfs_parse_cmdline(p, "nginx: worker", 13);    /* rewritten, no final NUL */
	assert_int_equal(p->argc, 1);
	assert_string_equal(p->argv[0], "nginx: worker");
	proc_unref(p);

	p = proc_new(1);
	procfs_parse_cmdline(p, "a\0\0", 3);             /* an empty last argument */
	assert_int_equal(p->argc, 2);
	assert_string_equal(p->argv[1], "");
	proc_unref(p);
}

static void
test_cmdline_argc_capped(void **state)
{
	size_t n = 2 * PROCFS_ARGC_MAX;
	char *buf = malloc(n);
	struct proc *p = proc_new(1);

	(void)state;
	for (size_t i = 0; i < n; i += 2)
		memcpy(buf + i, "x", 2);
	procfs_parse_cmdline(p, buf, n);
	assert_int_equal(p->argc, PROCFS_ARGC_MAX);
	free(buf);
	proc_unref(p);
}

static void
test_btime(void **state)
{
	static const char good[] = "cpu  1 2\nintr 1 2 3\nctxt 5\nbtime 1700000000\nprocesses 1\n";
	uint64_t v = 0;

	(void)state;
	assert_int_equal(procfs_parse_btime(good, sizeof(good) - 1, &v), 0);
	assert_int_equal(v, 1700000000u);
	assert_int_equal(procfs_parse_btime("btime 5", 7, &v), 0);
	assert_int_equal(v, 5);
	assert_int_equal(procfs_parse_btime("cpu 1\n", 6, &v), -EINVAL);
	assert_int_equal(procfs_parse_btime("btime x\n", 8, &v), -EINVAL);
	assert_int_equal(procfs_parse_btime("btime \n", 7, &v), -EINVAL);
	assert_int_equal(procfs_parse_btime("xbtime 5\n", 9, &v), -EINVAL);
	assert_int_equal(procfs_parse_btime("btime 99999999999999999999\n", 27, &v), -EINVAL);
}

static uint64_t
encode(uint32_t major, uint32_t minor)
{
	return (minor & 0xff) | ((uint64_t)major << 8) | ((uint64_t)(minor & ~0xffu) << 12);
}

static void
test_tty_names(void **state)
{
	static const struct {
		uint32_t major, minor;
		const char *name;
	} cases[] = {
		{ 136, 3, "pts3" }, { 136, 300, "pts300" }, { 137, 1, "pts257" },
		{ 4, 1, "tty1" }, { 4, 63, "tty63" }, { 4, 64, "ttyS0" }, { 4, 65, "ttyS1" },
		{ 5, 1, "console" }, { 188, 0, "ttyUSB0" }, { 166, 2, "ttyACM2" },
		{ 204, 64, "ttyAMA0" }, { 229, 0, "hvc0" },
	};
	char buf[32];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(procfs_tty_name(encode(cases[i].major, cases[i].minor), buf,
		                                 sizeof(buf)), 0);
		assert_string_equal(buf, cases[i].name);
	}
	assert_int_equal(procfs_tty_name(34819, buf, sizeof(buf)), 0);  /* a real tty_nr */
	assert_string_equal(buf, "pts3");
	assert_int_equal(procfs_tty_name(0, buf, sizeof(buf)), -ENOENT);
	assert_int_equal(procfs_tty_name(encode(5, 0), buf, sizeof(buf)), -EINVAL);
	assert_int_equal(procfs_tty_name(encode(8, 1), buf, sizeof(buf)), -EINVAL);
	assert_int_equal(procfs_tty_name(UINT64_C(1) << 40, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(procfs_tty_name(encode(136, 123456), buf, 4), -EINVAL);  /* too small */
}

static void
test_start_ns(void **state)
{
	struct procfs fs = { .rootfd = -1, .btime_ns = UINT64_C(1700000000) * 1000000000,
	                     .clk_tck = 100 };

	(void)state;
	assert_true(procfs_start_ns(&fs, 250) == UINT64_C(1700000002500000000));
	assert_int_equal(procfs_start_ns(&fs, UINT64_MAX), 0);      /* overflow: unknown */
	fs.btime_ns = 0;
	assert_int_equal(procfs_start_ns(&fs, 250), 0);
}

/* ---- reading a fake tree ---- */

static void
test_read_fake(void **state)
{
	struct fakeproc f;
	struct procfs fs;
	struct procfs_extra x;
	struct proc *p = NULL;

	(void)state;
	fake_init(&f);
	fake_add(&f, &(struct fake_pid){ .pid = 77, .ppid = 1, .comm = "a) (b", .uid = 1000,
	        .euid = 0, .gid = 100, .egid = 0, .start_ticks = 250, .tty_nr = 34819,
	        .cmdline = "sh\0-c\0echo hi", .cmdline_len = 14, .exe = "/bin/sh", .cwd = "/tmp",
	        .capeff = "000001ffffffffff", .capprm = "0000000000210000" });
	assert_int_equal(procfs_open(f.root, &fs), 0);
	assert_true(fs.btime_ns == (uint64_t)FAKE_BTIME * 1000000000);
	assert_int_equal(procfs_read(&fs, 77, &p, &x), 0);
	assert_int_equal(p->pid, 77);
	assert_int_equal(p->ppid, 1);
	assert_string_equal(p->comm, "a) (b");
	assert_int_equal(p->uid, 1000);
	assert_int_equal(p->euid, 0);
	assert_int_equal(p->fsgid, 0);
	assert_int_equal(p->auid, 1000);
	assert_int_equal(p->ses, 7);
	assert_string_equal(p->tty, "pts3");
	assert_int_equal(p->has_tty, 1);
	assert_int_equal(p->argc, 3);
	assert_string_equal(p->argv[2], "echo hi");
	assert_string_equal(p->exe, "/bin/sh");
	assert_string_equal(p->cwd, "/tmp");
	assert_true(p->exe_ino != 0);   /* through the link to the real /bin/sh */
	assert_true(p->start_ns == procfs_start_ns(&fs, 250));
	assert_int_equal(x.start_ticks, 250);
	assert_int_equal(x.tgid, 77);
	assert_true(p->caps_known & PROC_CAP_EFFECTIVE);
	assert_true(p->cap_effective == UINT64_C(0x1ffffffffff));
	assert_true(p->caps_known & PROC_CAP_PERMITTED);
	assert_true(p->cap_permitted == UINT64_C(0x210000));
	assert_null(p->parent);
	proc_unref(p);
	procfs_close(&fs);
	procfs_close(&fs);
	fake_cleanup(&f);
}

static void
test_read_kernel_thread_and_zombie(void **state)
{
	struct fakeproc f;
	struct procfs fs;
	struct proc *p = NULL;

	(void)state;
	fake_init(&f);
	fake_add(&f, &(struct fake_pid){ .pid = 2, .ppid = 0, .comm = "kthreadd" });
	fake_add(&f, &(struct fake_pid){ .pid = 50, .ppid = 1, .comm = "defunct", .state = 'Z',
	        .exe = "/nonexistent/gone" });
	fake_add(&f, &(struct fake_pid){ .pid = 51, .ppid = 1, .exe = "/opt/app (deleted)" });
	assert_int_equal(procfs_open(f.root, &fs), 0);
	assert_int_equal(procfs_read(&fs, 2, &p, NULL), 0);
	assert_int_equal(p->ppid, 0);
	assert_non_null(p->argv);
	assert_int_equal(p->argc, 0);
	assert_null(p->exe);
	assert_null(p->cwd);
	assert_int_equal(p->has_tty, 0);
	assert_null(p->tty);
	proc_unref(p);
	/* A dangling exe link still names the file; its inode stays unknown. */
	assert_int_equal(procfs_read(&fs, 50, &p, NULL), 0);
	assert_string_equal(p->exe, "/nonexistent/gone");
	assert_int_equal(p->exe_ino, 0);
	proc_unref(p);
	/* The kernel's " (deleted)" suffix is kept as it is. */
	assert_int_equal(procfs_read(&fs, 51, &p, NULL), 0);
	assert_string_equal(p->exe, "/opt/app (deleted)");
	proc_unref(p);
	procfs_close(&fs);
	fake_cleanup(&f);
}

static void
test_read_broken_entries(void **state)
{
	struct fakeproc f;
	struct procfs fs;
	struct proc *p = (struct proc *)&f;
	char path[512];

	(void)state;
	fake_init(&f);
	fake_add(&f, &(struct fake_pid){ .pid = 10, .ppid = 1 });
	fake_add(&f, &(struct fake_pid){ .pid = 11, .ppid = 1 });
	fake_add(&f, &(struct fake_pid){ .pid = 12, .ppid = 1, .cmdline = "x" });
	fake_add(&f, &(struct fake_pid){ .pid = 13, .ppid = 1, .cmdline = "y" });
	fake_add(&f, &(struct fake_pid){ .pid = 14, .ppid = 1 });
	assert_int_equal(procfs_open(f.root, &fs), 0);

	assert_int_equal(procfs_read(&fs, 99, &p, NULL), -ENOENT);      /* vanished */
	assert_null(p);
	fake_path(&f, 10, "stat", path, sizeof(path));
	unlink(path);
	assert_int_equal(procfs_read(&fs, 10, &p, NULL), -ENOENT);
	/* stat as a directory, a FIFO in place of status: refused without blocking. */
	fake_path(&f, 11, "stat", path, sizeof(path));
	unlink(path);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(procfs_read(&fs, 11, &p, NULL), -EINVAL);
	fake_path(&f, 12, "status", path, sizeof(path));
	unlink(path);
	assert_int_equal(mkfifo(path, 0644), 0);
	assert_int_equal(procfs_read(&fs, 12, &p, NULL), 0);
	assert_int_equal(p->uid, PROC_ID_UNSET);        /* unknown, the rest is kept */
	assert_string_equal(p->argv[0], "x");
	proc_unref(p);
	/* status gone while stat was there: the process went away during the read. */
	fake_path(&f, 13, "status", path, sizeof(path));
	unlink(path);
	assert_int_equal(procfs_read(&fs, 13, &p, NULL), -ENOENT);
	/* A stat that names another pid, and an oversized one. */
	fake_write(&f, 14, "stat", "15 (x)" STAT_TAIL, strlen("15 (x)" STAT_TAIL));
	assert_int_equal(procfs_read(&fs, 14, &p, NULL), -EINVAL);
	{
		char *big = malloc(8192);

		memset(big, 'a', 8192);
		memcpy(big, "14 (", 4);
		fake_write(&f, 14, "stat", big, 8192);
		free(big);
	}
	assert_int_equal(procfs_read(&fs, 14, &p, NULL), -EINVAL);
	assert_int_equal(procfs_read(&fs, 0, &p, NULL), -EINVAL);
	assert_int_equal(procfs_read(&fs, -5, &p, NULL), -EINVAL);
	procfs_close(&fs);
	fake_cleanup(&f);
}

/* Drop CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from this process's effective set, so that
 * mode bits apply even to root.  0 or -1. */
static int
drop_dac_caps(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data) < 0)
		return -1;
	data[0].effective &= ~((1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH));
	return syscall(SYS_capset, &hdr, data) < 0 ? -1 : 0;
}

static void
test_read_unreadable(void **state)
{
	struct fakeproc f;
	struct procfs fs;
	struct proc *p = NULL;
	char path[512];
	int status = -1;
	pid_t child;

	(void)state;
	fake_init(&f);
	fake_add(&f, &(struct fake_pid){ .pid = 20, .ppid = 1 });
	fake_add(&f, &(struct fake_pid){ .pid = 21, .ppid = 1 });
	fake_path(&f, 20, "stat", path, sizeof(path));
	chmod(path, 0);
	fake_path(&f, 21, NULL, path, sizeof(path));
	chmod(path, 0);
	assert_int_equal(procfs_open(f.root, &fs), 0);
	/* In a child, so that root loses its override only there. */
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		int a = drop_dac_caps() == 0 ? procfs_read(&fs, 20, &p, NULL) : 0;
		int b = procfs_read(&fs, 21, &p, NULL);

		_exit(a == -EACCES && b == -EACCES ? 0 : 1);
	}
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	procfs_close(&fs);
	fake_cleanup(&f);
}

static int
count_pid(int64_t pid, void *arg)
{
	int64_t *sum = arg;

	*sum += pid;
	return 0;
}

static void
test_list_numeric_only(void **state)
{
	struct fakeproc f;
	struct procfs fs;
	int64_t sum = 0;
	char path[512];

	(void)state;
	fake_init(&f);
	fake_add(&f, &(struct fake_pid){ .pid = 3, .ppid = 1 });
	fake_add(&f, &(struct fake_pid){ .pid = 40, .ppid = 1 });
	fake_path(&f, 0, "sys", path, sizeof(path));
	assert_int_equal(mkdir(path, 0755), 0);
	fake_path(&f, 0, "0123", path, sizeof(path));
	assert_int_equal(mkdir(path, 0755), 0);
	fake_path(&f, 0, "99999999999", path, sizeof(path));
	assert_int_equal(mkdir(path, 0755), 0);
	fake_path(&f, 0, "self", path, sizeof(path));
	assert_int_equal(symlink("40", path), 0);
	assert_int_equal(procfs_open(f.root, &fs), 0);
	assert_int_equal(procfs_list(&fs, count_pid, &sum), 0);
	assert_int_equal(sum, 43);
	procfs_close(&fs);
	fake_cleanup(&f);
	assert_int_equal(procfs_open("/nonexistent/proc", &fs), -ENOENT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stat_plain),
		cmocka_unit_test(test_stat_hostile_comm),
		cmocka_unit_test(test_stat_rejects_garbage),
		cmocka_unit_test(test_status_fields),
		cmocka_unit_test(test_status_malformed),
		cmocka_unit_test(test_cmdline_split),
		cmocka_unit_test(test_cmdline_argc_capped),
		cmocka_unit_test(test_btime),
		cmocka_unit_test(test_tty_names),
		cmocka_unit_test(test_start_ns),
		cmocka_unit_test(test_read_fake),
		cmocka_unit_test(test_read_kernel_thread_and_zombie),
		cmocka_unit_test(test_read_broken_entries),
		cmocka_unit_test(test_read_unreadable),
		cmocka_unit_test(test_list_numeric_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
