/* compile.h - expanded syntax tree -> check tree, against the field table.
 * A check tree is what filter_eval() runs: and/or/not nodes over comparisons whose field is
 * resolved (struct field_ref), whose transformers are a small array, and whose constants are
 * parsed once for the field's type: numbers, booleans, IP addresses and networks, hex byte
 * strings, hashed sets for in/intersects/pmatch, compiled regexes.  Type errors (a numeric
 * operator on a string field, a string operator on a number, a malformed constant) are found
 * here, each reported at its position.  Constant subtrees fold (evt.dir = > is false, and
 * so is any comparison on a field shikra can never supply), and nested and/or nodes
 * flatten.  A compiled program owns everything it points to. */
#ifndef SHIKRA_COMPILE_H
#define SHIKRA_COMPILE_H

#include <regex.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "rules/ast.h"
#include "rules/fields.h"
#include "rules/hmap.h"

enum chk_kind { CHK_AND, CHK_OR, CHK_NOT, CHK_TRUE, CHK_FALSE, CHK_CMP };

/* Broad classes of field types: which operators apply and how constants parse. */
enum chk_class { CC_STRING, CC_NUMBER, CC_BOOL, CC_IP };

struct chk_operand {
	struct field_ref ref;
	const char *name;           /* the field as written, without an [argument] */
	uint8_t nxf;
	uint8_t xf[AST_MAX_XFORMS]; /* enum ast_xform, innermost first */
	enum field_type type;       /* after the transformers */
};

/* A constant, parsed for the class of the field it is compared with. */
struct chk_const {
	union {
		struct { bool neg; uint64_t mag; } num;     /* CC_NUMBER: sign and magnitude */
		bool b;                                     /* CC_BOOL */
		struct {                                    /* CC_IP */
			uint8_t family;     /* 4 or 6 */
			uint8_t prefix;     /* bits; 32/128 for a plain address */
			uint8_t addr[16];
		} ip;
		struct {                                    /* CC_STRING */
			const char *s;      /* NUL-terminated; bytes for bcontains/bstartswith */
			uint32_t len;
			bool wild;          /* pmatch item with glob characters */
		} str;
	};
};

struct chk_cmp {
	struct chk_operand lhs;
	enum ast_op op;
	enum chk_class cls;         /* of the left-hand side after transformers */
	struct chk_operand *rhs;    /* a field on the right-hand side, or NULL */
	struct chk_const *vals;     /* the constant(s); NULL for exists or a field */
	uint32_t nvals;
	struct hmap *set;           /* in/intersects on strings and numbers; pmatch prefixes */
	bool has_wild;              /* pmatch: some item in VALS has wildcards */
	bool ne_all;                /* !=: true only when every value differs (either-end
	                             * fields fd.ip, fd.port, fd.net, as in Falco; evt.type) */
	bool type_alias;            /* evt.type against names: a grouped fanotify event takes
	                             * its syscalls' names (see eval.h) */
	regex_t *re;                /* regex: the pattern anchored at both ends */
	uint64_t *types;            /* type_alias: bit T set when the type T's own name passes
	                             * (see eval_type_table()); in the program's arena */
};

struct chk {
	enum chk_kind kind;
	union {
		struct {
			struct chk **v;
			uint32_t n;
		} kids;                 /* CHK_AND, CHK_OR (n >= 2), CHK_NOT (n == 1) */
		struct chk_cmp cmp;     /* CHK_CMP */
	};
};

struct chk_prog {
	struct arena mem;           /* nodes, constants and names */
	struct chk *root;
	struct chk_cmp **cmps;      /* every comparison, for release (malloc'd array) */
	size_t ncmps, capcmps;
	const char **fields;        /* distinct field names in order of first use (in MEM) */
	size_t nfields, capfields;
	const char **folded;        /* those of FIELDS whose comparisons compiled as false:
	                             * evt.dir (an entry test), fields never available */
	size_t nfolded, capfolded;
};

/* Compile the expanded tree ROOT into PROG (zero-initialized by the caller).  Problems go to
 * R.  An unknown field is an error, or with FILTER_SKIP_UNKNOWN in FLAGS a warning that sets
 * *UNKNOWN.  Return 0 if no error was reported, -EINVAL otherwise; either way the caller
 * releases PROG with compile_release(). */
int  compile_tree(const struct ast_node *root, unsigned flags, struct chk_prog *prog,
                  struct ast_report *r, bool *unknown);
void compile_release(struct chk_prog *prog);

/* The class of field type T. */
enum chk_class chk_class_of(enum field_type t);

#endif
