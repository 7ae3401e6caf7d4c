/* ctrtab.c - the container table: containers by full id, placing pids, refreshing metadata,
 * expiry (see ctrtab.h; the providers are in ctrtab_runc.c and ctrtab_docker.c, the layers
 * in ctrtab_layers.c, the shared tools in ctrtab_meta.c).
 *
 * Entries live in a hash of 2^bits chains (fixed at creation from max_entries) and on one
 * list in order of last sight (head = least recently seen), which is what eviction takes
 * when the table is full and what expiry walks.
 *
 * When providers run.  A container is looked up in its runtime's files when it is first
 * seen, synchronously, so the first event already carries what the files say.  Runtimes
 * write some files only after the first process has joined the container's cgroup (runc
 * writes state.json after `runc init` is placed; the rootfs is only "/" after pivot_root), so
 * a container whose name or layers are still unknown is asked again at its next lookup once
 * a short backoff has passed (10 ms, doubling up to miss_ttl), and by ctrtab_expire() in any
 * case; a complete one is refreshed every meta_ttl.  Lookups happen only when the process
 * table places a process (first sight, exec), never per event, which bounds this work.  A
 * refresh reads into a staging container and merges only what changed (ctr_merge), so the
 * container's arena grows only when its metadata really changes.
 *
 * Liveness.  A container in which no process was looked up for gone_ns is dropped unless the
 * last pid seen in it is still there (its cgroup still names the container): long-running
 * processes that never exec keep their container. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/hostpath.h"
#include "state/cgroup.h"
#include "state/ctrapi.h"
#include "state/ctrtab_int.h"

#define NS_PER_S UINT64_C(1000000000)
#define DEFAULT_META_TTL (300 * NS_PER_S)
#define DEFAULT_MISS_TTL (30 * NS_PER_S)
#define DEFAULT_GONE (600 * NS_PER_S)
#define DEFAULT_MAX 4096u
#define LIMIT_MAX (1u << 20)
#define FIRST_BACKOFF (10 * UINT64_C(1000000))   /* 10 ms */
#define CGROUP_FILE_MAX (64u * 1024)
#define PATH_BUF 512

static const char *const default_runc_roots[] = {
	"/run/runc", "/run/docker/runtime-runc/moby", "/run/containerd/runc/k8s.io",
	"/run/containerd/runc/default", NULL,
};
static const char *const default_api_sockets[] = {
	"/var/run/docker.sock", "/run/podman/podman.sock", NULL,
};

struct ctr_entry {
	struct container *c;            /* the table's reference */
	uint64_t next_try;              /* when the providers run again */
	uint64_t backoff;               /* the retry interval while incomplete */
	int64_t last_pid;               /* a process last seen in it */
	bool layers_told;               /* the watcher has seen the layers */
	struct ctr_entry *hnext, *prev, *next;
};

struct ctrtab {
	struct ctrtab_config cfg;       /* strings and lists point into the copies below */
	char *proc_root, *docker_root, *podman_root, *host_root;
	char **runc_roots, **api_sockets;
	struct ctr_src src;
	struct ctr_entry **buckets;
	unsigned bits;
	struct ctr_entry *head, *tail;
	ctrtab_watch_fn *watch;
	void *watch_arg;
	struct ctrapi *api;             /* NULL when no socket is configured */
	char *cgbuf;                    /* CGROUP_FILE_MAX + 1 bytes */
	struct ctrtab_stats st;
};

/* ---- configuration copies ---- */

