-- A posterior path on 2^20 + 1 grid points: one circulant-embedding prior draw plus solves with 20 observations.
-- Pathwise conditioning (Matheron's rule; Wilson et al. 2020): with a prior draw f0 on
-- the grid and at the observations X, and e ~ N(0, s2 I),
--   f0(x) + k(x, X) (K + s2 I)^-1 (y - f0(X) - e)
-- is an exact posterior draw. On a regular grid whose lattice holds the observations the
-- prior is drawn exactly by circulant embedding (FFTs, O(m log m)), so the posterior path
-- costs that draw, one 20 x 20 factorisation and 20 kernel columns: no 2^20 x 2^20
-- matrix. Matern 3/2 (l = 0.5) on [0, 5], noise variance 1e-4; the path at four zooms (at
-- the finest the roughness of its slope shows: Matern 3/2 paths are once differentiable, not twice).
-- Checked: on a coarser grid of the same lattice, draws against the posterior's mean
-- and covariance (5 SE), and the check rejects the prior's covariance.
local gp = require "gprior"
local check = require "gprior.check"

local c = check.new "a posterior path on 2^20 points"
local n = gp.param("points", (1 << 20) + 1, "grid points on [0, 5] (2^k + 1, k >= 12)")
local f = gp.GP{kernel = gp.matern32{lengthscale = 0.5}}
-- 20 observations at nodes of the grid of 4097 points (h = 5/4096), which are nodes
-- of every grid of 2^k + 1 points on [0, 5] with k >= 12
local X, y = gp.matrix(20, 1), gp.matrix(20, 1)
for j = 1, 20 do
  X[j] = 5 * math.floor(4096 * (j - 0.5) / 20) / 4096
  y[j] = math.sin(3 * X[j]) * math.exp(-X[j] / 4)
end
local p = f:condition(X, y, {noise = 1e-4})

local t0 = gp.clock()
local _, prior_info = f:sample_grid(0, 5, n, {seed = 3})
local t1 = gp.clock()
local S, info = p:sample_grid(0, 5, n, {seed = 3})
local t2 = gp.clock()
print(string.format("prior draw on %d points: %.3f s (%s)", n, t1 - t0, tostring(prior_info)))
print(string.format("posterior path on %d points: %.3f s (%s)", n, t2 - t1, tostring(info)))

local fig = gp.figure{title = string.format("One posterior path on %d grid points (Matérn 3/2, 20 "
                                            .. "observations), drawn in %.2f s", n, t2 - t1),
                      layout = {2, 2}, size = {1300, 850}, xlabel = "$x$", ylabel = "$f(x)$",
                      legend = "shared"}
local h = 5 / (n - 1)
for _, zoom in ipairs{{0, 5}, {1.5, 2.5}, {1.9, 2.0}, {1.95, 1.952}} do
  local i0, i1 = math.floor(zoom[1] / h) + 1, math.min(n, math.floor(zoom[2] / h) + 1)
  local step = math.max(1, (i1 - i0) // 1500)
  local count = (i1 - i0) // step + 1
  local xs, vs = gp.matrix(count, 1), gp.matrix(count, 1)
  for k = 1, count do
    local i = i0 + (k - 1) * step
    xs[k], vs[k] = (i - 1) * h, S[i]
  end
  local wide = zoom[2] - zoom[1] > 0.5  -- closer in, the band is flat and hides the path
  fig:panel{title = string.format("$x ∈ [%g, %g]$: %d grid points%s%s", zoom[1], zoom[2],
                                  i1 - i0 + 1, step > 1 and string.format(" (every %d-th drawn)", step) or "",
                                  wide and "" or ", the path alone")}
  if wide then fig:band(xs, p, 2, {title = "posterior mean ± 2 sd"}) end
  fig:line(xs, vs, {title = "the path", color = "C3", width = 1.2})
  local near = {}
  for j = 1, 20 do if X[j] >= zoom[1] and X[j] <= zoom[2] then near[#near + 1] = j end end
  if #near > 0 then
    local xo, yo = gp.matrix(#near, 1), gp.matrix(#near, 1)
    for k, j in ipairs(near) do xo[k], yo[k] = X[j], y[j] end
    fig:points(xo, yo, {title = "observations", color = "black", size = 1.2})
  end
end
fig:save "million_points.png"

-- Monte Carlo on the grid of 4097 points, which holds the observations too.
local N = check.draws(5000)
local G = p:sample_grid(0, 5, 4097, {n = N, seed = 5})
c:truthy("the prior was drawn on the grid by circulant embedding",
         G:info().parts[1].method == "circulant-embedding", tostring(G:info()))
local rows = {1, 1000, 2049, 3500, 4097}
local xq, D = gp.matrix(#rows, 1), gp.matrix(#rows, N)
for k, i in ipairs(rows) do
  xq[k] = (i - 1) * 5 / 4096
  for j = 1, N do D:set(k, j, G:get(i, j)) end
end
c:moments("grid draws have the posterior mean and covariance (5 grid points)", D, p:mean(xq), p:cov(xq))
c:rejects("... and the check rejects the prior's", D, f:mean(xq), f:cov(xq))
c:finish()
