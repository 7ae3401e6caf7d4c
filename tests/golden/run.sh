#!/bin/sh
# run.sh - golden tests of the replay path.
#
# usage: run.sh [--regen] [LOG...]
#
# For every audit log in tests/data/*.log and tests/data/bad/*.log (or the LOGs given, as paths
# relative to TOP_SRCDIR), run
#     $SHIKRA --replay LOG --dump-events
# and compare with tests/golden/expected/NAME.*, where NAME is the log's path under tests/data
# without ".log" (so bad/crlf for tests/data/bad/crlf.log):
#     NAME.jsonl   the events printed on stdout, byte for byte
#     NAME.exit    the exit status
#     NAME.stderr  the messages on stderr (bad logs only: they must say which lines were bad)
# Then replay the printed events as a capture file: the events printed again must be identical
# (the capture format round-trips).  A crash, a timeout or a sanitizer report fails whatever
# the expectations say.  A mismatch prints a unified diff; any failure makes the exit status 1.
#
# --regen writes the expectations from the binary instead (the round trip is still checked).
# Review the diff before committing it: the expectations are only as right as that review.
#
# SHIKRA (the binary) and TOP_SRCDIR (the source tree) come from the environment, as
# AM_TESTS_ENVIRONMENT sets them for `make check`.  The binary runs with TOP_SRCDIR as its
# working directory and relative log paths, so its messages do not depend on the build tree.
set -u

regen=no
if [ "${1-}" = --regen ]; then
	regen=yes
	shift
fi
if [ -z "${SHIKRA-}" ]; then
	echo "run.sh: SHIKRA must name the shikra binary" >&2
	exit 99
