-- Derivative processes: exercise 1's smoothness answer, made quantitative.
-- If f ~ GP(0, k) and k is twice differentiable, f' is a GP with covariance
-- d^2k / dx dx', and Cov(f(x), f'(x')) = dk/dx' (Rasmussen & Williams 9.4).
-- f:derivative() is that process; gp.sample_joint({f, f:derivative()}, x)
-- draws each path together with its derivative. We draw RBF and Matern 5/2
-- paths with their derivatives and put finite differences of the SAME draws
-- beside them: they agree to O(h^2). The Matern 5/2 derivative is itself a
-- Matern 3/2-like, rougher path; the RBF's is smooth. The OU kernel has no
-- derivative process at all: its paths are nowhere differentiable.
local gp = require "gprior"
local check = require "gprior.check"

local c = check.new "derivative processes"
local l, n, a, b = 1, 801, 0, 5
local x = gp.linspace(a, b, n)
local h = (b - a) / (n - 1)
local cases = {
  {name = "RBF", kernel = gp.rbf{lengthscale = l}, seed = 4},
  {name = "Matern 5/2", kernel = gp.matern52{lengthscale = l}, seed = 5},
}
local fig = gp.figure{title = "Paths and their derivatives, drawn jointly ($ℓ = 1$); dots: finite differences of the same draws",
                      layout = {2, 2}, size = {1200, 800}}
for _, case in ipairs(cases) do
  local f = gp.GP{kernel = case.kernel}
  local df = f:derivative()
  print(df)
  local F, D, info = gp.sample_joint({f, df}, x, {n = 3, seed = case.seed})
  print(case.name .. " sampler: " .. tostring(info))
  -- central differences of each drawn path, every 20th point for the dots
  local xs, fd, worst, scale = {}, {}, 0, 0
  for j = 1, 3 do fd[j] = {} end
  for i = 2, n - 1, 20 do
    xs[#xs + 1] = x[i]
    for j = 1, 3 do
      local v = (F:get(i + 1, j) - F:get(i - 1, j)) / (2 * h)
      fd[j][#xs] = v
      worst = math.max(worst, math.abs(v - D:get(i, j)))
      scale = math.max(scale, math.abs(D:get(i, j)))
    end
  end
  -- The central difference errs by O(h^2) for the smooth RBF paths and by
  -- O(h^1.5) for Matern 5/2 (its f'' exists but is rough): below 1% of |f'| here.
  c:below(case.name .. ": finite differences of the paths match the drawn f' (max abs difference)",
          worst, 0.01 * scale)
  fig:panel{title = case.name .. " paths $f(x)$", xlabel = "$x$", ylabel = "$f(x)$"}
     :lines(x, F)
  fig:panel{title = case.name .. " derivatives $f′(x)$ (lines) and $(f(x+h) − f(x−h)) / 2h$ (dots)",
            xlabel = "$x$", ylabel = "$f′(x)$"}
     :lines(x, D)
  for j = 1, 3 do
    fig:points(gp.matrix(xs), gp.matrix(fd[j]), {color = "C" .. (j - 1), size = 0.6})
  end
  -- The joint law at three points against the formulas: for the RBF,
  -- Cov(f(x), f'(x')) = e^(-t^2/2l^2) t / l^2 and Cov(f', f') = e^(-t^2/2l^2) (1/l^2 - t^2/l^4),
  -- t = x - x'; for Matern 5/2, Var f' = 5 / (3 l^2).
  local pts = gp.matrix{0.2, 0.7, 1.5}
  local N = check.draws(20000)
  local Fp, Dp = gp.sample_joint({f, df}, pts, {n = N, seed = case.seed + 10})
  local S = gp.matrix(6, N)
  for j = 1, N do
    for i = 1, 3 do S:set(i, j, Fp:get(i, j)); S:set(3 + i, j, Dp:get(i, j)) end
  end
  local K = gp.matrix(6, 6)
  for i = 1, 3 do
    for j = 1, 3 do
      local t = pts[i] - pts[j]
      local e = math.exp(-t * t / (2 * l * l))
      if case.name == "RBF" then
        K:set(i, j, e); K:set(i, 3 + j, e * t / l ^ 2); K:set(3 + i, j, -e * t / l ^ 2)
        K:set(3 + i, 3 + j, e * (1 / l ^ 2 - t * t / l ^ 4))
      else
        local s = math.sqrt(5) * math.abs(t) / l
        local ex, cst = math.exp(-s), 5 / (3 * l * l)
        K:set(i, j, (1 + s + s * s / 3) * ex)
        K:set(i, 3 + j, cst * t * (1 + s) * ex); K:set(3 + i, j, -cst * t * (1 + s) * ex)
        K:set(3 + i, 3 + j, cst * (1 + s - s * s) * ex)
      end
    end
  end
  c:moments(case.name .. ": joint draws of (f, f') at 3 points match the covariance formulas", S,
            gp.matrix(6, 1), K)
  local Kw = gp.matrix(K)
  for i = 1, 3 do for j = 1, 3 do Kw:set(i, 3 + j, -K:get(i, 3 + j)); Kw:set(3 + i, j, -K:get(3 + i, j)) end end
  c:rejects(case.name .. ": the same draws reject Cov(f, f') with the wrong sign", S, gp.matrix(6, 1), Kw)
end
fig:save "derivatives.png"

-- OU (exp(-r/(2l))): k has a kink at r = 0, so d^2k/dx dx' does not exist.
local ok, err = pcall(function() return gp.GP{kernel = gp.ou{lengthscale = l}}:derivative() end)
print("OU derivative: " .. tostring(err))
c:truthy("OU: f:derivative() is an error that says the paths are nowhere differentiable",
         not ok and tostring(err):find("nowhere differentiable") ~= nil, tostring(err))
c:finish()
