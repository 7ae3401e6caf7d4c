/* ctl.c - the audit control channel (see ctl.h).
 *
 * This file owns the request/answer exchange on a NETLINK_AUDIT socket that carries no
 * records: framing requests with libmnl, waiting (bounded) for the answer that carries the
 * request's sequence number, and checking every answer before use.  It knows nothing of
 * what the settings mean to shikra (source.c) or which rules are shikra's (source_rules.c).
 *
 * Why not libaudit's audit_send()/audit_get_reply(): they wait for answers on whatever
 * socket they are given, with their own timeouts and messages to syslog, and would have to
 * share a socket with the record stream; libmnl leaves framing, lengths and waiting here,
 * where they are checked.  Answers to AUDIT_GET and AUDIT_LIST_RULES come from a kernel
 * thread and may arrive after the ACK of their request, so those two are sent without
 * NLM_F_ACK and end with their own answer (or an error); settings and rule changes are
 * answered by the ACK alone. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>

#include "audit/ctl.h"
#include "core/now.h"

/* Rule answers are about 1 KiB plus their strings; status answers are tiny. */
#define CTL_BUF_SIZE (64 * 1024)

struct audit_ctl {
	struct mnl_socket *nl;
	uint32_t seq;
	char *buf;
};

/* What one answer message means to the request waiting for it: 1 done, 0 go on, -errno. */
typedef int ctl_answer_fn(const struct nlmsghdr *nlh, void *arg);

int
audit_ctl_open(struct audit_ctl **out)
{
	struct audit_ctl *c = calloc(1, sizeof(*c));
	int rc = -ENOMEM;

	*out = NULL;
	if (c == NULL || (c->buf = malloc(CTL_BUF_SIZE)) == NULL)
		goto fail;
	c->nl = mnl_socket_open2(NETLINK_AUDIT, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (c->nl == NULL || mnl_socket_bind(c->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		rc = errno ? -errno : -EIO;
		goto fail;
	}
	c->seq = (uint32_t)time(NULL);
	*out = c;
	return 0;
fail:
	audit_ctl_close(c);
	return rc;
}

void
audit_ctl_close(struct audit_ctl *c)
{
	if (c == NULL)
		return;
	if (c->nl != NULL)
		mnl_socket_close(c->nl);
	free(c->buf);
	free(c);
}

/* --- framing and waiting ------------------------------------------------------------------- */

/* Drop whatever an earlier request left unread (an answer that came after its timeout). */
static void
ctl_drain(struct audit_ctl *c)
{
	while (recv(mnl_socket_get_fd(c->nl), c->buf, CTL_BUF_SIZE, MSG_DONTWAIT | MSG_TRUNC) >= 0)
		;
}

static int
ctl_send(struct audit_ctl *c, uint16_t type, uint16_t flags, const void *p, size_t len)
{
	struct nlmsghdr *nlh;

	if (len > CTL_BUF_SIZE - MNL_NLMSG_HDRLEN)
		return -EMSGSIZE;
	ctl_drain(c);
	nlh = mnl_nlmsg_put_header(c->buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++c->seq;
	if (len > 0)
		memcpy(mnl_nlmsg_put_extra_header(nlh, len), p, len);
	if (mnl_socket_sendto(c->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	return 0;
}

/* Hand each message of the datagram in c->buf (N bytes) that answers the current request to
 * FN, until FN says it is done.  Messages of other sequence numbers are stale: skipped. */
static int
ctl_walk(struct audit_ctl *c, size_t n, ctl_answer_fn *fn, void *arg)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)c->buf;
	int len = (int)n, rc;

	for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		if (nlh->nlmsg_seq != c->seq)
			continue;
		if ((rc = fn(nlh, arg)) != 0)
			return rc;
	}
	return 0;
}

/* Wait for the answer to the request just sent. */
static int
ctl_wait(struct audit_ctl *c, ctl_answer_fn *fn, void *arg)
{
	int64_t deadline = (int64_t)(now_mono_ns() / NOW_NS_PER_MS) + AUDIT_CTL_TIMEOUT_MS;
	struct pollfd pfd = { .fd = mnl_socket_get_fd(c->nl), .events = POLLIN };
	size_t n;
	int rc;

	for (;;) {
		int64_t left = deadline - (int64_t)(now_mono_ns() / NOW_NS_PER_MS);
		if (left <= 0)
			return -ETIMEDOUT;
		rc = poll(&pfd, 1, (int)left);
		if (rc < 0 && errno != EINTR)
			return -errno;
		if (rc <= 0)
			continue;
		rc = audit_ctl_recv(pfd.fd, c->buf, CTL_BUF_SIZE, MSG_DONTWAIT, &n);
		if (rc == -EAGAIN || rc == -EINTR || rc == -EMSGSIZE || rc == -EBADMSG)
			continue;	/* nothing, or nothing usable: a forged or cut message */
		if (rc < 0)
			return rc;
		if ((rc = ctl_walk(c, n, fn, arg)) != 0)
			return rc < 0 ? rc : 0;
	}
}

int
audit_ctl_recv(int fd, void *buf, size_t size, int flags, size_t *len)
{
	struct sockaddr_nl addr;
	struct iovec iov = { .iov_base = buf, .iov_len = size };
	struct msghdr msg = {
		.msg_name = &addr, .msg_namelen = sizeof(addr), .msg_iov = &iov, .msg_iovlen = 1,
	};
	ssize_t n = recvmsg(fd, &msg, flags | MSG_TRUNC);

	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	if ((size_t)n > size || (msg.msg_flags & MSG_TRUNC))
		return -EMSGSIZE;
	/* Only the kernel (port 0) speaks for audit; anything else is forged. */
	if (msg.msg_namelen != sizeof(addr) || addr.nl_family != AF_NETLINK || addr.nl_pid != 0)
		return -EBADMSG;
	*len = (size_t)n;
	return 0;
}

/* --- answers ------------------------------------------------------------------------------- */

/* An NLMSG_ERROR message: its error code, or -EPROTO if it is too short to hold one. */
static int
ctl_error_code(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e))
		return -EPROTO;
	return e->error;
}

