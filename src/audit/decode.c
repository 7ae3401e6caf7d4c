/* decode.c - symbol tables for syscall argument values (see decode.h).
 * Every number below is written out rather than taken from the build host's headers: a log
 * replayed here may come from another kernel or architecture, and the answer must not depend
 * on which headers this binary was built against.  A kind has one or more variants, each
 * valid for a set of ABIs; flag kinds apply every valid variant in turn (common bits first,
 * then the architecture's own), enumeration kinds search them. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <linux/audit.h>

#include "audit/decode.h"

/* ABI families: which numbering an architecture uses for the values that differ. */
enum {
	ABI_X86 = 1 << 0,       /* asm-generic values plus x86-only ptrace requests */
	ABI_GENERIC = 1 << 1,   /* asm-generic values: riscv, s390, loongarch */
	ABI_ARM = 1 << 2,       /* arm and arm64: their own O_DIRECTORY..O_LARGEFILE */
	ABI_PPC = 1 << 3,       /* powerpc: its own O_DIRECTORY..O_DIRECT */
	ABI_UNKNOWN = 1 << 4,   /* anything else (mips, sparc, alpha, ...): arch-free tables only */
	ABI_ASM_GENERIC = ABI_X86 | ABI_GENERIC | ABI_ARM | ABI_PPC,
	ABI_ALL = ABI_ASM_GENERIC | ABI_UNKNOWN,
};

static const struct {
	uint32_t arch;
	uint8_t abi;
} arch_abis[] = {
	{ AUDIT_ARCH_X86_64, ABI_X86 },
	{ AUDIT_ARCH_I386, ABI_X86 },
	{ AUDIT_ARCH_AARCH64, ABI_ARM },
	{ AUDIT_ARCH_ARM, ABI_ARM },
	{ AUDIT_ARCH_ARMEB, ABI_ARM },
	{ AUDIT_ARCH_PPC, ABI_PPC },
	{ AUDIT_ARCH_PPC64, ABI_PPC },
	{ AUDIT_ARCH_PPC64LE, ABI_PPC },
	{ AUDIT_ARCH_RISCV32, ABI_GENERIC },
	{ AUDIT_ARCH_RISCV64, ABI_GENERIC },
	{ AUDIT_ARCH_S390, ABI_GENERIC },
	{ AUDIT_ARCH_S390X, ABI_GENERIC },
	{ AUDIT_ARCH_LOONGARCH64, ABI_GENERIC },
};

struct decode_name {
	const char *name;
	uint64_t mask;          /* flags: the bits this name covers; 0 for enumerations */
	uint64_t value;         /* the value those bits (or the whole number) must have */
};

#define FLAG(n, v)      { #n, (v), (v) }
#define FIELD(n, m, v)  { #n, (m), (v) }
#define ENUM(n, v)      { #n, 0, (v) }

/* open(2) flags common to every asm-generic architecture.  The access mode is a two-bit
 * field; O_SYNC is __O_SYNC together with O_DSYNC and must be matched before O_DSYNC. */
static const struct decode_name open_common[] = {
	FIELD(O_RDONLY, 03, 00),
	FIELD(O_WRONLY, 03, 01),
	FIELD(O_RDWR, 03, 02),
	FLAG(O_CREAT, 0100),
	FLAG(O_EXCL, 0200),
	FLAG(O_NOCTTY, 0400),
	FLAG(O_TRUNC, 01000),
	FLAG(O_APPEND, 02000),
	FLAG(O_NONBLOCK, 04000),
	FIELD(O_SYNC, 04010000, 04010000),
	FLAG(O_DSYNC, 010000),
	FLAG(FASYNC, 020000),
	FLAG(O_NOATIME, 01000000),
	FLAG(O_CLOEXEC, 02000000),
	FLAG(O_PATH, 010000000),
};

/* The four bits that differ, and O_TMPFILE, which includes O_DIRECTORY. */
static const struct decode_name open_generic[] = {
	FIELD(O_TMPFILE, 020200000, 020200000),
	FLAG(O_DIRECT, 040000),
	FLAG(O_LARGEFILE, 0100000),
	FLAG(O_DIRECTORY, 0200000),
	FLAG(O_NOFOLLOW, 0400000),
};

