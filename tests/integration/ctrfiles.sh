#!/bin/bash
# ctrfiles.sh - file activity inside real podman containers (issue 5, deliverables 4 and 5):
# a read of /etc/shadow, a create/write, rename and delete below /usr, and the exec of a
# binary dropped into the container after it started, each alerted with the path as the
# container sees it and the container's id; proc.is_exe_upper_layer true for the dropped
# binary and false for /bin/sh of the image and for a binary bind-mounted from the host; a
# host read of /etc/shadow stays container.id host.  One container runs before the daemon
# starts (found when the process table is seeded), one starts after (found at its first
# event).  Audit is left as it was found.
. "$TOP_SRCDIR/tests/integration/lib.sh"
. "$TOP_SRCDIR/tests/integration/podman.sh"
require_root
ensure_image || { echo "cannot build $SHIKRA_IMAGE"; exit 1; }

AUDIT_BEFORE=$(audit_snapshot)
trap 'podman_cleanup; finish' EXIT

early=$(podman_run -d -- sleep 300) || { bad "podman run"; exit 1; }
start_daemon "$TOP_SRCDIR/tests/integration/ctrfiles.yaml" || exit 1
late=$(podman_run -d -- sleep 300) || { bad "podman run"; exit 1; }
sleep 1        # the late container is watched once its first process has been seen

# inside CID SHELL-TEXT: act inside a container.
inside() {
	podman_cmd exec "$1" sh -c "$2" >/dev/null 2>&1
}

for cid in "$early" "$late"; do
	id=${cid:0:12}
	which=$([ "$cid" = "$early" ] && echo "running before start" || echo "started after")
	inside "$cid" 'cat /etc/shadow'
	wait_alert "container ($which): shadow read, container path and id" \
		'a["rule"] == "Ctr shadow read" and f["fd.name"] == "/etc/shadow" and f["container.id"] == "'"$id"'" and f["evt.arg.host_path"] not in (None, "/etc/shadow")'
	inside "$cid" 'echo x > /usr/x'
	wait_alert "container ($which): create below /usr" \
		'a["rule"] == "Ctr usr write" and f["evt.type"] == "create" and f["fd.name"] == "/usr/x" and f["container.id"] == "'"$id"'"'
	wait_alert "container ($which): write below /usr" \
		'a["rule"] == "Ctr usr write" and f["evt.type"] == "close_write" and f["fd.name"] == "/usr/x" and f["container.id"] == "'"$id"'"'
	inside "$cid" 'mv /usr/x /usr/y'
	wait_alert "container ($which): rename below /usr" \
		'a["rule"] == "Ctr usr rename or delete" and f["evt.type"] == "rename" and f["fd.name"] == "/usr/y" and f["container.id"] == "'"$id"'"'
	inside "$cid" 'rm /usr/y'
	wait_alert "container ($which): delete below /usr" \
		'a["rule"] == "Ctr usr rename or delete" and f["evt.type"] == "delete" and f["fd.name"] == "/usr/y" and f["container.id"] == "'"$id"'"'
done

# One read, one alert: the container's open comes from fanotify only (audit's open rules
# watch the host's inodes).
sleep 0.5
n=$(python3 -c 'import json,sys; print(sum(1 for l in open(sys.argv[1]) if l.strip() and json.loads(l).get("rule") == "Ctr shadow read" and json.loads(l)["output_fields"].get("container.id") == sys.argv[2]))' "$ALERTS" "${late:0:12}")
if [ "$n" = 1 ]; then ok "one read in a container, one alert"; else bad "one read in a container made $n alerts"; fi

# Drop and execute: a copy of busybox written after the start is in the upper layer; the
# image's own /bin/sh is not.  (busybox run as "dropped" has no such applet: it fails after
# the exec, which is all that matters here.)
inside "$late" 'cp /bin/busybox /tmp/dropped; /tmp/dropped true; /bin/sh -c true'
wait_alert "exec of a dropped binary: proc.is_exe_upper_layer true" \
	'a["rule"] == "Ctr exec" and f["proc.exepath"] == "/tmp/dropped" and f["proc.is_exe_upper_layer"] is True and f["container.id"] == "'"${late:0:12}"'"'
wait_alert "exec of the image's /bin/sh: proc.is_exe_upper_layer false" \
	'a["rule"] == "Ctr exec" and f["proc.exepath"] == "/bin/busybox" and f["proc.is_exe_upper_layer"] is False and f["container.id"] == "'"${late:0:12}"'"'

# A binary bind-mounted into a container is not from its upper layer, although the runtime
# left an empty mount point at that path in the upperdir; a copy made inside the container
# is.  (busybox-static from the host runs in the image; as "bbx" it has no such applet.)
bind=$(podman_run -d -v /bin/busybox:/usr/local/sbin/bbx:ro -- sleep 300) || { bad "podman run -v"; exit 1; }
sleep 1
inside "$bind" '/usr/local/sbin/bbx true; cp /usr/local/sbin/bbx /tmp/bbx-copy; /tmp/bbx-copy true'
wait_alert "exec of a bind-mounted binary: proc.is_exe_upper_layer false" \
	'a["rule"] == "Ctr exec" and f["proc.exepath"] == "/usr/local/sbin/bbx" and f["proc.is_exe_upper_layer"] is False and f["container.id"] == "'"${bind:0:12}"'"'
wait_alert "exec of its copy in /tmp: proc.is_exe_upper_layer true" \
	'a["rule"] == "Ctr exec" and f["proc.exepath"] == "/tmp/bbx-copy" and f["proc.is_exe_upper_layer"] is True and f["container.id"] == "'"${bind:0:12}"'"'

# The host's own /etc/shadow: the host's process, container.id host, no host_path.
cat /etc/shadow > /dev/null
wait_alert "host read of /etc/shadow stays a host event" \
	'a["rule"] == "Ctr shadow read" and f["fd.name"] == "/etc/shadow" and f["container.id"] == "host" and f["proc.name"] == "cat" and f["evt.arg.host_path"] is None'

# A container that stops while watched: podman can still remove it (no fd of ours pins its
# overlay), and the daemon keeps running.
if podman_cmd rm -f -t 0 "$early" >/dev/null 2>&1; then
	ok "a watched container stops and is removed"
else
	bad "podman could not remove a watched container"
fi
sleep 0.5
kill -0 "$DAEMON_PID" 2>/dev/null && ok "daemon still running" || bad "daemon died"
