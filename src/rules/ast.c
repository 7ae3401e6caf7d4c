/* ast.c - operator and transformer tables, tree copy, printing and positioned problems
 * (see ast.h).  Recursion here follows the tree, whose depth the parser and the expander cap. */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "core/utf8.h"
#include "rules/ast.h"
#include "rules/lex.h"

static const struct op_info op_table[] = {
	[OP_EQ]          = { "=", 0 },
	[OP_NE]          = { "!=", 0 },
	[OP_LT]          = { "<", OPF_ORDER },
	[OP_LE]          = { "<=", OPF_ORDER },
	[OP_GT]          = { ">", OPF_ORDER },
	[OP_GE]          = { ">=", OPF_ORDER },
	[OP_CONTAINS]    = { "contains", OPF_TEXT },
	[OP_ICONTAINS]   = { "icontains", OPF_TEXT },
	[OP_BCONTAINS]   = { "bcontains", OPF_TEXT },
	[OP_STARTSWITH]  = { "startswith", OPF_TEXT },
	[OP_BSTARTSWITH] = { "bstartswith", OPF_TEXT },
	[OP_ENDSWITH]    = { "endswith", OPF_TEXT },
	[OP_GLOB]        = { "glob", OPF_TEXT },
	[OP_IGLOB]       = { "iglob", OPF_TEXT },
	[OP_REGEX]       = { "regex", OPF_TEXT | OPF_NOFIELD },
	[OP_IN]          = { "in", OPF_LIST },
	[OP_INTERSECTS]  = { "intersects", OPF_LIST },
	[OP_PMATCH]      = { "pmatch", OPF_LIST | OPF_TEXT | OPF_NOFIELD },
	[OP_EXISTS]      = { "exists", OPF_UNARY },
};
_Static_assert(sizeof(op_table) / sizeof(op_table[0]) == OP__COUNT, "one entry per operator");

static const char *const xform_names[] = {
	[XF_TOLOWER] = "tolower",
	[XF_TOUPPER] = "toupper",
	[XF_B64] = "b64",
	[XF_BASENAME] = "basename",
	[XF_LEN] = "len",
};
_Static_assert(sizeof(xform_names) / sizeof(xform_names[0]) == XF__COUNT,
               "one name per transformer");

const struct op_info *
ast_op_info(enum ast_op op)
{
	return &op_table[op];
}

static bool
span_is(const char *s, uint32_t len, const char *word)
{
	return strlen(word) == len && memcmp(s, word, len) == 0;
}

int
ast_op_lookup(const char *s, uint32_t len)
{
	if (span_is(s, len, "=="))
		return OP_EQ;
	for (int op = 0; op < OP__COUNT; op++)
		if (span_is(s, len, op_table[op].name))
			return op;
	return -1;
}

const char *
ast_xform_name(enum ast_xform xf)
{
	return xform_names[xf];
}

int
ast_xform_lookup(const char *s, uint32_t len)
{
	for (int xf = 0; xf < XF__COUNT; xf++)
		if (span_is(s, len, xform_names[xf]))
			return xf;
	return -1;
}

static void
copy_operand(struct ast_operand *dst, const struct ast_operand *src, struct arena *a)
{
	*dst = *src;
	if (src->field)
		dst->field = arena_strndup(a, src->field, src->flen);
}

static struct ast_value *
copy_values(const struct ast_value *v, uint32_t n, struct arena *a)
{
	struct ast_value *out = arena_alloc(a, sizeof(*out) * (n ? n : 1));

	for (uint32_t i = 0; i < n; i++) {
		out[i] = v[i];
		out[i].s = arena_strndup(a, v[i].s, v[i].len);
	}
	return out;
}

struct ast_node *
ast_copy(const struct ast_node *n, struct arena *a)
{
	struct ast_node *c = arena_alloc(a, sizeof(*c));

	*c = *n;
	switch (n->kind) {
	case AST_AND:
	case AST_OR:
	case AST_NOT:
		c->kids.v = arena_alloc(a, sizeof(*c->kids.v) * n->kids.n);
		for (uint32_t i = 0; i < n->kids.n; i++)
			c->kids.v[i] = ast_copy(n->kids.v[i], a);
		break;
	case AST_REF:
		c->ref.name = arena_strndup(a, n->ref.name, n->ref.len);
		break;
	case AST_CHECK:
		copy_operand(&c->chk.lhs, &n->chk.lhs, a);
		copy_operand(&c->chk.field, &n->chk.field, a);
		c->chk.vals = copy_values(n->chk.vals, n->chk.nvals, a);
		break;
	}
	return c;
}

uint32_t
ast_size(const struct ast_node *n)
{
	uint64_t total = 1;

	if (n->kind == AST_CHECK)
		total += n->chk.nvals;
	else if (n->kind != AST_REF)
		for (uint32_t i = 0; i < n->kids.n; i++)
			total += ast_size(n->kids.v[i]);
	return total > UINT32_MAX ? UINT32_MAX : (uint32_t)total;
}

uint32_t
ast_depth(const struct ast_node *n, uint32_t limit)
{
	uint32_t max = 0;

	if (limit == 0 || n->kind == AST_CHECK || n->kind == AST_REF)
		return 1;
	for (uint32_t i = 0; i < n->kids.n && max < limit; i++) {
		uint32_t d = ast_depth(n->kids.v[i], limit - 1);
		if (d > max)
			max = d;
	}
	return max + 1;
}

