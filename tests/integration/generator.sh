#!/bin/sh
# generator.sh - the default rules against shikra-event-generator's host actions: shikra
# runs live with rules/shikra_rules.yaml, the generator runs every host action once, and
# each action's rule must alert for the pid the generator reports.  Audit is left as found.
. "$TOP_SRCDIR/tests/integration/lib.sh"
require_root
GEN=${SHIKRA_EVENT_GENERATOR:-$(dirname "$SHIKRA")/shikra-event-generator}
TIMEOUT_S=${ITEST_TIMEOUT:-15}

AUDIT_BEFORE=$(audit_snapshot)
out=$(mktemp /tmp/shikra-itest-gen.XXXXXX)
trap 'rm -f "$out"; finish' EXIT

start_daemon "$TOP_SRCDIR/rules/shikra_rules.yaml" || exit 1
sleep 1    # fanotify marks and audit rules are in place once it says so; let it settle

if "$GEN" run > "$out"; then ok "generator: every host action ran"; else bad "generator failed:"; fi
cat "$out" | sed 's/^/  | /'

# Each line: ACTION RULE WHERE PID START END RESULT; the action's rule must alert.
while IFS='	' read -r action rule where pid start end result; do
	[ "$result" = ok ] || continue
	wait_alert "$action -> $rule" 'a["rule"] == "'"$rule"'"'
done < "$out"
