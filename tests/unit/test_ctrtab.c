/* test_ctrtab.c - unit tests for state/ctrtab: placing pids through a fake /proc (cgroup and
 * mountinfo files) with the runtime files of tests/data/containers/, the watch callback,
 * retries while a new container's files are not written yet, eviction, expiry and liveness,
 * and the rootfs layers parsed from mountinfo (escapes, Podman's l/ symlinks, relative
 * layers, lowerdir+=, stacked root mounts, garbage).  Also prints the cost of one lookup. */
#include "config.h"

#include <errno.h>
#include <limits.h>
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

#include "ctrfix.h"
#include "fakeproc.h"
#include "state/ctrtab_int.h"

#define MS UINT64_C(1000000)
#define T0 (UINT64_C(1700000000) * 1000 * MS)
#define LAYER "252cebc1b10d19ff784c49823b2ed15109f8062bb7b164f26098ff24cb3d66f7"
#define IMAGE_LAYER "f466c1c99b48c49887bc648e7f3f36e2d82444ca4effb100fb7eb60cc6d75d64"
#define NEW_ID "1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcdef"

struct watched {
	int seen, gone, with_layers;
	struct container *last;
};

struct fixture {
	struct fakeproc fp;
	struct ctrfix fx;
	char runc[160], k8s[160], docker[160], podman[160];
	const char *roots[3];
	const char *no_sockets[1];
	struct ctrtab_config cfg;
	struct ctrtab *ct;
	struct watched w;
};

static void
on_watch(void *arg, struct container *c, bool gone)
{
	struct watched *w = arg;

	if (gone) {
		w->gone++;
		return;
	}
	w->seen++;
	w->with_layers += (c->meta & CTR_META_LAYERS) != 0;
	w->last = c;
}

static void
add_pid(struct fixture *f, int64_t pid, const char *cgroup)
{
	fake_add(&f->fp, &(struct fake_pid){ .pid = pid, .ppid = 1, .start_ticks = 100,
	         .cmdline = "sleep" });
	fake_write(&f->fp, pid, "cgroup", cgroup, strlen(cgroup));
}

/* A mountinfo whose root is the Podman fixture's overlay (lower layer through l/). */
static void
podman_mountinfo(struct fixture *f, int64_t pid)
{
	char text[2048];
	int n = snprintf(text, sizeof(text),
	    "73 48 0:40 / / rw,relatime - overlay overlay rw,lowerdir=%s/podman/overlay/l/"
	    "5MYM2GLRFMRG3STMZ7NH4Z7UBQ,upperdir=%s/podman/overlay/" LAYER "/diff,workdir=%s/"
	    "podman/overlay/" LAYER "/work,uuid=on\n"
	    "79 73 254:0 /run/hosts /etc/hosts rw,relatime - ext4 /dev/vda rw\n",
	    f->fx.root, f->fx.root, f->fx.root);

	fake_write(&f->fp, pid, "mountinfo", text, (size_t)n);
}

static int
setup_max(void **state, uint32_t max)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char path[512], target[512];

	fake_init(&f->fp);
	ctrfix_init(&f->fx);
	ctrfix_path(&f->fx, "runc", f->runc, sizeof(f->runc));
	ctrfix_path(&f->fx, "containerd-k8s", f->k8s, sizeof(f->k8s));
	ctrfix_path(&f->fx, "docker", f->docker, sizeof(f->docker));
	ctrfix_path(&f->fx, "podman", f->podman, sizeof(f->podman));
	ctrfix_mkdir(&f->fx, "podman/overlay/" LAYER "/diff");
	ctrfix_mkdir(&f->fx, "podman/overlay/" LAYER "/merged");
	ctrfix_mkdir(&f->fx, "podman/overlay/" IMAGE_LAYER "/diff");
	ctrfix_mkdir(&f->fx, "podman/overlay/l");
	ctrfix_path(&f->fx, "podman/overlay/l/5MYM2GLRFMRG3STMZ7NH4Z7UBQ", path, sizeof(path));
	snprintf(target, sizeof(target), "../%s/diff", IMAGE_LAYER);
	assert_int_equal(symlink(target, path), 0);
	f->roots[0] = f->runc;
	f->roots[1] = f->k8s;
	f->cfg = (struct ctrtab_config){
		.proc_root = f->fp.root, .runc_roots = f->roots, .docker_root = f->docker,
		.podman_root = f->podman, .api_sockets = f->no_sockets, .max_entries = max,
	};
	assert_int_equal(ctrtab_new(&f->cfg, &f->ct), 0);
	ctrtab_set_watch(f->ct, on_watch, &f->w);
	*state = f;
	return 0;
}

