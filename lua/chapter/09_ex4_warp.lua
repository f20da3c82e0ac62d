-- Exercise 4: g(x) = x² f(x) is a GP with kernel x² x'² k(x, x'): zero at 0, variance growing as x⁴.
-- g(x) = a(x) f(x) with f ~ GP(0, k) and the deterministic a(x) = x^2
-- is a GP with mean 0 and kernel a(x) k(x, x') a(x') = x^2 x'^2 k(x, x'):
-- a modulates the amplitude: g(0) = 0 always, and Var g(x) grows as x^4.
local gp = require "gprior"
local check = require "gprior.check"

local c = check.new "exercise 4: g = x^2 f"
local f = gp.GP{kernel = gp.rbf{lengthscale = 1}}
local a = gp.poly{0, 0, 1}                 -- a(x) = x^2
local g = a * f
print("g = " .. tostring(g))

local x = gp.linspace(-2, 2, 101)
local F, G = gp.sample_joint({f, g}, x, {n = 4})
local lo, hi = g:band(x, 2)
gp.figure{title = "Exercise 4: $g(x) = x^2 f(x)$, kernel $x^2 x'^2 k(x, x')$", layout = {1, 2},
          size = {1100, 450}, xlabel = "$x$"}
  :panel{title = "$f ∼$ GP(0, rbf)", ylabel = "$f(x)$"}
  :band(x, f:mean(x), f:sd(x), 2, {title = "± 2 sd"})
  :lines(x, F)
  :panel{title = "$g = x^2 f$ (same draws): zero at $x = 0$", ylabel = "$g(x)$"}
  :fill(x, lo, hi, {title = "± 2 sd = ± 2x²"})
  :lines(x, G)
  :save "ex4_warp.png"

local pts = gp.matrix{-2, -1, -0.5, 0.5, 1, 2}
local K = f:cov(pts)
for i = 1, 6 do
  for j = 1, 6 do
    local xi, xj = pts[i], pts[j]
    K:set(i, j, xi * xi * xj * xj * K:get(i, j))
  end
end
local N = check.draws(20000)
local S = g:sample(pts, {n = N})
c:moments("draws of g match mean 0 and kernel x^2 x'^2 k(x, x')", S, gp.matrix(6, 1), K)
local wrong = f:cov(pts)
for i = 1, 6 do for j = 1, 6 do wrong:set(i, j, math.abs(pts[i] * pts[j]) * wrong:get(i, j)) end end
c:rejects("the same check rejects |x x'| k(x, x') (a(x) = |x| instead of x^2)", S, gp.matrix(6, 1), wrong)
local at0 = g:sample(gp.matrix{0}, {n = 1000})
local biggest = 0
for t = 1, 1000 do biggest = math.max(biggest, math.abs(at0:get(1, t))) end
c:truthy("g(0) = 0 in every draw", biggest == 0, string.format("max |g(0)| = %g over 1000 draws", biggest))
c:finish()
