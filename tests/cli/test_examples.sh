#!/bin/sh
# The example scripts (lua/examples/*.lua) run in quick mode and save their
# figures; each saved image is re-rendered by gnuplot from its .gp (into
# another file, from another folder) and must come out byte for byte the same;
# previews fit the terminal's width (COLUMNS). Ends "examples: N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"
root=$(pwd)
for s in lua/examples/*.lua; do
    name=$(basename "$s" .lua)
    out="$tmp/$name"
    if GPRIOR_QUICK=1 "$G" run "$s" --out "$out" >"$tmp/$name.log" 2>&1 && ls "$out"/*.gp >/dev/null 2>&1; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL $name"
        cat "$tmp/$name.log"
        continue
    fi
    ok "$name: its first comment line describes it" \
        sh -c "head -n 1 '$root/$s' | grep -q '^-- [A-Z0-9]'"
    for gp in "$out"/*.gp; do
        image=${gp%.gp}
        ( cd / && gnuplot -e "gprior_output='$tmp/again'" "$gp" ) 2>"$tmp/gnuplot.err"
        ok "$name: $(basename "$gp") re-renders $(basename "$image") exactly" cmp -s "$image" "$tmp/again"
        [ -s "$tmp/gnuplot.err" ] && cat "$tmp/gnuplot.err"
        rm -f "$tmp/again"
    done
done

# Previews: as wide as COLUMNS says, as tall as keeps the figure's shape.
widest() { awk '{ n = length($0); if (n > w) w = n } END { print w }'; }
draw='gp.figure{}:lines({1, 2, 3}, {1, 3, 2})'
w=$(COLUMNS=60 "$G" -e "io.write($draw:preview())" 2>/dev/null | widest)
ok "preview: COLUMNS=60 gives 60 columns (got $w)" [ "$w" -eq 60 ]
w=$(COLUMNS=132 "$G" -e "io.write($draw:preview())" 2>/dev/null | widest)
ok "preview: COLUMNS=132 gives 132 columns (got $w)" [ "$w" -eq 132 ]
h=$(COLUMNS=100 "$G" -e "io.write($draw:preview())" 2>/dev/null | wc -l)
ok "preview: 800 x 500 at 100 columns is about 31 lines (got $h)" [ "$h" -ge 30 ] && [ "$h" -le 32 ]
w=$(COLUMNS=60 "$G" -e "io.write($draw:preview(80, 20))" 2>/dev/null | widest)
ok "preview: an explicit width wins over COLUMNS (got $w)" [ "$w" -eq 80 ]
check "preview: a heat map is shaded, not a blank frame" 0 '@' \
    -- env COLUMNS=70 "$G" -e 'io.write(gp.figure{}:heatmap(gp.matrix{{0, 1}, {2, 3}}):preview())'
finish examples
