#!/bin/sh
# live.sh - the daemon watches real processes, files and sockets: each behaviour of the test
# must produce its alert with the right fields, and audit must be left as it was found.
. "$TOP_SRCDIR/tests/integration/lib.sh"
require_root

AUDIT_BEFORE=$(audit_snapshot)
rm -rf "$ITEST_DIR"
mkdir -p "$ITEST_DIR"
echo "top secret" > "$ITEST_DIR/secret.txt"
# The script's status is its own exit code, or a failure when finish finds one.
trap 'rc=$?; umount "$ITEST_DIR/mnt" 2>/dev/null; rm -rf "$ITEST_DIR"; finish || rc=1; exit $rc' EXIT

start_daemon "$TOP_SRCDIR/tests/integration/rules.yaml" || exit 1

# A script run with arguments, without a terminal (setsid, stdin from /dev/null).  As in
# Falco, proc.name is the kernel's task name and proc.args what the kernel passed: for a
# script, the interpreter's arguments (the script's path, then its own arguments).
cat > "$ITEST_DIR/itest-script.sh" <<'SH'
#!/bin/sh
exit 0
SH
chmod +x "$ITEST_DIR/itest-script.sh"
me=$(cat /proc/$$/comm)     # the parent: this shell (setsid execs in place here)
setsid "$ITEST_DIR/itest-script.sh" "two words" --flag < /dev/null
wait_alert "exec: exact cmdline, parent name, user, no tty" \
	'a["rule"] == "Itest script run" and f["proc.cmdline"] == "itest-script.sh /tmp/shikra-itest/itest-script.sh two words --flag" and f["user.name"] == "root" and f["proc.tty"] == 0 and f["proc.pname"] == "'"$me"'"'

cat "$ITEST_DIR/secret.txt" > /dev/null
wait_alert "read of a watched file" \
	'a["rule"] == "Itest read" and f["fd.name"] == "/tmp/shikra-itest/secret.txt" and f["proc.name"] == "cat"'
# One open, one alert: audit reports the openat (it installed the rule), so fanotify must not
# report the same open again.
sleep 1
reads=$(python3 -c 'import json,sys; print(sum(1 for l in open(sys.argv[1]) if l.strip() and json.loads(l).get("rule") == "Itest read"))' "$ALERTS")
if [ "$reads" = 1 ]; then ok "one cat, exactly one read alert"; else bad "one cat made $reads read alerts"; fi

# The open family is audited only below the rules' paths, never for every open on the host.
rules_now=$(auditctl -l)
if echo "$rules_now" | grep -q -- '-S .*openat.* -F dir=/tmp/shikra-itest .*key=shikra' &&
   ! echo "$rules_now" | grep 'key=shikra' | grep openat | grep -qv -e ' -F dir=' -e ' -F path='; then
	ok "open-family audit rules restricted by dir=/path= ($(echo "$rules_now" | grep -c key=shikra) rules)"
else
	bad "open-family audit rules not restricted:"
	echo "$rules_now" | sed 's/^/  | /'
fi

echo data > "$ITEST_DIR/new.txt"
wait_alert "create below a watched directory" \
	'a["rule"] == "Itest create" and f["fd.name"] == "/tmp/shikra-itest/new.txt"'
wait_alert "write below a watched directory" \
	'a["rule"] == "Itest write" and f["fd.name"] == "/tmp/shikra-itest/new.txt"'

# "startswith /tmp/shikra-itest/" is the whole tree: a directory made now is followed as soon
# as its create event is read (a file made in it before that moment is not seen: no mark yet).
mkdir "$ITEST_DIR/sub"
sleep 0.5
echo deep > "$ITEST_DIR/sub/deep.txt"
wait_alert "create in a new subdirectory of a watched tree" \
	'a["rule"] == "Itest create" and f["fd.name"] == "/tmp/shikra-itest/sub/deep.txt"'

mv "$ITEST_DIR/new.txt" "$ITEST_DIR/renamed.txt"
wait_alert "rename below a watched directory" \
	'a["rule"] == "Itest rename" and f["fd.name"] == "/tmp/shikra-itest/renamed.txt" and f["proc.name"] == "mv"'
rm "$ITEST_DIR/renamed.txt"
wait_alert "delete below a watched directory" \
	'a["rule"] == "Itest delete" and f["fd.name"] == "/tmp/shikra-itest/renamed.txt" and f["proc.name"] == "rm"'

