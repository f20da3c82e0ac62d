-- Computing with matrices, Torch7's way (issue 10 part 2), against results
-- worked out by hand.
local gp = require "gprior"

-- Fail unless m is the matrix of rows want, exactly.
local function same(t, m, want, msg)
  t.eq(m:rows(), #want, msg .. ": rows"); t.eq(m:cols(), #want[1], msg .. ": columns")
  for i = 1, #want do
    for j = 1, #want[1] do t.eq(m:get(i, j), want[i][j], string.format("%s (%d, %d)", msg, i, j)) end
  end
end

local A = gp.matrix{{1, 2, 3}, {4, 5, 6}}

return {
  ["t, mm and gp.mm"] = function(t)
    same(t, A:t(), {{1, 4}, {2, 5}, {3, 6}}, "t")
    same(t, A:mm(A:t()), {{14, 32}, {32, 77}}, "A A'")          -- 1+4+9, 4+10+18, 16+25+36
    same(t, gp.mm(A:t(), A), {{17, 22, 27}, {22, 29, 36}, {27, 36, 45}}, "A' A")
    same(t, gp.mm({{1, 2}}, {3, 4}), {{11}}, "a row times a column (tables by the one rule)")
    -- K = Phi S Phi' for the line f(x) = w0 + w1 x, S = I: K_ij = 1 + x_i x_j
    local x = gp.matrix{-1, 0, 2}
    local Phi = gp.cat(gp.matrix(3, 1, 1), x)
    same(t, Phi:mm(gp.matrix{{1, 0}, {0, 1}}):mm(Phi:t()), {{2, 1, -1}, {1, 1, 1}, {-1, 1, 5}}, "Phi S Phi'")
    t.raises(function() return A:mm(A) end, "mm: inner sizes differ %(2 x 3 times 2 x 3")
    t.raises(function() return gp.mm(A, "x") end, "bad argument #2 to 'mm'")
    t.raises(function() return gp.matrix{{1e200}}:mm{{1e200}} end, "mm: element %(1, 1%) of the product is inf")
  end,
  ["reshape reads and fills row by row"] = function(t)
    same(t, A:reshape(3, 2), {{1, 2}, {3, 4}, {5, 6}}, "2 x 3 -> 3 x 2")
    same(t, gp.matrix{1, 2, 3, 4, 5, 6}:reshape(2, 3), {{1, 2, 3}, {4, 5, 6}}, "a column -> 2 x 3")
    same(t, A:reshape(1, 6), {{1, 2, 3, 4, 5, 6}}, "a row")
    -- a function on gp.grid(xs, ys) (x fastest) reshaped to ny x nx is its image: Z(j, i) = f(x_i, y_j)
    local G = gp.grid({1, 2, 3}, {10, 20})
    local v = G:col(1) + 100 * G:col(2)
    same(t, v:reshape(2, 3), {{1001, 1002, 1003}, {2001, 2002, 2003}}, "grid image")
    t.raises(function() A:reshape(4, 2) end, "reshape: a 2 x 3 matrix has 6 elements, a 4 x 2 one would not")
    t.raises(function() A:reshape(0, 6) end, "rows must be >= 1, got 0")
  end,
  ["sum, mean, std, min, max, whole or along a dimension"] = function(t)
    t.eq(A:sum(), 21, "sum"); t.eq(A:mean(), 3.5, "mean"); t.eq(A:min(), 1, "min"); t.eq(A:max(), 6, "max")
    -- 1..6: squared deviations 17.5 over n - 1 = 5
    t.near(A:std(), math.sqrt(3.5), 1e-15, "std (n - 1)")
    same(t, A:sum(1), {{5, 7, 9}}, "column sums (dim 1)")
    same(t, A:sum(2), {{6}, {15}}, "row sums (dim 2)")
    same(t, A:mean(1), {{2.5, 3.5, 4.5}}, "column means")
    same(t, A:std(1), {{math.sqrt(4.5), math.sqrt(4.5), math.sqrt(4.5)}}, "column sds: (1.5^2 * 2) / 1")
    same(t, A:std(2), {{1}, {1}}, "row sds: {1, 2, 3} has sd 1")
    same(t, A:min(2), {{1}, {4}}, "row minima"); same(t, A:max(1), {{4, 5, 6}}, "column maxima")
    t.eq(gp.matrix{1e16, 1, -1e16}:sum(), 1, "compensated: a plain loop gives 0")
    t.eq(gp.matrix{1e308, 1e308}:mean(), 1e308, "the mean of large values does not overflow")
    t.raises(function() gp.matrix{1e308, 1e308}:sum() end, "sum: the sum of the matrix overflowed")
    t.raises(function() gp.matrix{7}:std() end, "std: the matrix has 1 value")
    t.raises(function() A:std(1):std(1) end, "std: column 1 has 1 value")
    t.raises(function() gp.matrix{1, 0 / 0}:max() end, "max: element %(2, 1%) is %-?nan")
    t.raises(function() A:sum(3) end, "dimension must be 1 %(down the columns%) or 2 %(along the rows%), got 3")
    t.raises(function() A:sum(1.5) end, "dimension must be an integer, got 1%.5")
  end,
  ["gp.cat side by side (default) or stacked"] = function(t)
    local x, S = gp.matrix{1, 2}, gp.matrix{{10, 20}, {30, 40}}
    same(t, gp.cat(x, S), {{1, 10, 20}, {2, 30, 40}}, "x beside the draws")
    same(t, gp.cat({x, S, x}), {{1, 10, 20, 1}, {2, 30, 40, 2}}, "a list")
    same(t, gp.cat(S, S, 1), {{10, 20}, {30, 40}, {10, 20}, {30, 40}}, "stacked")
    same(t, gp.cat({S, {{5, 6}}}, 1), {{10, 20}, {30, 40}, {5, 6}}, "a list, stacked, with a table row")
    t.raises(function() gp.cat(x, S, 1) end, "cat: along dimension 1 every part needs 1 columns %(as part 1%), part 2 is 2 x 2")
    t.raises(function() gp.cat(x, gp.matrix{1, 2, 3}) end, "every part needs 2 rows")
    t.raises(function() gp.cat(x, S, 3) end, "dimension must be 1 %(stack rows%) or 2 %(side by side%), got 3")
    t.raises(function() gp.cat() end, "matrices to concatenate expected")
  end,
  ["narrow and sub give blocks (copies); negative indices count from the end"] = function(t)
    local M = gp.matrix{{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10, 11, 12}}
    same(t, M:narrow(2, 2, 2), {{2, 3}, {6, 7}, {10, 11}}, "columns 2..3")
    same(t, M:narrow(1, 3, 1), {{9, 10, 11, 12}}, "row 3")
    same(t, M:sub(2, 3), {{5, 6, 7, 8}, {9, 10, 11, 12}}, "rows 2..3")
    same(t, M:sub(1, -1, -2, -1), {{3, 4}, {7, 8}, {11, 12}}, "the last two columns")
    local B = M:sub(1, 1, 1, 1); B:set(1, 1, 99); t.eq(M:get(1, 1), 1, "a copy, not a view")
    t.raises(function() M:narrow(1, 3, 2) end, "narrow: rows 3..4 are outside 1..3")
    t.raises(function() M:narrow(3, 1, 1) end, "dimension must be 1 %(rows%) or 2 %(columns%), got 3")
    t.raises(function() M:narrow(2, 1, 0) end, "length must be >= 1, got 0")
    t.raises(function() M:sub(3, 2) end, "row range 3..2 is empty")
    t.raises(function() M:sub(1, 5) end, "row 5 is outside 1..3")
    t.eq(M:rows(), 3, "rows() is still the size"); t.eq(M:cols(), 4, "cols() too")
  end,
  ["map and clone"] = function(t)
    same(t, A:map(function(v) return v * v end), {{1, 4, 9}, {16, 25, 36}}, "squares")
    same(t, A:map(gp.poly{1, 0, 1}), {{2, 5, 10}, {17, 26, 37}}, "a gp.poly")
    t.raises(function() A:map(function(v) return v > 2 and 0 / 0 or v end) end, "map: element %(2, 1%) = 4: .*nan")   -- column by column
    t.raises(function() A:map(function(v) if v == 5 then error("five!") end return v end) end, "map: element %(2, 2%) = 5: .*five!")
    t.raises(function() A:map(function() return "x" end) end, "returned a string, not a number")
    t.raises(function() A:map("sin") end, "number, function or gp.poly expected")
    local C = A:clone(); C:set(1, 1, 0); t.eq(A:get(1, 1), 1, "clone is a copy")
    -- a map whose function calls gprior (a nested core call) and runs in a coroutine
    local co = coroutine.wrap(function() return A:map(function(v) return gp.matrix{v, v}:sum() end) end)
    same(t, co(), {{2, 4, 6}, {8, 10, 12}}, "nested calls in a coroutine")
  end,
}
