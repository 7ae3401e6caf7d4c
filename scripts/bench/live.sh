# live.sh - the live part of scripts/bench/run: each storm under no monitor, the drain-only
# floor, auditd and shikra, a fresh monitor for every storm.  Sourced by run; uses its
# variables (B builddir, T temp dir, RULES, counts) and writes one line per episode to
# $T/live.txt:  storm config run count seconds cpu_s hwm_kib lost overflows drops alerts expected
# seen (the monitor's own count: floor netlink messages + fanotify events, auditd log records,
# shikra events)
#
# Audit is shared with the rest of the machine: the whole section holds the lock the
# integration tests take, records the settings it finds and puts them back on exit (the run
# script's trap calls live_restore), and deletes every rule it adds (all carry key=shikra).

AUDIT_LOCK=/run/shikra-audit-test.lock
MON_PID=

audit_field() { auditctl -s 2>/dev/null | awk -v k="$1" '$1 == k {print $2}'; }

live_save() {
	ORIG_ENABLED=$(audit_field enabled)
	ORIG_BACKLOG=$(audit_field backlog_limit)
	ORIG_WAIT=$(audit_field backlog_wait_time)
	ORIG_RATE=$(audit_field rate_limit)
	ORIG_FAILURE=$(audit_field failure)
	AUDIT_BEFORE=$(audit_snapshot)
	LIVE_SAVED=1
}

# What must be as we found it: enabled, owner, limits, and rules with our key.
audit_snapshot() {
	echo "enabled=$(audit_field enabled) pid=$(audit_field pid)" \
		"backlog_limit=$(audit_field backlog_limit)" \
		"backlog_wait_time=$(audit_field backlog_wait_time)" \
		"shikra_rules=$(auditctl -l 2>/dev/null | grep -c 'key=shikra')"
}

# Stop the monitor we started (by its pid only), delete our rules, restore the settings.
live_restore() {
	[ -n "${LIVE_SAVED:-}" ] || return 0
	mon_stop
	auditctl -D -k shikra >/dev/null 2>&1
	auditctl -e "$ORIG_ENABLED" >/dev/null 2>&1
	auditctl -b "$ORIG_BACKLOG" >/dev/null 2>&1
	auditctl --backlog_wait_time "$ORIG_WAIT" >/dev/null 2>&1
	auditctl -r "$ORIG_RATE" >/dev/null 2>&1
	auditctl -f "$ORIG_FAILURE" >/dev/null 2>&1
	for f in $BENCH_OPEN_NAMES; do rm -f "$BENCH_OPEN_DIR/$f"; done
	[ -n "${MADE_OPEN_DIR:-}" ] && rmdir "$BENCH_OPEN_DIR" 2>/dev/null
	LIVE_SAVED=
}

