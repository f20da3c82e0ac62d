-- Sections 1-2 of the chapter: the random straight line f(x) = w0 + w1 x,
-- w0, w1 ~ N(0, 1), seen in function space: m(x) = 0, k(x, x') = 1 + x x'.
-- Its covariance on 50 points has rank 2, so a plain Cholesky fails and the
-- sampler falls back to pivoted Cholesky; the printed info says so.
local gp = require "gprior"
local recipes = require "gprior.recipes"

local x = gp.linspace(-5, 5, 50)
local f = gp.GP{kernel = gp.linear{variance = 1, offset = 1}}   -- 1 + x x'
print(f)

local fig, S, info = recipes.prior(f, x, {
  n = 10, title = "random lines: k(x, x') = 1 + x x' (band +- 2 sqrt(1 + x^2))"})
fig:save "linear_prior.png"

-- The sample paths must be straight lines: second differences vanish.
local worst = 0
for j = 1, S:cols() do
  for i = 2, S:rows() - 1 do
    local d2 = S:get(i - 1, j) - 2 * S:get(i, j) + S:get(i + 1, j)
    worst = math.max(worst, math.abs(d2))
  end
end
print(string.format("effective rank %d (expected 2); largest second difference %.3g",
                    info.rank, worst))
assert(info.rank == 2, "the covariance 1 + x x' should have rank 2")
assert(worst < 1e-9, "sample paths are not straight lines")
