/* fuzz_cgroup.c - fuzz the cgroup matcher (state/cgroup.h).
 * Each input is matched as a whole /proc/PID/cgroup text and as one path.  The input is copied
 * to an exact-size buffer with no NUL after it, so a read past LEN is caught by ASan.  Every
 * answer is checked against the contract: -EINVAL, 0 or 1; a container has a runtime and a
 * non-empty, NUL-terminated id within CGROUP_ID_MAX; the host has neither; a pod uid is empty
 * or 32 (static pods) or 36 characters. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "state/cgroup.h"
#include "tests/fuzz/fuzz.h"

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static void
check_match(int rc, const struct cgroup_match *m)
{
	size_t pod = strnlen(m->pod_uid, sizeof(m->pod_uid));

	CHECK(rc == -EINVAL || rc == 0 || rc == 1);
	CHECK(pod < sizeof(m->pod_uid) && (pod == 0 || pod == 32 || pod == 36));
	if (rc == 1) {
		size_t n = strnlen(m->id, sizeof(m->id));

		CHECK(m->runtime != CTR_NONE && m->runtime < CTR__COUNT);
		CHECK(n > 0 && n <= CGROUP_ID_MAX);
	} else if (rc == 0) {
		CHECK(m->runtime == CTR_NONE && m->id[0] == '\0');
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size ? size : 1);
	struct cgroup_match m;

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	check_match(cgroup_match_file(buf, size, &m), &m);
	check_match(cgroup_match_path(buf, size, &m), &m);
	free(buf);
	return 0;
}
