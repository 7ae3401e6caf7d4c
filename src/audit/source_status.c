/* source_status.c - what the live audit source tells about its own health (see source.h).
 *
 * This file owns the internal events: losses (the kernel's lost counter, socket overruns),
 * ownership (someone else registered, or the kernel dropped our registration), and
 * configuration changes by others that hurt us (our rules deleted, audit switched off).
 * Internal events follow the convention documented at EVC_INTERNAL in event/event.h, and
 * each is also written to the operator log.  The kernel's status is polled from
 * audit_source_tick(); nothing here reads records. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include "audit/source_priv.h"
#include "core/log.h"
#include "core/now.h"
#include "rules/auditrules.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

static void note_init(struct asrc_note *n, const char *rule, const char *priority,
                      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
note_init(struct asrc_note *n, const char *rule, const char *priority, const char *fmt, ...)
{
	va_list ap;

	memset(n, 0, sizeof(*n));
	n->rule = rule;
	n->priority = priority;
	va_start(ap, fmt);
	vsnprintf(n->msg, sizeof(n->msg), fmt, ap);
	va_end(ap);
}

void
asrc_note_count(struct asrc_note *n, const char *key, uint64_t value)
{
	if (n->ncounts >= sizeof(n->counts) / sizeof(n->counts[0]))
		return;
	n->counts[n->ncounts].key = key;
	n->counts[n->ncounts++].value = value;
}

void
asrc_internal(struct audit_source *s, const struct asrc_note *n)
{
	struct event *ev = event_new(EVT_internal, EVS_INTERNAL);
	char num[24];

	ev->ts_ns = now_wall_ns();
	event_add_kv(ev, "rule", n->rule);
	event_add_kv(ev, "priority", n->priority);
	event_add_kv(ev, "msg", n->msg);
	for (unsigned i = 0; i < n->ncounts; i++) {
		snprintf(num, sizeof(num), "%" PRIu64, n->counts[i].value);
		event_add_kv(ev, n->counts[i].key, num);
	}
	log_warnx("audit: %s", n->msg);
	asrc_deliver(s, ev);
}

/* --- losses -------------------------------------------------------------------------------- */

static void
report_overruns(struct audit_source *s, uint64_t now_ns)
{
	struct asrc_note n;

	note_init(&n, "Audit events lost", "Critical",
	          "the audit socket overran %" PRIu64 " times: records that shikra did not read "
	          "in time were dropped", s->overruns_pending);
	asrc_note_count(&n, "overruns", s->overruns_pending);
	asrc_note_count(&n, "total_overruns", s->st.enobufs);
	s->overruns_pending = 0;
	s->overrun_report_ns = now_ns;
	asrc_internal(s, &n);
}

void
asrc_overrun(struct audit_source *s, uint64_t now_ns)
{
	s->st.enobufs++;
	s->overruns_pending++;
	if (now_ns - s->overrun_report_ns >= ASRC_OVERRUN_REPORT_NS)
		report_overruns(s, now_ns);
}

/* The kernel counts every record it could not queue or send; report what is new. */
static void
check_lost(struct audit_source *s, const struct audit_status *st)
{
	struct asrc_note n;
	uint32_t delta;

	if (st->lost == s->lost_seen)
		return;
	/* A smaller value means someone reset the counter: what it shows now is new. */
	delta = st->lost > s->lost_seen ? st->lost - s->lost_seen : st->lost;
	s->lost_seen = st->lost;
	if (delta == 0)
		return;
	note_init(&n, "Audit events lost", "Critical",
	          "the kernel dropped %" PRIu32 " audit records (backlog %" PRIu32 " of %" PRIu32
	          "): events went unseen", delta, st->backlog, st->backlog_limit);
	asrc_note_count(&n, "lost", delta);
	asrc_note_count(&n, "total_lost", st->lost);
	asrc_note_count(&n, "backlog", st->backlog);
	asrc_note_count(&n, "backlog_limit", st->backlog_limit);
	asrc_internal(s, &n);
}

/* --- ownership ----------------------------------------------------------------------------- */

static int
join_multicast(struct audit_source *s)
{
	int group = AUDIT_NLGRP_READLOG;

	if (setsockopt(mnl_socket_get_fd(s->data), SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group,
	               sizeof(group)) < 0)
		return -errno;
	s->st.unicast = false;
	return 0;
}

