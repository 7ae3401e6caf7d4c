/* ctl.h - requests to the kernel's audit subsystem, and their answers.
 * A control channel is a NETLINK_AUDIT socket of its own that carries only requests (status,
 * settings, rule list/add/delete) and the kernel's answers, never audit records, so a request
 * never has to sort its answer out of a stream of events.  Every answer is checked before
 * use: message lengths against what recv() returned, the sender (the kernel only), rule
 * payloads field by field.  Requests wait at most AUDIT_CTL_TIMEOUT_MS for their answer.
 * The kernel wants CAP_AUDIT_CONTROL for every request here. */
#ifndef SHIKRA_AUDIT_CTL_H
#define SHIKRA_AUDIT_CTL_H

#include <stddef.h>
#include <stdint.h>
#include <linux/audit.h>

#define AUDIT_CTL_TIMEOUT_MS 2000

struct audit_ctl;

/* Open a control channel.  0 or -errno (-EPROTONOSUPPORT: no audit in this kernel). */
int  audit_ctl_open(struct audit_ctl **out);
void audit_ctl_close(struct audit_ctl *c);      /* NULL-safe */

/* AUDIT_GET: the kernel's status (fields the kernel does not send are left 0).  0 or -errno
 * (-EPERM without CAP_AUDIT_CONTROL, -ETIMEDOUT, -EPROTO for a malformed answer). */
int  audit_ctl_get(struct audit_ctl *c, struct audit_status *out);

/* AUDIT_SET of the members MASK selects (AUDIT_STATUS_*) from ST.  Returns what the kernel
 * acknowledged with: 0, a positive count for AUDIT_STATUS_LOST alone (the lost counter it
 * reset), or -errno. */
int  audit_ctl_set(struct audit_ctl *c, uint32_t mask, const struct audit_status *st);

/* Called for each rule the kernel lists: D is valid for LEN bytes and has been checked
 * (field count, string lengths within buf).  Return 0 to go on, -errno to stop the listing
 * with that error.  The callee must not make requests on the same channel. */
typedef int audit_ctl_rule_fn(const struct audit_rule_data *d, size_t len, void *arg);

/* AUDIT_LIST_RULES.  0 or -errno; malformed rules are skipped and counted in *BAD (may be
 * NULL). */
int  audit_ctl_rules(struct audit_ctl *c, audit_ctl_rule_fn *fn, void *arg, unsigned *bad);

/* AUDIT_ADD_RULE, AUDIT_DEL_RULE of D (LEN bytes: header plus buf).  0 or -errno
 * (-EEXIST: an identical rule is loaded; -ENOENT: no such rule). */
int  audit_ctl_rule_add(struct audit_ctl *c, const struct audit_rule_data *d, size_t len);
int  audit_ctl_rule_del(struct audit_ctl *c, const struct audit_rule_data *d, size_t len);

/* Check that the LEN bytes at P are one well-formed struct audit_rule_data: the header fits,
 * field_count <= AUDIT_MAX_FIELDS, buflen matches LEN, and the string fields' lengths add
 * up within buf.  If it has a key field, store it in *KEY and *KEYLEN (not NUL-terminated,
 * pointing into P), else set *KEY to NULL.  0 or -EINVAL. */
int  audit_ctl_rule_check(const void *p, size_t len, const char **key, size_t *keylen);

/* Receive one datagram from the kernel on the netlink socket FD into BUF (SIZE bytes): a
 * helper for any NETLINK_AUDIT reader.  0 with its length in *LEN; -EAGAIN, -EINTR,
 * -ENOBUFS (the socket overran: datagrams were lost), -EMSGSIZE (longer than SIZE; consumed
 * and dropped), -EBADMSG (not sent by the kernel; dropped), or another -errno. */
int  audit_ctl_recv(int fd, void *buf, size_t size, int flags, size_t *len);

#endif
