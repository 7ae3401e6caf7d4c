/* eval.c - check-tree evaluation (see eval.h).
 * Values are extracted into a fixed array on the stack (FIELD_MAX_VALUES), transformed in
 * place, then compared with the pre-parsed constants.  The recursive walk keeps small frames:
 * the value arrays live only in eval_cmp(), which is never inlined into the recursion. */
#include "config.h"

#include <fnmatch.h>
#include <string.h>

#include "rules/constant.h"
#include "rules/eval.h"

/* A value in the same shape as a constant, so both sides compare with one function. */
static bool
to_const(const struct fvalue *v, enum chk_class cls, struct chk_const *out)
{
	memset(out, 0, sizeof(*out));
	switch (cls) {
	case CC_STRING:
		if (v->type != FT_STRING)
			return false;
		out->str.s = v->str.s;
		out->str.len = (uint32_t)(v->str.len > UINT32_MAX ? UINT32_MAX : v->str.len);
		return true;
	case CC_NUMBER:
		if (v->type == FT_INT64) {
			out->num.neg = v->i < 0;
			out->num.mag = v->i < 0 ? (uint64_t)0 - (uint64_t)v->i : (uint64_t)v->i;
			return true;
		}
		out->num.mag = v->u;
		return v->type != FT_STRING && v->type != FT_BOOL && v->type != FT_IPADDR &&
		       v->type != FT_IPNET;
	case CC_BOOL:
		out->b = v->b;
		return v->type == FT_BOOL;
	case CC_IP:
		if (v->type != FT_IPADDR && v->type != FT_IPNET)
			return false;
		out->ip.family = v->ip.family;
		out->ip.prefix = v->ip.family == 4 ? 32 : 128;
		memcpy(out->ip.addr, v->ip.addr, sizeof(out->ip.addr));
		constant_ip_unmap(&out->ip.family, out->ip.addr, &out->ip.prefix);
		return v->ip.family == 4 || v->ip.family == 6;
	}
	return false;
}

static int
num_cmp(const struct chk_const *a, const struct chk_const *b)
{
	int r;

	if (a->num.neg != b->num.neg)
		return a->num.neg ? -1 : 1;
	if (a->num.mag == b->num.mag)
		return 0;
	r = a->num.mag < b->num.mag ? -1 : 1;
	return a->num.neg ? -r : r;
}

/* Is address A inside network (or equal to address) N? */
static bool
ip_in(const struct chk_const *a, const struct chk_const *n)
{
	unsigned full = n->ip.prefix / 8, rest = n->ip.prefix % 8;

	if (a->ip.family != n->ip.family)
		return false;
	if (memcmp(a->ip.addr, n->ip.addr, full) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff00u >> rest);
	return (a->ip.addr[full] & mask) == (n->ip.addr[full] & mask);
}

static unsigned char
lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

/* ASCII case-insensitive search, like strcasestr() but with lengths. */
static bool
ci_contains(const char *h, size_t hlen, const char *n, size_t nlen)
{
	if (nlen == 0)
		return true;
	for (size_t i = 0; i + nlen <= hlen; i++) {
		size_t j = 0;
		while (j < nlen && lower((unsigned char)h[i + j]) == lower((unsigned char)n[j]))
			j++;
		if (j == nlen)
			return true;
	}
	return false;
}

static bool
str_eq(const struct chk_const *a, const struct chk_const *b)
{
	return a->str.len == b->str.len && memcmp(a->str.s, b->str.s, a->str.len) == 0;
}

