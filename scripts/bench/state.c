/* state.c - the state-size benchmark: how much memory the daemon's tables take.
 * Usage: bench_state [-p PROCESSES] [-c CONTAINERS] [-r RULES]...
 * Builds what the live daemon holds: the ruleset (-r, optional), a process table seeded from
 * /proc, then PROCESSES more processes (default 10,000) that the table learns from exec
 * events as the audit source would make them (comm, exe, cwd, an argv of a dozen arguments,
 * credentials, a parent among the earlier ones, so ancestor chains are linked).  Their pids
 * lie above any real pid_max, so the table's lazy /proc reads miss at once, as they do for a
 * process that has gone.  Prints the resident size at each step and the peak:
 * "step=NAME rss_kib=N hwm_kib=N entries=N".  Then CONTAINERS containers (-c, default 100)
 * are placed through the container table: a fake proc root holds one PID/cgroup file per
 * container (Podman's cgroupfs shape), ctrtab_lookup_pid() creates each container, and the
 * metadata a runtime provider would add (name, image and its parts, six labels, three
 * mounts) is filled in, so each container costs what a described one costs in the daemon.
 * The "containers" step's entries are containers. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/diag.h"
#include "core/now.h"
#include "event/event.h"
#include "event/proc.h"
#include "rules/ruleset.h"
#include "state/ctrtab.h"
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
report(const char *step, unsigned long long entries)
{
	printf("step=%s rss_kib=%ld hwm_kib=%ld entries=%llu\n", step, status_kib("VmRSS"),
	    status_kib("VmHWM"), entries);
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

/* What a runtime provider adds to a container: a name, an image, labels and mounts. */
static void
describe(struct container *c, long i)
{
	char buf[96];

	snprintf(buf, sizeof(buf), "bench-container-%ld", i);
	c->name = container_strdup(c, buf);
	c->image = container_strdup(c, "registry.example.com:5000/team/service:1.24.3");
	c->image_repo = container_strdup(c, "registry.example.com:5000/team/service");
	c->image_tag = container_strdup(c, "1.24.3");
	c->image_id = container_strdup(c,
	    "3f1c0e0b9a8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b");
	c->labels = arena_alloc(&c->mem, 6 * sizeof(*c->labels));
	for (uint32_t k = 0; k < 6; k++) {
		snprintf(buf, sizeof(buf), "org.example.label-%u", k);
		c->labels[k].key = container_strdup(c, buf);
		c->labels[k].value = container_strdup(c, "a-typical-label-value");
	}
	c->nlabels = 6;
	c->mounts = arena_alloc(&c->mem, 3 * sizeof(*c->mounts));
	for (uint32_t k = 0; k < 3; k++) {
		snprintf(buf, sizeof(buf), "/var/lib/app/volumes/data-%ld-%u", i, k);
		c->mounts[k] = (struct container_mount){ .source = container_strdup(c, buf),
		    .dest = container_strdup(c, "/data"), .rw = 1 };
	}
	c->nmounts = 3;
	c->privileged = 0;
}

/* Write DIR/PID/cgroup naming container I. */
static int
fake_cgroup(const char *dir, long pid, long i)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%ld", dir, pid);
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return -errno;
	snprintf(path, sizeof(path), "%s/%ld/cgroup", dir, pid);
	if ((fp = fopen(path, "we")) == NULL)
		return -errno;
	fprintf(fp, "0::/libpod_parent/libpod-%064lx\n", 0xbe00000000ul + (unsigned long)i);
	return fclose(fp) == 0 ? 0 : -EIO;
}

/* Place NCTR containers' first processes; 0 or -errno. */
static int
add_containers(long nctr)
{
	static const char *const none[] = { NULL };
	char dir[] = "/tmp/bench-state-proc.XXXXXX";
	struct ctrtab_config cfg = { .proc_root = dir, .runc_roots = none,
	    .docker_root = "/nonexistent", .podman_root = "/nonexistent", .api_sockets = none };
	struct ctrtab *ct = NULL;
	int rc;

	if (mkdtemp(dir) == NULL || (rc = ctrtab_new(&cfg, &ct)) < 0)
		return -errno;
	for (long i = 0; i < nctr && rc >= 0; i++) {
		struct container *c = NULL;

		if ((rc = fake_cgroup(dir, 100 + i, i)) < 0 ||
		    (rc = ctrtab_lookup_pid(ct, 100 + i, now_wall_ns(), &c)) < 0)
			break;
		if (c != NULL)
			describe(c, i);
		container_unref(c);
	}
	report("containers", (unsigned long long)ctrtab_stats(ct)->containers);
	ctrtab_free(ct);
	for (long i = 0; i < nctr; i++) {
		char path[256];

		snprintf(path, sizeof(path), "%s/%ld/cgroup", dir, 100 + i);
		unlink(path);
		snprintf(path, sizeof(path), "%s/%ld", dir, 100 + i);
		rmdir(path);
	}
	rmdir(dir);
	return rc < 0 ? rc : 0;
}

int
main(int argc, char **argv)
{
	const char *rules[16];
	size_t nrules = 0;
	long nproc = 10000, nctr = 100;
	struct ruleset *rs = NULL;
	struct proctab *pt = NULL;
	int opt, rc;

	while ((opt = getopt(argc, argv, "p:c:r:")) != -1) {
		if (opt == 'p')
			nproc = strtol(optarg, NULL, 10);
		else if (opt == 'c')
			nctr = strtol(optarg, NULL, 10);
		else if (opt == 'r' && nrules < 16)
			rules[nrules++] = optarg;
		else {
			fprintf(stderr, "usage: bench_state [-p PROCESSES] [-c CONTAINERS] [-r RULES]...\n");
			return 2;
		}
	}
	report("start", 0);
	if (nrules > 0) {
		struct diags d = DIAGS_INIT;
		struct ruleset_opts o = { .min_priority = PRIO_DEBUG };
		rc = ruleset_load(rules, nrules, &o, &rs, &d);
		diags_free(&d);
		if (rc < 0) {
			fprintf(stderr, "bench_state: the rules do not load\n");
			return 1;
		}
		report("rules", 0);
	}
	if ((rc = proctab_new(NULL, &pt)) < 0 || (rc = proctab_seed(pt)) < 0) {
		fprintf(stderr, "bench_state: process table: %s\n", strerror(-rc));
		return 1;
	}
	report("seeded", proctab_stats(pt)->entries);
	for (long i = 0; i < nproc; i++) {
		uint64_t now = now_wall_ns();
		struct event *ev = exec_event(i, now);
		proctab_enrich(pt, ev, now);
		event_free(ev);
	}
	report("processes", proctab_stats(pt)->entries);
	/* The process table stays: the containers' memory adds to it, as in the daemon. */
	if ((rc = add_containers(nctr)) < 0) {
		fprintf(stderr, "bench_state: containers: %s\n", strerror(-rc));
		return 1;
	}
	proctab_free(pt);
	ruleset_free(rs);
	return 0;
}
