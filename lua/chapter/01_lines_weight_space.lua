-- Section 1: random straight lines f(x) = w₀ + w₁x in weight space, w₀, w₁ ∼ N(0, 1), with mean and ± 2 sd.
-- Sampled in weight space: draw the weights, evaluate the lines.
-- For each x, f(x) ~ N(0, 1 + x^2); the band is mean +- 2 sqrt(1 + x^2).
-- Check: the empirical covariance of many weight-space draws is 1 + x x'.
local gp = require "gprior"
local check = require "gprior.check"

local c = check.new "section 1: random lines in weight space"
local lines = gp.weights{basis = gp.basis.polynomial{degree = 1}, mean = 0, cov = 1}  -- w ~ N(0, I)
print(lines)

local x = gp.linspace(-5, 5, 50)
local F, W = lines:sample(x, {n = 10})
print(string.format("first line: w0 = %.3f, w1 = %.3f", W:get(1, 1), W:get(2, 1)))
gp.figure{title = "Random lines $f(x) = w_0 + w_1 x$, $w ∼ N(0, I)$: 10 draws of the weights",
          xlabel = "$x$", ylabel = "$f(x)$"}
  :band(x, lines:mean(x), lines:sd(x), 2, {title = "± 2 √(1 + x²)"})
  :lines(x, F)
  :line(x, lines:mean(x), {title = "mean 0"})
  :save "lines_weight_space.png"

local pts = gp.matrix{-5, -2, 0, 1, 4}
local K = gp.linear{offset = 1}:gram(pts)                    -- 1 + x x'
local S = lines:sample(pts, {n = check.draws(20000)})
c:moments("weight-space draws have covariance 1 + x x'", S, gp.matrix(5, 1), K)
c:rejects("the same check rejects x x' (no intercept variance)", S, gp.matrix(5, 1),
          gp.linear{}:gram(pts))
local sd = lines:sd(x)
c:near("band half-width at x = 5 is 2 sqrt(26)", 2 * sd[50], 2 * math.sqrt(26), 1e-12)
c:finish()
