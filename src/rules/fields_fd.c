/* fields_fd.c - fd.* extractors: the file or socket an event acts on.
 * A file event (class file, or an fd event that names a path) describes ev->file: fd.name is
 * the resolved absolute path, fd.nameraw the name as passed.  A socket event (class net, or
 * an fd event that carries an address) describes ev->net.  Client and server follow the
 * call: connect/sendto/sendmsg make the local end the client and the peer the server;
 * accept/recvfrom/recvmsg the reverse; bind/listen describe a listening (server) socket with
 * only its local end.  fd.name of a connected socket is "client:port->server:port" as Falco
 * prints it (IPv6 without brackets); when audit reported only one end (it reports the peer
 * of a connect, not the local address) that side of the arrow stays empty rather than
 * invented.  An IPv4-mapped IPv6 address counts as IPv4, as in Falco.  fd.ip, fd.port and
 * fd.net give both ends as separate values: "fd.ip = X" holds when either end is X and
 * "fd.ip != X" when neither is (Falco's semantics; the comparator applies them).  The fd.*net
 * fields return addresses; the comparator tests them against the rule's network. */
#include "config.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "core/sbuf.h"
#include "rules/fields_int.h"

enum fd_kind { FD_NONE, FD_FILE, FD_DIR, FD_SOCK };
enum sock_role { ROLE_NONE, ROLE_CLIENT, ROLE_SERVER, ROLE_LISTEN };

/* One end of a socket, normalized: v4-mapped addresses become AF_INET. */
struct sock_end {
	int family;                 /* 0 = unknown end */
	uint8_t ip[16];
	uint16_t port;
	const char *path;           /* AF_UNIX */
};

struct sock_view {
	int family;                 /* AF_INET, AF_INET6, AF_UNIX, AF_NETLINK, ... or 0 */
	enum sock_role role;
	struct sock_end local, remote;
};

static const uint8_t v4_mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

static void
end_load(const struct event_addr *a, struct sock_end *e)
{
	memset(e, 0, sizeof(*e));
	e->family = a->family;
	e->port = a->port;
	e->path = a->path;
	if (a->family == AF_INET6 && memcmp(a->ip, v4_mapped_prefix, 12) == 0) {
		e->family = AF_INET;
		memcpy(e->ip, a->ip + 12, 4);
	} else {
		memcpy(e->ip, a->ip, sizeof(e->ip));
	}
}

static enum sock_role
role_of(enum event_type t)
{
	switch (t) {
	case EVT_connect: case EVT_sendto: case EVT_sendmsg:
		return ROLE_CLIENT;
	case EVT_accept: case EVT_accept4: case EVT_recvfrom: case EVT_recvmsg:
		return ROLE_SERVER;
	case EVT_bind: case EVT_listen:
		return ROLE_LISTEN;
	default:
		return ROLE_NONE;
	}
}

static bool
net_known(const struct event_net *n)
{
	return n->local.family || n->remote.family || n->domain != EVENT_NUM_UNSET;
}

static enum fd_kind
fd_kind(const struct event *ev)
{
	enum event_class c = event_type_class(ev->type);
	bool has_file = ev->file.path || ev->file.raw || ev->file.inode;

	if (c == EVC_NET || (c == EVC_FD && net_known(&ev->net)))
		return FD_SOCK;
	if (c == EVC_FILE || (c == EVC_FD && has_file)) {
		if (ev->file.mode != EVENT_NUM_UNSET && S_ISDIR((mode_t)ev->file.mode))
			return FD_DIR;
		return FD_FILE;
	}
	return FD_NONE;
}

