/* auditrules.c - event types -> audit rules, as text and as kernel data (see auditrules.h).
 * Names are checked against libaudit's syscall table of each machine, so an architecture
 * never gets a syscall it lacks (auditctl would refuse the whole rule).  Two habits of
 * auditd users for 32-bit processes are kept:
 *   - Before Linux 4.3 the i386 ABI had no connect, accept, bind... of its own: a process
 *     calls socketcall(2) with the operation in its first argument, and old C libraries still
 *     do.  Such calls are caught with one rule per operation: "-S socketcall -F a0=N" (one
 *     rule each, because -F a0= conditions in one rule are ANDed).  The direct syscalls are
 *     added too where the table has them (i386 gained them in 4.3; accept it never got).
 *   - The i386 uid/gid calls C libraries use are the *32 variants (chown32, setuid32, ...),
 *     and fcntl64/truncate64/ftruncate64: they join the rule next to the plain names.
 * Whoever turns the records into events must map socketcall(a0=N) and the *32 names back to
 * the plain event types. */
#include "config.h"

#include <errno.h>
#include <libaudit.h>
#include <linux/net.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/sbuf.h"
#include "rules/auditrules.h"
#include "rules/ruleset.h"

/* Event types that are fanotify's, not syscalls ("access" is also a syscall's name, but as
 * an event type it means FAN_ACCESS). */
static const enum event_type fanotify_only[] = {
	EVT_open_exec, EVT_access, EVT_modify, EVT_close_write, EVT_close_nowrite,
	EVT_create, EVT_delete, EVT_attrib,
};

/* In the order of the operation numbers.  send/recv are sendto/recvfrom without an address. */
static const struct { enum event_type type; int op; } socketcall_ops[] = {
	{ EVT_socket, SYS_SOCKET }, { EVT_bind, SYS_BIND }, { EVT_connect, SYS_CONNECT },
	{ EVT_listen, SYS_LISTEN }, { EVT_accept, SYS_ACCEPT },
	{ EVT_socketpair, SYS_SOCKETPAIR }, { EVT_sendto, SYS_SEND },
	{ EVT_recvfrom, SYS_RECV }, { EVT_sendto, SYS_SENDTO }, { EVT_recvfrom, SYS_RECVFROM },
	{ EVT_sendmsg, SYS_SENDMSG }, { EVT_recvmsg, SYS_RECVMSG },
	{ EVT_accept4, SYS_ACCEPT4 },
};

static const struct { enum event_type type; const char *name; } legacy32[] = {
	{ EVT_chown, "chown32" }, { EVT_lchown, "lchown32" }, { EVT_fchown, "fchown32" },
	{ EVT_setuid, "setuid32" }, { EVT_setgid, "setgid32" },
	{ EVT_setreuid, "setreuid32" }, { EVT_setregid, "setregid32" },
	{ EVT_setresuid, "setresuid32" }, { EVT_setresgid, "setresgid32" },
	{ EVT_setfsuid, "setfsuid32" }, { EVT_setfsgid, "setfsgid32" },
	{ EVT_fcntl, "fcntl64" }, { EVT_truncate, "truncate64" },
	{ EVT_ftruncate, "ftruncate64" },
};

/* The syscalls that get one rule per path when the paths are bounded. */
static const enum event_type open_family[] = { EVT_open, EVT_openat, EVT_openat2, EVT_creat };

#define N(a) (sizeof(a) / sizeof((a)[0]))

static bool
is_open_family(enum event_type t)
{
	for (size_t i = 0; i < N(open_family); i++)
		if (open_family[i] == t)
			return true;
	return false;
}

static bool
is_syscall_type(enum event_type t)
{
	enum event_class c = event_type_class(t);

	if (c == EVC_RECORD || c == EVC_INTERNAL || t == EVT_syscall)
		return false;      /* EVT_syscall is "any other syscall": no name to ask for */
	for (size_t i = 0; i < N(fanotify_only); i++)
		if (fanotify_only[i] == t)
			return false;
	return true;
}

/* --- building the description -------------------------------------------------------------- */

