/* lfunc.c: the Lua type of deterministic functions a(x): gp.poly{c0, c1, ...}
 * built in, and plain Lua functions wrapped as external gp_funcs whose
 * callback calls back into Lua under lua_pcall (so a Lua error never unwinds
 * through the core). */
#include <stdlib.h>
#include <string.h>

#include "lfunc.h"

/* The thread core callbacks run Lua code on: the thread of the innermost
 * binding call in the core (lgp_enter_core), NULL outside the core. */
static _Thread_local lua_State *running_state;

lua_State *lgp_enter_core(lua_State *L)
{
    lua_State *saved = running_state;
    running_state = L;
    return saved;
}

void lgp_leave_core(lua_State *saved)
{
    running_state = saved;
}

typedef struct lua_callback {
    lua_State *main; /* owner of the registry reference */
    int ref;
} lua_callback;

/* a(x_1, ..., x_d) in Lua; must return a finite number (checked by the core). */
static gp_code call_lua(void *ctx, const double *x, size_t d, double *out, gp_error *err)
{
    lua_callback *cb = ctx;
    lua_State *L = running_state;
    if (!L)
        return gp_error_set(err, GP_ERR_CALLBACK,
                            "a Lua function was called outside a gprior call (internal error)");
    if (!lua_checkstack(L, (int)d + 3))
        return gp_error_set(err, GP_ERR_CALLBACK, "function: Lua stack overflow");
    lua_rawgeti(L, LUA_REGISTRYINDEX, cb->ref);
    for (size_t j = 0; j < d; j++)
        lua_pushnumber(L, x[j]);
    gp_code rc = GP_OK;
    if (lua_pcall(L, (int)d, 1, 0) != LUA_OK) {
        const char *msg = lua_tostring(L, -1);
        rc = gp_error_set(err, GP_ERR_CALLBACK, "%s", msg ? msg : "error in a Lua function");
    } else if (lua_type(L, -1) != LUA_TNUMBER) {
        rc = gp_error_set(err, GP_ERR_CALLBACK, "function returned a %s, not a number",
                          luaL_typename(L, -1));
    } else {
        *out = lua_tonumber(L, -1);
    }
    lua_pop(L, 1);
    running_state = L; /* whatever the function did (gprior calls in coroutines) */
    return rc;
}

static void release_lua(void *ctx)
{
    lua_callback *cb = ctx;
    luaL_unref(cb->main, LUA_REGISTRYINDEX, cb->ref);
    free(cb);
}

static const lgp_type func_type;

gp_func *lgp_tofunc(lua_State *L, int arg, const char *what)
{
    arg = lua_absindex(L, arg);
    gp_func *f = lgp_testbox(L, arg, &func_type);
    if (f)
        return f;
    int t = lua_type(L, arg);
    if (t != LUA_TNUMBER && t != LUA_TFUNCTION)
        return luaL_typeerror(L, arg, "number, function or gp.poly"), NULL;
    void **box = lgp_newbox(L, &func_type);
    gp_error err;
    gp_func *made;
    if (t == LUA_TNUMBER) {
        made = gp_func_constant(lua_tonumber(L, arg), &err);
    } else {
        lua_pushvalue(L, arg);
        int ref = luaL_ref(L, LUA_REGISTRYINDEX); /* before malloc: it may raise */
        lua_callback *cb = malloc(sizeof *cb);
        if (!cb) {
            luaL_unref(L, LUA_REGISTRYINDEX, ref);
            return lgp_error(L, "%s: out of memory", what), NULL;
        }
        lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_MAINTHREAD);
        cb->main = lua_tothread(L, -1);
        lua_pop(L, 1);
        cb->ref = ref;
        made = gp_func_external(call_lua, cb, release_lua, "lua function", &err);
        if (!made)
            release_lua(cb);
    }
    lgp_fillbox(L, box, made, &err);
    lua_replace(L, arg);
    return made;
}

/* gp.poly{c0, c1, ..., cp}: the polynomial c0 + c1 x + ... + cp x^p. */
static int l_poly(lua_State *L)
{
    gp_matrix *coef = lgp_checkmatrix(L, 1);
    if (coef->cols != 1)
        return lgp_argerror(L, 1, "coefficients must be a list of numbers (n x 1), got %zu x %zu",
                            coef->rows, coef->cols);
    void **box = lgp_newbox(L, &func_type);
    gp_error err;
    return lgp_fillbox(L, box, gp_func_polynomial(coef->data, coef->rows, &err), &err);
}

/* a(x): evaluate at one point (d numbers). */
static int f_call(lua_State *L)
{
    gp_func *f = lgp_checkbox(L, 1, &func_type);
    int d = lua_gettop(L) - 1;
    luaL_argcheck(L, d >= 1, 2, "expected the coordinates of a point");
    gp_matrix *x = lgp_pushmatrix(L, 1, (size_t)d);
    for (int j = 0; j < d; j++)
        x->data[j] = luaL_checknumber(L, j + 2);
    double v;
    gp_error err;
    lua_State *saved = lgp_enter_core(L);
    gp_code rc = gp_func_eval_rows(f, x, &v, &err);
    lgp_leave_core(saved);
    if (rc)
        return lgp_raise(L, &err);
    lua_pushnumber(L, v);
    return 1;
}

LGP_BOX_ADAPTERS(func)

static const luaL_Reg func_meta[] = {{"__call", f_call}, {NULL, NULL}};

static const lgp_type func_type = {"gprior.func", "gp.poly or function", release_func,
                                   describe_func, NULL, func_meta};

void lgp_open_func(lua_State *L)
{
    lgp_newtype(L, &func_type);
    lua_pushcfunction(L, l_poly);
    lua_setfield(L, -2, "poly");
}

int lgp_isfunc(lua_State *L, int arg)
{
    return lua_type(L, arg) == LUA_TFUNCTION || lgp_testbox(L, arg, &func_type) != NULL;
}
