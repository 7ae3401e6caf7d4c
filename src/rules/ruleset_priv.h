/* ruleset_priv.h - the inside of struct ruleset, shared by ruleset.c (load, compile, index,
 * match) and ruleset_list.c (listing, queries, priorities).  Nothing else may include it. */
#ifndef SHIKRA_RULESET_PRIV_H
#define SHIKRA_RULESET_PRIV_H

#include "rules/eval.h"
#include "rules/ruleset.h"

struct rs_rule {
	struct rule pub;
	const char *output_text;        /* the output template as written (trimmed) */
};

/* The rules to evaluate for one event type: pointers into ruleset.rules, in file order. */
struct rs_index {
	struct rs_rule **v;
	size_t n;
};


struct ruleset {
	struct rs_rule *rules;          /* loaded rules (enabled, priority kept), file order */
	size_t n;
	uint64_t *hits;                 /* one counter per rule */
	struct rs_index by_type[EVT__COUNT];
	struct rs_index fan[EVAL_FAN_GROUPS];  /* a grouped fanotify event: see eval.h */
	enum rule_matching matching;
	struct arena mem;               /* names, texts, tags and index arrays */
};

#endif
