/* compile.c - expanded syntax tree -> check tree (see compile.h).
 * This file owns the type rules: which operators apply to which class of field, what a
 * transformer accepts, when a field may stand on the right-hand side.  Constant parsing is in
 * constant.c.  Every problem is reported at its position and compilation goes on, so one
 * pass over a condition reports all of its errors. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rules/compile.h"
#include "rules/constant.h"
#include "rules/eval.h"

struct compiler {
	struct chk_prog *prog;
	struct ast_report *r;
	unsigned flags;
	bool *unknown;
	struct hmap *seen;          /* field names already in prog->fields */
};

enum chk_class
chk_class_of(enum field_type t)
{
	switch (t) {
	case FT_STRING:
		return CC_STRING;
	case FT_BOOL:
		return CC_BOOL;
	case FT_IPADDR:
	case FT_IPNET:
		return CC_IP;
	case FT_INT64:
	case FT_UINT64:
	case FT_PORT:
	case FT_ABSTIME:
	case FT_RELTIME:
		break;
	}
	return CC_NUMBER;
}

static struct chk *
new_node(struct compiler *c, enum chk_kind kind)
{
	struct chk *n = arena_zalloc(&c->prog->mem, sizeof(*n));

	n->kind = kind;
	return n;
}

/* Remember CMP so compile_release() frees its field refs, set and regex. */
static void
track(struct compiler *c, struct chk_cmp *cmp)
{
	struct chk_prog *p = c->prog;

	if (p->ncmps == p->capcmps) {
		size_t cap = p->capcmps ? p->capcmps * 2 : 16;
		struct chk_cmp **v = realloc(p->cmps, sizeof(*v) * cap);
		if (v == NULL)
			abort();    /* like the arena: no caller could do better */
		p->cmps = v;
		p->capcmps = cap;
	}
	p->cmps[p->ncmps++] = cmp;
}

/* Record the field name TEXT (without its [argument]) for filter_fields(); return it. */
static const char *
note_field(struct compiler *c, const char *text, uint32_t len)
{
	const char *br = memchr(text, '[', len);
	uint32_t n = br ? (uint32_t)(br - text) : len;
	struct chk_prog *p = c->prog;
	void *v = NULL;

	if (hmap_get(c->seen, text, n, &v))
		return v;
	char *name = arena_strndup(&p->mem, text, n);
	if (p->nfields == p->capfields) {
		size_t cap = p->capfields ? p->capfields * 2 : 16;
		const char **f = realloc(p->fields, sizeof(*f) * cap);
		if (f == NULL)
			abort();
		p->fields = f;
		p->capfields = cap;
	}
	p->fields[p->nfields++] = name;
	if (hmap_put(c->seen, text, n, name) < 0)
		abort();
	return name;
}

/* Resolve A into O: the field through the table, then the transformers' types. */
static int
resolve_operand(struct compiler *c, const struct ast_operand *a, struct chk_operand *o)
{
	const char *why = NULL;
	int rc;

	o->name = note_field(c, a->field, a->flen);
	rc = field_lookup(a->field, a->flen, &o->ref, &why);
	if (rc == -ENOENT && (c->flags & FILTER_SKIP_UNKNOWN)) {
		*c->unknown = true;
		ast_report(c->r, DIAG_WARNING, &a->fpos, "unknown field '%s'", a->field);
		return rc;
	}
	if (rc == -ENOENT) {
		ast_report(c->r, DIAG_ERROR, &a->fpos, "unknown field '%s'", a->field);
		return rc;
	}
	if (rc < 0) {
		ast_report(c->r, DIAG_ERROR, &a->fpos, "invalid field '%s': %s", a->field,
		           why ? why : "bad argument");
		return rc;
	}
	o->type = o->ref.def->type;
	for (int i = a->nxf - 1; i >= 0; i--) {
		if (o->type != FT_STRING) {
			ast_report(c->r, DIAG_ERROR, &a->pos,
			           "transformer '%s' needs a string, but '%s' is %s",
			           ast_xform_name(a->xf[i]), a->field, field_type_name(o->type));
			return -EINVAL;
		}
		o->xf[o->nxf++] = a->xf[i];
		o->type = a->xf[i] == XF_LEN ? FT_UINT64 : FT_STRING;
	}
	return 0;
}

