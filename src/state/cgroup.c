/* cgroup.c - which container a cgroup path names (see cgroup.h).
 * Owns the table of path shapes and the walk over a path's components; owns no I/O and no
 * container objects (the container table reads /proc and makes those).
 *
 * A path is read one component at a time, outermost first.  Each component is tried against
 * the shapes below, in table order; a shape says where the component may sit (anywhere, right
 * below a named component, below a pod, below an ECS task, second below a containerd
 * namespace), the literal text around the id inside the component, and how the id is spelled
 * (alphabet and length).  The first container shape that matches ends the walk: what lies
 * below it (Docker-in-Docker, Podman's "container" subgroup, systemd inside the container)
 * belongs to that container.  Pods and ECS tasks are remembered and the walk goes on.
 * Helpers of the runtimes (conmon, LXC's monitor, nspawn's supervisor) end the walk as host.
 *
 * The ids are checked strictly: a hex id of the wrong length or with an uppercase letter is not
 * an id, so "libpod-conmon-ID.scope" can never be read as a libpod container with the id
 * "conmon-ID" whatever the table order.
 *
 * Known ambiguity: a bare 64-hex id below a cgroupfs pod ("/kubepods/QOS/podUID/ID") is written
 * the same way by containerd and by Docker (dockershim, cri-dockerd).  We say containerd, which
 * every current Kubernetes distribution defaults to; the runtime's metadata can correct it. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/strnum.h"
#include "state/cgroup.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define HEX64 64u
#define UNIT_ESC_MAX (4u * CGROUP_ID_MAX)   /* systemd writes a byte as "\xNN" at worst */
#define NS_MAX 76u                          /* containerd's limit on a namespace name */
#define CONTROLLERS_MAX 1024u               /* "cpu,cpuacct", "name=systemd": short */

/* What a component that matches a shape means. */
enum cg_role {
	CG_NONE = 0,    /* no shape matched (never in the table) */
	CG_CONTAINER,   /* names a container: the walk ends with it */
	CG_POD,         /* a Kubernetes pod: its uid is kept, the walk goes on */
	CG_TASK,        /* an ECS task: its containers are the next component */
	CG_GROUP,       /* a runtime's grouping level that is not a container */
	CG_HOST,        /* a runtime's own helper (conmon, monitor): the walk ends, host */
};

/* Where the component must sit. */
enum cg_after {
	AFTER_ANY = 0,     /* anywhere */
	AFTER_PARENT,      /* right below a component spelled exactly .parent */
	AFTER_POD,         /* right below a pod component */
	AFTER_TASK,        /* right below an ECS task component */
	AFTER_NAMESPACE,   /* the second component, below a containerd namespace name */
};

/* How the id is spelled. */
enum cg_alpha {
	AL_ANY = 0,   /* anything at all (helpers' shapes) */
	AL_HEX,       /* lowercase hex digits */
	AL_UUID,      /* 32 lowercase hex, or 8-4-4-4-12 joined by '-' or '_'; kept with '-' */
	AL_FARGATE,   /* 32 lowercase hex, '-', decimal digits (Fargate 1.4+) */
	AL_GARDEN,    /* 8-4-4-4-4 or 8-4-4-4-12 lowercase hex joined by '-' */
	AL_NAME,      /* printable ASCII without '/' (LXC), not "." or ".." */
	AL_UNIT,      /* an AL_NAME as systemd escapes it in a unit name ("\x2d" for '-') */
};

struct cg_shape {
	enum container_runtime runtime;
	enum cg_role role;
	enum cg_after after;
	const char *parent;        /* AFTER_PARENT: the component right above */
	const char *prefix;        /* text before the id in the component ("" none) */
	const char *suffix;        /* text after the id ("" none) */
	const char *infix;         /* or: "SLICE<infix>ID", SLICE read as a pod slice */
	enum cg_alpha alpha;
	size_t min_len, max_len;   /* of the id as written in the path */
	const char *host_child;    /* a component right below that is the runtime's, not ours */
};

