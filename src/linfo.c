/* linfo.c: the Lua type of sampling reports, gprior.sample_info. */
#include <stdio.h>
#include <string.h>

#include "linfo.h"

#define LGP_SAMPLE_INFO "gprior.sample_info"

static void set_number(lua_State *L, const char *key, double v)
{
    lua_pushnumber(L, v);
    lua_setfield(L, -2, key);
}

static void set_integer(lua_State *L, const char *key, size_t v)
{
    lua_pushinteger(L, (lua_Integer)v);
    lua_setfield(L, -2, key);
}

static void set_string(lua_State *L, const char *key, const char *v)
{
    lua_pushstring(L, v);
    lua_setfield(L, -2, key);
}

void lgp_push_factor_info(lua_State *L, const gp_factor *F)
{
    lua_createtable(L, 0, 5);
    set_string(L, "method", gp_factor_method_name(F->method));
    set_number(L, "jitter", F->jitter);
    set_integer(L, "rank", F->rank);
    set_integer(L, "n", F->n);
    set_number(L, "residual", F->residual);
    luaL_setmetatable(L, LGP_SAMPLE_INFO);
}

void lgp_push_joint_info(lua_State *L, const gp_factor *parts, size_t n)
{
    if (n == 1) {
        lgp_push_factor_info(L, &parts[0]);
        return;
    }
    lua_createtable(L, 0, 2);
    set_string(L, "method", "joint");
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lgp_push_factor_info(L, &parts[i]);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "parts");
    luaL_setmetatable(L, LGP_SAMPLE_INFO);
}

void lgp_push_grid_info(lua_State *L, const gp_grid_info *g)
{
    lua_createtable(L, 0, 12);
    set_string(L, "method", gp_grid_method_name(g->method));
    set_integer(L, "n", g->n);
    set_integer(L, "embedding", g->m);
    set_integer(L, "paddings", g->paddings);
    set_number(L, "clipped", g->clipped);
    set_number(L, "lambda_min", g->lambda_min);
    set_number(L, "lambda_max", g->lambda_max);
    set_number(L, "tol", g->tol);
    if (g->reason[0])
        set_string(L, "reason", g->reason);
    if (g->method == GP_GRID_DENSE) {
        set_string(L, "factor", gp_factor_method_name(g->dense.method));
        set_integer(L, "rank", g->dense.rank);
        set_number(L, "jitter", g->dense.jitter);
    }
    luaL_setmetatable(L, LGP_SAMPLE_INFO);
}

void lgp_push_rff_info(lua_State *L, const gp_rff_info *r)
{
    lua_createtable(L, 0, 5);
    set_string(L, "method", GP_RFF_METHOD);
    set_integer(L, "features", r->features);
    set_string(L, "family", gp_spectral_family_name(r->family));
    set_integer(L, "dim", r->dim);
    set_number(L, "variance", r->variance);
    luaL_setmetatable(L, LGP_SAMPLE_INFO);
}

/* "joint draw of 2 independent processes: cholesky, rank 5 of 5, jitter 0; ...". */
static void joint_text(lua_State *L)
{
    luaL_Buffer b;
    lua_Integer n = luaL_len(L, 2);
    luaL_buffinit(L, &b);
    lua_pushfstring(L, "joint draw of %I independent processes: ", n);
    luaL_addvalue(&b);
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, 2, i);
        luaL_tolstring(L, -1, NULL);
        lua_remove(L, -2);
        luaL_addvalue(&b);
        if (i < n)
            luaL_addstring(&b, "; ");
    }
    luaL_pushresult(&b);
}

/* The text for each method:
 *   "pivoted-cholesky, rank 2 of 50, jitter 0"
 *   "circulant embedding, m = 2048 (0 paddings), clipped 0"
 *   "dense (cholesky, rank 50 of 50): <reason>"
 *   "random-fourier-features (approximate): 2000 features per sample, ou spectral density" */
static int info_tostring(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 1);
    if (lua_getfield(L, 1, "parts") == LUA_TTABLE) {
        joint_text(L);
        return 1;
    }
    lua_getfield(L, 1, "method");
    const char *method = luaL_optstring(L, -1, "?");
    if (strcmp(method, "circulant") == 0) {
        lua_getfield(L, 1, "embedding");
        lua_getfield(L, 1, "paddings");
        lua_getfield(L, 1, "clipped");
        lua_pushfstring(L, "circulant embedding, m = %I (%I paddings), clipped %f",
                        lua_tointeger(L, -3), lua_tointeger(L, -2), lua_tonumber(L, -1));
    } else if (strcmp(method, "dense") == 0) {
        lua_getfield(L, 1, "factor");
        lua_getfield(L, 1, "rank");
        lua_getfield(L, 1, "n");
        lua_getfield(L, 1, "reason");
        lua_pushfstring(L, "dense (%s, rank %I of %I): %s", luaL_optstring(L, -4, "?"),
                        lua_tointeger(L, -3), lua_tointeger(L, -2), luaL_optstring(L, -1, ""));
    } else if (strcmp(method, GP_RFF_METHOD) == 0) {
        lua_getfield(L, 1, "features");
        lua_getfield(L, 1, "family");
        lua_pushfstring(L, "%s: %I features per sample, %s spectral density", method,
                        lua_tointeger(L, -2), luaL_optstring(L, -1, "?"));
    } else {
        lua_getfield(L, 1, "rank");
        lua_getfield(L, 1, "n");
        lua_getfield(L, 1, "jitter");
        char jitter[32];
        snprintf(jitter, sizeof jitter, "%g", lua_tonumber(L, -1));
        lua_pushfstring(L, "%s, rank %I of %I, jitter %s", method, lua_tointeger(L, -3),
                        lua_tointeger(L, -2), jitter);
    }
    return 1;
}

void lgp_open_sample_info(lua_State *L)
{
    luaL_newmetatable(L, LGP_SAMPLE_INFO);
    lua_pushcfunction(L, info_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pop(L, 1);
}
