/* convert_syscall.c - the event of a SYSCALL record group.
 * The syscall's name comes from libaudit's per-architecture tables (the ENRICHED SYSCALL=
 * field is a cross-check, and a fallback for numbers this libaudit does not know); the event
 * type is the name's, so i386's setuid32 is a setuid event and i386 socketcall becomes the
 * socket call it multiplexes.  What each syscall's arguments mean is a table indexed by event
 * type: which aN is which Falco argument (evt.arg.NAME), how to print it, which PATH item is
 * the file acted upon, and where a socket address goes.  The kernel logs only a0..a3, so
 * arguments past the fourth (renameat2 and linkat flags, fchownat flags, execveat flags)
 * are never set. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <libaudit.h>

#include "audit/convert_priv.h"
#include "audit/decode.h"
#include "core/sbuf.h"
#include "core/strnum.h"

#ifndef AUDIT_OPENAT2
#define AUDIT_OPENAT2 1337
#endif

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define AT_FDCWD_VALUE (-100)
#define X32_SYSCALL_BIT INT64_C(0x40000000)

enum arg_src {
	SRC_NONE, SRC_A0, SRC_A1, SRC_A2, SRC_A3, SRC_A4, SRC_A5,
	SRC_RES,        /* the return value (a new fd) */
	SRC_FILE,       /* ev->file: resolved path, else raw name */
	SRC_FILE2,      /* ev->file2 */
	SRC_REC,        /* field FIELD of the spec's extra record, in BASE */
};

enum arg_fmt {
	FMT_I32,        /* an int: fd, pid, dirfd */
	FMT_U32,        /* uid, gid, dev */
	FMT_U64,        /* a size or length */
	FMT_OCT,        /* a mode, printed 0644 */
	FMT_SYM,        /* decoded through decode.h table KIND */
	FMT_PROTO,      /* socket protocol, decoded by domain (a0) */
	FMT_PATH,       /* a path argument: resolved if it could be, else as passed */
	FMT_RAW,        /* a path argument exactly as passed */
};

struct arg_spec {
	const char *name;       /* Falco's argument name */
	unsigned char src, fmt, kind, base;
	const char *field;
};

enum net_role {
	NET_NONE,
	NET_SOCKET,     /* socket(): domain, type, protocol; the new fd is the result */
	NET_PAIR,       /* socketpair(): the same, the fds are in FD_PAIR */
	NET_FD,         /* a0 is the socket */
	NET_LOCAL,      /* a0 is the socket, SOCKADDR the local address (bind) */
	NET_REMOTE,     /* a0 is the socket, SOCKADDR the peer (connect, sendto, recvfrom) */
	NET_ACCEPT,     /* the result is the new socket, SOCKADDR the peer */
};

struct sc_spec {
	struct arg_spec args[6];
	unsigned char file, file2;      /* enum conv_path_role */
	unsigned char file_at, file2_at;        /* 1 + index of the dirfd argument; 0 = cwd */
	unsigned char net;              /* enum net_role */
	int rec;                        /* record type SRC_REC fields come from */
};

#define A(i) (SRC_A0 + (i))
#define AT(i) ((i) + 1)
#define AT_NOWHERE 0xff
#define I32(n, s) { n, s, FMT_I32, 0, 0, NULL }
#define U32(n, s) { n, s, FMT_U32, 0, 0, NULL }
#define U64(n, s) { n, s, FMT_U64, 0, 0, NULL }
#define OCT(n, s) { n, s, FMT_OCT, 0, 0, NULL }
#define SYM(n, s, k) { n, s, FMT_SYM, k, 0, NULL }
#define PATH(n, s) { n, s, FMT_PATH, 0, 0, NULL }
#define RAW(n, s) { n, s, FMT_RAW, 0, 0, NULL }
#define PROTO(n, s) { n, s, FMT_PROTO, 0, 0, NULL }
#define FD_RES { "fd", SRC_RES, FMT_I32, 0, 0, NULL }
#define REC_OCT(n, f) { n, SRC_REC, FMT_OCT, 0, 8, f }
#define REC_I32(n, f) { n, SRC_REC, FMT_I32, 0, 10, f }
#define REC_SYM(n, f, b, k) { n, SRC_REC, FMT_SYM, k, b, f }

