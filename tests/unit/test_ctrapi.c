/* test_ctrapi.c - unit tests for ctrapi_apply(): inspect documents from Docker and Podman,
 * the image-name split, RFC 3339 start times, local fields kept, and hostile documents
 * (truncated, wrong types, NUL bytes, huge arrays, deep nesting).  The worker thread has its
 * own tests (test_ctrapi_worker.c). */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/sbuf.h"
#include "event/container.h"
#include "state/ctrapi.h"
#include "ctrapi_docs.h"

#define S(x) ((uint64_t)(x) * 1000000000ull)
#define TID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static int
apply_str(struct container *c, const char *doc)
{
	return ctrapi_apply(c, doc, strlen(doc));
}

static const char *
label(const struct container *c, const char *key)
{
	for (uint32_t i = 0; i < c->nlabels; i++) {
		if (strcmp(c->labels[i].key, key) == 0)
			return c->labels[i].value;
	}
	return NULL;
}

static void
test_docker_document(void **state)
{
	struct container *c = container_new(CTR_DOCKER, DOCKER_ID);

	assert_int_equal(apply_str(c, DOC_DOCKER), 0);
	assert_string_equal(c->name, "k8s_web_web-7d4b9c-xk2p1_shop_0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b_0");
	assert_string_equal(c->image, "registry.example.com:5000/team/nginx:1.25");
	assert_string_equal(c->image_repo, "registry.example.com:5000/team/nginx");
	assert_string_equal(c->image_tag, "1.25");
	assert_null(c->image_digest);
	assert_string_equal(c->image_id,
	                    "ddcca4b8a6f0367b5de2764dfe76b0a4bfa6d75237932185923705da47004347");
	assert_string_equal(c->pod_name, "web-7d4b9c-xk2p1");
	assert_string_equal(c->pod_ns, "shop");
	assert_string_equal(c->pod_uid, "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b");
	assert_int_equal(c->privileged, 1);
	assert_int_equal(c->start_ns, S(1714558830) + 123456789);
	assert_int_equal(c->nlabels, 7);
	assert_string_equal(c->labels[0].key, "annotation.io.kubernetes.container.restartCount");
	assert_string_equal(label(c, "io.kubernetes.sandbox.id"), "0123abcd");
	assert_int_equal(c->nmounts, 2);
	assert_string_equal(c->mounts[0].source, "/srv/www");
	assert_string_equal(c->mounts[0].dest, "/usr/share/nginx/html");
	assert_string_equal(c->mounts[0].mode, "ro");
	assert_string_equal(c->mounts[0].propagation, "rprivate");
	assert_int_equal(c->mounts[0].rw, 0);
	assert_string_equal(c->mounts[1].source, "/var/lib/docker/volumes/cache/_data");
	assert_string_equal(c->mounts[1].mode, "z");
	assert_null(c->mounts[1].propagation);
	assert_int_equal(c->mounts[1].rw, 1);
	assert_int_equal(c->meta, CTR_META_CGROUP | CTR_META_API);
	/* The container's own id is not the document's to change. */
	assert_string_equal(c->id, "8d3f7b5c1a2e");
	container_unref(c);
}

static void
test_podman_document(void **state)
{
	struct container *c = container_new(CTR_PODMAN, PODMAN_ID);

	assert_int_equal(apply_str(c, DOC_PODMAN), 0);
	assert_string_equal(c->name, "shikra-api-capture");
	assert_string_equal(c->image, "localhost/shikra-busybox:test");
	assert_string_equal(c->image_repo, "localhost/shikra-busybox");
	assert_string_equal(c->image_tag, "test");
	assert_string_equal(c->image_id,
	                    "2c4bb9973738acfcde9845fc7b73af0f6074e492fbba54c9282dc936d38985d2");
	assert_null(c->pod_name);
	assert_null(c->pod_ns);
	assert_null(c->pod_uid);
	assert_int_equal(c->privileged, 0);
	assert_int_equal(c->start_ns, S(1795414018) + 264975786);
	assert_int_equal(c->nlabels, 2);
	assert_string_equal(label(c, "app"), "web");
	assert_string_equal(label(c, "shikra-test"), "1");
	assert_int_equal(c->nmounts, 1);
	assert_string_equal(c->mounts[0].source, "/tmp");
	assert_string_equal(c->mounts[0].dest, "/hosttmp");
	assert_null(c->mounts[0].mode);         /* "" is no mode */
	assert_int_equal(c->mounts[0].rw, 0);
	assert_true(c->meta & CTR_META_API);
	container_unref(c);
}

