#!/bin/sh
# Drive tests/fuzz/fuzz.lua over many seeds and judge each run: a crash, a
# sanitizer or valgrind report, a hang, or a command run through a hostile
# string (a file named PWNED) is a failure; errors raised to Lua are fine.
#
#   scripts/fuzz.sh BINARY SEEDS CALLS [valgrind]
#
# Memory: a plain build gets a 4 GiB address-space limit (ulimit -v); under
# AddressSanitizer (which needs unlimited address space) allocations above
# 1 GiB fail instead (allocator_may_return_null), so the out-of-memory paths
# are taken; valgrind runs fewer calls.
# Each seed has 600 s; its log is kept in build/fuzz/ when it fails.
set -u
bin=$1 seeds=$2 calls=$3 tool=${4:-}
case "$bin" in /*) ;; *) bin="$(pwd)/$bin" ;; esac
top=$(pwd)
logs="$top/build/fuzz"
mkdir -p "$logs"
export ASAN_OPTIONS="allocator_may_return_null=1:max_allocation_size_mb=1024:detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
# ASan reserves terabytes of shadow address space: no ulimit -v under it.
asan=$(ldd "$bin" 2>/dev/null | grep libasan)
failed=0
s=1
while [ "$s" -le "$seeds" ]; do
    work=$(mktemp -d)
    log="$logs/seed$s.log"
    if [ "$tool" = valgrind ]; then
        (cd "$work" && timeout 600 valgrind -q --error-exitcode=99 --leak-check=full \
            "$bin" run "$top/tests/fuzz/fuzz.lua" --out "$work/out" -- "$s" "$calls") >"$log" 2>&1
    else
        (cd "$work" && { [ -n "$asan" ] || ulimit -v 4194304; } &&
         timeout 600 "$bin" run "$top/tests/fuzz/fuzz.lua" --out "$work/out" -- "$s" "$calls") >"$log" 2>&1
    fi
    rc=$?
    bad=""
    [ "$rc" -eq 124 ] && bad="hang (600 s)"
    [ "$rc" -ne 0 ] && [ -z "$bad" ] && bad="exit status $rc"
    grep -Eq "ERROR: AddressSanitizer|runtime error:|ERROR: LeakSanitizer|Invalid (read|write)|uninitialised|definitely lost" "$log" && bad="${bad:+$bad, }sanitizer/valgrind report"
    [ -n "$(find "$work" -name 'PWNED*' -print -quit)" ] && bad="${bad:+$bad, }a command ran (PWNED)"
    if [ -n "$bad" ]; then
        failed=$((failed + 1))
        echo "fuzz seed $s: FAIL: $bad (log: $log)"
    else
        echo "fuzz seed $s: ok: $(grep '^fuzz:' "$log" | tail -1)"
        rm -f "$log"
    fi
    rm -rf "$work"
    s=$((s + 1))
done
echo "fuzz: $((seeds - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
