/* genlog.c - write a realistic auditd log (RAW format) for the replay benchmark.
 * Usage: bench_genlog [-n EVENTS] [-s SEED] [-w DIR]
 * Every event is what the kernel emits for a syscall rule with key "shikra", as auditd writes
 * it (no EOE records): execve with a long argv (SYSCALL, EXECVE, CWD, two PATH, PROCTITLE),
 * openat of a path (SYSCALL, CWD, one or two PATH, PROCTITLE) and connect (SYSCALL, SOCKADDR,
 * PROCTITLE).  The mix is 20% exec, 60% open, 20% connect, drawn from a fixed seed so the
 * same arguments make the same file.  About one event in a hundred touches DIR (the
 * directory the benchmark's rules watch, /tmp/shikra-itest by default) or connects to port
 * 45123, so some rules fire and the alert path is part of what is measured.
 * The log goes to standard output.  Measures nothing itself. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct gen {
	uint64_t rng;
	uint64_t serial;
	uint64_t ms;               /* the current timestamp, in milliseconds */
	const char *dir;
};

static uint32_t
rnd(struct gen *g, uint32_t n)
{
	/* xorshift64*: cheap and reproducible; the quality only has to look varied. */
	g->rng ^= g->rng >> 12;
	g->rng ^= g->rng << 25;
	g->rng ^= g->rng >> 27;
	return (uint32_t)((g->rng * 2685821657736338717ull) >> 33) % n;
}

static const char *const exes[] = {
	"/usr/bin/python3.11", "/usr/bin/bash", "/usr/bin/gcc-12", "/usr/bin/git",
	"/usr/lib/jvm/java-17-openjdk-amd64/bin/java", "/usr/bin/node", "/usr/bin/curl",
	"/usr/local/bin/kubectl",
};
static const char *const words[] = {
	"--config", "/etc/app/config.yaml", "-Dspring.profiles.active=production", "--verbose",
	"install", "--no-cache-dir", "-O2", "-Wall", "-I/usr/include/openssl", "origin/main",
	"--format=json", "https://registry.example.com/v2/library/alpine/manifests/latest",
	"--header=Authorization: Bearer xyz", "build/output with space.o", "-jar",
	"/opt/service/lib/service-2.4.1.jar", "--namespace=kube-system", "get", "pods", "-o",
};
static const char *const files[] = {
	"/etc/ld.so.cache", "/usr/lib/x86_64-linux-gnu/libc.so.6", "/etc/passwd",
	"/etc/nsswitch.conf", "/proc/self/status", "/usr/share/zoneinfo/UTC",
	"/var/lib/dpkg/status", "/home/alice/.config/app/settings.json",
	"/usr/lib/python3.11/__pycache__/os.cpython-311.pyc", "/etc/ssl/certs/ca-certificates.crt",
};
static const char *const cwds[] = { "/home/alice/src/project", "/", "/var/lib/app", "/tmp" };

/* An argument as the kernel writes it: quoted when it is plain printable ASCII without
 * spaces or quotes, else as hex. */
static void
put_arg(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	int plain = 1;

	for (; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || *p == '"')
			plain = 0;
	if (plain) {
		fprintf(fp, "\"%s\"", s);
		return;
	}
	for (p = (const unsigned char *)s; *p; p++)
		fprintf(fp, "%02X", *p);
}

/* The PROCTITLE record: argv joined by NULs, hex, at most 128 bytes as the kernel keeps. */
static void
put_proctitle(FILE *fp, const struct gen *g, const char *const *argv, int argc)
{
	size_t left = 128;

	fprintf(fp, "type=PROCTITLE msg=audit(%" PRIu64 ".%03" PRIu64 ":%" PRIu64 "): proctitle=",
	    g->ms / 1000, g->ms % 1000, g->serial);
	for (int i = 0; i < argc && left > 0; i++) {
		if (i > 0) {
			fputs("00", fp);
			left--;
		}
		for (const unsigned char *p = (const unsigned char *)argv[i]; *p && left; p++) {
			fprintf(fp, "%02X", *p);
			left--;
		}
	}
	fputc('\n', fp);
}

static void
put_syscall(FILE *fp, const struct gen *g, int nr, const char *tail, int pid, const char *exe)
{
	const char *comm = strrchr(exe, '/') + 1;

	fprintf(fp, "type=SYSCALL msg=audit(%" PRIu64 ".%03" PRIu64 ":%" PRIu64 "): "
	    "arch=c000003e syscall=%d success=yes %s ppid=%d pid=%d auid=1000 uid=1000 gid=1000 "
	    "euid=1000 suid=1000 fsuid=1000 egid=1000 sgid=1000 fsgid=1000 tty=pts0 ses=3 "
	    "comm=\"%.15s\" exe=\"%s\" subj=unconfined key=\"shikra\"\n",
	    g->ms / 1000, g->ms % 1000, g->serial, nr, tail, 1000 + pid % 97, pid, comm, exe);
}

static void
put_head(FILE *fp, const struct gen *g, const char *type)
{
	fprintf(fp, "type=%s msg=audit(%" PRIu64 ".%03" PRIu64 ":%" PRIu64 "): ", type,
	    g->ms / 1000, g->ms % 1000, g->serial);
}

static void
put_path(FILE *fp, const struct gen *g, int item, const char *name, const char *type)
{
	put_head(fp, g, "PATH");
	fprintf(fp, "item=%d name=", item);
	put_arg(fp, name);
	fprintf(fp, " inode=%u dev=fe:00 mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=%s "
	    "cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0\n", 100000 + item * 7 +
	    (unsigned)strlen(name), type);
}

