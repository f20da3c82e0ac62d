-- A 2-D Gaussian random field: one exact draw on a 120 x 120 grid as a heat map, contour lines and a surface.
-- The field is a GP on the plane with a Matérn-5/2 kernel (ℓ = 0.7). gp.grid(xs, ys)
-- lists the grid's points with x varying fastest, and the figure methods take a
-- sample in exactly that order: fig:heatmap(xs, ys, S) needs no reshaping (a
-- matrix Z works too: ny x nx, Z(i, j) at (x_j, y_i)).
local gp = require "gprior"

local n = gp.param("points", 120, "grid points per side")
local l = gp.param("lengthscale", 0.7, "Matérn-5/2 length-scale")
local xs, ys = gp.linspace(0, 4, n), gp.linspace(0, 4, n)
local f = gp.GP{kernel = gp.matern52{lengthscale = l}}

-- On a regular grid a stationary kernel is drawn exactly by circulant
-- embedding (FFT), in the order of gp.grid(xs, ys): 1024 x 1024 takes about a
-- second, where the dense sampler would factor an (n^2 x n^2) covariance.
local S, info = f:sample_grid({0, 0}, {4, 4}, {n, n})
print(string.format("%d x %d grid, %d points: %s", n, n, n * n, tostring(info)))

gp.figure{title = string.format("One draw of a GP on the plane, Matérn-5/2 kernel, $ℓ = %g$", l),
          layout = {1, 3}, size = {1500, 500}, xlabel = "$x_1$", ylabel = "$x_2$"}
  :panel{title = "heat map (smooth)", aspect = "equal"}
  :heatmap(xs, ys, S, {smooth = true, colorbar = "$f(x)$"})
  :panel{title = "contour lines", aspect = "equal"}
  :contour(xs, ys, S, {levels = 8})
  :panel{title = "surface", zlabel = "$f(x)$"}
  :surface(xs, ys, S, {view = {55, 35}, colorbar = false})
  :save "grf_2d.png"
