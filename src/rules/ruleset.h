/* ruleset.h - a compiled, immutable set of Falco-syntax rules.
 * ruleset_load() reads rule files in order (later files override earlier ones), applies
 * append/override and exceptions as Falco does, defines lists and macros in order, compiles
 * every enabled rule's condition and output, and indexes rules by the event types they can
 * match.  A ruleset is never changed after loading; a reload builds a new one and swaps it in,
 * so a rejected reload leaves the running set untouched. */
#ifndef SHIKRA_RULESET_H
#define SHIKRA_RULESET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

#include "core/arena.h"
#include "core/diag.h"
#include "event/event.h"
#include "rules/filter.h"
#include "rules/template.h"

/* Syslog's eight levels, most severe first (Falco's priorities). */
enum priority {
	PRIO_EMERGENCY, PRIO_ALERT, PRIO_CRITICAL, PRIO_ERROR,
	PRIO_WARNING, PRIO_NOTICE, PRIO_INFORMATIONAL, PRIO_DEBUG,
};
const char *priority_name(enum priority p);     /* "Emergency" ... "Debug" (Falco's spelling) */
/* Case-insensitive; accepts "info" and "informational".  0 or -EINVAL. */
int priority_from_name(const char *name, enum priority *out);

struct rule {
	const char *name;
	const char *desc;
	const char *source;          /* "syscall" */
	enum priority priority;
	const char *const *tags;
	size_t ntags;
	struct filter *filter;
	struct template *output;
	struct evtset evttypes;
	bool any_type;               /* matches every event type (a load warning) */
	uint64_t *hits;              /* counter; rules are otherwise immutable */
};

enum rule_matching { RULE_MATCHING_ALL, RULE_MATCHING_FIRST };

struct ruleset_opts {
	enum priority min_priority;  /* rules less severe than this are not loaded; PRIO_DEBUG = all */
	enum rule_matching matching;
};

struct ruleset;

/* Load the rule files PATHS[0..N) (each a file; directories are expanded by the caller, sorted).
 * On success store the ruleset in *OUT and return 0 (warnings may be in DIAGS).  On failure
 * return -EINVAL with every problem found, in every file, appended to DIAGS. */
int  ruleset_load(const char *const *paths, size_t n, const struct ruleset_opts *opts,
                  struct ruleset **out, struct diags *diags);
void ruleset_free(struct ruleset *rs);           /* NULL-safe */

typedef void rule_match_fn(const struct rule *r, const struct event *ev, void *arg);

/* Call FN for each enabled rule EV matches, in file order (only the first with
 * RULE_MATCHING_FIRST).  SCRATCH is reset by the caller between events.  Counts hits. */
void ruleset_match(const struct ruleset *rs, const struct event *ev, struct arena *scratch,
                   rule_match_fn *fn, void *arg);

size_t ruleset_count(const struct ruleset *rs);
const struct rule *ruleset_rule(const struct ruleset *rs, size_t i);

/* -L output: text (one rule per line: name, priority, event types) or a JSON array with each
 * rule's name, desc, priority, tags, source, condition (expanded), output, fields and
 * evt.types. */
void  ruleset_list_text(const struct ruleset *rs, FILE *fp);
json_t *ruleset_list_json(const struct ruleset *rs);

/* What the ruleset needs from the kernel: every syscall some rule can match (event types of
 * syscall class), and the file paths USE needs (see filter_paths()). */
void ruleset_evttypes(const struct ruleset *rs, struct evtset *out, bool *any);
void ruleset_paths(const struct ruleset *rs, enum filter_path_use use,
                   void (*fn)(const char *path, enum filter_path_kind kind, void *arg),
                   void *arg, bool *unbounded);

/* Collect RS's paths (ruleset_paths()) into OUT, as copies, for the sources' configuration;
 * release with ruleset_paths_free() (NULL-safe, leaves OUT empty). */
void ruleset_paths_collect(const struct ruleset *rs, enum filter_path_use use,
                           struct filter_paths *out);
void ruleset_paths_free(struct filter_paths *p);

#endif
