-- Lua-level tests of figures (gp.figure and its methods).
local gp = require "gprior"

local function files(t, dir)
  return table.concat(t.ls(dir), " ")
end

local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  return s
end

-- A figure with every kind of layer.
local function full_figure(title)
  local x = gp.linspace(-1, 1, 20)
  local Y = gp.randn(20, 3)
  local sd = gp.matrix(20, 1, 0.5)
  local fig = gp.figure{title = title, xlabel = "x", ylabel = "f(x)"}
  fig:band(x, gp.matrix(20, 1, 0), sd, 2, {title = "band"})
     :lines(x, Y, {title = "samples"})
     :line(x, gp.matrix(20, 1, 0), {title = "mean"})
     :panel{title = "more", legend = "bottom right"}
     :points(x, Y, nil)
  return fig
end

return {
  ["figure is chainable and tostring counts panels and layers"] = function(t)
    local fig = gp.figure{}
    t.eq(tostring(fig), "figure(0 panels, 0 layers)", "empty")
    local x = {1, 2, 3}
    t.eq(fig:lines(x, {1, 4, 9}), fig, "lines returns the figure")
    t.eq(tostring(fig), "figure(1 panel, 1 layer)", "one")
    fig:line(x, {0, 0, 0}):panel{title = "b"}:points(x, x):fill(x, {0, 0, 0}, {1, 1, 1})
    t.eq(tostring(fig), "figure(2 panels, 4 layers)", "two panels")
    t.eq(tostring(full_figure()), "figure(2 panels, 4 layers)", "full")
  end,

  ["lines length mismatch is an error naming both lengths"] = function(t)
    local fig = gp.figure{}
    t.raises(function() fig:lines(gp.linspace(0, 1, 50), gp.randn(40, 3)) end,
             "lines: Y has 40 rows but x has 50")
    t.raises(function() fig:line({1, 2, 3}, {1, 2}) end, "line: y has 2 rows but x has 3")
    t.raises(function() fig:band({1, 2}, {0, 0}, {1, 1, 1}) end, "band: sd has 3 values but x has 2")
    t.raises(function() fig:points({1, 2}, gp.randn(3, 2)) end, "points: y has 3 rows but x has 2")
    t.raises(function() fig:line({1, 2}, gp.randn(2, 2)) end, "line: y must be a vector")
    t.eq(tostring(fig), "figure(0 panels, 0 layers)", "nothing was added")
  end,

  ["non-finite data is an error naming the argument"] = function(t)
    local fig = gp.figure{}
    local Y = gp.randn(3, 2)
    Y = gp.matrix{{1, 2}, {3, 0 / 0}, {5, 6}}
    t.raises(function() fig:lines({1, 2, 3}, Y) end, "lines: Y%(2, 2%) is %-?nan")
    t.raises(function() fig:line({1, math.huge, 3}, {1, 2, 3}) end, "line: x%[2%] is inf")
    t.raises(function() fig:histogram({1, -math.huge}) end, "histogram: v%[2%] is %-inf")
  end,

  ["wrong argument types are argument errors"] = function(t)
    local fig = gp.figure{}
    t.raises(function() fig:lines("abc", {1}) end, "bad argument #1 to 'lines'")
    t.raises(function() fig:heatmap(true) end, "bad argument #1 to 'heatmap'")
    -- a number is a 1 x 1 matrix (the one coercion rule), too small for a heat map
    t.raises(function() fig:heatmap(42) end, "heatmap: Z must be at least 2 x 2, got 1 x 1")
    t.raises(function() fig:lines({1}, {1}, "red") end, "bad argument #3 to 'lines'")
    t.raises(function() fig.lines({}, {1}, {1}) end, "figure expected")
    t.raises(function() fig:save() end, "bad argument #1 to 'save'")
  end,

  ["unknown and mistyped options are errors"] = function(t)
    local fig = gp.figure{}
    t.raises(function() gp.figure{titel = "x"} end, "figure: unknown option 'titel'")
    t.raises(function() fig:lines({1, 2}, {1, 2}, {colour = "red"}) end,
             "lines: unknown option 'colour'")
    t.raises(function() fig:lines({1, 2}, {1, 2}, {title = 5}) end,
             "bad option 'title' %(string expected, got number%)")
    t.raises(function() fig:lines({1, 2}, {1, 2}, {width = "thick"}) end, "bad option 'width'")
    t.raises(function() gp.figure{logx = 1} end, "bad option 'logx' %(boolean expected")
    t.raises(function() gp.figure{xrange = {1}} end, "bad option 'xrange'")
    t.raises(function() gp.figure{xrange = {2, 1}} end, "xrange must be two finite numbers min < max")
    t.raises(function() gp.figure{size = {0, 10}} end, "size must be")
    t.raises(function() gp.figure{legend = "middle"} end, "unknown legend 'middle'")
    t.raises(function() fig:lines({1, 2}, {1, 2}, {color = "rouge"}) end, "unknown color 'rouge'")
    t.raises(function() fig:lines({1, 2}, {1, 2}, {dash = "wavy"}) end, "unknown dash 'wavy'")
    t.raises(function() fig:lines({1, 2}, {1, 2}, {dash = 9}) end, "dash must be 0")
    t.raises(function() fig:lines({1, 2}, {1, 2}, {alpha = 0}) end, "alpha must be in %(0, 1%]")
    t.raises(function() fig:histogram({1, 2}, {bins = 0}) end, "bins must be")
    t.raises(function() fig:heatmap(gp.randn(3, 3), {palette = "jet"}) end, "unknown palette 'jet'")
    t.raises(function() fig:heatmap(gp.randn(3, 3), {x = "a"}) end, "bad option 'x'")
    t.raises(function() fig:heatmap(gp.randn(3, 3), {x = {1, 2}}) end,
             "heatmap: x has 2 values but Z has 3 columns")
    t.raises(function() fig:band({1, 2}, {0, 0}, {-1, 1}) end, "band: sd%[1%] is negative")
  end,

  ["control characters in strings are rejected with the string named"] = function(t)
    local fig = gp.figure{}
    t.raises(function() gp.figure{title = "two\nlines"} end, "figure title contains a newline")
    t.raises(function() fig:panel{xlabel = "a\tb"} end, "xlabel contains a tab")
    t.raises(function() fig:lines({1, 2}, {1, 2}, {title = "x\0y"}) end, "zero byte")
    t.raises(function() fig:line({1, 2}, {1, 2}, {title = "bad \255"}) end, "not valid UTF%-8")
  end,

  ["colors, dashes and all layer kinds are accepted"] = function(t)
    local x = gp.linspace(0, 1, 10)
    local fig = gp.figure{legend = false, logy = true, enhanced = true, size = {640, 400}}
    fig:lines(x, gp.matrix(10, 2, 1), {color = "#1A2b3C", width = 2, dash = "dashed", alpha = 0.5})
       :line(x, gp.matrix(10, 1, 2), {color = "C3", dash = 2})
       :points(x, gp.matrix(10, 1, 3), {size = 1.5, color = "orange"})
       :panel{logy = false}
       :heatmap(gp.randn(4, 5), {x = gp.linspace(0, 1, 5), y = {10, 20, 30, 40}, palette = "rdbu"})
       :panel{}
       :histogram(gp.randn(200, 1), {bins = 12, density = false, color = "gray"})
    t.eq(tostring(fig), "figure(3 panels, 5 layers)", "count")
    local text = fig:preview(80, 24)
    t.truthy(#text >= 80 * 24, "preview size")
  end,

  ["save writes the image and a script beside it, nothing else"] = function(t)
    local dir = t.tmpdir()
    local fig = full_figure("saved")
    t.eq(fig:save(dir .. "/sub/rbf.png"), fig, "save returns the figure")
    t.eq(files(t, dir .. "/sub"), "rbf.png rbf.png.gp", "files")
    t.eq(read(dir .. "/sub/rbf.png"):sub(2, 4), "PNG", "png")
    local gp_text = read(dir .. "/sub/rbf.png.gp")
    t.truthy(gp_text:find("$d1 << EOD", 1, true), "datablock")
    t.truthy(gp_text:find("set terminal pngcairo", 1, true), "terminal")
    fig:save(dir .. "/sub/rbf.svg"):save(dir .. "/sub/t.txt"):save(dir .. "/sub/p.pdf")
    t.eq(files(t, dir .. "/sub"), "p.pdf p.pdf.gp rbf.png rbf.png.gp rbf.svg rbf.svg.gp t.txt t.txt.gp",
         "formats: one script per image")
    t.truthy(read(dir .. "/sub/rbf.png.gp"):find("set terminal pngcairo", 1, true), "png script renders png")
    t.truthy(read(dir .. "/sub/rbf.svg.gp"):find("set terminal svg", 1, true), "svg script renders svg")
    t.truthy(read(dir .. "/sub/t.txt"):find("saved", 1, true), "text rendering has the title")
  end,

  ["the saved script re-renders the image from another folder"] = function(t)
    local dir = t.tmpdir()
    full_figure("again"):save(dir .. "/again.png")
    local before = read(dir .. "/again.png")
    assert(os.remove(dir .. "/again.png"))
    t.truthy(os.execute("cd / && gnuplot '" .. dir .. "/again.png.gp' 2>/dev/null"), "gnuplot ran")
    t.eq(read(dir .. "/again.png"), before, "same image")
  end,

  ["save errors name the file and leave nothing behind"] = function(t)
    local fig = full_figure()
    t.raises(function() fig:save("/etc/passwd/x.png") end, "/etc/passwd.*not a folder")
    local dir = t.tmpdir()
    t.raises(function() fig:save(dir .. "/x.jpg") end,
             "x%.jpg': unsupported extension '%.jpg' %(use %.png, %.svg, %.pdf or %.txt%)")
    t.raises(function() fig:save(dir .. "/noext") end, "no extension")
    t.raises(function() gp.figure{}:save(dir .. "/empty.png") end, "nothing to draw")
    t.raises(function() fig:save("sub/x.gif") end, gp.outpath("sub/x.gif"):gsub("%p", "%%%0"))
    t.eq(files(t, dir), "", "nothing written")
  end,

  ["relative names go under the output folder"] = function(t)
    t.eq(gp.outpath("a.png"), gp.outdir() .. "/a.png", "outpath")
    t.raises(function() full_figure():save("deep/b.bmp") end, gp.outdir() .. "/deep/b.bmp")
  end,

  ["malicious titles are drawn, never run"] = function(t)
    local dir = t.tmpdir()
    local marker = dir .. "/pwned"
    local evil = {"`touch " .. marker .. "`", "system(\"touch " .. marker .. "\")",
                  "'; system(\"touch " .. marker .. "\"); '", "''`touch " .. marker .. "`''"}
    for _, enhanced in ipairs{false, true} do
      local fig = gp.figure{title = evil[1], xlabel = evil[2], ylabel = evil[3], enhanced = enhanced}
      fig:lines({1, 2}, {1, 2}, {title = evil[4]}):panel{title = evil[2]}:points({1, 2}, {2, 1})
      fig:save(dir .. "/evil'`x`.svg")
      fig:preview()
      t.truthy(read(dir .. "/evil'`x`.svg"):find("touch", 1, true), "drawn as text")
    end
    -- the same strings in maths, in a font name, a colour bar label, a shared legend
    local x, Z = gp.linspace(0, 1, 3), gp.matrix(3, 3, 1)
    local fig = gp.figure{title = "$" .. evil[1] .. "$", font = evil[3] .. ",12", legend = "shared",
                          xlabel = "$x_{" .. evil[2] .. "}$"}
    fig:lines(x, x, {title = "$\\text{" .. evil[4] .. "}$"}):panel{}:lines(x, x, {title = evil[1]})
       :panel{}:heatmap(x, x, Z, {smooth = true, colorbar = "$" .. evil[2] .. "$"})
       :contour(x, x, Z, {levels = {0.5}})
    for _, name in ipairs{"/maths.svg", "/maths.png", "/maths.txt"} do fig:save(dir .. name) end
    fig:preview()
    t.truthy(read(dir .. "/maths.svg"):find("touch", 1, true), "maths drawn as text")
    t.eq(t.exists(marker), false, "marker file")
  end,

  ["a log scale refuses values it cannot show"] = function(t)
    local dir = t.tmpdir()
    t.raises(function() gp.figure{logy = true}:lines({1, 2, 3}, {1, -2, 3}):save(dir .. "/l.png") end,
             "panel 1: lines has y = %-2, which a log scale cannot show")
    t.raises(function() gp.figure{}:line({1, 2}, {1, 2}):panel{logx = true}:points({0, 1}, {1, 2})
                                   :save(dir .. "/l.png") end, "panel 2: points has x = 0")
    gp.figure{logx = true, logy = true}:lines({1, 10, 100}, {1, 2, 3}):save(dir .. "/ok.png")
    t.eq(files(t, dir), "ok.png ok.png.gp", "only the good figure")
  end,

  ["layout limits the number of panels"] = function(t)
    local fig = gp.figure{layout = {1, 2}}
    fig:lines({1, 2}, {1, 2}):panel{}:lines({1, 2}, {1, 2})
    t.raises(function() fig:panel{} end, "room for 2 panels")
    t.raises(function() gp.figure{layout = {0, 2}} end, "layout must be")
  end,

  ["band takes k and options in either place"] = function(t)
    local x, m, s = {1, 2, 3}, {0, 0, 0}, {1, 1, 1}
    local fig = gp.figure{}
    fig:band(x, m, s):band(x, m, s, 1):band(x, m, s, {title = "2 sd"}):band(x, m, s, 3, {alpha = 0.2})
    t.eq(tostring(fig), "figure(1 panel, 4 layers)", "bands")
    t.raises(function() fig:band(x, m, s, -1) end, "k must be")
  end,
  ["every figure option is validated, with its real value in the message"] = function(t)
    local fig, x = gp.figure{}, {1, 2}
    local function lines(opts) return function() fig:lines(x, x, opts) end end
    t.raises(function() gp.figure{legend = "top left\0junk"} end,
             "figure: bad option 'legend' %(a string without zero bytes expected, got one with a zero byte at position 9%)")
    t.raises(lines{dash = "dashed\0"}, "lines: bad option 'dash' %(a string without zero bytes")
    t.raises(lines{dash = 2.5}, "lines: bad option 'dash' %(integer expected, got 2%.5%)")
    t.raises(lines{dash = 0 / 0}, "bad option 'dash' %(integer expected, got %-?nan%)")
    t.raises(lines{dash = 2^70}, "bad option 'dash' %(integer expected, got 1%.1805916207174e%+21%)")
    t.raises(lines{dash = 1 << 40}, "bad option 'dash' %(integer within %-2%^31%.%.2%^31%-1 expected, got 1099511627776%)")
    t.raises(lines{dash = 5}, "lines: dash must be 0 %(solid%) %.%. 4 %(dash%-dot%-dot%), got 5")
    t.raises(lines{dash = {}}, "bad option 'dash' %(string expected, got table%)")
    t.raises(lines{alpha = 0 / 0}, "lines: bad option 'alpha' %(finite number expected, got %-?nan%)")
    t.raises(lines{width = math.huge}, "bad option 'width' %(finite number expected, got inf%)")
    t.raises(function() gp.figure{size = {800.5, 600}} end, "figure: bad option 'size' %(integer expected, got 800%.5%)")
    t.raises(function() gp.figure{size = {1e10, 600}} end, "bad option 'size' %(integer within")
    t.raises(function() gp.figure{xrange = {0, 0 / 0}} end, "bad option 'xrange' %(finite number expected, got %-?nan%)")
    t.raises(function() gp.figure{xrange = 5} end, "bad option 'xrange' %(a list of numbers expected, got number%)")
    t.raises(function() fig:heatmap(gp.randn(3, 3), {palette = "gray\0"}) end, "zero byte")
    t.raises(function() gp.figure{legend = 3} end, "bad option 'legend' %(string expected, got number%)")
    t.raises(function() fig:histogram({1, 2}, {bins = -1}) end, "histogram: bins must be >= 1, got %-1")
    t.raises(function() fig:histogram({1, 2}, {bins = 2.5}) end, "bad option 'bins' %(integer expected, got 2%.5%)")
    -- names and numbers that are right still work
    fig:lines(x, x, {dash = "dotted"}):lines(x, x, {dash = 3}):lines(x, x, {alpha = 0.5})
    t.eq(tostring(gp.figure{legend = "bottom right", size = {640, 480}}), "figure(0 panels, 0 layers)", "ok")
  end,

  ["themes, fonts, shared axes and aspect: every option checked with its value"] = function(t)
    t.raises(function() gp.figure{theme = "poster"} end,
             "figure: unknown theme 'poster' %(option 'theme' must be one of 'notebook', 'paper', 'slides'%)")
    t.raises(function() gp.figure{theme = 1} end, "bad option 'theme' %(string expected, got number%)")
    t.raises(function() gp.figure{fontscale = 0} end, "fontscale must be a number in %(0, 10%], got 0")
    t.raises(function() gp.figure{fontscale = 12.5} end, "got 12%.5")
    t.raises(function() gp.figure{fontscale = "big"} end, "bad option 'fontscale' %(number expected, got string%)")
    t.raises(function() gp.figure{font = "Sans,huge"} end,
             "font must be \"Name,size\" with a size in points 1%.%.200, got 'Sans,huge'")
    t.raises(function() gp.figure{font = ",0.5"} end, "got ',0%.5'")
    t.raises(function() gp.figure{sharex = "diagonal"} end,
             "unknown sharex 'diagonal' %(option 'sharex' must be one of 'none', 'all', 'row', 'col'%)")
    t.raises(function() gp.figure{sharey = 1} end, "bad option 'sharey' %(string expected, got number%)")
    t.raises(function() gp.figure{aspect = -2} end, "aspect must be a ratio height / width in %(0, 100%], \"equal\" or \"free\", got %-2")
    t.raises(function() gp.figure{aspect = 1e9} end, "got 1e%+09")
    t.raises(function() gp.figure{aspect = "square"} end, "unknown aspect 'square'")
    t.raises(function() gp.figure{}:panel{legend = "shared"} end, "legend 'shared' is a figure option")
    t.raises(function() gp.figure{title = "$\\alph$"} end,
             "figure title: unknown command '\\alph' %(see the README's list%) in the maths of '%$\\alph%$'")
    t.raises(function() gp.figure{}:lines({1, 2}, {1, 2}, {title = "${x$"}) end,
             "lines: title: a { without its } in the maths")
    -- the same values, right, work
    local x = {1, 2, 3}
    local fig = gp.figure{theme = "slides", font = "DejaVu Sans,18", fontscale = 1.2, sharex = true,
                          sharey = "row", aspect = "equal", legend = "shared",
                          title = "$σ^2$ and ± and $k_{J}$"}
    fig:lines(x, x, {title = "a"}):panel{aspect = 0.5, zlabel = "z"}:lines(x, x, {title = "a"})
    t.eq(tostring(fig), "figure(2 panels, 2 layers)", "built")
    t.truthy(#fig:preview(60) > 0, "preview")
  end,

  ["grid layers: heatmap, contour and surface options checked with their values"] = function(t)
    local xs, ys = gp.linspace(0, 1, 4), gp.linspace(0, 2, 3)
    local Z = gp.matrix(3, 4, 1)
    local fig = gp.figure{}
    t.raises(function() fig:heatmap(xs, ys, Z, {smooth = 1}) end,
             "heatmap: bad option 'smooth' %(boolean expected, got number%)")
    t.raises(function() fig:heatmap(xs, ys, Z, {colorbar = 5}) end,
             "heatmap: bad option 'colorbar' %(boolean or string %(its label%) expected, got number%)")
    t.raises(function() fig:contour(xs, ys, Z, {levels = 0}) end, "contour: levels must be a count 1%.%.100, got 0")
    t.raises(function() fig:contour(xs, ys, Z, {levels = 2.5}) end, "bad option 'levels' %(integer expected, got 2%.5%)")
    t.raises(function() fig:contour(xs, ys, Z, {levels = {1, 0.5}}) end,
             "contour: levels must be increasing, got 0%.5 after 1")
    t.raises(function() fig:contour(xs, ys, Z, {levels = {}}) end,
             "bad option 'levels' %(a list of 1 to 100 numbers expected, got a table of 0 values%)")
    t.raises(function() fig:contour(xs, ys, Z, {width = 0}) end, "contour: width must be a number in %(0, 100%], got 0")
    t.raises(function() fig:contour(xs, ys, Z, {color = "mauve"}) end, "unknown color 'mauve'")
    t.raises(function() fig:surface(xs, ys, Z, {view = {60}}) end, "bad option 'view' %(a list of 2 numbers expected")
    t.raises(function() fig:surface(xs, ys, Z, {view = {60, 400}}) end,
             "surface: view must be {rotation about x in 0%.%.180, about z in 0%.%.360}, got {60, 400}")
    t.raises(function() fig:surface(xs, ys, Z, {palette = "jet"}) end, "unknown palette 'jet'")
    t.raises(function() fig:contour(xs, ys, gp.matrix(4, 3)) end,
             "contour: Z is 4 x 3 but x has 4 values and y 3: Z must be ny x nx %(3 x 4%), or the 12 values of gp%.grid%(x, y%) in its order %(Z looks transposed")
    t.eq(tostring(fig), "figure(0 panels, 0 layers)", "nothing added")
    fig:heatmap(xs, ys, Z, {smooth = true, colorbar = "$k(x, x')$"})
       :contour(xs, ys, Z, {levels = {0.5, 1}, labels = false, color = "white", width = 2})
       :panel{}:surface(xs, ys, Z, {view = {30, 120}, colorbar = false})
    t.raises(function() fig:lines(xs, xs) end, "lines: panel 2 holds a surface")
    t.eq(tostring(fig), "figure(2 panels, 3 layers)", "grid layers")
  end,

  ["a sample on gp.grid is drawn as its image without reshaping"] = function(t)
    local dir = t.tmpdir()
    local xs, ys = gp.linspace(0, 1, 5), gp.linspace(0, 2, 4)
    local S = gp.randn(20, 1)
    local P = gp.grid(xs, ys)
    local Z = gp.matrix(4, 5)  -- the documented orientation: Z(i, j) at (x_j, y_i)
    for r = 1, 20 do
      local j, i = (r - 1) % 5 + 1, (r - 1) // 5 + 1
      t.eq(P:get(r, 1), xs[j], "x of point " .. r)
      t.eq(P:get(r, 2), ys[i], "y of point " .. r)
      Z:set(i, j, S[r])
    end
    gp.figure{}:heatmap(xs, ys, S):save(dir .. "/a.png")
    gp.figure{}:heatmap(xs, ys, Z):save(dir .. "/b.png")
    gp.figure{}:heatmap(Z, {x = xs, y = ys}):save(dir .. "/c.png")
    local a = read(dir .. "/a.png.gp"):gsub("'[abc]%.png'", "")
    t.eq(read(dir .. "/b.png.gp"):gsub("'[abc]%.png'", ""), a, "the vector and the matrix")
    t.eq(read(dir .. "/c.png.gp"):gsub("'[abc]%.png'", ""), a, "both calling forms")
  end,
}
