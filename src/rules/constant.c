/* constant.c - constant parsing for compiled comparisons (see constant.h).
 * Numbers go through core/strnum (whole string, range-checked); addresses through
 * inet_pton(); regexes through POSIX regcomp(REG_EXTENDED | REG_NOSUB), anchored at both ends
 * because Falco's RE2 `regex` is a full match. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strnum.h"
#include "rules/constant.h"

/* Numbers: [-]decimal or 0x hex; the sign only for signed fields. */
static int
parse_number(const char *s, uint32_t len, enum field_type t, struct chk_const *out)
{
	bool minus = len > 0 && s[0] == '-' && t == FT_INT64;
	uint64_t max = UINT64_MAX, mag;
	int rc;

	if (minus)
		s++, len--;
	if (t == FT_INT64)
		max = minus ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	else if (t == FT_PORT)
		max = 65535;
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		rc = strnum_u64(s + 2, len - 2, 16, max, &mag);
	else
		rc = strnum_u64(s, len, 10, max, &mag);
	if (rc < 0)
		return rc;
	out->num.neg = minus && mag != 0;
	out->num.mag = mag;
	return 0;
}

void
constant_ip_unmap(uint8_t *family, uint8_t addr[16], uint8_t *prefix)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (*family != 6 || memcmp(addr, mapped, sizeof(mapped)) != 0)
		return;
	if (prefix && *prefix < 96)
		return;             /* a network wider than the mapped range stays IPv6 */
	memmove(addr, addr + 12, 4);
	memset(addr + 4, 0, 12);
	*family = 4;
	if (prefix)
		*prefix = (uint8_t)(*prefix - 96);
}

/* "a.b.c.d", "a.b.c.d/N", "v6", "v6/N".  Host bits of a network are cleared. */
static int
parse_ip(const char *s, uint32_t len, struct chk_const *out)
{
	const char *slash = memchr(s, '/', len);
	uint32_t alen = slash ? (uint32_t)(slash - s) : len;
	char buf[INET6_ADDRSTRLEN + 1];
	uint64_t prefix;

	if (alen == 0 || alen >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	memset(out->ip.addr, 0, sizeof(out->ip.addr));
	if (inet_pton(AF_INET, buf, out->ip.addr) == 1)
		out->ip.family = 4;
	else if (inet_pton(AF_INET6, buf, out->ip.addr) == 1)
		out->ip.family = 6;
	else
		return -EINVAL;
	prefix = out->ip.family == 4 ? 32 : 128;
	if (slash && strnum_u64(slash + 1, len - alen - 1, 10, prefix, &prefix) < 0)
		return -EINVAL;
	out->ip.prefix = (uint8_t)prefix;
	for (unsigned bit = out->ip.prefix; bit < 128; bit++)
		out->ip.addr[bit / 8] &= (uint8_t)~(0x80u >> (bit % 8));
	constant_ip_unmap(&out->ip.family, out->ip.addr, &out->ip.prefix);
	return 0;
}

/* bcontains/bstartswith take hex digits: "CAFEBABE" -> 4 bytes. */
static int
parse_hex(const char *s, uint32_t len, struct arena *a, struct chk_const *out)
{
	char *b;

	if (len == 0 || len % 2)
		return -EINVAL;
	b = arena_alloc(a, len / 2 + 1);
	if (strnum_hexdecode(s, len, b) < 0)
		return -EINVAL;
	b[len / 2] = '\0';
	out->str.s = b;
	out->str.len = len / 2;
	return 0;
}

/* String constants, shaped for the operator. */
static void
parse_text(const struct chk_cmp *cmp, const char *s, uint32_t len, struct arena *a,
           struct chk_const *out)
{
	char *c = arena_strndup(a, s, len);

	if (cmp->op == OP_ICONTAINS) {
		for (uint32_t i = 0; i < len; i++)
			if (c[i] >= 'A' && c[i] <= 'Z')
				c[i] = (char)(c[i] - 'A' + 'a');
	} else if (cmp->op == OP_PMATCH) {
		while (len > 1 && c[len - 1] == '/')
			c[--len] = '\0';    /* "/etc/" and "/etc" name the same prefix */
		out->str.wild = strpbrk(c, "*?[") != NULL;
	}
	out->str.s = c;
	out->str.len = len;
}

int
constant_parse(const struct chk_cmp *cmp, const char *s, uint32_t len, struct arena *a,
               struct chk_const *out, char *why, size_t whylen)
{
	const char *tname = field_type_name(cmp->lhs.type);

	memset(out, 0, sizeof(*out));
	switch (cmp->cls) {
	case CC_STRING:
		if (cmp->op != OP_BCONTAINS && cmp->op != OP_BSTARTSWITH) {
			parse_text(cmp, s, len, a, out);
			return 0;
		}
		if (parse_hex(s, len, a, out) == 0)
			return 0;
		snprintf(why, whylen, "invalid hex byte string '%s' for '%s'", s,
		         ast_op_info(cmp->op)->name);
		return -EINVAL;
	case CC_NUMBER:
		if (parse_number(s, len, cmp->lhs.type, out) == 0)
			return 0;
		snprintf(why, whylen, "invalid number '%s' for field '%s' (%s)", s, cmp->lhs.name,
		         tname);
		return -EINVAL;
	case CC_BOOL:
		if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0) {
			out->b = s[0] == 't';
			return 0;
		}
		snprintf(why, whylen, "invalid boolean '%s' for field '%s' (true or false)", s,
		         cmp->lhs.name);
		return -EINVAL;
	case CC_IP:
		if (parse_ip(s, len, out) == 0)
			return 0;
		snprintf(why, whylen, "invalid IP address or network '%s' for field '%s'", s,
		         cmp->lhs.name);
		return -EINVAL;
	}
	return -EINVAL;
}

