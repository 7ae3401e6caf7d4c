# profile.sh - what the live storms touch and which alerts they must raise, per ruleset.
# Sourced by scripts/bench/run after BENCH_RULES is known.  Every value can be overridden
# from the environment.  The storms must hit what the rules watch, or the benchmark would
# measure a monitor that has nothing to do:
#   BENCH_EXEC_NAME     file name the exec storm's tiny program is run under (proc.name)
#   BENCH_OPEN_DIR      a directory the rules watch; the open storm reads files in it
#   BENCH_OPEN_NAMES    the files (created there, 4 KiB each, removed afterwards)
#   BENCH_CONNECT_PORT  the loopback port the connect storm connects to
#   BENCH_EXPECT_EXEC, BENCH_EXPECT_OPEN, BENCH_EXPECT_CONNECT
#                       alerts each operation must raise, as "NUM/DEN" ("1/4": one alert
#                       for every fourth operation); "?" when nobody has said
#   BENCH_RULE_EXEC, BENCH_RULE_OPEN, BENCH_RULE_CONNECT
#                       the rule whose alerts count as received (empty: every rule's)
# Sourced, not run.

case "$(basename "$BENCH_RULES")" in
rules.yaml)
	# tests/integration/rules.yaml, the stand-in until the default ruleset lands:
	# "Itest script run" (proc.name = itest-script.sh), "Itest read" (reads of
	# /tmp/shikra-itest/secret.txt, one of the four files), "Itest connect" (port 45123).
	: "${BENCH_EXEC_NAME:=itest-script.sh}"
	: "${BENCH_OPEN_DIR:=/tmp/shikra-itest}"
	: "${BENCH_OPEN_NAMES:=secret.txt bench-1.txt bench-2.txt bench-3.txt}"
	: "${BENCH_CONNECT_PORT:=45123}"
	: "${BENCH_EXPECT_EXEC:=1/1}"
	: "${BENCH_EXPECT_OPEN:=1/4}"
	: "${BENCH_EXPECT_CONNECT:=1/1}"
	: "${BENCH_RULE_EXEC=Itest script run}"
	: "${BENCH_RULE_OPEN=Itest read}"
	: "${BENCH_RULE_CONNECT=Itest connect}"
	;;
shikra_rules.yaml)
	# The default ruleset.  Every exec of the tiny program, run under the name shred, is
	# "Remove Bulk Data from Disk"; every read of a file in /etc/pam.d (a directory whose
	# files are all sensitive; audit watches it with -F dir=) by the storm program is "Read
	# sensitive file untrusted"; loopback connects by an ordinary program raise nothing (the
	# monitor still receives and evaluates every connect).  The four files are created before
	# the storms (four "Write below etc" alerts, outside the storms) and removed afterwards.
	: "${BENCH_EXEC_NAME:=shred}"
	: "${BENCH_OPEN_DIR:=/etc/pam.d}"
	: "${BENCH_OPEN_NAMES:=shikra-bench-0 shikra-bench-1 shikra-bench-2 shikra-bench-3}"
	: "${BENCH_CONNECT_PORT:=45123}"
	: "${BENCH_EXPECT_EXEC:=1/1}"
	: "${BENCH_EXPECT_OPEN:=1/1}"
	: "${BENCH_EXPECT_CONNECT:=0/1}"
	: "${BENCH_RULE_EXEC=Remove Bulk Data from Disk}"
	: "${BENCH_RULE_OPEN=Read sensitive file untrusted}"
	: "${BENCH_RULE_CONNECT=}"
	;;
*)
	# Any other ruleset: say what it watches and what fires through the BENCH_* variables;
	# until then received alerts are reported without a target.
	: "${BENCH_EXEC_NAME:=bench_true}"
	: "${BENCH_OPEN_DIR:=/etc/shikra-bench}"
	: "${BENCH_OPEN_NAMES:=bench-0.conf bench-1.conf bench-2.conf bench-3.conf}"
	: "${BENCH_CONNECT_PORT:=45123}"
	: "${BENCH_EXPECT_EXEC:=?}"
	: "${BENCH_EXPECT_OPEN:=?}"
	: "${BENCH_EXPECT_CONNECT:=?}"
	: "${BENCH_RULE_EXEC=}" "${BENCH_RULE_OPEN=}" "${BENCH_RULE_CONNECT=}"
	;;
esac
