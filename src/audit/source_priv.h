/* source_priv.h - what the files of the live audit source share (see source.h):
 *   source.c         open, the choice of mode, the kernel settings, close
 *   source_rules.c   shikra's audit rules: leftovers, install, replace, remove
 *   source_read.c    datagrams -> records -> groups -> events, delivery to the sink
 *   source_status.c  internal events, status polling, ownership, the CONFIG_CHANGE watch
 * Nothing outside these files and their tests includes it. */
#ifndef SHIKRA_AUDIT_SOURCE_PRIV_H
#define SHIKRA_AUDIT_SOURCE_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/audit.h>

#include "audit/assemble.h"
#include "audit/convert.h"
#include "audit/ctl.h"
#include "audit/source.h"

/* Larger than any audit record (the kernel's MAX_AUDIT_MESSAGE_LENGTH is 8970). */
#define ASRC_BUF_SIZE        (64 * 1024)
#define ASRC_DEFAULT_BACKLOG 8192
#define ASRC_DEFAULT_RCVBUF  (8u * 1024 * 1024)
/* A removal of one of our rules that the kernel logged without a process is taken for one of
 * ours if we made one this recently. */
#define ASRC_OWN_CHANGE_NS   (10ULL * 1000000000ULL)
/* Socket overruns are reported at most this often; the rest are counted into the next. */
#define ASRC_OVERRUN_REPORT_NS 1000000000ULL

struct mnl_socket;

/* One rule we installed, exactly as sent (the kernel deletes a rule given the same data). */
struct asrc_rule {
	struct audit_rule_data *data;
	size_t len;
};

struct audit_source {
	struct audit_source_config cfg;   /* cfg.types points at TYPES below */
	struct evtset types;
	char *host_root;                 /* our copy of cfg.host_root, "" when off */
	event_fn *sink;
	void *arg;
	pid_t self;

	struct audit_ctl *ctl;           /* requests; never carries records */
	bool ctl_ok;                     /* the kernel answers them (CAP_AUDIT_CONTROL) */
	struct mnl_socket *data;         /* the record stream */
	bool managed;                    /* unicast set-up done: close undoes it */
	bool registered;                 /* the kernel's audit pid is ours */
	struct audit_status found;       /* as open found it */
	struct audit_status mine;        /* the values open set */
	uint32_t changed;                /* AUDIT_STATUS_* bits open changed */

	struct asrc_rule *rules;
	size_t nrules;

	struct audit_asm *assembler;
	struct audit_convert_stats conv;
	char *buf;                       /* ASRC_BUF_SIZE bytes */
	int sink_err;                    /* the sink asked us to stop */

	uint32_t lost_seen;              /* the kernel's lost counter, as last reported */
	uint64_t overruns_pending;       /* ENOBUFS not reported yet */
	uint64_t overrun_report_ns;
	uint32_t own_removes;            /* rule removals of ours not yet seen as CONFIG_CHANGE */
	uint64_t own_change_ns;
	struct audit_source_stats st;
};

/* An internal event being prepared: kv "rule", "priority", "msg", then the counts. */
struct asrc_note {
	const char *rule;                /* "Audit events lost" */
	const char *priority;            /* Falco priority name: "Critical", "Warning" */
	char msg[256];
	struct { const char *key; uint64_t value; } counts[4];
	unsigned ncounts;
};


/* source_found.c: the settings as the host had them, kept in cfg.state_file across a crash.
 * recall: if the file exists and our leftover rules (or LEFTOVERS) show a crashed run, take
 * its values into s->found.  save: write s->found after open changed something.  forget:
 * remove the file after close restored the settings.  All are no-ops without a state file;
 * a missing, stale or malformed file is ignored, never an error. */
void asrc_found_recall(struct audit_source *s, bool leftovers);
void asrc_found_save(const struct audit_source *s);
void asrc_found_forget(const struct audit_source *s);

/* source.c */
int  asrc_register(struct audit_source *s);      /* AUDIT_SET pid on the data socket */

/* source_rules.c: all 0 or -errno. */
int  asrc_rules_clear_leftovers(struct audit_source *s);
int  asrc_rules_install(struct audit_source *s, const struct evtset *types, bool any,
                        const struct filter_paths *paths);
void asrc_rules_remove(struct audit_source *s);
int  asrc_rules_count_ours(struct audit_source *s, unsigned *n);

/* source_read.c: hand EV (owned) to the sink, counting it; the assembler's callback. */
void asrc_deliver(struct audit_source *s, struct event *ev);
void asrc_group(struct audit_record *recs, uint32_t n, bool complete, void *arg);

/* source_status.c */
void asrc_note_count(struct asrc_note *n, const char *key, uint64_t value);
void asrc_internal(struct audit_source *s, const struct asrc_note *n);
void asrc_overrun(struct audit_source *s, uint64_t now_ns);
void asrc_replace(struct audit_source *s, uint32_t pid);
/* If EV is a CONFIG_CHANGE from someone else that removes one of our rules or switches
 * audit off, describe it in *N and return true.  EV is only read. */
bool asrc_watch(struct audit_source *s, const struct event *ev, struct asrc_note *n);

#endif