/* Build the socket view of EV; false when EV is not a socket event. */
static bool
sock_view(const struct event *ev, struct sock_view *v)
{
	if (fd_kind(ev) != FD_SOCK)
		return false;
	memset(v, 0, sizeof(*v));
	v->role = role_of(ev->type);
	end_load(&ev->net.local, &v->local);
	if (v->role != ROLE_LISTEN)
		end_load(&ev->net.remote, &v->remote);
	v->family = v->local.family ? v->local.family : v->remote.family;
	if (v->local.family == AF_INET6 || v->remote.family == AF_INET6)
		v->family = AF_INET6;   /* one real v6 end makes the socket v6 */
	if (v->family == 0 && ev->net.domain != EVENT_NUM_UNSET)
		v->family = (int)ev->net.domain;
	return true;
}

static bool
is_inet(int family)
{
	return family == AF_INET || family == AF_INET6;
}

/* The client and server ends, NULL where the role or the end is unknown. */
static const struct sock_end *
client_end(const struct sock_view *v)
{
	const struct sock_end *e = v->role == ROLE_CLIENT ? &v->local :
	                           v->role == ROLE_SERVER ? &v->remote : NULL;

	return e && is_inet(e->family) ? e : NULL;
}

static const struct sock_end *
server_end(const struct sock_view *v)
{
	const struct sock_end *e = v->role == ROLE_CLIENT ? &v->remote :
	                           v->role == ROLE_NONE ? NULL : &v->local;

	return e && is_inet(e->family) ? e : NULL;
}

static const struct sock_end *
inet_end(const struct sock_end *e)
{
	return is_inet(e->family) ? e : NULL;
}

/* ---- type and number ---- */

uint32_t
field_x_fd_type(const struct field_ref *ref, const struct event *ev, struct arena *scratch,
                struct fvalue *out, uint32_t max)
{
	struct sock_view v;

	switch (fd_kind(ev)) {
	case FD_FILE:
		return fields_put_cstr(out, max, "file");
	case FD_DIR:
		return fields_put_cstr(out, max, "directory");
	case FD_SOCK:
		sock_view(ev, &v);
		return fields_put_cstr(out, max, v.family == AF_INET ? "ipv4" :
		                       v.family == AF_INET6 ? "ipv6" :
		                       v.family == AF_UNIX ? "unix" :
		                       v.family == AF_NETLINK ? "netlink" : NULL);
	default:
		return 0;
	}
}

uint32_t
field_x_fd_typechar(const struct field_ref *ref, const struct event *ev,
                    struct arena *scratch, struct fvalue *out, uint32_t max)
{
	static const struct { const char *type, *c; } chars[] = {
		{ "file", "f" }, { "directory", "d" }, { "ipv4", "4" }, { "ipv6", "6" },
		{ "unix", "u" }, { "netlink", "n" },
	};
	struct fvalue t;

	if (max == 0 || field_x_fd_type(ref, ev, scratch, &t, 1) == 0)
		return 0;
	for (size_t i = 0; i < sizeof(chars) / sizeof(chars[0]); i++)
		if (strcmp(t.str.s, chars[i].type) == 0)
			return fields_put_cstr(out, max, chars[i].c);
	return 0;
}

static bool
creates_fd(enum event_type t)
{
	switch (t) {
	case EVT_open: case EVT_openat: case EVT_openat2: case EVT_creat:
	case EVT_open_by_handle_at: case EVT_memfd_create:
	case EVT_socket: case EVT_accept: case EVT_accept4:
	case EVT_dup: case EVT_dup2: case EVT_dup3:
		return true;
	default:
		return false;
	}
}

uint32_t
field_x_fd_num(const struct field_ref *ref, const struct event *ev, struct arena *scratch,
               struct fvalue *out, uint32_t max)
{
	const struct event_arg *a = event_get_arg(ev, "fd");
	enum fd_kind k = fd_kind(ev);

	if (k == FD_NONE)
		return 0;
	if (creates_fd(ev->type) && ev->source == EVS_AUDIT && ev->res != EVENT_NUM_UNSET)
		return fields_put_i64(out, max, ev->res >= 0 ? ev->res : -1);  /* -1: failed */
	if (k == FD_SOCK && ev->net.fd != EVENT_NUM_UNSET)
		return fields_put_i64(out, max, ev->net.fd);
	if (a && a->num != EVENT_NUM_UNSET)
		return fields_put_i64(out, max, a->num);
	return 0;
}

