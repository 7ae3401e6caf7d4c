#!/bin/bash
# ctrapi_podman.sh - the container API worker (state/ctrapi.c) against the real
# `podman system service` on a unix socket: a labelled container, a privileged one, and an id
# no runtime knows, each looked up by tests/integration/test_ctrapi_live.  Needs root and
# podman; does not touch audit.  Not root or no podman: exit 77 (skipped), a failure under
# CI=true.  The service and our containers are removed at the end, whatever happened.
set -u
: "${TOP_SRCDIR:?TOP_SRCDIR must name the source tree}"
LIVE=${CTRAPI_LIVE:-./tests/integration/test_ctrapi_live}
SOCK=/tmp/shikra-podman-test.sock
NAMES="shikra-api-test shikra-api-priv"
SVC_PID=
passed=0
failed=0

if [ "$(id -u)" -ne 0 ]; then
	echo "this test needs root (podman system service)"
	[ "${CI:-}" = true ] && exit 1
	exit 77
fi
. "$TOP_SRCDIR/tests/integration/podman.sh"

cleanup() {
	for n in $NAMES; do
		podman_cmd rm -f -t 0 "$n" >/dev/null 2>&1
	done
	if [ -n "$SVC_PID" ]; then
		kill "$SVC_PID" 2>/dev/null
		wait "$SVC_PID" 2>/dev/null
	fi
	rm -f "$SOCK" /tmp/shikra-podman-test.log
}
trap cleanup EXIT
trap "exit 1" INT TERM HUP

# run NAME ARGS...: one run of the checker is one test.
run() {
	local name=$1
	shift
	if "$LIVE" "$@"; then
		echo "PASS: $name"
		passed=$((passed + 1))
	else
		echo "FAIL: $name"
		failed=$((failed + 1))
	fi
}

ensure_image || { echo "cannot build $SHIKRA_IMAGE"; exit 1; }
for n in $NAMES; do
	podman_cmd rm -f -t 0 "$n" >/dev/null 2>&1
done
rm -f "$SOCK"
# podman itself, not podman_cmd: a function behind & would leave $! naming a subshell.
podman --runtime /usr/sbin/runc --cgroup-manager=cgroupfs system service --time=0 \
	"unix://$SOCK" 2>/tmp/shikra-podman-test.log &
SVC_PID=$!
for _ in $(seq 1 100); do
	[ -S "$SOCK" ] && break
	sleep 0.1
done
if [ ! -S "$SOCK" ]; then
	echo "podman system service did not create $SOCK:"
	cat /tmp/shikra-podman-test.log
	exit 1
fi

id=$(podman_run -d --name shikra-api-test -v /tmp:/hosttmp:ro -- sleep 60) || exit 1
image_id=$(podman_cmd inspect --format '{{.Image}}' "$id")
run "labelled container" "/tmp/shikra-no-such-runtime.sock,$SOCK" "$id" \
	name=shikra-api-test image=localhost/shikra-busybox:test \
	repo=localhost/shikra-busybox tag=test "image_id=$image_id" \
	label=shikra-test=1 privileged=0 mount=/hosttmp started

pid=$(podman_run -d --privileged --name shikra-api-priv -- sleep 60) || exit 1
run "privileged container" "$SOCK" "$pid" name=shikra-api-priv privileged=1 \
	label=shikra-test=1

run "unknown container" "$SOCK" \
	"0000000000000000000000000000000000000000000000000000000000000000" missing

echo "$(basename "$0"): $passed passed, $failed failed"
[ "$failed" -eq 0 ]
