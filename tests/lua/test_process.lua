-- Lua-level tests of processes and sampling.
local gp = require "gprior"

return {
  ["mean, var, sd, cov"] = function(t)
    local f = gp.GP{kernel = gp.rbf{amplitude = 2}, mean = function(x) return 3 * x end}
    local x = gp.linspace(0, 1, 3)
    t.eq(f:mean(x)[3], 3, "mean"); t.near(f:var(x)[2], 4, 1e-15, "var")
    t.near(f:sd(x)[1], 2, 1e-15, "sd"); t.near(f:cov(x):get(1, 3), 4 * math.exp(-0.5), 1e-14, "cov")
    t.eq(gp.GP{kernel = gp.rbf{}, mean = gp.poly{1, 1}}:mean(x)[3], 2, "poly mean")
    t.eq(gp.GP{kernel = gp.rbf{}, mean = 2.5}:mean(x)[2], 2.5, "constant mean")
  end,
  ["tostring names mean and kernel"] = function(t)
    t.eq(tostring(gp.GP{kernel = gp.rbf{}}), "GP(mean=0, kernel=rbf(amplitude=1, lengthscale=1))", "tostring")
  end,
  ["the linear kernel takes the rank-aware path with rank 2"] = function(t)
    local S, info = gp.GP{kernel = gp.linear{offset = 1}}:sample(gp.linspace(-5, 5, 50), {n = 3})
    t.eq(info.method, "pivoted-cholesky", "method"); t.eq(info.rank, 2, "rank"); t.eq(info.n, 50, "n")
    t.eq(S:cols(), 3, "samples"); t.truthy(tostring(info):find("rank 2 of 50"), tostring(info))
  end,
  ["an RBF on few points takes plain Cholesky"] = function(t)
    local _, info = gp.GP{kernel = gp.rbf{lengthscale = 0.1}}:sample(gp.linspace(0, 1, 5))
    t.eq(info.method, "cholesky", "method"); t.eq(info.rank, 5, "rank"); t.eq(info.jitter, 0, "jitter")
  end,
  ["seed option: same seed same bits, the global stream is untouched"] = function(t)
    local f, x = gp.GP{kernel = gp.ou{}}, gp.linspace(0, 1, 4)
    local a = f:sample(x, {seed = 11, n = 2})
    local b = f:sample(x, {seed = 11, n = 2})
    local c = f:sample(x, {seed = 12, n = 2})
    for i = 1, 4 do t.eq(a:get(i, 2), b:get(i, 2), "same seed") end
    t.truthy(a:get(1, 1) ~= c:get(1, 1), "different seed")
    gp.seed(5); local g1 = f:sample(x)
    gp.seed(5); f:sample(x, {seed = 99}); local g2 = f:sample(x)
    t.eq(g1[1], g2[1], "seeded draw does not advance the global generator")
    t.eq(gp.seed(), 5, "gp.seed() reports the seed")
  end,
  ["empirical moments of the warped kernel x^2 k"] = function(t)
    -- Var g(x) = x^4 k(x, x); with N draws the sample covariance has
    -- standard error sqrt((K_ij^2 + K_ii K_jj) / N); tolerance 5 SE.
    local k = gp.rbf{} * gp.poly{0, 0, 1}
    local x = gp.matrix{0.5, 1.5}
    local N = 20000
    local S = gp.GP{kernel = k, mean = 1}:sample(x, {n = N, seed = 3})
    local K = k:gram(x)
    local m = gp.moments(S)
    local m1, c12 = m.mean[1], m.cov:get(1, 2)
    t.near(m1, 1, 5 * math.sqrt(K:get(1, 1) / N), "mean")
    local se = math.sqrt((K:get(1, 2) ^ 2 + K:get(1, 1) * K:get(2, 2)) / N)
    t.near(c12, K:get(1, 2), 5 * se, "covariance")
  end,
  ["mvn_sample and an indefinite covariance"] = function(t)
    local S, info = gp.mvn_sample({0, 0}, {{1, 0.5}, {0.5, 1}}, {n = 4})
    t.eq(S:cols(), 4, "cols"); t.eq(info.method, "cholesky", "method")
    t.raises(function() gp.mvn_sample({0, 0}, {{1, 2}, {2, 1}}) end, "not positive semi%-definite")
    t.raises(function() gp.mvn_sample({0, 0}, {{1, 0}}) end, "covariance is 1 x 2")
  end,
  ["bad sample input"] = function(t)
    local f = gp.GP{kernel = gp.rbf{}}
    t.raises(function() f:sample(gp.linspace(0, 1, 3), {n = 0}) end, "'n' must be >= 1")
    t.raises(function() f:sample(gp.linspace(0, 1, 3), {n = 2.5}) end, "'n' %(integer expected, got 2.5%)")
    t.raises(function() f:sample(gp.linspace(0, 1, 3), {jitter = -1}) end, "jitter")
    t.raises(function() f:sample(gp.linspace(0, 1, 3), {count = 2}) end, "unknown option 'count'")
    t.raises(function() f:sample({}) end, "empty")
    t.raises(function() f:sample("x") end, "matrix or table")
    t.raises(function() gp.GP{} end, "'kernel' must be a kernel")
    t.raises(function() gp.GP{kernel = gp.rbf{}, mean = "zero"} end, "'mean' must be")
  end,
  ["sd, band and pdf come from the core's moments"] = function(t)
    local f = 3 * gp.GP{kernel = gp.rbf{}, mean = function(x) return x end}
    local x = gp.linspace(0, 1, 3)
    local lo, hi = f:band(x, 1.5)
    t.near(f:sd(x)[2], 3, 1e-15, "sd"); t.near(lo[3], 3 - 4.5, 1e-14, "lower"); t.near(hi[3], 3 + 4.5, 1e-14, "upper")
    local z = (0.25 - 1.5) / 3
    t.near(f:pdf(x, 0.25)[2], math.exp(-z * z / 2) / math.sqrt(2 * math.pi * 9), 1e-15, "pdf at one y")
    t.near(f:pdf(x, {0, 0, 3})[3], 1 / math.sqrt(2 * math.pi * 9), 1e-15, "pdf at y_i")
    t.raises(function() f:pdf(x, {0, 0}) end, "pdf: y has 2 values for 3 points")
    t.raises(function() f:band(x, -1) end, "band: the width k must be finite and >= 0, got %-1")
    t.raises(function() (0 * f):pdf(x, 0) end, "pdf: the variance at point 1 is 0")
  end,
  ["no process method returns NaN for a NaN input or y"] = function(t)
    local f = gp.GP{kernel = gp.rbf{}}   -- a constant mean never looks at x: still refused
    t.raises(function() f:mean{0 / 0} end, "mean: x%[1%] is %-?nan %(values must be finite%)")
    t.raises(function() f:var{1, 0 / 0} end, "var: x%[2%] is %-?nan")
    t.raises(function() f:sd{math.huge} end, "var: x%[1%] is inf")
    t.raises(function() f:cov({1}, {0 / 0}) end, "cov: x2%[1%] is %-?nan")
    t.raises(function() f:sample{0 / 0} end, "sample: x%[1%] is %-?nan")
    t.raises(function() f:pdf({1}, 0 / 0) end, "pdf: y%[1%] is %-?nan")
    t.raises(function() f:band({0 / 0}) end, "x%[1%] is %-?nan")
    t.raises(function() (1e200 * f):var{1} end, "var: the variance is inf at entry 1: it overflowed")
  end,
  ["moments and kurtosis refuse what has no answer, and name it"] = function(t)
    t.raises(function() gp.kurtosis{2, 2, 2} end, "kurtosis: all 3 values are equal %(2%)")
    t.raises(function() gp.kurtosis{1, 0 / 0, 3} end, "kurtosis: v%[2%] is %-?nan")
    t.raises(function() gp.kurtosis{1, math.huge} end, "kurtosis: v%[2%] is inf")
    t.near(gp.kurtosis{1e300, -1e300, 1e300, -1e300}, -2, 1e-14, "no overflow at 1e300")
    local m = gp.moments{{4, 4, 4}, {1, 2, 3}}    -- a constant row: zero covariance, zero SE
    t.eq(m.cov:get(1, 1), 0, "cov"); t.eq(m.se_cov:get(1, 2), 0, "se_cov"); t.eq(m.mean[1], 4, "mean")
    t.raises(function() gp.moments{{1, 0 / 0}} end, "moments: S%(1, 2%) is %-?nan")
    t.raises(function() gp.moments{{1e200, -1e200, 3e200}} end, "moments: the standard error of the mean overflows")
  end,
  ["sampling options: one reader, real values in the messages"] = function(t)
    local f, x = gp.GP{kernel = gp.rbf{}}, {0, 1}
    t.raises(function() f:sample(x, {n = 0 / 0}) end, "sample: bad option 'n' %(integer expected, got %-?nan%)")
    t.raises(function() f:sample(x, {n = 2^70}) end, "bad option 'n' %(integer expected, got 1%.1805916207174e%+21%)")
    t.raises(function() f:sample(x, {jitter = 0 / 0}) end, "bad option 'jitter' %(finite number expected, got %-?nan%)")
    t.raises(function() f:sample(x, {seed = "7"}) end, "bad option 'seed' %(integer expected, got string%)")
    t.raises(function() gp.sample_joint({f}, x, {seed = -2}) end, "sample_joint: option 'seed' must be >= 0, got %-2")
    t.raises(function() gp.mvn_sample({0}, {{1}}, {method = "x"}) end, "mvn_sample: unknown option 'method'")
    t.raises(function() f:sample(x, "n = 5") end, "bad argument #2 to 'sample' %(table of options expected, got string%)")
    local S, info = f:sample(x, {seed = math.maxinteger, n = 2})
    t.eq(S:cols(), 2, "the largest seed"); t.eq(getmetatable(info).__name, "gprior.sample_info", "info type")
  end,
  ["every sampler reports in one shape, printed one way"] = function(t)
    local f, g = gp.GP{kernel = gp.rbf{}}, gp.GP{kernel = gp.linear{offset = 1}}
    local x = gp.linspace(0, 1, 8)
    local reports = {
      {"f:sample", select(2, f:sample(x))},
      {"(f + g):sample", select(2, (f + g):sample(x))},
      {"sample_joint", select(3, gp.sample_joint({f, g}, x))},
      {"sample_grid", select(2, f:sample_grid(0, 1, 8))},
      {"sample_grid dense", select(2, f:sample_grid(0, 1, 8, {method = "dense"}))},
      {"sample_rff", select(2, f:sample_rff(x, {features = 3}))},
      {"mvn_sample", select(2, gp.mvn_sample(f:mean(x), f:cov(x)))},
      {"weights", select(3, gp.bumps_model{J = 3}:sample(x))},
      {"erf network", select(2, gp.erf_network{J = 2}:sample(x))},
    }
    for _, r in ipairs(reports) do
      local name, info = r[1], r[2]
      t.eq(getmetatable(info).__name, "gprior.sample_info", name .. ": type")
      t.eq(type(info.method), "string", name .. ": method")
      t.eq(info.n, 8, name .. ": n is the points of a draw")
      t.truthy(math.type(info.rank) == "integer" and info.rank >= 0 and info.rank <= 8, name .. ": rank")
      t.truthy(type(info.residual) == "number" and info.residual >= 0, name .. ": residual")
      t.eq(type(info.jitter), "number", name .. ": jitter")
      t.eq(type(info.approximate), "boolean", name .. ": approximate")
      local text = tostring(info)
      t.truthy(text:find("^" .. info.method:gsub("%p", "%%%0") .. "[^,]*, rank " .. info.rank .. " of 8, jitter %S+, residual %S+"),
               name .. ": " .. text)
    end
    local _, sum = (f + g):sample(x)
    t.eq(sum.method, "cholesky + pivoted-cholesky", "the parts' methods")
    t.eq(sum.rank, math.min(8, sum.parts[1].rank + sum.parts[2].rank), "rank of a sum of parts")
    t.eq(sum.parts[2].rank, 2, "the linear part has rank 2")
    local _, rff = f:sample_rff(x, {features = 3})
    t.eq(rff.approximate, true, "random features are approximate"); t.eq(rff.rank, 6, "3 cosines and 3 sines")
    t.truthy(tostring(rff):find("^random%-fourier%-features %(approximate%), rank 6 of 8, jitter 0, residual 0 %(features 3, family rbf%)"), tostring(rff))
    local _, lin = g:sample(gp.linspace(-5, 5, 50))
    t.truthy(tostring(lin):find("^pivoted%-cholesky, rank 2 of 50, jitter 0, residual %S+$"), tostring(lin))
    local _, _, w = gp.weights{basis = gp.basis.polynomial{degree = 2}, cov = {{1, 1, 0}, {1, 1, 0}, {0, 0, 1}}}:sample(x)
    t.eq(w.rank, 2, "weight space: the rank of the weights' covariance"); t.eq(w.weights, 3, "J")
  end,
}
