/* lex.h - tokens of the Falco condition language, with byte offsets.
 * The lexer is a cursor over the condition text; the parser asks for the next token in one of
 * two modes, because the language is context-sensitive: in condition position `=` and `<` are
 * operators and `proc.aname[2]` is one word, while in value position almost anything up to a
 * blank, a parenthesis, a comma, `=` or a quote is a bare string (`/etc/passwd`, `<`,
 * `10.0.0.0/8`, `O_RDONLY`).  Tokens borrow the text; nothing here allocates except
 * lex_unquote(), which appends to a caller's sbuf. */
#ifndef SHIKRA_LEX_H
#define SHIKRA_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/sbuf.h"

#define LEX_MAX_TEXT (16u << 20)    /* longest condition accepted, in bytes */

enum lex_kind {
	LEX_EOF,
	LEX_LPAREN,
	LEX_RPAREN,
	LEX_COMMA,
	LEX_WORD,       /* an identifier/field (condition mode) or a bare string (value mode) */
	LEX_STRING,     /* a quoted string; the span includes both quotes */
	LEX_SYMBOL,     /* = == != < <= > >= (condition mode only) */
};

enum lex_mode {
	LEX_MODE_COND,
	LEX_MODE_VALUE,
};

struct lex_token {
	enum lex_kind kind;
	uint32_t off;       /* byte offset of the first byte */
	uint32_t len;       /* bytes in the span */
	bool ident;         /* LEX_WORD that is an identifier or field name ([A-Za-z_] first) */
};

struct lexer {
	const char *src;
	uint32_t len;
	uint32_t off;
};

/* A problem at a byte offset; MSG is static text. */
struct lex_error {
	uint32_t off;
	const char *msg;
};

/* Start at the beginning of the LEN bytes at SRC (LEN <= LEX_MAX_TEXT). */
void lex_init(struct lexer *lx, const char *src, uint32_t len);

/* Read the next token in MODE into *TOK.  Return 0, or -EINVAL with *ERR set (unterminated
 * string or field argument, invalid UTF-8). */
int lex_next(struct lexer *lx, enum lex_mode mode, struct lex_token *tok, struct lex_error *err);

/* True when the byte right after the last token is '(' (no blank between), as in `val(`. */
bool lex_paren_follows(const struct lexer *lx);

/* Append the unescaped contents of the quoted string SPAN (LEN bytes, quotes included) to OUT.
 * Escapes: \\ \" \' (only inside its own quote kind) \/ \b \f \n \r \t \xHH (not \x00) and
 * Falco's legacy "\ " (which yields a backslash).  On error return -EINVAL with ERR->off
 * relative to SPAN. */
int lex_unquote(const char *span, uint32_t len, struct sbuf *out, struct lex_error *err);

/* True if the LEN bytes at S would read back as one bare string in value mode. */
bool lex_is_bare(const char *s, size_t len);

#endif
