-- Lua-level tests of gp.fit: its options, errors and report. The gradients
-- and the optimiser are checked in tests/c/test_fit.c, the optima against
-- scikit-learn in tests/peers.
local gp = require "gprior"

local X = gp.linspace(0, 4, 25)
local y = X:map(function(x) return math.sin(2 * x) + 0.1 * math.cos(17 * x) end)
local f = gp.GP{kernel = gp.rbf{lengthscale = 2}, mean = 0.1}

return {
  ["fit returns the fitted GP and a report"] = function(t)
    local g, fit = gp.fit{process = f, X = X, y = y, noise = 0.1, seed = 3}
    t.eq(getmetatable(g).__name, "gprior.process", "a process")
    t.truthy(tostring(g):find("mean=0.1", 1, true), "the mean is kept: " .. tostring(g))
    t.eq(#fit.names, 3, "every kernel parameter and the noise by default")
    t.eq(fit.names[3], "noise", "noise last")
    t.eq(fit.initial["rbf.lengthscale"], 2, "the start")
    t.eq(fit.starts, 5, "4 restarts by default")
    t.near(fit.value, g:lml(X, y, {noise = fit.noise}), 1e-9, "value = lml of the fitted model")
    t.truthy(fit.value >= f:lml(X, y, {noise = 0.1}), "no worse than the start")
    t.truthy(fit.gradient_norm < 1e-3, "a stationary point: " .. fit.gradient_norm)
    t.eq(fit.noise, fit.params.noise, "the noise")
    local text = tostring(fit)
    t.truthy(text:find("rbf.lengthscale = ", 1, true) and text:find("(from 2)", 1, true), text)
    local _, again = gp.fit{process = f, X = X, y = y, noise = 0.1, seed = 3}
    t.eq(again.params["rbf.lengthscale"], fit.params["rbf.lengthscale"], "same seed, same fit")
  end,
  ["params, bounds and a fixed noise"] = function(t)
    local _, fit = gp.fit{process = f, X = X, y = y, noise = 0.05, params = {"rbf.lengthscale"},
                          bounds = {["rbf.lengthscale"] = {0.5, 3}}, restarts = 0}
    t.eq(#fit.names, 1, "one parameter"); t.eq(fit.noise, 0.05, "the noise stays")
    local l = fit.params["rbf.lengthscale"]
    t.truthy(l >= 0.5 and l <= 3, "within its bounds: " .. l)
    local s2 = gp.matrix(25, 1):map(function() return 0.02 end)
    t.raises(function() gp.fit{process = f, X = X, y = y, noise = s2} end,
             "a noise per observation %(25 values%) stays fixed")
    local _, fixed = gp.fit{process = f, X = X, y = y, noise = s2, params = {"rbf.amplitude"}}
    t.eq(fixed.names[1], "rbf.amplitude", "a per-observation noise with other parameters")
  end,
  ["a fitted noise without a start starts from 1% of the data's variance"] = function(t)
    local _, fit = gp.fit{process = f, X = X, y = y, seed = 3}
    local m = y:sum() / 25
    local var = ((y - m) * (y - m)):sum() / 24
    t.near(fit.initial.noise, 0.01 * var, 1e-12 * var, "the start")
    t.truthy(fit.noise > 0 and fit.gradient_norm < 1e-3, "fitted: " .. fit.noise)
    local _, fixed = gp.fit{process = f, X = X, y = y, params = {"rbf.lengthscale"}, noise = 0.1}
    t.eq(fixed.noise, 0.1, "a given noise is kept")
  end,
  ["bad options are named"] = function(t)
    t.raises(function() gp.fit{process = f, X = X, y = y, params = {"rbf.lenghtscale"}} end,
             "no parameter 'rbf.lenghtscale' %(its parameters: rbf.amplitude, rbf.lengthscale, noise%)")
    t.raises(function() gp.fit{process = f, X = X, y = y, params = {"noise", "noise"}, noise = 1} end,
             "listed twice")
    t.raises(function() gp.fit{process = f, X = X, y = y, bounds = {["rbf.lengthscale"] = {3, 4}}} end,
             "the start of rbf.lengthscale, 2, is outside its bounds")
    t.raises(function() gp.fit{process = f, X = X, y = y, bounds = {["rbf.lengthscale"] = 3}} end,
             "must be {lower, upper}")
    t.raises(function() gp.fit{process = f, X = X, y = y, params = {"rbf.amplitude"}} end,
             "not defined at the start")
    t.raises(function() gp.fit{process = f + f, X = X, y = y} end, "one GP built with gp.GP")
    t.raises(function() gp.fit{process = f, X = X} end, "option 'y'")
    t.raises(function() gp.fit{process = f, X = X, y = {1, 2}} end, "vector of 25 observations")
    t.raises(function() gp.fit{process = f, X = X, y = y, restart = 2} end, "unknown option 'restart'")
    t.raises(function() gp.fit(f) end, "a table of options expected")
    t.raises(function() gp.fit{process = gp.rbf{}, X = X, y = y} end,
             "option 'process' must be a GP %(gp.GP{kernel = k}%), got gprior.kernel")
  end,
}
