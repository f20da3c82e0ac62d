-- Lua-level tests of the matrix binding.
local gp = require "gprior"

return {
  ["linspace endpoints and spacing"] = function(t)
    local x = gp.linspace(0, 5, 50)
    t.eq(x:rows(), 50, "rows"); t.eq(x:cols(), 1, "cols"); t.eq(#x, 50, "#x")
    t.eq(x[1], 0, "first"); t.eq(x[50], 5, "last exactly b")
    t.near(x[2] - x[1], 5 / 49, 1e-15, "spacing")
  end,
  ["linspace bad arguments"] = function(t)
    t.raises(function() gp.linspace(0, 1, 0) end, "number of points must be >= 1")
    t.raises(function() gp.linspace(0, 0 / 0, 3) end, "stop must be finite")
    t.raises(function() gp.linspace("a", 1, 3) end, "number expected")
  end,
  ["matrix from rows, get, set, totable"] = function(t)
    local m = gp.matrix{{1, 2}, {3, 4}, {5, 6}}
    t.eq(select(1, m:size()), 3, "rows"); t.eq(select(2, m:size()), 2, "cols")
    t.eq(m:get(3, 2), 6, "get"); m:set(3, 2, 7); t.eq(m:get(3, 2), 7, "set")
    local tt = m:totable()
    t.eq(tt[2][1], 3, "totable row 2"); t.eq(#tt, 3, "totable rows")
    t.eq(m:col(2)[3], 7, "col"); t.eq(m:row(1)[2], 2, "row")
  end,
  ["matrix from a flat table is a column"] = function(t)
    local v = gp.matrix{1, 2, 3}
    t.eq(v:cols(), 1, "cols"); t.eq(v[3], 3, "v[3]")
    v[3] = 9; t.eq(v[3], 9, "assign")
  end,
  ["matrix bad input is named"] = function(t)
    t.raises(function() gp.matrix{} end, "empty table")
    t.raises(function() gp.matrix{{1, 2}, {3}} end, "row 2 is not a table of 2 numbers")
    t.raises(function() gp.matrix{1, "x", 3} end, "element 2 is a string")
    t.raises(function() gp.matrix(0, 2) end, "rows must be >= 1")
    t.raises(function() gp.matrix{1, 2}:get(3) end, "row 3 out of range 1..2")
    t.raises(function() return gp.matrix{{1, 2}, {3, 4}}[1] end, "m:get")
  end,
  ["grid has every pair, x fastest"] = function(t)
    local g = gp.grid({1, 2, 3}, {10, 20})
    t.eq(g:rows(), 6, "rows"); t.eq(g:cols(), 2, "cols")
    t.eq(g:get(2, 1), 2, "x second"); t.eq(g:get(4, 2), 20, "y of row 4")
  end,
  ["arithmetic"] = function(t)
    local a, b = gp.matrix{1, 2}, gp.matrix{10, 20}
    t.eq((a + b)[2], 22, "+"); t.eq((b - a)[1], 9, "-"); t.eq((2 * a)[2], 4, "2*a")
    t.eq((a * 3)[1], 3, "a*3"); t.eq((-a)[1], -1, "unm"); t.eq((b / 10)[2], 2, "/")
    t.raises(function() return a + gp.matrix{1, 2, 3} end, "shapes differ")
  end,
  ["tostring shows shape and values"] = function(t)
    t.truthy(tostring(gp.matrix{{1, 2}}):find("^matrix 1 x 2 {{1, 2}}"), tostring(gp.matrix{{1, 2}}))
  end,
  ["write_tsv round trip and atomicity"] = function(t)
    local dir = t.tmpdir()
    local m = gp.matrix{{0.1, 2}, {1 / 3, -4}}
    m:write_tsv(dir .. "/m.tsv")
    local f = assert(io.open(dir .. "/m.tsv"))
    local line1, line2 = f:read("l"), f:read("l")
    f:close()
    t.eq(line1, "0.10000000000000001\t2", "row 1 with %.17g")
    local a = line2:match("^([^\t]+)")
    t.eq(tonumber(a), 1 / 3, "exact round trip")
    t.raises(function() m:write_tsv("/etc/passwd/m.tsv") end, "cannot")
    t.eq(#t.ls(dir), 1, "no temporary file left")
  end,
}
