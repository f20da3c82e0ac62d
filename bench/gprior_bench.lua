-- gprior_bench.lua: gprior's side of `make bench` (driven by bench/run.py).
--
--   ./gprior run bench/gprior_bench.lua -- dense N REPEATS
--   ./gprior run bench/gprior_bench.lua -- once N      (also prints its peak RSS)
--   ./gprior run bench/gprior_bench.lua -- lowrank REPEATS D N
--   ./gprior run bench/gprior_bench.lua -- grid REPEATS MAX_DENSE MAX_RFF N1 N2 ...
--   ./gprior run bench/gprior_bench.lua -- grid2d REPEATS N
--   ./gprior run bench/gprior_bench.lua -- posterior N_OBS N_TEST REPEATS PREFIX
--
-- Every timing is taken with gp.clock() (monotonic seconds) around exactly the
-- call a user's script makes, and printed as one tab-separated line
--   what <TAB> n <TAB> seconds [<TAB> method <TAB> rank [<TAB> summary]]
-- which run.py parses. Nothing here prints anything else on stdout.
--
-- Features other engineers are adding are detected at run time, so that their
-- rows appear by themselves once they land: the `method` option of f:sample
-- (the low-rank path), a 2-D f:sample_grid, f:condition (the posterior). A
-- missing one prints "<mode>_unavailable <TAB> why" instead of timings.
local gp = require "gprior"

local NS = 5      -- samples per draw
local NOISE = 0.01 -- the posterior's noise variance (bench/peers.py has the same)

local GP_METHODS = getmetatable(gp.GP{kernel = gp.rbf{}}).__index

local function emit(what, n, t, info)
  if info then
    print(string.format("%s\t%d\t%.9f\t%s\t%s\t%s", what, n, t, tostring(info.method),
                        tostring(info.rank), (tostring(info):gsub("%s+", " "))))
  else
    print(string.format("%s\t%d\t%.9f", what, n, t))
  end
end

local function unavailable(mode, why)
  print(string.format("%s_unavailable\t%s", mode, (tostring(why):gsub("%s+", " "))))
end

-- Seconds taken by fn(), and what it returned. The garbage of the previous
-- call (n x n matrices held by Lua userdata) is collected first, untimed.
local function timed(fn)
  collectgarbage "collect"
  local t0 = gp.clock()
  local a, b = fn()
  return gp.clock() - t0, a, b
end

-- Whether f:sample takes the `method` option ("dense" | "lowrank", issue 11
-- part 3); if not, the reason (today: "unknown option 'method'").
local function has_sample_method()
  local f = gp.GP{kernel = gp.rbf{}}
  local ok, err = pcall(f.sample, f, gp.linspace(0, 5, 20), {n = 1, method = "lowrank"})
  return ok, not ok and err or nil
end

-- The dense benchmark at n, one round: the timings of the same draws, in a
-- fixed order, so that slow phases of a noisy machine hit all of them alike.
--   ou_gram      k:gram(x), OU on [0, 5]
--   ou           f:sample(x, {n = 5}), OU on [0, 5]: full rank, the Cholesky path
--   ou_mvn       gp.mvn_sample(0, K, {n = 5}) on a ready OU K (copy, factor,
--                draw): ou minus ou_gram, to see where the time goes
--   ou_wide      f:sample on n points of [0, 1000]: the subnormal stall test
--   rbf          f:sample(x, {n = 5}), RBF on [0, 5]: gprior's default path
--   rbf_dense    the same with method = "dense" (when the option exists)
local function dense_round(n, out, with_method)
  local x, wide = gp.linspace(0, 5, n), gp.linspace(0, 1000, n)
  local ou = gp.ou{lengthscale = 1}
  local f_ou, f_rbf = gp.GP{kernel = ou}, gp.GP{kernel = gp.rbf{lengthscale = 1}}
  local K, zero = ou:gram(x), gp.matrix(n, 1, 0)
  out("ou_gram", n, (timed(function() return ou:gram(x) end)))
  local t, _, info = timed(function() return f_ou:sample(x, {n = NS}) end)
  out("ou", n, t, info)
  t, _, info = timed(function() return gp.mvn_sample(zero, K, {n = NS}) end)
  out("ou_mvn", n, t, info)
  K = nil -- luacheck: ignore (freed before the wide draw, as a script would)
  t, _, info = timed(function() return f_ou:sample(wide, {n = NS}) end)
  out("ou_wide", n, t, info)
  t, _, info = timed(function() return f_rbf:sample(x, {n = NS}) end)
  out("rbf", n, t, info)
  if with_method then
    t, _, info = timed(function() return f_rbf:sample(x, {n = NS, method = "dense"}) end)
    out("rbf_dense", n, t, info)
  end
