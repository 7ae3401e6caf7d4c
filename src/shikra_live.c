/* shikra_live.c - the live command: audit and fanotify sources, the process table, the
 * ruleset and the outputs, wired to one event loop.  Signals: SIGHUP reloads configuration
 * and rules (a rejected reload keeps the running set), SIGUSR1 reopens the outputs,
 * SIGTERM/SIGINT stop cleanly (the audit source then removes its rules and gives audit back).
 * Events are evaluated in arrival order, except that a fanotify event whose process has
 * exited before audit's record of its exec came waits for that record, at most 100 ms
 * (state/evhold.h).  Wiring only: every piece of logic lives in a library module. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "audit/source.h"
#include "capture/capture.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/notify.h"
#include "core/now.h"
#include "event/event_json.h"
#include "fan/source.h"
#include "output/output.h"
#include "shikra.h"
#include "state/ctrpath.h"
#include "state/ctrtab.h"
#include "state/evhold.h"
#include "state/proctab.h"

#define LIVE_BUDGET 256            /* messages per source per turn of the loop */
#define LIVE_TICK_MS 1000
#define LIVE_STATE_DIR "/run/shikra"
#define LIVE_NS_PER_S UINT64_C(1000000000)
/* fanotify events of processes not known yet wait this long at most for audit's exec record
 * (state/evhold.h), this many at once. */
#define LIVE_HOLD_NS (UINT64_C(100) * 1000000)
#define LIVE_HOLD_MAX 4096u

struct live {
	const struct cli *cli;
	struct config cfg;
	struct pathlist rules;
	struct loop *loop;
	struct ruleset *rs;
	struct outputs *out;
	struct proctab *pt;
	struct ctrtab *ct;          /* NULL when containers are disabled */
	struct audit_source *audit;
	struct fan_source *fan;
	struct evhold *hold;        /* NULL unless both audit and fanotify are open */
	struct arena scratch;
	FILE *capture;
	uint64_t events;
};

/* One of shikra's own messages, from a source (EVT_internal) or from here. */
static void
live_internal(struct live *l, const char *prio, const char *rule, const char *msg,
              json_t *fields)
{
	enum priority p = PRIO_WARNING;

	if (prio != NULL)
		priority_from_name(prio, &p);
	log_warnx("%s: %s", rule, msg);
	outputs_internal(l->out, p, rule, msg, fields, now_wall_ns());
}

static void
live_internal_event(struct live *l, const struct event *ev)
{
	json_t *fields = json_object();

	for (uint32_t i = 0; i < ev->nkv; i++)
		json_object_set_new(fields, ev->kv[i].key,
		    event_json_text(ev->kv[i].value, strlen(ev->kv[i].value)));
	live_internal(l, event_get_kv(ev, "priority"),
	    event_get_kv(ev, "rule") ? event_get_kv(ev, "rule") : "Shikra internal event",
	    event_get_kv(ev, "msg") ? event_get_kv(ev, "msg") : "", fields);
}

static void
live_alert(const struct rule *r, const struct event *ev, void *arg)
{
	struct live *l = arg;

	outputs_alert(l->out, r, ev, &l->scratch);
}

/* Enrich, record and evaluate EV (taken), then tell the hold about an exec it has been
 * waiting for.  Also the hold's release callback. */
static int
live_eval(struct event *ev, void *arg)
{
	struct live *l = arg;
	bool exec = ev->source == EVS_AUDIT && ev->success == 1 &&
	            (ev->type == EVT_execve || ev->type == EVT_execveat);
	int64_t pid = ev->pid;

	proctab_enrich(l->pt, ev, now_wall_ns());
	ctrpath_enrich(ev);             /* container layers' host paths -> the container's view */
	if (l->cli->dump_events)
		capture_write(stdout, ev);
	if (l->capture)
		capture_write(l->capture, ev);
	ruleset_match(l->rs, ev, &l->scratch, live_alert, l);
	arena_reset(&l->scratch);
	event_free(ev);
	if (exec)
		evhold_exec(l->hold, pid);      /* the table knows PID now */
	return 0;
}

