#!/bin/sh
# Command-line tests of gprior: exit codes, messages, --seed, --out, script args.
# Run by scripts/run-tests.sh with GPRIOR set to the binary. Ends "cli: N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"

check "help" 0 "usage: gprior run SCRIPT" -- "$G" --help
check "version" 0 "^gprior [0-9]+\.[0-9]+\.[0-9]+ \(Lua 5\.4" -- "$G" --version
check "no command" 2 "missing command" -- "$G"
check "unknown flag" 2 "unknown option '--frobnicate'" -- "$G" run x.lua --frobnicate
check "unknown command" 2 "unknown command 'sample'" -- "$G" sample
check "run without script" 2 "run needs a script" -- "$G" run
check "missing script" 2 "cannot open .*no_such\.lua" -- "$G" run "$tmp/no_such.lua"
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
if [ -s "$tmp/o1/sub/f.png" ] && [ -s "$tmp/o1/sub/f.gp" ]; then
    passed=$((passed + 1))
else
    failed=$((failed + 1))
    echo "FAIL --out: $tmp/o1/sub/f.png or f.gp missing"; ls -R "$tmp/o1"
fi
check "unwritable --out" 1 "cannot (create|write).*/etc/passwd" -- "$G" run "$tmp/fig.lua" --out /etc/passwd/x
# The Lua module (skipped for sanitizer builds: a stock lua5.4 cannot load them).
if [ -n "${GPRIOR_MODULE:-}" ]; then
    check "stock lua5.4 loads the module" 0 "rbf\(amplitude=1, lengthscale=2\)" -- \
        lua5.4 -e "package.cpath='$GPRIOR_MODULE;'..package.cpath" -e 'print(require("gprior").rbf{lengthscale=2})'
fi

finish cli
