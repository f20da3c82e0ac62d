-- Lua-level tests of the new stationary kernels under the grid samplers
-- (1-D and 2-D circulant embedding) and random Fourier features: the draws
-- have the kernel's covariance (5 SE, fixed seeds).
local gp = require "gprior"
local check = require "gprior.check"

local kernels = {
  gp.matern{nu = 0.7, lengthscale = 0.4},
  gp.gammaexp{gamma = 1.3, lengthscale = 0.4},
  gp.sm{weights = {1, 0.5}, means = {{0.8, 0.2}, {0, 1}}, variances = 0.3},
}

return {
  ["the 2-D grid sampler draws the new stationary kernels exactly"] = function(t)
    local xs = gp.linspace(0, 1, 3)
    local G = gp.grid(xs, xs)
    for i, k in ipairs(kernels) do
      local S, info = gp.GP{kernel = k}:sample_grid({0, 0}, {1, 1}, {3, 3}, {n = 20000, seed = i})
      t.truthy(tostring(info):find("circulant"), tostring(info))
      local z = check.max_z(S, gp.matrix(9, 1), k:gram(G))
      t.truthy(z <= 5, string.format("%s: %.2f SE", tostring(k), z))
    end
  end,
  ["random features draw from the new spectral densities"] = function(t)
    local X = gp.matrix{{0, 0}, {0.2, 0.1}, {0.7, -0.3}}
    for i, k in ipairs(kernels) do
      local S, info = gp.GP{kernel = k}:sample_rff(X, {n = 20000, features = 8, seed = 10 + i})
      t.truthy(tostring(info):find("family"), tostring(info))
      local z = check.max_z(S, gp.matrix(3, 1), k:gram(X))
      t.truthy(z <= 5, string.format("%s: %.2f SE", tostring(k), z))
    end
  end,
}
