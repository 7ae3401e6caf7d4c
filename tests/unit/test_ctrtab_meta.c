/* test_ctrtab_meta.c - unit tests for the container table's metadata providers against the
 * runtime files in tests/data/containers/ (runc state.json + OCI bundles with containerd
 * CRI and CRI-O annotations, Podman's store trimmed from a real podman 4.3 container, Docker's
 * config.v2.json/hostconfig.json), hostile variants of them (truncated, wrong types, NUL
 * bytes, oversized, symlinks, FIFOs, ids that are not path components), image names, times,
 * and merging without growth.  test_ctrtab.c covers the table and the layers. */
#include "config.h"

#include <errno.h>
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

#include "ctrfix.h"
#include "state/ctrtab_int.h"

struct fixture {
	struct ctrfix fx;
	char runc[160], k8s[160], docker[160], podman[160];
	const char *roots[3];
	struct ctr_src src;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	ctrfix_init(&f->fx);
	ctrfix_path(&f->fx, "runc", f->runc, sizeof(f->runc));
	ctrfix_path(&f->fx, "containerd-k8s", f->k8s, sizeof(f->k8s));
	ctrfix_path(&f->fx, "docker", f->docker, sizeof(f->docker));
	ctrfix_path(&f->fx, "podman", f->podman, sizeof(f->podman));
	f->roots[0] = f->runc;
	f->roots[1] = f->k8s;
	f->src.runc_roots = f->roots;
	f->src.docker_root = f->docker;
	f->src.podman_root = f->podman;
	f->src.priv_guess = -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	ctr_jcache_clear(&f->src.podman_ctrs);
	ctr_jcache_clear(&f->src.podman_images);
	ctrfix_cleanup(&f->fx);
	free(f);
	return 0;
}

static const struct container_mount *
mount_at(const struct container *c, const char *dest)
{
	for (uint32_t i = 0; i < c->nmounts; i++)
		if (strcmp(c->mounts[i].dest, dest) == 0)
			return &c->mounts[i];
	return NULL;
}

static const char *
label(const struct container *c, const char *key)
{
	for (uint32_t i = 0; i < c->nlabels; i++)
		if (strcmp(c->labels[i].key, key) == 0)
			return c->labels[i].value;
	return NULL;
}

/* ---- the runtimes ---- */

static void
test_podman(void **state)
{
	struct fixture *f = *state;
	struct container *c = container_new(CTR_PODMAN, FIX_PODMAN);
	char merged[256];

	assert_int_equal(ctr_runc_fill(&f->src, c), 1);
	assert_true(c->meta & CTR_META_RUNC);
	assert_int_equal(c->privileged, 0);      /* io.podman.annotations.privileged=FALSE */
	assert_int_equal(f->src.priv_guess, 0);  /* masked paths, no CAP_SYS_ADMIN */
	assert_true(c->start_ns == UINT64_C(1795413797759142005));
	snprintf(merged, sizeof(merged), "%s/overlay/252cebc1b10d19ff784c49823b2ed15109f8062bb7"
	         "b164f26098ff24cb3d66f7/merged", f->podman);
	assert_string_equal(c->merged, merged);
	/* Only what the user mounted: /host/proc, not podman's hosts/hostname/shm binds. */
	assert_non_null(c->mounts);
	assert_int_equal(c->nmounts, 1);
	assert_string_equal(c->mounts[0].source, "/proc");
	assert_string_equal(c->mounts[0].dest, "/host/proc");
	assert_int_equal(c->mounts[0].rw, 0);
	assert_string_equal(c->mounts[0].propagation, "rprivate");
	assert_string_equal(c->mounts[0].mode, "ro,rbind,rprivate,nosuid,noexec,nodev");
	assert_null(c->name);                    /* runc and the spec do not know it */

	assert_int_equal(ctr_podman_fill(&f->src, c), 1);
	assert_string_equal(c->name, "shikra-ct-1");
	assert_string_equal(c->image, "localhost/shikra-busybox:test");
	assert_string_equal(c->image_repo, "localhost/shikra-busybox");
	assert_string_equal(c->image_tag, "test");
	assert_string_equal(c->image_id,
	    "2c4bb9973738acfcde9845fc7b73af0f6074e492fbba54c9282dc936d38985d2");
	assert_string_equal(c->image_digest,
	    "sha256:54b0572c895bd3d2c3489e5a2eb72bea686a962feee7efe8778bae6ef42e1ebf");
	assert_true(c->meta & CTR_META_PODMAN);
	container_unref(c);
}

