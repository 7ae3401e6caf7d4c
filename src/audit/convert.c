/* convert.c - audit_convert(): which record of a group defines the event, and the events of
 * records that are not syscalls (see convert.h).  The syscall path lives in
 * convert_syscall.c, argv in convert_exec.c, files in convert_path.c, addresses in
 * convert_net.c.  This file also owns the small record-access helpers they share, so that
 * "absent", "(null)" and "malformed" mean the same thing everywhere. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <libaudit.h>

#include "audit/convert_priv.h"
#include "core/strnum.h"

#ifndef AUDIT_OPENAT2
#define AUDIT_OPENAT2 1337
#endif

/* Records that only describe the syscall they belong to.  They never make an event, and
 * without their SYSCALL record they cannot be understood. */
static const int context_types[] = {
	AUDIT_SYSCALL, AUDIT_PATH, AUDIT_IPC, AUDIT_SOCKETCALL, AUDIT_SOCKADDR, AUDIT_CWD,
	AUDIT_EXECVE, AUDIT_IPC_SET_PERM, AUDIT_MQ_OPEN, AUDIT_MQ_SENDRECV, AUDIT_MQ_NOTIFY,
	AUDIT_MQ_GETSETATTR, AUDIT_FD_PAIR, AUDIT_OBJ_PID, AUDIT_EOE, AUDIT_BPRM_FCAPS,
	AUDIT_CAPSET, AUDIT_MMAP, AUDIT_PROCTITLE, AUDIT_OPENAT2,
};

/* Record types that stand for an action of their own: a login, a change of the audit
 * configuration, an anomaly.  When the kernel logs one inside an audited syscall (auditctl's
 * CONFIG_CHANGE, ANOM_PROMISCUOUS from an ioctl), the record is the event and the SYSCALL
 * only says who did it.  Any other record that comes with a SYSCALL (AVC, SECCOMP,
 * KERN_MODULE, NETFILTER_CFG, types newer than this table) annotates that syscall. */
static const struct {
	int lo, hi;
} defining_types[] = {
	{ AUDIT_LOGIN, AUDIT_LOGIN },
	{ AUDIT_FIRST_USER_MSG, AUDIT_LAST_USER_MSG },
	{ AUDIT_DAEMON_START, AUDIT_LAST_DAEMON },
	{ AUDIT_CONFIG_CHANGE, AUDIT_CONFIG_CHANGE },
	{ AUDIT_FIRST_KERN_ANOM_MSG, AUDIT_LAST_KERN_ANOM_MSG },
	{ AUDIT_FIRST_USER_MSG2, AUDIT_LAST_USER_MSG2 },
};

/* Fields of user-space and kernel records whose value is text the sender hex-encodes when
 * it holds a space, a quote or a control byte: bare means hex for these. */
static const char *const encoded_fields[] = {
	"acct", "cmd", "comm", "cwd", "data", "dir", "exe", "file", "grp", "key", "name",
	"new_group", "ocomm", "path", "proctitle", "root_dir", "vm", "watch",
};

