/* test_cgroup.c - unit tests for state/cgroup: container identity from cgroup paths and
 * /proc/PID/cgroup files.  Every input is copied into a heap buffer of exactly its length (no
 * terminating NUL), so a read past LEN shows up under ASan. */
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
#include <cmocka.h>

#include "state/cgroup.h"

/* Ids as runtimes write them: 64 lowercase hex (IDP is a real Podman container's id). */
#define IDA "264db7de8541bf6cbf210776c03b290faf45d8ea566539cddd10e25da988db65"
#define IDB "8298327d8cceadcc8436c5e5f78c3c416bddd9789b8488c8743fdadb0cbab912"
#define IDC "849de0befa9590926fa4f3391ca5e838e7f1e608b2ccce0ccd4f0542baa32da8"
#define IDP "17a54eef6608c1d56a46bab2b91bb9d0885bd9d355ed0e52cf6116514753374e"
#define ID63 "264db7de8541bf6cbf210776c03b290faf45d8ea566539cddd10e25da988db6"
#define ID_UPPER "264DB7DE8541BF6CBF210776C03B290FAF45D8EA566539CDDD10E25DA988DB65"
#define ID_G "g64db7de8541bf6cbf210776c03b290faf45d8ea566539cddd10e25da988db65"
/* Pod uids: the systemd driver writes '_' where the uid has '-'. */
#define UID_D "ec8adfb1-9ef5-4c8d-b5aa-707fdfb69fed"
#define UID_U "ec8adfb1_9ef5_4c8d_b5aa_707fdfb69fed"
#define UID_STATIC "77846c418ae2203959be8c35a1a98928"     /* static pods: md5 hex */
#define TASK32 "6d53ac7a21e373f1144d83071e915554"
#define TASKU "5d3aea02-89a9-4471-952f-7914aca270ee"

#define KP_BURST "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod"
#define KP_BEST "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod"

struct path_case {
	const char *name;
	const char *path;
	int ret;
	enum container_runtime rt;
	const char *id;
	const char *pod;
};

