#!/bin/sh
# audit.sh - audit ownership cases: losses under a flood with a small backlog, kill -9 then
# restart (no duplicate rules, state restored), and multicast mode beside a running auditd.
. "$TOP_SRCDIR/tests/integration/lib.sh"
require_root
command -v auditd >/dev/null || { echo "auditd missing (apt-get install auditd)"; exit 1; }

RULES=$TOP_SRCDIR/tests/integration/rules.yaml
AUDIT_BEFORE=$(audit_snapshot)
AUDITD_DIR=
cleanup() {
	rc=$?
	[ -n "$AUDITD_DIR" ] && { pkill -TERM -f "auditd -n -c $AUDITD_DIR" 2>/dev/null; sleep 0.5; }
	auditctl -D -k shikra >/dev/null 2>&1
	[ -n "$AUDITD_DIR" ] && rm -rf "$AUDITD_DIR"
	rm -rf "$ITEST_DIR"
	finish || rc=1
	exit $rc
}
trap cleanup EXIT
mkdir -p "$ITEST_DIR"

count_rules() { auditctl -l 2>/dev/null | grep -c 'key=shikra' || true; }

# 1. A flood while the reader is stopped: the kernel drops records (backlog_wait_time is 0, so
#    the workload never waits) and the daemon reports the loss with a count.
start_daemon "$RULES" -o audit.mode=unicast -o audit.backlog_limit=64 || exit 1
auditctl -b 64 >/dev/null          # the daemon never lowers a limit, so lower it here
kill -STOP "$DAEMON_PID"
for i in $(seq 1 400); do /bin/true; done
kill -CONT "$DAEMON_PID"
wait_alert "loss under a flood is reported with a count" \
	'a["rule"] == "Audit events lost" and a["source"] == "internal" and int(f.get("lost", 0)) > 0'
stop_daemon

# 2. kill -9, then restart: leftovers are found and replaced, never duplicated.
start_daemon "$RULES" -o audit.mode=unicast || exit 1
n1=$(count_rules)
kill -KILL "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null; DAEMON_PID=
start_daemon "$RULES" -o audit.mode=unicast || exit 1
n2=$(count_rules)
[ "$n1" -gt 0 ] && [ "$n1" = "$n2" ] && ok "restart after kill -9: $n2 rules, no duplicates" ||
	bad "restart after kill -9: $n1 rules before, $n2 after"
cat > "$ITEST_DIR/itest-script.sh" <<'SH'
#!/bin/sh
exit 0
SH
chmod +x "$ITEST_DIR/itest-script.sh"
"$ITEST_DIR/itest-script.sh" after-restart
wait_alert "alerts after the restart" 'a["rule"] == "Itest script run" and "after-restart" in f["proc.cmdline"]'
stop_daemon
after=$(audit_snapshot)
[ "$after" = "$AUDIT_BEFORE" ] && ok "kill -9 + restart leaves audit as found" ||
	bad "kill -9 + restart: before '$AUDIT_BEFORE', after '$after'"

# 3. auditd owns audit: shikra reads the multicast stream, auditd has shikra's rules.
AUDITD_DIR=$(mktemp -d /tmp/shikra-itest-auditd.XXXXXX)
cat > "$AUDITD_DIR/auditd.conf" <<CONF
local_events = yes
write_logs = yes
log_file = $AUDITD_DIR/audit.log
log_format = RAW
flush = NONE
freq = 0
max_log_file = 8
num_logs = 1
max_log_file_action = IGNORE
space_left = 2
space_left_action = IGNORE
admin_space_left = 1
admin_space_left_action = IGNORE
disk_full_action = IGNORE
disk_error_action = IGNORE
plugin_dir = $AUDITD_DIR/plugins.d
q_depth = 2000
overflow_action = IGNORE
CONF
mkdir -p "$AUDITD_DIR/plugins.d"
chmod 600 "$AUDITD_DIR/auditd.conf"     # auditd refuses a configuration others can read
auditd -n -c "$AUDITD_DIR" > "$AUDITD_DIR/auditd.out" 2>&1 &
for _ in $(seq 1 50); do
	[ "$(auditctl -s | awk '$1 == "pid" {print $2}')" != 0 ] && break
	sleep 0.1
done
if [ "$(auditctl -s | awk '$1 == "pid" {print $2}')" = 0 ]; then
	bad "auditd did not start: $(cat "$AUDITD_DIR/auditd.out")"
	exit 1
fi
"$SHIKRA" -c /dev/null -r "$RULES" --print-audit-rules > "$AUDITD_DIR/shikra.rules"
auditctl -R "$AUDITD_DIR/shikra.rules" > /dev/null
start_daemon "$RULES" || exit 1
grep -q 'multicast' "$ALERTS.log" && ok "auditd owns audit: shikra chose multicast" ||
	bad "auditd owns audit, but shikra did not say multicast: $(cat "$ALERTS.log")"
"$ITEST_DIR/itest-script.sh" beside-auditd
wait_alert "alerts in multicast mode" 'a["rule"] == "Itest script run" and "beside-auditd" in f["proc.cmdline"]'
stop_daemon
pkill -TERM -f "auditd -n -c $AUDITD_DIR"
for _ in $(seq 1 50); do
	pgrep -f "auditd -n -c $AUDITD_DIR" >/dev/null || break
	sleep 0.1
done
auditctl -D -k shikra >/dev/null 2>&1
# auditd enables audit when it starts; put the flag back as it was.
auditctl -e "$(echo "$AUDIT_BEFORE" | sed 's/.*enabled=\([0-9]*\).*/\1/')" >/dev/null
