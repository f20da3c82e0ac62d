-- Section 3: the RBF kernel: prior samples, f(x) as a sum of J Gaussian bumps, and the bump kernel's limit.
-- k(x, x') = a^2 exp(-(x - x')^2 / (2 l^2)).
-- 1. The chapter's figure: 5 samples on 50 points of [0, 5], l = 1, a = 1.
--    (The book's numpy helper divides by l, not l^2; gprior follows the formula.)
-- 2. Where the kernel comes from: J Gaussian bumps phi_i(x) = exp(-(x - c_i)^2 / (2 l^2))
--    with centres on [-log J, log J], spacing dc = 2 log J / J, weights N(0, sigma^2 dc).
--    One draw is f(x) = sum_i w_i phi_i(x): the figure draws each bump w_i phi_i(x)
--    and their sum, for J = 10 and J = 40.
--    As J grows, sigma^2 dc sum_i phi_i(x) phi_i(x') tends to
--    sqrt(pi) l sigma^2 exp(-(x - x')^2 / (4 l^2)): an RBF kernel with length-scale sqrt(2) l.
local gp = require "gprior"
local recipes = require "gprior.recipes"
local check = require "gprior.check"

local c = check.new "section 3: the RBF kernel"
local x = gp.linspace(0, 5, 50)
local f = gp.GP{kernel = gp.rbf{amplitude = 1, lengthscale = 1}}
print(f)
local prior, _, info = recipes.prior(f, x, {n = 5, title = "GP prior, RBF kernel ($ℓ = 1$)"})
prior:save "rbf_prior.png"
c:truthy("the sampler says how it factored K", info.rank >= 1, tostring(info))

local l, sigma = 1, 1

-- Weight space: one draw of the weights, each bump w_i phi_i(x) and their sum f(x), in
-- the band +- 2 sd of f (exact for J bumps: it narrows outside [-log J, log J]).
local xw = gp.linspace(-4, 4, 241)
local bumps_fig = gp.figure{title = "The RBF kernel in weight space: $f(x) = ∑_i w_i φ_i(x)$, "
                                    .. "$φ_i(x) = \\exp(-(x - c_i)^2 / 2ℓ^2)$, $ℓ = 1$",
                            layout = {1, 2}, size = {1300, 480}, legend = "shared",
                            sharey = true, xlabel = "$x$"}
for _, J in ipairs{10, 40} do
  local model = gp.bumps_model{J = J, lengthscale = l, sigma = sigma}
  local Fj, Wj = model:sample(xw, {n = 1, seed = 11})
  local Phi = model:basis():eval(xw)
  local parts = gp.matrix(xw:rows(), J)                  -- column i: w_i phi_i(x)
  for i = 1, xw:rows() do
    for b = 1, J do parts:set(i, b, Wj:get(b, 1) * Phi:get(i, b)) end
  end
  bumps_fig:panel{title = string.format("$J = %d$ bumps, centres on $[−\\log J, \\log J]$, "
                                        .. "weights $N(0, σ^2 Δc)$", J), ylabel = "$f(x)$"}
           :band(xw, model:mean(xw), model:sd(xw), 2, {title = "± 2 sd of $f$", color = "gray",
                                                       alpha = 0.2})
           :lines(xw, parts, {color = "C0", width = 1, alpha = 0.7, title = "one bump $w_i φ_i(x)$"})
           :line(xw, Fj, {title = "their sum $f(x)$"})
end
bumps_fig:save "rbf_weight_space.png"

local limit = gp.bumps_limit{lengthscale = l, sigma = sigma}
print("limit kernel: " .. tostring(limit))
local K = limit:gram(x)
local Js, errors = {10, 100, 1000, 10000}, {}
for i, J in ipairs(Js) do
  local KJ = gp.bumps_model{J = J, lengthscale = l, sigma = sigma}:cov(x)
  local e = 0
  for a = 1, 50 do for b = 1, 50 do e = math.max(e, math.abs(KJ:get(a, b) - K:get(a, b))) end end
  errors[i] = e
  print(string.format("J = %5d bumps on [%.2f, %.2f]: max |k_J - k_limit| on [0, 5] = %.3g",
                      J, -math.log(J), math.log(J), e))
end
for i = 2, #Js do
  c:truthy(string.format("the error falls from J = %d to J = %d", Js[i - 1], Js[i]),
           errors[i] < errors[i - 1], string.format("%.3g -> %.3g", errors[i - 1], errors[i]))
end
c:below("the error is small at J = 10000", errors[#Js], 1e-6)

local model = gp.bumps_model{J = 100, lengthscale = l, sigma = sigma}
local limitGP = gp.GP{kernel = limit}
local xs = gp.linspace(-3, 3, 120)
gp.figure{title = "RBF kernel as the limit of $J$ Gaussian bumps", layout = {1, 2}, size = {1200, 450}}
  :panel{title = "max error of the $J$-bump kernel against the limit", xlabel = "$J$",
         ylabel = "$\\max |k_J − k|$ on [0, 5]", logx = true, logy = true}
  :line(gp.matrix(Js), gp.matrix(errors), {title = "max error", color = "C0", width = 2})
  :points(gp.matrix(Js), gp.matrix(errors))
  :panel{title = "$J = 100$ bumps (weight space) vs the limit GP: samples", xlabel = "$x$",
         ylabel = "$f(x)$"}
  :band(xs, limitGP:mean(xs), limitGP:sd(xs), 2, {title = "limit GP ± 2 sd"})
  :lines(xs, model:sample(xs, {n = 4}))
  :save "rbf_from_bumps.png"
c:finish()
