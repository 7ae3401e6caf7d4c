/* loader_rule.c - `rule` items: definitions, appends, overrides and enable toggles.
 * It follows Falco's reader and collector: an item with `override` appends to and replaces
 * the keys it lists (every other overridable key it carries is an error); `append: true`
 * appends a condition and exceptions; an item with none of condition/output/desc/priority
 * only sets `enabled` on an earlier rule; anything else is a full definition, which needs
 * condition, output, desc and priority and replaces an earlier rule of the same name. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rules/loader_priv.h"

static const char *const rule_keys[] = {
	"rule", "condition", "output", "desc", "priority", "tags", "enabled", "exceptions",
	"source", "override", "append", "warn_evttypes", "skip-if-unknown-filter",
	"capture", "capture_duration", "capture_events", "capture_filesize", NULL,
};

/* Keys an override may name, in bit order.  Falco can append to the first five. */
enum ov_key {
	OV_CONDITION, OV_OUTPUT, OV_DESC, OV_TAGS, OV_EXCEPTIONS, OV_PRIORITY, OV_ENABLED,
	OV_WARN_EVTTYPES, OV_SKIP_UNKNOWN, OV_CAPTURE, OV_CAPTURE_DURATION, OV_CAPTURE_EVENTS,
	OV_CAPTURE_FILESIZE, OV__COUNT,
};
static const char *const ov_keys[OV__COUNT + 1] = {
	[OV_CONDITION] = "condition", [OV_OUTPUT] = "output", [OV_DESC] = "desc",
	[OV_TAGS] = "tags", [OV_EXCEPTIONS] = "exceptions", [OV_PRIORITY] = "priority",
	[OV_ENABLED] = "enabled", [OV_WARN_EVTTYPES] = "warn_evttypes",
	[OV_SKIP_UNKNOWN] = "skip-if-unknown-filter", [OV_CAPTURE] = "capture",
	[OV_CAPTURE_DURATION] = "capture_duration", [OV_CAPTURE_EVENTS] = "capture_events",
	[OV_CAPTURE_FILESIZE] = "capture_filesize", [OV__COUNT] = NULL,
};
static const bool ov_can_append[OV__COUNT] = {
	[OV_CONDITION] = true, [OV_OUTPUT] = true, [OV_DESC] = true, [OV_TAGS] = true,
	[OV_EXCEPTIONS] = true,
};
_Static_assert(OV__COUNT <= 32, "override keys fit in an unsigned mask");

/* What an append or a replace brings; absent keys are NULL / false. */
struct update {
	const struct yamldoc_node *cond, *output, *desc, *tags;
	bool has_priority, has_enabled, has_warn, has_skip, has_exc;
	enum priority priority;
	bool enabled, warn, skip;
	struct loader_exception *exc;
	size_t nexc, exc_cap;
};

static void
update_clear(struct update *u)
{
	for (size_t i = 0; i < u->nexc; i++)
		loader_exception_clear(&u->exc[i]);
	free(u->exc);
}

static const struct yamldoc_node *
read_text(struct loader_item *it, const char *key)
{
	const char *s;

	return loader_string(it, key, true, &s) == 0 ? yamldoc_get(it->node, key) : NULL;
}

static const struct yamldoc_node *
read_tags(struct loader_item *it)
{
	const struct yamldoc_node *tags = yamldoc_get(it->node, "tags");

	if (tags == NULL || yamldoc_is_null(tags))
		return NULL;
	if (tags->kind != YAMLDOC_SEQ) {
		loader_error(it, tags, "'tags' must be a sequence of strings");
		return NULL;
	}
	for (size_t i = 0; i < tags->n; i++)
		if (tags->v[i]->kind != YAMLDOC_SCALAR) {
			loader_error(it, tags->v[i], "tags must be strings, not %s",
			             yamldoc_kind_name(tags->v[i]));
			return NULL;
		}
	return tags;
}

static void
read_priority(struct loader_item *it, struct update *u)
{
	const char *name;

	if (loader_string(it, "priority", true, &name) < 0)
		return;
	if (priority_from_name(name, &u->priority) < 0)
		loader_error(it, yamldoc_get(it->node, "priority"), "invalid priority '%s' (expected "
		             "emergency, alert, critical, error, warning, notice, informational or "
		             "debug)", name);
	else
		u->has_priority = true;
}