/* Remember NAME, once, among the fields whose comparisons compiled as false. */
static void
note_folded(struct compiler *c, const char *name)
{
	struct chk_prog *p = c->prog;

	for (size_t i = 0; i < p->nfolded; i++)
		if (strcmp(p->folded[i], name) == 0)
			return;
	if (p->nfolded == p->capfolded) {
		size_t cap = p->capfolded ? p->capfolded * 2 : 4;
		const char **v = realloc(p->folded, sizeof(*v) * cap);
		if (v == NULL)
			abort();
		p->folded = v;
		p->capfolded = cap;
	}
	p->folded[p->nfolded++] = name;
}

/* Fields that give both ends of a connection as separate values.  Falco compares them
 * end by end: "fd.ip = X" holds when either end is X, "fd.ip != X" only when neither is
 * (so "fd.net != 127.0.0.0/8" excludes a connection with a loopback end).  Every other
 * multi-valued field (proc.aname, ...) holds when any value matches, for != too. */
static const char *const either_end_fields[] = { "fd.ip", "fd.port", "fd.net" };

static bool
is_either_end(const struct chk_operand *o)
{
	for (size_t i = 0; i < sizeof(either_end_fields) / sizeof(either_end_fields[0]); i++)
		if (strcmp(o->ref.def->name, either_end_fields[i]) == 0)
			return true;
	return false;
}

/* evt.dir: every event we see is an exit event, so `evt.dir = <` is true and `evt.dir = >`
 * false.  Returns the folded node, or NULL when N is not such a check. */
static struct chk *
fold_evt_dir(struct compiler *c, const struct ast_node *n)
{
	const struct ast_operand *l = &n->chk.lhs;
	bool exit_dir = false;
	const char *name;

	if (l->nxf != 0 || strcmp(l->field, "evt.dir") != 0 || n->chk.rhs == RHS_FIELD)
		return NULL;
	if (n->chk.op != OP_EQ && n->chk.op != OP_NE && n->chk.op != OP_IN &&
	    n->chk.op != OP_INTERSECTS && n->chk.op != OP_EXISTS)
		return NULL;
	name = note_field(c, l->field, l->flen);
	for (uint32_t i = 0; i < n->chk.nvals; i++)
		if (strcmp(n->chk.vals[i].s, "<") == 0)
			exit_dir = true;
	if (n->chk.op == OP_EXISTS)
		exit_dir = true;
	else if (n->chk.op == OP_NE)
		exit_dir = !exit_dir;
	if (!exit_dir)
		note_folded(c, name);
	return new_node(c, exit_dir ? CHK_TRUE : CHK_FALSE);
}

/* Is OP defined for fields of class CLS? */
static bool
op_applies(enum ast_op op, enum chk_class cls)
{
	unsigned f = ast_op_info(op)->flags;

	if (f & OPF_TEXT)
		return cls == CC_STRING;
	if (f & OPF_ORDER)
		return cls == CC_NUMBER;
	return true;
}

static int
compile_rhs_field(struct compiler *c, const struct ast_node *n, struct chk_cmp *cmp)
{
	const struct ast_operand *a = &n->chk.field;
	int rc;

	if (ast_op_info(cmp->op)->flags & OPF_NOFIELD) {
		ast_report(c->r, DIAG_ERROR, &a->pos, "operator '%s' cannot compare with a field",
		           ast_op_info(cmp->op)->name);
		return -EINVAL;
	}
	if (cmp->lhs.type == FT_IPNET) {
		ast_report(c->r, DIAG_ERROR, &a->pos, "field '%s' (ipnet) cannot compare with a field",
		           cmp->lhs.name);
		return -EINVAL;
	}
	cmp->rhs = arena_zalloc(&c->prog->mem, sizeof(*cmp->rhs));
	if ((rc = resolve_operand(c, a, cmp->rhs)) < 0)
		return rc;
	if (chk_class_of(cmp->rhs->type) != cmp->cls) {
		ast_report(c->r, DIAG_ERROR, &a->pos, "cannot compare '%s' (%s) with '%s' (%s)",
		           cmp->lhs.name, field_type_name(cmp->lhs.type), cmp->rhs->name,
		           field_type_name(cmp->rhs->type));
		return -EINVAL;
	}
	return 0;
}