/* Arguments come in the order of Falco's enter event, then its exit event's own, so that
 * evt.arg[N] (as in "evt.arg[0] contains AF_PACKET") finds the same one. */
static const struct sc_spec specs[EVT__COUNT] = {
	[EVT_execve] = { .args = { PATH("filename", SRC_FILE) }, .file = PATH_FIRST },
	[EVT_execveat] = { .args = { I32("dirfd", A(0)), PATH("pathname", SRC_FILE) },
		.file = PATH_FIRST, .file_at = AT(0) },
	[EVT_clone] = { .args = { SYM("flags", A(0), DECODE_CLONE_FLAGS) } },
	[EVT_kill] = { .args = { I32("pid", A(0)), SYM("sig", A(1), DECODE_SIGNAL) } },
	[EVT_tkill] = { .args = { I32("tid", A(0)), SYM("sig", A(1), DECODE_SIGNAL) } },
	[EVT_tgkill] = { .args = { I32("pid", A(0)), I32("tid", A(1)),
		SYM("sig", A(2), DECODE_SIGNAL) } },
	[EVT_prctl] = { .args = { I32("option", A(0)) } },
	[EVT_socket] = { .args = { SYM("domain", A(0), DECODE_SOCK_FAMILY),
		SYM("type", A(1), DECODE_SOCK_TYPE), PROTO("proto", A(2)), FD_RES },
		.net = NET_SOCKET },
	[EVT_socketpair] = { .args = { SYM("domain", A(0), DECODE_SOCK_FAMILY),
		SYM("type", A(1), DECODE_SOCK_TYPE), PROTO("proto", A(2)), REC_I32("fd1", "fd0"),
		REC_I32("fd2", "fd1") }, .net = NET_PAIR, .rec = AUDIT_FD_PAIR },
	[EVT_connect] = { .args = { I32("fd", A(0)) }, .net = NET_REMOTE },
	[EVT_accept] = { .args = { FD_RES }, .net = NET_ACCEPT },
	[EVT_accept4] = { .args = { SYM("flags", A(3), DECODE_SOCK_FLAGS), FD_RES },
		.net = NET_ACCEPT },
	[EVT_bind] = { .args = { I32("fd", A(0)) }, .net = NET_LOCAL },
	[EVT_listen] = { .args = { I32("fd", A(0)), I32("backlog", A(1)) }, .net = NET_FD },
	[EVT_sendto] = { .args = { I32("fd", A(0)), U64("size", A(2)) }, .net = NET_REMOTE },
	[EVT_sendmsg] = { .args = { I32("fd", A(0)) }, .net = NET_REMOTE },
	[EVT_recvfrom] = { .args = { I32("fd", A(0)), U64("size", A(2)) }, .net = NET_REMOTE },
	[EVT_recvmsg] = { .args = { I32("fd", A(0)) }, .net = NET_REMOTE },
	[EVT_setns] = { .args = { I32("fd", A(0)), SYM("nstype", A(1), DECODE_NS_FLAGS) } },
	[EVT_unshare] = { .args = { SYM("flags", A(0), DECODE_NS_FLAGS) } },
	[EVT_mount] = { .args = { PATH("dir", SRC_FILE), SYM("flags", A(3), DECODE_MOUNT_FLAGS) },
		.file = PATH_FIRST },
	[EVT_umount] = { .args = { PATH("name", SRC_FILE) }, .file = PATH_FIRST },
	[EVT_umount2] = { .args = { PATH("name", SRC_FILE),
		SYM("flags", A(1), DECODE_UMOUNT_FLAGS) }, .file = PATH_FIRST },
	[EVT_pivot_root] = { .args = { PATH("new_root", SRC_FILE) }, .file = PATH_FIRST },
	[EVT_chroot] = { .args = { PATH("path", SRC_FILE) }, .file = PATH_FIRST },
	[EVT_ptrace] = { .args = { SYM("request", A(0), DECODE_PTRACE_REQUEST),
		I32("pid", A(1)) } },
	[EVT_process_vm_writev] = { .args = { I32("pid", A(0)) } },
	[EVT_init_module] = { .args = { U64("length", A(1)) } },
	[EVT_finit_module] = { .args = { I32("fd", A(0)),
		SYM("flags", A(2), DECODE_MODULE_INIT_FLAGS) } },
	[EVT_delete_module] = { .args = { SYM("flags", A(1), DECODE_DELETE_MODULE_FLAGS) } },
	[EVT_bpf] = { .args = { SYM("cmd", A(0), DECODE_BPF_CMD) } },
	[EVT_userfaultfd] = { .args = { SYM("flags", A(0), DECODE_UFFD_FLAGS) } },
	[EVT_open] = { .args = { PATH("name", SRC_FILE), SYM("flags", A(1), DECODE_OPEN_FLAGS),
		OCT("mode", A(2)), FD_RES }, .file = PATH_CREATE },
	[EVT_openat] = { .args = { I32("dirfd", A(0)), PATH("name", SRC_FILE),
		SYM("flags", A(2), DECODE_OPEN_FLAGS), OCT("mode", A(3)), FD_RES },
		.file = PATH_CREATE, .file_at = AT(0) },
	[EVT_openat2] = { .args = { I32("dirfd", A(0)), PATH("name", SRC_FILE),
		REC_SYM("flags", "oflag", 8, DECODE_OPEN_FLAGS), REC_OCT("mode", "mode"),
		REC_SYM("resolve", "resolve", 16, DECODE_RESOLVE_FLAGS), FD_RES },
		.file = PATH_CREATE, .file_at = AT(0), .rec = AUDIT_OPENAT2 },
	[EVT_creat] = { .args = { PATH("name", SRC_FILE), OCT("mode", A(1)), FD_RES },
		.file = PATH_CREATE },
	[EVT_open_by_handle_at] = { .args = { FD_RES, I32("mountfd", A(0)),
		SYM("flags", A(2), DECODE_OPEN_FLAGS), PATH("path", SRC_FILE) },
		.file = PATH_FIRST },
	[EVT_name_to_handle_at] = { .args = { I32("dirfd", A(0)), PATH("pathname", SRC_FILE) },
		.file = PATH_FIRST, .file_at = AT(0) },
	[EVT_memfd_create] = { .args = { FD_RES, SYM("flags", A(1), DECODE_MEMFD_FLAGS) } },
	[EVT_truncate] = { .args = { PATH("path", SRC_FILE) }, .file = PATH_FIRST },
	[EVT_ftruncate] = { .args = { I32("fd", A(0)) }, .file = PATH_FIRST },
	[EVT_link] = { .args = { PATH("oldpath", SRC_FILE2), PATH("newpath", SRC_FILE) },
		.file = PATH_NEW, .file2 = PATH_NORMAL },
	[EVT_linkat] = { .args = { I32("olddir", A(0)), PATH("oldpath", SRC_FILE2),
		I32("newdir", A(2)), PATH("newpath", SRC_FILE) },
		.file = PATH_NEW, .file_at = AT(2), .file2 = PATH_NORMAL, .file2_at = AT(0) },
	/* The target is text stored in the link, relative to the link's directory if at all. */
	[EVT_symlink] = { .args = { RAW("target", SRC_FILE2), PATH("linkpath", SRC_FILE) },
		.file = PATH_CREATE, .file2 = PATH_UNKNOWN, .file2_at = AT_NOWHERE },
	[EVT_symlinkat] = { .args = { RAW("target", SRC_FILE2), I32("linkdirfd", A(1)),
		PATH("linkpath", SRC_FILE) }, .file = PATH_CREATE, .file_at = AT(1),
		.file2 = PATH_UNKNOWN, .file2_at = AT_NOWHERE },
	[EVT_rename] = { .args = { PATH("oldpath", SRC_FILE2), PATH("newpath", SRC_FILE) },
		.file = PATH_NEW, .file2 = PATH_OLD },
	[EVT_renameat] = { .args = { I32("olddirfd", A(0)), PATH("oldpath", SRC_FILE2),
		I32("newdirfd", A(2)), PATH("newpath", SRC_FILE) },
		.file = PATH_NEW, .file_at = AT(2), .file2 = PATH_OLD, .file2_at = AT(0) },
	[EVT_renameat2] = { .args = { I32("olddirfd", A(0)), PATH("oldpath", SRC_FILE2),
		I32("newdirfd", A(2)), PATH("newpath", SRC_FILE) },
		.file = PATH_NEW, .file_at = AT(2), .file2 = PATH_OLD, .file2_at = AT(0) },
	[EVT_unlink] = { .args = { PATH("path", SRC_FILE) }, .file = PATH_DELETE },
	[EVT_unlinkat] = { .args = { I32("dirfd", A(0)), PATH("name", SRC_FILE),
		SYM("flags", A(2), DECODE_AT_FLAGS) }, .file = PATH_DELETE, .file_at = AT(0) },
	[EVT_rmdir] = { .args = { PATH("path", SRC_FILE) }, .file = PATH_DELETE },
	[EVT_mkdir] = { .args = { PATH("path", SRC_FILE), OCT("mode", A(1)) },
		.file = PATH_CREATE },
	[EVT_mkdirat] = { .args = { I32("dirfd", A(0)), PATH("path", SRC_FILE),
		OCT("mode", A(2)) }, .file = PATH_CREATE, .file_at = AT(0) },
	[EVT_mknod] = { .args = { PATH("path", SRC_FILE), OCT("mode", A(1)), U32("dev", A(2)) },
		.file = PATH_CREATE },
	[EVT_mknodat] = { .args = { I32("dirfd", A(0)), PATH("path", SRC_FILE),
		OCT("mode", A(2)), U32("dev", A(3)) }, .file = PATH_CREATE, .file_at = AT(0) },
	/* Falco prints chmod modes as bits (rules test evt.arg.mode contains S_ISUID) and
	 * open/mkdir modes in octal. */
	[EVT_chmod] = { .args = { PATH("filename", SRC_FILE),
		SYM("mode", A(1), DECODE_CHMOD_MODE) }, .file = PATH_FIRST },
	[EVT_fchmod] = { .args = { I32("fd", A(0)), SYM("mode", A(1), DECODE_CHMOD_MODE) },
		.file = PATH_FIRST },
	[EVT_fchmodat] = { .args = { I32("dirfd", A(0)), PATH("filename", SRC_FILE),
		SYM("mode", A(2), DECODE_CHMOD_MODE) }, .file = PATH_FIRST, .file_at = AT(0) },
	[EVT_chown] = { .args = { PATH("path", SRC_FILE), U32("uid", A(1)), U32("gid", A(2)) },
		.file = PATH_FIRST },
	[EVT_lchown] = { .args = { PATH("path", SRC_FILE), U32("uid", A(1)), U32("gid", A(2)) },
		.file = PATH_FIRST },
	[EVT_fchown] = { .args = { I32("fd", A(0)), U32("uid", A(1)), U32("gid", A(2)) },
		.file = PATH_FIRST },
	[EVT_fchownat] = { .args = { I32("dirfd", A(0)), PATH("pathname", SRC_FILE),
		U32("uid", A(2)), U32("gid", A(3)) }, .file = PATH_FIRST, .file_at = AT(0) },
	[EVT_setxattr] = { .args = { PATH("path", SRC_FILE) }, .file = PATH_FIRST },
	[EVT_lsetxattr] = { .args = { PATH("path", SRC_FILE) }, .file = PATH_FIRST },
	[EVT_fsetxattr] = { .args = { I32("fd", A(0)) }, .file = PATH_FIRST },
	[EVT_setuid] = { .args = { U32("uid", A(0)) } },
	[EVT_setgid] = { .args = { U32("gid", A(0)) } },
	[EVT_setreuid] = { .args = { U32("ruid", A(0)), U32("euid", A(1)) } },
	[EVT_setregid] = { .args = { U32("rgid", A(0)), U32("egid", A(1)) } },
	[EVT_setresuid] = { .args = { U32("ruid", A(0)), U32("euid", A(1)), U32("suid", A(2)) } },
	[EVT_setresgid] = { .args = { U32("rgid", A(0)), U32("egid", A(1)), U32("sgid", A(2)) } },
	[EVT_setfsuid] = { .args = { U32("uid", A(0)) } },
	[EVT_setfsgid] = { .args = { U32("gid", A(0)) } },
	[EVT_dup] = { .args = { I32("oldfd", A(0)) } },
	[EVT_dup2] = { .args = { I32("oldfd", A(0)), I32("newfd", A(1)) } },
	[EVT_dup3] = { .args = { I32("oldfd", A(0)), I32("newfd", A(1)),
		SYM("flags", A(2), DECODE_FD_FLAGS) } },
	[EVT_fcntl] = { .args = { I32("fd", A(0)), SYM("cmd", A(1), DECODE_FCNTL_CMD) } },
};

