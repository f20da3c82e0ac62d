-- gprior.recipes: figure recipes that several experiments share.
-- local recipes = require "gprior.recipes"
local gp = require "gprior"

local recipes = {}

-- The standard prior picture: the band mean +- k sd shaded, the mean as a thick
-- line, and n sample paths. Draws the samples with f:sample and prints what the
-- sampler did. Returns the figure (not yet saved), the samples and the info.
--   opts: n (samples, 5), k (band width in sd, 2), title, xlabel ("x"),
--         ylabel ("f(x)"), seed, and fig (a figure to draw into: a new panel)
function recipes.prior(f, x, opts)
  opts = opts or {}
  local S, info = f:sample(x, {n = opts.n or 5, seed = opts.seed})
  local mean, sd, k = f:mean(x), f:sd(x), opts.k or 2
  local labels = {title = opts.title or tostring(f), xlabel = opts.xlabel or "$x$",
                  ylabel = opts.ylabel or "$f(x)$"}
  local fig
  if opts.fig then
    fig = opts.fig:panel(labels)
  else
    fig = gp.figure(labels)
  end
  fig:band(x, mean, sd, k, {title = string.format("mean \u{B1} %g sd", k)}) -- (embedded: ASCII source)
     :lines(x, S)
     :line(x, mean, {title = "mean"})
  print(string.format("%s: %d samples at %d points; sampler: %s",
                      opts.title or "prior", S:cols(), S:rows(), tostring(info)))
  return fig, S, info
end

return recipes