static int
setup(void **state)
{
	return setup_max(state, 0);
}

static int
setup_two(void **state)
{
	return setup_max(state, 2);
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	ctrtab_free(f->ct);
	fake_cleanup(&f->fp);
	ctrfix_cleanup(&f->fx);
	free(f);
	return 0;
}

/* ---- the table ---- */

static void
test_podman_pid(void **state)
{
	struct fixture *f = *state;
	struct container *c = NULL, *c2 = NULL;
	char want[512];

	add_pid(f, 10, "9:name=systemd:/libpod_parent/libpod-" FIX_PODMAN "\n"
	               "1:cpu:/libpod_parent/libpod-" FIX_PODMAN "\n"
	               "0::/libpod_parent/libpod-" FIX_PODMAN "\n");
	podman_mountinfo(f, 10);
	assert_int_equal(ctrtab_lookup_pid(f->ct, 10, T0, &c), 1);
	assert_non_null(c);
	assert_int_equal(c->runtime, CTR_PODMAN);
	assert_string_equal(c->id, "060ae9a03ac3");
	assert_string_equal(c->full_id, FIX_PODMAN);
	assert_string_equal(c->name, "shikra-ct-1");
	assert_string_equal(c->image, "localhost/shikra-busybox:test");
	assert_int_equal(c->privileged, 0);
	assert_true(c->meta & CTR_META_RUNC);
	assert_true(c->meta & CTR_META_PODMAN);
	assert_true(c->meta & CTR_META_LAYERS);
	snprintf(want, sizeof(want), "%s/podman/overlay/%s/diff", f->fx.root, LAYER);
	assert_string_equal(c->upperdir, want);
	assert_int_equal(c->nlower, 1);
	snprintf(want, sizeof(want), "%s/podman/overlay/%s/diff", f->fx.root, IMAGE_LAYER);
	assert_string_equal(c->lowerdirs[0], want);     /* l/5MYM... resolved */
	assert_null(c->lowerdirs[1]);
	assert_non_null(c->merged);
	assert_int_equal(f->w.seen, 1);
	assert_int_equal(f->w.with_layers, 1);
	assert_ptr_equal(f->w.last, c);
	/* Another process of the same container: the same object, no second watch call. */
	add_pid(f, 11, "0::/libpod_parent/libpod-" FIX_PODMAN "\n");
	assert_int_equal(ctrtab_lookup_pid(f->ct, 11, T0 + MS, &c2), 1);
	assert_ptr_equal(c, c2);
	assert_int_equal(f->w.seen, 1);
	assert_int_equal(ctrtab_stats(f->ct)->containers, 1);
	assert_int_equal(ctrtab_stats(f->ct)->cgroup_reads, 2);
	assert_true(c->refs == 3);                       /* the table and two lookups */
	container_unref(c2);
	container_unref(c);
}

