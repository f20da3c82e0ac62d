-- Lua-level tests of the kernel binding: constructors, validation, algebra, tostring.
local gp = require "gprior"
local exp, sqrt, pi, asin = math.exp, math.sqrt, math.pi, math.asin

return {
  ["rbf value at two points"] = function(t)
    local k = gp.rbf{amplitude = 2, lengthscale = 0.5}
    t.near(k(0.3, 1.1), 4 * exp(-(0.8 ^ 2) / (2 * 0.25)), 1e-14, "rbf")
  end,
  ["ou is d2l's exp(-r/(2l)) and exponential is exp(-r/l)"] = function(t)
    t.near(gp.ou{lengthscale = 2}(0, 1), exp(-1 / 4), 1e-15, "ou")
    t.near(gp.exponential{lengthscale = 2}(0, 1), exp(-1 / 2), 1e-15, "exponential")
    t.truthy(tostring(gp.ou{}):find("ou"), "ou tostring")
  end,
  ["linear with offset is 1 + x x'"] = function(t)
    t.near(gp.linear{offset = 1}(2, -3), 1 - 6, 1e-15, "linear")
  end,
  ["nn kernel formula"] = function(t)
    local k = gp.nn{Sigma = {{1, 0}, {0, 10}}}
    local function ref(x, y)
      local sxy, sxx, syy = 1 + 10 * x * y, 1 + 10 * x * x, 1 + 10 * y * y
      return 2 / pi * asin(2 * sxy / sqrt((1 + 2 * sxx) * (1 + 2 * syy)))
    end
    t.near(k(0.5, -1.5), ref(0.5, -1.5), 1e-14, "nn")
  end,
  ["2-D points and ARD"] = function(t)
    local k = gp.rbf{lengthscale = {1, 2}}
    t.near(k({0, 0}, {1, 2}), exp(-(1 + 1) / 2), 1e-15, "ard")
  end,
  ["gram is symmetric with the right shape"] = function(t)
    local x = gp.linspace(0, 1, 4)
    local K = gp.matern52{}:gram(x)
    t.eq(K:rows(), 4, "rows")
    t.eq(K:get(1, 3), K:get(3, 1), "symmetric")
    local C = gp.rbf{}:gram(x, gp.linspace(0, 1, 3))
    t.eq(C:cols(), 3, "cross-covariance cols")
  end,
  ["gram writes into an existing matrix with {out = M}"] = function(t)
    local k, x, y = gp.rbf{lengthscale = 0.4} + gp.linear{}, gp.linspace(0, 1, 6), gp.linspace(-1, 2, 4)
    local M = gp.matrix(6, 6)
    t.truthy(rawequal(k:gram(x, {out = M}), M), "returns M itself")
    local C = gp.matrix(6, 4)
    k:gram(x, y, {out = C})
    local K, Kxy = k:gram(x), k:gram(x, y)
    for i = 1, 6 do
      for j = 1, 6 do t.eq(M:get(i, j), K:get(i, j), "K entry") end
      for j = 1, 4 do t.eq(C:get(i, j), Kxy:get(i, j), "k(x, y) entry") end
    end
    k:gram(y, {out = gp.matrix(4, 4)}) -- reused with other points: fully overwritten
    t.raises(function() k:gram(x, {out = gp.matrix(6, 5)}) end,
             "gram: option 'out' is 6 x 5, expected 6 x 6")
    t.raises(function() k:gram(x, y, {out = M}) end, "option 'out' is 6 x 6, expected 6 x 4")
    t.raises(function() k:gram(x, {out = {1, 2}}) end, "bad option 'out' %(matrix expected, got table%)")
    t.raises(function() k:gram(x, {out = 3}) end, "bad option 'out' %(matrix expected, got number%)")
    t.raises(function() k:gram(x, {outt = M}) end, "unknown option 'outt'")
    local sq = gp.matrix(3, 3)
    t.raises(function() gp.rbf{}:gram(sq, {out = sq}) end, "other than the input X")
  end,
  ["bad parameters name the parameter and value"] = function(t)
    t.raises(function() gp.rbf{lengthscale = -1} end, "lengthscale.*%-1")
    t.raises(function() gp.rbf{lengthscale = 0 / 0} end, "lengthscale")
    t.raises(function() gp.periodic{period = 0} end, "period")
    t.raises(function() gp.rq{alpha = -2} end, "alpha")
    t.raises(function() gp.linear{variance = -1} end, "variance")
    t.raises(function() gp.polynomial{degree = 0} end, "degree")
    t.raises(function() gp.white{variance = -1} end, "variance")
    t.raises(function() gp.rbf{lengthscal = 1} end, "unknown option 'lengthscal'")
    t.raises(function() gp.rbf{lengthscale = "a"} end, "lengthscale")
    t.raises(function() gp.rbf(5) end, "table of options")
    -- a list or matrix option that cannot be read names the option, not an argument
    t.raises(function() gp.rbf{lengthscale = {1, "a"}} end, "^[^\n]*rbf: bad option 'lengthscale' %(element 2")
    t.raises(function() gp.nn{Sigma = {{1, 0}, {0}}} end, "nn: bad option 'Sigma'")
    -- symmetry is judged against the two variances, not against a large entry elsewhere
    t.raises(function() gp.nn{Sigma = {{1e12, 0, 0}, {0, 1, 0.5}, {0, -0.5, 1}}} end,
             "nn: Sigma must be symmetric, got Sigma%[3%]%[2%] = %-0.5")
    t.truthy(gp.nn{Sigma = {{1e12, 0, 0}, {0, 1, 0.5}, {0, 0.5 + 1e-12, 1}}}, "rounding-level asymmetry accepted")
  end,
  ["dimension mismatches are errors"] = function(t)
    t.raises(function() gp.rbf{lengthscale = {1, 2}}:gram(gp.linspace(0, 1, 3)) end, "lengthscale")
    t.raises(function() gp.rbf{}:gram(gp.linspace(0, 1, 3), gp.points{{1, 2}}) end, "dimension")
    -- a row of numbers is refused as points, by the same rule as the processes'
    t.raises(function() gp.rbf{}:gram(gp.matrix{{1, 2, 3}}) end, "this is a 1 x 3 row")
    t.raises(function() gp.rbf{}:diag(gp.matrix{{1, 2, 3}}) end, "this is a 1 x 3 row")
    t.raises(function() gp.rbf{}:grad("rbf.lengthscale", gp.matrix{{1, 2}}) end, "this is a 1 x 2 row")
    t.raises(function() gp.mlp_network{depth = 1, width = 3}:sample(gp.matrix{{1, 2}}, {n = 2}) end,
             "this is a 1 x 2 row")
    t.raises(function() gp.brownian{}:gram(gp.linspace(-1, 1, 3)) end, "brownian: inputs must be >= 0.*%-1")
    t.raises(function() gp.rbf{}:gram(gp.matrix{0, 0 / 0}) end, "finite")
  end,
  ["algebra values"] = function(t)
    local a, b = gp.rbf{}, gp.linear{}
    local x, y = 0.4, 1.3
    t.near((a + b)(x, y), a(x, y) + b(x, y), 1e-15, "sum")
    t.near((a * b)(x, y), a(x, y) * b(x, y), 1e-15, "product")
    t.near((3 * a)(x, y), 3 * a(x, y), 1e-15, "c * k")
    t.near((a * 3)(x, y), 3 * a(x, y), 1e-15, "k * c")
    t.near((2 + a)(x, y), 2 + a(x, y), 1e-15, "number + k")
    local sq = function(v) return v * v end
    t.near((sq * a)(x, y), x * x * y * y * a(x, y), 1e-14, "function warp")
    t.near(a:warp(gp.poly{0, 0, 1})(x, y), x * x * y * y * a(x, y), 1e-14, "poly warp")
    t.near(a:stretch(2)(x, y), a(2 * x, 2 * y), 1e-15, "stretch")
    t.near(b:shift(1)(x, y), b(x - 1, y - 1), 1e-15, "shift")
    t.near(a:select{2}({9, x}, {7, y}), a(x, y), 1e-15, "select")
  end,
  ["algebra misuse"] = function(t)
    t.raises(function() return -2 * gp.rbf{} end, "c must be.*>= 0")
    t.raises(function() return gp.rbf{} - gp.rbf{} end, "cannot subtract kernels")
    t.raises(function() return gp.rbf{} + "x" end, "cannot add a kernel and a string")
    t.raises(function() return gp.rbf{} * {} end, "cannot multiply a kernel and a table")
    t.raises(function() gp.rbf{}:warp(function() return 0 / 0 end):gram(gp.linspace(0, 1, 2)) end, "finite")
    t.raises(function() gp.rbf{}:warp(function() error("inner") end):gram(gp.linspace(0, 1, 2)) end, "inner")
  end,
  ["tostring prints the whole expression"] = function(t)
    local k = gp.rbf{lengthscale = 1, amplitude = 1} + 0.5 * gp.linear{}
    t.eq(tostring(k), "rbf(amplitude=1, lengthscale=1) + 0.5 * linear(variance=1, offset=0)", "tostring")
  end,
  ["cosine: a constructor generated from the core's table"] = function(t)
    local k = gp.cosine{amplitude = 2, period = 6}
    t.near(k(0, 1), 4 * 0.5, 1e-14, "4 cos(2 pi / 6)")
    t.near(gp.cosine{period = {6, 4}}({0, 0}, {2, 2}), 0.5, 1e-15, "cos(2 pi 2/6) cos(2 pi 2/4)")
    t.eq(tostring(k), "cosine(amplitude=2, period=6; prod_j cos(2 pi (x_j - x'_j) / p_j))", "tostring")
    t.raises(function() gp.cosine{lengthscale = 1} end, "unknown option 'lengthscale' %(known: amplitude, period%)")
    t.raises(function() gp.cosine{period = -1} end, "cosine: period must be finite and > 0, got %-1")
  end,
  ["extreme but finite inputs give the right limit"] = function(t)
    for _, name in ipairs{"matern32", "matern52"} do
      local K = gp[name]{}:gram(gp.matrix{0, 1e154})
      t.eq(K:get(1, 2), 0, name .. " far apart: 0, not NaN"); t.eq(K:get(2, 2), 1, name .. " diagonal")
    end
    local K = gp.nn{}:gram(gp.matrix{0, 1e200})
    -- asin has an infinite slope at 1: an ulp in its argument is ~1e-8 in k (as at x = 1e10)
    t.near(K:get(2, 2), 1, 1e-7, "nn at 1e200: offset + variance (asin(1)), not NaN")
    -- (2/pi) asin(2 / sqrt(3 (3 + 2 y^2))) -> 4 / (pi sqrt(6) y) for y = 1e200
    t.near(K:get(1, 2), 4 / (math.pi * math.sqrt(6) * 1e200), 1e-212, "nn k(0, 1e200)")
    t.near(gp.nn{}:diag(gp.matrix{-1e308})[1], 1, 1e-7, "nn variance at -1e308")
    t.near(gp.rq{alpha = 1e300}(0, 1), math.exp(-0.5), 1e-15, "rq with huge alpha is the rbf")
    t.near(gp.rq{alpha = 1e-300}(-1e308, 1e308), 1, 1e-15, "rq with tiny alpha decays slowly, even past 1e308")
    t.near(gp.periodic{}(-1.5e308, 1.5e308), 1, 0, "periodic: a whole number of periods apart")
    t.eq(gp.periodic{lengthscale = 1e-200}:gram(gp.matrix{0, 0.5}):get(1, 1), 1, "periodic, tiny l: k(x, x)")
  end,
  ["parameters whose use overflows are refused, naming the value"] = function(t)
    t.raises(function() gp.rbf{lengthscale = 1e-310} end, "rbf: lengthscale must be finite and > 0, got 1e%-310 %(too small: 1/lengthscale overflows%)")
    t.raises(function() gp.matern32{lengthscale = {1, 1e-320}} end, "lengthscale 2 .*1/lengthscale overflows")
    t.raises(function() gp.rbf{amplitude = 1e200} end, "rbf: amplitude .*got 1e%+200 %(too large: the square of amplitude overflows%)")
    t.raises(function() gp.rq{alpha = 1e-320} end, "rq: alpha .*1/alpha overflows")
    t.raises(function() gp.nn{Sigma = 1e200} end, "nn: Sigma has an entry of size 1e%+200")
    t.raises(function() gp.polynomial{degree = 2.5} end, "polynomial: degree must be an integer >= 1, got 2.5")
    t.raises(function() gp.polynomial{degree = 2 ^ 40} end, "degree must be an integer in 1..2147483647")
  end,
  ["a value that overflows is an error naming the kernel, the entry and the value"] = function(t)
    t.raises(function() gp.polynomial{degree = 1000}:gram(gp.matrix{0, 3}) end,
      "polynomial: entry %(2, 2%) of the Gram matrix, k%(x_2, y_2%), is inf.*overflows.*degree=1000")
    t.raises(function() gp.rbf{}:warp(function() return 1e200 end):gram(gp.matrix{0, 1}) end,
      "warp: entry %(1, 1%).* is inf")
    t.raises(function() (1e300 * gp.constant(1e300)):gram(gp.matrix{0}) end, "scale: entry %(1, 1%)")
    t.raises(function() (gp.constant(1e308) + gp.constant(1e308)):diag(gp.matrix{0}) end,
      "sum: the variance k%(x_1, x_1%) is inf")
    t.raises(function() (gp.constant(1e300) * gp.constant(1e300))(0, 0) end, "product: .* is inf")
    t.raises(function() gp.linear{}:gram(gp.matrix{1, 1e200}) end, "linear: entry %(2, 2%)")
    t.raises(function() gp.brownian{variance = 1e300}:diag(gp.matrix{1e300}) end, "brownian: the variance")
    t.raises(function() gp.linear{}:gram(gp.points{{1e200, 1e200}}, gp.points{{1e200, -1e200}}) end,
      "linear: entry %(1, 1%).* is %-?nan")
  end,
  ["100 000-deep sums and products are evaluated and printed without recursion"] = function(t)
    local w, k = gp.white{}, gp.white{}
    for _ = 1, 100000 do k = k + w end
    t.eq(k(0, 0), 100001, "sum of 100001 whites"); t.eq(k(0, 1), 0, "white off the diagonal")
    t.eq(k:diag(gp.matrix{2, 3})[2], 100001, "diag")
    t.eq(#tostring(k), 100001 * #"white(variance=1)" + 100000 * #" + ", "one term per white")
    local r, p = gp.rbf{lengthscale = 1000}, gp.constant(1)
    for _ = 1, 100000 do p = p * r end
    t.near(p(0, 1), math.exp(-0.5e-6 * 100000), 1e-10, "product of 100000 rbfs (1e5 roundings)")
    t.truthy(tostring(p):find("^constant%(1%) %* rbf"), "product printed flat")
    local c = gp.rbf{}
    for _ = 1, 100000 do c = 1 * c end
    t.eq(tostring(c), "1 * rbf(amplitude=1, lengthscale=1)", "scalings fold: c1 (c2 k) = (c1 c2) k")
    t.eq(tostring(2 * (3 * gp.rbf{})), "6 * rbf(amplitude=1, lengthscale=1)", "folded")
  end,
  ["nesting that cannot be flattened is refused past a stated depth"] = function(t)
    local k = gp.rbf{}
    t.raises(function() for _ = 1, 2000 do k = k:warp(gp.poly{1}) end end,
      "warp: the expression would be nested 1001 levels deep, more than the 1000 allowed")
    t.eq(k(0, 0), 1, "the deepest warp allowed still evaluates")
    local s = gp.rbf{}
    t.raises(function() for _ = 1, 2000 do s = (s + gp.white{}) * gp.rbf{} end end,
      "nested %d+ levels deep, more than the 1000 allowed")
    local d = gp.rbf{}
    t.raises(function() for _ = 1, 30 do d = d + d end end,
      "sum: the expression would have 4194303 nodes written out, more than the 2097152 allowed")
  end,
  ["poly is callable and printable"] = function(t)
    local p = gp.poly{1, 0, 2}
    t.eq(p(3), 19, "1 + 2 x^2 at 3")
    t.truthy(tostring(p):find("poly"), tostring(p))
  end,
}
