-- Lua-level tests of Lua functions called back from the core (warps, means):
-- the thread they run on, coroutines, errors. Run under valgrind by `make
-- valgrind` (AddressSanitizer cannot see inside liblua).
local gp = require "gprior"

return {
  ["a warp that calls gprior inside a coroutine, then collects it"] = function(t)
    -- the callback state must not be left pointing at the dead coroutine
    local k2 = gp.rbf{}
    local calls = 0
    local k = gp.rbf{}:warp(function(x)
      local co = coroutine.create(function() return k2(1, 2) end)
      assert(coroutine.resume(co))
      co = nil
      collectgarbage()
      calls = calls + 1
      return 1 + x
    end)
    local K = k:gram(gp.linspace(0, 1, 3))
    t.truthy(calls >= 3, "the warp ran")
    t.near(K:get(3, 3), 4, 1e-15, "(1 + x)^2 k(x, x) at x = 1")
  end,
  ["a mean that samples inside a coroutine while the process is sampled"] = function(t)
    local inner = gp.GP{kernel = gp.rbf{}}
    local f = gp.GP{kernel = gp.rbf{}, mean = function(x)
      local co = coroutine.wrap(function()
        local v = inner:mean{x}   -- a gprior call on the coroutine's thread
        coroutine.yield(v[1])
      end)
      local v = co()
      co = nil
      collectgarbage()
      return v + x
    end}
    local x = gp.linspace(0, 1, 4)
    for _ = 1, 3 do
      local m = f:mean(x)
      t.eq(m[4], 1, "mean at x = 1")
      local S = f:sample(x, {n = 2, seed = 1})
      t.eq(S:rows(), 4, "draws")
    end
  end,
  ["nested callbacks in coroutines, repeatedly, with errors inside"] = function(t)
    local base = gp.rbf{}
    local inner = base:warp(function(x) return x end)
    local outer = base:warp(function(x)
      local co = coroutine.create(function()
        local v = inner(x, x)                               -- callback within a callback
        local ok = pcall(inner.gram, inner, {0 / 0})         -- an error in the inner core call
        assert(not ok)
        return v
      end)
      local _, v = assert(coroutine.resume(co))
      co = nil
      collectgarbage()
      return 1 + v
    end)
    for _ = 1, 5 do
      local K = outer:gram{0.5, 1}
      t.near(K:get(2, 2), 4, 1e-15, "(1 + 1 * 1)^2")
    end
  end,
  ["an error in a callback is an error of the call, with its message"] = function(t)
    local k = gp.rbf{}:warp(function() error("warp broke") end)
    t.raises(function() k:gram{1, 2} end, "warp broke")
    local f = gp.GP{kernel = gp.rbf{}, mean = function() return "x" end}
    t.raises(function() f:mean{1} end, "function returned a string, not a number")
    -- and the next call works normally
    t.eq(gp.GP{kernel = gp.rbf{}, mean = function(x) return 2 * x end}:mean{3}[1], 6, "after")
  end,
}