/* What a local provider (runc, Docker's files, Podman's store) filled in stays. */
static void
test_local_fields_kept(void **state)
{
	struct container *c = container_new(CTR_DOCKER, DOCKER_ID);
	struct container_kv *kv = arena_zalloc(&c->mem, sizeof(*kv));
	struct container_mount *m = arena_zalloc(&c->mem, sizeof(*m));

	c->name = container_strdup(c, "local-name");
	c->image = container_strdup(c, "quay.io/org/app@sha256:feed");
	c->privileged = 0;
	c->start_ns = 5;
	kv->key = container_strdup(c, "from");
	kv->value = container_strdup(c, "runc");
	c->labels = kv;
	c->nlabels = 1;
	m->dest = container_strdup(c, "/local");
	m->rw = -1;
	c->mounts = m;
	c->nmounts = 1;
	c->meta |= CTR_META_RUNC;
	assert_int_equal(apply_str(c, DOC_DOCKER), 0);
	assert_string_equal(c->name, "local-name");
	assert_string_equal(c->image, "quay.io/org/app@sha256:feed");
	/* Missing parts come from the image the container has, not the document's. */
	assert_string_equal(c->image_repo, "quay.io/org/app");
	assert_null(c->image_tag);
	assert_string_equal(c->image_digest, "sha256:feed");
	assert_int_equal(c->privileged, 0);
	assert_int_equal(c->start_ns, 5);
	assert_int_equal(c->nlabels, 1);
	assert_string_equal(c->labels[0].value, "runc");
	assert_int_equal(c->nmounts, 1);
	assert_string_equal(c->mounts[0].dest, "/local");
	/* Pod fields were still unknown, so the labels in the document fill them. */
	assert_string_equal(c->pod_ns, "shop");
	assert_int_equal(c->meta, CTR_META_CGROUP | CTR_META_RUNC | CTR_META_API);
	container_unref(c);
}

static const struct split_row {
	const char *image, *repo, *tag, *digest;
} split_rows[] = {
	{ "nginx", "nginx", "latest", NULL },
	{ "nginx:1.25", "nginx", "1.25", NULL },
	{ "docker.io/library/nginx:1.25-alpine", "docker.io/library/nginx", "1.25-alpine", NULL },
	{ "registry:5000/ns/img:tag", "registry:5000/ns/img", "tag", NULL },
	{ "registry:5000/ns/img", "registry:5000/ns/img", "latest", NULL },
	{ "localhost:5000/img", "localhost:5000/img", "latest", NULL },
	{ "localhost/shikra-busybox:test", "localhost/shikra-busybox", "test", NULL },
	{ "img@sha256:0123abcd", "img", NULL, "sha256:0123abcd" },
	{ "reg.io:443/a/b:1.0@sha256:0123abcd", "reg.io:443/a/b", "1.0", "sha256:0123abcd" },
	{ "[::1]:5000/img:2", "[::1]:5000/img", "2", NULL },
	{ "img:", "img", NULL, NULL },
	{ "img@", "img", NULL, NULL },
	/* Run by image id: nothing to split. */
	{ "sha256:ddcca4b8a6f0367b5de2764dfe76b0a4bfa6d75237932185923705da47004347", NULL, NULL, NULL },
	{ "ddcca4b8a6f0", NULL, NULL, NULL },
	{ "ddcca4", NULL, NULL, NULL },
	/* Hex, but not this image's id: a repository name. */
	{ "deadbeef", "deadbeef", "latest", NULL },
	{ "", NULL, NULL, NULL },
};

static void
test_image_split_table(void **state)
{
	for (size_t i = 0; i < sizeof(split_rows) / sizeof(split_rows[0]); i++) {
		const struct split_row *r = &split_rows[i];
		struct container *c = container_new(CTR_DOCKER, TID);
		struct sbuf doc = SBUF_INIT;

		sbuf_printf(&doc, "{\"Id\":\"%s\",\"Image\":\"sha256:ddcca4b8a6f0367b5de2764dfe76b0a4"
		            "bfa6d75237932185923705da47004347\",\"Config\":{\"Image\":\"%s\"}}",
		            TID, r->image);
		assert_int_equal(apply_str(c, sbuf_str(&doc)), 0);
		if (r->image[0])
			assert_string_equal(c->image, r->image);
		else
			assert_null(c->image);
#define CHECK(field, want) do { \
		if (want) { \
			if (c->field == NULL || strcmp(c->field, want) != 0) \
				fail_msg("%s: " #field " '%s', want '%s'", r->image, \
				         c->field ? c->field : "(null)", want); \
		} else if (c->field) { \
			fail_msg("%s: " #field " '%s', want none", r->image, c->field); \
		} \
	} while (0)
		CHECK(image_repo, r->repo);
		CHECK(image_tag, r->tag);
		CHECK(image_digest, r->digest);
#undef CHECK
		sbuf_free(&doc);
		container_unref(c);
	}
}

