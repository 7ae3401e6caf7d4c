/* auditrules.c - event types -> auditctl lines (see auditrules.h).
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
#include <stdlib.h>
#include <string.h>

#include "core/sbuf.h"
#include "rules/auditrules.h"

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

#define N(a) (sizeof(a) / sizeof((a)[0]))

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

static void
push(struct auditrules *ar, struct sbuf *line)
{
	char **v = realloc(ar->lines, (ar->n + 1) * sizeof(*v));

	if (v == NULL)
		abort();
	ar->lines = v;
	ar->lines[ar->n++] = sbuf_steal(line);
}

/* The main rule of one architecture, and a comment naming what it lacks. */
static void
arch_rule(const struct evtset *types, int mach, const char *arch, struct auditrules *ar)
{
	struct sbuf line = SBUF_INIT, missing = SBUF_INIT;
	size_t count = 0;

	sbuf_printf(&line, "-a always,exit -F arch=%s", arch);
	for (int t = EVT_NONE + 1; t < EVT__COUNT; t++) {
		const char *name = event_type_name((enum event_type)t);
		if (!evtset_has(types, (enum event_type)t) || !is_syscall_type((enum event_type)t))
			continue;
		if (audit_name_to_syscall(name, mach) >= 0) {
			sbuf_printf(&line, " -S %s", name);
			count++;
		} else {
			sbuf_printf(&missing, " %s", name);
		}
		for (size_t i = 0; i < N(legacy32); i++)
			if ((int)legacy32[i].type == t && audit_name_to_syscall(legacy32[i].name, mach) >= 0) {
				sbuf_printf(&line, " -S %s", legacy32[i].name);
				count++;
			}
	}
	sbuf_printf(&line, " -F key=%s", AUDITRULES_KEY);
	/* A rule with no -S would audit every syscall: never print one. */
	if (count)
		push(ar, &line);
	if (missing.len) {
		struct sbuf c = SBUF_INIT;
		sbuf_printf(&c, "# not on %s (%s):%s", arch, audit_machine_to_name(mach),
		            sbuf_str(&missing));
		push(ar, &c);
	}
	sbuf_free(&line);
	sbuf_free(&missing);
}

static void
socketcall_rules(const struct evtset *types, int mach, const char *arch,
                 struct auditrules *ar)
{
	if (audit_name_to_syscall("socketcall", mach) < 0)
		return;
	for (size_t i = 0; i < N(socketcall_ops); i++) {
		struct sbuf line = SBUF_INIT;
		if (!evtset_has(types, socketcall_ops[i].type))
			continue;
		sbuf_printf(&line, "-a always,exit -F arch=%s -S socketcall -F a0=%d -F key=%s",
		            arch, socketcall_ops[i].op, AUDITRULES_KEY);
		push(ar, &line);
	}
}

int
auditrules_build(const struct evtset *types, bool any, int m64, int m32,
                 struct auditrules *out)
{
	struct auditrules ar = { NULL, 0 };

	if (any) {
		struct sbuf c = SBUF_INIT;
		sbuf_puts(&c, "# some rules match every event type; they see only the syscalls "
		          "asked for here");
		push(&ar, &c);
	}
	arch_rule(types, m64, "b64", &ar);
	socketcall_rules(types, m64, "b64", &ar);
	if (m32 >= 0) {
		arch_rule(types, m32, "b32", &ar);
		socketcall_rules(types, m32, "b32", &ar);
	}
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
	ar->lines = NULL;
	ar->n = 0;
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
