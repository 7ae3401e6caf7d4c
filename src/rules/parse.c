/* parse.c - recursive-descent parser for Falco conditions (see parse.h).
 *
 * Grammar (EBNF; `not`, `and`, `or` bind in that order, tighter first):
 *
 *   condition ::= or EOF
 *   or        ::= and ( "or" and )*
 *   and       ::= not ( "and" not )*
 *   not       ::= "not"* primary
 *   primary   ::= "(" or ")"
 *               | operand "exists"
 *               | operand cmpop value
 *               | operand listop list
 *               | IDENT                                  -- a macro reference
 *   operand   ::= FIELD | XFORM "(" operand ")"
 *   value     ::= STRING | BARE | rhsfield
 *   list      ::= "(" [ item ( "," item )* ] ")"         -- items may name lists
 *               | BARE                                   -- a list name
 *               | rhsfield
 *   item      ::= STRING | BARE
 *   rhsfield  ::= "val(" FIELD ")" | XFORM "(" operand ")"
 *   cmpop     ::= "=" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "contains" | "icontains"
 *               | "bcontains" | "startswith" | "bstartswith" | "endswith" | "glob"
 *               | "iglob" | "regex"
 *   listop    ::= "in" | "intersects" | "pmatch"
 *   XFORM     ::= "tolower" | "toupper" | "b64" | "basename" | "len"   -- '(' glued on
 *
 * FIELD and IDENT are the same token shape ([A-Za-z_][A-Za-z0-9_.]* plus an optional
 * [argument]); a word with a dot, or one followed by an operator, is a field.  Values are read
 * in the lexer's value mode, where `/etc/passwd`, `<` and `10.0.0.0/8` are bare strings.
 * Depth is capped at PARSE_MAX_DEPTH nested parentheses and `not`s, so hostile input fails
 * with an error instead of exhausting the stack; and/or chains are built iteratively. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules/lex.h"
#include "rules/parse.h"

struct parser {
	struct lexer lx;
	struct arena *a;
	uint32_t depth;
	struct parse_error *err;
	struct sbuf tmp;
};

/* A growable array of node pointers, copied into the arena when complete. */
struct nodevec {
	struct ast_node **v;
	uint32_t n, cap;
};

static int parse_or(struct parser *p, struct ast_node **out);

static bool
tok_is(const struct parser *p, const struct lex_token *t, const char *word)
{
	return t->kind == LEX_WORD && strlen(word) == t->len &&
	       memcmp(p->lx.src + t->off, word, t->len) == 0;
}

/* "'text'" (cut at 40 bytes on a character boundary) or "end of condition". */
static void
describe(const struct parser *p, const struct lex_token *t, char *buf, size_t n)
{
	uint32_t len = t->len;

	if (t->kind == LEX_EOF) {
		snprintf(buf, n, "end of condition");
		return;
	}
	if (len > 40) {
		len = 40;
		while (len > 0 && ((unsigned char)p->lx.src[t->off + len] & 0xc0) == 0x80)
			len--;
	}
	snprintf(buf, n, "'%.*s'%s", (int)len, p->lx.src + t->off, len < t->len ? "..." : "");
}