static void
test_podman_without_runc(void **state)
{
	struct fixture *f = *state;
	struct container *c = container_new(CTR_PODMAN, FIX_PODMAN);

	/* crun or another runtime: the store alone, with the spec from userdata/. */
	assert_int_equal(ctr_podman_fill(&f->src, c), 1);
	assert_string_equal(c->name, "shikra-ct-1");
	assert_int_equal(c->privileged, 0);
	assert_non_null(mount_at(c, "/host/proc"));
	container_unref(c);
}

static void
test_containerd_cri(void **state)
{
	struct fixture *f = *state;
	struct container *c = container_new(CTR_CONTAINERD, FIX_CRI);

	assert_int_equal(ctr_runc_fill(&f->src, c), 1);      /* found in the second root */
	assert_string_equal(c->name, "nginx");
	assert_string_equal(c->pod_name, "web-7d4b9c-x2k4p");
	assert_string_equal(c->pod_ns, "shop");
	assert_string_equal(c->pod_uid, "5b8f0e2a-1c3d-4e5f-8a9b-0c1d2e3f4a5b");
	assert_string_equal(c->image, "docker.io/library/nginx:1.25");
	assert_string_equal(c->image_repo, "docker.io/library/nginx");
	assert_string_equal(c->image_tag, "1.25");
	assert_true(c->start_ns == UINT64_C(1714557600500000000));
	assert_int_equal(c->privileged, -1);     /* no annotation ... */
	assert_int_equal(f->src.priv_guess, 0);  /* ... and the spec says unprivileged */
	/* kubelet's files are user-visible mounts; the sandbox's hostname/resolv/shm are not. */
	assert_int_equal(c->nmounts, 3);
	assert_non_null(mount_at(c, "/etc/hosts"));
	assert_non_null(mount_at(c, "/dev/termination-log"));
	assert_int_equal(mount_at(c, "/var/run/secrets/kubernetes.io/serviceaccount")->rw, 0);
	assert_null(mount_at(c, "/dev/shm"));
	assert_null(mount_at(c, "/proc"));
	container_unref(c);
}