void
ast_render_value(const char *s, uint32_t len, struct sbuf *out)
{
	static const char from[] = "\\\"\b\f\n\r\t";
	static const char to[] = "\\\"bfnrt";

	sbuf_putc(out, '"');
	for (uint32_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		const char *p = c ? memchr(from, c, sizeof(from) - 1) : NULL;
		size_t n;

		if (p) {
			sbuf_putc(out, '\\');
			sbuf_putc(out, to[p - from]);
			i++;
		} else if (c < 0x20 || c == 0x7f || (n = utf8_seq(s + i, len - i)) == 0) {
			sbuf_printf(out, "\\x%02x", c);
			i++;
		} else {
			sbuf_add(out, s + i, n);
			i += (uint32_t)n;
		}
	}
	sbuf_putc(out, '"');
}

static void
render_value(const struct ast_value *v, struct sbuf *out)
{
	if (!v->quoted && lex_is_bare(v->s, v->len))
		sbuf_add(out, v->s, v->len);
	else
		ast_render_value(v->s, v->len, out);
}

/* A field as written; an [argument] that would not read back bare is quoted. */
static void
render_field(const char *f, uint32_t len, struct sbuf *out)
{
	const char *br = memchr(f, '[', len);
	uint32_t at = br ? (uint32_t)(br - f) : len;
	uint32_t alen = br && f[len - 1] == ']' ? len - at - 2 : 0;

	if (alen == 0 || (utf8_check(br + 1, alen) == alen && !memchr(br + 1, '"', alen) &&
	                  !memchr(br + 1, '\'', alen))) {
		sbuf_add(out, f, len);
		return;
	}
	sbuf_add(out, f, at + 1);
	ast_render_value(br + 1, alen, out);
	sbuf_putc(out, ']');
}

static void
render_operand(const struct ast_operand *o, struct sbuf *out)
{
	if (o->is_val)
		sbuf_puts(out, "val(");
	for (uint8_t i = 0; i < o->nxf; i++)
		sbuf_printf(out, "%s(", xform_names[o->xf[i]]);
	render_field(o->field, o->flen, out);
	for (uint8_t i = 0; i < o->nxf + o->is_val; i++)
		sbuf_putc(out, ')');
}

static void
render_check(const struct ast_node *n, struct sbuf *out)
{
	render_operand(&n->chk.lhs, out);
	sbuf_printf(out, " %s", op_table[n->chk.op].name);
	switch (n->chk.rhs) {
	case RHS_NONE:
		break;
	case RHS_VALUE:
		sbuf_putc(out, ' ');
		render_value(&n->chk.vals[0], out);
		break;
	case RHS_LIST:
		sbuf_puts(out, " (");
		for (uint32_t i = 0; i < n->chk.nvals; i++) {
			if (i)
				sbuf_puts(out, ", ");
			render_value(&n->chk.vals[i], out);
		}
		sbuf_putc(out, ')');
		break;
	case RHS_FIELD:
		sbuf_putc(out, ' ');
		render_operand(&n->chk.field, out);
		break;
	}
}

static void
render_child(const struct ast_node *k, struct sbuf *out)
{
	bool group = k->kind == AST_AND || k->kind == AST_OR;

	if (group)
		sbuf_putc(out, '(');
	ast_render(k, out);
	if (group)
		sbuf_putc(out, ')');
}

void
ast_render(const struct ast_node *n, struct sbuf *out)
{
	switch (n->kind) {
	case AST_AND:
	case AST_OR:
		for (uint32_t i = 0; i < n->kids.n; i++) {
			if (i)
				sbuf_puts(out, n->kind == AST_AND ? " and " : " or ");
			render_child(n->kids.v[i], out);
		}
		break;
	case AST_NOT:
		sbuf_puts(out, "not ");
		render_child(n->kids.v[0], out);
		break;
	case AST_REF:
		sbuf_add(out, n->ref.name, n->ref.len);
		break;
	case AST_CHECK:
		render_check(n, out);
		break;
	}
}

/* Line and column (1-based, columns in characters) of byte OFF of TEXT, which starts at
 * LINE0:COL0. */
static void
locate(const char *text, uint32_t len, uint32_t off, unsigned *line, unsigned *col)
{
	if (off > len)
		off = len;
	for (uint32_t i = 0; i < off; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)text[i] & 0xc0) != 0x80) {
			(*col)++;
		}
	}
}

void
ast_report(struct ast_report *r, enum diag_severity sev, const struct ast_pos *pos,
           const char *fmt, ...)
{
	const struct ast_origin *o = pos ? pos->origin : NULL;
	const struct filter_src *src = r->src;
	struct sbuf msg = SBUF_INIT;
	const char *file = o ? o->file : src ? src->file : NULL;
	unsigned line = o ? o->line : src ? src->line : 1;
	unsigned col = o ? o->col : src ? src->col : 1;
	const char *item = o ? o->item : src ? src->item : NULL;
	va_list ap;

	line = line ? line : 1;
	col = col ? col : 1;
	if (o)
		locate(o->text, o->len, pos->off, &line, &col);
	else
		locate(r->text, r->len, pos ? pos->off : 0, &line, &col);
	if (item)
		sbuf_printf(&msg, "%s: ", item);
	else if (o)
		sbuf_printf(&msg, "macro '%s': ", o->name);
	va_start(ap, fmt);
	sbuf_vprintf(&msg, fmt, ap);
	va_end(ap);
	if (o && src && src->item)
		sbuf_printf(&msg, " (used by %s)", src->item);
	diags_add(r->diags, sev, file, line, col, "%s", sbuf_str(&msg));
	if (sev == DIAG_ERROR)
		r->nerrors++;
	sbuf_free(&msg);
}
