-- The natural one-liners a new user writes (issue 10 part 1): each one used
-- to draw a wrong picture or fail with a misleading message.
local gp = require "gprior"

-- The gnuplot script of a figure (saved as text).
local function script_of(t, fig)
  local dir = t.tmpdir()
  fig:save(dir .. "/f.txt")
  local f = assert(io.open(dir .. "/f.txt.gp", "rb"))
  local script = f:read("a")
  f:close()
  return script
end

-- The inline data of a figure: the datablocks of its script.
local function data_of(t, fig)
  local script = script_of(t, fig)
  local blocks = {}
  for block in script:gmatch("\n(%$%w+ << EOD\n.-\nEOD)") do blocks[#blocks + 1] = block end
  t.truthy(#blocks > 0, "the script has datablocks")
  return table.concat(blocks, "\n")
end

local x = gp.linspace(0, 1, 6)
local f = gp.GP{kernel = gp.rbf{lengthscale = 0.5}}

return {
  ["every sampler's results go straight into a figure (the report is not options)"] = function(t)
    local bumps = gp.bumps_model{J = 10}
    local net = gp.erf_network{J = 5}
    local draws = {
      {"f:sample", function() return f:sample(x, {n = 3}) end},
      {"f:sample_grid", function() return f:sample_grid(0, 1, 6, {n = 3}) end},
      {"f:sample_rff", function() return f:sample_rff(x, {n = 3, features = 20}) end},
      {"weights:sample", function() return bumps:sample(x, {n = 3}) end},
      {"gp.sample_joint", function() return gp.sample_joint({f, 2 * f}, x, {n = 3}) end},
      {"net:sample", function() return net:sample(x, {n = 3}) end},
      {"gp.mvn_sample", function() return gp.mvn_sample(f:mean(x), f:cov(x), {n = 3}) end},
    }
    for _, d in ipairs(draws) do
      local name, draw = d[1], d[2]
      local ok, fig = pcall(function() return gp.figure{}:lines(x, draw()) end)
      t.truthy(ok, name .. ": fig:lines(x, " .. name .. "(...)): " .. tostring(fig))
      t.eq(tostring(fig), "figure(1 panel, 1 layer)", name)
      local results = table.pack(draw())
      local report = results[results.n]
      t.eq(getmetatable(report).__name, "gprior.sample_info", name .. ": the report comes last")
      for i = 1, results.n - 1 do
        t.truthy(rawequal(results[i]:info(), report), name .. ": draws carry their report")
      end
    end
    -- the same for the other layers that take options after the data
    t.eq(tostring(gp.figure{}:points(x, f:sample(x))), "figure(1 panel, 1 layer)", "points")
    t.eq(tostring(gp.figure{}:histogram(net:sample({0.5}, {n = 50}))), "figure(1 panel, 1 layer)", "histogram")
  end,
  ["real options are still read, and other values in their place still refused"] = function(t)
    local S, info = f:sample(x, {n = 2})
    t.raises(function() gp.figure{}:lines(x, S, {colour = "C1"}) end, "lines: unknown option 'colour'")
    t.raises(function() gp.figure{}:lines(x, S, S) end, "table of options expected, got gprior.matrix")
    local _, other = f:sample(x)
    t.eq(tostring(gp.figure{}:lines(x, S, info)), "figure(1 panel, 1 layer)", "its own report: skipped")
    t.eq(tostring(gp.figure{}:lines(x, S, other)), "figure(1 panel, 1 layer)", "a report is never options")
    local F, G = gp.sample_joint({f, f + 1}, x)
    t.raises(function() gp.figure{}:lines(x, F, G) end, "table of options expected, got gprior.matrix")
    t.raises(function() f:sample(x, 5) end, "table of options expected, got number 5 %(for that many draws: {n = 5}%)")
    t.eq(S:clone():info(), nil, "a copy is just numbers")
    t.eq((S + 0):info(), nil, "arithmetic too")
  end,
  ["fig:band(x, f:band(x)) draws f's band, and a bound is never read as a mean or an sd"] = function(t)
    local lo, hi = f:band(x)
    local filled = data_of(t, gp.figure{}:fill(x, lo, hi))
    t.eq(data_of(t, gp.figure{}:band(x, f:band(x))), filled, "fig:band(x, f:band(x))")
    t.eq(data_of(t, gp.figure{}:band(x, lo, hi, {title = "b"})), data_of(t, gp.figure{}:fill(x, lo, hi, {title = "b"})),
         "with options")
    t.eq(data_of(t, gp.figure{}:band(x, f)), data_of(t, gp.figure{}:band(x, f:mean(x), f:sd(x))),
         "fig:band(x, f) is mean -+ 2 sd")
    t.eq(data_of(t, gp.figure{}:band(x, f, 1)), data_of(t, gp.figure{}:band(x, f:band(x, 1))), "with k")
    local titled = script_of(t, gp.figure{}:band(x, f:mean(x), f:sd(x), 2, {title = "t"}))
    t.truthy(titled:find("title 't'", 1, true), "titled")
    t.eq(script_of(t, gp.figure{}:band(x, f:mean(x), f:sd(x), nil, {title = "t"})), titled, "k nil, then options")
    t.eq(script_of(t, gp.figure{}:band(x, f, nil, {title = "t"})), titled, "the same with a process")
    t.raises(function() gp.figure{}:band(x, hi, lo) end, "band: the upper bound of f:band given first: draw a band with fig:band%(x, f:band%(x%)%)")
    t.raises(function() gp.figure{}:band(x, lo, f:sd(x)) end, "a lower bound of f:band given as the mean")
    t.raises(function() gp.figure{}:band(x, f:mean(x), hi) end, "a bound of f:band given as the sd")
    local lo2 = f:band(x, 3)
    t.raises(function() gp.figure{}:band(x, lo2, hi) end, "given as the mean")
  end,
  ["a row vector is not silently one point in many dimensions"] = function(t)
    local row = gp.matrix{{0, 0.5, 1, 1.5, 2}}
    local e = t.raises(function() f:sample(row, {n = 3}) end,
                       "points are the rows of a matrix, and this is a 1 x 5 row, so one 5%-D point")
    t.truthy(e:find("x:t()", 1, true), e)
    t.raises(function() f:mean(row) end, "1 x 5 row")
    t.raises(function() gp.basis.polynomial{}:eval(row) end, "1 x 5 row")
    t.raises(function() gp.bumps_model{J = 4}:sample(row) end, "1 x 5 row")
    t.eq(f:sample(row:t(), {n = 3}):rows(), 5, "its transpose is 5 points")
    t.eq(f:mean(gp.points{{0.5, 0.5}}):rows(), 1, "gp.points: one 2-D point")
    t.eq(f:mean(gp.grid({0.5}, {0.5})):rows(), 1, "a grid of one point")
    t.eq(f:mean(1):rows(), 1, "a number is one point")
    t.eq(gp.rbf{}(1, 2), gp.rbf{}:gram(1, 2):get(1, 1), "k(1, 2) and the gram of numbers agree")
  end,
  ["a vector indexes the same way in either orientation"] = function(t)
    local row, col = gp.matrix{{1, 2, 3}}, gp.matrix{1, 2, 3}
    for _, v in ipairs{row, col} do
      t.eq(#v, 3, "#v"); t.eq(v[3], 3, "v[3]"); t.eq(v:get(3), 3, "v:get(3)")
      v:set(2, 7); t.eq(v[2], 7, "v:set(i, x)")
      v[1] = 5; t.eq(v:get(1), 5, "v[i] = x")
    end
    t.eq(#gp.matrix{{1, 2}, {3, 4}, {5, 6}}, 3, "#m of a matrix is its rows")
    t.raises(function() gp.matrix{{1, 2}, {3, 4}}:get(2) end, "one index needs a vector; this is a 2 x 2 matrix")
    t.eq(gp.mvn_sample(gp.matrix{{0, 0}}, {{1, 0}, {0, 1}}):rows(), 2, "a mean vector in either orientation")
  end,
  ["misuse names the fix"] = function(t)
    t.raises(function() gp.rbf{}:sample(x) end, "kernel has no method 'sample': a kernel is not a process: wrap it in one, gp.GP{kernel = k}:sample%(x%)")
    t.raises(function() f:smaple(x) end, "process has no method 'smaple' %(its methods: band, condition, cov, ")
    t.raises(function() return x:transpose() end, "matrix has no method 'transpose': the transpose is m:t%(%)")
    t.raises(function() gp.figure{}:plot(x, x) end, "figure has no method 'plot': curves are fig:lines")
    t.raises(function() gp.basis.bumps{J = 3}:evaluate(x) end, "basis has no method 'evaluate' %(its methods: dim, eval, ")
    t.eq(gp.rbf{}[1], nil, "non-string keys are still nil")
    t.raises(function() gp.linspace(0, 5, 0.5) end, "bad argument #3 to 'linspace' %(number of points must be an integer, got 0%.5%)")
    t.raises(function() gp.linspace(0, 5) end, "number of points must be an integer, got no value")
    t.raises(function() f:sample_grid(0, 1, 10.5) end, "number of grid points must be an integer, got 10%.5")
    t.raises(function() gp.matrix(2, 1.5) end, "columns must be an integer, got 1%.5")
    t.raises(function() gp.seed(0.5) end, "seed must be an integer, got 0%.5")
    t.raises(function() x:get(1.5) end, "index must be an integer, got 1%.5")
    t.raises(function() f:sample({n = 5}, x) end,
             "matrix expected, got a table of named fields %(n%): an options table%? Options come last; are the arguments swapped%?")
    t.raises(function() gp.GP(gp.rbf{}) end, "a table of options expected, got gprior.kernel: write gp.GP{kernel = k")
    t.raises(function() gp.figure{}:lines(x, f) end, "got gprior.process %(a process is not a matrix: use its values")
    t.raises(function() return f.sample(x) end, "process expected, got gprior.matrix: a method is called with a colon, obj:sample")
    t.raises(function() return x.sum(1) end, "matrix expected, got number: a method is called with a colon, obj:sum")
    t.raises(function() gp.GP{kernel = gp.rbf} end, "got function %(a constructor%? call it: gp.rbf{...}%)")
    local _, info = f:sample(x)
    t.raises(function() gp.moments(info) end, "matrix expected, got gprior.sample_info %(a sampler's report: the draws are its first result%)")
  end,
}