static void
test_host_and_gone(void **state)
{
	struct fixture *f = *state;
	struct container *c = (struct container *)1;

	add_pid(f, 1, "0::/init.scope\n");
	assert_int_equal(ctrtab_lookup_pid(f->ct, 1, T0, &c), 0);
	assert_null(c);
	add_pid(f, 2, "12:memory:/user.slice/user-1000.slice/session-3.scope\n"
	              "0::/user.slice/user-1000.slice/session-3.scope\n");
	assert_int_equal(ctrtab_lookup_pid(f->ct, 2, T0, &c), 0);
	assert_int_equal(ctrtab_lookup_pid(f->ct, 99, T0, &c), -ENOENT);
	assert_null(c);
	assert_int_equal(ctrtab_lookup_pid(f->ct, -5, T0, &c), -EINVAL);
	/* Read but meaningless: not an error the caller could act on, a host process. */
	add_pid(f, 3, "garbage without colons");
	assert_int_equal(ctrtab_lookup_pid(f->ct, 3, T0, &c), 0);
	assert_int_equal(ctrtab_stats(f->ct)->containers, 0);
	assert_int_equal(f->w.seen, 0);
}

static void
test_docker_pid(void **state)
{
	struct fixture *f = *state;
	struct container *c = NULL;

	add_pid(f, 20, "0::/system.slice/docker-" FIX_DOCKER ".scope\n");
	assert_int_equal(ctrtab_lookup_pid(f->ct, 20, T0, &c), 1);
	assert_int_equal(c->runtime, CTR_DOCKER);
	assert_string_equal(c->name, "web");
	assert_int_equal(c->privileged, 1);
	assert_false(c->meta & CTR_META_LAYERS);   /* no overlay at "/" in this mountinfo */
	assert_int_equal(ctrtab_stats(f->ct)->provider_hits[2], 1);     /* CTR_META_DOCKER */
	container_unref(c);
}

/* A container seen before its runtime wrote its files (and before pivot_root). */
static void
test_late_files(void **state)
{
	struct fixture *f = *state;
	struct container *c = NULL, *c2 = NULL;
	const char *host_root = "22 1 254:0 / / rw - ext4 /dev/vda rw\n";

	add_pid(f, 30, "0::/libpod_parent/libpod-" NEW_ID "\n");
	fake_write(&f->fp, 30, "mountinfo", host_root, strlen(host_root));
	assert_int_equal(ctrtab_lookup_pid(f->ct, 30, T0, &c), 1);
	assert_null(c->name);
	assert_false(c->meta & CTR_META_LAYERS);
	assert_int_equal(f->w.seen, 1);
	assert_int_equal(f->w.with_layers, 0);
	/* Now podman has written its store and the process has pivoted. */
	ctrfix_writes(&f->fx, "podman/overlay-containers/containers.json",
	    "[{\"id\":\"" NEW_ID "\",\"names\":[\"late\"],\"metadata\":"
	    "\"{\\\"image-name\\\":\\\"localhost/late:1\\\"}\"}]");
	podman_mountinfo(f, 30);
	assert_int_equal(ctrtab_lookup_pid(f->ct, 30, T0 + 2 * MS, &c2), 1);
	assert_null(c2->name);                     /* within the 10 ms backoff */
	container_unref(c2);
	assert_int_equal(ctrtab_lookup_pid(f->ct, 30, T0 + 20 * MS, &c2), 1);
	assert_string_equal(c->name, "late");      /* the same object, filled in */
	assert_string_equal(c->image_tag, "1");
	assert_true(c->meta & CTR_META_LAYERS);
	assert_int_equal(f->w.seen, 2);            /* again, now with the layers */
	assert_int_equal(f->w.with_layers, 1);
	/* Complete: nothing more until meta_ttl. */
	assert_int_equal(ctrtab_lookup_pid(f->ct, 30, T0 + 60000 * MS, &c2), 1);
	assert_int_equal(f->w.seen, 2);
	container_unref(c2);
	container_unref(c2);
	container_unref(c);
}

