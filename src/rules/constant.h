/* constant.h - parsing a comparison's constants once, at compile time (part of compile).
 * Turns the text of each value into the form evaluation wants for the field's class and the
 * operator: numbers with range checks, booleans, IP addresses and CIDR networks, hex byte
 * strings, lower-cased needles, normalized pmatch prefixes; then builds the hashed set or the
 * anchored regex the operator needs.  Messages are static or formatted into a caller buffer;
 * nothing is reported from here. */
#ifndef SHIKRA_CONSTANT_H
#define SHIKRA_CONSTANT_H

#include <stddef.h>

#include "core/arena.h"
#include "rules/compile.h"

/* Parse the LEN bytes at S for comparison CMP (its op, cls and lhs.type are set) into OUT,
 * allocating in A.  Return 0, or -EINVAL with a message in WHY (WHYLEN bytes). */
int constant_parse(const struct chk_cmp *cmp, const char *s, uint32_t len, struct arena *a,
                   struct chk_const *out, char *why, size_t whylen);

/* Build CMP's set or regex from its parsed constants.  Return 0, -ENOMEM, or -EINVAL with a
 * message in WHY (a bad regular expression). */
int constant_finish(struct chk_cmp *cmp, char *why, size_t whylen);

/* Rewrite an IPv4-mapped IPv6 address (::ffff:a.b.c.d) as IPv4, adjusting PREFIX (which may
 * be NULL), so that both spellings compare equal. */
void constant_ip_unmap(uint8_t *family, uint8_t addr[16], uint8_t *prefix);

/* The hmap key of a number: sign byte then the magnitude, 9 bytes written to KEY. */
void constant_num_key(bool neg, uint64_t mag, unsigned char key[9]);

#endif
