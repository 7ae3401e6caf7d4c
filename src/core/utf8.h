/* utf8.h - the one strict UTF-8 checker.
 * Strict as jansson and libyaml are: no overlong forms, no surrogates, nothing above
 * U+10FFFF, no stray continuation bytes.  The lexer checks rule text with it, and the JSON
 * writers decide with it which bytes must be escaped.  Spans need not be NUL-terminated;
 * a NUL byte is a valid one-byte sequence (callers that forbid NULs check for them). */
#ifndef SHIKRA_UTF8_H
#define SHIKRA_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Length (1 to 4) of the valid UTF-8 sequence at S, of which AVAIL >= 1 bytes may be read;
 * 0 when S does not start one (a bad lead byte, a truncated or overlong sequence, ...). */
size_t utf8_seq(const char *s, size_t avail);

/* Offset of the first byte of the LEN bytes at S that is not part of a valid sequence, or
 * LEN when they are all valid. */
size_t utf8_check(const char *s, size_t len);

/* True when the LEN bytes at S are valid UTF-8. */
bool utf8_valid(const char *s, size_t len);

#endif
