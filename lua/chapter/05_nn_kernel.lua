-- Section 4: the neural-network (arcsin) kernel: GP samples, its non-stationary k(x, x'), finite erf networks.
-- Neal 1996, Williams 1998. A network
-- f(x) = b + sum_i v_i erf(u_i0 + u_i1 x), b ~ N(0, sb^2), v_i ~ N(0, sv^2 / J),
-- u_i ~ N(0, Sigma) has covariance sb^2 + sv^2 (2/pi) asin(2 xt' S xt' / sqrt(...))
-- at EVERY J (E over u and v); as J grows it also becomes Gaussian (central
-- limit theorem), so J -> inf gives a GP. The kernel is not stationary.
local gp = require "gprior"
local check = require "gprior.check"

local c = check.new "section 4: the neural-network kernel"
local Sigma = {1, 10}                          -- diag(var u_0, var u_1)
local k = gp.nn{Sigma = Sigma, variance = 1, offset = 0}
local f = gp.GP{kernel = k}
print(f)

local x = gp.linspace(-4, 4, 200)
local S, info = f:sample(x, {n = 5})
print("sampler: " .. tostring(info))
local grid = gp.linspace(-4, 4, 60)
local fig = gp.figure{title = "The neural-network (arcsin) kernel, $Σ = \\text{diag}(1, 10)$",
                      layout = {2, 2}, size = {1100, 800}, xlabel = "$x$", ylabel = "$f(x)$"}
  :panel{title = "GP samples: flat far out, changing near 0"}
  :band(x, f:mean(x), f:sd(x), 2, {title = "± 2 sd"})
  :lines(x, S)
  :panel{title = "$k(x, x')$: not a function of $x − x'$", ylabel = "$x'$", aspect = "equal"}
  :heatmap(grid, grid, k:gram(grid), {smooth = true, colorbar = "$k(x, x')$"})

-- Non-stationarity: the correlation of f(x) and f(x + 0.5) depends on x.
local function corr(a, b) return k(a, b) / math.sqrt(k(a, a) * k(b, b)) end
local c0, c3 = corr(0, 0.5), corr(3, 3.5)
print(string.format("corr(f(0), f(0.5)) = %.3f but corr(f(3), f(3.5)) = %.3f", c0, c3))
c:truthy("not stationary: corr(f(0), f(0.5)) differs from corr(f(3), f(3.5))",
         math.abs(c0 - c3) > 0.1, string.format("%.3f vs %.3f", c0, c3))

-- Finite networks: the covariance matches at every J; the kurtosis falls with J.
local pts = gp.matrix{-2, -0.3, 0, 0.5, 2.5}
local K = k:gram(pts)
-- Excess kurtosis of a sum of J independent terms is (that of one term) / J;
-- its standard error for N near-Gaussian draws is about sqrt(24 / N).
local Js, kurts = {1, 10, 100, 10000}, {}
local N, se_kurt = {}, {}
for i, J in ipairs(Js) do
  local net = gp.erf_network{J = J, Sigma = Sigma, variance = 1, offset = 0}
  N[i] = check.draws(J >= 10000 and 5000 or 20000)
  local F = net:sample(pts, {n = N[i]})
  c:moments(string.format("J = %d: network draws have the arcsin covariance", J), F,
            gp.matrix(5, 1), K)
  local v = gp.matrix(N[i], 1)
  for t = 1, N[i] do v[t] = F:get(3, t) end
  kurts[i], se_kurt[i] = gp.kurtosis(v), math.sqrt(24 / N[i])
  print(string.format("J = %5d: excess kurtosis of f(0) = %.3f (SE about %.3f)", J, kurts[i], se_kurt[i]))
end
c:truthy("J = 1: f(0) is clearly not Gaussian (excess kurtosis > 5 SE)",
         kurts[1] > 5 * se_kurt[1], string.format("%.3f", kurts[1]))
c:near("J = 10000: f(0) is Gaussian to within 5 SE (excess kurtosis 0)", kurts[4], 0, 5 * se_kurt[4])
local net = gp.erf_network{J = 3, Sigma = Sigma}
fig:panel{title = "three random networks with $J = 3$ hidden units"}
   :lines(x, net:sample(x, {n = 3}))
   :panel{title = "networks with $J = 1000$: close to GP samples"}
   :band(x, f:mean(x), f:sd(x), 2, {title = "GP ± 2 sd"})
   :lines(x, gp.erf_network{J = 1000, Sigma = Sigma}:sample(x, {n = 3}))
   :save "nn_kernel.png"
c:finish()