/* ---- names ---- */

static void
end_format(const struct sock_end *e, struct sbuf *b)
{
	char ip[INET6_ADDRSTRLEN];

	if (!is_inet(e->family) || inet_ntop(e->family, e->ip, ip, sizeof(ip)) == NULL)
		return;
	sbuf_printf(b, "%s:%u", ip, (unsigned)e->port);
}

static uint32_t
sock_name(const struct sock_view *v, struct arena *scratch, struct fvalue *out, uint32_t max)
{
	const struct sock_end *c = v->role == ROLE_SERVER ? &v->remote : &v->local;
	const struct sock_end *s = v->role == ROLE_SERVER ? &v->local : &v->remote;
	struct sbuf b = SBUF_INIT;
	uint32_t n = 0;

	if (v->family == AF_UNIX) {
		const char *p = v->remote.path ? v->remote.path : v->local.path;
		return fields_put_cstr(out, max, p);
	}
	if (v->role == ROLE_LISTEN) {
		end_format(&v->local, &b);
	} else if (inet_end(c) || inet_end(s)) {
		end_format(c, &b);
		sbuf_puts(&b, "->");
		end_format(s, &b);
	}
	if (b.len)
		n = fields_put_sbuf(out, max, scratch, &b);
	sbuf_free(&b);
	return n;
}

uint32_t
field_x_fd_name(const struct field_ref *ref, const struct event *ev, struct arena *scratch,
                struct fvalue *out, uint32_t max)
{
	struct sock_view v;

	if (sock_view(ev, &v))
		return sock_name(&v, scratch, out, max);
	return fd_kind(ev) != FD_NONE ? fields_put_cstr(out, max, ev->file.path) : 0;
}

uint32_t
field_x_fd_nameraw(const struct field_ref *ref, const struct event *ev,
                   struct arena *scratch, struct fvalue *out, uint32_t max)
{
	const char *raw = ev->file.raw;
	size_t n = 0;
	char *s;

	if (raw == NULL || (fd_kind(ev) != FD_FILE && fd_kind(ev) != FD_DIR))
		return 0;
	/* Falco collapses repeated slashes and keeps everything else ("../" included). */
	s = arena_alloc(scratch, strlen(raw) + 1);
	for (const char *p = raw; *p; p++)
		if (!(p[0] == '/' && n > 0 && s[n - 1] == '/'))
			s[n++] = *p;
	s[n] = '\0';
	return fields_put_str(out, max, s, n);
}

uint32_t
field_x_fd_directory(const struct field_ref *ref, const struct event *ev,
                     struct arena *scratch, struct fvalue *out, uint32_t max)
{
	enum fd_kind k = fd_kind(ev);
	const char *path = ev->file.path, *slash;
	size_t len;

	if (path == NULL || (k != FD_FILE && k != FD_DIR))
		return 0;
	len = strlen(path);
	if (k == FD_DIR)
		return fields_put_str(out, max, path, len);
	slash = strrchr(path, '/');
	if (slash == NULL || slash == path)
		return fields_put_cstr(out, max, "/");
	if ((size_t)(slash - path) == len - 1)
		return fields_put_str(out, max, path, len);   /* "/a/b/": as Falco, kept whole */
	return fields_put_str(out, max, path, (size_t)(slash - path));
}

uint32_t
field_x_fd_filename(const struct field_ref *ref, const struct event *ev,
                    struct arena *scratch, struct fvalue *out, uint32_t max)
{
	const char *path = ev->file.path, *slash;

	if (path == NULL || fd_kind(ev) != FD_FILE)
		return 0;
	slash = strrchr(path, '/');
	if (slash == NULL || slash[1] == '\0')
		return fields_put_cstr(out, max, path);
	return fields_put_cstr(out, max, slash + 1);
}