/* Names of the same call on other ABIs: i386's 32-bit-uid and 64-bit-offset variants. */
static const struct {
	const char *from, *to;
} syscall_aliases[] = {
	{ "chown32", "chown" }, { "lchown32", "lchown" }, { "fchown32", "fchown" },
	{ "setuid32", "setuid" }, { "setgid32", "setgid" },
	{ "setreuid32", "setreuid" }, { "setregid32", "setregid" },
	{ "setresuid32", "setresuid" }, { "setresgid32", "setresgid" },
	{ "setfsuid32", "setfsuid" }, { "setfsgid32", "setfsgid" },
	{ "fcntl64", "fcntl" }, { "truncate64", "truncate" }, { "ftruncate64", "ftruncate" },
};

/* socketcall(2)'s call numbers (linux/net.h SYS_*). */
static const char *const socketcalls[] = {
	[1] = "socket", [2] = "bind", [3] = "connect", [4] = "listen", [5] = "accept",
	[6] = "getsockname", [7] = "getpeername", [8] = "socketpair", [9] = "send",
	[10] = "recv", [11] = "sendto", [12] = "recvfrom", [13] = "shutdown",
	[14] = "setsockopt", [15] = "getsockopt", [16] = "sendmsg", [17] = "recvmsg",
	[18] = "accept4", [19] = "recvmmsg", [20] = "sendmmsg",
};

