/* expand.c - macro and list expansion on the syntax tree (see expand.h).
 * Expansion is one walk over the condition's own tree (whose depth the parser caps): macro
 * bodies are spliced in as copies and never walked again, because they were expanded when
 * they were defined.  A budget on nodes and values stops the exponential growth a chain of
 * macros (m2 = m1 or m1, m3 = m2 or m2, ...) or of lists could otherwise cause. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "rules/expand.h"

struct expander {
	const struct filter_env *env;
	struct arena *a;
	const char *self;
	struct ast_report *r;
	uint64_t units;         /* size of the tree as expanded so far */
	uint64_t limit;         /* EXPAND_MAX_UNITS, or less when the ruleset budget is low */
	bool too_big;
};

static const struct env_list *
find_list(const struct filter_env *env, const char *name, uint32_t len)
{
	void *v = NULL;

	return hmap_get(env->lists, name, len, &v) ? v : NULL;
}

int
expand_items(const struct filter_env *env, struct arena *a, const char *self,
             const struct ast_value *in, uint32_t n, struct ast_value **out, uint32_t *nout)
{
	uint64_t total = 0;
	const struct env_list *l;
	struct ast_value *v;
	uint32_t k = 0;

	/* First pass: the size, so the result is one array and the cap is checked up front. */
	for (uint32_t i = 0; i < n; i++) {
		bool self_ref = self && strlen(self) == in[i].len &&
		                memcmp(self, in[i].s, in[i].len) == 0;
		l = (in[i].quoted || self_ref) ? NULL : find_list(env, in[i].s, in[i].len);
		total += l ? l->n : 1;
	}
	if (total > EXPAND_MAX_UNITS)
		return -E2BIG;
	v = arena_alloc(a, sizeof(*v) * (total ? total : 1));
	for (uint32_t i = 0; i < n; i++) {
		bool self_ref = self && strlen(self) == in[i].len &&
		                memcmp(self, in[i].s, in[i].len) == 0;
		l = (in[i].quoted || self_ref) ? NULL : find_list(env, in[i].s, in[i].len);
		if (l == NULL) {
			v[k] = in[i];
			v[k++].s = arena_strndup(a, in[i].s, in[i].len);
			continue;
		}
		for (uint32_t j = 0; j < l->n; j++) {
			v[k] = l->items[j];     /* strings are the env's, which outlives A's use */
			v[k++].pos = in[i].pos;
		}
	}
	*out = v;
	*nout = k;
	return 0;
}

static void
expand_check(struct expander *x, struct ast_node *n)
{
	struct ast_value *v;
	uint32_t nv;

	if (n->chk.rhs != RHS_LIST || n->chk.nvals == 0)
		return;
	if (expand_items(x->env, x->a, NULL, n->chk.vals, n->chk.nvals, &v, &nv) < 0) {
		x->too_big = true;
		return;
	}
	x->units += (uint64_t)nv - n->chk.nvals;
	if (x->units > x->limit)
		x->too_big = true;
	n->chk.vals = v;
	n->chk.nvals = nv;
}

static void
expand_ref(struct expander *x, struct ast_node **slot)
{
	const struct ast_node *n = *slot;
	void *v = NULL;
	const struct env_macro *m;

	if (!hmap_get(x->env->macros, n->ref.name, n->ref.len, &v)) {
		bool self = x->self && strcmp(x->self, n->ref.name) == 0;
		ast_report(x->r, DIAG_ERROR, &n->pos, "undefined macro '%s'%s", n->ref.name,
		           self ? " (a macro cannot refer to itself)" : "");
		return;
	}
	m = v;
	x->units += m->size;
	if (x->units > x->limit) {
		x->too_big = true;
		return;
	}
	*slot = ast_copy(m->ast, x->a);
}

static void
expand_node(struct expander *x, struct ast_node **slot)
{
	struct ast_node *n = *slot;

	if (x->too_big)
		return;
	switch (n->kind) {
	case AST_AND:
	case AST_OR:
	case AST_NOT:
		for (uint32_t i = 0; i < n->kids.n; i++)
			expand_node(x, &n->kids.v[i]);
		break;
	case AST_REF:
		expand_ref(x, slot);
		break;
	case AST_CHECK:
		expand_check(x, n);
		break;
	}
}

int
expand_tree(struct filter_env *env, struct arena *a, struct ast_node **root,
            const char *self, struct ast_report *r)
{
	struct expander x = { .env = env, .a = a, .self = self, .r = r };
	unsigned before = r->nerrors;
	struct ast_pos top = (*root)->pos;
	uint64_t left = env->spent < EXPAND_MAX_TOTAL ? EXPAND_MAX_TOTAL - env->spent : 0;

	x.limit = left < EXPAND_MAX_UNITS ? left : EXPAND_MAX_UNITS;
	x.units = ast_size(*root);
	x.too_big = x.units > x.limit;
	expand_node(&x, root);
	if (x.too_big && x.limit < EXPAND_MAX_UNITS) {
		ast_report(r, DIAG_ERROR, &top, "ruleset too large after expansion (limit %" PRIu64
		           " units over all lists, macros and conditions)", EXPAND_MAX_TOTAL);
	} else if (x.too_big) {
		ast_report(r, DIAG_ERROR, &top,
		           "condition too large after expanding macros and lists (limit %u)",
		           EXPAND_MAX_UNITS);
	} else if (r->nerrors == before && ast_depth(*root, EXPAND_MAX_DEPTH) > EXPAND_MAX_DEPTH) {
		ast_report(r, DIAG_ERROR, &top,
		           "condition nested too deeply after expanding macros (limit %u)",
		           EXPAND_MAX_DEPTH);
	}
	if (r->nerrors != before)
		return -EINVAL;
	env->spent += x.units;
	return 0;
}

static void
set_operand_origin(struct ast_operand *o, const struct ast_origin *origin)
{
	if (o->pos.origin == NULL)
		o->pos.origin = origin;
	if (o->fpos.origin == NULL)
		o->fpos.origin = origin;
}

void
expand_set_origin(struct ast_node *n, const struct ast_origin *o)
{
	if (n->pos.origin != NULL)
		return;             /* copied from another macro: keeps its own origin */
	n->pos.origin = o;
	switch (n->kind) {
	case AST_AND:
	case AST_OR:
	case AST_NOT:
		for (uint32_t i = 0; i < n->kids.n; i++)
			expand_set_origin(n->kids.v[i], o);
		break;
	case AST_REF:
		break;
	case AST_CHECK:
		n->chk.op_pos.origin = o;
		set_operand_origin(&n->chk.lhs, o);
		set_operand_origin(&n->chk.field, o);
		for (uint32_t i = 0; i < n->chk.nvals; i++)
			if (n->chk.vals[i].pos.origin == NULL)
				n->chk.vals[i].pos.origin = o;
		break;
	}
}
