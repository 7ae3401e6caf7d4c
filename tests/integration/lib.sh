# lib.sh - shared by the integration tests: start the real daemon as root against the real
# kernel, wait for its alerts, stop it, and check that audit is left as it was found.
# Sourced by the test scripts; SHIKRA and TOP_SRCDIR come from the environment.

set -u
: "${SHIKRA:?SHIKRA must name the shikra binary}"
: "${TOP_SRCDIR:?TOP_SRCDIR must name the source tree}"
case $SHIKRA in /*) ;; *) SHIKRA=$(pwd)/$SHIKRA ;; esac

ITEST_DIR=/tmp/shikra-itest          # the rules watch this directory
ALERTS=
DAEMON_PID=
TIMEOUT_S=${ITEST_TIMEOUT:-10}
passed=0
failed=0

# Integration tests need root.  Under CI a skip is a failure; elsewhere exit 77 (skipped).
require_root() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "integration tests need root"
		[ "${CI:-}" = true ] && exit 1
		exit 77
	fi
	command -v auditctl >/dev/null || { echo "auditctl missing (apt-get install auditd)"; exit 1; }
	# Only one process can own audit: every test that takes it holds this lock (the C
	# integration tests take the same one), so parallel make check runs them one at a time.
	exec 9> /run/shikra-audit-test.lock
	flock 9
}

# The kernel's audit state in one line: enabled, owner pid, and our rules.
audit_snapshot() {
	st=$(auditctl -s 2>/dev/null)
	enabled=$(echo "$st" | awk '$1 == "enabled" {print $2}')
	pid=$(echo "$st" | awk '$1 == "pid" {print $2}')
	ours=$(auditctl -l 2>/dev/null | grep -c 'key=shikra' || true)
	echo "enabled=$enabled pid=$pid shikra_rules=$ours"
}

ok() { echo "PASS: $*"; passed=$((passed + 1)); }

# Remove the last run's alert and stderr files; a sanitizer report in its stderr fails the
# test first, whatever the alerts said.
drop_daemon_files() {
	[ -n "$ALERTS" ] || return 0
	if grep -q -e 'Sanitizer' -e 'runtime error:' "$ALERTS.log" 2>/dev/null; then
		bad "the daemon reported a sanitizer error:"
		head -n 60 "$ALERTS.log"
	fi
	rm -f "$ALERTS" "$ALERTS.log"
	ALERTS=
}
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }

# start_daemon RULES [ARGS...]: run shikra live with RULES, JSON alerts to a file.
start_daemon() {
	rules=$1
	shift
	drop_daemon_files
	ALERTS=$(mktemp /tmp/shikra-itest-alerts.XXXXXX)
	"$SHIKRA" -c /dev/null -r "$rules" -o json_output=true -o stdout_output.enabled=false \
		-o file_output.enabled=true -o file_output.keep_alive=true \
		-o "file_output.filename=$ALERTS" "$@" 2> "$ALERTS.log" &
	DAEMON_PID=$!
	# Ready when it says so on stderr ("monitoring with N rules").
	for _ in $(seq 1 100); do
		grep -q 'monitoring with' "$ALERTS.log" 2>/dev/null && return 0
		kill -0 "$DAEMON_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "shikra did not start:"
	cat "$ALERTS.log"
	return 1
}

stop_daemon() {
	[ -n "$DAEMON_PID" ] || return 0
	kill -TERM "$DAEMON_PID" 2>/dev/null
	for _ in $(seq 1 100); do
		kill -0 "$DAEMON_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$DAEMON_PID" 2>/dev/null
	wait "$DAEMON_PID" 2>/dev/null
	DAEMON_PID=
}

# wait_alert NAME PYEXPR: wait until an alert satisfies the Python expression PYEXPR over `a`
# (the alert as a dict; f = a["output_fields"]).  Passes or fails the check NAME.
wait_alert() {
	name=$1
	expr=$2
	end=$(( $(date +%s) + TIMEOUT_S ))
	while [ "$(date +%s)" -le "$end" ]; do
		if python3 "$TOP_SRCDIR/tests/integration/match.py" "$ALERTS" "$expr"; then
			ok "$name"
			return 0
		fi
		sleep 0.2
	done
	bad "$name (no alert with: $expr)"
	echo "  alerts so far:"
	cut -c 1-400 "$ALERTS" | tail -n 20 | sed 's/^/  | /'
	return 1
}

# Every test ends here: stop the daemon and prove audit is as we found it.
finish() {
	stop_daemon
	after=$(audit_snapshot)
	if [ "$after" = "$AUDIT_BEFORE" ]; then
		ok "audit state restored ($after)"
	else
		bad "audit state: before '$AUDIT_BEFORE', after '$after'"
		auditctl -D -k shikra >/dev/null 2>&1
	fi
	drop_daemon_files
	echo "$(basename "$0"): $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
