#!/bin/bash
# record.sh - record a genuine auditd log for shikra's golden tests.
#
# usage (as root, with auditd and auditctl installed and no audit daemon running):
#     tests/data/recorder/record.sh RAW      tests/data/audit-raw.log
#     tests/data/recorder/record.sh ENRICHED tests/data/audit-enriched.log
#
# It starts a private auditd (own config directory, log in a temp dir, no plugins), marks
# itself as a login session, loads keyed syscall rules that only match that session, performs
# the actions of tests/data/README for real, then deletes its rules, stops auditd, puts the
# kernel's audit settings back as it found them and copies the log, untouched, to OUT.
# Nothing in the log is edited.  The transcript of what was done goes to stdout.
set -u

FORMAT=${1:?usage: record.sh RAW|ENRICHED OUT}
OUT=${2:?usage: record.sh RAW|ENRICHED OUT}
KEY=shikra-golden
HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
USERNAME=shikragolden

die() { echo "record.sh: $*" >&2; exit 1; }
status_field() { auditctl -s | awk -v k="$1" '$1 == k { print $2 }'; }

[ "$(id -u)" = 0 ] || die "must run as root"
case $FORMAT in RAW|ENRICHED) ;; *) die "format must be RAW or ENRICHED" ;; esac
command -v auditd >/dev/null && command -v auditctl >/dev/null || die "auditd/auditctl missing"
[ "$(status_field pid)" = 0 ] || die "audit is owned by pid $(status_field pid); stop it first"
auditctl -l | grep -q -- "key=$KEY" && die "rules with key $KEY are already loaded"
id "$USERNAME" >/dev/null 2>&1 && die "user $USERNAME exists already"

ORIG_ENABLED=$(status_field enabled)
ORIG_BACKLOG=$(status_field backlog_limit)
ORIG_WAIT=$(status_field backlog_wait_time)
ORIG_RATE=$(status_field rate_limit)
ORIG_FAILURE=$(status_field failure)

WORK=$(mktemp -d /tmp/shikra-golden.XXXXXX)
T=$WORK/test
mkdir -p "$WORK/etc/plugins.d" "$WORK/log" "$WORK/bin" "$T/b64" "$T/b32" "$T/shell" "$T/mnt"
AUDITD_PID=
CHILD=

