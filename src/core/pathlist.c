/* pathlist.c - rule file lists (see pathlist.h). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/pathlist.h"
#include "core/sbuf.h"

#define PATHLIST_MAX 4096

static int
pathlist_push(struct pathlist *pl, const char *path)
{
	if (pl->n >= PATHLIST_MAX)
		return -E2BIG;
	char **v = realloc(pl->v, (pl->n + 1) * sizeof(*v));
	if (v == NULL)
		return -ENOMEM;
	pl->v = v;
	if ((v[pl->n] = strdup(path)) == NULL)
		return -ENOMEM;
	pl->n++;
	return 0;
}

static int
yaml_name(const struct dirent *d)
{
	size_t len = strlen(d->d_name);

	if (d->d_name[0] == '.')
		return 0;
	return (len > 5 && strcmp(d->d_name + len - 5, ".yaml") == 0) ||
	    (len > 4 && strcmp(d->d_name + len - 4, ".yml") == 0);
}

static int
pathlist_dir(struct pathlist *pl, const char *dir, struct diags *diags)
{
	struct dirent **names = NULL;
	int n = scandir(dir, &names, yaml_name, alphasort);
	struct sbuf p = SBUF_INIT;
	int rc = 0;

	if (n < 0) {
		diags_add(diags, DIAG_ERROR, dir, 0, 0, "cannot read directory: %s",
		    strerror(errno));
		return -errno;
	}
	for (int i = 0; i < n; i++) {
		sbuf_reset(&p);
		sbuf_printf(&p, "%s/%s", dir, names[i]->d_name);
		if (rc == 0)
			rc = pathlist_push(pl, sbuf_str(&p));
		free(names[i]);
	}
	free(names);
	sbuf_free(&p);
	return rc;
}

int
pathlist_add(struct pathlist *pl, const char *path, int required, struct diags *diags)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		int err = errno;
		if (!required && err == ENOENT)
			return 0;
		diags_add(diags, DIAG_ERROR, path, 0, 0, "%s", strerror(err));
		return -err;
	}
	if (S_ISDIR(st.st_mode))
		return pathlist_dir(pl, path, diags);
	return pathlist_push(pl, path);
}

void
pathlist_free(struct pathlist *pl)
{
	for (size_t i = 0; i < pl->n; i++)
		free(pl->v[i]);
	free(pl->v);
	pl->v = NULL;
	pl->n = 0;
}