static void
gen_exec(FILE *fp, struct gen *g, int pid)
{
	const char *argv[64];
	const char *exe = exes[rnd(g, sizeof(exes) / sizeof(exes[0]))];
	int argc = 12 + (int)rnd(g, 40);
	char tail[160];

	argv[0] = exe;
	for (int i = 1; i < argc; i++)
		argv[i] = words[rnd(g, sizeof(words) / sizeof(words[0]))];
	snprintf(tail, sizeof(tail), "exit=0 a0=55d0c2a1b2c0 a1=55d0c2a1b3f0 a2=55d0c2a1c410 "
	    "a3=0 items=2");
	put_syscall(fp, g, 59, tail, pid, exe);
	put_head(fp, g, "EXECVE");
	fprintf(fp, "argc=%d", argc);
	for (int i = 0; i < argc; i++) {
		fprintf(fp, " a%d=", i);
		put_arg(fp, argv[i]);
	}
	fputc('\n', fp);
	put_head(fp, g, "CWD");
	fprintf(fp, "cwd=\"%s\"\n", cwds[rnd(g, 4)]);
	put_path(fp, g, 0, exe, "NORMAL");
	put_path(fp, g, 1, "/lib64/ld-linux-x86-64.so.2", "NORMAL");
	put_proctitle(fp, g, argv, argc);
}

static void
gen_open(FILE *fp, struct gen *g, int pid)
{
	const char *exe = exes[rnd(g, sizeof(exes) / sizeof(exes[0]))];
	char path[512], tail[160];
	int watched = rnd(g, 100) == 0, create = rnd(g, 10) == 0;
	const char *argv[2] = { exe, path };

	if (watched)
		snprintf(path, sizeof(path), "%s/%s", g->dir, create ? "out.log" : "secret.txt");
	else
		snprintf(path, sizeof(path), "%s", files[rnd(g, sizeof(files) / sizeof(files[0]))]);
	snprintf(tail, sizeof(tail), "exit=%u a0=ffffff9c a1=7ffd1c2e3a40 a2=%s a3=%s items=%d",
	    3 + rnd(g, 20), create ? "241" : "80000", create ? "1b6" : "0", create ? 2 : 1);
	put_syscall(fp, g, 257, tail, pid, exe);
	put_head(fp, g, "CWD");
	fprintf(fp, "cwd=\"%s\"\n", cwds[rnd(g, 4)]);
	if (create) {
		char parent[512];
		snprintf(parent, sizeof(parent), "%s", path);
		*strrchr(parent, '/') = '\0';
		put_path(fp, g, 0, parent, "PARENT");
		put_path(fp, g, 1, path, "CREATE");
	} else {
		put_path(fp, g, 0, path, "NORMAL");
	}
	put_proctitle(fp, g, argv, 2);
}

static void
gen_connect(FILE *fp, struct gen *g, int pid)
{
	static const unsigned ports[] = { 443, 80, 5432, 6379, 53 };
	const char *exe = exes[rnd(g, sizeof(exes) / sizeof(exes[0]))];
	unsigned port = rnd(g, 100) == 0 ? 45123 : ports[rnd(g, 5)];
	const char *argv[3] = { exe, "--connect", "db.internal" };
	char tail[160];

	snprintf(tail, sizeof(tail), "exit=0 a0=%u a1=7ffd1c2e3b10 a2=10 a3=0 items=0",
	    3 + rnd(g, 20));
	put_syscall(fp, g, 42, tail, pid, exe);
	put_head(fp, g, "SOCKADDR");
	/* sockaddr_in: family 2 (host order), port (network order), address, zero padding. */
	fprintf(fp, "saddr=0200%04X%02X%02X%02X%02X0000000000000000\n", port,
	    port == 45123 ? 127 : 10, 0, rnd(g, 4), 1 + rnd(g, 250));
	put_proctitle(fp, g, argv, 3);
}

int
main(int argc, char **argv)
{
	struct gen g = { .rng = 0x9e3779b97f4a7c15ull, .serial = 1000, .ms = 1795400000000ull,
	                 .dir = "/tmp/shikra-itest" };
	unsigned long long n = 1000000;
	static char buf[1 << 16];
	int opt;

	while ((opt = getopt(argc, argv, "n:s:w:")) != -1) {
		char *end;
		switch (opt) {
		case 'n':
			n = strtoull(optarg, &end, 10);
			if (*end != '\0' || n == 0) {
				fprintf(stderr, "bench_genlog: bad -n %s\n", optarg);
				return 2;
			}
			break;
		case 's':
			g.rng ^= strtoull(optarg, NULL, 10) * 0x100000001b3ull;
			break;
		case 'w':
			g.dir = optarg;
			break;
		default:
			fprintf(stderr, "usage: bench_genlog [-n EVENTS] [-s SEED] [-w DIR]\n");
			return 2;
		}
	}
	setvbuf(stdout, buf, _IOFBF, sizeof(buf));
	for (unsigned long long i = 0; i < n; i++) {
		uint32_t kind = rnd(&g, 10);
		int pid = 2000 + (int)rnd(&g, 20000);

		if (kind < 2)
			gen_exec(stdout, &g, pid);
		else if (kind < 8)
			gen_open(stdout, &g, pid);
		else
			gen_connect(stdout, &g, pid);
		g.serial++;
		g.ms += rnd(&g, 3);
	}
	if (fflush(stdout) != 0) {
		perror("bench_genlog: write");
		return 1;
	}
	return 0;
}
