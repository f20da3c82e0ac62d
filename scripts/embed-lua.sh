#!/bin/sh
# Turn lua/gprior/*.lua into a C table of {module name, chunk name, source} for
# package.preload, so the library parts written in Lua travel inside the binary.
# Each source is a NUL-terminated char array (a compound literal of byte values),
# not a string literal: ISO C caps string literals at 4095 characters.
# Usage: scripts/embed-lua.sh lua/gprior/a.lua ... > build/lualib.inc
set -eu
for f in "$@"; do
    name="gprior.$(basename "$f" .lua)"
    printf '{"%s", "@%s", (const char[]){\n' "$name" "$f"
    # bytes above 127 (UTF-8 text) are cast: char may be signed
    od -An -v -tu1 "$f" | awk '{ for (i = 1; i <= NF; i++) printf($i > 127 ? "(char)%s," : "%s,", $i); print "" }'
    printf '0}},\n'
done
