/* filter.c - the public face of the condition pipeline (see filter.h).
 * This file wires the stages together (lex/parse -> expand -> compile -> eval), keeps the
 * environment's definitions, and answers the questions the ruleset asks of a compiled filter:
 * which event types it can match and which file paths it needs watched.  Both answers come
 * from one walk over the check tree that tracks, for every node, the types for which it can be
 * true and those for which it can be false, so that negation is pushed to the leaves. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/sbuf.h"
#include "core/utf8.h"
#include "rules/compile.h"
#include "rules/eval.h"
#include "rules/expand.h"
#include "rules/filter.h"
#include "rules/lex.h"
#include "rules/parse.h"

struct filter {
	struct chk_prog prog;
	char *text;                 /* the expanded condition */
	struct evtset types;
	bool any;
};

int
filter_env_new(struct filter_env **out)
{
	struct filter_env *env = calloc(1, sizeof(*env));

	if (env == NULL)
		return -ENOMEM;
	if (hmap_new(&env->lists) < 0 || hmap_new(&env->macros) < 0) {
		filter_env_free(env);
		return -ENOMEM;
	}
	*out = env;
	return 0;
}

void
filter_env_free(struct filter_env *env)
{
	if (env == NULL)
		return;
	hmap_free(env->lists);
	hmap_free(env->macros);
	arena_free(&env->mem);
	free(env);
}

bool
filter_env_has_list(const struct filter_env *env, const char *name)
{
	return env && hmap_get(env->lists, name, strlen(name), NULL);
}

bool
filter_env_has_macro(const struct filter_env *env, const char *name)
{
	return env && hmap_get(env->macros, name, strlen(name), NULL);
}

static struct ast_report
report_for(struct diags *diags, const struct filter_src *src, const char *text)
{
	size_t len = text ? strlen(text) : 0;

	return (struct ast_report){ .diags = diags, .src = src, .text = text,
	                            .len = len > LEX_MAX_TEXT ? LEX_MAX_TEXT : (uint32_t)len };
}

/* One list item as written: a quoted string is unquoted, anything else is taken as is. */
static int
list_item(struct filter_env *env, const char *item, struct ast_value *v, const char **why)
{
	size_t len = strlen(item);
	struct lex_token t;
	struct lex_error le = { 0 };
	struct lexer lx;
	struct sbuf b = SBUF_INIT;

	memset(v, 0, sizeof(*v));
	if (len > LEX_MAX_TEXT || utf8_check(item, len) != len) {
		*why = len > LEX_MAX_TEXT ? "item too long" : "invalid UTF-8";
		return -EINVAL;
	}
	if (len == 0 || (item[0] != '"' && item[0] != '\'')) {
		v->s = arena_strndup(&env->mem, item, len);
		v->len = (uint32_t)len;
		return 0;
	}
	lex_init(&lx, item, (uint32_t)len);
	if (lex_next(&lx, LEX_MODE_VALUE, &t, &le) < 0)
		goto fail;
	if (t.kind != LEX_STRING || t.len != len) {
		le.msg = "text after the closing quote";
		goto fail;
	}
	if (lex_unquote(item, (uint32_t)len, &b, &le) < 0)
		goto fail;
	v->s = arena_strndup(&env->mem, sbuf_str(&b), b.len);
	v->len = (uint32_t)b.len;
	v->quoted = true;
	sbuf_free(&b);
	return 0;
fail:
	*why = le.msg;
	sbuf_free(&b);
	return -EINVAL;
}

