-- Data in and out (issue 10 part 2): gp.read_tsv / gp.read_csv,
-- m:write_tsv / m:write_csv with headers, gp.outpath creating --out.
local gp = require "gprior"

local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

local function write(path, text)
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
  return path
end

return {
  ["read a CSV with a header, as a user's data file"] = function(t)
    local dir = t.tmpdir()
    local M = gp.read_csv(write(dir .. "/d.csv", "x,y\n0,1.5\n2,-3\n"))
    t.eq(M:rows(), 2, "rows"); t.eq(M:cols(), 2, "cols"); t.eq(M:get(2, 2), -3, "value")
    t.eq(table.concat(M:names(), "|"), "x|y", "names")
    t.eq(gp.read_tsv(write(dir .. "/d.tsv", "1\t2\n3\t4\n")):names(), nil, "no header: no names")
    local H = gp.read_tsv(dir .. "/d.tsv", {header = true})
    t.eq(H:rows(), 1, "forced header"); t.eq(H:names()[2], "2", "its names")
    t.raises(function() gp.read_csv(write(dir .. "/bad.csv", "x,y\n1,2\n3,oops\n")) end,
             "read_csv: .*/bad%.csv:3: field 2 %(\"oops\"%) is not a number")
    t.raises(function() gp.read_csv(dir .. "/none.csv") end, "read_csv: cannot open .*none%.csv: No such file")
    t.raises(function() gp.read_csv(dir .. "/d.csv", {headers = true}) end, "read_csv: unknown option 'headers'")
  end,
  ["write x beside the draws with a header, and read it back exactly"] = function(t)
    local dir = t.tmpdir()
    local x = gp.linspace(0, 1, 3)
    local S = gp.matrix{{0.1, 1 / 3}, {2, -4}, {1e-300, 5}}
    gp.cat(x, S):write_csv(dir .. "/draws.csv", {header = {"x", "f1", "f2"}})
    t.eq(read(dir .. "/draws.csv"),
         "x,f1,f2\n0,0.10000000000000001,0.33333333333333331\n0.5,2,-4\n1,1e-300,5\n",
         "the file")
    local back = gp.read_csv(dir .. "/draws.csv")
    t.eq(back:get(1, 3), 1 / 3, "exact round trip"); t.eq(back:get(3, 2), 1e-300, "tiny values too")
    back:write_tsv(dir .. "/again.tsv")
    t.eq(read(dir .. "/again.tsv"):match("^[^\n]*"), "x\tf1\tf2", "the names carry over")
    back:write_tsv(dir .. "/plain.tsv", {header = false})
    t.eq(read(dir .. "/plain.tsv"):match("^[^\n]*"), "0\t0.10000000000000001\t0.33333333333333331", "header = false")
  end,
  ["writes are checked, and refused writes leave nothing"] = function(t)
    local dir = t.tmpdir()
    local m = gp.matrix{{1, 2}}
    t.raises(function() m:write_csv(dir .. "/h.csv", {header = {"a"}}) end,
             "write_csv: the header has 1 names but the matrix has 2 columns")
    t.raises(function() m:write_tsv(dir .. "/h.tsv", {header = {"a", "b\tc"}}) end, "header name 2 contains a tab")
    t.raises(function() m:write_csv(dir .. "/h.csv", {header = {"a", 2}}) end, "header name 2 is a number, not a string")
    t.raises(function() m:write_csv(dir .. "/h.csv", {header = true}) end, "a list of column names or false expected")
    t.raises(function() gp.matrix{1, 0 / 0}:write_csv(dir .. "/nan.csv") end, "write_csv: m%[2%] is %-?nan")
    t.raises(function() m:write_csv("/proc/version/x.csv") end, "cannot")
    t.eq(#t.ls(dir), 0, "nothing written, no temporary left")
  end,
  ["gp.outpath resolves under --out and creates the folder"] = function(t)
    local dir = t.tmpdir()
    local path = gp.outpath(dir .. "/new/sub/notes.txt")   -- absolute: kept, its folder made
    t.eq(path, dir .. "/new/sub/notes.txt", "absolute kept")
    local f = assert(io.open(path, "w")); f:write("ok"); f:close()
    t.eq(read(path), "ok", "the folder exists")   -- relative names: tests/cli/test_data.sh
  end,
}