static const struct path_case path_cases[] = {
	/* Docker */
	{ "docker cgroupfs", "/docker/" IDA, 1, CTR_DOCKER, IDA, "" },
	{ "docker systemd", "/system.slice/docker-" IDA ".scope", 1, CTR_DOCKER, IDA, "" },
	{ "docker nested: the outer container", "/docker/" IDA "/docker/" IDB, 1, CTR_DOCKER,
	  IDA, "" },
	{ "docker with systemd inside", "/system.slice/docker-" IDA ".scope/init.scope", 1,
	  CTR_DOCKER, IDA, "" },
	{ "kind node: docker outside the pod", "/docker/" IDA "/kubepods/besteffort/pod" UID_D
	  "/" IDB, 1, CTR_DOCKER, IDA, "" },
	{ "docker in a systemd pod", KP_BURST UID_U ".slice/docker-" IDB ".scope", 1,
	  CTR_DOCKER, IDB, UID_D },
	/* containerd CRI */
	{ "cri-containerd systemd pod", KP_BURST UID_U ".slice/cri-containerd-" IDA ".scope", 1,
	  CTR_CONTAINERD, IDA, UID_D },
	{ "cri-containerd besteffort", KP_BEST UID_U ".slice/cri-containerd-" IDA ".scope", 1,
	  CTR_CONTAINERD, IDA, UID_D },
	{ "cri-containerd guaranteed", "/kubepods.slice/kubepods-pod" UID_U
	  ".slice/cri-containerd-" IDA ".scope", 1, CTR_CONTAINERD, IDA, UID_D },
	{ "cri-containerd static pod", KP_BURST UID_STATIC ".slice/cri-containerd-" IDA ".scope",
	  1, CTR_CONTAINERD, IDA, UID_STATIC },
	{ "slice:cri-containerd:id", "/system.slice/containerd.service/kubepods-besteffort-pod"
	  UID_U ".slice:cri-containerd:" IDA, 1, CTR_CONTAINERD, IDA, UID_D },
	{ "slice:cri-containerd:id at the top", "/kubepods-burstable-pod" UID_U
	  ".slice:cri-containerd:" IDB, 1, CTR_CONTAINERD, IDB, UID_D },
	{ "slice:cri-containerd:id, no pod", "/a.slice/b.slice:cri-containerd:" IDA, 1,
	  CTR_CONTAINERD, IDA, "" },
	{ "cgroupfs pod, bare id (containerd)", "/kubepods/burstable/pod" UID_D "/" IDA, 1,
	  CTR_CONTAINERD, IDA, UID_D },
	{ "cgroupfs guaranteed pod", "/kubepods/pod" UID_D "/" IDA, 1, CTR_CONTAINERD, IDA,
	  UID_D },
	{ "cgroupfs besteffort pod, nested", "/kubepods/besteffort/pod" UID_D "/" IDA "/sub", 1,
	  CTR_CONTAINERD, IDA, UID_D },
	/* CRI-O */
	{ "crio systemd", KP_BEST UID_U ".slice/crio-" IDA ".scope", 1, CTR_CRIO, IDA, UID_D },
	{ "crio cgroupfs", "/kubepods/burstable/pod" UID_D "/crio-" IDA, 1, CTR_CRIO, IDA,
	  UID_D },
	{ "slice:crio:id", "/kubepods-besteffort-pod" UID_U ".slice:crio:" IDA, 1, CTR_CRIO, IDA,
	  UID_D },
	/* Podman */
	{ "podman systemd", "/machine.slice/libpod-" IDA ".scope", 1, CTR_PODMAN, IDA, "" },
	{ "podman split", "/machine.slice/libpod-" IDA ".scope/container", 1, CTR_PODMAN, IDA,
	  "" },
	{ "podman cgroupfs (this machine)", "/libpod_parent/libpod-" IDP, 1, CTR_PODMAN, IDP,
	  "" },
	{ "podman payload in a unit", "/system.slice/nginx.service/libpod-payload-" IDA, 1,
	  CTR_PODMAN, IDA, "" },
	{ "podman rootless", "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-"
	  IDA ".scope", 1, CTR_PODMAN, IDA, "" },
	{ "podman rootless quadlet payload", "/user.slice/user-1000.slice/user@1000.service/"
	  "app.slice/web.service/libpod-payload-" IDB, 1, CTR_PODMAN, IDB, "" },
	{ "podman pod, systemd", "/machine.slice/machine-libpod_pod_" IDB ".slice/libpod-" IDA
	  ".scope", 1, CTR_PODMAN, IDA, "" },
	{ "podman pod, cgroupfs", "/libpod_parent/" IDB "/libpod-" IDA, 1, CTR_PODMAN, IDA, "" },
	/* nerdctl / ctr */
	{ "containerd namespace default", "/default/" IDA, 1, CTR_CONTAINERD, IDA, "" },
	{ "containerd namespace k8s.io", "/k8s.io/" IDA, 1, CTR_CONTAINERD, IDA, "" },
	{ "containerd namespace, nested", "/buildkit_x-1/" IDA "/sub", 1, CTR_CONTAINERD, IDA,
	  "" },
	{ "nerdctl systemd", "/system.slice/nerdctl-" IDA ".scope", 1, CTR_CONTAINERD, IDA, "" },
	/* LXC / Incus */
	{ "lxc 3", "/lxc/web01", 1, CTR_LXC, "web01", "" },
	{ "lxc 4 payload.", "/lxc.payload.web01", 1, CTR_LXC, "web01", "" },
	{ "lxc payload/", "/lxc.payload/web01", 1, CTR_LXC, "web01", "" },
	{ "incus, systemd inside", "/lxc.payload.web01/system.slice/cron.service", 1, CTR_LXC,
	  "web01", "" },
	/* systemd-nspawn / machined */
	{ "nspawn unit", "/machine.slice/systemd-nspawn@debian.service", 1, CTR_NSPAWN, "debian",
	  "" },
	{ "nspawn payload", "/machine.slice/systemd-nspawn@debian.service/payload/system.slice/"
	  "cron.service", 1, CTR_NSPAWN, "debian", "" },
	{ "machined scope, escaped", "/machine.slice/machine-my\\x2dbox.scope", 1, CTR_NSPAWN,
	  "my-box", "" },
	{ "nspawn unit, escaped", "/machine.slice/systemd-nspawn@web\\x2d1.service/payload", 1,
	  CTR_NSPAWN, "web-1", "" },
	/* ECS / Fargate */
	{ "ecs ec2, 32-hex task", "/ecs/" TASK32 "/" IDA, 1, CTR_ECS, IDA, "" },
	{ "fargate < 1.4, uuid task", "/ecs/" TASKU "/" IDA, 1, CTR_ECS, IDA, "" },
	{ "fargate 1.4", "/ecs/" TASKU "/" TASK32 "-2495160603", 1, CTR_ECS,
	  TASK32 "-2495160603", "" },
	{ "fargate 1.4 name=systemd", "/ecs/" TASK32 "-1234567890", 1, CTR_ECS,
	  TASK32 "-1234567890", "" },
	/* Garden */
	{ "garden 28-char guid", "/garden/6f265890-5165-7fab-6b52-18d1", 1, CTR_GARDEN,
	  "6f265890-5165-7fab-6b52-18d1", "" },
	{ "garden full uuid", "/garden/" TASKU, 1, CTR_GARDEN, TASKU, "" },
	/* Namespace-relative paths */
	{ "relative docker scope", "/../../docker-" IDA ".scope", 1, CTR_DOCKER, IDA, "" },
	{ "relative crio", "/../crio-" IDA ".scope", 1, CTR_CRIO, IDA, "" },
	{ "relative pod", "/../../pod" UID_D "/" IDA, 1, CTR_CONTAINERD, IDA, UID_D },
	{ "relative ./", "/./docker-" IDA ".scope", 1, CTR_DOCKER, IDA, "" },
	{ "relative, nothing left", "/..", 0, CTR_NONE, "", "" },
	{ "relative, nothing left twice", "/../..", 0, CTR_NONE, "", "" },
	/* Pods without a container */
	{ "systemd pod slice", KP_BURST UID_U ".slice", 0, CTR_NONE, "", UID_D },
	{ "cgroupfs pod", "/kubepods/burstable/pod" UID_D, 0, CTR_NONE, "", UID_D },
	{ "crio conmon in a pod", KP_BURST UID_U ".slice/crio-conmon-" IDA ".scope", 0,
	  CTR_NONE, "", UID_D },
	{ "pod with a non-id child", "/kubepods/pod" UID_D "/not-an-id", 0, CTR_NONE, "",
	  UID_D },
	/* Not containers */
	{ "root", "/", 0, CTR_NONE, "", "" },
	{ "init.scope", "/init.scope", 0, CTR_NONE, "", "" },
	{ "session", "/user.slice/user-1000.slice/session-3.scope", 0, CTR_NONE, "", "" },
	{ "host service", "/system.slice/cron.service", 0, CTR_NONE, "", "" },
	{ "docker.service", "/system.slice/docker.service", 0, CTR_NONE, "", "" },
	{ "containerd.service", "/system.slice/containerd.service", 0, CTR_NONE, "", "" },
	{ "this machine's memory group", "/process_api/c35e699a892b6a4edfb4dcf094b85f58", 0,
	  CTR_NONE, "", "" },
	{ "podman conmon scope", "/machine.slice/libpod-conmon-" IDA ".scope", 0, CTR_NONE, "",
	  "" },
	{ "podman conmon cgroupfs", "/libpod_parent/conmon", 0, CTR_NONE, "", "" },
	{ "podman conmon cgroupfs, by id", "/libpod_parent/libpod-conmon-" IDA, 0, CTR_NONE, "",
	  "" },
	{ "podman split runtime", "/system.slice/nginx.service/runtime", 0, CTR_NONE, "", "" },
	{ "crio conmon", "/system.slice/crio-conmon-" IDA ".scope", 0, CTR_NONE, "", "" },
	{ "lxc monitor.", "/lxc.monitor.web01", 0, CTR_NONE, "", "" },
	{ "lxc monitor/", "/lxc.monitor/web01", 0, CTR_NONE, "", "" },
	{ "nspawn supervisor", "/machine.slice/systemd-nspawn@debian.service/supervisor", 0,
	  CTR_NONE, "", "" },
	{ "libvirt qemu machine", "/machine.slice/machine-qemu\\x2d1\\x2dvm1.scope/libvirt/"
	  "emulator", 0, CTR_NONE, "", "" },
	{ "id 63 hex", "/docker/" ID63, 0, CTR_NONE, "", "" },
	{ "id 65 hex", "/docker/" IDA "0", 0, CTR_NONE, "", "" },
	{ "id uppercase", "/docker/" ID_UPPER, 0, CTR_NONE, "", "" },
	{ "id with g", "/docker/" ID_G, 0, CTR_NONE, "", "" },
	{ "scope id 63 hex", "/system.slice/docker-" ID63 ".scope", 0, CTR_NONE, "", "" },
	{ "scope id uppercase", "/system.slice/libpod-" ID_UPPER ".scope", 0, CTR_NONE, "", "" },
	{ "scope suffix misspelt", "/system.slice/docker-" IDA ".scop", 0, CTR_NONE, "", "" },
	{ "cri-containerd 65 hex", "/a.slice:cri-containerd:" IDA "0", 0, CTR_NONE, "", "" },
	{ "empty slice before :cri-containerd:", "/:cri-containerd:" IDA, 0, CTR_NONE, "", "" },
	{ "bare id at the top", "/" IDA, 0, CTR_NONE, "", "" },
	{ "bare id too deep", "/a/b/" IDA, 0, CTR_NONE, "", "" },
	{ "bad namespace name", "/-x/" IDA, 0, CTR_NONE, "", "" },
	{ "docker alone", "/docker", 0, CTR_NONE, "", "" },
	{ "pod uid uppercase", "/kubepods/burstable/podEC8ADFB1-9EF5-4C8D-B5AA-707FDFB69FED/"
	  IDA, 0, CTR_NONE, "", "" },
	{ "pod uid mixed separators", "/kubepods/pod" "ec8adfb1-9ef5_4c8d-b5aa-707fdfb69fed/"
	  IDA, 0, CTR_NONE, "", "" },
	{ "pod uid short", "/kubepods/podec8adfb1-9ef5-4c8d-b5aa-707fdfb69fe/" IDA, 0, CTR_NONE,
	  "", "" },
	{ "ecs task 31 hex", "/ecs/6d53ac7a21e373f1144d83071e91555/" IDA, 0, CTR_NONE, "", "" },
	{ "fargate 21 digits", "/ecs/" TASK32 "-123456789012345678901", 0, CTR_NONE, "", "" },
	{ "fargate no digits", "/ecs/" TASK32 "-", 0, CTR_NONE, "", "" },
	{ "fargate digits not decimal", "/ecs/" TASK32 "-12a", 0, CTR_NONE, "", "" },
	{ "garden short guid", "/garden/6f265890-5165-7fab-6b52", 0, CTR_NONE, "", "" },
	{ "garden uppercase", "/garden/6F265890-5165-7FAB-6B52-18D1", 0, CTR_NONE, "", "" },
	{ "lxc empty name", "/lxc.payload.", 0, CTR_NONE, "", "" },
	{ "lxc name with a space", "/lxc/we b", 0, CTR_NONE, "", "" },
	{ "lxc name not ASCII", "/lxc/w\xc3\xa9" "b", 0, CTR_NONE, "", "" },
	{ "machined bad escape", "/machine.slice/machine-my\\x2.scope", 0, CTR_NONE, "", "" },
	{ "machined escape to /", "/machine.slice/machine-a\\x2fb.scope", 0, CTR_NONE, "", "" },
	{ "machined escape to control", "/machine.slice/machine-a\\x0ab.scope", 0, CTR_NONE, "",
	  "" },
	{ "machined empty name", "/machine.slice/machine-.scope", 0, CTR_NONE, "", "" },
	/* Not cgroup paths */
	{ "relative", "docker/" IDA, -EINVAL, CTR_NONE, "", "" },
	{ "empty", "", -EINVAL, CTR_NONE, "", "" },
	{ ".. after a component", "/docker/../docker/" IDA, -EINVAL, CTR_NONE, "", "" },
	{ ". after a component", "/kubepods/pod" UID_D "/./" IDA, -EINVAL, CTR_NONE, "", "" },
	{ "lxc name ..", "/lxc/..", -EINVAL, CTR_NONE, "", "" },
};

