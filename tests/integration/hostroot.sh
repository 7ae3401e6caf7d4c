#!/bin/sh
# hostroot.sh - host_root, as in a Kubernetes pod: shikra runs in a mount namespace of its own
# in which the watched directory is a different filesystem (a tmpfs over it) and the host's /
# is bind-mounted at $HR.  With -o host_root=$HR, what the host does to its own files must
# alert under the host's names; nothing here is done inside that namespace.
. "$TOP_SRCDIR/tests/integration/lib.sh"
require_root
command -v unshare >/dev/null || { echo "unshare missing (util-linux)"; exit 1; }

D=/tmp/shikra-itest-hr                  # what the rules watch, on the host
HR=/tmp/shikra-hostroot/host            # the host's / inside shikra's namespace
RULES=$TOP_SRCDIR/tests/integration/hostroot.yaml
AUDIT_BEFORE=$(audit_snapshot)
rm -rf "$D"
mkdir -p "$D" "$HR"
echo "top secret" > "$D/secret.txt"
# The namespace's mounts go with its last process (the daemon); nothing is mounted out here.
trap 'rc=$?; rm -rf "$D"; finish || rc=1; rmdir "$HR" /tmp/shikra-hostroot 2>/dev/null; exit $rc' EXIT

# start_in_ns [ARGS...]: lib.sh's start_daemon, with shikra in its own mount namespace.  The
# kubelet mounts a hostPath volume recursively (rbind), so do we; the tmpfs over $D comes
# after, so $HR$D is still the host's directory while $D is not.  unshare and sh exec in
# place: DAEMON_PID is shikra's own pid.
start_in_ns() {
	drop_daemon_files
	ALERTS=$(mktemp /tmp/shikra-itest-alerts.XXXXXX)
	unshare -m --propagation private sh -c '
		set -e
		mount --rbind / "$0"
		mount -t tmpfs -o size=1m shikra-itest-hr "$1"
		echo "namespace decoy" > "$1/secret.txt"
		shift
		exec "$@"' "$HR" "$D" \
		"$SHIKRA" -c /dev/null -r "$RULES" -o json_output=true \
		-o stdout_output.enabled=false -o file_output.enabled=true \
		-o file_output.keep_alive=true -o "file_output.filename=$ALERTS" \
		-o "host_root=$HR" "$@" 2> "$ALERTS.log" &
	DAEMON_PID=$!
	for _ in $(seq 1 100); do
		grep -q 'monitoring with' "$ALERTS.log" 2>/dev/null && return 0
		kill -0 "$DAEMON_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "shikra did not start in its namespace:"
	cat "$ALERTS.log"
	return 1
}

# --- 1. unicast audit: opens and execs from audit (rules resolved under $HR), the rest
#        from fanotify ---
start_in_ns || exit 1
# The namespace really differs: its $D is the tmpfs, the host's is not.
ns_view=$(cat "/proc/$DAEMON_PID/root$D/secret.txt" 2>/dev/null)
if [ "$ns_view" = "namespace decoy" ] && [ "$(cat "$D/secret.txt")" = "top secret" ]; then
	ok "shikra's $D is another filesystem than the host's"
else
	bad "the namespace does not hide the host's $D (saw '$ns_view')"
fi
# The kernel resolves -F dir= in the namespace of the process that adds the rule.
rules_now=$(auditctl -l)
if echo "$rules_now" | grep -q -- "-S .*openat.* -F dir=$HR$D .*key=shikra" &&
   ! echo "$rules_now" | grep key=shikra | grep -- "-F dir=\|-F path=" | grep -qv -- "=$HR/"; then
	ok "audit file rules name the host's files through host_root"
else
	bad "audit file rules without host_root:"
	echo "$rules_now" | grep key=shikra | sed 's/^/  | /'
fi

cat "$D/secret.txt" > /dev/null
wait_alert "host read, reported by the host's name" \
	'a["rule"] == "HR read" and f["fd.name"] == "'"$D"'/secret.txt" and f["proc.name"] == "cat"'
me=$(cat /proc/$$/comm)
echo more >> "$D/secret.txt"
wait_alert "host append, reported by the host's name" \
	'a["rule"] == "HR write" and f["fd.name"] == "'"$D"'/secret.txt" and f["proc.name"] == "'"$me"'"'
touch "$D/new.txt"
wait_alert "host create (fanotify), reported by the host's name" \
	'a["rule"] == "HR create" and f["fd.name"] == "'"$D"'/new.txt" and f["proc.name"] == "touch"'
# A binary of its own, so that proc.exepath (read from /proc/PID/exe) is a file in $D.
cp /bin/true "$D/hr-probe"
"$D/hr-probe" probe-arg
wait_alert "host exec still fires, with the host's exe path" \
	'a["rule"] == "HR probe run" and f["proc.cmdline"] == "hr-probe probe-arg" and f["proc.exepath"] == "'"$D"'/hr-probe"'
sleep 1
if ! grep -q "$HR" "$ALERTS"; then
	ok "no alert names a path under host_root"
else
	bad "an alert names host_root's own path:"
	grep "$HR" "$ALERTS" | cut -c 1-300 | sed 's/^/  | /'
fi
stop_daemon

# --- 2. no audit rules (multicast): opens come from fanotify marks placed under $HR ---
start_in_ns -o audit.mode=multicast || exit 1
# Without audit's exec events a reader must still be alive when its event is described:
# tail -f stays.
tail -f "$D/secret.txt" > /dev/null &
reader=$!
wait_alert "fanotify host read, reported by the host's name" \
	'a["rule"] == "HR read" and f["fd.name"] == "'"$D"'/secret.txt" and f["proc.name"] == "tail"'
kill "$reader"
wait "$reader" 2>/dev/null
# fanotify's open carries no open flags (an open is a write only when the kernel merged it
# with the modify), so the write is checked on the modify itself.
echo again >> "$D/secret.txt"
wait_alert "fanotify host write, reported by the host's name" \
	'a["rule"] == "HR modify" and f["fd.name"] == "'"$D"'/secret.txt"'
# A directory the host makes is reported by its host name too.
mkdir "$D/sub"
wait_alert "fanotify create of a host directory, reported by the host's name" \
	'a["rule"] == "HR create" and f["fd.name"] == "'"$D"'/sub"'
