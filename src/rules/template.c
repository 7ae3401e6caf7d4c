/* template.c - Falco output templates (see template.h).
 * A template is a sequence of segments: literal text, or a field reference with an optional
 * width.  Syntax, following Falco's formatter:
 *     %FIELD            FIELD is a field name with an optional [ARG] ("proc.aname[2]",
 *                       "evt.arg.flags", "container.mount.dest[/proc*]")
 *     %NFIELD           N decimal digits: pad on the right to N bytes, or cut to N
 *     %XF(FIELD)        a transformer (tolower, toupper, b64, basename, len), nestable:
 *                       %tolower(basename(fd.name)); the JSON key is the text as written
 *     %%                a literal '%'
 * A leading '*' (Falco's marker for "no time/priority prefix") is accepted and dropped.
 * %container.info is not a field but a placeholder older Falco rules use; like Falco without
 * -p options, it stands for "container_id=%container.id container_name=%container.name".
 * Values are escaped on the way out: the rendered line is exactly one line. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/strnum.h"
#include "event/event_json.h"
#include "rules/ast.h"
#include "rules/eval.h"
#include "rules/fields.h"
#include "rules/template.h"

#define TEMPLATE_MAX_SEGMENTS 256
#define TEMPLATE_MAX_WIDTH 4096
#define NA_TEXT "<NA>"

struct segment {
	char *text;                 /* literal, or the field's name as written */
	size_t len;
	struct field_ref ref;       /* def == NULL for literals */
	uint32_t width;             /* 0 = as is */
	uint8_t nxf;                /* transformers, innermost first */
	uint8_t xf[AST_MAX_XFORMS];
};

struct template {
	struct segment *seg;
	size_t n;
};

/* Bytes that may appear in a field name outside brackets. */
static bool
field_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '.' || c == '_' || c == '-';
}

/* Length of the field reference starting at S (name plus an optional [ARG]), 0 if none. */
static size_t
field_span(const char *s)
{
	size_t i = 0;

	while (field_char(s[i]))
		i++;
	/* A trailing '.' or '-' is punctuation after the field, as in "%proc.name." */
	while (i > 0 && (s[i - 1] == '.' || s[i - 1] == '-'))
		i--;
	if (i > 0 && s[i] == '[') {
		const char *close = strchr(s + i, ']');
		if (close != NULL)
			i = (size_t)(close - s) + 1;
	}
	return i;
}

static int
template_push(struct template *t, const char *text, size_t len)
{
	if (t->n == TEMPLATE_MAX_SEGMENTS)
		return -E2BIG;
	struct segment *seg = realloc(t->seg, (t->n + 1) * sizeof(*seg));
	if (seg == NULL)
		return -ENOMEM;
	t->seg = seg;
	seg = &t->seg[t->n++];
	memset(seg, 0, sizeof(*seg));
	seg->text = strndup(text, len);
	seg->len = len;
	return seg->text ? 0 : -ENOMEM;
}

#define CONTAINER_INFO "container.info"

/* Append what %container.info stands for: literal and field segments. */
static int
template_container_info(struct template *t)
{
	static const struct { const char *text; bool field; } parts[] = {
		{ "container_id=", false }, { "container.id", true },
		{ " container_name=", false }, { "container.name", true },
	};
	const char *why;
	int rc = 0;

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]) && rc == 0; i++) {
		rc = template_push(t, parts[i].text, strlen(parts[i].text));
		if (rc == 0 && parts[i].field &&
		    field_lookup(parts[i].text, strlen(parts[i].text), &t->seg[t->n - 1].ref, &why) < 0)
			rc = -ENOENT;	/* the field table lacks a container field: a build bug */
	}
	return rc;
}

static int template_field(struct template *t, const char *text, size_t *pos,
                          const struct filter_src *src, struct diags *diags);

/* %XF(...(FIELD)...): the field starts at INNER after NXF transformer names; each must be
 * closed by its ')'.  The segment's text (its JSON key) is the whole expression. */
static int
template_xform_field(struct template *t, const char *text, size_t *pos, size_t inner,
                     const uint8_t *xf, size_t nxf, const struct filter_src *src,
                     struct diags *diags)
{
	size_t start = *pos, end = inner;
	int rc = template_field(t, text, &end, src, diags);