/* Process identity and credential fields, shared by SYSCALL and other records. */
static const struct {
	const char *field;
	size_t off;
} proc_ids[] = {
	{ "pid", offsetof(struct proc, pid) },
	{ "ppid", offsetof(struct proc, ppid) },
	{ "uid", offsetof(struct proc, uid) },
	{ "euid", offsetof(struct proc, euid) },
	{ "suid", offsetof(struct proc, suid) },
	{ "fsuid", offsetof(struct proc, fsuid) },
	{ "gid", offsetof(struct proc, gid) },
	{ "egid", offsetof(struct proc, egid) },
	{ "sgid", offsetof(struct proc, sgid) },
	{ "fsgid", offsetof(struct proc, fsgid) },
	{ "auid", offsetof(struct proc, auid) },
	{ "ses", offsetof(struct proc, ses) },
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

void
conv_bad(struct conv *c)
{
	c->st->bad_fields++;
}

const struct audit_record *
conv_find(const struct conv *c, int type)
{
	for (uint32_t i = 0; i < c->n; i++)
		if (c->recs[i].type == type)
			return &c->recs[i];
	return NULL;
}

const char *
conv_raw(const struct audit_record *rec, const char *name)
{
	const struct audit_field *f = audit_record_field(rec, name);

	if (f == NULL || f->kind == AUDIT_VALUE_NULL || f->kind == AUDIT_VALUE_NONE)
		return NULL;
	return f->value;
}

const char *
conv_text(struct conv *c, const struct audit_record *rec, const char *name, size_t *len)
{
	const char *s = NULL;
	size_t n = 0;
	int rc = audit_record_get_str(rec, name, &c->scratch, &s, &n);

	if (rc == -EINVAL)
		conv_bad(c);
	if (rc < 0 || s == NULL)
		return NULL;
	if (len)
		*len = n;
	return s;
}

bool
conv_i64(struct conv *c, const struct audit_record *rec, const char *name, int64_t *out)
{
	int rc = audit_record_get_i64(rec, name, 10, out);

	if (rc == 0)
		return true;
	if (rc != -ENOENT && conv_raw(rec, name) != NULL)
		conv_bad(c);    /* "(null)" and "(none)" are absent values, not bad ones */
	return false;
}

static void
set_tty(struct conv *c, const struct audit_field *f)
{
	if (f == NULL)
		return;
	if (f->kind == AUDIT_VALUE_NONE || f->kind == AUDIT_VALUE_NULL) {
		c->proc->has_tty = 0;
	} else if (f->value_len > 0) {
		c->proc->tty = proc_strdup(c->proc, f->value);
		c->proc->has_tty = 1;
	}
}

void
conv_proc_from_syscall(struct conv *c)
{
	struct proc *p = c->proc;

	for (size_t i = 0; i < NELEM(proc_ids); i++) {
		int64_t v;

		if (conv_i64(c, c->sys, proc_ids[i].field, &v))
			*(int64_t *)((char *)p + proc_ids[i].off) = v;
	}
	p->comm = proc_strdup(p, conv_text(c, c->sys, "comm", NULL));
	p->exe = proc_strdup(p, conv_text(c, c->sys, "exe", NULL));
	set_tty(c, audit_record_field(c->sys, "tty"));
}

static bool
in_list(const int *list, size_t n, int type)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] == type)
			return true;
	return false;
}

static bool
is_defining(int type)
{
	for (size_t i = 0; i < NELEM(defining_types); i++)
		if (type >= defining_types[i].lo && type <= defining_types[i].hi)
			return true;
	return false;
}

/* The record the event is about when it is not the syscall itself, or NULL. */
static const struct audit_record *
find_primary(const struct conv *c)
{
	for (uint32_t i = 0; i < c->n; i++) {
		int type = c->recs[i].type;

		if (in_list(context_types, NELEM(context_types), type))
			continue;
		if (c->sys == NULL || is_defining(type))
			return &c->recs[i];
	}
	return NULL;
}

static bool
is_encoded(const char *key)
{
	for (size_t i = 0; i < NELEM(encoded_fields); i++)
		if (strcmp(encoded_fields[i], key) == 0)
			return true;
	return false;
}

/* Add KEY=VALUE (VLEN bytes) to the event, hex-decoding bare values of encoded fields. */
static void
add_kv(struct conv *c, const char *key, const char *value, size_t vlen, bool bare)
{
	char *dec = NULL;
	size_t dlen = 0;

	if (c->ev->nkv >= CONV_MAX_KV) {
		conv_bad(c);    /* dropped: a record with this many fields is up to something */
		return;
	}
	if (bare && vlen > 0 && is_encoded(key) &&
	    audit_hex_decode(value, vlen, &c->scratch, &dec, &dlen) == 0 &&
	    strlen(dec) == dlen) {
		event_add_kv(c->ev, key, dec);
		return;
	}
	event_add_kv(c->ev, key, arena_strndup(&c->scratch, value, vlen));
}

/* Every field of REC, in order.  The parser follows a user-space msg='op=... res=...' with
 * the fields inside it, so the message's whole text is left out when it holds any. */
static void
kv_from_record(struct conv *c, const struct audit_record *rec)
{
	for (uint32_t i = 0; i < rec->nfields; i++) {
		const struct audit_field *f = &rec->fields[i];

		if (f->kind == AUDIT_VALUE_QUOTED && strcmp(f->name, "msg") == 0 &&
		    memchr(f->value, '=', f->value_len) != NULL)
			continue;
		add_kv(c, f->name, f->value, f->value_len, f->kind == AUDIT_VALUE_BARE);
	}
}

/* A record without a SYSCALL names its process in its own fields (some inside msg).  No
 * snapshot is made when it names none (a DAEMON_* record from a log without pid). */
