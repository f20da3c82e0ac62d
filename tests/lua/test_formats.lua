-- The binding code formats no message with a specifier Lua does not know:
-- lua_pushfstring and luaL_error take only %% %s %d %I %f %p %c %U, and any
-- other (%zu, %g, %x, %lld, %.3f) prints "invalid option '%z' to
-- 'lua_pushfstring'" instead of the message. Every format given to them in
-- src/l*.c is a literal and uses only those; printf formats go through
-- lgp_error / lgp_argerror, which the compiler checks.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local src = here .. "../../src/"

local function binding_files()
  local files = {}
  local p = io.popen("ls '" .. src .. "'l*.c 2>/dev/null")
  for line in p:lines() do files[#files + 1] = line end
  p:close()
  return files
end

-- Every call of fn in text: the line number and its format (the adjacent
-- string literals after the first argument), or nil when it is not a literal.
local function formats(text, fn)
  local found = {}
  for start, args in text:gmatch("()" .. fn .. "%s*(%b())") do
    local line = select(2, text:sub(1, start):gsub("\n", "")) + 1
    local rest = args:match("^%(%s*[%w_>%-%.]+%s*,%s*(.*)%)$")
    local fmt
    if rest and rest:sub(1, 1) == '"' then
      local s = rest -- adjacent literals: "a" "b", across lines
      fmt = ""
      while true do
        local lit, after = s:match('^%s*"(.-)"(.*)$')
        while lit and lit:sub(-1) == "\\" and not lit:match("\\\\$") do -- an escaped quote
          local more, after2 = after:match('^(.-)"(.*)$')
          lit, after = lit .. '"' .. more, after2
        end
        if not lit then break end
        fmt, s = fmt .. lit, after
      end
    end
    found[#found + 1] = {line = line, fmt = fmt}
  end
  return found
end

local allowed = {["%"] = true, s = true, d = true, I = true, f = true, p = true, c = true, U = true}

return {
  ["binding messages use only the formats lua_pushfstring knows"] = function(t)
    local files = binding_files()
    t.truthy(#files >= 8, "found the binding sources in " .. src)
    local bad, calls = {}, 0
    for _, file in ipairs(files) do
      local f = assert(io.open(file))
      local text = f:read("a")
      f:close()
      for _, fn in ipairs{"luaL_error", "lua_pushfstring"} do
        for _, call in ipairs(formats(text, fn)) do
          calls = calls + 1
          if not call.fmt then
            bad[#bad + 1] = string.format("%s:%d: %s with a format that is not a literal", file, call.line, fn)
          else
            for spec in call.fmt:gmatch("%%(.)") do
              if not allowed[spec] then
                bad[#bad + 1] = string.format("%s:%d: %s format \"%s\" has %%%s", file, call.line, fn, call.fmt, spec)
              end
            end
          end
        end
      end
    end
    t.truthy(calls > 10, "scanned " .. calls .. " calls")
    t.truthy(#bad == 0, table.concat(bad, "\n"))
  end,
}
