/* convert_exec.c - the process's argv, from EXECVE records or, failing that, PROCTITLE.
 * EXECVE carries argc and a0, a1, ...; an argument too long for one record is logged as
 * aN_len=LEN followed by pieces aN[0], aN[1], ... (possibly spread over several EXECVE
 * records of the group), each quoted or hex.  The pieces are stitched in order and must add
 * up to LEN exactly; an argument that does not is dropped, and argv ends before the first
 * argument that is missing, so what is kept is always what the process passed.  PROCTITLE
 * is the current command line, NUL-separated and cut at 128 bytes by the kernel: it is used
 * as it is, never extended or guessed at. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "audit/convert_priv.h"
#include "core/strnum.h"

#ifndef AUDIT_EXECVE
#define AUDIT_EXECVE 1309
#endif
#ifndef AUDIT_PROCTITLE
#define AUDIT_PROCTITLE 1327
#endif

struct xarg {
	const char *whole;      /* aN=..., decoded */
	char *buf;              /* aN[i] pieces stitched so far */
	size_t len, want;       /* bytes in BUF; the aN_len total */
	uint32_t next;          /* the piece expected next */
	bool split, bad;
	bool hex;               /* pieces came hex-encoded: aN_len counts hex digits */
};

enum xfield { XF_OTHER, XF_WHOLE, XF_LEN, XF_PIECE };

/* Classify field NAME: "aN", "aN_len" or "aN[I]", with N in *IDX and I in *PIECE. */
static enum xfield
parse_name(const char *name, uint64_t *idx, uint64_t *piece)
{
	size_t n;

	if (name[0] != 'a')
		return XF_OTHER;
	/* Not strspn(): it builds a byte table on every call, and this runs twice for every
	 * argument of every EXECVE record. */
	for (n = 0; name[1 + n] >= '0' && name[1 + n] <= '9'; n++)
		;
	if (n == 0 || strnum_u64(name + 1, n, 10, UINT32_MAX, idx) < 0)
		return XF_OTHER;
	name += 1 + n;
	if (name[0] == '\0')
		return XF_WHOLE;
	if (strcmp(name, "_len") == 0)
		return XF_LEN;
	n = strlen(name);
	if (n >= 3 && name[0] == '[' && name[n - 1] == ']' &&
	    strnum_u64(name + 1, n - 2, 10, UINT32_MAX, piece) == 0)
		return XF_PIECE;
	return XF_OTHER;
}

/* A field's value as bytes: quoted as is, bare as hex.  NULL (counted) if undecodable. */
static const char *
field_bytes(struct conv *c, const struct audit_field *f, size_t *len)
{
	char *out = NULL;

	if (f->kind == AUDIT_VALUE_QUOTED) {
		*len = f->value_len;
		return f->value;
	}
	if (f->kind == AUDIT_VALUE_BARE &&
	    audit_hex_decode(f->value, f->value_len, &c->scratch, &out, len) == 0)
		return out;
	conv_bad(c);
	return NULL;
}

struct xstate {
	struct xarg *args;
	uint32_t n;             /* slots in ARGS */
	uint64_t argc;          /* as the record says */
	bool have_argc;
	size_t total;           /* bytes accepted so far, all arguments */
};

/* Reserve LEN bytes of the argv budget; false (counted) when it is spent. */
static bool
budget(struct conv *c, struct xstate *x, size_t len)
{
	if (len > CONV_MAX_ARGV_BYTES - x->total) {
		conv_bad(c);
		return false;
	}
	x->total += len;
	return true;
}

static void
take_len(struct conv *c, struct xstate *x, struct xarg *a, const struct audit_field *f)
{
	uint64_t want;

	if (a->split || a->whole || strnum_u64(f->value, f->value_len, 10,
	                                       CONV_MAX_ARG_LEN, &want) < 0) {
		conv_bad(c);    /* repeated, or an absurd length no kernel could log */
		a->bad = true;
		return;
	}
	a->split = true;
	if (!budget(c, x, want)) {
		a->bad = true;
		return;
	}
	a->want = want;
	a->buf = arena_alloc(&c->scratch, want + 1);
}

static void
take_piece(struct conv *c, struct xarg *a, uint64_t piece, const struct audit_field *f)
{
	const char *s;
	size_t len = 0;

	if (a->bad)
		return;
	if (!a->split || piece != a->next || (s = field_bytes(c, f, &len)) == NULL ||
	    len > a->want - a->len) {
		conv_bad(c);    /* a piece without aN_len, out of order, or past the total */
		a->bad = true;
		return;
	}
	memcpy(a->buf + a->len, s, len);
	a->len += len;
	a->next++;
	/* The kernel hex-encodes every piece of an argument it splits and then reports aN_len
	 * in encoded characters: twice the argument's length (seen on 6.18 with auditd 3.0.9). */
	a->hex = f->kind == AUDIT_VALUE_BARE;
}

