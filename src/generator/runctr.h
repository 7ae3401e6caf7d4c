/* runctr.h - the host side of `run --container`: podman containers that run the container
 * actions with `run --inside`. */
#ifndef SHIKRA_GEN_RUNCTR_H
#define SHIKRA_GEN_RUNCTR_H

#include <regex.h>

#include "generator/gen.h"

/* Run every container action matching RE (NULL: all): those without needs in one container
 * of G->image, the others in a container each.  The inner lines are passed through; an
 * action whose container failed gets an error line.  Exit status: 0 if all ran, else 1. */
int gen_run_containers(struct gen_ctx *g, const regex_t *re);

#endif
