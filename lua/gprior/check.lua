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

-- A number for a report line, or what came instead (a check must report, not crash).
local function num(v, fmt)
  if math.type(v) == "float" or math.type(v) == "integer" then
    return string.format(fmt or "%.6g", v)
  end
  return "(" .. type(v) .. ") " .. tostring(v)
end

local function is_number(v)
  return type(v) == "number"
end

-- |got - expected| <= tol (tol from a standard error: say how in the label).
-- Any NaN, or a value that is not a number, is a FAIL.
function check:near(label, got, expected, tol)
  local ok = is_number(got) and is_number(expected) and is_number(tol)
             and math.abs(got - expected) <= tol
  return report(self, ok, label,
                string.format("got %s, expected %s +- %s", num(got), num(expected), num(tol, "%.3g")))
end

-- got <= bound (NaN or a non-number is a FAIL).
function check:below(label, got, bound)
  local ok = is_number(got) and is_number(bound) and got <= bound
  return report(self, ok, label, string.format("got %s, bound %s", num(got), num(bound)))
end

function check:truthy(label, cond, detail)
  return report(self, cond and true or false, label, detail)
end

-- Largest |z| of the empirical mean and covariance of the draws S (points x
-- draws) against mu and K, z = (empirical - formula) / standard error, with the
-- standard errors estimated from the draws (gp.moments). NaN anywhere (draws,
-- formulas or standard errors) makes the result NaN, which no tolerance passes:
-- math.max would silently drop it.
function check.max_z(S, mu, K)
  local n = S:rows()
  local ok, m = pcall(gp.moments, S)
  if not ok then                             -- non-finite draws: no moments at all
    return 0 / 0, n + n * (n + 1) // 2, tostring(m)
  end
  if #mu ~= n or K:rows() ~= n or K:cols() ~= n then
    error(string.format("check: %d points in the draws, but mu has %d entries and K is %d x %d",
                        n, #mu, K:rows(), K:cols()), 3)
  end
  local worst = 0
  local function take(diff, se)
    local z
    if se > 0 then z = math.abs(diff) / se
    elseif diff == 0 and se == 0 then z = 0
    elseif se == 0 then z = math.huge
    else z = 0 / 0 end                       -- se is NaN or negative
    if z ~= z or worst ~= worst then worst = 0 / 0
    elseif z > worst then worst = z end
  end
  for i = 1, n do
    take(m.mean[i] - mu[i], m.se_mean[i])
    for j = 1, i do
      take(m.cov:get(i, j) - K:get(i, j), m.se_cov:get(i, j))
    end
  end
  return worst, n + n * (n + 1) // 2
end

-- Draws S agree with mean mu and covariance K: every entry within tol (5) SE.
function check:moments(label, S, mu, K, tol)
  tol = tol or 5
  local worst, count, why = check.max_z(S, mu, K)
  return report(self, worst <= tol, label, string.format(
    "%d draws, max |z| = %s over %d mean and covariance entries (tolerance %g SE)%s",
    S:cols(), num(worst, "%.2f"), count, tol, why and ("; " .. why) or ""))
end

-- The same test rejects a wrong formula: some entry beyond tol SE (NaN is not
-- a rejection: it is a broken computation, so it FAILs here too).
function check:rejects(label, S, mu, K, tol)
  tol = tol or 5
  local worst = check.max_z(S, mu, K)
  return report(self, worst > tol, label,
                string.format("max |z| = %s > %g: the check can tell", num(worst, "%.1f"), tol))
end

function check:finish()
  print(string.format("check summary: %d passed, %d failed", self.passed, self.failed))
  if self.failed > 0 then
    os.exit(1)
  end
end

return check
