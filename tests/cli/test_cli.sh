#!/bin/sh
# Command-line tests of gprior: exit codes, messages, --seed, --out, script args,
# the entry points (FILE.lua, shebang, stdin, several -e, --opt=value, the prompt),
# Ctrl-C and --timeout, script parameters (gp.param, --set, --params), run
# records, and output that cannot be written.
# Run by scripts/run-tests.sh with GPRIOR set to the binary. Ends "cli: N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"

check "help" 0 "gprior run SCRIPT" -- "$G" --help
check "version" 0 "^gprior [0-9]+\.[0-9]+\.[0-9]+ \(Lua 5\.4" -- "$G" --version
check "unknown flag" 2 "unknown option '--frobnicate'" -- "$G" run x.lua --frobnicate
check "unknown command" 2 "unknown command 'sample'" -- "$G" sample
check "run without script" 2 "run needs a script" -- "$G" run
check "missing script" 2 "cannot open .*no_such\.lua" -- "$G" run "$tmp/no_such.lua"
check "missing script, plain form" 2 "cannot open .*no_such\.lua" -- "$G" "$tmp/no_such.lua"
check "bad seed" 2 "bad --seed.*'abc'" -- "$G" -e "" --seed abc
check "negative seed" 2 "bad --seed.*'-3'" -- "$G" -e "" --seed -3
check "seed without value" 2 "missing value for option '--seed'" -- "$G" -e "" --seed
check "empty -e" 0 "seed 1" -- "$G" -e ""
check "-e prints" 0 "^gprior: seed 1" -- "$G" -e "print(gp.version)"

cat > "$tmp/boom.lua" <<'LUA'
local function inner() error("boom here") end
inner()
LUA
check "script error has file:line" 1 "boom\.lua:1: boom here" -- "$G" run "$tmp/boom.lua"
check "script error has traceback" 1 "stack traceback" -- "$G" run "$tmp/boom.lua"
printf 'local x = = 1\n' > "$tmp/syntax.lua"
check "syntax error" 1 "syntax\.lua:1:" -- "$G" run "$tmp/syntax.lua"
check "kernel error names script line" 1 "\(command line\):1: .*lengthscale" -- "$G" -e "gp.rbf{lengthscale = -1}"

cat > "$tmp/args.lua" <<'LUA'
local a, b = ...
print("args", arg[0]:match("[^/]*$"), a, b, arg[1], arg[2])
LUA
check "script args" 0 "args	args\.lua	one	two	one	two" -- "$G" run "$tmp/args.lua" -- one two
check "stray argument" 2 "unexpected argument" -- "$G" run "$tmp/args.lua" extra

# ---- entry points a Lua user expects --------------------------------------------------
check "gprior FILE.lua ARGS" 0 "args	args\.lua	one	--two	one	--two" -- "$G" "$tmp/args.lua" one --two
check "options before the script" 0 "seed 9" -- "$G" --seed 9 "$tmp/args.lua"
check "--seed=7" 0 "gprior: seed 7" -- "$G" --seed=7 -e ""
check "--out=DIR" 0 "^$tmp/oeq\$" -- "$G" --out="$tmp/oeq" -e "print(gp.outdir())"
check "several -e in order" 0 "^1	2\$" -- "$G" -e "x = 1" -e "y = x + 1" -e "print(x, y)"
check "-e before a script" 0 "args	args\.lua	z" -- "$G" -e "print('first')" "$tmp/args.lua" z
check "a script on standard input" 0 "^from stdin	3\$" -- sh -c 'echo "print(\"from stdin\", 1 + 2)" | "$1"' sh "$G"
check "gprior - reads standard input" 0 "^dash	a\$" -- sh -c 'echo "print(\"dash\", ...)" | "$1" - a' sh "$G"
check "an empty standard input is an empty script" 0 "seed 1" -- sh -c '"$1" < /dev/null' sh "$G"
mkdir -p "$tmp/bin"
ln -s "$G" "$tmp/bin/gprior"
printf '#!/usr/bin/env gprior\nprint("shebang", ...)\n' > "$tmp/she.lua"
chmod +x "$tmp/she.lua"
check "#!/usr/bin/env gprior" 0 "^shebang	x	y\$" -- env PATH="$tmp/bin:$PATH" "$tmp/she.lua" x y

