/* ruleset_list.c - what a loaded ruleset tells others: priorities by name, the -L listing
 * (text and JSON), and the event types and file paths the kernel must be asked for. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/sbuf.h"
#include "rules/ruleset_priv.h"

static void
put_types(const struct rule *r, struct sbuf *b)
{
	bool first = true;

	if (r->any_type) {
		sbuf_putc(b, '*');
		return;
	}
	for (int t = EVT_NONE + 1; t < EVT__COUNT; t++) {
		if (!evtset_has(&r->evttypes, (enum event_type)t))
			continue;
		if (!first)
			sbuf_putc(b, ',');
		sbuf_puts(b, event_type_name((enum event_type)t));
		first = false;
	}
}

void
ruleset_list_text(const struct ruleset *rs, FILE *fp)
{
	struct sbuf b = SBUF_INIT;

	for (size_t i = 0; i < rs->n; i++) {
		const struct rule *r = &rs->rules[i].pub;
		sbuf_reset(&b);
		sbuf_escape(&b, r->name, strlen(r->name));
		sbuf_printf(&b, "\t%s\t", priority_name(r->priority));
		put_types(r, &b);
		fprintf(fp, "%s\n", sbuf_str(&b));
	}
	sbuf_free(&b);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

struct names {
	const char **v;
	size_t n, cap;
};

static void
add_name(const char *name, void *arg)
{
	struct names *s = arg;

	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 16;
		if ((s->v = realloc(s->v, s->cap * sizeof(*s->v))) == NULL)
			abort();
	}
	s->v[s->n++] = name;
}

/* The distinct field names of the condition and the output, sorted. */
static json_t *
rule_fields(const struct rule *r)
{
	struct names s = { 0 };
	json_t *arr = json_array();

	filter_fields(r->filter, add_name, &s);
	template_fields(r->output, add_name, &s);
	if (s.n)
		qsort(s.v, s.n, sizeof(*s.v), cmp_str);
	for (size_t i = 0; i < s.n; i++)
		if (i == 0 || strcmp(s.v[i], s.v[i - 1]) != 0)
			json_array_append_new(arr, json_string(s.v[i]));
	free(s.v);
	return arr;
}

static json_t *
rule_json(const struct rs_rule *k)
{
	const struct rule *r = &k->pub;
	json_t *o = json_object(), *tags = json_array(), *types = json_array();
	char *cond = filter_to_string(r->filter);

	for (size_t i = 0; i < r->ntags; i++)
		json_array_append_new(tags, json_string(r->tags[i]));
	for (int t = EVT_NONE + 1; !r->any_type && t < EVT__COUNT; t++)
		if (evtset_has(&r->evttypes, (enum event_type)t))
			json_array_append_new(types, json_string(event_type_name((enum event_type)t)));
	json_object_set_new(o, "name", json_string(r->name));
	json_object_set_new(o, "desc", json_string(r->desc));
	json_object_set_new(o, "priority", json_string(priority_name(r->priority)));
	json_object_set_new(o, "tags", tags);
	json_object_set_new(o, "source", json_string(r->source));
	json_object_set_new(o, "condition", cond ? json_string(cond) : json_null());
	json_object_set_new(o, "output", json_string(k->output_text));
	json_object_set_new(o, "fields", rule_fields(r));
	json_object_set_new(o, "evt.types", types);
	json_object_set_new(o, "any_evt_type", json_boolean(r->any_type));
	free(cond);
	return o;
}

json_t *
ruleset_list_json(const struct ruleset *rs)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < rs->n; i++)
		json_array_append_new(arr, rule_json(&rs->rules[i]));
	return arr;
}

void
ruleset_evttypes(const struct ruleset *rs, struct evtset *out, bool *any)
{
	memset(out, 0, sizeof(*out));
	*any = false;
	for (size_t i = 0; i < rs->n; i++) {
		const struct rule *r = &rs->rules[i].pub;
		/* A rule that matches every type says so through *ANY, not with every bit. */
		for (size_t w = 0; !r->any_type && w < sizeof(out->bits) / sizeof(out->bits[0]); w++)
			out->bits[w] |= r->evttypes.bits[w];
		*any = *any || r->any_type;
	}
}

void
ruleset_paths(const struct ruleset *rs, enum filter_path_use use,
              void (*fn)(const char *path, enum filter_path_kind kind, void *arg),
              void *arg, bool *unbounded)
{
	*unbounded = false;
	for (size_t i = 0; i < rs->n; i++) {
		bool u = false;
		filter_paths(rs->rules[i].pub.filter, use, fn, arg, &u);
		*unbounded = *unbounded || u;
	}
}

static void
collect_one(const char *path, enum filter_path_kind kind, void *arg)
{
	struct filter_paths *p = arg;
	struct filter_path *v = realloc((void *)p->v, (p->n + 1) * sizeof(*v));
	char *copy = strdup(path);

	if (v == NULL || copy == NULL)
		abort();	/* as every allocation of a ruleset load */
	v[p->n++] = (struct filter_path){ .path = copy, .kind = kind };
	p->v = v;
}

void
ruleset_paths_collect(const struct ruleset *rs, enum filter_path_use use,
                      struct filter_paths *out)
{
	*out = (struct filter_paths){ 0 };
	ruleset_paths(rs, use, collect_one, out, &out->unbounded);
}

void
ruleset_paths_free(struct filter_paths *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->n; i++)
		free((char *)p->v[i].path);
	free((void *)p->v);
	*p = (struct filter_paths){ 0 };
}
