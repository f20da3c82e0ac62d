-- Lua-level tests of derivative processes (f:derivative) and of the kernels'
-- free parameters (k:params, k:grad, k:with).
local gp = require "gprior"

return {
  ["f:derivative is drawn jointly with f: each path's derivative"] = function(t)
    local f = gp.GP{kernel = gp.matern52{lengthscale = 0.8}}
    local h = 0.005
    local x = gp.linspace(0, 1, 201)
    local F, D, info = gp.sample_joint({f, f:derivative()}, x, {n = 3, seed = 5})
    t.eq(D:cols(), 3, "draws")
    t.truthy(tostring(info):find("rank"), tostring(info))
    for j = 1, 3 do
      for i = 2, 200, 37 do
        local fd = (F:get(i + 1, j) - F:get(i - 1, j)) / (2 * h)
        t.near(D:get(i, j), fd, 2e-3 * (1 + math.abs(fd)), "finite difference of the same path")
      end
    end
    t.near(f:derivative():var(gp.matrix{0.3})[1], 5 / (3 * 0.64), 1e-12, "Var f' = 5 / (3 l^2)")
    t.truthy(tostring(f:derivative()):find("^derivative%(GP%(mean=0, kernel=matern52"), "tostring")
  end,
  ["derivatives of rough kernels, Lua means, products are errors that say why"] = function(t)
    t.raises(function() gp.GP{kernel = gp.exponential{}}:derivative() end,
      "derivative: exponential.*nowhere differentiable")
    t.raises(function() gp.GP{kernel = gp.matern{nu = 0.7}}:derivative() end, "nu <= 1")
    t.raises(function() gp.GP{kernel = gp.rbf{}, mean = function(x) return x end}:derivative() end,
      "derivative of the mean: lua function: its derivative is not known")
    local f, g = gp.GP{kernel = gp.rbf{}}, gp.GP{kernel = gp.rbf{}}
    t.raises(function() (f * g):derivative() end, "not a Gaussian process")
    t.raises(function() f:derivative():derivative() end, "second derivatives")
    t.raises(function() f:derivative(0) end, "dimension must be >= 1")
    t.raises(function() f:derivative(2):var(gp.linspace(0, 1, 3)) end, "d/dx_2 is out of range for 1%-D input")
    t.near(gp.GP{kernel = gp.rbf{}, mean = gp.poly{0, 0, 1}}:derivative():mean(gp.matrix{3})[1], 6, 0, "d/dx x^2")
  end,
  ["k:params, k:grad and k:with"] = function(t)
    local k = gp.rbf{lengthscale = {1, 2}} + 0.5 * gp.linear{}
    local names = {}
    for i, p in ipairs(k:params()) do names[i] = p.name end
    t.eq(table.concat(names, " "), "rbf.amplitude rbf.lengthscale[1] rbf.lengthscale[2] scale linear.variance linear.offset", "names")
    local X = gp.matrix{{0, 1}, {1, 2}}
    local G = k:grad("scale", X)
    t.near(G:get(2, 1), 0 + 1 * 2, 1e-15, "d/dscale = linear's Gram")
    local h = 1e-6
    local kp, km = k:with{["rbf.lengthscale[2]"] = 2 + h}, k:with{["rbf.lengthscale[2]"] = 2 - h}
    local fd = (kp({0, 1}, {1, 2}) - km({0, 1}, {1, 2})) / (2 * h)
    t.near(k:grad(3, X):get(1, 2), fd, 1e-8, "d/dl_2 against a finite difference")
    t.eq(tostring(k:with{[4] = 2}), "rbf(amplitude=1, lengthscale={1, 2}) + 2 * linear(variance=1, offset=0)", "with by position")
    t.raises(function() k:with{["rbf.lengthscale[1]"] = -1} end, "rbf: lengthscale 1 must be finite and > 0, got %-1")
    t.raises(function() k:grad("nope", X) end, "grad: the kernel has no free parameter 'nope'")
  end,
  ["new kernels from the table, with their parametrisation"] = function(t)
    t.near(gp.matern{nu = 1.5}(0, 0.7), gp.matern32{}(0, 0.7), 0, "nu = 3/2 is matern32, bit for bit")
    t.truthy(tostring(gp.matern{nu = 0.7}):find("nu=0.7; 2%^%(1%-nu%)/Gamma%(nu%) z%^nu K_nu%(z%)"), "matern tostring")
    t.near(gp.gammaexp{gamma = 2, lengthscale = math.sqrt(2)}(0, 1.3), gp.rbf{}(0, 1.3), 1e-15, "gamma = 2: rbf")
    t.near(gp.sm{weights = {2}, means = {0.5}, variances = {0.1}}(0, 0.3),
      2 * math.exp(-2 * math.pi ^ 2 * 0.09 * 0.1) * math.cos(2 * math.pi * 0.3 * 0.5), 1e-15, "sm")
    t.eq(gp.wendland{q = 1}(0, 1.0001), 0, "compact support")
    t.near(gp.gibbs{lengthscale = function(x) return 1 end}(0, 1), gp.rbf{}(0, 1), 1e-15, "constant l: rbf")
    t.truthy(tostring(gp.gibbs{lengthscale = function(x) return 1 end}):find("lengthscale=lua function"), "gibbs tostring")
    t.eq(tostring(gp.nngp{depth = 3, activation = "erf"}):match("^[^;]*"), 'nngp(depth=3, activation="erf", weight_var=1, bias_var=1', "nngp tostring")
    t.raises(function() gp.nngp{activation = "tanh"} end, "nngp: unknown activation 'tanh' %(option 'activation' must be one of 'relu', 'erf'%)")
    t.raises(function() gp.gibbs{lengthscale = "x"} end, "gibbs: bad option 'lengthscale' %(function, gp.poly or number expected, got string%)")
    t.raises(function() gp.gibbs{lengthscale = function(x) return -1 end}(0, 1) end, "gibbs: the length%-scale function must be > 0, got %-1")
    t.near(gp.periodic{lengthscale = {1, 2}}({0, 0}, {0.3, 0.4}),
      math.exp(-2 * (math.sin(0.3 * math.pi) ^ 2 + math.sin(0.4 * math.pi) ^ 2 / 4)), 1e-15, "periodic ARD")
  end,
  ["transform, powers and change points"] = function(t)
    local r = gp.rbf{lengthscale = 0.7}
    local p = r:transform{math.cos, math.sin}
    t.near(p(0.3, 2.1), gp.periodic{lengthscale = 0.7, period = 2 * math.pi}(0.3, 2.1), 1e-14, "MacKay's periodic")
    t.near((r ^ 3)(0, 0.5), r(0, 0.5) ^ 3, 1e-15, "k ^ 3")
    t.raises(function() return r ^ 0 end, "p must be a whole number from 1")
    t.raises(function() return 2 ^ r end, "cannot raise a number to a kernel power")
    local cp = gp.changepoint(r, gp.linear{}, {location = 1, steepness = 4})
    local s = function(x) return 1 / (1 + math.exp(4 * (x - 1))) end
    t.near(cp(0.5, 1.5), s(0.5) * s(1.5) * r(0.5, 1.5) + (1 - s(0.5)) * (1 - s(1.5)) * 0.75, 1e-15, "changepoint")
    t.raises(function() gp.changepoint(r, gp.linear{}, {steepness = -1}) end, "steepness must be finite and > 0")
    t.raises(function() gp.changepoint(r, gp.linear{}, {where = 1}) end, "unknown option 'where'")
    t.raises(function() r:transform{"x"} end, "element 1 is a string, not a function")
  end,
}
