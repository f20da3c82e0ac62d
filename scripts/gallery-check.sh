#!/bin/sh
# gallery-check.sh GPRIOR WORKDIR: make a gallery (a 2 x 2 sweep with figures in
# png, svg, pdf and text, data files, a wide multi-panel figure, a failing run with
# a long log line) and open it in headless Chromium from the file system:
# every image must load and the page must log nothing on the console. Leaves
# WORKDIR/screenshot.png to look at. Used by `make gallery-check`.
set -eu
gprior=$1
work=$2
case "$gprior" in /*) ;; *) gprior="$(pwd)/$gprior" ;; esac
command -v chromium > /dev/null || { echo "gallery-check: chromium is not installed" >&2; exit 2; }
rm -rf "$work"
mkdir -p "$work/scripts"
case "$work" in /*) ;; *) work="$(pwd)/$work" ;; esac

cat > "$work/scripts/wave.lua" <<'LUA'
-- Draws from an RBF prior, in every figure format, with their data.
local gp = require "gprior"
local l = gp.param("lengthscale", 1.0, "RBF length-scale")
local a = gp.param("amplitude", 1.0, "amplitude")
local x = gp.linspace(0, 5, 40)
local S = gp.GP{kernel = gp.rbf{lengthscale = l, amplitude = a}}:sample(x, {n = 3})
local fig = gp.figure{title = string.format("l = %g, a = %g", l, a)}:lines(x, S)
fig:save "draws.png"
fig:save "draws.svg"
fig:save "draws.pdf"
fig:save "draws.txt"
S:write_tsv "draws.tsv"
print("PASS a long PASS line that must wrap rather than scroll: " .. string.rep("0.123456 ", 40))
print("check summary: 1 passed, 0 failed")
LUA
cat > "$work/scripts/panels.lua" <<'LUA'
-- A wide figure of four panels.
local gp = require "gprior"
local x = gp.linspace(0, 1, 30)
local fig = gp.figure{size = {1600, 400}, layout = {1, 4}}
for i = 1, 4 do
  if i > 1 then fig:panel{} end
  fig:lines(x, (gp.GP{kernel = gp.matern32{lengthscale = 0.1 * i}}:sample(x, {n = 2})))
end
fig:save "panels.png"
LUA
cat > "$work/scripts/broken.lua" <<'LUA'
-- Fails after a very long line of output.
print(string.rep("z", 200000))
error("this run fails on purpose")
LUA

"$gprior" batch "$work/scripts/wave.lua" --sweep lengthscale=0.5,2 --sweep amplitude=1,3 \
    "$work/scripts/panels.lua" "$work/scripts/broken.lua" -j 2 --out "$work/out" > "$work/batch.txt" 2>&1 || true

# The checker: the gallery in an iframe (same origin with --allow-file-access-from-files);
# every image made eager, then counted: loaded or broken.
cat > "$work/check.html" <<'HTML'
<!DOCTYPE html><html><head><meta charset="utf-8"><title>pending</title></head><body>
<pre id="result">pending</pre>
<iframe id="g" src="out/index.html" style="width:1280px;height:900px"></iframe>
<script>
const frame = document.getElementById("g");
frame.addEventListener("load", () => {
  const doc = frame.contentDocument;
  const imgs = Array.from(doc.images);
  imgs.forEach(i => { i.loading = "eager"; const s = i.src; i.src = ""; i.src = s; });
  let waited = 0;
  const done = () => {
    const broken = imgs.filter(i => i.complete && i.naturalWidth === 0).map(i => i.getAttribute("src"));
    const pending = imgs.filter(i => !i.complete).length;
    if (pending && waited < 8000) { waited += 100; setTimeout(done, 100); return; }
    const text = "images " + imgs.length + " broken " + broken.length + " pending " + pending +
                 (broken.length ? "\n" + broken.join("\n") : "");
    document.getElementById("result").textContent = text;
    document.title = "done";
  };
  done();
});
</script></body></html>
HTML

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
flags="--headless --no-sandbox --disable-gpu --disable-background-networking --no-first-run \
--user-data-dir=$profile --allow-file-access-from-files"
# shellcheck disable=SC2086
chromium $flags --enable-logging=stderr --v=0 --virtual-time-budget=15000 --dump-dom \
    "file://$work/check.html" > "$work/dom.html" 2> "$work/chromium.log" || true
result=$(sed -n 's/.*<pre id="result">\([^<]*\).*/\1/p' "$work/dom.html" | head -1)
console=$(grep -E ':CONSOLE\(' "$work/chromium.log" || true)
# shellcheck disable=SC2086
chromium $flags --hide-scrollbars --window-size=1280,2200 --screenshot="$work/screenshot.png" \
    "file://$work/out/index.html" > /dev/null 2>&1 || true

status=0
case "$result" in
    "images "*" broken 0 pending 0") ;;
    *) echo "gallery-check: FAIL: images: ${result:-no result (see $work/chromium.log)}"; status=1 ;;
esac
if [ -n "$console" ]; then
    echo "gallery-check: FAIL: console messages:"
    echo "$console"
    status=1
fi
[ -s "$work/screenshot.png" ] || { echo "gallery-check: FAIL: no screenshot"; status=1; }
size=$(wc -c < "$work/out/index.html")
[ "$status" -eq 0 ] && echo "gallery-check: ok: $result, no console messages, index.html $size bytes;" \
    "screenshot $work/screenshot.png"
exit $status
