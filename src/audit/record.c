/* record.c - split one audit record into fields (see record.h).
 *
 * This file owns the text grammar of a single record: the log-line prefix, the
 * msg=audit(SEC.MSEC:SERIAL): header, field splitting and quoting, the ENRICHED separator, and
 * the decoding of one value on request.  It does not own grouping records into events
 * (assemble.c) or what any field means (convert.c).
 *
 * Grammar (SP = one or more spaces, GS = the 0x1d byte auditd writes before enriched fields):
 *     line     = [ "node=" word " " ] "type=" typename " msg=" body
 *     body     = "audit(" sec "." msec3 ":" serial "):" [ section ] [ GS section ]
 *     section  = *( SP | field | word )
 *     field    = name "=" value               name: no space, '=' or quote; not empty
 *     word     = bytes without '=' up to SP   free text (SELinux "avc:  denied  { read }"); skipped
 *     value    = '"' text '"'                 may hold spaces (AppArmor info="..."), never '"'
 *              | "'" text "'"                 user-space message; at top level it runs to the
 *                                             last "'" of the section and TEXT is split as
 *                                             fields too (msg='op=PAM:... acct="root" res=...')
 *              | "{" text "}"                 enriched SADDR={ saddr_fam=inet ... }, kept whole
 *              | "(null)" | "(none)" | "?" | bare
 * The GS split applies to log lines only: a netlink body never carries enriched fields, so a GS
 * byte there (possible inside a user-space message) is just a byte.
 *
 * How: the scanner reads the caller's bytes in place, never past LEN, and notes each field as
 * offsets in a table on the stack.  Only when the whole record is known to be good does it make
 * one allocation in the record's arena holding the field array and one copy of the text, and
 * write the NUL terminators into the copy (every terminator lands on a separator byte: '=', a
 * closing quote, a space, GS, or the end).  A rejected record costs no allocation.  The one
 * exception to "one copy" is the top-level '...' message, whose text is copied once more
 * because its inner fields are terminated in place. */
#include "config.h"

#include <errno.h>
#include <libaudit.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "audit/record.h"
#include "core/strnum.h"

#define GS '\x1d'
#define NS_PER_SEC 1000000000ULL
#define NS_PER_MSEC 1000000ULL
/* The largest second count whose ns timestamp (plus 999 ms) still fits in 64 bits. */
#define SEC_MAX ((UINT64_MAX - 999 * NS_PER_MSEC) / NS_PER_SEC)
#define TYPE_NAME_MAX 64

/* Bytes the field scanner stops at, one table load per byte instead of four comparisons:
 * the loops over names and bare values are most of the parser's time. */
enum {
	CL_SPACE = 1,           /* ends a word, a name or a bare value */
	CL_EQ = 2,              /* ends a name */
	CL_QUOTE = 4,           /* not allowed in a name or a bare value */
};

static const unsigned char byte_class[256] = {
	[' '] = CL_SPACE, ['='] = CL_EQ, ['"'] = CL_QUOTE, ['\''] = CL_QUOTE,
};

/* A field as offsets into the input, before the text is copied. */
struct span {
	uint32_t name, name_len;
	uint32_t value, value_len;
	uint8_t kind;           /* enum audit_value_kind */
	bool enriched;
};

struct scan {
	const char *s;          /* the input: LEN bytes, not NUL-terminated */
	size_t len;
	struct span *sp;        /* AUDIT_RECORD_MAX_FIELDS entries */
	uint32_t n;
	int32_t msg;            /* index of the top-level '...' field, or -1 */
	size_t end;             /* end of the section being scanned */
	int depth;              /* 0: top level of the raw section; 1: inside a message or GS */
	bool enriched;          /* the section being scanned comes after GS */
	const char *why;
};

static int
fail(struct scan *sc, int rc, const char *why)
{
	sc->why = why;
	return rc;
}

/* True if the LEN bytes at POS are exactly LIT. */
static bool
has_lit(const struct scan *sc, size_t pos, const char *lit, size_t len)
{
	return sc->len - pos >= len && memcmp(sc->s + pos, lit, len) == 0;
}

/* True if POS ends a value: the end of the section or a space. */
static bool
is_sep(const struct scan *sc, size_t pos)
{
	return pos == sc->end || sc->s[pos] == ' ';
}

