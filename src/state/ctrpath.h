/* ctrpath.h - host paths of a container's root filesystem seen as the container sees them,
 * and whether a process runs a binary from its container's upper layer.
 * ctrtab_container_path() (declared in state/ctrtab.h, defined with these) rewrites a path
 * below one of a container's overlay layers ("/var/lib/containers/storage/overlay/ID/diff/usr/x")
 * as the container sees it ("/usr/x").  ctrpath_enrich() applies it to an event after the
 * process table has placed the event's process: a file path of a process in a container that
 * lies in one of that container's layers becomes the container's path, and the host path is
 * kept as the event argument "host_path" ("host_path2" for file2), so rules can still see it
 * as evt.arg.host_path.  Paths the fanotify source already reports in the container's view
 * (marks on the container's overlay, see fan/source.h) carry "host_path" from the source.
 * ctrpath_exe_upper() fills struct proc.exe_upper_layer (proc.is_exe_upper_layer) once per
 * snapshot, when the snapshot is made: the rules read the stored answer. */
#ifndef SHIKRA_STATE_CTRPATH_H
#define SHIKRA_STATE_CTRPATH_H

#include "event/event.h"

/* Rewrite EV's file and file2 paths into the view of EV's process's container, when that
 * process is in a container and a path lies in one of its layers.  Never fails. */
void ctrpath_enrich(struct event *ev);

/* Whether PATH (absolute, as the container sees it) exists below UPPERDIR as a regular file,
 * looked up without following any symbolic link and without leaving UPPERDIR: 1 yes, 0 no
 * (absent, not a regular file, or a symlink on the way), or -errno when UPPERDIR cannot be
 * searched.  Copied-up files are in the upper layer, so they count. */
int  ctrpath_upper_has(const char *upperdir, const char *path);

/* Set P->exe_upper_layer (1 or 0) when P is in a container whose upper layer is known, it has
 * an exe and the value is not set yet (-1); otherwise leave it.  1 only when the upper layer
 * holds a non-empty regular file at the exe's path, the exe is not at or below one of the
 * container's mount destinations other than "/", and P's exe inode (when known and on the
 * upper layer's filesystem) is that file's.  P must still be private to its creator (see
 * proc.h). */
void ctrpath_exe_upper(struct proc *p);

#endif