/* A copy of V with each path behind ROOT (core/hostpath.h), or NULL on ENOMEM. */
static char **
list_copy(const char *const *v, const char *root)
{
	size_t n = 0;
	char **out;

	while (v[n])
		n++;
	if ((out = calloc(n + 1, sizeof(*out))) == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (hostpath_dup(root, v[i], &out[i]) < 0)
			return out;         /* shorter, still NULL-terminated */
	return out;
}

static void
list_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* A copy of S behind ROOT, or NULL for NULL and "" (a root set to "" is switched off). */
static char *
opt_copy(const char *s, const char *root, bool *oom)
{
	char *c;

	if (s == NULL || s[0] == '\0')
		return NULL;
	if (hostpath_dup(root, s, &c) < 0)
		*oom = true;
	return c;
}

static int
config_copy(struct ctrtab *ct, const struct ctrtab_config *cfg)
{
	bool oom = false;
	const char *root;

	if (cfg)
		ct->cfg = *cfg;
	/* The runtimes' files and sockets are the host's, reached through the host root; our
	 * /proc is the host's already (ctrtab.h). */
	root = ct->host_root = opt_copy(ct->cfg.host_root, NULL, &oom);
	ct->proc_root = opt_copy(ct->cfg.proc_root ? ct->cfg.proc_root : "/proc", NULL, &oom);
	ct->docker_root = opt_copy(cfg && cfg->docker_root ? cfg->docker_root : "/var/lib/docker",
	                           root, &oom);
	ct->podman_root = opt_copy(cfg && cfg->podman_root ? cfg->podman_root
	                                                   : "/var/lib/containers/storage",
	                           root, &oom);
	ct->runc_roots = list_copy(ct->cfg.runc_roots ? ct->cfg.runc_roots : default_runc_roots,
	                           root);
	ct->api_sockets = list_copy(ct->cfg.api_sockets ? ct->cfg.api_sockets
	                                                : default_api_sockets, root);
	if (oom || ct->proc_root == NULL || ct->runc_roots == NULL || ct->api_sockets == NULL)
		return -ENOMEM;
	ct->cfg.host_root = ct->host_root;
	ct->cfg.proc_root = ct->proc_root;
	ct->cfg.docker_root = ct->docker_root;
	ct->cfg.podman_root = ct->podman_root;
	ct->cfg.runc_roots = (const char *const *)ct->runc_roots;
	ct->cfg.api_sockets = (const char *const *)ct->api_sockets;
	if (ct->cfg.meta_ttl_ns == 0)
		ct->cfg.meta_ttl_ns = DEFAULT_META_TTL;
	if (ct->cfg.miss_ttl_ns == 0)
		ct->cfg.miss_ttl_ns = DEFAULT_MISS_TTL;
	if (ct->cfg.gone_ns == 0)
		ct->cfg.gone_ns = DEFAULT_GONE;
	if (ct->cfg.max_entries == 0)
		ct->cfg.max_entries = DEFAULT_MAX;
	if (ct->cfg.max_entries > LIMIT_MAX)
		ct->cfg.max_entries = LIMIT_MAX;
	ct->src.runc_roots = ct->cfg.runc_roots;
	ct->src.docker_root = ct->docker_root;
	ct->src.podman_root = ct->podman_root;
	ct->src.host_root = ct->host_root;
	return 0;
}

/* ---- the hash and the list ---- */

static size_t
bucket_of(const struct ctrtab *ct, const char *id)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	for (; *id; id++)
		h = (h ^ (unsigned char)*id) * UINT64_C(0x100000001b3);
	return (size_t)(h >> (64 - ct->bits));
}

static struct ctr_entry *
find(const struct ctrtab *ct, const char *id)
{
	struct ctr_entry *e = ct->buckets[bucket_of(ct, id)];

	while (e && strcmp(e->c->full_id, id) != 0)
		e = e->hnext;
	return e;
}

static void
list_remove(struct ctrtab *ct, struct ctr_entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		ct->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		ct->tail = e->prev;
	e->prev = e->next = NULL;
}

static void
list_append(struct ctrtab *ct, struct ctr_entry *e)
{
	e->prev = ct->tail;
	e->next = NULL;
	if (ct->tail)
		ct->tail->next = e;
	else
		ct->head = e;
	ct->tail = e;
}

/* Remove E; tell the watcher (TELL) and drop the table's reference. */
static void
drop(struct ctrtab *ct, struct ctr_entry *e, bool tell)
{
	struct ctr_entry **link = &ct->buckets[bucket_of(ct, e->c->full_id)];

	while (*link != e)
		link = &(*link)->hnext;
	*link = e->hnext;
	list_remove(ct, e);
	if (tell && ct->watch)
		ct->watch(ct->watch_arg, e->c, true);
	container_unref(e->c);
	free(e);
	ct->st.containers--;
}

static struct ctr_entry *
insert(struct ctrtab *ct, struct container *c)
{
	struct ctr_entry *e;
	size_t b;

	while (ct->st.containers >= ct->cfg.max_entries && ct->head) {
		drop(ct, ct->head, true);
		ct->st.evicted++;
	}
	if ((e = calloc(1, sizeof(*e))) == NULL)
		abort();
	e->c = c;
	b = bucket_of(ct, c->full_id);
	e->hnext = ct->buckets[b];
	ct->buckets[b] = e;
	list_append(ct, e);
	ct->st.containers++;
	return e;
}

/* ---- metadata ---- */

static void
count(struct ctrtab *ct, unsigned bit, int rc)
{
	unsigned i = (unsigned)__builtin_ctz(bit);

	if (rc > 0)
		ct->st.provider_hits[i]++;
	else
		ct->st.provider_misses[i]++;
}

/* The Docker-compatible API (state/ctrapi.h), asked on its worker thread when the local files
 * left the name unknown, or for a Podman container's labels (Podman keeps them in its own
 * database); until it has answered once. */
static void
api_ask(struct ctrtab *ct, const struct container *c)
{
	int rc;

	if (ct->api == NULL || (c->meta & CTR_META_API) ||
	    (c->name != NULL && !(c->runtime == CTR_PODMAN && c->labels == NULL)))
		return;
	rc = ctrapi_request(ct->api, c->full_id);
	if (rc == 0)
		ct->st.api_requests++;
	else if (rc == -EAGAIN)
		ct->st.api_dropped++;
}

