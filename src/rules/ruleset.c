/* ruleset.c - collection -> compiled ruleset -> matching (see ruleset.h).
 *
 * Load order, as Falco does it: every file is read into one collection first (loader.c),
 * then everything is compiled from the final definitions.
 *   1. Lists, in file order (the place of each list's first definition), each with its
 *      final items.  A list sees the lists defined before its latest change (Falco's
 *      "visibility"): one redefined later may use a list that first appeared in between,
 *      which is then defined ahead of it.
 *   2. Macros, in file order, each with its final condition and the same visibility rule
 *      among macros.  Every list is defined before any macro: in Falco a condition sees
 *      every list whatever its place.
 *   3. Rules, in file order, each compiled against the final lists and macros (Falco gives
 *      rules unlimited visibility), with its exceptions appended as "and not (...)".  Every
 *      rule is compiled, even a disabled one, so that -V finds its errors, as Falco does;
 *      only enabled rules at or above the priority threshold are kept.
 * The visibility rule needs to know which macros a condition names before it is parsed; a
 * scan for bare words that name macros gives a superset, which only decides order.
 *
 * Matching: rules are indexed by the event types their condition can match (each list in
 * file order, rules that match every type merged in), so an event meets only the rules that
 * can match it. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rules/eval.h"
#include "rules/fields.h"
#include "rules/loader.h"
#include "rules/ruleset_priv.h"

#define MAX_PULL_DEPTH 256      /* out-of-order definitions chained deeper are not pulled */

struct build {
	struct loader *ld;
	struct filter_env *env;
	struct ruleset *rs;
	struct diags *diags;
	const struct ruleset_opts *opts;
	uint8_t *state;         /* per list or macro: 0 pending, 1 in progress, 2 defined */
	unsigned depth;
};

/* "rule 'NAME'", kept in the ruleset's arena so that whatever keeps a filter_src may. */
static const char *
item_name(struct ruleset *rs, const char *what, const char *name)
{
	struct sbuf b = SBUF_INIT;
	const char *s;

	sbuf_printf(&b, "%s '%s'", what, name);
	s = arena_strdup(&rs->mem, sbuf_str(&b));
	sbuf_free(&b);
	return s;
}

static void
define_list(struct build *b, size_t i)
{
	const struct loader_list *l = &b->ld->lists[i];
	struct filter_src src = { l->pos.file, l->pos.line, l->pos.col,
	                          item_name(b->rs, "list", l->name) };

	if (b->state[i])
		return;
	b->state[i] = 1;
	if (b->depth < MAX_PULL_DEPTH) {
		b->depth++;
		for (size_t k = 0; k < l->nitems; k++) {
			long j = loader_find_list(b->ld, l->items[k]);
			if (j >= 0 && b->state[j] == 0 && b->ld->lists[j].index < l->visibility)
				define_list(b, (size_t)j);
		}
		b->depth--;
	}
	filter_env_add_list(b->env, l->name, l->items, l->nitems, &src, b->diags);
	b->state[i] = 2;
}

/* Call FN for every bare word of COND that could name a macro (outside quotes, not part of
 * a field name such as proc.name). */
static void
each_word(struct build *b, const char *cond, size_t i, void (*fn)(struct build *, size_t, long))
{
	char word[128];

	for (const char *p = cond; *p;) {
		if (*p == '"' || *p == '\'') {
			char q = *p++;
			while (*p && *p != q)
				p += (*p == '\\' && p[1]) ? 2 : 1;
			p += *p != '\0';
			continue;
		}
		size_t len = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		                       "0123456789_.");
		if (len == 0) {
			p++;
			continue;
		}
		if (len < sizeof(word) && memchr(p, '.', len) == NULL) {
			memcpy(word, p, len);
			word[len] = '\0';
			fn(b, i, loader_find_macro(b->ld, word));
		}
		p += len;
	}
}

static void define_macro(struct build *b, size_t i);

static void
pull_macro(struct build *b, size_t i, long j)
{
	if (j >= 0 && b->state[j] == 0 &&
	    b->ld->macros[j].index < b->ld->macros[i].visibility)
		define_macro(b, (size_t)j);
}

