-- The checks every chapter script rests on must fail on NaN and report, not
-- crash, on values that are not numbers.
local gp = require "gprior"
local check = require "gprior.check"

-- Run fn(c) with print captured; returns the check object and the printed lines.
local function quietly(fn)
  local c, lines, saved = check.new "test", {}, print
  print = function(...) lines[#lines + 1] = table.concat({...}, "\t") end
  local ok, err = pcall(fn, c)
  print = saved
  if not ok then error(err, 0) end
  return c, lines
end

-- Draws from N(0, I) on 3 points, and the right formulas.
local function draws()
  gp.seed(5)
  return gp.randn(3, 4000), gp.matrix{0, 0, 0}, gp.matrix{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}
end

return {
  ["moments passes right formulas and fails NaN in the mean or the covariance"] = function(t)
    local S, mu, K = draws()
    local c = quietly(function(c) c:moments("right", S, mu, K) end)
    t.eq(c.passed, 1, "right formulas pass")
    local nan = 0 / 0
    for _, case in ipairs{
      {gp.matrix{nan, 0, 0}, K, "NaN in the first mean"},
      {gp.matrix{0, 0, nan}, K, "NaN in the last mean"},
      {mu, gp.matrix{{1, 0, 0}, {0, 1, 0}, {0, 0, nan}}, "NaN in the last variance"},
      {mu, gp.matrix{{nan, 0, 0}, {0, 1, 0}, {0, 0, 1}}, "NaN in the first variance"},
    } do
      local c2, lines = quietly(function(c2) c2:moments("nan", S, case[1], case[2]) end)
      t.eq(c2.failed, 1, case[3] .. " must FAIL")
      t.truthy(lines[1]:find("^FAIL"), lines[1])
      local c3 = quietly(function(c3) c3:rejects("nan", S, case[1], case[2]) end)
      t.eq(c3.failed, 1, case[3] .. ": rejects must not count NaN as a rejection")
    end
  end,
  ["moments fails draws that hold NaN"] = function(t)
    local S, mu, K = draws()
    S:set(2, 7, 0 / 0)
    local c = quietly(function(c) c:moments("nan draw", S, mu, K) end)
    t.eq(c.failed, 1, "a NaN draw must FAIL")
  end,
  ["moments says when the shapes do not match"] = function(t)
    local S, _, K = draws()
    t.raises(function() quietly(function(c) c:moments("short", S, gp.matrix{0, 0}, K) end) end,
             "mu has 2 entries")
  end,
  ["near and below report non-numbers and NaN as FAIL instead of crashing"] = function(t)
    local c, lines = quietly(function(c)
      c:near("a table", {}, 1, 0.1)
      c:near("nil", nil, 1, 0.1)
      c:near("NaN", 0 / 0, 1, 0.1)
      c:near("NaN expected", 1, 0 / 0, 0.1)
      c:below("string", "x", 1)
      c:below("NaN", 0 / 0, 1)
      c:near("fine", 1, 1, 0)
    end)
    t.eq(c.failed, 6, "six FAILs"); t.eq(c.passed, 1, "one PASS")
    t.truthy(lines[1]:find("got %(table%)"), lines[1])
    t.truthy(lines[2]:find("got %(nil%) nil"), lines[2])
  end,
}
