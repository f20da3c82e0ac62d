#!/bin/sh
# Turn lua/gprior/*.lua into a C table of {module name, source} for
# package.preload, so the library parts written in Lua travel inside the binary.
# Usage: scripts/embed-lua.sh lua/gprior/a.lua ... > build/lualib.inc
set -eu
for f in "$@"; do
    name="gprior.$(basename "$f" .lua)"
    printf '{"%s", "@%s",\n' "$name" "$f"
    sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$/\\n"/' "$f"
    printf '},\n'
done