end

-- An untimed warm-up round at a small n (OpenBLAS starts its threads, the
-- allocator sets up), then reps timed rounds.
local function dense(n, reps)
  local with_method = has_sample_method()
  dense_round(math.min(n, 300), function() end, with_method)
  for _ = 1, reps do dense_round(n, emit, with_method) end
end

-- This process's peak resident set (KiB): VmHWM, the high-water mark of the
-- address space since exec. (The parent's rusage of a child would not do: on
-- Linux it also counts the pages of the Python that spawned it.)
local function peak_rss_kib()
  local f = assert(io.open "/proc/self/status")
  local status = f:read "a"
  f:close()
  return tonumber(status:match "VmHWM:%s*(%d+)")
end

-- One end-to-end dense draw (OU on [0, 5]) and nothing else, then the peak
-- RSS it needed.
local function once(n)
  local f = gp.GP{kernel = gp.ou{lengthscale = 1}}
  local t, _, info = timed(function() return f:sample(gp.linspace(0, 5, n), {n = NS}) end)
  emit("once", n, t, info)
  print(string.format("rss\t%d\t%d", n, peak_rss_kib()))
end

-- n scattered points of [0, 5]^d, uniform, from Lua's own generator with a
-- fixed seed (untimed): an n x d matrix.
local function scattered(n, d)
  math.randomseed(1)
  local x = gp.matrix(n, d)
  for j = 1, d do
    for i = 1, n do x:set(i, j, 5 * math.random()) end
  end
  return x
end

-- The low-rank path (method = "lowrank") for RBF l = 1 on n scattered points
-- of [0, 5]^d, reps timed draws, then the peak RSS: one process per (d, n).
local function lowrank(reps, d, n)
  local ok, why = has_sample_method()
  if not ok then return unavailable("lowrank", why) end
  local x = scattered(n, d)
  local f = gp.GP{kernel = gp.rbf{lengthscale = 1}}
  for _ = 1, reps do
    local t, _, info = timed(function() return f:sample(x, {n = NS, method = "lowrank"}) end)
    emit("lowrank_" .. d, n, t, info)
  end
  print(string.format("rss\t%d\t%d", n, peak_rss_kib()))
end

-- The grid sampler (f:sample_grid, exact by circulant embedding) on [0, 1000]
-- for OU, Matern 3/2 and RBF; dense f:sample on the same grid where
-- n <= max_dense; random Fourier features (f:sample_rff, 2000 features,
-- approximate) where n <= max_rff and this gprior has it. Lines:
--   grid_<kernel> / griddense_<kernel> / gridrff_<kernel> n seconds method rank summary
-- or "grid_unavailable" if this gprior has no sample_grid.
local GRID_KERNELS = {
  {name = "ou", make = function() return gp.ou{lengthscale = 1} end},
  {name = "matern32", make = function() return gp.matern32{lengthscale = 1} end},
  {name = "rbf", make = function() return gp.rbf{lengthscale = 1} end},
}

-- Time fn reps times and emit each, with info's one-line summary; an error
-- (e.g. no embedding found) is reported on one line and ends the repeats.
local function timed_rows(what, n, reps, fn)
  for _ = 1, reps do
    local ok, t, _, info = pcall(timed, fn)
    if not ok then
      print(string.format("%s_error\t%d\t%s", what, n, (tostring(t):gsub("%s+", " "))))
      return
    end
    emit(what, n, t, info)
  end
end

local function grid(reps, max_dense, max_rff, sizes)
  if not GP_METHODS.sample_grid then return unavailable("grid", "no f:sample_grid") end
  for _, kern in ipairs(GRID_KERNELS) do
    local f = gp.GP{kernel = kern.make()}
    for _, n in ipairs(sizes) do
      timed_rows("grid_" .. kern.name, n, reps, function()
        return f:sample_grid(0, 1000, n, {n = NS})
      end)
      local x = n <= math.max(max_dense, max_rff) and gp.linspace(0, 1000, n)
      if n <= max_dense then
        timed_rows("griddense_" .. kern.name, n, reps, function() return f:sample(x, {n = NS}) end)
      end
      if n <= max_rff and GP_METHODS.sample_rff then -- slow: one run
        timed_rows("gridrff_" .. kern.name, n, 1, function()
          return f:sample_rff(x, {features = 2000, n = NS})
        end)
      end
    end
  end
end