/* Take the next slot of the field table for the name at NAME; the value is filled in later.
 * (Written in place: building a span on the stack and copying it costs a store stall.) */
static int
add_span(struct scan *sc, size_t name, size_t name_len)
{
	if (sc->n == AUDIT_RECORD_MAX_FIELDS)
		return fail(sc, -E2BIG, "too many fields");
	struct span *sp = &sc->sp[sc->n++];
	sp->name = (uint32_t)name;
	sp->name_len = (uint32_t)name_len;
	sp->enriched = sc->enriched;
	return 0;
}

/* ---- the header ------------------------------------------------------------------------ */

/* Parse the digits from *POS up to the byte STOP into *OUT (at most MAX); step past STOP. */
static int
scan_num(struct scan *sc, size_t *pos, char stop, uint64_t max, uint64_t *out)
{
	const char *p = memchr(sc->s + *pos, stop, sc->len - *pos);

	if (p == NULL)
		return fail(sc, -EINVAL, "truncated msg=audit() header");
	size_t n = (size_t)(p - (sc->s + *pos));
	if (strnum_u64(sc->s + *pos, n, 10, max, out) < 0)
		return fail(sc, -EINVAL, "bad number in msg=audit() header");
	*pos += n + 1;
	return 0;
}

/* Parse "audit(SEC.MSEC:SERIAL):" at *POS and the separator after it. */
static int
scan_header(struct scan *sc, size_t *pos, struct audit_record *out)
{
	uint64_t sec, msec;
	int rc;

	if (!has_lit(sc, *pos, "audit(", 6))
		return fail(sc, -EINVAL, "missing msg=audit() header");
	*pos += 6;
	if ((rc = scan_num(sc, pos, '.', SEC_MAX, &sec)) < 0)
		return rc;
	/* The kernel and auditd always print exactly three millisecond digits. */
	if (sc->len - *pos < 4 || sc->s[*pos + 3] != ':' ||
	    strnum_u64(sc->s + *pos, 3, 10, 999, &msec) < 0)
		return fail(sc, -EINVAL, "bad milliseconds in msg=audit() header");
	*pos += 4;
	if ((rc = scan_num(sc, pos, ')', UINT64_MAX, &out->serial)) < 0)
		return rc;
	if (!has_lit(sc, *pos, ":", 1))
		return fail(sc, -EINVAL, "missing ':' after msg=audit() header");
	*pos += 1;
	if (*pos < sc->len && sc->s[*pos] != ' ' && sc->s[*pos] != GS)
		return fail(sc, -EINVAL, "missing space after msg=audit() header");
	out->ts_ns = sec * NS_PER_SEC + msec * NS_PER_MSEC;
	return 0;
}

/* The record types of nearly every syscall event, looked up before asking libaudit, whose
 * audit_name_to_msg_type() compares the name with every type it knows. */
static const struct {
	const char *name;
	size_t len;
	int type;
} common_types[] = {
	{ "SYSCALL", 7, AUDIT_SYSCALL },
	{ "PATH", 4, AUDIT_PATH },
	{ "CWD", 3, AUDIT_CWD },
	{ "PROCTITLE", 9, AUDIT_PROCTITLE },
	{ "EXECVE", 6, AUDIT_EXECVE },
	{ "SOCKADDR", 8, AUDIT_SOCKADDR },
	{ "EOE", 3, AUDIT_EOE },
};

/* Map a record type name (SYSCALL, UNKNOWN[1334]) to its number. */
static int
parse_type(const char *name, size_t len, int *type)
{
	char buf[TYPE_NAME_MAX];
	uint64_t v;

	for (size_t i = 0; i < sizeof(common_types) / sizeof(common_types[0]); i++) {
		if (common_types[i].len == len && memcmp(common_types[i].name, name, len) == 0) {
			*type = common_types[i].type;
			return 0;
		}
	}
	if (len > 9 && memcmp(name, "UNKNOWN[", 8) == 0 && name[len - 1] == ']') {
		if (strnum_u64(name + 8, len - 9, 10, UINT16_MAX, &v) < 0 || v == 0)
			return -EINVAL;
		*type = (int)v;
		return 0;
	}
	/* audit_name_to_msg_type() also takes digits and junk (strtol), so check the shape. */
	if (len == 0 || len >= sizeof(buf) || name[0] < 'A' || name[0] > 'Z')
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
			return -EINVAL;
	}
	memcpy(buf, name, len);
	buf[len] = '\0';
	int t = audit_name_to_msg_type(buf);
	if (t <= 0)
		return -EINVAL;
	*type = t;
	return 0;
}

