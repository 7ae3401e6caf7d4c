/* sbuf.c - growable strings and the one escaping routine for text output (see sbuf.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sbuf.h"

static void
sbuf_grow(struct sbuf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need <= b->cap)
		return;
	if (need < b->len)
		abort();	/* size_t overflow: no real input gets here */
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	char *p = realloc(b->buf, cap);
	if (p == NULL)
		abort();
	b->buf = p;
	b->cap = cap;
}

void
sbuf_free(struct sbuf *b)
{
	free(b->buf);
	b->buf = NULL;
	b->len = b->cap = 0;
}

void
sbuf_reset(struct sbuf *b)
{
	b->len = 0;
	if (b->buf)
		b->buf[0] = '\0';
}

const char *
sbuf_str(const struct sbuf *b)
{
	return b->buf ? b->buf : "";
}

char *
sbuf_steal(struct sbuf *b)
{
	char *p = b->buf ? b->buf : strdup("");

	if (p == NULL)
		abort();
	b->buf = NULL;
	b->len = b->cap = 0;
	return p;
}

void
sbuf_add(struct sbuf *b, const void *p, size_t n)
{
	sbuf_grow(b, n);
	memcpy(b->buf + b->len, p, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

void
sbuf_puts(struct sbuf *b, const char *s)
{
	sbuf_add(b, s, strlen(s));
}

void
sbuf_putc(struct sbuf *b, char c)
{
	sbuf_add(b, &c, 1);
}

void
sbuf_putu(struct sbuf *b, uint64_t v, unsigned base)
{
	static const char digits[] = "0123456789abcdef";
	char buf[64];           /* 64 binary digits at most */
	size_t i = sizeof(buf);

	if (base < 2 || base > 16)
		abort();        /* a bug in the caller, as with a bad printf format */
	do {
		buf[--i] = digits[v % base];
		v /= base;
	} while (v != 0);
	sbuf_add(b, buf + i, sizeof(buf) - i);
}

void
sbuf_vprintf(struct sbuf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	sbuf_grow(b, (size_t)n);
	vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sbuf_vprintf(b, fmt, ap);
	va_end(ap);
}

void
sbuf_escape(struct sbuf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	sbuf_grow(b, n);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '\n': sbuf_add(b, "\\n", 2); break;
		case '\t': sbuf_add(b, "\\t", 2); break;
		case '\r': sbuf_add(b, "\\r", 2); break;
		case '\\': sbuf_add(b, "\\\\", 2); break;
		default:
			if (c < 0x20 || c == 0x7f) {
				char esc[4] = { '\\', 'x', hex[c >> 4], hex[c & 15] };
				sbuf_add(b, esc, 4);
			} else {
				sbuf_putc(b, (char)c);
			}
		}
	}
}