static const struct decode_name open_arm[] = {
	FIELD(O_TMPFILE, 020040000, 020040000),
	FLAG(O_DIRECTORY, 040000),
	FLAG(O_NOFOLLOW, 0100000),
	FLAG(O_DIRECT, 0200000),
	FLAG(O_LARGEFILE, 0400000),
};

static const struct decode_name open_ppc[] = {
	FIELD(O_TMPFILE, 020040000, 020040000),
	FLAG(O_DIRECTORY, 040000),
	FLAG(O_NOFOLLOW, 0100000),
	FLAG(O_LARGEFILE, 0200000),
	FLAG(O_DIRECT, 0400000),
};

static const struct decode_name fd_flags[] = {
	FLAG(O_CLOEXEC, 02000000),
};

static const struct decode_name sock_families[] = {
	ENUM(AF_UNSPEC, 0), ENUM(AF_UNIX, 1), ENUM(AF_INET, 2), ENUM(AF_AX25, 3),
	ENUM(AF_IPX, 4), ENUM(AF_APPLETALK, 5), ENUM(AF_NETROM, 6), ENUM(AF_BRIDGE, 7),
	ENUM(AF_ATMPVC, 8), ENUM(AF_X25, 9), ENUM(AF_INET6, 10), ENUM(AF_ROSE, 11),
	ENUM(AF_DECnet, 12), ENUM(AF_NETBEUI, 13), ENUM(AF_SECURITY, 14), ENUM(AF_KEY, 15),
	ENUM(AF_NETLINK, 16), ENUM(AF_PACKET, 17), ENUM(AF_ASH, 18), ENUM(AF_ECONET, 19),
	ENUM(AF_ATMSVC, 20), ENUM(AF_RDS, 21), ENUM(AF_SNA, 22), ENUM(AF_IRDA, 23),
	ENUM(AF_PPPOX, 24), ENUM(AF_WANPIPE, 25), ENUM(AF_LLC, 26), ENUM(AF_IB, 27),
	ENUM(AF_MPLS, 28), ENUM(AF_CAN, 29), ENUM(AF_TIPC, 30), ENUM(AF_BLUETOOTH, 31),
	ENUM(AF_IUCV, 32), ENUM(AF_RXRPC, 33), ENUM(AF_ISDN, 34), ENUM(AF_PHONET, 35),
	ENUM(AF_IEEE802154, 36), ENUM(AF_CAIF, 37), ENUM(AF_ALG, 38), ENUM(AF_NFC, 39),
	ENUM(AF_VSOCK, 40), ENUM(AF_KCM, 41), ENUM(AF_QIPCRTR, 42), ENUM(AF_SMC, 43),
	ENUM(AF_XDP, 44), ENUM(AF_MCTP, 45),
};

/* The type is the low four bits; the two flags share their values with O_NONBLOCK and
 * O_CLOEXEC on asm-generic architectures (mips and sparc differ, hence the ABI limit). */
static const struct decode_name sock_types[] = {
	FIELD(SOCK_STREAM, 0xf, 1),
	FIELD(SOCK_DGRAM, 0xf, 2),
	FIELD(SOCK_RAW, 0xf, 3),
	FIELD(SOCK_RDM, 0xf, 4),
	FIELD(SOCK_SEQPACKET, 0xf, 5),
	FIELD(SOCK_DCCP, 0xf, 6),
	FIELD(SOCK_PACKET, 0xf, 10),
	FLAG(SOCK_NONBLOCK, 04000),
	FLAG(SOCK_CLOEXEC, 02000000),
};

static const struct decode_name sock_flags[] = {
	FLAG(SOCK_NONBLOCK, 04000),
	FLAG(SOCK_CLOEXEC, 02000000),
};