struct ack_answer {
	int code;
};

static int
on_ack(const struct nlmsghdr *nlh, void *arg)
{
	struct ack_answer *a = arg;

	if (nlh->nlmsg_type != NLMSG_ERROR)
		return 0;
	a->code = ctl_error_code(nlh);
	return 1;
}

/* Send a request that the ACK answers; return the ACK's code. */
static int
ctl_ack(struct audit_ctl *c, uint16_t type, const void *p, size_t len)
{
	struct ack_answer a = { 0 };
	int rc;

	if ((rc = ctl_send(c, type, NLM_F_ACK, p, len)) < 0)
		return rc;
	if ((rc = ctl_wait(c, on_ack, &a)) < 0)
		return rc;
	return a.code;
}

static int
on_status(const struct nlmsghdr *nlh, void *arg)
{
	struct audit_status *out = arg;
	size_t n = mnl_nlmsg_get_payload_len(nlh);
	int code;

	if (nlh->nlmsg_type == NLMSG_ERROR) {
		code = ctl_error_code(nlh);
		return code < 0 ? code : 0;
	}
	if (nlh->nlmsg_type != AUDIT_GET)
		return 0;
	/* Older kernels send a shorter struct, newer ones may send a longer one. */
	if (n < offsetof(struct audit_status, backlog) + sizeof(out->backlog))
		return -EPROTO;
	memcpy(out, mnl_nlmsg_get_payload(nlh), n < sizeof(*out) ? n : sizeof(*out));
	return 1;
}

int
audit_ctl_get(struct audit_ctl *c, struct audit_status *out)
{
	struct audit_status st;
	int rc;

	memset(&st, 0, sizeof(st));
	if ((rc = ctl_send(c, AUDIT_GET, 0, NULL, 0)) < 0)
		return rc;
	if ((rc = ctl_wait(c, on_status, &st)) < 0)
		return rc;
	*out = st;
	return 0;
}