	if (rc < 0)
		return rc;
	for (size_t i = 0; i < nxf; i++, end++) {
		if (text[end] != ')') {
			diags_add(diags, DIAG_ERROR, src->file, src->line, src->col + (unsigned)end,
			    "%s%soutput: expected ')' after the transformer's field",
			    src->item ? src->item : "", src->item ? ": " : "");
			t->n--;
			free(t->seg[t->n].text);
			field_ref_clear(&t->seg[t->n].ref);
			*pos = end;
			return -EINVAL;
		}
	}
	struct segment *seg = &t->seg[t->n - 1];
	char *whole = strndup(text + start, end - start);
	if (whole == NULL)
		return -ENOMEM;
	free(seg->text);
	seg->text = whole;
	seg->len = end - start;
	for (size_t i = 0; i < nxf; i++)
		seg->xf[i] = xf[nxf - 1 - i];	/* written outermost first, applied innermost first */
	seg->nxf = (uint8_t)nxf;
	*pos = end;
	return 0;
}

/* Parse the field reference after '%' at TEXT[*POS]; append it as a segment. */
static int
template_field(struct template *t, const char *text, size_t *pos, const struct filter_src *src,
               struct diags *diags)
{
	size_t p = *pos, start = *pos;
	uint64_t width = 0;
	const char *why = NULL;

	while (text[p] >= '0' && text[p] <= '9')
		p++;
	if (p > start && strnum_u64(text + start, p - start, 10, TEMPLATE_MAX_WIDTH, &width) < 0)
		why = "field width too large";
	uint8_t xf[AST_MAX_XFORMS];
	size_t nxf = 0, inner = p;

	/* Transformers: NAME( ... ) around the field, outermost first as written. */
	for (;;) {
		size_t n = 0;
		while (text[inner + n] >= 'a' && text[inner + n] <= 'z')
			n++;
		int x = text[inner + n] == '(' ? ast_xform_lookup(text + inner, (uint32_t)n) : -1;
		if (x < 0 || nxf == AST_MAX_XFORMS)
			break;
		xf[nxf++] = (uint8_t)x;
		inner += n + 1;
	}
	if (nxf > 0)
		return template_xform_field(t, text, pos, inner, xf, nxf, src, diags);
	size_t len = field_span(text + p);
	if (len == strlen(CONTAINER_INFO) && memcmp(text + p, CONTAINER_INFO, len) == 0) {
		*pos = p + len;
		return template_container_info(t);
	}
	if (why == NULL && len == 0)
		why = "'%' must be followed by a field name (write %% for a literal '%')";
	if (why == NULL) {
		int rc = template_push(t, text + p, len);
		if (rc < 0)
			return rc;
		struct segment *seg = &t->seg[t->n - 1];
		seg->width = (uint32_t)width;
		if (field_lookup(text + p, len, &seg->ref, &why) < 0)
			t->n--, free(seg->text);
	}
	if (why != NULL) {
		diags_add(diags, DIAG_ERROR, src->file, src->line, src->col + (unsigned)start,
		    "%s%soutput: %s%s%.*s%s", src->item ? src->item : "", src->item ? ": " : "",
		    why, len ? " '" : "", (int)len, text + p, len ? "'" : "");
		*pos = p + (len ? len : 0);
		return -EINVAL;
	}
	*pos = p + len;
	return 0;
}

int
template_compile(const char *text, const struct filter_src *src, struct template **out,
                 struct diags *diags)
{
	struct template *t = calloc(1, sizeof(*t));
	size_t pos = 0, lit = 0;
	int rc = 0, bad = 0;

	if (t == NULL)
		return -ENOMEM;
	if (text[0] == '*')
		pos = lit = 1;
	while (text[pos] != '\0' && rc >= 0) {
		if (text[pos] != '%') {
			pos++;
			continue;
		}
		if (pos > lit)
			rc = template_push(t, text + lit, pos - lit);
		if (rc < 0)
			break;
		pos++;
		if (text[pos] == '%') {
			rc = template_push(t, "%", 1);
			pos++;
		} else if (template_field(t, text, &pos, src, diags) == -EINVAL) {
			bad = 1;
		}
		lit = pos;
	}
	if (rc >= 0 && pos > lit)
		rc = template_push(t, text + lit, pos - lit);
	if (rc == -E2BIG)
		diags_add(diags, DIAG_ERROR, src->file, src->line, src->col,
		    "%s%soutput: more than %d parts", src->item ? src->item : "",
		    src->item ? ": " : "", TEMPLATE_MAX_SEGMENTS);
	if (rc < 0 || bad) {
		template_free(t);
		return rc < 0 && rc != -E2BIG ? rc : -EINVAL;
	}
	*out = t;
	return 0;
}

