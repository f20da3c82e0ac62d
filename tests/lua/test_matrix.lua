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
    t.raises(function() gp.matrix{1, 2}:get(3) end, "index 3 out of range 1..2")
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
  ["linspace without overflow at the ends of the doubles"] = function(t)
    local x = gp.linspace(-1.7e308, 1.7e308, 3)
    t.eq(x[1], -1.7e308, "first"); t.eq(x[2], 0, "middle"); t.eq(x[3], 1.7e308, "last")
    local y = gp.linspace(0, 1e308, 101)   -- (b - a) (n - 1) overflows, no point does
    for i = 1, 101 do t.truthy(y[i] == y[i] and y[i] < math.huge, "finite point " .. i) end
    t.near(y[51], 0.5e308, 1e294, "midpoint")
    t.raises(function() gp.linspace(0, math.huge, 3) end, "linspace: stop must be finite, got inf")
  end,
  ["sizes are checked before anything is allocated"] = function(t)
    -- no machine has 8 TiB to give: refused with the shape, the bytes and the argument
    local e = t.raises(function() gp.randn(2^40) end,
                       "randn: a 1099511627776 x 1 matrix needs 8796093022232 bytes")
    t.truthy(e:find("more than the .* of memory available"), e)
    t.truthy(e:find("the size comes from argument #1", 1, true), e)
    t.truthy(e:find("^[^:]*test_matrix%.lua:%d+:"), "file:line: " .. e)
    t.raises(function() gp.matrix(2^40, 1) end, "matrix: a 1099511627776 x 1 matrix needs")
    -- sizes that overflow, and format artefacts ('%z') never reach the user
    e = t.raises(function() gp.matrix(2^31, 2^31) end,
                 "a 2147483648 x 2147483648 matrix needs more than 18446744073709551615 bytes")
    t.truthy(not e:find("invalid option"), e)
    e = t.raises(function() gp.linspace(0, 1, math.maxinteger) end,
                 "a 9223372036854775807 x 1 matrix needs more than")
    t.truthy(not e:find("invalid option"), e)
    e = t.raises(function() gp.GP{kernel = gp.rbf{}}:sample({1, 2}, {n = 2^40}) end,
                 "sample: a 2 x 1099511627776 matrix needs")
    t.truthy(e:find("the size comes from option 'n'", 1, true), e)
    t.raises(function() gp.randn(0) end, "rows must be >= 1, got 0")
    t.raises(function() gp.randn(2.5) end, "rows must be an integer, got 2.5")
  end,
  ["one coercion rule: a number is a 1 x 1 matrix, a table a column or rows"] = function(t)
    local f = gp.GP{kernel = gp.rbf{}, mean = function(x) return 2 * x end}
    t.eq(f:mean(1.5)[1], 3, "f:mean(number)")
    t.eq(f:var(1)[1], 1, "f:var(number)")
    t.eq(gp.matrix(gp.matrix{1, 2})[2], 2, "a matrix copies")
    t.eq((gp.matrix{1, 2} + 1)[2], 3, "matrix + number")
    t.raises(function() f:mean("1") end, "matrix or table of numbers %(or a number%) expected, got string")
    t.raises(function() f:mean{1, "x"} end, "element 2 is a string, not a number")
    t.raises(function() gp.poly{1, "x"} end, "element 2 is a string")
  end,
  ["arithmetic never returns a silent inf or NaN"] = function(t)
    t.raises(function() return gp.matrix{1, 2} / 0 end, "matrix /: element %(1, 1%) is inf %(1 / 0%)")
    t.raises(function() return gp.matrix{1e308} * 10 end, "element %(1, 1%) is inf")
    t.raises(function() return gp.matrix{0 / 0} + 1 end, "is %-?nan")
    t.eq((-gp.matrix{1, -2})[2], 2, "negation")
    -- the metamethod called directly with two numbers (found by the fuzzer: it read a NULL matrix)
    t.raises(function() return getmetatable(gp.matrix{1}).__add(1, 2) end, "matrix expected, got number")
  end,
  ["internal state in the registry is checked, not trusted"] = function(t)
    local reg = debug.getregistry()
    reg["gprior.rng"] = nil                   -- the name it once had: no effect now
    t.eq(gp.randn(2):rows(), 2, "randn after removing gprior.rng")
    local key, state
    for k, v in pairs(reg) do
      local mt = getmetatable(v)
      if type(v) == "userdata" and type(mt) == "table" and mt.__name == "gprior.state" then
        key, state = k, v
      end
    end
    t.truthy(key, "the state is in the registry")
    reg[key] = nil
    t.raises(function() gp.randn(2) end, "internal state .* was removed .* or replaced")
    reg[key] = io.stdout                      -- another userdata
    t.raises(function() gp.GP{kernel = gp.rbf{}}:sample{1, 2} end, "internal state")
    t.raises(function() gp.seed(3) end, "internal state")
    t.raises(function() gp.outdir() end, "internal state")
    reg[key] = state
    t.eq(gp.randn(1):rows(), 1, "restored")
  end,
}
