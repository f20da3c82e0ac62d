#!/bin/sh
# The test runners cannot pass having run nothing, and the seed rule holds from
# the command line to gp.seed. Run by scripts/run-tests.sh with GPRIOR set to
# the binary. Ends "runners: N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)

# tests/lua/run.lua finds its files beside itself, from any folder ...
check "lua runner from another folder" 0 "^lua: [1-9][0-9]* passed, 0 failed" -- \
    sh -c "cd '$tmp' && '$G' run '$root/tests/lua/run.lua' -- 'linspace endpoints'"
# ... and fails when there are none, or when the filter selects no test.
mkdir -p "$tmp/empty"
cp "$root/tests/lua/run.lua" "$tmp/empty/run.lua"
check "lua runner without test files" 1 "no test files" -- "$G" run "$tmp/empty/run.lua"
check "lua runner that ran no test" 1 "no test matched 'no such test'" -- \
    "$G" run "$root/tests/lua/run.lua" -- "no such test"

# scripts/run-tests.sh counts a missing C suite or binary as a failure (run in
# a bare tree with one C test source and nothing built, so nothing recurses).
mkdir -p "$tmp/tree/tests/c" "$tmp/tree/tests/cli"
: > "$tmp/tree/tests/c/test_stats.c"
check "run-tests with a C suite not built" 1 "test_stats: .*is missing; counted as 1 failed" -- \
    sh -c "cd '$tmp/tree' && '$root/scripts/run-tests.sh' '$tmp/nobuild' '$G'"
check "run-tests without a gprior binary" 1 "lua: .*/nogprior is missing" -- \
    sh -c "cd '$tmp/tree' && '$root/scripts/run-tests.sh' '$tmp/nobuild' '$tmp/nogprior'"

# One seed rule: 0 .. 2^63 - 1 on the command line, in gp.seed and in options.
check "largest seed round-trips" 0 "^seed 9223372036854775807$" -- \
    "$G" -e "print('seed ' .. gp.seed())" --seed 9223372036854775807
check "seed 2^64-1 refused" 2 "bad --seed \(expected an integer 0\.\.2\^63-1\): '18446744073709551615'" -- \
    "$G" -e "" --seed 18446744073709551615
check "seed 2^63 refused" 2 "bad --seed" -- "$G" -e "" --seed 9223372036854775808
check "seed with a sign refused" 2 "bad --seed" -- "$G" -e "" --seed +5
check "gp.seed takes the same range" 0 "^ok 9223372036854775807$" -- \
    "$G" -e "gp.seed(math.maxinteger); print('ok ' .. gp.seed())"
check "gp.seed refuses a negative seed" 1 "seed must be an integer 0\.\.9223372036854775807, got -1" -- \
    "$G" -e "gp.seed(-1)"
finish runners
