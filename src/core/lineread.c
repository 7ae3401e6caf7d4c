/* lineread.c - bounded line reading (see lineread.h). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/lineread.h"
#include "core/sbuf.h"

#define LINEREAD_BLOCK (64 * 1024)

int
lineread_init(struct lineread *lr, FILE *fp, size_t max)
{
	*lr = (struct lineread){ .fp = fp, .max = max, .line = "" };
	lr->blk = malloc(LINEREAD_BLOCK);
	return lr->blk ? 0 : -ENOMEM;
}

void
lineread_free(struct lineread *lr)
{
	if (lr == NULL)
		return;
	free(lr->blk);
	free(lr->buf);
	*lr = (struct lineread){ .fp = NULL };
}

/* Append N bytes to the current line, or mark it too long. */
static void
append(struct lineread *lr, const char *s, size_t n)
{
	if (lr->too_long || n == 0)
		return;
	if (n > lr->max - lr->len) {
		lr->too_long = true;
		return;
	}
	if (lr->len + n + 1 > lr->cap) {
		size_t cap = lr->cap ? lr->cap : 4096;
		while (cap < lr->len + n + 1)
			cap *= 2;
		char *p = realloc(lr->buf, cap);
		if (p == NULL)
			abort();	/* bounded by MAX; as arena.c and sbuf.c do */
		lr->buf = p;
		lr->cap = cap;
	}
	memcpy(lr->buf + lr->len, s, n);
	lr->len += n;
	lr->buf[lr->len] = '\0';
}

/* Refill the block.  1 when there is data, 0 at end of input, -errno on a read error. */
static int
fill(struct lineread *lr)
{
	size_t n;

	if (lr->eof)
		return 0;
	errno = 0;
	n = fread(lr->blk, 1, LINEREAD_BLOCK, lr->fp);
	if (n == 0) {
		if (ferror(lr->fp))
			return errno ? -errno : -EIO;
		lr->eof = true;
		return 0;
	}
	lr->bpos = 0;
	lr->blen = n;
	lr->bytes += n;
	return 1;
}

int
lineread_next(struct lineread *lr)
{
	bool any = false;
	int rc;

	lr->len = 0;
	lr->too_long = false;
	if (lr->buf)
		lr->buf[0] = '\0';
	for (;;) {
		if (lr->bpos == lr->blen) {
			rc = fill(lr);
			lr->line = lr->buf ? lr->buf : "";
			if (rc <= 0)
				return rc < 0 ? rc : any;
		}
		char *s = lr->blk + lr->bpos;
		char *nl = memchr(s, '\n', lr->blen - lr->bpos);
		size_t take = nl != NULL ? (size_t)(nl - s) : lr->blen - lr->bpos;
		if (nl != NULL && !any && take <= lr->max) {
			/* The whole line is in the block: hand it out in place, no copy. */
			*nl = '\0';
			lr->line = s;
			lr->len = take;
			lr->bpos += take + 1;
			return 1;
		}
		any = true;
		append(lr, s, take);
		lr->bpos += take + (nl != NULL);
		lr->line = lr->buf ? lr->buf : "";
		if (nl != NULL)
			return 1;
	}
}

int
lineread_first(FILE *fp, size_t max, struct sbuf *out)
{
	bool any = false;
	int c;

	sbuf_reset(out);
	errno = 0;
	/* Byte by byte: one line, and FP must not be read past its end. */
	while ((c = getc(fp)) != EOF) {
		any = true;
		if (out->len <= max)
			sbuf_putc(out, (char)c);	/* MAX + 1 bytes at most, '\n' included */
		if (c == '\n')
			break;
	}
	if (c == EOF && ferror(fp))
		return errno ? -errno : -EIO;
	return any;
}