static const struct decode_name ptrace_common[] = {
	ENUM(PTRACE_TRACEME, 0), ENUM(PTRACE_PEEKTEXT, 1), ENUM(PTRACE_PEEKDATA, 2),
	ENUM(PTRACE_PEEKUSR, 3), ENUM(PTRACE_POKETEXT, 4), ENUM(PTRACE_POKEDATA, 5),
	ENUM(PTRACE_POKEUSR, 6), ENUM(PTRACE_CONT, 7), ENUM(PTRACE_KILL, 8),
	ENUM(PTRACE_SINGLESTEP, 9), ENUM(PTRACE_ATTACH, 16), ENUM(PTRACE_DETACH, 17),
	ENUM(PTRACE_SYSCALL, 24),
	ENUM(PTRACE_SETOPTIONS, 0x4200), ENUM(PTRACE_GETEVENTMSG, 0x4201),
	ENUM(PTRACE_GETSIGINFO, 0x4202), ENUM(PTRACE_SETSIGINFO, 0x4203),
	ENUM(PTRACE_GETREGSET, 0x4204), ENUM(PTRACE_SETREGSET, 0x4205),
	ENUM(PTRACE_SEIZE, 0x4206), ENUM(PTRACE_INTERRUPT, 0x4207),
	ENUM(PTRACE_LISTEN, 0x4208), ENUM(PTRACE_PEEKSIGINFO, 0x4209),
	ENUM(PTRACE_GETSIGMASK, 0x420a), ENUM(PTRACE_SETSIGMASK, 0x420b),
	ENUM(PTRACE_SECCOMP_GET_FILTER, 0x420c), ENUM(PTRACE_SECCOMP_GET_METADATA, 0x420d),
	ENUM(PTRACE_GET_SYSCALL_INFO, 0x420e), ENUM(PTRACE_GET_RSEQ_CONFIGURATION, 0x420f),
	ENUM(PTRACE_SET_SYSCALL_USER_DISPATCH_CONFIG, 0x4210),
	ENUM(PTRACE_GET_SYSCALL_USER_DISPATCH_CONFIG, 0x4211),
};

static const struct decode_name ptrace_x86[] = {
	ENUM(PTRACE_GETREGS, 12), ENUM(PTRACE_SETREGS, 13), ENUM(PTRACE_GETFPREGS, 14),
	ENUM(PTRACE_SETFPREGS, 15), ENUM(PTRACE_GETFPXREGS, 18), ENUM(PTRACE_SETFPXREGS, 19),
	ENUM(PTRACE_OLDSETOPTIONS, 21), ENUM(PTRACE_GET_THREAD_AREA, 25),
	ENUM(PTRACE_SET_THREAD_AREA, 26), ENUM(PTRACE_ARCH_PRCTL, 30),
	ENUM(PTRACE_SYSEMU, 31), ENUM(PTRACE_SYSEMU_SINGLESTEP, 32),
	ENUM(PTRACE_SINGLEBLOCK, 33),
};

/* CLONE_* bits, shared by clone(2), unshare(2) and setns(2). */
static const struct decode_name clone_flags[] = {
	FLAG(CLONE_VM, 0x100),
	FLAG(CLONE_FS, 0x200),
	FLAG(CLONE_FILES, 0x400),
	FLAG(CLONE_SIGHAND, 0x800),
	FLAG(CLONE_PIDFD, 0x1000),
	FLAG(CLONE_PTRACE, 0x2000),
	FLAG(CLONE_VFORK, 0x4000),
	FLAG(CLONE_PARENT, 0x8000),
	FLAG(CLONE_THREAD, 0x10000),
	FLAG(CLONE_NEWNS, 0x20000),
	FLAG(CLONE_SYSVSEM, 0x40000),
	FLAG(CLONE_SETTLS, 0x80000),
	FLAG(CLONE_PARENT_SETTID, 0x100000),
	FLAG(CLONE_CHILD_CLEARTID, 0x200000),
	FLAG(CLONE_DETACHED, 0x400000),
	FLAG(CLONE_UNTRACED, 0x800000),
	FLAG(CLONE_CHILD_SETTID, 0x1000000),
	FLAG(CLONE_NEWCGROUP, 0x2000000),
	FLAG(CLONE_NEWUTS, 0x4000000),
	FLAG(CLONE_NEWIPC, 0x8000000),
	FLAG(CLONE_NEWUSER, 0x10000000),
	FLAG(CLONE_NEWPID, 0x20000000),
	FLAG(CLONE_NEWNET, 0x40000000),
	FLAG(CLONE_IO, 0x80000000),
};

