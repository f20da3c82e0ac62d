-- Lua-level test runner: loads every test_*.lua beside this file (each returns
-- a table of named test functions), runs them in name order, prints failures,
-- and ends with "lua: N passed, N failed". It fails when it finds no test file
-- or runs no test, so it cannot pass having run nothing.
-- Run (from any folder): gprior run tests/lua/run.lua [-- pattern]
local filter = arg and arg[1]
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"

local t = {}

local function fail(msg, level)
  error(msg, (level or 1) + 2)
end

function t.eq(a, b, msg)
  if a ~= b then
    fail(string.format("%s: expected %s, got %s", msg or "eq", tostring(b), tostring(a)))
  end
end

function t.near(a, b, tol, msg)
  if type(a) ~= "number" or not (math.abs(a - b) <= tol) then
    fail(string.format("%s: expected %.17g +- %.3g, got %s", msg or "near", b, tol, tostring(a)))
  end
end

function t.truthy(v, msg)
  if not v then fail(msg or "expected a true value") end
end

-- fn must raise an error whose message matches the Lua pattern.
function t.raises(fn, pattern, msg)
  local ok, err = pcall(fn)
  if ok then fail((msg or "raises") .. ": no error raised (expected /" .. pattern .. "/)") end
  err = tostring(err)
  if not err:find(pattern) then
    fail(string.format("%s: error %q does not match /%s/", msg or "raises", err, pattern))
  end
  return err
end

local tmpdirs = {}
function t.tmpdir()
  local base = os.getenv("TMPDIR") or "/tmp"
  local dir = string.format("%s/gprior-test-%d-%d-%d", base, os.time(), math.random(1 << 30), #tmpdirs + 1)
  assert(os.execute("mkdir -p '" .. dir .. "'"))
  tmpdirs[#tmpdirs + 1] = dir
  return dir
end

function t.exists(path)
  local f = io.open(path, "rb")
  if f then f:close() return true end
  return false
end

-- Files in dir (one ls per call; names only).
function t.ls(dir)
  local names = {}
  local p = io.popen("ls -A '" .. dir .. "' 2>/dev/null")
  for line in p:lines() do names[#names + 1] = line end
  p:close()
  table.sort(names)
  return names
end

local function shell_quote(s)
  return "'" .. s:gsub("'", "'\\''") .. "'"
end

local files = {}
local p = io.popen("ls " .. shell_quote(here) .. "test_*.lua 2>/dev/null")
for line in p:lines() do files[#files + 1] = line end
p:close()
if #files == 0 then
  print("lua: no test files (test_*.lua) in " .. here)
  print("lua: 0 passed, 1 failed")
  os.exit(1)
end

local passed, failed = 0, 0
for _, file in ipairs(files) do
  local suite = assert(loadfile(file))()
  local names = {}
  for name in pairs(suite) do names[#names + 1] = name end
  table.sort(names)
  for _, name in ipairs(names) do
    if not filter or name:find(filter, 1, true) or file:find(filter, 1, true) then
      local ok, err = xpcall(suite[name], debug.traceback, t)
      if ok then
        passed = passed + 1
      else
        failed = failed + 1
        print(string.format("FAIL %s: %s\n  %s", file, name, err))
      end
    end
  end
end
for _, dir in ipairs(tmpdirs) do
  os.execute("chmod -R u+rwx '" .. dir .. "' 2>/dev/null; rm -rf '" .. dir .. "'")
end
if passed + failed == 0 then
  print("lua: no test matched " .. (filter and ("'" .. filter .. "'") or "in " .. #files .. " files"))
  failed = 1
end
print(string.format("lua: %d passed, %d failed", passed, failed))
if failed > 0 then os.exit(1) end
