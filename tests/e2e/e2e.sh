#!/bin/bash
# e2e.sh - end-to-end detection test: one shikra with the default rules, then every action of
# shikra-event-generator on the host and in a container.  Each action's rule must fire within
# the window (E2E_WINDOW_MS, 1000 ms) of the action's end, in the right place (container.id
# "host", or the id of the container the action ran in) and with the action's fields; no other
# rule may fire at Warning or above during an action unless tests/e2e/cofire.txt allows it.
# check.py prints one row per action and a summary.
#
# E2E_RULES and E2E_GENERATOR override the rules file and the generator, E2E_KEEP=1 keeps the
# work directory (generator output, alerts with their arrival times); for debugging.
. "$TOP_SRCDIR/tests/integration/lib.sh"
. "$TOP_SRCDIR/tests/integration/podman.sh"
. "$TOP_SRCDIR/tests/e2e/e2elib.sh"
require_root

GEN=${E2E_GENERATOR:-$(dirname "$SHIKRA")/shikra-event-generator}
WINDOW_MS=${E2E_WINDOW_MS:-1000}

# A missing piece is a skip (77) here and a failure under CI, like every integration test.
[ -e "$RULES" ] || missing "$RULES (the default ruleset)"
[ -x "$GEN" ] || missing "$GEN (shikra-event-generator)"
command -v python3 >/dev/null || missing "python3"
ensure_image || { echo "cannot build the test image"; exit 1; }

AUDIT_BEFORE=$(audit_snapshot)
WORK=$(mktemp -d /tmp/shikra-e2e.XXXXXX)
WATCH_PID=
# An EXIT trap's own status is not the script's: keep an earlier exit code, else finish's.
cleanup() {
	rc=$?
	[ -n "$WATCH_PID" ] && kill "$WATCH_PID" 2>/dev/null && wait "$WATCH_PID" 2>/dev/null
	podman_cleanup
	if [ -n "${E2E_KEEP:-}" ]; then cp "$ALERTS" "$WORK/alerts"; echo "kept $WORK"; else rm -rf "$WORK"; fi
	finish || rc=1
	exit "$rc"
}
trap cleanup EXIT

start_daemon "$RULES" || exit 1
python3 "$E2E/check.py" watch "$ALERTS" "$WORK/arrivals" &
WATCH_PID=$!
# Let the daemon finish seeding its tables before the first action.
sleep 1

"$GEN" list > "$WORK/list" || bad "shikra-event-generator list failed"
since=$(date +%s)
"$GEN" run > "$WORK/host" 2> "$WORK/host.err" || bad "generator run (host) exited $?"
"$GEN" run --container --image "$SHIKRA_IMAGE" > "$WORK/ctr" 2> "$WORK/ctr.err" ||
	bad "generator run --container exited $?"
until=$(( $(date +%s) + 1 ))
# Let the last action's window pass, then wait for the daemon to catch up, so that a late
# alert shows as late rather than missing.
sleep "$(( WINDOW_MS / 1000 + 1 ))"
drain
kill "$WATCH_PID" 2>/dev/null
wait "$WATCH_PID" 2>/dev/null
WATCH_PID=

for f in host.err ctr.err; do
	[ -s "$WORK/$f" ] && { echo "generator stderr ($f):"; sed 's/^/  | /' "$WORK/$f"; }
done
# The containers the run started, to check container.id and container.name against.
podman_cmd events --stream=false --since "$since" --until "$until" --filter type=container \
	--format json > "$WORK/containers" 2>/dev/null ||
	echo "note: podman events unavailable; any container id is accepted"

if python3 "$E2E/check.py" actions --alerts "$WORK/arrivals" --list "$WORK/list" \
	--host "$WORK/host" --ctr "$WORK/ctr" --containers "$WORK/containers" \
	--cofire "$E2E/cofire.txt" --window-ms "$WINDOW_MS"; then
	ok "every generator action raised its rule, and nothing else fired"
else
	bad "generator actions (see the table above)"
fi