static void *
xrealloc(void *p, size_t n, size_t size)
{
	void *q = realloc(p, n * size);

	if (q == NULL)
		abort();	/* as sbuf does: the sizes are bounded by the type table */
	return q;
}

static void
push_line(struct auditrules *ar, struct sbuf *line)
{
	ar->lines = xrealloc(ar->lines, ar->n + 1, sizeof(*ar->lines));
	ar->lines[ar->n++] = sbuf_steal(line);
}

/* Add rule R (taking its syscall array) and its line. */
static void
push_rule(struct auditrules *ar, struct auditrule *r)
{
	struct sbuf line = SBUF_INIT;

	auditrule_format(r, &line);
	push_line(ar, &line);
	ar->rules = xrealloc(ar->rules, ar->nrules + 1, sizeof(*ar->rules));
	ar->rules[ar->nrules++] = *r;
}

static void
add_syscall(struct auditrule *r, const char *name, int nr)
{
	r->syscalls = xrealloc(r->syscalls, r->nsyscalls + 1, sizeof(*r->syscalls));
	r->syscalls[r->nsyscalls++] = (struct auditrule_syscall){ .name = name, .nr = nr };
}

/* Add type T's syscall, and its legacy 32-bit twins, if MACH has them; else name T in
 * MISSING. */
static void
add_type(struct auditrule *r, enum event_type t, struct sbuf *missing)
{
	const char *name = event_type_name(t);
	int nr = audit_name_to_syscall(name, r->mach);

	if (nr >= 0)
		add_syscall(r, name, nr);
	else
		sbuf_printf(missing, " %s", name);
	for (size_t i = 0; i < N(legacy32); i++) {
		if (legacy32[i].type != t)
			continue;
		nr = audit_name_to_syscall(legacy32[i].name, r->mach);
		if (nr >= 0)
			add_syscall(r, legacy32[i].name, nr);
	}
}

/* --- the open family's file filters ------------------------------------------------------ */

/* One file filter: "-F FIELD=VALUE". */
struct target {
	const char *field;      /* "path" or "dir" */
	char *value;
};

struct targets {
	struct target *v;
	size_t n;
};

static bool
is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* "/a/b" -> "/a", "/a" -> "/". */
static void
cut_parent(char *p)
{
	char *sl = strrchr(p, '/');

	if (sl == p)
		p[1] = '\0';
	else if (sl != NULL)
		*sl = '\0';
}

static void
strip_slashes(char *p)
{
	size_t n = strlen(p);

	while (n > 1 && p[n - 1] == '/')
		p[--n] = '\0';
}

/* The directory (malloc'd) whose tree holds every file AP can name; *FILE is set when AP
 * names one file (the result is then that file). */
static char *
target_path(const struct filter_path *ap, bool *file)
{
	char *p = strdup(ap->path);

	if (p == NULL)
		abort();
	*file = false;
	if (ap->kind == FPATH_GLOB)
		p[strcspn(p, "*?[")] = '\0';
	if ((ap->kind == FPATH_PREFIX || ap->kind == FPATH_GLOB) && p[strlen(p) - 1] != '/')
		cut_parent(p);
	strip_slashes(p);
	if (ap->kind == FPATH_EXACT && strcmp(p, "/") != 0) {
		char *parent = strdup(p);
		if (parent == NULL)
			abort();
		cut_parent(parent);
		*file = is_dir(parent);     /* a watch needs its directory */
		if (*file) {
			free(parent);
		} else {
			free(p);
			p = parent;
		}
	}
	return p;
}

/* Whether P cannot be written in auditctl's text (blanks, quotes, control bytes). */
static bool
unsafe(const char *p)
{
	for (; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || *p == '"' || *p == '\'' || *p == '\\' ||
		    (unsigned char)*p == 0x7f)
			return true;
	return false;
}

/* Add the filter for AP, noting in AR when it had to be widened to an existing directory.
 * auditctl's text is split at blanks, so a path with one is widened to a parent without. */
