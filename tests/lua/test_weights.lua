-- Lua-level tests of bases, weight-space models and the random erf network.
local gp = require "gprior"

-- Empirical mean of row i, covariance of rows i, j, and its standard error.
local function moments(S, i, j)
  local m = gp.moments(S)
  return m.mean[i], m.cov:get(i, j), m.se_cov:get(i, j)
end

return {
  ["basis values, fields and tostring"] = function(t)
    local p = gp.basis.polynomial{degree = 2}
    local Phi = p:eval{-2, 3}
    t.eq(Phi:rows(), 2, "rows"); t.eq(Phi:cols(), 3, "J")
    t.eq(Phi:get(1, 3), 4, "x^2"); t.eq(Phi:get(2, 2), 3, "x"); t.eq(Phi:get(2, 1), 1, "1")
    t.eq(p.J, 3, "p.J"); t.eq(p:size(), 3, "size"); t.eq(p.dc, 0, "no spacing")
    t.eq(gp.basis.polynomial{}:size(), 2, "default degree 1: (1, x)")
    local b = gp.basis.bumps{J = 10, lengthscale = 0.5}
    t.near(b.dc, 2 * math.log(10) / 10, 1e-15, "dc"); t.eq(b:spacing(), b.dc, "b:spacing()")
    t.eq(b.J, 10, "J"); t.eq(b:dim(), 1, "dim")
    local c1 = -math.log(10) + 0.5 * b.dc -- first centre: a cell midpoint
    t.near(b:eval{c1}:get(1, 1), 1, 1e-15, "bump at its centre")
    t.near(b:eval{0}:get(1, 1), math.exp(-c1 ^ 2 / (2 * 0.25)), 1e-15, "bump value")
    t.truthy(tostring(b):find("bumps(J=10, lengthscale=0.5", 1, true), tostring(b))
    t.truthy(tostring(gp.basis.fourier{J = 3}):find("approximates rbf", 1, true), "fourier says approximation")
  end,
  ["fourier features: seeds and the program generator"] = function(t)
    local x = gp.matrix{{0.5, -1}, {2, 0.25}}
    local a = gp.basis.fourier{J = 4, dim = 2, seed = 3}:eval(x)
    local b = gp.basis.fourier{J = 4, dim = 2, seed = 3}:eval(x)
    local c = gp.basis.fourier{J = 4, dim = 2, seed = 4}:eval(x)
    t.eq(a:get(2, 3), b:get(2, 3), "same seed, same features"); t.truthy(a:get(2, 3) ~= c:get(2, 3), "other seed")
    gp.seed(8); local g1 = gp.basis.fourier{J = 4}:eval{1}
    gp.seed(8); local g2 = gp.basis.fourier{J = 4}:eval{1}
    t.eq(g1[1], g2[1], "drawn from the program generator without a seed")
    -- with many features phi(x).phi(y) approximates a^2 exp(-r^2 / (2 l^2))
    local f = gp.basis.fourier{J = 20000, lengthscale = 2, amplitude = 1.5, seed = 1}
    local m = gp.weights{basis = f}
    local K = m:cov{0, 1}
    t.near(K:get(1, 2), 2.25 * math.exp(-1 / 8), 5 * 2.25 / math.sqrt(20000), "rbf approximation")
  end,
  ["the line: k = 1 + x x', and alpha^2 (1 + x x')"] = function(t)
    local line = gp.basis.polynomial{degree = 1}
    local x = gp.linspace(-5, 5, 4)
    for _, case in ipairs{{gp.weights{basis = line}, 1},
                          {gp.weights{basis = line, cov = 4}, 4},
                          {gp.weights{basis = line, cov = gp.matrix{{4, 0}, {0, 4}}}, 4}} do
      local m, a2 = case[1], case[2]
      local K, v, sd = m:cov(x), m:var(x), m:sd(x)
      for i = 1, 4 do
        for j = 1, 4 do t.near(K:get(i, j), a2 * (1 + x[i] * x[j]), 1e-12, "cov") end
        t.near(v[i], a2 * (1 + x[i] ^ 2), 1e-12, "var"); t.near(sd[i], math.sqrt(a2 * (1 + x[i] ^ 2)), 1e-12, "sd")
      end
    end
    local m = gp.weights{basis = line, mean = {2, -1}}
    t.eq(m:mean{3}[1], -1, "mean 2 - x"); t.eq(m:size(), 2, "size")
    t.eq(gp.weights{basis = line, mean = 1.5}:mean{2}[1], 4.5, "number mean: 1.5 + 1.5 x")
    t.eq(m:cov({1, 2}, {0, 1, 3}):cols(), 3, "cross covariance")
    t.truthy(tostring(m):find("mean=(2, -1), cov=1 I", 1, true), tostring(m))
    t.eq(m:basis():size(), 2, "m:basis()")
  end,
  ["bumps model tends to its limit, an rbf kernel"] = function(t)
    local x = gp.linspace(-1, 1, 9)
    local k = gp.bumps_limit{lengthscale = 0.8, sigma = 1.3}
    t.truthy(tostring(k):find("^rbf%("), tostring(k))
    t.near(k(0.3, -0.2), math.sqrt(math.pi) * 0.8 * 1.69 * math.exp(-0.25 / (4 * 0.64)), 1e-14, "limit formula")
    local L = k:gram(x)
    local function err(J)
      local K, worst = gp.bumps_model{J = J, lengthscale = 0.8, sigma = 1.3}:cov(x), 0
      for i = 1, 9 do for j = 1, 9 do worst = math.max(worst, math.abs(K:get(i, j) - L:get(i, j))) end end
      return worst
    end
    local e10, e100, e1000 = err(10), err(100), err(1000)
    t.truthy(e100 < e10 / 10 and e1000 < 1e-9, string.format("errors %g %g %g", e10, e100, e1000))
  end,
  ["weight-space sampling: F = Phi W, seeds, options"] = function(t)
    local b = gp.basis.polynomial{degree = 2}
    local m = gp.weights{basis = b, mean = {1, 0, -1}, cov = gp.matrix{{1, 0.5, 0}, {0.5, 1, 0}, {0, 0, 0.1}}}
    local x = gp.linspace(-1, 1, 5)
    local F, W = m:sample(x, {n = 3, seed = 4})
    t.eq(F:rows(), 5, "F rows"); t.eq(F:cols(), 3, "F cols"); t.eq(W:rows(), 3, "W rows"); t.eq(W:cols(), 3, "W cols")
    local Phi = b:eval(x)
    for s = 1, 3 do
      for i = 1, 5 do
        local f = 0
        for k = 1, 3 do f = f + Phi:get(i, k) * W:get(k, s) end
        t.near(F:get(i, s), f, 1e-12, "F = Phi W")
      end
    end
    local F2 = m:sample(x, {n = 3, seed = 4})
    t.eq(F2:get(5, 3), F:get(5, 3), "same seed, same draws")
    t.raises(function() m:sample(x, {n = 0}) end, "sample: option 'n' must be >= 1, got 0")
    t.raises(function() m:sample(x, {count = 2}) end, "unknown option 'count'")
    -- moments of a rank-2 S (3 x 3): the mean and one covariance within 5 SE
    local N = 20000
    local S = m:sample(gp.matrix{-0.5, 0.8}, {n = N, seed = 9})
    local K, mu = m:cov{-0.5, 0.8}, m:mean{-0.5, 0.8}
    local m1, c12, se = moments(S, 1, 2)
    t.near(m1, mu[1], 5 * math.sqrt(K:get(1, 1) / N), "mean")
    t.near(c12, K:get(1, 2), 5 * se, "covariance")
  end,
  ["erf network: covariance is the nn kernel"] = function(t)
    local net = gp.erf_network{J = 3, Sigma = {1, 4}, variance = 2, offset = 0.5}
    local k = net:kernel()
    t.truthy(tostring(k):find("^nn%(variance=2, offset=0.5"), tostring(k))
    t.truthy(tostring(net):find("erf_network(J=3, Sigma={{1, 0}, {0, 4}}", 1, true), tostring(net))
    t.eq(net:size(), 3, "size")
    local x, N = gp.matrix{-1, 0.7}, 20000
    local F = net:sample(x, {n = N, seed = 21})
    t.eq(F:rows(), 2, "rows"); t.eq(F:cols(), N, "cols")
    local K = k:gram(x)
    local m1, c12, se = moments(F, 1, 2)
    local _, c11, se11 = moments(F, 1, 1)
    t.near(m1, 0, 5 * math.sqrt(K:get(1, 1) / N), "mean")
    t.near(c12, K:get(1, 2), 5 * se, "cov(f(-1), f(0.7))")
    t.near(c11, K:get(1, 1), 5 * se11, "var f(-1)")
    local a = net:sample(x, {seed = 5}); local b = net:sample(x, {seed = 5})
    t.eq(a[2], b[2], "same seed, same network")
    local net2 = gp.erf_network{J = 4, Sigma = gp.matrix{{1, 0, 0}, {0, 1, 0.5}, {0, 0.5, 1}}}
    t.eq(net2:sample(gp.matrix{{1, 2}, {0, 0}}, {n = 2}):cols(), 2, "2-D inputs")
  end,
  ["bad inputs are errors naming them"] = function(t)
    t.raises(function() gp.basis.bumps{J = 0} end, "bumps: J must be >= 2, got 0")
    t.raises(function() gp.basis.bumps{J = -3} end, "bumps: J must be >= 2, got %-3")
    t.raises(function() gp.basis.bumps{lengthscale = 1} end, "bumps: option 'J' .* is required")
    t.raises(function() gp.basis.bumps{J = 5, lengthscale = -1} end, "lengthscale must be finite and > 0, got %-1")
    t.raises(function() gp.basis.bumps{J = 5, lengthscal = 1} end, "unknown option 'lengthscal'")
    t.raises(function() gp.basis.bumps{J = 2.5} end, "bad option 'J'")
    t.raises(function() gp.basis.polynomial{degree = -1} end, "degree must be in 0..1000, got %-1")
    t.raises(function() gp.basis.fourier{J = 0} end, "fourier: J must be >= 1, got 0")
    t.raises(function() gp.basis.fourier{J = 5, seed = -1} end, "seed")
    t.raises(function() gp.basis.polynomial{}:eval(gp.points{{1, 2}}) end,
             "input has dimension 2 %(columns%) but the basis takes 1")
    t.raises(function() gp.basis.polynomial{}:eval{0 / 0} end, "non%-finite")
    local line = gp.basis.polynomial{}
    t.raises(function() gp.weights{basis = line, cov = gp.matrix{{1, 2}, {2, 1}}} end,
             "weights: cov: covariance is not positive semi%-definite")
    t.raises(function() gp.weights{basis = line, cov = gp.matrix{{1, 0.5}, {0.2, 1}}} end,
             "weights: cov must be symmetric")
    t.raises(function() gp.weights{basis = line, cov = gp.matrix{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}} end,
             "cov must be 2 x 2, got 3 x 3")
    t.raises(function() gp.weights{basis = line, cov = -1} end, "must be finite and >= 0, got %-1")
    t.raises(function() gp.weights{basis = line, mean = {1, 2, 3}} end, "mean is 3 x 1 but the basis has J = 2")
    t.raises(function() gp.weights{basis = gp.rbf{}} end, "option 'basis' must be a basis")
    t.raises(function() gp.weights{} end, "option 'basis' must be a basis")
    t.raises(function() gp.weights{basis = line, covariance = 1} end, "unknown option 'covariance'")
    t.raises(function() gp.bumps_model{J = 0} end, "bumps_model: J must be >= 2, got 0")
    t.raises(function() gp.bumps_model{J = 10, sigma = -1} end, "sigma must be finite and >= 0")
    t.raises(function() gp.bumps_limit{lengthscale = 0} end, "bumps_limit: lengthscale must be finite and > 0")
    t.raises(function() gp.erf_network{J = 0} end, "erf_network: J must be >= 1, got 0")
    t.raises(function() gp.erf_network{J = 2, Sigma = gp.matrix{{1, 3}, {3, 1}}} end,
             "erf_network: Sigma: covariance is not positive semi%-definite")
    t.raises(function() gp.erf_network{J = 2, Sigma = gp.matrix{{1, 0, 0}, {0, 1, 0}}} end, "Sigma must be square")
    t.raises(function() gp.erf_network{J = 2, variance = -1} end, "variance must be finite and >= 0")
    t.raises(function() gp.erf_network{J = 2}:sample(gp.points{{1, 2}}) end,
             "input has dimension 2 %(columns%) but Sigma is 2 x 2")
    t.raises(function() gp.erf_network{J = 2}:sample({1}, {n = -1}) end, "option 'n' must be >= 1")
  end,
  ["the core checks every size as the user wrote it"] = function(t)
    t.raises(function() gp.basis.fourier{J = -5} end, "fourier: J must be >= 1, got %-5")
    t.raises(function() gp.basis.fourier{J = 1 << 40} end, "fourier: J must be <= 10000000, got 1099511627776")
    t.raises(function() gp.basis.fourier{J = 4, dim = -1} end, "fourier: dim must be in 1%.%.2500000 %(for J = 4%), got %-1")
    t.raises(function() gp.basis.polynomial{degree = 1 << 40} end, "degree must be in 0%.%.1000, got 1099511627776")
    t.raises(function() gp.bumps_model{J = -1} end, "bumps_model: J must be >= 2, got %-1")
    t.raises(function() gp.erf_network{J = -7} end, "erf_network: J must be >= 1, got %-7")
    t.raises(function() gp.erf_network{} end, "erf_network: option 'J' %(the number of hidden units%) is required")
    t.raises(function() gp.erf_network{J = 2, Sigma = 0 / 0} end, "bad option 'Sigma' %(finite number expected")
    t.raises(function() gp.erf_network{J = 2, Sigma = "x"} end,
             "erf_network: bad option 'Sigma' %(matrix or table of numbers %(or a number%) expected, got string%)")
  end,
  ["the bumps limit is an rbf kernel made by the core; results never overflow silently"] = function(t)
    local k = gp.bumps_limit{lengthscale = 0.7, sigma = 1.3}
    t.near(k(0.3, -0.2), math.sqrt(math.pi) * 0.7 * 1.69 * math.exp(-0.25 / 1.96), 1e-13, "k(x, y)")
    t.raises(function() gp.bumps_limit{sigma = 0 / 0} end, "bumps_limit: bad option 'sigma' %(finite number expected")
    local big = gp.weights{basis = gp.basis.polynomial{degree = 1000}, cov = 1e100}
    t.raises(function() big:var{2} end, "weights: the variance is inf at entry 1: it overflowed")
    t.raises(function() big:sample({2}, {seed = 1}) end, "weights: the draw is")
    local net = gp.erf_network{J = 2, Sigma = gp.matrix{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}}
    t.eq(net:dim(), 2, "net:dim() is the input dimension"); t.eq(net:size(), 2, "net:size()")
    t.near(gp.weights{basis = gp.basis.polynomial{}, cov = 4}:sd{1}[1], math.sqrt(8), 1e-15, "sd")
  end,
}