/* Compare the string L with R using OP; PAT_NUL says R is NUL-terminated (for glob). */
static bool
str_match(const struct chk_cmp *cmp, const struct chk_const *l, const struct chk_const *r,
          struct arena *scratch)
{
	switch (cmp->op) {
	case OP_EQ:
	case OP_IN:
	case OP_INTERSECTS:
		return str_eq(l, r);
	case OP_NE:
		return !str_eq(l, r);
	case OP_CONTAINS:
	case OP_BCONTAINS:
		return r->str.len == 0 || memmem(l->str.s, l->str.len, r->str.s, r->str.len);
	case OP_ICONTAINS:
		return ci_contains(l->str.s, l->str.len, r->str.s, r->str.len);
	case OP_STARTSWITH:
	case OP_BSTARTSWITH:
		return l->str.len >= r->str.len && memcmp(l->str.s, r->str.s, r->str.len) == 0;
	case OP_ENDSWITH:
		return l->str.len >= r->str.len &&
		       memcmp(l->str.s + l->str.len - r->str.len, r->str.s, r->str.len) == 0;
	case OP_GLOB:
	case OP_IGLOB: {
		/* fnmatch() wants NUL-terminated strings; values carry lengths. */
		char *s = arena_strndup(scratch, l->str.s, l->str.len);
		char *p = arena_strndup(scratch, r->str.s, r->str.len);
		return fnmatch(p, s, cmp->op == OP_IGLOB ? FNM_CASEFOLD : 0) == 0;
	}
	default:
		return false;
	}
}

/* pmatch: L equals a prefix, or lies under one; wildcard prefixes match component-wise. */
static bool
pmatch(const struct chk_cmp *cmp, const struct chk_const *l, struct arena *scratch)
{
	const char *s = l->str.s;
	size_t n = l->str.len;
	uint64_t h = HMAP_HASH_INIT;

	if (n > 0 && s[0] == '/' && hmap_get(cmp->set, "/", 1, NULL))
		return true;
	/* Every prefix that ends before a '/', and the whole: one pass, hashing as it goes
	 * (hashing each prefix anew would be quadratic in a path the event supplies). */
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && s[i] == '/' && hmap_get_hashed(cmp->set, h, s, i, NULL))
			return true;
		h = hmap_hash_step(h, (unsigned char)s[i]);
	}
	if (hmap_get_hashed(cmp->set, h, s, n, NULL))
		return true;
	for (uint32_t k = 0; cmp->has_wild && k < cmp->nvals; k++) {
		const struct chk_const *p = &cmp->vals[k];
		size_t slashes = 0, end = 0;

		if (!p->str.wild)
			continue;
		for (uint32_t i = 0; i < p->str.len; i++)
			slashes += p->str.s[i] == '/';
		/* The first as many components of L as the pattern has. */
		while (end < n && (s[end] != '/' || slashes-- > 0))
			end++;
		if (fnmatch(p->str.s, arena_strndup(scratch, s, end), FNM_PATHNAME) == 0)
			return true;
	}
	return false;
}

/* Compare the value L (as a constant) with R under CMP's operator. */
static bool
match_one(const struct chk_cmp *cmp, const struct chk_const *l, const struct chk_const *r,
          struct arena *scratch)
{
	int c;

	switch (cmp->cls) {
	case CC_STRING:
		return str_match(cmp, l, r, scratch);
	case CC_NUMBER:
		c = num_cmp(l, r);
		switch (cmp->op) {
		case OP_NE: return c != 0;
		case OP_LT: return c < 0;
		case OP_LE: return c <= 0;
		case OP_GT: return c > 0;
		case OP_GE: return c >= 0;
		default: return c == 0;
		}
	case CC_BOOL:
		return cmp->op == OP_NE ? l->b != r->b : l->b == r->b;
	case CC_IP:
		return cmp->op == OP_NE ? !ip_in(l, r) : ip_in(l, r);
	}
	return false;
}

/* Compare one left-hand value with the constants. */
static bool
match_consts(const struct chk_cmp *cmp, const struct chk_const *l, struct arena *scratch)
{
	unsigned char key[9];

	if (cmp->op == OP_PMATCH)
		return pmatch(cmp, l, scratch);
	if (cmp->op == OP_REGEX) {
		char *s = arena_strndup(scratch, l->str.s, l->str.len);
		return regexec(cmp->re, s, 0, NULL, 0) == 0;
	}
	if (cmp->set != NULL && cmp->cls == CC_STRING)
		return hmap_get(cmp->set, l->str.s, l->str.len, NULL);
	if (cmp->set != NULL) {
		constant_num_key(l->num.neg, l->num.mag, key);
		return hmap_get(cmp->set, key, sizeof(key), NULL);
	}
	for (uint32_t i = 0; i < cmp->nvals; i++)
		if (match_one(cmp, l, &cmp->vals[i], scratch))
			return true;
	return false;
}