#define ID_HEX64 .alpha = AL_HEX, .min_len = HEX64, .max_len = HEX64
#define ID_UUID  .alpha = AL_UUID, .min_len = 32, .max_len = 36
#define ID_NAME  .alpha = AL_NAME, .min_len = 1, .max_len = CGROUP_ID_MAX
#define ID_UNIT  .alpha = AL_UNIT, .min_len = 1, .max_len = UNIT_ESC_MAX
#define ID_FARGATE .alpha = AL_FARGATE, .min_len = 34, .max_len = 53
#define ID_REST  .alpha = AL_ANY, .min_len = 0, .max_len = PATH_MAX

static const struct cg_shape cg_shapes[] = {
	/* Helpers first: conmon (Podman, CRI-O), LXC/Incus monitors, libvirt's QEMU machines
	 * (registered with machined like nspawn containers, but a VM's processes are host). */
	{ .runtime = CTR_PODMAN, .role = CG_HOST, .prefix = "libpod-conmon-", ID_REST },
	{ .runtime = CTR_PODMAN, .role = CG_HOST, .after = AFTER_PARENT,
	  .parent = "libpod_parent", .prefix = "conmon", .alpha = AL_ANY },
	{ .runtime = CTR_CRIO, .role = CG_HOST, .prefix = "crio-conmon-", ID_REST },
	{ .runtime = CTR_LXC, .role = CG_HOST, .prefix = "lxc.monitor", ID_REST },
	{ .runtime = CTR_NSPAWN, .role = CG_HOST, .prefix = "machine-qemu\\x2d", ID_REST },
	/* Docker: systemd driver, cgroupfs driver ("/docker/ID"). */
	{ .runtime = CTR_DOCKER, .role = CG_CONTAINER, .prefix = "docker-", .suffix = ".scope",
	  ID_HEX64 },
	{ .runtime = CTR_DOCKER, .role = CG_CONTAINER, .after = AFTER_PARENT, .parent = "docker",
	  ID_HEX64 },
	/* containerd CRI: systemd driver, and the driver's "slice:prefix:id" cgroupsPath taken
	 * literally when runc runs with cgroupfs. */
	{ .runtime = CTR_CONTAINERD, .role = CG_CONTAINER, .prefix = "cri-containerd-",
	  .suffix = ".scope", ID_HEX64 },
	{ .runtime = CTR_CONTAINERD, .role = CG_CONTAINER, .infix = ":cri-containerd:",
	  ID_HEX64 },
	/* CRI-O: systemd driver, cgroupfs driver, and its own "slice:crio:id" form. */
	{ .runtime = CTR_CRIO, .role = CG_CONTAINER, .prefix = "crio-", .suffix = ".scope",
	  ID_HEX64 },
	{ .runtime = CTR_CRIO, .role = CG_CONTAINER, .prefix = "crio-", ID_HEX64 },
	{ .runtime = CTR_CRIO, .role = CG_CONTAINER, .infix = ":crio:", ID_HEX64 },
	/* Podman: systemd (also rootless, and "libpod-ID.scope/container" in split mode),
	 * --cgroups=split inside a unit ("libpod-payload-ID"), cgroupfs ("/libpod_parent/
	 * libpod-ID"); a pod's cgroup below libpod_parent is a level, not a container. */
	{ .runtime = CTR_PODMAN, .role = CG_CONTAINER, .prefix = "libpod-", .suffix = ".scope",
	  ID_HEX64 },
	{ .runtime = CTR_PODMAN, .role = CG_CONTAINER, .prefix = "libpod-payload-", ID_HEX64 },
	{ .runtime = CTR_PODMAN, .role = CG_CONTAINER, .prefix = "libpod-", ID_HEX64 },
	{ .runtime = CTR_PODMAN, .role = CG_GROUP, .after = AFTER_PARENT,
	  .parent = "libpod_parent", ID_HEX64 },
	/* nerdctl with systemd (its cgroupfs form is the namespace shape at the end). */
	{ .runtime = CTR_CONTAINERD, .role = CG_CONTAINER, .prefix = "nerdctl-",
	  .suffix = ".scope", ID_HEX64 },
	/* LXC 3 ("/lxc/NAME"), LXC 4+ and Incus ("/lxc.payload.NAME", "/lxc.payload/NAME"). */
	{ .runtime = CTR_LXC, .role = CG_CONTAINER, .after = AFTER_PARENT, .parent = "lxc",
	  ID_NAME },
	{ .runtime = CTR_LXC, .role = CG_CONTAINER, .prefix = "lxc.payload.", ID_NAME },
	{ .runtime = CTR_LXC, .role = CG_CONTAINER, .after = AFTER_PARENT,
	  .parent = "lxc.payload", ID_NAME },
	/* systemd-nspawn as a unit, and machined's scope; nspawn itself runs in "supervisor"
	 * next to the container's "payload" when it keeps its unit. */
	{ .runtime = CTR_NSPAWN, .role = CG_CONTAINER, .prefix = "systemd-nspawn@",
	  .suffix = ".service", ID_UNIT, .host_child = "supervisor" },
	{ .runtime = CTR_NSPAWN, .role = CG_CONTAINER, .prefix = "machine-", .suffix = ".scope",
	  ID_UNIT, .host_child = "supervisor" },
	/* ECS: "/ecs/TASK/ID" on EC2 and Fargate < 1.4; Fargate 1.4+ names containers
	 * "TASK-DIGITS", with or without the task level above. */
	{ .runtime = CTR_ECS, .role = CG_CONTAINER, .after = AFTER_PARENT, .parent = "ecs",
	  ID_FARGATE },
	{ .runtime = CTR_ECS, .role = CG_TASK, .after = AFTER_PARENT, .parent = "ecs",
	  ID_UUID },
	{ .runtime = CTR_ECS, .role = CG_CONTAINER, .after = AFTER_TASK, ID_HEX64 },
	{ .runtime = CTR_ECS, .role = CG_CONTAINER, .after = AFTER_TASK, ID_FARGATE },
	/* Garden (Cloud Foundry): the container handle, a Diego instance guid. */
	{ .runtime = CTR_GARDEN, .role = CG_CONTAINER, .after = AFTER_PARENT,
	  .parent = "garden", .alpha = AL_GARDEN, .min_len = 28, .max_len = 36 },
	/* Kubernetes pods: systemd driver (uid with '_'), cgroupfs driver (uid with '-'); static
	 * pods have a 32-hex uid.  A bare id below a cgroupfs pod: see the top of the file. */
	{ .role = CG_POD, .prefix = "kubepods-burstable-pod", .suffix = ".slice", ID_UUID },
	{ .role = CG_POD, .prefix = "kubepods-besteffort-pod", .suffix = ".slice", ID_UUID },
	{ .role = CG_POD, .prefix = "kubepods-pod", .suffix = ".slice", ID_UUID },
	{ .role = CG_POD, .prefix = "pod", ID_UUID },
	{ .runtime = CTR_CONTAINERD, .role = CG_CONTAINER, .after = AFTER_POD, ID_HEX64 },
	/* containerd namespaces with cgroupfs (ctr, nerdctl): "/NAMESPACE/ID". */
	{ .runtime = CTR_CONTAINERD, .role = CG_CONTAINER, .after = AFTER_NAMESPACE, ID_HEX64 },
};
_Static_assert(NELEM(cg_shapes) == 33, "cgroup shape table changed: update the tests");

