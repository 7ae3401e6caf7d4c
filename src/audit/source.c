/* source.c - the live audit source: open, choice of mode, kernel settings, close.
 *
 * This file owns the two sockets and the kernel settings shikra changes.  The data socket
 * carries records only: in unicast mode it is the socket whose AUDIT_SET registered our pid
 * (the kernel sends records to the port that registered), in multicast mode it is bound to
 * AUDIT_NLGRP_READLOG.  Every other request goes over the control channel (ctl.h), so no
 * request ever has to pick its answer out of the record stream.
 *
 * Unicast set-up, in this order so that no record goes to the kernel log in between: register
 * the pid, raise backlog_limit, set backlog_wait_time to 0, enable audit if it was off, delete
 * leftover rules with our key, install ours.  Close undoes it in reverse: our rules, then the
 * settings (each only if it still holds our value, and only while nobody else owns audit), and
 * the pid last.  A failed set-up is undone the same way before open returns.
 *
 * What this file does not own: the rules themselves (source_rules.c), reading
 * (source_read.c), polling and internal events (source_status.c). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include "audit/source_priv.h"
#include "core/log.h"
#include "core/now.h"

#define AUDIT_ENABLED_LOCKED 2

static bool
owner_alive(uint32_t pid, pid_t self)
{
	if (pid == 0 || pid == (uint32_t)self || pid > INT_MAX)
		return false;
	return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

/* Open the data socket, bound to GROUPS (0 for unicast), with a large receive buffer: the
 * forced size needs CAP_NET_ADMIN, the plain one is capped by net.core.rmem_max. */
static int
open_data(struct audit_source *s, unsigned groups)
{
	uint32_t want = s->cfg.rcvbuf ? s->cfg.rcvbuf : ASRC_DEFAULT_RCVBUF;
	int sz = want > INT_MAX / 2 ? INT_MAX / 2 : (int)want;
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_AUDIT, SOCK_CLOEXEC | SOCK_NONBLOCK);
	int fd, rc;

	if (nl == NULL)
		return -errno;
	fd = mnl_socket_get_fd(nl);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz)) < 0)
		log_warn("audit: cannot set the socket's receive buffer to %d bytes", sz);
	if (mnl_socket_bind(nl, groups, MNL_SOCKET_AUTOPID) < 0) {
		rc = -errno;
		mnl_socket_close(nl);
		return rc;
	}
	s->data = nl;
	return 0;
}

static void
close_data(struct audit_source *s)
{
	if (s->data != NULL)
		mnl_socket_close(s->data);
	s->data = NULL;
}

/* The error the kernel sent to the data socket for a refused AUDIT_SET, if any. */
static int
data_error(struct audit_source *s)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)s->buf;
	size_t n;

	while (audit_ctl_recv(mnl_socket_get_fd(s->data), s->buf, ASRC_BUF_SIZE, MSG_DONTWAIT,
	                      &n) == 0) {
		if (n >= NLMSG_HDRLEN + sizeof(struct nlmsgerr) && nlh->nlmsg_type == NLMSG_ERROR &&
		    nlh->nlmsg_len <= n) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
			if (e->error < 0)
				return e->error;
		}
	}
	return 0;
}

