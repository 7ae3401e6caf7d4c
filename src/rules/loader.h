/* loader.h - Falco rule files -> a collection of lists, macros and rules, not yet compiled.
 * The loader reads each file in order and applies Falco's collection rules as it goes: a
 * list, macro or rule with a name already seen replaces the earlier definition in place (it
 * keeps its position); `append: true` (deprecated) and `override: {key: append|replace}`
 * change the earlier definition; a rule item with only `enabled:` toggles one.  It checks
 * every key, type and reference it can without compiling conditions, and reports every
 * problem in every file with FILE:LINE:COL and the item's name, then goes on with the next
 * item.  Compiling (conditions, outputs, exceptions) is ruleset.c's job.
 *
 * Positions follow Falco's collector: every definition, append or override takes the next
 * number of one counter.  An item's INDEX is the number of its first definition (its place
 * in file order); its VISIBILITY is the number of its latest change.  ruleset.c uses them to
 * decide which lists and macros each definition may see, as Falco does.
 *
 * Every string in a collection is either borrowed from the YAML documents the loader keeps
 * or owned by the collection; loader_free() releases all of it. */
#ifndef SHIKRA_LOADER_H
#define SHIKRA_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/diag.h"
#include "core/sbuf.h"
#include "rules/filter.h"
#include "rules/ruleset.h"
#include "rules/yamldoc.h"

/* The Falco engine version whose rule syntax and fields shikra implements: the one that
 * falcosecurity/rules' falco_rules.yaml requires today.  A file that requires a newer one
 * (or another major version) is refused. */
#define LOADER_ENGINE_MAJOR 0
#define LOADER_ENGINE_MINOR 57
#define LOADER_ENGINE_PATCH 0
#define LOADER_ENGINE_VERSION "0.57.0"

/* Where an item is, and what to call it in messages ("rule 'Terminal shell'"). */
struct loader_pos {
	const char *file;
	uint32_t line, col;
};

struct loader_list {
	const char *name;
	struct loader_pos pos;
	uint32_t index, visibility;
	const char **items;             /* as written; borrowed */
	size_t nitems, cap;
};

struct loader_macro {
	const char *name;
	struct loader_pos pos;
	uint32_t index, visibility;
	struct sbuf cond;               /* appends are joined with a space, as Falco does */
	struct filter_src cond_src;     /* where the first part of COND is */
};

/* One exception of a rule, as written.  FIELDS is a scalar (one field; every value is a
 * scalar) or a sequence of field names (every value is a sequence as long).  COMPS is NULL
 * (the default: "in" for one field, "=" for each of several), a scalar or a sequence. */
struct loader_exception {
	const char *name;
	struct loader_pos pos;
	const struct yamldoc_node *fields;
	const struct yamldoc_node *comps;
	const struct yamldoc_node **values;
	size_t nvalues, cap;
};

struct loader_rule {
	const char *name;
	struct loader_pos pos;
	uint32_t index, visibility;
	struct sbuf cond, output, desc;
	struct filter_src cond_src, output_src;
	enum priority priority;
	const char *source;             /* "syscall" unless the file says otherwise */
	const char **tags;              /* a set: no duplicates, in first-seen order */
	size_t ntags, tags_cap;
	struct loader_exception *exc;
	size_t nexc, exc_cap;
	bool enabled;
	bool warn_evttypes;
	bool skip_unknown;              /* skip-if-unknown-filter */
	bool unknown_source;            /* not syscall: kept for appends, never compiled */
};

struct loader_names;                /* name -> position, one per kind */

struct loader {
	struct loader_list *lists;
	struct loader_macro *macros;
	struct loader_rule *rules;
	size_t nlists, nmacros, nrules;
	size_t lists_cap, macros_cap, rules_cap;
	struct loader_names *list_names, *macro_names, *rule_names;
	uint32_t counter;               /* Falco's definition counter (INDEX, VISIBILITY) */
	struct yamldoc **docs;          /* every file read, kept for the borrowed strings */
	size_t ndocs, docs_cap;
	uint64_t required_engine[3];    /* the highest engine version any file required */
};

/* Create an empty collection.  0 or -ENOMEM. */
int  loader_new(struct loader **out);
void loader_free(struct loader *ld);              /* NULL-safe */

/* Read the rule file PATH into LD.  Return 0 when the file had no error (warnings may have
 * been added to DIAGS), -EINVAL when it had some (all of them are in DIAGS; every item that
 * had none was still collected), or another -errno when it could not be read. */
int  loader_read_file(struct loader *ld, const char *path, struct diags *diags);

/* The same for a file already parsed; LD takes ownership of DOC. */
int  loader_read_doc(struct loader *ld, struct yamldoc *doc, struct diags *diags);

/* Look up a definition by name: its position in LD's array, or -1. */
long loader_find_list(const struct loader *ld, const char *name);
long loader_find_macro(const struct loader *ld, const char *name);
long loader_find_rule(const struct loader *ld, const char *name);

/* Append to OUT the condition Falco compiles for rule R: "(COND) and not (EXC1) and not
 * (EXC2) ..." or COND alone when no exception has values.  *SHIFT gets how many bytes precede
 * COND in OUT, so positions can still point into the file.  The exceptions were checked when
 * they joined the rule, so this cannot fail. */
void loader_rule_condition(const struct loader_rule *r, struct sbuf *out, size_t *shift);

#endif
