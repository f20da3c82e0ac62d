#!/bin/sh
# make install PREFIX=... puts the binary, the Lua module under the Lua C path
# and the man page in place; make uninstall removes them. Skipped for sanitizer
# builds (GPRIOR_MODULE unset: a stock lua5.4 cannot load those).
# Ends "install: N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"

if [ -z "${GPRIOR_MODULE:-}" ] || [ ! -f Makefile ]; then
    echo "skip: install test (sanitizer build, or not run from the source folder)"
    finish install
    exit $?
fi
p="$tmp/prefix with space"
make --no-print-directory -s install PREFIX="$p" > "$tmp/install.log" 2>&1
ok "make install succeeds" [ $? -eq 0 ]
ok "the binary" [ -x "$p/bin/gprior" ]
ok "the module under the Lua C path" [ -f "$p/lib/lua/5.4/gprior.so" ]
ok "the man page" [ -f "$p/share/man/man1/gprior.1" ]
check "the installed binary runs" 0 "^gprior [0-9]" -- "$p/bin/gprior" --version
check "lua5.4 finds the installed module" 0 "rbf\(amplitude=1" -- \
    lua5.4 -e "package.cpath='$p/lib/lua/5.4/?.so;'..package.cpath" -e 'print(require("gprior").rbf{})'
if command -v man > /dev/null 2>&1; then
    check "the man page renders" 0 "gprior batch" -- sh -c 'MANWIDTH=80 man -l "$1" 2>/dev/null | cat' sh "$p/share/man/man1/gprior.1"
fi
make --no-print-directory -s uninstall PREFIX="$p" > /dev/null 2>&1
ok "make uninstall removes all three" [ ! -e "$p/bin/gprior" ] && [ ! -e "$p/lib/lua/5.4/gprior.so" ] &&
    [ ! -e "$p/share/man/man1/gprior.1" ]
finish install