static void
add_target(struct targets *tg, const struct filter_path *ap, struct auditrules *ar)
{
	bool file;
	char *p = target_path(ap, &file);
	size_t len = strlen(p);

	if (file && unsafe(p)) {
		file = false;
		cut_parent(p);
	}
	while (!file && strcmp(p, "/") != 0 && (!is_dir(p) || unsafe(p)))
		cut_parent(p);
	if (strlen(p) != len) {
		struct sbuf c = SBUF_INIT;
		sbuf_printf(&c, "# warning: a path of the rules has no existing directory (or a "
		            "blank in its name): opens audited below %s", p);
		if (ar->n > 0 && strcmp(ar->lines[ar->n - 1], sbuf_str(&c)) == 0)
			sbuf_free(&c);  /* said just before */
		else
			push_line(ar, &c);
	}
	tg->v = xrealloc(tg->v, tg->n + 1, sizeof(*tg->v));
	tg->v[tg->n++] = (struct target){ .field = file ? "path" : "dir", .value = p };
}

/* Whether target I is the same as an earlier one or inside another's dir=. */
static bool
covered(const struct targets *tg, size_t i)
{
	const struct target *a = &tg->v[i];

	for (size_t j = 0; j < tg->n; j++) {
		const struct target *b = &tg->v[j];
		size_t n = strlen(b->value);
		if (j == i)
			continue;
		if (strcmp(a->value, b->value) == 0 && strcmp(a->field, b->field) == 0 && j < i)
			return true;
		if (strcmp(b->field, "dir") != 0 || (strcmp(a->field, "dir") == 0 && strcmp(
		    a->value, b->value) == 0))
			continue;       /* equal dirs: only the earlier one (above) */
		if (strcmp(b->value, "/") == 0 ||
		    (strncmp(a->value, b->value, n) == 0 && (a->value[n] == '/' || a->value[n] == '\0')))
			return true;
	}
	return false;
}

static void
targets_free(struct targets *tg)
{
	for (size_t i = 0; i < tg->n; i++)
		free(tg->v[i].value);
	free(tg->v);
	*tg = (struct targets){ 0 };
}

/* The filters for PATHS, without repeats; none when they are unbounded. */
static void
targets_build(const struct filter_paths *paths, struct auditrules *ar, struct targets *out)
{
	struct targets tg = { 0 };
	size_t n = 0;

	*out = tg;
	if (paths == NULL || paths->unbounded)
		return;
	for (size_t i = 0; i < paths->n; i++) {
		if (paths->v[i].path == NULL || paths->v[i].path[0] != '/')
			return targets_free(&tg);       /* relative: no bound after all */
		add_target(&tg, &paths->v[i], ar);
	}
	/* Decide for every target before freeing any: covered() reads them all. */
	bool *drop = xrealloc(NULL, tg.n + 1, sizeof(*drop));
	for (size_t i = 0; i < tg.n; i++)
		drop[i] = covered(&tg, i);
	for (size_t i = 0; i < tg.n; i++) {
		if (drop[i])
			free(tg.v[i].value);
		else
			tg.v[n++] = tg.v[i];
	}
	free(drop);
	tg.n = n;
	*out = tg;
}

/* One rule per filter, each with O's syscalls (O's array is released). */
static void
file_rules(struct auditrule *o, const struct targets *tg, struct auditrules *ar)
{
	for (size_t i = 0; i < tg->n; i++) {
		struct auditrule r = *o;
		r.syscalls = xrealloc(NULL, o->nsyscalls, sizeof(*r.syscalls));
		memcpy(r.syscalls, o->syscalls, o->nsyscalls * sizeof(*r.syscalls));
		r.file_field = tg->v[i].field;
		r.file_value = strdup(tg->v[i].value);
		if (r.file_value == NULL)
			abort();
		push_rule(ar, &r);
	}
	free(o->syscalls);
}

/* --- the rules of one architecture ---------------------------------------------------------- */

/* The main rule of one architecture, the open family's rules per filter in TG (when there
 * are filters), and a comment naming what the architecture lacks. */
static void
arch_rule(const struct evtset *types, const struct targets *tg, int mach, const char *arch,
          struct auditrules *ar)
{
	struct auditrule r = { .mach = mach, .arch = arch }, o = r;
	struct sbuf missing = SBUF_INIT;

