#!/bin/sh
# gprior's posterior against a peer: scikit-learn's GaussianProcessRegressor on
# the same data with the same fixed hyperparameters (tests/peers/). Skipped,
# with a message, when no python3 with scikit-learn is found (Debian's
# python3-sklearn lives in /usr/bin/python3; `make test-peers` installs it and
# runs this suite). Ends "peer_sklearn: N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"
root=$(pwd)
py=""
for c in /usr/bin/python3 python3; do
    if "$c" -c "import sklearn" >/dev/null 2>&1; then
        py=$c
        break
    fi
done
if [ -z "$py" ]; then
    echo "peer_sklearn: SKIPPED: no python3 with scikit-learn (make test-peers installs python3-sklearn)"
    finish peer_sklearn
    exit
fi
if "$G" run "$root/tests/peers/sklearn_cases.lua" --out "$tmp/cases" >"$tmp/cases.log" 2>&1; then
    "$py" "$root/tests/peers/sklearn_compare.py" "$tmp/cases" >"$tmp/compare.log" 2>&1
    cat "$tmp/compare.log"
    p=$(sed -n 's/^sklearn comparison: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$tmp/compare.log")
    f=$(sed -n 's/^sklearn comparison: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$tmp/compare.log")
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-1}))
else
    failed=$((failed + 1))
    echo "FAIL the cases did not run:"
    cat "$tmp/cases.log"
fi
finish peer_sklearn
