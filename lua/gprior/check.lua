-- gprior.check: numerical checks with a printed report, for experiment scripts.
--
--   local check = require "gprior.check"
--   local c = check.new "exercise 3"
--   c:near("mean at x = 1", got, expected, tol)   -- PASS/FAIL line with the numbers
--   c:truthy("error falls with J", cond, "details")
--   c:finish()   -- prints "check summary: N passed, N failed"; exits 1 on a failure
--
-- check.draws(full) is the number of Monte-Carlo draws a script should use:
-- full, or full / 10 (at least 1000) when GPRIOR_QUICK is set (as under make test).
local check = {}
check.__index = check

function check.new(name)
  return setmetatable({name = name, passed = 0, failed = 0}, check)
end

function check.draws(full)
  if os.getenv("GPRIOR_QUICK") then
    return math.max(1000, full // 10)
  end
  return full
end

local function report(self, ok, label, detail)
  if ok then self.passed = self.passed + 1 else self.failed = self.failed + 1 end
  print(string.format("%s %s%s", ok and "PASS" or "FAIL", label, detail and (": " .. detail) or ""))
  return ok
end

-- |got - expected| <= tol (tol from a standard error: say how in the label).
function check:near(label, got, expected, tol)
  local ok = type(got) == "number" and math.abs(got - expected) <= tol
  return report(self, ok, label,
                string.format("got %.6g, expected %.6g +- %.3g", got, expected, tol))
end

-- got <= bound.
function check:below(label, got, bound)
  return report(self, type(got) == "number" and got <= bound, label,
                string.format("got %.6g, bound %.6g", got, bound))
end

function check:truthy(label, cond, detail)
  return report(self, cond and true or false, label, detail)
end

function check:finish()
  print(string.format("check summary: %d passed, %d failed", self.passed, self.failed))
  if self.failed > 0 then
    os.exit(1)
  end
end

return check
