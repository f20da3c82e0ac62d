#!/bin/sh
# Tests of `gprior batch`: exit codes, summary, per-run folders, logs and records,
# reproducibility across -j, the gallery, and the runner under faults (timeouts,
# Ctrl-C with children that ignore SIGTERM, background children, huge log lines,
# figure name clashes, counts that overflow, a full disk).
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

# hasnt NAME PATTERN FILE: no line of FILE matches.
hasnt() {
    if grep -Eq -- "$2" "$3"; then
        failed=$((failed + 1))
        printf 'FAIL %s: /%s/ found in %s\n' "$1" "$2" "$3"
    else
        passed=$((passed + 1))
    fi
}

# procs MARKER: how many processes have MARKER (one argument, no spaces: a
# command line separates its arguments by NUL bytes) in their command line
# (the pattern [9]12... keeps grep from finding itself).
procs() { grep -als -- "[${1%"${1#?}"}]${1#?}" /proc/[0-9]*/cmdline 2>/dev/null | wc -l; }
# reap_marker MARKER: kill what a failing test left behind.
reap_marker() {
    for f in $(grep -als -- "[${1%"${1#?}"}]${1#?}" /proc/[0-9]*/cmdline 2>/dev/null); do
        p=${f#/proc/}
        kill -KILL "${p%/cmdline}" 2>/dev/null
    done
}

# ---- the scripts ---------------------------------------------------------------
mkdir -p "$tmp/s" "$tmp/good" "$tmp/empty" "$tmp/int"
cat > "$tmp/s/fig.lua" <<'LUA'
-- One figure: a line.
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
print("check summary: 2 passed, 0 failed")
LUA
printf 'print("amp output, stdin:[" .. io.read("a") .. "]")\n' > "$tmp/s/a&b.lua"
cp "$tmp/s/fig.lua" "$tmp/s/rand.lua" "$tmp/s/chk.lua" "$tmp/good/"
printf 'print("quick")\n' > "$tmp/int/a_quick.lua"

# ---- exit status, summary, folders, logs ----------------------------------------------
od="$tmp/o1"
"$G" batch "$tmp/s" -j 2 --out "$od" > "$tmp/sum1" 2> "$tmp/err1"
status=$?
ok "a failing script gives status 1" [ "$status" -eq 1 ]
has "summary: fig ok with 1 figure" "^fig +ok +[0-9.]+s +1 " "$tmp/sum1"
has "summary: rand ok" "^rand +ok " "$tmp/sum1"
has "summary: fail FAIL (exit 1)" "^fail +FAIL \(exit 1\) " "$tmp/sum1"
has "summary: chk checks" "^chk +ok .* 2/2 checks" "$tmp/sum1"
has "summary: a&b ok" "^a&b +ok " "$tmp/sum1"
has "summary: totals" "batch: 5 runs, 4 ok, 1 failed" "$tmp/sum1"
has "plain lines when not a terminal" "^FAIL fail +[0-9.]+s \(exit 1\): .*deliberate failure" "$tmp/err1"
ok "one plain line per run" [ "$(grep -Ec '^(ok  |FAIL) ' "$tmp/err1")" -eq 5 ]
has "log of a failed script" "about to fail" "$od/fail/fail.log"
has "log has the error" "fail\.lua:2: deliberate failure" "$od/fail/fail.log"
has "log has the output" "PASS first <one>" "$od/chk/chk.log"
has "log has the seed" "seed 1" "$od/chk/chk.log"
has "stdin is /dev/null" "amp output, stdin:\[\]" "$od/a&b/a&b.log"
ok "figure saved in the run's folder" [ -f "$od/fig/a.png" ]
ok "the script is copied beside its outputs" cmp -s "$od/fig/fig.lua" "$tmp/s/fig.lua"
has "the record says ok" "^status	ok$" "$od/fig/fig.run.tsv"
has "the record names the figure" "^figure	a\.png$" "$od/fig/fig.run.tsv"
has "the record has the seed" "^seed	1$" "$od/fig/fig.run.tsv"
has "the record has the command" "^command	cd .* run .*fig\.lua --out .*/o1/fig --seed 1 --record$" "$od/fig/fig.run.tsv"
has "the record of the failure" "^message	.*deliberate failure" "$od/fail/fail.run.tsv"
ok "no temporary files left" [ -z "$(find "$od" -name '*.tmp*' -o -name '.*.figures')" ]

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
    has "index.html has a section for $n" "<h3>$n</h3>" "$html"
done
has "index.html escapes a&b" "<h3>a&amp;b</h3>" "$html"
ok "index.html has no raw a&b" [ "$(grep -c 'a&b' "$html")" -eq 0 ]
has "index.html links the escaped log" "href=\"a%26b/a%26b\.log\"" "$html"
has "index.html escapes check lines" "PASS first &lt;one&gt;: ok" "$html"
has "index.html shows the figure" "<img [^>]*src=\"fig/a\.png\"" "$html"
has "index.html links the .gp" "href=\"fig/a(\.png)?\.gp\"" "$html"
has "index.html links the copied source" "href=\"fig/fig\.lua\"" "$html"
has "index.html shows the description" "One figure: a line\." "$html"
has "index.html shows the error" "deliberate failure" "$html"
has "index.html has a table of contents" "<nav class=\"toc\">.*|<li><a href=\"#s1\">" "$html"
ok "index.html needs nothing external" [ "$(grep -Ec 'https?://|<script' "$html")" -eq 0 ]

# Scripts from two folders: the gallery shows each folder's scripts under its name.
mkdir -p "$tmp/parts/zeta" "$tmp/parts/alpha"
printf -- '-- z\nprint(1)\n' > "$tmp/parts/zeta/one.lua"
printf -- '-- a\nprint(2)\n' > "$tmp/parts/alpha/two.lua"
"$G" batch "$tmp/parts/zeta" "$tmp/parts/alpha" --out "$tmp/o_parts" > /dev/null 2>&1
has "the record names the script's folder" "^part	zeta$" "$tmp/o_parts/one/one.run.tsv"
parts=$(sed -n 's/.*<h2 class="part" id="p[0-9]*">\([a-z]*\)<\/h2>.*/\1/p' "$tmp/o_parts/index.html" | tr '\n' ,)
ok "the gallery has a heading per folder, in order (got $parts)" [ "$parts" = "alpha,zeta," ]
has "the table of contents too" "<nav class=\"toc\">" "$tmp/o_parts/index.html"
ok "each part's scripts under its heading" [ "$(grep -o '<h2 class="part"[^<]*</h2>\|<h3>[a-z]*</h3>' "$tmp/o_parts/index.html" | sed 's/<[^>]*>//g' | tr '\n' ,)" = "alpha,two,zeta,one," ]

# Every link and image of the page resolves inside OUT, also after OUT moved.
links_resolve() {
    dir=$1
    grep -o -E '(href|src)="[^"#]+"' "$dir/index.html" | sed -E 's/^(href|src)="//; s/"$//' | sort -u |
    while IFS= read -r u; do
        f=$(printf '%s' "$u" | perl -pe 's/%([0-9A-F]{2})/chr hex $1/ge')
        [ -e "$dir/$f" ] || { echo "missing: $u"; return 1; }
    done
}
cp -r "$od" "$tmp/moved"
rm -rf "$tmp/s.gone"; mv "$tmp/s" "$tmp/s.gone"
ok "every link resolves when OUT is copied elsewhere (sources gone)" links_resolve "$tmp/moved"
mv "$tmp/s.gone" "$tmp/s"

# ---- same seed, same figures, whatever -j -----------------------------------------
"$G" batch "$tmp/good" -j 1 --seed 5 --out "$tmp/r1" > /dev/null 2>&1
"$G" batch "$tmp/good" -j 2 --seed 5 --out "$tmp/r2" > /dev/null 2>&1
"$G" batch "$tmp/good" -j 2 --seed 6 --out "$tmp/r6" > /dev/null 2>&1
ok "-j 1 and -j 2 give identical figures" cmp -s "$tmp/r1/rand/r.svg" "$tmp/r2/rand/r.svg"
ok "another seed, another figure" [ -f "$tmp/r6/rand/r.svg" ] && ! cmp -s "$tmp/r1/rand/r.svg" "$tmp/r6/rand/r.svg"

# ---- the command line ----------------------------------------------------------------
check "help" 0 "usage: gprior batch" -- "$G" batch --help
check "-j 0" 2 "bad -j.*'0'" -- "$G" batch "$tmp/good" -j 0
check "-j not a number" 2 "bad -j.*'x'" -- "$G" batch "$tmp/good" -j x
check "-j without value" 2 "missing value for option '-j'" -- "$G" batch "$tmp/good" -j
check "bad seed" 2 "bad --seed.*'abc'" -- "$G" batch "$tmp/good" --seed abc
check "bad timeout" 2 "bad --timeout.*'0'" -- "$G" batch "$tmp/good" --timeout 0
check "unknown flag" 2 "unknown option '--frobnicate'" -- "$G" batch "$tmp/good" --frobnicate
check "missing file" 2 "cannot open '.*no_such\.lua'" -- "$G" batch "$tmp/no_such.lua"
check "folder without scripts" 2 "no \*\.lua scripts" -- "$G" batch "$tmp/empty" --out "$tmp/oe"
check "default folder lua/chapter" 2 "cannot open 'lua/chapter'" -- sh -c 'cd "$1" && "$2" batch' sh "$tmp/empty" "$G"
cp "$tmp/s/chk.lua" "$tmp/empty/chk.lua"
check "two scripts with one name" 2 "two scripts named 'chk'" -- "$G" batch "$tmp/s/chk.lua" "$tmp/empty/chk.lua" --out "$tmp/oe"
rm "$tmp/empty/chk.lua"

# ---- SIGINT: stop cleanly, even children that ignore SIGTERM -------------------------------
mark="9$$1"
cat > "$tmp/int/spin.lua" <<LUA
os.execute("sh -c \\"trap '' TERM; exec sleep $mark\\" &")
while true do end
LUA
"$G" batch "$tmp/int" -j 2 --out "$tmp/oi" > "$tmp/sumi" 2> "$tmp/erri" &
bp=$!
i=0
while [ "$(procs "$mark")" -eq 0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
ok "the SIGTERM-proof child started" [ "$(procs "$mark")" -eq 1 ]
sleep 0.3
kill -INT "$bp"
i=0
while kill -0 "$bp" 2>/dev/null && [ $i -lt 80 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 "$bp" 2>/dev/null; then
    kill -KILL "$bp"
    printf 'FAIL SIGINT: batch still running after 8 s\n'
    failed=$((failed + 1))
fi
wait "$bp"
status=$?
ok "SIGINT exits 130" [ "$status" -eq 130 ]
ok "SIGINT kills a child that ignores SIGTERM" [ "$(procs "$mark")" -eq 0 ]
reap_marker "$mark"
ok "SIGINT leaves no temp files" [ -z "$(find "$tmp/oi" -name '*.tmp*')" ]
has "SIGINT prints the partial summary" "^spin +stopped" "$tmp/sumi"
has "SIGINT summary has the finished one" "^a_quick +ok" "$tmp/sumi"
has "SIGINT says it is stopping" "interrupted: stopping 1 running run" "$tmp/erri"
has "SIGINT: the record says stopped" "^status	stopped$" "$tmp/oi/spin/spin.run.tsv"
has "SIGINT: the log has where the run was" "spin\.lua:2: interrupted" "$tmp/oi/spin/spin.log"
# the same with a child that ignores SIGINT too: SIGKILL after the grace time
mark4="6$$4"
mkdir -p "$tmp/int2"
cat > "$tmp/int2/deaf.lua" <<LUA
os.execute("sh -c \\"trap '' INT TERM; exec sleep $mark4\\"")
LUA
"$G" batch "$tmp/int2" --out "$tmp/oi2" > "$tmp/sumi2" 2>&1 &
bp=$!
i=0
while [ "$(procs "$mark4")" -eq 0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill -INT "$bp"
i=0
while kill -0 "$bp" 2>/dev/null && [ $i -lt 80 ]; do sleep 0.1; i=$((i + 1)); done
kill -0 "$bp" 2>/dev/null && kill -KILL "$bp"
wait "$bp"
ok "SIGINT: a run deaf to SIGINT and SIGTERM is killed, exit 130" [ $? -eq 130 ] && [ "$(procs "$mark4")" -eq 0 ]
reap_marker "$mark4"
has "SIGINT: ... and reported stopped" "^deaf +stopped" "$tmp/sumi2"

# ---- a background child of a finished script dies with it ----------------------------------
mark2="8$$2"
mkdir -p "$tmp/bg"
cat > "$tmp/bg/bg.lua" <<LUA
os.execute("sh -c 'sleep 1; echo LATE-WRITE; exec sleep $mark2' &")
print("done")
LUA
"$G" batch "$tmp/bg" --out "$tmp/obg" > /dev/null 2>&1
sleep 1.5
ok "a finished script's background child is killed" [ "$(procs "$mark2")" -eq 0 ]
reap_marker "$mark2"
hasnt "nothing writes into the log after the run" "LATE-WRITE" "$tmp/obg/bg/bg.log"

# ---- timeouts ------------------------------------------------------------------------------
mkdir -p "$tmp/to"
printf -- '-- spins\nlocal n = 0\nwhile true do n = n + 1 end\n' > "$tmp/to/loop.lua"
mark3="7$$3"
printf 'os.execute("sleep %s")\n' "$mark3" > "$tmp/to/stuck.lua"
printf 'print("fine")\n' > "$tmp/to/quick.lua"
start=$(date +%s)
"$G" batch "$tmp/to" -j 3 --timeout 1 --out "$tmp/oto" > "$tmp/sumto" 2>&1
status=$?
took=$(($(date +%s) - start))
ok "a timeout is a failure" [ "$status" -eq 1 ]
ok "timeouts end the batch in seconds ($took s)" [ "$took" -lt 10 ]
has "summary: a Lua loop times out" "^loop +timeout " "$tmp/sumto"
has "summary: a script stuck outside Lua times out" "^stuck +timeout " "$tmp/sumto"
has "summary: the others are ok" "^quick +ok " "$tmp/sumto"
has "the loop's log has the traceback" "timeout: stopped after --timeout 1 s" "$tmp/oto/loop/loop.log"
has "the loop's log says where" "loop\.lua:3" "$tmp/oto/loop/loop.log"
has "the gallery shows the timeout" "badge\">timeout<" "$tmp/oto/index.html"
ok "the stuck script's child is gone" [ "$(procs "$mark3")" -eq 0 ]
reap_marker "$mark3"

# ---- a 9 MB log line does not make a 28 MB gallery -------------------------------------------
mkdir -p "$tmp/big"
printf 'print(string.rep("x", 9000000))\nerror("after a long line")\n' > "$tmp/big/big.lua"
"$G" batch "$tmp/big" --out "$tmp/obig" > /dev/null 2>&1
size=$(wc -c < "$tmp/obig/index.html")
ok "the gallery stays small ($size bytes)" [ "$size" -lt 200000 ]
has "the gallery says what it cut" "more characters: see the log" "$tmp/obig/index.html"
has "the gallery still shows the error" "after a long line" "$tmp/obig/index.html"

# ---- two scripts saving the same figure name ---------------------------------------------------
mkdir -p "$tmp/same"
for n in one two; do
    printf 'local gp = require "gprior"\ngp.figure{title = "%s"}:lines({1, 2}, {1, 2}):save "same.png"\n' "$n" > "$tmp/same/$n.lua"
done
"$G" batch "$tmp/same" -j 2 --out "$tmp/osame" > /dev/null 2>&1
ok "each run keeps its own figure" [ -f "$tmp/osame/one/same.png" ] && [ -f "$tmp/osame/two/same.png" ] &&
    ! cmp -s "$tmp/osame/one/same.png" "$tmp/osame/two/same.png"
has "each card shows its own figure (one)" "src=\"one/same\.png\"" "$tmp/osame/index.html"
has "each card shows its own figure (two)" "src=\"two/same\.png\"" "$tmp/osame/index.html"
# two recorded runs forced into one folder: the gallery says so
"$G" run "$tmp/same/one.lua" --record --out "$tmp/oclash" > /dev/null 2>&1
"$G" run "$tmp/same/two.lua" --record --out "$tmp/oclash" > /dev/null 2>&1
"$G" gallery "$tmp/oclash" > /dev/null 2>&1
ok "a clash is reported in both cards" [ "$(grep -c "another run's record names this file too" "$tmp/oclash/index.html")" -eq 2 ]

# ---- check counts that overflow an int --------------------------------------------------------
mkdir -p "$tmp/cnt"
printf 'print("check summary: 2147483647 passed, 0 failed")\nprint("check summary: 2147483647 passed, 1 failed")\nprint("check summary: 99999999999999999999999 passed, 0 failed")\n' > "$tmp/cnt/cnt.lua"
"$G" batch "$tmp/cnt" --out "$tmp/ocnt" > "$tmp/sumcnt" 2>&1
has "huge check counts saturate instead of overflowing" "^cnt +ok .* 9223372036854775807/9223372036854775807 checks" "$tmp/sumcnt"

# ---- a full disk is a failure, never "ok" ----------------------------------------------------------
mkdir -p "$tmp/full" "$tmp/fulldisk"
printf 'for i = 1, 40 do print(string.rep("y", 10000)) end\nprint("end of output")\n' > "$tmp/full/chatty.lua"
if mount -t tmpfs -o size=200k tmpfs "$tmp/fulldisk" 2>/dev/null; then
    "$G" batch "$tmp/full" --out "$tmp/fulldisk/o" > "$tmp/sumfull" 2> "$tmp/errfull"
    status=$?
    ok "a log cut by a full disk fails the batch" [ "$status" -eq 1 ]
    has "the summary says output lost" "^chatty +FAIL \(output lost\)" "$tmp/sumfull"
    has "the reason is given" "No space left on device" "$tmp/errfull"
    umount "$tmp/fulldisk"
else
    echo "skip: cannot mount a tmpfs here (not root?): the full-disk batch test did not run"
fi

# ---- sweeps, seeds, sweep files -----------------------------------------------------------------
mkdir -p "$tmp/sw"
cat > "$tmp/sw/sweep.lua" <<'LUA'
-- RBF draws for one length-scale and amplitude.
local gp = require "gprior"
local l = gp.param("lengthscale", 1.0, "length-scale")
local a = gp.param("amplitude", 1, "amplitude")
local x = gp.linspace(0, 5, 20)
local S = gp.GP{kernel = gp.rbf{lengthscale = l, amplitude = a}}:sample(x, {n = 2})
gp.figure{title = string.format("l=%g a=%d", l, a)}:lines(x, S):save "draws.png"
S:write_tsv "draws.tsv"
LUA
cp "$tmp/s/fig.lua" "$tmp/sw/plain.lua"
"$G" batch "$tmp/sw/sweep.lua" --sweep lengthscale=0.5,2 --sweep amplitude=1,3 "$tmp/sw/plain.lua" -j 2 --out "$tmp/osw" > "$tmp/sumsw" 2>&1
ok "a sweep and a plain script in one batch" [ $? -eq 0 ]
for d in lengthscale=0.5,amplitude=1 lengthscale=0.5,amplitude=3 lengthscale=2,amplitude=1 lengthscale=2,amplitude=3; do
    ok "sweep folder $d" [ -f "$tmp/osw/sweep/$d/draws.png" ]
done
ok "the plain script in its folder" [ -f "$tmp/osw/plain/a.png" ]
ok "the cross product: 5 runs" [ "$(grep -c ' ok ' "$tmp/sumsw")" -eq 5 ]
has "the record has typed parameters" "^param	amplitude	3	integer	set	amplitude$" "$tmp/osw/sweep/lengthscale=2,amplitude=3/sweep.run.tsv"
has "the log has the parameters" "parameters lengthscale=2 \(set\), amplitude=3 \(set\)" "$tmp/osw/sweep/lengthscale=2,amplitude=3/sweep.log"
h="$tmp/osw/index.html"
has "the gallery groups the sweep in a grid" "<caption>draws</caption>" "$h"
has "grid rows from the first parameter" "<tr><th>lengthscale=0\.5</th>" "$h"
has "grid columns from the second" "<th>amplitude=3</th>" "$h"
has "the gallery lists data files" "href=\"sweep/lengthscale=2%2Camplitude=3/draws\.tsv\"|href=\"sweep/lengthscale%3D2%2Camplitude%3D3/draws\.tsv\"" "$h"
has "cards show parameters" "amplitude <code>3</code>" "$h"

check "an unknown sweep parameter fails the run, naming the declared ones" 1 "unknown parameter 'lenghtscale'.*declares 'lengthscale', 'amplitude'" -- \
    sh -c '"$1" batch "$2" --sweep lenghtscale=1 --out "$3" >/dev/null; s=$?; cat "$3"/sweep/*/sweep.log; exit $s' sh "$G" "$tmp/sw/sweep.lua" "$tmp/obad"
check "a bad value fails the run, naming the parameter" 1 "parameter 'amplitude': expected an integer, got '2.5'" -- \
    sh -c '"$1" batch "$2" --set amplitude=2.5 --out "$3" >/dev/null; s=$?; cat "$3"/sweep/*/sweep.log; exit $s' sh "$G" "$tmp/sw/sweep.lua" "$tmp/obad2"
check "a malformed --sweep" 2 "bad --sweep" -- "$G" batch "$tmp/sw/sweep.lua" --sweep 1x=2 --out "$tmp/obad3"
check "a parameter swept and set" 2 "given twice" -- "$G" batch "$tmp/sw/sweep.lua" --sweep amplitude=1,2 --set amplitude=3 --print-jobs --out "$tmp/obad3"

"$G" batch "$tmp/sw/sweep.lua" --seeds 1..3 -j 2 --out "$tmp/oseeds" > "$tmp/sumseeds" 2>&1
ok "--seeds 1..3: three runs" [ "$(grep -c ' ok ' "$tmp/sumseeds")" -eq 3 ]
ok "--seeds: each seed its own folder and draws" [ -f "$tmp/oseeds/sweep/seed=3/draws.png" ] &&
    ! cmp -s "$tmp/oseeds/sweep/seed=1/draws.tsv" "$tmp/oseeds/sweep/seed=2/draws.tsv"
has "--seeds: the record has the seed" "^seed	2$" "$tmp/oseeds/sweep/seed=2/sweep.run.tsv"

printf '# a design that is not a grid\nlengthscale=0.3 amplitude=2\n\nlengthscale=3   amplitude=1\n' > "$tmp/design.txt"
"$G" batch "$tmp/sw/sweep.lua" --sweep-file "$tmp/design.txt" --out "$tmp/ofile" > "$tmp/sumfile" 2>&1
ok "a sweep file: one run per line" [ -f "$tmp/ofile/sweep/lengthscale=0.3,amplitude=2/draws.png" ] &&
    [ -f "$tmp/ofile/sweep/lengthscale=3,amplitude=1/draws.png" ] && [ "$(grep -c ' ok ' "$tmp/sumfile")" -eq 2 ]
printf 'lengthscale=1 oops\n' > "$tmp/bad_design.txt"
check "a bad sweep file names file:line" 2 "bad_design\.txt:1: bad word 'oops'" -- "$G" batch "$tmp/sw/sweep.lua" --sweep-file "$tmp/bad_design.txt"

# ---- the gallery accumulates; stale cards vanish ---------------------------------------------------
"$G" batch "$tmp/good/chk.lua" --out "$tmp/osw" > /dev/null 2>&1
has "re-running one script keeps the other cards" "<h3>sweep</h3>" "$tmp/osw/index.html"
has "... and adds its own" "<h3>chk</h3>" "$tmp/osw/index.html"
rm -rf "$tmp/osw/plain"
"$G" gallery "$tmp/osw" > /dev/null 2>&1
ok "gprior gallery OUT drops deleted runs" [ "$(grep -c '<h3>plain</h3>' "$tmp/osw/index.html")" -eq 0 ]
has "gprior gallery OUT keeps the rest" "<h3>sweep</h3>" "$tmp/osw/index.html"
check "gallery of a missing folder" 2 "cannot open folder" -- "$G" gallery "$tmp/nowhere"

# ---- scale-out: --print-jobs through GNU parallel, --slurm ------------------------------------------
"$G" batch "$tmp/sw/sweep.lua" --sweep lengthscale=0.5,2 --sweep amplitude=1,3 --out "$tmp/pj" --print-jobs > "$tmp/jobs" 2>&1
ok "--print-jobs: one command per run" [ "$(wc -l < "$tmp/jobs")" -eq 4 ]
ok "--print-jobs runs nothing" [ ! -d "$tmp/pj/sweep" ]
has "--print-jobs: self-contained commands" "^cd /.* && /.*gprior run /.*sweep\.lua --out /.*/pj/sweep/lengthscale=2,amplitude=3 --seed 1 --set lengthscale=2 --set amplitude=3 --record$" "$tmp/jobs"
if command -v parallel > /dev/null 2>&1; then
    "$G" batch "$tmp/sw/sweep.lua" --sweep lengthscale=0.5,2 --sweep amplitude=1,3 -j 2 --out "$tmp/pb" > /dev/null 2>&1
    parallel -j 2 < "$tmp/jobs" > /dev/null 2>&1
    ok "GNU parallel ran every job" [ $? -eq 0 ]
    "$G" gallery "$tmp/pj" > /dev/null 2>&1
    same=1
    for f in "$tmp"/pb/sweep/*/draws.png "$tmp"/pb/sweep/*/draws.tsv; do
        cmp -s "$f" "$tmp/pj/${f#"$tmp"/pb/}" || same=0
    done
    ok "GNU parallel gives byte-identical figures and data" [ "$same" -eq 1 ]
    # the same gallery, but for the run times
    sed -E 's#<span class="time">[^<]*</span>##g' "$tmp/pb/index.html" > "$tmp/pb.html"
    sed -E 's#<span class="time">[^<]*</span>##g' "$tmp/pj/index.html" > "$tmp/pj.html"
    ok "GNU parallel gives the same gallery" cmp -s "$tmp/pb.html" "$tmp/pj.html"
else
    echo "skip: GNU parallel is not installed (scripts/install-deps.sh installs it)"
fi
"$G" batch "$tmp/sw/sweep.lua" --sweep amplitude=1,2,3 --timeout 60 --out "$tmp/sl" --slurm "$tmp/job.sbatch" --slurm-opt=--mem=1G > /dev/null 2>&1
ok "--slurm writes the array script" [ -s "$tmp/job.sbatch" ]
has "--slurm: an array of 3" "^#SBATCH --array=1-3$" "$tmp/job.sbatch"
has "--slurm: the options" "^#SBATCH --mem=1G$" "$tmp/job.sbatch"
has "--slurm: the time limit" "^#SBATCH --time=2$" "$tmp/job.sbatch"
SLURM_ARRAY_TASK_ID=2 sh "$tmp/job.sbatch" > /dev/null 2>&1
ok "--slurm: task 2 runs amplitude=2 only" [ -f "$tmp/sl/sweep/amplitude=2/draws.png" ] && [ ! -d "$tmp/sl/sweep/amplitude=1" ]

# ---- the live line names the running runs (on a terminal) -------------------------------------------
if command -v script > /dev/null 2>&1; then
    mkdir -p "$tmp/live"
    printf 'local t = os.time() + 2\nwhile os.time() < t do end\n' > "$tmp/live/slowpoke.lua"
    script -qec "'$G' batch '$tmp/live' --out '$tmp/olive'" /dev/null > "$tmp/live.txt" 2>&1
    has "the live line names the running script" "running: slowpoke" "$tmp/live.txt"
fi

finish batch
