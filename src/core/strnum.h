/* strnum.h - the one strict number parser.
 * The whole span must be a number in the given base (no sign for unsigned, no spaces, no
 * trailing bytes) and within [min, max].  Spans need not be NUL-terminated. */
#ifndef SHIKRA_STRNUM_H
#define SHIKRA_STRNUM_H

#include <stddef.h>
#include <stdint.h>

/* On success store the value in *OUT and return 0.  Return -EINVAL when S is empty or not a
 * number in BASE (2..16), -ERANGE when outside [MIN, MAX]; *OUT is left alone on error. */
int strnum_u64(const char *s, size_t len, int base, uint64_t max, uint64_t *out);
int strnum_i64(const char *s, size_t len, int base, int64_t min, int64_t max, int64_t *out);

/* NUL-terminated conveniences. */
int strnum_u64z(const char *s, int base, uint64_t max, uint64_t *out);
int strnum_i64z(const char *s, int base, int64_t min, int64_t max, int64_t *out);

/* Hex bytes, as audit records and rule constants (bcontains) carry them. */
int strnum_xdigit(char c);                  /* 0..15 for 0-9, a-f, A-F; -1 otherwise */
/* Decode the LEN hex digits at HEX into OUT (LEN / 2 bytes, not NUL-terminated; embedded NULs
 * are kept).  0, or -EINVAL for an odd LEN or a byte that is not a hex digit (OUT then holds
 * an unspecified prefix). */
int strnum_hexdecode(const char *hex, size_t len, char *out);

#endif
