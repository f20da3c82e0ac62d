-- The posterior on the book's synthetic data: mean, 95% credible bands for f and for new observations, posterior samples.
-- d2l's "Gaussian Process Inference" data: y = sin(x) + 0.5 sin(4x) + e, e ~ N(0, 0.25^2),
-- 50 points on [0, 5]. Prior f ~ GP(0, rbf(a = 1, l)); the posterior given y is the GP with
--   mean m(x) = k(x, X) (K + s2 I)^-1 y,  kernel k(x, x') - k(x, X) (K + s2 I)^-1 k(X, x').
-- Its 95% credible band for f is m -+ 1.96 sd (epistemic uncertainty); new observations
-- y* = f(x*) + e* add the noise variance s2 (the wider band, f + gp.noise(s2)).
-- Checked: posterior draws (pathwise, Matheron's rule) against the mean and covariance
-- formulas at 5 standard errors, and the same check rejects the noisy observations'
-- covariance; the mean is closer to the true function than the noise.
local gp = require "gprior"
local check = require "gprior.check"
local inference = require "gprior.inference"

local l = gp.param("lengthscale", 0.6, "RBF length-scale of the prior")
local s2 = gp.param("noise", 0.0625, "noise variance s2 (the data's is 0.25^2)")

local c = check.new "the posterior on synthetic data"
local X, y, truth = inference.data{n = 50, sd = 0.25}
local f = gp.GP{kernel = gp.rbf{lengthscale = l}}
local p = f:condition(X, y, {noise = s2})
print(p)
print("conditioning: " .. tostring(p:info()))

local xt = gp.linspace(-0.5, 5.5, 400)
local S, info = p:sample(xt, {n = 5})
print("posterior draws: " .. tostring(info))
local fig = gp.figure{title = string.format("GP posterior on 50 noisy observations (rbf, $ℓ = %g$, "
                                            .. "$σ^2 = %g$)", l, s2),
                      layout = {1, 2}, size = {1400, 500}, xlabel = "$x$", ylabel = "$f(x)$",
                      yrange = {-2.4, 3.2}}
fig:panel{title = "mean and 95% credible bands"}
   :band(xt, p + gp.noise(s2), 1.96, {title = "95% for new observations $y^*$", color = "gray",
                                       alpha = 0.25})
   :band(xt, p, 1.96, {title = "95% for $f$", color = "C0"})
   :line(xt, xt:map(truth), {title = "true function", color = "black", width = 1.5, dash = "dashed"})
   :line(xt, p:mean(xt), {title = "posterior mean", color = "C0"})
   :points(X, y, {title = "observations", color = "black"})
fig:panel{title = "5 posterior samples"}
   :band(xt, p, 1.96, {title = "95% for $f$", color = "C0", alpha = 0.2})
   :lines(xt, S, {width = 1.2})
   :points(X, y, {title = "observations", color = "black", size = 0.6})
fig:save "posterior.png"

-- Monte Carlo against the formulas, at points among, between and beyond the data.
local xq = gp.matrix{0.05, 1.3, 2.52, 4.9, 5.5}
local N = check.draws(20000)
local D = p:sample(xq, {n = N})
c:moments("posterior draws have mean m(x) and kernel k(x, x') - k(x, X) (K + s2 I)^-1 k(X, x')",
          D, p:mean(xq), p:cov(xq))
c:rejects("... and the check rejects the noisy observations' covariance (+ s2 I)",
          D, p:mean(xq), (p + gp.noise(s2)):cov(xq))
local xin = gp.linspace(0, 5, 200)
local m, sq = p:mean(xin), 0
for i = 1, xin:rows() do sq = sq + (m[i] - truth(xin[i])) ^ 2 end
c:below("on [0, 5] the posterior mean is closer to the true function than the noise sd 0.25 (rms)",
        math.sqrt(sq / xin:rows()), 0.25)
c:finish()
