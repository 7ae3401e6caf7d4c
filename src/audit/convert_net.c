/* convert_net.c - the SOCKADDR record: the struct sockaddr a process passed to connect(),
 * bind(), sendto() or got back from accept(), as hex bytes.  It is a copy of user memory of
 * whatever length the process claimed (up to 128 bytes), so every read is checked against
 * that length first.  sa_family is in the byte order of the process's architecture (the
 * AUDIT_ARCH_* value says which); ports and IPv4/IPv6 addresses are in network order. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <linux/audit.h>

#include "audit/convert_priv.h"

#ifndef AUDIT_SOCKADDR
#define AUDIT_SOCKADDR 1306
#endif

#define SADDR_MAX 128           /* sizeof(struct sockaddr_storage): the kernel's limit */
#define FAM_UNIX 1
#define FAM_INET 2
#define FAM_INET6 10
#define FAM_NETLINK 16
#define FAM_PACKET 17
#define UNIX_PATH_MAX 108

/* The smallest length each family's fields need to be read, from the start of the struct. */
static const struct {
	uint16_t family;
	uint16_t min_len;
} family_min[] = {
	{ FAM_INET, 8 },        /* family, port, 4-byte address */
	{ FAM_INET6, 24 },      /* family, port, flowinfo, 16-byte address */
	{ FAM_NETLINK, 12 },    /* family, pad, pid, groups */
	{ FAM_PACKET, 12 },     /* family, protocol, ifindex, hatype, pkttype, halen */
	{ FAM_UNIX, 2 },        /* family alone: an unnamed socket */
};

static uint16_t
get16(const unsigned char *p, bool little)
{
	return little ? (uint16_t)(p[0] | p[1] << 8) : (uint16_t)(p[0] << 8 | p[1]);
}

static bool
long_enough(uint16_t family, size_t len)
{
	for (size_t i = 0; i < sizeof(family_min) / sizeof(family_min[0]); i++)
		if (family_min[i].family == family)
			return len >= family_min[i].min_len;
	return true;
}

/* sun_path: a filesystem path up to its NUL, or an abstract name (leading NUL) shown with
 * '@' for the NUL as ss(8) does; NULs inside an abstract name are shown as '@' too. */
static void
unix_path(struct conv *c, const unsigned char *p, size_t len, struct event_addr *out)
{
	char *path;

	if (len > UNIX_PATH_MAX)
		len = UNIX_PATH_MAX;
	if (len == 0)
		return;         /* unnamed */
	if (p[0] != '\0') {
		const unsigned char *nul = memchr(p, '\0', len);

		out->path = event_strndup(c->ev, (const char *)p,
		                          nul ? (size_t)(nul - p) : len);
		return;
	}
	path = event_strndup(c->ev, (const char *)p, len);
	for (size_t i = 0; i < len; i++)
		if (path[i] == '\0')
			path[i] = '@';
	out->path = path;
}

int
conv_sockaddr(struct conv *c, struct event_addr *out)
{
	const struct audit_record *rec = conv_find(c, AUDIT_SOCKADDR);
	const struct audit_field *f = rec ? audit_record_field(rec, "saddr") : NULL;
	/* Without an architecture, assume the reader's: where the log most likely came from. */
	bool little = c->arch ? (c->arch & __AUDIT_ARCH_LE) != 0
	                      : __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;
	const unsigned char *p;
	char *bytes = NULL;
	size_t len = 0;
	uint16_t family;

	if (f == NULL)
		return -ENOENT;
	if (f->kind != AUDIT_VALUE_BARE ||
	    audit_hex_decode(f->value, f->value_len, &c->scratch, &bytes, &len) < 0 ||
	    len < 2 || len > SADDR_MAX)
		goto bad;
	p = (const unsigned char *)bytes;
	family = get16(p, little);
	if (!long_enough(family, len))
		goto bad;
	out->family = family;
	if (family == FAM_INET) {
		out->port = get16(p + 2, false);
		memcpy(out->ip, p + 4, 4);
	} else if (family == FAM_INET6) {
		out->port = get16(p + 2, false);
		memcpy(out->ip, p + 8, 16);
	} else if (family == FAM_UNIX) {
		unix_path(c, p + 2, len - 2, out);
	}
	return 0;
bad:
	conv_bad(c);
	return -EINVAL;
}
