/* loader_priv.h - what loader.c, loader_rule.c and loader_exc.c share; nothing else may
 * include it.  An item context carries the file, the item's kind and name, so that every
 * message reads "FILE:LINE:COL: error: rule 'NAME': ...". */
#ifndef SHIKRA_LOADER_PRIV_H
#define SHIKRA_LOADER_PRIV_H

#include "rules/loader.h"

struct loader_item {
	struct loader *ld;
	struct diags *diags;
	const char *file;
	const char *what;                  /* "rule", "macro", "list", ... */
	const char *name;                  /* NULL until known */
	const struct yamldoc_node *node;   /* the item's mapping */
	unsigned nerrors;
};

/* Add a problem at node AT (the item itself when AT is NULL), prefixed with the item. */
void loader_error(struct loader_item *it, const struct yamldoc_node *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void loader_warn(struct loader_item *it, const struct yamldoc_node *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Check the item's keys against the NULL-terminated ALLOWED list; an unknown key is an
 * error at the key.  Return the number of unknown keys. */
unsigned loader_check_keys(struct loader_item *it, const char *const *allowed);

/* Read KEY as a non-empty string.  0 and *OUT set; -ENOENT when absent (an error if
 * REQUIRED); -EINVAL (error reported) when not a non-empty scalar. */
int loader_string(struct loader_item *it, const char *key, bool required, const char **out);
/* Read KEY as a boolean: 0, -ENOENT when absent (no error), -EINVAL (error reported). */
int loader_bool(struct loader_item *it, const char *key, bool *out);

/* Set a filter_src to the text of scalar N. */
void loader_text_src(const struct loader_item *it, const struct yamldoc_node *n,
                     struct filter_src *src);

/* Read the item's `override` mapping: each key must be one of the NULL-terminated KEYS, and
 * may be appended to only where CAN_APPEND[i].  Set bit i of *APPEND or *REPLACE.
 * 0 or -EINVAL (reported). */
int loader_overrides(struct loader_item *it, const char *const *keys, const bool *can_append,
                     unsigned *append, unsigned *replace);

/* The next number of the definition counter. */
uint32_t loader_next(struct loader *ld);

/* Storage: return a pointer to a new zeroed element (never NULL; aborts on OOM). */
struct loader_rule *loader_add_rule(struct loader *ld, const char *name);

/* loader_req.c: read one required_engine_version / required_plugin_versions item. */
void loader_engine_version_item(struct loader_item *it);
void loader_plugin_versions_item(struct loader_item *it);

/* loader_rule.c: read one `rule` item. */
void loader_rule_item(struct loader_item *it);

/* loader_exc.c: read the `exceptions` sequence SEQ of rule item IT into *V / *N (growing
 * them).  APPEND relaxes what an exception must have (an append may bring only values).
 * Problems are reported; bad exceptions are dropped. */
void loader_read_exceptions(struct loader_item *it, const struct yamldoc_node *seq,
                            bool append, struct loader_exception **v, size_t *n, size_t *cap);
/* Check exception E (the shapes of fields, comps and values, and the operators) before it
 * joins a rule.  Field names are looked up when the rule is compiled (ruleset.c), so that the
 * loader needs no field table.  Return 0 or -EINVAL (reported). */
int  loader_check_exception(struct loader_item *it, const struct loader_exception *e);
/* Append the values of SRC to DST. */
void loader_exception_add_values(struct loader_exception *dst,
                                 const struct loader_exception *src);
void loader_exception_clear(struct loader_exception *e);

#endif