static int
compile_constants(struct compiler *c, const struct ast_node *n, struct chk_cmp *cmp)
{
	char why[256];
	int rc = 0;

	cmp->nvals = n->chk.nvals;
	cmp->vals = arena_zalloc(&c->prog->mem, sizeof(*cmp->vals) * (cmp->nvals ? cmp->nvals : 1));
	for (uint32_t i = 0; i < cmp->nvals; i++) {
		const struct ast_value *v = &n->chk.vals[i];

		if (constant_parse(cmp, v->s, v->len, &c->prog->mem, &cmp->vals[i], why,
		                   sizeof(why)) < 0) {
			ast_report(c->r, DIAG_ERROR, &v->pos, "%s", why);
			rc = -EINVAL;
		}
	}
	if (rc < 0)
		return rc;
	rc = constant_finish(cmp, why, sizeof(why));
	if (rc == -ENOMEM)
		abort();
	if (rc < 0)
		ast_report(c->r, DIAG_ERROR, &n->chk.vals[0].pos, "%s", why);
	return rc;
}

/* A comparison on a field shikra can never supply is false whatever the event (eval_cmp()
 * answers false when a side has no value).  Fold it, so that the event types and paths a
 * rule needs say so (no audit rule for a syscall only such a rule wants), and remember the
 * field for the load warning.  K stays tracked, so its parts are still released. */
static struct chk *
fold_missing(struct compiler *c, struct chk *k)
{
	const struct chk_cmp *cmp = &k->cmp;
	const struct chk_operand *o = NULL;

	if (field_never_available(cmp->lhs.ref.def))
		o = &cmp->lhs;
	else if (cmp->rhs && field_never_available(cmp->rhs->ref.def))
		o = cmp->rhs;
	if (o == NULL)
		return k;
	note_folded(c, o->name);
	return new_node(c, CHK_FALSE);
}

static struct chk *
compile_check(struct compiler *c, const struct ast_node *n)
{
	struct chk *k = fold_evt_dir(c, n);
	struct chk_cmp *cmp;

	if (k != NULL)
		return k;
	k = new_node(c, CHK_CMP);
	cmp = &k->cmp;
	track(c, cmp);
	cmp->op = n->chk.op;
	if (resolve_operand(c, &n->chk.lhs, &cmp->lhs) < 0)
		return NULL;
	cmp->cls = chk_class_of(cmp->lhs.type);
	if (!op_applies(cmp->op, cmp->cls)) {
		ast_report(c->r, DIAG_ERROR, &n->chk.op_pos,
		           "operator '%s' cannot be used with '%s' (%s)", ast_op_info(cmp->op)->name,
		           cmp->lhs.name, field_type_name(cmp->lhs.type));
		return NULL;
	}
	switch (n->chk.rhs) {
	case RHS_NONE:
		return fold_missing(c, k);
	case RHS_FIELD:
		return compile_rhs_field(c, n, cmp) < 0 ? NULL : fold_missing(c, k);
	case RHS_VALUE:
	case RHS_LIST:
		break;
	}
	cmp->type_alias = cmp->lhs.nxf == 0 && strcmp(cmp->lhs.ref.def->name, "evt.type") == 0 &&
	                  (cmp->op == OP_EQ || cmp->op == OP_NE || cmp->op == OP_IN ||
	                   cmp->op == OP_INTERSECTS);
	cmp->ne_all = cmp->op == OP_NE && cmp->lhs.nxf == 0 &&
	              (is_either_end(&cmp->lhs) || cmp->type_alias);
	if (compile_constants(c, n, cmp) < 0)
		return NULL;
	if (cmp->type_alias)
		cmp->types = eval_type_table(cmp, &c->prog->mem);
	return fold_missing(c, k);
}

static struct chk *compile_node(struct compiler *c, const struct ast_node *n);

/* A growable array of children, copied into the arena when complete. */
struct chkvec {
	struct chk **v;
	uint32_t n, cap;
};

static void
chkvec_push(struct chkvec *v, struct chk *k)
{
	if (v->n == v->cap) {
		uint32_t cap = v->cap ? v->cap * 2 : 8;
		struct chk **nv = realloc(v->v, sizeof(*nv) * cap);
		if (nv == NULL)
			abort();
		v->v = nv;
		v->cap = cap;
	}
	v->v[v->n++] = k;
}

