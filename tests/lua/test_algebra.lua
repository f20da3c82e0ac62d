-- Lua-level tests of process algebra: operators, errors, joint draws.
local gp = require "gprior"

local x = gp.linspace(-1, 1, 5)
local f = gp.GP{kernel = gp.rbf{}, mean = 1}
local g = gp.GP{kernel = gp.matern52{lengthscale = 0.5}, mean = function(v) return v end}

return {
  ["f + 2 g: mean and kernel"] = function(t)
    local u = f + 2 * g
    local K, K1, K2 = u:cov(x), f:cov(x), g:cov(x)
    t.near(K:get(2, 4), K1:get(2, 4) + 4 * K2:get(2, 4), 1e-14, "k1 + 4 k2")
    t.near(u:mean(x)[5], 1 + 2 * 1, 1e-14, "m1 + 2 m2")
    t.truthy(u:is_gaussian(), "sum is Gaussian")
  end,
  ["operand orders and subtraction"] = function(t)
    t.near((f * 3):var(x)[1], 9, 1e-14, "f * 3")
    t.near((g - f):mean(x)[1], -1 - 1, 1e-14, "g - f")
    t.near((-f):mean(x)[2], -1, 1e-14, "-f")
    t.near((f + 2):mean(x)[3], 3, 1e-14, "f + 2")
    t.near((2 + f):mean(x)[3], 3, 1e-14, "2 + f")
    t.near((f - 1):mean(x)[3], 0, 1e-14, "f - 1")
  end,
  ["x^2 f: warp by a function or gp.poly"] = function(t)
    local a = gp.poly{0, 0, 1}
    local g1, g2 = a * f, f * function(v) return v * v end
    t.near(g1:cov(x):get(1, 5), 1 * 1 * f:cov(x):get(1, 5), 1e-14, "x^2 x'^2 k at -1, 1")
    t.near(g2:var(x)[3], 0, 0, "g(0) has variance 0")
    t.near(g1:var(x)[2], 0.5 ^ 4, 1e-14, "x^4 at -0.5")
  end,
  ["f * g is not a GP but has exact moments"] = function(t)
    local u = f * g
    t.eq(u:is_gaussian(), false, "not Gaussian")
    local K1, K2, m1, m2 = f:cov(x), g:cov(x), f:mean(x), g:mean(x)
    local want = K1:get(2, 3) * K2:get(2, 3) + m1[2] * m1[3] * K2:get(2, 3) + m2[2] * m2[3] * K1:get(2, 3)
    t.near(u:cov(x):get(2, 3), want, 1e-14, "product covariance")
    t.near(u:mean(x)[4], m1[4] * m2[4], 1e-14, "product mean")
    t.raises(function() u:band(x) end, "not Gaussian.*no Gaussian band")
    t.raises(function() u:pdf(x, 0) end, "not Gaussian.*no Gaussian density")
  end,
  ["band and pdf of a GP"] = function(t)
    local lo, hi = f:band(x, 2)
    t.near(hi[1] - lo[1], 4, 1e-14, "width 4 sd")
    t.near(f:pdf(x, 1)[1], 1 / math.sqrt(2 * math.pi), 1e-14, "N(1; 1, 1)")
  end,
  ["joint draws share the underlying draws"] = function(t)
    local u, p = f + 2 * g, f * g
    local F, G, U, P, info = gp.sample_joint({f, g, u, p}, x, {n = 3, seed = 4})
    for i = 1, 5 do
      for j = 1, 3 do
        t.eq(U:get(i, j), F:get(i, j) + 2 * G:get(i, j), "u = f + 2 g")
        t.eq(P:get(i, j), F:get(i, j) * G:get(i, j), "p = f g")
      end
    end
    t.eq(#info.parts, 2, "two independent leaves"); t.eq(info.n, 5, "n: the points")
    t.eq(info.rank, math.min(5, info.parts[1].rank + info.parts[2].rank), "rank: the parts' ranks added, at most n")
    t.truthy(tostring(info):find("; part 2: "), tostring(info))
  end,
  ["100 000-deep sums, offsets and 1 * f chains: no recursion"] = function(t)
    local u, o, v = f, f, f
    for _ = 1, 100000 do u = u + f; o = o + 1; v = 1 * v end
    t.near(u:var(x)[2], 100001 ^ 2, 1e-3, "f + f + ... has kernel 100001^2 k")
    t.near(u:mean(x)[2], 100001, 1e-6, "and mean 100001 m")
    t.near(o:mean(x)[3], 100001, 1e-6, "f + 1 + 1 + ...: mean m + 100000")
    t.near(o:var(x)[3], 1, 1e-15, "offsets add no variance")
    t.eq(tostring(v), "1 * " .. tostring(f), "1 * (1 * f) folds")
    local F, U = gp.sample_joint({f, u}, x, {n = 2, seed = 3})
    t.near(U:get(4, 2), 100001 * F:get(4, 2), 1e-6 * math.abs(U:get(4, 2)), "the draw of the sum")
    t.truthy(#tostring(u) > 100000 * #" + ", "printed flat")
  end,
  ["deep products and warps of processes are refused past stated limits"] = function(t)
    local p = f
    t.raises(function() for _ = 1, 100000 do p = p * gp.GP{kernel = gp.rbf{}} end end,
      "process product: more than 64 independent processes")
    local w = f
    t.raises(function() for _ = 1, 2000 do w = gp.poly{1} * w end end,
      "process warp: the expression would be nested 1001 levels deep, more than the 1000 allowed")
    local s = f
    t.raises(function() for _ = 1, 30 do s = s + s end end, "process sum: the expression would have")
  end,
  ["moments that overflow are errors, not inf"] = function(t)
    local u = 1e200 * f
    t.raises(function() u:var(x) end, "var: the variance is inf at entry 1: it overflowed")
    t.raises(function() u:cov(x) end, "cov: the covariance is inf at entry 1: it overflowed")
    t.raises(function() (f + 1e308 + 1e308):mean(x) end, "mean: the mean is inf at entry 1")
    t.raises(function() ((1e200 * f) * (1e200 * g)):sample(x) end, "sample: the draw is %-?inf")
  end,
  ["combination misuse is an error that explains"] = function(t)
    t.raises(function() return f + gp.rbf{} end, "cannot add a process and a kernel")
    t.raises(function() return f * "x" end, "cannot multiply a process and a string")
    t.raises(function() return f * {} end, "cannot multiply a process and a table")
    t.raises(function() return f * f end, "not independent")
    t.raises(function() return f * g + f end, "shares a process")
    t.raises(function() return (f + g):kernel() end, "combination")
    t.raises(function() gp.sample_joint({f, 3}, x) end, "element 2 is a number")
  end,
}
