-- Exercise 5: the product u = fg of independent GPs is not a GP: exact moments, heavy tails (excess kurtosis 6).
-- u(x) = f(x) g(x) for independent f ~ GP(m1, k1), g ~ GP(m2, k2) is
-- in general NOT a GP: its marginals are products of Gaussians, heavy-tailed.
-- Its first two moments are still exact:
--   E u(x) = m1(x) m2(x),
--   Cov(u(x), u(x')) = k1 k2 + m1(x) m1(x') k2 + m2(x) m2(x') k1.
-- For centred f and g with unit variance, u(x) has excess kurtosis 6
-- (E[f^4] E[g^4] / (E[f^2] E[g^2])^2 - 3 = 9 - 3), where a Gaussian has 0.
local gp = require "gprior"
local check = require "gprior.check"

local c = check.new "exercise 5: u = f g"
local f = gp.GP{kernel = gp.rbf{lengthscale = 1}, mean = 1}
local g = gp.GP{kernel = gp.matern52{lengthscale = 0.7}, mean = function(x) return 0.5 * x end}
local u = f * g
print("u = " .. tostring(u))
print("u is a Gaussian process: " .. tostring(u:is_gaussian()))

local x = gp.linspace(0, 4, 120)
local F, G, U = gp.sample_joint({f, g, u}, x, {n = 3})
local fig = gp.figure{title = "Exercise 5: the product of two independent GPs", layout = {2, 2},
                      size = {1100, 800}, xlabel = "$x$"}
  :panel{title = "$f ∼$ GP(1, rbf)", ylabel = "$f(x)$"}:lines(x, F)
  :panel{title = "$g ∼$ GP($x/2$, Matérn 5/2)", ylabel = "$g(x)$"}:lines(x, G)
  :panel{title = "$u = fg$ (same draws), mean $m_1 m_2$ ± 2 sd", ylabel = "$u(x)$"}
  :band(x, u:mean(x), u:sd(x), 2, {title = "mean ± 2 sd (not a Gaussian band)"})
  :lines(x, U)

-- The exact moments against draws, and a wrong formula that must be rejected.
local pts = gp.linspace(0.5, 3.5, 5)
local m1, m2, K1, K2 = f:mean(pts), g:mean(pts), f:cov(pts), g:cov(pts)
local K, Kwrong = gp.matrix(5, 5), gp.matrix(5, 5)
for i = 1, 5 do
  for j = 1, 5 do
    local k1, k2 = K1:get(i, j), K2:get(i, j)
    K:set(i, j, k1 * k2 + m1[i] * m1[j] * k2 + m2[i] * m2[j] * k1)
    Kwrong:set(i, j, k1 * k2)
  end
end
local mu = gp.matrix(5, 1)
for i = 1, 5 do mu[i] = m1[i] * m2[i] end
local N = check.draws(50000)
local _, _, Udraws = gp.sample_joint({f, g, u}, pts, {n = N})
c:moments("draws of u match E u = m1 m2 and Cov = k1 k2 + m1 m1' k2 + m2 m2' k1", Udraws, mu, K)
c:rejects("the same check rejects Cov = k1 k2 (the mean terms left out)", Udraws, mu, Kwrong)

-- Heavy tails: centred unit-variance factors at one point.
local f0, g0 = gp.GP{kernel = gp.rbf{}}, gp.GP{kernel = gp.rbf{}}
local u0 = f0 * g0
local M = check.draws(200000)
local v = u0:sample(gp.matrix{1}, {n = M})
local values = gp.matrix(M, 1)
local s4 = gp.matrix(1, M)
for t = 1, M do values[t] = v:get(1, t); s4:set(1, t, v:get(1, t) ^ 4) end
local kurt = gp.kurtosis(values)
local se4 = gp.moments(s4).se_mean[1]   -- SE of E[u^4]; Var u = 1, so kurtosis SE ~ this
print(string.format("excess kurtosis of u(1) = f(1) g(1), centred: %.3f (Gaussian: 0; theory: 6)", kurt))
c:near("excess kurtosis of a product of two centred unit Gaussians is 6 (5 SE)", kurt, 6, 5 * se4)
c:truthy("so u is not Gaussian: asking for its Gaussian band is an error",
         not pcall(function() return u0:band(gp.matrix{1}) end))

local bins, lo, hi = 80, -5, 5
local grid = gp.linspace(lo, hi, 201)
local normal = gp.matrix(201, 1)
for i = 1, 201 do normal[i] = math.exp(-0.5 * grid[i] ^ 2) / math.sqrt(2 * math.pi) end
local clipped = {}
for t = 1, M do
  local w = values[t]
  if w >= lo and w <= hi then clipped[#clipped + 1] = w end
end
fig:panel{title = string.format("$u(1)$ for centred $f$, $g$: excess kurtosis %.2f", kurt),
          xlabel = "$u$", ylabel = "density", xrange = {lo, hi}}
   :histogram(clipped, {bins = bins, density = true, title = "draws of $u(1)$ ($|u| ≤ 5$)"})
   :line(grid, normal, {title = "Gaussian with the same variance", color = "red", width = 2})
   :save "ex5_product.png"
c:finish()
