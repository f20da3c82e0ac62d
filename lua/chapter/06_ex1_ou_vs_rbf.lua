-- Exercise 1: Ornstein–Uhlenbeck against RBF samples and covariances at ℓ = 1: rough against smooth paths.
-- The Ornstein-Uhlenbeck kernel k_OU(x, x') = exp(-|x - x'| / (2 l))
-- (the chapter's convention; Rasmussen & Williams' exponential kernel is
-- exp(-r / l), gp.exponential) against the RBF kernel at the same l = 1.
-- OU paths are continuous but nowhere differentiable; RBF paths are smooth.
--
-- The check: the mean squared increment E[(f(x + h) - f(x))^2] = 2 (1 - k(h))
-- grows like h for OU (rough) and like h^2 for RBF (smooth), so doubling h
-- doubles it for OU and quadruples it for RBF. Both are checked on draws.
local gp = require "gprior"
local check = require "gprior.check"

local c = check.new "exercise 1: OU vs RBF"
local l = 1
local ou = gp.GP{kernel = gp.ou{lengthscale = l}}
local rbf = gp.GP{kernel = gp.rbf{lengthscale = l}}
print(ou); print(rbf)

local x = gp.linspace(0, 5, 400)
local So, info_o = ou:sample(x, {n = 3})
local Sr, info_r = rbf:sample(x, {n = 3})
print("OU sampler: " .. tostring(info_o)); print("RBF sampler: " .. tostring(info_r))

local grid = gp.linspace(0, 5, 40)
gp.figure{title = "Exercise 1: Ornstein–Uhlenbeck vs RBF, $ℓ = 1$", layout = {2, 2},
          size = {1100, 800}, sharey = "row", xlabel = "$x$"}
  :panel{title = "OU: $k = \\exp(−|x − x'| / 2ℓ)$: rough paths", ylabel = "$f(x)$"}
  :lines(x, So)
  :panel{title = "RBF: $k = \\exp(−(x − x')^2 / 2ℓ^2)$: smooth paths", ylabel = "$f(x)$"}
  :lines(x, Sr)
  :panel{title = "OU covariance $k(x, x')$", ylabel = "$x'$", aspect = "equal"}
  :heatmap(grid, grid, ou:cov(grid), {smooth = true, colorbar = "$k(x, x')$"})
  :panel{title = "RBF covariance $k(x, x')$", ylabel = "$x'$", aspect = "equal"}
  :heatmap(grid, grid, rbf:cov(grid), {smooth = true, colorbar = "$k(x, x')$"})
  :save "ex1_ou_vs_rbf.png"

-- Mean squared increments at h and 2 h, from draws at (0, h, 2h).
local h, N = 0.01, check.draws(40000)
local pts = gp.matrix{0, h, 2 * h}
for _, case in ipairs{{"OU", ou, 2}, {"RBF", rbf, 4}} do
  local name, f, growth = case[1], case[2], case[3]
  local S = f:sample(pts, {n = N})
  local d1, d2 = gp.matrix(N, 1), gp.matrix(N, 1)
  for t = 1, N do
    d1[t] = (S:get(2, t) - S:get(1, t)) ^ 2
    d2[t] = (S:get(3, t) - S:get(1, t)) ^ 2
  end
  local k = f:kernel()
  for _, inc in ipairs{{h, d1}, {2 * h, d2}} do
    local m = gp.moments(gp.matrix{inc[2]:totable()})   -- 1 x N: the squared increments
    c:near(string.format("%s: E[(f(x+%g) - f(x))^2] = 2 (1 - k(%g)), 5 SE", name, inc[1], inc[1]),
           m.mean[1], 2 * (1 - k(0, inc[1])), 5 * m.se_mean[1])
  end
  local ratio = (1 - k(0, 2 * h)) / (1 - k(0, h))
  c:near(string.format("%s: doubling h multiplies the increment by %d (formula gives %.4f)",
                       name, growth, ratio), ratio, growth, 0.01)
end
c:finish()
