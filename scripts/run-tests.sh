#!/bin/sh
# Run every test suite and print one closing line: "total: N passed, N failed".
# Usage: scripts/run-tests.sh BUILD_DIR GPRIOR_BINARY [LUA_MODULE]
# cmocka suites report "[  PASSED  ] N test(s)." / "[  FAILED  ] N test(s)";
# the Lua and command-line suites end with "NAME: N passed, N failed".
# A suite that crashes or exits non-zero without reporting counts one failure;
# a suite that is missing (a C test not built, no gprior binary) counts one
# failure too, and a run that passed nothing at all fails.
set -u
build=$1
bin=$2
module=${3:-}
passed=0
failed=0
log=$(mktemp)
out=$(mktemp -d)   # where the Lua tests' figures and run record go, not the repository's plots/
trap 'rm -rf "$log" "$out"' EXIT

count() { # $1 = suite name, $2 = exit status; reads the suite's output in $log
    p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p; s/^[A-Za-z_-]*: \([0-9]*\) passed, [0-9]* failed$/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
    f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p; s/^[A-Za-z_-]*: [0-9]* passed, \([0-9]*\) failed$/\1/p' "$log" | awk '{s+=$1} END {print s+0}')
    if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "$1: exited with status $2 without reporting a failure; counted as 1 failed"
        f=1
    fi
    passed=$((passed + p))
    failed=$((failed + f))
}

missing() { # $1 = suite name, $2 = what is missing
    echo "$1: $2 is missing; counted as 1 failed"
    failed=$((failed + 1))
}

# The C suites expected are the sources, not whatever binaries happen to exist.
for src in tests/c/test_*.c; do
    name=$(basename "$src" .c)
    t="$build/tests/$name"
    echo "== $name"
    if [ ! -x "$t" ]; then
        missing "$name" "$t"
        continue
    fi
    "$t" >"$log" 2>&1
    rc=$?
    cat "$log"
    count "$name" "$rc"
done

echo "== lua"
if [ ! -x "$bin" ]; then
    missing lua "$bin"
else
    "$bin" run tests/lua/run.lua --out "$out" >"$log" 2>&1
    rc=$?
    cat "$log"
    count lua "$rc"
fi

for t in tests/cli/test_*.sh; do
    echo "== $(basename "$t")"
    GPRIOR="$bin" GPRIOR_MODULE="$module" sh "$t" >"$log" 2>&1
    rc=$?
    cat "$log"
    count "$(basename "$t")" "$rc"
done

if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
    echo "no test ran; counted as 1 failed"
    failed=1
fi
echo "total: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
