-- The log marginal likelihood over length-scale and noise, its data-fit and complexity terms, and its maximum.
-- log p(y | X) = -y' (K + s2 I)^-1 y / 2 - log det(K + s2 I) / 2 - (n / 2) log 2 pi:
-- data fit, complexity penalty, constant. On the data of 01_posterior.lua (rbf prior,
-- amplitude 1), over a 40 x 40 grid of length-scales l and noise variances s2: the
-- landscape has one ridge; a short l fits the noise but pays in complexity, a long one
-- is simple but fits badly (a second, lower hill: a long l that calls more of the data
-- noise). Right: the terms along l at the best s2 of the grid.
-- Checked: for data drawn from the model, the data-fit term averages -n/2 (5 SE over
-- prior-predictive draws), and the same check rejects the model with half the noise;
-- the complexity term rises with l; the grid's maximum is inside the grid.
local gp = require "gprior"
local check = require "gprior.check"
local inference = require "gprior.inference"

local c = check.new "the log marginal likelihood"
local X, y = inference.data{n = 50, sd = 0.25}
local model = function(l, s2) return gp.GP{kernel = gp.rbf{lengthscale = l}}, s2 end
local ls, noises = inference.logspace(0.05, 5, 40), inference.logspace(1e-3, 2, 40)
local L = inference.landscape(model, X, y, ls, noises)
print(string.format("grid maximum: l = %.4g, s2 = %.4g, log p(y | X) = %.6g",
                    L.best.a, L.best.b, L.best.value))

local fig = gp.figure{title = "Choosing hyperparameters by the marginal likelihood (rbf, 50 observations)",
                      layout = {1, 2}, size = {1400, 540}}
fig:panel{title = "$\\log p(y | X)$ over $ℓ$ and $σ^2$", xlabel = "$\\log_{10} ℓ$",
          ylabel = "$\\log_{10} σ^2$", legend = "bottom right"}
inference.draw_landscape(fig, L)

-- the terms along l at the grid's best noise
local s2 = L.best.b
local terms = gp.matrix(#ls, 3)
local complexity_rises = true
for i = 1, #ls do
  local v, t = model(ls[i], s2):log_marginal_likelihood(X, y, {noise = s2})
  terms:set(i, 1, t.data_fit); terms:set(i, 2, t.complexity); terms:set(i, 3, v)
  if i > 1 and t.complexity <= terms:get(i - 1, 2) then complexity_rises = false end
end
fig:panel{title = string.format("the terms along $ℓ$ at $σ^2 = %.3g$", s2), xlabel = "$ℓ$",
          ylabel = "nats", logx = true, yrange = {-100, 110}, legend = "top left"}
   :line(ls, terms:col(1), {title = "data fit $-y^⊤ (K + σ^2 I)^{-1} y / 2$", color = "C0", width = 2})
   :line(ls, terms:col(2), {title = "complexity $-\\log \\det(K + σ^2 I) / 2$", color = "C1", width = 2})
   :line(ls, terms:col(3), {title = "$\\log p(y | X)$ (with the constant)", color = "black"})
fig:save "marginal_likelihood.png"

c:truthy("the grid's maximum is inside the grid (not on its edge)",
         L.best.a > ls[1] and L.best.a < ls[#ls] and L.best.b > noises[1] and L.best.b < noises[#noises],
         string.format("l = %.4g in (%g, %g), s2 = %.4g in (%g, %g)", L.best.a, ls[1], ls[#ls],
                       L.best.b, noises[1], noises[#noises]))
c:truthy("the complexity term rises with the length-scale (a longer l is a simpler model)",
         complexity_rises)
-- E[data fit] = -tr(A^-1 E[y y']) / 2 = -n / 2 for y ~ N(0, A) drawn from the model itself.
local f, n, N = model(L.best.a, s2), X:rows(), check.draws(4000) // 2
local Y = (f + gp.noise(s2)):sample(X, {n = N})
local fits, wrong = gp.matrix(N, 1), gp.matrix(N, 1)
for j = 1, N do
  local yj = Y:col(j)
  fits[j] = select(2, f:log_marginal_likelihood(X, yj, {noise = s2})).data_fit
  wrong[j] = select(2, f:log_marginal_likelihood(X, yj, {noise = s2 / 2})).data_fit
end
local m, mw = gp.moments(fits:t()), gp.moments(wrong:t())
c:near(string.format("data drawn from the model: the data-fit term averages -n/2 = %g (%d draws, 5 SE)",
                     -n / 2, N), m.mean[1], -n / 2, 5 * m.se_mean[1])
c:truthy("... and the same check rejects the model with half the noise",
         math.abs(mw.mean[1] + n / 2) > 5 * mw.se_mean[1],
         string.format("%.4g vs %g, %.1f SE away", mw.mean[1], -n / 2,
                       math.abs(mw.mean[1] + n / 2) / mw.se_mean[1]))
c:finish()