static int __attribute__((format(printf, 3, 4)))
fail(struct parser *p, uint32_t off, const char *fmt, ...)
{
	va_list ap;

	p->err->off = off;
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Fail at T with "expected WHAT, found <T>". */
static int
fail_expected(struct parser *p, const struct lex_token *t, const char *what)
{
	char d[64];

	describe(p, t, d, sizeof(d));
	return fail(p, t->off, "expected %s, found %s", what, d);
}

static int
next(struct parser *p, enum lex_mode mode, struct lex_token *t)
{
	struct lex_error le;

	if (lex_next(&p->lx, mode, t, &le) < 0)
		return fail(p, le.off, "%s", le.msg);
	return 0;
}

static int
peek(struct parser *p, enum lex_mode mode, struct lex_token *t)
{
	struct lexer save = p->lx;
	int rc = next(p, mode, t);

	p->lx = save;
	return rc;
}

static struct ast_pos
pos_at(uint32_t off)
{
	return (struct ast_pos){ .off = off, .origin = NULL };
}

static int
vec_push(struct nodevec *v, struct ast_node *n)
{
	if (v->n == v->cap) {
		uint32_t cap = v->cap ? v->cap * 2 : 8;
		struct ast_node **nv = realloc(v->v, sizeof(*nv) * cap);
		if (nv == NULL)
			return -ENOMEM;
		v->v = nv;
		v->cap = cap;
	}
	v->v[v->n++] = n;
	return 0;
}

static struct ast_node *
new_group(struct parser *p, enum ast_kind kind, struct nodevec *v)
{
	struct ast_node *n = arena_zalloc(p->a, sizeof(*n));

	n->kind = kind;
	n->pos = v->v[0]->pos;
	n->kids.n = v->n;
	n->kids.v = arena_alloc(p->a, sizeof(*n->kids.v) * v->n);
	memcpy(n->kids.v, v->v, sizeof(*n->kids.v) * v->n);
	return n;
}

/* and/or chains: SUB ( WORD SUB )*, flattened into one node. */
static int
parse_chain(struct parser *p, const char *word, enum ast_kind kind,
            int (*sub)(struct parser *, struct ast_node **), struct ast_node **out)
{
	struct nodevec v = { 0 };
	struct ast_node *n;
	struct lex_token t;
	int rc;

	for (;;) {
		if ((rc = sub(p, &n)) < 0 || (rc = vec_push(&v, n)) < 0)
			goto fail;
		if ((rc = peek(p, LEX_MODE_COND, &t)) < 0)
			goto fail;
		if (!tok_is(p, &t, word))
			break;
		next(p, LEX_MODE_COND, &t);
	}
	*out = v.n == 1 ? v.v[0] : new_group(p, kind, &v);
	free(v.v);
	return 0;
fail:
	free(v.v);
	return rc;
}

static int parse_not(struct parser *p, struct ast_node **out);

static int
parse_and(struct parser *p, struct ast_node **out)
{
	return parse_chain(p, "and", AST_AND, parse_not, out);
}

static int
parse_or(struct parser *p, struct ast_node **out)
{
	return parse_chain(p, "or", AST_OR, parse_and, out);
}

/* Copy a field word, unquoting a quoted [argument]: proc.env["A B"] -> proc.env[A B]. */
static int
field_text(struct parser *p, const struct lex_token *t, struct ast_operand *o)
{
	const char *s = p->lx.src + t->off;
	const char *br = memchr(s, '[', t->len);
	struct lex_error le;

	if (br == NULL || (br[1] != '"' && br[1] != '\'')) {
		o->field = arena_strndup(p->a, s, t->len);
		o->flen = t->len;
		return 0;
	}
	sbuf_reset(&p->tmp);
	sbuf_add(&p->tmp, s, (size_t)(br - s) + 1);
	uint32_t qlen = t->len - (uint32_t)(br - s) - 2;
	if (lex_unquote(br + 1, qlen, &p->tmp, &le) < 0)
		return fail(p, t->off + (uint32_t)(br + 1 - s) + le.off, "%s", le.msg);
	sbuf_putc(&p->tmp, ']');
	o->field = arena_strndup(p->a, sbuf_str(&p->tmp), p->tmp.len);
	o->flen = (uint32_t)p->tmp.len;
	return 0;
}

/* operand ::= FIELD | XFORM "(" operand ")", starting at the already read word T. */
static int
parse_operand(struct parser *p, const struct lex_token *t, struct ast_operand *o)
{
	const char *s = p->lx.src + t->off;
	int xf = ast_xform_lookup(s, t->len);
	struct lex_token u;

	if (xf < 0 || !lex_paren_follows(&p->lx)) {
		if (!t->ident)
			return fail_expected(p, t, "a field name");
		o->fpos = pos_at(t->off);
		return field_text(p, t, o);
	}
	if (o->nxf == AST_MAX_XFORMS)
		return fail(p, t->off, "too many nested transformers (at most %d)", AST_MAX_XFORMS);
	o->xf[o->nxf++] = (uint8_t)xf;
	next(p, LEX_MODE_COND, &u);                     /* the '(' */
	if (next(p, LEX_MODE_COND, &u) < 0)
		return -EINVAL;
	if (u.kind != LEX_WORD)
		return fail_expected(p, &u, "a field name");
	if (parse_operand(p, &u, o) < 0 || next(p, LEX_MODE_COND, &u) < 0)
		return -EINVAL;
	if (u.kind != LEX_RPAREN)
		return fail_expected(p, &u, "')'");
	return 0;
}

/* rhsfield ::= "val(" FIELD ")" | XFORM "(" operand ")", at the value word T. */
static int
parse_rhs_field(struct parser *p, const struct lex_token *t, struct ast_node *n)
{
	struct ast_operand *o = &n->chk.field;
	struct lex_token u;

	n->chk.rhs = RHS_FIELD;
	o->pos = pos_at(t->off);
	if (!tok_is(p, t, "val"))
		return parse_operand(p, t, o);
	o->is_val = true;
	next(p, LEX_MODE_COND, &u);                     /* the '(' */
	if (next(p, LEX_MODE_COND, &u) < 0)
		return -EINVAL;
	if (u.kind != LEX_WORD || !u.ident)
		return fail_expected(p, &u, "a field name");
	o->fpos = pos_at(u.off);
	if (field_text(p, &u, o) < 0 || next(p, LEX_MODE_COND, &u) < 0)
		return -EINVAL;
	if (u.kind != LEX_RPAREN)
		return fail_expected(p, &u, "')'");
	return 0;
}

/* True if the value word T starts a field on the right-hand side: val( or tolower( ... */
static bool
starts_rhs_field(const struct parser *p, const struct lex_token *t)
{
	const char *s = p->lx.src + t->off;

	return t->kind == LEX_WORD && lex_paren_follows(&p->lx) &&
	       (tok_is(p, t, "val") || ast_xform_lookup(s, t->len) >= 0);
}

/* Fill V from the STRING or BARE token T. */
static int
make_value(struct parser *p, const struct lex_token *t, struct ast_value *v)
{
	const char *s = p->lx.src + t->off;
	struct lex_error le;

	v->pos = pos_at(t->off);
	v->quoted = t->kind == LEX_STRING;
	if (!v->quoted) {
		v->s = arena_strndup(p->a, s, t->len);
		v->len = t->len;
		return 0;
	}
	sbuf_reset(&p->tmp);
	if (lex_unquote(s, t->len, &p->tmp, &le) < 0)
		return fail(p, t->off + le.off, "%s", le.msg);
	v->s = arena_strndup(p->a, sbuf_str(&p->tmp), p->tmp.len);
	v->len = (uint32_t)p->tmp.len;
	return 0;
}

/* A growable array of values. */
struct valvec {
	struct ast_value *v;
	uint32_t n, cap;
};

static struct ast_value *
valvec_add(struct valvec *vv)
{
	if (vv->n == vv->cap) {
		uint32_t cap = vv->cap ? vv->cap * 2 : 8;
		struct ast_value *nv = realloc(vv->v, sizeof(*nv) * cap);
		if (nv == NULL)
			return NULL;
		vv->v = nv;
		vv->cap = cap;
	}
	return &vv->v[vv->n++];
}

/* The items of "(" ... ")" after the '(' at OPEN. */
static int
parse_items(struct parser *p, uint32_t open, struct valvec *vv)
{
	struct lex_token t;
	struct ast_value *v;

	if (next(p, LEX_MODE_VALUE, &t) < 0)
		return -EINVAL;
	if (t.kind == LEX_RPAREN)
		return 0;
	for (;;) {
		if (t.kind != LEX_WORD && t.kind != LEX_STRING)
			return fail_expected(p, &t, "a list item");
		if ((v = valvec_add(vv)) == NULL)
			return -ENOMEM;
		if (make_value(p, &t, v) < 0 || next(p, LEX_MODE_VALUE, &t) < 0)
			return -EINVAL;
		if (t.kind == LEX_RPAREN)
			return 0;
		if (t.kind == LEX_EOF)
			return fail(p, open, "unterminated list: missing ')'");
		if (t.kind != LEX_COMMA)
			return fail_expected(p, &t, "',' or ')' in list");
		if (next(p, LEX_MODE_VALUE, &t) < 0)
			return -EINVAL;
	}
}

static int
parse_list(struct parser *p, struct ast_node *n, const char *opname)
{
	struct valvec vv = { 0 };
	struct lex_token t;
	char what[48];
	int rc;

	if (next(p, LEX_MODE_VALUE, &t) < 0)
		return -EINVAL;
	if (starts_rhs_field(p, &t))
		return parse_rhs_field(p, &t, n);
	n->chk.rhs = RHS_LIST;
	if (t.kind == LEX_WORD) {           /* a bare list name: expanded later */
		n->chk.vals = arena_zalloc(p->a, sizeof(*n->chk.vals));
		n->chk.nvals = 1;
		return make_value(p, &t, &n->chk.vals[0]);
	}
	snprintf(what, sizeof(what), "a list after '%s'", opname);
	if (t.kind != LEX_LPAREN)
		return fail_expected(p, &t, what);
	rc = parse_items(p, t.off, &vv);
	if (rc == 0) {
		n->chk.vals = arena_alloc(p->a, sizeof(*vv.v) * (vv.n ? vv.n : 1));
		if (vv.n)
			memcpy(n->chk.vals, vv.v, sizeof(*vv.v) * vv.n);
		n->chk.nvals = vv.n;
	}
	free(vv.v);
	return rc;
}

static int
parse_value(struct parser *p, struct ast_node *n, const char *opname)
{
	struct lex_token t;
	char what[48];

	if (next(p, LEX_MODE_VALUE, &t) < 0)
		return -EINVAL;
	if (starts_rhs_field(p, &t))
		return parse_rhs_field(p, &t, n);
	if (t.kind != LEX_WORD && t.kind != LEX_STRING) {
		snprintf(what, sizeof(what), "a value after '%s'", opname);
		return fail_expected(p, &t, what);
	}
	n->chk.rhs = RHS_VALUE;
	n->chk.vals = arena_zalloc(p->a, sizeof(*n->chk.vals));
	n->chk.nvals = 1;
	return make_value(p, &t, &n->chk.vals[0]);
}

/* operand op rhs, starting at the word T. */
static int
parse_check(struct parser *p, const struct lex_token *t, struct ast_node **out)
{
	struct ast_node *n = arena_zalloc(p->a, sizeof(*n));
	struct lex_token u;
	char d[64];
	int op;

	n->kind = AST_CHECK;
	n->pos = pos_at(t->off);
	n->chk.lhs.pos = n->pos;
	if (parse_operand(p, t, &n->chk.lhs) < 0 || next(p, LEX_MODE_COND, &u) < 0)
		return -EINVAL;
	op = (u.kind == LEX_WORD || u.kind == LEX_SYMBOL)
	     ? ast_op_lookup(p->lx.src + u.off, u.len) : -1;
	if (op < 0) {
		describe(p, &u, d, sizeof(d));
		if (u.kind == LEX_WORD && u.ident && !tok_is(p, &u, "and") && !tok_is(p, &u, "or") &&
		    !tok_is(p, &u, "not"))
			return fail(p, u.off, "unknown operator %s", d);
		return fail(p, u.off, "expected an operator after '%s', found %s",
		            n->chk.lhs.field, d);
	}
	n->chk.op = (enum ast_op)op;
	n->chk.op_pos = pos_at(u.off);
	*out = n;
	if (ast_op_info(n->chk.op)->flags & OPF_UNARY)
		return 0;
	if (ast_op_info(n->chk.op)->flags & OPF_LIST)
		return parse_list(p, n, ast_op_info(n->chk.op)->name);
	return parse_value(p, n, ast_op_info(n->chk.op)->name);
}

static bool
is_operator_token(const struct parser *p, const struct lex_token *t)
{
	return (t->kind == LEX_SYMBOL || (t->kind == LEX_WORD && t->ident)) &&
	       ast_op_lookup(p->lx.src + t->off, t->len) >= 0;
}

static int
parse_group(struct parser *p, const struct lex_token *open, struct ast_node **out)
{
	struct lex_token t;

	if (++p->depth > PARSE_MAX_DEPTH)
		return fail(p, open->off, "condition nested too deeply (more than %d levels)",
		            PARSE_MAX_DEPTH);
	if (parse_or(p, out) < 0 || next(p, LEX_MODE_COND, &t) < 0)
		return -EINVAL;
	if (t.kind == LEX_EOF)
		return fail(p, open->off, "unbalanced '(': missing ')'");
	if (t.kind != LEX_RPAREN)
		return fail_expected(p, &t, "')'");
	p->depth--;
	return 0;
}

static int
parse_primary(struct parser *p, struct ast_node **out)
{
	struct lex_token t, u;
	const char *s;

	if (next(p, LEX_MODE_COND, &t) < 0)
		return -EINVAL;
	s = p->lx.src + t.off;
	if (t.kind == LEX_LPAREN)
		return parse_group(p, &t, out);
	if (t.kind != LEX_WORD || !t.ident || tok_is(p, &t, "and") || tok_is(p, &t, "or"))
		return fail_expected(p, &t, "a condition");
	if ((ast_xform_lookup(s, t.len) >= 0 && lex_paren_follows(&p->lx)) ||
	    memchr(s, '.', t.len) || memchr(s, '[', t.len))
		return parse_check(p, &t, out);
	if (peek(p, LEX_MODE_COND, &u) < 0)
		return -EINVAL;
	if (is_operator_token(p, &u))
		return parse_check(p, &t, out);     /* "foo = x": reported as an unknown field */
	struct ast_node *n = arena_zalloc(p->a, sizeof(*n));
	n->kind = AST_REF;
	n->pos = pos_at(t.off);
	n->ref.name = arena_strndup(p->a, s, t.len);
	n->ref.len = t.len;
	*out = n;
	return 0;
}

/* not ::= "not"* primary; each `not` counts toward the depth limit. */
static int
parse_not(struct parser *p, struct ast_node **out)
{
	struct lex_token t;
	uint32_t nots = 0, first = 0;
	struct ast_node *n;

	for (;;) {
		if (peek(p, LEX_MODE_COND, &t) < 0)
			return -EINVAL;
		if (!tok_is(p, &t, "not"))
			break;
		if (p->depth + nots >= PARSE_MAX_DEPTH)
			return fail(p, t.off, "condition nested too deeply (more than %d levels)",
			            PARSE_MAX_DEPTH);
		if (nots++ == 0)
			first = t.off;
		next(p, LEX_MODE_COND, &t);
	}
	p->depth += nots;
	if (parse_primary(p, &n) < 0)
		return -EINVAL;
	p->depth -= nots;
	while (nots > 0) {
		struct ast_node *x = arena_zalloc(p->a, sizeof(*x));
		x->kind = AST_NOT;
		x->pos = pos_at(first);
		nots--;
		x->kids.n = 1;
		x->kids.v = arena_alloc(p->a, sizeof(*x->kids.v));
		x->kids.v[0] = n;
		n = x;
	}
	*out = n;
	return 0;
}

int
parse_condition(const char *text, uint32_t len, struct arena *a, struct ast_node **out,
                struct parse_error *err)
{
	struct parser p = { .a = a, .err = err };
	struct lex_token t;
	int rc;

	lex_init(&p.lx, text, len);
	if ((rc = peek(&p, LEX_MODE_COND, &t)) < 0)
		goto done;
	if (t.kind == LEX_EOF) {
		rc = fail(&p, 0, "empty condition");
		goto done;
	}
	if ((rc = parse_or(&p, out)) < 0 || (rc = next(&p, LEX_MODE_COND, &t)) < 0)
		goto done;
	if (t.kind != LEX_EOF) {
		char d[64];
		describe(&p, &t, d, sizeof(d));
		rc = fail(&p, t.off, "unexpected %s after a complete condition", d);
	}
done:
	sbuf_free(&p.tmp);
	if (rc == -ENOMEM)
		rc = fail(&p, 0, "out of memory");
	return rc;
}
