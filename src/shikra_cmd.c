/* shikra_cmd.c - the commands behind main(): validate, list, list fields, print the audit
 * rules, and replay a recorded file through the rules to the outputs.  Wiring only. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit/replay.h"
#include "capture/capture.h"
#include "core/lineread.h"
#include "core/log.h"
#include "core/sbuf.h"
#include "event/event.h"
#include "event/event_json.h"
#include "output/output.h"
#include "rules/auditrules.h"
#include "rules/fields.h"
#include "shikra.h"

/* -V, text: "FILE: Ok", "FILE: Ok, with warnings" or "FILE: Invalid", then its problems. */
static void
validate_text(const struct pathlist *pl, const struct diags *d)
{
	struct sbuf name = SBUF_INIT;

	for (size_t i = 0; i < pl->n; i++) {
		size_t errors = 0, warnings = 0;
		for (size_t k = 0; k < d->n; k++) {
			if (d->v[k].file == NULL || strcmp(d->v[k].file, pl->v[i]) != 0)
				continue;
			d->v[k].sev == DIAG_ERROR ? errors++ : warnings++;
		}
		/* Escaped as in the problem lines below: a name cannot add a line. */
		sbuf_reset(&name);
		sbuf_escape(&name, pl->v[i], strlen(pl->v[i]));
		printf("%s: %s\n", sbuf_str(&name), errors ? "Invalid" :
		    warnings ? "Ok, with warnings" : "Ok");
	}
	sbuf_free(&name);
	diags_print(d, stdout);
}

static json_t *
diag_json(const struct diag *g)
{
	json_t *j = json_object();
	char *line = diag_format(g);

	/* File names come from the command line and need not be UTF-8. */
	json_object_set_new(j, "file", event_json_text(g->file ? g->file : "",
	    g->file ? strlen(g->file) : 0));
	json_object_set_new(j, "line", json_integer(g->line));
	json_object_set_new(j, "column", json_integer(g->col));
	json_object_set_new(j, "message", event_json_text(g->msg, strlen(g->msg)));
	json_object_set_new(j, "text", event_json_text(line, strlen(line)));
	free(line);
	return j;
}