/* Parse "[node=NAME ]type=NAME msg=" at the start of a log line. */
static int
scan_prefix(struct scan *sc, size_t *pos, int *type)
{
	const char *sp;
	size_t n;

	if (has_lit(sc, 0, "node=", 5)) {
		sp = memchr(sc->s + 5, ' ', sc->len - 5);
		if (sp == NULL || sp == sc->s + 5)
			return fail(sc, -EINVAL, "bad node= prefix");
		n = (size_t)(sp - sc->s) - 5;
		if (add_span(sc, 0, 4) < 0)
			return -E2BIG;
		/* Node names are plain text, so they count as quoted (decoded as is). */
		sc->sp[0].value = 5;
		sc->sp[0].value_len = (uint32_t)n;
		sc->sp[0].kind = AUDIT_VALUE_QUOTED;
		*pos = 5 + n + 1;
	}
	if (!has_lit(sc, *pos, "type=", 5))
		return fail(sc, -EINVAL, "missing type=");
	*pos += 5;
	sp = memchr(sc->s + *pos, ' ', sc->len - *pos);
	if (sp == NULL)
		return fail(sc, -EINVAL, "missing msg=audit() header");
	n = (size_t)(sp - (sc->s + *pos));
	if (parse_type(sc->s + *pos, n, type) < 0)
		return fail(sc, -EINVAL, "unknown record type");
	*pos += n + 1;
	if (!has_lit(sc, *pos, "msg=", 4))
		return fail(sc, -EINVAL, "missing msg=audit() header");
	*pos += 4;
	return 0;
}

/* ---- fields -------------------------------------------------------------------------- */

static int scan_section(struct scan *sc, size_t pos, size_t end, int depth);

/* A value in quotes from V to the next matching quote, except that a top-level '...' message
 * runs to the last "'" of the section (its text is user-supplied and may hold quotes). */
static int
scan_quoted(struct scan *sc, size_t v, struct span *sp, size_t *next)
{
	char q = sc->s[v];
	size_t n = sc->end - v - 1;
	const char *p = q == '\'' && sc->depth == 0 ? memrchr(sc->s + v + 1, q, n)
						    : memchr(sc->s + v + 1, q, n);

	if (p == NULL)
		return fail(sc, -EINVAL, q == '"' ? "unterminated double quote"
					       : "unterminated single quote");
	size_t close = (size_t)(p - sc->s);
	if (!is_sep(sc, close + 1))
		return fail(sc, -EINVAL, "junk after closing quote");
	sp->value = (uint32_t)v + 1;
	sp->value_len = (uint32_t)(close - v - 1);
	sp->kind = AUDIT_VALUE_QUOTED;
	*next = close + 1;
	return 0;
}

/* An enriched "{ ... }" group: up to the first '}' that ends a token.  Braces are kept. */
static int
scan_braces(struct scan *sc, size_t v, struct span *sp, size_t *next)
{
	size_t i = v + 1;

	for (;;) {
		const char *p = memchr(sc->s + i, '}', sc->end - i);
		if (p == NULL)
			return fail(sc, -EINVAL, "unterminated brace");
		i = (size_t)(p - sc->s) + 1;
		if (is_sep(sc, i))
			break;
	}
	sp->value = (uint32_t)v;
	sp->value_len = (uint32_t)(i - v);
	sp->kind = AUDIT_VALUE_QUOTED;
	*next = i;
	return 0;
}