struct cg_span {
	const char *p;
	size_t n;
};

/* Where the walk is: the component above the current one and what it was. */
struct cg_walk {
	struct cg_span prev;
	enum cg_role prev_role;
	unsigned index;            /* of the current component, after leading "/.." */
};

/* What a matching shape yields: the id (or pod uid) and, for "SLICE:cri-containerd:ID",
 * the pod uid read from SLICE. */
struct cg_found {
	char val[CGROUP_ID_MAX + 1];
	char pod[sizeof(((struct cgroup_match *)0)->pod_uid)];
};

static bool
span_is(struct cg_span s, const char *lit)
{
	size_t n = strlen(lit);

	return s.n == n && memcmp(s.p, lit, n) == 0;
}

static bool
low_hex(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return false;
	return true;
}

/* S is groups of lowercase hex of the lengths in GROUPS, joined by SEP. */
static bool
hex_groups(struct cg_span s, const unsigned char *groups, size_t ngroups, char sep)
{
	size_t at = 0;

	for (size_t g = 0; g < ngroups; g++) {
		if (g > 0) {
			if (at >= s.n || s.p[at] != sep)
				return false;
			at++;
		}
		if (s.n - at < groups[g] || !low_hex(s.p + at, groups[g]))
			return false;
		at += groups[g];
	}
	return at == s.n;
}