/* Read the keys in MASK (bits of enum ov_key) into U. */
static void
read_update(struct loader_item *it, unsigned mask, struct update *u)
{
	if (mask & (1u << OV_CONDITION))
		u->cond = read_text(it, "condition");
	if (mask & (1u << OV_OUTPUT))
		u->output = read_text(it, "output");
	if (mask & (1u << OV_DESC))
		u->desc = read_text(it, "desc");
	if (mask & (1u << OV_TAGS))
		u->tags = read_tags(it);
	if (mask & (1u << OV_PRIORITY))
		read_priority(it, u);
	if (mask & (1u << OV_ENABLED))
		u->has_enabled = loader_bool(it, "enabled", &u->enabled) == 0;
	if (mask & (1u << OV_WARN_EVTTYPES))
		u->has_warn = loader_bool(it, "warn_evttypes", &u->warn) == 0;
	if (mask & (1u << OV_SKIP_UNKNOWN))
		u->has_skip = loader_bool(it, "skip-if-unknown-filter", &u->skip) == 0;
	if (mask & (1u << OV_EXCEPTIONS)) {
		u->has_exc = true;
		loader_read_exceptions(it, yamldoc_get(it->node, "exceptions"), true, &u->exc,
		                       &u->nexc, &u->exc_cap);
	}
}

/* Falco trims the output; a trailing newline from a block scalar is the usual case. */
static void
set_output(struct loader_rule *r, const struct loader_item *it, const struct yamldoc_node *n)
{
	const char *s = n->text;
	size_t len = n->n;

	loader_text_src(it, n, &r->output_src);
	while (*s == ' ' || *s == '\t') {
		s++;
		len--;
		r->output_src.col++;
	}
	while (len > 0 && strchr(" \t\r\n", s[len - 1]))
		len--;
	sbuf_reset(&r->output);
	sbuf_add(&r->output, s, len);
}

static void
add_tags(struct loader_rule *r, const struct yamldoc_node *tags)
{
	for (size_t i = 0; tags && i < tags->n; i++) {
		const char *t = tags->v[i]->text;
		size_t k;
		for (k = 0; k < r->ntags && strcmp(r->tags[k], t) != 0; k++)
			;
		if (k < r->ntags)
			continue;
		if (r->ntags == r->tags_cap) {
			r->tags_cap = r->tags_cap ? 2 * r->tags_cap : 8;
			if ((r->tags = realloc(r->tags, r->tags_cap * sizeof(*r->tags))) == NULL)
				abort();
		}
		r->tags[r->ntags++] = t;
	}
}

static void
push_exception(struct loader_rule *r, struct loader_exception *e)
{
	if (r->nexc == r->exc_cap) {
		r->exc_cap = r->exc_cap ? 2 * r->exc_cap : 4;
		if ((r->exc = realloc(r->exc, r->exc_cap * sizeof(*r->exc))) == NULL)
			abort();
	}
	r->exc[r->nexc++] = *e;
	memset(e, 0, sizeof(*e));
}

/* Appended exceptions: a new name joins the rule (it must be complete); a known name only
 * gets more values. */
static void
append_exceptions(struct loader_item *it, struct loader_rule *r, struct update *u)
{
	for (size_t i = 0; i < u->nexc; i++) {
		struct loader_exception *e = &u->exc[i];
		size_t k;
		for (k = 0; k < r->nexc && strcmp(r->exc[k].name, e->name) != 0; k++)
			;
		if (k == r->nexc) {
			if (e->nvalues == 0)
				loader_error(it, e->fields, "new exception '%s' must have values",
				             e->name);
			else if (loader_check_exception(it, e) == 0)
				push_exception(r, e);
		} else if (e->fields || e->comps) {
			loader_error(it, e->fields ? e->fields : e->comps, "exception '%s' exists: "
			             "only values can be appended to it, not fields or comps", e->name);
		} else {
			loader_exception_add_values(&r->exc[k], e);
		}
	}
}

static void
apply_append(struct loader_item *it, struct loader_rule *r, struct update *u)
{
	const struct yamldoc_node *texts[] = { u->cond, u->output, u->desc };
	struct sbuf *dst[] = { &r->cond, &r->output, &r->desc };

	for (size_t i = 0; i < 3; i++) {
		if (texts[i] && texts[i]->n) {
			sbuf_putc(dst[i], ' ');
			sbuf_puts(dst[i], texts[i]->text);
		}
	}
	add_tags(r, u->tags);
	append_exceptions(it, r, u);
	r->visibility = loader_next(it->ld);
}

