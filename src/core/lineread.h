/* lineread.h - read a stream as lines of bounded length.
 * Input comes in blocks and is split on '\n', so a line may be of any length and hold any byte
 * (NUL included) without the reader losing its place.  At most MAX bytes of a line are kept:
 * a longer line is flagged too long and the rest of it skipped, so memory stays at MAX plus
 * one block whatever the input (a file of one endless line included).  The '\n' is not part
 * of the line; a '\r' before it is (the caller decides); a last line without '\n' counts.
 * Used by the auditd log replay and the capture replay. */
#ifndef SHIKRA_LINEREAD_H
#define SHIKRA_LINEREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct sbuf;

struct lineread {
	const char *line;       /* the current line, NUL-terminated, valid until the next call
	                         * (in the block read, or in BUF when it spans blocks) */
	size_t len;             /* its length; undefined content when TOO_LONG */
	bool too_long;          /* the current line was longer than MAX */
	uint64_t bytes;         /* bytes read from the stream so far */
	/* Private. */
	FILE *fp;
	size_t max, cap;
	char *buf;              /* a line that spans blocks is assembled here */
	char *blk;              /* one block; a line within it is NUL-terminated in place */
	size_t bpos, blen;
	bool eof;
};

/* Read FP (borrowed) with lines of at most MAX bytes.  0, or -ENOMEM with LR left so that
 * lineread_free() is still right. */
int  lineread_init(struct lineread *lr, FILE *fp, size_t max);

/* Read the next line into LR->line / LR->len / LR->too_long.  Return 1 with a line, 0 at the
 * end of input, -errno on a read error (-EIO when the stream does not say which). */
int  lineread_next(struct lineread *lr);

void lineread_free(struct lineread *lr);        /* NULL-safe; leaves LR empty */

/* Read one line of FP into OUT (reset first), stopping right after its '\n' so that FP is
 * positioned at the next line (lineread_next() reads ahead, which a caller that hands FP on
 * cannot allow).  The '\n' is kept when there is one.  A line longer than MAX keeps only its
 * first MAX + 1 bytes and no '\n' (longer than MAX, so a reader with that limit reports it)
 * and the rest is consumed.  Return 1 with a line, 0 at the end of input, -errno (-EIO) on a
 * read error. */
int  lineread_first(FILE *fp, size_t max, struct sbuf *out);

#endif
