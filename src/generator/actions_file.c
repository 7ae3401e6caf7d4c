/* actions_file.c - actions on files: reads of sensitive files, links to them, writes below
 * system directories, a cgroup's release_agent.  Every file made here has a unique name and
 * is removed at once; real sensitive files are only ever opened for reading, and
 * release_agent only gets its own value back. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "generator/gen.h"
#include "generator/actions.h"

/* Open PATH with FLAGS and close it; 0 or -errno with WHY set. */
static int
touch_open(const char *path, int flags, char *why, size_t wl)
{
	int fd = open(path, flags | O_CLOEXEC, 0600);

	if (fd < 0) {
		int rc = -errno;
		GEN_WHY(why, wl, "open %s: %s", path, strerror(errno));
		return rc;
	}
	close(fd);
	return 0;
}

/* Create DIR/PREFIX<pid>, written and closed, then removed. */
static int
write_below(const char *dir, const char *prefix, pid_t *pid, char *why, size_t wl)
{
	char path[256];
	int rc;

	snprintf(path, sizeof(path), "%s/%s%ld", dir, prefix, (long)getpid());
	*pid = getpid();
	rc = touch_open(path, O_WRONLY | O_CREAT | O_EXCL, why, wl);
	unlink(path);
	return rc;
}

int
act_read_shadow(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	(void)g;
	*pid = getpid();
	return touch_open("/etc/shadow", O_RDONLY, why, wl);
}

/* In a child, so that the reader's parent is this program and not the calling shell. */
int
act_traversal_read(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	int st;
	pid_t c = fork();

	(void)g;
	if (c == 0)
		_exit(touch_open("/etc/../etc/../etc/passwd", O_RDONLY, why, wl) < 0);
	if (c < 0 || waitpid(c, &st, 0) < 0)
		return -errno;
	*pid = c;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		GEN_WHY(why, wl, "cannot open /etc/../etc/../etc/passwd");
		return -EIO;
	}
	return 0;
}

int
act_clear_log(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	char path[128];
	int rc;

	(void)g;
	snprintf(path, sizeof(path), "/var/log/shikra-gen-%ld.log", (long)getpid());
	*pid = getpid();
	if ((rc = touch_open(path, O_WRONLY | O_CREAT | O_EXCL, why, wl)) == 0)
		rc = touch_open(path, O_WRONLY | O_TRUNC, why, wl);
	unlink(path);
	return rc;
}

int
act_symlink_sensitive(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	char link[128];
	int rc = 0;

	snprintf(link, sizeof(link), "%s/shadow-link", g->dir);
	*pid = getpid();
	if (symlink("/etc/shadow", link) < 0) {
		rc = -errno;
		GEN_WHY(why, wl, "symlink: %s", strerror(errno));
	}
	unlink(link);
	return rc;
}

int
act_hardlink_sensitive(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	char path[128];

	(void)why, (void)wl;
	snprintf(path, sizeof(path), "%s/shadow-hardlink", g->dir);
	*pid = getpid();
	/* A refusal (protected_hardlinks, another file system) is audited all the same. */
	if (link("/etc/shadow", path) == 0)
		unlink(path);
	return 0;
}

/* Keep in OUT the controllers of a cgroup v1 mount's super options SUPER ("rw,cpu,cpuacct"
 * -> "cpu,cpuacct"): the words that are neither flags nor key=value.  true if there is one;
 * a named hierarchy (name=systemd) is passed over, as its mount options are harder to match. */
static bool
v1_controllers(char *super, char *out, size_t len)
{
	static const char *const flags[] = { "rw", "ro", "xattr", "noprefix", "clone_children",
	                                     "cpuset_v2_mode", "favordynmods", "none" };
	char *save = NULL;

	out[0] = '\0';
	if (strstr(super, "name=") != NULL)
		return false;
	for (char *w = strtok_r(super, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		bool flag = strchr(w, '=') != NULL;
		for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]) && !flag; i++)
			flag = strcmp(w, flags[i]) == 0;
		if (!flag && strlen(out) + strlen(w) + 2 < len)
			snprintf(out + strlen(out), len - strlen(out), "%s%s", out[0] ? "," : "", w);
	}
	return out[0] != '\0';
}

/* The controllers of a cgroup v1 hierarchy mounted here (this process's mountinfo): 0, or
 * GEN_SKIP when there is none (a cgroup v2 host, where release_agent does not exist). */
