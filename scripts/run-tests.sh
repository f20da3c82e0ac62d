#!/bin/sh
# Run every test suite and print one closing line: "total: N passed, N failed".
# Usage: scripts/run-tests.sh BUILD_DIR GPRIOR_BINARY [LUA_MODULE]
# cmocka suites report "[  PASSED  ] N test(s)." / "[  FAILED  ] N test(s)";
# the Lua and command-line suites end with "NAME: N passed, N failed".
# A suite that crashes or exits non-zero without reporting counts one failure.
set -u
build=$1
bin=$2
module=${3:-}
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

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

for t in "$build"/tests/test_*; do
    [ -x "$t" ] || continue
    name=$(basename "$t")
    echo "== $name"
    "$t" >"$log" 2>&1
    rc=$?
    cat "$log"
    count "$name" "$rc"
done

echo "== lua"
"$bin" run tests/lua/run.lua >"$log" 2>&1
rc=$?
cat "$log"
count lua "$rc"

for t in tests/cli/test_*.sh; do
    echo "== $(basename "$t")"
    GPRIOR="$bin" GPRIOR_MODULE="$module" sh "$t" >"$log" 2>&1
    rc=$?
    cat "$log"
    count "$(basename "$t")" "$rc"
done

echo "total: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
