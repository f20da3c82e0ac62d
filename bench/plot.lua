-- plot.lua: the figure of `make bench`, drawn with gprior's own figure API.
--
--   ./gprior run bench/plot.lua -- OUT.png "label|color|n1,n2,...|t1,t2,..." ...
--
-- One argument per method: its legend label, a colour (C0..C9 or #rrggbb),
-- the sizes n and the median seconds at those sizes. Draws time against n on
-- log-log axes, one line (with its points) per method. OUT should start with
-- ./ or be absolute, so that it is not put under --out. bench/run.py calls it.
local gp = require "gprior"

local function numbers(csv)
  local t = {}
  for v in csv:gmatch "[^,]+" do t[#t + 1] = assert(tonumber(v), "not a number: " .. v) end
  return t
end

-- The series, parsed; and the decades around all their n, so that the log
-- x axis has labelled ticks (gnuplot labels powers of 10 only).
local args, series, lo, hi = {...}, {}, math.huge, 0
for i = 2, #args do
  local label, color, ns, ts = args[i]:match "^([^|]+)|([^|]+)|([^|]+)|([^|]+)$"
  assert(label, "bad series: " .. args[i])
  series[#series + 1] = {label = label, color = color, n = numbers(ns), t = numbers(ts)}
  for _, n in ipairs(series[#series].n) do lo, hi = math.min(lo, n), math.max(hi, n) end
end
assert(#series > 0, "no series to draw")
local decade = function(v, round) return 10 ^ round(math.log(v, 10)) end

local fig = gp.figure{title = "5 draws on n points: median wall time (dense OU, smooth RBF)",
                      xlabel = "n (points)", ylabel = "seconds", logx = true, logy = true,
                      xrange = {decade(lo, math.floor), decade(hi, math.ceil)},
                      legend = "top left", size = {900, 650}}
for _, s in ipairs(series) do
  local label, color = s.label, s.color
  local x, y = gp.matrix(s.n), gp.matrix(s.t)
  local dash = label:match "floor" and "dashed" or nil
  fig:line(x, y, {title = label, color = color, width = 2, dash = dash})
     :points(x, y, {color = color, size = 1})
end
fig:save(args[1])
