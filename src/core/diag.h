/* diag.h - user-facing problems with a position: "FILE:LINE:COL: error: MESSAGE".
 * Loaders (rules, config, replay input) append every problem they find to a struct diags and
 * keep going; the caller decides what to print and whether to fail.  A diags owns copies of
 * every string added to it. */
#ifndef SHIKRA_DIAG_H
#define SHIKRA_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum diag_severity { DIAG_ERROR, DIAG_WARNING };

struct diag {
	enum diag_severity sev;
	char     *file;     /* may be NULL when the problem has no file */
	unsigned  line;     /* 1-based; 0 = unknown */
	unsigned  col;      /* 1-based; 0 = unknown */
	char     *msg;
};

struct diags {
	struct diag *v;
	size_t       n;
	size_t       cap;
	size_t       nerrors;
	size_t       max;   /* 0 = the default cap; further problems are counted, not stored */
	size_t       dropped;
};

#define DIAGS_INIT { NULL, 0, 0, 0, 0, 0 }

void diags_add(struct diags *d, enum diag_severity sev, const char *file, unsigned line,
               unsigned col, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
bool diags_has_errors(const struct diags *d);
/* Print every problem, one per line, with control characters escaped. */
void diags_print(const struct diags *d, FILE *fp);
/* Format one problem as a line (no newline) into a malloc'd string the caller frees. */
char *diag_format(const struct diag *g);
void diags_free(struct diags *d);   /* leaves D empty and reusable */

#endif