/* A bare value: up to the next space.  (null), (none) and ? are recognised here. */
static int
scan_bare(struct scan *sc, size_t v, struct span *sp, size_t *next)
{
	const unsigned char *s = (const unsigned char *)sc->s;
	size_t i = v;

	while (i < sc->end && !(byte_class[s[i]] & (CL_SPACE | CL_QUOTE)))
		i++;	/* '=' is an ordinary byte in a value */
	if (i < sc->end && byte_class[s[i]] & CL_QUOTE)
		return fail(sc, -EINVAL, "quote inside unquoted value");
	size_t n = i - v;
	const char *p = sc->s + v;
	if (n == 6 && memcmp(p, "(null)", 6) == 0)
		sp->kind = AUDIT_VALUE_NULL;
	else if ((n == 6 && memcmp(p, "(none)", 6) == 0) || (n == 1 && p[0] == '?'))
		sp->kind = AUDIT_VALUE_NONE;
	else
		sp->kind = AUDIT_VALUE_BARE;
	sp->value = (uint32_t)v;
	sp->value_len = (uint32_t)n;
	*next = i;
	return 0;
}

/* The value of field IDX (already in the table), starting at V.  The top level of the raw
 * section is the only place where a '...' message is also split into fields. */
static int
scan_value(struct scan *sc, uint32_t idx, size_t v, size_t *next)
{
	struct span *sp = &sc->sp[idx];
	size_t end = sc->end;
	int rc;

	if (v == end)
		return scan_bare(sc, v, sp, next);
	switch (sc->s[v]) {
	case '"':
		return scan_quoted(sc, v, sp, next);
	case '{':
		return scan_braces(sc, v, sp, next);
	case '\'':
		if ((rc = scan_quoted(sc, v, sp, next)) < 0 || sc->depth > 0)
			return rc;
		/* Nothing after the last quote can start another message, so there is one. */
		sc->msg = (int32_t)idx;
		rc = scan_section(sc, v + 1, *next - 1, 1);
		sc->end = end;
		sc->depth = 0;
		return rc;
	default:
		return scan_bare(sc, v, sp, next);
	}
}

/* The first space or '=' from POS, or END; set *QUOTE if a quote comes before it. */
static size_t
name_end(const struct scan *sc, size_t pos, size_t end, bool *quote)
{
	const unsigned char *s = (const unsigned char *)sc->s;

	for (;;) {
		while (pos < end && byte_class[s[pos]] == 0)
			pos++;
		if (pos == end || !(byte_class[s[pos]] & CL_QUOTE))
			return pos;
		*quote = true;
		pos++;
	}
}

/* Split the bytes [POS, END) into fields; DEPTH as in struct scan. */
static int
scan_section(struct scan *sc, size_t pos, size_t end, int depth)
{
	int rc;

	sc->end = end;
	sc->depth = depth;
	while (pos < end) {
		if (sc->s[pos] == ' ') {
			pos++;
			continue;
		}
		bool quote = false;
		size_t i = name_end(sc, pos, end, &quote);
		if (i == end || sc->s[i] == ' ') {
			pos = i;	/* a free word, not a field */
			continue;
		}
		if (i == pos)
			return fail(sc, -EINVAL, "empty field name");
		if (quote)
			return fail(sc, -EINVAL, "quote in field name");
		/* Take the slot first, so that a message precedes the fields inside it. */
		if ((rc = add_span(sc, pos, i - pos)) < 0)
			return rc;
		if ((rc = scan_value(sc, sc->n - 1, i + 1, &pos)) < 0)
			return rc;
	}
	return 0;
}

/* Scan the fields after the header: the raw section, then (log lines) the enriched one. */
static int
scan_fields(struct scan *sc, size_t pos, bool split_gs)
{
	const char *gs = split_gs ? memchr(sc->s + pos, GS, sc->len - pos) : NULL;
	size_t raw_end = gs ? (size_t)(gs - sc->s) : sc->len;
	int rc;

	if ((rc = scan_section(sc, pos, raw_end, 0)) < 0)
		return rc;
	if (gs == NULL)
		return 0;
	sc->enriched = true;
	return scan_section(sc, raw_end + 1, sc->len, 1);
}

/* ---- building the record ----------------------------------------------------------------- */

/* The chain of the field called NAME: its first two bytes (the NUL of a one-byte name). */
static unsigned
chain_of(const char *name)
{
	unsigned c0 = (unsigned char)name[0];

	return (c0 * 8 + (c0 ? (unsigned char)name[1] : 0)) % AUDIT_RECORD_CHAINS;
}