void
template_free(struct template *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->seg[i].text);
		field_ref_clear(&t->seg[i].ref);
	}
	free(t->seg);
	free(t);
}

/* Extract SEG's field from EV and apply its transformers; how many values are left. */
static uint32_t
segment_extract(const struct segment *seg, const struct event *ev, struct arena *scratch,
                struct fvalue *v)
{
	uint32_t n = field_extract(&seg->ref, ev, scratch, v, FIELD_MAX_VALUES);

	for (uint8_t x = 0; x < seg->nxf; x++) {
		uint32_t k = 0;
		for (uint32_t i = 0; i < n; i++)
			if (eval_xform(seg->xf[x], &v[i], scratch))
				v[k++] = v[i];
		n = k;
	}
	return n;
}

/* Render one field's values (several for multi-valued fields, comma-separated) into RAW. */
static void
segment_value(const struct segment *seg, const struct event *ev, struct arena *scratch,
              struct sbuf *raw)
{
	struct fvalue v[FIELD_MAX_VALUES];
	uint32_t n = segment_extract(seg, ev, scratch, v);

	if (n == 0)
		sbuf_puts(raw, NA_TEXT);
	for (uint32_t i = 0; i < n; i++) {
		if (i > 0)
			sbuf_putc(raw, ',');
		fvalue_format(&v[i], raw);
	}
}

void
template_render(const struct template *t, const struct event *ev, struct arena *scratch,
                struct sbuf *out)
{
	struct sbuf raw = SBUF_INIT;

	for (size_t i = 0; i < t->n; i++) {
		const struct segment *seg = &t->seg[i];

		if (seg->ref.def == NULL) {
			/* Literal text comes from the rule file; still one line out. */
			sbuf_escape(out, seg->text, seg->len);
			continue;
		}
		sbuf_reset(&raw);
		segment_value(seg, ev, scratch, &raw);
		size_t len = raw.len;
		if (seg->width && len > seg->width)
			len = seg->width;
		sbuf_escape(out, sbuf_str(&raw), len);
		for (size_t pad = len; pad < seg->width; pad++)
			sbuf_putc(out, ' ');
	}
	sbuf_free(&raw);
}

/* The JSON form of one value, typed as the field table says. */
static json_t *
fvalue_json(const struct fvalue *v, struct sbuf *tmp)
{
	switch (v->type) {
	case FT_INT64:
		return json_integer(v->i);
	case FT_UINT64:
	case FT_PORT:
	case FT_ABSTIME:
	case FT_RELTIME:
		/* json_int_t is signed 64-bit; larger values (never seen in practice) clamp. */
		return json_integer(v->u > INT64_MAX ? INT64_MAX : (json_int_t)v->u);
	case FT_BOOL:
		return json_boolean(v->b);
	case FT_STRING:
		/* File and process names may be any bytes: alerts need not be lossless. */
		return event_json_text(v->str.s, v->str.len);
	default:
		sbuf_reset(tmp);
		fvalue_format(v, tmp);
		return json_stringn(tmp->buf ? tmp->buf : "", tmp->len);
	}
}

void
template_fields_json(const struct template *t, const struct event *ev, struct arena *scratch,
                     json_t *obj)
{
	struct fvalue v[FIELD_MAX_VALUES];
	struct sbuf tmp = SBUF_INIT;

	for (size_t i = 0; i < t->n; i++) {
		const struct segment *seg = &t->seg[i];

		if (seg->ref.def == NULL)
			continue;
		uint32_t n = segment_extract(seg, ev, scratch, v);
		json_t *val;
		if (n == 0) {
			val = json_null();
		} else if (n == 1) {
			val = fvalue_json(&v[0], &tmp);
		} else {
			val = json_array();
			for (uint32_t k = 0; k < n; k++)
				json_array_append_new(val, fvalue_json(&v[k], &tmp));
		}
		json_object_set_new(obj, seg->text, val ? val : json_null());
	}
	sbuf_free(&tmp);
}

void
template_fields(const struct template *t, void (*fn)(const char *name, void *arg), void *arg)
{
	for (size_t i = 0; i < t->n; i++) {
		bool seen = false;

		if (t->seg[i].ref.def == NULL)
			continue;
		for (size_t k = 0; k < i && !seen; k++)
			seen = t->seg[k].ref.def && strcmp(t->seg[k].text, t->seg[i].text) == 0;
		if (!seen)
			fn(t->seg[i].text, arg);
	}
}