void
constant_num_key(bool neg, uint64_t mag, unsigned char key[9])
{
	key[0] = neg;
	memcpy(key + 1, &mag, sizeof(mag));
}

/* ---- regular expressions ----
 * Before regcomp() sees a pattern it is checked here, for two reasons.  We anchor it as
 * "^(PATTERN)$", so a ')' that would close our group ("a)|(b") must be refused.  And glibc
 * builds repetitions by copying subtrees, so "a+++++++..." or "((a{1,100}){1,100}){1,100}"
 * would take memory exponential in the pattern's length; RE2, which Falco uses, refuses
 * stacked repetition operators and counts above 1000, and so do we.  The check estimates the
 * size of the tree regcomp() would build and refuses patterns past RE_MAX_NODES.  RE2 has no
 * back-references either, and glibc's take time exponential in the subject: refused. */

#define RE_MAX_REPEAT 1000
#define RE_MAX_NODES  20000
#define RE_MAX_DEPTH  100

struct re_frame {
	uint64_t total;     /* size of the finished elements of this group */
	uint64_t last;      /* size of the latest element, which a repetition would multiply */
};

/* P is at '['; return the byte after the closing ']', or NULL if there is none. */
static const char *
skip_bracket(const char *p)
{
	p++;
	if (*p == '^')
		p++;
	if (*p == ']')
		p++;
	while (*p && *p != ']') {
		if (*p == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
			const char close[3] = { p[1], ']', '\0' };
			const char *end = strstr(p + 2, close);
			if (end == NULL)
				return NULL;
			p = end + 2;
		} else {
			p++;
		}
	}
	return *p ? p + 1 : NULL;
}

/* P is at '{'.  For a valid {m}, {m,} or {m,n} return the byte after '}' and set *FACTOR to
 * how many copies regcomp() makes (0 when a count exceeds RE_MAX_REPEAT); else NULL. */
static const char *
parse_interval(const char *p, uint64_t *factor)
{
	uint64_t m = 0, n = 0;
	bool comma = false, digits = false;

	for (p++; (*p >= '0' && *p <= '9') || (*p == ',' && !comma); p++) {
		if (*p == ',') {
			comma = true;
			continue;
		}
		digits = true;
		uint64_t *v = comma ? &n : &m;
		*v = *v > RE_MAX_REPEAT ? *v : *v * 10 + (uint64_t)(*p - '0');
	}
	if (*p != '}' || !digits)
		return NULL;
	*factor = (m > RE_MAX_REPEAT || n > RE_MAX_REPEAT) ? 0 : (m > n ? m : n) + 1;
	return p + 1;
}

/* One atom or repetition operator at P (anything but '(', '|' and ')').  Return the byte
 * after it with *FACTOR set for a repetition (0 for an atom), or NULL with *WHY set. */
