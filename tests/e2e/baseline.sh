#!/bin/bash
# baseline.sh - benign activity under the default rules must raise no alert at Warning or
# above: install and purge a package (a .deb built here, so no network is needed; with dpkg
# and with apt-get), build a small C project with make, run and stop ordinary containers,
# rotate a log below /var/log with logrotate, and a shell session of everyday commands.
# Lower-priority alerts are listed with the step they fell in; tests/e2e/README says why
# each one that can appear is expected.
. "$TOP_SRCDIR/tests/integration/lib.sh"
. "$TOP_SRCDIR/tests/integration/podman.sh"
. "$TOP_SRCDIR/tests/e2e/e2elib.sh"
require_root

PKG=shikra-e2e-hello
LOG=/var/log/shikra-e2e-$$.log

[ -e "$RULES" ] || missing "$RULES (the default ruleset)"
for tool in dpkg-deb apt-get make cc logrotate python3; do
	command -v "$tool" >/dev/null || missing "$tool (scripts/common.sh installs the test deps)"
done
ensure_image || { echo "cannot build the test image"; exit 1; }

AUDIT_BEFORE=$(audit_snapshot)
WORK=$(mktemp -d /tmp/shikra-e2e-base.XXXXXX)
# An EXIT trap's own status is not the script's: keep an earlier exit code, else finish's.
cleanup() {
	rc=$?
	podman_cleanup
	dpkg-query -W "$PKG" >/dev/null 2>&1 && dpkg -P "$PKG" >/dev/null 2>&1
	rm -f "$LOG" "$LOG".*
	if [ -n "${E2E_KEEP:-}" ]; then cp "$ALERTS" "$WORK/alerts"; echo "kept $WORK"; else rm -rf "$WORK"; fi
	finish || rc=1
	exit "$rc"
}
trap cleanup EXIT

# step NAME FUNCTION: run one benign activity and note when it ran, for check.py.
step() {
	local start end rc
	start=$(date +%s%N)
	"$2" > "$WORK/$1.out" 2>&1
	rc=$?
	end=$(date +%s%N)
	printf '%s\t%s\t%s\n' "$1" "$start" "$end" >> "$WORK/steps"
	if [ "$rc" -eq 0 ]; then ok "step $1 ran"; else
		bad "step $1 failed (exit $rc):"
		tail -n 20 "$WORK/$1.out" | sed 's/^/  | /'
	fi
}

# dpkg and apt-get wait for each other's lock (another job may be installing packages).
APT_WAIT=(-o DPkg::Lock::Timeout=120)

# A tiny package with a program, a doc file and maintainer scripts, like most packages.
build_deb() {
	local root=$WORK/deb/$PKG
	mkdir -p "$root/DEBIAN" "$root/usr/bin" "$root/usr/share/doc/$PKG"
	cat > "$root/DEBIAN/control" <<-EOF
	Package: $PKG
	Version: 1.0
	Architecture: all
	Maintainer: shikra tests <root@localhost>
	Description: shikra end-to-end test package
	 Installed and purged by tests/e2e/baseline.sh.
	EOF
	printf '#!/bin/sh\nset -e\necho "%s configured"\n' "$PKG" > "$root/DEBIAN/postinst"
	printf '#!/bin/sh\nset -e\nexit 0\n' > "$root/DEBIAN/postrm"
	printf '#!/bin/sh\necho hello from %s\n' "$PKG" > "$root/usr/bin/$PKG"
	echo "test package" > "$root/usr/share/doc/$PKG/README"
	chmod 755 "$root/DEBIAN/postinst" "$root/DEBIAN/postrm" "$root/usr/bin/$PKG"
	dpkg-deb --root-owner-group --build "$root" "$WORK/$PKG.deb"
}

step_package() {
	build_deb || return 1
	dpkg -i "$WORK/$PKG.deb" && "$PKG" && dpkg -P "$PKG" || return 1
	export DEBIAN_FRONTEND=noninteractive
	apt-get "${APT_WAIT[@]}" install -y --no-install-recommends "$WORK/$PKG.deb" &&
		"$PKG" && apt-get "${APT_WAIT[@]}" purge -y "$PKG"
}

step_make() {
	local d=$WORK/proj
	mkdir -p "$d"
	printf 'int twice(int x);\n' > "$d/util.h"
	printf '#include "util.h"\nint twice(int x) { return 2 * x; }\n' > "$d/util.c"
	printf '#include <stdio.h>\n#include "util.h"\nint main(void) { printf("%%d\\n", twice(21)); return 0; }\n' \
		> "$d/main.c"
	printf 'hello: main.o util.o\n\t$(CC) -o $@ main.o util.o\n%%.o: %%.c util.h\n\t$(CC) -O2 -Wall -c $<\nclean:\n\trm -f hello *.o\n' \
		> "$d/Makefile"
	make -C "$d" -j2 && [ "$("$d/hello")" = 42 ] && make -C "$d" clean
}

step_containers() {
	local id
	id=$(podman_run -d -- sleep 60) || return 1
	podman_run --rm -- ls / && podman_run --rm -- sh -c 'echo hi > /tmp/x && cat /tmp/x' &&
		podman_cmd ps --filter "label=$SHIKRA_CTR_LABEL" && podman_cmd logs "$id" &&
		podman_cmd stop -t 2 "$id" && podman_cmd rm "$id"
}

step_logrotate() {
	# Appended, as daemons write their logs: creating it with '>' would open it with O_TRUNC,
	# which is exactly what Clear Log Activities looks for.
	seq 1 200 | sed 's/^/line /' >> "$LOG"
	cat > "$WORK/logrotate.conf" <<-EOF
	$LOG {
		rotate 2
		create 0640 root root
		compress
		missingok
	}
	EOF
	logrotate -f -s "$WORK/logrotate.state" "$WORK/logrotate.conf" &&
		echo "after rotation" >> "$LOG" &&
		logrotate -f -s "$WORK/logrotate.state" "$WORK/logrotate.conf" &&
		[ -e "$LOG.1.gz" ] || return 1
	rm -f "$LOG" "$LOG".*
}

step_shell() {
	local d=$WORK/shell
	mkdir -p "$d"
	bash -s "$d" <<-'EOF'
	set -e
	cd "$1"
	ls -la /etc > listing; cat /etc/os-release > /dev/null; grep -c root /etc/passwd
	ps aux > procs; id; uname -a; whoami; date; df -h / > /dev/null; du -s /usr/share/doc > /dev/null
	echo hello > a; cp a b; mv b c; cmp a c; rm a c; mkdir sub; touch sub/f; rm -r sub
	find /usr/include -name 'std*.h' | sort | head -n 3; wc -l procs; sha256sum listing
	tar -cf t.tar listing procs; mkdir x; tar -C x -xf t.tar; rm -rf x t.tar
	env | grep -c PATH; command -v ls; sleep 0.2; cat listing | awk '{print $1}' | uniq -c | head -n 2
	EOF
}

start_daemon "$RULES" || exit 1
sleep 1
step package step_package
step make step_make
step containers step_containers
step logrotate step_logrotate
step shell step_shell
# Let the last events reach the alert file.
sleep 1
drain

if python3 "$E2E/check.py" baseline --alerts "$ALERTS" --steps "$WORK/steps"; then
	ok "benign activity raised no alert at Warning or above"
else
	bad "benign activity raised alerts at Warning or above (see above)"
fi
