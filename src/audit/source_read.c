/* source_read.c - the live audit source's receive path (see source.h).
 *
 * This file owns turning datagrams into events: one datagram is one netlink message holding
 * one record; the record is parsed (record.c), grouped by (timestamp, serial) until its EOE
 * (assemble.c), converted (convert.c) and handed to the sink.  Work per call is bounded by
 * the caller's budget.  It does not own the sockets (source.c) or what the internal events
 * say (source_status.c).
 *
 * The kernel's length field is not the payload's length in every case: audit_log_end() sets
 * nlmsg_len to the payload length alone for unicast records, while multicast copies and
 * control answers carry the whole message length.  A datagram is accepted when nlmsg_len is
 * one of the two, and the payload is what recv() returned minus the header. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include "audit/source_priv.h"
#include "core/log.h"
#include "core/now.h"

void
asrc_deliver(struct audit_source *s, struct event *ev)
{
	int rc;

	if (s->sink_err != 0) {
		event_free(ev);	/* the sink asked to stop */
		return;
	}
	s->st.events++;
	if (ev->source == EVS_INTERNAL)
		s->st.internal++;
	rc = s->sink(ev, s->arg);
	if (rc < 0)
		s->sink_err = rc;
}

/* The assembler's callback: convert a finished group, drop our own process's events, hand
 * the rest to the sink, and tell about configuration changes that hurt us. */
void
asrc_group(struct audit_record *recs, uint32_t n, bool complete, void *arg)
{
	struct audit_source *s = arg;
	struct asrc_note note;
	struct event *ev = NULL;
	const char *why = NULL;
	bool hurt;
	int rc;

	if (s->sink_err != 0)
		return;
	rc = audit_convert(recs, n, &ev, &s->conv, &why);
	if (rc == -ENOENT)
		return;
	if (rc < 0) {
		s->st.bad_groups++;
		log_debug("audit: record group %llu skipped: %s", (unsigned long long)recs[0].serial,
		          why != NULL ? why : strerror(-rc));
		return;
	}
	if (ev->pid == (int64_t)s->self) {
		s->st.self_events++;
		event_free(ev);
		return;
	}
	hurt = asrc_watch(s, ev, &note);
	asrc_deliver(s, ev);
	if (hurt)
		asrc_internal(s, &note);
}

/* Parse one record's text and give it to the assembler. */
static void
take_record(struct audit_source *s, int type, const char *body, size_t len, uint64_t now)
{
	struct audit_record rec;
	const char *why = NULL;
	int rc;

	/* Some senders end the text with a NUL or a newline; neither is part of the record. */
	while (len > 0 && (body[len - 1] == '\0' || body[len - 1] == '\n'))
		len--;
	rc = audit_record_parse_body(type, body, len, &rec, &why);
	if (rc < 0) {
		s->st.bad_records++;
		log_debug("audit: record of type %d skipped: %s", type,
		          why != NULL ? why : strerror(-rc));
		return;
	}
	s->st.records++;
	audit_asm_add(s->assembler, &rec, now);
}

/* One datagram of N bytes in s->buf. */
static void
take_datagram(struct audit_source *s, size_t n, uint64_t now)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)s->buf;
	const char *payload = s->buf + NLMSG_HDRLEN;
	size_t plen;
	uint32_t pid;

	if (n < NLMSG_HDRLEN || (nlh->nlmsg_len != n && nlh->nlmsg_len != n - NLMSG_HDRLEN)) {
		s->st.bad_records++;
		return;
	}
	plen = n - NLMSG_HDRLEN;
	if (nlh->nlmsg_type == AUDIT_REPLACE) {
		if (plen < sizeof(pid)) {
			s->st.bad_records++;
			return;
		}
		memcpy(&pid, payload, sizeof(pid));
		asrc_replace(s, pid);
	} else if (nlh->nlmsg_type >= AUDIT_FIRST_USER_MSG &&
	           nlh->nlmsg_type <= AUDIT_LAST_USER_MSG2) {
		take_record(s, nlh->nlmsg_type, payload, plen, now);
	} else if (nlh->nlmsg_type == NLMSG_ERROR && plen >= sizeof(struct nlmsgerr)) {
		const struct nlmsgerr *e = (const struct nlmsgerr *)payload;
		if (e->error != 0)
			log_debug("audit: the kernel refused a request: %s", strerror(-e->error));
	}
	/* Anything else (NLMSG_NOOP, DONE, control answers) carries no record. */
}

int
audit_source_read(struct audit_source *s, unsigned budget)
{
	int fd = mnl_socket_get_fd(s->data);
	uint64_t now = now_wall_ns();
	size_t n;
	int rc;

	for (unsigned i = 0; i < budget; i++) {
		if (s->sink_err != 0)
			return s->sink_err;
		rc = audit_ctl_recv(fd, s->buf, ASRC_BUF_SIZE, MSG_DONTWAIT, &n);
		if (rc == -EAGAIN)
			return 0;
		if (rc == -ENOBUFS) {
			asrc_overrun(s, now);
			continue;
		}
		if (rc == -EMSGSIZE || rc == -EBADMSG) {
			s->st.bad_records++;
			continue;
		}
		if (rc == -EINTR)
			continue;
		if (rc < 0)
			return rc;
		s->st.messages++;
		take_datagram(s, n, now);
	}
	return s->sink_err != 0 ? s->sink_err : 1;
}