/* fanotify's event names that are also syscall names: a syscall is never one of these. */
static const enum event_type fanotify_only[] = {
	EVT_open_exec, EVT_access, EVT_modify, EVT_close_write, EVT_close_nowrite,
	EVT_create, EVT_delete, EVT_attrib,
};

static void
read_args(struct conv *c, const struct audit_record *rec, unsigned count)
{
	static const char *const names[CONV_NARGS] = { "a0", "a1", "a2", "a3", "a4", "a5" };

	c->have = 0;
	for (unsigned i = 0; i < count && i < CONV_NARGS; i++) {
		int rc = audit_record_get_u64(rec, names[i], 16, &c->a[i]);

		if (rc == 0)
			c->have |= 1u << i;
		else if (rc != -ENOENT)
			conv_bad(c);
	}
}

static void
read_cwd(struct conv *c)
{
	const struct audit_record *cwd = conv_find(c, AUDIT_CWD);
	size_t len = 0;

	if (cwd == NULL)
		return;
	c->cwd = conv_text(c, cwd, "cwd", &len);
	if (c->cwd && strlen(c->cwd) != len) {
		conv_bad(c);    /* a directory name cannot hold a NUL */
		c->cwd = NULL;
	}
	c->proc->cwd = proc_strdup(c->proc, c->cwd);
}

