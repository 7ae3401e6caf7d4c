/* fields_proc.c - proc.* and thread.* extractors, from the event's process snapshot and its
 * parent chain.  Names follow Falco: proc.name is the kernel's comm, proc.exe is argv[0],
 * proc.exepath the executable's path, proc.cmdline "name arg1 arg2".  Ancestors: index 0 is
 * the process itself, 1 its parent; proc.aname and friends without an index give every
 * known ancestor, starting at the parent.  A snapshot without a parent has no parent fields:
 * they are not available, never "". */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/strnum.h"
#include "rules/fields_int.h"

/* Device numbers of terminals as the kernel encodes tty_nr (new_encode_dev). */
#define TTY_MAJOR_VT    4      /* tty0..tty63; ttyS0.. start at minor 64 */
#define TTY_MAJOR_PTS   136    /* Unix98 pty slaves, minor = pts number */
#define TTY_MINOR_MAX   ((1u << 20) - 1)

const struct proc *
fields_ancestor(const struct event *ev, int64_t n)
{
	const struct proc *p = ev->proc;

	if (n < 0 || n > FIELDS_MAX_DEPTH)
		return NULL;
	for (int64_t i = 0; i < n && p; i++)
		p = p->parent;
	return p;
}

const char *
fields_cmdline(const struct proc *p, struct arena *scratch, size_t *len)
{
	if (p == NULL || p->comm == NULL || p->argv == NULL)
		return NULL;
	return fields_join(scratch, p->comm, p->argc ? p->argv + 1 : p->argv,
	                   p->argc ? p->argc - 1 : 0, len);
}

/* ---- one value of one process ---- */

typedef uint32_t proc_get_fn(const struct proc *p, struct arena *scratch, struct fvalue *out,
                             uint32_t max);

static uint32_t
get_name(const struct proc *p, struct arena *scratch, struct fvalue *out, uint32_t max)
{
	return p ? fields_put_cstr(out, max, p->comm) : 0;
}

static uint32_t
get_exe(const struct proc *p, struct arena *scratch, struct fvalue *out, uint32_t max)
{
	if (p == NULL || p->argv == NULL || p->argc == 0)
		return 0;
	return fields_put_cstr(out, max, p->argv[0]);
}

static uint32_t
get_exepath(const struct proc *p, struct arena *scratch, struct fvalue *out, uint32_t max)
{
	return p ? fields_put_cstr(out, max, p->exe) : 0;
}

static uint32_t
get_cmdline(const struct proc *p, struct arena *scratch, struct fvalue *out, uint32_t max)
{
	size_t len;
	const char *s = fields_cmdline(p, scratch, &len);

	return s ? fields_put_str(out, max, s, len) : 0;
}

static uint32_t
get_pid(const struct proc *p, struct arena *scratch, struct fvalue *out, uint32_t max)
{
	return p && p->pid != PROC_ID_UNSET ? fields_put_i64(out, max, p->pid) : 0;
}

/* An ancestor field: ancestor [N] when REF has an index, else every known ancestor from
 * the parent up, as separate values. */
static uint32_t
over_ancestors(const struct field_ref *ref, const struct event *ev, struct arena *scratch,
               struct fvalue *out, uint32_t max, proc_get_fn *get)
{
	const struct proc *p;
	uint32_t n = 0;
	int depth = 0;

	if (ref->has_arg)
		return get(fields_ancestor(ev, ref->index), scratch, out, max);
	for (p = fields_ancestor(ev, 1); p && n < max && depth < FIELDS_MAX_DEPTH; p = p->parent) {
		n += get(p, scratch, out + n, max - n);
		depth++;
	}
	return n;
}

/* ---- the process itself ---- */

uint32_t
field_x_proc_name(const struct field_ref *ref, const struct event *ev, struct arena *scratch,
                  struct fvalue *out, uint32_t max)
{
	return get_name(ev->proc, scratch, out, max);
}

uint32_t
field_x_proc_exe(const struct field_ref *ref, const struct event *ev, struct arena *scratch,
                 struct fvalue *out, uint32_t max)
{
	return get_exe(ev->proc, scratch, out, max);
}

uint32_t
field_x_proc_exepath(const struct field_ref *ref, const struct event *ev,
                     struct arena *scratch, struct fvalue *out, uint32_t max)
{
	return get_exepath(ev->proc, scratch, out, max);
}

