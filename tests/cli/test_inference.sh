#!/bin/sh
# The inference scripts (lua/inference/*.lua): each runs in quick mode
# (GPRIOR_QUICK: fewer Monte-Carlo draws), passes its own checks, describes
# itself in its first comment line and writes at least one figure with its .gp;
# the length-scale script sweeps from the command line. Ends "inference: N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"
root=$(pwd)
for s in lua/inference/*.lua; do
    name=$(basename "$s" .lua)
    out="$tmp/$name"
    start=$(date +%s)
    if GPRIOR_QUICK=1 "$G" run "$s" --out "$out" >"$tmp/$name.log" 2>&1 &&
        ls "$out"/*.gp >/dev/null 2>&1 && ! grep -q "^FAIL" "$tmp/$name.log" &&
        grep -q "^check summary: [1-9][0-9]* passed, 0 failed" "$tmp/$name.log"; then
        passed=$((passed + 1))
        echo "ok   $name ($(($(date +%s) - start))s)"
    else
        failed=$((failed + 1))
        echo "FAIL $name"
        cat "$tmp/$name.log"
    fi
    ok "$name: its first comment line describes it" \
        sh -c "head -n 1 '$root/$s' | grep -q '^-- [A-Z0-9]'"
done
check "a sweep over the length-scale runs each value" 0 "2 runs, 2 ok" -- \
    env GPRIOR_QUICK=1 "$G" batch lua/inference/02_lengthscale_noise.lua \
    --sweep lengthscale=0.3,1.2 --out "$tmp/sweep"
ok "the sweep's runs drew their own length-scale" \
    grep -q "^param	lengthscale	0.3	number	set" "$tmp/sweep/02_lengthscale_noise/lengthscale=0.3/02_lengthscale_noise.run.tsv"
finish inference
