/* lfunc.c: deterministic functions a(x) for Lua: gp.poly{c0, c1, ...} built in,
 * and plain Lua functions wrapped as external gp_funcs whose callback calls
 * back into Lua under lua_pcall (so a Lua error never unwinds through the core). */
#include <stdlib.h>
#include <string.h>

#include "lfunc.h"

#define LGP_FUNC "gprior.func"

/* The state that core callbacks run Lua code on: the running thread of the
 * binding call that entered the core (set by lgp_enter_core). */
static _Thread_local lua_State *running_state;

void lgp_enter_core(lua_State *L)
{
    running_state = L;
}

typedef struct lua_callback {
    lua_State *main; /* owner of the registry reference */
    int ref;
} lua_callback;

/* a(x_1, ..., x_d) in Lua; must return a finite number. */
static gp_code call_lua(void *ctx, const double *x, size_t d, double *out, gp_error *err)
{
    lua_callback *cb = ctx;
    lua_State *L = running_state ? running_state : cb->main;
    if (!lua_checkstack(L, (int)d + 3))
        return gp_error_set(err, GP_ERR_CALLBACK, "function: Lua stack overflow");
    lua_rawgeti(L, LUA_REGISTRYINDEX, cb->ref);
    for (size_t j = 0; j < d; j++)
        lua_pushnumber(L, x[j]);
    if (lua_pcall(L, (int)d, 1, 0) != LUA_OK) {
        const char *msg = lua_tostring(L, -1);
        gp_error_set(err, GP_ERR_CALLBACK, "%s", msg ? msg : "error in a Lua function");
        lua_pop(L, 1);
        return GP_ERR_CALLBACK;
    }
    int ok;
    *out = lua_tonumberx(L, -1, &ok);
    if (!ok || lua_type(L, -1) == LUA_TSTRING) {
        gp_error_set(err, GP_ERR_CALLBACK, "function returned a %s, not a number",
                     luaL_typename(L, -1));
        lua_pop(L, 1);
        return GP_ERR_CALLBACK;
    }
    lua_pop(L, 1);
    return GP_OK;
}

static void release_lua(void *ctx)
{
    lua_callback *cb = ctx;
    luaL_unref(cb->main, LUA_REGISTRYINDEX, cb->ref);
    free(cb);
}

static gp_func **check_funcbox(lua_State *L, int arg)
{
    return luaL_checkudata(L, arg, LGP_FUNC);
}

/* Push a new func userdata (empty, valid) and return its slot. */
static gp_func **new_funcbox(lua_State *L)
{
    gp_func **box = lua_newuserdatauv(L, sizeof *box, 0);
    *box = NULL;
    luaL_setmetatable(L, LGP_FUNC);
    return box;
}

gp_func *lgp_tofunc(lua_State *L, int arg, const char *what)
{
    arg = lua_absindex(L, arg);
    gp_func **box = luaL_testudata(L, arg, LGP_FUNC);
    if (box)
        return *box;
    gp_func **nbox = new_funcbox(L);
    gp_error err;
    if (lua_type(L, arg) == LUA_TNUMBER) {
        *nbox = gp_func_constant(lua_tonumber(L, arg), &err);
    } else if (lua_type(L, arg) == LUA_TFUNCTION) {
        lua_callback *cb = malloc(sizeof *cb);
        if (!cb)
            luaL_error(L, "%s: out of memory", what);
        lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_MAINTHREAD);
        cb->main = lua_tothread(L, -1);
        lua_pop(L, 1);
        lua_pushvalue(L, arg);
        cb->ref = luaL_ref(L, LUA_REGISTRYINDEX);
        *nbox = gp_func_external(call_lua, cb, release_lua, "lua function", &err);
    } else {
        lua_pop(L, 1);
        luaL_typeerror(L, arg, "number, function or gp.poly");
        return NULL;
    }
    if (!*nbox)
        lgp_raise(L, &err);
    lua_replace(L, arg);
    return *nbox;
}

/* gp.poly{c0, c1, ..., cp}: the polynomial c0 + c1 x + ... + cp x^p. */
static int l_poly(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_Integer n = luaL_len(L, 1);
    luaL_argcheck(L, n >= 1, 1, "a polynomial needs at least one coefficient");
    double *coef = lua_newuserdatauv(L, (size_t)n * sizeof *coef, 0);
    for (lua_Integer i = 1; i <= n; i++) {
        int ok;
        lua_geti(L, 1, i);
        coef[i - 1] = lua_tonumberx(L, -1, &ok);
        if (!ok)
            luaL_argerror(L, 1, lua_pushfstring(L, "coefficient %I is not a number", i));
        lua_pop(L, 1);
    }
    gp_func **box = new_funcbox(L);
    gp_error err;
    *box = gp_func_polynomial(coef, (size_t)n, &err);
    if (!*box)
        return lgp_raise(L, &err);
    return 1;
}

/* a(x): evaluate at one point (d numbers). */
static int f_call(lua_State *L)
{
    gp_func *f = *check_funcbox(L, 1);
    int d = lua_gettop(L) - 1;
    luaL_argcheck(L, d >= 1, 2, "expected the coordinates of a point");
    gp_matrix *x = lgp_pushmatrix(L, 1, (size_t)d);
    for (int j = 0; j < d; j++)
        x->data[j] = luaL_checknumber(L, j + 2);
    double v;
    gp_error err;
    lgp_enter_core(L);
    if (gp_func_eval_rows(f, x, &v, &err))
        return lgp_raise(L, &err);
    lua_pushnumber(L, v);
    return 1;
}

static int f_tostring(lua_State *L)
{
    gp_func *f = *check_funcbox(L, 1);
    char buf[512];
    gp_func_describe(f, buf, sizeof buf);
    lua_pushstring(L, buf);
    return 1;
}

static int f_gc(lua_State *L)
{
    gp_func **box = check_funcbox(L, 1);
    gp_func_release(*box);
    *box = NULL;
    return 0;
}

void lgp_open_func(lua_State *L)
{
    static const luaL_Reg meta[] = {
        {"__call", f_call}, {"__tostring", f_tostring}, {"__gc", f_gc}, {NULL, NULL}};
    luaL_newmetatable(L, LGP_FUNC);
    luaL_setfuncs(L, meta, 0);
    lua_pop(L, 1);
    lua_pushcfunction(L, l_poly);
    lua_setfield(L, -2, "poly");
}

int lgp_isfunc(lua_State *L, int arg)
{
    return lua_type(L, arg) == LUA_TFUNCTION || luaL_testudata(L, arg, LGP_FUNC) != NULL;
}