# CPU seconds (user + system) of PID so far, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
hwm_kib() { awk '$1 == "VmHWM:" {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

# Wait until the monitor has caught up: the kernel's backlog is empty and the monitor is
# nearly idle (at most 2 ticks of CPU in 0.3 s: the rest of the machine's audited activity
# keeps it from standing quite still).  At most 60 s.
settle() {
	local a b i
	[ -n "$MON_PID" ] || return 0
	for i in $(seq 1 200); do
		a=$(cpu_ticks "$MON_PID")
		sleep 0.3
		b=$(cpu_ticks "$MON_PID")
		[ $((b - a)) -le 2 ] && [ "$(audit_field backlog)" = 0 ] && return 0
	done
}

mon_stop() {
	[ -n "$MON_PID" ] || return 0
	kill -TERM "$MON_PID" 2>/dev/null
	for _ in $(seq 1 100); do
		kill -0 "$MON_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$MON_PID" 2>/dev/null
	wait "$MON_PID" 2>/dev/null
	MON_PID=
}

# wait_for FILE PATTERN: until FILE has PATTERN or the monitor died (10 s).
wait_for() {
	for _ in $(seq 1 100); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		kill -0 "$MON_PID" 2>/dev/null || break
		sleep 0.1
	done
	say "monitor did not start:"
	cat "$1" >&2
	return 1
}

# The audit settings shikra uses, for the floor and auditd too, so all lose or keep alike.
audit_like_shikra() {
	auditctl -b 8192 >/dev/null && auditctl --backlog_wait_time 0 >/dev/null
}

start_shikra() {
	: > "$T/alerts.json"
	"$SHIKRA" -c /dev/null -r "$RULES" -o json_output=true -o stdout_output.enabled=false \
		-o file_output.enabled=true -o file_output.keep_alive=true \
		-o "file_output.filename=$T/alerts.json" 2> "$T/mon.log" &
	MON_PID=$!
	wait_for "$T/mon.log" 'monitoring with'
}

start_drain() {
	audit_like_shikra
	"$B/scripts/bench/bench_drain" -f "$T/fan.fdinfo" -M / -M "$BENCH_OPEN_DIR" \
		> "$T/drain.out" 2> "$T/mon.log" &
	MON_PID=$!
	wait_for "$T/mon.log" 'drain: ready' && auditctl -R "$T/audit.rules" >/dev/null
}

start_auditd() {
	mkdir -p "$T/auditd/plugins.d" "$T/auditd/log"
	rm -f "$T/auditd/log/audit.log"
	cat > "$T/auditd/auditd.conf" <<-EOF
	local_events = yes
	write_logs = yes
	log_file = $T/auditd/log/audit.log
	log_group = root
	log_format = RAW
	flush = INCREMENTAL_ASYNC
	freq = 50
	max_log_file = 4096
	num_logs = 2
	priority_boost = 0
	name_format = NONE
	max_log_file_action = IGNORE
	space_left = 2
	space_left_action = IGNORE
	admin_space_left = 1
	admin_space_left_action = IGNORE
	disk_full_action = IGNORE
	disk_error_action = IGNORE
	q_depth = 2000
	overflow_action = IGNORE
	plugin_dir = $T/auditd/plugins.d
	end_of_event_timeout = 2
	EOF
	chmod 0640 "$T/auditd/auditd.conf"
	audit_like_shikra
	/sbin/auditd -n -c "$T/auditd" > "$T/mon.log" 2>&1 &
	MON_PID=$!
	for _ in $(seq 1 100); do
		[ "$(audit_field pid)" = "$MON_PID" ] && break
		sleep 0.1
	done
	[ "$(audit_field pid)" = "$MON_PID" ] || { say "auditd did not register"; return 1; }
	auditctl -R "$T/audit.rules" >/dev/null
}

# Start shikra once to learn what it installs: its fanotify fd's marks (for the floor) and
# the audit rules it prints for auditctl (for the floor and auditd).
live_probe() {
	"$SHIKRA" -c /dev/null -r "$RULES" --print-audit-rules 2>/dev/null |
		grep -v '^#' > "$T/audit.rules"
	start_shikra || return 1
	local fd
	fd=$(ls -l "/proc/$MON_PID/fd" | awk '/anon_inode:\[fanotify\]/ {print $9; exit}')
	if [ -n "$fd" ]; then
		cp "/proc/$MON_PID/fdinfo/$fd" "$T/fan.fdinfo"
	else
		: > "$T/fan.fdinfo"
	fi
	PROBE_RULES=$(auditctl -l | grep -c 'key=shikra')
	mon_stop
	say "shikra installs $PROBE_RULES audit rules and $(grep -c 'fanotify ino:\|fanotify sdev:' \
		"$T/fan.fdinfo") fanotify marks"
}

# expected COUNT "NUM/DEN": alerts COUNT operations must raise, or "?".
expected() {
	case $2 in
	*/*) echo $(( $1 * ${2%/*} / ${2#*/} )) ;;
	*) echo "?" ;;
	esac
}

