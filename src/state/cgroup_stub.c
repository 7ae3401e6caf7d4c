/* cgroup_stub.c - TEMPORARY stand-in for state/cgroup.c (helper ctr-cgroup) so that the
 * container table builds before it is merged; removed when main has the real matcher.
 * Recognises only "libpod-ID", "docker-ID", "crio-ID", "cri-containerd-ID" and a bare
 * 64-hex last component. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "state/cgroup.h"

static const struct {
	const char *prefix;
	enum container_runtime rt;
} shapes[] = {
	{ "libpod-", CTR_PODMAN }, { "docker-", CTR_DOCKER }, { "crio-", CTR_CRIO },
	{ "cri-containerd-", CTR_CONTAINERD }, { "", CTR_CONTAINERD },
};

int
cgroup_match_path(const char *path, size_t len, struct cgroup_match *out)
{
	const char *last;
	size_t n;

	memset(out, 0, sizeof(*out));
	if (len == 0 || path[0] != '/' || memchr(path, 0, len))
		return -EINVAL;
	last = memrchr(path, '/', len) + 1;
	n = (size_t)(path + len - last);
	if (n > 6 && memcmp(last + n - 6, ".scope", 6) == 0)
		n -= 6;
	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		size_t pl = strlen(shapes[i].prefix);

		if (n == pl + 64 && memcmp(last, shapes[i].prefix, pl) == 0 &&
		    strspn(last + pl, "0123456789abcdef") >= 64) {
			out->runtime = shapes[i].rt;
			memcpy(out->id, last + pl, 64);
			return 1;
		}
	}
	return 0;
}

int
cgroup_match_file(const char *text, size_t len, struct cgroup_match *out)
{
	const char *s = text, *end = text + len;
	int best = -EINVAL;

	memset(out, 0, sizeof(*out));
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end;
		const char *c1 = memchr(s, ':', (size_t)(le - s));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(le - c1 - 1)) : NULL;
		struct cgroup_match m;

		s = nl ? nl + 1 : end;
		if (c2 == NULL)
			continue;
		int rc = cgroup_match_path(c2 + 1, (size_t)(le - c2 - 1), &m);
		if (rc == 1) {
			*out = m;
			return 1;
		}
		if (rc == 0)
			best = 0;
	}
	return best;
}
