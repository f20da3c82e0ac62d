#!/bin/sh
# Figures under hostile names. gnuplot opens an output name starting with '|'
# and a script name starting with '<' as pipes to a shell command; a name
# starting with '-' is an option and '~' a home folder. Every way a name
# reaches a figure (the figure's name, --out, gprior batch --out, TMPDIR for
# preview, the folder a saved .gp is run from) is tried with such names: the
# marker command must never run, and the figure must land where it belongs
# (or the error must say why). Ends "figure_safety: N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"

nl='
'
us=$(printf '\037') # separates the names below
# Each '|' or '<' name would run "touch PWNED" in the current folder.
names="|touch PWNED;:$us<touch PWNED;:$us-dash$us~tilde${us}it's \"quoted\"${us}with  space${us}new${nl}line"
draw='gp.figure{title = "t"}:lines({1, 2, 3}, {1, 3, 2})'

is_png() { [ "$(head -c 4 "$1" 2>/dev/null | tail -c 3)" = "PNG" ]; }
no_marker() { [ ! -e PWNED ]; }
# A fresh, empty working folder.
fresh() { rm -rf "$tmp/w" && mkdir "$tmp/w" && cd "$tmp/w" || exit 1; }
# gnuplot's own command line takes names starting with '-', '<' or '~' as
# options, pipes or home folders, so those are given with a leading ./.
as_arg() { case "$1" in -* | '<'* | '~'*) printf './%s' "$1" ;; *) printf '%s' "$1" ;; esac; }

cat > "$tmp/fig.lua" <<'LUA'
local gp = require "gprior"
gp.figure{title = "b"}:lines({1, 2, 3}, {1, 3, 2}):save "b.png"
LUA

IFS=$us
for nm in $names; do
    IFS=' '
    label=$(printf '%s' "$nm" | tr '\n' '/')

    # --out: the folder of every relative figure name.
    fresh
    "$G" -e "$draw:save 'x.png'" --out "$nm" >out.txt 2>&1
    ok "--out '$label': exit 0" [ $? -eq 0 ]
    ok "--out '$label': nothing ran" no_marker
    ok "--out '$label': image in place" is_png "./$nm/x.png"
    ok "--out '$label': script in place" [ -s "./$nm/x.png.gp" ]

    # The saved script, run by hand from the parent folder (ARG0 is
    # '$nm/x.png.gp'), from inside the folder, and with gprior_output.
    rm -f "./$nm/x.png"
    gnuplot "$(as_arg "$nm")/x.png.gp" >/dev/null 2>&1
    ok "gnuplot '$label/x.png.gp': nothing ran" no_marker
    ok "gnuplot '$label/x.png.gp': image beside the script" is_png "./$nm/x.png"
    rm -f "./$nm/x.png"
    (cd "./$nm" && gnuplot x.png.gp && ! [ -e PWNED ]) >/dev/null 2>&1
    ok "gnuplot x.png.gp inside '$label': image beside the script" is_png "./$nm/x.png"
    gnuplot -e "gprior_output='|touch PWNED;:.png'" "$(as_arg "$nm")/x.png.gp" >/dev/null 2>&1
    ok "gprior_output='|touch PWNED;:.png' ($label): nothing ran" no_marker
    ok "gprior_output='|touch PWNED;:.png' ($label): a file of that name" is_png "|touch PWNED;:.png"

    # The figure's own name.
    fresh
    out=$("$G" -e "$draw:save(arg[1])" --out o -- "$nm.png" 2>&1)
    rc=$?
    ok "save '$label.png': nothing ran" no_marker
    case "$nm" in
    *"$nl"*)
        ok "save '$label.png': refused" [ "$rc" -eq 1 ]
        ok "save '$label.png': says why" eval 'printf "%s" "$out" | grep -q "file name contains a newline"'
        ok "save '$label.png': no file" [ -z "$(find . -name '*.png' -o -name '*.gp')" ]
        ;;
    *)
        ok "save '$label.png': exit 0" [ "$rc" -eq 0 ]
        ok "save '$label.png': image in place" is_png "o/$nm.png"
        ok "save '$label.png': script in place" [ -s "o/$nm.png.gp" ]
        ;;
    esac

    # gprior batch --out.
    fresh
    "$G" batch "$tmp/fig.lua" -j 1 --out "$nm" >out.txt 2>&1
    ok "batch --out '$label': exit 0" [ $? -eq 0 ]
    ok "batch --out '$label': nothing ran" no_marker
    ok "batch --out '$label': image in place" is_png "./$nm/fig/b.png"

    # TMPDIR for preview (relative, and the folder exists).
    fresh
    mkdir -p "./$nm"
    out=$(TMPDIR="$nm" "$G" -e "print($draw:preview(40, 12))" 2>&1)
    ok "preview with TMPDIR='$label': exit 0" [ $? -eq 0 ]
    ok "preview with TMPDIR='$label': nothing ran" no_marker
    ok "preview with TMPDIR='$label': drawn" eval 'printf "%s" "$out" | grep -q "[*][*][*]"'
    IFS=$us
done
IFS=' '

finish figure_safety