int
asrc_register(struct audit_source *s)
{
	union {
		struct nlmsghdr h;
		char b[MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct audit_status))];
	} buf;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(&buf);
	struct audit_status st = { .mask = AUDIT_STATUS_PID, .pid = (uint32_t)s->self };
	int rc;

	nlh->nlmsg_type = AUDIT_SET;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(st)), &st, sizeof(st));
	/* No ACK asked: it would share the socket with the records that may follow at once.
	 * The kernel handles the request before sendto() returns, so the status tells. */
	if (mnl_socket_sendto(s->data, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	if ((rc = audit_ctl_get(s->ctl, &st)) < 0)
		return rc;
	if (st.pid == (uint32_t)s->self) {
		s->registered = true;
		return 0;
	}
	rc = data_error(s);
	return rc < 0 ? rc : -EEXIST;
}

/* Set one member (MASK) to the value in WANT, remembering it for close. */
static int
change(struct audit_source *s, uint32_t mask, const struct audit_status *want)
{
	int rc = audit_ctl_set(s->ctl, mask, want);

	if (rc < 0)
		return rc;
	s->changed |= mask;
	return 0;
}

static int
configure(struct audit_source *s)
{
	uint32_t limit = s->cfg.backlog_limit ? s->cfg.backlog_limit : ASRC_DEFAULT_BACKLOG;
	struct audit_status *m = &s->mine;
	int rc;

	if (s->found.backlog_limit < limit) {
		m->backlog_limit = limit;
		if ((rc = change(s, AUDIT_STATUS_BACKLOG_LIMIT, m)) < 0)
			return rc;
	}
	if (s->found.backlog_wait_time != 0) {
		m->backlog_wait_time = 0;
		rc = change(s, AUDIT_STATUS_BACKLOG_WAIT_TIME, m);
		/* Kernels before 3.14 have no wait time: nothing then stalls on the backlog. */
		if (rc < 0 && rc != -EINVAL)
			return rc;
	}
	if (s->found.enabled == 0) {
		m->enabled = 1;
		if ((rc = change(s, AUDIT_STATUS_ENABLED, m)) < 0)
			return rc;
	}
	return 0;
}

/* The settings open may change, in the order close puts them back: the enabled flag last, so
 * that the other changes are still logged to us rather than to the kernel log. */
static const struct {
	uint32_t bit;
	size_t off;
} settings[] = {
	{ .bit = AUDIT_STATUS_BACKLOG_WAIT_TIME,
	  .off = offsetof(struct audit_status, backlog_wait_time) },
	{ .bit = AUDIT_STATUS_BACKLOG_LIMIT, .off = offsetof(struct audit_status, backlog_limit) },
	{ .bit = AUDIT_STATUS_ENABLED, .off = offsetof(struct audit_status, enabled) },
};

static uint32_t
setting(const struct audit_status *st, size_t off)
{
	uint32_t v;

	memcpy(&v, (const char *)st + off, sizeof(v));
	return v;
}

/* Put back the settings open changed that still hold open's values. */
static void
restore(struct audit_source *s, const struct audit_status *now)
{
	for (size_t i = 0; i < sizeof(settings) / sizeof(settings[0]); i++) {
		uint32_t bit = settings[i].bit;
		int rc;
		if (!(s->changed & bit) ||
		    setting(now, settings[i].off) != setting(&s->mine, settings[i].off))
			continue;
		if ((rc = audit_ctl_set(s->ctl, bit, &s->found)) < 0)
			log_warnx("audit: cannot restore a setting (mask 0x%x): %s", bit,
			          strerror(-rc));
	}
	s->changed = 0;
}

/* Undo the unicast set-up: our rules, the settings, the pid. */
static void
unmanage(struct audit_source *s)
{
	struct audit_status now, zero = { 0 };
	int rc;

	if (!s->managed)
		return;
	asrc_rules_remove(s);
	if ((rc = audit_ctl_get(s->ctl, &now)) < 0) {
		log_warnx("audit: cannot read the audit status to restore it: %s", strerror(-rc));
	} else if (now.pid == (uint32_t)s->self || now.pid == 0) {
		restore(s, &now);
		asrc_found_forget(s);
		if (now.pid == (uint32_t)s->self && (rc = audit_ctl_set(s->ctl, AUDIT_STATUS_PID,
		                                                        &zero)) < 0)
			log_warnx("audit: cannot give the audit pid back: %s", strerror(-rc));
	} else {
		log_info("audit: pid %u owns audit now; its settings are left alone", now.pid);
	}
	s->managed = false;
	s->registered = false;
}

static int
start_unicast(struct audit_source *s)
{
	int rc = -EPERM;

	if (!s->ctl_ok)
		return rc;
	if (s->found.enabled == AUDIT_ENABLED_LOCKED) {
		log_warnx("audit: the audit configuration is locked (enabled=2): no rules can be "
		          "installed");
		return rc;
	}
	if (owner_alive(s->found.pid, s->self))
		return -EEXIST;
	if ((rc = open_data(s, 0)) < 0 || (rc = asrc_register(s)) < 0)
		goto fail;
	s->managed = true;
	/* A crashed run left its rules and its settings: restore the host's, not its. */
	unsigned leftovers = 0;
	if (asrc_rules_count_ours(s, &leftovers) == 0)
		asrc_found_recall(s, leftovers > 0);
	if ((rc = configure(s)) < 0)
		goto fail;
	asrc_found_save(s);
	if ((rc = asrc_rules_clear_leftovers(s)) < 0 ||
	    (rc = asrc_rules_install(s, &s->types, s->cfg.any_type, s->cfg.paths)) < 0)
		goto fail;
	s->st.unicast = true;
	log_info("audit: unicast reader (pid %ld), %zu rules installed", (long)s->self, s->nrules);
	return 0;
fail:
	unmanage(s);
	close_data(s);
	return rc;
}

static int
start_multicast(struct audit_source *s)
{
	unsigned n = 0;
	int rc = open_data(s, 1u << (AUDIT_NLGRP_READLOG - 1));

	if (rc < 0)
		return rc;
	s->st.unicast = false;
	if (!s->ctl_ok || asrc_rules_count_ours(s, &n) < 0)
		log_warnx("audit: reading the audit multicast group read-only; shikra installs no "
		          "audit rules here: load the output of `shikra --print-audit-rules` into "
		          "auditd (e.g. /etc/audit/rules.d/shikra.rules)");
	else
		log_warnx("audit: pid %u owns audit, so shikra reads the multicast group read-only "
		          "and installs no audit rules (%u loaded rules carry key %s): load the "
		          "output of `shikra --print-audit-rules` into auditd (e.g. "
		          "/etc/audit/rules.d/shikra.rules)", s->found.pid, n, AUDITRULES_KEY);
	return 0;
}

static int
start(struct audit_source *s)
{
	int rc;

	switch (s->cfg.mode) {
	case AUDIT_MODE_UNICAST:
		return start_unicast(s);
	case AUDIT_MODE_MULTICAST:
		return start_multicast(s);
	case AUDIT_MODE_AUTO:
		break;
	}
	if (s->ctl_ok && s->found.enabled != AUDIT_ENABLED_LOCKED &&
	    !owner_alive(s->found.pid, s->self)) {
		rc = start_unicast(s);
		if (rc == 0 || rc == -ENOMEM)
			return rc;
		log_info("audit: cannot read audit as its owner (%s)", strerror(-rc));
	}
	return start_multicast(s);
}

int
audit_source_open(const struct audit_source_config *cfg, event_fn *sink, void *arg,
                  struct audit_source **out)
{
	struct audit_source *s = calloc(1, sizeof(*s));
	int rc = -ENOMEM;

	*out = NULL;
	if (s == NULL)
		goto fail;
	s->cfg = *cfg;
	if (cfg->types != NULL)
		s->types = *cfg->types;
	s->cfg.types = &s->types;
	s->host_root = strdup(cfg->host_root ? cfg->host_root : "");
	s->cfg.host_root = s->host_root;
	s->sink = sink;
	s->arg = arg;
	s->self = getpid();
	if (s->host_root == NULL || (s->buf = malloc(ASRC_BUF_SIZE)) == NULL ||
	    (rc = audit_asm_new(NULL, asrc_group, s, &s->assembler)) < 0)
		goto fail;
	if ((rc = audit_ctl_open(&s->ctl)) < 0)
		goto fail;
	rc = audit_ctl_get(s->ctl, &s->found);
	s->ctl_ok = rc == 0;
	if (rc < 0 && cfg->mode == AUDIT_MODE_UNICAST)
		goto fail;
	s->lost_seen = s->found.lost;
	s->st.kernel_lost = s->found.lost;
	rc = start(s);
	s->cfg.paths = NULL;            /* the caller's, valid during open only */
	if (rc < 0)
		goto fail;
	*out = s;
	return 0;
fail:
	audit_source_close(s);
	return rc;
}

int
audit_source_fd(const struct audit_source *s)
{
	return mnl_socket_get_fd(s->data);
}

int
audit_source_set_rules(struct audit_source *s, const struct evtset *types, bool any,
                       const struct filter_paths *paths)
{
	if (!s->managed)
		return 0;
	s->types = *types;
	s->cfg.any_type = any;
	return asrc_rules_install(s, &s->types, any, paths);
}

const struct audit_source_stats *
audit_source_stats(const struct audit_source *s)
{
	return &s->st;
}

void
audit_source_close(struct audit_source *s)
{
	if (s == NULL)
		return;
	unmanage(s);
	close_data(s);
	audit_ctl_close(s->ctl);
	audit_asm_free(s->assembler);
	free(s->rules);
	free(s->buf);
	free(s->host_root);
	free(s);
}
