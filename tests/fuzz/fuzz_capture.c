/* fuzz_capture.c - fuzz the capture format (capture/capture.h, event/event_json.h).
 * The input is one capture line.  It is parsed as capture_replay() parses it (jansson with
 * JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, then event_from_json()); a rejected object must
 * give a reason.  An accepted event E1 is written back with event_to_json(), which must not
 * fail for anything the reader built.  From there the trip must be lossless: the text read
 * back gives an event E2 equal to E1 field by field, and E2 writes exactly the same text.
 * The same trip is made through the file layer: capture_write() to memory, capture_replay()
 * back, which must see exactly one good line. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture/capture.h"
#include "core/log.h"
#include "event/event_json.h"
#include "tests/fuzz/fuzz.h"

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static bool
str_eq(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

static void
check_proc(const struct proc *a, const struct proc *b)
{
	CHECK((a == NULL) == (b == NULL));
	if (a == NULL)
		return;
	CHECK(a->pid == b->pid && a->ppid == b->ppid);
	CHECK(a->uid == b->uid && a->euid == b->euid && a->suid == b->suid);
	CHECK(a->fsuid == b->fsuid && a->gid == b->gid && a->egid == b->egid);
	CHECK(a->sgid == b->sgid && a->fsgid == b->fsgid && a->auid == b->auid);
	CHECK(a->ses == b->ses && a->has_tty == b->has_tty);
	CHECK(str_eq(a->comm, b->comm) && str_eq(a->exe, b->exe));
	CHECK(str_eq(a->cwd, b->cwd) && str_eq(a->tty, b->tty));
	CHECK((a->argv == NULL) == (b->argv == NULL) && a->argc == b->argc);
	for (uint32_t i = 0; a->argv != NULL && i < a->argc; i++)
		CHECK(strcmp(a->argv[i], b->argv[i]) == 0);
	CHECK(a->start_ns == b->start_ns && a->exe_ino == b->exe_ino && a->exe_dev == b->exe_dev);
}

static void
check_path(const struct event_path *a, const struct event_path *b)
{
	CHECK(str_eq(a->path, b->path) && str_eq(a->raw, b->raw));
	CHECK(a->inode == b->inode && a->dev == b->dev && a->mode == b->mode);
	CHECK(a->ouid == b->ouid && a->ogid == b->ogid);
}

static void
check_addr(const struct event_addr *a, const struct event_addr *b)
{
	CHECK(a->family == b->family && a->port == b->port);
	CHECK(memcmp(a->ip, b->ip, sizeof(a->ip)) == 0 && str_eq(a->path, b->path));
}

static void
check_event(const struct event *a, const struct event *b)
{
	CHECK(a->type == b->type && a->source == b->source && str_eq(a->name, b->name));
	CHECK(a->ts_ns == b->ts_ns && a->serial == b->serial);
	CHECK(a->pid == b->pid && a->tid == b->tid && a->arch == b->arch);
	CHECK(a->syscall_nr == b->syscall_nr && a->success == b->success && a->res == b->res);
	CHECK(str_eq(a->key, b->key));
	check_proc(a->proc, b->proc);
	check_path(&a->file, &b->file);
	check_path(&a->file2, &b->file2);
	CHECK(a->net.domain == b->net.domain && a->net.type == b->net.type);
	CHECK(a->net.protocol == b->net.protocol && a->net.fd == b->net.fd);
	check_addr(&a->net.local, &b->net.local);
	check_addr(&a->net.remote, &b->net.remote);
	CHECK(a->nargs == b->nargs);
	for (uint32_t i = 0; i < a->nargs; i++) {
		CHECK(strcmp(a->args[i].name, b->args[i].name) == 0);
		CHECK(str_eq(a->args[i].str, b->args[i].str) && a->args[i].num == b->args[i].num);
	}
	CHECK(a->nkv == b->nkv);
	for (uint32_t i = 0; i < a->nkv; i++)
		CHECK(str_eq(a->kv[i].key, b->kv[i].key) && str_eq(a->kv[i].value, b->kv[i].value));
}

/* Parse LEN bytes of TEXT as one capture line.  0 and *OUT, or the reader's -errno. */
static int
parse(const char *text, size_t len, struct event **out)
{
	char why[EVENT_JSON_WHY_MAX] = "";
	json_error_t err;
	json_t *obj = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err);
	int rc;

	if (obj == NULL)
		return -EBADMSG;
	rc = event_from_json(obj, out, why, sizeof(why));
	json_decref(obj);
	CHECK(rc == 0 || (rc == -EINVAL && why[0] != '\0'));
	return rc;
}

/* EV as compact text; the writer must accept anything the reader built. */
static char *
dump(const struct event *ev)
{
	json_t *obj = NULL;
	char *text;

	CHECK(event_to_json(ev, &obj) == 0);
	text = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
	CHECK(text != NULL && strchr(text, '\n') == NULL);
	json_decref(obj);
	return text;
}

struct replayed {
	const struct event *want;
	int n;
};

static int
on_event(struct event *ev, void *arg)
{
	struct replayed *r = arg;

	check_event(r->want, ev);
	r->n++;
	event_free(ev);
	return 0;
}

/* capture_write() then capture_replay(): one line, one equal event. */
static void
file_trip(const struct event *ev)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct replayed r = { ev, 0 };
	struct capture_stats st;

	CHECK(fp != NULL);
	CHECK(capture_write(fp, ev) == 0);
	CHECK(fclose(fp) == 0);
	CHECK(len > 1 && buf[len - 1] == '\n' && memchr(buf, '\n', len - 1) == NULL);
	CHECK(capture_detect(buf, len));
	fp = fmemopen(buf, len, "r");
	CHECK(fp != NULL);
	CHECK(capture_replay(fp, "fuzz", NULL, 0, on_event, &r, &st) == 0);
	CHECK(r.n == 1 && st.events == 1 && st.bad_lines == 0);
	fclose(fp);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool quiet;
	struct event *e1 = NULL, *e2 = NULL;
	char *t1, *t2;

	if (!quiet) {
		log_init("fuzz_capture", LOG_LVL_ERR, false);
		quiet = true;
	}
	if (parse((const char *)data, size, &e1) != 0)
		return 0;
	t1 = dump(e1);
	CHECK(parse(t1, strlen(t1), &e2) == 0);
	check_event(e1, e2);
	t2 = dump(e2);
	CHECK(strcmp(t1, t2) == 0);
	file_trip(e2);
	free(t1);
	free(t2);
	event_free(e1);
	event_free(e2);
	return 0;
}
