-- A million points: one exact Matérn-3/2 path on 2²⁰ grid points by circulant embedding, at four zoom levels.
-- f:sample(x) factors the n x n covariance: O(n^3) time, n^2 doubles (8 TB
-- here). On a regular grid a stationary kernel's covariance is Toeplitz;
-- embedded in a circulant matrix it is diagonalised by the FFT, so
-- f:sample_grid draws EXACTLY in O(n log n) (circulant embedding, Wood & Chan
-- 1994). The figure shows the path at four zoom levels: the whole path as a
-- min/max envelope of 500 bins, then x10, x100 and x1000 (every point).
-- Checks: the sampler against the kernel (many draws on a short grid), and the
-- long path's own averages against the kernel, with standard errors derived
-- from the kernel (a path 1000 length-scales long is ergodic enough).
local gp = require "gprior"
local check = require "gprior.check"

local c = check.new "a million points by circulant embedding"
local l, a, b, n = 1, 0, 1000, 2 ^ 20
local k = gp.matern32{lengthscale = l}
local f = gp.GP{kernel = k}
print(f)

local t0 = gp.clock()
local S, info = f:sample_grid(a, b, n, {n = 1})
local elapsed = gp.clock() - t0
print(string.format("%d points in %.3f s: %s", n, elapsed, tostring(info)))
print(string.format("(a dense factorisation would need an n x n matrix of %.1f TB)", n * n * 8 / 1e12))
c:truthy("exact circulant path, no fallback", info.method == "circulant-embedding", tostring(info))
c:below("eigenvalue mass clipped as rounding noise", info.clipped, 1e-12)

-- ---- the figure: min/max envelopes of 500 bins at four zoom levels --------------
local y = S:totable()
local h = (b - a) / (n - 1)
local function envelope(lo, hi, bins)
  local i0, i1 = math.floor((lo - a) / h) + 1, math.min(n, math.ceil((hi - a) / h) + 1)
  local per = (i1 - i0 + 1) / bins
  local xs, ymin, ymax = {}, {}, {}
  for bin = 1, bins do
    local s, e = i0 + math.floor((bin - 1) * per), i0 + math.floor(bin * per) - 1
    local mn, mx = math.huge, -math.huge
    for i = s, e do
      local v = y[i]
      if v < mn then mn = v end
      if v > mx then mx = v end
    end
    xs[bin] = a + ((s + e) / 2 - 1) * h
    ymin[bin], ymax[bin] = mn, mx
  end
  return gp.matrix(xs), gp.matrix(ymin), gp.matrix(ymax)
end

local fig = gp.figure{title = "One exact Matérn-3/2 path ($ℓ = 1$) on $2^{20}$ points of [0, 1000], "
                              .. "circulant embedding",
                      layout = {2, 2}, size = {1200, 800}, xlabel = "$x$", ylabel = "$f(x)$"}
local centre = 500
for _, zoom in ipairs{1, 10, 100} do
  local half = (b - a) / 2 / zoom
  local lo, hi = centre - half, centre + half
  local xs, ymin, ymax = envelope(lo, hi, 500)
  fig:panel{title = string.format("×%d: [%g, %g], min/max of 500 bins", zoom, lo, hi),
            xrange = {lo, hi}}
     :fill(xs, ymin, ymax, {color = "C0", alpha = 0.8})
end
local i0, i1 = math.floor((centre - 0.5 - a) / h) + 1, math.ceil((centre + 0.5 - a) / h) + 1
local xs, ys = {}, {}
for i = i0, i1 do xs[#xs + 1] = a + (i - 1) * h; ys[#ys + 1] = y[i] end
fig:panel{title = string.format("×1000: [%g, %g], all %d points", centre - 0.5, centre + 0.5, #xs),
          xrange = {centre - 0.5, centre + 0.5}}
   :line(gp.matrix(xs), gp.matrix(ys), {color = "C0", width = 1.5})
   :save "million_points.png"

-- ---- the sampler against the kernel: many independent draws on a short grid ------
local N = check.draws(20000)
local xs8 = gp.linspace(0, 4, 8)
local D = f:sample_grid(0, 4, 8, {n = N})
c:moments("grid draws on 8 points: mean 0 and covariance k, every entry", D, f:mean(xs8), f:cov(xs8))
c:rejects("... and the check rejects the OU kernel of the same l", D, f:mean(xs8),
          gp.GP{kernel = gp.ou{lengthscale = l}}:cov(xs8))

-- ---- the long path against the kernel -----------------------------------------
-- The average over the path of g(x) = f(x) f(x + tau) estimates k(tau); for a
-- Gaussian f its variance is about (1/T) int (k(r)^2 + k(r + tau) k(r - tau)) dr
-- (Isserlis), T = b - a; the path mean has variance (1/T) int k(r) dr.
local function kr(r) return k(0, r) end
local function integral(fn) -- trapezoid on [-40 l, 40 l]; the integrands decay like exp(-sqrt3 r)
  local step, s = 0.01, 0
  for i = -4000, 4000 do s = s + fn(i * step) * ((i == -4000 or i == 4000) and 0.5 or 1) end
  return s * step
end
local T = b - a
local sum = 0
for i = 1, n do sum = sum + y[i] end
local mean = sum / n
c:near("path mean vs 0 (5 SE, SE^2 = int k / T)", mean, 0, 5 * math.sqrt(integral(kr) / T))
for _, lag in ipairs{0, 1, math.floor(l / h + 0.5)} do
  local tau, acc = lag * h, 0
  for i = 1, n - lag do acc = acc + y[i] * y[i + lag] end
  local est = acc / (n - lag)
  local se = math.sqrt(integral(function(r) return kr(r) ^ 2 + kr(r + tau) * kr(r - tau) end) / T)
  c:near(string.format("path average of f(x) f(x + %.4g) vs k(%.4g) (5 SE)", tau, tau), est,
         kr(tau), 5 * se)
end
c:finish()
