-- gprior.inference: what the inference scripts share: the book's synthetic
-- data, and the log marginal likelihood over a grid of two parameters (the
-- "landscape") with its picture.
--   local inference = require "gprior.inference"
--   local X, y, truth = inference.data{n = 50, sd = 0.25}
--   local L = inference.landscape_of{process = gp.GP{kernel = gp.rbf{}}, X = X, y = y,
--                                    a = {"rbf.lengthscale", inference.logspace(0.05, 5, 40)},
--                                    b = {"noise", inference.logspace(1e-3, 1, 40)}}
--   inference.draw_landscape(fig, L, {marks = {{l, s2, "fitted"}}})
local gp = require "gprior"

local inference = {}

-- The data of d2l's "Gaussian Process Inference": y = sin(x) + 0.5 sin(4x) + e,
-- e ~ N(0, sd^2), at n evenly spaced points of [0, 5], the noise from the
-- program's generator (--seed). Returns X (n x 1), y (n x 1) and the true function.
--   opts: n (50), sd (0.25), from (0), to (5)
function inference.data(opts)
  opts = opts or {}
  local n, sd = opts.n or 50, opts.sd or 0.25
  local truth = function(x) return math.sin(x) + 0.5 * math.sin(4 * x) end
  local X = gp.linspace(opts.from or 0, opts.to or 5, n)
  return X, X:map(truth) + sd * gp.randn(n), truth
end

-- n values from a to b (both > 0), evenly spaced on a log scale.
function inference.logspace(a, b, n)
  return gp.linspace(math.log(a, 10), math.log(b, 10), n):map(function(t) return 10 ^ t end)
end

-- The log marginal likelihood log p(y | X) of the model build(a, b) for every
-- a in as and b in bs; build returns the prior process and the noise variance.
-- Returns {a = as, b = bs, z = Z, best = {a =, b =, value =}}, Z #bs x #as
-- (Z(j, i) at (a_i, b_j): the orientation of fig:heatmap). A model whose
-- likelihood is not defined (an error) is an error naming a and b.
function inference.landscape(build, X, y, as, bs)
  local Z = gp.matrix(#bs, #as)
  local best = {value = -math.huge}
  for j = 1, #bs do
    for i = 1, #as do
      local ok, v = pcall(function()
        local f, s2 = build(as[i], bs[j])
        return f:log_marginal_likelihood(X, y, {noise = s2})
      end)
      if not ok then
        error(string.format("landscape: at a = %g, b = %g: %s", as[i], bs[j], tostring(v)), 2)
      end
      Z:set(j, i, v)
      if v > best.value then best = {a = as[i], b = bs[j], value = v} end
    end
  end
  return {a = as, b = bs, z = Z, best = best}
end

-- The same over two named parameters of a GP built with gp.GP: a kernel
-- parameter (its name in f:kernel():params(), set by f:with) or "noise".
--   inference.landscape_of{process = f, X = X, y = y, noise = s2,
--                          a = {"rbf.lengthscale", values}, b = {"noise", values}}
-- The result also has names = {name_a, name_b}.
function inference.landscape_of(opts)
  local f, s2 = opts.process, opts.noise or 0
  local na, nb = opts.a[1], opts.b[1]
  local build = function(a, b)
    local values, noise = {}, s2
    for _, p in ipairs{{na, a}, {nb, b}} do
      if p[1] == "noise" then noise = p[2] else values[p[1]] = p[2] end
    end
    return next(values) and f:with(values) or f, noise
  end
  local L = inference.landscape(build, opts.X, opts.y, opts.a[2], opts.b[2])
  L.names = {na, nb}
  return L
end

-- Draw L into the figure's current panel: log p(y | X) as a heat map over
-- log10 a and log10 b (values more than `depth` below the best are drawn at
-- that floor, so the ridge keeps its colours), contour lines, the grid's best
-- point, and optionally other points (opts.marks = {{a, b, title}, ...}).
--   opts: depth (30), levels (10), palette ("viridis")
function inference.draw_landscape(fig, L, opts)
  opts = opts or {}
  local floor = L.best.value - (opts.depth or 30)
  local la = L.a:map(function(v) return math.log(v, 10) end)
  local lb = L.b:map(function(v) return math.log(v, 10) end)
  local Z = L.z:map(function(v) return math.max(v, floor) end)
  fig:heatmap(la, lb, Z, {palette = opts.palette or "viridis", smooth = true,
                          colorbar = "$\\log p(y | X)$"})
     :contour(la, lb, Z, {levels = opts.levels or 10, color = "white", labels = false})
     :points({math.log(L.best.a, 10)}, {math.log(L.best.b, 10)},
             {title = string.format("grid maximum %.4g", L.best.value), color = "C3", size = 3})
  for _, m in ipairs(opts.marks or {}) do  -- smaller, on top: both show where they meet
    fig:points({math.log(m[1], 10)}, {math.log(m[2], 10)}, {title = m[3], color = "black", size = 1.4})
  end
  return fig
end

return inference