/* unshare(2) and setns(2) also take CLONE_NEWTIME, which clone(2) reads as part of the
 * exit signal byte. */
static const struct decode_name ns_extra[] = {
	FLAG(CLONE_NEWTIME, 0x80),
};

/* MS_MGC_VAL is the magic old callers put in the top half; the kernel discards it. */
static const struct decode_name mount_flags[] = {
	FIELD(MS_MGC_VAL, 0xffff0000, 0xc0ed0000),
	FLAG(MS_RDONLY, 1),
	FLAG(MS_NOSUID, 2),
	FLAG(MS_NODEV, 4),
	FLAG(MS_NOEXEC, 8),
	FLAG(MS_SYNCHRONOUS, 16),
	FLAG(MS_REMOUNT, 32),
	FLAG(MS_MANDLOCK, 64),
	FLAG(MS_DIRSYNC, 128),
	FLAG(MS_NOSYMFOLLOW, 256),
	FLAG(MS_NOATIME, 1024),
	FLAG(MS_NODIRATIME, 2048),
	FLAG(MS_BIND, 4096),
	FLAG(MS_MOVE, 8192),
	FLAG(MS_REC, 16384),
	FLAG(MS_SILENT, 32768),
	FLAG(MS_POSIXACL, 1 << 16),
	FLAG(MS_UNBINDABLE, 1 << 17),
	FLAG(MS_PRIVATE, 1 << 18),
	FLAG(MS_SLAVE, 1 << 19),
	FLAG(MS_SHARED, 1 << 20),
	FLAG(MS_RELATIME, 1 << 21),
	FLAG(MS_KERNMOUNT, 1 << 22),
	FLAG(MS_I_VERSION, 1 << 23),
	FLAG(MS_STRICTATIME, 1 << 24),
	FLAG(MS_LAZYTIME, 1 << 25),
	FLAG(MS_ACTIVE, 1 << 30),
	FLAG(MS_NOUSER, 1u << 31),
};

static const struct decode_name umount_flags[] = {
	FLAG(MNT_FORCE, 1),
	FLAG(MNT_DETACH, 2),
	FLAG(MNT_EXPIRE, 4),
	FLAG(UMOUNT_NOFOLLOW, 8),
};

static const struct decode_name bpf_cmds[] = {
	ENUM(BPF_MAP_CREATE, 0), ENUM(BPF_MAP_LOOKUP_ELEM, 1), ENUM(BPF_MAP_UPDATE_ELEM, 2),
	ENUM(BPF_MAP_DELETE_ELEM, 3), ENUM(BPF_MAP_GET_NEXT_KEY, 4), ENUM(BPF_PROG_LOAD, 5),
	ENUM(BPF_OBJ_PIN, 6), ENUM(BPF_OBJ_GET, 7), ENUM(BPF_PROG_ATTACH, 8),
	ENUM(BPF_PROG_DETACH, 9), ENUM(BPF_PROG_TEST_RUN, 10), ENUM(BPF_PROG_GET_NEXT_ID, 11),
	ENUM(BPF_MAP_GET_NEXT_ID, 12), ENUM(BPF_PROG_GET_FD_BY_ID, 13),
	ENUM(BPF_MAP_GET_FD_BY_ID, 14), ENUM(BPF_OBJ_GET_INFO_BY_FD, 15),
	ENUM(BPF_PROG_QUERY, 16), ENUM(BPF_RAW_TRACEPOINT_OPEN, 17), ENUM(BPF_BTF_LOAD, 18),
	ENUM(BPF_BTF_GET_FD_BY_ID, 19), ENUM(BPF_TASK_FD_QUERY, 20),
	ENUM(BPF_MAP_LOOKUP_AND_DELETE_ELEM, 21), ENUM(BPF_MAP_FREEZE, 22),
	ENUM(BPF_BTF_GET_NEXT_ID, 23), ENUM(BPF_MAP_LOOKUP_BATCH, 24),
	ENUM(BPF_MAP_LOOKUP_AND_DELETE_BATCH, 25), ENUM(BPF_MAP_UPDATE_BATCH, 26),
	ENUM(BPF_MAP_DELETE_BATCH, 27), ENUM(BPF_LINK_CREATE, 28), ENUM(BPF_LINK_UPDATE, 29),
	ENUM(BPF_LINK_GET_FD_BY_ID, 30), ENUM(BPF_LINK_GET_NEXT_ID, 31),
	ENUM(BPF_ENABLE_STATS, 32), ENUM(BPF_ITER_CREATE, 33), ENUM(BPF_LINK_DETACH, 34),
	ENUM(BPF_PROG_BIND_MAP, 35), ENUM(BPF_TOKEN_CREATE, 36),
};