static const struct time_row {
	const char *started, *created;
	uint64_t ns;
} time_rows[] = {
	{ "2024-05-01T10:20:30Z", NULL, S(1714558830) },
	{ "2024-05-01t10:20:30z", NULL, S(1714558830) },
	{ "2024-05-01T12:20:30.5+02:00", NULL, S(1714558830) + 500000000 },
	{ "2024-05-01T05:20:30.123-05:00", NULL, S(1714558830) + 123000000 },
	{ "2024-02-29T23:59:59.9999999999Z", NULL, S(1709251199) + 999999999 },
	{ "1970-01-01T00:00:01Z", NULL, S(1) },
	/* Never started: fall back to the creation time. */
	{ "0001-01-01T00:00:00Z", "2000-03-01T00:00:00Z", S(951868800) },
	{ NULL, "2000-03-01T00:00:00.000000001Z", S(951868800) + 1 },
	/* Not RFC 3339: unknown. */
	{ "2024-13-01T00:00:00Z", NULL, 0 },
	{ "2024-05-32T00:00:00Z", NULL, 0 },
	{ "2024-05-01T24:00:00Z", NULL, 0 },
	{ "2024-05-01T10:20:30", NULL, 0 },
	{ "2024-05-01T10:20:30.Z", NULL, 0 },
	{ "2024-05-01T10:20:30Zjunk", NULL, 0 },
	{ "2024-05-01T10:20:30+2:00", NULL, 0 },
	{ "2024-05-01T10:20:30+02:0a", NULL, 0 },
	{ "+024-05-01T10:20:30Z", NULL, 0 },
	{ " 2024-05-01T10:20:30Z", NULL, 0 },
	{ "2024-05-01X10:20:30Z", NULL, 0 },
	{ "1969-12-31T23:59:59Z", NULL, 0 },
	{ "1970-01-01T00:00:00Z", NULL, 0 },
	{ "9999-12-31T23:59:59Z", NULL, 0 },      /* beyond 64-bit ns */
	{ "", "", 0 },
};

static void
test_start_times(void **state)
{
	for (size_t i = 0; i < sizeof(time_rows) / sizeof(time_rows[0]); i++) {
		const struct time_row *r = &time_rows[i];
		struct container *c = container_new(CTR_DOCKER, TID);
		struct sbuf doc = SBUF_INIT;

		sbuf_printf(&doc, "{\"Id\":\"%s\"", TID);
		if (r->started)
			sbuf_printf(&doc, ",\"State\":{\"StartedAt\":\"%s\"}", r->started);
		if (r->created)
			sbuf_printf(&doc, ",\"Created\":\"%s\"", r->created);
		sbuf_puts(&doc, "}");
		assert_int_equal(apply_str(c, sbuf_str(&doc)), 0);
		if (c->start_ns != r->ns)
			fail_msg("%s / %s: %llu, want %llu", r->started ? r->started : "-",
			         r->created ? r->created : "-", (unsigned long long)c->start_ns,
			         (unsigned long long)r->ns);
		sbuf_free(&doc);
		container_unref(c);
	}
}

/* Every proper prefix of a real document, and the document with garbage after it, is
 * refused and changes nothing. */
static void
test_truncated_and_trailing(void **state)
{
	size_t len = strlen(DOC_PODMAN);
	struct sbuf doc = SBUF_INIT;

	for (size_t n = 0; n < len; n++) {
		struct container *c = container_new(CTR_PODMAN, PODMAN_ID);

		assert_int_equal(ctrapi_apply(c, DOC_PODMAN, n), -EINVAL);
		assert_null(c->name);
		assert_int_equal(c->meta, CTR_META_CGROUP);
		container_unref(c);
	}
	sbuf_printf(&doc, "%s{}", DOC_PODMAN);
	struct container *c = container_new(CTR_PODMAN, PODMAN_ID);
	assert_int_equal(apply_str(c, sbuf_str(&doc)), -EINVAL);
	/* The length given is what counts, not a NUL. */
	assert_int_equal(ctrapi_apply(c, DOC_PODMAN, len + 1), -EINVAL);
	container_unref(c);
	sbuf_free(&doc);
}