static const char *
re_token(const char *p, uint64_t *factor, const char **why)
{
	const char *q;

	*factor = 0;
	if (*p == '\\' && p[1] >= '1' && p[1] <= '9') {
		/* RE2 has none, and glibc matches them by backtracking: time exponential in
		 * the subject, which is event data.  (They would also be off by one: the
		 * anchoring adds a group in front.) */
		*why = "back-references are not supported";
		return NULL;
	}
	if (*p == '\\')
		return p + (p[1] ? 2 : 1);
	if (*p == '[') {
		if ((q = skip_bracket(p)) == NULL)
			*why = "unbalanced brackets";
		return q;
	}
	if (*p == '*' || *p == '?' || *p == '+') {
		*factor = *p == '+' ? 2 : 1;
		return p + 1;
	}
	if (*p == '{' && (q = parse_interval(p, factor)) != NULL) {
		if (*factor == 0)
			*why = "repetition count above 1000";
		return *factor ? q : NULL;
	}
	return p + 1;
}

/* NULL if RE is acceptable, else why not. */
static const char *
regex_check(const char *re)
{
	struct re_frame st[RE_MAX_DEPTH + 1] = { { 0, 0 } };
	const char *why = NULL;
	bool repeated = false;
	int d = 0;

	for (const char *p = re; *p;) {
		uint64_t factor = 0, elem = 1;

		if (*p == '(' && d == RE_MAX_DEPTH)
			return "groups nested too deeply";
		if (*p == '(' || *p == '|') {
			if (*p == '(')
				st[++d] = (struct re_frame){ 0, 0 };
			else
				st[d] = (struct re_frame){ st[d].total + st[d].last, 0 };
			repeated = false;
			p++;
			continue;
		}
		if (*p == ')') {
			if (d == 0)
				return "unbalanced parentheses";
			elem = st[d].total + st[d].last ? st[d].total + st[d].last : 1;
			d--;
			p++;
		} else if ((p = re_token(p, &factor, &why)) == NULL) {
			return why;
		}
		if (factor && (st[d].last == 0 || repeated))
			return "repetition operator without an operand or after another";
		if (factor)
			st[d].last *= factor;
		else
			st[d] = (struct re_frame){ st[d].total + st[d].last, elem };
		repeated = factor != 0;
		if (st[d].total + st[d].last > RE_MAX_NODES)
			return "too complex";
	}
	return d ? "unbalanced parentheses" : NULL;
}

static int
build_regex(struct chk_cmp *cmp, char *why, size_t whylen)
{
	const char *pat = cmp->vals[0].str.s;
	size_t n = strlen(pat);
	char *anchored = malloc(n + 5);
	const char *bad;
	int rc;

	if (anchored == NULL)
		return -ENOMEM;
	if ((bad = regex_check(pat)) != NULL) {
		snprintf(why, whylen, "invalid regular expression '%s': %s", pat, bad);
		free(anchored);
		return -EINVAL;
	}
	snprintf(anchored, n + 5, "^(%s)$", pat);
	cmp->re = malloc(sizeof(*cmp->re));
	if (cmp->re == NULL) {
		free(anchored);
		return -ENOMEM;
	}
	rc = regcomp(cmp->re, anchored, REG_EXTENDED | REG_NOSUB);
	free(anchored);
	if (rc != 0) {
		char msg[128];
		regerror(rc, cmp->re, msg, sizeof(msg));
		snprintf(why, whylen, "invalid regular expression '%s': %s", pat, msg);
		free(cmp->re);
		cmp->re = NULL;
		return -EINVAL;
	}
	return 0;
}

static int
build_set(struct chk_cmp *cmp)
{
	unsigned char key[9];
	int rc;

	if ((rc = hmap_new(&cmp->set)) < 0)
		return rc;
	for (uint32_t i = 0; i < cmp->nvals; i++) {
		const struct chk_const *k = &cmp->vals[i];

		if (cmp->cls == CC_NUMBER) {
			constant_num_key(k->num.neg, k->num.mag, key);
			rc = hmap_put(cmp->set, key, sizeof(key), NULL);
		} else if (k->str.wild) {
			cmp->has_wild = true;
			continue;
		} else {
			rc = hmap_put(cmp->set, k->str.s, k->str.len, NULL);
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

int
constant_finish(struct chk_cmp *cmp, char *why, size_t whylen)
{
	if (cmp->op == OP_REGEX)
		return build_regex(cmp, why, whylen);
	if ((cmp->op == OP_IN || cmp->op == OP_INTERSECTS) &&
	    (cmp->cls == CC_STRING || cmp->cls == CC_NUMBER))
		return build_set(cmp);
	if (cmp->op == OP_PMATCH)
		return build_set(cmp);
	return 0;
}
