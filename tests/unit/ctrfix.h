/* ctrfix.h - container runtime files for the container table's tests: a copy of
 * tests/data/containers/ under a temporary directory, with every "@ROOT@" in the files
 * replaced by that directory (bundle paths in runc's state.json are absolute), and helpers to
 * add or damage files.  Every helper aborts the test on a failed system call. */
#ifndef SHIKRA_TEST_CTRFIX_H
#define SHIKRA_TEST_CTRFIX_H

#include <stddef.h>

/* The ids of the fixture containers. */
#define FIX_PODMAN "060ae9a03ac33aea9984976b45b44601b4d20d5bb66f41797aea8f15c6ab153b"
#define FIX_CRI    "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"
#define FIX_CRIO   "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00"
#define FIX_DOCKER "d0cce7d0cce7d0cce7d0cce7d0cce7d0cce7d0cce7d0cce7d0cce7d0cce7d0cc"

struct ctrfix {
	char root[128];
};

void ctrfix_init(struct ctrfix *fx);        /* needs $TOP_SRCDIR */
void ctrfix_cleanup(struct ctrfix *fx);
/* ROOT/REL into OUT. */
void ctrfix_path(const struct ctrfix *fx, const char *rel, char *out, size_t n);
/* Write (replace) ROOT/REL with LEN bytes of DATA, creating directories. */
void ctrfix_write(const struct ctrfix *fx, const char *rel, const char *data, size_t len);
void ctrfix_writes(const struct ctrfix *fx, const char *rel, const char *text);
void ctrfix_mkdir(const struct ctrfix *fx, const char *rel);    /* with parents */

#endif