-- The ways a 2-D grid draw may be spelled, tried in this order on every
-- candidate method (f:sample_grid, then any f:sample_grid*, *2d*, *field*):
-- per-dimension ends and sizes, or the two axes as vectors.
local GRID2D_FORMS = {
  {name = "(f, {a, a}, {b, b}, {nx, ny}, opts)",
   call = function(fn, f, a, b, nx, ny, opts) return fn(f, {a, a}, {b, b}, {nx, ny}, opts) end},
  {name = "(f, gp.linspace(a, b, nx), gp.linspace(a, b, ny), opts)",
   call = function(fn, f, a, b, nx, ny, opts)
     return fn(f, gp.linspace(a, b, nx), gp.linspace(a, b, ny), opts)
   end},
}

local function grid2d_candidates()
  local names = {}
  for name in pairs(GP_METHODS) do
    if name ~= "sample_grid" and (name:match "^sample_grid" or name:match "2d" or
                                  name:match "field") then
      names[#names + 1] = name
    end
  end
  table.sort(names)
  if GP_METHODS.sample_grid then table.insert(names, 1, "sample_grid") end
  return names
end

-- The first (method, form) that draws 2 samples on a 16 x 12 grid and returns
-- a matrix holding 16 * 12 * 2 numbers, or nil and what was tried.
local function find_grid2d(f)
  local tried = {}
  for _, name in ipairs(grid2d_candidates()) do
    for _, form in ipairs(GRID2D_FORMS) do
      local ok, S = pcall(form.call, GP_METHODS[name], f, 0, 1, 16, 12, {n = 2})
      local size_ok, size = pcall(function() return S:rows() * S:cols() end)
      if ok and size_ok and size == 16 * 12 * 2 then return name, form end
      tried[#tried + 1] = name .. form.name
    end
  end
  return nil, #tried > 0 and table.concat(tried, "; ") or "no f:sample_grid"
end

-- A 2-D grid draw of Matern 3/2 (l = 1) on an n x n grid of [0, 20]^2.
local function grid2d(reps, n)
  local f = gp.GP{kernel = gp.matern32{lengthscale = 1}}
  local name, form = find_grid2d(f)
  if not name then return unavailable("grid2d", "no 2-D grid draw found; tried " .. form) end
  print(string.format("grid2d_form\tf:%s(%s", name, form.name:sub(#"(f, " + 1)))
  timed_rows("grid2d", n, reps, function()
    return form.call(GP_METHODS[name], f, 0, 20, n, n, {n = NS})
  end)
end

-- The posterior (f:condition) of RBF l = 1, noise NOISE, given n_obs noisy
-- observations of sin(3x) on [0, 5]: mean and sd at n_test points, end to
-- end, reps times. The data and gprior's answers are written to
-- PREFIX.{X,y,xt,mean,sd}.tsv for scikit-learn (bench/peers.py posterior).
local function posterior(n_obs, n_test, reps, prefix)
  if not GP_METHODS.condition then return unavailable("posterior", "no f:condition") end
  gp.seed(1)
  local X, e, y = gp.linspace(0, 5, n_obs), gp.randn(n_obs), gp.matrix(n_obs, 1)
  for i = 1, n_obs do y[i] = math.sin(3 * X[i]) + 0.1 * e[i] end
  local xt = gp.linspace(0.001, 4.999, n_test) -- between the observations, mostly
  local f = gp.GP{kernel = gp.rbf{lengthscale = 1}}
  local mean, sd
  for _ = 1, reps do
    local t = timed(function()
      local p = f:condition(X, y, {noise = NOISE})
      mean, sd = p:mean(xt), p:sd(xt)
    end)
    emit("posterior", n_obs, t)
  end
  for name, m in pairs{X = X, y = y, xt = xt, mean = mean, sd = sd} do
    m:write_tsv(prefix .. "." .. name .. ".tsv")
  end
end

local USAGE = "usage: gprior_bench.lua dense N REPEATS | once N | lowrank REPEATS D N | " ..
              "grid REPEATS MAX_DENSE MAX_RFF N... | grid2d REPEATS N | " ..
              "posterior N_OBS N_TEST REPEATS PREFIX"
local args = {...}
local int = function(i) return assert(math.tointeger(tonumber(args[i])), USAGE) end
local mode = args[1]
if mode == "dense" then
  dense(int(2), int(3))
elseif mode == "once" then
  once(int(2))
elseif mode == "lowrank" then
  lowrank(int(2), int(3), int(4))
elseif mode == "grid" then
  local sizes = {}
  for i = 5, #args do sizes[#sizes + 1] = int(i) end
  grid(int(2), int(3), int(4), sizes)
elseif mode == "grid2d" then
  grid2d(int(2), int(3))
elseif mode == "posterior" then
  posterior(int(2), int(3), int(4), assert(args[5], USAGE))
else
  error(USAGE)
end