static void
define_macro(struct build *b, size_t i)
{
	const struct loader_macro *m = &b->ld->macros[i];
	struct filter_src src = m->cond_src;

	if (b->state[i])
		return;
	b->state[i] = 1;
	if (b->depth < MAX_PULL_DEPTH) {
		b->depth++;
		each_word(b, sbuf_str(&m->cond), i, pull_macro);
		b->depth--;
	}
	src.item = item_name(b->rs, "macro", m->name);
	filter_env_add_macro(b->env, m->name, sbuf_str(&m->cond), &src, b->diags);
	b->state[i] = 2;
}

static int
define_env(struct build *b)
{
	struct loader *ld = b->ld;
	size_t n = ld->nlists > ld->nmacros ? ld->nlists : ld->nmacros;

	if ((b->state = calloc(n ? n : 1, 1)) == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < ld->nlists; i++)
		define_list(b, i);
	memset(b->state, 0, n ? n : 1);
	for (size_t i = 0; i < ld->nmacros; i++)
		define_macro(b, i);
	free(b->state);
	b->state = NULL;
	return 0;
}

/* Compile the output.  With skip-if-unknown-filter an output that does not compile makes
 * the rule skipped with warnings instead of errors, as in Falco. */
static int
compile_output(struct build *b, const struct loader_rule *r, const char *item,
               struct template **out)
{
	struct filter_src src = r->output_src;
	struct diags tmp = DIAGS_INIT;
	int rc;

	src.item = item;
	if (!r->skip_unknown)
		return template_compile(sbuf_str(&r->output), &src, out, b->diags);
	rc = template_compile(sbuf_str(&r->output), &src, out, &tmp);
	for (size_t i = 0; i < tmp.n; i++)
		diags_add(b->diags, rc < 0 ? DIAG_WARNING : tmp.v[i].sev, tmp.v[i].file,
		          tmp.v[i].line, tmp.v[i].col, "%s%s", tmp.v[i].msg,
		          rc < 0 && tmp.v[i].sev == DIAG_ERROR
		          ? " (the rule is skipped: skip-if-unknown-filter)" : "");
	diags_free(&tmp);
	return rc < 0 ? -ENOENT : 0;
}

struct folded {
	bool dir;                   /* an evt.dir = > test */
	struct sbuf missing;        /* fields never available, comma separated */
};

static void
add_folded(const char *name, void *arg)
{
	struct folded *fo = arg;

	if (strcmp(name, "evt.dir") == 0)
		fo->dir = true;
	else
		sbuf_printf(&fo->missing, "%s%s", fo->missing.len ? ", " : "", name);
}

/* Falco warns about an empty type set too.  Here it comes from evt.dir = > and from
 * comparisons on fields shikra can never supply, which compile as false; say which. */
static void
warn_never_fires(struct build *b, const struct loader_rule *r, const char *item,
                 const struct filter *f)
{
	struct folded fo = { .dir = false, .missing = SBUF_INIT };
	struct sbuf why = SBUF_INIT;

	filter_folded_fields(f, add_folded, &fo);
	if (fo.dir)
		sbuf_puts(&why, "evt.dir = > is always false: audit and fanotify report only "
		          "completed calls");
	if (fo.missing.len)
		sbuf_printf(&why, "%sshikra cannot supply %s", why.len ? "; " : "",
		            sbuf_str(&fo.missing));
	diags_add(b->diags, DIAG_WARNING, r->pos.file, r->pos.line, r->pos.col,
	          "%s: the condition can match no event type, so the rule never fires%s%s%s",
	          item, why.len ? " (" : "", sbuf_str(&why), why.len ? ")" : "");
	sbuf_free(&why);
	sbuf_free(&fo.missing);
}

static void
keep_rule(struct build *b, const struct loader_rule *r, const char *item, struct filter *f,
          struct template *t)
{
	struct ruleset *rs = b->rs;
	struct rs_rule *k = &rs->rules[rs->n];
	const char **tags = arena_alloc(&rs->mem, (r->ntags ? r->ntags : 1) * sizeof(*tags));