uint32_t
field_x_fd_ino(const struct field_ref *ref, const struct event *ev, struct arena *scratch,
               struct fvalue *out, uint32_t max)
{
	enum fd_kind k = fd_kind(ev);

	if ((k != FD_FILE && k != FD_DIR) || ev->file.inode == 0)
		return 0;
	return fields_put_u64(out, max, FT_UINT64, ev->file.inode);
}

/* ---- socket properties ---- */

uint32_t
field_x_fd_sockfamily(const struct field_ref *ref, const struct event *ev,
                      struct arena *scratch, struct fvalue *out, uint32_t max)
{
	struct sock_view v;

	if (!sock_view(ev, &v))
		return 0;
	if (is_inet(v.family))
		return fields_put_cstr(out, max, "ip");
	return v.family == AF_UNIX ? fields_put_cstr(out, max, "unix") : 0;
}

uint32_t
field_x_fd_l4proto(const struct field_ref *ref, const struct event *ev,
                   struct arena *scratch, struct fvalue *out, uint32_t max)
{
	const struct event_net *n = &ev->net;
	struct sock_view v;

	if (!sock_view(ev, &v) || !is_inet(v.family))
		return 0;
	if (n->type == SOCK_RAW)
		return fields_put_cstr(out, max, "raw");
	if (n->protocol == IPPROTO_TCP)
		return fields_put_cstr(out, max, "tcp");
	if (n->protocol == IPPROTO_UDP)
		return fields_put_cstr(out, max, "udp");
	if (n->protocol == IPPROTO_ICMP || n->protocol == IPPROTO_ICMPV6)
		return fields_put_cstr(out, max, "icmp");
	if (n->protocol != 0 && n->protocol != EVENT_NUM_UNSET)
		return 0;
	/* Protocol 0 (or unreported) means the type's default. */
	if (n->type == SOCK_STREAM)
		return fields_put_cstr(out, max, "tcp");
	if (n->type == SOCK_DGRAM)
		return fields_put_cstr(out, max, "udp");
	return 0;
}

static uint32_t
put_end_ip(const struct sock_end *e, struct fvalue *out, uint32_t max)
{
	return e ? fields_put_ip(out, max, e->family, e->ip) : 0;
}

static uint32_t
put_end_port(const struct sock_end *e, struct fvalue *out, uint32_t max)
{
	return e ? fields_put_u64(out, max, FT_PORT, e->port) : 0;
}

/* Which end a field reads. */
enum end_pick { PICK_CLIENT, PICK_SERVER, PICK_LOCAL, PICK_REMOTE };

static const struct sock_end *
pick_end(const struct sock_view *v, enum end_pick p)
{
	switch (p) {
	case PICK_CLIENT: return client_end(v);
	case PICK_SERVER: return server_end(v);
	case PICK_LOCAL: return inet_end(&v->local);
	default: return inet_end(&v->remote);
	}
}

static uint32_t
put_ip(const struct event *ev, enum end_pick p, struct fvalue *out, uint32_t max)
{
	struct sock_view v;

	return sock_view(ev, &v) ? put_end_ip(pick_end(&v, p), out, max) : 0;
}

static uint32_t
put_port(const struct event *ev, enum end_pick p, struct fvalue *out, uint32_t max)
{
	struct sock_view v;

	return sock_view(ev, &v) ? put_end_port(pick_end(&v, p), out, max) : 0;
}

/* Both known ends, client first when the roles are known, else local first. */
static uint32_t
put_both(const struct event *ev, bool ports, struct fvalue *out, uint32_t max)
{
	struct sock_view v;
	const struct sock_end *a, *b;
	uint32_t n = 0;

	if (!sock_view(ev, &v))
		return 0;
	a = v.role == ROLE_SERVER ? inet_end(&v.remote) : inet_end(&v.local);
	b = v.role == ROLE_SERVER ? inet_end(&v.local) : inet_end(&v.remote);
	n += ports ? put_end_port(a, out, max) : put_end_ip(a, out, max);
	n += ports ? put_end_port(b, out + n, max - n) : put_end_ip(b, out + n, max - n);
	return n;
}

