/* lband.c: bands as arguments. f:band returns two matrices that remember
 * they are the bounds of one band (a small table of type gprior.band is their
 * origin), so that fig:band can take them, a process, or a mean and an sd,
 * and refuse a bound where a mean or an sd is expected. */
#include <string.h>

#include "lgprior.h"

#define LGP_BAND "gprior.band"

void lgp_mark_band(lua_State *L, int lower, int upper)
{
    lower = lua_absindex(L, lower);
    upper = lua_absindex(L, upper);
    luaL_checkstack(L, 3, "too many values on the Lua stack");
    luaL_newmetatable(L, LGP_BAND); /* once; sets __name */
    lua_pop(L, 1);
    lua_createtable(L, 0, 2);
    lua_pushvalue(L, lower);
    lua_setfield(L, -2, "lower");
    lua_pushvalue(L, upper);
    lua_setfield(L, -2, "upper");
    luaL_setmetatable(L, LGP_BAND);
    lua_pushvalue(L, -1);
    lgp_matrix_setorigin(L, lower);
    lgp_matrix_setorigin(L, upper);
}

/* Which bound of a band the value at idx is: 'l', 'u', or 0 (none); when
 * one, its band table is pushed. */
static int bound_of(lua_State *L, int idx)
{
    if (!lgp_testmatrix(L, idx))
        return 0;
    lgp_matrix_origin(L, idx);
    if (!lgp_istable_of(L, -1, LGP_BAND)) {
        lua_pop(L, 1);
        return 0;
    }
    lua_getfield(L, -1, "lower");
    int which = lua_rawequal(L, -1, idx) ? 'l' : 'u';
    lua_pop(L, 1);
    return which;
}

/* 1 if the value at idx is a process or model: a non-matrix userdata whose
 * methods include mean and sd. */
static int is_model(lua_State *L, int idx)
{
    if (lua_type(L, idx) != LUA_TUSERDATA || lgp_testmatrix(L, idx))
        return 0;
    int t = luaL_getmetafield(L, idx, "__index");
    if (t != LUA_TTABLE) {
        if (t != LUA_TNIL)
            lua_pop(L, 1);
        return 0;
    }
    lua_pushliteral(L, "mean"); /* raw: a missing method must not raise here */
    int mean = lua_rawget(L, -2) == LUA_TFUNCTION;
    lua_pushliteral(L, "sd");
    int sd = lua_rawget(L, -3) == LUA_TFUNCTION;
    lua_pop(L, 3);
    return mean && sd;
}

/* Push model:method(x) (model at idx, x at xarg) and return it as a matrix. */
static gp_matrix *call_moment(lua_State *L, int idx, int xarg, const char *method)
{
    luaL_getmetafield(L, idx, "__index");
    lua_pushstring(L, method);
    lua_rawget(L, -2);
    lua_remove(L, -2);
    lua_pushvalue(L, idx);
    lua_pushvalue(L, xarg);
    lua_call(L, 2, 1);
    return lgp_checkmatrix(L, -1);
}

/* The optional k at idx: a number, or a nil with options after it; returns
 * the index of the options. */
static int optional_k(lua_State *L, int idx, double *k)
{
    if (lua_type(L, idx) == LUA_TNUMBER) {
        *k = lua_tonumber(L, idx);
        return idx + 1;
    }
    return lua_isnil(L, idx) && !lua_isnone(L, idx + 1) ? idx + 1 : idx;
}

int lgp_checkband(lua_State *L, int arg, int xarg, lgp_band *b)
{
    arg = lua_absindex(L, arg);
    xarg = lua_absindex(L, xarg);
    memset(b, 0, sizeof *b);
    b->k = 2.0;
    luaL_checkstack(L, 6, "too many values on the Lua stack");
    if (is_model(L, arg)) { /* fig:band(x, f [, k]) */
        int next = optional_k(L, arg + 1, &b->k);
        if (lua_gettop(L) < next)
            lua_settop(L, next); /* the options slot stays below the moments pushed */
        b->mean = call_moment(L, arg, xarg, "mean");
        b->sd = call_moment(L, arg, xarg, "sd");
        return next;
    }
    int first = bound_of(L, arg);
    if (first == 'l') { /* fig:band(x, f:band(x)): the band table is on top */
        lua_getfield(L, -1, "upper");
        int paired = lua_rawequal(L, -1, arg + 1);
        lua_pop(L, 2);
        if (paired) {
            b->lower = lgp_testmatrix(L, arg);
            b->upper = lgp_testmatrix(L, arg + 1);
            return arg + 2;
        }
    } else if (first) {
        lua_pop(L, 1);
    }
    if (first || bound_of(L, arg + 1))
        lgp_error(L, "%s: %s: draw a band with fig:band(x, f:band(x)), fig:band(x, f [, k]) or "
                     "fig:band(x, mean, sd [, k]), and the area between two curves with "
                     "fig:fill(x, lower, upper)",
                  lgp_fname(L),
                  first == 'u' ? "the upper bound of f:band given first"
                  : first     ? "a lower bound of f:band given as the mean (its own upper bound "
                                "does not follow it)"
                              : "a bound of f:band given as the sd");
    b->mean = lgp_checkmatrix(L, arg);
    b->sd = lgp_checkmatrix(L, arg + 1);
    return optional_k(L, arg + 2, &b->k);
}
