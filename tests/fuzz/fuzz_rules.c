/* fuzz_rules.c - fuzz the rule loader end to end (rules/ruleset.h and everything under it:
 * yamldoc, loader, filter pipeline, templates).
 * The input is a rule file.  It is written to a memfd and loaded by path with ruleset_load(),
 * as shikra loads a file.  A failed load must explain itself in the diags.  A loaded ruleset
 * must list itself (-L text and JSON), report its event types and paths, and match a few
 * hand-built events (execve, connect, openat and a fanotify open) whose strings hold control
 * characters and invalid UTF-8; each alert's output is rendered as text, which must be one
 * line of printable bytes, and as JSON fields, which jansson must be able to print.  Every
 * alert also goes through outputs_alert() in Falco's JSON form to a second memfd, whose
 * lines must each parse as one JSON object with a string "output". */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/sbuf.h"
#include "output/output.h"
#include "rules/ruleset.h"
#include "tests/fuzz/fuzz.h"

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)
#define NEVENTS 4

static struct proc *
make_proc(void)
{
	static const char *const argv[] = { "bash", "-c", "echo \x1b[2J\nforged line", "\xff\xfe" };
	struct proc *parent = proc_new(1), *p = proc_new(4242);

	parent->comm = proc_strdup(parent, "sshd");
	parent->exe = proc_strdup(parent, "/usr/sbin/sshd");
	p->comm = proc_strdup(p, "bash");
	p->exe = proc_strdup(p, "/usr/bin/bash");
	p->cwd = proc_strdup(p, "/tmp/caf\xe9\n");
	p->tty = proc_strdup(p, "pts0");
	p->has_tty = 1;
	proc_set_argv(p, argv, 4);
	p->parent = parent;
	p->ppid = 1;
	p->uid = p->euid = 0;
	p->auid = 1000;
	return p;
}

/* 0 execve, 1 connect, 2 openat, 3 fanotify open. */
static struct event *
make_event(int k)
{
	static const enum event_type types[NEVENTS] = { EVT_execve, EVT_connect, EVT_openat,
	                                                EVT_open };
	struct event *ev = event_new(types[k], k == 3 ? EVS_FANOTIFY : EVS_AUDIT);

	ev->proc = make_proc();
	ev->pid = ev->tid = 4242;
	ev->ts_ns = UINT64_C(1767323045123456789);
	ev->success = 1;
	ev->res = k == 1 ? -115 : 3;
	if (k == 0) {
		ev->file.path = event_strdup(ev, "/usr/bin/bash");
	} else if (k == 1) {
		ev->net.domain = AF_INET;
		ev->net.type = 1;
		ev->net.fd = 3;
		ev->net.remote.family = AF_INET;
		ev->net.remote.port = 4444;
		inet_pton(AF_INET, "10.1.2.3", ev->net.remote.ip);
	} else {
		ev->file.path = event_strdup(ev, k == 2 ? "/etc/shadow" : "/etc/\x7fpass\xc3wd");
		ev->file.mode = 0100640;
		event_set_arg(ev, "flags", k == 2 ? "O_RDWR|O_CREAT" : NULL, k == 2 ? 66 : 0);
	}
	return ev;
}

static void
check_line(const struct sbuf *b)
{
	for (size_t i = 0; i < b->len; i++)
		CHECK((unsigned char)b->buf[i] >= 0x20 && b->buf[i] != 0x7f);
}

struct sinkfile {
	int fd;
	char path[64];
	struct outputs *out;
};

/* A JSON alert sink writing to a memfd, opened once. */
static struct sinkfile *
sinkfile(void)
{
	static struct sinkfile sf = { .fd = -1 };

	if (sf.fd >= 0)
		return &sf;
	sf.fd = memfd_create("fuzz_rules.alerts", MFD_CLOEXEC);
	CHECK(sf.fd >= 0);
	snprintf(sf.path, sizeof(sf.path), "/proc/self/fd/%d", sf.fd);
	struct output_config cfg = {
		.json_output = true, .json_include_output_property = true,
		.json_include_tags_property = true, .hostname = "fuzz", .file_enabled = true,
		.file_name = sf.path, .file_keep_alive = true,
		/* Every alert must arrive: wait for room rather than drop. */
		.queue_block = true,
	};
	CHECK(outputs_new(&cfg, &sf.out) == 0);
	return &sf;
}

/* Every line the sink got since the counter stood at BEFORE is one JSON alert; then empty
 * the file for the next input. */
