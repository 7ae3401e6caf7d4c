/* strnum.c - strict number parsing (see strnum.h).  No strtol(): it accepts leading spaces,
 * signs, prefixes and trailing junk, all of which hide malformed input. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "core/strnum.h"

/* Each digit's value plus one; 0 for every byte that is not a digit in any base up to 16.
 * One load per byte: these parsers run for every number and hex string of every audit
 * record. */
static const unsigned char digit_plus1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* Digits that always fit in 64 bits, in base 10 and base 16: no overflow check needed. */
#define SAFE_DIGITS_10 19
#define SAFE_DIGITS_16 16

int
strnum_xdigit(char c)
{
	return (int)digit_plus1[(unsigned char)c] - 1;
}

int
strnum_hexdecode(const char *hex, size_t len, char *out)
{
	if (len % 2 != 0)
		return -EINVAL;
	for (size_t i = 0; i < len / 2; i++) {
		unsigned hi = digit_plus1[(unsigned char)hex[2 * i]];
		unsigned lo = digit_plus1[(unsigned char)hex[2 * i + 1]];

		if (hi == 0 || lo == 0)
			return -EINVAL;
		out[i] = (char)((hi - 1) << 4 | (lo - 1));
	}
	return 0;
}

/* The common case of strnum_u64(): too few digits to overflow. */
static int
u64_short(const char *s, size_t len, unsigned base, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned d = digit_plus1[(unsigned char)s[i]] - 1u;   /* not a digit: wraps */

		if (d >= base)
			return -EINVAL;
		v = v * base + d;
	}
	if (v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int
strnum_u64(const char *s, size_t len, int base, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	int overflow = 0;

	if (len == 0 || base < 2 || base > 16)
		return -EINVAL;
	if ((base <= 10 && len <= SAFE_DIGITS_10) || len <= SAFE_DIGITS_16)
		return u64_short(s, len, (unsigned)base, max, out);
	/* Work out the overflow limit once, not with a division per digit: this parser runs
	 * for every number of every audit record. */
	const uint64_t cutoff = UINT64_MAX / (uint64_t)base;
	const uint64_t cutlim = UINT64_MAX % (uint64_t)base;
	for (size_t i = 0; i < len; i++) {
		int d = strnum_xdigit(s[i]);

		if (d < 0 || d >= base)
			return -EINVAL;
		if (v > cutoff || (v == cutoff && (uint64_t)d > cutlim))
			overflow = 1;	/* keep scanning: a later junk byte is -EINVAL */
		else
			v = v * (uint64_t)base + (uint64_t)d;
	}
	if (overflow || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int
strnum_i64(const char *s, size_t len, int base, int64_t min, int64_t max, int64_t *out)
{
	uint64_t mag;
	int neg = 0, rc;

	if (len > 0 && s[0] == '-') {
		neg = 1;
		s++;
		len--;
	}
	rc = strnum_u64(s, len, base, (uint64_t)INT64_MAX + 1, &mag);
	if (rc < 0)
		return rc;
	if (!neg && mag > (uint64_t)INT64_MAX)
		return -ERANGE;
	int64_t v = neg ? (int64_t)(0 - mag) : (int64_t)mag;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int
strnum_u64z(const char *s, int base, uint64_t max, uint64_t *out)
{
	return strnum_u64(s, strlen(s), base, max, out);
}

int
strnum_i64z(const char *s, int base, int64_t min, int64_t max, int64_t *out)
{
	return strnum_i64(s, strlen(s), base, min, max, out);
}
