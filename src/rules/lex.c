/* lex.c - the condition lexer (see lex.h).
 * Character classes follow libsinsp's grammar: identifiers and field names are
 * [A-Za-z_][A-Za-z0-9_.]* with an optional [argument] glued on; bare strings run up to a
 * blank or one of ( ) , = " '.  Quoted strings end at the first unescaped quote of their own
 * kind.  Every token that can carry user text is checked for valid UTF-8 here, so later
 * stages only see well-formed text (escapes such as \xff may still produce any byte). */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "core/strnum.h"
#include "core/utf8.h"
#include "rules/lex.h"

void
lex_init(struct lexer *lx, const char *src, uint32_t len)
{
	*lx = (struct lexer){ .src = src, .len = len, .off = 0 };
}

static bool
is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Bytes that end a bare string. */
static bool
is_bare_stop(unsigned char c)
{
	return is_blank(c) || c == '(' || c == ')' || c == ',' || c == '=' || c == '"' ||
	       c == '\'';
}

static bool
is_ident_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool
is_ident_char(unsigned char c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9') || c == '.';
}

static int
fail(struct lex_error *err, uint32_t off, const char *msg)
{
	err->off = off;
	err->msg = msg;
	return -EINVAL;
}

/* Scan a quoted string starting at lx->off; on success the token spans both quotes. */
static int
scan_string(struct lexer *lx, struct lex_token *tok, struct lex_error *err)
{
	uint32_t start = lx->off, i = start + 1;
	char q = lx->src[start];

	while (i < lx->len && lx->src[i] != q)
		i += (lx->src[i] == '\\' && i + 1 < lx->len) ? 2 : 1;
	if (i >= lx->len)
		return fail(err, start, "unterminated string");
	size_t bad = utf8_check(lx->src + start + 1, i - start - 1);
	if (bad != i - start - 1)
		return fail(err, start + 1 + (uint32_t)bad, "invalid UTF-8 in string");
	*tok = (struct lex_token){ .kind = LEX_STRING, .off = start, .len = i + 1 - start };
	lx->off = i + 1;
	return 0;
}

/* The [argument] of a field name: a bare run without blanks, brackets or quotes, or a quoted
 * string.  lx->off is at the '['. */
static int
scan_field_arg(struct lexer *lx, struct lex_error *err)
{
	uint32_t open = lx->off, i = open + 1;

	if (i < lx->len && (lx->src[i] == '"' || lx->src[i] == '\'')) {
		struct lex_token s;
		lx->off = i;
		if (scan_string(lx, &s, err) < 0)
			return -EINVAL;
		i = lx->off;
	} else {
		while (i < lx->len && lx->src[i] != ']' && lx->src[i] != '[' &&
		       !is_blank((unsigned char)lx->src[i]) && lx->src[i] != '"' &&
		       lx->src[i] != '\'')
			i++;
	}
	if (i >= lx->len || lx->src[i] != ']' || i == open + 1)
		return fail(err, open, "unterminated or empty field argument");
	lx->off = i + 1;
	return 0;
}

static int
scan_ident(struct lexer *lx, struct lex_token *tok, struct lex_error *err)
{
	uint32_t start = lx->off;

	while (lx->off < lx->len && is_ident_char((unsigned char)lx->src[lx->off]))
		lx->off++;
	if (lx->off < lx->len && lx->src[lx->off] == '[') {
		if (scan_field_arg(lx, err) < 0)
			return -EINVAL;
	}
	size_t bad = utf8_check(lx->src + start, lx->off - start);
	if (bad != lx->off - start)
		return fail(err, start + (uint32_t)bad, "invalid UTF-8");
	*tok = (struct lex_token){ .kind = LEX_WORD, .off = start, .len = lx->off - start,
	                           .ident = true };
	return 0;
}

static int
scan_bare(struct lexer *lx, struct lex_token *tok, struct lex_error *err)
{
	uint32_t start = lx->off;

	while (lx->off < lx->len && !is_bare_stop((unsigned char)lx->src[lx->off]))
		lx->off++;
	size_t bad = utf8_check(lx->src + start, lx->off - start);
	if (bad != lx->off - start)
		return fail(err, start + (uint32_t)bad, "invalid UTF-8");
	*tok = (struct lex_token){ .kind = LEX_WORD, .off = start, .len = lx->off - start,
	                           .ident = false };
	return 0;
}

