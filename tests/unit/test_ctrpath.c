/* test_ctrpath.c - unit tests for state/ctrpath.c: host paths in a container's layers mapped
 * to the container's view (prefix table incl. "/diff" vs "/diffX", trailing slashes, several
 * lowerdirs, merged, refused layers, hostile input), event enrichment with host_path, and
 * proc.is_exe_upper_layer against a fake upper directory (regular file, directory, symlink on
 * the way, ".." in the path, absent upper directory) and through the field extractor; not
 * from the upper layer: an exe below a mount destination of the container, an empty upper
 * file (a runtime's mount point), an exe whose inode is another file on the upper layer's
 * filesystem. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "event/event.h"
#include "rules/fields.h"
#include "state/ctrpath.h"
#include "state/ctrtab.h"

#define OVL "/var/lib/containers/storage/overlay"

static struct container *
make_ctr(const char *upper, const char *const *lower, uint32_t nlower, const char *merged)
{
	struct container *c = container_new(CTR_PODMAN, "0123456789abcdef0123456789abcdef");

	c->upperdir = container_strdup(c, upper);
	c->merged = container_strdup(c, merged);
	if (nlower) {
		c->lowerdirs = arena_alloc(&c->mem, nlower * sizeof(char *));
		for (uint32_t i = 0; i < nlower; i++)
			c->lowerdirs[i] = container_strdup(c, lower[i]);
		c->nlower = nlower;
	}
	return c;
}

static void
test_container_path_table(void **state)
{
	static const char *const lower[] = { OVL "/L1/diff", OVL "/L2/diff/", OVL "/L3/diff" };
	static const struct {
		const char *in, *want;
	} rows[] = {
		{ OVL "/U/diff/usr/x", "/usr/x" },
		{ OVL "/U/diff", "/" },
		{ OVL "/U/diff/", "/" },
		{ OVL "/U/diff//etc", "/etc" },
		{ OVL "/U/diffX/usr/x", NULL },         /* a longer name, not the layer */
		{ OVL "/U/diff2", NULL },
		{ OVL "/U/dif", NULL },
		{ OVL "/U/work/x", NULL },
		{ OVL "/L1/diff/etc/shadow", "/etc/shadow" },
		{ OVL "/L2/diff/bin/sh", "/bin/sh" },   /* a layer given with a trailing slash */
		{ OVL "/L2/diffbin/sh", NULL },
		{ OVL "/L3/diff/a b/\n", "/a b/\n" },   /* names are bytes */
		{ OVL "/L4/diff/etc", NULL },           /* another container's layer */
		{ OVL "/M/merged/tmp/dropped", "/tmp/dropped" },
		{ OVL "/M/merged", "/" },
		{ "/etc/shadow", NULL },
		{ "relative/" OVL, NULL },
		{ "", NULL },
	};
	struct container *c = make_ctr(OVL "/U/diff", lower, 3, OVL "/M/merged");
	struct arena mem = ARENA_INIT;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *got = ctrtab_container_path(c, rows[i].in, &mem);

		if (rows[i].want == NULL && got != NULL)
			fail_msg("row %zu: %s gave %s", i, rows[i].in, got);
		if (rows[i].want != NULL && (got == NULL || strcmp(got, rows[i].want) != 0))
			fail_msg("row %zu: %s gave %s, want %s", i, rows[i].in, got ? got : "NULL",
			         rows[i].want);
	}
	assert_null(ctrtab_container_path(NULL, OVL "/U/diff/x", &mem));
	assert_null(ctrtab_container_path(c, NULL, &mem));
	assert_null(ctrtab_container_path(c, OVL "/U/diff/x", NULL));
	arena_free(&mem);
	container_unref(c);
}

/* Layers that would claim every host path, or are not absolute, claim nothing. */
static void
test_container_path_refused_layers(void **state)
{
	static const char *const lower[] = { "/", "", "relative/diff", "//" };
	struct container *c = make_ctr("/", lower, 4, "");
	struct arena mem = ARENA_INIT;

	assert_null(ctrtab_container_path(c, "/etc/shadow", &mem));
	assert_null(ctrtab_container_path(c, "/", &mem));
	assert_null(ctrtab_container_path(c, "relative/diff/x", &mem));
	container_unref(c);
	/* No layers known at all. */
	c = make_ctr(NULL, NULL, 0, NULL);
	assert_null(ctrtab_container_path(c, "/etc/shadow", &mem));
	container_unref(c);
	arena_free(&mem);
}