/* Base64 (RFC 4648, padding optional) into SCRATCH; false if V is not valid base64. */
static bool
b64_decode(struct fvalue *v, struct arena *scratch)
{
	static const char abc[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t n = v->str.len, o = 0;
	uint32_t acc = 0, bits = 0;
	char *out;

	while (n > 0 && v->str.s[n - 1] == '=' && v->str.len - n < 2)
		n--;
	out = arena_alloc(scratch, n * 3 / 4 + 1);
	for (size_t i = 0; i < n; i++) {
		const char *p = v->str.s[i] ? memchr(abc, v->str.s[i], 64) : NULL;
		if (p == NULL)
			return false;
		acc = (acc << 6) | (uint32_t)(p - abc);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	if (bits >= 6)
		return false;       /* a lone trailing character cannot encode a byte */
	out[o] = '\0';
	v->str.s = out;
	v->str.len = o;
	return true;
}

bool
eval_xform(uint8_t xf, struct fvalue *v, struct arena *scratch)
{
	if (v->type != FT_STRING)
		return false;
	if (xf == XF_LEN) {
		uint64_t len = v->str.len;
		v->type = FT_UINT64;
		v->u = len;
		return true;
	}
	if (xf == XF_BASENAME) {
		const char *slash = v->str.len ? memrchr(v->str.s, '/', v->str.len) : NULL;
		if (slash) {
			v->str.len -= (size_t)(slash + 1 - v->str.s);
			v->str.s = slash + 1;
		}
		return true;
	}
	if (xf == XF_B64)
		return b64_decode(v, scratch);
	char *s = arena_strndup(scratch, v->str.s, v->str.len);
	for (size_t i = 0; i < v->str.len; i++) {
		if (xf == XF_TOLOWER && s[i] >= 'A' && s[i] <= 'Z')
			s[i] = (char)(s[i] - 'A' + 'a');
		else if (xf == XF_TOUPPER && s[i] >= 'a' && s[i] <= 'z')
			s[i] = (char)(s[i] - 'a' + 'A');
	}
	v->str.s = s;
	return true;
}

/* Extract O's values from EV and transform them; returns how many are left. */
static uint32_t
extract(const struct chk_operand *o, const struct event *ev, struct arena *scratch,
        struct fvalue *out)
{
	uint32_t n = field_extract(&o->ref, ev, scratch, out, FIELD_MAX_VALUES);

	if (n > FIELD_MAX_VALUES)
		n = FIELD_MAX_VALUES;   /* an extractor must not overrun; do not trust it to */
	for (uint8_t x = 0; x < o->nxf; x++) {
		uint32_t k = 0;
		for (uint32_t i = 0; i < n; i++)
			if (eval_xform(o->xf[x], &out[i], scratch))
				out[k++] = out[i];
		n = k;
	}
	return n;
}

static const struct eval_fan_group fan_groups[EVAL_FAN_GROUPS] = {
	{ EVT_open, { EVT_open, EVT_openat, EVT_openat2 } },
	{ EVT_rename, { EVT_rename, EVT_renameat, EVT_renameat2 } },
};

const struct eval_fan_group *
eval_fan_group(size_t g)
{
	return g < EVAL_FAN_GROUPS ? &fan_groups[g] : NULL;
}

const struct eval_fan_group *
eval_fan_group_of(const struct event *ev)
{
	if (ev->source != EVS_FANOTIFY)
		return NULL;
	for (size_t g = 0; g < EVAL_FAN_GROUPS; g++)
		if (fan_groups[g].fan == ev->type)
			return &fan_groups[g];
	return NULL;
}

/* The left-hand values: the field's, or for an evt.type test on a grouped fanotify event the
 * names of the syscalls it stands for. */
static uint32_t
extract_lhs(const struct chk_cmp *cmp, const struct event *ev, struct arena *scratch,
            struct fvalue *out)
{
	const struct eval_fan_group *g = cmp->type_alias ? eval_fan_group_of(ev) : NULL;
	uint32_t n = 0;

	if (g == NULL)
		return extract(&cmp->lhs, ev, scratch, out);
	_Static_assert(EVAL_FAN_ALIASES <= FIELD_MAX_VALUES, "aliases fit the value array");
	for (size_t i = 0; i < EVAL_FAN_ALIASES; i++) {
		const char *name = event_type_name(g->alias[i]);

		out[n].type = FT_STRING;
		out[n].str.s = name;
		out[n++].str.len = strlen(name);
	}
	return n;
}

static bool __attribute__((noinline))
eval_cmp(const struct chk_cmp *cmp, const struct event *ev, struct arena *scratch)
{
	struct fvalue lv[FIELD_MAX_VALUES], rv[FIELD_MAX_VALUES];
	struct chk_const l, r;
	uint32_t n = extract_lhs(cmp, ev, scratch, lv), m = 0;

	if (n == 0)
		return false;
	if (cmp->op == OP_EXISTS)
		return true;
	if (cmp->rhs && (m = extract(cmp->rhs, ev, scratch, rv)) == 0)
		return false;
	if (cmp->ne_all) {
		/* Either-end fields and grouped types: != must hold for every value. */
		for (uint32_t i = 0; i < n; i++)
			if (!to_const(&lv[i], cmp->cls, &l) || !match_consts(cmp, &l, scratch))
				return false;
		return true;
	}
	for (uint32_t i = 0; i < n; i++) {
		if (!to_const(&lv[i], cmp->cls, &l))
			continue;
		if (!cmp->rhs && match_consts(cmp, &l, scratch))
			return true;
		for (uint32_t j = 0; j < m; j++)
			if (to_const(&rv[j], cmp->cls, &r) && match_one(cmp, &l, &r, scratch))
				return true;
	}
	return false;
}

#define TYPE_WORDS (((size_t)EVT__COUNT + 63) / 64)

uint64_t *
eval_type_table(const struct chk_cmp *cmp, struct arena *mem)
{
	uint64_t *bits = arena_zalloc(mem, TYPE_WORDS * sizeof(*bits));

	for (size_t t = 0; t < EVT__COUNT; t++) {
		const char *name = event_type_name((enum event_type)t);
		struct fvalue v = { .type = FT_STRING, .str = { .s = name, .len = strlen(name) } };
		struct chk_const l;

		/* An empty name is no value (field_x_evt_type()): the comparison is false.  One
		 * value makes the ne_all loop and the any-value loop of eval_cmp() agree. */
		if (v.str.len > 0 && to_const(&v, cmp->cls, &l) && match_consts(cmp, &l, mem))
			bits[t / 64] |= UINT64_C(1) << (t % 64);
	}
	return bits;
}

/* Can CMP be answered from its type table for EV?  Not when evt.type is some other name
 * (an unnamed syscall, an event read back from JSON) or EV stands for a group. */
static bool
type_table_applies(const struct chk_cmp *cmp, const struct event *ev)
{
	return cmp->types != NULL && ev->source != EVS_FANOTIFY &&
	       (unsigned)ev->type < EVT__COUNT && ev->name == event_type_name(ev->type);
}

bool
eval_chk(const struct chk *c, const struct event *ev, struct arena *scratch)
{
	switch (c->kind) {
	case CHK_TRUE:
		return true;
	case CHK_FALSE:
		return false;
	case CHK_NOT:
		return !eval_chk(c->kids.v[0], ev, scratch);
	case CHK_AND:
		for (uint32_t i = 0; i < c->kids.n; i++)
			if (!eval_chk(c->kids.v[i], ev, scratch))
				return false;
		return true;
	case CHK_OR:
		for (uint32_t i = 0; i < c->kids.n; i++)
			if (eval_chk(c->kids.v[i], ev, scratch))
				return true;
		return false;
	case CHK_CMP:
		if (type_table_applies(&c->cmp, ev))
			return (c->cmp.types[ev->type / 64] >> (ev->type % 64)) & 1;
		return eval_cmp(&c->cmp, ev, scratch);
	}
	return false;
}
