#!/bin/sh
# rules.sh - golden tests of the rules engine through the real binary.
#
# usage: rules.sh [--regen]
#
# Each case below runs shikra with fixed arguments and compares what it printed (stdout, then
# stderr, then the exit status) with tests/golden/expected/rules/CASE.out.  The cases cover
# replayed logs turned into alerts (text and Falco JSON), rule listings (-L, text and JSON),
# validation of good and broken rule files (-V, text and JSON), the audit rules a ruleset
# needs, rule_matching=first and the priority filter; then the same for a rule file written
# in the style of Falco's default ruleset, with a local file tuning it.  --regen rewrites the expectations from
# the binary; review the diff before committing it.
#
# SHIKRA and TOP_SRCDIR come from the environment (AM_TESTS_ENVIRONMENT).
set -u

regen=no
[ "${1-}" = --regen ] && regen=yes
[ -n "${SHIKRA-}" ] || { echo "rules.sh: SHIKRA must name the shikra binary" >&2; exit 99; }
case $SHIKRA in /*) ;; *) SHIKRA=$(pwd)/$SHIKRA ;; esac
TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$TOP_SRCDIR" || exit 99

# Output must not depend on the machine: time zone, locale and host name are fixed.
TZ=UTC LC_ALL=C SHIKRA_HOSTNAME=golden-host
export TZ LC_ALL SHIKRA_HOSTNAME

EXP=tests/golden/expected/rules
R=tests/golden/rules/detect.yaml
RAW=tests/data/audit-raw.log
ENR=tests/data/audit-enriched.log
BROKEN=tests/data/rules/broken.yaml

tmp=$(mktemp -d "${TMPDIR:-/tmp}/shikra-rules.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' 0
trap 'exit 1' INT TERM
passed=0
failed=0

# check NAME ARGS...: run shikra -c /dev/null ARGS and compare with $EXP/NAME.out.
check() {
	name=$1
	shift
	"$SHIKRA" -c /dev/null "$@" > "$tmp/out" 2> "$tmp/err" < /dev/null
	rc=$?
	{ cat "$tmp/out"; echo "--- stderr"; cat "$tmp/err"; echo "--- exit $rc"; } > "$tmp/all"
	if [ "$rc" -ge 128 ] || grep -q -e 'Sanitizer' -e 'runtime error:' "$tmp/err"; then
		echo "FAIL: $name: crashed or sanitizer report"
		head -n 40 "$tmp/err"
		failed=$((failed + 1))
		return
	fi
	if [ "$regen" = yes ]; then
		mkdir -p "$EXP"
		cp "$tmp/all" "$EXP/$name.out"
	fi
	if [ -f "$EXP/$name.out" ] && cmp -s "$EXP/$name.out" "$tmp/all"; then
		echo "PASS: $name"
		passed=$((passed + 1))
	else
		echo "FAIL: $name"
		[ -f "$EXP/$name.out" ] && diff -u "$EXP/$name.out" "$tmp/all" | head -n 80 | cut -c 1-400
		failed=$((failed + 1))
	fi
}

check alerts-raw-text      -r $R --replay $RAW
check alerts-raw-json      -r $R --replay $RAW -o json_output=true
check alerts-enriched-text -r $R --replay $ENR -o time_format_iso_8601=true
check alerts-first-match   -r $R --replay $RAW -o rule_matching=first -o priority=notice
check alerts-from-capture  -r $R --replay tests/golden/expected/audit-raw.jsonl -o priority=warning
check list-text            -r $R -L
check list-json            -r $R -L -o json_output=true
check validate-ok          -V $R
check validate-broken      -V $BROKEN
check validate-broken-json -V $BROKEN -o json_output=true
check validate-conditions -V tests/data/rules/compile_broken.yaml
check audit-rules          -r $R --print-audit-rules

# Falco-style rules (falco_style.yaml, tuned by falco_style_local.yaml): every construct class
# of Falco's default ruleset loads, compiles and fires as Falco would.
FS=tests/golden/rules/falco_style.yaml
FSL=tests/golden/rules/falco_style_local.yaml
check falco-style-validate    -V $FS $FSL
check falco-style-list        -r $FS -r $FSL -L
check falco-style-list-json   -r $FS -r $FSL -L -o json_output=true
check falco-style-audit-rules -r $FS -r $FSL --print-audit-rules
check falco-style-alerts      -r $FS -r $FSL --replay $RAW
check falco-style-alerts-json -r $FS -r $FSL --replay $RAW -o json_output=true -o priority=warning

# The default ruleset (rules/shikra_rules.yaml): it validates, lists, and fires on the
# recorded log (auditctl's configuration changes, the recorder's ptrace and memfd exec...).
# Its audit rules are not compared: they depend on which directories the host has.
DR=rules/shikra_rules.yaml
check default-validate -V $DR
check default-list     -r $DR -L
check default-alerts   -r $DR --replay $RAW -o json_output=true

echo "rules: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
