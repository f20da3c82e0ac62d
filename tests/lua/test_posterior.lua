-- Lua-level tests of conditioning (f:condition), the log marginal likelihood
-- and posterior draws: the binding's arguments, options, errors and reports.
-- The formulas themselves are checked in tests/c/test_posterior.c and against
-- scikit-learn (tests/peers).
local gp = require "gprior"

local X = gp.matrix{0.3, 1.1, 1.7, 2.9, 4.2}
local y = gp.matrix{0.5, -0.3, 0.8, 0.1, -0.6}
local f = gp.GP{kernel = gp.rbf{lengthscale = 0.9}}

return {
  ["condition returns a process that says what it was conditioned on"] = function(t)
    local p = f:condition(X, y, {noise = 0.01})
    t.eq(tostring(p), "posterior(GP(mean=0, kernel=rbf(amplitude=1, lengthscale=0.9)) given 5 " ..
         "observations at x in [0.3, 4.2], noise variance 0.01)", "tostring")
    t.truthy(p:is_gaussian(), "a posterior is Gaussian")
    local x = gp.linspace(0, 5, 11)
    local lo, hi = p:band(x)
    local m, s = p:mean(x), p:sd(x)
    for i = 1, 11 do t.near(hi[i] - lo[i], 4 * s[i], 1e-12, "band = mean -+ 2 sd") end
    t.near(p:var(x)[3], s[3] ^ 2, 1e-15, "var = sd^2")
    t.eq(p:cov(x):rows(), 11, "cov")
    t.truthy(m[1] ~= 0, "the data moved the mean")
    -- a figure takes it like any process
    gp.figure{}:band(x, p):lines(x, p:sample(x, {n = 2, seed = 1})):line(x, p:mean(x))
  end,
  ["noise: a number, one per observation, or 0 by default (interpolation)"] = function(t)
    local p0 = f:condition(X, y)
    local at = p0:mean(X)
    for i = 1, 5 do t.near(at[i], y[i], 1e-9, "interpolates") end
    t.truthy(p0:sd(X)[2] < 1e-7, "no uncertainty left at an exact observation")
    local s2 = gp.matrix{0.01, 0.02, 0.03, 0.04, 0.05}
    local p = f:condition(X, y, {noise = s2})
    t.truthy(tostring(p):find("noise variances 0.01 to 0.05", 1, true), tostring(p))
    t.raises(function() f:condition(X, y, {noise = {0.1, 0.2}}) end,
             "noise has 2 variances for 5 observations")
    t.raises(function() f:condition(X, y, {noise = -1}) end, "finite and >= 0, got %-1")
    t.raises(function() f:condition(X, y, {nois = 0.1}) end, "unknown option 'nois'")
    t.raises(function() f:condition(X, y, {noise = gp.matrix(2, 2)}) end,
             "a variance or one per observation, got a 2 x 2 matrix")
  end,
  ["bad observations are named"] = function(t)
    t.raises(function() f:condition(X, gp.matrix{1, 2}) end, "y has 2 values for 5 points")
    t.raises(function() f:condition(X, {1, 2, 0 / 0, 4, 5}) end, "y%[3%] is %-?nan")
    t.raises(function() f:condition(X, gp.matrix(5, 2)) end, "y must be a vector")
    t.raises(function() f:condition(gp.matrix{{1, 2, 3}}, {1, 2, 3}) end, "points are the rows")
    local g = gp.GP{kernel = gp.ou{}}
    t.raises(function() (f * g):condition(X, y) end, "not Gaussian")
    t.raises(function() f.condition(X, y) end, "called with a colon")
  end,
  ["a contradiction at noise 0 is an error that says what to do"] = function(t)
    local line = gp.GP{kernel = gp.linear{offset = 1}}
    local x = gp.linspace(-2, 2, 9)
    local ok = line:condition(x, x:map(function(v) return 1 + 2 * v end))
    t.eq(ok:info().rank, 2, "two points determine a line")
    t.eq(ok:info().method, "pivoted-cholesky", "rank-aware path")
    t.raises(function() line:condition(x, x:map(function(v) return v * v end)) end,
             "contradicts the others.*noise = s2")
    t.raises(function() line:lml(x, x) end, "no density")
  end,
  ["info: the conditioning report"] = function(t)
    local p = f:condition(X, y, {noise = 0.01})
    local info = p:info()
    t.eq(info.method, "cholesky", "method"); t.eq(info.n, 5, "n"); t.eq(info.rank, 5, "rank")
    t.eq(info.noise, 0.01, "noise"); t.eq(info.data_residual, 0, "data residual")
    t.truthy(tostring(info):find("cholesky, rank 5 of 5", 1, true), tostring(info))
    t.raises(function() f:info() end, "not made by f:condition")
    t.raises(function() p:kernel() end, "this process is a posterior")
    t.raises(function() p:derivative() end, "derivative of a posterior")
  end,
  ["log marginal likelihood: the value, its terms, the alias"] = function(t)
    local v, terms = f:log_marginal_likelihood(X, y, {noise = 0.1})
    t.eq(f:lml(X, y, {noise = 0.1}), v, "alias")
    t.near(terms.data_fit + terms.complexity + terms.constant, v, 1e-12, "terms add up")
    t.near(terms.constant, -2.5 * math.log(2 * math.pi), 1e-12, "constant")
    t.eq(terms.n, 5, "n"); t.eq(terms.value, v, "value")
    -- a noise much too large explains the data as noise: a worse fit by the likelihood
    t.truthy(f:lml(X, y, {noise = 100}) < v, "evidence prefers a sensible noise")
  end,
  ["draws: pathwise, with one report shape, seeded, jointly with other processes"] = function(t)
    local p = f:condition(X, y, {noise = 0.01})
    local x = gp.linspace(0, 5, 50)
    local S, info = p:sample(x, {n = 3, seed = 4})
    t.eq(S:rows(), 50, "rows"); t.eq(S:cols(), 3, "cols")
    t.eq(info.method, "pathwise", "method"); t.eq(info.n, 50, "n")
    t.truthy(info.reason:find("Matheron's rule", 1, true), info.reason)
    local S2 = p:sample(x, {n = 3, seed = 4})
    t.eq(S:get(7, 2), S2:get(7, 2), "same seed, same draws")
    local g = gp.GP{kernel = gp.ou{}}
    local P, G, U = gp.sample_joint({p, g, p + 2 * g}, x, {seed = 2})
    for i = 1, 50 do t.near(U[i], P[i] + 2 * G[i], 1e-12, "joint") end
  end,
  ["sample_grid: the prior on the grid when the observations lie on its lattice"] = function(t)
    local xo = gp.matrix{0.5, 1.25, 3.0}
    local p = gp.GP{kernel = gp.matern32{}}:condition(xo, {1, 0, -1}, {noise = 0.01})
    local S, info = p:sample_grid(0, 4, 17, {n = 2, seed = 1})
    t.eq(S:rows(), 17, "rows"); t.eq(info.method, "pathwise", "method")
    t.eq(info.parts[1].method, "circulant-embedding", "the prior on the grid")
    t.eq(info.parts[2].n, 3, "the observations' factor")
    local q = gp.GP{kernel = gp.matern32{}}:condition(gp.matrix{0.3}, {1})
    local _, info2 = q:sample_grid(0, 4, 17)
    t.truthy(info2.parts[1].reason:find("not a point of the grid's lattice", 1, true),
             info2.parts[1].reason)
    t.raises(function() p:sample_grid({0, 0}, {1, 1}, {4, 4}) end, "a 2%-D grid needs 2")
    local p2 = gp.GP{kernel = gp.matern32{}}:condition(gp.matrix{{0.5, 1}, {1, 0.25}}, {1, -1})
    local S2, i2 = p2:sample_grid({0, 0}, {2, 1}, {9, 5}, {seed = 1})
    t.eq(S2:rows(), 45, "2-D rows"); t.eq(i2.parts[1].method, "circulant-embedding", "2-D grid")
    t.raises(function() p:sample_rff(gp.linspace(0, 1, 3)) end, "this process is a posterior")
  end,
  ["gp.noise: white noise as a process, for new noisy observations"] = function(t)
    local p = f:condition(X, y, {noise = 0.04})
    local ynew = p + gp.noise(0.04)
    local x = gp.linspace(0, 5, 7)
    for i = 1, 7 do t.near(ynew:var(x)[i], p:var(x)[i] + 0.04, 1e-12, "variance + s2") end
    t.eq(tostring(gp.noise(0.5)), "GP(mean=0, kernel=white(variance=0.5))", "tostring")
    t.raises(function() gp.noise(-1) end, "variance")
  end,
  ["an interpolating posterior's sd is never NaN"] = function(t)
    local x = gp.linspace(0, 5, 80)
    local p = gp.GP{kernel = gp.rbf{}}:condition(x, x:map(math.sin))
    local s = p:sd(x)
    for i = 1, 80 do t.truthy(s[i] >= 0 and s[i] < 1e-6, "sd " .. s[i]) end
    local info = p:info()  -- the clipped variances are counted, each within rounding
    t.truthy(info.clipped >= 1 and info.clipped <= 80, "clipped " .. info.clipped)
    t.truthy(info.clipped_max > 0 and info.clipped_max <= 100 * 80 * 2 ^ -52, info.clipped_max)
    local _, info = p:sample(x, {seed = 1})
    t.eq(info.method, "pathwise", "drawn pathwise")
  end,
}
