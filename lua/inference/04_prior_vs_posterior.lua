-- Prior and posterior side by side: the same kernel before and after 8 noise-free observations.
-- f ~ GP(0, matern52(a = 1, l = 0.8)) on [0, 5]. Left, the prior: mean 0, sd 1 everywhere.
-- Right, the posterior given y = f(x) at 8 points with noise 0: every sample passes
-- through every observation (the posterior variance is 0 there), and between them the
-- band opens again. The posterior is drawn pathwise (Matheron's rule): a prior draw
-- at the plotting points and the observations, corrected through the 8 x 8 factor.
-- Checked: prior and posterior draws against their formulas (5 SE), the posterior check
-- rejects the prior's covariance, and the posterior samples hit the observations.
local gp = require "gprior"
local check = require "gprior.check"

local c = check.new "prior vs posterior"
local f = gp.GP{kernel = gp.matern52{lengthscale = 0.8}}
local X = gp.matrix{0.3, 0.9, 1.6, 2.1, 2.8, 3.5, 4.1, 4.7}
local y = gp.matrix{-0.4, 0.5, 1.1, 0.6, -0.8, -1.2, 0.1, 0.9}
local p = f:condition(X, y)
print(p)
print("conditioning: " .. tostring(p:info()))

local x = gp.linspace(0, 5, 300)
local fig = gp.figure{title = "Matérn 5/2 prior and its posterior given 8 exact observations",
                      layout = {1, 2}, size = {1400, 500}, xlabel = "$x$", ylabel = "$f(x)$",
                      yrange = {-3.6, 3.6}, legend = "shared"}
local Sp = f:sample(x, {n = 6})
local Sq, info = p:sample(x, {n = 6})
print("posterior draws: " .. tostring(info))
fig:panel{title = "prior $f ∼ GP(0, k)$"}
   :band(x, f, 2, {title = "mean ± 2 sd"})
   :lines(x, Sp, {width = 1.2})
   :line(x, f:mean(x), {title = "mean"})
fig:panel{title = "posterior $f | y$"}
   :band(x, p, 2, {title = "mean ± 2 sd"})
   :lines(x, Sq, {width = 1.2})
   :line(x, p:mean(x), {title = "mean"})
   :points(X, y, {title = "observations", color = "black", size = 1.2})
fig:save "prior_vs_posterior.png"

local xq = gp.matrix{0.6, 1.6, 2.45, 5.0}  -- between, at, between, beyond the data
local N = check.draws(20000)
local P = f:sample(xq, {n = N})
c:moments("prior draws: mean 0, kernel k", P, f:mean(xq), f:cov(xq))
local Q = p:sample(xq, {n = N})
local C = p:cov(xq)
-- at x = 1.6, an observation, the posterior variance is 0: a value drawn exactly
c:below("the posterior's variance at an observation is 0 (to rounding)", C:get(2, 2), 1e-12)
local Q3 = gp.matrix{xq[1], xq[3], xq[4]}
local D = gp.matrix(3, N)
for j = 1, N do D:set(1, j, Q:get(1, j)); D:set(2, j, Q:get(3, j)); D:set(3, j, Q:get(4, j)) end
c:moments("posterior draws: mean and kernel of f | y (off the observations)", D, p:mean(Q3), p:cov(Q3))
c:rejects("... and the check rejects the prior's", D, f:mean(Q3), f:cov(Q3))
local miss = 0
local at = p:sample(X, {n = 50})
for i = 1, X:rows() do
  for j = 1, 50 do miss = math.max(miss, math.abs(at:get(i, j) - y[i])) end
end
c:below("every posterior sample passes through every observation (largest miss)", miss, 1e-6)
c:finish()
