#!/bin/sh
# smoke.sh - make check's run of the benchmarks with tiny counts (scripts/bench/run --smoke)
# against this build, so that the scripts keep working.  It fails only when a benchmark
# cannot run; the numbers are never checked.  As root it includes the live part, which holds
# the audit lock the integration tests share.
: "${SHIKRA:?SHIKRA must name the shikra binary}"
: "${TOP_SRCDIR:?TOP_SRCDIR must name the source tree}"
case $SHIKRA in /*) ;; *) SHIKRA=$(pwd)/$SHIKRA ;; esac
builddir=${SHIKRA%/src/shikra}
exec "$TOP_SRCDIR/scripts/bench/run" --smoke --builddir "$builddir" \
	--out "$builddir/scripts/bench/smoke-results.md"
