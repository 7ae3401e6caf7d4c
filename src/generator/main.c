/* main.c - shikra-event-generator's command line.
 *
 *   shikra-event-generator list
 *       one line per action: ACTION <TAB> RULE <TAB> WHERE (host, container or both)
 *   shikra-event-generator run [--container] [--image IMG] [REGEX]
 *       run each action whose name matches the POSIX extended REGEX (all without one) and
 *       that applies to the place, one at a time; one line per action:
 *       ACTION <TAB> RULE <TAB> WHERE <TAB> PID <TAB> START_NS <TAB> END_NS <TAB> ok
 *       (or "error: reason", or "skip: reason" when the attack cannot exist on this
 *       machine).  START/END are CLOCK_REALTIME nanoseconds around the action.
 *       PID made the triggering syscall: a host pid, or with --container INNERPID@CTRID,
 *       the pid inside the container's pid namespace and the container's short id (its
 *       host name), since a container cannot see its host pids.  Exit 0 when every
 *       action ran or was skipped, 1 otherwise.
 *
 * --container runs the container actions in podman containers of IMG (default
 * localhost/shikra-busybox:test) with this program bind-mounted; the container side is
 * `run --inside`.  A copy of this program started with SHIKRA_GEN_HELPER set is a helper
 * (util.c). */
#include "config.h"

#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "generator/gen.h"
#include "generator/runctr.h"

static const char *
where_name(enum gen_where w)
{
	return w == GEN_BOTH ? "both" : w == GEN_HOST ? "host" : "container";
}

static unsigned long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

static int
usage(void)
{
	fprintf(stderr, "usage: shikra-event-generator list\n"
	        "       shikra-event-generator run [--container] [--image IMG] [REGEX]\n");
	return 2;
}

/* Run one action here and print its line; true if it ran. */
static bool
run_one(struct gen_ctx *g, const struct gen_action *a)
{
	char why[160] = "", host[64] = "", pidtxt[96];
	pid_t pid = 0;
	unsigned long long t0 = now_ns(), t1;
	int rc = a->run(g, &pid, why, sizeof(why));

	t1 = now_ns();
	if (g->inside && gethostname(host, sizeof(host) - 1) == 0)
		snprintf(pidtxt, sizeof(pidtxt), "%ld@%s", (long)pid, host);
	else
		snprintf(pidtxt, sizeof(pidtxt), "%ld", (long)pid);
	if (rc < 0 && why[0] == '\0')
		snprintf(why, sizeof(why), "%s", strerror(-rc));
	printf("%s\t%s\t%s\t%s\t%llu\t%llu\t%s%s\n", a->name, a->rule, where_name(a->where),
	       pidtxt, t0, t1, rc < 0 ? "error: " : rc == GEN_SKIP ? "skip: " : "ok",
	       rc != 0 ? why : "");
	fflush(stdout);
	return rc >= 0;
}

static int
cmd_run_here(struct gen_ctx *g, const regex_t *re)
{
	enum gen_where here = g->inside ? GEN_CONTAINER : GEN_HOST;
	int rc, n = 0, bad = 0;

	if ((rc = gen_setup(g)) < 0) {
		fprintf(stderr, "shikra-event-generator: cannot set up %s: %s\n", g->dir,
		        strerror(-rc));
		gen_cleanup(g);
		return 1;
	}
	for (unsigned i = 0; i < gen_nactions; i++) {
		const struct gen_action *a = &gen_actions[i];
		if (!(a->where & here) || (re && regexec(re, a->name, 0, NULL, 0) != 0))
			continue;
		n++;
		bad += !run_one(g, a);
	}
	gen_cleanup(g);
	if (n == 0)
		fprintf(stderr, "shikra-event-generator: no action matches\n");
	return n > 0 && bad == 0 ? 0 : 1;
}

static int
cmd_list(void)
{
	for (unsigned i = 0; i < gen_nactions; i++)
		printf("%s\t%s\t%s\n", gen_actions[i].name, gen_actions[i].rule,
		       where_name(gen_actions[i].where));
	return 0;
}

int
main(int argc, char **argv)
{
	struct gen_ctx g = { .image = "localhost/shikra-busybox:test", .argv0 = argv[0] };
	const char *helper = getenv(GEN_HELPER_ENV), *pattern = NULL;
	bool container = false;
	regex_t re;
	int i, rc;

	if (helper != NULL)
		return gen_helper(helper, argc, argv);
	if (argc == 2 && strcmp(argv[1], "list") == 0)
		return cmd_list();
	if (argc < 2 || strcmp(argv[1], "run") != 0)
		return usage();
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--container") == 0)
			container = true;
		else if (strcmp(argv[i], "--inside") == 0)
			g.inside = true;
		else if (strcmp(argv[i], "--image") == 0 && i + 1 < argc)
			g.image = argv[++i];
		else if (argv[i][0] == '-' || pattern != NULL)
			return usage();
		else
			pattern = argv[i];
	}
	if (pattern && regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0) {
		fprintf(stderr, "shikra-event-generator: bad regular expression: %s\n", pattern);
		return 2;
	}
	rc = container ? gen_run_containers(&g, pattern ? &re : NULL)
	               : cmd_run_here(&g, pattern ? &re : NULL);
	if (pattern)
		regfree(&re);
	return rc;
}