static void
proc_from_kv(struct conv *c)
{
	struct event *ev = c->ev;
	const char *tty = event_get_kv(ev, "tty");
	struct proc *p = NULL;
	int64_t v;

	for (size_t i = 0; i < NELEM(proc_ids); i++) {
		const char *s = event_get_kv(ev, proc_ids[i].field);

		if (s == NULL || strnum_i64z(s, 10, INT64_MIN, INT64_MAX, &v) < 0)
			continue;
		if (p == NULL)
			p = proc_new(PROC_ID_UNSET);
		*(int64_t *)((char *)p + proc_ids[i].off) = v;
	}
	if (p == NULL && (event_get_kv(ev, "comm") || event_get_kv(ev, "exe")))
		p = proc_new(PROC_ID_UNSET);
	if (p == NULL)
		return;
	if (p->pid != PROC_ID_UNSET)
		ev->pid = p->pid;
	p->comm = proc_strdup(p, event_get_kv(ev, "comm"));
	p->exe = proc_strdup(p, event_get_kv(ev, "exe"));
	p->cwd = proc_strdup(p, event_get_kv(ev, "cwd"));
	if (tty && strcmp(tty, "(none)") != 0 && strcmp(tty, "?") != 0)
		p->tty = proc_strdup(p, tty);
	p->has_tty = tty == NULL ? -1 : p->tty != NULL;
	c->proc = ev->proc = p;
}

static int
parse_success(const char *res)
{
	static const struct {
		const char *word;
		int success;
	} words[] = {
		{ "success", 1 }, { "yes", 1 }, { "1", 1 },
		{ "failed", 0 }, { "fail", 0 }, { "no", 0 }, { "0", 0 },
	};

	for (size_t i = 0; res && i < NELEM(words); i++)
		if (strcmp(words[i].word, res) == 0)
			return words[i].success;
	return -1;
}

static void
record_type(struct conv *c, const struct audit_record *rec)
{
	const char *name = audit_msg_type_to_name(rec->type);
	enum event_type t = EVT_NONE;
	char buf[32];

	if (name == NULL) {
		snprintf(buf, sizeof(buf), "UNKNOWN[%d]", rec->type);
		name = buf;
	} else {
		t = event_type_from_name(name);
	}
	if (t == EVT_NONE || t == EVT_record || event_type_class(t) != EVC_RECORD) {
		c->ev->type = EVT_record;
		c->ev->name = event_strdup(c->ev, name);
	} else {
		c->ev->type = t;
		c->ev->name = event_type_name(t);
	}
}

/* The event of a record that is not a syscall, with the process of the group's SYSCALL
 * record when there is one. */
static int
record_event(struct conv *c, const struct audit_record *rec)
{
	int success;

	c->ev = event_new(EVT_record, EVS_AUDIT);
	record_type(c, rec);
	kv_from_record(c, rec);
	if (c->sys)
		conv_syscall_common(c);
	else
		proc_from_kv(c);
	success = parse_success(event_get_kv(c->ev, "res"));
	if (success >= 0)
		c->ev->success = success;
	return 0;
}

/* A group with no SYSCALL and no record of its own: nothing but EOE/PROCTITLE is a group
 * with nothing in it; PATH, EXECVE, ... without their SYSCALL lost their meaning. */
static int
orphan_group(const struct conv *c, const char **why)
{
	for (uint32_t i = 0; i < c->n; i++) {
		if (c->recs[i].type != AUDIT_EOE && c->recs[i].type != AUDIT_PROCTITLE) {
			*why = "syscall records without their SYSCALL record";
			return -EINVAL;
		}
	}
	return -ENOENT;
}

int
audit_convert(const struct audit_record *recs, uint32_t n, struct event **out,
              struct audit_convert_stats *st, const char **why)
{
	struct audit_convert_stats local = { 0 };
	struct conv c = { .recs = recs, .n = n, .st = st ? st : &local, .scratch = ARENA_INIT };
	const struct audit_record *primary;
	const char *w = "empty group";
	int rc = -ENOENT;

	*out = NULL;
	if (recs == NULL || n == 0)
		goto fail;
	c.sys = conv_find(&c, AUDIT_SYSCALL);
	primary = find_primary(&c);
	if (primary)
		rc = record_event(&c, primary);
	else if (c.sys)
		rc = conv_syscall_event(&c, &w);
	else
		rc = orphan_group(&c, &w);
	if (rc < 0)
		goto fail;
	c.ev->ts_ns = recs[0].ts_ns;
	c.ev->serial = recs[0].serial;
	c.st->events++;
	*out = c.ev;
	arena_free(&c.scratch);
	return 0;
fail:
	if (rc == -ENOENT)
		c.st->skipped++;
	if (why)
		*why = w;
	event_free(c.ev);
	arena_free(&c.scratch);
	return rc;
}
