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

-- Fitting from the same start, one start each: kernel parameters and the noise
-- (scikit-learn: C(a^2) * RBF(l) + WhiteKernel(s2), its default L-BFGS-B on the
-- log parameters within (1e-5, 1e5), gprior's default box too). gprior's
-- optimum and fitted values are written; the peer fits and compares.
local function fit_case(name, f, sklearn, X, y, noise)
  local _, fit = gp.fit{process = f, X = X, y = y, noise = noise, restarts = 0}
  gp.matrix{fit.value}:write_tsv(name .. ".fit_lml.tsv")
  local v = gp.matrix(#fit.names, 1)
  for j, n in ipairs(fit.names) do v[j] = fit.params[n] end
  v:write_tsv(name .. ".fit_params.tsv")
  X:write_tsv(name .. ".X.tsv")
  y:write_tsv(name .. ".y.tsv")
  cases[#cases + 1] = name .. "\t" .. sklearn .. "\tfit"
end
fit_case("fit_inference_01", gp.GP{kernel = gp.rbf{lengthscale = 1}},
         "C(1.0) * RBF(1.0) + WhiteKernel(0.1)", Xd, yd, 0.1)
local Xf = uniform(60, 1, 0, 8)
local yf = Xf:map(function(x) return math.sin(x) * math.exp(-x / 6) end) + 0.3 * gp.randn(60)
fit_case("fit_matern52", gp.GP{kernel = gp.matern52{amplitude = 2, lengthscale = 0.3}},
         "C(4.0) * Matern(0.3, nu=2.5) + WhiteKernel(0.5)", Xf, yf, 0.5)
local X2 = uniform(50, 2, 0, 3)
local y2 = gp.matrix(50, 1)
for i = 1, 50 do y2[i] = math.sin(2 * X2:get(i, 1)) + X2:get(i, 2) ^ 2 / 4 + 0.1 * gp.randn(1)[1] end
fit_case("fit_ard2d", gp.GP{kernel = gp.rbf{lengthscale = {1, 1}}},
         "C(1.0) * RBF([1.0, 1.0]) + WhiteKernel(0.01)", X2, y2, 0.01)

local f = assert(io.open(gp.outdir() .. "/cases.tsv", "w"))
f:write(table.concat(cases, "\n"), "\n")
f:close()