static const struct decode_name memfd_flags[] = {
	FLAG(MFD_CLOEXEC, 0x1),
	FLAG(MFD_ALLOW_SEALING, 0x2),
	FLAG(MFD_HUGETLB, 0x4),
	FLAG(MFD_NOEXEC_SEAL, 0x8),
	FLAG(MFD_EXEC, 0x10),
};

static const struct decode_name at_flags[] = {
	FLAG(AT_SYMLINK_NOFOLLOW, 0x100),
	FLAG(AT_REMOVEDIR, 0x200),
	FLAG(AT_SYMLINK_FOLLOW, 0x400),
	FLAG(AT_NO_AUTOMOUNT, 0x800),
	FLAG(AT_EMPTY_PATH, 0x1000),
};

static const struct decode_name resolve_flags[] = {
	FLAG(RESOLVE_NO_XDEV, 0x01),
	FLAG(RESOLVE_NO_MAGICLINKS, 0x02),
	FLAG(RESOLVE_NO_SYMLINKS, 0x04),
	FLAG(RESOLVE_BENEATH, 0x08),
	FLAG(RESOLVE_IN_ROOT, 0x10),
	FLAG(RESOLVE_CACHED, 0x20),
};

static const struct decode_name module_init_flags[] = {
	FLAG(MODULE_INIT_IGNORE_MODVERSIONS, 1),
	FLAG(MODULE_INIT_IGNORE_VERMAGIC, 2),
	FLAG(MODULE_INIT_COMPRESSED_FILE, 4),
};

static const struct decode_name delete_module_flags[] = {
	FLAG(O_TRUNC, 01000),
	FLAG(O_NONBLOCK, 04000),
};

static const struct decode_name uffd_flags[] = {
	FLAG(UFFD_USER_MODE_ONLY, 1),
	FLAG(O_NONBLOCK, 04000),
	FLAG(O_CLOEXEC, 02000000),
};

static const struct decode_name signals[] = {
	ENUM(SIGHUP, 1), ENUM(SIGINT, 2), ENUM(SIGQUIT, 3), ENUM(SIGILL, 4),
	ENUM(SIGTRAP, 5), ENUM(SIGABRT, 6), ENUM(SIGBUS, 7), ENUM(SIGFPE, 8),
	ENUM(SIGKILL, 9), ENUM(SIGUSR1, 10), ENUM(SIGSEGV, 11), ENUM(SIGUSR2, 12),
	ENUM(SIGPIPE, 13), ENUM(SIGALRM, 14), ENUM(SIGTERM, 15), ENUM(SIGSTKFLT, 16),
	ENUM(SIGCHLD, 17), ENUM(SIGCONT, 18), ENUM(SIGSTOP, 19), ENUM(SIGTSTP, 20),
	ENUM(SIGTTIN, 21), ENUM(SIGTTOU, 22), ENUM(SIGURG, 23), ENUM(SIGXCPU, 24),
	ENUM(SIGXFSZ, 25), ENUM(SIGVTALRM, 26), ENUM(SIGPROF, 27), ENUM(SIGWINCH, 28),
	ENUM(SIGIO, 29), ENUM(SIGPWR, 30), ENUM(SIGSYS, 31),
};