int
filter_env_add_list(struct filter_env *env, const char *name, const char *const *items,
                    size_t n, const struct filter_src *src, struct diags *diags)
{
	struct ast_report r = report_for(diags, src, NULL);
	struct ast_value *v = NULL;
	struct env_list *l;
	struct sbuf label = SBUF_INIT;
	const char *why;
	int rc = 0;

	/* Messages name the list unless the caller's item label already does. */
	if (src == NULL || src->item == NULL)
		sbuf_printf(&label, "list '%s': ", name);
	if (n > EXPAND_MAX_UNITS) {
		ast_report(&r, DIAG_ERROR, NULL, "%stoo many items", sbuf_str(&label));
		sbuf_free(&label);
		return -EINVAL;
	}
	v = calloc(n ? n : 1, sizeof(*v));
	if (v == NULL) {
		sbuf_free(&label);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		why = NULL;
		if (list_item(env, items[i], &v[i], &why) < 0) {
			ast_report(&r, DIAG_ERROR, NULL, "%sitem %zu: %s", sbuf_str(&label), i + 1,
			           why ? why : "bad item");
			rc = -EINVAL;
		}
	}
	l = arena_zalloc(&env->mem, sizeof(*l));
	l->name = arena_strdup(&env->mem, name);
	if (rc == 0 && expand_items(env, &env->mem, name, v, (uint32_t)n, &l->items, &l->n) < 0) {
		ast_report(&r, DIAG_ERROR, NULL, "%stoo large after expansion (limit %u items)",
		           sbuf_str(&label), EXPAND_MAX_UNITS);
		rc = -EINVAL;
	} else if (rc == 0 && (env->spent += l->n) > EXPAND_MAX_TOTAL) {
		ast_report(&r, DIAG_ERROR, NULL, "%sruleset too large after expansion (limit %"
		           PRIu64 " units over all lists, macros and conditions)", sbuf_str(&label),
		           EXPAND_MAX_TOTAL);
		rc = -EINVAL;
	}
	free(v);
	sbuf_free(&label);
	if (rc == 0 && hmap_put(env->lists, name, strlen(name), l) < 0)
		rc = -ENOMEM;
	return rc;
}

/* Parse TEXT into a tree in A; report a syntax error through R. */
static int
parse_text(struct ast_report *r, const char *text, struct arena *a, struct ast_node **out)
{
	struct parse_error pe;
	struct ast_pos pos = { 0 };

	if (strlen(text) > LEX_MAX_TEXT) {
		ast_report(r, DIAG_ERROR, NULL, "condition too long (limit %u bytes)", LEX_MAX_TEXT);
		return -EINVAL;
	}
	if (parse_condition(text, r->len, a, out, &pe) < 0) {
		pos.off = pe.off;
		ast_report(r, DIAG_ERROR, &pos, "%s", pe.msg);
		return -EINVAL;
	}
	return 0;
}

static char *
env_strdup(struct filter_env *env, const char *s)
{
	return s ? arena_strdup(&env->mem, s) : NULL;
}

int
filter_env_add_macro(struct filter_env *env, const char *name, const char *cond,
                     const struct filter_src *src, struct diags *diags)
{
	struct filter_src msrc = src ? *src : (struct filter_src){ .line = 1, .col = 1 };
	struct ast_report r = report_for(diags, &msrc, cond);
	struct arena tmp = ARENA_INIT;
	struct sbuf label = SBUF_INIT;
	struct ast_node *root;
	struct ast_origin *o;
	struct env_macro *m;
	int rc;

	/* Messages name the macro unless the caller's item label already does. */
	if (msrc.item == NULL) {
		sbuf_printf(&label, "macro '%s'", name);
		msrc.item = sbuf_str(&label);
	}
	if ((rc = parse_text(&r, cond, &tmp, &root)) < 0 ||
	    (rc = expand_tree(env, &tmp, &root, name, &r)) < 0)
		goto done;
	o = arena_zalloc(&env->mem, sizeof(*o));
	o->name = env_strdup(env, name);
	o->text = env_strdup(env, cond);
	o->len = r.len;
	o->file = env_strdup(env, msrc.file);
	o->line = msrc.line ? msrc.line : 1;
	o->col = msrc.col ? msrc.col : 1;
	o->item = env_strdup(env, msrc.item);
	m = arena_zalloc(&env->mem, sizeof(*m));
	m->name = o->name;
	m->ast = ast_copy(root, &env->mem);
	expand_set_origin(m->ast, o);
	m->size = ast_size(m->ast);
	rc = hmap_put(env->macros, name, strlen(name), m);
done:
	arena_free(&tmp);
	sbuf_free(&label);
	return rc;
}

/* ---- event types ---------------------------------------------------------------------- */

static void
set_all(struct evtset *s)
{
	memset(s, 0, sizeof(*s));
	for (unsigned t = 1; t < EVT__COUNT; t++)
		evtset_add(s, (enum event_type)t);
}

static void
set_and(struct evtset *a, const struct evtset *b)
{
	for (size_t i = 0; i < sizeof(a->bits) / sizeof(a->bits[0]); i++)
		a->bits[i] &= b->bits[i];
}

static void
set_or(struct evtset *a, const struct evtset *b)
{
	for (size_t i = 0; i < sizeof(a->bits) / sizeof(a->bits[0]); i++)
		a->bits[i] |= b->bits[i];
}