/* Whether EV must wait for audit to describe its process: a fanotify event whose pid the
 * process table does not know and /proc no longer shows (the process has exited, and
 * audit's record of its exec is still on the way), or one of a pid already waiting, so that
 * a pid's events stay in order. */
static bool
live_must_hold(struct live *l, const struct event *ev)
{
	if (l->hold == NULL || ev->source != EVS_FANOTIFY || ev->proc != NULL ||
	    ev->pid <= 0 || ev->pid > INT32_MAX)
		return false;
	return evhold_has(l->hold, ev->pid) ||
	       !proctab_knows(l->pt, ev->pid, ev->ts_ns, now_wall_ns());
}

/* Every event from every source comes through here, in arrival order. */
static int
live_event(struct event *ev, void *arg)
{
	struct live *l = arg;

	l->events++;
	if (ev->type == EVT_internal) {
		live_internal_event(l, ev);
		event_free(ev);
		return 0;
	}
	if (ev->source == EVS_AUDIT)
		evhold_audit_time(l->hold, ev->ts_ns);  /* what waited for older records goes */
	if (live_must_hold(l, ev)) {
		evhold_push(l->hold, ev, now_mono_ns());
		return 0;
	}
	return live_eval(ev, l);
}

static void
live_ctr_watch(struct fan_source *fan, struct container *c, bool gone)
{
	uint64_t key = (uint64_t)(uintptr_t)c;  /* the table holds C until it says "gone" */
	int rc;

	if (fan == NULL)
		return;
	if (gone) {
		fan_source_unwatch_root(fan, key);
		return;
	}
	if (c->merged == NULL)
		return;                 /* layers not known yet (told again when they are), or no
		                         * overlay root: not watched */
	rc = fan_source_watch_root(fan, c->merged, key);
	if (rc < 0 && rc != -EOPNOTSUPP)    /* -EOPNOTSUPP was logged once by the source */
		log_info("fanotify: cannot watch files inside container %s: %s", c->id,
		    strerror(-rc));
}

static int
live_audit_ready(int fd, uint32_t events, void *arg)
{
	struct live *l = arg;
	int rc = audit_source_read(l->audit, LIVE_BUDGET);

	return rc < 0 ? rc : rc ? LOOP_MORE : LOOP_DONE;
}

static int
live_fan_ready(int fd, uint32_t events, void *arg)
{
	struct live *l = arg;
	int rc = fan_source_read(l->fan, LIVE_BUDGET);

	return rc < 0 ? rc : rc ? LOOP_MORE : LOOP_DONE;
}

static void
live_tick(void *arg)
{
	struct live *l = arg;
	uint64_t now = now_wall_ns();

	if (l->audit)
		audit_source_tick(l->audit, now);
	proctab_expire(l->pt, now);
	outputs_tick(l->out);
	if (l->ct)
		ctrtab_expire(l->ct, now);
	if (l->cli->dump_events)
		fflush(stdout);
	if (l->capture)
		fflush(l->capture);
}

/* The container table calls this when it first sees a container, again when the
 * container's rootfs layers become known, and when it drops one (GONE): files inside the
 * container are watched through its merged overlay view while it lives. */
static void
live_container_watch(void *arg, struct container *c, bool gone)
{
	struct live *l = arg;

	live_ctr_watch(l->fan, c, gone);
	log_debug("container %s %s (%s%s%s%s)", c->id, gone ? "gone" : "seen",
	    container_runtime_name(c->runtime), c->name ? " " : "", c->name ? c->name : "",
	    (c->meta & CTR_META_LAYERS) ? ", layers known" : "");
}

static int
live_hold_ready(int fd, uint32_t events, void *arg)
{
	struct live *l = arg;

	evhold_dispatch(l->hold, now_mono_ns());
	return LOOP_DONE;
}

/* The hold for fanotify events whose process audit has not described yet: only useful when
 * both sources run.  Without it such events are evaluated at once, without a process. */
