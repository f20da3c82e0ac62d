-- Section 2: the same random lines in function space, N(0, K) with K = 1 + x x' (rank 2), and w ∼ N(0, α² I).
-- m(x) = 0 and k(x, x') = 1 + x x' (phi(x) = (1, x), S = I gives phi(x)' S phi(x')).
-- The covariance on 50 points has rank 2, so a plain Cholesky fails and the
-- sampler falls back to pivoted Cholesky; the printed info says so.
-- And the chapter's question: with w0, w1 ~ N(0, alpha^2) the kernel is
-- alpha^2 (1 + x x'): the band scales by alpha.
local gp = require "gprior"
local check = require "gprior.check"

local c = check.new "section 2: lines in function space"
local x = gp.linspace(-5, 5, 50)
local f = gp.GP{kernel = gp.linear{variance = 1, offset = 1}}   -- 1 + x x'
local weights = gp.weights{basis = gp.basis.polynomial{degree = 1}}
print(f)

local S, info = f:sample(x, {n = 10})
print("function-space sampler: " .. tostring(info))
local Fw = weights:sample(x, {n = 10})
local fig = gp.figure{title = "Random lines: weight space, function space, and $w ∼ N(0, α^2 I)$",
                      layout = {1, 3}, size = {1500, 480}, yrange = {-25, 25},
                      xlabel = "$x$", ylabel = "$f(x)$"}
  :panel{title = "weight space: $w ∼ N(0, I)$"}
  :band(x, weights:mean(x), weights:sd(x), 2, {title = "± 2 sd"})
  :lines(x, Fw)
  :line(x, weights:mean(x), {title = "mean"})
  :panel{title = "function space: $N(0, K)$, $K = 1 + x x'$ (rank 2)"}
  :band(x, f:mean(x), f:sd(x), 2, {title = "± 2 √(1 + x²)"})
  :lines(x, S)
  :line(x, f:mean(x), {title = "mean"})
  :panel{title = "$w ∼ N(0, α^2 I)$: bands ± 2α √(1 + x²)"}

c:truthy("the sampler found rank 2 and used the pivoted fallback",
         info.rank == 2 and info.method == "pivoted-cholesky", tostring(info))
local worst = 0
for j = 1, S:cols() do
  for i = 2, S:rows() - 1 do
    worst = math.max(worst, math.abs(S:get(i - 1, j) - 2 * S:get(i, j) + S:get(i + 1, j)))
  end
end
c:below("function-space samples are straight lines (largest second difference)", worst, 1e-9)

local pts = gp.matrix{-4, -1, 0, 2, 5}
local N = check.draws(20000)
local Sf = f:sample(pts, {n = N})
c:moments("function-space draws have covariance 1 + x x' (same as weight space)", Sf,
          gp.matrix(5, 1), weights:cov(pts))

for i, alpha in ipairs{0.5, 1, 2} do
  local m = gp.weights{basis = gp.basis.polynomial{degree = 1}, cov = alpha ^ 2}
  local K = gp.linear{variance = alpha ^ 2, offset = alpha ^ 2}:gram(pts)   -- alpha^2 (1 + x x')
  c:moments(string.format("alpha = %g: weight draws have kernel alpha^2 (1 + x x')", alpha),
            m:sample(pts, {n = N}), gp.matrix(5, 1), K)
  local lo, hi = m:mean(x) - 2 * m:sd(x), m:mean(x) + 2 * m:sd(x)
  fig:fill(x, lo, hi, {title = string.format("α = %g", alpha), color = "C" .. (i - 1), alpha = 0.25})
end
fig:save "lines_function_space.png"
c:finish()
