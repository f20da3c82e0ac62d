-- Section 3 of the chapter: samples from a GP prior with the RBF kernel
--   k(x, x') = a^2 exp(-(x - x')^2 / (2 l^2)),  a = 1, l = 1
-- on 50 points of [0, 5], 5 samples, with the band mean +- 2 sd.
-- (The book's numpy helper divides by l, not l^2; gprior follows the formula.)
local gp = require "gprior"
local recipes = require "gprior.recipes"

local x = gp.linspace(0, 5, 50)
local f = gp.GP{kernel = gp.rbf{amplitude = 1, lengthscale = 1}}
print(f)

recipes.prior(f, x, {n = 5, title = "GP prior, RBF kernel (l = 1)"})
  :save "rbf_prior.png"
