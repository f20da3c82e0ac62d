/* host_repl.c: the interactive prompt, as lua.c's doREPL: GNU readline for line
 * editing and history (kept in ~/.gprior_history), a line is first tried as an
 * expression ("return LINE") whose values are printed with tostring, and an
 * incomplete statement asks for more lines (">> "). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <readline/history.h>
#include <readline/readline.h>

#include "host.h"

#define HISTORY_FILE ".gprior_history"
#define HISTORY_LINES 1000
#define EOF_MARK "<eof>"

static char *history_path(void)
{
    const char *home = getenv("HOME");
    if (!home || !*home)
        return NULL;
    size_t n = strlen(home) + sizeof HISTORY_FILE + 1;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", home, HISTORY_FILE);
    return p;
}

/* Read a line with the prompt and push it (without its newline); 0 at the end of input. */
static int push_line(lua_State *L, int first)
{
    char *line = readline(first ? "> " : ">> ");
    if (!line)
        return 0;
    lua_pushstring(L, line);
    free(line);
    return 1;
}

/* The line on top as an expression: "return LINE"; leaves the chunk or the
 * line (on failure) on top. */
static int add_return(lua_State *L)
{
    const char *line = lua_tostring(L, -1);
    const char *code = lua_pushfstring(L, "return %s;", line);
    int status = luaL_loadbuffer(L, code, strlen(code), "=stdin");
    if (status == LUA_OK) {
        lua_remove(L, -2); /* the modified code */
        if (line[0])
            add_history(line);
    } else {
        lua_pop(L, 2);
    }
    return status;
}

static int incomplete(lua_State *L, int status)
{
    size_t lmsg;
    const char *msg = lua_tolstring(L, -1, &lmsg);
    size_t lmark = sizeof EOF_MARK - 1;
    if (status == LUA_ERRSYNTAX && lmsg >= lmark && strcmp(msg + lmsg - lmark, EOF_MARK) == 0) {
        lua_pop(L, 1);
        return 1;
    }
    return 0;
}

/* The line on top as a statement, reading more lines while it is incomplete. */
static int multiline(lua_State *L)
{
    for (;;) {
        size_t len;
        const char *line = lua_tolstring(L, 1, &len);
        int status = luaL_loadbuffer(L, line, len, "=stdin");
        if (!incomplete(L, status) || !push_line(L, 0)) {
            if (line[0])
                add_history(line);
            return status;
        }
        lua_pushliteral(L, "\n");
        lua_insert(L, -2);
        lua_concat(L, 3);
    }
}

/* Read a statement or expression and compile it; -1 at the end of input. */
static int load_line(lua_State *L)
{
    lua_settop(L, 0);
    if (!push_line(L, 1))
        return -1;
    int status = add_return(L);
    if (status != LUA_OK)
        status = multiline(L);
    lua_remove(L, 1); /* the line */
    return status;
}

static void print_results(lua_State *L)
{
    int n = lua_gettop(L);
    if (n == 0)
        return;
    luaL_checkstack(L, LUA_MINSTACK, "too many results to print");
    lua_getglobal(L, "print");
    lua_insert(L, 1);
    if (lua_pcall(L, n, 0, 0) != LUA_OK)
        host_report(L);
}

void host_repl(lua_State *L, host_docall docall)
{
    char *hist = history_path();
    using_history();
    stifle_history(HISTORY_LINES);
    if (hist)
        read_history(hist);
    rl_readline_name = "gprior";
    int status;
    while ((status = load_line(L)) != -1) {
        if (status == LUA_OK)
            status = docall(L, 0, LUA_MULTRET);
        if (status == LUA_OK)
            print_results(L);
        else
            host_report(L);
    }
    lua_settop(L, 0);
    fputc('\n', stdout);
    fflush(stdout);
    if (hist)
        write_history(hist);
    free(hist);
}
