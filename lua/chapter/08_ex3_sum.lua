-- Exercise 3: u = f + 2g of independent GPs is a GP with mean m₁ + 2m₂ and kernel k₁ + 4k₂.
-- u(x) = f(x) + 2 g(x) for independent f ~ GP(m1, k1), g ~ GP(m2, k2)
-- is a GP with mean m1 + 2 m2 and kernel k1 + 4 k2.
-- f, g and u are drawn from the SAME underlying draws, so the figure shows each
-- u built from the f and g beside it.
local gp = require "gprior"
local check = require "gprior.check"

local c = check.new "exercise 3: u = f + 2 g"
local f = gp.GP{kernel = gp.rbf{lengthscale = 1}, mean = function(x) return math.sin(x) end}
local g = gp.GP{kernel = gp.periodic{lengthscale = 1, period = 1.5, amplitude = 0.5}, mean = 0.5}
local u = f + 2 * g
print("f = " .. tostring(f)); print("g = " .. tostring(g)); print("u = " .. tostring(u))

local x = gp.linspace(0, 6, 150)
local F, G, U, info = gp.sample_joint({f, g, u}, x, {n = 3})
print("sampler: " .. tostring(info))
local fig = gp.figure{title = "Exercise 3: $u = f + 2g$ from the same draws of $f$ and $g$",
                      layout = {1, 3}, size = {1400, 450}, legend = "shared", sharey = true,
                      xlabel = "$x$"}
for _, p in ipairs{{"$f ∼$ GP(sin $x$, rbf)", f, F}, {"$g ∼$ GP(0.5, periodic)", g, G},
                   {"$u = f + 2g$: mean $m_1 + 2m_2$, kernel $k_1 + 4k_2$", u, U}} do
  fig:panel{title = p[1]}
     :band(x, p[2]:mean(x), p[2]:sd(x), 2, {title = "mean ± 2 sd"})
     :lines(x, p[3], {title = "3 joint draws"})
     :line(x, p[2]:mean(x), {title = "mean"})
end
fig:save "ex3_sum.png"

-- The formulas, built from the parts: mean m1 + 2 m2, kernel k1 + 4 k2.
local pts = gp.linspace(0, 6, 7)
local mu = f:mean(pts) + 2 * g:mean(pts)
local K = f:cov(pts) + 4 * g:cov(pts)
local N = check.draws(20000)
local _, _, Udraws = gp.sample_joint({f, g, u}, pts, {n = N})
c:moments("draws of u match mean m1 + 2 m2 and kernel k1 + 4 k2", Udraws, mu, K)
c:rejects("the same check rejects the wrong kernel k1 + 2 k2", Udraws, mu, f:cov(pts) + 2 * g:cov(pts))
local worst = 0
for i = 1, U:rows() do
  for j = 1, U:cols() do
    worst = math.max(worst, math.abs(U:get(i, j) - (F:get(i, j) + 2 * G:get(i, j))))
  end
end
c:below("each drawn u equals f + 2 g of the same draw", worst, 1e-12)
c:finish()