cleanup() {
	trap - EXIT INT TERM
	[ -n "$CHILD" ] && kill -KILL "$CHILD" 2>/dev/null
	auditctl -D -k "$KEY" >/dev/null 2>&1
	if [ -n "$AUDITD_PID" ]; then
		kill -TERM "$AUDITD_PID" 2>/dev/null
		wait "$AUDITD_PID" 2>/dev/null
	fi
	# auditd switches audit on when it starts and off when it stops; put back what we found.
	auditctl -e "$ORIG_ENABLED" >/dev/null
	auditctl -b "$ORIG_BACKLOG" >/dev/null
	auditctl --backlog_wait_time "$ORIG_WAIT" >/dev/null
	auditctl -r "$ORIG_RATE" >/dev/null
	auditctl -f "$ORIG_FAILURE" >/dev/null
	umount "$T/mnt" 2>/dev/null
	id "$USERNAME" >/dev/null 2>&1 && userdel "$USERNAME"
	# userdel leaves the user in the backups it writes (/etc/passwd- ...): take it out there too.
	for f in /etc/passwd- /etc/group- /etc/shadow- /etc/gshadow- /etc/subuid- /etc/subgid-; do
		[ -f "$f" ] && sed -i "/^$USERNAME:/d" "$f"
	done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# --- preparation: nothing here is recorded -----------------------------------------------
cat > "$WORK/etc/auditd.conf" <<EOF
local_events = yes
write_logs = yes
log_file = $WORK/log/audit.log
log_group = root
log_format = $FORMAT
flush = INCREMENTAL_ASYNC
freq = 50
max_log_file = 64
num_logs = 2
priority_boost = 0
name_format = NONE
max_log_file_action = IGNORE
space_left = 75
space_left_action = IGNORE
admin_space_left = 50
admin_space_left_action = IGNORE
disk_full_action = IGNORE
disk_error_action = IGNORE
transport = TCP
distribute_network = no
q_depth = 2000
overflow_action = IGNORE
max_restarts = 10
plugin_dir = $WORK/etc/plugins.d
end_of_event_timeout = 2
EOF
chmod 0640 "$WORK/etc/auditd.conf"

gcc -O1 -Wall -o "$WORK/bin/act64" "$HERE/act.c" || die "cannot build act.c"
HAVE32=yes
gcc -m32 -O1 -Wall -o "$WORK/bin/act32" "$HERE/act.c" 2>/dev/null || HAVE32=no
echo "i386 helper: $HAVE32"
printf '#!/bin/sh\nexit 0\n' > "$T/argv script.sh"
chmod 0755 "$T/argv script.sh"

# --- auditd -------------------------------------------------------------------------------
auditd -n -c "$WORK/etc" &
AUDITD_PID=$!
for _ in $(seq 50); do
	[ "$(status_field pid)" = "$AUDITD_PID" ] && break
	sleep 0.1
done
[ "$(status_field pid)" = "$AUDITD_PID" ] || die "auditd did not register"
echo "auditd pid $AUDITD_PID, log $WORK/log/audit.log"

# --- rules --------------------------------------------------------------------------------
# rule ARCH "SYSCALLS" [FIELD...]: print one rule line (auditctl -R syntax) for the SYSCALLS
# the arch knows, skipping (and reporting on stderr) names auditctl does not know for it.
# Every rule matches only the recording session SES and never auditd itself.
rule() {
	local arch=$1 names=$2 s args=() table=x86_64
	shift 2
	[ "$arch" = b32 ] && table=i386
	for s in $names; do
		if ausyscall "$table" "$s" --exact >/dev/null 2>&1; then
			args+=("-S $s")
		else
			echo "skip: $arch has no syscall $s" >&2
		fi
	done
	[ ${#args[@]} -gt 0 ] || return 0
	echo "-a always,exit -F arch=$arch ${args[*]} -F sessionid=$SES -F pid!=$AUDITD_PID $* -k $KEY"
}

rules() {
	local arch
	for arch in b64 b32; do
		[ $arch = b32 ] && [ $HAVE32 = no ] && continue
		rule $arch "execve execveat" -k exec
		rule $arch "socket connect accept accept4 bind listen socketcall"
		rule $arch "setns unshare"
		rule $arch "mount umount umount2"
		rule $arch "ptrace"
		rule $arch "init_module finit_module delete_module"
		rule $arch "bpf memfd_create open_by_handle_at"
		rule $arch "open openat openat2 creat" -F dir="$T"
		rule $arch "link linkat symlink symlinkat rename renameat renameat2 unlink unlinkat"
		rule $arch "chmod fchmod fchmodat chown fchown lchown fchownat chown32 fchown32 lchown32"
		rule $arch "setuid setgid setreuid setregid setresuid setresgid setfsuid setfsgid
			setuid32 setgid32 setreuid32 setregid32 setresuid32 setresgid32 setfsuid32 setfsgid32"
	done
	# bash dup2()s for every redirection: only the helpers' dup calls are wanted.
	rule b64 "dup dup2 dup3" -F exe="$WORK/bin/act64"
	[ $HAVE32 = yes ] && rule b32 "dup dup2 dup3" -F exe="$WORK/bin/act32"
}

# --- actions ------------------------------------------------------------------------------
# Run in a child that is its own login session (auid 0, a fresh ses), so the rules match
# exactly what happens in here and nothing else on the machine.
actions() {
	# Arguments with spaces, quotes, a newline, a tab, an empty one, non-ASCII, and two over
	# 8 KB (one plain, one that must be hex-encoded), then a run with 400 arguments.
	printf -v long '%*s' 10000 ''
	long=${long// /x}
	printf -v spaced '%*s' 4500 ''
	spaced="spaced out:${spaced// / s}"
	"$T/argv script.sh" "two words" "it's" 'say "hi"' $'line1\nline2' $'tab\there' "" \
		$'h\xc3\xa9llo w\xc3\xb6rld' "$long" "$spaced"
	many=()
	for ((i = 1; i <= 400; i++)); do many+=("arg$i"); done
	"$T/argv script.sh" "${many[@]}"

	# A file whose name has spaces and non-ASCII, through coreutils.
	f="$T/shell/report "$'\xc3\xa9t\xc3\xa9'" 2024.txt"
	echo data > "$f"
	cat "$f" > /dev/null
	ln "$f" "$T/shell/hard link"
	ln -s "$f" "$T/shell/soft link"
	mv "$T/shell/hard link" "$T/shell/moved "$'\xe2\x86\x92'" here"
	chmod 0600 "$f"
	chown nobody:nogroup "$f"
	rm -f "$f" "$T/shell/soft link" "$T/shell/moved "$'\xe2\x86\x92'" here"

	# Every syscall family, raw, from a 64-bit and (if possible) a 32-bit process.
	"$WORK/bin/act64" "$T/b64" all 2>&1
	[ $HAVE32 = yes ] && "$WORK/bin/act32" "$T/b32" all 2>&1

	# Sockets and memfd exec from Python.
	"$PY" "$HERE/py_actions.py" "$T/shell" net 2>&1
	"$PY" "$HERE/py_actions.py" "$T/shell" memfd 2>&1

	# Namespaces with util-linux.
	unshare -n true
	unshare --net --uts --mount --fork true
	unshare -n sleep 20 &
	NSPID=$!
	sleep 0.5
	nsenter -t "$NSPID" -n true
	kill "$NSPID"
	wait "$NSPID" 2>/dev/null

	# A tmpfs mount and umount.
	mount -t tmpfs -o size=1m shikra-golden "$T/mnt"
	umount "$T/mnt"

	# User management and su (USER_*, ADD_USER/DEL_USER, ADD_GROUP/DEL_GROUP, CRED_*).
	useradd -M -s /usr/sbin/nologin -c "shikra golden" "$USERNAME"
	su -s /bin/sh -c 'id > /dev/null' "$USERNAME"
	userdel "$USERNAME"
}

export PATH=/usr/sbin:/usr/bin:/sbin:/bin
(
	echo 0 > /proc/self/loginuid || exit 1
	kill -STOP "$BASHPID"      # wait here until the parent has loaded the rules
	actions
) &
CHILD=$!
for _ in $(seq 50); do
	[ "$(awk '{ print $3 }' "/proc/$CHILD/stat")" = T ] && break
	sleep 0.1
done
[ "$(awk '{ print $3 }' "/proc/$CHILD/stat")" = T ] || die "action child did not stop"
SES=$(cat "/proc/$CHILD/sessionid")
echo "session $SES"
rules > "$WORK/rules"
auditctl -b 8192 >/dev/null
auditctl -R "$WORK/rules" >/dev/null || die "rules refused"
echo "--- rules"
auditctl -l
echo "--- actions"
kill -CONT "$CHILD"
wait "$CHILD"
CHILD=

sleep 1
echo "--- done"
auditctl -D -k "$KEY"
kill -TERM "$AUDITD_PID"
wait "$AUDITD_PID"
AUDITD_PID=
cp "$WORK/log/audit.log" "$OUT"
echo "wrote $OUT ($(wc -c < "$OUT") bytes, $(wc -l < "$OUT") lines)"