static void
take_field(struct conv *c, struct xstate *x, const struct audit_field *f)
{
	uint64_t idx = 0, piece = 0;
	enum xfield kind = parse_name(f->name, &idx, &piece);
	struct xarg *a;
	size_t len;

	if (kind == XF_OTHER)
		return;
	if (idx >= x->n) {
		conv_bad(c);    /* beyond argc, or beyond what we keep */
		return;
	}
	a = &x->args[idx];
	if (kind == XF_LEN) {
		take_len(c, x, a, f);
	} else if (kind == XF_PIECE) {
		take_piece(c, a, piece, f);
	} else if (a->whole || a->split) {
		conv_bad(c);
		a->bad = true;
	} else if ((a->whole = field_bytes(c, f, &len)) == NULL || !budget(c, x, len)) {
		a->bad = true;
	} else if (strlen(a->whole) != len) {
		conv_bad(c);    /* an argument cannot hold a NUL byte */
		a->bad = true;
	}
}

/* Size the argument table: argc if the record has it (bounded), else the highest aN. */
static void
size_args(struct conv *c, struct xstate *x)
{
	uint64_t top = 0, idx, piece;

	for (uint32_t r = 0; r < c->n && !x->have_argc; r++)
		if (c->recs[r].type == AUDIT_EXECVE &&
		    audit_record_get_u64(&c->recs[r], "argc", 10, &x->argc) == 0)
			x->have_argc = true;
	/* Without argc, the highest aN tells. */
	for (uint32_t r = 0; r < c->n && !x->have_argc; r++) {
		const struct audit_record *rec = &c->recs[r];

		for (uint32_t i = 0; rec->type == AUDIT_EXECVE && i < rec->nfields; i++)
			if (parse_name(rec->fields[i].name, &idx, &piece) != XF_OTHER && idx >= top)
				top = idx + 1;
	}
	if (x->have_argc)
		top = x->argc;
	if (top > CONV_MAX_ARGC) {
		conv_bad(c);
		top = CONV_MAX_ARGC;
	}
	x->n = (uint32_t)top;
	x->args = arena_zalloc(&c->scratch, (x->n ? x->n : 1) * sizeof(*x->args));
}

static const char *
arg_text(struct xarg *a)
{
	if (a->bad)
		return NULL;
	if (a->whole)
		return a->whole;
	size_t got = a->hex ? a->len * 2 : a->len;

	if (!a->split || got != a->want || memchr(a->buf, '\0', a->len) != NULL)
		return NULL;
	a->buf[a->len] = '\0';
	return a->buf;
}

static void
argv_from_execve(struct conv *c)
{
	struct xstate x = { 0 };
	const char **argv;
	uint32_t k;

	size_args(c, &x);
	for (uint32_t r = 0; r < c->n; r++)
		for (uint32_t i = 0; c->recs[r].type == AUDIT_EXECVE && i < c->recs[r].nfields; i++)
			take_field(c, &x, &c->recs[r].fields[i]);
	argv = arena_alloc(&c->scratch, (x.n ? x.n : 1) * sizeof(*argv));
	for (k = 0; k < x.n && (argv[k] = arg_text(&x.args[k])) != NULL; k++)
		;
	if (k < x.n || (x.have_argc && x.argc > x.n))
		conv_bad(c);    /* argv stops before the first argument we do not have */
	proc_set_argv(c->proc, argv, k);
}

static void
argv_from_proctitle(struct conv *c, const struct audit_record *rec)
{
	size_t len = 0, count = 0;
	const char *s = conv_text(c, rec, "proctitle", &len);
	const char **argv;

	if (s == NULL || len == 0)
		return;
	argv = arena_alloc(&c->scratch, (len + 1) * sizeof(*argv));
	for (size_t i = 0; i < len && count < CONV_MAX_ARGC; ) {
		argv[count++] = s + i;
		i += strlen(s + i) + 1;     /* the decoder NUL-terminated the whole value */
	}
	proc_set_argv(c->proc, argv, (uint32_t)count);
}

void
conv_argv(struct conv *c)
{
	const struct audit_record *pt;

	if (conv_find(c, AUDIT_EXECVE) != NULL)
		argv_from_execve(c);
	else if ((pt = conv_find(c, AUDIT_PROCTITLE)) != NULL)
		argv_from_proctitle(c, pt);
}
