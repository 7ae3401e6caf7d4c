/* hostpath.h - the host's file names when the host's / is mounted somewhere else.
 *
 * In a Kubernetes pod (scripts/deploy/shikra-daemonset.yaml) shikra has a mount namespace of
 * its own: "/etc/shadow" there is the image's file, and the host's / is a hostPath mount at,
 * say, "/host" (configuration key host_root).  Everything shikra keeps, matches and reports
 * stays in the host's view ("/etc/shadow"); only where a name is handed to the kernel to be
 * resolved in our own mount namespace (open, stat, realpath, fanotify marks, audit -F dir= and
 * -F path=) is the root put in front, and a name the kernel hands back from our namespace
 * (readlink of an fd, a resolved file handle) has it taken off.  These two functions are the
 * whole mechanism; every caller passes the configured root, which may be NULL or "" (off).
 *
 * /proc needs no prefix: with hostPID the pod's /proc is the host's, and a process's
 * /proc/PID/{exe,cwd,root,mountinfo} are shown relative to that process's own root. */
#ifndef SHIKRA_HOSTPATH_H
#define SHIKRA_HOSTPATH_H

#include <stdbool.h>
#include <stddef.h>

/* Is ROOT a root to apply: not NULL, not "" and not "/" ("/" means the host's / is ours). */
bool hostpath_on(const char *root);

/* The name by which this process reaches the host's absolute PATH: ROOT + PATH (a trailing
 * '/' of ROOT, and PATH "/" itself, add no doubled slash) in BUF of SIZE bytes, *OUT = BUF;
 * with ROOT off, or PATH not absolute, *OUT = PATH unchanged.  0, or -ENAMETOOLONG (*OUT
 * NULL) when it does not fit. */
int hostpath_to(const char *root, const char *path, char *buf, size_t size, const char **out);

/* As hostpath_to(), in a malloc'd string (*OUT; free() it; NULL when PATH is NULL).  0,
 * -ENOMEM. */
int hostpath_dup(const char *root, const char *path, char **out);

/* The host's name for PATH, a name in this process's view: the part after ROOT when PATH is
 * ROOT itself ("/") or lies below it, else PATH unchanged (a file outside the host's tree, such
 * as the pod's own).  Points into PATH or at a static "/"; NULL stays NULL. */
const char *hostpath_from(const char *root, const char *path);

#endif
