/* loader_exc.c - rule exceptions: reading, checking, and the condition Falco builds.
 * An exception names fields, comparison operators (comps) and tuples of values; the rule
 * fires only when no tuple matches.  Falco compiles a rule with exceptions as
 *     (COND) and not ((f1 c1 v1 and f2 c2 v2) or (...)) and not (f in (v, ...)) ...
 * with "=" as the default comp of each field in the list form and "in" for the single-field
 * form; a value is quoted when it holds a space, and a value compared with a list operator
 * (in, intersects, pmatch) is put in parentheses, so it may name a list. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rules/loader_priv.h"

/* The comparison operators of the condition language (an exception comp must be one). */
static const char *const operators[] = {
	"=", "==", "!=", "<", "<=", ">", ">=", "contains", "icontains", "bcontains",
	"startswith", "bstartswith", "endswith", "glob", "iglob", "regex", "in",
	"intersects", "pmatch", "exists", NULL,
};
static const char *const list_operators[] = { "in", "intersects", "pmatch", NULL };

static bool
in_set(const char *const *set, const char *s)
{
	for (size_t i = 0; set[i]; i++)
		if (strcmp(set[i], s) == 0)
			return true;
	return false;
}

void
loader_exception_clear(struct loader_exception *e)
{
	free(e->values);
	memset(e, 0, sizeof(*e));
}

void
loader_exception_add_values(struct loader_exception *dst, const struct loader_exception *src)
{
	for (size_t i = 0; i < src->nvalues; i++) {
		if (dst->nvalues == dst->cap) {
			dst->cap = dst->cap ? 2 * dst->cap : 8;
			dst->values = realloc(dst->values, dst->cap * sizeof(*dst->values));
			if (dst->values == NULL)
				abort();
		}
		dst->values[dst->nvalues++] = src->values[i];
	}
}

/* A scalar or a sequence of scalars ("fields", "comps"). */
static int
check_names(struct loader_item *it, const struct loader_exception *e,
            const struct yamldoc_node *n, const char *key)
{
	if (n->kind == YAMLDOC_SCALAR && n->n > 0 && !yamldoc_is_null(n))
		return 0;
	if (n->kind == YAMLDOC_SEQ) {
		for (size_t i = 0; i < n->n; i++)
			if (n->v[i]->kind != YAMLDOC_SCALAR || n->v[i]->n == 0) {
				loader_error(it, n->v[i], "exception '%s': each of '%s' must be a "
				             "non-empty string", e->name, key);
				return -EINVAL;
			}
		return 0;
	}
	loader_error(it, n, "exception '%s': '%s' must be a string or a sequence of strings",
	             e->name, key);
	return -EINVAL;
}

static int
read_one(struct loader_item *it, const struct yamldoc_node *ex, bool append,
         struct loader_exception *e)
{
	static const char *const keys[] = { "name", "fields", "comps", "values", NULL };
	struct loader_item sub = *it;
	const struct yamldoc_node *values;

	sub.node = ex;
	sub.nerrors = 0;
	loader_check_keys(&sub, keys);
	if (loader_string(&sub, "name", true, &e->name) == 0) {
		e->pos = (struct loader_pos){ it->file, ex->line, ex->col };
		e->fields = yamldoc_get(ex, "fields");
		e->comps = yamldoc_get(ex, "comps");
		if (e->fields == NULL && !append)
			loader_error(&sub, ex, "exception '%s' has no 'fields'", e->name);
		if (e->fields)
			check_names(&sub, e, e->fields, "fields");
		if (e->comps)
			check_names(&sub, e, e->comps, "comps");
	}
	values = yamldoc_get(ex, "values");
	if (values && values->kind != YAMLDOC_SEQ && !yamldoc_is_null(values))
		loader_error(&sub, values, "exception values must be a sequence");
	else if (values && values->kind == YAMLDOC_SEQ && sub.nerrors == 0) {
		struct loader_exception tmp = { .values = (const struct yamldoc_node **)values->v,
		                                .nvalues = values->n };
		loader_exception_add_values(e, &tmp);
	} else if (!values && append && e->name)
		loader_warn(&sub, ex, "exception '%s' is overridden or appended with no values",
		            e->name);
	it->nerrors += sub.nerrors;
	return sub.nerrors ? -EINVAL : 0;
}

void
loader_read_exceptions(struct loader_item *it, const struct yamldoc_node *seq, bool append,
                       struct loader_exception **v, size_t *n, size_t *cap)
{
	size_t first = *n;

	if (seq == NULL || yamldoc_is_null(seq))
		return;
	if (seq->kind != YAMLDOC_SEQ) {
		loader_error(it, seq, "'exceptions' must be a sequence");
		return;
	}
	for (size_t i = 0; i < seq->n; i++) {
		struct loader_exception e = { 0 };
		if (seq->v[i]->kind != YAMLDOC_MAP) {
			loader_error(it, seq->v[i], "each exception must be a mapping with name, "
			             "fields, comps and values");
			continue;
		}
		if (read_one(it, seq->v[i], append, &e) < 0) {
			loader_exception_clear(&e);
			continue;
		}
		for (size_t k = first; k < *n; k++)
			if (strcmp((*v)[k].name, e.name) == 0)
				loader_warn(it, seq->v[i], "more than one exception is named '%s'",
				            e.name);
		if (*n == *cap) {
			*cap = *cap ? 2 * *cap : 4;
			if ((*v = realloc(*v, *cap * sizeof(**v))) == NULL)
				abort();
		}
		(*v)[(*n)++] = e;
	}
}

