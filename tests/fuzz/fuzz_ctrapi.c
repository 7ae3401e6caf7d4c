/* fuzz_ctrapi.c - fuzz ctrapi_apply() (state/ctrapi.h) with container inspect documents.
 * The input is the document as a runtime's API would send it.  The container's full id is
 * the one the seed corpus uses, so seeds reach past the "Id" check.  Whatever the input,
 * the result must respect the header's bounds (at most CTRAPI_MAX_ITEMS labels and mounts,
 * no string above CTRAPI_MAX_STR bytes, no NULL label key or value), and applying the same
 * document again must change nothing: every field the first pass set is kept. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "event/container.h"
#include "state/ctrapi.h"
#include "tests/fuzz/fuzz.h"

#define FUZZ_ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static void
check_str(const char *s)
{
	CHECK(s == NULL || strlen(s) <= CTRAPI_MAX_STR);
}

static void
check_bounds(const struct container *c)
{
	check_str(c->name);
	check_str(c->image);
	check_str(c->image_id);
	check_str(c->image_repo);
	check_str(c->image_tag);
	check_str(c->image_digest);
	CHECK(c->nlabels <= CTRAPI_MAX_ITEMS && c->nmounts <= CTRAPI_MAX_ITEMS);
	CHECK((c->labels == NULL) == (c->nlabels == 0));
	CHECK((c->mounts == NULL) == (c->nmounts == 0));
	for (uint32_t i = 0; i < c->nlabels; i++) {
		CHECK(c->labels[i].key && c->labels[i].value);
		check_str(c->labels[i].key);
		check_str(c->labels[i].value);
	}
	for (uint32_t i = 0; i < c->nmounts; i++) {
		const struct container_mount *m = &c->mounts[i];

		CHECK(m->source || m->dest);
		CHECK(m->rw >= -1 && m->rw <= 1);
		check_str(m->source);
		check_str(m->dest);
	}
	CHECK(c->privileged >= -1 && c->privileged <= 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct container *c = container_new(CTR_DOCKER, FUZZ_ID);
	struct container before;
	int rc = ctrapi_apply(c, (const char *)data, size);

	CHECK(rc == 0 || rc == -EINVAL);
	CHECK((rc == 0) == ((c->meta & CTR_META_API) != 0));
	check_bounds(c);
	before = *c;
	if (rc == 0) {
		CHECK(ctrapi_apply(c, (const char *)data, size) == 0);
		CHECK(c->name == before.name && c->image == before.image);
		CHECK(c->image_id == before.image_id && c->image_repo == before.image_repo);
		CHECK(c->image_tag == before.image_tag && c->image_digest == before.image_digest);
		CHECK(c->pod_name == before.pod_name && c->pod_uid == before.pod_uid);
		CHECK(c->labels == before.labels && c->mounts == before.mounts);
		CHECK(c->privileged == before.privileged && c->start_ns == before.start_ns);
	}
	container_unref(c);
	return 0;
}