void
conv_syscall_common(struct conv *c)
{
	struct event *ev = c->ev;
	const char *success = conv_raw(c->sys, "success");
	uint64_t arch;
	int64_t v;

	if (audit_record_get_u64(c->sys, "arch", 16, &arch) == 0 && arch <= UINT32_MAX)
		c->arch = ev->arch = (uint32_t)arch;
	else
		conv_bad(c);
	if (conv_i64(c, c->sys, "syscall", &v))
		ev->syscall_nr = v;
	if (success && (strcmp(success, "yes") == 0 || strcmp(success, "no") == 0))
		ev->success = success[0] == 'y';
	else if (success)
		conv_bad(c);
	if (conv_i64(c, c->sys, "exit", &v))
		ev->res = v;
	read_args(c, c->sys, 4);
	ev->key = event_strdup(ev, conv_text(c, c->sys, "key", NULL));
	c->proc = ev->proc = proc_new(PROC_ID_UNSET);
	conv_proc_from_syscall(c);
	if (c->proc->pid != PROC_ID_UNSET)
		ev->pid = c->proc->pid;
	read_cwd(c);
	conv_argv(c);
}

/* i386 multiplexes the socket calls through socketcall(2): its a0 is the call and a1 points
 * at the real arguments, which the kernel logs in a SOCKETCALL record. */
