/* fields.c - the field table, name lookup, extraction dispatch and value formatting
 * (see fields.h).  The table is generated from fields.def; the extractors live in
 * fields_evt.c, fields_proc.c, fields_fd.c and fields_misc.c.  Lookup runs when rules are
 * compiled, so it is a plain scan over ~120 names; extraction is one indirect call. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/sbuf.h"
#include "core/strnum.h"
#include "rules/fields.h"
#include "rules/fields_int.h"

_Static_assert(EVC_INTERNAL < 32, "event classes must fit the 32-bit class mask");

static const struct field_def field_table[] = {
#define FIELD(n, t, a, c, d, f) \
	{ .name = n, .type = t, .arg = a, .classes = c, .desc = d, .extract = f },
#include "rules/fields.def"
#undef FIELD
};

enum {
	FIELD__COUNT = 0
#define FIELD(n, t, a, c, d, f) + 1
#include "rules/fields.def"
#undef FIELD
};
_Static_assert(sizeof(field_table) / sizeof(field_table[0]) == FIELD__COUNT,
               "field table out of step with fields.def");

static const char *const field_type_names[] = {
	[FT_STRING] = "string",
	[FT_INT64] = "int64",
	[FT_UINT64] = "uint64",
	[FT_BOOL] = "bool",
	[FT_IPADDR] = "ipaddr",
	[FT_IPNET] = "ipnet",
	[FT_PORT] = "port",
	[FT_ABSTIME] = "abstime",
	[FT_RELTIME] = "reltime",
};
_Static_assert(sizeof(field_type_names) / sizeof(field_type_names[0]) == FT_RELTIME + 1,
               "field type names out of step with enum field_type");

/* Fields that also take their key after a dot (evt.arg.flags); the others take it only in
 * brackets, so that container.mount.source is never read as container.mount + key. */
static const char *const dot_key_fields[] = {
	"evt.arg", "evt.rawarg", "container.label", "k8s.pod.label",
};

#define FIELD_KEY_MAX   256       /* longest argument key accepted */
#define FIELD_INDEX_MAX 65535     /* largest [N] accepted */

const struct field_def *
fields_table(size_t *n)
{
	*n = FIELD__COUNT;
	return field_table;
}

const char *
field_type_name(enum field_type t)
{
	if ((unsigned)t > FT_RELTIME)
		return "";
	return field_type_names[t];
}

static bool
takes_dot_key(const struct field_def *d)
{
	for (size_t i = 0; i < sizeof(dot_key_fields) / sizeof(dot_key_fields[0]); i++)
		if (strcmp(d->name, dot_key_fields[i]) == 0)
			return true;
	return false;
}

/* Does D's name start TEXT and end where an argument may start (or at the end)? */
static bool
name_fits(const struct field_def *d, const char *text, size_t len, size_t *nlen)
{
	size_t n = strlen(d->name);

	if (n > len || memcmp(d->name, text, n) != 0)
		return false;
	*nlen = n;
	if (n == len || text[n] == '[')
		return true;
	return text[n] == '.' && takes_dot_key(d);
}

static const struct field_def *
find_longest(const char *text, size_t len, size_t *nlen)
{
	const struct field_def *best = NULL;
	size_t n;

	for (size_t i = 0; i < FIELD__COUNT; i++) {
		if (name_fits(&field_table[i], text, len, &n) && (best == NULL || n > *nlen)) {
			best = &field_table[i];
			*nlen = n;
		}
	}
	return best;
}

static bool
key_ok(const char *k, size_t n)
{
	if (n == 0 || n > FIELD_KEY_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)k[i];
		if (c <= ' ' || c == 0x7f || c == '[' || c == ']')
			return false;
	}
	return true;
}

static int
set_key(struct field_ref *out, const char *k, size_t n, const char **why)
{
	if (!key_ok(k, n)) {
		*why = "bad argument (empty, too long, or with spaces, brackets or control bytes)";
		return -EINVAL;
	}
	out->key = strndup(k, n);
	if (out->key == NULL)
		return -ENOMEM;
	out->has_arg = true;
	return 0;
}

static int
set_index(struct field_ref *out, const char *s, size_t n, const char **why)
{
	if (strnum_i64(s, n, 10, 0, FIELD_INDEX_MAX, &out->index) < 0) {
		out->index = -1;
		*why = "bad index (a number from 0 to 65535 is expected)";
		return -EINVAL;
	}
	out->has_arg = true;
	return 0;
}

/* Parse the bracketed argument "[...]" of D, N bytes at S (S[0] is '['). */
static int
parse_bracket(const struct field_def *d, const char *s, size_t n, struct field_ref *out,
              const char **why)
{
	const char *in = s + 1;
	size_t inlen = n >= 2 ? n - 2 : 0;

	if (d->arg == FA_NONE) {
		*why = "this field takes no argument";
		return -EINVAL;
	}
	if (n < 2 || s[n - 1] != ']' || memchr(in, ']', inlen) != NULL) {
		*why = "argument not closed by ] at the end of the field";
		return -EINVAL;
	}
	if (d->arg == FA_INDEX)
		return set_index(out, in, inlen, why);
	if (d->arg == FA_INDEX_OR_KEY && inlen > 0 && (in[0] == '-' || (in[0] >= '0' && in[0] <= '9')))
		return set_index(out, in, inlen, why);
	return set_key(out, in, inlen, why);
}

