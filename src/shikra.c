/* shikra.c - main(): read the command line and the configuration, then wire the modules
 * together for the chosen mode.  No logic lives here that a test would want to reach; that
 * belongs in the library. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/config.h"
#include "core/log.h"
#include "core/pathlist.h"
#include "rules/ruleset.h"
#include "shikra.h"

enum { OPT_REPLAY = 256, OPT_CAPTURE, OPT_DUMP, OPT_LIST_FIELDS, OPT_AUDIT_RULES,
	OPT_VERSION, OPT_HELP };

static const struct option long_options[] = {
	{ "config",            required_argument, NULL, 'c' },
	{ "rules",             required_argument, NULL, 'r' },
	{ "option",            required_argument, NULL, 'o' },
	{ "validate",          required_argument, NULL, 'V' },
	{ "list",              no_argument,       NULL, 'L' },
	{ "list-fields",       no_argument,       NULL, OPT_LIST_FIELDS },
	{ "print-audit-rules", no_argument,       NULL, OPT_AUDIT_RULES },
	{ "replay",            required_argument, NULL, OPT_REPLAY },
	{ "capture",           required_argument, NULL, OPT_CAPTURE },
	{ "dump-events",       no_argument,       NULL, OPT_DUMP },
	{ "verbose",           no_argument,       NULL, 'v' },
	{ "version",           no_argument,       NULL, OPT_VERSION },
	{ "help",              no_argument,       NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: shikra [-c CONFIG] [-r RULES]... [-o KEY=VALUE]... [--replay FILE]\n"
	    "              [--dump-events] [--capture FILE]\n"
	    "       shikra -V RULES... | -L | --list-fields | --print-audit-rules\n"
	    "\n"
	    "  -c, --config FILE        configuration file (default " SHIKRA_SYSCONFDIR
	    "/shikra.yaml if present)\n"
	    "  -r, --rules PATH         a rule file, or a directory of *.yaml files loaded in\n"
	    "                           name order; repeatable; replaces rules_files\n"
	    "  -o, --option KEY=VALUE   override a configuration key (file_output.enabled=true)\n"
	    "  --replay FILE            read events from FILE instead of the kernel: an auditd\n"
	    "                           log (RAW or ENRICHED) or a shikra capture file, detected\n"
	    "                           by content; - reads standard input\n"
	    "  --dump-events            print every normalized event as one JSON line on stdout\n"
	    "  --capture FILE           also write every event to FILE as JSON lines (replayable)\n"
	    "  -V, --validate FILE      load the rule file(s) and report every problem with its\n"
	    "                           position; exit 1 if any is invalid; repeatable\n"
	    "  -L, --list               list the loaded rules (JSON with json_output=true)\n"
	    "  --list-fields            list every field with its type and description\n"
	    "  --print-audit-rules      print the audit rules the ruleset needs (auditctl syntax)\n"
	    "  -v, --verbose            log debug messages\n"
	    "  --version                print the version and exit\n"
	    "  --help                   print this help and exit\n");
}

/* Append ARG to the NULL-terminated array *V of *N entries. */
static void
push_arg(const char ***v, size_t *n, const char *arg)
{
	const char **nv = realloc(*v, (*n + 2) * sizeof(*nv));

	if (nv == NULL)
		fatal("out of memory");
	nv[(*n)++] = arg;
	nv[*n] = NULL;
	*v = nv;
}

static void
set_mode(struct cli *cli, enum mode m)
{
	if (cli->mode != MODE_LIVE && cli->mode != m)
		fatalx("-V, -L, --list-fields, --print-audit-rules and --replay exclude each other");
	cli->mode = m;
}

static void
parse_cli(int argc, char *argv[], struct cli *cli)
{
	int c;

	while ((c = getopt_long(argc, argv, "c:r:o:V:Lv", long_options, NULL)) != -1) {
		switch (c) {
		case 'c': cli->config = optarg; break;
		case 'r': push_arg(&cli->rules, &cli->nrules, optarg); break;
		case 'o': push_arg(&cli->overrides, &cli->noverrides, optarg); break;
		case 'V':
			set_mode(cli, MODE_VALIDATE);
			push_arg(&cli->validate, &cli->nvalidate, optarg);
			break;
		case 'L': set_mode(cli, MODE_LIST); break;
		case OPT_LIST_FIELDS: set_mode(cli, MODE_LIST_FIELDS); break;
		case OPT_AUDIT_RULES: set_mode(cli, MODE_AUDIT_RULES); break;
		case OPT_REPLAY: set_mode(cli, MODE_REPLAY); cli->replay = optarg; break;
		case OPT_CAPTURE: cli->capture = optarg; break;
		case OPT_DUMP: cli->dump_events = true; break;
		case 'v': cli->verbose = true; break;
		case OPT_VERSION:
			printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
			exit(0);
		case OPT_HELP:
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			exit(2);
		}
	}
	/* Falco's -V takes several files after it: "shikra -V a.yaml b.yaml". */
	for (; optind < argc && cli->mode == MODE_VALIDATE; optind++)
		push_arg(&cli->validate, &cli->nvalidate, argv[optind]);
	if (optind < argc)
		fatalx("unexpected argument '%s' (see --help)", argv[optind]);
}

