/* test_ctrapi_live.c - ask a real Docker-compatible API (podman system service) for one
 * container through ctrapi and check what ctrapi_apply() makes of the answer.  Driven by
 * tests/integration/ctrapi_podman.sh, which starts the service and the containers:
 *
 *   test_ctrapi_live SOCKETS ID CHECK...
 *
 * SOCKETS is a comma-separated list tried in order.  Each CHECK is one of name=NAME,
 * image=IMAGE, repo=REPO, tag=TAG, image_id=HEX, privileged=0|1, label=KEY=VALUE,
 * mount=DEST, started (start time within the last hour), missing (the answer must be
 * -ENOENT).  Prints one PASS/FAIL line per check; exits 0 when all pass, 1 otherwise, 2 on a
 * usage error. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "event/container.h"
#include "state/ctrapi.h"

#define MAX_SOCKS 8
#define WAIT_MS 20000

static int failed;

static void
check(bool ok, const char *what, const char *got)
{
	printf("%s: %s (got %s)\n", ok ? "PASS" : "FAIL", what, got ? got : "nothing");
	if (!ok)
		failed++;
}

static bool
eq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static void
check_label(const struct container *c, const char *arg)
{
	const char *eqs = strchr(arg, '=');
	size_t klen = eqs ? (size_t)(eqs - arg) : strlen(arg);

	for (uint32_t i = 0; i < c->nlabels; i++) {
		if (strlen(c->labels[i].key) == klen && strncmp(c->labels[i].key, arg, klen) == 0) {
			check(eqs && eq(c->labels[i].value, eqs + 1), arg, c->labels[i].value);
			return;
		}
	}
	check(false, arg, NULL);
}

static void
check_mount(const struct container *c, const char *dest)
{
	for (uint32_t i = 0; i < c->nmounts; i++) {
		if (eq(c->mounts[i].dest, dest)) {
			check(true, dest, c->mounts[i].source);
			return;
		}
	}
	check(false, dest, NULL);
}

static void
check_started(const struct container *c)
{
	char got[32];
	uint64_t now = (uint64_t)time(NULL) * 1000000000ull;

	snprintf(got, sizeof(got), "%llu", (unsigned long long)c->start_ns);
	check(c->start_ns > now - 3600 * 1000000000ull && c->start_ns < now + 60 * 1000000000ull,
	      "started within the last hour", got);
}

static void
run_check(const struct container *c, const char *arg)
{
	char buf[8];

	if (strncmp(arg, "name=", 5) == 0)
		check(eq(c->name, arg + 5), arg, c->name);
	else if (strncmp(arg, "image=", 6) == 0)
		check(eq(c->image, arg + 6), arg, c->image);
	else if (strncmp(arg, "repo=", 5) == 0)
		check(eq(c->image_repo, arg + 5), arg, c->image_repo);
	else if (strncmp(arg, "tag=", 4) == 0)
		check(eq(c->image_tag, arg + 4), arg, c->image_tag);
	else if (strncmp(arg, "image_id=", 9) == 0)
		check(eq(c->image_id, arg + 9), arg, c->image_id);
	else if (strncmp(arg, "privileged=", 11) == 0) {
		snprintf(buf, sizeof(buf), "%d", c->privileged);
		check(eq(buf, arg + 11), arg, buf);
	} else if (strncmp(arg, "label=", 6) == 0)
		check_label(c, arg + 6);
	else if (strncmp(arg, "mount=", 6) == 0)
		check_mount(c, arg + 6);
	else if (strcmp(arg, "started") == 0)
		check_started(c);
	else
		check(false, arg, "an unknown check");
}

/* Ask for ID and wait for the answer. */
static int
lookup(char *sockets, const char *id, struct ctrapi_answer *ans)
{
	const char *socks[MAX_SOCKS + 1] = { NULL };
	struct ctrapi_limits lim = { .timeout_ms = 10000 };
	struct ctrapi *a = NULL;
	struct pollfd p = { .events = POLLIN };
	size_t n = 0;
	int rc;

	for (char *s = strtok(sockets, ","); s && n < MAX_SOCKS; s = strtok(NULL, ","))
		socks[n++] = s;
	if ((rc = ctrapi_new(socks, 0, &a)) < 0)
		return rc;
	ctrapi_set_limits(a, &lim);
	rc = ctrapi_request(a, id);
	p.fd = ctrapi_fd(a);
	if (rc == 0 && poll(&p, 1, WAIT_MS) != 1)
		rc = -ETIMEDOUT;
	if (rc == 0 && ctrapi_take(a, ans) != 1)
		rc = -EIO;
	ctrapi_free(a);
	return rc;
}

int
main(int argc, char **argv)
{
	struct ctrapi_answer ans = { 0 };
	struct container *c;
	int rc;

	if (argc < 4) {
		fprintf(stderr, "usage: %s SOCKETS ID CHECK...\n", argv[0]);
		return 2;
	}
	rc = lookup(argv[1], argv[2], &ans);
	if (rc < 0) {
		printf("FAIL: lookup of %s: %s\n", argv[2], strerror(-rc));
		return 1;
	}
	if (strcmp(argv[3], "missing") == 0) {
		check(ans.err == -ENOENT, "no such container", ans.err ? strerror(-ans.err) : "0");
		ctrapi_answer_free(&ans);
		return failed ? 1 : 0;
	}
	check(ans.err == 0 && ans.json != NULL, "an inspect document",
	      ans.err ? strerror(-ans.err) : "one");
	c = container_new(CTR_PODMAN, argv[2]);
	if (ans.json) {
		rc = ctrapi_apply(c, ans.json, ans.len);
		check(rc == 0, "ctrapi_apply", rc ? strerror(-rc) : "0");
	}
	for (int i = 3; i < argc; i++)
		run_check(c, argv[i]);
	container_unref(c);
	ctrapi_answer_free(&ans);
	return failed ? 1 : 0;
}