static void
check_alerts(struct sinkfile *sf, uint64_t before)
{
	struct output_stats st;
	off_t len;
	char *buf;
	size_t lines = 0;

	/* The sink writes on its own thread: wait for it before reading the file. */
	CHECK(outputs_flush(sf->out, -1) == 0);
	outputs_stats(sf->out, NULL, &st);
	len = lseek(sf->fd, 0, SEEK_END);
	buf = malloc((size_t)len + 1);

	CHECK(len >= 0 && buf != NULL);
	CHECK(pread(sf->fd, buf, (size_t)len, 0) == (ssize_t)len);
	for (char *p = buf, *nl; p < buf + len; p = nl + 1, lines++) {
		json_error_t err;
		nl = memchr(p, '\n', (size_t)(buf + len - p));
		CHECK(nl != NULL);
		json_t *j = json_loadb(p, (size_t)(nl - p), 0, &err);
		CHECK(j != NULL && json_is_string(json_object_get(j, "output")));
		CHECK(json_is_integer(json_object_get(json_object_get(j, "output_fields"),
		                                      "evt.time")));
		json_decref(j);
	}
	CHECK(lines == st.alerts - before);
	CHECK(st.write_errors == 0 && st.dropped == 0);
	free(buf);
	CHECK(ftruncate(sf->fd, 0) == 0);
}

static void
on_match(const struct rule *r, const struct event *ev, void *arg)
{
	struct arena *scratch = arg;
	struct sbuf text = SBUF_INIT;
	json_t *fields = json_object();
	char *s;

	CHECK(r->any_type || evtset_has(&r->evttypes, ev->type) || ev->source == EVS_FANOTIFY);
	template_render(r->output, ev, scratch, &text);
	check_line(&text);
	template_fields_json(r->output, ev, scratch, fields);
	s = json_dumps(fields, JSON_COMPACT | JSON_ENSURE_ASCII);
	CHECK(s != NULL);
	free(s);
	json_decref(fields);
	sbuf_free(&text);
	outputs_alert(sinkfile()->out, r, ev, scratch);
}

static void
count_name(const char *name, void *arg)
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

static void
check_listing(const struct ruleset *rs)
{
	FILE *null = fopen("/dev/null", "w");
	json_t *list = ruleset_list_json(rs);
	char *s = json_dumps(list, JSON_COMPACT);
	struct evtset types;
	size_t n = 0;
	bool any, unbounded;

	CHECK(null != NULL && s != NULL);
	CHECK(json_array_size(list) == ruleset_count(rs));
	ruleset_list_text(rs, null);
	fclose(null);
	free(s);
	json_decref(list);
	ruleset_evttypes(rs, &types, &any);
	ruleset_paths(rs, FPUSE_FANOTIFY, count_path, &n, &unbounded);
	for (size_t i = 0; i < ruleset_count(rs); i++) {
		const struct rule *r = ruleset_rule(rs, i);
		char *cond = filter_to_string(r->filter);

		CHECK(r->name != NULL && r->output != NULL && cond != NULL);
		CHECK(r->priority <= PRIO_DEBUG);
		free(cond);
		template_fields(r->output, count_name, &n);
		filter_fields(r->filter, count_name, &n);
	}
	CHECK(ruleset_rule(rs, ruleset_count(rs)) == NULL);
}

static void
check_matching(const struct ruleset *rs)
{
	struct arena scratch = ARENA_INIT;
	struct output_stats st;
	uint64_t before;

	outputs_stats(sinkfile()->out, NULL, &st);
	before = st.alerts;

	for (int k = 0; k < NEVENTS; k++) {
		struct event *ev = make_event(k);
		ruleset_match(rs, ev, &scratch, on_match, &scratch);
		arena_free(&scratch);
		event_free(ev);
	}
	check_alerts(sinkfile(), before);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	struct diags d = DIAGS_INIT;
	struct ruleset *rs = NULL;
	const char *paths[1] = { path };
	int rc;

	if (fd < 0) {
		fd = memfd_create("fuzz_rules.yaml", MFD_CLOEXEC);
		CHECK(fd >= 0);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	CHECK(ftruncate(fd, 0) == 0);
	CHECK(pwrite(fd, data, size, 0) == (ssize_t)size);
	rc = ruleset_load(paths, 1, NULL, &rs, &d);
	if (rc != 0) {
		CHECK(rs == NULL && rc < 0);
		CHECK(rc != -EINVAL || diags_has_errors(&d));
	} else {
		CHECK(rs != NULL && !diags_has_errors(&d));
		check_listing(rs);
		check_matching(rs);
	}
	ruleset_free(rs);
	diags_free(&d);
	return 0;
}