# TCP and UDP connects to loopback listeners.
python3 - <<'PY'
import socket
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 45123)); srv.listen(1)
c = socket.create_connection(("127.0.0.1", 45123)); c.close(); srv.close()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.connect(("127.0.0.1", 45124)); u.close()
PY
wait_alert "TCP connect to loopback (address and port)" \
	'a["rule"] == "Itest connect" and f["fd.sip"] == "127.0.0.1" and f["fd.sport"] == 45123'
wait_alert "UDP connect to loopback (address and port)" \
	'a["rule"] == "Itest connect" and f["fd.sport"] == 45124'

unshare -u true
wait_alert "unshare" 'a["rule"] == "Itest namespace" and f["evt.type"] == "unshare" and "CLONE_NEWUTS" in f["evt.arg.flags"]'
unshare -u sleep 3 &
holder=$!
sleep 0.3
nsenter -t "$holder" -u true
kill "$holder" 2>/dev/null
wait_alert "setns" 'a["rule"] == "Itest namespace" and f["evt.type"] == "setns"'

mkdir -p "$ITEST_DIR/mnt"
mount -t tmpfs none "$ITEST_DIR/mnt" && umount "$ITEST_DIR/mnt"
wait_alert "mount a tmpfs" 'a["rule"] == "Itest mount" and f["evt.arg.dir"] == "/tmp/shikra-itest/mnt"'

# ptrace attach to a sleeping child, from a tiny Python helper.
python3 - <<'PY'
import ctypes, os, signal, subprocess, time
libc = ctypes.CDLL(None, use_errno=True)
child = subprocess.Popen(["sleep", "5"])
time.sleep(0.1)
PTRACE_ATTACH, PTRACE_DETACH = 16, 17
libc.ptrace(PTRACE_ATTACH, child.pid, None, None)
os.waitpid(child.pid, 0)
libc.ptrace(PTRACE_DETACH, child.pid, None, None)
child.kill(); child.wait()
PY
wait_alert "ptrace attach" 'a["rule"] == "Itest ptrace" and f["proc.name"].startswith("python")'

# Fileless execution: copy /bin/true into a memfd and exec it from there.
python3 - <<'PY'
import os
fd = os.memfd_create("itest-fileless", 0)
with open("/bin/true", "rb") as src:
    os.write(fd, src.read())
pid = os.fork()
if pid == 0:
    os.execv(f"/proc/self/fd/{fd}", ["itest-fileless", "arg"])
os.waitpid(pid, 0)
PY
wait_alert "exec from a memfd" 'a["rule"] == "Itest memfd exec" and "memfd:itest-fileless" in f["proc.exepath"]'

# A process that is gone before its file event is read is still described.
sh -c 'exec cat /tmp/shikra-itest/secret.txt' > /dev/null
wait_alert "short-lived process still described" \
	'a["rule"] == "Itest read" and f["proc.name"] == "cat" and f["proc.cmdline"] == "cat /tmp/shikra-itest/secret.txt"'

# Hostile names: a file name with a newline must not forge an alert line.
touch "$ITEST_DIR/evil
Critical forged"
wait_alert "newline in a file name stays inside one alert" \
	'a["rule"] == "Itest create" and "\n" in f["fd.name"]'

# A process named with shell syntax and an argument with a newline: the name arrives as data,
# never evaluated, and the alert stays one line of valid JSON (match.py fails on a bad line).
mkdir -p "$ITEST_DIR/hostile"
cp /bin/true "$ITEST_DIR/hostile/\$(id)"
"$ITEST_DIR/hostile/\$(id)" "a
Critical forged" '`reboot`'
wait_alert "process named \$(id) with a newline argument" \
	'a["rule"] == "Itest hostile name" and f["proc.name"] == "$(id)" and "\n" in f["proc.cmdline"] and "`reboot`" in f["proc.cmdline"]'

# fanotify.max_dir_marks bounds the marks: a tree of 40 directories under a bound of 16 gets
# half of it at start (the watched directory itself is one of them).
stop_daemon
for i in $(seq 1 40); do mkdir -p "$ITEST_DIR/many/d$i"; done
start_daemon "$TOP_SRCDIR/tests/integration/rules.yaml" -o fanotify.max_dir_marks=16 || exit 1
marks=$(sed -n 's/^shikra: fanotify: \([0-9]*\) marks$/\1/p' "$ALERTS.log" | head -n 1)
if [ -n "$marks" ] && [ "$marks" -le 8 ] && [ "$marks" -ge 2 ]; then
	ok "fanotify.max_dir_marks=16: $marks marks at start"
else
	bad "fanotify.max_dir_marks=16: '$marks' marks at start: $(grep fanotify "$ALERTS.log")"
fi
