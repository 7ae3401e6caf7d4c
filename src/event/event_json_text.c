/* event_json_text.c - the pieces of the event JSON form that are not about struct event's
 * layout: the escape codec for arbitrary bytes in JSON strings, the tables that give names to
 * architectures, address families and socket types, and UTC time text.  See event_json.h for
 * the format; event_json.c writes it and event_json_read.c reads it. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <linux/audit.h>

#include "core/strnum.h"
#include "core/timefmt.h"
#include "core/utf8.h"
#include "event/event_json.h"
#include "event/event_json_int.h"

json_t *
event_json_str(const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	struct sbuf b = SBUF_INIT;
	json_t *v;

	if (utf8_valid(s, n))
		return json_stringn(s, n);	/* the common case: no copy */
	for (size_t i = 0, k; i < n; i += k) {
		k = utf8_seq(s + i, n - i);
		if (k > 0) {
			sbuf_add(&b, p + i, k);
		} else {
			char esc[3] = { '\0', hex[p[i] >> 4], hex[p[i] & 15] };
			sbuf_add(&b, esc, 3);
			k = 1;
		}
	}
	v = json_stringn(b.buf, b.len);
	sbuf_free(&b);
	return v;
}

json_t *
event_json_text(const char *s, size_t len)
{
	struct sbuf b = SBUF_INIT;
	json_t *v;

	if (utf8_valid(s, len))
		return json_stringn(s, len);
	for (size_t i = 0, k; i < len; i += k) {
		if ((k = utf8_seq(s + i, len - i)) > 0) {
			sbuf_add(&b, s + i, k);
		} else {
			sbuf_printf(&b, "\\x%02x", (unsigned char)s[i]);
			k = 1;
		}
	}
	v = json_stringn(sbuf_str(&b), b.len);
	sbuf_free(&b);
	return v;
}

/* A lower-case hex digit's value: upper case is not canonical, so not accepted either. */
static int
hexval(unsigned char c)
{
	return c >= 'A' && c <= 'F' ? -1 : strnum_xdigit((char)c);
}

int
event_json_unstr(const json_t *v, size_t max, struct sbuf *out)
{
	const unsigned char *s = (const unsigned char *)json_string_value(v);
	size_t n = json_string_length(v);

	sbuf_reset(out);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (c == '\0') {
			int hi = i + 2 < n ? hexval(s[i + 1]) : -1;
			int lo = i + 2 < n ? hexval(s[i + 2]) : -1;

			if (hi < 0 || lo < 0 || (hi | lo) == 0)
				return -EILSEQ;
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		}
		if (out->len >= max)
			return -EMSGSIZE;
		sbuf_putc(out, (char)c);
	}
	return 0;
}

/* Value/name pairs.  Positional tables would be sparse (AUDIT_ARCH values are 32-bit). */
struct ej_name {
	int64_t     value;
	const char *name;
};

#define NAMES(arr) (sizeof(arr) / sizeof((arr)[0]))
#define ARCH(v, n) { AUDIT_ARCH_##v, n }
#define SYM(v) { v, #v }

static const struct ej_name arch_names[] = {
	ARCH(X86_64, "x86_64"), ARCH(I386, "i386"), ARCH(AARCH64, "aarch64"),
	ARCH(ARM, "arm"), ARCH(ARMEB, "armeb"), ARCH(PPC, "ppc"), ARCH(PPC64, "ppc64"),
	ARCH(PPC64LE, "ppc64le"), ARCH(S390, "s390"), ARCH(S390X, "s390x"),
	ARCH(RISCV32, "riscv32"), ARCH(RISCV64, "riscv64"), ARCH(MIPS, "mips"),
	ARCH(MIPSEL, "mipsel"), ARCH(MIPS64, "mips64"), ARCH(MIPSEL64, "mipsel64"),
	ARCH(IA64, "ia64"), ARCH(ALPHA, "alpha"), ARCH(PARISC, "parisc"),
	ARCH(PARISC64, "parisc64"), ARCH(SPARC, "sparc"), ARCH(SPARC64, "sparc64"),
#ifdef AUDIT_ARCH_LOONGARCH64
	ARCH(LOONGARCH64, "loongarch64"),
#endif
};

static const struct ej_name family_names[] = {
	SYM(AF_UNIX), SYM(AF_INET), SYM(AF_INET6), SYM(AF_NETLINK), SYM(AF_PACKET),
	SYM(AF_KEY), SYM(AF_APPLETALK), SYM(AF_IPX), SYM(AF_AX25), SYM(AF_X25), SYM(AF_RDS),
	SYM(AF_LLC), SYM(AF_IB), SYM(AF_MPLS), SYM(AF_CAN), SYM(AF_TIPC), SYM(AF_BLUETOOTH),
	SYM(AF_ALG), SYM(AF_NFC), SYM(AF_VSOCK), SYM(AF_KCM), SYM(AF_QIPCRTR), SYM(AF_SMC),
#ifdef AF_XDP
	SYM(AF_XDP),
#endif
};

static const struct ej_name socktype_names[] = {
	SYM(SOCK_STREAM), SYM(SOCK_DGRAM), SYM(SOCK_RAW), SYM(SOCK_RDM), SYM(SOCK_SEQPACKET),
	SYM(SOCK_DCCP), SYM(SOCK_PACKET),
};

