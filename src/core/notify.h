/* notify.h - tell systemd about our state (Type=notify) without linking libsystemd.
 * The protocol is one datagram to the unix socket named by $NOTIFY_SOCKET ("@name" for the
 * abstract namespace).  With no NOTIFY_SOCKET nothing happens. */
#ifndef SHIKRA_NOTIFY_H
#define SHIKRA_NOTIFY_H

/* Send STATE ("READY=1", "RELOADING=1", "STOPPING=1", "STATUS=..."). Returns 1 if sent,
 * 0 if not under systemd, -errno on failure. */
int notify_send(const char *state);

#endif