static const struct decode_name fcntl_cmds[] = {
	ENUM(F_DUPFD, 0), ENUM(F_GETFD, 1), ENUM(F_SETFD, 2), ENUM(F_GETFL, 3),
	ENUM(F_SETFL, 4), ENUM(F_GETLK, 5), ENUM(F_SETLK, 6), ENUM(F_SETLKW, 7),
	ENUM(F_SETOWN, 8), ENUM(F_GETOWN, 9), ENUM(F_SETSIG, 10), ENUM(F_GETSIG, 11),
	ENUM(F_GETLK64, 12), ENUM(F_SETLK64, 13), ENUM(F_SETLKW64, 14),
	ENUM(F_SETOWN_EX, 15), ENUM(F_GETOWN_EX, 16), ENUM(F_GETOWNER_UIDS, 17),
	ENUM(F_OFD_GETLK, 36), ENUM(F_OFD_SETLK, 37), ENUM(F_OFD_SETLKW, 38),
	ENUM(F_SETLEASE, 1024), ENUM(F_GETLEASE, 1025), ENUM(F_NOTIFY, 1026),
	ENUM(F_DUPFD_QUERY, 1027), ENUM(F_CANCELLK, 1029), ENUM(F_DUPFD_CLOEXEC, 1030),
	ENUM(F_SETPIPE_SZ, 1031), ENUM(F_GETPIPE_SZ, 1032), ENUM(F_ADD_SEALS, 1033),
	ENUM(F_GET_SEALS, 1034),
};

/* Permission bits, the same on every architecture. */
static const struct decode_name chmod_modes[] = {
	FLAG(S_IXOTH, 01), FLAG(S_IWOTH, 02), FLAG(S_IROTH, 04),
	FLAG(S_IXGRP, 010), FLAG(S_IWGRP, 020), FLAG(S_IRGRP, 040),
	FLAG(S_IXUSR, 0100), FLAG(S_IWUSR, 0200), FLAG(S_IRUSR, 0400),
	FLAG(S_ISVTX, 01000), FLAG(S_ISGID, 02000), FLAG(S_ISUID, 04000),
};

static const struct decode_name netlink_protos[] = {
	ENUM(NETLINK_ROUTE, 0), ENUM(NETLINK_UNUSED, 1), ENUM(NETLINK_USERSOCK, 2),
	ENUM(NETLINK_FIREWALL, 3), ENUM(NETLINK_SOCK_DIAG, 4), ENUM(NETLINK_NFLOG, 5),
	ENUM(NETLINK_XFRM, 6), ENUM(NETLINK_SELINUX, 7), ENUM(NETLINK_ISCSI, 8),
	ENUM(NETLINK_AUDIT, 9), ENUM(NETLINK_FIB_LOOKUP, 10), ENUM(NETLINK_CONNECTOR, 11),
	ENUM(NETLINK_NETFILTER, 12), ENUM(NETLINK_IP6_FW, 13), ENUM(NETLINK_DNRTMSG, 14),
	ENUM(NETLINK_KOBJECT_UEVENT, 15), ENUM(NETLINK_GENERIC, 16),
	ENUM(NETLINK_SCSITRANSPORT, 18), ENUM(NETLINK_ECRYPTFS, 19), ENUM(NETLINK_RDMA, 20),
	ENUM(NETLINK_CRYPTO, 21), ENUM(NETLINK_SMC, 22),
};

