/* strnum.c - strict number parsing (see strnum.h).  No strtol(): it accepts leading spaces,
 * signs, prefixes and trailing junk, all of which hide malformed input. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "core/strnum.h"

int
strnum_xdigit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
strnum_hexdecode(const char *hex, size_t len, char *out)
{
	if (len % 2 != 0)
		return -EINVAL;
	for (size_t i = 0; i < len / 2; i++) {
		int hi = strnum_xdigit(hex[2 * i]), lo = strnum_xdigit(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i] = (char)(hi << 4 | lo);
	}
	return 0;
}

int
strnum_u64(const char *s, size_t len, int base, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	int overflow = 0;

	if (len == 0 || base < 2 || base > 16)
		return -EINVAL;
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
