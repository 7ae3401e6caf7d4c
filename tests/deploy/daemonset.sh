#!/bin/sh
# daemonset.sh - scripts/deploy/shikra-daemonset.yaml stays deployable: the shikra.yaml its
# ConfigMap carries loads with this build's configuration parser (an unknown or renamed key
# is an error there), and the pod keeps what host_root relies on.  Needs no root, no cluster.
set -u
: "${SHIKRA:?}" "${TOP_SRCDIR:?}"
M=$TOP_SRCDIR/scripts/deploy/shikra-daemonset.yaml
tmp=$(mktemp -d /tmp/shikra-deploy.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
failed=0
bad() { echo "FAIL: $*"; failed=1; }

# The ConfigMap's block scalar: the lines after "shikra.yaml: |" while they are indented more.
awk '/^  shikra.yaml: \|$/ { on = 1; next }
     on && /^    / { print substr($0, 5); next }
     on && /^ *$/ { print ""; next }
     on { exit }' "$M" > "$tmp/shikra.yaml"
grep -q '^host_root: /host$' "$tmp/shikra.yaml" || bad "the ConfigMap does not set host_root: /host"
if ! "$SHIKRA" -c "$tmp/shikra.yaml" -o "rules_files=$TOP_SRCDIR/rules/shikra_rules.yaml" \
	-L > /dev/null 2> "$tmp/err"; then
	bad "the ConfigMap's shikra.yaml does not load:"
	cat "$tmp/err"
fi
for want in 'hostPID: true' 'mountPath: /host$' 'mountPropagation: HostToContainer' \
	'path: /run/shikra' 'drop: \["ALL"\]' '- AUDIT_CONTROL' '- AUDIT_READ' '- SYS_ADMIN'; do
	grep -q -- "$want" "$M" || bad "the manifest lost '$want'"
done
# Nothing the manifest names may be a tab (YAML forbids them in indentation).
if grep -q "$(printf '\t')" "$M"; then bad "tab in the manifest"; fi
[ "$failed" -eq 0 ] && echo "PASS: $M"
exit "$failed"