/* = == != < <= > >=; returns 0 bytes when no symbol starts here. */
static uint32_t
symbol_len(const char *s, uint32_t avail)
{
	if (s[0] == '=' || s[0] == '<' || s[0] == '>')
		return (avail > 1 && s[1] == '=') ? 2 : 1;
	if (s[0] == '!' && avail > 1 && s[1] == '=')
		return 2;
	return 0;
}

int
lex_next(struct lexer *lx, enum lex_mode mode, struct lex_token *tok, struct lex_error *err)
{
	while (lx->off < lx->len && is_blank((unsigned char)lx->src[lx->off]))
		lx->off++;
	if (lx->off >= lx->len) {
		*tok = (struct lex_token){ .kind = LEX_EOF, .off = lx->len };
		return 0;
	}

	const char *s = lx->src + lx->off;
	uint32_t avail = lx->len - lx->off, n;

	switch (*s) {
	case '(':
	case ')':
	case ',':
		*tok = (struct lex_token){ .off = lx->off, .len = 1,
			.kind = *s == '(' ? LEX_LPAREN : *s == ')' ? LEX_RPAREN : LEX_COMMA };
		lx->off++;
		return 0;
	case '"':
	case '\'':
		return scan_string(lx, tok, err);
	}
	if (mode == LEX_MODE_VALUE && *s != '=')
		return scan_bare(lx, tok, err);
	if (mode == LEX_MODE_COND && is_ident_start((unsigned char)*s))
		return scan_ident(lx, tok, err);
	/* In value mode only '=' gets here: it cannot start a bare string. */
	if ((n = symbol_len(s, avail)) > 0) {
		*tok = (struct lex_token){ .kind = LEX_SYMBOL, .off = lx->off, .len = n };
		lx->off += n;
		return 0;
	}
	return scan_bare(lx, tok, err);
}

bool
lex_paren_follows(const struct lexer *lx)
{
	return lx->off < lx->len && lx->src[lx->off] == '(';
}

/* One escape at SPAN[I] (the byte after the backslash); appends to OUT, returns bytes used. */
static int
unescape_one(const char *span, uint32_t i, uint32_t end, struct sbuf *out, struct lex_error *err)
{
	char q = span[0], c = span[i];
	static const char simple_from[] = "bfnrt\\/";
	static const char simple_to[] = "\b\f\n\r\t\\/";
	const char *p = memchr(simple_from, c, sizeof(simple_from) - 1);

	if (p) {
		sbuf_putc(out, simple_to[p - simple_from]);
		return 1;
	}
	if (c == ' ') {
		/* libsinsp keeps this legacy escape for old rules: it yields a backslash. */
		sbuf_putc(out, '\\');
		return 1;
	}
	if (c == '"' || c == '\'') {
		if (c != q)
			return fail(err, i - 1, c == '"' ? "escaped double quote in a single-quoted string"
			                                 : "escaped single quote in a double-quoted string");
		sbuf_putc(out, c);
		return 1;
	}
	if (c == 'x') {
		int hi = i + 1 < end ? strnum_xdigit(span[i + 1]) : -1;
		int lo = i + 2 < end ? strnum_xdigit(span[i + 2]) : -1;
		if (hi < 0 || lo < 0)
			return fail(err, i - 1, "hex escape needs two hexadecimal digits");
		if (hi == 0 && lo == 0)
			return fail(err, i - 1, "NUL byte not allowed in a string");
		sbuf_putc(out, (char)(hi * 16 + lo));
		return 3;
	}
	return fail(err, i - 1, "unsupported escape sequence in string");
}

int
lex_unquote(const char *span, uint32_t len, struct sbuf *out, struct lex_error *err)
{
	uint32_t end = len - 1;     /* offset of the closing quote */

	for (uint32_t i = 1; i < end;) {
		const char *bs = memchr(span + i, '\\', end - i);
		uint32_t run = bs ? (uint32_t)(bs - (span + i)) : end - i;

		sbuf_add(out, span + i, run);
		i += run;
		if (i >= end)
			break;
		int n = unescape_one(span, i + 1, end, out, err);
		if (n < 0)
			return n;
		i += 1 + (uint32_t)n;
	}
	return 0;
}

bool
lex_is_bare(const char *s, size_t len)
{
	if (len == 0 || utf8_check(s, len) != len)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (is_bare_stop(c) || c < 0x20 || c == 0x7f)
			return false;
	}
	return true;
}