# ---- the prompt (on a terminal, through script(1)) ----------------------------------------
if command -v script > /dev/null 2>&1; then
    printf '1 + 1\nk = gp.rbf{}\nk\nfor i = 1, 2 do\nprint(i * 10)\nend\nerror("oops")\nprint("still" .. " here")\n' |
        HOME="$tmp" script -qec "$G" /dev/null > "$tmp/repl.txt" 2>&1
    ok "prompt: a banner" grep -q "gp is loaded" "$tmp/repl.txt"
    ok "prompt: expressions are printed" grep -q "^2" "$tmp/repl.txt"
    ok "prompt: with tostring" grep -q "rbf(amplitude=1, lengthscale=1)" "$tmp/repl.txt"
    ok "prompt: multi-line statements" grep -q "^20" "$tmp/repl.txt"
    ok "prompt: errors do not end it" grep -q "still here" "$tmp/repl.txt"
    ok "prompt: history is kept" grep -q "k = gp.rbf{}" "$tmp/.gprior_history"
fi

# ---- Ctrl-C and --timeout stop a script with a traceback -----------------------------------
printf -- 'local function spin()\n  while true do end\nend\nspin()\n' > "$tmp/spin.lua"
"$G" run "$tmp/spin.lua" > "$tmp/int.txt" 2>&1 &
pid=$!
sleep 0.5
kill -INT "$pid"
wait "$pid"
ok "Ctrl-C: exit status 130" [ $? -eq 130 ]
ok "Ctrl-C: an error with file:line" grep -q "spin\.lua:2: interrupted" "$tmp/int.txt"
ok "Ctrl-C: a traceback" grep -q "in local 'spin'\|in function 'spin'\|in upvalue 'spin'" "$tmp/int.txt"
check "--timeout: exit 124 with a traceback" 124 "spin\.lua:2: timeout: stopped after --timeout 1 s" -- "$G" run "$tmp/spin.lua" --timeout 1
check "bad --timeout" 2 "bad --timeout" -- "$G" run "$tmp/spin.lua" --timeout -1

# ---- script parameters ---------------------------------------------------------------------
cat > "$tmp/par.lua" <<'LUA'
-- Parameters of every type.
local gp = require "gprior"
local l = gp.param("lengthscale", 1.0, "RBF length-scale")
local n = gp.param("n", 3, "number of draws")
local k = gp.param("kernel", "rbf", "kernel name")
local q = gp.param("quick", false, "fewer points")
local k0 = gp.rbf{} -- the experiment's work starts at its first gprior call
print("values", l, math.type(l), n, math.type(n), k, q)
LUA
check "defaults" 0 "values	1\.0	float	3	integer	rbf	false" -- "$G" run "$tmp/par.lua"
check "--set parses to the default's type" 0 "values	0\.5	float	7	integer	matern32	true" -- \
    "$G" run "$tmp/par.lua" --set lengthscale=0.5 --set n=7 --set kernel=matern32 --set quick=true
check "--set=NAME=VALUE" 0 "values	2\.0	float" -- "$G" run "$tmp/par.lua" --set=lengthscale=2
check "an integer parameter refuses 2.5" 1 "parameter 'n': expected an integer, got '2\.5'" -- "$G" run "$tmp/par.lua" --set n=2.5
check "a number parameter refuses text" 1 "parameter 'lengthscale': expected a number, got 'abc'" -- "$G" run "$tmp/par.lua" --set lengthscale=abc
check "a number parameter refuses inf" 1 "parameter 'lengthscale': expected a finite number" -- "$G" run "$tmp/par.lua" --set lengthscale=1e999
check "a boolean parameter refuses maybe" 1 "parameter 'quick': expected true or false, got 'maybe'" -- "$G" run "$tmp/par.lua" --set quick=maybe
check "an unknown --set lists the declared ones" 1 "unknown parameter 'lenghtscale'.*declares 'lengthscale', 'n', 'kernel', 'quick'" -- \
    "$G" run "$tmp/par.lua" --set lenghtscale=2
