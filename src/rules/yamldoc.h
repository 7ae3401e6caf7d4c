/* yamldoc.h - a bounded YAML reader that builds a read-only tree of nodes with positions.
 * It wraps libyaml's event parser and trusts nothing in the input: a file larger than
 * YAMLDOC_MAX_BYTES is refused before parsing; nesting deeper than YAMLDOC_MAX_DEPTH, more than
 * YAMLDOC_MAX_NODES nodes (aliases count as the size of what they stand for, so an alias bomb
 * stops at the limit instead of expanding), invalid UTF-8, control characters, NUL bytes in
 * strings, unterminated strings, undefined aliases, non-string mapping keys and duplicate keys
 * are errors with FILE:LINE:COL (1-based; columns count characters).  An alias node is the
 * very node its anchor names (shared, never copied), so the tree may be a DAG; readers only
 * read.  Everything a struct yamldoc points to lives until yamldoc_free().
 * Nothing here knows about rules: the config loader can use it too. */
#ifndef SHIKRA_YAMLDOC_H
#define SHIKRA_YAMLDOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/diag.h"

#define YAMLDOC_MAX_BYTES  (8u << 20)   /* 8 MiB: Falco's own rule files are < 1 MiB */
#define YAMLDOC_MAX_NODES  500000u      /* per file, alias expansions included */
#define YAMLDOC_MAX_DEPTH  64u          /* rule files need about 7 */

enum yamldoc_kind { YAMLDOC_SCALAR, YAMLDOC_SEQ, YAMLDOC_MAP };

/* How a scalar was written: plain, 'single', "double", |literal or >folded. */
enum yamldoc_style {
	YAMLDOC_PLAIN, YAMLDOC_SINGLE, YAMLDOC_DOUBLE, YAMLDOC_LITERAL, YAMLDOC_FOLDED,
};

struct yamldoc_node {
	enum yamldoc_kind kind;
	enum yamldoc_style style;       /* scalars only */
	uint32_t line, col;             /* where the node starts */
	uint32_t text_line, text_col;   /* scalars: where the first byte of TEXT is in the file
	                                 * (after a quote; the first content line of a block) */
	size_t n;                       /* scalar: length of TEXT; seq: items; map: pairs */
	const char *text;               /* scalars: NUL-terminated, no NUL inside */
	struct yamldoc_node **v;        /* seq: v[0..n); map: key v[2i], value v[2i+1] */
};

struct yamldoc {
	char *file;                     /* the name given to the parser */
	size_t ndocs;
	struct yamldoc_node **docs;     /* one root per YAML document; NULL for an empty one */
	struct arena mem;               /* owns every node and string */
};

/* Parse LEN bytes of BUF, naming it FILE in problems.  On success store the document set in
 * *OUT and return 0.  On failure return -EINVAL (with the problem in DIAGS) or -ENOMEM;
 * *OUT is left alone.  The caller frees *OUT with yamldoc_free(). */
int  yamldoc_parse(const char *file, const char *buf, size_t len, struct yamldoc **out,
                   struct diags *diags);

/* Read the file at PATH (at most YAMLDOC_MAX_BYTES) and parse it.  Return as yamldoc_parse();
 * an unreadable file is -errno with a positionless problem in DIAGS. */
int  yamldoc_load(const char *path, struct yamldoc **out, struct diags *diags);

void yamldoc_free(struct yamldoc *doc);          /* NULL-safe */

/* The value for KEY in mapping MAP, or NULL (also when MAP is not a mapping). */
const struct yamldoc_node *yamldoc_get(const struct yamldoc_node *map, const char *key);

/* True for a plain scalar written as nothing, "~" or "null" (any case YAML allows). */
bool yamldoc_is_null(const struct yamldoc_node *n);

/* Read a scalar as a boolean (true/false, yes/no, on/off in YAML 1.1 spellings).
 * 0, or -EINVAL when N is not such a scalar (*OUT untouched). */
int  yamldoc_bool(const struct yamldoc_node *n, bool *out);

/* "a scalar", "a sequence" or "a mapping", for messages. */
const char *yamldoc_kind_name(const struct yamldoc_node *n);

#endif