uint32_t
field_x_proc_args(const struct field_ref *ref, const struct event *ev, struct arena *scratch,
                  struct fvalue *out, uint32_t max)
{
	const struct proc *p = ev->proc;
	const char *s;
	size_t len;

	if (p == NULL || p->argv == NULL)
		return 0;
	if (p->argc <= 1)
		return fields_put_str(out, max, "", 0);
	s = fields_join(scratch, NULL, p->argv + 1, p->argc - 1, &len);
	return fields_put_str(out, max, s, len);
}

uint32_t
field_x_proc_cmdline(const struct field_ref *ref, const struct event *ev,
                     struct arena *scratch, struct fvalue *out, uint32_t max)
{
	return get_cmdline(ev->proc, scratch, out, max);
}

uint32_t
field_x_proc_exeline(const struct field_ref *ref, const struct event *ev,
                     struct arena *scratch, struct fvalue *out, uint32_t max)
{
	const struct proc *p = ev->proc;
	const char *s;
	size_t len;

	if (p == NULL || p->argv == NULL || p->argc == 0)
		return 0;
	s = fields_join(scratch, p->argv[0], p->argv + 1, p->argc - 1, &len);
	return fields_put_str(out, max, s, len);
}

uint32_t
field_x_proc_cmdnargs(const struct field_ref *ref, const struct event *ev,
                      struct arena *scratch, struct fvalue *out, uint32_t max)
{
	const struct proc *p = ev->proc;

	if (p == NULL || p->argv == NULL)
		return 0;
	return fields_put_u64(out, max, FT_UINT64, p->argc ? p->argc - 1 : 0);
}

uint32_t
field_x_proc_pid(const struct field_ref *ref, const struct event *ev, struct arena *scratch,
                 struct fvalue *out, uint32_t max)
{
	if (ev->proc)
		return get_pid(ev->proc, scratch, out, max);
	return ev->pid != EVENT_NUM_UNSET ? fields_put_i64(out, max, ev->pid) : 0;
}

uint32_t
field_x_proc_ppid(const struct field_ref *ref, const struct event *ev, struct arena *scratch,
                  struct fvalue *out, uint32_t max)
{
	const struct proc *p = ev->proc;

	if (p && p->ppid != PROC_ID_UNSET)
		return fields_put_i64(out, max, p->ppid);
	return p ? get_pid(p->parent, scratch, out, max) : 0;
}

uint32_t
field_x_thread_tid(const struct field_ref *ref, const struct event *ev,
                   struct arena *scratch, struct fvalue *out, uint32_t max)
{
	return ev->tid != EVENT_NUM_UNSET ? fields_put_i64(out, max, ev->tid) : 0;
}

/* ---- capabilities ---- */

/* Linux capability names by bit number (include/uapi/linux/capability.h). */
static const char *const cap_names[] = {
	[0] = "CAP_CHOWN", [1] = "CAP_DAC_OVERRIDE", [2] = "CAP_DAC_READ_SEARCH",
	[3] = "CAP_FOWNER", [4] = "CAP_FSETID", [5] = "CAP_KILL", [6] = "CAP_SETGID",
	[7] = "CAP_SETUID", [8] = "CAP_SETPCAP", [9] = "CAP_LINUX_IMMUTABLE",
	[10] = "CAP_NET_BIND_SERVICE", [11] = "CAP_NET_BROADCAST", [12] = "CAP_NET_ADMIN",
	[13] = "CAP_NET_RAW", [14] = "CAP_IPC_LOCK", [15] = "CAP_IPC_OWNER",
	[16] = "CAP_SYS_MODULE", [17] = "CAP_SYS_RAWIO", [18] = "CAP_SYS_CHROOT",
	[19] = "CAP_SYS_PTRACE", [20] = "CAP_SYS_PACCT", [21] = "CAP_SYS_ADMIN",
	[22] = "CAP_SYS_BOOT", [23] = "CAP_SYS_NICE", [24] = "CAP_SYS_RESOURCE",
	[25] = "CAP_SYS_TIME", [26] = "CAP_SYS_TTY_CONFIG", [27] = "CAP_MKNOD",
	[28] = "CAP_LEASE", [29] = "CAP_AUDIT_WRITE", [30] = "CAP_AUDIT_CONTROL",
	[31] = "CAP_SETFCAP", [32] = "CAP_MAC_OVERRIDE", [33] = "CAP_MAC_ADMIN",
	[34] = "CAP_SYSLOG", [35] = "CAP_WAKE_ALARM", [36] = "CAP_BLOCK_SUSPEND",
	[37] = "CAP_AUDIT_READ", [38] = "CAP_PERFMON", [39] = "CAP_BPF",
	[40] = "CAP_CHECKPOINT_RESTORE",
};
_Static_assert(sizeof(cap_names) / sizeof(cap_names[0]) == 41,
               "capability table changed: update the tests");