static int
v1_hierarchy(char *opts, size_t len)
{
	FILE *fp = fopen("/proc/self/mountinfo", "re");
	char line[1024], fstype[32], src[64], super[512];
	int rc = GEN_SKIP;

	if (fp == NULL)
		return -errno;
	while (rc == GEN_SKIP && fgets(line, sizeof(line), fp)) {
		char *sep = strstr(line, " - ");
		if (sep != NULL && sscanf(sep + 3, "%31s %63s %511s", fstype, src, super) == 3 &&
		    strcmp(fstype, "cgroup") == 0 && v1_controllers(super, opts, len))
			rc = 0;
	}
	fclose(fp);
	return rc;
}

/* Write FILE's own content back to it: the kernel strips the trailing newline, so the value
 * stays what it was.  0 or -errno with WHY set. */
static int
rewrite_same(const char *file, char *why, size_t wl)
{
	char old[4096];
	ssize_t n = -1;
	int fd, rc = 0;

	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) >= 0) {
		n = read(fd, old, sizeof(old));
		close(fd);
	}
	if (n < 0 || (size_t)n >= sizeof(old)) {
		GEN_WHY(why, wl, "cannot read %s", file);
		return -EIO;
	}
	if (n == 0)
		old[n++] = '\n';
	errno = EIO;            /* a short write sets none */
	if ((fd = open(file, O_WRONLY | O_CLOEXEC)) < 0 || write(fd, old, (size_t)n) != n) {
		rc = -errno;
		GEN_WHY(why, wl, "write %s: %s", file, strerror(-rc));
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

/* The release_agent escape's first half, in a privileged container: mount a cgroup v1
 * hierarchy of the host (the same superblock, so its root's release_agent is the host's own
 * file) and write release_agent, here with the value it already has.  Nothing runs. */
int
act_release_agent(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	char opts[128], dir[128], file[160];
	int rc;

	if ((rc = v1_hierarchy(opts, sizeof(opts))) == GEN_SKIP)
		GEN_WHY(why, wl, "no cgroup v1 hierarchy: cgroup v2 has no release_agent");
	else if (rc < 0)
		GEN_WHY(why, wl, "mountinfo: %s", strerror(-rc));
	if (rc != 0)
		return rc;
	snprintf(dir, sizeof(dir), "%s/cgroup", g->dir);
	snprintf(file, sizeof(file), "%s/release_agent", dir);
	if (mkdir(dir, 0700) < 0) {
		rc = -errno;
		GEN_WHY(why, wl, "mkdir %s: %s", dir, strerror(-rc));
		return rc;
	}
	*pid = getpid();
	if (mount("cgroup", dir, "cgroup", MS_NOSUID | MS_NODEV | MS_NOEXEC, opts) < 0) {
		rc = -errno;
		GEN_WHY(why, wl, "mount -t cgroup -o %s: %s", opts, strerror(-rc));
	} else {
		rc = rewrite_same(file, why, wl);
		umount(dir);
	}
	rmdir(dir);
	return rc;
}

int
act_write_bin_dir(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	(void)g;
	return write_below("/usr/bin", "shikra-gen-", pid, why, wl);
}

int
act_modify_bin_dir(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	char a[128], b[160];
	int rc;

	(void)g;
	snprintf(a, sizeof(a), "/usr/bin/shikra-gen-m%ld", (long)getpid());
	snprintf(b, sizeof(b), "%s.old", a);
	*pid = getpid();
	if ((rc = touch_open(a, O_WRONLY | O_CREAT | O_EXCL, why, wl)) < 0)
		return rc;
	if (rename(a, b) < 0) {
		rc = -errno;
		GEN_WHY(why, wl, "rename: %s", strerror(errno));
		unlink(a);
		return rc;
	}
	unlink(b);
	return 0;
}

int
act_write_etc(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	(void)g;
	return write_below("/etc", "shikra-gen-", pid, why, wl);
}

int
act_write_root(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	(void)g;
	return write_below("/root", ".shikra-gen-", pid, why, wl);
}

int
act_create_dev(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	(void)g;
	return write_below("/dev", "shikra-gen-", pid, why, wl);
}

int
act_write_system_dir(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	(void)g;
	return write_below("/usr/bin", "shikra-gen-c", pid, why, wl);
}

/* Write a file below /etc/shikra when it exists; otherwise create (O_EXCL) and remove
 * /usr/local/sbin/shikra, which is then not installed there. */
int
act_shikra_config(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	struct stat st;

	(void)g;
	if (stat("/etc/shikra", &st) == 0 && S_ISDIR(st.st_mode))
		return write_below("/etc/shikra", ".shikra-gen-", pid, why, wl);
	*pid = getpid();
	int rc = touch_open("/usr/local/sbin/shikra", O_WRONLY | O_CREAT | O_EXCL, why, wl);
	if (rc == 0)
		unlink("/usr/local/sbin/shikra");
	return rc;
}
