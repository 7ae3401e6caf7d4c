/* fuzz_filter.c - fuzz the condition pipeline (rules/filter.h).
 * The input is split at NUL bytes: every part but the last is a definition (a part starting
 * with "L:" is list l<i> with comma-separated items, any other part is macro m<i>), the last
 * part is the condition.  Lists shells and nested and macros spawned and sh_spawned are
 * predefined.  The events are an execve, an openat, a connect and a fanotify open.  A compiled
 * filter must print a condition that compiles, without any environment, to the same text and
 * to a filter giving the same results on those events; its type set, paths and fields must
 * be callable.  Any failure must leave an error in the diags. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/sbuf.h"
#include "rules/filter.h"
#include "tests/fuzz/fuzz.h"

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)
#define NEVENTS 4

static struct event *
make_event(int k)
{
	static const char *const argv[] = { "bash", "-c", "echo hi" };
	struct proc *parent = proc_new(1), *p = proc_new(1234);
	struct event *ev;

	parent->comm = proc_strdup(parent, "sshd");
	p->comm = proc_strdup(p, "bash");
	p->exe = proc_strdup(p, "/usr/bin/bash");
	proc_set_argv(p, argv, 3);
	p->parent = parent;
	p->ppid = 1;
	p->uid = p->euid = 0;
	ev = event_new(k == 0 ? EVT_execve : k == 1 ? EVT_openat : k == 2 ? EVT_connect : EVT_open,
	               k == 3 ? EVS_FANOTIFY : EVS_AUDIT);
	ev->proc = p;
	ev->pid = ev->tid = 1234;
	ev->res = 3;
	ev->success = 1;
	if (k == 1) {
		ev->file.path = event_strdup(ev, "/etc/shadow");
		event_set_arg(ev, "flags", "O_RDONLY", 0);
	} else if (k == 3) {
		/* A fanotify open: the kernel reported a read-only open, nothing else. */
		ev->file.path = event_strdup(ev, "/etc/pass\xffwd\n");
		event_set_arg(ev, "flags", NULL, 0);
	} else if (k == 2) {
		ev->net.domain = AF_INET;
		ev->net.remote.family = AF_INET;
		ev->net.remote.port = 443;
		inet_pton(AF_INET, "192.168.1.10", ev->net.remote.ip);
	}
	return ev;
}

static void
define_list(struct filter_env *env, const char *name, char *text, struct diags *d)
{
	const char *items[64];
	size_t n = 0;
	char *save = NULL;

	for (char *t = strtok_r(text, ",", &save); t && n < 64; t = strtok_r(NULL, ",", &save))
		items[n++] = t;
	if (filter_env_add_list(env, name, items, n, NULL, d) != 0)
		CHECK(diags_has_errors(d));
}

static void
count_field(const char *name, void *arg)
{
	CHECK(name[0] != '\0');
	(*(size_t *)arg)++;
}

static void
count_path(const char *path, enum filter_path_kind kind, void *arg)
{
	CHECK(path[0] == '/' && kind <= FPATH_GLOB);
	(*(size_t *)arg)++;
}

/* Every query on F must work; return F's results on the events. */
static unsigned
exercise(const struct filter *f, struct event *const *evs)
{
	struct arena scratch = ARENA_INIT;
	struct evtset types;
	size_t nfields = 0, npaths = 0;
	bool any, unbounded;
	unsigned results = 0;

	filter_evttypes(f, &types, &any);
	CHECK(!evtset_has(&types, EVT_NONE));
	filter_fields(f, count_field, &nfields);
	filter_paths(f, FPUSE_FANOTIFY, count_path, &npaths, &unbounded);
	CHECK(!(unbounded && npaths));
	for (int k = 0; k < NEVENTS; k++) {
		bool r = filter_eval(f, evs[k], &scratch);
		/* A matching event's type must be in the type set (a fanotify open may also be
		 * matched as openat/openat2, as the ruleset's index does). */
		CHECK(!r || evtset_has(&types, evs[k]->type) ||
		      (evs[k]->source == EVS_FANOTIFY && (evtset_has(&types, EVT_openat) ||
		                                           evtset_has(&types, EVT_openat2))));
		results |= (unsigned)r << k;
		arena_free(&scratch);
	}
	return results;
}

static void
run(struct filter_env *env, const char *cond, struct event *const *evs)
{
	struct diags d = DIAGS_INIT;
	struct filter *f = NULL, *g = NULL;
	char *t1, *t2;
	int rc;

	rc = filter_compile(env, cond, NULL, 0, &f, &d);
	if (rc != 0) {
		CHECK(f == NULL && diags_has_errors(&d) && d.n > 0);
		diags_free(&d);
		return;
	}
	t1 = filter_to_string(f);
	CHECK(t1 != NULL);
	rc = filter_compile(NULL, t1, NULL, 0, &g, &d);
	CHECK(rc == 0);
	t2 = filter_to_string(g);
	CHECK(strcmp(t1, t2) == 0);
	CHECK(exercise(f, evs) == exercise(g, evs));
	free(t1);
	free(t2);
	filter_free(f);
	filter_free(g);
	diags_free(&d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const shells[] = { "bash", "sh" };
	static const char *const nested[] = { "shells", "\"x y\"", "/tmp" };
	struct event *evs[NEVENTS];
	struct filter_env *env;
	struct diags d = DIAGS_INIT;
	char *buf = malloc(size + 1), *part = buf, name[32];
	int i = 0;

	CHECK(buf != NULL);
	memcpy(buf, data, size);
	buf[size] = '\0';
	CHECK(filter_env_new(&env) == 0);
	CHECK(filter_env_add_list(env, "shells", shells, 2, NULL, &d) == 0);
	CHECK(filter_env_add_list(env, "nested", nested, 3, NULL, &d) == 0);
	CHECK(filter_env_add_macro(env, "spawned", "evt.type in (execve, execveat)", NULL, &d) == 0);
	CHECK(filter_env_add_macro(env, "sh_spawned", "spawned and proc.name in (shells)", NULL,
	                           &d) == 0);
	for (char *end; (end = memchr(part, '\0', size - (size_t)(part - buf))) != NULL &&
	                end < buf + size; part = end + 1, i++) {
		snprintf(name, sizeof(name), "%c%d", part[0] == 'L' && part[1] == ':' ? 'l' : 'm', i);
		if (name[0] == 'l')
			define_list(env, name, part + 2, &d);
		else if (filter_env_add_macro(env, name, part, NULL, &d) != 0)
			CHECK(diags_has_errors(&d));
		diags_free(&d);
	}
	for (int k = 0; k < NEVENTS; k++)
		evs[k] = make_event(k);
	run(env, part, evs);
	for (int k = 0; k < NEVENTS; k++)
		event_free(evs[k]);
	filter_env_free(env);
	free(buf);
	return 0;
}