static const unsigned char uuid_groups[] = { 8, 4, 4, 4, 12 };
static const unsigned char guid28_groups[] = { 8, 4, 4, 4, 4 };

/* A pod or task uid: 32 hex as is, or a dashed/underscored UUID written back with dashes. */
static bool
uuid_take(struct cg_span s, char *val)
{
	char sep = s.n == 36 ? s.p[8] : 0;

	if (s.n == 32 && low_hex(s.p, s.n)) {
		memcpy(val, s.p, s.n);
		val[s.n] = '\0';
		return true;
	}
	if ((sep != '-' && sep != '_') || !hex_groups(s, uuid_groups, NELEM(uuid_groups), sep))
		return false;
	for (size_t i = 0; i < s.n; i++)
		val[i] = s.p[i] == sep ? '-' : s.p[i];
	val[s.n] = '\0';
	return true;
}

static bool
fargate_ok(struct cg_span s)
{
	if (s.n < 34 || !low_hex(s.p, 32) || s.p[32] != '-')
		return false;
	for (size_t i = 33; i < s.n; i++)
		if (s.p[i] < '0' || s.p[i] > '9')
			return false;
	return true;
}

static bool
garden_ok(struct cg_span s)
{
	return hex_groups(s, guid28_groups, NELEM(guid28_groups), '-') ||
	       hex_groups(s, uuid_groups, NELEM(uuid_groups), '-');
}

static bool
name_ok(struct cg_span s)
{
	if (s.n == 0 || s.n > CGROUP_ID_MAX || span_is(s, ".") || span_is(s, ".."))
		return false;
	for (size_t i = 0; i < s.n; i++)
		if (s.p[i] < 0x21 || s.p[i] > 0x7e || s.p[i] == '/')
			return false;
	return true;
}

/* Undo systemd's unit-name escaping ("\xNN" for a byte) into VAL, then check the name. */
static bool
unit_take(struct cg_span s, char *val)
{
	size_t n = 0;

	for (size_t i = 0; i < s.n; n++) {
		int hi, lo;

		if (n == CGROUP_ID_MAX)
			return false;
		if (s.p[i] != '\\') {
			val[n] = s.p[i++];
			continue;
		}
		if (s.n - i < 4 || s.p[i + 1] != 'x')
			return false;
		hi = strnum_xdigit(s.p[i + 2]);
		lo = strnum_xdigit(s.p[i + 3]);
		if (hi < 0 || lo < 0)
			return false;
		val[n] = (char)(hi << 4 | lo);
		i += 4;
	}
	val[n] = '\0';
	return name_ok((struct cg_span){ val, n });
}

/* Check ID against shape S's alphabet and lengths; its canonical form goes to VAL. */
static bool
id_take(const struct cg_shape *s, struct cg_span id, char *val)
{
	bool ok = false;

	if (id.n < s->min_len || id.n > s->max_len)
		return false;
	switch (s->alpha) {
	case AL_ANY: val[0] = '\0'; return true;
	case AL_UUID: return uuid_take(id, val);
	case AL_UNIT: return unit_take(id, val);
	case AL_HEX: ok = low_hex(id.p, id.n); break;
	case AL_FARGATE: ok = fargate_ok(id); break;
	case AL_GARDEN: ok = garden_ok(id); break;
	case AL_NAME: ok = name_ok(id); break;
	}
	if (!ok || id.n > CGROUP_ID_MAX)
		return false;
	memcpy(val, id.p, id.n);
	val[id.n] = '\0';
	return true;
}

