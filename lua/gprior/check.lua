-- gprior.check: numerical checks with a printed report, for experiment scripts.
--
--   local check = require "gprior.check"
--   local c = check.new "exercise 3"
--   c:near("mean at x = 1", got, expected, tol)   -- PASS/FAIL line with the numbers
--   c:truthy("error falls with J", cond, "details")
--   c:moments("u = f + 2g vs m1 + 2 m2, k1 + 4 k2", S, mu, K)   -- draws vs formulas
--   c:rejects("... the wrong k1 + 2 k2", S, mu, K_wrong)       -- the check can fail
--   c:finish()   -- prints "check summary: N passed, N failed"; exits 1 on a failure
--
-- check.draws(full) is the number of Monte-Carlo draws a script should use:
-- full, or full / 10 (at least 1000) when GPRIOR_QUICK is set (as under make test).
local gp = require "gprior"

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

-- Largest |z| of the empirical mean and covariance of the draws S (points x
-- draws) against mu and K, z = (empirical - formula) / standard error, with the
-- standard errors estimated from the draws (gp.moments).
function check.max_z(S, mu, K)
  local m = gp.moments(S)
  local n, worst = S:rows(), 0
  local function z(diff, se)
    if se > 0 then return math.abs(diff) / se end
    return diff == 0 and 0 or math.huge
  end
  for i = 1, n do
    worst = math.max(worst, z(m.mean[i] - mu[i], m.se_mean[i]))
    for j = 1, i do
      worst = math.max(worst, z(m.cov:get(i, j) - K:get(i, j), m.se_cov:get(i, j)))
    end
  end
  return worst, n + n * (n + 1) // 2
end

-- Draws S agree with mean mu and covariance K: every entry within tol (5) SE.
function check:moments(label, S, mu, K, tol)
  tol = tol or 5
  local worst, count = check.max_z(S, mu, K)
  return report(self, worst <= tol, label, string.format(
    "%d draws, max |z| = %.2f over %d mean and covariance entries (tolerance %g SE)",
    S:cols(), worst, count, tol))
end

-- The same test rejects a wrong formula: some entry beyond tol SE.
function check:rejects(label, S, mu, K, tol)
  tol = tol or 5
  local worst = check.max_z(S, mu, K)
  return report(self, worst > tol, label,
                string.format("max |z| = %.1f > %g: the check can tell", worst, tol))
end

function check:finish()
  print(string.format("check summary: %d passed, %d failed", self.passed, self.failed))
  if self.failed > 0 then
    os.exit(1)
  end
end

return check