/* Link every field into the chain of its name, in input order. */
static void
chain_fields(struct audit_record *rec)
{
	_Static_assert(AUDIT_RECORD_MAX_FIELDS < UINT16_MAX, "positions must fit a chain link");
	memset(rec->chain, 0, sizeof(rec->chain));
	for (uint32_t i = rec->nfields; i-- > 0; ) {
		struct audit_field *f = &rec->fields[i];
		uint16_t *head = &rec->chain[chain_of(f->name)];

		f->next_same = *head;
		*head = (uint16_t)(i + 1);
	}
	rec->chained = true;
}

/* One block: the field array, the text with NULs written over the separators, the message. */
static void
build(const struct scan *sc, struct audit_record *out)
{
	size_t fsz = (size_t)sc->n * sizeof(struct audit_field);
	size_t msz = sc->msg >= 0 ? sc->sp[sc->msg].value_len + 1 : 0;
	size_t size = fsz + sc->len + 1 + msz;
	char *blk;

	/* The block is all the arena ever holds: make it the exact size, not the arena's
	 * default chunk, so that the allocator can serve it from its caches of small blocks
	 * (a few records of every event come and go). */
	out->mem.first_chunk = size;
	blk = arena_alloc(&out->mem, size);

	char *text = blk + fsz;

	memcpy(text, sc->s, sc->len);
	text[sc->len] = '\0';
	out->fields = (struct audit_field *)(void *)blk;
	out->nfields = sc->n;
	for (uint32_t i = 0; i < sc->n; i++) {
		const struct span *sp = &sc->sp[i];
		struct audit_field *f = &out->fields[i];

		text[sp->name + sp->name_len] = '\0';
		f->name = text + sp->name;
		f->value_len = sp->value_len;
		f->kind = (enum audit_value_kind)sp->kind;
		f->enriched = sp->enriched;
		if ((int32_t)i == sc->msg) {
			char *m = text + sc->len + 1;
			memcpy(m, sc->s + sp->value, sp->value_len);
			m[sp->value_len] = '\0';
			f->value = m;
		} else {
			text[sp->value + sp->value_len] = '\0';
			f->value = text + sp->value;
		}
	}
	chain_fields(out);
}

/* Shared tail of both entry points: LINE says whether the input is a log line. */
static int
parse(const char *s, size_t len, bool line, struct audit_record *out, const char **why)
{
	struct span spans[AUDIT_RECORD_MAX_FIELDS];
	struct scan sc = { .s = s, .len = len, .sp = spans, .msg = -1 };
	size_t pos = 0;
	int rc;

	if (len > AUDIT_RECORD_MAX_LEN) {
		rc = fail(&sc, -E2BIG, "record too long");
		goto fail;
	}
	if (len > 0 && s == NULL) {
		rc = fail(&sc, -EINVAL, "no record");
		goto fail;
	}
	if (len > 0 && memchr(s, '\0', len) != NULL) {
		rc = fail(&sc, -EINVAL, "NUL byte in record");
		goto fail;
	}
	if (line && (rc = scan_prefix(&sc, &pos, &out->type)) < 0)
		goto fail;
	if ((rc = scan_header(&sc, &pos, out)) < 0)
		goto fail;
	if ((rc = scan_fields(&sc, pos, line)) < 0)
		goto fail;
	build(&sc, out);
	return 0;
fail:
	if (why != NULL)
		*why = sc.why;
	*out = (struct audit_record){ .mem = ARENA_INIT };
	return rc;
}

int
audit_record_parse_line(const char *line, size_t len, struct audit_record *out,
                        const char **why)
{
	*out = (struct audit_record){ .mem = ARENA_INIT };
	return parse(line, len, true, out, why);
}

int
audit_record_parse_body(int type, const char *body, size_t len, struct audit_record *out,
                        const char **why)
{
	*out = (struct audit_record){ .mem = ARENA_INIT };
	if (type <= 0 || type > UINT16_MAX) {
		if (why != NULL)
			*why = "bad record type";
		return -EINVAL;
	}
	/* A payload may carry NUL padding after the text; a NUL inside the text is still an
	 * error. */
	while (body != NULL && len > 0 && len <= AUDIT_RECORD_MAX_LEN && body[len - 1] == '\0')
		len--;
	out->type = type;
	return parse(body, len, false, out, why);
}

void
audit_record_free(struct audit_record *rec)
{
	if (rec == NULL)
		return;
	arena_free(&rec->mem);
	*rec = (struct audit_record){ .mem = ARENA_INIT };
}