static char *
exact_copy(const char *s, size_t n)
{
	char *p = malloc(n > 0 ? n : 1);

	assert_non_null(p);
	memcpy(p, s, n);
	return p;
}

static void
check_match(const char *name, int got, const struct cgroup_match *m, int ret,
            enum container_runtime rt, const char *id, const char *pod)
{
	if (got != ret)
		fail_msg("%s: returned %d, expected %d", name, got, ret);
	if (m->runtime != rt)
		fail_msg("%s: runtime %d, expected %d", name, (int)m->runtime, (int)rt);
	if (strcmp(m->id, id) != 0)
		fail_msg("%s: id \"%s\", expected \"%s\"", name, m->id, id);
	if (strcmp(m->pod_uid, pod) != 0)
		fail_msg("%s: pod \"%s\", expected \"%s\"", name, m->pod_uid, pod);
}

/* Match PATH[0, LEN) from an exact-length copy; OUT is pre-filled with junk so a field left
 * unset shows. */
static int
match_exact(const char *path, size_t len, struct cgroup_match *out)
{
	char *p = exact_copy(path, len);
	int r;

	memset(out, 'X', sizeof(*out));
	r = cgroup_match_path(p, len, out);
	free(p);
	return r;
}

static void
test_path_shapes(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(path_cases) / sizeof(path_cases[0]); i++) {
		const struct path_case *c = &path_cases[i];
		struct cgroup_match m;
		int r = match_exact(c->path, strlen(c->path), &m);

		check_match(c->name, r, &m, c->ret, c->rt, c->id, c->pod);
	}
}

