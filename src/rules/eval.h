/* eval.h - running a check tree (see compile.h) on one event.
 * Evaluation short-circuits and/or, never fails and never allocates except transformer output
 * in the caller's scratch arena.  A comparison on a field the event cannot supply is false,
 * whatever the operator (`!=` included, as in Falco); `exists` is true exactly when the field
 * has a value.  A field with several values (proc.aname) matches when any value does, except
 * for the comparisons compile.c marks ne_all. */
#ifndef SHIKRA_EVAL_H
#define SHIKRA_EVAL_H

#include <stdbool.h>

#include "core/arena.h"
#include "event/event.h"
#include "rules/compile.h"

bool eval_chk(const struct chk *c, const struct event *ev, struct arena *scratch);

/* For an evt.type comparison with constants (chk_cmp.type_alias): the result of CMP for each
 * event type, as a bitmap over enum event_type allocated in MEM, computed with the same
 * matching as any value.  eval_chk() answers from it for an event whose evt.type is its
 * type's own name and which stands for no other syscalls: most rules test evt.type, and a
 * rule offered to an event (see ruleset.h) usually tests it again. */
uint64_t *eval_type_table(const struct chk_cmp *cmp, struct arena *mem);

/* fanotify reports one "open" for open/openat/openat2 and one "rename" for the rename family.
 * Such an event stands for each syscall of its group: a comparison of evt.type with names
 * (=, !=, in, intersects) holds for it as it would for any of them (!= only when it holds
 * for all), and the ruleset offers it to every rule that names one of them.  %evt.type in
 * an output still prints the fanotify name. */
#define EVAL_FAN_GROUPS 2
#define EVAL_FAN_ALIASES 3

struct eval_fan_group {
	enum event_type fan;                        /* the fanotify event's type */
	enum event_type alias[EVAL_FAN_ALIASES];    /* the syscalls it stands for */
};

/* Group G, 0 <= G < EVAL_FAN_GROUPS. */
const struct eval_fan_group *eval_fan_group(size_t g);
/* The group EV belongs to: a fanotify event of a grouped type.  NULL for any other event. */
const struct eval_fan_group *eval_fan_group_of(const struct event *ev);

/* Apply transformer XF (enum ast_xform) to V in place, new strings in SCRATCH.  False drops
 * the value (a transformer on a non-string, or b64 of invalid input).  Output templates use
 * it too, so conditions and outputs transform alike. */
bool eval_xform(uint8_t xf, struct fvalue *v, struct arena *scratch);

#endif
