-- The sampling paths a script chooses from Lua: method = "dense" | "lowrank"
-- on f:sample, 2-D grids by circulant embedding (f:sample_grid with tables of
-- two) and Kronecker draws (gp.sample_kron). Each draws with a fixed seed and
-- is checked against the covariance it must have, within 5 standard errors
-- estimated from the draws, and shown to reject a wrong covariance.
local gp = require "gprior"
local check = require "gprior.check"

local N = 4000 -- draws per check: the standard errors are about 1/sqrt(N) of the variances

local function zeros(n) return gp.matrix(n, 1, 0) end

return {
  ["method picks the path, and both paths draw k"] = function(t)
    local k = gp.rbf{lengthscale = 0.7}
    local f = gp.GP{kernel = k}
    local x = gp.linspace(0, 3, 9)
    local K = k:gram(x)
    for _, method in ipairs{"dense", "lowrank"} do
      local S, info = f:sample(x, {n = N, seed = 11, method = method})
      if method == "dense" then
        t.truthy(info.method:find("cholesky"), "dense: " .. info.method)
      else
        t.eq(info.method, "lowrank", "lowrank")
      end
      t.truthy(check.max_z(S, zeros(9), K) <= 5, method .. ": draws within 5 SE of k")
      t.truthy(check.max_z(S, zeros(9), gp.rbf{lengthscale = 1}:gram(x)) > 5,
               method .. ": and a wrong length-scale is rejected")
    end
    t.raises(function() f:sample(x, {method = "fast"}) end,
             "option 'method' must be one of 'auto', 'dense', 'lowrank'")
  end,
  ["auto says why it left the low-rank path"] = function(t)
    local _, info = gp.GP{kernel = gp.ou{}}:sample(gp.linspace(0, 5, 600))
    t.eq(info.method, "cholesky", "a full-rank kernel ends dense")
    t.truthy(info.reason and info.reason:find("low%-rank"), tostring(info.reason))
    t.truthy(tostring(info):find("low%-rank"), tostring(info))
  end,
  ["2-D grids by circulant embedding draw k on gp.grid(xs, ys)"] = function(t)
    local k = gp.matern32{lengthscale = 0.8}
    local S, info = gp.GP{kernel = k}:sample_grid({0, 0}, {2, 1.5}, {5, 4}, {n = N, seed = 3})
    t.eq(info.method, "circulant-embedding", "method"); t.eq(S:rows(), 20, "nx ny rows")
    t.truthy(info.mx >= 8 and info.my >= 6, "an embedding along each axis")
    local P = gp.grid(gp.linspace(0, 2, 5), gp.linspace(0, 1.5, 4)) -- x fastest, as the draws
    t.truthy(check.max_z(S, zeros(20), k:gram(P)) <= 5, "draws within 5 SE")
    t.truthy(check.max_z(S, zeros(20), gp.matern32{lengthscale = 1.2}:gram(P)) > 5,
             "a wrong length-scale is rejected")
    t.raises(function() gp.GP{kernel = k}:sample_grid({0, 0}, {2, 1}, {5, 0}) end, "entry 2 %(y%)")
  end,
  ["gp.sample_kron draws kx(x, x') ky(y, y') on the tensor grid, x fastest"] = function(t)
    local kx, ky = gp.rbf{lengthscale = 0.9}, gp.matern52{lengthscale = 0.6}
    local xs, ys = gp.linspace(0, 2, 5), gp.linspace(0, 1, 4)
    local S, info = gp.sample_kron(kx, ky, xs, ys, {n = N, seed = 5, mean = 2})
    t.eq(info.method, "kronecker", "method"); t.eq(#info.parts, 2, "two factors")
    local P = gp.grid(xs, ys)
    local K = (kx:select{1} * ky:select{2}):gram(P)
    t.truthy(check.max_z(S, gp.matrix(20, 1, 2), K) <= 5, "draws within 5 SE of the product")
    local Kswap = (ky:select{1} * kx:select{2}):gram(P)
    t.truthy(check.max_z(S, gp.matrix(20, 1, 2), Kswap) > 5, "the factors swapped are rejected")
  end,
}
