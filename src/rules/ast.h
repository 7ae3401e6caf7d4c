/* ast.h - the syntax tree of a condition, with positions.
 * The parser builds it, expansion splices macros and lists into it, the compiler reads it and
 * filter_to_string() prints it.  Every node and string lives in an arena owned by whoever
 * parsed it (a compile call, or the environment for macro bodies); nothing is freed one by one.
 * Positions are byte offsets into the text of their origin: the condition being compiled
 * (origin NULL) or the macro the node was copied from, so an error inside a macro points into
 * the macro's own definition.  This file also owns the operator and transformer tables and the
 * one function that turns a position into a "file:line:col" diagnostic. */
#ifndef SHIKRA_AST_H
#define SHIKRA_AST_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/diag.h"
#include "core/sbuf.h"
#include "rules/filter.h"

enum ast_op {
	OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE,
	OP_CONTAINS, OP_ICONTAINS, OP_BCONTAINS,
	OP_STARTSWITH, OP_BSTARTSWITH, OP_ENDSWITH,
	OP_GLOB, OP_IGLOB, OP_REGEX,
	OP_IN, OP_INTERSECTS, OP_PMATCH,
	OP_EXISTS,
	OP__COUNT
};

enum op_flags {
	OPF_LIST    = 1,    /* takes a list: in, intersects, pmatch */
	OPF_UNARY   = 2,    /* takes no value: exists */
	OPF_ORDER   = 4,    /* < <= > >=: numbers only */
	OPF_TEXT    = 8,    /* string-only operators (contains ... regex, pmatch) */
	OPF_NOFIELD = 16,   /* no field on the right-hand side: regex, pmatch */
};

struct op_info {
	const char *name;   /* canonical spelling ("=" for both = and ==) */
	unsigned flags;
};

/* The table entry for OP; the operator spelled by the LEN bytes at S (-1 if none). */
const struct op_info *ast_op_info(enum ast_op op);
int ast_op_lookup(const char *s, uint32_t len);

enum ast_xform { XF_TOLOWER, XF_TOUPPER, XF_B64, XF_BASENAME, XF_LEN, XF__COUNT };

const char *ast_xform_name(enum ast_xform xf);
int ast_xform_lookup(const char *s, uint32_t len);    /* -1 if not a transformer */

/* Where a macro's text came from, for positions inside macro bodies.  Owned by the env. */
struct ast_origin {
	const char *name;       /* the macro's name */
	const char *text;       /* its condition text */
	uint32_t len;
	const char *file;       /* may be NULL */
	uint32_t line, col;     /* of the first byte of TEXT */
	const char *item;       /* "macro 'x'" style label, may be NULL */
};

struct ast_pos {
	uint32_t off;
	const struct ast_origin *origin;    /* NULL: the condition being compiled */
};

#define AST_MAX_XFORMS 8

/* A field as written, with transformers (outermost first): tolower(basename(fd.name)). */
struct ast_operand {
	const char *field;      /* "proc.aname[2]", NUL-terminated */
	uint32_t flen;
	uint8_t nxf;
	uint8_t xf[AST_MAX_XFORMS];
	bool is_val;            /* written as val(field) on the right-hand side */
	struct ast_pos pos;     /* of the outermost transformer, or of the field */
	struct ast_pos fpos;    /* of the field name */
};

/* A constant as written (quotes removed, escapes applied). */
struct ast_value {
	const char *s;          /* NUL-terminated; contains no NUL */
	uint32_t len;
	bool quoted;            /* a quoted string is never a list or macro name */
	struct ast_pos pos;
};

enum ast_kind { AST_AND, AST_OR, AST_NOT, AST_CHECK, AST_REF };
enum ast_rhs { RHS_NONE, RHS_VALUE, RHS_LIST, RHS_FIELD };

struct ast_node {
	enum ast_kind kind;
	struct ast_pos pos;
	union {
		struct {                    /* AST_AND, AST_OR (n >= 2), AST_NOT (n == 1) */
			struct ast_node **v;
			uint32_t n;
		} kids;
		struct {                    /* AST_REF: a macro name in condition position */
			const char *name;
			uint32_t len;
		} ref;
		struct {                    /* AST_CHECK */
			struct ast_operand lhs;
			enum ast_op op;
			struct ast_pos op_pos;
			enum ast_rhs rhs;
			struct ast_value *vals; /* RHS_VALUE: 1, RHS_LIST: nvals (may be 0) */
			uint32_t nvals;
			struct ast_operand field;   /* RHS_FIELD */
		} chk;
	};
};

/* Deep-copy N (nodes, strings and value arrays) into A.  Origins are shared, not copied. */
struct ast_node *ast_copy(const struct ast_node *n, struct arena *a);

/* Count nodes plus list values under N, and the depth of N, stopping early past LIMIT. */
uint32_t ast_size(const struct ast_node *n);
uint32_t ast_depth(const struct ast_node *n, uint32_t limit);

/* Append N as condition text that parses back to the same tree. */
void ast_render(const struct ast_node *n, struct sbuf *out);
void ast_render_value(const char *s, uint32_t len, struct sbuf *out);

/* Where problems go while one condition is being processed. */
struct ast_report {
	struct diags *diags;
	const struct filter_src *src;   /* of TEXT; may be NULL */
	const char *text;               /* the condition being compiled */
	uint32_t len;
	unsigned nerrors;
};

/* Add a problem at POS.  The message gets the item label of the text it points into, and a
 * note naming the rule when the position lies inside a macro. */
void ast_report(struct ast_report *r, enum diag_severity sev, const struct ast_pos *pos,
                const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