static void
test_eviction(void **state)
{
	struct fixture *f = *state;
	struct container *a, *b, *c;

	add_pid(f, 10, "0::/libpod_parent/libpod-" FIX_PODMAN "\n");
	add_pid(f, 20, "0::/system.slice/docker-" FIX_DOCKER ".scope\n");
	add_pid(f, 30, "0::/libpod_parent/libpod-" NEW_ID "\n");
	assert_int_equal(ctrtab_lookup_pid(f->ct, 10, T0, &a), 1);
	assert_int_equal(ctrtab_lookup_pid(f->ct, 20, T0 + 1, &b), 1);
	assert_int_equal(ctrtab_lookup_pid(f->ct, 10, T0 + 2, &a), 1);   /* a is recent */
	container_unref(a);
	assert_int_equal(ctrtab_lookup_pid(f->ct, 30, T0 + 3, &c), 1);
	assert_int_equal(ctrtab_stats(f->ct)->containers, 2);
	assert_int_equal(ctrtab_stats(f->ct)->evicted, 1);
	assert_int_equal(f->w.gone, 1);
	/* B was evicted but the reference held here stays valid. */
	assert_string_equal(b->name, "web");
	assert_true(b->refs == 1);
	container_unref(a);
	container_unref(b);
	container_unref(c);
}

static void
test_expire(void **state)
{
	struct fixture *f = *state;
	uint64_t gone = UINT64_C(600) * 1000 * MS;
	struct container *c;

	add_pid(f, 10, "0::/libpod_parent/libpod-" FIX_PODMAN "\n");
	podman_mountinfo(f, 10);
	assert_int_equal(ctrtab_lookup_pid(f->ct, 10, T0, &c), 1);
	container_unref(c);
	ctrtab_expire(f->ct, T0 + gone / 2);
	assert_int_equal(ctrtab_stats(f->ct)->containers, 1);
	/* Not looked up for gone_ns, but its process is still there: kept. */
	ctrtab_expire(f->ct, T0 + gone + MS);
	assert_int_equal(ctrtab_stats(f->ct)->containers, 1);
	assert_int_equal(f->w.gone, 0);
	/* The process has left: dropped. */
	fake_remove(&f->fp, 10);
	ctrtab_expire(f->ct, T0 + 2 * gone + 2 * MS);
	assert_int_equal(ctrtab_stats(f->ct)->containers, 0);
	assert_int_equal(f->w.gone, 1);
}

static void
test_lookup_cost(void **state)
{
	struct fixture *f = *state;
	struct timespec a, b;
	struct container *c;
	const int n = 20000;
	double ns;

	add_pid(f, 10, "9:name=systemd:/libpod_parent/libpod-" FIX_PODMAN "\n"
	               "0::/libpod_parent/libpod-" FIX_PODMAN "\n");
	podman_mountinfo(f, 10);
	assert_int_equal(ctrtab_lookup_pid(f->ct, 10, T0, &c), 1);
	container_unref(c);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (int i = 0; i < n; i++) {
		assert_int_equal(ctrtab_lookup_pid(f->ct, 10, T0 + (uint64_t)i, &c), 1);
		container_unref(c);
	}
	clock_gettime(CLOCK_MONOTONIC, &b);
	ns = ((double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec)) / n;
	printf("# ctrtab_lookup_pid of a known container: %.0f ns per lookup\n", ns);
}

/* ---- layers ---- */

static struct container *
layers_of(const char *text, const char *podman_root, int want)
{
	struct container *c = container_new(CTR_PODMAN, "0123456789abcdef");
	struct ctr_src src = { .podman_root = podman_root };

	assert_int_equal(ctr_layers_parse(text, strlen(text), &src, c), want);
	return c;
}

static void
test_layers_escapes(void **state)
{
	struct container *c;

	(void)state;
	c = layers_of("1 0 0:50 / / rw - overlay overlay rw,lowerdir=/a\\072b:/c\\054d:/e\\040f,"
	              "upperdir=/up\\134x,workdir=/w\n", NULL, 1);
	assert_int_equal(c->nlower, 3);
	assert_string_equal(c->lowerdirs[0], "/a:b");
	assert_string_equal(c->lowerdirs[1], "/c,d");
	assert_string_equal(c->lowerdirs[2], "/e f");
	assert_string_equal(c->upperdir, "/up\\x");
	container_unref(c);
	/* Old kernels: the user's "\:" with its backslash escaped; and a raw "\:". */
	c = layers_of("1 0 0:50 / / rw - overlay overlay lowerdir=/a\\134:b:/c\\:d:/e,"
	              "upperdir=/u\n", NULL, 1);
	assert_int_equal(c->nlower, 3);
	assert_string_equal(c->lowerdirs[0], "/a:b");
	assert_string_equal(c->lowerdirs[1], "/c:d");
	assert_string_equal(c->lowerdirs[2], "/e");
	container_unref(c);
	/* One layer per option; a NUL escape never ends a string early. */
	c = layers_of("1 0 0:50 / / rw shared:5 master:2 - overlay overlay rw,lowerdir+=/l1,"
	              "lowerdir+=/l:2,datadir+=/d,upperdir=/u\\000v\n", NULL, 1);
	assert_int_equal(c->nlower, 3);
	assert_string_equal(c->lowerdirs[1], "/l:2");
	assert_string_equal(c->upperdir, "/u?v");
	container_unref(c);
}