/* -V, JSON: {"load_results": [{"name", "successful", "errors": [...], "warnings": [...]}]} */
static void
validate_json(const struct pathlist *pl, const struct diags *d)
{
	json_t *results = json_array();

	for (size_t i = 0; i < pl->n; i++) {
		json_t *r = json_object(), *errors = json_array(), *warnings = json_array();
		for (size_t k = 0; k < d->n; k++) {
			if (d->v[k].file == NULL || strcmp(d->v[k].file, pl->v[i]) != 0)
				continue;
			json_array_append_new(d->v[k].sev == DIAG_ERROR ? errors : warnings,
			    diag_json(&d->v[k]));
		}
		json_object_set_new(r, "name", event_json_text(pl->v[i], strlen(pl->v[i])));
		json_object_set_new(r, "successful", json_boolean(json_array_size(errors) == 0));
		json_object_set_new(r, "errors", errors);
		json_object_set_new(r, "warnings", warnings);
		json_array_append_new(results, r);
	}
	json_t *top = json_pack("{s:o}", "load_results", results);
	json_dumpf(top, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(top);
}

int
validate(const struct config *cfg, const struct pathlist *pl)
{
	struct diags d = DIAGS_INIT;
	struct ruleset_opts opts = { .min_priority = PRIO_DEBUG };
	struct ruleset *rs = NULL;
	int rc;

	priority_from_name(cfg->priority, &opts.min_priority);
	rc = ruleset_load((const char *const *)pl->v, pl->n, &opts, &rs, &d);
	if (cfg->json_output)
		validate_json(pl, &d);
	else
		validate_text(pl, &d);
	ruleset_free(rs);
	diags_free(&d);
	return rc < 0 ? 1 : 0;
}

int
list_rules(const struct config *cfg, const struct pathlist *pl)
{
	struct ruleset *rs = load_rules(cfg, pl);

	if (cfg->json_output) {
		json_t *j = ruleset_list_json(rs);
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(j);
	} else {
		ruleset_list_text(rs, stdout);
	}
	ruleset_free(rs);
	return 0;
}

int
list_fields(const struct config *cfg)
{
	size_t n;
	const struct field_def *f = fields_table(&n);
	json_t *all = cfg->json_output ? json_array() : NULL;

	for (size_t i = 0; i < n; i++) {
		if (all != NULL) {
			json_array_append_new(all, json_pack("{s:s,s:s,s:s}", "name", f[i].name,
			    "type", field_type_name(f[i].type), "desc", f[i].desc));
			continue;
		}
		printf("%-36s %-8s %s\n", f[i].name, field_type_name(f[i].type), f[i].desc);
	}
	if (all != NULL) {
		json_dumpf(all, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(all);
	}
	return 0;
}

int
print_audit_rules(const struct config *cfg, const struct pathlist *pl)
{
	struct ruleset *rs = load_rules(cfg, pl);
	struct auditrules ar = { 0 };
	struct filter_paths paths;
	struct evtset types;
	bool any = false;
	int m64, m32, rc;

	ruleset_evttypes(rs, &types, &any);
	ruleset_paths_collect(rs, FPUSE_AUDIT_OPEN, &paths);
	if ((rc = auditrules_host(&m64, &m32)) < 0 ||
	    (rc = auditrules_build(&types, any, &paths, m64, m32, &ar)) < 0)
		fatalx("cannot derive the audit rules: %s", strerror(-rc));
	for (size_t i = 0; i < ar.n; i++)
		printf("%s\n", ar.lines[i]);
	auditrules_free(&ar);
	ruleset_paths_free(&paths);
	ruleset_free(rs);
	return 0;
}

/* Replay: every event is dumped and/or captured, then matched against the rules. */
struct replay_ctx {
	FILE *dump;
	FILE *capture;
	struct ruleset *rs;
	struct outputs *out;
	struct arena scratch;
	int error;
};

static void
replay_alert(const struct rule *r, const struct event *ev, void *arg)
{
	struct replay_ctx *c = arg;

	outputs_alert(c->out, r, ev, &c->scratch);
}

static int
replay_event(struct event *ev, void *arg)
{
	struct replay_ctx *c = arg;
	int rc = 0;

	if (c->dump && capture_write(c->dump, ev) < 0)
		rc = -EIO;
	if (rc == 0 && c->capture && capture_write(c->capture, ev) < 0)
		rc = -EIO;
	if (rc == 0 && c->rs != NULL) {
		ruleset_match(c->rs, ev, &c->scratch, replay_alert, c);
		arena_reset(&c->scratch);
	}
	event_free(ev);
	if (rc < 0)
		c->error = rc;
	return rc;
}

/* Read FP (named NAME), choosing the reader from the first line's content. */
static int
replay_stream(FILE *fp, const char *name, struct replay_ctx *c)
{
	struct sbuf line = SBUF_INIT;
	/* Bounded by the larger of the two readers' limits; the one chosen checks its own. */
	int n = lineread_first(fp, CAPTURE_MAX_LINE > AUDIT_RECORD_MAX_LEN ? CAPTURE_MAX_LINE :
	                       AUDIT_RECORD_MAX_LEN, &line);
	const char *first = sbuf_str(&line);
	struct stat st;
	int rc;

	if (n <= 0) {
		sbuf_free(&line);
		return n;	/* an empty file replays to nothing */
	}
	if (capture_detect(first, line.len)) {
		struct capture_stats cs = { 0 };
		rc = capture_replay(fp, name, first, line.len, replay_event, c, &cs);
	} else {
		struct audit_replay_stats as = { 0 };
		struct audit_replay_opts opts = {
			.name = name,
			.progress = isatty(STDERR_FILENO) && !isatty(STDOUT_FILENO),
			.total_bytes = fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode) ?
			    (uint64_t)st.st_size : 0,
		};
		rc = audit_replay(fp, first, line.len, &opts, replay_event, c, &as);
		/* auditd writes no EOE records, so in a log every multi-record event ends by
		 * timeout or at the end of the file: that is normal, not a loss. */
		uint64_t incomplete = as.asm_stats.timed_out + as.asm_stats.evicted +
		    as.asm_stats.flushed;
		if (as.bad_lines || as.bad_groups || as.conv.bad_fields)
			log_warnx("%s: %llu lines, %llu events; skipped %llu bad lines and %llu "
			    "record groups that make no event; %llu fields undecodable", name,
			    (unsigned long long)as.lines, (unsigned long long)as.conv.events,
			    (unsigned long long)as.bad_lines, (unsigned long long)as.bad_groups,
			    (unsigned long long)as.conv.bad_fields);
		log_debug("%s: %llu events ended without EOE", name,
		    (unsigned long long)incomplete);
	}
	sbuf_free(&line);
	return rc;
}

void
output_config(const struct config *cfg, struct output_config *oc)
{
	*oc = (struct output_config){
		.json_output = cfg->json_output,
		.json_include_output_property = cfg->json_include_output_property,
		.json_include_tags_property = cfg->json_include_tags_property,
		.time_format_iso_8601 = cfg->time_format_iso_8601,
		.stdout_enabled = cfg->stdout_enabled,
		.file_enabled = cfg->file_enabled,
		.file_name = cfg->file_filename,
		.file_keep_alive = cfg->file_keep_alive,
		.syslog_enabled = cfg->syslog_enabled,
		.syslog_facility = config_syslog_facility(cfg->syslog_facility),
		.program_enabled = cfg->program_enabled,
		.program = cfg->program_program,
		.program_keep_alive = cfg->program_keep_alive,
		.http_enabled = cfg->http_enabled,
		.http_url = cfg->http_url,
		.http_user_agent = cfg->http_user_agent,
		.http_insecure = cfg->http_insecure,
		.http_ca_cert = cfg->http_ca_cert,
		.http_ca_path = cfg->http_ca_path,
		.http_timeout_ms = (int)cfg->http_timeout_ms,
		.http_keep_alive = cfg->http_keep_alive,
		.queue_capacity = (size_t)cfg->outputs_queue_capacity,
		/* Like Falco's FALCO_HOSTNAME: a fixed name for containers and tests. */
		.hostname = getenv("SHIKRA_HOSTNAME"),
	};
	if (oc->syslog_facility < 0)
		fatalx("syslog_output.facility: unknown facility '%s'", cfg->syslog_facility);
}

int
run_replay(const struct cli *cli, const struct config *cfg, const struct pathlist *pl)
{
	struct replay_ctx c = { .dump = cli->dump_events ? stdout : NULL };
	struct output_config oc;
	FILE *fp = stdin;
	int rc;

	if (pl->n > 0) {
		c.rs = load_rules(cfg, pl);
		output_config(cfg, &oc);
		/* Dumped events own stdout; alerts then go only to the other sinks. */
		oc.stdout_enabled = oc.stdout_enabled && !cli->dump_events;
		/* A replay's outputs are complete and in order: a full queue makes the replay
		 * wait for the sink instead of dropping, and the end waits for every alert. */
		oc.queue_block = true;
		oc.flush_timeout_ms = -1;
		if ((rc = outputs_new(&oc, &c.out)) < 0)
			fatalx("cannot open the outputs: %s", strerror(-rc));
	}
	if (strcmp(cli->replay, "-") != 0 && (fp = fopen(cli->replay, "re")) == NULL)
		fatal("cannot open %s", cli->replay);
	if (cli->capture && (c.capture = fopen(cli->capture, "we")) == NULL)
		fatal("cannot create %s", cli->capture);
	rc = replay_stream(fp, cli->replay, &c);
	if (fp != stdin)
		fclose(fp);
	if (c.capture && fclose(c.capture) != 0 && rc == 0)
		rc = -EIO;
	if (fflush(stdout) != 0 && rc == 0)
		rc = -EIO;
	if (rc < 0)
		log_warnx("replay of %s failed: %s", cli->replay, strerror(-rc));
	outputs_free(c.out);
	ruleset_free(c.rs);
	arena_free(&c.scratch);
	return rc < 0 ? 1 : 0;
}
