/* testutil.h - small helpers shared by the unit tests (not part of the library). */
#ifndef SHIKRA_TESTUTIL_H
#define SHIKRA_TESTUTIL_H

#include <stddef.h>

#include "core/diag.h"

/* Every problem in D, one formatted line each; the caller frees the string. */
char *diags_text(const struct diags *d);
/* The whole of PATH as a string (the test fails if it cannot be read); the caller frees it. */
char *read_text_file(const char *path);
/* The same, or NULL when PATH cannot be opened (a file that should not exist yet). */
char *slurp_file(const char *path);
/* The number of newlines in S (0 for NULL). */
size_t count_lines(const char *s);

#endif