check "a malformed --set" 2 "bad --set '1x=2'" -- "$G" run "$tmp/par.lua" --set 1x=2
check "a --set given twice" 2 "given twice" -- "$G" run "$tmp/par.lua" --set n=1 --set n=2
"$G" run "$tmp/par.lua" --params > "$tmp/params.txt" 2>&1
ok "--params exits 0" [ $? -eq 0 ]
ok "--params lists name, type, default and doc" grep -Eq "^lengthscale +number +1\.0 +RBF length-scale" "$tmp/params.txt"
ok "--params lists every parameter" [ "$(grep -Ec '^(lengthscale|n|kernel|quick) ' "$tmp/params.txt")" -eq 4 ]
ok "--params runs nothing else" sh -c '! grep -q values "$1"' sh "$tmp/params.txt"
check "--params shows what --set gives" 0 "^n +integer +3 +number of draws \(set to 9\)" -- "$G" run "$tmp/par.lua" --params --set n=9
printf 'local gp = require "gprior"\ngp.rbf{}\nlocal x = gp.param("late", 1)\n' > "$tmp/late.lua"
check "gp.param after the experiment started" 1 "gp.param\('late'\) after the experiment started" -- "$G" run "$tmp/late.lua"
printf 'local gp = require "gprior"\ngp.param("a", 1)\ngp.param("a", 2)\n' > "$tmp/twice.lua"
check "a parameter declared twice" 1 "parameter 'a' declared twice" -- "$G" run "$tmp/twice.lua"
printf 'local gp = require "gprior"\ngp.param("a", {})\n' > "$tmp/badd.lua"
check "a default of a bad type" 1 "default of 'a' must be a number, integer, string or boolean" -- "$G" run "$tmp/badd.lua"
check "a script without parameters rejects --set" 1 "unknown parameter 'x'.*declares no parameters" -- "$G" -e "print(1)" --set x=1
check "the parameters are printed in the log" 0 "gprior: parameters lengthscale=3 \(set\), n=3, kernel=rbf, quick=false" -- \
    "$G" run "$tmp/par.lua" --set lengthscale=3

# ---- the run record ------------------------------------------------------------------------------
"$G" run "$tmp/par.lua" --record --out "$tmp/rec" --seed 4 --set n=5 > "$tmp/rec.out" 2>&1
ok "--record: exit 0, nothing on the terminal" [ $? -eq 0 ] && [ ! -s "$tmp/rec.out" ]
ok "--record: the log" grep -q "values	1.0	float	5	integer" "$tmp/rec/par.log"
ok "--record: the script copied" cmp -s "$tmp/par.lua" "$tmp/rec/par.lua"
ok "--record: the seed" grep -q "^seed	4$" "$tmp/rec/par.run.tsv"
ok "--record: every parameter with its origin" grep -q "^param	n	5	integer	set	number of draws$" "$tmp/rec/par.run.tsv"
ok "--record: defaults too" grep -q "^param	kernel	rbf	string	default	kernel name$" "$tmp/rec/par.run.tsv"
ok "--record: the description" grep -q "^description	Parameters of every type\.$" "$tmp/rec/par.run.tsv"
ok "--record: the status" grep -q "^status	ok$" "$tmp/rec/par.run.tsv"
"$G" run "$tmp/boom.lua" --record --out "$tmp/rec2" > /dev/null 2>&1
ok "--record: a failure is exit 1" [ $? -eq 1 ]
ok "--record: ... recorded with its message" grep -q "^message	.*boom here$" "$tmp/rec2/boom.run.tsv"
printf 'print("check summary: 1 passed, 1 failed")\nos.exit(1)\n' > "$tmp/exits.lua"
"$G" run "$tmp/exits.lua" --record --out "$tmp/rec3" > /dev/null 2>&1
ok "--record: os.exit(1) is recorded" grep -q "^status	failed$" "$tmp/rec3/exits.run.tsv" && grep -q "^checks	1	1$" "$tmp/rec3/exits.run.tsv"
check "--record needs a script file" 2 "--record needs a script file" -- "$G" -e "" --record

# ---- output that cannot be written is a failure -------------------------------------------------
if [ -w /dev/full ]; then
    check "stdout on a full disk: exit 3" 3 "output lost: 'standard output' could not be written whole" -- \
        sh -c '"$1" -e "for i = 1, 1000 do print(string.rep(\"x\", 100)) end" > /dev/full' sh "$G"
fi