static void
apply_replace(struct loader_item *it, struct loader_rule *r, struct update *u)
{
	if (u->cond) {
		sbuf_reset(&r->cond);
		sbuf_puts(&r->cond, u->cond->text);
		loader_text_src(it, u->cond, &r->cond_src);
	}
	if (u->output)
		set_output(r, it, u->output);
	if (u->desc) {
		sbuf_reset(&r->desc);
		sbuf_puts(&r->desc, u->desc->text);
	}
	if (yamldoc_get(it->node, "tags")) {
		r->ntags = 0;
		add_tags(r, u->tags);
	}
	if (u->has_exc) {
		size_t bad = 0;
		for (size_t i = 0; i < u->nexc; i++)
			bad += loader_check_exception(it, &u->exc[i]) < 0;
		for (size_t i = 0; bad == 0 && i < r->nexc; i++)
			loader_exception_clear(&r->exc[i]);
		r->nexc = bad == 0 ? 0 : r->nexc;
		for (size_t i = 0; bad == 0 && i < u->nexc; i++)
			push_exception(r, &u->exc[i]);
	}
	r->priority = u->has_priority ? u->priority : r->priority;
	r->enabled = u->has_enabled ? u->enabled : r->enabled;
	r->warn_evttypes = u->has_warn ? u->warn : r->warn_evttypes;
	r->skip_unknown = u->has_skip ? u->skip : r->skip_unknown;
	r->visibility = loader_next(it->ld);
}

static struct loader_rule *
previous_rule(struct loader_item *it, const char *what)
{
	long pos = loader_find_rule(it->ld, it->name);

	if (pos < 0) {
		loader_error(it, NULL, "%s, but no rule of that name exists", what);
		return NULL;
	}
	return &it->ld->rules[pos];
}

/* An item with `override`: every overridable key it carries must be listed there. */
static void
override_item(struct loader_item *it, unsigned append, unsigned replace)
{
	struct update ua = { 0 }, ur = { 0 };
	struct loader_rule *r;
	unsigned before = it->nerrors, present = 0;

	for (unsigned k = 0; k < OV__COUNT; k++) {
		const struct yamldoc_node *n = yamldoc_get(it->node, ov_keys[k]);
		bool listed = ((append | replace) >> k) & 1;
		present |= n ? 1u << k : 0;
		if (n && !listed)
			loader_error(it, n, "key '%s' has no entry under 'override' (append or "
			             "replace)", ov_keys[k]);
		else if (!n && listed)
			loader_error(it, NULL, "'override' names '%s', but the item has no '%s'",
			             ov_keys[k], ov_keys[k]);
	}
	if (yamldoc_get(it->node, "source"))
		loader_warn(it, yamldoc_get(it->node, "source"), "'source' is ignored in an "
		            "item with 'override'");
	read_update(it, append & present, &ua);
	read_update(it, replace & present, &ur);
	for (size_t i = 0; i < ur.nexc; i++)
		loader_check_exception(it, &ur.exc[i]);
	if (it->nerrors == before && (r = previous_rule(it, "overrides a rule"))) {
		if (append)
			apply_append(it, r, &ua);
		if (replace)
			apply_replace(it, r, &ur);
	}
	update_clear(&ua);
	update_clear(&ur);
}

/* The deprecated `append: true`: only a condition and exceptions are appended. */
static void
append_item(struct loader_item *it)
{
	static const char *const used[] = { "rule", "append", "condition", "exceptions" };
	struct update u = { 0 };
	struct loader_rule *r;
	unsigned before = it->nerrors;

	for (size_t i = 0; i < it->node->n; i++) {
		const struct yamldoc_node *k = it->node->v[2 * i];
		size_t j;
		for (j = 0; j < 4 && strcmp(used[j], k->text) != 0; j++)
			;
		if (j == 4)
			loader_warn(it, k, "'%s' is ignored with 'append: true'", k->text);
	}
	read_update(it, (yamldoc_get(it->node, "condition") ? 1u << OV_CONDITION : 0) |
	                (yamldoc_get(it->node, "exceptions") ? 1u << OV_EXCEPTIONS : 0), &u);
	if (!u.cond && u.nexc == 0 && it->nerrors == before)
		loader_error(it, NULL, "an appended rule must have a condition or exceptions");
	if (it->nerrors == before && (r = previous_rule(it, "appends to a rule")))
		apply_append(it, r, &u);
	update_clear(&u);
}