int
audit_ctl_set(struct audit_ctl *c, uint32_t mask, const struct audit_status *st)
{
	struct audit_status s = *st;

	s.mask = mask;
	return ctl_ack(c, AUDIT_SET, &s, sizeof(s));
}

/* --- rules --------------------------------------------------------------------------------- */

/* Fields whose value is the length of a string kept in buf, in field order (as the kernel's
 * audit_krule_to_data() writes them). */
static bool
is_string_field(uint32_t field)
{
	static const uint32_t strings[] = {
		AUDIT_SUBJ_USER, AUDIT_SUBJ_ROLE, AUDIT_SUBJ_TYPE, AUDIT_SUBJ_SEN, AUDIT_SUBJ_CLR,
		AUDIT_OBJ_USER, AUDIT_OBJ_ROLE, AUDIT_OBJ_TYPE, AUDIT_OBJ_LEV_LOW,
		AUDIT_OBJ_LEV_HIGH, AUDIT_WATCH, AUDIT_DIR, AUDIT_FILTERKEY, AUDIT_EXE,
	};

	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++)
		if (strings[i] == field)
			return true;
	return false;
}

int
audit_ctl_rule_check(const void *p, size_t len, const char **key, size_t *keylen)
{
	const struct audit_rule_data *d = p;
	size_t off = 0;

	*key = NULL;
	*keylen = 0;
	if (p == NULL || len < sizeof(*d) || d->field_count > AUDIT_MAX_FIELDS ||
	    d->buflen != len - sizeof(*d))
		return -EINVAL;
	for (uint32_t i = 0; i < d->field_count; i++) {
		if (!is_string_field(d->fields[i]))
			continue;
		if (d->values[i] > d->buflen - off)
			goto bad;
		if (d->fields[i] == AUDIT_FILTERKEY) {
			if (*key != NULL)
				goto bad;	/* the kernel keeps one key field per rule */
			*key = d->buf + off;
			*keylen = d->values[i];
		}
		off += d->values[i];
	}
	return 0;
bad:
	*key = NULL;
	*keylen = 0;
	return -EINVAL;
}

struct list_answer {
	audit_ctl_rule_fn *fn;
	void *arg;
	unsigned bad;
};

static int
on_rule(const struct nlmsghdr *nlh, void *arg)
{
	struct list_answer *l = arg;
	const char *key;
	size_t klen, n = mnl_nlmsg_get_payload_len(nlh);
	int code;

	switch (nlh->nlmsg_type) {
	case NLMSG_DONE:
		return 1;
	case NLMSG_ERROR:
		code = ctl_error_code(nlh);
		return code < 0 ? code : 0;
	case AUDIT_LIST_RULES:
		if (audit_ctl_rule_check(mnl_nlmsg_get_payload(nlh), n, &key, &klen) < 0) {
			l->bad++;
			return 0;
		}
		return l->fn(mnl_nlmsg_get_payload(nlh), n, l->arg);
	default:
		return 0;
	}
}

int
audit_ctl_rules(struct audit_ctl *c, audit_ctl_rule_fn *fn, void *arg, unsigned *bad)
{
	struct list_answer l = { .fn = fn, .arg = arg };
	int rc;

	if ((rc = ctl_send(c, AUDIT_LIST_RULES, 0, NULL, 0)) == 0)
		rc = ctl_wait(c, on_rule, &l);
	if (bad != NULL)
		*bad = l.bad;
	return rc;
}

int
audit_ctl_rule_add(struct audit_ctl *c, const struct audit_rule_data *d, size_t len)
{
	return ctl_ack(c, AUDIT_ADD_RULE, d, len);
}

int
audit_ctl_rule_del(struct audit_ctl *c, const struct audit_rule_data *d, size_t len)
{
	return ctl_ack(c, AUDIT_DEL_RULE, d, len);
}