	for (int t = EVT_NONE + 1; t < EVT__COUNT; t++) {
		enum event_type et = (enum event_type)t;
		if (evtset_has(types, et) && is_syscall_type(et))
			add_type(tg->n > 0 && is_open_family(et) ? &o : &r, et, &missing);
	}
	/* A rule with no -S would audit every syscall: never make one. */
	if (r.nsyscalls > 0)
		push_rule(ar, &r);
	file_rules(&o, o.nsyscalls > 0 ? tg : &(struct targets){ 0 }, ar);
	if (missing.len) {
		struct sbuf c = SBUF_INIT;
		sbuf_printf(&c, "# not on %s (%s):%s", arch, audit_machine_to_name(mach),
		            sbuf_str(&missing));
		push_line(ar, &c);
	}
	sbuf_free(&missing);
}

static void
socketcall_rules(const struct evtset *types, int mach, const char *arch,
                 struct auditrules *ar)
{
	int nr = audit_name_to_syscall("socketcall", mach);

	if (nr < 0)
		return;
	for (size_t i = 0; i < N(socketcall_ops); i++) {
		struct auditrule r = { .mach = mach, .arch = arch };
		if (!evtset_has(types, socketcall_ops[i].type))
			continue;
		add_syscall(&r, "socketcall", nr);
		snprintf(r.extra, sizeof(r.extra), "a0=%d", socketcall_ops[i].op);
		push_rule(ar, &r);
	}
}

/* Whether TYPES asks for a syscall of the open family. */
static bool
wants_open(const struct evtset *types)
{
	for (size_t i = 0; i < N(open_family); i++)
		if (evtset_has(types, open_family[i]))
			return true;
	return false;
}

int
auditrules_build(const struct evtset *types, bool any, const struct filter_paths *paths,
                 int m64, int m32, struct auditrules *out)
{
	struct auditrules ar = { 0 };
	struct targets tg = { 0 };

	if (any) {
		struct sbuf c = SBUF_INIT;
		sbuf_puts(&c, "# some rules match every event type; they see only the syscalls "
		          "asked for here");
		push_line(&ar, &c);
	}
	if (wants_open(types)) {
		targets_build(paths, &ar, &tg);
		if (tg.n == 0) {
			struct sbuf c = SBUF_INIT;
			sbuf_puts(&c, "# warning: some rule matches files on any path: every open "
			          "on the host is audited");
			push_line(&ar, &c);
		}
	}
	arch_rule(types, &tg, m64, "b64", &ar);
	socketcall_rules(types, m64, "b64", &ar);
	if (m32 >= 0) {
		arch_rule(types, &tg, m32, "b32", &ar);
		socketcall_rules(types, m32, "b32", &ar);
	}
	targets_free(&tg);
	*out = ar;
	return 0;
}

void
auditrules_free(struct auditrules *ar)
{
	if (ar == NULL)
		return;
	for (size_t i = 0; i < ar->n; i++)
		free(ar->lines[i]);
	free(ar->lines);
	for (size_t i = 0; i < ar->nrules; i++) {
		free(ar->rules[i].syscalls);
		free(ar->rules[i].file_value);
	}
	free(ar->rules);
	*ar = (struct auditrules){ 0 };
}

/* --- the two renderings -------------------------------------------------------------------- */

void
auditrule_format(const struct auditrule *r, struct sbuf *out)
{
	sbuf_printf(out, "-a always,exit -F arch=%s", r->arch);
	for (size_t i = 0; i < r->nsyscalls; i++)
		sbuf_printf(out, " -S %s", r->syscalls[i].name);
	if (r->extra[0] != '\0')
		sbuf_printf(out, " -F %s", r->extra);
	if (r->file_field != NULL)
		sbuf_printf(out, " -F %s=%s", r->file_field, r->file_value);
	sbuf_printf(out, " -F key=%s", AUDITRULES_KEY);
}

/* Add one "-F" pair through libaudit, as auditctl does with the same text.  libaudit cuts
 * the text it is given at the operator (its "const" notwithstanding), so it gets a copy. */