size_t
fields_caps_format(uint64_t caps, char *buf, size_t size)
{
	size_t len = 0;

	if (size == 0)
		return 0;
	buf[0] = '\0';
	for (unsigned bit = 0; bit < 64; bit++) {
		const size_t nnames = sizeof(cap_names) / sizeof(cap_names[0]);
		char num[16];
		const char *name = bit < nnames ? cap_names[bit] : NULL;
		int n;

		if (!(caps & (UINT64_C(1) << bit)))
			continue;
		if (name == NULL) {
			/* A capability newer than this table: its number, never a made-up name. */
			snprintf(num, sizeof(num), "CAP_%u", bit);
			name = num;
		}
		n = snprintf(buf + len, size - len, "%s%s", len ? " " : "", name);
		if (n < 0 || (size_t)n >= size - len) {
			buf[len] = '\0';        /* whole names only */
			break;
		}
		len += (size_t)n;
	}
	return len;
}

static uint32_t
put_caps(const struct event *ev, unsigned which, struct arena *scratch, struct fvalue *out,
         uint32_t max)
{
	const struct proc *p = ev->proc;
	char buf[FIELDS_CAPS_MAX];
	size_t len;

	if (p == NULL || !(p->caps_known & which))
		return 0;
	len = fields_caps_format(which == PROC_CAP_EFFECTIVE ? p->cap_effective
	                                                     : p->cap_permitted, buf, sizeof(buf));
	return fields_put_str(out, max, arena_strndup(scratch, buf, len), len);
}

uint32_t
field_x_thread_cap_effective(const struct field_ref *ref, const struct event *ev,
                             struct arena *scratch, struct fvalue *out, uint32_t max)
{
	return put_caps(ev, PROC_CAP_EFFECTIVE, scratch, out, max);
}

uint32_t
field_x_thread_cap_permitted(const struct field_ref *ref, const struct event *ev,
                             struct arena *scratch, struct fvalue *out, uint32_t max)
{
	return put_caps(ev, PROC_CAP_PERMITTED, scratch, out, max);
}

uint32_t
field_x_proc_cwd(const struct field_ref *ref, const struct event *ev, struct arena *scratch,
                 struct fvalue *out, uint32_t max)
{
	const char *cwd = ev->proc ? ev->proc->cwd : NULL;
	size_t len;
	char *s;

	if (cwd == NULL || cwd[0] == '\0')
		return 0;
	len = strlen(cwd);
	if (cwd[len - 1] == '/')
		return fields_put_str(out, max, cwd, len);
	/* Falco's proc.cwd always ends in '/', so "startswith /dev/shm/" also matches /dev/shm. */
	s = arena_alloc(scratch, len + 2);
	memcpy(s, cwd, len);
	s[len] = '/';
	s[len + 1] = '\0';
	return fields_put_str(out, max, s, len + 1);
}

/* The number after PREFIX in NAME ("pts3" or "pts/3"), or false. */
static bool
tty_number(const char *name, const char *prefix, uint64_t *n)
{
	size_t pl = strlen(prefix);

	if (strncmp(name, prefix, pl) != 0)
		return false;
	name += pl;
	if (*name == '/')
		name++;
	return strnum_u64z(name, 10, TTY_MINOR_MAX, n) == 0;
}

static uint64_t
encode_dev(uint64_t major, uint64_t minor)
{
	return (minor & 0xff) | (major << 8) | ((minor & ~(uint64_t)0xff) << 12);
}

uint32_t
field_x_proc_tty(const struct field_ref *ref, const struct event *ev, struct arena *scratch,
                 struct fvalue *out, uint32_t max)
{
	const struct proc *p = ev->proc;
	uint64_t n;

