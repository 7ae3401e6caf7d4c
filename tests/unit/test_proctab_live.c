/* test_proctab_live.c - state/proctab against the real /proc: seeding finds this very test
 * with its comm, argv, ppid, exe and credentials; and a rough measure of the memory an entry
 * costs, seeding 10,000 fake processes (printed, and bounded so a regression shows). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "fakeproc.h"
#include "state/proctab.h"

#define S_NS UINT64_C(1000000000)

static const char *argv0;

static void
test_live_proc(void **state)
{
	struct proctab *pt = NULL;
	struct proc *p;
	char comm[64] = "", exe[PATH_MAX];
	FILE *f = fopen("/proc/self/comm", "r");
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	struct timespec ts;

	(void)state;
	assert_non_null(f);
	assert_non_null(fgets(comm, sizeof(comm), f));
	fclose(f);
	comm[strcspn(comm, "\n")] = '\0';
	assert_true(n > 0);
	exe[n] = '\0';
	clock_gettime(CLOCK_REALTIME, &ts);
	assert_int_equal(proctab_new(NULL, &pt), 0);
	assert_int_equal(proctab_seed(pt), 0);
	assert_true(proctab_stats(pt)->seeded > 1);
	p = proctab_get(pt, getpid(), (uint64_t)ts.tv_sec * S_NS);
	assert_non_null(p);
	assert_string_equal(p->comm, comm);
	assert_string_equal(p->argv[0], argv0);
	assert_int_equal(p->ppid, getppid());
	assert_string_equal(p->exe, exe);
	assert_int_equal(p->uid, getuid());
	assert_true(p->start_ns > 0 && p->start_ns <= (uint64_t)(ts.tv_sec + 1) * S_NS);
	assert_non_null(p->parent);
	assert_int_equal(p->parent->pid, getppid());
	proc_unref(p);
	proctab_free(pt);
}

/* ---- memory ---- */

static size_t
heap_in_use(void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
	return mallinfo2().uordblks;
#else
	return 0;
#endif
}

static long
rss_kib(void)
{
	long size = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f && fscanf(f, "%ld %ld", &size, &rss) != 2)
		rss = 0;
	if (f)
		fclose(f);
	return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

static void
test_memory_per_entry(void **state)
{
	enum { N = 10000 };
	struct fakeproc f;
	struct proctab_config cfg = { 0 };
	struct proctab *pt = NULL;
	size_t heap0, heap1;
	long rss0, rss1;

	(void)state;
	fake_init(&f);
	for (int64_t pid = 2; pid < N + 2; pid++)
		fake_add(&f, &(struct fake_pid){ .pid = pid, .ppid = pid < 50 ? 1 : pid % 50 + 2,
		        .start_ticks = 10, .comm = "worker", .cmdline = "/usr/bin/worker\0--id\0x",
		        .cmdline_len = 23, .exe = "/bin/sh", .cwd = "/srv/app", .tty_nr = 34819 });
	cfg.proc_root = f.root;
	heap0 = heap_in_use();
	rss0 = rss_kib();
	assert_int_equal(proctab_new(&cfg, &pt), 0);
	assert_int_equal(proctab_seed(pt), 0);
	heap1 = heap_in_use();
	rss1 = rss_kib();
	assert_int_equal(proctab_stats(pt)->seeded, N);
	print_message("proctab: %d entries: heap %zu B/entry, RSS %ld B/entry\n", N,
	              (heap1 - heap0) / N, (rss1 - rss0) * 1024 / N);
	if (heap1 > heap0)
		assert_true((heap1 - heap0) / N < 8192);
	proctab_free(pt);
	fake_cleanup(&f);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_live_proc),
		cmocka_unit_test(test_memory_per_entry),
	};

	(void)argc;
	argv0 = argv[0];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
