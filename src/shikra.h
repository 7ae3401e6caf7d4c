/* shikra.h - what main() and the command implementations share (not part of the library). */
#ifndef SHIKRA_MAIN_H
#define SHIKRA_MAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "core/config.h"
#include "core/pathlist.h"
#include "rules/ruleset.h"

enum mode { MODE_LIVE, MODE_REPLAY, MODE_VALIDATE, MODE_LIST, MODE_LIST_FIELDS,
	MODE_AUDIT_RULES };

struct cli {
	enum mode mode;
	const char *config;        /* -c FILE; NULL = the installed default if it exists */
	const char **rules;        /* -r PATH..., NULL-terminated; replaces rules_files */
	size_t nrules;
	const char **overrides;    /* -o KEY=VALUE... */
	size_t noverrides;
	const char **validate;     /* -V FILE... */
	size_t nvalidate;
	const char *replay;        /* --replay FILE, "-" = stdin */
	const char *capture;       /* --capture FILE */
	bool dump_events;
	bool verbose;
};

/* Defaults, the config file and -o overrides into CFG; problems to D.  0 or -EINVAL (CFG then
 * holds nothing to free). */
int config_reload(const struct cli *cli, struct config *cfg, struct diags *d);
/* The rule files the command line or the configuration names.  0 or -EINVAL. */
int collect_rule_files(const struct cli *cli, const struct config *cfg, struct pathlist *pl,
                       struct diags *d);
/* Matching mode and minimum priority from CFG.  0 or -EINVAL. */
int load_rule_options(const struct config *cfg, struct ruleset_opts *opts, struct diags *d);

/* Load the ruleset from PL with CFG's options, or exit with every problem printed. */
struct ruleset *load_rules(const struct config *cfg, const struct pathlist *pl);

/* The commands; each returns the process exit status. */
int validate(const struct config *cfg, const struct pathlist *pl);
int list_rules(const struct config *cfg, const struct pathlist *pl);
int list_fields(const struct config *cfg);
int print_audit_rules(const struct config *cfg, const struct pathlist *pl);
/* The container table's watch callback (ctrtab_set_watch(), state/ctrtab.h) for live mode:
 * ARG points to the live fanotify source pointer (struct fan_source **, NULL while there is
 * none).  A container that appears with an overlay root (container.merged) gets the rules'
 * paths watched inside it (fan_source_watch_root()); one that goes, unwatched. */
struct container;
void live_ctr_watch(void *arg, struct container *c, bool gone);
int run_replay(const struct cli *cli, const struct config *cfg, const struct pathlist *pl);
/* Live monitoring until SIGTERM/SIGINT.  Takes over CFG and PL (and frees them). */
int run_live(const struct cli *cli, struct config *cfg, struct pathlist *pl);

/* The outputs' settings from the configuration (exits on an unknown syslog facility). */
struct output_config;
void output_config(const struct config *cfg, struct output_config *oc);

#endif
