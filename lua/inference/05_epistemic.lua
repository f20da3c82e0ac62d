-- Epistemic uncertainty: the posterior sd is small near the data, opens in the gap between them, and returns to the prior's far away.
-- Two clusters of noisy observations, on [0, 1.5] and [3, 4]; prior rbf(a = 1, l = 0.7),
-- noise variance 0.01. The posterior sd is what the data leave unknown about f (the
-- epistemic part); it falls below the noise sd 0.1 where observations crowd (many noisy
-- readings average out), rises in the gap, and tends to the prior sd a = 1 away from the
-- data, where the posterior is the prior again. A new observation adds the noise
-- variance (the aleatoric part) on top: its sd is sqrt(sd^2 + s2).
-- Checked: draws against the formulas (5 SE, a wrong formula rejected); the sd is back
-- at the prior's 4 length-scales beyond the data, and grows steadily on the way there.
local gp = require "gprior"
local check = require "gprior.check"

local c = check.new "epistemic uncertainty"
local s2 = 0.01
local X = gp.matrix(30, 1)
for i = 1, 30 do X[i] = i <= 18 and 1.5 * (i - 1) / 17 or 3 + (i - 19) / 11 end
local y = X:map(function(x) return math.sin(2 * x) end) + math.sqrt(s2) * gp.randn(30)
local f = gp.GP{kernel = gp.rbf{lengthscale = 0.7}}
local p = f:condition(X, y, {noise = s2})
local x = gp.linspace(-4, 9, 521)
local sd, sdy = p:sd(x), (p + gp.noise(s2)):sd(x)

local fig = gp.figure{title = "Epistemic uncertainty grows away from the data (rbf, $ℓ = 0.7$, $σ^2 = 0.01$)",
                      layout = {2, 1}, size = {1100, 800}, xlabel = "$x$", sharex = true}
fig:panel{ylabel = "$f(x)$", title = "posterior mean ± 2 sd", yrange = {-2.6, 4}, legend = "top left"}
   :band(x, p, 2, {title = "± 2 sd of $f$"})
   :line(x, p:mean(x), {title = "posterior mean"})
   :points(X, y, {title = "30 observations", color = "black", size = 0.7})
fig:panel{ylabel = "standard deviation", title = "posterior sd of $f$ and of a new observation",
          yrange = {0, 1.15}}
   :line(x, sdy, {title = "new observation: $\\sqrt{\\mathrm{sd}^2 + σ^2}$", color = "C1", width = 2})
   :line(x, sd, {title = "$f$: epistemic", color = "C0", width = 2.5})
   :line({-4, 9}, {1, 1}, {title = "prior sd", color = "gray", dash = "dashed", width = 1.5})
   :line({-4, 9}, {0.1, 0.1}, {title = "noise sd", color = "gray", dash = "dotted", width = 1.5})
   :points(X, X:map(function() return 0.02 end), {title = "where the data are", color = "black",
                                                  size = 0.5})
fig:save "epistemic.png"

local far = p:sd(gp.matrix{-1.5 - 4 * 0.7, 4 + 4 * 0.7})
c:below("4 length-scales beyond the data the sd is the prior's again (largest |sd - 1|)",
        math.max(math.abs(far[1] - 1), math.abs(far[2] - 1)), 1e-3)
local grows = true
for i = 2, x:rows() do
  if x[i] > 4 and sd[i] < sd[i - 1] then grows = false end
end
c:truthy("beyond the last observation the sd grows steadily", grows)
local gap = p:sd(gp.matrix{2.25})[1]
c:truthy("the sd opens in the gap between the clusters, above the noise sd",
         gap > 0.1 and gap > p:sd(gp.matrix{0.75})[1], string.format("sd(2.25) = %.3g", gap))
local xq = gp.matrix{0.75, 2.25, 5.5}
local N = check.draws(20000)
local D = p:sample(xq, {n = N})
c:moments("posterior draws against the formulas", D, p:mean(xq), p:cov(xq))
local q = f:condition(X, y, {noise = 4 * s2})
c:rejects("... and the check rejects the posterior with 4 times the noise", D, q:mean(xq), q:cov(xq))
c:finish()