static const char *
unwrap_socketcall(struct conv *c)
{
	const struct audit_record *sc = conv_find(c, AUDIT_SOCKETCALL);
	uint64_t call = c->a[0], nargs = 0;

	if (!(c->have & 1) || call >= NELEM(socketcalls) || socketcalls[call] == NULL)
		return "socketcall";
	c->have = 0;
	if (sc && audit_record_get_u64(sc, "nargs", 10, &nargs) == 0)
		read_args(c, sc, nargs < CONV_NARGS ? (unsigned)nargs : CONV_NARGS);
	return socketcalls[call];
}

static bool
valid_name(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_");

	return n > 0 && n < 64 && s[n] == '\0';
}

/* The syscall's name: libaudit's, else the ENRICHED field's, else "syscall_NNN". */
static const char *
syscall_name(struct conv *c, int64_t nr)
{
	const struct audit_field *enr = audit_record_field(c->sys, "SYSCALL");
	int machine = c->arch ? audit_elf_to_machine(c->arch) : -1;
	const char *name = NULL;

	if (enr && !enr->enriched)
		enr = NULL;
	if (machine == MACH_86_64 && nr >= X32_SYSCALL_BIT && nr < 2 * X32_SYSCALL_BIT)
		nr -= X32_SYSCALL_BIT;  /* x32: same table, tagged numbers */
	if (machine >= 0 && nr >= 0 && nr <= INT32_MAX)
		name = audit_syscall_to_name((int)nr, machine);
	if (name && enr && strcmp(name, enr->value) != 0)
		conv_bad(c);    /* the log's own interpretation disagrees; trust the number */
	if (name == NULL && enr && valid_name(enr->value))
		name = enr->value;
	if (name == NULL)
		return NULL;
	if (strcmp(name, "socketcall") == 0)
		return unwrap_socketcall(c);
	for (size_t i = 0; i < NELEM(syscall_aliases); i++)
		if (strcmp(syscall_aliases[i].from, name) == 0)
			return syscall_aliases[i].to;
	return name;
}

static enum event_type
syscall_type(const char *name)
{
	enum event_type t = event_type_from_name(name);
	enum event_class cls = event_type_class(t);

	if (t == EVT_NONE || cls == EVC_RECORD || cls == EVC_INTERNAL)
		return EVT_syscall;
	for (size_t i = 0; i < NELEM(fanotify_only); i++)
		if (fanotify_only[i] == t)
			return EVT_syscall;
	return t;
}

static void
name_event(struct conv *c)
{
	struct event *ev = c->ev;
	const char *name = syscall_name(c, ev->syscall_nr);
	char buf[40];

	if (name == NULL) {
		snprintf(buf, sizeof(buf), "syscall_%" PRId64, ev->syscall_nr);
		name = buf;
	}
	ev->type = syscall_type(name);
	ev->name = ev->type == EVT_syscall ? event_strdup(ev, name) : event_type_name(ev->type);
}

/* The raw value of argument AS, or false when the log does not have it. */
static bool
arg_value(struct conv *c, const struct sc_spec *sp, const struct arg_spec *as, uint64_t *v)
{
	const struct audit_record *rec;
	const char *s;

	if (as->src >= SRC_A0 && as->src <= SRC_A5) {
		*v = c->a[as->src - SRC_A0];
		return c->have & (1u << (as->src - SRC_A0));
	}
	if (as->src == SRC_RES) {
		*v = (uint64_t)c->ev->res;
		return c->ev->res != EVENT_NUM_UNSET;
	}
	if (as->src != SRC_REC || (rec = conv_find(c, sp->rec)) == NULL ||
	    (s = conv_raw(rec, as->field)) == NULL)
		return false;
	if (as->base == 16 && s[0] == '0' && s[1] == 'x')
		s += 2;     /* resolve=0x18 */
	if (strnum_u64z(s, as->base, UINT64_MAX, v) == 0)
		return true;
	conv_bad(c);
	return false;
}

static const char *
path_arg(const struct event_path *p, bool raw)
{
	return p->path && !raw ? p->path : p->raw;
}

