#!/bin/sh
# Every chapter script runs and passes its own checks (GPRIOR_QUICK: fewer
# Monte-Carlo draws), and writes at least one figure with its .gp beside it.
# Ends "chapter: N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"
for s in lua/chapter/*.lua; do
    name=$(basename "$s" .lua)
    out="$tmp/$name"
    start=$(date +%s)
    if GPRIOR_QUICK=1 "$G" run "$s" --out "$out" >"$tmp/$name.log" 2>&1 &&
        ls "$out"/*.gp >/dev/null 2>&1 && ! grep -q "^FAIL" "$tmp/$name.log"; then
        passed=$((passed + 1))
        echo "ok   $name ($(($(date +%s) - start))s)"
    else
        failed=$((failed + 1))
        echo "FAIL $name"
        cat "$tmp/$name.log"
    fi
done
finish chapter