static const struct decode_name ip_protos[] = {
	ENUM(IPPROTO_IP, 0), ENUM(IPPROTO_ICMP, 1), ENUM(IPPROTO_IGMP, 2),
	ENUM(IPPROTO_IPIP, 4), ENUM(IPPROTO_TCP, 6), ENUM(IPPROTO_EGP, 8),
	ENUM(IPPROTO_PUP, 12), ENUM(IPPROTO_UDP, 17), ENUM(IPPROTO_IDP, 22),
	ENUM(IPPROTO_TP, 29), ENUM(IPPROTO_DCCP, 33), ENUM(IPPROTO_IPV6, 41),
	ENUM(IPPROTO_RSVP, 46), ENUM(IPPROTO_GRE, 47), ENUM(IPPROTO_ESP, 50),
	ENUM(IPPROTO_AH, 51), ENUM(IPPROTO_ICMPV6, 58), ENUM(IPPROTO_MTP, 92),
	ENUM(IPPROTO_BEETPH, 94), ENUM(IPPROTO_ENCAP, 98), ENUM(IPPROTO_PIM, 103),
	ENUM(IPPROTO_COMP, 108), ENUM(IPPROTO_L2TP, 115), ENUM(IPPROTO_SCTP, 132),
	ENUM(IPPROTO_UDPLITE, 136), ENUM(IPPROTO_MPLS, 137), ENUM(IPPROTO_ETHERNET, 143),
	ENUM(IPPROTO_RAW, 255), ENUM(IPPROTO_MPTCP, 262),
};

#define NAMES(t) (t), sizeof(t) / sizeof((t)[0])

#define DECODE_MAX_VARIANTS 4

struct decode_variant {
	uint8_t abis;
	const struct decode_name *names;
	size_t n;
};

struct decode_desc {
	bool flags;             /* a set of bits (and fields), not one value */
	uint64_t ignore;        /* bits that carry no flag (clone's exit signal) */
	struct decode_variant v[DECODE_MAX_VARIANTS];
};

static const struct decode_desc descs[] = {
	[DECODE_OPEN_FLAGS] = { true, 0, {
		{ ABI_ASM_GENERIC, NAMES(open_common) },
		{ ABI_X86 | ABI_GENERIC, NAMES(open_generic) },
		{ ABI_ARM, NAMES(open_arm) },
		{ ABI_PPC, NAMES(open_ppc) } } },
	[DECODE_FD_FLAGS] = { true, 0, { { ABI_ASM_GENERIC, NAMES(fd_flags) } } },
	[DECODE_SOCK_FAMILY] = { false, 0, { { ABI_ALL, NAMES(sock_families) } } },
	[DECODE_SOCK_TYPE] = { true, 0, { { ABI_ASM_GENERIC, NAMES(sock_types) } } },
	[DECODE_SOCK_FLAGS] = { true, 0, { { ABI_ASM_GENERIC, NAMES(sock_flags) } } },
	[DECODE_PTRACE_REQUEST] = { false, 0, {
		{ ABI_ALL, NAMES(ptrace_common) },
		{ ABI_X86, NAMES(ptrace_x86) } } },
	[DECODE_CLONE_FLAGS] = { true, 0xff, { { ABI_ALL, NAMES(clone_flags) } } },
	[DECODE_NS_FLAGS] = { true, 0, {
		{ ABI_ALL, NAMES(clone_flags) },
		{ ABI_ALL, NAMES(ns_extra) } } },
	[DECODE_MOUNT_FLAGS] = { true, 0, { { ABI_ALL, NAMES(mount_flags) } } },
	[DECODE_UMOUNT_FLAGS] = { true, 0, { { ABI_ALL, NAMES(umount_flags) } } },
	[DECODE_BPF_CMD] = { false, 0, { { ABI_ALL, NAMES(bpf_cmds) } } },
	[DECODE_MEMFD_FLAGS] = { true, 0, { { ABI_ALL, NAMES(memfd_flags) } } },
	[DECODE_AT_FLAGS] = { true, 0, { { ABI_ALL, NAMES(at_flags) } } },
	[DECODE_RESOLVE_FLAGS] = { true, 0, { { ABI_ALL, NAMES(resolve_flags) } } },
	[DECODE_MODULE_INIT_FLAGS] = { true, 0, { { ABI_ALL, NAMES(module_init_flags) } } },
	[DECODE_DELETE_MODULE_FLAGS] = { true, 0, {
		{ ABI_ASM_GENERIC, NAMES(delete_module_flags) } } },
	[DECODE_UFFD_FLAGS] = { true, 0, { { ABI_ASM_GENERIC, NAMES(uffd_flags) } } },
	[DECODE_SIGNAL] = { false, 0, { { ABI_ASM_GENERIC, NAMES(signals) } } },
	[DECODE_FCNTL_CMD] = { false, 0, { { ABI_ASM_GENERIC, NAMES(fcntl_cmds) } } },
	[DECODE_CHMOD_MODE] = { true, 0, { { ABI_ALL, NAMES(chmod_modes) } } },
	[DECODE_NETLINK_PROTO] = { false, 0, { { ABI_ALL, NAMES(netlink_protos) } } },
	[DECODE_IP_PROTO] = { false, 0, { { ABI_ALL, NAMES(ip_protos) } } },
};
_Static_assert(sizeof(descs) / sizeof(descs[0]) == DECODE__COUNT,
               "decode table out of step with enum decode_kind");