static void
test_crio(void **state)
{
	struct fixture *f = *state;
	struct container *c = container_new(CTR_CRIO, FIX_CRIO);

	assert_int_equal(ctr_runc_fill(&f->src, c), 1);
	assert_string_equal(c->name, "app");     /* the kubelet's name, not k8s_app_... */
	assert_string_equal(c->pod_name, "db-0");
	assert_string_equal(c->pod_ns, "data");
	assert_string_equal(c->pod_uid, "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
	assert_string_equal(c->image, "quay.io/example/db:2.1");
	assert_int_equal(c->privileged, 1);
	assert_int_equal(f->src.priv_guess, 1);
	assert_string_equal(label(c, "tier"), "backend");
	/* 08:30 at +02:00 is 06:30 UTC. */
	assert_true(c->start_ns == UINT64_C(1717309800000000001));
	assert_int_equal(c->nmounts, 1);
	assert_string_equal(c->mounts[0].propagation, "rshared");
	assert_int_equal(c->mounts[0].rw, 1);
	container_unref(c);
}

static void
test_docker(void **state)
{
	struct fixture *f = *state;
	struct container *c = container_new(CTR_DOCKER, FIX_DOCKER);
	const struct container_mount *m;

	assert_int_equal(ctr_runc_fill(&f->src, c), 0);
	assert_int_equal(ctr_docker_fill(&f->src, c), 1);
	assert_string_equal(c->name, "web");
	assert_string_equal(c->image, "nginx:1.25");
	assert_string_equal(c->image_repo, "nginx");
	assert_string_equal(c->image_tag, "1.25");
	assert_string_equal(c->image_id,
	    "92b11f67642b62bbb98e7e49169c346b30e20cd3c1c034d31087e46924b9312e");
	assert_int_equal(c->privileged, 1);
	assert_true(c->start_ns == UINT64_C(1714557600123456789));
	assert_string_equal(label(c, "com.example.team"), "shop");
	assert_int_equal(c->nmounts, 2);
	m = mount_at(c, "/cache");
	assert_non_null(m);
	assert_string_equal(m->source, "/var/lib/docker/volumes/cache/_data");
	assert_int_equal(m->rw, 0);
	assert_string_equal(m->mode, "z");
	assert_string_equal(mount_at(c, "/data")->propagation, "rprivate");
	container_unref(c);
}

static void
test_not_found(void **state)
{
	struct fixture *f = *state;
	struct container *c = container_new(CTR_DOCKER, "ffffffffffffffffffffffffffffffffffffffff"
	                                                "ffffffffffffffffffffffff");

	assert_int_equal(ctr_runc_fill(&f->src, c), 0);
	assert_int_equal(ctr_docker_fill(&f->src, c), 0);
	assert_int_equal(ctr_podman_fill(&f->src, c), 0);
	assert_null(c->name);
	assert_int_equal(c->meta, CTR_META_CGROUP);
	container_unref(c);
}

/* ---- hostile files ---- */

static void
test_state_without_bundle(void **state)
{
	struct fixture *f = *state;
	struct container *c = container_new(CTR_CRIO, "0123456789abcdef");

	/* The bundle is gone: runc's copy of the annotations in its labels still tells. */
	ctrfix_writes(&f->fx, "runc/0123456789abcdef/state.json",
	    "{\"id\":\"0123456789abcdef\",\"config\":{\"labels\":[\"bundle=/nonexistent\","
	    "\"io.kubernetes.pod.name=p\",\"io.kubernetes.cri-o.Privileged=TRUE\",\"=x\","
	    "\"noequals\",42]}}");
	assert_int_equal(ctr_runc_fill(&f->src, c), 1);
	assert_string_equal(c->pod_name, "p");
	assert_int_equal(c->privileged, 1);
	container_unref(c);
}

static void
check_rejected(struct fixture *f, const char *text, size_t len)
{
	struct container *c = container_new(CTR_DOCKER, FIX_DOCKER);
	char rel[256];

	snprintf(rel, sizeof(rel), "docker/containers/%s/config.v2.json", FIX_DOCKER);
	ctrfix_write(&f->fx, rel, text, len);
	assert_int_equal(ctr_docker_fill(&f->src, c), 0);
	assert_null(c->name);
	container_unref(c);
}

static void
test_hostile_json(void **state)
{
	struct fixture *f = *state;
	static const char nul[] = "{\"ID\":\"" FIX_DOCKER "\",\"Name\":\"/a\\u0000b\"}";
	static const char trunc[] = "{\"ID\":\"" FIX_DOCKER "\",\"Name\":\"/web\",\"Con";
	static const char rawnul[] = "{\"ID\":\"" FIX_DOCKER "\0\",\"Name\":\"/x\"}";

	check_rejected(f, trunc, sizeof(trunc) - 1);
	check_rejected(f, nul, sizeof(nul) - 1);
	check_rejected(f, "[1,2,3]", 7);
	check_rejected(f, "{\"ID\":\"another\",\"Name\":\"/x\"}", 29);
	check_rejected(f, "", 0);
	check_rejected(f, rawnul, sizeof(rawnul) - 1);
}

static void
test_wrong_types(void **state)
{
	struct fixture *f = *state;
	struct container *c = container_new(CTR_DOCKER, FIX_DOCKER);
	char rel[256];

	snprintf(rel, sizeof(rel), "docker/containers/%s/config.v2.json", FIX_DOCKER);
	ctrfix_writes(&f->fx, rel, "{\"ID\":\"" FIX_DOCKER "\",\"Name\":42,\"Config\":\"x\","
	    "\"Image\":[1],\"State\":{\"StartedAt\":7},\"MountPoints\":[{\"Source\":1}]}");
	snprintf(rel, sizeof(rel), "docker/containers/%s/hostconfig.json", FIX_DOCKER);
	ctrfix_writes(&f->fx, rel, "{\"Privileged\":\"yes\"}");
	assert_int_equal(ctr_docker_fill(&f->src, c), 1);   /* it is the container ... */
	assert_null(c->name);                               /* ... but nothing usable */
	assert_null(c->image);
	assert_null(c->image_id);
	assert_int_equal(c->privileged, -1);
	assert_int_equal(c->start_ns, 0);
	assert_null(c->mounts);
	container_unref(c);
	/* Wrong types in containers.json and a metadata string that is not JSON. */
	c = container_new(CTR_PODMAN, FIX_PODMAN);
	ctrfix_writes(&f->fx, "podman/overlay-containers/containers.json",
	    "[{\"id\":7},{\"id\":\"" FIX_PODMAN "\",\"names\":\"x\",\"image\":{},"
	    "\"metadata\":\"{not json\",\"created\":\"yesterday\"}]");
	ctrfix_writes(&f->fx, "podman/overlay-images/images.json", "{\"id\":1}");
	assert_int_equal(ctr_podman_fill(&f->src, c), 1);
	assert_null(c->name);
	assert_null(c->image);
	assert_int_equal(c->start_ns, 0);
	container_unref(c);
}

static void
test_oversized(void **state)
{
	struct fixture *f = *state;
	size_t n = CTR_FILE_MAX + 16;
	char *big = malloc(n), *out = NULL, path[512];
	size_t len;

	/* A valid document just over the bound: refused without being parsed. */
	memset(big, ' ', n);
	memcpy(big, "{\"ID\":\"" FIX_DOCKER "\",\"Name\":\"/web\"}",
	       sizeof("{\"ID\":\"" FIX_DOCKER "\",\"Name\":\"/web\"}") - 1);
	check_rejected(f, big, n);
	ctrfix_path(&f->fx, "big", path, sizeof(path));
	ctrfix_write(&f->fx, "big", big, n);
	assert_int_equal(ctr_read_file(path, CTR_FILE_MAX, &out, &len), -EFBIG);
	assert_null(out);
	assert_int_equal(ctr_read_file(path, n, &out, &len), 0);
	assert_int_equal(len, n);
	free(out);
	free(big);
	/* A huge string inside an acceptable file is not kept. */
	big = malloc(CTR_STR_MAX + 256);
	n = (size_t)snprintf(big, 256, "{\"ID\":\"%s\",\"Name\":\"/", FIX_DOCKER);
	memset(big + n, 'a', CTR_STR_MAX);
	memcpy(big + n + CTR_STR_MAX, "\"}", 2);
	struct container *c = container_new(CTR_DOCKER, FIX_DOCKER);
	char rel[256];
	snprintf(rel, sizeof(rel), "docker/containers/%s/config.v2.json", FIX_DOCKER);
	ctrfix_write(&f->fx, rel, big, n + CTR_STR_MAX + 2);
	assert_int_equal(ctr_docker_fill(&f->src, c), 1);
	assert_null(c->name);
	container_unref(c);
	free(big);
}

static void
test_not_regular(void **state)
{
	struct fixture *f = *state;
	struct container *c = container_new(CTR_CONTAINERD, "abcdef0123456789");
	char path[512], target[512];

	/* A FIFO where state.json should be is refused at once (no hang), and so is a
	 * symlink to a perfectly good state.json. */
	ctrfix_mkdir(&f->fx, "runc/abcdef0123456789");
	ctrfix_path(&f->fx, "runc/abcdef0123456789/state.json", path, sizeof(path));
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(ctr_runc_fill(&f->src, c), 0);
	unlink(path);
	snprintf(target, sizeof(target), "%s/%s/state.json", f->runc, FIX_CRIO);
	assert_int_equal(symlink(target, path), 0);
	assert_int_equal(ctr_runc_fill(&f->src, c), 0);
	container_unref(c);
}

static void
test_unsafe_ids(void **state)
{
	struct fixture *f = *state;
	static const char *const bad[] = { "..", ".", "a/b", "" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct container *c = container_new(CTR_LXC, bad[i]);

		assert_false(ctr_id_safe(bad[i]));
		assert_int_equal(ctr_runc_fill(&f->src, c), 0);
		assert_int_equal(ctr_docker_fill(&f->src, c), 0);
		assert_int_equal(ctr_podman_fill(&f->src, c), 0);
		container_unref(c);
	}
	assert_true(ctr_id_safe("my-lxc.box"));
}

/* ---- names, times, merging ---- */

static void
check_image(const char *image, const char *repo, const char *tag, const char *digest,
            const char *id)
{
	struct container *c = container_new(CTR_DOCKER, "0123456789abcdef");

	ctr_fill_image(c, image);
	if (repo)
		assert_string_equal(c->image_repo, repo);
	else
		assert_null(c->image_repo);
	if (tag)
		assert_string_equal(c->image_tag, tag);
	else
		assert_null(c->image_tag);
	if (digest)
		assert_string_equal(c->image_digest, digest);
	else
		assert_null(c->image_digest);
	if (id)
		assert_string_equal(c->image_id, id);
	else
		assert_null(c->image_id);
	container_unref(c);
}

static void
test_image_names(void **state)
{
	(void)state;
	check_image("nginx", "nginx", "latest", NULL, NULL);
	check_image("nginx:1.25", "nginx", "1.25", NULL, NULL);
	check_image("registry:5000/team/app", "registry:5000/team/app", "latest", NULL, NULL);
	check_image("registry:5000/team/app:2", "registry:5000/team/app", "2", NULL, NULL);
	check_image("quay.io/a/b:1@sha256:abcd", "quay.io/a/b", "1", "sha256:abcd", NULL);
	check_image("quay.io/a/b@sha256:abcd", "quay.io/a/b", NULL, "sha256:abcd", NULL);
	check_image("sha256:0123abcd", NULL, NULL, NULL, "0123abcd");
	check_image("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", NULL,
	            NULL, NULL, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	check_image("", NULL, NULL, NULL, NULL);
	check_image("app:", "app", NULL, NULL, NULL);
}

static void
test_times(void **state)
{
	static const char *const bad[] = {
		"0001-01-01T00:00:00Z", "2024-13-01T00:00:00Z", "2024-05-01 10:00:00Z",
		"2024-05-01T10:00:00", "2024-05-01T10:00:00.Z", "2024-05-01T10:00:00+0200",
		"2024-05-01T10:00:00Zjunk", "garbage", "", "2024-05-01T1x:00:00Z",
	};
	uint64_t t;

	(void)state;
	assert_int_equal(ctr_parse_time("1970-01-01T00:00:01Z", &t), 0);
	assert_true(t == 1000000000u);
	assert_int_equal(ctr_parse_time("2024-05-01T10:00:00.5Z", &t), 0);
	assert_true(t == UINT64_C(1714557600500000000));
	assert_int_equal(ctr_parse_time("2024-05-01T12:00:00.1234567891234-02:00", &t), 0);
	assert_true(t == UINT64_C(1714572000123456789));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(ctr_parse_time(bad[i], &t), -EINVAL);
	assert_int_equal(ctr_parse_time(NULL, &t), -EINVAL);
}

static void
test_merge(void **state)
{
	struct fixture *f = *state;
	struct container *c = container_new(CTR_CRIO, FIX_CRIO);
	struct container *s;
	size_t before;

	for (int round = 0; round < 3; round++) {
		s = container_new(CTR_CRIO, FIX_CRIO);
		s->meta = 0;
		assert_int_equal(ctr_runc_fill(&f->src, s), 1);
		if (round == 0)
			assert_true(ctr_merge(c, s));
		else
			assert_false(ctr_merge(c, s));      /* nothing new: nothing copied */
		if (round == 1)
			before = c->mem.total;
		container_unref(s);
	}
	assert_true(c->mem.total == before);
	assert_string_equal(c->name, "app");
	assert_int_equal(c->nmounts, 1);
	assert_int_equal(c->nlabels, 5);
	/* A change (a rename) is taken. */
	s = container_new(CTR_CRIO, FIX_CRIO);
	s->name = container_strdup(s, "renamed");
	s->privileged = 0;
	assert_true(ctr_merge(c, s));
	assert_string_equal(c->name, "renamed");
	assert_int_equal(c->privileged, 0);
	assert_string_equal(c->pod_name, "db-0");   /* what S did not know stays */
	container_unref(s);
	container_unref(c);
}

static void
test_label_bounds(void **state)
{
	struct container *c = container_new(CTR_DOCKER, "0123456789abcdef");
	char key[32];

	(void)state;
	for (unsigned i = 0; i < CTR_MAX_LABELS + 10; i++) {
		snprintf(key, sizeof(key), "k%u", i);
		ctr_add_label(c, false, key, "v");
	}
	ctr_add_label(c, true, "dup", "1");
	ctr_add_label(c, true, "dup", "2");
	ctr_add_label(c, true, "", "x");
	assert_int_equal(c->nlabels, CTR_MAX_LABELS);
	assert_string_equal(c->labels[200].key, "k200");
	assert_int_equal(c->npod_labels, 1);
	assert_string_equal(c->pod_labels[0].value, "1");
	container_unref(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_podman, setup, teardown),
		cmocka_unit_test_setup_teardown(test_podman_without_runc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_containerd_cri, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crio, setup, teardown),
		cmocka_unit_test_setup_teardown(test_docker, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_found, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_without_bundle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_types, setup, teardown),
		cmocka_unit_test_setup_teardown(test_oversized, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_regular, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsafe_ids, setup, teardown),
		cmocka_unit_test(test_image_names),
		cmocka_unit_test(test_times),
		cmocka_unit_test_setup_teardown(test_merge, setup, teardown),
		cmocka_unit_test(test_label_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