static void
test_not_inspect_objects(void **state)
{
	static const char *const docs[] = {
		"", " ", "{", "}", "[]", "null", "true", "42", "\"" TID "\"",
		"{}", "{\"Id\":5}", "{\"Id\":null}", "{\"Id\":[\"" TID "\"]}",
		"{\"Id\":\"\"}", "{\"Id\":\"0123456789ab\"}",           /* shorter than ours */
		"{\"Id\":\"1123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"}",
		"{\"Id\":\"" TID "\",}", "{'Id':'" TID "'}", "{\"Id\":\"" TID "\"",
		"\xef\xbb\xbf{\"Id\":\"" TID "\"}",
	};

	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		struct container *c = container_new(CTR_DOCKER, TID);

		if (apply_str(c, docs[i]) != -EINVAL)
			fail_msg("accepted: %s", docs[i]);
		assert_int_equal(c->meta, CTR_META_CGROUP);
		container_unref(c);
	}
	/* A longer Id is fine (the container was known by a prefix); bytes after the
	 * document's end are not. */
	struct container *c = container_new(CTR_DOCKER, "0123456789abcdef");
	assert_int_equal(apply_str(c, "{\"Id\":\"" TID "\"}"), 0);
	assert_int_equal(ctrapi_apply(c, "{\"Id\":\"" TID "\"}\0x", sizeof(TID) + 10), -EINVAL);
	container_unref(c);
}

/* Wrong JSON types anywhere are ignored field by field. */
static void
test_wrong_types(void **state)
{
	static const char doc[] =
		"{\"Id\":\"" TID "\",\"Name\":5,\"Image\":{\"a\":1},"
		"\"State\":\"running\",\"Created\":17,"
		"\"HostConfig\":{\"Privileged\":\"true\"},"
		"\"Config\":{\"Image\":[\"nginx\"],\"Labels\":{\"n\":1,\"o\":{},\"a\":[\"x\"],"
		"\"z\":null,\"t\":true,\"ok\":\"yes\",\"\":\"empty key\"}},"
		"\"Mounts\":[1,\"x\",null,[],{},{\"Source\":7,\"Destination\":false},"
		"{\"Source\":\"/s\",\"Destination\":\"/d\",\"RW\":\"yes\",\"Mode\":5,"
		"\"Propagation\":[]}]}";
	struct container *c = container_new(CTR_DOCKER, TID);

	assert_int_equal(apply_str(c, doc), 0);
	assert_null(c->name);
	assert_null(c->image);
	assert_null(c->image_id);
	assert_null(c->image_repo);
	assert_int_equal(c->start_ns, 0);
	assert_int_equal(c->privileged, -1);
	assert_int_equal(c->nlabels, 1);
	assert_string_equal(c->labels[0].key, "ok");
	assert_int_equal(c->nmounts, 1);
	assert_string_equal(c->mounts[0].source, "/s");
	assert_null(c->mounts[0].mode);
	assert_null(c->mounts[0].propagation);
	assert_int_equal(c->mounts[0].rw, -1);
	container_unref(c);

	c = container_new(CTR_DOCKER, TID);
	assert_int_equal(apply_str(c, "{\"Id\":\"" TID "\",\"Config\":[],\"HostConfig\":null,"
	                              "\"Mounts\":{\"Source\":\"/x\"}}"), 0);
	assert_null(c->labels);
	assert_null(c->mounts);
	assert_int_equal(c->privileged, -1);
	assert_true(c->meta & CTR_META_API);
	container_unref(c);
}

