/* hostpath.c - prefixing and unprefixing the host's file names (see hostpath.h).  Owns no
 * state: the root comes from the caller, so tests and modules need no global. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/hostpath.h"

/* ROOT's length without trailing slashes; 0 when it is off. */
static size_t
root_len(const char *root)
{
	size_t n = root ? strlen(root) : 0;

	while (n > 0 && root[n - 1] == '/')
		n--;
	return n;
}

bool
hostpath_on(const char *root)
{
	return root_len(root) > 0;
}

int
hostpath_to(const char *root, const char *path, char *buf, size_t size, const char **out)
{
	size_t nr = root_len(root), np;

	*out = path;
	if (nr == 0 || path == NULL || path[0] != '/')
		return 0;
	np = strcmp(path, "/") == 0 ? 0 : strlen(path);
	*out = NULL;
	if (nr + np + 1 > size)
		return -ENAMETOOLONG;
	memcpy(buf, root, nr);
	memcpy(buf + nr, path, np);
	buf[nr + np] = '\0';
	*out = buf;
	return 0;
}

int
hostpath_dup(const char *root, const char *path, char **out)
{
	size_t size = root_len(root) + (path ? strlen(path) : 0) + 1;
	char *buf = malloc(size);
	const char *p;

	*out = NULL;
	if (buf == NULL)
		return -ENOMEM;
	hostpath_to(root, path, buf, size, &p);   /* fits: SIZE bounds every result */
	if (p != buf) {
		/* Unchanged (root off, relative or NULL PATH): a copy of PATH itself. */
		free(buf);
		if (p != NULL && (buf = strdup(p)) == NULL)
			return -ENOMEM;
		if (p == NULL)
			buf = NULL;
	}
	*out = buf;
	return 0;
}

const char *
hostpath_from(const char *root, const char *path)
{
	size_t nr = root_len(root);

	if (nr == 0 || path == NULL || strncmp(path, root, nr) != 0)
		return path;
	if (path[nr] == '\0')
		return "/";
	return path[nr] == '/' ? path + nr : path;
}