static void
test_path_bad_input(void **state)
{
	static const char nul_path[] = "/docker/\0" IDA;
	struct cgroup_match m;

	(void)state;
	/* A NUL inside the span, and a span that stops before the id. */
	check_match("NUL", match_exact(nul_path, sizeof(nul_path) - 1, &m), &m, -EINVAL,
	            CTR_NONE, "", "");
	check_match("LEN cuts the id", match_exact("/docker/" IDA, 8 + 63, &m), &m, 0, CTR_NONE,
	            "", "");
	check_match("LEN cuts the suffix", match_exact("/system.slice/docker-" IDA ".scope",
	            strlen("/system.slice/docker-" IDA ".sco"), &m), &m, 0, CTR_NONE, "", "");
	check_match("NULL path", cgroup_match_path(NULL, 5, &m), &m, -EINVAL, CTR_NONE, "", "");
	/* -EINVAL clears a pod uid found before the bad component. */
	check_match("pod then ..", match_exact("/kubepods/pod" UID_D "/..", strlen("/kubepods/pod"
	            UID_D "/.."), &m), &m, -EINVAL, CTR_NONE, "", "");
}

/* A path of LEN bytes ending in "/docker/IDA", padded with "/x" components in front. */
static char *
long_path(size_t len)
{
	static const char tail[] = "/docker/" IDA;
	size_t t = sizeof(tail) - 1;
	char *p = malloc(len);

	assert_non_null(p);
	assert_true(len > t + 2);
	for (size_t i = 0; i < len - t; i++)
		p[i] = i % 2 == 0 ? '/' : 'x';
	if ((len - t) % 2 == 1)
		p[len - t - 1] = 'x';      /* no empty component at the join */
	memcpy(p + len - t, tail, t);
	return p;
}