/* \u0000 inside a string must not cut a value short into something else. */
static void
test_nul_bytes(void **state)
{
	static const char doc[] =
		"{\"Id\":\"" TID "\",\"Name\":\"/evil\\u0000name\","
		"\"Image\":\"sha256:ab\\u0000cdef0123456789\","
		"\"Config\":{\"Image\":\"nginx\\u0000:evil\",\"Labels\":{"
		"\"io.kubernetes.pod.name\":\"pod\\u0000x\",\"good\":\"1\"}},"
		"\"Mounts\":[{\"Source\":\"/a\\u0000b\",\"Destination\":\"/d\"}]}";
	/* jansson refuses a NUL in a key outright, so the whole document goes. */
	static const char key_doc[] =
		"{\"Id\":\"" TID "\",\"Name\":\"/n\",\"Config\":{\"Labels\":{"
		"\"io.kubernetes.pod.namespace\\u0000x\":\"forged\"}}}";
	struct container *c = container_new(CTR_DOCKER, TID);

	assert_int_equal(apply_str(c, key_doc), -EINVAL);
	assert_null(c->name);
	assert_null(c->pod_ns);

	assert_int_equal(apply_str(c, doc), 0);
	assert_null(c->name);
	assert_null(c->image);
	assert_null(c->image_id);
	assert_null(c->pod_name);
	assert_null(c->pod_ns);
	assert_string_equal(label(c, "good"), "1");
	assert_null(label(c, "io.kubernetes.pod.name"));
	assert_int_equal(c->nlabels, 1);
	assert_int_equal(c->nmounts, 1);
	assert_null(c->mounts[0].source);
	assert_string_equal(c->mounts[0].dest, "/d");
	container_unref(c);
}

static void
test_bounds(void **state)
{
	struct sbuf doc = SBUF_INIT;
	struct container *c = container_new(CTR_DOCKER, TID);
	char *big = malloc(CTRAPI_MAX_STR + 2);

	memset(big, 'a', CTRAPI_MAX_STR + 1);
	big[CTRAPI_MAX_STR + 1] = '\0';
	sbuf_printf(&doc, "{\"Id\":\"%s\",\"Name\":\"%s\",\"Config\":{\"Labels\":{", TID, big);
	for (int i = 0; i < 1000; i++)
		sbuf_printf(&doc, "%s\"k%d\":\"v%d\"", i ? "," : "", i, i);
	sbuf_printf(&doc, ",\"long\":\"%s\"}},\"Mounts\":[", big);
	for (int i = 0; i < 1000; i++)
		sbuf_printf(&doc, "%s{\"Destination\":\"/m%d\",\"RW\":true}", i ? "," : "", i);
	sbuf_puts(&doc, "]}");
	assert_int_equal(apply_str(c, sbuf_str(&doc)), 0);
	assert_null(c->name);                   /* one byte too long */
	assert_int_equal(c->nlabels, CTRAPI_MAX_ITEMS);
	assert_string_equal(c->labels[CTRAPI_MAX_ITEMS - 1].key, "k255");
	assert_int_equal(c->nmounts, CTRAPI_MAX_ITEMS);
	assert_string_equal(c->mounts[CTRAPI_MAX_ITEMS - 1].dest, "/m255");
	container_unref(c);

	/* Exactly CTRAPI_MAX_STR bytes is still a string. */
	big[CTRAPI_MAX_STR] = '\0';
	sbuf_reset(&doc);
	sbuf_printf(&doc, "{\"Id\":\"%s\",\"Name\":\"%s\"}", TID, big);
	c = container_new(CTR_DOCKER, TID);
	assert_int_equal(apply_str(c, sbuf_str(&doc)), 0);
	assert_non_null(c->name);
	assert_int_equal(strlen(c->name), CTRAPI_MAX_STR);
	container_unref(c);
	free(big);
	sbuf_free(&doc);
}

static void
test_deep_nesting(void **state)
{
	struct sbuf doc = SBUF_INIT;
	struct container *c = container_new(CTR_DOCKER, TID);
	int depth = 100000;

	sbuf_printf(&doc, "{\"Id\":\"%s\",\"Config\":{\"Labels\":", TID);
	for (int i = 0; i < depth; i++)
		sbuf_puts(&doc, "[{\"a\":");
	sbuf_puts(&doc, "1");
	for (int i = 0; i < depth; i++)
		sbuf_puts(&doc, "}]");
	sbuf_puts(&doc, "}}");
	/* jansson refuses nesting past its depth limit; it must not recurse to a crash. */
	assert_int_equal(apply_str(c, sbuf_str(&doc)), -EINVAL);
	assert_null(c->labels);
	container_unref(c);
	sbuf_free(&doc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docker_document),
		cmocka_unit_test(test_podman_document),
		cmocka_unit_test(test_local_fields_kept),
		cmocka_unit_test(test_image_split_table),
		cmocka_unit_test(test_start_times),
		cmocka_unit_test(test_truncated_and_trailing),
		cmocka_unit_test(test_not_inspect_objects),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_deep_nesting),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
