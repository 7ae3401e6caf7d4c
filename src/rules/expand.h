/* expand.h - the environment of lists and macros, and expansion on the syntax tree.
 * The environment maps each name to its latest definition.  Definitions are expanded when
 * they are added (eagerly), so a stored list holds only plain items and a stored macro body
 * contains no references: a later definition can never change an earlier one, and no cycle
 * can exist (a macro cannot see itself or anything defined after it).  Expansion of a
 * condition then needs no recursion through definitions, only one copy per reference.
 * Everything the environment stores lives in its arena until filter_env_free(). */
#ifndef SHIKRA_EXPAND_H
#define SHIKRA_EXPAND_H

#include <stdint.h>

#include "core/arena.h"
#include "rules/ast.h"
#include "rules/hmap.h"

/* Nodes + list values in one expanded tree or list.  Falco's whole default ruleset (the full
 * 80-rule version) loads within 1 << 16 units in total, so these limits leave wide margins
 * while keeping a hostile rule file to a few hundred MB and about a second. */
#define EXPAND_MAX_UNITS (1u << 18)
#define EXPAND_MAX_DEPTH 1000          /* tree depth after macro expansion */
/* Units over everything expanded against one environment (lists, macros and conditions of a
 * whole ruleset load): many rules each near EXPAND_MAX_UNITS would otherwise cost gigabytes.
 * It must exceed what a 1000-deep macro chain costs (~1.5M units), which the depth limit, not
 * this budget, is meant to stop. */
#define EXPAND_MAX_TOTAL (UINT64_C(2) << 20)

struct env_list {
	const char *name;
	struct ast_value *items;    /* already expanded; positions are meaningless */
	uint32_t n;
};

struct env_macro {
	const char *name;
	struct ast_node *ast;       /* fully expanded, nodes carry their origins */
	uint32_t size;              /* ast_size(ast) */
};

struct filter_env {
	struct arena mem;
	struct hmap *lists;         /* name -> struct env_list * */
	struct hmap *macros;        /* name -> struct env_macro * */
	uint64_t spent;             /* units expanded so far, against EXPAND_MAX_TOTAL */
};

/* Replace every macro reference in *ROOT by a copy of the macro's body and splice referenced
 * lists into list values; copies go into A.  SELF names the macro being defined (NULL for a
 * rule), for a clearer message when it refers to itself.  Problems go to R: an undefined
 * macro, or a tree past EXPAND_MAX_UNITS / EXPAND_MAX_DEPTH, or past what is left of
 * EXPAND_MAX_TOTAL (expansion stops there, before building the rest).  On success the tree's
 * units are added to ENV->spent.  Return 0 or -EINVAL. */
int expand_tree(struct filter_env *env, struct arena *a, struct ast_node **root,
                const char *self, struct ast_report *r);

/* Expand list items IN[0..N): an unquoted item naming a list (other than SELF) is replaced by
 * that list's items.  The result goes into A, positions set to those of the referencing items.
 * Return 0, or -E2BIG when the result would exceed EXPAND_MAX_UNITS items. */
int expand_items(const struct filter_env *env, struct arena *a, const char *self,
                 const struct ast_value *in, uint32_t n, struct ast_value **out, uint32_t *nout);

/* Give every node, operand and value of N that has no origin the origin O. */
void expand_set_origin(struct ast_node *n, const struct ast_origin *o);

#endif
