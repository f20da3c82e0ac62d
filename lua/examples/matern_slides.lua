-- Lecture slide: the Matérn family, rough to smooth (ν = 1/2, 3/2, 5/2, ∞), one shared legend, slides theme.
-- Each panel draws the same three standard-normal vectors through its kernel's
-- factor (same seed), so the paths differ only by the kernel's smoothness: a
-- Matérn-ν path has ⌈ν⌉ - 1 derivatives; ν → ∞ is the RBF kernel.
local gp = require "gprior"

local l = gp.param("lengthscale", 1.0, "length-scale of every kernel")
local x = gp.linspace(0, 6, 300)
local family = {{"$ν = 1/2$ (exponential)", gp.exponential{lengthscale = l}},
                {"$ν = 3/2$", gp.matern32{lengthscale = l}},
                {"$ν = 5/2$", gp.matern52{lengthscale = l}},
                {"$ν → ∞$ (RBF)", gp.rbf{lengthscale = l}}}

local fig = gp.figure{title = "Matérn kernels: the larger ν, the smoother the paths",
                      theme = "slides", layout = {2, 2}, legend = "shared", sharey = true}
for _, member in ipairs(family) do
  local f = gp.GP{kernel = member[2]}
  fig:panel{title = member[1]}
     :band(x, f:mean(x), f:sd(x), 2, {title = "± 2 sd"})
     :lines(x, f:sample(x, {n = 3, seed = 7}), {title = "3 draws"})
     :line(x, f:mean(x), {title = "mean"})
end
fig:save "matern_slides.png"
