/* source.h - the live audit source: the kernel's audit netlink socket.
 * Modes: unicast when nothing owns audit (register our pid, backlog_limit >= the configured
 * value, backlog_wait_time 0 so workloads never stall, a large SO_RCVBUF), multicast
 * (AUDIT_NLGRP_READLOG, read-only, no rule management) when auditd or anything else alive owns
 * it; auto picks.  In unicast mode the source installs the audit rules the ruleset needs (both
 * arches, our key, our own pid excluded), deletes leftovers carrying our key at start, and at
 * close deletes its rules, gives the pid back and restores the enabled flag, backlog_limit and
 * backlog_wait_time it found (each only if it still holds the value the source set, and only
 * while no other process owns audit); it never touches other rules and never switches audit
 * off while it runs.  Events of our own process are dropped in both modes.  Records are parsed, assembled (EOE ends a
 * group) and converted exactly as in replay.  The kernel's lost/backlog counters are polled;
 * ENOBUFS, lost records, losing ownership (AUDIT_REPLACE, another pid registered) and
 * CONFIG_CHANGE records from anyone else become EVT_internal events on the same stream (kv:
 * "rule", "priority", "msg", plus counts), so the outputs report them like alerts. */
#ifndef SHIKRA_AUDIT_SOURCE_H
#define SHIKRA_AUDIT_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event/event.h"
#include "rules/auditrules.h"

enum audit_mode { AUDIT_MODE_AUTO, AUDIT_MODE_UNICAST, AUDIT_MODE_MULTICAST };

struct audit_source_config {
	enum audit_mode mode;
	uint32_t backlog_limit;            /* unicast: raise the kernel's limit to at least this;
	                                    * 0 = 8192 */
	uint32_t rcvbuf;                   /* SO_RCVBUF(FORCE) bytes; 0 = 8 MiB */
	const struct evtset *types;        /* what the rules need (ruleset_evttypes()) */
	bool any_type;
	/* The rules' file paths (ruleset_paths()), read during open only: they bound the open
	 * family's rules (see rules/auditrules.h).  NULL = every open is audited. */
	const struct filter_paths *paths;
	/* Where open records the settings it found before changing them (NULL = nowhere), so
	 * that after a crash (kill -9) the next run still restores what the host had, not what
	 * the crashed run had set.  Removed at a clean close. */
	const char *state_file;
	/* Where the host's / is mounted in our mount namespace ("" or NULL: it is ours); the
	 * kernel resolves -F dir= and -F path= in the namespace of the process that adds the rule,
	 * so every rule path gets this prefix (core/hostpath.h).  Events are unaffected: audit
	 * reports the names the audited process used.  Copied at open; a reload keeps it. */
	const char *host_root;
};

struct audit_source_stats {
	bool unicast;                      /* the mode in use */
	uint64_t messages;                 /* netlink messages read */
	uint64_t records;                  /* audit records parsed */
	uint64_t bad_records;              /* datagrams or records that did not parse */
	uint64_t bad_groups;               /* record groups that make no event */
	uint64_t self_events;              /* events of our own process, dropped */
	uint64_t events;                   /* events handed to the sink, internal ones included */
	uint64_t internal;                 /* ... of which internal events */
	uint64_t enobufs;                  /* socket overruns */
	uint64_t kernel_lost;              /* the kernel's lost counter, as last read */
	uint64_t kernel_backlog;           /* the kernel's backlog, as last read */
	uint32_t rules_installed;
};

struct audit_source;

/* Open the socket, choose the mode, configure audit and install the rules.  SINK receives
 * every event (and internal events).  0 or -errno (-EPERM without CAP_AUDIT_CONTROL/READ). */
int  audit_source_open(const struct audit_source_config *cfg, event_fn *sink, void *arg,
                       struct audit_source **out);
int  audit_source_fd(const struct audit_source *s);
/* Read at most BUDGET messages.  Returns 0 (drained), 1 (budget used up, more to read) or
 * -errno on a fatal socket error, or the sink's own -errno when it asked to stop. */
int  audit_source_read(struct audit_source *s, unsigned budget);
/* Housekeeping: poll lost/backlog, expire incomplete groups.  NOW_NS is the wall clock. */
void audit_source_tick(struct audit_source *s, uint64_t now_ns);
/* Replace the installed rules after a reload, for TYPES and PATHS as in the config (unicast
 * only; no-op in multicast).  0/-errno. */
int  audit_source_set_rules(struct audit_source *s, const struct evtset *types, bool any,
                            const struct filter_paths *paths);
/* Undo everything open did (rules, pid, enabled flag) and free.  NULL-safe. */
void audit_source_close(struct audit_source *s);
const struct audit_source_stats *audit_source_stats(const struct audit_source *s);

#endif