static struct event *
file_event(struct container *c, const char *path, const char *old)
{
	struct event *ev = event_new(EVT_rename, EVS_FANOTIFY);
	struct proc *p = proc_new(4242);

	p->in_container = c ? 1 : 0;
	p->container = container_ref(c);
	ev->proc = p;
	ev->file.path = ev->file.raw = event_strdup(ev, path);
	if (old) {
		ev->file2.path = ev->file2.raw = event_strdup(ev, old);
		event_set_arg(ev, "oldpath", old, EVENT_NUM_UNSET);
		event_set_arg(ev, "newpath", path, EVENT_NUM_UNSET);
	}
	return ev;
}

static void
test_enrich(void **state)
{
	static const char *const lower[] = { OVL "/L1/diff" };
	struct container *c = make_ctr(OVL "/U/diff", lower, 1, NULL);
	struct event *ev = file_event(c, OVL "/U/diff/usr/y", OVL "/U/diff/usr/x");

	ctrpath_enrich(ev);
	assert_string_equal(ev->file.path, "/usr/y");
	assert_string_equal(ev->file.raw, "/usr/y");
	assert_string_equal(ev->file2.path, "/usr/x");
	assert_string_equal(event_get_arg(ev, "host_path")->str, OVL "/U/diff/usr/y");
	assert_string_equal(event_get_arg(ev, "host_path2")->str, OVL "/U/diff/usr/x");
	assert_string_equal(event_get_arg(ev, "oldpath")->str, "/usr/x");
	assert_string_equal(event_get_arg(ev, "newpath")->str, "/usr/y");
	/* Already in the container's view: nothing to do, and a second pass changes nothing. */
	ctrpath_enrich(ev);
	assert_string_equal(ev->file.path, "/usr/y");
	assert_string_equal(event_get_arg(ev, "host_path")->str, OVL "/U/diff/usr/y");
	event_free(ev);

	/* A path outside the container's layers (a volume) stays as it is. */
	ev = file_event(c, "/srv/volume/x", NULL);
	ctrpath_enrich(ev);
	assert_string_equal(ev->file.path, "/srv/volume/x");
	assert_null(event_get_arg(ev, "host_path"));
	event_free(ev);

	/* A host process touching a container's layer keeps the host path: it is the host's
	 * view that matters for it. */
	ev = file_event(NULL, OVL "/U/diff/usr/y", NULL);
	ctrpath_enrich(ev);
	assert_string_equal(ev->file.path, OVL "/U/diff/usr/y");
	assert_null(event_get_arg(ev, "host_path"));
	event_free(ev);
	ctrpath_enrich(NULL);
	container_unref(c);
}

/* ---- the upper layer ---- */

struct upper {
	char dir[64];
};

static void
put_file(const char *dir, const char *rel, bool exec)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	assert_non_null(f = fopen(p, "w"));
	fputs("#!/bin/sh\n", f);
	fclose(f);
	if (exec)
		chmod(p, 0755);
}

static void
mkdir_in(const char *dir, const char *rel)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	assert_int_equal(mkdir(p, 0755), 0);
}

