/* runctr.c - `run --container`: start podman containers (runc, cgroupfs, no network,
 * labelled shikra-test=1) whose command is this program's `run --inside`, and pass their
 * result lines through.  podman is run directly (fork + execvp), never through a shell.
 *
 * What a container holds of ours, and why: a copy of this program in a private host
 * directory, bind-mounted read-only as a directory (/shikra-gen), and a tmpfs on /tmp, where
 * the inner run keeps its private directory and the copies it runs under telling names.
 * Neither is in the container's writable layer, so only drop_and_exec, which writes its copy
 * there on purpose, runs a dropped binary ("Drop and execute new binary in container").  A
 * bind-mounted file would not do: the runtime creates its mount point as an empty file in the
 * writable layer, at the very path of the executable. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "generator/runctr.h"

#define INNER_DIR "/shikra-gen"
#define INNER_PATH INNER_DIR "/shikra-event-generator"
#define MAX_ARGS 48

/* Run podman with ARGS (after "podman --runtime ... --cgroup-manager=cgroupfs"); with OUT,
 * read its standard output line by line into OUT (each line printed as it comes). */
static int
podman(const char *const *args, char *seen, size_t seenlen)
{
	const char *argv[MAX_ARGS] = { "podman", "--runtime", "/usr/sbin/runc",
	                               "--cgroup-manager=cgroupfs" };
	size_t n = 4;
	int p[2], st;
	pid_t c;

	for (; *args && n < MAX_ARGS - 1; args++)
		argv[n++] = *args;
	argv[n] = NULL;
	if (pipe(p) < 0 || (c = fork()) < 0)
		return -errno;
	if (c == 0) {
		close(p[0]);
		dup2(p[1], STDOUT_FILENO);
		execvp("podman", (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	FILE *fp = fdopen(p[0], "r");
	char line[1024];
	while (fp && fgets(line, sizeof(line), fp)) {
		if (seen) {
			fputs(line, stdout);
			fflush(stdout);
			/* Remember "name<TAB>...ok" results as " name=ok" / " name=bad". */
			char *tab = strchr(line, '\t');
			size_t used = strlen(seen);
			if (tab && used + (size_t)(tab - line) + 8 < seenlen)
				snprintf(seen + used, seenlen - used, " %.*s=%s ", (int)(tab - line),
				         line, strstr(line, "\tok\n") || strstr(line, "\tskip: ") ?
				         "ok" : "bad");
		}
	}
	if (fp)
		fclose(fp);
	if (waitpid(c, &st, 0) < 0)
		return -errno;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static unsigned long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

/* Append the blank-separated podman flags FLAGS (copied into BUF) to ARGS at *K. */
static void
add_flags(const char **args, size_t *k, const char *flags, char *buf, size_t len)
{
	char *save = NULL;

	snprintf(buf, len, "%s", flags ? flags : "");
	for (char *f = strtok_r(buf, " ", &save); f && *k < MAX_ARGS - 8;
	     f = strtok_r(NULL, " ", &save))
		args[(*k)++] = f;
}

/* One container for the actions V[N], with this program's directory HOSTDIR; false if any
 * failed. */
static bool
one_container(struct gen_ctx *g, const char *hostdir, const struct gen_action **v, size_t n,
              const char *flags, const char *image)
{
	char mount[PATH_MAX + 64], regex[4096] = "^(", seen[8192] = "", fbuf[256];
	const char *args[MAX_ARGS];
	size_t k = 0;
	bool all = true;
	int rc;

	for (size_t i = 0; i < n; i++)
		snprintf(regex + strlen(regex), sizeof(regex) - strlen(regex), "%s%s",
		         i ? "|" : "", v[i]->name);
	strncat(regex, ")$", sizeof(regex) - strlen(regex) - 1);
	snprintf(mount, sizeof(mount), "%s:" INNER_DIR ":ro", hostdir);
	const char *fixed[] = { "run", "--rm", "--network", "none", "--ulimit",
	                        "nofile=1024:1024", "--ulimit", "nproc=1024:1024", "--label",
	                        "shikra-test=1", "-v", mount, "--tmpfs",
	                        "/tmp:rw,exec,nosuid,nodev,mode=1777" };
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		args[k++] = fixed[i];
	add_flags(args, &k, flags, fbuf, sizeof(fbuf));
	args[k++] = image ? image : g->image;
	args[k++] = INNER_PATH;
	args[k++] = "run";
	args[k++] = "--inside";
	args[k++] = regex;
	args[k] = NULL;
	rc = podman(args, seen, sizeof(seen));
	for (size_t i = 0; i < n; i++) {
		char key[128];
		snprintf(key, sizeof(key), " %s=ok ", v[i]->name);
		if (strstr(seen, key))
			continue;
		all = false;
		snprintf(key, sizeof(key), " %s=bad ", v[i]->name);
		if (strstr(seen, key))
			continue;
		unsigned long long t = now_ns();
		printf("%s\t%s\tcontainer\t0\t%llu\t%llu\terror: container failed (podman exit %d)\n",
		       v[i]->name, v[i]->rule, t, t, rc);
	}
	return all;
}

/* An own container from IMAGE, a tag of G->image made for it and removed after. */
static bool
tagged_container(struct gen_ctx *g, const char *hostdir, const struct gen_action *a)
{
	const char *tag[] = { "tag", g->image, a->ctr_image, NULL };
	const char *untag[] = { "untag", a->ctr_image, a->ctr_image, NULL };
	bool ok;

	podman(tag, NULL, 0);
	ok = one_container(g, hostdir, &a, 1, a->ctr_flags, a->ctr_image);
	podman(untag, NULL, 0);
	return ok;
}

/* A private host directory (mode 0755) holding a copy of this program: *DIR, 0 or -errno. */
static int
make_hostdir(char *dir, size_t len)
{
	char copy[PATH_MAX];
	int rc;

	snprintf(dir, len, "/var/tmp/shikra-gen-ctr.XXXXXX");
	if (mkdtemp(dir) == NULL) {
		snprintf(dir, len, "/tmp/shikra-gen-ctr.XXXXXX");
		if (mkdtemp(dir) == NULL)
			return -errno;
	}
	snprintf(copy, sizeof(copy), "%s/shikra-event-generator", dir);
	if (chmod(dir, 0755) < 0) {
		rc = -errno;
		goto fail;
	}
	if ((rc = gen_copy("/proc/self/exe", copy, 0755)) < 0)
		goto fail;
	return 0;
fail:
	unlink(copy);
	rmdir(dir);
	return rc;
}

static void
remove_hostdir(const char *dir)
{
	char copy[PATH_MAX];

	snprintf(copy, sizeof(copy), "%s/shikra-event-generator", dir);
	unlink(copy);
	rmdir(dir);
}

int
gen_run_containers(struct gen_ctx *g, const regex_t *re)
{
	const struct gen_action *plain[64];
	char dir[64];
	size_t np = 0, n = 0;
	bool ok = true;
	int rc;

	if ((rc = make_hostdir(dir, sizeof(dir))) < 0) {
		fprintf(stderr, "shikra-event-generator: cannot copy myself: %s\n", strerror(-rc));
		return 1;
	}
	for (unsigned i = 0; i < gen_nactions; i++) {
		const struct gen_action *a = &gen_actions[i];
		if (!(a->where & GEN_CONTAINER) || (re && regexec(re, a->name, 0, NULL, 0) != 0))
			continue;
		n++;
		if (a->ctr_image)
			ok = tagged_container(g, dir, a) && ok;
		else if (a->ctr_flags)
			ok = one_container(g, dir, &a, 1, a->ctr_flags, NULL) && ok;
		else if (np < sizeof(plain) / sizeof(plain[0]))
			plain[np++] = a;
	}
	if (np > 0)
		ok = one_container(g, dir, plain, np, NULL, NULL) && ok;
	remove_hostdir(dir);
	if (n == 0)
		fprintf(stderr, "shikra-event-generator: no action matches\n");
	return n > 0 && ok ? 0 : 1;
}
