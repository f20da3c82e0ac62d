#!/bin/sh
# The gallery in a real browser: scripts/gallery-check.sh (also `make
# gallery-check`) under headless Chromium, when Chromium is installed; every
# image loads and nothing is logged on the console. Ends "browser: N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"
if ! command -v chromium > /dev/null 2>&1; then
    echo "skip: chromium is not installed (make gallery-check installs it and runs this check)"
    finish browser
    exit $?
fi
if sh "$(dirname "$0")/../../scripts/gallery-check.sh" "$G" "$tmp/gc"; then
    passed=$((passed + 1))
else
    failed=$((failed + 1))
    echo "FAIL the gallery in headless Chromium"
fi
finish browser