static const char *
name_of(const struct ej_name *t, size_t n, int64_t v)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].value == v)
			return t[i].name;
	return NULL;
}

static int
value_of(const struct ej_name *t, size_t n, const char *name, int64_t *out)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(t[i].name, name) == 0) {
			*out = t[i].value;
			return 0;
		}
	}
	return -ENOENT;
}

const char *
event_json_arch_name(uint32_t arch)
{
	return name_of(arch_names, NAMES(arch_names), arch);
}

int
event_json_arch_value(const char *name, uint32_t *out)
{
	int64_t v;
	int rc = value_of(arch_names, NAMES(arch_names), name, &v);

	if (rc == 0)
		*out = (uint32_t)v;
	return rc;
}

const char *
event_json_family_name(int64_t family)
{
	return name_of(family_names, NAMES(family_names), family);
}

int
event_json_family_value(const char *name, int64_t *out)
{
	return value_of(family_names, NAMES(family_names), name, out);
}

const char *
event_json_socktype_name(int64_t type)
{
	return name_of(socktype_names, NAMES(socktype_names), type);
}

int
event_json_socktype_value(const char *name, int64_t *out)
{
	return value_of(socktype_names, NAMES(socktype_names), name, out);
}

#define PROC_NUM(k, lo, hi) { #k, offsetof(struct proc, k), lo, hi }

static const struct event_json_num proc_ids[] = {
	PROC_NUM(pid, 0, INT32_MAX), PROC_NUM(ppid, 0, INT32_MAX),
	PROC_NUM(uid, 0, UINT32_MAX), PROC_NUM(euid, 0, UINT32_MAX),
	PROC_NUM(suid, 0, UINT32_MAX), PROC_NUM(fsuid, 0, UINT32_MAX),
	PROC_NUM(gid, 0, UINT32_MAX), PROC_NUM(egid, 0, UINT32_MAX),
	PROC_NUM(sgid, 0, UINT32_MAX), PROC_NUM(fsgid, 0, UINT32_MAX),
	PROC_NUM(auid, 0, UINT32_MAX), PROC_NUM(ses, 0, UINT32_MAX),
};

static const struct event_json_num proc_u64s[] = {
	PROC_NUM(start_ns, 0, 0), PROC_NUM(exe_ino, 0, 0), PROC_NUM(exe_dev, 0, 0),
};

static const struct event_json_cap proc_caps[] = {
	{ .key = "cap_effective", .off = offsetof(struct proc, cap_effective),
	  .known = PROC_CAP_EFFECTIVE },
	{ .key = "cap_permitted", .off = offsetof(struct proc, cap_permitted),
	  .known = PROC_CAP_PERMITTED },
};

const struct event_json_cap *
event_json_proc_caps(size_t *n)
{
	*n = NAMES(proc_caps);
	return proc_caps;
}

const struct event_json_num *
event_json_proc_ids(size_t *n)
{
	*n = NAMES(proc_ids);
	return proc_ids;
}

const struct event_json_num *
event_json_proc_u64s(size_t *n)
{
	*n = NAMES(proc_u64s);
	return proc_u64s;
}

void
event_json_time(uint64_t ts_ns, char *buf, size_t len)
{
	char t[TIMEFMT_MAX];
	size_t n = timefmt_write(ts_ns, TIMEFMT_UTC_ISO, true, t);

	snprintf(buf, len, "%.*s", (int)n, t);
}

/* Read the N-digit decimal at S into *OUT if it lies in [MIN, MAX]. */
static int
digits(const char *s, size_t n, uint64_t min, uint64_t max, uint64_t *out)
{
	if (strnum_u64(s, n, 10, max, out) != 0 || *out < min)
		return -EINVAL;
	return 0;
}

int
event_json_time_parse(const char *s, uint64_t *out)
{
	uint64_t y, mo, d, h, mi, sec, frac = 0;
	size_t n = strlen(s), i = 19;
	struct tm tm = { 0 }, back;
	time_t t;

	if (n < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
	    s[16] != ':' || s[n - 1] != 'Z' ||
	    digits(s, 4, 1970, 2500, &y) || digits(s + 5, 2, 1, 12, &mo) ||
	    digits(s + 8, 2, 1, 31, &d) || digits(s + 11, 2, 0, 23, &h) ||
	    digits(s + 14, 2, 0, 59, &mi) || digits(s + 17, 2, 0, 59, &sec))
		return -EINVAL;
	if (s[i] == '.') {
		size_t nd = n - 1 - (i + 1);

		if (nd < 1 || nd > 9 || digits(s + i + 1, nd, 0, 999999999, &frac))
			return -EINVAL;
		for (; nd < 9; nd++)
			frac *= 10;
		i = n - 1;
	}
	if (i != n - 1)
		return -EINVAL;
	tm.tm_year = (int)y - 1900, tm.tm_mon = (int)mo - 1, tm.tm_mday = (int)d;
	tm.tm_hour = (int)h, tm.tm_min = (int)mi, tm.tm_sec = (int)sec;
	t = timegm(&tm);
	/* timegm() normalizes 31 April to 1 May; a date that moved did not exist. */
	if (t == (time_t)-1 || gmtime_r(&t, &back) == NULL || back.tm_mday != (int)d)
		return -EINVAL;
	*out = (uint64_t)t * 1000000000u + frac;
	return 0;
}