static void
set_arg(struct conv *c, const struct sc_spec *sp, const struct arg_spec *as, struct sbuf *sb)
{
	struct event *ev = c->ev;
	uint64_t v = 0;

	if (as->fmt == FMT_PATH || as->fmt == FMT_RAW) {
		const char *s = path_arg(as->src == SRC_FILE ? &ev->file : &ev->file2,
		                         as->fmt == FMT_RAW);

		if (s)
			event_set_arg(ev, as->name, s, EVENT_NUM_UNSET);
		return;
	}
	if (!arg_value(c, sp, as, &v))
		return;
	sbuf_reset(sb);
	switch (as->fmt) {
	case FMT_I32:
		event_set_arg(ev, as->name, NULL, (int32_t)(uint32_t)v);
		return;
	case FMT_U32:
		event_set_arg(ev, as->name, NULL, (uint32_t)v);
		return;
	case FMT_U64:
		event_set_arg(ev, as->name, NULL, (int64_t)v);
		return;
	case FMT_OCT:
		v &= 0xffffffffu;
		sbuf_putc(sb, '0');
		sbuf_putu(sb, v, 8);
		break;
	case FMT_SYM:
		v &= 0xffffffffu;
		decode_value((enum decode_kind)as->kind, c->arch, v, sb);
		break;
	case FMT_PROTO:
		v &= 0xffffffffu;
		if (c->have & 1)
			decode_sock_protocol(c->a[0] & 0xffffffffu, v, sb);
		break;
	default:
		return;
	}
	event_set_arg(ev, as->name, sb->len ? sbuf_str(sb) : NULL, (int64_t)v);
}

/* Where a relative name of a *at() syscall starts: -1 for the cwd, or the index of the
 * syscall argument holding the directory fd when it is a real fd.  The kernel does not log
 * that directory: a PATH record's PARENT item for a bare relative name is the *cwd* even
 * when a dirfd was used, so it cannot stand in, and such names stay unresolved. */
static int
dirfd_of(const struct conv *c, unsigned at)
{
	unsigned i = at - 1;

	if (at == AT_NOWHERE)
		return CONV_DIR_UNKNOWN;
	if (at == 0 || !(c->have & (1u << i)) || (int32_t)(uint32_t)c->a[i] == AT_FDCWD_VALUE)
		return -1;
	return (int)i;
}

static void
set_net(struct conv *c, const struct sc_spec *sp)
{
	struct event_net *net = &c->ev->net;

	if (sp->net == NET_SOCKET || sp->net == NET_PAIR) {
		if (c->have & 1)
			net->domain = (int32_t)(uint32_t)c->a[0];
		if (c->have & 2)
			net->type = c->a[1] & 0xf;
		if (c->have & 4)
			net->protocol = (int32_t)(uint32_t)c->a[2];
	}
	if (sp->net == NET_SOCKET || sp->net == NET_ACCEPT) {
		if (c->ev->success == 1)
			net->fd = c->ev->res;
	} else if (sp->net != NET_NONE && sp->net != NET_PAIR && (c->have & 1)) {
		net->fd = (int32_t)(uint32_t)c->a[0];
	}
	if (sp->net == NET_LOCAL)
		conv_sockaddr(c, &net->local);
	else if (sp->net == NET_REMOTE || sp->net == NET_ACCEPT)
		conv_sockaddr(c, &net->remote);
}

int
conv_syscall_event(struct conv *c, const char **why)
{
	struct sbuf sb = SBUF_INIT;
	const struct sc_spec *sp;

	c->ev = event_new(EVT_syscall, EVS_AUDIT);
	conv_syscall_common(c);
	if (c->ev->syscall_nr == EVENT_NUM_UNSET) {
		*why = "SYSCALL record without a valid syscall number";
		return -EINVAL;
	}
	name_event(c);
	sp = &specs[c->ev->type];
	if (sp->file)
		conv_path(c, sp->file, dirfd_of(c, sp->file_at), &c->ev->file);
	if (sp->file2)
		conv_path(c, sp->file2, dirfd_of(c, sp->file2_at), &c->ev->file2);
	set_net(c, sp);
	for (size_t i = 0; i < NELEM(sp->args) && sp->args[i].name; i++)
		set_arg(c, sp, &sp->args[i], &sb);
	sbuf_free(&sb);
	return 0;
}
