#!/bin/sh
# gprior runs OpenBLAS on the CPU's own kernels when OpenBLAS fell back to
# generic ones, never overrides OPENBLAS_CORETYPE, and the kernels agree with
# the generic ones within rounding. Ends "blas: N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"

check "version names the kernels" 0 "BLAS: .*kernels [A-Za-z0-9]+ \(" -- "$G" --version
check "a set OPENBLAS_CORETYPE is left alone" 0 "kernels Prescott \(OPENBLAS_CORETYPE is set" \
    -- env OPENBLAS_CORETYPE=Prescott "$G" --version
check "an empty OPENBLAS_CORETYPE is left alone too" 0 "OPENBLAS_CORETYPE is set" \
    -- env OPENBLAS_CORETYPE= "$G" --version
if grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo; then
    check "not generic kernels on an AVX2 CPU" 0 "kernels (Haswell|Zen|SkylakeX|Cooperlake|SapphireRapids) " \
        -- env -u OPENBLAS_CORETYPE "$G" --version
fi

# Draws on the plain Cholesky path (OU, full rank), a Gram matrix and a
# matrix product through BLAS, printed in full precision, under the generic and
# the chosen kernels: equal within rounding (relative 1e-9), not necessarily bitwise.
cat > "$tmp/draw.lua" <<'LUA'
local gp = require "gprior"
local x = gp.linspace(0, 5, 400)
local S = gp.GP{kernel = gp.ou{}}:sample(x, {n = 3})
local K = gp.matern32{}:gram(x)
for i = 1, 400, 7 do
  io.write(string.format("%.17g %.17g %.17g\n", S:get(i, 1), S:get(i, 3), K:get(i, 400 - i + 1)))
end
LUA
env OPENBLAS_CORETYPE=Prescott "$G" run "$tmp/draw.lua" > "$tmp/generic.txt" 2>/dev/null
env -u OPENBLAS_CORETYPE "$G" run "$tmp/draw.lua" > "$tmp/chosen.txt" 2>/dev/null
check "generic and chosen kernels agree within rounding" 0 "^agree [0-9]+$" -- \
    awk 'NR == FNR { for (i = 1; i <= 3; i++) a[FNR, i] = $i; next }
         { for (i = 1; i <= 3; i++) { d = $i - a[FNR, i]; if (d < 0) d = -d
             s = a[FNR, i] < 0 ? -a[FNR, i] : a[FNR, i]; if (d > 1e-9 * (s + 1)) bad++ } n++ }
         END { if (n < 50 || bad) { print "differ", bad, n; exit 1 } print "agree", n }' \
    "$tmp/generic.txt" "$tmp/chosen.txt"

finish blas
