-- Lua-level tests of the grid sampler (f:sample_grid, circulant embedding,
-- exact) and the random-Fourier-feature sampler (f:sample_rff, approximate).
local gp = require "gprior"
local check = require "gprior.check"

-- Every mean and covariance entry of the draws S within 5 SE of mu and K
-- (standard errors estimated from the draws: check.max_z).
local function moments_ok(t, S, mu, K, msg)
  local z = check.max_z(S, mu, K)
  t.truthy(z <= 5, string.format("%s: max |z| = %.2f > 5", msg, z))
end

return {
  ["sample_grid: shape, info and tostring"] = function(t)
    local f = gp.GP{kernel = gp.matern32{lengthscale = 0.5}}
    local S, info = f:sample_grid(0, 10, 1000, {n = 3, seed = 1})
    t.eq(S:rows(), 1000, "rows"); t.eq(S:cols(), 3, "cols")
    t.eq(info.method, "circulant-embedding", "method"); t.eq(info.embedding, 2000, "m = 2000 >= 2 (n - 1), an FFT size")
    t.eq(info.paddings, 0, "paddings"); t.eq(info.n, 1000, "n"); t.eq(info.reason, nil, "no reason")
    t.truthy(info.clipped >= 0 and info.clipped < 1e-12, "clipped")
    t.truthy(tostring(info):find("^circulant%-embedding, rank 1000 of 1000, jitter 0, residual %S+ %(embedding 2000, paddings 0, clipped "), tostring(info))
  end,
  ["sample_grid draws have the mean and covariance of f on gp.linspace"] = function(t)
    local f = gp.GP{kernel = gp.ou{lengthscale = 0.5}, mean = function(x) return 1 - x end}
    local x = gp.linspace(-1, 1, 9)
    local S = f:sample_grid(-1, 1, 9, {n = 20000, seed = 2})
    moments_ok(t, S, f:mean(x), f:cov(x), "ou")
    t.truthy(check.max_z(S, f:mean(x), gp.GP{kernel = gp.exponential{lengthscale = 0.5}}:cov(x)) > 5,
             "the check tells exp(-r/(2l)) from exp(-r/l)")
    local g = gp.GP{kernel = gp.rbf{lengthscale = 1}}   -- needs padding on [0, 1]
    local S2, info = g:sample_grid(0, 1, 9, {n = 20000, seed = 3})
    t.truthy(info.paddings > 0, "padding")
    moments_ok(t, S2, g:mean(x), g:cov(gp.linspace(0, 1, 9)), "rbf")
  end,
  ["an indefinite embedding falls back to the dense sampler and says why"] = function(t)
    local f = gp.GP{kernel = gp.periodic{period = 0.3}}
    local S, info = f:sample_grid(0, 1, 12, {n = 20000, seed = 4})
    t.truthy(info.method:find("cholesky$"), info.method)   -- the dense factor, and why
    t.truthy(info.reason:find("indefinite up to m = "), info.reason)
    t.truthy(tostring(info):find("^%S*cholesky, rank %d+ of 12, .*: .*indefinite up to m = "), tostring(info))
    local x = gp.linspace(0, 1, 12)
    moments_ok(t, S, f:mean(x), f:cov(x), "periodic")
    t.raises(function() f:sample_grid(0, 1, 12, {method = "circulant"}) end,
             "stays indefinite up to m = %d+")
    local _, i2 = gp.GP{kernel = gp.rbf{}}:sample_grid(0, 1, 5, {method = "dense"})
    t.eq(i2.method, "cholesky", "requested"); t.eq(i2.reason, "dense sampler requested", "reason")
  end,
  ["sample_grid: seed, odd counts, one point"] = function(t)
    local f = gp.GP{kernel = gp.rbf{}}
    local a = f:sample_grid(0, 5, 50, {n = 3, seed = 9})
    local b = f:sample_grid(0, 5, 50, {n = 3, seed = 9})
    for i = 1, 50 do t.eq(a:get(i, 3), b:get(i, 3), "same seed same bits") end
    gp.seed(5); local g1 = f:sample_grid(0, 1, 4)
    gp.seed(5); f:sample_grid(0, 1, 4, {seed = 1}); local g2 = f:sample_grid(0, 1, 4)
    t.eq(g1[1], g2[1], "a seeded draw leaves the program generator alone")
    local one = gp.GP{kernel = gp.rbf{}, mean = 3}:sample_grid(2, 2, 1, {n = 2})
    t.eq(one:rows(), 1, "one point"); t.eq(one:cols(), 2, "two draws")
  end,
  ["sample_grid: bad input"] = function(t)
    local f = gp.GP{kernel = gp.rbf{}}
    t.raises(function() f:sample_grid(0, 1, 10, {count = 2}) end, "unknown option 'count'")
    t.raises(function() f:sample_grid(0, 1, 10, {method = "fft"}) end, "'method' must be")
    t.raises(function() f:sample_grid(0, 1, 10, {n = 0}) end, "'n' must be >= 1")
    t.raises(function() f:sample_grid(0, 1, 10, {seed = -1}) end, "'seed' must be >= 0")
    t.raises(function() f:sample_grid(1, 0, 10) end, "need a < b")
    t.raises(function() f:sample_grid(0, 1, 0) end, "grid points must be >= 1")
    t.raises(function() f:sample_grid(0, math.huge, 10) end, "sample_grid: stop must be finite, got inf")
    t.raises(function() f:sample_grid(0, 1, 10, {method = "dense\0"}) end, "zero byte")
    t.raises(function() f:sample_grid(0, 1, 10, {n = 1 << 40}) end,
             "sample_grid: a 10 x 1099511627776 matrix needs .*%(the size comes from option 'n'%)")
    t.raises(function() gp.GP{kernel = gp.linear{}}:sample_grid(0, 1, 10) end,
             "kernel linear%(variance=1, offset=0%) is not stationary.*f:sample")
    t.raises(function() (f + f):sample_grid(0, 1, 10) end, "combination")
    local g = gp.GP{kernel = gp.rbf{}, mean = function() error("mean broke") end}
    t.raises(function() g:sample_grid(0, 1, 10) end, "mean broke")
  end,
  ["sample_rff: approximate, shape, info"] = function(t)
    local f = gp.GP{kernel = gp.ou{lengthscale = 2}}
    local S, info = f:sample_rff(gp.linspace(0, 1, 7), {n = 2, seed = 1})
    t.eq(S:rows(), 7, "rows"); t.eq(S:cols(), 2, "cols")
    t.eq(info.method, "random-fourier-features", "method"); t.eq(info.approximate, true, "approximate")
    t.eq(info.features, 2000, "default features"); t.eq(info.family, "ou", "family")
    t.truthy(tostring(info):find("approximate"), tostring(info))
  end,
  ["sample_rff draws have the kernel's covariance (fresh features per draw), 2-D"] = function(t)
    local f = gp.GP{kernel = gp.matern32{lengthscale = {0.5, 2}}, mean = function(a, b) return a + b end}
    local X = gp.matrix{{0, 0}, {0.3, 0.5}, {-0.2, 1.5}, {1, -1}}
    local S = f:sample_rff(X, {features = 10, n = 20000, seed = 6})
    moments_ok(t, S, f:mean(X), f:cov(X), "matern32 ARD")
  end,
  ["sample_rff: bad input"] = function(t)
    local x = gp.linspace(0, 1, 3)
    t.raises(function() gp.GP{kernel = gp.periodic{}}:sample_rff(x) end,
             "has no supported spectral density")
    t.raises(function() gp.GP{kernel = gp.rbf{} + gp.ou{}}:sample_rff(x) end,
             "has no supported spectral density")
    t.raises(function() gp.GP{kernel = gp.brownian{}}:sample_rff(x) end, "not stationary")
    local f = gp.GP{kernel = gp.rbf{}}
    t.raises(function() f:sample_rff(x, {feature = 10}) end, "unknown option 'feature'")
    t.raises(function() f:sample_rff(x, {features = 0}) end, "'features' must be >= 1")
    t.raises(function() f:sample_rff(x, {features = -3}) end, "'features' must be >= 1, got %-3")
    t.raises(function() f:sample_rff(x, {features = 1.5}) end, "bad option 'features' %(integer expected, got 1%.5%)")
    t.raises(function() f:sample_rff({0 / 0}) end, "finite")
    t.raises(function() gp.GP{kernel = gp.rbf{lengthscale = {1, 2, 3}}}:sample_rff(gp.points{{1, 2}}) end,
             "3 length%-scales for 2%-D input")
    t.raises(function() (2 * f):sample_rff(x) end, "combination")
  end,
}
