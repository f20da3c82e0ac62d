#!/bin/sh
# Command-line tests of data files and the output folder: gp.outpath creates
# --out when it is missing, relative data names land under --out, and a
# write that fails leaves nothing. Ends "data: N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"

dir="$tmp/not/yet" # not "out": check() sets that
check "outpath creates --out" 0 "^$dir/notes\.txt$" -- \
    "$G" --out "$dir" -e 'local p = gp.outpath("notes.txt"); io.open(p, "w"):close(); print(p)'
ok "the folder and the file exist" test -f "$dir/notes.txt"
check "write_csv under --out" 0 "" -- \
    "$G" --out "$tmp/o2" -e 'gp.cat(gp.linspace(0, 1, 3), gp.matrix(3, 2, 1)):write_csv("d/draws.csv", {header = {"x", "f1", "f2"}})'
ok "the csv is under --out/d" test "$(head -1 "$tmp/o2/d/draws.csv")" = "x,f1,f2"
check "read it back from the path gp.outpath gives" 0 "^3 x 3 x,f1,f2$" -- \
    "$G" --out "$tmp/o2" -e 'local m = gp.read_csv(gp.outpath("d/draws.csv")); print(m:rows() .. " x " .. m:cols() .. " " .. table.concat(m:names(), ","))'
check "a failed write is an error with file:line" 1 "\(command line\):1: write_csv: m\[1\] is inf" -- \
    "$G" --out "$tmp/o3" -e 'gp.matrix{math.huge}:write_csv("x.csv")'
ok "and leaves no file" test ! -e "$tmp/o3/x.csv"
finish data
