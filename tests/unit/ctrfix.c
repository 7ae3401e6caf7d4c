/* ctrfix.c - container runtime fixtures for the container table's tests (see ctrfix.h). */
#include "config.h"

#define _XOPEN_SOURCE_EXTENDED 1
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctrfix.h"

static const char *copy_from;           /* nftw has no argument pointer */
static const struct ctrfix *copy_to;

static void
must(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "ctrfix: %s: %s\n", what, strerror(errno));
		abort();
	}
}

void
ctrfix_path(const struct ctrfix *fx, const char *rel, char *out, size_t n)
{
	snprintf(out, n, "%s/%s", fx->root, rel);
}

void
ctrfix_mkdir(const struct ctrfix *fx, const char *rel)
{
	char path[1024];

	ctrfix_path(fx, rel, path, sizeof(path));
	for (char *p = path + strlen(fx->root) + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		must(mkdir(path, 0755) == 0 || errno == EEXIST, path);
		*p = '/';
	}
	must(mkdir(path, 0755) == 0 || errno == EEXIST, path);
}

void
ctrfix_write(const struct ctrfix *fx, const char *rel, const char *data, size_t len)
{
	char path[1024], dir[1024];
	const char *slash = strrchr(rel, '/');
	int fd;

	if (slash) {
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - rel), rel);
		ctrfix_mkdir(fx, dir);
	}
	ctrfix_path(fx, rel, path, sizeof(path));
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	must(fd >= 0, path);
	must(write(fd, data, len) == (ssize_t)len, path);
	close(fd);
}

void
ctrfix_writes(const struct ctrfix *fx, const char *rel, const char *text)
{
	ctrfix_write(fx, rel, text, strlen(text));
}

/* The file at PATH with every @ROOT@ replaced, written below the fixture root. */
static int
copy_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	const char *rel = path + strlen(copy_from);
	char *buf, *out, *p;
	size_t n = 0, cap;
	FILE *fp;

	(void)ftw;
	if (*rel == '/')
		rel++;
	if (flag == FTW_D) {
		if (*rel)
			ctrfix_mkdir(copy_to, rel);
		return 0;
	}
	if (flag != FTW_F)
		return 0;
	must((fp = fopen(path, "re")) != NULL, path);
	must((buf = calloc(1, (size_t)sb->st_size + 1)) != NULL, "calloc");
	must(fread(buf, 1, (size_t)sb->st_size, fp) == (size_t)sb->st_size, path);
	fclose(fp);
	cap = (size_t)sb->st_size * 8 + 1;   /* a root of at most 48 bytes per @ROOT@ */
	must((out = malloc(cap)) != NULL, "malloc");
	for (p = buf; *p;) {
		if (strncmp(p, "@ROOT@", 6) == 0) {
			n += (size_t)snprintf(out + n, cap - n, "%s", copy_to->root);
			p += 6;
		} else {
			out[n++] = *p++;
		}
	}
	ctrfix_write(copy_to, rel, out, n);
	free(buf);
	free(out);
	return 0;
}

void
ctrfix_init(struct ctrfix *fx)
{
	const char *top = getenv("TOP_SRCDIR");
	char src[1024];

	snprintf(fx->root, sizeof(fx->root), "/tmp/shikra-ctrfix-XXXXXX");
	must(mkdtemp(fx->root) != NULL, "mkdtemp");
	snprintf(src, sizeof(src), "%s/tests/data/containers", top ? top : ".");
	copy_from = src;
	copy_to = fx;
	must(nftw(src, copy_one, 16, FTW_PHYS) == 0, src);
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(path);
}

void
ctrfix_cleanup(struct ctrfix *fx)
{
	nftw(fx->root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}
