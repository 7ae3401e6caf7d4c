/* actions_file.c - actions on files: reads of sensitive files, links to them, writes below
 * system directories.  Every file made here has a unique name and is removed at once;
 * real sensitive files are only ever opened for reading. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <string.h>
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

int
act_release_agent(struct gen_ctx *g, pid_t *pid, char *why, size_t wl)
{
	glob_t gl;
	const char *path = "/sys/fs/cgroup/release_agent";
	int fd;

	(void)g, (void)why, (void)wl;
	if (glob("/sys/fs/cgroup/*/release_agent", 0, NULL, &gl) == 0 && gl.gl_pathc > 0)
		path = gl.gl_pathv[0];
	*pid = getpid();
	/* Opened for writing, closed without a byte written: nothing changes. */
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)) >= 0)
		close(fd);
	globfree(&gl);
	return 0;
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
