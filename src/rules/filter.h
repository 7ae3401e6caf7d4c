/* filter.h - Falco conditions: lex -> parse -> AST -> expand -> compile -> evaluate.
 * An environment holds the lists and macros defined so far, in order; each definition is
 * expanded when it is added, so it sees only earlier definitions (Falco's rule).  A compiled
 * filter is an immutable check tree with constants pre-parsed (numbers, IP networks, hashed
 * sets for `in`, regexes, globs), evaluated with short-circuit, and it knows the set of event
 * types it can match (AND = intersection, OR = union, negation pushed to the leaves).
 * Problems go to a struct diags with file:line:column computed from the SRC position of the
 * condition text. */
#ifndef SHIKRA_FILTER_H
#define SHIKRA_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/diag.h"
#include "event/event.h"

/* Where a piece of condition text starts in its file, so a column inside it becomes a file
 * position.  For YAML block scalars the mapping is line-exact for literal (|) and
 * best-effort for folded (>) text. */
struct filter_src {
	const char *file;
	uint32_t line;      /* 1-based line of the first byte of the text */
	uint32_t col;       /* 1-based column of the first byte */
	const char *item;   /* "rule 'Terminal shell in container'", for messages; may be NULL */
};

/* A set of event types. */
struct evtset {
	uint64_t bits[(EVT__COUNT + 63) / 64];
};
static inline void evtset_add(struct evtset *s, enum event_type t)
{ s->bits[t / 64] |= UINT64_C(1) << (t % 64); }
static inline bool evtset_has(const struct evtset *s, enum event_type t)
{ return (s->bits[t / 64] >> (t % 64)) & 1; }
static inline bool evtset_empty(const struct evtset *s)
{
	for (size_t i = 0; i < sizeof(s->bits) / sizeof(s->bits[0]); i++)
		if (s->bits[i])
			return false;
	return true;
}

struct filter_env;
struct filter;

enum filter_flags {
	FILTER_SKIP_UNKNOWN = 1,   /* skip-if-unknown-filter: unknown fields make the rule skipped */
};

/* Create an empty environment.  0 or -ENOMEM. */
int  filter_env_new(struct filter_env **out);
void filter_env_free(struct filter_env *env);     /* NULL-safe */

/* Define list NAME with N items (bare words or quoted strings as written; items naming an
 * earlier list are expanded in place).  A later definition replaces the earlier one for
 * everything defined after it.  Return 0 or -EINVAL (problems in DIAGS). */
int filter_env_add_list(struct filter_env *env, const char *name, const char *const *items,
                        size_t n, const struct filter_src *src, struct diags *diags);

/* Define macro NAME from condition text COND, expanded against earlier definitions.
 * Return 0 or -EINVAL (problems in DIAGS). */
int filter_env_add_macro(struct filter_env *env, const char *name, const char *cond,
                         const struct filter_src *src, struct diags *diags);

bool filter_env_has_list(const struct filter_env *env, const char *name);
bool filter_env_has_macro(const struct filter_env *env, const char *name);

/* Compile condition COND against ENV (NULL = no lists or macros).  On success store the filter
 * in *OUT and return 0.  Return -EINVAL with problems in DIAGS; with FILTER_SKIP_UNKNOWN an
 * unknown field instead returns -ENOENT (the caller skips the rule and may warn).  ENV keeps
 * count of the units expanded (expand.h, EXPAND_MAX_TOTAL): compiling every rule of a
 * ruleset against one environment bounds the whole load, and past the budget every further
 * condition fails with "ruleset too large after expansion". */
int filter_compile(struct filter_env *env, const char *cond, const struct filter_src *src,
                   unsigned flags, struct filter **out, struct diags *diags);
void filter_free(struct filter *f);               /* NULL-safe */

/* Evaluate F on EV.  SCRATCH is for extractors' temporary strings; the caller resets it. */
bool filter_eval(const struct filter *f, const struct event *ev, struct arena *scratch);

/* The event types F can match.  *ANY is set when F places no restriction on the type. */
void filter_evttypes(const struct filter *f, struct evtset *out, bool *any);

/* The fully expanded condition as text (for -L), malloc'd; the caller frees. */
char *filter_to_string(const struct filter *f);

/* Every field name F uses (for -L's "fields"), calling FN once per distinct name. */
void filter_fields(const struct filter *f, void (*fn)(const char *name, void *arg), void *arg);

/* Every field whose comparisons F compiled as false whatever the event, once each:
 * "evt.dir" for an entry test (evt.dir = >), and the fields shikra can never supply
 * (field_never_available()). */
void filter_folded_fields(const struct filter *f, void (*fn)(const char *name, void *arg),
                          void *arg);

/* What a filter needs from fanotify: the file paths it can match.  FN is called once per path
 * constant compared with a file field (fd.name, fd.directory, fd.filename with a directory
 * context, ...) in a branch that can match a file event.  *UNBOUNDED is set when some such
 * branch places no constraint on the path (the rule would need a whole-filesystem watch). */
enum filter_path_kind {
	FPATH_EXACT,        /* fd.name = /etc/shadow, fd.name in (...) */
	FPATH_DIR,          /* fd.directory = /etc: the files directly in /etc */
	FPATH_PREFIX,       /* fd.name startswith /etc/pass, fd.name startswith /etc/ (the whole
	                     * tree), fd.name pmatch (/etc) */
	FPATH_GLOB,         /* fd.name glob with wildcards: watch the fixed leading directory */
};
/* One path a rule can match, and a collection of them (see ruleset_paths_collect()). */
struct filter_path {
	const char *path;
	enum filter_path_kind kind;
};

struct filter_paths {
	const struct filter_path *v;
	size_t n;
	bool unbounded;         /* some rule matches files without bounding the path */
};

/* Whose paths filter_paths() reports.  Only a branch that can match one of the consumer's
 * event types needs a path: audit reports every other syscall (unlink, memfd_create, ...)
 * through its unfiltered rule, and fanotify has no event for them. */
enum filter_path_use {
	FPUSE_AUDIT_OPEN,   /* audit's per-path rules: open, openat, openat2, creat */
	FPUSE_FANOTIFY,     /* fanotify's marks: the open family and fanotify's own events */
};

void filter_paths(const struct filter *f, enum filter_path_use use,
                  void (*fn)(const char *path, enum filter_path_kind kind, void *arg),
                  void *arg, bool *unbounded);

#endif