static void
test_path_bounds(void **state)
{
	struct cgroup_match m;
	char *p;
	char name[CGROUP_ID_MAX + 2], path[CGROUP_ID_MAX * 4 + 64];

	(void)state;
	/* The longest path the kernel can print is PATH_MAX - 1 bytes. */
	p = long_path(PATH_MAX - 1);
	check_match("PATH_MAX - 1", cgroup_match_path(p, PATH_MAX - 1, &m), &m, 1, CTR_DOCKER,
	            IDA, "");
	free(p);
	p = long_path(PATH_MAX);
	check_match("PATH_MAX", cgroup_match_path(p, PATH_MAX, &m), &m, -EINVAL, CTR_NONE, "",
	            "");
	free(p);

	/* LXC names: CGROUP_ID_MAX characters fit, one more does not. */
	memset(name, 'n', sizeof(name));
	name[CGROUP_ID_MAX] = '\0';
	snprintf(path, sizeof(path), "/lxc/%s", name);
	check_match("lxc name at CGROUP_ID_MAX", match_exact(path, strlen(path), &m), &m, 1,
	            CTR_LXC, name, "");
	name[CGROUP_ID_MAX] = 'n';
	name[CGROUP_ID_MAX + 1] = '\0';
	snprintf(path, sizeof(path), "/lxc.payload.%s", name);
	check_match("lxc name at CGROUP_ID_MAX + 1", match_exact(path, strlen(path), &m), &m, 0,
	            CTR_NONE, "", "");

	/* Escaped machine names count once unescaped: 127 + "\x2d" is 128 bytes. */
	name[CGROUP_ID_MAX - 1] = '\0';
	snprintf(path, sizeof(path), "/machine.slice/machine-%s\\x2d.scope", name);
	name[CGROUP_ID_MAX - 1] = '-';
	name[CGROUP_ID_MAX] = '\0';
	check_match("machine name at CGROUP_ID_MAX", match_exact(path, strlen(path), &m), &m, 1,
	            CTR_NSPAWN, name, "");
	name[CGROUP_ID_MAX - 1] = '\0';
	snprintf(path, sizeof(path), "/machine.slice/machine-%s\\x2d\\x2d.scope", name);
	check_match("machine name at CGROUP_ID_MAX + 1", match_exact(path, strlen(path), &m), &m,
	            0, CTR_NONE, "", "");
}

