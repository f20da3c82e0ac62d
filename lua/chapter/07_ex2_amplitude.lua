-- Exercise 2: the RBF amplitude a² = 0.25, 1, 4 scales the variance and leaves the shapes unchanged.
-- How does the amplitude a of the RBF kernel
--   k(x, x') = a^2 exp(-(x - x')^2 / (2 l^2))
-- change the samples? It scales the marginal variance by a^2 and leaves the
-- shapes unchanged: with the same seed, the samples for amplitude a are exactly
-- a times those for a = 1 (the Cholesky factor scales by a, the normals are the same).
local gp = require "gprior"
local check = require "gprior.check"

local c = check.new "exercise 2: RBF amplitude"
local x = gp.linspace(0, 5, 100)
local fig = gp.figure{title = "Exercise 2: RBF prior with $a^2$ = 0.25, 1, 4 (same seed)",
                      layout = {1, 3}, size = {1400, 450}, legend = "shared", xlabel = "$x$",
                      ylabel = "$f(x)$", yrange = {-5, 5}}
local base = gp.GP{kernel = gp.rbf{amplitude = 1}}:sample(x, {n = 4, seed = 7})
local N = check.draws(20000)
local at = gp.matrix{2.5}

for _, a2 in ipairs{0.25, 1, 4} do
  local a = math.sqrt(a2)
  local f = gp.GP{kernel = gp.rbf{amplitude = a, lengthscale = 1}}
  local S = f:sample(x, {n = 4, seed = 7})
  fig:panel{title = string.format("$a^2 = %g$", a2)}
     :band(x, f:mean(x), f:sd(x), 2, {title = "mean ± 2 sd = $± 2a$"})
     :lines(x, S, {title = "4 samples (the same normals in each panel)"})

  local worst = 0
  for i = 1, S:rows() do
    for j = 1, S:cols() do
      worst = math.max(worst, math.abs(S:get(i, j) - a * base:get(i, j)))
    end
  end
  c:below(string.format("a^2 = %g: same seed gives a times the a = 1 samples (max difference)", a2),
          worst, 1e-12)

  local m = gp.moments(f:sample(at, {n = N}))
  c:near(string.format("a^2 = %g: Var f(2.5) from %d draws is a^2 (5 SE)", a2, N),
         m.cov:get(1, 1), a2, 5 * m.se_cov:get(1, 1))
end
fig:save "ex2_amplitude.png"
c:finish()
