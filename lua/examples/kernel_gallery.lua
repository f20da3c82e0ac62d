-- Kernel composition: periodic, RBF, their product (locally periodic) and the product plus a linear trend, each with mean ± 2 sd.
-- Sums and products of kernels are kernels: periodic × RBF repeats a pattern
-- that slowly changes; adding a linear kernel adds a random straight-line
-- trend, and the band widens with |x| as the linear part's variance does.
local gp = require "gprior"

local x = gp.linspace(-4, 4, 300)
local periodic = gp.periodic{period = 1.5, lengthscale = 1}
local smooth = gp.rbf{lengthscale = 2}
local kernels = {{"periodic: $k_{per}$", periodic},
                 {"RBF: $k_{RBF}$, $ℓ = 2$", smooth},
                 {"$k_{per} × k_{RBF}$: locally periodic", periodic * smooth},
                 {"$k_{per} × k_{RBF} + 0.1 k_{lin}$: with a trend", periodic * smooth + 0.1 * gp.linear{}}}

local fig = gp.figure{title = "Composing kernels: samples and mean ± 2 sd", layout = {2, 2},
                      size = {1200, 800}, legend = "shared", sharey = true, xlabel = "$x$",
                      ylabel = "$f(x)$"}
for _, entry in ipairs(kernels) do
  local f = gp.GP{kernel = entry[2]}
  print(entry[1] .. ": " .. tostring(entry[2]))
  fig:panel{title = entry[1]}
     :band(x, f:mean(x), f:sd(x), 2, {title = "mean ± 2 sd"})
     :lines(x, f:sample(x, {n = 3, seed = 3}), {title = "3 draws"})
     :line(x, f:mean(x), {title = "mean"})
end
fig:save "kernel_gallery.png"
