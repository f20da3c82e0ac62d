-- Section 4 continued: deep networks as Gaussian processes. A fully connected
-- ReLU network with L hidden layers, weights N(0, sw2 / fan-in), biases
-- N(0, sb2), tends to GP(0, K^L) as the widths grow, K^L the NNGP kernel
-- (Lee et al. 2018; Matthews et al. 2018): K^0 = sb2 + sw2 x.x'/d,
-- K^l = sb2 + sw2 E[relu(u) relu(v)], (u, v) ~ N(0, K^(l-1)) (the order-1
-- arc-cosine kernel). With ONE hidden layer the covariance of the finite
-- network is K^1 at every width; with more, the next layer sees an
-- empirical kernel and the covariance differs from K^L by O(1/width).
-- Figure 1: NNGP samples and depth-3 networks of widths 1, 4, 16, 256, and
-- the covariance error against the width (log-log, slope -1). Figure 2: the
-- correlation of f at two inputs an angle theta apart, NNGP against NTK
-- (Jacot et al. 2018), as the depth grows: the NNGP forgets the angle
-- (correlations -> 1), the NTK keeps it longer.
local gp = require "gprior"
local check = require "gprior.check"

local c = check.new "deep networks as GPs"
local depth, sw, sb = 3, 2, 0.1
local opts = {depth = depth, weight_var = sw, bias_var = sb}
local nngp = gp.nngp(opts)
print(nngp)

-- ---- samples: the NNGP and finite networks -------------------------------------------
local x = gp.linspace(-3, 3, 200)
local fig = gp.figure{title = "Depth-3 ReLU networks ($σ_w^2 = 2$, $σ_b^2 = 0.1$): the NNGP and finite widths",
                      layout = {2, 3}, size = {1350, 800}}
local f = gp.GP{kernel = nngp}
fig:panel{title = "NNGP samples", xlabel = "$x$", ylabel = "$f(x)$", yrange = {-6, 6}}
   :band(x, f:mean(x), f:sd(x), 2, {title = "± 2 sd"})
   :lines(x, (f:sample(x, {n = 4, seed = 1})))
for i, width in ipairs{1, 4, 16, 256} do
  local net = gp.mlp_network{depth = depth, width = width, weight_var = sw, bias_var = sb}
  fig:panel{title = string.format("networks of width %d", width), xlabel = "$x$", ylabel = "$f(x)$",
            yrange = {-6, 6}}
     :band(x, f:mean(x), f:sd(x), 2, {title = "NNGP ± 2 sd"})
     :lines(x, net:sample(x, {n = 4, seed = 10 + i}))
end

-- ---- one hidden layer: the NNGP covariance at every width --------------------------------
local pts = gp.matrix{-1.5, 0.2, 2}
local N = check.draws(20000)
for _, width in ipairs{1, 4} do
  local net1 = gp.mlp_network{depth = 1, width = width, weight_var = sw, bias_var = sb}
  c:moments(string.format("one hidden layer, width %d: the covariance is the NNGP's", width),
            net1:sample(pts, {n = N, seed = width}), gp.matrix(3, 1), net1:kernel():gram(pts))
end
-- The rejection keeps its 20000 draws in quick mode too: its z grows like
-- sqrt(draws) (about 17 here), and a tenth of them would leave it near 5.
local narrow = gp.mlp_network{depth = depth, width = 2, weight_var = sw, bias_var = sb}
c:rejects("three hidden layers, width 2: the covariance is NOT the NNGP's",
          narrow:sample(pts, {n = 20000, seed = 3}), gp.matrix(3, 1), nngp:gram(pts))

-- ---- the covariance error against the width ------------------------------------------
-- Cov(f(-1), f(1)) of depth-3 networks from M networks each (the readout
-- integrated out exactly: net:empirical_kernel), against K^3(-1, 1).
local pair = gp.matrix{-1, 1}
local k12 = nngp:gram(pair):get(1, 2)
local M = check.draws(20000)
local widths, errs, ses = {1, 2, 4, 8, 16, 32, 64, 128, 256}, {}, {}
for i, width in ipairs(widths) do
  local net = gp.mlp_network{depth = depth, width = width, weight_var = sw, bias_var = sb}
  local K, SE = net:empirical_kernel(pair, {n = M, seed = 100 + i})
  errs[i], ses[i] = k12 - K:get(1, 2), SE:get(1, 2)
  print(string.format("width %4d: K^3 - Cov = %.5f +- %.5f (1 SE, %d networks)", width, errs[i], ses[i], M))