static int
upper_setup(void **state)
{
	struct upper *u = calloc(1, sizeof(*u));
	char p[256];
	int fd;

	strcpy(u->dir, "/tmp/shikra-ctrpath.XXXXXX");
	if (u == NULL || mkdtemp(u->dir) == NULL)
		return -1;
	mkdir_in(u->dir, "tmp");
	mkdir_in(u->dir, "usr");
	mkdir_in(u->dir, "usr/bin");
	put_file(u->dir, "tmp/dropped", true);
	put_file(u->dir, "usr/bin/copied-up", true);
	/* What podman leaves for `-v /usr/bin/x:/usr/local/sbin/x`: an empty mount point. */
	mkdir_in(u->dir, "usr/local");
	mkdir_in(u->dir, "usr/local/sbin");
	snprintf(p, sizeof(p), "%s/usr/local/sbin/x", u->dir);
	if ((fd = creat(p, 0755)) < 0)
		return -1;
	close(fd);
	/* A volume's directory with a file the container wrote before the mount hid it. */
	mkdir_in(u->dir, "opt");
	mkdir_in(u->dir, "opt/tools");
	put_file(u->dir, "opt/tools/run", true);
	/* A symlink the container wrote, pointing out of the layer at a real file. */
	snprintf(p, sizeof(p), "%s/evil", u->dir);
	if (symlink("/usr", p) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/tmp/link", u->dir);
	if (symlink("dropped", p) < 0)
		return -1;
	*state = u;
	return 0;
}

static int
upper_teardown(void **state)
{
	struct upper *u = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", u->dir);
	if (system(cmd) != 0)
		return -1;
	free(u);
	return 0;
}

static void
test_upper_has(void **state)
{
	struct upper *u = *state;

	assert_int_equal(ctrpath_upper_has(u->dir, "/tmp/dropped"), 1);
	assert_int_equal(ctrpath_upper_has(u->dir, "//tmp///dropped"), 1);
	assert_int_equal(ctrpath_upper_has(u->dir, "/usr/bin/copied-up"), 1);
	assert_int_equal(ctrpath_upper_has(u->dir, "/bin/busybox"), 0);      /* lower layer */
	assert_int_equal(ctrpath_upper_has(u->dir, "/usr/bin"), 0);          /* a directory */
	assert_int_equal(ctrpath_upper_has(u->dir, "/tmp/link"), 0);         /* a symlink */
	assert_int_equal(ctrpath_upper_has(u->dir, "/evil/bin/sh"), 0);      /* out via a link */
	assert_int_equal(ctrpath_upper_has(u->dir, "/tmp/../tmp/dropped"), 0);
	assert_int_equal(ctrpath_upper_has(u->dir, "/tmp/dropped/x"), 0);    /* not a directory */
	assert_int_equal(ctrpath_upper_has(u->dir, "/"), 0);
	assert_int_equal(ctrpath_upper_has(u->dir, "tmp/dropped"), -EINVAL);
	assert_int_equal(ctrpath_upper_has(NULL, "/tmp/dropped"), -EINVAL);
	assert_int_equal(ctrpath_upper_has("/nonexistent/upper", "/tmp/dropped"), -ENOENT);
}

/* The value an exe (with inode INO on device DEV, 0 = unknown) gets, read back through the
 * rules' field. */
static const char *
upper_field_ino(struct container *c, int in_container, const char *exe, uint64_t dev,
                uint64_t ino)
{
	static char out[16];
	struct event *ev = event_new(EVT_execve, EVS_AUDIT);
	struct proc *p = proc_new(7);
	struct field_ref ref;
	struct fvalue v[2];
	struct arena scratch = ARENA_INIT;
	const char *why;
	uint32_t n;

	p->in_container = in_container;
	p->container = container_ref(c);
	p->exe = proc_strdup(p, exe);
	p->exe_dev = dev;
	p->exe_ino = ino;
	ctrpath_exe_upper(p);
	ev->proc = p;
	assert_int_equal(field_lookup("proc.is_exe_upper_layer", 23, &ref, &why), 0);
	n = field_extract(&ref, ev, &scratch, v, 2);
	snprintf(out, sizeof(out), "%s", n == 0 ? "NA" : v[0].b ? "true" : "false");
	field_ref_clear(&ref);
	arena_free(&scratch);
	event_free(ev);
	return out;
}

static const char *
upper_field(struct container *c, int in_container, const char *exe)
{
	return upper_field_ino(c, in_container, exe, 0, 0);
}

static void
test_exe_upper_layer(void **state)
{
	struct upper *u = *state;
	struct container *c = make_ctr(u->dir, NULL, 0, NULL);
	struct container *nolayers = make_ctr(NULL, NULL, 0, NULL);
	struct proc *p;

	assert_string_equal(upper_field(c, 1, "/tmp/dropped"), "true");
	assert_string_equal(upper_field(c, 1, "/usr/bin/copied-up"), "true");
	assert_string_equal(upper_field(c, 1, "/bin/sh"), "false");
	assert_string_equal(upper_field(c, 1, "/tmp/link"), "false");
	assert_string_equal(upper_field(NULL, 0, "/tmp/dropped"), "NA");      /* host */
	assert_string_equal(upper_field(nolayers, 1, "/tmp/dropped"), "NA");  /* unknown */
	assert_string_equal(upper_field(c, 1, NULL), "NA");
	/* Computed once: a set value is kept even when the file goes. */
	p = proc_new(8);
	p->in_container = 1;
	p->container = container_ref(c);
	p->exe = proc_strdup(p, "/tmp/dropped");
	p->exe_upper_layer = 0;
	ctrpath_exe_upper(p);
	assert_int_equal(p->exe_upper_layer, 0);
	proc_unref(p);
	ctrpath_exe_upper(NULL);
	container_unref(nolayers);
	container_unref(c);
}

static void
add_mount(struct container *c, const char *dest)
{
	struct container_mount *m = arena_alloc(&c->mem, (c->nmounts + 1) * sizeof(*m));

	if (c->nmounts)
		memcpy(m, c->mounts, c->nmounts * sizeof(*m));
	m[c->nmounts] = (struct container_mount){ .source = container_strdup(c, "/host/x"),
	    .dest = container_strdup(c, dest), .rw = 0 };
	c->mounts = m;
	c->nmounts++;
}

/* An upper entry under a mount is the mount point, not the exe the process runs. */
static void
test_exe_under_mount(void **state)
{
	struct upper *u = *state;
	struct container *c = make_ctr(u->dir, NULL, 0, NULL);
	struct stat st;
	char p[256];

	/* Before any metadata: the empty mount point alone says "not the exe". */
	assert_int_equal(ctrpath_upper_has(u->dir, "/usr/local/sbin/x"), 1);
	assert_string_equal(upper_field(c, 1, "/usr/local/sbin/x"), "false");
	assert_string_equal(upper_field(c, 1, "/opt/tools/run"), "true");
	/* Mounts that claim nothing: "/", empty, relative, a mere prefix of a name. */
	add_mount(c, "/");
	add_mount(c, "");
	add_mount(c, "opt/tools");
	add_mount(c, "/tm");
	add_mount(c, "/opt/tool");
	assert_string_equal(upper_field(c, 1, "/tmp/dropped"), "true");
	assert_string_equal(upper_field(c, 1, "/opt/tools/run"), "true");
	/* A directory volume (trailing slash ignored): what is below it is not upper. */
	add_mount(c, "/opt/tools//");
	assert_string_equal(upper_field(c, 1, "/opt/tools/run"), "false");
	/* A file bind mount, exactly at the exe. */
	add_mount(c, "/usr/bin/copied-up");
	assert_string_equal(upper_field(c, 1, "/usr/bin/copied-up"), "false");
	assert_string_equal(upper_field(c, 1, "/tmp/dropped"), "true");
	container_unref(c);
	/* The exe's inode: another file on the upper layer's own filesystem is not this one;
	 * the same inode is; an inode on another device (the overlay's) says nothing. */
	c = make_ctr(u->dir, NULL, 0, NULL);
	snprintf(p, sizeof(p), "%s/tmp/dropped", u->dir);
	assert_int_equal(stat(p, &st), 0);
	assert_string_equal(upper_field_ino(c, 1, "/tmp/dropped", st.st_dev, st.st_ino + 1),
	                    "false");
	assert_string_equal(upper_field_ino(c, 1, "/tmp/dropped", st.st_dev, st.st_ino), "true");
	assert_string_equal(upper_field_ino(c, 1, "/tmp/dropped", st.st_dev + 1, st.st_ino + 1),
	                    "true");
	assert_string_equal(upper_field_ino(c, 1, "/tmp/dropped", st.st_dev, 0), "true");
	/* Not in the upper layer at all: the inode is not even looked at. */
	assert_string_equal(upper_field_ino(c, 1, "/bin/sh", st.st_dev, st.st_ino), "false");
	container_unref(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_container_path_table),
		cmocka_unit_test(test_container_path_refused_layers),
		cmocka_unit_test(test_enrich),
		cmocka_unit_test_setup_teardown(test_upper_has, upper_setup, upper_teardown),
		cmocka_unit_test_setup_teardown(test_exe_upper_layer, upper_setup, upper_teardown),
		cmocka_unit_test_setup_teardown(test_exe_under_mount, upper_setup, upper_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