/* ALL minus S. */
static void
set_not(struct evtset *s)
{
	struct evtset all;

	set_all(&all);
	for (size_t i = 0; i < sizeof(s->bits) / sizeof(s->bits[0]); i++)
		s->bits[i] = all.bits[i] & ~s->bits[i];
}

/* The type an evt.type value names.  Names we do not model are syscalls (evt.type prints
 * the syscall's own name for EVT_syscall) or, in upper case, audit records. */
static enum event_type
type_of_name(const char *name)
{
	enum event_type t = event_type_from_name(name);

	if (t != EVT_NONE)
		return t;
	return (name[0] >= 'A' && name[0] <= 'Z') ? EVT_record : EVT_syscall;
}

/* T: types for which CMP can be true; F: types for which it can be false. */
static void
types_of_cmp(const struct chk_cmp *cmp, struct evtset *t, struct evtset *f)
{
	struct evtset named = { { 0 } }, unique = { { 0 } };

	set_all(t);
	set_all(f);
	if (strcmp(cmp->lhs.ref.def->name, "evt.type") != 0 || cmp->lhs.nxf || cmp->rhs ||
	    (cmp->op != OP_EQ && cmp->op != OP_NE && cmp->op != OP_IN && cmp->op != OP_INTERSECTS))
		return;
	for (uint32_t i = 0; i < cmp->nvals; i++) {
		enum event_type e = type_of_name(cmp->vals[i].str.s);
		evtset_add(&named, e);
		/* A catch-all type also carries other names, so its events can fail the check. */
		if (e != EVT_syscall && e != EVT_record)
			evtset_add(&unique, e);
	}
	*(cmp->op == OP_NE ? f : t) = named;
	set_not(&unique);
	*(cmp->op == OP_NE ? t : f) = unique;
}

/* ---- file paths ------------------------------------------------------------------------ */

/* Fields whose value is a file path, and whether they name a directory. */
static const struct {
	const char *name;
	bool dir;
} path_fields[] = {
	{ "fd.name", false },
	{ "fd.directory", true },
	{ "fs.path.name", false },
	{ "fs.path.source", false },
	{ "fs.path.target", false },
};

struct pitem {
	char *path;
	enum filter_path_kind kind;
};

/* What a subtree needs watched: nothing (it cannot match a file event), anything (no path
 * constraint), or one of a set of paths. */
struct paths {
	enum { PR_EMPTY, PR_ANY, PR_SET } state;
	struct pitem *v;
	uint32_t n, cap;
	enum filter_path_use use;   /* kept by every reset */
};

/* The event types each consumer watches paths for (enum filter_path_use). */
static const enum event_type watched_audit[] = { EVT_open, EVT_openat, EVT_openat2, EVT_creat };
static const enum event_type watched_fan[] = {
	EVT_open, EVT_openat, EVT_openat2, EVT_creat, EVT_open_exec, EVT_access, EVT_modify,
	EVT_close_write, EVT_close_nowrite, EVT_create, EVT_delete, EVT_attrib, EVT_rename,
};

/* True if T holds a type that USE watches paths for. */
static bool
needs_watch(const struct evtset *t, enum filter_path_use use)
{
	const enum event_type *w = use == FPUSE_AUDIT_OPEN ? watched_audit : watched_fan;
	size_t n = use == FPUSE_AUDIT_OPEN ? sizeof(watched_audit) / sizeof(watched_audit[0]) :
	           sizeof(watched_fan) / sizeof(watched_fan[0]);

	for (size_t i = 0; i < n; i++)
		if (evtset_has(t, w[i]))
			return true;
	return false;
}

static void
paths_clear(struct paths *p, int state)
{
	for (uint32_t i = 0; i < p->n; i++)
		free(p->v[i].path);
	free(p->v);
	*p = (struct paths){ .state = state, .use = p->use };
}

static void
paths_add(struct paths *p, const char *s, size_t len, enum filter_path_kind kind)
{
	if (p->n == p->cap) {
		uint32_t cap = p->cap ? p->cap * 2 : 8;
		struct pitem *v = realloc(p->v, sizeof(*v) * cap);
		if (v == NULL)
			abort();
		p->v = v;
		p->cap = cap;
	}
	char *copy = strndup(s, len);
	if (copy == NULL)
		abort();
	p->v[p->n++] = (struct pitem){ .path = copy, .kind = kind };
}