static unsigned
arch_abi(uint32_t arch)
{
	for (size_t i = 0; i < sizeof(arch_abis) / sizeof(arch_abis[0]); i++)
		if (arch_abis[i].arch == arch)
			return arch_abis[i].abi;
	return ABI_UNKNOWN;
}

static void
put_name(struct sbuf *out, size_t start, const char *name)
{
	if (out->len > start)
		sbuf_putc(out, '|');
	sbuf_puts(out, name);
}

/* Apply one variant to the remaining bits REM. */
static uint64_t
walk_flags(const struct decode_variant *var, uint64_t rem, struct sbuf *out, size_t start)
{
	for (size_t i = 0; i < var->n; i++) {
		const struct decode_name *nm = &var->names[i];

		if ((rem & nm->mask) == nm->value) {
			put_name(out, start, nm->name);
			rem &= ~nm->mask;
		}
	}
	return rem;
}

static int
decode_flags(const struct decode_desc *d, unsigned abi, uint64_t v, struct sbuf *out)
{
	size_t start = out->len;
	uint64_t rem = v & ~d->ignore;
	bool any = false;

	for (size_t i = 0; i < DECODE_MAX_VARIANTS && d->v[i].names; i++) {
		if (d->v[i].abis & abi) {
			rem = walk_flags(&d->v[i], rem, out, start);
			any = true;
		}
	}
	if (!any)
		return -ENOENT;
	if (rem != 0) {
		if (out->len > start)
			sbuf_putc(out, '|');
		sbuf_puts(out, "0x");
		sbuf_putu(out, rem, 16);
	}
	if (out->len == start)
		sbuf_putc(out, '0');
	return 0;
}

static int
decode_enum(const struct decode_desc *d, unsigned abi, uint64_t v, struct sbuf *out)
{
	for (size_t i = 0; i < DECODE_MAX_VARIANTS && d->v[i].names; i++) {
		if (!(d->v[i].abis & abi))
			continue;
		for (size_t j = 0; j < d->v[i].n; j++) {
			if (d->v[i].names[j].value == v) {
				sbuf_puts(out, d->v[i].names[j].name);
				return 0;
			}
		}
	}
	return -ENOENT;
}

int
decode_value(enum decode_kind kind, uint32_t arch, uint64_t v, struct sbuf *out)
{
	const struct decode_desc *d;
	unsigned abi = arch_abi(arch);

	if ((unsigned)kind >= DECODE__COUNT)
		return -ENOENT;
	d = &descs[kind];
	/* Every argument decoded here is a C int (or a long holding an int's worth of bits);
	 * the register's upper half may hold a sign extension that means nothing. */
	v &= 0xffffffffu;
	return d->flags ? decode_flags(d, abi, v, out) : decode_enum(d, abi, v, out);
}

int
decode_sock_protocol(uint64_t domain, uint64_t proto, struct sbuf *out)
{
	switch (domain) {
	case 2:         /* AF_INET */
	case 10:        /* AF_INET6 */
		return decode_value(DECODE_IP_PROTO, 0, proto, out);
	case 16:        /* AF_NETLINK */
		return decode_value(DECODE_NETLINK_PROTO, 0, proto, out);
	default:
		return -ENOENT;
	}
}
