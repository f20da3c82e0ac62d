-- The cases of the scikit-learn peer test (tests/peers/sklearn_compare.py):
-- data, and gprior's posterior mean and sd at test points and log marginal
-- likelihood, written as TSV files under --out. Each case names the same
-- model in both libraries' parametrisations:
--   gprior rbf{amplitude = a, lengthscale = l}  = sklearn C(a^2) * RBF(l)
--   gprior matern32 / matern52                  = sklearn Matern(l, nu = 1.5 / 2.5)
--   gprior rq{alpha = al}                       = sklearn RationalQuadratic(l, al)
--   gprior periodic{lengthscale = l, period = p} = sklearn ExpSineSquared(l, p)
--   noise variance s2 (f:condition's noise)     = sklearn alpha = s2 (added to K's diagonal)
-- Run: gprior run tests/peers/sklearn_cases.lua --out DIR
local gp = require "gprior"

gp.seed(11)
local function uniform(n, d, lo, hi)
  local X = gp.matrix(n, d)
  for i = 1, n do
    for j = 1, d do X:set(i, j, lo + (hi - lo) * math.random()) end
  end
  return X
end
math.randomseed(11)

local cases = {}
-- The case's files: the data, and gprior's posterior of f given y at xt.
local function write(name, f, sklearn, X, y, xt, noise)
  local p = f:condition(X, y, {noise = noise})
  local lml = f:log_marginal_likelihood(X, y, {noise = noise})
  local s2 = type(noise) == "number" and gp.matrix{noise} or noise
  for suffix, m in pairs{X = X, y = y, noise = s2, xt = xt, mean = p:mean(xt), sd = p:sd(xt),
                         lml = gp.matrix{lml}} do
    m:write_tsv(name .. "." .. suffix .. ".tsv")
  end
  cases[#cases + 1] = name .. "\t" .. sklearn
end
-- A case on noisy observations of truth at X.
local function case(name, f, sklearn, X, xt, noise, truth)
  local y, e = gp.matrix(X:rows(), 1), gp.randn(X:rows())
  for i = 1, X:rows() do y[i] = truth(X:row(i)) + 0.2 * e[i] end
  write(name, f, sklearn, X, y, xt, noise)
end

local sin3 = function(x) return math.sin(3 * x[1]) end
local X1, xt1 = uniform(30, 1, 0, 5), gp.linspace(-1, 6, 141)
case("rbf", gp.GP{kernel = gp.rbf{amplitude = 1.3, lengthscale = 0.7}},
     "C(1.69) * RBF(0.7)", X1, xt1, 0.04, sin3)
local s2 = gp.matrix(30, 1)
for i = 1, 30 do s2[i] = 0.01 + 0.09 * (i - 1) / 29 end
case("matern32_pernoise", gp.GP{kernel = gp.matern32{amplitude = 0.8, lengthscale = 1.2}},
     "C(0.64) * Matern(1.2, nu=1.5)", X1, xt1, s2, sin3)
case("smallnoise", gp.GP{kernel = gp.matern52{lengthscale = 0.5}},
     "Matern(0.5, nu=2.5)", X1, xt1, 1e-4, sin3)
case("sum", gp.GP{kernel = gp.rq{amplitude = 0.9, lengthscale = 1.5, alpha = 2} +
                           gp.periodic{amplitude = 0.5, lengthscale = 0.8, period = 2}},
     "C(0.81) * RationalQuadratic(1.5, 2) + C(0.25) * ExpSineSquared(0.8, 2)", X1, xt1, 0.02, sin3)
case("ard2d", gp.GP{kernel = gp.rbf{lengthscale = {0.8, 1.5}}},
     "RBF([0.8, 1.5])", uniform(40, 2, 0, 3), uniform(60, 2, -0.5, 3.5), 0.01,
     function(x) return math.sin(2 * x[1]) * math.cos(x[2]) end)

-- the model and data of lua/inference/01_posterior.lua
local Xd, yd = require("gprior.inference").data{n = 50, sd = 0.25}
write("inference_01", gp.GP{kernel = gp.rbf{lengthscale = 0.6}}, "RBF(0.6)", Xd, yd,
      gp.linspace(-0.5, 5.5, 400), 0.0625)

local f = assert(io.open(gp.outdir() .. "/cases.tsv", "w"))
f:write(table.concat(cases, "\n"), "\n")
f:close()