/* The list form: fields [f...], comps [c...] (or all "="), each value a tuple as long. */
static void
check_list_form(struct loader_item *it, const struct loader_exception *e)
{
	const struct yamldoc_node *f = e->fields, *c = e->comps;

	if (c && (c->kind != YAMLDOC_SEQ || c->n != f->n))
		loader_error(it, c, "exception '%s': 'fields' and 'comps' must be sequences of the "
		             "same length", e->name);
	for (size_t i = 0; c && c->kind == YAMLDOC_SEQ && i < c->n; i++)
		if (!in_set(operators, c->v[i]->text))
			loader_error(it, c->v[i], "exception '%s': '%s' is not a comparison operator",
			             e->name, c->v[i]->text);
	for (size_t i = 0; i < e->nvalues; i++) {
		const struct yamldoc_node *t = e->values[i];
		if (t->kind != YAMLDOC_SEQ || t->n != f->n) {
			loader_error(it, t, "exception '%s': each value must be a sequence of %zu "
			             "item%s, one per field", e->name, f->n, f->n == 1 ? "" : "s");
			continue;
		}
		for (size_t k = 0; k < t->n; k++) {
			const struct yamldoc_node *x = t->v[k];
			bool ok = x->kind == YAMLDOC_SCALAR;
			for (size_t j = 0; x->kind == YAMLDOC_SEQ && j < x->n; j++)
				ok = x->v[j]->kind == YAMLDOC_SCALAR;
			if (!ok)
				loader_error(it, x, "exception '%s': a value must be a string or a "
				             "sequence of strings", e->name);
		}
	}
}

/* The single-field form: fields f, comps in|pmatch|intersects (default in), scalar values. */
static void
check_single_form(struct loader_item *it, const struct loader_exception *e)
{
	const struct yamldoc_node *c = e->comps;

	if (c && (c->kind != YAMLDOC_SCALAR || !in_set(list_operators, c->text)))
		loader_error(it, c, "exception '%s': with a single field, 'comps' must be one of "
		             "in, pmatch, intersects", e->name);
	for (size_t i = 0; i < e->nvalues; i++)
		if (e->values[i]->kind != YAMLDOC_SCALAR)
			loader_error(it, e->values[i], "exception '%s': with a single field, each "
			             "value must be a string", e->name);
}

int
loader_check_exception(struct loader_item *it, const struct loader_exception *e)
{
	unsigned before = it->nerrors;

	if (e->fields == NULL) {
		loader_error(it, NULL, "exception '%s' has no 'fields'", e->name);
		return -EINVAL;
	}
	if (e->fields->kind == YAMLDOC_SEQ)
		check_list_form(it, e);
	else
		check_single_form(it, e);
	return it->nerrors == before ? 0 : -EINVAL;
}

/* --- the condition ------------------------------------------------------------------- */

/* A value as Falco writes it into a condition: quoted when it holds a space (or is empty),
 * unless it is already quoted. */
static void
put_value(struct sbuf *out, const char *v)
{
	if (*v && (strchr(v, ' ') == NULL || *v == '"' || *v == '\'')) {
		sbuf_puts(out, v);
		return;
	}
	sbuf_putc(out, '"');
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			sbuf_putc(out, '\\');
		sbuf_putc(out, *v);
	}
	sbuf_putc(out, '"');
}

static void
put_value_list(struct sbuf *out, const struct yamldoc_node *seq)
{
	sbuf_putc(out, '(');
	for (size_t i = 0; i < seq->n; i++) {
		if (i)
			sbuf_puts(out, ", ");
		put_value(out, seq->v[i]->text);
	}
	sbuf_putc(out, ')');
}

static void
single_form(const struct loader_exception *e, struct sbuf *out)
{
	if (e->nvalues == 0)
		return;
	sbuf_printf(out, " and not (%s %s (", e->fields->text, e->comps ? e->comps->text : "in");
	for (size_t i = 0; i < e->nvalues; i++) {
		if (i)
			sbuf_puts(out, ", ");
		put_value(out, e->values[i]->text);
	}
	sbuf_puts(out, "))");
}

static void
list_form(const struct loader_exception *e, struct sbuf *out)
{
	const struct yamldoc_node *f = e->fields;

	if (e->nvalues == 0 || f->n == 0)
		return;
	sbuf_puts(out, " and not (");
	for (size_t i = 0; i < e->nvalues; i++) {
		const struct yamldoc_node *t = e->values[i];
		sbuf_puts(out, i ? " or (" : "(");
		for (size_t k = 0; k < f->n; k++) {
			const char *comp = e->comps ? e->comps->v[k]->text : "=";
			sbuf_printf(out, "%s%s %s ", k ? " and " : "", f->v[k]->text, comp);
			if (t->v[k]->kind == YAMLDOC_SEQ)
				put_value_list(out, t->v[k]);
			else if (in_set(list_operators, comp) && t->v[k]->text[0] != '(')
				sbuf_printf(out, "(%s)", t->v[k]->text);
			else
				put_value(out, t->v[k]->text);
		}
		sbuf_putc(out, ')');
	}
	sbuf_putc(out, ')');
}

void
loader_rule_condition(const struct loader_rule *r, struct sbuf *out, size_t *shift)
{
	struct sbuf tail = SBUF_INIT;

	for (size_t i = 0; i < r->nexc; i++) {
		if (r->exc[i].fields->kind == YAMLDOC_SEQ)
			list_form(&r->exc[i], &tail);
		else
			single_form(&r->exc[i], &tail);
	}
	if (tail.len == 0) {
		sbuf_puts(out, sbuf_str(&r->cond));
		*shift = 0;
	} else {
		sbuf_printf(out, "(%s)%s", sbuf_str(&r->cond), sbuf_str(&tail));
		*shift = 1;
	}
	sbuf_free(&tail);
}
