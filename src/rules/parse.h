/* parse.h - condition text -> syntax tree (see ast.h), by recursive descent.
 * The parser knows nothing of fields, lists or macros: `proc.name` is just a field-shaped word
 * and `shell_procs` a reference for the expander.  It stops at the first problem. */
#ifndef SHIKRA_PARSE_H
#define SHIKRA_PARSE_H

#include <stdint.h>

#include "core/arena.h"
#include "rules/ast.h"

#define PARSE_MAX_DEPTH 200     /* nested parentheses and `not`s */

struct parse_error {
	uint32_t off;           /* byte offset in the text */
	char msg[160];
};

/* Parse the LEN bytes at TEXT (LEN <= LEX_MAX_TEXT).  Nodes, strings and arrays go into A.
 * On success store the tree in *OUT and return 0; on a syntax error return -EINVAL with *ERR
 * describing the first problem. */
int parse_condition(const char *text, uint32_t len, struct arena *a, struct ast_node **out,
                    struct parse_error *err);

#endif
