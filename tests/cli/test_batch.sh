#!/bin/sh
# Tests of `gprior batch`: exit codes, summary, logs, reproducibility across -j,
# the gallery (index.html) and a clean stop on SIGINT.
# Run as `GPRIOR=/abs/path/to/gprior sh tests/cli/test_batch.sh`. Ends "batch: N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"

# has NAME PATTERN FILE: FILE has a line matching the grep -E PATTERN.
has() {
    if grep -Eq -- "$2" "$3"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        printf 'FAIL %s: no match for /%s/ in %s\n' "$1" "$2" "$3"
    fi
}

# ---- the scripts ---------------------------------------------------------------
mkdir -p "$tmp/s" "$tmp/good" "$tmp/empty" "$tmp/int"
cat > "$tmp/s/fig.lua" <<'LUA'
local gp = require "gprior"; local x = gp.linspace(0,1,5); gp.figure{title="t"}:lines(x, x):save "a.png"
print("fig saved")
LUA
cat > "$tmp/s/rand.lua" <<'LUA'
local gp = require "gprior"
local x = gp.linspace(0, 1, 7)
local S = gp.GP{kernel = gp.rbf{}}:sample(x, {n = 2})
gp.figure{title = "r"}:lines(x, S):save "r.svg"
LUA
printf 'print("about to fail")\nerror("deliberate failure")\n' > "$tmp/s/fail.lua"
cat > "$tmp/s/chk.lua" <<'LUA'
print("PASS first <one>: ok")
print("PASS second: ok")
print("figlog " .. (os.getenv("GPRIOR_FIGURE_LOG") and "set" or "unset"))
print("check summary: 2 passed, 0 failed")
LUA
printf 'print("amp output, stdin:[" .. io.read("a") .. "]")\n' > "$tmp/s/a&b.lua"
cp "$tmp/s/fig.lua" "$tmp/s/rand.lua" "$tmp/s/chk.lua" "$tmp/good/"
printf 'print("quick")\n' > "$tmp/int/a_quick.lua"
printf 'while true do end\n' > "$tmp/int/spin_$$.lua"

# ---- exit status, summary, logs ----------------------------------------------------
od="$tmp/o1"
"$G" batch "$tmp/s" -j 2 --out "$od" > "$tmp/sum1" 2> "$tmp/err1"
status=$?
ok "a failing script gives status 1" [ "$status" -eq 1 ]
has "summary: fig ok with 1 figure" "^fig +ok +[0-9.]+s +1 " "$tmp/sum1"
has "summary: rand ok" "^rand +ok " "$tmp/sum1"
has "summary: fail FAIL (exit 1)" "^fail +FAIL \(exit 1\) " "$tmp/sum1"
has "summary: chk checks" "^chk +ok .* 2/2 checks" "$tmp/sum1"
has "summary: a&b ok" "^a&b +ok " "$tmp/sum1"
has "summary: totals" "batch: 5 scripts, 4 ok, 1 failed" "$tmp/sum1"
has "plain lines when not a terminal" "^FAIL fail +[0-9.]+s \(exit 1\)" "$tmp/err1"
ok "one plain line per script" [ "$(grep -Ec '^(ok  |FAIL) ' "$tmp/err1")" -eq 5 ]
has "log of a failed script" "about to fail" "$od/fail.log"
has "log has the error" "fail\.lua:2: deliberate failure" "$od/fail.log"
has "log has the output" "PASS first <one>" "$od/chk.log"
has "log has the seed" "seed 1" "$od/chk.log"
has "stdin is /dev/null" "amp output, stdin:\[\]" "$od/a&b.log"
has "GPRIOR_FIGURE_LOG is set" "figlog set" "$od/chk.log"
ok "figure saved under --out" [ -f "$od/a.png" -a -f "$od/a.gp" ]
ok "no temporary files left" [ -z "$(find "$od" -name '*.tmp')" ]

"$G" batch "$tmp/good" --out "$tmp/o2" > "$tmp/sum2" 2>&1
ok "all scripts ok gives status 0" [ $? -eq 0 ]
"$G" batch "$tmp/s/chk.lua" "$tmp/s/a&b.lua" -j1 --out "$tmp/o3" > "$tmp/sum3" 2>&1
ok "files as arguments, status 0" [ $? -eq 0 ]
order=$(awk '/^(chk|a&b) /{printf "%s,", $1}' "$tmp/sum3")
ok "files keep their order" [ "$order" = "chk,a&b," ]

# ---- the gallery ---------------------------------------------------------------------
html="$od/index.html"
ok "index.html exists" [ -s "$html" ]
for n in fig rand fail chk; do
    has "index.html lists $n" "<h2>$n " "$html"