struct file_case {
	const char *name;
	const char *text;
	size_t len;                /* 0: strlen(text) */
	int ret;
	enum container_runtime rt;
	const char *id;
	const char *pod;
};

#define V1_LINES(p) \
	"12:pids:" p "\n11:hugetlb:" p "\n10:net_cls,net_prio:" p "\n9:perf_event:" p \
	"\n8:memory:" p "\n7:cpu,cpuacct:" p "\n6:devices:" p "\n5:freezer:" p "\n4:blkio:" p \
	"\n3:cpuset:" p "\n2:rdma:/\n1:name=systemd:" p "\n"
#define NUL_TEXT "4:mem\0ory:/docker/" IDA "\n0::/docker/\0" IDB "\n2:cpu:/docker/" IDC "\n"

static const struct file_case file_cases[] = {
	{ "v1 docker", V1_LINES("/docker/" IDA), 0, 1, CTR_DOCKER, IDA, "" },
	{ "v1 systemd pod", V1_LINES(KP_BURST UID_U ".slice/cri-containerd-" IDA ".scope"), 0, 1,
	  CTR_CONTAINERD, IDA, UID_D },
	{ "v2", "0::/system.slice/docker-" IDA ".scope\n", 0, 1, CTR_DOCKER, IDA, "" },
	{ "v2 without newline", "0::/machine.slice/libpod-" IDA ".scope", 0, 1, CTR_PODMAN, IDA,
	  "" },
	{ "hybrid, this machine", "9:name=systemd:/\n8:pids:/\n7:blkio:/\n6:freezer:/\n"
	  "5:devices:/\n4:memory:/\n3:cpuset:/\n2:cpuacct:/\n1:cpu:/\n0::/libpod_parent/libpod-"
	  IDP "\n", 0, 1, CTR_PODMAN, IDP, "" },
	{ "hybrid, container on v1 only", "1:name=systemd:/docker/" IDA "\n0::/\n", 0, 1,
	  CTR_DOCKER, IDA, "" },
	{ "lines disagree: v2 wins (v2 last)", "4:memory:/docker/" IDA "\n0::/docker/" IDB "\n",
	  0, 1, CTR_DOCKER, IDB, "" },
	{ "lines disagree: v2 wins (v2 first)", "0::/docker/" IDB "\n4:memory:/docker/" IDA "\n",
	  0, 1, CTR_DOCKER, IDB, "" },
	{ "a container beats a pod", "1:name=systemd:/kubepods/pod" UID_D "\n2:cpu:/kubepods/pod"
	  UID_D "/" IDA "\n0::/kubepods/pod" UID_D "\n", 0, 1, CTR_CONTAINERD, IDA, UID_D },
	{ "a pod beats the host", "0::/\n1:cpu:" KP_BURST UID_U ".slice\n", 0, 0, CTR_NONE, "",
	  UID_D },
	{ "host", "9:name=systemd:/\n4:memory:/process_api/c35e699a892b6a4edfb4dcf094b85f58\n"
	  "0::/\n", 0, 0, CTR_NONE, "", "" },
	{ "namespace-relative v2", "0::/../../docker-" IDA ".scope\n", 0, 1, CTR_DOCKER, IDA, "" },
	{ "namespace root", "0::/..\n", 0, 0, CTR_NONE, "", "" },
	{ "fargate 1.4, v1", "3:blkio:/ecs/" TASKU "/" TASK32 "-1234567890\n1:name=systemd:/ecs/"
	  TASK32 "-1234567890\n", 0, 1, CTR_ECS, TASK32 "-1234567890", "" },
	{ "garbage around a good line", "garbage\n\n12:::\nx:cpu:/docker/" IDA "\n3:cpu\n"
	  ":cpu:/docker/" IDA "\n-1:cpu:/docker/" IDA "\n99999999999:cpu:/docker/" IDA "\n"
	  "5:memory:/docker/" IDB "\n7:cpu:docker/" IDA "\n", 0, 1, CTR_DOCKER, IDB, "" },
	{ "NUL bytes", NUL_TEXT, sizeof(NUL_TEXT) - 1, 1, CTR_DOCKER, IDC, "" },
	{ "bad path lines only", "0::/docker/../x\n1:cpu:relative\n", 0, -EINVAL, CTR_NONE, "",
	  "" },
	{ "garbage only", "hello\nworld\n", 0, -EINVAL, CTR_NONE, "", "" },
	{ "newlines only", "\n\n\n", 0, -EINVAL, CTR_NONE, "", "" },
	{ "one empty v2 line", "0::", 0, -EINVAL, CTR_NONE, "", "" },
};