	for (size_t i = 0; i < r->ntags; i++)
		tags[i] = arena_strdup(&rs->mem, r->tags[i]);
	k->pub = (struct rule){
		.name = arena_strdup(&rs->mem, r->name),
		.desc = arena_strdup(&rs->mem, sbuf_str(&r->desc)),
		.source = "syscall",
		.priority = r->priority,
		.tags = tags,
		.ntags = r->ntags,
		.filter = f,
		.output = t,
		.hits = &rs->hits[rs->n],
	};
	k->output_text = arena_strdup(&rs->mem, sbuf_str(&r->output));
	filter_evttypes(f, &k->pub.evttypes, &k->pub.any_type);
	if (k->pub.any_type && r->warn_evttypes)
		diags_add(b->diags, DIAG_WARNING, r->pos.file, r->pos.line, r->pos.col,
		          "%s: the condition places no restriction on evt.type, so the rule is "
		          "evaluated for every event (slow); add an evt.type test or set "
		          "warn_evttypes: false", item);
	if (evtset_empty(&k->pub.evttypes) && !k->pub.any_type && r->warn_evttypes)
		warn_never_fires(b, r, item, f);
	rs->n++;
}

static int
check_field(struct build *b, const char *item, const struct loader_exception *e,
            const struct yamldoc_node *f)
{
	struct field_ref ref;
	const char *why = NULL;
	int rc = field_lookup(f->text, f->n, &ref, &why);

	if (rc == 0) {
		field_ref_clear(&ref);
		return 0;
	}
	if (rc == -ENOENT)
		why = NULL;
	diags_add(b->diags, DIAG_ERROR, e->pos.file, f->line, f->col,
	          "%s: exception '%s': %s field '%s'%s%s", item, e->name,
	          rc == -ENOENT ? "unknown" : "invalid", f->text, why ? ": " : "", why ? why : "");
	return -EINVAL;
}

/* Exception fields are looked up here rather than in the loader, as Falco does at
 * collection time, with the same positions. */
static int
check_exception_fields(struct build *b, const struct loader_rule *r, const char *item)
{
	int rc = 0;

	for (size_t i = 0; i < r->nexc; i++) {
		const struct yamldoc_node *f = r->exc[i].fields;
		if (f->kind == YAMLDOC_SCALAR)
			rc |= check_field(b, item, &r->exc[i], f);
		for (size_t k = 0; f->kind == YAMLDOC_SEQ && k < f->n; k++)
			rc |= check_field(b, item, &r->exc[i], f->v[k]);
	}
	return rc;
}

static void
compile_rule(struct build *b, const struct loader_rule *r)
{
	struct sbuf cond = SBUF_INIT;
	struct filter_src src = r->cond_src;
	struct filter *f = NULL;
	struct template *t = NULL;
	size_t shift;
	const char *item = item_name(b->rs, "rule", r->name);
	int rc;

	if (check_exception_fields(b, r, item) < 0)
		return;
	loader_rule_condition(r, &cond, &shift);
	src.item = item;
	src.col = src.col > shift ? src.col - (uint32_t)shift : 1;
	rc = filter_compile(b->env, sbuf_str(&cond), &src,
	                    r->skip_unknown ? FILTER_SKIP_UNKNOWN : 0, &f, b->diags);
	sbuf_free(&cond);
	if (rc == -ENOENT)
		diags_add(b->diags, DIAG_WARNING, r->pos.file, r->pos.line, r->pos.col,
		          "%s: the condition uses a field shikra does not know; the rule is "
		          "skipped (skip-if-unknown-filter)", item);
	if (rc < 0 || compile_output(b, r, item, &t) < 0)
		goto drop;
	if (!r->enabled || r->priority > b->opts->min_priority)
		goto drop;
	keep_rule(b, r, item, f, t);
	return;
drop:
	filter_free(f);
	template_free(t);
}

static void
index_add(struct ruleset *rs, struct rs_index *ix, bool (*match)(const struct rule *, int),
          int arg)
{
	size_t n = 0;

	for (size_t i = 0; i < rs->n; i++)
		n += match(&rs->rules[i].pub, arg);
	ix->v = arena_alloc(&rs->mem, (n ? n : 1) * sizeof(*ix->v));
	for (size_t i = 0; i < rs->n; i++)
		if (match(&rs->rules[i].pub, arg))
			ix->v[ix->n++] = &rs->rules[i];
}