static bool
complete(const struct container *c)
{
	return c->name != NULL && (c->meta & CTR_META_LAYERS);
}

/* Ask the local providers again and merge what they say into E's container; read the layers
 * from PID's mountinfo while they are unknown. */
static void
refresh(struct ctrtab *ct, struct ctr_entry *e, int64_t pid, uint64_t now)
{
	struct container *c = e->c, *s = container_new(c->runtime, c->full_id);

	s->meta = 0;
	ct->src.priv_guess = -1;
	count(ct, CTR_META_RUNC, ctr_runc_fill(&ct->src, s));
	if (c->runtime == CTR_DOCKER)
		count(ct, CTR_META_DOCKER, ctr_docker_fill(&ct->src, s));
	if (c->runtime == CTR_PODMAN || c->runtime == CTR_CRIO)
		count(ct, CTR_META_PODMAN, ctr_podman_fill(&ct->src, s));
	if (s->privileged < 0)
		s->privileged = ct->src.priv_guess;
	ctr_k8s_from_labels(s);
	if (!(c->meta & CTR_META_LAYERS) && pid > 0)
		count(ct, CTR_META_LAYERS, ctr_layers_read(ct->proc_root, pid, &ct->src, s));
	ctr_merge(c, s);
	container_unref(s);
	api_ask(ct, c);
	if (complete(c)) {
		e->next_try = now + ct->cfg.meta_ttl_ns;
		e->backoff = FIRST_BACKOFF;
		return;
	}
	e->next_try = now + e->backoff;
	e->backoff = e->backoff * 2 < ct->cfg.miss_ttl_ns ? e->backoff * 2 : ct->cfg.miss_ttl_ns;
}

/* Tell the watcher about E's container when it is new, or when its layers became known. */
static void
tell(struct ctrtab *ct, struct ctr_entry *e, bool first)
{
	bool layers = (e->c->meta & CTR_META_LAYERS) != 0;

	if (ct->watch == NULL || (!first && (!layers || e->layers_told)))
		return;
	e->layers_told = layers;
	ct->watch(ct->watch_arg, e->c, false);
}

static struct ctr_entry *
create(struct ctrtab *ct, const struct cgroup_match *m, int64_t pid, uint64_t now)
{
	struct container *c = container_new(m->runtime, m->id);
	struct ctr_entry *e;

	if (m->pod_uid[0])
		c->pod_uid = container_strdup(c, m->pod_uid);
	if (m->runtime == CTR_LXC || m->runtime == CTR_NSPAWN)
		c->name = c->full_id;       /* these runtimes name containers, not number them */
	c->seen_ns = now;
	e = insert(ct, c);
	e->backoff = FIRST_BACKOFF;
	e->last_pid = pid;
	refresh(ct, e, pid, now);
	tell(ct, e, true);
	return e;
}

/* ---- placing a pid ---- */