static void
test_layers_podman(void **state)
{
	struct fixture *f = *state;
	char text[1024], want[512];
	struct container *c;

	/* Relative layers are below PODMAN_ROOT/overlay; l/ symlinks are resolved. */
	snprintf(text, sizeof(text), "1 0 0:50 / / rw - overlay overlay lowerdir=l/5MYM2GLRFMRG3"
	         "STMZ7NH4Z7UBQ:l/MISSING,upperdir=%s/podman/overlay/%s/diff,workdir=w\n",
	         f->fx.root, LAYER);
	c = layers_of(text, f->podman, 1);
	snprintf(want, sizeof(want), "%s/podman/overlay/%s/diff", f->fx.root, IMAGE_LAYER);
	assert_string_equal(c->lowerdirs[0], want);
	snprintf(want, sizeof(want), "%s/overlay/l/MISSING", f->podman);
	assert_string_equal(c->lowerdirs[1], want);     /* kept unresolved */
	snprintf(want, sizeof(want), "%s/podman/overlay/%s/merged", f->fx.root, LAYER);
	assert_string_equal(c->merged, want);           /* the sibling of diff */
	container_unref(c);
	/* Without a Podman root a relative layer cannot be placed: left out. */
	c = layers_of("1 0 0:50 / / rw - overlay overlay lowerdir=l/X:/abs,upperdir=/u\n",
	              NULL, 1);
	assert_int_equal(c->nlower, 1);
	assert_string_equal(c->lowerdirs[0], "/abs");
	container_unref(c);
}

static void
test_layers_not_overlay(void **state)
{
	struct container *c;

	(void)state;
	/* The last mount at "/" is the visible one. */
	c = layers_of("1 0 0:50 / / rw - overlay overlay lowerdir=/l,upperdir=/u\n"
	              "2 1 8:1 / / rw - ext4 /dev/sda1 rw\n", NULL, 0);
	assert_false(c->meta & CTR_META_LAYERS);
	container_unref(c);
	c = layers_of("2 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
	              "3 2 0:50 / / rw - overlay overlay lowerdir=/l,upperdir=/u\n", NULL, 1);
	assert_true(c->meta & CTR_META_LAYERS);
	container_unref(c);
	c = layers_of("3 2 0:50 / / rw - overlay overlay workdir=/w\n", NULL, 0);
	container_unref(c);
	c = layers_of("3 2 0:50 / /mnt rw - overlay overlay lowerdir=/l\n", NULL, 0);
	container_unref(c);
	c = layers_of("", NULL, -EINVAL);
	container_unref(c);
	c = layers_of("not mountinfo at all\n\n", NULL, -EINVAL);
	container_unref(c);
	c = layers_of("3 2 0:50 / / rw no separator here at all x\n", NULL, -EINVAL);
	container_unref(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_podman_pid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_and_gone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_docker_pid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_late_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eviction, setup_two, teardown),
		cmocka_unit_test_setup_teardown(test_expire, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lookup_cost, setup, teardown),
		cmocka_unit_test(test_layers_escapes),
		cmocka_unit_test_setup_teardown(test_layers_podman, setup, teardown),
		cmocka_unit_test(test_layers_not_overlay),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