end
-- slope of log(error) against log(width), weighted least squares over the
-- widths >= 8 where the error is at least 3 SE from 0 (1 / var of log error = (err / SE)^2)
local sw_, sx, sy, sxx, sxy = 0, 0, 0, 0, 0
for i, width in ipairs(widths) do
  if width >= 8 and errs[i] > 3 * ses[i] then
    local w, lx, ly = (errs[i] / ses[i]) ^ 2, math.log(width), math.log(errs[i])
    sw_, sx, sy, sxx, sxy = sw_ + w, sx + w * lx, sy + w * ly, sxx + w * lx * lx, sxy + w * lx * ly
  end
end
local det = sw_ * sxx - sx * sx
local slope, se_slope = (sw_ * sxy - sx * sy) / det, math.sqrt(sw_ / det)
local icpt = (sy - slope * sx) / sw_
print(string.format("log-log slope %.3f +- %.3f (1 SE)", slope, se_slope))
c:near("covariance error falls like 1/width (log-log slope -1; tolerance max(0.15, 4 SE))",
       slope, -1, math.max(0.15, 4 * se_slope))
local lw, le = {}, {}
for i, width in ipairs(widths) do lw[i], le[i] = width, math.max(errs[i], 1e-4) end
fig:panel{title = "$K^3(−1, 1) − \\text{Cov}(f(−1), f(1))$, bars ± 2 SE",
          xlabel = "width", ylabel = "covariance error", logx = true, logy = true,
          xrange = {0.7, 400}, yrange = {1e-3, 3}, legend = "bottom left"}
   :points(gp.matrix(lw), gp.matrix(le), {title = "finite networks", color = "C0", size = 1})
for i, width in ipairs(widths) do
  local lo, hi = errs[i] - 2 * ses[i], errs[i] + 2 * ses[i]
  fig:line(gp.matrix{width, width}, gp.matrix{math.max(lo, 1e-3), hi}, {color = "C0", width = 1.5})
end
fig:line(gp.matrix{1, 256}, gp.matrix{math.exp(icpt), math.exp(icpt + slope * math.log(256))},
         {title = string.format("fit: slope %.2f", slope), color = "C3", width = 1.5, dash = "dashed"})
fig:save "deep_networks_width.png"

-- ---- NNGP against NTK as the depth grows ----------------------------------------------
local thetas = gp.linspace(0, math.pi, 91)
local depths = {1, 2, 4, 8, 16, 32}
local rho = {nngp = gp.matrix(91, #depths), ntk = gp.matrix(91, #depths)}
local x0 = {1, 0}
for j, L in ipairs(depths) do
  for _, name in ipairs{"nngp", "ntk"} do
    local k = gp[name]{depth = L, weight_var = sw, bias_var = sb}
    for i = 1, 91 do
      local xt = {math.cos(thetas[i]), math.sin(thetas[i])}
      rho[name]:set(i, j, k(x0, xt) / math.sqrt(k(x0, x0) * k(xt, xt)))
    end
  end
end
local fig2 = gp.figure{title = "Correlation of $f(x)$ and $f(x′)$ for unit inputs an angle $θ$ apart (ReLU, $σ_w^2 = 2$, $σ_b^2 = 0.1$)",
                       layout = {1, 2}, size = {1200, 500}}
for _, name in ipairs{"nngp", "ntk"} do
  fig2:panel{title = name == "nngp" and "NNGP: the prior of the network's outputs"
                       or "NTK: the kernel of gradient-descent training",
             xlabel = "angle $θ$", ylabel = "correlation", yrange = {-0.1, 1.05},
             legend = name == "nngp" and "bottom left" or "top right"}
  for j, L in ipairs(depths) do
    fig2:line(thetas, rho[name]:col(j), {title = "depth " .. L, color = "C" .. (j - 1), width = 2})
  end
end
fig2:save "nngp_vs_ntk_depth.png"
local mid = 46 -- theta = pi / 2
local rising = true
for j = 2, #depths do
  rising = rising and rho.nngp:get(mid, j) > rho.nngp:get(mid, j - 1) and rho.ntk:get(mid, j) > rho.ntk:get(mid, j - 1)
end
c:truthy("correlations at theta = pi/2 rise with depth, for both kernels", rising)
c:truthy("the NTK keeps inputs apart longer: at depth 32, corr 0.5-ish against the NNGP's ~1",
         rho.ntk:get(mid, #depths) < 0.6 and rho.nngp:get(mid, #depths) > 0.95,
         string.format("ntk %.3f, nngp %.3f", rho.ntk:get(mid, #depths), rho.nngp:get(mid, #depths)))
c:finish()
