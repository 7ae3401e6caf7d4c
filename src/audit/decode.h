/* decode.h - the names Linux gives to the numbers an audit record carries.
 * The kernel logs syscall arguments as bare hex (a0..a3); this module turns them into the
 * symbols a rule writer knows: open flags "O_WRONLY|O_CREAT|O_TRUNC", socket domains
 * "AF_INET", socket types "SOCK_STREAM|SOCK_CLOEXEC", ptrace requests "PTRACE_ATTACH",
 * namespace flags "CLONE_NEWNET", mount flags "MS_BIND|MS_REC", bpf commands "BPF_PROG_LOAD"
 * and so on.  Every table is data (designated initializers, one name per line); the code only
 * walks them.  Some numbers depend on the architecture (open flags, signals, socket types,
 * a few ptrace requests): the caller passes the record's AUDIT_ARCH_* value, and for an
 * architecture whose numbering this module does not know, those values are not decoded
 * rather than decoded wrongly.  Nothing here allocates except through the caller's sbuf. */
#ifndef SHIKRA_AUDIT_DECODE_H
#define SHIKRA_AUDIT_DECODE_H

#include <stdint.h>

#include "core/sbuf.h"

enum decode_kind {
	DECODE_OPEN_FLAGS,          /* open/openat/openat2 flags: O_RDONLY|O_CLOEXEC */
	DECODE_FD_FLAGS,            /* dup3 flags: O_CLOEXEC */
	DECODE_SOCK_FAMILY,         /* AF_INET */
	DECODE_SOCK_TYPE,           /* SOCK_STREAM|SOCK_NONBLOCK */
	DECODE_SOCK_FLAGS,          /* accept4 flags: SOCK_CLOEXEC */
	DECODE_PTRACE_REQUEST,      /* PTRACE_ATTACH */
	DECODE_CLONE_FLAGS,         /* clone(2) flags; the exit signal byte is ignored */
	DECODE_NS_FLAGS,            /* unshare(2) flags, setns(2) nstype: CLONE_NEWNET */
	DECODE_MOUNT_FLAGS,         /* MS_BIND|MS_REC */
	DECODE_UMOUNT_FLAGS,        /* MNT_DETACH */
	DECODE_BPF_CMD,             /* BPF_PROG_LOAD */
	DECODE_MEMFD_FLAGS,         /* MFD_CLOEXEC|MFD_ALLOW_SEALING */
	DECODE_AT_FLAGS,            /* AT_REMOVEDIR, AT_SYMLINK_NOFOLLOW */
	DECODE_RESOLVE_FLAGS,       /* openat2 resolve: RESOLVE_BENEATH */
	DECODE_MODULE_INIT_FLAGS,   /* finit_module: MODULE_INIT_IGNORE_VERMAGIC */
	DECODE_DELETE_MODULE_FLAGS, /* delete_module: O_NONBLOCK|O_TRUNC */
	DECODE_UFFD_FLAGS,          /* userfaultfd: O_CLOEXEC|UFFD_USER_MODE_ONLY */
	DECODE_SIGNAL,              /* SIGKILL */
	DECODE_FCNTL_CMD,           /* F_DUPFD_CLOEXEC */
	DECODE_CHMOD_MODE,          /* chmod(2) modes as Falco prints them: S_IRUSR|S_ISUID */
	DECODE_NETLINK_PROTO,       /* NETLINK_AUDIT */
	DECODE_IP_PROTO,            /* IPPROTO_TCP */
	DECODE__COUNT
};

/* Append the symbolic form of V (a KIND value from a process of architecture ARCH, an
 * AUDIT_ARCH_* number) to OUT and return 0.  Flag sets print their known bits joined by '|',
 * any unknown remainder as 0x..., and "0" when empty.  Return -ENOENT, with OUT unchanged,
 * when V is not a known enumeration value or when ARCH numbers KIND in a way this module does
 * not know; the caller then has only the number. */
int decode_value(enum decode_kind kind, uint32_t arch, uint64_t v, struct sbuf *out);

/* The socket(2) protocol: its meaning depends on the DOMAIN (IPPROTO_* for AF_INET and
 * AF_INET6, NETLINK_* for AF_NETLINK).  As decode_value(); -ENOENT for other domains. */
int decode_sock_protocol(uint64_t domain, uint64_t proto, struct sbuf *out);

#endif