uint32_t
field_x_fd_ip(const struct field_ref *ref, const struct event *ev, struct arena *scratch,
              struct fvalue *out, uint32_t max)
{
	return put_both(ev, false, out, max);
}

uint32_t
field_x_fd_port(const struct field_ref *ref, const struct event *ev, struct arena *scratch,
                struct fvalue *out, uint32_t max)
{
	return put_both(ev, true, out, max);
}

uint32_t
field_x_fd_cip(const struct field_ref *ref, const struct event *ev, struct arena *scratch,
               struct fvalue *out, uint32_t max)
{
	return put_ip(ev, PICK_CLIENT, out, max);
}

uint32_t
field_x_fd_sip(const struct field_ref *ref, const struct event *ev, struct arena *scratch,
               struct fvalue *out, uint32_t max)
{
	return put_ip(ev, PICK_SERVER, out, max);
}

uint32_t
field_x_fd_lip(const struct field_ref *ref, const struct event *ev, struct arena *scratch,
               struct fvalue *out, uint32_t max)
{
	return put_ip(ev, PICK_LOCAL, out, max);
}

uint32_t
field_x_fd_rip(const struct field_ref *ref, const struct event *ev, struct arena *scratch,
               struct fvalue *out, uint32_t max)
{
	return put_ip(ev, PICK_REMOTE, out, max);
}

uint32_t
field_x_fd_cport(const struct field_ref *ref, const struct event *ev, struct arena *scratch,
                 struct fvalue *out, uint32_t max)
{
	return put_port(ev, PICK_CLIENT, out, max);
}

uint32_t
field_x_fd_sport(const struct field_ref *ref, const struct event *ev, struct arena *scratch,
                 struct fvalue *out, uint32_t max)
{
	return put_port(ev, PICK_SERVER, out, max);
}

uint32_t
field_x_fd_lport(const struct field_ref *ref, const struct event *ev, struct arena *scratch,
                 struct fvalue *out, uint32_t max)
{
	return put_port(ev, PICK_LOCAL, out, max);
}

uint32_t
field_x_fd_rport(const struct field_ref *ref, const struct event *ev, struct arena *scratch,
                 struct fvalue *out, uint32_t max)
{
	return put_port(ev, PICK_REMOTE, out, max);
}

/* A datagram call that names its peer: sendto/sendmsg/recvfrom/recvmsg with an address. */
static bool
datagram_with_peer(const struct event *ev, const struct sock_view *v)
{
	enum event_type t = ev->type;

	return (t == EVT_sendto || t == EVT_sendmsg || t == EVT_recvfrom || t == EVT_recvmsg) &&
	       v->remote.family != 0;
}

uint32_t
field_x_fd_connected(const struct field_ref *ref, const struct event *ev,
                     struct arena *scratch, struct fvalue *out, uint32_t max)
{
	enum event_type t = ev->type;
	struct sock_view v;

	if (!sock_view(ev, &v))
		return 0;
	if (t == EVT_connect || t == EVT_accept || t == EVT_accept4)
		return ev->res != EVENT_NUM_UNSET ? fields_put_bool(out, max, ev->res >= 0) : 0;
	return datagram_with_peer(ev, &v) ? fields_put_bool(out, max, false) : 0;
}

uint32_t
field_x_fd_name_changed(const struct field_ref *ref, const struct event *ev,
                        struct arena *scratch, struct fvalue *out, uint32_t max)
{
	struct sock_view v;

	if (!sock_view(ev, &v))
		return 0;
	return datagram_with_peer(ev, &v) ? fields_put_bool(out, max, true) : 0;
}