/* The deprecated enable toggle: `- rule: X` with `enabled:` and nothing to define. */
static void
enable_item(struct loader_item *it)
{
	struct loader_rule *r;
	bool enabled;
	int rc = loader_bool(it, "enabled", &enabled);

	if (rc == -ENOENT)
		loader_error(it, NULL, "a rule needs condition, output, desc and priority (an item "
		             "that only toggles a rule needs 'enabled')");
	if (rc < 0)
		return;
	loader_warn(it, yamldoc_get(it->node, "enabled"), "an item with only 'enabled' is "
	            "deprecated; use 'override: {enabled: replace}'");
	if ((r = previous_rule(it, "sets 'enabled'")))
		r->enabled = enabled;
}

static void
store_definition(struct loader_item *it, struct update *u, const char *source)
{
	long pos = loader_find_rule(it->ld, it->name);
	struct loader_rule *r;
	uint32_t index = it->ld->counter;

	if (pos >= 0 && strcmp(it->ld->rules[pos].source, source) != 0) {
		loader_error(it, NULL, "redefines a rule of source '%s' with source '%s'",
		             it->ld->rules[pos].source, source);
		return;
	}
	if (pos >= 0) {
		r = &it->ld->rules[pos];
		index = r->index;
		for (size_t i = 0; i < r->nexc; i++)
			loader_exception_clear(&r->exc[i]);
		r->nexc = r->ntags = 0;
	} else {
		r = loader_add_rule(it->ld, it->name);
	}
	r->index = index;
	r->pos = (struct loader_pos){ it->file, it->node->line, it->node->col };
	r->source = source;
	r->unknown_source = strcmp(source, "syscall") != 0;
	r->enabled = r->warn_evttypes = true;
	r->skip_unknown = false;
	apply_replace(it, r, u);          /* sets the texts, flags and visibility */
	r->index = index;
}

static void
define_item(struct loader_item *it)
{
	struct update u = { 0 };
	const char *source = "syscall";
	unsigned before = it->nerrors;

	read_update(it, (1u << OV_CONDITION) | (1u << OV_OUTPUT) | (1u << OV_DESC) |
	                (1u << OV_PRIORITY) | (1u << OV_TAGS) | (1u << OV_ENABLED) |
	                (1u << OV_WARN_EVTTYPES) | (1u << OV_SKIP_UNKNOWN), &u);
	if (loader_string(it, "source", false, &source) == -EINVAL)
		source = NULL;
	u.has_exc = true;
	loader_read_exceptions(it, yamldoc_get(it->node, "exceptions"), false, &u.exc, &u.nexc,
	                       &u.exc_cap);
	/* Check every exception now, so that all their problems are reported together. */
	for (size_t i = 0; i < u.nexc; i++)
		loader_check_exception(it, &u.exc[i]);
	if (source && strcmp(source, "syscall") != 0 && it->nerrors == before)
		loader_warn(it, yamldoc_get(it->node, "source"), "source '%s' is not supported "
		            "(shikra evaluates syscall rules only); the rule is skipped", source);
	if (it->nerrors == before && source)
		store_definition(it, &u, source);
	update_clear(&u);
}

void
loader_rule_item(struct loader_item *it)
{
	unsigned append_mask, replace_mask;
	bool append = false;

	loader_check_keys(it, rule_keys);
	for (unsigned k = OV_CAPTURE; k < OV__COUNT; k++)
		if (yamldoc_get(it->node, ov_keys[k]))
			loader_warn(it, yamldoc_get(it->node, ov_keys[k]), "'%s' is not supported "
			            "by shikra and is ignored", ov_keys[k]);
	if (loader_bool(it, "append", &append) == -EINVAL ||
	    loader_overrides(it, ov_keys, ov_can_append, &append_mask, &replace_mask) < 0)
		return;
	if (append && (append_mask | replace_mask)) {
		loader_error(it, yamldoc_get(it->node, "append"), "'override' and 'append: true' "
		             "cannot be used together; put 'append' entries under 'override'");
		return;
	}
	if (append)
		loader_warn(it, yamldoc_get(it->node, "append"), "'append: true' is deprecated; "
		            "use 'override' with an 'append' entry (e.g. 'condition: append')");
	if (append_mask | replace_mask)
		override_item(it, append_mask, replace_mask);
	else if (append)
		append_item(it);
	else if (!yamldoc_get(it->node, "condition") && !yamldoc_get(it->node, "output") &&
	         !yamldoc_get(it->node, "desc") && !yamldoc_get(it->node, "priority"))
		enable_item(it);
	else
		define_item(it);
}