/* ---- lookup and decoding ----------------------------------------------------------------- */

/* True if field F is called NAME.  A loop, not strcmp(): names are a few bytes long, and a
 * library call costs more than comparing them. */
static bool
field_is(const struct audit_field *f, const char *name)
{
	const char *a = f->name;

	for (size_t i = 0; a[i] == name[i]; i++)
		if (a[i] == '\0')
			return true;
	return false;
}

/* F, if it is NAME: true when F settles the lookup (a raw field); an enriched one is kept in
 * *ENRICHED (the first) in case no raw field follows. */
static bool
field_pick(const struct audit_field *f, const char *name, const struct audit_field **enriched)
{
	if (!field_is(f, name))
		return false;
	if (!f->enriched)
		return true;
	if (*enriched == NULL)
		*enriched = f;
	return false;
}

const struct audit_field *
audit_record_field(const struct audit_record *rec, const char *name)
{
	const struct audit_field *enriched = NULL;

	if (rec == NULL || name == NULL)
		return NULL;
	if (rec->chained) {
		/* The same walk as below, over the fields that start like NAME only. */
		for (uint32_t j = rec->chain[chain_of(name)]; j != 0;
		     j = rec->fields[j - 1].next_same)
			if (field_pick(&rec->fields[j - 1], name, &enriched))
				return &rec->fields[j - 1];
		return enriched;
	}
	for (uint32_t i = 0; i < rec->nfields; i++)
		if (field_pick(&rec->fields[i], name, &enriched))
			return &rec->fields[i];
	return enriched;
}

/* On -EINVAL the arena may keep an unused block; it goes when the arena does. */
int
audit_hex_decode(const char *hex, size_t len, struct arena *arena, char **out,
                 size_t *out_len)
{
	if (len % 2 != 0)
		return -EINVAL;
	char *p = arena_alloc(arena, len / 2 + 1);
	if (strnum_hexdecode(hex, len, p) < 0)
		return -EINVAL;
	p[len / 2] = '\0';
	*out = p;
	if (out_len != NULL)
		*out_len = len / 2;
	return 0;
}

int
audit_record_get_str(const struct audit_record *rec, const char *name, struct arena *arena,
                     const char **out, size_t *out_len)
{
	const struct audit_field *f = audit_record_field(rec, name);
	size_t n = 0;
	char *p = NULL;
	int rc;

	if (f == NULL)
		return -ENOENT;
	switch (f->kind) {
	case AUDIT_VALUE_QUOTED:
		p = arena_strndup(arena, f->value, f->value_len);
		n = f->value_len;
		break;
	case AUDIT_VALUE_BARE:
		if ((rc = audit_hex_decode(f->value, f->value_len, arena, &p, &n)) < 0)
			return rc;
		break;
	case AUDIT_VALUE_NULL:
	case AUDIT_VALUE_NONE:
		break;
	}
	*out = p;
	if (out_len != NULL)
		*out_len = n;
	return 0;
}

/* The digits of a numeric field: bare only; base 16 may carry a 0x prefix (SECCOMP ip=). */
static int
number_span(const struct audit_record *rec, const char *name, int base, const char **s,
            size_t *len)
{
	const struct audit_field *f = audit_record_field(rec, name);

	if (f == NULL)
		return -ENOENT;
	if (f->kind != AUDIT_VALUE_BARE || (base != 10 && base != 16))
		return -EINVAL;
	*s = f->value;
	*len = f->value_len;
	if (base == 16 && *len > 2 && (*s)[0] == '0' && (*s)[1] == 'x') {
		*s += 2;
		*len -= 2;
	}
	return 0;
}

int
audit_record_get_u64(const struct audit_record *rec, const char *name, int base,
                     uint64_t *out)
{
	const char *s;
	size_t len;
	int rc = number_span(rec, name, base, &s, &len);

	return rc < 0 ? rc : strnum_u64(s, len, base, UINT64_MAX, out);
}

int
audit_record_get_i64(const struct audit_record *rec, const char *name, int base,
                     int64_t *out)
{
	const char *s;
	size_t len;
	int rc = number_span(rec, name, base, &s, &len);

	return rc < 0 ? rc : strnum_i64(s, len, base, INT64_MIN, INT64_MAX, out);
}