# One episode: storm $1 under monitor $2 (run $3), flat out, or paced to $4 operations/s
# (run "p") for at most PACED_S seconds.
episode() {
	local storm=$1 cfg=$2 run=$3 rate=${4:-} count exp args lost0 lost1 cpu0 cpu1 out secs hwm
	local ovf=0 drops=0 alerts=- seen=-
	case $storm in
	exec) count=$N_EXEC; exp=$(expected "$count" "$BENCH_EXPECT_EXEC")
	      args=("$T/bin/$BENCH_EXEC_NAME") ;;
	open) count=$N_OPEN; exp=$(expected "$count" "$BENCH_EXPECT_OPEN")
	      args=(); for f in $BENCH_OPEN_NAMES; do args+=("$BENCH_OPEN_DIR/$f"); done ;;
	connect) count=$N_CONNECT; exp=$(expected "$count" "$BENCH_EXPECT_CONNECT")
	      args=("$BENCH_CONNECT_PORT") ;;
	esac
	if [ -n "$rate" ]; then
		local cap
		cap=$(awk -v r="$rate" -v s="$PACED_S" 'BEGIN {printf "%d", r * s}')
		if [ "$cap" -lt "$count" ]; then
			count=$cap
			exp=$(expected "$count" "$(eval echo "\$BENCH_EXPECT_${storm^^}")")
		fi
		args=(-r "$rate" "$storm" "$count" "${args[@]}")
	else
		args=("$storm" "$count" "${args[@]}")
	fi
	case $cfg in
	none) ;;
	floor) start_drain || return 1 ;;
	auditd) start_auditd || return 1 ;;
	shikra) start_shikra || return 1 ;;
	esac
	lost0=$(audit_field lost)
	cpu0=0
	[ -n "$MON_PID" ] && cpu0=$(cpu_ticks "$MON_PID")
	out=$("$B/scripts/bench/bench_storm" "${args[@]}") || return 1
	secs=$(echo "$out" | sed -n 's/.*seconds=\([0-9.]*\).*/\1/p')
	settle
	lost1=$(audit_field lost)
	cpu1=0 hwm=0
	if [ -n "$MON_PID" ]; then
		cpu1=$(cpu_ticks "$MON_PID")
		hwm=$(hwm_kib "$MON_PID")
	fi
	# shikra deletes its own rules; the floor and auditd leave theirs to us.
	case $cfg in floor|auditd) auditctl -D -k shikra >/dev/null 2>&1 ;; esac
	mon_stop
	case $cfg in
	floor) ovf=$(sed -n 's/.*fan_overflows=\([0-9]*\).*/\1/p' "$T/drain.out")
	       drops=$(sed -n 's/.*enobufs=\([0-9]*\).*/\1/p' "$T/drain.out")
	       seen=$(awk -F'[= ]' '{print $2 + $8}' "$T/drain.out") ;;
	auditd) seen=$(wc -l < "$T/auditd/log/audit.log") ;;
	shikra) read -r alerts ovf drops < <(python3 "$HERE/alerts.py" "$T/alerts.json" \
	            "$(eval echo "\$BENCH_RULE_${storm^^}")")
	        cp "$T/alerts.json" "$T/alerts-$storm-$run.json"
	        seen=$(sed -n 's/.*stopping after \([0-9]*\) events.*/\1/p' "$T/mon.log") ;;
	esac
	printf '%s %s %s %s %s %s %s %s %s %s %s %s %s\n' "$storm" "$cfg" "$run" "$count" "$secs" \
		"$(awk -v a="$cpu0" -v b="$cpu1" -v t="$CLK_TCK" 'BEGIN {printf "%.2f", (b - a) / t}')" \
		"$hwm" "$((lost1 - lost0))" "${ovf:-0}" "${drops:-0}" "$alerts" "$exp" "${seen:-?}" \
		>> "$T/live.txt"
}

live_section() {
	exec 9> "$AUDIT_LOCK"
	say "waiting for the audit lock ($AUDIT_LOCK)"
	flock 9
	live_save
	CLK_TCK=$(getconf CLK_TCK)
	mkdir -p "$T/bin"
	cp "$B/scripts/bench/bench_true" "$T/bin/$BENCH_EXEC_NAME"
	if [ ! -d "$BENCH_OPEN_DIR" ]; then
		mkdir -p "$BENCH_OPEN_DIR" && MADE_OPEN_DIR=1
	fi
	for f in $BENCH_OPEN_NAMES; do
		head -c 4096 /dev/urandom > "$BENCH_OPEN_DIR/$f"
	done
	live_probe || return 1
	: > "$T/live.txt"
	for run in $(seq 1 "$RUNS"); do
		for storm in exec open connect; do
			for cfg in none floor auditd shikra; do
				say "live: run $run, $storm storm, $cfg"
				episode "$storm" "$cfg" "$run" || { say "episode failed"; return 1; }
			done
		done
	done
	# Loss at a rate the machine sustains: each storm paced, once per monitor.
	for storm in exec open connect; do
		local rate
		rate=$(eval echo "\$RATE_${storm^^}")
		for cfg in $PACED_MONITORS; do
			say "live: paced $storm storm ($rate/s), $cfg"
			episode "$storm" "$cfg" p "$rate" || { say "episode failed"; return 1; }
		done
	done
	live_restore
	AUDIT_AFTER=$(audit_snapshot)
	flock -u 9
	if [ "$AUDIT_AFTER" != "$AUDIT_BEFORE" ]; then
		say "audit not as found: before '$AUDIT_BEFORE', after '$AUDIT_AFTER'"
		return 1
	fi
	say "audit restored ($AUDIT_AFTER)"
}
