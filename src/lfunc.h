/* lfunc.h: deterministic functions (gp.poly, Lua functions) as gp_funcs, and
 * the thread that core callbacks run Lua functions on. */
#ifndef LFUNC_H
#define LFUNC_H

#include "gp_func.h"
#include "lgprior.h"

/* The gp_func for the value at arg: a gp.poly, a number (constant) or a Lua
 * function (wrapped; the wrapper replaces the value on the stack and keeps
 * the gp_func alive as long as that slot does). what names it in errors. */
gp_func *lgp_tofunc(lua_State *L, int arg, const char *what);

/* 1 if the value at arg is a Lua function or a gp.poly. */
int lgp_isfunc(lua_State *L, int arg);

/* Every core call that may call a Lua function back (means, warps) is
 * bracketed so:
 *     lua_State *saved = lgp_enter_core(L);
 *     gp_code rc = gp_...(..., &err);
 *     lgp_leave_core(saved);
 *     if (rc) return lgp_raise(L, &err);
 * Callbacks run on L, the thread of the binding call; enter returns the
 * thread in use before, and leave restores it. Nested entries (a callback
 * that calls gprior, in a coroutine or not) therefore never leave a thread
 * behind that may be collected, and the callback also restores the thread it
 * ran on when it returns. Raise nothing between enter and leave. */
lua_State *lgp_enter_core(lua_State *L);
void lgp_leave_core(lua_State *saved);

void lgp_open_func(lua_State *L);

#endif