/* and/or: flatten nested nodes of the same kind, drop neutral constants, fold absorbing ones
 * (false for and, true for or).  Every child is still compiled, to report all errors. */
static struct chk *
compile_group(struct compiler *c, const struct ast_node *n)
{
	enum chk_kind kind = n->kind == AST_AND ? CHK_AND : CHK_OR;
	enum chk_kind neutral = kind == CHK_AND ? CHK_TRUE : CHK_FALSE;
	enum chk_kind absorbing = kind == CHK_AND ? CHK_FALSE : CHK_TRUE;
	struct chkvec v = { 0 };
	bool failed = false, absorbed = false;
	struct chk *out;

	for (uint32_t i = 0; i < n->kids.n; i++) {
		struct chk *k = compile_node(c, n->kids.v[i]);

		if (k == NULL)
			failed = true;
		else if (k->kind == absorbing)
			absorbed = true;
		else if (k->kind == kind)
			for (uint32_t j = 0; j < k->kids.n; j++)
				chkvec_push(&v, k->kids.v[j]);
		else if (k->kind != neutral)
			chkvec_push(&v, k);
	}
	if (failed)
		out = NULL;
	else if (absorbed || v.n == 0)
		out = new_node(c, absorbed ? absorbing : neutral);
	else if (v.n == 1)
		out = v.v[0];
	else {
		out = new_node(c, kind);
		out->kids.n = v.n;
		out->kids.v = arena_alloc(&c->prog->mem, sizeof(*out->kids.v) * v.n);
		memcpy(out->kids.v, v.v, sizeof(*out->kids.v) * v.n);
	}
	free(v.v);
	return out;
}

static struct chk *
compile_not(struct compiler *c, const struct ast_node *n)
{
	struct chk *k = compile_node(c, n->kids.v[0]), *out;

	if (k == NULL)
		return NULL;
	if (k->kind == CHK_TRUE || k->kind == CHK_FALSE)
		return new_node(c, k->kind == CHK_TRUE ? CHK_FALSE : CHK_TRUE);
	if (k->kind == CHK_NOT)
		return k->kids.v[0];
	out = new_node(c, CHK_NOT);
	out->kids.n = 1;
	out->kids.v = arena_alloc(&c->prog->mem, sizeof(*out->kids.v));
	out->kids.v[0] = k;
	return out;
}

static struct chk *
compile_node(struct compiler *c, const struct ast_node *n)
{
	switch (n->kind) {
	case AST_AND:
	case AST_OR:
		return compile_group(c, n);
	case AST_NOT:
		return compile_not(c, n);
	case AST_CHECK:
		return compile_check(c, n);
	case AST_REF:
		/* The expander resolves every reference; one left here is a bug upstream. */
		ast_report(c->r, DIAG_ERROR, &n->pos, "unexpanded macro '%s'", n->ref.name);
		return NULL;
	}
	return NULL;
}

int
compile_tree(const struct ast_node *root, unsigned flags, struct chk_prog *prog,
             struct ast_report *r, bool *unknown)
{
	struct compiler c = { .prog = prog, .r = r, .flags = flags, .unknown = unknown };
	unsigned before = r->nerrors;

	*unknown = false;
	if (hmap_new(&c.seen) < 0)
		return -ENOMEM;
	prog->root = compile_node(&c, root);
	hmap_free(c.seen);
	if (prog->root == NULL || r->nerrors != before || *unknown)
		return -EINVAL;
	return 0;
}

void
compile_release(struct chk_prog *prog)
{
	if (prog == NULL)
		return;
	for (size_t i = 0; i < prog->ncmps; i++) {
		struct chk_cmp *cmp = prog->cmps[i];

		field_ref_clear(&cmp->lhs.ref);
		if (cmp->rhs)
			field_ref_clear(&cmp->rhs->ref);
		hmap_free(cmp->set);
		if (cmp->re) {
			regfree(cmp->re);
			free(cmp->re);
		}
	}
	free(prog->cmps);
	free((void *)prog->fields);
	free((void *)prog->folded);
	arena_free(&prog->mem);
	memset(prog, 0, sizeof(*prog));
}
