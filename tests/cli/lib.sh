# lib.sh: shared by the command-line suites (sourced; not a suite itself).
# Sets G (the gprior binary, absolute), tmp (a temporary folder removed on exit)
# and the counters; check() runs one command-line test, ok() checks one
# condition; finish prints the suite's closing line "NAME: N passed, N failed"
# and sets the exit status.
G=${GPRIOR:-./gprior}
case "$G" in /*) ;; *) G="$(pwd)/$G" ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

# check NAME EXPECTED_STATUS PATTERN -- COMMAND...: runs COMMAND, checks its exit
# status and that stdout+stderr matches the grep -E PATTERN.
check() {
    name=$1 want=$2 pattern=$3
    shift 4
    out=$("$@" 2>&1)
    got=$?
    if [ "$got" -eq "$want" ] && printf '%s' "$out" | grep -Eq -- "$pattern"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        printf 'FAIL %s: status %s (want %s), output:\n%s\n' "$name" "$got" "$want" "$out"
    fi
}

# ok NAME COMMAND...: the command (a test) succeeds.
ok() {
    name=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        printf 'FAIL %s\n' "$name"
    fi
}

# finish SUITE: the closing line and the exit status.
finish() {
    echo "$1: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
