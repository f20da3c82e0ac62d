-- fuzz.lua: random calls into the whole gprior API with random arguments.
--
--   gprior run tests/fuzz/fuzz.lua --out DIR -- SEED CALLS
--
-- The API is discovered, not listed: every function of the module (and its
-- sub-tables), and every method reachable from the metatables of the objects
-- the calls create. Each call gets 0-4 arguments drawn from a pool of hostile
-- values (NaN, inf, huge and tiny numbers, huge sizes, strings with pipes,
-- NULs and newlines, wrong types, callbacks that fail, return NaN or call
-- gprior from inside a coroutine) and of objects made earlier, and runs under
-- pcall: an error is fine, a crash, a sanitizer report or a hang is not (the
-- driver, scripts/fuzz.sh, judges those). Calls are chosen by Lua's own
-- generator seeded with SEED, so a failing seed replays.
local gp = require "gprior"

local seed, calls = tonumber(arg[1] or "1"), tonumber(arg[2] or "1000")
math.randomseed(seed)
local function pick(t) return t[math.random(#t)] end

-- Functions a fuzzer must not call: they end the process or measure time.
local skip = {exit = true, clock = true}

local nan, inf = 0 / 0, math.huge
local numbers = {0, -0.0, 1, -1, 0.5, 2, 3, 7, 1e-310, 1e-300, 1e154, 1e200, 1e308, -1e308,
                 nan, inf, -inf, 2 ^ 31, 2 ^ 53, 2 ^ 63, 2 ^ 70, math.maxinteger, math.mininteger,
                 2147483648, 1 << 40, 50, 10, 100, 0.1, 1e-8}
local strings = {"", "x", "x.png", "y.svg", "z.pdf", "w.txt", "v.tsv", "u.csv", "sub/t.png",
                 "bad.xyz", "|touch PWNED;:", "<touch PWNED;:", "-x.png", "a'b\".png",
                 "line\nbreak.png", "nul\0byte", "`touch PWNED`", "system(\"touch PWNED\")",
                 "rbf", "matern32", "dense", "lowrank", "viridis", "top left", "outside",
                 "dashed", "C3", "#ff0000", "red", "paper", "slides", "relu", "erf",
                 string.rep("a", 5000)}

-- Callbacks for warps, means and length-scale functions.
local k_inner = gp.rbf{}
local callbacks = {
  function() return 1 end,
  function(x) return x end,
  function() return nan end,
  function() return 1e200 end,
  function() error("callback error") end,
  function() return "not a number" end,
  function() return {} end,
  function()
    local co = coroutine.create(function() return k_inner(1, 2) end)
    coroutine.resume(co); co = nil; collectgarbage(); return 1
  end,
  function() coroutine.yield(1) return 1 end,
  function(...) return select("#", ...) end,
}

-- The pool: values of every kind plus the objects made so far.
local pool = {nil, true, false}
local function add(v)
  if #pool < 400 then pool[#pool + 1] = v else pool[math.random(4, #pool)] = v end
end
for _, v in ipairs(numbers) do add(v) end
for _, v in ipairs(strings) do add(v) end
for _, v in ipairs(callbacks) do add(v) end
for _, v in ipairs{{}, {1, 2, 3}, {{1, 2}, {3, 4}}, {{1}, {2, 3}}, {n = 3}, {n = -1},
                   {n = 2 ^ 31}, {seed = 3}, {lengthscale = -1}, {lengthscale = {1, 2}},
                   {amplitude = nan}, {1, nan}, {"a"}, {{}}, {method = "lowrank"},
                   {title = "t", color = "C1", alpha = 0.5}, {noise = 0.1},
                   {kernel = gp.rbf{}}, {basis = false}, {J = 10}, {degree = 3}} do
  add(v)
end
add(gp.linspace(0, 1, 5)); add(gp.linspace(-3, 3, 40)); add(gp.matrix{{0, 1}, {1, 0}, {2, 2}})
add(gp.rbf{}); add(gp.linear{}); add(gp.GP{kernel = gp.matern32{}})

-- Every callable reachable from the module and from the objects' metatables;
-- a method remembers its metatable, so that it is mostly called on its own type.
local fns, seen, by_type = {}, {}, {}
local function collect(prefix, t, mt)
  if seen[t] then return end
  seen[t] = true
  for name, v in pairs(t) do
    if type(name) == "string" and not skip[name] then
      if type(v) == "function" then fns[#fns + 1] = {prefix .. name, v, mt}
      elseif type(v) == "table" then collect(prefix .. name .. ".", v, mt) end
    end
  end
end
collect("gp.", gp)
local function remember(obj)
  local mt = getmetatable(obj)
  if type(mt) ~= "table" then return end
  local list = by_type[mt]
  if not list then
    list = {}
    by_type[mt] = list
    local name = rawget(mt, "__name") or "object"
    for mm, f in pairs(mt) do
      if type(f) == "function" and mm ~= "__gc" and mm ~= "__close" then
        fns[#fns + 1] = {name .. ":" .. mm, f, mt}
      end
    end
    if type(mt.__index) == "table" then collect(name .. ":", mt.__index, mt) end
  end
  if #list < 30 then list[#list + 1] = obj else list[math.random(#list)] = obj end
end
for _, v in pairs(pool) do remember(v) end

-- Arguments: mostly plausible (small sizes, moderate numbers, vectors, option
-- tables with real option names), sometimes anything from the hostile pool.
local option_names = {"n", "seed", "lengthscale", "amplitude", "variance", "offset", "degree",
                      "period", "alpha", "Sigma", "J", "sigma", "title", "color", "width",
                      "dash", "size", "bins", "density", "palette", "x", "y", "xrange", "yrange",
                      "legend", "layout", "jitter", "method", "noise", "nu", "gamma", "depth",
                      "activation", "weight_var", "bias_var", "width", "theme", "kernel", "mean",
                      "basis", "cov", "dim", "value", "logx", "logy", "enhanced", "xlabel"}
local function plausible()
  local r = math.random(8)
  if r == 1 then return math.random(1, 20) end
  if r == 2 then return (math.random() - 0.3) * 10 end
  if r == 3 then
    local ok, v = pcall(gp.linspace, -2, 3, math.random(1, 30)); return ok and v or 1
  end
  if r == 4 then
    local t = {}
    for i = 1, math.random(0, 6) do t[i] = (math.random() - 0.5) * 4 end
    return t
  end
  if r == 5 then
    local t = {}
    for _ = 1, math.random(0, 3) do
      t[pick(option_names)] = math.random() < 0.7 and pool[math.random(#pool)] or math.random(1, 5)
    end
    return t
  end
  if r == 6 then return pick(callbacks) end
  return pool[math.random(#pool)]
end

local function args()
  local a, n = {}, math.random(0, 4)
  for i = 1, n do a[i] = math.random() < 0.75 and plausible() or pool[math.random(#pool)] end
  return a, n
end

local ok_count, err_count = 0, 0
for i = 1, calls do
  local f = pick(fns)
  local a, n = args()
  local own = f[3] and by_type[f[3]]
  if own and #own > 0 and math.random() < 0.9 then
    a[1] = own[math.random(#own)]
    if n == 0 then n = 1 end
  end
  local res = table.pack(pcall(f[2], table.unpack(a, 1, n)))
  if res[1] then
    ok_count = ok_count + 1
    for r = 2, res.n do
      local v = res[r]
      if type(v) == "userdata" or type(v) == "table" then add(v); remember(v) end
    end
  else
    err_count = err_count + 1
  end
  if i % 500 == 0 then collectgarbage() end
end
collectgarbage()
print(string.format("fuzz: seed %d, %d calls (%d returned, %d raised), %d functions",
                    seed, calls, ok_count, err_count, #fns))