/* Our registration is gone: the kernel dropped it (pid 0), or another process holds it. */
static void
lost_ownership(struct audit_source *s, uint32_t pid)
{
	struct asrc_note n;
	int rc;

	s->registered = false;
	if (pid == 0 && (rc = asrc_register(s)) == 0) {
		note_init(&n, "Audit ownership lost", "Critical",
		          "the kernel stopped sending audit records to shikra; shikra registered "
		          "again, records in between are lost");
	} else if ((rc = join_multicast(s)) == 0) {
		note_init(&n, "Audit ownership taken", "Critical",
		          "process %" PRIu32 " took over audit; shikra now reads the multicast "
		          "group read-only and keeps its rules until it exits", pid);
	} else {
		note_init(&n, "Audit ownership taken", "Critical",
		          "process %" PRIu32 " took over audit; shikra cannot read the multicast "
		          "group (%s) and receives no more audit events", pid, strerror(-rc));
	}
	asrc_note_count(&n, "pid", pid);
	asrc_internal(s, &n);
}

static void
check_owner(struct audit_source *s, const struct audit_status *st)
{
	if (s->registered && st->pid != (uint32_t)s->self)
		lost_ownership(s, st->pid);
}

void
asrc_replace(struct audit_source *s, uint32_t pid)
{
	struct audit_status st;
	struct asrc_note n;

	/* The kernel sends AUDIT_REPLACE to the registered reader whenever anyone sets the pid,
	 * ourselves included, to see whether the reader is still alive. */
	if (pid == (uint32_t)s->self)
		return;
	note_init(&n, "Audit ownership contested", "Warning",
	          "process %" PRIu32 " tried to take over audit (AUDIT_REPLACE)", pid);
	asrc_note_count(&n, "pid", pid);
	asrc_internal(s, &n);
	if (s->ctl_ok && audit_ctl_get(s->ctl, &st) == 0)
		check_owner(s, &st);
}

/* --- configuration changes by others ------------------------------------------------------- */

static bool
own_removal(struct audit_source *s, const struct event *ev)
{
	if (ev->pid != EVENT_NUM_UNSET || s->own_removes == 0 ||
	    now_wall_ns() - s->own_change_ns > ASRC_OWN_CHANGE_NS)
		return false;
	s->own_removes--;
	return true;
}

static bool
kv_is(const struct event *ev, const char *key, const char *value)
{
	const char *v = event_get_kv(ev, key);

	return v != NULL && strcmp(v, value) == 0;
}

bool
asrc_watch(struct audit_source *s, const struct event *ev, struct asrc_note *n)
{
	char who[32] = "an unknown process";

	if (ev->type != EVT_CONFIG_CHANGE || ev->success == 0)
		return false;
	if (ev->pid != EVENT_NUM_UNSET)
		snprintf(who, sizeof(who), "process %" PRId64, ev->pid);
	if ((kv_is(ev, "op", "remove_rule") || kv_is(ev, "op", "remove rule")) &&
	    kv_is(ev, "key", AUDITRULES_KEY)) {
		if (own_removal(s, ev))
			return false;
		note_init(n, "Audit rules removed", "Critical",
		          "%s deleted an audit rule with key %s: shikra no longer sees the syscalls "
		          "that rule asked for", who, AUDITRULES_KEY);
	} else if (kv_is(ev, "audit_enabled", "0")) {
		note_init(n, "Audit disabled", "Critical",
		          "%s switched audit off: no more audit events will arrive", who);
	} else {
		return false;
	}
	if (ev->pid != EVENT_NUM_UNSET)
		asrc_note_count(n, "pid", (uint64_t)ev->pid);
	return true;
}

/* --- polling ------------------------------------------------------------------------------- */

void
audit_source_tick(struct audit_source *s, uint64_t now_ns)
{
	struct audit_status st;
	int rc;

	audit_asm_expire(s->assembler, now_ns);
	if (s->overruns_pending > 0 && now_ns - s->overrun_report_ns >= ASRC_OVERRUN_REPORT_NS)
		report_overruns(s, now_ns);
	if (!s->ctl_ok)
		return;
	if ((rc = audit_ctl_get(s->ctl, &st)) < 0) {
		log_debug("audit: cannot read the audit status: %s", strerror(-rc));
		return;
	}
	s->st.kernel_lost = st.lost;
	s->st.kernel_backlog = st.backlog;
	check_lost(s, &st);
	check_owner(s, &st);
}