static void
live_hold(struct live *l)
{
	struct evhold_config hc = { .max_events = LIVE_HOLD_MAX, .max_hold_ns = LIVE_HOLD_NS,
	                            .timer = true };
	int rc;

	if (l->audit == NULL || l->fan == NULL)
		return;
	if ((rc = evhold_new(&hc, live_eval, l, &l->hold)) < 0) {
		log_warnx("cannot hold file events for their process: %s", strerror(-rc));
		return;
	}
	loop_add_fd(l->loop, evhold_fd(l->hold), live_hold_ready, l);
}

static void
live_log_stats(const struct live *l)
{
	const struct evhold_stats *h;

	log_info("stopping after %llu events", (unsigned long long)l->events);
	if (l->hold == NULL)
		return;
	h = evhold_stats(l->hold);
	log_info("file events held for their process: %llu (released by exec %llu, by later "
	    "audit events %llu, expired %llu, overflow %llu, at exit %llu; at most %u at once)",
	    (unsigned long long)h->held, (unsigned long long)h->by_exec,
	    (unsigned long long)h->by_audit, (unsigned long long)h->expired,
	    (unsigned long long)h->overflow, (unsigned long long)h->flushed, h->peak);
}

static int
live_ctr_ready(int fd, uint32_t events, void *arg)
{
	struct live *l = arg;

	ctrtab_dispatch(l->ct, now_wall_ns());
	return LOOP_DONE;
}

/* A NULL-terminated copy of the N pointers of V (config lists carry a count instead). */
static const char **
live_list(char **v, size_t n)
{
	const char **out = calloc(n + 1, sizeof(*out));

	if (out == NULL)
		fatalx("out of memory");
	for (size_t i = 0; i < n; i++)
		out[i] = v[i];
	return out;
}

/* The container table from the configuration, or none when containers are disabled or the
 * table cannot be made (events are then not attributed to containers).  An emptied list is
 * an empty list, not the built-in one. */
static void
live_containers(struct live *l)
{
	const char **roots, **sockets;
	struct ctrtab_config cc;
	int rc;

	if (!l->cfg.containers_enabled)
		return;
	roots = live_list(l->cfg.containers_runc_roots, l->cfg.ncontainers_runc_roots);
	sockets = live_list(l->cfg.containers_api_sockets, l->cfg.ncontainers_api_sockets);
	cc = (struct ctrtab_config){
		.runc_roots = roots,
		.docker_root = l->cfg.containers_docker_root,
		.podman_root = l->cfg.containers_podman_root,
		.api_sockets = sockets,
		.meta_ttl_ns = (uint64_t)l->cfg.containers_meta_ttl * LIVE_NS_PER_S,
		.miss_ttl_ns = (uint64_t)l->cfg.containers_miss_ttl * LIVE_NS_PER_S,
		.host_root = l->cfg.host_root,
	};
	rc = ctrtab_new(&cc, &l->ct);           /* copies what it keeps */
	free(roots);
	free(sockets);
	if (rc < 0) {
		log_warnx("containers: %s; events are not attributed to containers", strerror(-rc));
		return;
	}
	ctrtab_set_watch(l->ct, live_container_watch, l);
	if (ctrtab_fd(l->ct) >= 0)
		loop_add_fd(l->loop, ctrtab_fd(l->ct), live_ctr_ready, l);
}

/* Whether the audit source reports the open syscalls: it installed rules for TYPES (unicast),
 * so fanotify must not report the same opens again. */
static bool
audit_has_opens(const struct live *l, const struct evtset *types)
{
	static const enum event_type opens[] = { EVT_open, EVT_openat, EVT_openat2, EVT_creat };

	if (l->audit == NULL || !audit_source_stats(l->audit)->unicast)
		return false;
	for (size_t i = 0; i < sizeof(opens) / sizeof(opens[0]); i++)
		if (evtset_has(types, opens[i]))
			return true;
	return false;
}