static int
add_pair(struct audit_rule_data **d, const char *pair, const char **why)
{
	char *buf = strdup(pair);
	int rc = 0;

	*why = "out of memory";
	if (buf == NULL)
		return -ENOMEM;
	if (audit_rule_fieldpair_data(d, buf, AUDIT_FILTER_EXIT) != 0) {
		*why = "libaudit refused a field of the rule";
		rc = -EINVAL;
	}
	free(buf);
	return rc;
}

/* Append the key field.  libaudit accepts "key=" only after a process-wide flag that
 * auditctl, not the library, sets when it has seen -S; the layout is simple enough to
 * write here: the field's value is the length of its text, which follows in buf. */
static int
add_key(struct audit_rule_data **d, const char *key, const char **why)
{
	size_t klen = strlen(key);
	struct audit_rule_data *r = *d;

	*why = "too many fields in the rule";
	if (r->field_count >= AUDIT_MAX_FIELDS || klen > AUDIT_MAX_KEY_LEN)
		return -EINVAL;
	r = realloc(r, sizeof(*r) + r->buflen + klen);
	if (r == NULL)
		return -ENOMEM;
	memcpy(r->buf + r->buflen, key, klen);
	r->fields[r->field_count] = AUDIT_FILTERKEY;
	r->fieldflags[r->field_count] = AUDIT_EQUAL;
	r->values[r->field_count] = (uint32_t)klen;
	r->field_count++;
	r->buflen += (uint32_t)klen;
	*d = r;
	return 0;
}

static int
add_file(struct audit_rule_data **d, const struct auditrule *r, const char **why)
{
	struct sbuf pair = SBUF_INIT;
	int rc;

	sbuf_printf(&pair, "%s=%s", r->file_field, r->file_value);
	rc = add_pair(d, sbuf_str(&pair), why);
	sbuf_free(&pair);
	return rc;
}

int
auditrule_to_data(const struct auditrule *r, pid_t exclude_pid,
                  struct audit_rule_data **out, size_t *len, const char **why)
{
	struct audit_rule_data *d = audit_rule_create_data();
	char pair[64];
	int rc = -ENOMEM;

	*why = "out of memory";
	if (d == NULL)
		goto fail;
	snprintf(pair, sizeof(pair), "arch=%s", r->arch);
	if ((rc = add_pair(&d, pair, why)) < 0)
		goto fail;
	/* The syscall bits are set from the numbers the text's names were checked against, on
	 * the rule's own machine: libaudit's by-name helper would use a process-wide arch. */
	for (size_t i = 0; i < r->nsyscalls; i++) {
		int nr = r->syscalls[i].nr;
		rc = -EINVAL;
		*why = "syscall number out of range";
		if (nr < 0 || nr >= AUDIT_BITMASK_SIZE * 32)
			goto fail;
		d->mask[AUDIT_WORD(nr)] |= AUDIT_BIT(nr);
	}
	if (r->extra[0] != '\0' && (rc = add_pair(&d, r->extra, why)) < 0)
		goto fail;
	if (r->file_field != NULL && (rc = add_file(&d, r, why)) < 0)
		goto fail;
	snprintf(pair, sizeof(pair), "pid!=%ld", (long)exclude_pid);
	if (exclude_pid > 0 && (rc = add_pair(&d, pair, why)) < 0)
		goto fail;
	if ((rc = add_key(&d, AUDITRULES_KEY, why)) < 0)
		goto fail;
	d->flags = AUDIT_FILTER_EXIT;
	d->action = AUDIT_ALWAYS;
	*len = sizeof(*d) + d->buflen;
	*out = d;
	*why = NULL;
	return 0;
fail:
	audit_rule_free_data(d);
	*out = NULL;
	return rc;
}

int
auditrules_host(int *m64, int *m32)
{
	static const struct { int native, compat; } pairs[] = {
		{ MACH_86_64, MACH_X86 }, { MACH_AARCH64, MACH_ARM },
		{ MACH_PPC64, MACH_PPC }, { MACH_PPC64LE, -1 }, { MACH_S390X, MACH_S390 },
	};
	int m = audit_detect_machine();

	for (size_t i = 0; i < N(pairs); i++) {
		if (pairs[i].native == m) {
			*m64 = m;
			*m32 = pairs[i].compat;
			return 0;
		}
	}
	return -ENOTSUP;
}