/* A containerd namespace name: letters and digits in runs joined by single '.', '_', '-'. */
static bool
namespace_ok(struct cg_span s)
{
	bool sep_ok = false;

	if (s.n == 0 || s.n > NS_MAX)
		return false;
	for (size_t i = 0; i < s.n; i++) {
		char c = s.p[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');

		if (!alnum && (!sep_ok || (c != '.' && c != '_' && c != '-')))
			return false;
		sep_ok = alnum;
	}
	return sep_ok;
}

static bool
after_ok(const struct cg_shape *s, const struct cg_walk *w)
{
	switch (s->after) {
	case AFTER_ANY: return true;
	case AFTER_PARENT: return w->prev.p != NULL && span_is(w->prev, s->parent);
	case AFTER_POD: return w->prev_role == CG_POD;
	case AFTER_TASK: return w->prev_role == CG_TASK;
	case AFTER_NAMESPACE: return w->index == 1 && namespace_ok(w->prev);
	}
	return false;
}

static const struct cg_shape *cg_find(struct cg_span c, const struct cg_walk *w,
                                      struct cg_found *f, bool pods_only);

/* "SLICE<infix>ID" in one component: ID is the container, SLICE may be a pod's slice. */
static bool
infix_match(const struct cg_shape *s, struct cg_span c, struct cg_found *f)
{
	size_t k = strlen(s->infix);
	const char *at = memmem(c.p, c.n, s->infix, k);
	struct cg_span slice, id;
	struct cg_walk none = { .prev_role = CG_NONE };
	struct cg_found pod;

	if (at == NULL || at == c.p)
		return false;
	slice = (struct cg_span){ c.p, (size_t)(at - c.p) };
	id = (struct cg_span){ at + k, c.n - slice.n - k };
	if (!id_take(s, id, f->val))
		return false;
	if (cg_find(slice, &none, &pod, true) != NULL)
		memcpy(f->pod, pod.val, sizeof(f->pod));
	return true;
}

static bool
shape_match(const struct cg_shape *s, struct cg_span c, const struct cg_walk *w,
            struct cg_found *f)
{
	size_t pre = strlen(s->prefix ? s->prefix : "");
	size_t suf = strlen(s->suffix ? s->suffix : "");

	if (!after_ok(s, w))
		return false;
	if (s->infix != NULL)
		return infix_match(s, c, f);
	if (c.n < pre + suf || (pre > 0 && memcmp(c.p, s->prefix, pre) != 0) ||
	    (suf > 0 && memcmp(c.p + c.n - suf, s->suffix, suf) != 0))
		return false;
	return id_take(s, (struct cg_span){ c.p + pre, c.n - pre - suf }, f->val);
}

/* The first shape component C matches where the walk W stands (only pod shapes when
 * PODS_ONLY), its id in F; NULL when none does. */
static const struct cg_shape *
cg_find(struct cg_span c, const struct cg_walk *w, struct cg_found *f, bool pods_only)
{
	memset(f, 0, sizeof(*f));
	for (size_t i = 0; i < NELEM(cg_shapes); i++) {
		const struct cg_shape *s = &cg_shapes[i];

		if (pods_only && s->role != CG_POD)
			continue;
		if (shape_match(s, c, w, f))
			return s;
		f->val[0] = '\0';
	}
	return NULL;
}

/* The next component of PATH[0, LEN) at *POS, skipping empty ones; false at the end. */
static bool
next_component(const char *path, size_t len, size_t *pos, struct cg_span *c)
{
	size_t at = *pos;

	while (at < len && path[at] == '/')
		at++;
	if (at == len)
		return false;
	c->p = path + at;
	while (at < len && path[at] != '/')
		at++;
	c->n = (size_t)(path + at - c->p);
	*pos = at;
	return true;
}

enum { WALK_ON = 2 };

/* One component C of a path whose rest starts at PATH[POS]: 1 a container (OUT filled),
 * 0 host (the walk ends), WALK_ON to look at the next component. */
static int
walk_one(struct cg_walk *w, struct cg_span c, const char *path, size_t len, size_t pos,
         struct cgroup_match *out)
{
	struct cg_found f;
	struct cg_span below;
	const struct cg_shape *s = cg_find(c, w, &f, false);

	w->prev = c;
	w->prev_role = s != NULL ? s->role : CG_NONE;
	if (s == NULL || s->role == CG_GROUP || s->role == CG_TASK)
		return WALK_ON;
	if (s->role == CG_POD) {
		memcpy(out->pod_uid, f.val, sizeof(out->pod_uid));
		return WALK_ON;
	}
	if (s->role == CG_HOST)
		return 0;
	if (s->host_child != NULL && next_component(path, len, &pos, &below) &&
	    span_is(below, s->host_child))
		return 0;
	out->runtime = s->runtime;
	memcpy(out->id, f.val, sizeof(out->id));
	if (f.pod[0] != '\0')
		memcpy(out->pod_uid, f.pod, sizeof(out->pod_uid));
	return 1;
}

int
cgroup_match_path(const char *path, size_t len, struct cgroup_match *out)
{
	struct cg_walk w = { .prev_role = CG_NONE };
	struct cg_span c;
	size_t pos = 0;
	bool leading = true;

	memset(out, 0, sizeof(*out));
	if (path == NULL || len == 0 || len >= PATH_MAX || path[0] != '/' ||
	    memchr(path, '\0', len) != NULL)
		return -EINVAL;
	while (next_component(path, len, &pos, &c)) {
		int r;

		/* A cgroup namespace shows paths outside it as "/../.."; the kernel never
		 * writes "." or ".." after a real component, so such a path is forged. */
		if (span_is(c, "..") || span_is(c, ".")) {
			if (!leading)
				goto fail;
			continue;
		}
		leading = false;
		r = walk_one(&w, c, path, len, pos, out);
		if (r != WALK_ON)
			return r;
		w.index++;
	}
	return 0;
fail:
	memset(out, 0, sizeof(*out));
	return -EINVAL;
}

/* One line "ID:CONTROLLERS:PATH" of /proc/PID/cgroup. */
struct cg_line {
	struct cg_span path;
	bool v2;                   /* the unified hierarchy's "0::" line */
};

static int
line_parse(const char *s, size_t n, struct cg_line *l)
{
	const char *c1 = memchr(s, ':', n), *c2;
	uint64_t id;
	size_t ctl;

	if (c1 == NULL || strnum_u64(s, (size_t)(c1 - s), 10, UINT32_MAX, &id) < 0)
		return -EINVAL;
	c2 = memchr(c1 + 1, ':', n - (size_t)(c1 + 1 - s));
	if (c2 == NULL)
		return -EINVAL;
	ctl = (size_t)(c2 - c1 - 1);
	if (ctl > CONTROLLERS_MAX || memchr(c1 + 1, '\0', ctl) != NULL)
		return -EINVAL;
	l->v2 = id == 0 && ctl == 0;
	l->path = (struct cg_span){ c2 + 1, n - (size_t)(c2 + 1 - s) };
	return 0;
}

/* 2 a container, 1 a pod, 0 the host: how much line's match M says. */
static int
match_rank(const struct cgroup_match *m)
{
	return m->runtime != CTR_NONE ? 2 : m->pod_uid[0] != '\0' ? 1 : 0;
}

int
cgroup_match_file(const char *text, size_t len, struct cgroup_match *out)
{
	struct cgroup_match m;
	int best = -1;
	bool best_v2 = false;
	size_t pos = 0;

	memset(out, 0, sizeof(*out));
	if (text == NULL)
		return -EINVAL;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl != NULL ? (size_t)(nl - text) : len;
		struct cg_line l;
		int rank;

		if (line_parse(text + pos, end - pos, &l) == 0 &&
		    cgroup_match_path(l.path.p, l.path.n, &m) >= 0) {
			rank = match_rank(&m);
			/* More specific wins; at equal rank the unified line does. */
			if (rank > best || (rank == best && l.v2 && !best_v2)) {
				*out = m;
				best = rank;
				best_v2 = l.v2;
			}
		}
		pos = end + 1;
	}
	if (best < 0)
		return -EINVAL;
	return best == 2;
}