cat > "$tmp/draw.lua" <<'LUA'
local gp = require "gprior"
local S = gp.GP{kernel = gp.rbf{}}:sample(gp.linspace(0, 1, 3))
print(string.format("draw %.17g %.17g %.17g", S[1], S[2], S[3]))
LUA
a=$("$G" run "$tmp/draw.lua" --seed 7 2>/dev/null)
b=$("$G" run "$tmp/draw.lua" --seed 7 2>/dev/null)
c=$("$G" run "$tmp/draw.lua" --seed 8 2>/dev/null)
d=$("$G" run "$tmp/draw.lua" 2>/dev/null)
e=$("$G" run "$tmp/draw.lua" --seed 1 2>/dev/null)
if [ -n "$a" ] && [ "$a" = "$b" ] && [ "$a" != "$c" ] && [ "$d" = "$e" ]; then
    passed=$((passed + 1))
else
    failed=$((failed + 1))
    printf 'FAIL --seed reproducibility: 7:%s 7:%s 8:%s default:%s 1:%s\n' "$a" "$b" "$c" "$d" "$e"
fi
check "seed is printed" 0 "gprior: seed 7" -- "$G" run "$tmp/draw.lua" --seed 7
check "seed option can come first" 0 "seed 9" -- "$G" run --seed 9 "$tmp/draw.lua"

cat > "$tmp/fig.lua" <<'LUA'
local gp = require "gprior"
local x = gp.linspace(0, 1, 5)
gp.figure{title = "t"}:lines(x, x):save "sub/f.png"
print("outpath", gp.outpath("f.png"))
LUA
check "--out folder" 0 "outpath	$tmp/o1/f.png" -- "$G" run "$tmp/fig.lua" --out "$tmp/o1"
if [ -s "$tmp/o1/sub/f.png" ] && ls "$tmp"/o1/sub/f*.gp > /dev/null 2>&1; then
    passed=$((passed + 1))
else
    failed=$((failed + 1))
    echo "FAIL --out: $tmp/o1/sub/f.png or its .gp missing"; ls -R "$tmp/o1"
fi
ok "a plain run that saves a figure records it" grep -q "^figure	sub/f\.png$" "$tmp/o1/fig.run.tsv"
ok "... in a shared folder, with the script's path" grep -q "^source	$tmp/fig\.lua$" "$tmp/o1/fig.run.tsv" &&
    grep -q "^folder	shared$" "$tmp/o1/fig.run.tsv"
"$G" run "$tmp/args.lua" --out "$tmp/o1" > /dev/null 2>&1
ok "a plain run without figures leaves no record" [ ! -e "$tmp/o1/args.run.tsv" ]
"$G" gallery "$tmp/o1" > /dev/null 2>&1
ok "gprior gallery shows plain runs" grep -q 'src="sub/f\.png"' "$tmp/o1/index.html"
check "unwritable --out" 1 "cannot (create|write).*/etc/passwd" -- "$G" run "$tmp/fig.lua" --out /etc/passwd/x
# The Lua module (skipped for sanitizer builds: a stock lua5.4 cannot load them).
if [ -n "${GPRIOR_MODULE:-}" ]; then
    check "stock lua5.4 loads the module" 0 "rbf\(amplitude=1, lengthscale=2\)" -- \
        lua5.4 -e "package.cpath='$GPRIOR_MODULE;'..package.cpath" -e 'print(require("gprior").rbf{lengthscale=2})'
    check "gp.param in a stock lua5.4 returns the default" 0 "^3$" -- \
        lua5.4 -e "package.cpath='$GPRIOR_MODULE;'..package.cpath" -e 'print(require("gprior").param("n", 3))'
fi

# A script that saves its figure under an absolute name, run from a folder
# with no plots/: the run succeeds and its record goes to plots/ all the same.
mkdir -p "$tmp/noplots"
printf 'local gp = require "gprior"\ngp.figure{}:lines({1, 2}, {1, 2}):save(arg[1])\n' > "$tmp/noplots/abs.lua"
check "absolute figure name, no --out folder yet: exit 0" 0 "seed 1" -- \
    sh -c 'cd "$1" && "$2" run abs.lua -- "$1/abs.png"' sh "$tmp/noplots" "$G"
check "absolute figure name: the record is kept in plots/" 0 "^gprior-run" -- \
    head -1 "$tmp/noplots/plots/abs.run.tsv"

finish cli