/* Add the directory S (LEN bytes) and everything below it: the prefix "S/". */
static bool
path_tree(struct paths *p, const char *s, size_t len)
{
	char buf[PATH_MAX];

	while (len > 1 && s[len - 1] == '/')
		len--;
	if (len == 1) {                 /* "/": every file */
		paths_add(p, "/", 1, FPATH_PREFIX);
		return true;
	}
	if (len + 2 > sizeof(buf))
		return false;
	memcpy(buf, s, len);
	buf[len] = '/';
	paths_add(p, buf, len + 1, FPATH_PREFIX);
	return true;
}

/* Add constant S for a path comparison with OP; false if it places no usable bound. */
static bool
path_const(struct paths *p, enum ast_op op, bool dir, const struct chk_const *c)
{
	size_t len = c->str.len;

	if (len == 0 || c->str.s[0] != '/')
		return false;           /* relative: cannot be watched */
	switch (op) {
	case OP_EQ:
	case OP_IN:
	case OP_INTERSECTS:
		paths_add(p, c->str.s, len, dir ? FPATH_DIR : FPATH_EXACT);
		return true;
	case OP_STARTSWITH:
		/* "/etc/" names the whole tree below /etc, "/etc/pa" what starts so: both are
		 * prefixes (a prefix ending in '/' is a directory and everything below it). */
		paths_add(p, c->str.s, len, FPATH_PREFIX);
		return true;
	case OP_PMATCH:
		if (c->str.wild) {
			paths_add(p, c->str.s, len, FPATH_GLOB);
			return true;
		}
		return path_tree(p, c->str.s, len);
	case OP_GLOB:
		paths_add(p, c->str.s, len, FPATH_GLOB);
		return true;
	default:
		return false;
	}
}

static void
paths_of_cmp(const struct chk_cmp *cmp, struct paths *p)
{
	size_t i, nf = sizeof(path_fields) / sizeof(path_fields[0]);

	paths_clear(p, PR_ANY);
	for (i = 0; i < nf && strcmp(path_fields[i].name, cmp->lhs.ref.def->name) != 0; i++)
		;
	if (i == nf || cmp->lhs.nxf || cmp->rhs)
		return;
	for (uint32_t k = 0; k < cmp->nvals; k++) {
		if (!path_const(p, cmp->op, path_fields[i].dir, &cmp->vals[k])) {
			paths_clear(p, PR_ANY);
			return;
		}
	}
	p->state = p->n ? PR_SET : PR_EMPTY;
}

/* Fold child result K into the and/or result P (K is consumed). */
static void
paths_join(struct paths *p, struct paths *k, bool is_and)
{
	if (is_and && (p->state == PR_EMPTY || k->state == PR_EMPTY)) {
		paths_clear(p, PR_EMPTY);   /* either side false on file events: nothing needed */
	} else if (is_and && k->state == PR_SET && (p->state == PR_ANY || k->n < p->n)) {
		paths_clear(p, PR_ANY);     /* one bounded side suffices: keep the smaller */
		*p = *k;
		*k = (struct paths){ .use = p->use };
	} else if (!is_and && (p->state == PR_ANY || k->state == PR_ANY)) {
		paths_clear(p, PR_ANY);
	} else if (!is_and && k->state == PR_SET) {
		for (uint32_t i = 0; i < k->n; i++)
			paths_add(p, k->v[i].path, strlen(k->v[i].path), k->v[i].kind);
		p->state = PR_SET;
	}
	paths_clear(k, PR_EMPTY);
}

/* For C: T gets the types for which it can be true, F those for which it can be false, and
 * P (unless NULL) what it needs watched. */