/* Open or retarget the sources for the current ruleset. */
static int
live_sources(struct live *l, bool reload)
{
	struct evtset types;
	struct filter_paths aps, fps;
	struct fan_source_config fc = { .max_dir_marks = (uint32_t)l->cfg.fanotify_max_dir_marks };
	bool any = false;
	int rc = 0;

	ruleset_evttypes(l->rs, &types, &any);
	/* Audit's per-path open rules and fanotify's marks serve different event types, so each
	 * gets the paths of the rule branches that can match its own. */
	ruleset_paths_collect(l->rs, FPUSE_AUDIT_OPEN, &aps);
	ruleset_paths_collect(l->rs, FPUSE_FANOTIFY, &fps);
	fc.paths = fps.v;
	fc.npaths = fps.n;
	fc.unbounded = fps.unbounded;
	fc.hostfs = l->cfg.host_root;
	if (reload) {
		if (l->audit)
			rc = audit_source_set_rules(l->audit, &types, any, &aps);
		fc.no_open = audit_has_opens(l, &types);
		if (l->fan && rc == 0)
			rc = fan_source_set_paths(l->fan, &fc);
		ruleset_paths_free(&aps);
		ruleset_paths_free(&fps);
		return rc;
	}
	struct audit_source_config ac = {
		.mode = strcmp(l->cfg.audit_mode, "unicast") == 0 ? AUDIT_MODE_UNICAST :
		    strcmp(l->cfg.audit_mode, "multicast") == 0 ? AUDIT_MODE_MULTICAST :
		    AUDIT_MODE_AUTO,
		.backlog_limit = (uint32_t)l->cfg.audit_backlog_limit,
		.types = &types,
		.any_type = any,
		.paths = &aps,
		.state_file = LIVE_STATE_DIR "/audit.state",
		.host_root = l->cfg.host_root,
	};
	/* Where the audit source keeps the host's settings across a crash. */
	if (mkdir(LIVE_STATE_DIR, 0700) < 0 && errno != EEXIST)
		ac.state_file = NULL;
	if ((rc = audit_source_open(&ac, live_event, l, &l->audit)) < 0)
		log_warnx("audit: cannot open the audit source (%s); continuing without it",
		    strerror(-rc));
	else
		loop_add_fd(l->loop, audit_source_fd(l->audit), live_audit_ready, l);
	fc.no_open = audit_has_opens(l, &types);
	if (fc.no_open)
		log_info("fanotify: opens come from audit; fanotify reports no open events");
	if (l->cfg.fanotify_enabled && (fps.n > 0 || fps.unbounded)) {
		if ((rc = fan_source_open(&fc, live_event, l, &l->fan)) < 0)
			log_warnx("fanotify: cannot open the fanotify source (%s); continuing "
			    "without it", strerror(-rc));
		else
			loop_add_fd(l->loop, fan_source_fd(l->fan), live_fan_ready, l);
	}
	ruleset_paths_free(&aps);
	ruleset_paths_free(&fps);
	return l->audit || l->fan ? 0 : -ENODEV;
}

/* Outputs from the (new) configuration; the old ones stay if the new ones cannot open. */
static void
live_reopen_outputs(struct live *l)
{
	struct output_config oc;
	struct outputs *out;
	int rc;

	output_config(&l->cfg, &oc);
	if ((rc = outputs_new(&oc, &out)) < 0) {
		log_warnx("outputs: keeping the old ones: %s", strerror(-rc));
		return;
	}
	outputs_free(l->out);
	l->out = out;
}