	if (p == NULL || p->has_tty < 0)
		return 0;
	if (p->has_tty == 0)
		return fields_put_u64(out, max, FT_UINT64, 0);
	if (p->tty == NULL)
		return 0;
	/* Falco reports the terminal's device number; audit reports its name. */
	if (tty_number(p->tty, "pts", &n))
		return fields_put_u64(out, max, FT_UINT64, encode_dev(TTY_MAJOR_PTS, n));
	if (tty_number(p->tty, "ttyS", &n) && n < 256 - 64)
		return fields_put_u64(out, max, FT_UINT64, encode_dev(TTY_MAJOR_VT, 64 + n));
	if (tty_number(p->tty, "tty", &n) && n < 64)
		return fields_put_u64(out, max, FT_UINT64, encode_dev(TTY_MAJOR_VT, n));
	return 0;
}

uint32_t
field_x_proc_duration(const struct field_ref *ref, const struct event *ev,
                      struct arena *scratch, struct fvalue *out, uint32_t max)
{
	const struct proc *p = ev->proc;

	if (p == NULL || p->start_ns == 0 || ev->ts_ns < p->start_ns)
		return 0;
	return fields_put_u64(out, max, FT_RELTIME, ev->ts_ns - p->start_ns);
}

uint32_t
field_x_proc_is_exe_from_memfd(const struct field_ref *ref, const struct event *ev,
                               struct arena *scratch, struct fvalue *out, uint32_t max)
{
	const char *exe = ev->proc ? ev->proc->exe : NULL;

	/* The kernel names a memfd executable "/memfd:NAME (deleted)". */
	if (exe == NULL)
		return 0;
	return fields_put_bool(out, max, strncmp(exe, "/memfd:", 7) == 0);
}

/* Stored in the snapshot when it was made (state/ctrpath.h), never looked up here. */
uint32_t
field_x_proc_is_exe_upper_layer(const struct field_ref *ref, const struct event *ev,
                                struct arena *scratch, struct fvalue *out, uint32_t max)
{
	const struct proc *p = ev->proc;

	if (p == NULL || p->exe_upper_layer < 0)
		return 0;
	return fields_put_bool(out, max, p->exe_upper_layer == 1);
}

uint32_t
field_x_proc_exe_ino(const struct field_ref *ref, const struct event *ev,
                     struct arena *scratch, struct fvalue *out, uint32_t max)
{
	const struct proc *p = ev->proc;

	return p && p->exe_ino ? fields_put_u64(out, max, FT_UINT64, p->exe_ino) : 0;
}

/* ---- the parent ---- */

uint32_t
field_x_proc_pname(const struct field_ref *ref, const struct event *ev,
                   struct arena *scratch, struct fvalue *out, uint32_t max)
{
	return get_name(fields_ancestor(ev, 1), scratch, out, max);
}

uint32_t
field_x_proc_pexe(const struct field_ref *ref, const struct event *ev, struct arena *scratch,
                  struct fvalue *out, uint32_t max)
{
	return get_exe(fields_ancestor(ev, 1), scratch, out, max);
}

uint32_t
field_x_proc_pexepath(const struct field_ref *ref, const struct event *ev,
                      struct arena *scratch, struct fvalue *out, uint32_t max)
{
	return get_exepath(fields_ancestor(ev, 1), scratch, out, max);
}

uint32_t
field_x_proc_pcmdline(const struct field_ref *ref, const struct event *ev,
                      struct arena *scratch, struct fvalue *out, uint32_t max)
{
	return get_cmdline(fields_ancestor(ev, 1), scratch, out, max);
}

/* ---- ancestors ---- */

uint32_t
field_x_proc_aname(const struct field_ref *ref, const struct event *ev,
                   struct arena *scratch, struct fvalue *out, uint32_t max)
{
	return over_ancestors(ref, ev, scratch, out, max, get_name);
}

uint32_t
field_x_proc_apid(const struct field_ref *ref, const struct event *ev, struct arena *scratch,
                  struct fvalue *out, uint32_t max)
{
	return over_ancestors(ref, ev, scratch, out, max, get_pid);
}

uint32_t
field_x_proc_aexe(const struct field_ref *ref, const struct event *ev, struct arena *scratch,
                  struct fvalue *out, uint32_t max)
{
	return over_ancestors(ref, ev, scratch, out, max, get_exe);
}

uint32_t
field_x_proc_aexepath(const struct field_ref *ref, const struct event *ev,
                      struct arena *scratch, struct fvalue *out, uint32_t max)
{
	return over_ancestors(ref, ev, scratch, out, max, get_exepath);
}

uint32_t
field_x_proc_acmdline(const struct field_ref *ref, const struct event *ev,
                      struct arena *scratch, struct fvalue *out, uint32_t max)
{
	return over_ancestors(ref, ev, scratch, out, max, get_cmdline);
}
