-- How the length-scale and the noise variance shape the posterior (gprior batch ... --sweep lengthscale=0.2,0.6,2).
-- The data of 01_posterior.lua; the prior rbf(a = 1, l), the noise variance s2. Top row:
-- l / 4, l, 4 l at s2: a short length-scale lets the mean chase the noise between
-- ever-wider bands, a long one smooths the data away. Bottom row: s2 / 25, s2, 25 s2 at l:
-- too little noise gives a band far narrower than the scatter of the data (this smooth
-- kernel cannot follow them, and the likelihood collapses), too much flattens the mean
-- towards the prior mean inside a wide band. Each panel gives the log marginal
-- likelihood log p(y | X), which 03_marginal_likelihood.lua maximises.
-- Checked: draws against the formulas at the (l, s2) given (5 SE, and a wrong formula
-- rejected); the mean's roughness falls as l grows; with s2 the band widens and the mean
-- moves away from the data.
local gp = require "gprior"
local check = require "gprior.check"
local inference = require "gprior.inference"

local l = gp.param("lengthscale", 0.6, "RBF length-scale of the middle panels")
local s2 = gp.param("noise", 0.0625, "noise variance of the middle panels")

local c = check.new "length-scale and noise"
local X, y, truth = inference.data{n = 50, sd = 0.25}
local xt = gp.linspace(-0.5, 5.5, 300)
local fig = gp.figure{title = "The posterior's length-scale and noise (rbf, 50 observations)",
                      layout = {2, 3}, size = {1500, 850}, xlabel = "$x$", ylabel = "$f(x)$",
                      yrange = {-3, 3}, legend = "shared"}

-- Draw the posterior of rbf(l) given y with noise s2 into a new panel; returns it.
local function panel(ll, ss)
  local f = gp.GP{kernel = gp.rbf{lengthscale = ll}}
  local p = f:condition(X, y, {noise = ss})
  local lml = f:log_marginal_likelihood(X, y, {noise = ss})
  fig:panel{title = string.format("$ℓ = %.3g$, $σ^2 = %.3g$: $\\log p(y | X) = %.1f$", ll, ss, lml)}
     :band(xt, p, 1.96, {title = "95% credible band for $f$"})
     :line(xt, xt:map(truth), {title = "true function", color = "black", width = 1.2, dash = "dashed"})
     :line(xt, p:mean(xt), {title = "posterior mean"})
     :points(X, y, {title = "observations", color = "black", size = 0.5})
  return p
end

-- sum of squared second differences of the mean on [0, 5]: its roughness
local xin = gp.linspace(0, 5, 200)
local function roughness(p)
  local m, r = p:mean(xin), 0
  for i = 2, xin:rows() - 1 do r = r + (m[i + 1] - 2 * m[i] + m[i - 1]) ^ 2 end
  return r
end
-- rms distance of the mean to the observations, and the mean sd on [0, 5]
local function misfit(p)
  local m, r = p:mean(X), 0
  for i = 1, X:rows() do r = r + (m[i] - y[i]) ^ 2 end
  return math.sqrt(r / X:rows())
end
local function width(p)
  local s, w = p:sd(xin), 0
  for i = 1, xin:rows() do w = w + s[i] end
  return w / xin:rows()
end

local rough, fits, widths, middle = {}, {}, {}, nil
for _, ll in ipairs{l / 4, l, 4 * l} do
  local p = panel(ll, s2)
  rough[#rough + 1] = roughness(p)
  middle = ll == l and p or middle
end
for _, ss in ipairs{s2 / 25, s2, 25 * s2} do
  local p = panel(l, ss)
  fits[#fits + 1], widths[#widths + 1] = misfit(p), width(p)
end
fig:save "lengthscale_noise.png"

c:truthy("a longer length-scale gives a smoother mean (roughness falls)",
         rough[1] > rough[2] and rough[2] > rough[3],
         string.format("%.3g > %.3g > %.3g", rough[1], rough[2], rough[3]))
c:truthy("more noise: a wider band (mean sd on [0, 5] grows)",
         widths[1] < widths[2] and widths[2] < widths[3],
         string.format("%.3g < %.3g < %.3g", widths[1], widths[2], widths[3]))
c:truthy("more noise: the mean follows the observations less (rms misfit grows)",
         fits[1] < fits[2] and fits[2] < fits[3],
         string.format("%.3g < %.3g < %.3g", fits[1], fits[2], fits[3]))
local xq = gp.matrix{0.7, 2.2, 4.6, 5.4}
local N = check.draws(20000)
local D = middle:sample(xq, {n = N})
c:moments(string.format("l = %g, s2 = %g: draws have the posterior mean and kernel", l, s2),
          D, middle:mean(xq), middle:cov(xq))
local other = gp.GP{kernel = gp.rbf{lengthscale = l}}:condition(X, y, {noise = s2 * 1.5})
c:rejects("... and the check rejects the posterior with 1.5 times the noise",
          D, other:mean(xq), other:cov(xq))
c:finish()
