-- The log marginal likelihood over length-scale and noise, its data-fit and complexity terms, and the hyperparameters gp.fit finds.
-- log p(y | X) = -y' (K + s2 I)^-1 y / 2 - log det(K + s2 I) / 2 - (n / 2) log 2 pi:
-- data fit, complexity penalty, constant. On the data of 01_posterior.lua (rbf prior,
-- amplitude 1), over a 40 x 40 grid of length-scales l and noise variances s2: the
-- landscape has one ridge; a short l fits the noise but pays in complexity, a long one
-- is simple but fits badly (a second, lower hill: a long l that calls more of the data
-- noise). gp.fit maximises it with analytic gradients (L-BFGS on log l and log s2, five
-- starts); its optimum is marked. Middle: the terms along l at the fitted s2. Right: the
-- posterior with the fitted hyperparameters, and with the amplitude fitted too.
-- Checked: the fit is at least as high as the best grid point; for data drawn from the
-- model, the data-fit term averages -n/2 (5 SE over prior-predictive draws), and the same
-- check rejects the model with half the noise; the complexity term rises with l.
local gp = require "gprior"
local check = require "gprior.check"
local inference = require "gprior.inference"

local c = check.new "the log marginal likelihood"
local X, y = inference.data{n = 50, sd = 0.25}
local f = gp.GP{kernel = gp.rbf{lengthscale = 1}}
local ls, noises = inference.logspace(0.05, 5, 40), inference.logspace(1e-3, 2, 40)
local L = inference.landscape_of{process = f, X = X, y = y, a = {"rbf.lengthscale", ls},
                                 b = {"noise", noises}}
print(string.format("grid maximum: l = %.4g, s2 = %.4g, log p(y | X) = %.6g",
                    L.best.a, L.best.b, L.best.value))
local g, fit = gp.fit{process = f, X = X, y = y, noise = 0.1, params = {"rbf.lengthscale", "noise"}}
print("fit of l and s2: " .. tostring(fit))
local g3, fit3 = gp.fit{process = f, X = X, y = y, noise = 0.1}
print("fit of a, l and s2: " .. tostring(fit3))
local l, s2 = fit.params["rbf.lengthscale"], fit.noise

local fig = gp.figure{title = "Choosing hyperparameters by the marginal likelihood (rbf, 50 observations)",
                      layout = {1, 3}, size = {1900, 540}}
fig:panel{title = "$\\log p(y | X)$ over $ℓ$ and $σ^2$ ($a = 1$)", xlabel = "$\\log_{10} ℓ$",
          ylabel = "$\\log_{10} σ^2$", legend = "bottom right"}
inference.draw_landscape(fig, L, {marks = {{l, s2, string.format("gp.fit %.4g", fit.value)}}})

-- the terms along l at the fitted noise
local terms = gp.matrix(#ls, 3)
local complexity_rises = true
for i = 1, #ls do
  local v, t = f:with{["rbf.lengthscale"] = ls[i]}:log_marginal_likelihood(X, y, {noise = s2})
  terms:set(i, 1, t.data_fit); terms:set(i, 2, t.complexity); terms:set(i, 3, v)
  if i > 1 and t.complexity <= terms:get(i - 1, 2) then complexity_rises = false end
end
fig:panel{title = string.format("the terms along $ℓ$ at $σ^2 = %.3g$", s2), xlabel = "$ℓ$",
          ylabel = "nats", logx = true, yrange = {-100, 110}, legend = "top left"}
   :line(ls, terms:col(1), {title = "data fit $-y^⊤ (K + σ^2 I)^{-1} y / 2$", color = "C0", width = 2})
   :line(ls, terms:col(2), {title = "complexity $-\\log \\det(K + σ^2 I) / 2$", color = "C1", width = 2})
   :line(ls, terms:col(3), {title = "$\\log p(y | X)$ (with the constant)", color = "black"})
   :line({l, l}, {-100, 110}, {title = "fitted $ℓ$", color = "gray", dash = "dashed", width = 1.5})
local xt = gp.linspace(-0.5, 5.5, 300)
local p, p3 = g:condition(X, y, {noise = s2}), g3:condition(X, y, {noise = fit3.noise})
fig:panel{title = string.format("fitted: $ℓ = %.3g$, $σ^2 = %.3g$; with $a$: $a = %.3g$, $ℓ = %.3g$",
                                l, s2, fit3.params["rbf.amplitude"], fit3.params["rbf.lengthscale"]),
          xlabel = "$x$", ylabel = "$f(x)$", yrange = {-2.5, 3}, legend = "bottom left"}
   :band(xt, p, 1.96, {title = "95% band, $a = 1$"})
   :line(xt, p:mean(xt), {title = "mean, $a = 1$"})
   :line(xt, p3:mean(xt), {title = "mean, $a$ fitted too", color = "C3", width = 1.5, dash = "dashed"})
   :points(X, y, {title = "observations", color = "black", size = 0.6})
fig:save "marginal_likelihood.png"

c:truthy("gp.fit reaches at least the grid's best log p(y | X)", fit.value >= L.best.value,
         string.format("%.8g >= %.8g", fit.value, L.best.value))
c:truthy("fitting the amplitude too reaches at least as high", fit3.value >= fit.value - 1e-9,
         string.format("%.8g >= %.8g", fit3.value, fit.value))
c:truthy("the complexity term rises with the length-scale (a longer l is a simpler model)",
         complexity_rises)
-- E[data fit] = -tr(A^-1 E[y y']) / 2 = -n / 2 for y ~ N(0, A) drawn from the model itself.
local n, N = X:rows(), check.draws(4000) // 2
local Y = (g + gp.noise(s2)):sample(X, {n = N})
local fits, wrong = gp.matrix(N, 1), gp.matrix(N, 1)
for j = 1, N do
  local yj = Y:col(j)
  fits[j] = select(2, g:log_marginal_likelihood(X, yj, {noise = s2})).data_fit
  wrong[j] = select(2, g:log_marginal_likelihood(X, yj, {noise = s2 / 2})).data_fit
end
local m, mw = gp.moments(fits:t()), gp.moments(wrong:t())
c:near(string.format("data drawn from the model: the data-fit term averages -n/2 = %g (%d draws, 5 SE)",
                     -n / 2, N), m.mean[1], -n / 2, 5 * m.se_mean[1])
c:truthy("... and the same check rejects the model with half the noise",
         math.abs(mw.mean[1] + n / 2) > 5 * mw.se_mean[1],
         string.format("%.4g vs %g, %.1f SE away", mw.mean[1], -n / 2,
                       math.abs(mw.mean[1] + n / 2) / mw.se_mean[1]))
c:finish()
