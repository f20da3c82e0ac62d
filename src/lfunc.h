/* lfunc.h: deterministic functions shared by the kernel and process bindings. */
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

/* Record L as the thread on which core callbacks run Lua functions; call
 * before every core call that may evaluate a function. */
void lgp_enter_core(lua_State *L);

void lgp_open_func(lua_State *L);

#endif
