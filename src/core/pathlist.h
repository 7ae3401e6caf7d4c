/* pathlist.h - turn rule paths (files or directories) into the ordered list of files to load.
 * A directory contributes its *.yaml and *.yml files (not hidden ones), sorted by name, as
 * Falco does for rules_files; a file is taken as it is. */
#ifndef SHIKRA_PATHLIST_H
#define SHIKRA_PATHLIST_H

#include <stddef.h>

#include "core/diag.h"

struct pathlist {
	char **v;
	size_t n;
};

#define PATHLIST_INIT { NULL, 0 }

/* Append the files PATH stands for to PL.  A missing PATH is an error in DIAGS when REQUIRED,
 * else ignored (the default rules_files may name a directory that does not exist).
 * Return 0, -ENOENT or another -errno. */
int  pathlist_add(struct pathlist *pl, const char *path, int required, struct diags *diags);
void pathlist_free(struct pathlist *pl);    /* leaves PL empty */

#endif
