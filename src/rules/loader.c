/* loader.c - rule files -> collection: files, items, lists, macros, version requirements.
 * Rules themselves are read in loader_rule.c and their exceptions in loader_exc.c.  This
 * file owns the collection's storage and its name tables. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "rules/loader_priv.h"

/* --- name tables: open addressing, names borrowed from the documents ------------------ */

struct loader_names {
	struct { const char *name; uint32_t pos; } *slot;
	size_t cap, n;
};

static size_t
name_hash(const char *s)
{
	size_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static long
names_get(const struct loader_names *t, const char *name)
{
	if (t->cap == 0)
		return -1;
	for (size_t i = name_hash(name) & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
		if (t->slot[i].name == NULL)
			return -1;
		if (strcmp(t->slot[i].name, name) == 0)
			return t->slot[i].pos;
	}
}

static void
names_put(struct loader_names *t, const char *name, uint32_t pos)
{
	size_t i;

	if (2 * (t->n + 1) > t->cap) {
		struct loader_names old = *t;
		t->cap = old.cap ? old.cap * 2 : 64;
		t->slot = calloc(t->cap, sizeof(*t->slot));
		if (t->slot == NULL)
			abort();
		t->n = 0;
		for (i = 0; i < old.cap; i++)
			if (old.slot[i].name)
				names_put(t, old.slot[i].name, old.slot[i].pos);
		free(old.slot);
	}
	for (i = name_hash(name) & (t->cap - 1); t->slot[i].name; i = (i + 1) & (t->cap - 1))
		;
	t->slot[i].name = name;
	t->slot[i].pos = pos;
	t->n++;
}

static void *
grow(void *v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return v;
	*cap = *cap ? *cap * 2 : 32;
	if ((v = realloc(v, *cap * size)) == NULL)
		abort();
	return v;
}

/* --- the collection ------------------------------------------------------------------- */

int
loader_new(struct loader **out)
{
	struct loader *ld = calloc(1, sizeof(*ld));

	if (ld == NULL)
		return -ENOMEM;
	ld->list_names = calloc(1, sizeof(*ld->list_names));
	ld->macro_names = calloc(1, sizeof(*ld->macro_names));
	ld->rule_names = calloc(1, sizeof(*ld->rule_names));
	if (!ld->list_names || !ld->macro_names || !ld->rule_names) {
		loader_free(ld);
		return -ENOMEM;
	}
	*out = ld;
	return 0;
}

static void
free_names(struct loader_names *t)
{
	if (t)
		free(t->slot);
	free(t);
}

static void
free_rule(struct loader_rule *r)
{
	sbuf_free(&r->cond);
	sbuf_free(&r->output);
	sbuf_free(&r->desc);
	free(r->tags);
	for (size_t i = 0; i < r->nexc; i++)
		loader_exception_clear(&r->exc[i]);
	free(r->exc);
}

void
loader_free(struct loader *ld)
{
	if (ld == NULL)
		return;
	for (size_t i = 0; i < ld->nlists; i++)
		free(ld->lists[i].items);
	for (size_t i = 0; i < ld->nmacros; i++)
		sbuf_free(&ld->macros[i].cond);
	for (size_t i = 0; i < ld->nrules; i++)
		free_rule(&ld->rules[i]);
	free(ld->lists);
	free(ld->macros);
	free(ld->rules);
	free_names(ld->list_names);
	free_names(ld->macro_names);
	free_names(ld->rule_names);
	for (size_t i = 0; i < ld->ndocs; i++)
		yamldoc_free(ld->docs[i]);
	free(ld->docs);
	free(ld);
}

long loader_find_list(const struct loader *ld, const char *name)
{ return names_get(ld->list_names, name); }
long loader_find_macro(const struct loader *ld, const char *name)
{ return names_get(ld->macro_names, name); }
long loader_find_rule(const struct loader *ld, const char *name)
{ return names_get(ld->rule_names, name); }

uint32_t
loader_next(struct loader *ld)
{
	return ld->counter++;
}

struct loader_rule *
loader_add_rule(struct loader *ld, const char *name)
{
	struct loader_rule *r;

	ld->rules = grow(ld->rules, &ld->rules_cap, ld->nrules, sizeof(*ld->rules));
	names_put(ld->rule_names, name, (uint32_t)ld->nrules);
	r = &ld->rules[ld->nrules++];
	memset(r, 0, sizeof(*r));
	r->name = name;
	return r;
}

/* --- messages and typed access to an item's keys -------------------------------------- */

static void item_vreport(struct loader_item *it, enum diag_severity sev,
                         const struct yamldoc_node *at, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

static void
item_vreport(struct loader_item *it, enum diag_severity sev, const struct yamldoc_node *at,
             const char *fmt, va_list ap)
{
	struct sbuf msg = SBUF_INIT;

	if (at == NULL)
		at = it->node;
	if (it->name)
		sbuf_printf(&msg, "%s '%s': ", it->what, it->name);
	else
		sbuf_printf(&msg, "%s: ", it->what);
	sbuf_vprintf(&msg, fmt, ap);
	diags_add(it->diags, sev, it->file, at->line, at->col, "%s", sbuf_str(&msg));
	sbuf_free(&msg);
	if (sev == DIAG_ERROR)
		it->nerrors++;
}

void
loader_error(struct loader_item *it, const struct yamldoc_node *at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	item_vreport(it, DIAG_ERROR, at, fmt, ap);
	va_end(ap);
}

void
loader_warn(struct loader_item *it, const struct yamldoc_node *at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	item_vreport(it, DIAG_WARNING, at, fmt, ap);
	va_end(ap);
}

unsigned
loader_check_keys(struct loader_item *it, const char *const *allowed)
{
	unsigned bad = 0;

	for (size_t i = 0; i < it->node->n; i++) {
		const struct yamldoc_node *key = it->node->v[2 * i];
		size_t k;
		for (k = 0; allowed[k] && strcmp(allowed[k], key->text) != 0; k++)
			;
		if (allowed[k] == NULL) {
			loader_error(it, key, "unknown key '%s'", key->text);
			bad++;
		}
	}
	return bad;
}

int
loader_string(struct loader_item *it, const char *key, bool required, const char **out)
{
	const struct yamldoc_node *n = yamldoc_get(it->node, key);

	if (n == NULL) {
		if (required)
			loader_error(it, NULL, "missing required key '%s'", key);
		return -ENOENT;
	}
	if (n->kind != YAMLDOC_SCALAR || yamldoc_is_null(n) || n->n == 0) {
		loader_error(it, n, "'%s' must be a non-empty string, not %s", key,
		             yamldoc_is_null(n) || n->n == 0 ? "empty" : yamldoc_kind_name(n));
		return -EINVAL;
	}
	*out = n->text;
	return 0;
}

int
loader_bool(struct loader_item *it, const char *key, bool *out)
{
	const struct yamldoc_node *n = yamldoc_get(it->node, key);

	if (n == NULL)
		return -ENOENT;
	if (yamldoc_bool(n, out) < 0) {
		loader_error(it, n, "'%s' must be true or false", key);
		return -EINVAL;
	}
	return 0;
}

void
loader_text_src(const struct loader_item *it, const struct yamldoc_node *n,
                struct filter_src *src)
{
	*src = (struct filter_src){
		.file = it->file, .line = n->text_line, .col = n->text_col, .item = NULL,
	};
}

/* --- overrides ------------------------------------------------------------------------ */

/* Read the item's `override` mapping: each key must be one of KEYS and may be appended to
 * (CAN_APPEND[i]) or replaced.  Set bit i of *APPEND or *REPLACE.  0 or -EINVAL (reported). */
int
loader_overrides(struct loader_item *it, const char *const *keys, const bool *can_append,
                 unsigned *append, unsigned *replace)
{
	const struct yamldoc_node *ov = yamldoc_get(it->node, "override");
	unsigned before = it->nerrors;

	*append = *replace = 0;
	if (ov == NULL)
		return 0;
	if (ov->kind != YAMLDOC_MAP || ov->n == 0) {
		loader_error(it, ov, "'override' must be a mapping of keys to append or replace");
		return -EINVAL;
	}
	for (size_t i = 0; i < ov->n; i++) {
		const struct yamldoc_node *k = ov->v[2 * i], *op = ov->v[2 * i + 1];
		size_t j;
		for (j = 0; keys[j] && strcmp(keys[j], k->text) != 0; j++)
			;
		if (keys[j] == NULL)
			loader_error(it, k, "key '%s' cannot be overridden", k->text);
		else if (op->kind != YAMLDOC_SCALAR ||
		         (strcmp(op->text, "append") && strcmp(op->text, "replace")))
			loader_error(it, op, "override of '%s' must be 'append' or 'replace'", k->text);
		else if (strcmp(op->text, "append") == 0 && !can_append[j])
			loader_error(it, op, "key '%s' cannot be appended to; use 'replace'", k->text);
		else if (strcmp(op->text, "append") == 0)
			*append |= 1u << j;
		else
			*replace |= 1u << j;
	}
	return it->nerrors == before ? 0 : -EINVAL;
}

/* The deprecated `append: true`, with Falco's warning; -EINVAL when combined with
 * `override`. */
static int
read_append_flag(struct loader_item *it, bool *append)
{
	*append = false;
	if (loader_bool(it, "append", append) == -EINVAL)
		return -EINVAL;
	if (*append && yamldoc_get(it->node, "override")) {
		loader_error(it, yamldoc_get(it->node, "append"),
		             "'override' and 'append: true' cannot be used together; put "
		             "'append' entries under 'override' instead");
		return -EINVAL;
	}
	if (*append)
		loader_warn(it, yamldoc_get(it->node, "append"), "'append: true' is deprecated; "
		            "use 'override' with an 'append' entry ('%s: append')",
		            strcmp(it->what, "list") == 0 ? "items" : "condition");
	return 0;
}

/* --- lists and macros ------------------------------------------------------------------ */

static bool
valid_macro_name(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") ==
	       strlen(s);
}

static bool
valid_list_name(const char *s)
{
	return *s && strcspn(s, "()\"' \t\r\n\v\f=,") == strlen(s);
}

/* Define list IT->NAME from ITEMS, or append them to the earlier definition. */
static void
store_list(struct loader_item *it, const struct yamldoc_node *items, bool append)
{
	struct loader *ld = it->ld;
	long pos = loader_find_list(ld, it->name);
	struct loader_list *l;

	if (append && pos < 0) {
		loader_error(it, NULL, "appends to a list, but no list of that name exists");
		return;
	}
	if (pos < 0) {
		ld->lists = grow(ld->lists, &ld->lists_cap, ld->nlists, sizeof(*ld->lists));
		pos = (long)ld->nlists++;
		memset(&ld->lists[pos], 0, sizeof(ld->lists[pos]));
		ld->lists[pos].name = it->name;
		ld->lists[pos].index = ld->counter;
		names_put(ld->list_names, it->name, (uint32_t)pos);
	}
	l = &ld->lists[pos];
	if (!append)
		l->nitems = 0;
	l->pos = (struct loader_pos){ it->file, it->node->line, it->node->col };
	for (size_t i = 0; i < items->n; i++) {
		l->items = grow(l->items, &l->cap, l->nitems, sizeof(*l->items));
		l->items[l->nitems++] = items->v[i]->text;
	}
	l->visibility = loader_next(ld);
}

static void
list_item(struct loader_item *it)
{
	static const char *const keys[] = { "list", "items", "append", "override", NULL };
	static const char *const ov_keys[] = { "items", NULL };
	static const bool ov_append[] = { true };
	const struct yamldoc_node *items;
	unsigned oa, orep;
	bool append;

	unsigned before;

	loader_check_keys(it, keys);
	before = it->nerrors;
	if (read_append_flag(it, &append) < 0 ||
	    loader_overrides(it, ov_keys, ov_append, &oa, &orep) < 0)
		return;
	append |= oa != 0;
	if ((items = yamldoc_get(it->node, "items")) == NULL) {
		loader_error(it, NULL, "missing required key 'items'");
		return;
	}
	if (items->kind != YAMLDOC_SEQ) {
		loader_error(it, items, "'items' must be a sequence, not %s", yamldoc_kind_name(items));
		return;
	}
	for (size_t i = 0; i < items->n; i++)
		if (items->v[i]->kind != YAMLDOC_SCALAR)
			loader_error(it, items->v[i], "list items must be strings, not %s",
			             yamldoc_kind_name(items->v[i]));
	if (it->nerrors > before)
		return;
	if (!valid_list_name(it->name)) {
		loader_warn(it, NULL, "invalid list name (it cannot be used in a condition); "
		            "the list is ignored");
		return;
	}
	store_list(it, items, append);
}

static void
macro_item(struct loader_item *it)
{
	static const char *const keys[] = { "macro", "condition", "append", "override", NULL };
	static const char *const ov_keys[] = { "condition", NULL };
	static const bool ov_append[] = { true };
	struct loader *ld = it->ld;
	const char *cond;
	unsigned oa, orep;
	bool append;
	long pos;

	unsigned before;

	loader_check_keys(it, keys);
	before = it->nerrors;
	if (read_append_flag(it, &append) < 0 ||
	    loader_overrides(it, ov_keys, ov_append, &oa, &orep) < 0)
		return;
	append |= oa != 0;
	if (loader_string(it, "condition", true, &cond) < 0 || it->nerrors > before)
		return;
	if (!valid_macro_name(it->name)) {
		loader_warn(it, NULL, "invalid macro name (it must match [a-zA-Z]+[a-zA-Z0-9_]*); "
		            "the macro is ignored");
		return;
	}
	pos = loader_find_macro(ld, it->name);
	if (append && pos < 0) {
		loader_error(it, NULL, "appends to a macro, but no macro of that name exists");
		return;
	}
	if (pos < 0) {
		ld->macros = grow(ld->macros, &ld->macros_cap, ld->nmacros, sizeof(*ld->macros));
		pos = (long)ld->nmacros++;
		memset(&ld->macros[pos], 0, sizeof(ld->macros[pos]));
		ld->macros[pos].name = it->name;
		ld->macros[pos].index = ld->counter;
		names_put(ld->macro_names, it->name, (uint32_t)pos);
	}
	struct loader_macro *m = &ld->macros[pos];
	if (append) {
		sbuf_putc(&m->cond, ' ');
	} else {
		sbuf_reset(&m->cond);
		m->pos = (struct loader_pos){ it->file, it->node->line, it->node->col };
		loader_text_src(it, yamldoc_get(it->node, "condition"), &m->cond_src);
	}
	sbuf_puts(&m->cond, cond);
	m->visibility = loader_next(ld);
}

/* --- files and items --------------------------------------------------------------------- */

static const struct {
	const char *key;
	void (*read)(struct loader_item *it);
	bool named;
} item_kinds[] = {
	{ "required_engine_version", loader_engine_version_item, false },
	{ "required_plugin_versions", loader_plugin_versions_item, false },
	{ "list", list_item, true },
	{ "macro", macro_item, true },
	{ "rule", loader_rule_item, true },
};

static void
read_item(struct loader *ld, const char *file, const struct yamldoc_node *node,
          struct diags *diags)
{
	struct loader_item it = { .ld = ld, .diags = diags, .file = file, .node = node,
	                          .what = "item" };
	size_t k;

	if (node->kind != YAMLDOC_MAP) {
		loader_error(&it, node, "each item must be a mapping (rule, macro, list, ...), not %s",
		             yamldoc_kind_name(node));
		return;
	}
	for (k = 0; k < sizeof(item_kinds) / sizeof(item_kinds[0]); k++)
		if (yamldoc_get(node, item_kinds[k].key))
			break;
	if (k == sizeof(item_kinds) / sizeof(item_kinds[0])) {
		/* Falco ignores unknown top-level items with a warning; so do we. */
		loader_warn(&it, node, "unknown item (expected rule, macro, list, "
		            "required_engine_version or required_plugin_versions); ignored");
		return;
	}
	it.what = item_kinds[k].key;
	if (item_kinds[k].named && loader_string(&it, it.what, true, &it.name) < 0)
		return;
	item_kinds[k].read(&it);
}

int
loader_read_doc(struct loader *ld, struct yamldoc *doc, struct diags *diags)
{
	size_t before = diags->nerrors;

	ld->docs = grow(ld->docs, &ld->docs_cap, ld->ndocs, sizeof(*ld->docs));
	ld->docs[ld->ndocs++] = doc;
	for (size_t d = 0; d < doc->ndocs; d++) {
		const struct yamldoc_node *root = doc->docs[d];
		if (root == NULL || yamldoc_is_null(root))
			continue;
		if (root->kind != YAMLDOC_SEQ) {
			diags_add(diags, DIAG_ERROR, doc->file, root->line, root->col,
			          "rules content must be a sequence of items, not %s",
			          yamldoc_kind_name(root));
			continue;
		}
		for (size_t i = 0; i < root->n; i++)
			if (!yamldoc_is_null(root->v[i]))
				read_item(ld, doc->file, root->v[i], diags);
	}
	return diags->nerrors > before ? -EINVAL : 0;
}

int
loader_read_file(struct loader *ld, const char *path, struct diags *diags)
{
	struct yamldoc *doc;
	int rc = yamldoc_load(path, &doc, diags);

	if (rc < 0)
		return rc;
	return loader_read_doc(ld, doc, diags);
}