fi
case $SHIKRA in
/*) ;;
*) SHIKRA=$(pwd)/$SHIKRA ;;
esac
TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$TOP_SRCDIR" || exit 99
if [ ! -x "$SHIKRA" ]; then
	echo "run.sh: $SHIKRA is not an executable" >&2
	exit 99
fi

# Whatever the machine's settings, replay must print the same bytes.
TZ=UTC
LC_ALL=C
export TZ LC_ALL

EXP=tests/golden/expected
MAX_DIFF_LINES=200
TIMEOUT=
command -v timeout >/dev/null 2>&1 && TIMEOUT="timeout 300"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/shikra-golden.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' 0
trap 'exit 1' INT TERM

passed=0
failed=0
problems=

note() {
	echo "  $*"
	problems=yes
}

# show_diff LABEL EXPECTED ACTUAL: print a unified diff, cut to MAX_DIFF_LINES lines of at most
# 1000 bytes (some inputs have megabyte lines).
show_diff() {
	echo "  --- $1 differs:"
	diff -u "$2" "$3" > "$tmp/diff"
	n=$(wc -l < "$tmp/diff")
	head -n "$MAX_DIFF_LINES" "$tmp/diff" | cut -c 1-1000
	[ "$n" -gt "$MAX_DIFF_LINES" ] && echo "  ... $((n - MAX_DIFF_LINES)) more diff lines"
	problems=yes
}

# show_file LABEL FILE: print what a run left on stderr, for context.
show_file() {
	[ -s "$2" ] || return 0
	echo "  --- $1:"
	head -n 40 "$2" | cut -c 1-1000 | sed 's/^/  | /'
}

# run_shikra INPUT OUT ERR: replay INPUT, events to OUT, messages to ERR; sets rc.
run_shikra() {
	$TIMEOUT "$SHIKRA" --replay "$1" --dump-events > "$2" 2> "$3" < /dev/null
	rc=$?
}

# sane LABEL ERR: fail on a crash, a timeout or a sanitizer report, whatever is expected.
sane() {
	if [ "$rc" -eq 124 ] && [ -n "$TIMEOUT" ]; then
		note "$1: timed out"
	elif [ "$rc" -ge 128 ]; then
		note "$1: killed by signal $((rc - 128))"
	elif grep -q -e 'ERROR: AddressSanitizer' -e 'ERROR: LeakSanitizer' -e 'runtime error:' "$2"; then
		note "$1: sanitizer report"
	else
		return 0
	fi
	show_file "stderr" "$2"
	return 1
}

# compare EXPECTED ACTUAL LABEL
compare() {
	if [ ! -f "$1" ]; then
		note "missing expectation $1 (make golden-regen with a binary that replays, then review)"
	elif ! cmp -s "$1" "$2"; then
		show_diff "$3" "$1" "$2"
	fi
}

# regen_one EXP_BASE BAD: store the run's results as the expectations, unless what was printed
# is not even JSON lines (a binary that does not replay yet must not write expectations).
regen_one() {
	if grep -q -v '^{' "$tmp/out.jsonl"; then
		note "output is not JSON lines: expectations for it not written"
		show_file "stdout" "$tmp/out.jsonl"
		show_file "stderr" "$tmp/err"
		return 0
	fi
	mkdir -p "$(dirname "$1")"
	cp "$tmp/out.jsonl" "$1.jsonl"
	echo "$rc" > "$1.exit"
	if [ "$2" = yes ]; then
		cp "$tmp/err" "$1.stderr"
	fi
}

# roundtrip: the printed events, replayed as a capture file, must print again unchanged.
# A run that printed no event has nothing to round-trip.
roundtrip() {
	[ -s "$tmp/out.jsonl" ] || return 0
	run_shikra "$tmp/out.jsonl" "$tmp/rt.jsonl" "$tmp/rt.err"
	sane "round trip" "$tmp/rt.err" || return 0
	if [ "$rc" -ne 0 ]; then
		note "round trip: exit status $rc, expected 0"
		show_file "round trip stderr" "$tmp/rt.err"
	fi
	cmp -s "$tmp/out.jsonl" "$tmp/rt.jsonl" || show_diff "round trip" "$tmp/out.jsonl" "$tmp/rt.jsonl"
}

check_one() {
	log=$1
	rel=${log#tests/data/}
	name=${rel%.log}
	base=$EXP/$name
	bad=no
	case $rel in bad/*) bad=yes ;; esac
	problems=
	echo "== $name"
	run_shikra "$log" "$tmp/out.jsonl" "$tmp/err"
	if sane "replay" "$tmp/err"; then
		if [ $regen = yes ]; then
			regen_one "$base" "$bad"
		else
			compare "$base.jsonl" "$tmp/out.jsonl" "events"
			echo "$rc" > "$tmp/exit"
			compare "$base.exit" "$tmp/exit" "exit status"
			[ $bad = yes ] && compare "$base.stderr" "$tmp/err" "stderr"
			[ -n "$problems" ] && show_file "stderr" "$tmp/err"
		fi
		roundtrip
	fi
	if [ -n "$problems" ]; then
		echo "FAIL: $name"
		failed=$((failed + 1))
	else
		echo "PASS: $name"
		passed=$((passed + 1))
	fi
}

# Expectations whose log is gone: removed by --regen, a failure otherwise.
orphans() {
	[ -d "$EXP" ] || return 0
	find "$EXP" -type f \( -name '*.jsonl' -o -name '*.exit' -o -name '*.stderr' \) | sort |
	while read -r f; do
		n=${f#"$EXP"/}
		n=${n%.*}
		[ -f "tests/data/$n.log" ] && continue
		if [ $regen = yes ]; then
			rm -f "$f"
			echo "removed stale $f"
		else
			echo "stale expectation $f: tests/data/$n.log does not exist"
		fi
	done > "$tmp/orphans"
	cat "$tmp/orphans"
	if [ $regen = no ] && [ -s "$tmp/orphans" ]; then
		failed=$((failed + 1))
	fi
}

if [ $# -eq 0 ]; then
	set -- tests/data/*.log tests/data/bad/*.log
	orphans
fi
for log in "$@"; do
	if [ ! -f "$log" ]; then
		echo "run.sh: no such log: $log" >&2
		failed=$((failed + 1))
		continue
	fi
	check_one "$log"
done

echo "golden: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
