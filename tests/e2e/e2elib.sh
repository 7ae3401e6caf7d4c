# e2elib.sh - shared by e2e.sh and baseline.sh; sourced after tests/integration/lib.sh.

E2E="$TOP_SRCDIR/tests/e2e"
RULES=${E2E_RULES:-$TOP_SRCDIR/rules/shikra_rules.yaml}
# Alerts whose command line carries this mark are the drain barrier's own (check.py drops them).
DRAIN_MARK=shikra-e2e-drain

# A missing piece is a skip (77) here and a failure under CI, like every integration test.
missing() {
	echo "missing: $1"
	[ "${CI:-}" = true ] && exit 1
	exit 77
}

# drain: wait until the daemon has caught up with everything done so far.  A grep for a
# private-key banner raises "Search Private Keys or Passwords"; once its alert is in the file,
# the events before it have been read (a loaded machine can delay alerts by seconds).  Gives
# up after E2E_DRAIN_S (20) seconds with a note: the checks then judge what arrived.
drain() {
	local mark end
	mark="$DRAIN_MARK-$$-$RANDOM"
	grep -q -e "BEGIN PRIVATE KEY $mark" /dev/null
	end=$(( $(date +%s) + ${E2E_DRAIN_S:-20} ))
	while [ "$(date +%s)" -le "$end" ]; do
		python3 "$TOP_SRCDIR/tests/integration/match.py" "$ALERTS" \
			"'$mark' in str(f.get('proc.cmdline'))" && return 0
		sleep 0.2
	done
	echo "note: the drain barrier's alert did not arrive within ${E2E_DRAIN_S:-20} s"
}