/* Read PROC_ROOT/PID/cgroup into the table's buffer.  Its length, or -errno. */
static ssize_t
read_cgroup(struct ctrtab *ct, int64_t pid)
{
	char path[PATH_BUF];
	size_t n = 0;
	int len = snprintf(path, sizeof(path), "%s/%lld/cgroup", ct->proc_root, (long long)pid);
	int fd;

	if (len < 0 || (size_t)len >= sizeof(path))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -errno;
	while (n < CGROUP_FILE_MAX) {
		ssize_t r = read(fd, ct->cgbuf + n, CGROUP_FILE_MAX - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int rc = -errno;

			close(fd);
			return rc;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (n >= CGROUP_FILE_MAX)
		return -EFBIG;
	ct->cgbuf[n] = '\0';
	return (ssize_t)n;
}

/* Match PID's cgroup file.  1 (M filled), 0 host, -errno. */
static int
match_pid(struct ctrtab *ct, int64_t pid, struct cgroup_match *m)
{
	ssize_t len;
	int rc;

	if (pid <= 0 || pid > INT32_MAX)
		return -EINVAL;
	ct->st.cgroup_reads++;
	if ((len = read_cgroup(ct, pid)) < 0) {
		ct->st.cgroup_errors++;
		return (int)len;
	}
	rc = cgroup_match_file(ct->cgbuf, (size_t)len, m);
	if (rc < 0) {
		ct->st.cgroup_errors++;     /* read, but nothing in it names a cgroup */
		return 0;
	}
	return rc > 0 && m->id[0] != '\0' ? 1 : 0;
}

int
ctrtab_lookup_pid(struct ctrtab *ct, int64_t pid, uint64_t now_ns, struct container **out)
{
	struct cgroup_match m;
	struct ctr_entry *e;
	int rc;

	*out = NULL;
	if ((rc = match_pid(ct, pid, &m)) <= 0)
		return rc;
	e = find(ct, m.id);
	if (e == NULL) {
		e = create(ct, &m, pid, now_ns);
	} else {
		list_remove(ct, e);
		list_append(ct, e);
		e->last_pid = pid;
		e->c->seen_ns = now_ns;
		if (now_ns >= e->next_try) {
			refresh(ct, e, pid, now_ns);
			tell(ct, e, false);
		}
	}
	*out = container_ref(e->c);
	return 1;
}

/* ---- the public face ---- */

int
ctrtab_new(const struct ctrtab_config *cfg, struct ctrtab **out)
{
	struct ctrtab *ct = calloc(1, sizeof(*ct));

	*out = NULL;
	if (ct == NULL)
		return -ENOMEM;
	if (config_copy(ct, cfg) < 0)
		goto fail;
	for (ct->bits = 4; (UINT32_C(1) << ct->bits) < ct->cfg.max_entries; ct->bits++)
		;
	ct->buckets = calloc((size_t)1 << ct->bits, sizeof(*ct->buckets));
	ct->cgbuf = malloc(CGROUP_FILE_MAX + 1);
	if (ct->buckets == NULL || ct->cgbuf == NULL)
		goto fail;
	/* No API is no error: the local files still answer. */
	if (ct->api_sockets[0] != NULL &&
	    ctrapi_new((const char *const *)ct->api_sockets, 0, &ct->api) < 0)
		ct->api = NULL;
	*out = ct;
	return 0;
fail:
	ctrtab_free(ct);
	return -ENOMEM;
}

void
ctrtab_free(struct ctrtab *ct)
{
	if (ct == NULL)
		return;
	ctrapi_free(ct->api);           /* first: stops the worker */
	while (ct->head)
		drop(ct, ct->head, false);
	ctr_jcache_clear(&ct->src.podman_ctrs);
	ctr_jcache_clear(&ct->src.podman_images);
	free(ct->buckets);
	free(ct->cgbuf);
	free(ct->proc_root);
	free(ct->docker_root);
	free(ct->podman_root);
	free(ct->host_root);
	list_free(ct->runc_roots);
	list_free(ct->api_sockets);
	free(ct);
}

void
ctrtab_set_watch(struct ctrtab *ct, ctrtab_watch_fn *fn, void *arg)
{
	ct->watch = fn;
	ct->watch_arg = arg;
}

int
ctrtab_fd(const struct ctrtab *ct)
{
	return ct->api ? ctrapi_fd(ct->api) : -1;
}

void
ctrtab_dispatch(struct ctrtab *ct, uint64_t now_ns)
{
	struct ctrapi_answer ans;

	(void)now_ns;
	while (ct->api && ctrapi_take(ct->api, &ans) == 1) {
		struct ctr_entry *e = find(ct, ans.full_id);
		int rc = ans.err ? ans.err : ans.json ? 0 : -EIO;

		/* A container dropped meanwhile has nobody to tell. */
		if (rc == 0 && e)
			rc = ctrapi_apply(e->c, ans.json, ans.len);
		if (rc < 0)
			ct->st.api_errors++;
		count(ct, CTR_META_API, rc == 0 && e ? 1 : 0);
		ctrapi_answer_free(&ans);
	}
}

/* Whether E's last pid still runs in E's container. */
static bool
still_there(struct ctrtab *ct, struct ctr_entry *e)
{
	struct cgroup_match m;

	return e->last_pid > 0 && match_pid(ct, e->last_pid, &m) == 1 &&
	       strcmp(m.id, e->c->full_id) == 0;
}

void
ctrtab_expire(struct ctrtab *ct, uint64_t now_ns)
{
	uint64_t n = ct->st.containers;
	struct ctr_entry *e = ct->head;

	/* Oldest first; one that is still there moves to the tail, hence the count. */
	while (e && n-- > 0 && e->c->seen_ns + ct->cfg.gone_ns <= now_ns) {
		struct ctr_entry *next = e->next;

		if (still_there(ct, e)) {
			e->c->seen_ns = now_ns;
			list_remove(ct, e);
			list_append(ct, e);
		} else {
			drop(ct, e, true);
		}
		e = next;
	}
	for (e = ct->head; e; e = e->next) {
		bool layers = !(e->c->meta & CTR_META_LAYERS);

		if (now_ns < e->next_try)
			continue;
		/* The layers only from a pid that is still in this container (pids are reused). */
		refresh(ct, e, layers && still_there(ct, e) ? e->last_pid : 0, now_ns);
		tell(ct, e, false);
	}
}

const struct ctrtab_stats *
ctrtab_stats(const struct ctrtab *ct)
{
	return &ct->st;
}