/* SIGHUP: read the configuration and the rules again; swap only if everything loads. */
static void
live_reload(struct live *l)
{
	struct config cfg;
	struct pathlist rules = PATHLIST_INIT;
	struct diags d = DIAGS_INIT;
	struct ruleset_opts opts;
	struct ruleset *rs = NULL;
	int rc;

	notify_send("RELOADING=1");
	rc = config_reload(l->cli, &cfg, &d);
	if (rc == 0)
		rc = collect_rule_files(l->cli, &cfg, &rules, &d);
	if (rc == 0 && (rc = load_rule_options(&cfg, &opts, &d)) == 0)
		rc = ruleset_load((const char *const *)rules.v, rules.n, &opts, &rs, &d);
	if (rc < 0) {
		char *first = d.n ? diag_format(&d.v[0]) : strdup("unknown problem");
		json_t *f = json_pack("{s:I}", "problems", (json_int_t)d.nerrors);
		diags_print(&d, stderr);
		live_internal(l, "Error", "Rules reload rejected", first ? first : "", f);
		free(first);
		config_free(&cfg);
		pathlist_free(&rules);
		diags_free(&d);
		notify_send("READY=1");
		return;
	}
	diags_print(&d, stderr);
	diags_free(&d);
	ruleset_free(l->rs);
	l->rs = rs;
	config_free(&l->cfg);
	l->cfg = cfg;
	pathlist_free(&l->rules);
	l->rules = rules;
	if (live_sources(l, true) < 0)
		log_warnx("the sources could not be retargeted to the new rules");
	live_reopen_outputs(l);
	live_internal(l, "Informational", "Rules reloaded", "configuration and rules reloaded",
	    json_pack("{s:I}", "rules", (json_int_t)ruleset_count(l->rs)));
	notify_send("READY=1");
}

static void
live_signal(int signo, void *arg)
{
	struct live *l = arg;

	switch (signo) {
	case SIGHUP:
		live_reload(l);
		break;
	case SIGUSR1:
		outputs_reopen(l->out);
		break;
	default:
		loop_stop(l->loop);
	}
}

static void
live_close(struct live *l)
{
	evhold_flush(l->hold);      /* held events are still evaluated */
	live_log_stats(l);
	evhold_free(l->hold);
	l->hold = NULL;
	audit_source_close(l->audit);	/* our audit rules go, the pid is given back */
	fan_source_close(l->fan);
	loop_free(l->loop);
	proctab_free(l->pt);
	ctrtab_free(l->ct);         /* after the process table, which borrows it */
	outputs_free(l->out);
	ruleset_free(l->rs);
	arena_free(&l->scratch);
	if (l->capture)
		fclose(l->capture);
	config_free(&l->cfg);
	pathlist_free(&l->rules);
}

int
run_live(const struct cli *cli, struct config *cfg, struct pathlist *pl)
{
	static const int signals[] = { SIGHUP, SIGUSR1, SIGTERM, SIGINT, 0 };
	struct live l = { .cli = cli, .cfg = *cfg, .rules = *pl };
	struct output_config oc;
	int rc;

	l.rs = load_rules(cfg, pl);
	output_config(cfg, &oc);
	if ((rc = outputs_new(&oc, &l.out)) < 0)
		fatalx("cannot open the outputs: %s", strerror(-rc));
	if (cli->capture && (l.capture = fopen(cli->capture, "we")) == NULL)
		fatal("cannot create %s", cli->capture);
	if ((rc = loop_new(signals, live_signal, &l, &l.loop)) < 0)
		fatalx("cannot create the event loop: %s", strerror(-rc));
	live_containers(&l);
	if ((rc = proctab_new(&(struct proctab_config){ .containers = l.ct }, &l.pt)) < 0)
		fatalx("process table: %s", strerror(-rc));
	if (live_sources(&l, false) < 0)
		fatalx("no event source could be opened (run as root?)");
	live_hold(&l);
	/* Seeding places running containers' processes, which tells the fanotify source (open
	 * by now) to watch files inside those containers. */
	if ((rc = proctab_seed(l.pt)) < 0)
		log_warnx("process table: %s", strerror(-rc));
	loop_add_timer(l.loop, LIVE_TICK_MS, live_tick, &l);
	log_info("monitoring with %zu rules", ruleset_count(l.rs));
	notify_send("READY=1");
	rc = loop_run(l.loop);
	notify_send("STOPPING=1");
	live_close(&l);
	return rc < 0 ? 1 : 0;
}
