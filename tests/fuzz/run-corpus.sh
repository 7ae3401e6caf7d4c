#!/bin/sh
# run-corpus.sh - run every fuzz target once over each file of its seed corpus.
# FUZZ_TARGETS (build-tree paths, tests/fuzz/fuzz_NAME) and TOP_SRCDIR come from the Makefile;
# target fuzz_NAME reads $TOP_SRCDIR/tests/fuzz/corpus/NAME/*.  Works the same for driver.c
# builds and for libFuzzer builds, which run (not fuzz) inputs named as files.
set -u
status=0
for t in $FUZZ_TARGETS; do
	name=${t##*/fuzz_}
	set -- "$TOP_SRCDIR/tests/fuzz/corpus/$name"/*
	if [ ! -f "$1" ]; then
		echo "FAIL: $t: no seed corpus in tests/fuzz/corpus/$name" >&2
		status=1
		continue
	fi
	if ./"$t" "$@"; then
		echo "PASS: $t ($# inputs)"
	else
		echo "FAIL: $t" >&2
		status=1
	fi
done
exit $status
