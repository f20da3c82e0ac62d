-- Section 2, general form: a cubic basis model f(x) = wᵀφ(x), w ∼ N(u, S), and its implied mean and kernel.
-- f(x) = w' phi(x) with w ~ N(u, S) and the basis phi(x) = (1, x, x^2, x^3) gives
-- m(x) = u' phi(x) and k(x, x') = phi(x)' S phi(x').
-- Here S is not diagonal and u is not zero. Checks: the implied mean and kernel
-- equal those formulas (computed here by hand from phi), and draws match them.
local gp = require "gprior"
local check = require "gprior.check"

local c = check.new "section 2: a general basis model"
local u = {0.5, -1, 0, 0.1}
local S = gp.matrix{{1.0, 0.3, 0.0, 0.0},
                    {0.3, 0.5, 0.1, 0.0},
                    {0.0, 0.1, 0.2, 0.02},
                    {0.0, 0.0, 0.02, 0.01}}
local basis = gp.basis.polynomial{degree = 3}
local m = gp.weights{basis = basis, mean = u, cov = S}
print(m)

local x = gp.linspace(-3, 3, 80)
local F = m:sample(x, {n = 6})
gp.figure{title = "$f(x) = w^⊤φ(x)$, $φ(x) = (1, x, x^2, x^3)$, $w ∼ N(u, S)$, $S$ not diagonal",
          xlabel = "$x$", ylabel = "$f(x)$"}
  :band(x, m:mean(x), m:sd(x), 2, {title = "$u^⊤φ(x) ± 2 \\sqrt{φ(x)^⊤ S φ(x)}$"})
  :lines(x, F)
  :line(x, m:mean(x), {title = "$u^⊤φ(x)$"})
  :save "basis_model.png"

-- The formulas by hand: phi(x) = (1, x, x^2, x^3).
local pts = gp.matrix{-2, -0.5, 0, 1, 2.5}
local n = pts:rows()
local function phi(v) return {1, v, v * v, v * v * v} end
local mu, K = gp.matrix(n, 1), gp.matrix(n, n)
for i = 1, n do
  local p = phi(pts[i])
  for a = 1, 4 do mu[i] = mu[i] + u[a] * p[a] end
  for j = 1, n do
    local q, s = phi(pts[j]), 0
    for a = 1, 4 do for b = 1, 4 do s = s + p[a] * S:get(a, b) * q[b] end end
    K:set(i, j, s)
  end
end
local Km, mm, worst = m:cov(pts), m:mean(pts), 0
for i = 1, n do
  worst = math.max(worst, math.abs(mm[i] - mu[i]) / (1 + math.abs(mu[i])))
  for j = 1, n do worst = math.max(worst, math.abs(Km:get(i, j) - K:get(i, j)) / (1 + math.abs(K:get(i, j)))) end
end
c:below("implied mean and kernel equal u' phi(x) and phi(x)' S phi(x') (relative)", worst, 1e-12)
local draws = m:sample(pts, {n = check.draws(20000)})
c:moments("draws match the implied mean and kernel", draws, mu, K)
local diag = gp.matrix(4, 4)
for a = 1, 4 do diag:set(a, a, S:get(a, a)) end
c:rejects("the same check rejects the kernel with S's off-diagonal terms dropped", draws, mu,
          gp.weights{basis = basis, mean = u, cov = diag}:cov(pts))
c:finish()
