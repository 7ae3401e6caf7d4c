/* sbuf.h - a growable, always NUL-terminated byte string.
 * An sbuf owns its buffer; sbuf_free() releases it and leaves an empty sbuf.  Appending
 * never fails: on out-of-memory the process aborts, since no caller could do better. */
#ifndef SHIKRA_SBUF_H
#define SHIKRA_SBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct sbuf {
	char   *buf;
	size_t  len;
	size_t  cap;
};

#define SBUF_INIT { NULL, 0, 0 }

void sbuf_free(struct sbuf *b);
void sbuf_reset(struct sbuf *b);          /* empty it, keep the memory */
const char *sbuf_str(const struct sbuf *b);  /* "" when empty; valid until the next change */
/* Hand the buffer to the caller (free() it) and leave B empty. */
char *sbuf_steal(struct sbuf *b);

void sbuf_add(struct sbuf *b, const void *p, size_t n);
void sbuf_puts(struct sbuf *b, const char *s);
void sbuf_putc(struct sbuf *b, char c);
/* Append the digits of V in BASE (2..16; letters lower case), no prefix, no padding: what
 * "%" PRIo64, PRIu64 and PRIx64 print, without printf's cost on per-event paths. */
void sbuf_putu(struct sbuf *b, uint64_t v, unsigned base);
void sbuf_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sbuf_vprintf(struct sbuf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Append N bytes of S with every control character (< 0x20, 0x7f) and backslash escaped
 * (\n, \t, \r, \\ or \xNN), so that event data can never start a new line or forge a field.
 * Bytes >= 0x80 pass through unchanged. */
void sbuf_escape(struct sbuf *b, const char *s, size_t n);

#endif