static bool
match_type(const struct rule *r, int t)
{
	return r->any_type || (t != EVT_NONE && evtset_has(&r->evttypes, (enum event_type)t));
}

static bool
match_fan(const struct rule *r, int a)
{
	bool m = r->any_type;

	for (size_t k = 0; k < EVAL_FAN_ALIASES; k++)
		m = m || evtset_has(&r->evttypes, eval_fan_group((size_t)a)->alias[k]);
	return m;
}

static void
build_index(struct ruleset *rs)
{
	for (int t = 0; t < EVT__COUNT; t++)
		index_add(rs, &rs->by_type[t], match_type, t);
	for (int a = 0; a < EVAL_FAN_GROUPS; a++)
		index_add(rs, &rs->fan[a], match_fan, a);
}

static int
compile_all(struct build *b)
{
	struct ruleset *rs = b->rs;
	int rc;

	rs->rules = calloc(b->ld->nrules ? b->ld->nrules : 1, sizeof(*rs->rules));
	rs->hits = calloc(b->ld->nrules ? b->ld->nrules : 1, sizeof(*rs->hits));
	if (rs->rules == NULL || rs->hits == NULL)
		return -ENOMEM;
	if ((rc = filter_env_new(&b->env)) < 0 || (rc = define_env(b)) < 0)
		return rc;
	for (size_t i = 0; i < b->ld->nrules; i++)
		if (!b->ld->rules[i].unknown_source)
			compile_rule(b, &b->ld->rules[i]);
	return 0;
}

int
ruleset_load(const char *const *paths, size_t n, const struct ruleset_opts *opts,
             struct ruleset **out, struct diags *diags)
{
	static const struct ruleset_opts defaults = { PRIO_DEBUG, RULE_MATCHING_ALL };
	struct build b = { .diags = diags, .opts = opts ? opts : &defaults };
	size_t before = diags->nerrors;
	int rc;

	if ((rc = loader_new(&b.ld)) < 0)
		return rc;
	if ((b.rs = calloc(1, sizeof(*b.rs))) == NULL) {
		rc = -ENOMEM;
		goto fail;
	}
	b.rs->matching = b.opts->matching;
	for (size_t i = 0; i < n; i++)
		if ((rc = loader_read_file(b.ld, paths[i], diags)) == -ENOMEM)
			goto fail;
	if ((rc = compile_all(&b)) < 0)
		goto fail;
	if (diags->nerrors > before) {
		rc = -EINVAL;
		goto fail;
	}
	build_index(b.rs);
	filter_env_free(b.env);
	loader_free(b.ld);
	*out = b.rs;
	return 0;
fail:
	filter_env_free(b.env);
	loader_free(b.ld);
	ruleset_free(b.rs);
	return rc;
}

void
ruleset_free(struct ruleset *rs)
{
	if (rs == NULL)
		return;
	for (size_t i = 0; i < rs->n; i++) {
		filter_free(rs->rules[i].pub.filter);
		template_free(rs->rules[i].pub.output);
	}
	free(rs->rules);
	free(rs->hits);
	arena_free(&rs->mem);
	free(rs);
}

static const struct rs_index *
candidates(const struct ruleset *rs, const struct event *ev)
{
	int t = ev->type > EVT_NONE && ev->type < EVT__COUNT ? (int)ev->type : EVT_NONE;
	const struct eval_fan_group *g = eval_fan_group_of(ev);

	if (g != NULL)
		return &rs->fan[g - eval_fan_group(0)];
	return &rs->by_type[t];
}

void
ruleset_match(const struct ruleset *rs, const struct event *ev, struct arena *scratch,
              rule_match_fn *fn, void *arg)
{
	const struct rs_index *ix = candidates(rs, ev);

	for (size_t i = 0; i < ix->n; i++) {
		const struct rule *r = &ix->v[i]->pub;
		if (!filter_eval(r->filter, ev, scratch))
			continue;
		(*r->hits)++;
		fn(r, ev, arg);
		if (rs->matching == RULE_MATCHING_FIRST)
			break;
	}
}

size_t
ruleset_count(const struct ruleset *rs)
{
	return rs->n;
}

const struct rule *
ruleset_rule(const struct ruleset *rs, size_t i)
{
	return i < rs->n ? &rs->rules[i].pub : NULL;
}