int
field_lookup(const char *text, size_t len, struct field_ref *out, const char **why)
{
	const struct field_def *d;
	size_t nlen = 0;
	int rc;

	*out = (struct field_ref){ .def = NULL, .has_arg = false, .index = -1, .key = NULL };
	d = find_longest(text, len, &nlen);
	if (d == NULL) {
		*why = "unknown field";
		return -ENOENT;
	}
	if (nlen == len) {
		rc = 0;
		if (d->arg == FA_KEY || d->arg == FA_INDEX_OR_KEY) {
			*why = "this field needs an argument";
			rc = -EINVAL;
		}
	} else if (text[nlen] == '[') {
		rc = parse_bracket(d, text + nlen, len - nlen, out, why);
	} else {
		rc = set_key(out, text + nlen + 1, len - nlen - 1, why);
	}
	if (rc < 0) {
		field_ref_clear(out);
		return rc;
	}
	out->def = d;
	return 0;
}

void
field_ref_clear(struct field_ref *ref)
{
	if (ref == NULL)
		return;
	free(ref->key);
	*ref = (struct field_ref){ .def = NULL, .has_arg = false, .index = -1, .key = NULL };
}

bool
field_never_available(const struct field_def *d)
{
	return d != NULL && d->extract == field_x_na;
}

uint32_t
field_extract(const struct field_ref *ref, const struct event *ev, struct arena *scratch,
              struct fvalue *out, uint32_t max)
{
	if (ref == NULL || ref->def == NULL || ev == NULL || max == 0)
		return 0;
	return ref->def->extract(ref, ev, scratch, out, max);
}

/* ---- formatting ---- */

static void
format_ip(const struct fvalue *v, struct sbuf *out)
{
	char buf[INET6_ADDRSTRLEN];
	int af = v->ip.family == 6 ? AF_INET6 : AF_INET;

	if ((v->ip.family != 4 && v->ip.family != 6) ||
	    inet_ntop(af, v->ip.addr, buf, sizeof(buf)) == NULL) {
		sbuf_puts(out, "?");
		return;
	}
	sbuf_puts(out, buf);
	if (v->type == FT_IPNET)
		sbuf_printf(out, "/%u", (unsigned)v->ip.prefix);
}

void
fvalue_format(const struct fvalue *v, struct sbuf *out)
{
	switch (v->type) {
	case FT_STRING:
		if (v->str.len)
			sbuf_add(out, v->str.s, v->str.len);
		break;
	case FT_INT64:
		sbuf_printf(out, "%" PRId64, v->i);
		break;
	case FT_UINT64:
	case FT_PORT:
	case FT_RELTIME:
	case FT_ABSTIME:	/* Falco prints absolute times as ns since the epoch */
		sbuf_printf(out, "%" PRIu64, v->u);
		break;
	case FT_BOOL:
		sbuf_puts(out, v->b ? "true" : "false");
		break;
	case FT_IPADDR:
	case FT_IPNET:
		format_ip(v, out);
		break;
	}
}

/* ---- value setters shared by the extractors ---- */

uint32_t
fields_put_str(struct fvalue *out, uint32_t max, const char *s, size_t len)
{
	if (max == 0 || s == NULL)
		return 0;
	out->type = FT_STRING;
	out->str.s = s;
	out->str.len = len;
	return 1;
}

uint32_t
fields_put_cstr(struct fvalue *out, uint32_t max, const char *s)
{
	return s ? fields_put_str(out, max, s, strlen(s)) : 0;
}

uint32_t
fields_put_i64(struct fvalue *out, uint32_t max, int64_t v)
{
	if (max == 0)
		return 0;
	out->type = FT_INT64;
	out->i = v;
	return 1;
}

uint32_t
fields_put_u64(struct fvalue *out, uint32_t max, enum field_type t, uint64_t v)
{
	if (max == 0)
		return 0;
	out->type = t;
	out->u = v;
	return 1;
}

uint32_t
fields_put_bool(struct fvalue *out, uint32_t max, bool v)
{
	if (max == 0)
		return 0;
	out->type = FT_BOOL;
	out->b = v;
	return 1;
}

uint32_t
fields_put_ip(struct fvalue *out, uint32_t max, int family, const uint8_t *ip)
{
	if (max == 0 || (family != AF_INET && family != AF_INET6))
		return 0;
	memset(out, 0, sizeof(*out));
	out->type = FT_IPADDR;
	out->ip.family = family == AF_INET ? 4 : 6;
	memcpy(out->ip.addr, ip, family == AF_INET ? 4 : 16);
	return 1;
}

uint32_t
fields_put_sbuf(struct fvalue *out, uint32_t max, struct arena *scratch, const struct sbuf *b)
{
	if (max == 0)
		return 0;
	return fields_put_str(out, max, arena_strndup(scratch, sbuf_str(b), b->len), b->len);
}

const char *
fields_join(struct arena *scratch, const char *first, char *const *v, uint32_t n, size_t *len)
{
	size_t total = first ? strlen(first) : 0, at = 0;
	char *s;

	for (uint32_t i = 0; i < n; i++)
		total += strlen(v[i]) + 1;
	s = arena_alloc(scratch, total + 1);
	if (first) {
		at = strlen(first);
		memcpy(s, first, at);
	}
	for (uint32_t i = 0; i < n; i++) {
		size_t l = strlen(v[i]);
		if (first || i > 0)
			s[at++] = ' ';
		memcpy(s + at, v[i], l);
		at += l;
	}
	s[at] = '\0';
	*len = at;
	return s;
}