/* Defaults, then the config file, then -o overrides; every problem goes to D. */
int
config_reload(const struct cli *cli, struct config *cfg, struct diags *d)
{
	const char *path = cli->config;
	struct stat st;

	config_defaults(cfg);
	if (path == NULL && stat(SHIKRA_SYSCONFDIR "/shikra.yaml", &st) == 0)
		path = SHIKRA_SYSCONFDIR "/shikra.yaml";
	if (path != NULL) {
		int rc = config_load(cfg, path, d);
		if (rc < 0 && rc != -EINVAL)
			diags_add(d, DIAG_ERROR, path, 0, 0, "cannot read: %s", strerror(-rc));
	}
	for (size_t i = 0; i < cli->noverrides; i++)
		config_override(cfg, cli->overrides[i], d);
	if (!diags_has_errors(d))
		return 0;
	config_free(cfg);
	return -EINVAL;
}

/* The rule files to load: -V files, else -r paths (each must exist), else rules_files. */
int
collect_rule_files(const struct cli *cli, const struct config *cfg, struct pathlist *pl,
                   struct diags *d)
{
	if (cli->mode == MODE_VALIDATE) {
		for (size_t i = 0; i < cli->nvalidate; i++)
			pathlist_add(pl, cli->validate[i], 1, d);
	} else if (cli->nrules > 0) {
		for (size_t i = 0; i < cli->nrules; i++)
			pathlist_add(pl, cli->rules[i], 1, d);
	} else {
		for (size_t i = 0; i < cfg->nrules_files; i++)
			pathlist_add(pl, cfg->rules_files[i], 0, d);
	}
	return diags_has_errors(d) ? -EINVAL : 0;
}

int
load_rule_options(const struct config *cfg, struct ruleset_opts *opts, struct diags *d)
{
	opts->matching = strcmp(cfg->rule_matching, "first") == 0 ? RULE_MATCHING_FIRST :
	    RULE_MATCHING_ALL;
	if (priority_from_name(cfg->priority, &opts->min_priority) == 0)
		return 0;
	diags_add(d, DIAG_ERROR, NULL, 0, 0, "priority: unknown value '%s'", cfg->priority);
	return -EINVAL;
}

/* Startup: print every problem and exit if there is one. */
static void
exit_on_problems(struct diags *d, int rc)
{
	diags_print(d, stderr);
	diags_free(d);
	if (rc < 0)
		exit(1);
}

struct ruleset *
load_rules(const struct config *cfg, const struct pathlist *pl)
{
	struct diags d = DIAGS_INIT;
	struct ruleset_opts opts;
	struct ruleset *rs = NULL;
	int rc = load_rule_options(cfg, &opts, &d);

	if (rc == 0)
		rc = ruleset_load((const char *const *)pl->v, pl->n, &opts, &rs, &d);
	diags_print(&d, stderr);
	diags_free(&d);
	if (rc < 0)
		fatalx("the rules were not loaded");
	log_debug("%zu rules loaded from %zu files", ruleset_count(rs), pl->n);
	return rs;
}

int
main(int argc, char *argv[])
{
	struct cli cli = { .mode = MODE_LIVE };
	struct config cfg;
	struct pathlist pl = PATHLIST_INIT;
	int rc;

	struct diags d = DIAGS_INIT;

	log_init("shikra", LOG_LVL_INFO, false);
	parse_cli(argc, argv, &cli);
	exit_on_problems(&d, config_reload(&cli, &cfg, &d));
	/* The key's values were checked against the same table when it was set. */
	int level = cli.verbose ? LOG_LVL_DEBUG : config_log_level(cfg.log_level);
	log_init("shikra", level < 0 ? LOG_LVL_INFO : (enum log_level)level, false);
	log_targets(cfg.log_stderr, cfg.log_syslog);
	if (cli.mode == MODE_LIST_FIELDS)
		return list_fields(&cfg);
	exit_on_problems(&d, collect_rule_files(&cli, &cfg, &pl, &d));
	switch (cli.mode) {
	case MODE_VALIDATE: rc = validate(&cfg, &pl); break;
	case MODE_REPLAY: rc = run_replay(&cli, &cfg, &pl); break;
	case MODE_LIST: rc = list_rules(&cfg, &pl); break;
	case MODE_AUDIT_RULES: rc = print_audit_rules(&cfg, &pl); break;
	default:
		/* The live command takes over the configuration and the rule list: a reload
		 * replaces them. */
		rc = run_live(&cli, &cfg, &pl);
		memset(&cfg, 0, sizeof(cfg));
		pl = (struct pathlist)PATHLIST_INIT;
	}
	pathlist_free(&pl);
	config_free(&cfg);
	free(cli.rules);
	free(cli.overrides);
	free(cli.validate);
	return rc;
}