static void
check_file(const char *name, const char *text, size_t len, const struct file_case *want)
{
	char *p = exact_copy(text, len);
	struct cgroup_match m;
	int r;

	memset(&m, 'X', sizeof(m));
	r = cgroup_match_file(p, len, &m);
	free(p);
	check_match(name, r, &m, want->ret, want->rt, want->id, want->pod);
}

static void
test_file_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(file_cases) / sizeof(file_cases[0]); i++) {
		const struct file_case *c = &file_cases[i];

		check_file(c->name, c->text, c->len > 0 ? c->len : strlen(c->text), c);
	}
}

static void
test_file_bounds(void **state)
{
	static const struct file_case empty = { .ret = -EINVAL, .id = "", .pod = "" };
	static const struct file_case docker_a = { .ret = 1, .rt = CTR_DOCKER, .id = IDA,
	                                           .pod = "" };
	size_t n = PATH_MAX + 64;
	char *text = malloc(n + 1 + 14 + 64);
	struct cgroup_match m;

	(void)state;
	check_file("empty text", "", 0, &empty);
	assert_int_equal(cgroup_match_file(NULL, 10, &m), -EINVAL);

	/* A line longer than PATH_MAX is skipped, alone it leaves nothing well-formed. */
	assert_non_null(text);
	memcpy(text, "0::/", 4);
	memset(text + 4, 'a', n - 4);
	check_file("over-long line", text, n, &empty);
	text[n] = '\n';
	memcpy(text + n + 1, "1:cpu:/docker/" IDA, 14 + 64);
	check_file("over-long line, then a good one", text, n + 1 + 14 + 64, &docker_a);
	/* The good line cut short by LEN: 63 hex is not an id. */
	check_file("good line cut by LEN", text, n + 1 + 14 + 63, &(const struct file_case){
	           .ret = 0, .id = "", .pod = "" });
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_shapes),
		cmocka_unit_test(test_path_bad_input),
		cmocka_unit_test(test_path_bounds),
		cmocka_unit_test(test_file_cases),
		cmocka_unit_test(test_file_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
