/* eval.h - running a check tree (see compile.h) on one event.
 * Evaluation short-circuits and/or, never fails and never allocates except transformer output
 * in the caller's scratch arena.  A comparison on a field the event cannot supply is false,
 * whatever the operator (`!=` included, as in Falco); `exists` is true exactly when the field
 * has a value.  A field with several values (proc.aname) matches when any value does. */
#ifndef SHIKRA_EVAL_H
#define SHIKRA_EVAL_H

#include <stdbool.h>

#include "core/arena.h"
#include "event/event.h"
#include "rules/compile.h"

bool eval_chk(const struct chk *c, const struct event *ev, struct arena *scratch);

/* Apply transformer XF (enum ast_xform) to V in place, new strings in SCRATCH.  False drops
 * the value (a transformer on a non-string, or b64 of invalid input).  Output templates use
 * it too, so conditions and outputs transform alike. */
bool eval_xform(uint8_t xf, struct fvalue *v, struct arena *scratch);

#endif
