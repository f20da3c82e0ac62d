#!/bin/sh
# What a save leaves on disk when it is interrupted or fails: signals during a
# save (gprior run and gprior batch) leave no temporaries, SIGKILL's leftovers
# are swept by the next save into the folder, and a save that cannot install
# both the image and its .gp installs neither; on a full disk (a 200 kB tmpfs
# when this machine lets us mount one, and everywhere a file size limit,
# RLIMIT_FSIZE) every save and write_tsv fails with the reason and leaves
# nothing. Ends "figure_files: N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1

draw='gp.figure{title = "t"}:lines({1, 2, 3}, {1, 3, 2})'
# The temporaries of a save (.NAME.tmp-PID-RANDOM; before: .NAME.tmpPID.N) under $1.
temporaries() { find "$1" -name '.*.tmp-*' -o -name '.*.tmp[0-9]*' | wc -l; }
is_png() { [ "$(head -c 4 "$1" 2>/dev/null | tail -c 3)" = "PNG" ]; }

# A gnuplot that hangs (until killed), so that a save is caught half way.
cat > slow-gnuplot <<EOF2
#!/bin/sh
echo \$\$ > "$tmp/gnuplot.pid"
exec sleep 60
EOF2
chmod +x slow-gnuplot

# wait_for FILE: up to 10 s for FILE to appear.
wait_for() {
    i=0
    while [ ! -s "$1" ] && [ $i -lt 100 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    [ -s "$1" ]
}

# interrupted SIGNAL: start a save, stop it with SIGNAL, end the hung gnuplot;
# sets $rc to gprior's exit status. Signals are reset to their defaults
# (a background job of a script starts with SIGINT ignored).
interrupted() {
    rm -rf o gnuplot.pid
    GPRIOR_GNUPLOT="$tmp/slow-gnuplot" env --default-signal=INT,QUIT \
        "$G" -e "$draw:save 'x.png'" --out o >/dev/null 2>&1 &
    pid=$!
    wait_for gnuplot.pid
    ok "$1: a save is under way" [ "$(temporaries o)" -eq 2 ]
    kill -s "$1" "$pid"
    wait "$pid" 2>/dev/null
    rc=$?
    kill "$(cat gnuplot.pid)" 2>/dev/null
}

for sig in TERM:15 INT:2 HUP:1; do
    num=${sig#*:}
    sig=${sig%:*}
    interrupted $sig
    ok "SIG$sig: gprior dies of it" [ "$rc" -eq $((128 + num)) ]
    ok "SIG$sig: no temporaries left" [ "$(temporaries o)" -eq 0 ]
    ok "SIG$sig: no figure either" [ ! -e o/x.png ] && [ ! -e o/x.png.gp ]
done

interrupted KILL
ok "SIGKILL: the temporaries stay" [ "$(temporaries o)" -eq 2 ]
"$G" -e "$draw:save 'y.png'" --out o >/dev/null 2>&1
ok "SIGKILL: the next save into the folder sweeps them" [ "$(temporaries o)" -eq 0 ]
ok "SIGKILL: and saves" is_png o/y.png

# gprior batch stopped by SIGINT: its scripts get SIGTERM and clean up.
cat > fig.lua <<'LUA'
local gp = require "gprior"
gp.figure{}:lines({1, 2}, {1, 2}):save "b.png"
LUA
rm -rf o gnuplot.pid
GPRIOR_GNUPLOT="$tmp/slow-gnuplot" env --default-signal=INT "$G" batch fig.lua --out o \
    >/dev/null 2>&1 &
pid=$!
wait_for gnuplot.pid
ok "batch: a save is under way" [ "$(temporaries o)" -eq 2 ]
kill -s INT "$pid"
wait "$pid"
ok "batch SIGINT: exit 130" [ $? -eq 130 ]
kill "$(cat gnuplot.pid)" 2>/dev/null
ok "batch SIGINT: no temporaries left" [ "$(temporaries o)" -eq 0 ]

# A folder sitting where the .gp goes: no new image either, the old one stays.
rm -rf o && mkdir -p o/x.png.gp
check "folder at x.png.gp: refused" 1 "cannot save 'o/x.png': cannot write 'o/x.png.gp': Is a directory" \
    -- "$G" -e "$draw:save 'x.png'" --out o
ok "folder at x.png.gp: no image" [ ! -e o/x.png ]
printf 'old image' > o/x.png
"$G" -e "$draw:save 'x.png'" --out o >/dev/null 2>&1
ok "folder at x.png.gp: the old image is untouched" [ "$(cat o/x.png)" = "old image" ]
# A folder sitting where the image goes: the old .gp stays as it was.
rm -rf o && mkdir -p o/x.png && printf 'old script' > o/x.png.gp
check "folder at x.png: refused" 1 "cannot write 'o/x.png': Is a directory" \
    -- "$G" -e "$draw:save 'x.png'" --out o
ok "folder at x.png: the old .gp is back" [ "$(cat o/x.png.gp)" = "old script" ]
ok "folder at x.png: no temporaries" [ "$(temporaries o)" -eq 0 ]

# ---- a full disk ----------------------------------------------------------------
# A PNG of about 250 kB from a 3 kB script; a 300 kB text rendering; a .gp and
# a .tsv of about 800 kB.
big_png="local x = gp.linspace(0, 1, 20)
gp.figure{size = {2400, 1800}}:lines(x, gp.randn(20, 3)):save 'big.png'"
big_txt="local x = gp.linspace(0, 1, 20)
gp.figure{size = {8000, 4800}}:lines(x, gp.randn(20, 3)):save 'big.txt'"
big_gp="local x = gp.linspace(0, 1, 20000)
gp.figure{}:lines(x, gp.randn(20000, 2)):save 'big.png'"
big_tsv="gp.randn(20000, 3):write_tsv 'big.tsv'"

# limited CODE: run CODE with --out o under a 100 kB file size limit; writes
# beyond it fail with EFBIG ("File too large"; SIGXFSZ ignored).
limited() {
    rm -rf o && mkdir o
    sh -c "trap '' XFSZ; ulimit -f 200; exec \"\$0\" -e \"\$1\" --out o" "$G" "$1"
}
# Nothing of a failed write is left in o.
empty_o() { [ -z "$(ls -A o)" ]; }

check "size limit: PNG refused" 1 "cannot save 'o/big.png': cannot write the image: File too large" \
    -- limited "$big_png"
ok "size limit: no PNG, no .gp, no temporaries" empty_o
check "size limit: text rendering refused" 1 "cannot save 'o/big.txt': cannot write the image: File too large" \
    -- limited "$big_txt"
ok "size limit: no text file" empty_o
check "size limit: .gp refused" 1 "cannot save 'o/big.png': cannot write 'o/big.png.gp': File too large" \
    -- limited "$big_gp"
ok "size limit: no .gp" empty_o
check "size limit: write_tsv refused" 1 "cannot write 'o/big.tsv': File too large" \
    -- limited "$big_tsv"
ok "size limit: no .tsv" empty_o

# The real thing: a 200 kB tmpfs, in a private mount namespace (nothing stays
# mounted). Skipped (and said so) where unprivileged namespaces are off.
if unshare -rm true 2>/dev/null; then
    for code in "$big_png" "$big_txt" "$big_gp" "$big_tsv"; do
        rm -rf full && mkdir full
        out=$(unshare -rm sh -c 'mount -t tmpfs -o size=200k tmpfs full || exit 9
            "$0" -e "$1" --out full 2>&1; echo "status $?"; echo "left: $(ls -A full)"' "$G" "$code")
        what=$(printf '%s' "$code" | tail -n 1)
        ok "full tmpfs ($what): refused" eval 'printf "%s" "$out" | grep -q "^status 1$"'
        ok "full tmpfs ($what): says why" eval 'printf "%s" "$out" | grep -q "No space left on device"'
        ok "full tmpfs ($what): leaves nothing" eval 'printf "%s" "$out" | grep -q "^left: $"'
    done
else
    echo "figure_files: no mount namespace here; the tmpfs tests are skipped (the size-limit ones ran)"
fi

finish figure_files
