-- gprior_bench.lua: gprior's side of `make bench` (driven by bench/run.py).
--
--   ./gprior run bench/gprior_bench.lua -- dense N REPEATS
--   ./gprior run bench/gprior_bench.lua -- once N      (also prints its peak RSS)
--   ./gprior run bench/gprior_bench.lua -- grid REPEATS MAX_DENSE MAX_RFF N1 N2 ...
--
-- Every timing is taken with gp.clock() (monotonic seconds) around exactly the
-- call a user's script makes, and printed as one tab-separated line
--   what <TAB> n <TAB> seconds [<TAB> method <TAB> rank]
-- which run.py parses. Nothing here prints anything else on stdout.
local gp = require "gprior"

local A, L = 1, 1 -- RBF amplitude and length-scale of the dense benchmark
local NS = 5      -- samples per draw
local JITTER = 1e-8

local function emit(what, n, t, info)
  if info then
    print(string.format("%s\t%d\t%.9f\t%s\t%s", what, n, t, tostring(info.method),
                        tostring(info.rank)))
  else
    print(string.format("%s\t%d\t%.9f", what, n, t))
  end
end

-- Seconds taken by fn(), and what it returned. The garbage of the previous
-- call (n x n matrices held by Lua userdata) is collected first, untimed.
local function timed(fn)
  collectgarbage "collect"
  local t0 = gp.clock()
  local a, b = fn()
  return gp.clock() - t0, a, b
end

-- Dense RBF on n points of [0, 5], REPEATS times, the measurements interleaved
-- so that slow phases of a noisy machine hit all of them alike:
--   gram          k:gram(x)
--   sample        f:sample(x, {n = 5}) as a user writes it (takes the pivoted
--                 path on this numerically singular K)
--   sample_jitter the same with jitter 1e-8: the plain Cholesky path
--   mvn           gp.mvn_sample(0, K, {n = 5}) on a ready K (copy, factor,
--                 draw): sample minus gram, to see where the time goes
-- One round of the four: the timings of the same draw, in a fixed order.
local function dense_round(n, out)
  local x = gp.linspace(0, 5, n)
  local k = gp.rbf{amplitude = A, lengthscale = L}
  local f = gp.GP{kernel = k}
  local K, zero = k:gram(x), gp.matrix(n, 1, 0)
  out("gram", n, (timed(function() return k:gram(x) end)))
  local t, _, info = timed(function() return f:sample(x, {n = NS}) end)
  out("sample", n, t, info)
  t, _, info = timed(function() return f:sample(x, {n = NS, jitter = JITTER}) end)
  out("sample_jitter", n, t, info)
  t, _, info = timed(function() return gp.mvn_sample(zero, K, {n = NS}) end)
  out("mvn", n, t, info)
end

-- An untimed warm-up round at a small n (OpenBLAS starts its threads, the
-- allocator sets up), then reps timed rounds.
local function dense(n, reps)
  dense_round(math.min(n, 300), function() end)
  for _ = 1, reps do dense_round(n, emit) end
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

-- One end-to-end draw and nothing else, then the peak RSS it needed.
local function once(n)
  local f = gp.GP{kernel = gp.rbf{amplitude = A, lengthscale = L}}
  local t, _, info = timed(function() return f:sample(gp.linspace(0, 5, n), {n = NS}) end)
  emit("once", n, t, info)
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
local function grid_rows(what, n, reps, fn)
  for _ = 1, reps do
    local ok, t, _, info = pcall(timed, fn)
    if not ok then
      print(string.format("%s_error\t%d\t%s", what, n, (tostring(t):gsub("%s+", " "))))
      return
    end
    print(string.format("%s\t%d\t%.9f\t%s\t%s\t%s", what, n, t, tostring(info.method),
                        tostring(info.rank), (tostring(info):gsub("%s+", " "))))
  end
end

local function grid(reps, max_dense, max_rff, sizes)
  local methods = getmetatable(gp.GP{kernel = gp.rbf{}}).__index
  if not methods.sample_grid then
    print "grid_unavailable"
    return
  end
  for _, kern in ipairs(GRID_KERNELS) do
    local f = gp.GP{kernel = kern.make()}
    for _, n in ipairs(sizes) do
      grid_rows("grid_" .. kern.name, n, reps, function()
        return f:sample_grid(0, 1000, n, {n = NS})
      end)
      local x = n <= math.max(max_dense, max_rff) and gp.linspace(0, 1000, n)
      if n <= max_dense then
        grid_rows("griddense_" .. kern.name, n, reps, function() return f:sample(x, {n = NS}) end)
      end
      if n <= max_rff and methods.sample_rff then -- slow: one run
        grid_rows("gridrff_" .. kern.name, n, 1, function()
          return f:sample_rff(x, {features = 2000, n = NS})
        end)
      end
    end
  end
end

local args = {...}
local mode = args[1]
if mode == "dense" then
  dense(math.tointeger(args[2]), math.tointeger(args[3]))
elseif mode == "once" then
  once(math.tointeger(args[2]))
elseif mode == "grid" then
  local sizes = {}
  for i = 5, #args do sizes[#sizes + 1] = math.tointeger(args[i]) end
  grid(math.tointeger(args[2]), math.tointeger(args[3]), math.tointeger(args[4]), sizes)
else
  error("usage: gprior_bench.lua dense N REPEATS | once N | grid REPEATS MAX_DENSE MAX_RFF N...")
end
