/* state.c - the state-size benchmark: how much memory the daemon's tables take.
 * Usage: bench_state [-p PROCESSES] [-r RULES]...
 * Builds what the live daemon holds: the ruleset (-r, optional), a process table seeded from
 * /proc, then PROCESSES more processes (default 10,000) that the table learns from exec
 * events as the audit source would make them (comm, exe, cwd, an argv of a dozen arguments,
 * credentials, a parent among the earlier ones, so ancestor chains are linked).  Their pids
 * lie above any real pid_max, so the table's lazy /proc reads miss at once, as they do for a
 * process that has gone.  Prints the resident size at each step and the peak:
 * "step=NAME rss_kib=N hwm_kib=N entries=N".  Containers: once the container table is in
 * the library, 100 containers are added here through its API (see RESULTS.md). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/diag.h"
#include "event/event.h"
#include "event/proc.h"
#include "rules/ruleset.h"
#include "state/proctab.h"

#define FAKE_PID_BASE 5000000   /* above PID_MAX_LIMIT (4194304): never a live process */

static long
status_kib(const char *key)
{
	FILE *fp = fopen("/proc/self/status", "re");
	char line[256];
	size_t klen = strlen(key);
	long v = -1;

	if (fp == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp))
		if (strncmp(line, key, klen) == 0 && line[klen] == ':')
			v = strtol(line + klen + 1, NULL, 10);
	fclose(fp);
	return v;
}

static void
report(const char *step, const struct proctab *pt)
{
	printf("step=%s rss_kib=%ld hwm_kib=%ld entries=%llu\n", step, status_kib("VmRSS"),
	    status_kib("VmHWM"), pt ? (unsigned long long)proctab_stats(pt)->entries : 0ull);
}

static uint64_t
wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The exec event of synthetic process I, as the audit converter would build it. */
static struct event *
exec_event(long i, uint64_t now)
{
	static const char *const exes[] = { "/usr/bin/python3.11", "/usr/bin/bash",
	    "/usr/lib/jvm/java-17-openjdk-amd64/bin/java", "/usr/local/bin/node" };
	struct event *ev = event_new(EVT_execve, EVS_AUDIT);
	int64_t pid = FAKE_PID_BASE + i;
	struct proc *p = proc_new(pid);
	const char *exe = exes[i % 4];
	char arg[64];
	const char *argv[12];

	/* A tree four wide: ancestor chains about seven deep. */
	p->ppid = i < 4 ? 1 : FAKE_PID_BASE + i / 4;
	p->uid = p->euid = p->suid = p->fsuid = 1000 + i % 10;
	p->gid = p->egid = p->sgid = p->fsgid = 1000;
	p->auid = 1000;
	p->ses = 3;
	p->comm = proc_strdup(p, strrchr(exe, '/') + 1);
	p->exe = proc_strdup(p, exe);
	p->cwd = proc_strdup(p, "/home/alice/src/project");
	p->has_tty = 0;
	snprintf(arg, sizeof(arg), "--worker-id=%ld", i);
	argv[0] = exe;
	for (int k = 1; k < 11; k++)
		argv[k] = k % 3 ? "--config=/etc/app/config.yaml" : "-v";
	argv[11] = arg;
	proc_set_argv(p, argv, 12);
	ev->pid = ev->tid = pid;
	ev->success = 1;
	ev->res = 0;
	ev->ts_ns = now;
	ev->proc = p;
	ev->file.path = event_strdup(ev, exe);
	return ev;
}

int
main(int argc, char **argv)
{
	const char *rules[16];
	size_t nrules = 0;
	long nproc = 10000;
	struct ruleset *rs = NULL;
	struct proctab *pt = NULL;
	int opt, rc;

	while ((opt = getopt(argc, argv, "p:r:")) != -1) {
		if (opt == 'p')
			nproc = strtol(optarg, NULL, 10);
		else if (opt == 'r' && nrules < 16)
			rules[nrules++] = optarg;
		else {
			fprintf(stderr, "usage: bench_state [-p PROCESSES] [-r RULES]...\n");
			return 2;
		}
	}
	report("start", NULL);
	if (nrules > 0) {
		struct diags d = DIAGS_INIT;
		struct ruleset_opts o = { .min_priority = PRIO_DEBUG };
		rc = ruleset_load(rules, nrules, &o, &rs, &d);
		diags_free(&d);
		if (rc < 0) {
			fprintf(stderr, "bench_state: the rules do not load\n");
			return 1;
		}
		report("rules", NULL);
	}
	if ((rc = proctab_new(NULL, &pt)) < 0 || (rc = proctab_seed(pt)) < 0) {
		fprintf(stderr, "bench_state: process table: %s\n", strerror(-rc));
		return 1;
	}
	report("seeded", pt);
	for (long i = 0; i < nproc; i++) {
		uint64_t now = wall_ns();
		struct event *ev = exec_event(i, now);
		proctab_enrich(pt, ev, now);
		event_free(ev);
	}
	report("processes", pt);
	proctab_free(pt);
	ruleset_free(rs);
	return 0;
}