static void
analyze(const struct chk *c, struct evtset *t, struct evtset *f, struct paths *p)
{
	struct evtset kt, kf;
	struct paths kp = { .use = p ? p->use : FPUSE_AUDIT_OPEN };
	bool is_and = c->kind == CHK_AND;

	switch (c->kind) {
	case CHK_TRUE:
	case CHK_FALSE:
		set_all(c->kind == CHK_TRUE ? t : f);
		memset(c->kind == CHK_TRUE ? f : t, 0, sizeof(*t));
		if (p)
			paths_clear(p, c->kind == CHK_TRUE ? PR_ANY : PR_EMPTY);
		break;
	case CHK_NOT:
		analyze(c->kids.v[0], f, t, p ? &kp : NULL);
		if (p) {
			paths_clear(&kp, PR_EMPTY);
			paths_clear(p, PR_ANY); /* a negated path test bounds nothing */
		}
		break;
	case CHK_AND:
	case CHK_OR:
		set_all(is_and ? t : f);
		memset(is_and ? f : t, 0, sizeof(*t));
		if (p)
			paths_clear(p, is_and ? PR_ANY : PR_EMPTY);
		for (uint32_t i = 0; i < c->kids.n; i++) {
			analyze(c->kids.v[i], &kt, &kf, p ? &kp : NULL);
			(is_and ? set_and : set_or)(t, &kt);
			(is_and ? set_or : set_and)(f, &kf);
			if (p)
				paths_join(p, &kp, is_and);
		}
		break;
	case CHK_CMP:
		types_of_cmp(&c->cmp, t, f);
		if (p)
			paths_of_cmp(&c->cmp, p);
		break;
	}
	/* A branch that cannot match an event the consumer watches needs no path at all. */
	if (p && p->state != PR_EMPTY && !needs_watch(t, p->use))
		paths_clear(p, PR_EMPTY);
}

void
filter_paths(const struct filter *f, enum filter_path_use use,
             void (*fn)(const char *path, enum filter_path_kind kind, void *arg),
             void *arg, bool *unbounded)
{
	struct evtset t, fl;
	struct paths p = { .use = use };
	struct hmap *seen = NULL;

	analyze(f->prog.root, &t, &fl, &p);
	*unbounded = p.state == PR_ANY;
	if (p.state == PR_SET && hmap_new(&seen) == 0) {
		for (uint32_t i = 0; i < p.n; i++) {
			struct sbuf key = SBUF_INIT;
			sbuf_putc(&key, (char)('0' + p.v[i].kind));
			sbuf_puts(&key, p.v[i].path);
			if (!hmap_get(seen, key.buf, key.len, NULL)) {
				if (hmap_put(seen, key.buf, key.len, NULL) < 0)
					abort();
				fn(p.v[i].path, p.v[i].kind, arg);
			}
			sbuf_free(&key);
		}
	}
	hmap_free(seen);
	paths_clear(&p, PR_EMPTY);
}

void
filter_evttypes(const struct filter *f, struct evtset *out, bool *any)
{
	*out = f->types;
	*any = f->any;
}

/* ---- compile, evaluate, describe -------------------------------------------------------- */

int
filter_compile(struct filter_env *env, const char *cond, const struct filter_src *src,
               unsigned flags, struct filter **out, struct diags *diags)
{
	struct filter_env empty = { .spent = 0 };
	struct ast_report r = report_for(diags, src, cond);
	struct arena tmp = ARENA_INIT;
	struct sbuf text = SBUF_INIT;
	struct ast_node *root;
	struct filter *f;
	struct evtset all, no;
	bool unknown = false;
	int rc;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -ENOMEM;
	if ((rc = parse_text(&r, cond, &tmp, &root)) < 0 ||
	    (rc = expand_tree(env ? env : &empty, &tmp, &root, NULL, &r)) < 0)
		goto fail;
	ast_render(root, &text);
	f->text = sbuf_steal(&text);
	if ((rc = compile_tree(root, flags, &f->prog, &r, &unknown)) < 0) {
		rc = (unknown && r.nerrors == 0) ? -ENOENT : rc;
		goto fail;
	}
	analyze(f->prog.root, &f->types, &no, NULL);
	set_all(&all);
	f->any = memcmp(&all, &f->types, sizeof(all)) == 0;
	arena_free(&tmp);
	*out = f;
	return 0;
fail:
	arena_free(&tmp);
	filter_free(f);
	return rc;
}

void
filter_free(struct filter *f)
{
	if (f == NULL)
		return;
	compile_release(&f->prog);
	free(f->text);
	free(f);
}

bool
filter_eval(const struct filter *f, const struct event *ev, struct arena *scratch)
{
	return eval_chk(f->prog.root, ev, scratch);
}

char *
filter_to_string(const struct filter *f)
{
	return strdup(f->text);
}

void
filter_fields(const struct filter *f, void (*fn)(const char *name, void *arg), void *arg)
{
	for (size_t i = 0; i < f->prog.nfields; i++)
		fn(f->prog.fields[i], arg);
}

void
filter_folded_fields(const struct filter *f, void (*fn)(const char *name, void *arg),
                     void *arg)
{
	for (size_t i = 0; i < f->prog.nfolded; i++)
		fn(f->prog.folded[i], arg);
}