done
has "index.html escapes a&b" "<h2>a&amp;b " "$html"
ok "index.html has no raw a&b" [ "$(grep -c 'a&b' "$html")" -eq 0 ]
has "index.html links the escaped log" "href=\"a%26b\.log\"" "$html"
has "index.html escapes check lines" "PASS first &lt;one&gt;: ok" "$html"
has "index.html shows the figure" "<img [^>]*src=\"a\.png\"" "$html"
has "index.html links the .gp" "href=\"a\.gp\"" "$html"
has "index.html links the source" "href=\"\.\./s/fig\.lua\"" "$html"
has "index.html shows the error" "deliberate failure" "$html"
ok "index.html needs nothing external" [ "$(grep -Ec 'https?://|<script' "$html")" -eq 0 ]

# ---- same seed, same figures, whatever -j -----------------------------------------
"$G" batch "$tmp/good" -j 1 --seed 5 --out "$tmp/r" > /dev/null 2>&1
mv "$tmp/r" "$tmp/r1"
"$G" batch "$tmp/good" -j 2 --seed 5 --out "$tmp/r" > /dev/null 2>&1
same=1
for f in "$tmp/r1"/*.gp; do
    [ -f "$f" ] || same=0
    cmp -s "$f" "$tmp/r/${f##*/}" || same=0
done
[ -f "$tmp/r/r.gp" ] || same=0
ok "-j 1 and -j 2 give identical .gp files" [ "$same" -eq 1 ]
"$G" batch "$tmp/good" -j 2 --seed 6 --out "$tmp/r6" > /dev/null 2>&1
differ=0
cmp -s "$tmp/r1/r.gp" "$tmp/r6/r.gp" || differ=1
ok "another seed, another figure" [ "$differ" -eq 1 -a -f "$tmp/r6/r.gp" ]

# ---- the command line ----------------------------------------------------------------
check "help" 0 "usage: gprior batch" -- "$G" batch --help
check "-j 0" 2 "bad -j.*'0'" -- "$G" batch "$tmp/good" -j 0
check "-j not a number" 2 "bad -j.*'x'" -- "$G" batch "$tmp/good" -j x
check "-j without value" 2 "missing value for option '-j'" -- "$G" batch "$tmp/good" -j
check "bad seed" 2 "bad --seed.*'abc'" -- "$G" batch "$tmp/good" --seed abc
check "unknown flag" 2 "unknown option '--frobnicate'" -- "$G" batch "$tmp/good" --frobnicate
check "missing file" 2 "cannot open '.*no_such\.lua'" -- "$G" batch "$tmp/no_such.lua"
check "folder without scripts" 2 "no \*\.lua scripts" -- "$G" batch "$tmp/empty"
check "default folder lua/chapter" 2 "cannot open 'lua/chapter'" -- sh -c 'cd "$1" && "$2" batch' sh "$tmp/empty" "$G"
cp "$tmp/s/chk.lua" "$tmp/empty/chk.lua"
check "two scripts with one name" 2 "two scripts named 'chk'" -- "$G" batch "$tmp/s/chk.lua" "$tmp/empty/chk.lua"
rm "$tmp/empty/chk.lua"

# ---- SIGINT: stop cleanly -----------------------------------------------------------
# Processes still running the spinning script (the [n] keeps grep from finding itself).
spinners() { grep -als "spi[n]_$$" /proc/[0-9]*/cmdline 2>/dev/null | wc -l; }
"$G" batch "$tmp/int" -j 1 --out "$tmp/oi" > "$tmp/sumi" 2> "$tmp/erri" &
bp=$!
i=0
while [ "$(spinners)" -eq 0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill -INT "$bp"
i=0
while kill -0 "$bp" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 "$bp" 2>/dev/null; then
    kill -KILL "$bp"
    printf 'FAIL SIGINT: batch still running after 5 s\n'
    failed=$((failed + 1))
fi
wait "$bp"
status=$?
ok "SIGINT exits 130" [ "$status" -eq 130 ]
ok "SIGINT leaves no child processes" [ "$(spinners)" -eq 0 ]
ok "SIGINT leaves no temp files" [ -z "$(find "$tmp/oi" -name '*.tmp')" ]
has "SIGINT prints the partial summary" "spin_$$ +killed by signal 15" "$tmp/sumi"
has "SIGINT summary has the finished one" "a_quick +ok" "$tmp/sumi"
has "SIGINT says it is stopping" "interrupted: stopping 1 running script" "$tmp/erri"
spinners_left=$(grep -als "spi[n]_$$" /proc/[0-9]*/cmdline 2>/dev/null)
[ -z "$spinners_left" ] || for f in $spinners_left; do p=${f#/proc/}; kill -KILL "${p%/cmdline}" 2>/dev/null; done

finish batch
