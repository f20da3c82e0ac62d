/* lkernel.c: kernels for Lua. One constructor per leaf kernel of the core's
 * descriptor table, taking an options table (gp.rbf{lengthscale = 1,
 * amplitude = 1}); operators build expressions: k1 + k2, k1 * k2, c * k,
 * a * k (a a Lua function or gp.poly: output warp). */
#include <stdint.h>
#include <string.h>

#include "gp_kernel.h"
#include "lfunc.h"
#include "lkernel.h"

#define LGP_KERNEL "gprior.kernel"
#define GP_KERNEL_ARGS_MAX 16 /* more than any kernel's parameters */

gp_kernel **lgp_newkernel(lua_State *L)
{
    gp_kernel **box = lua_newuserdatauv(L, sizeof *box, 0);
    *box = NULL; /* valid and empty until the core object exists */
    luaL_setmetatable(L, LGP_KERNEL);
    return box;
}

/* Push a kernel userdata for k, or raise err if k is NULL. Call with no
 * malloc'ed memory held (the core has already freed its own). */
static int push_kernel(lua_State *L, gp_kernel **box, gp_kernel *k, const gp_error *err)
{
    if (!k)
        return lgp_raise(L, err);
    *box = k;
    return 1;
}

void lgp_pushkernel(lua_State *L, gp_kernel *k)
{
    *lgp_newkernel(L) = gp_kernel_retain(k);
}

gp_kernel *lgp_testkernel(lua_State *L, int arg)
{
    gp_kernel **box = luaL_testudata(L, arg, LGP_KERNEL);
    return box ? *box : NULL;
}

gp_kernel *lgp_checkkernel(lua_State *L, int arg)
{
    gp_kernel **box = luaL_checkudata(L, arg, LGP_KERNEL);
    if (!*box)
        luaL_argerror(L, arg, "kernel is empty");
    return *box;
}

/* ---- leaf constructors: one for each entry of the core's descriptor table ---- */

/* The value of option key (on top of the stack, not nil) as a core argument:
 * a number (into *num), or a list or matrix (numbers, rows of numbers or a
 * gprior matrix; converted in place, so it stays on the stack while used).
 * Every check of the values is the core's. */
static gp_kernel_arg option_arg(lua_State *L, const char *fname, const gp_param_spec *ps,
                                double *num)
{
    const int t = lua_type(L, -1);
    if (t == LUA_TNUMBER) {
        *num = lua_tonumber(L, -1);
        return (gp_kernel_arg){ps->name, num, 1, 1};
    }
    const int many = ps->kind == GP_PARAM_LIST || ps->kind == GP_PARAM_MATRIX;
    if (many && (t == LUA_TTABLE || lgp_testmatrix(L, -1))) {
        gp_matrix *m = lgp_checkmatrix(L, lua_gettop(L));
        return (gp_kernel_arg){ps->name, m->data, m->rows, m->cols};
    }
    luaL_error(L, "%s: bad option '%s' (%s expected, got %s)", fname, ps->name,
               ps->kind == GP_PARAM_LIST     ? "number or list of numbers"
               : ps->kind == GP_PARAM_MATRIX ? "number, list or matrix"
                                             : "number",
               luaL_typename(L, -1));
    return (gp_kernel_arg){0};
}

/* gp.NAME{param = value, ...}, or gp.NAME(v) for a kernel with a positional
 * parameter (gp.constant(2)). Upvalue 1: the descriptor (light userdata). */
static int l_leaf(lua_State *L)
{
    const gp_kernel_desc *d = lua_touserdata(L, lua_upvalueindex(1));
    const char *fname = gp_kernel_desc_name(d);
    const gp_param_spec *ps[GP_KERNEL_ARGS_MAX];
    const char *known[GP_KERNEL_ARGS_MAX + 1];
    const gp_param_spec *positional = NULL;
    size_t np = 0;
    while (np < GP_KERNEL_ARGS_MAX && (ps[np] = gp_kernel_desc_param(d, np)) != NULL) {
        known[np] = ps[np]->name;
        if (ps[np]->flags & GP_PARAM_POSITIONAL)
            positional = ps[np];
        np++;
    }
    known[np] = NULL;
    gp_kernel_arg args[GP_KERNEL_ARGS_MAX];
    double nums[GP_KERNEL_ARGS_MAX];
    size_t na = 0;
    lua_settop(L, 1);
    if (lua_type(L, 1) == LUA_TNUMBER && positional) {
        nums[0] = lua_tonumber(L, 1);
        args[na++] = (gp_kernel_arg){positional->name, &nums[0], 1, 1};
    } else if (!lua_isnil(L, 1)) {
        if (!lua_istable(L, 1))
            luaL_typeerror(L, 1, "table of options");
        lgp_checkoptions(L, 1, fname, known);
        luaL_checkstack(L, (int)np + LUA_MINSTACK, "kernel options");
        for (size_t i = 0; i < np; i++) {
            if (lua_getfield(L, 1, ps[i]->name) == LUA_TNIL) {
                lua_pop(L, 1);
                continue;
            }
            args[na] = option_arg(L, fname, ps[i], &nums[na]);
            na++; /* a list or matrix stays on the stack until the kernel is made */
        }
    }
    gp_error err;
    gp_kernel **box = lgp_newkernel(L);
    return push_kernel(L, box, gp_kernel_new(d, args, na, &err), &err);
}

/* ---- algebra ---------------------------------------------------------------------- */

/* The kernel for an operand of + or *: a kernel, or a number as a constant kernel.
 * Anything else is an error that names both operand types. */
static gp_kernel *operand_kernel(lua_State *L, int arg, const char *op)
{
    gp_kernel *k = lgp_testkernel(L, arg);
    if (k)
        return k;
    if (lua_type(L, arg) == LUA_TNUMBER) {
        gp_error err;
        gp_kernel **box = lgp_newkernel(L);
        push_kernel(L, box, gp_kernel_constant(lua_tonumber(L, arg), &err), &err);
        lua_replace(L, arg);
        return *box;
    }
    luaL_error(L, "cannot %s a kernel and a %s (kernels combine with kernels and numbers >= 0)",
               op, lgp_typename(L, arg));
    return NULL;
}

static int k_add(lua_State *L)
{
    gp_kernel *a = operand_kernel(L, 1, "add");
    gp_kernel *b = operand_kernel(L, 2, "add");
    gp_error err;
    gp_kernel **box = lgp_newkernel(L);
    return push_kernel(L, box, gp_kernel_sum(a, b, &err), &err);
}

/* k1 * k2: product; c * k: scaling; a * k with a function: output warp. */
static int k_mul(lua_State *L)
{
    gp_error err;
    int karg = lgp_testkernel(L, 1) ? 1 : 2, other = 3 - karg;
    gp_kernel *k = lgp_checkkernel(L, karg);
    if (lua_type(L, other) == LUA_TNUMBER) {
        double c = lua_tonumber(L, other);
        gp_kernel **box = lgp_newkernel(L);
        return push_kernel(L, box, gp_kernel_scale(c, k, &err), &err);
    }
    if (lgp_isfunc(L, other)) {
        lgp_enter_core(L);
        gp_func *a = lgp_tofunc(L, other, "warp");
        gp_kernel **box = lgp_newkernel(L);
        return push_kernel(L, box, gp_kernel_warp(k, a, &err), &err);
    }
    gp_kernel *a = operand_kernel(L, 1, "multiply");
    gp_kernel *b = operand_kernel(L, 2, "multiply");
    gp_kernel **box = lgp_newkernel(L);
    return push_kernel(L, box, gp_kernel_product(a, b, &err), &err);
}

static int k_sub(lua_State *L)
{
    return luaL_error(L, "cannot subtract kernels: k1 - k2 is in general not positive "
                         "semi-definite, so not a kernel");
}

static int k_unm(lua_State *L)
{
    return luaL_error(L, "cannot negate a kernel: -k is not a kernel");
}

/* k:warp(a): a(x) a(x') k(x, x'). */
static int k_warp(lua_State *L)
{
    gp_kernel *k = lgp_checkkernel(L, 1);
    gp_func *a = lgp_tofunc(L, 2, "warp");
    gp_error err;
    gp_kernel **box = lgp_newkernel(L);
    return push_kernel(L, box, gp_kernel_warp(k, a, &err), &err);
}

typedef gp_kernel *(*transform_ctor)(gp_kernel *, const double *, size_t, gp_error *);

/* k:stretch(s) and k:shift(c): s and c a number or a list of numbers. */
static int transform(lua_State *L, transform_ctor ctor)
{
    gp_kernel *k = lgp_checkkernel(L, 1);
    double num;
    const double *v = &num;
    size_t n = 1;
    if (lua_type(L, 2) == LUA_TNUMBER) {
        num = lua_tonumber(L, 2);
    } else if (lua_istable(L, 2) || lgp_testmatrix(L, 2)) {
        gp_matrix *m = lgp_checkmatrix(L, 2);
        luaL_argcheck(L, m->rows == 1 || m->cols == 1, 2, "expected a number or a list of numbers");
        v = m->data;
        n = m->rows * m->cols;
    } else {
        luaL_argerror(L, 2, "expected a number or a list of numbers");
    }
    gp_error err;
    gp_kernel **box = lgp_newkernel(L);
    return push_kernel(L, box, ctor(k, v, n, &err), &err);
}

/* k:stretch(s): k(s x, s x'); k:shift(c): k(x - c, x' - c). */
static int k_stretch(lua_State *L) { return transform(L, gp_kernel_stretch); }
static int k_shift(lua_State *L) { return transform(L, gp_kernel_shift); }

/* k:select{1, 3}: k on input dimensions 1 and 3 (1-based). */
static int k_select(lua_State *L)
{
    gp_kernel *k = lgp_checkkernel(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_Integer n = luaL_len(L, 2);
    luaL_argcheck(L, n >= 1 && (lua_Unsigned)n <= SIZE_MAX / sizeof(size_t), 2,
                  "expected a list of 1-based dimensions");
    size_t *dims = lua_newuserdatauv(L, (size_t)n * sizeof *dims, 0); /* collected by Lua */
    for (lua_Integer i = 1; i <= n; i++) {
        int ok;
        lua_geti(L, 2, i);
        lua_Integer d = lua_tointegerx(L, -1, &ok);
        if (!ok || d < 1)
            luaL_argerror(L, 2, lua_pushfstring(L, "dimension %I must be an integer >= 1", i));
        dims[i - 1] = (size_t)d - 1;
        lua_pop(L, 1);
    }
    gp_error err;
    gp_kernel **box = lgp_newkernel(L);
    return push_kernel(L, box, gp_kernel_select(k, dims, (size_t)n, &err), &err);
}

/* ---- evaluation ------------------------------------------------------------------- */

/* k:gram(X [, Y]): the matrix k(X, Y) (Y = X if absent). */
static int k_gram(lua_State *L)
{
    gp_kernel *k = lgp_checkkernel(L, 1);
    gp_matrix *X = lgp_checkmatrix(L, 2);
    gp_matrix *Y = lua_isnoneornil(L, 3) ? NULL : lgp_checkmatrix(L, 3);
    gp_matrix *K = lgp_pushmatrix(L, X->rows, Y ? Y->rows : X->rows);
    gp_error err;
    lgp_enter_core(L);
    if (gp_kernel_gram(k, X, Y, K, &err))
        return lgp_raise(L, &err);
    return 1;
}

/* k:diag(X): the vector k(x_i, x_i). */
static int k_diag(lua_State *L)
{
    gp_kernel *k = lgp_checkkernel(L, 1);
    gp_matrix *X = lgp_checkmatrix(L, 2);
    gp_matrix *v = lgp_pushmatrix(L, X->rows, 1);
    gp_error err;
    lgp_enter_core(L);
    if (gp_kernel_diag(k, X, v->data, &err))
        return lgp_raise(L, &err);
    return 1;
}

/* k(x, x'): the number k at two points (numbers for 1-D, lists for d-D). */
static int k_call(lua_State *L)
{
    gp_kernel *k = lgp_checkkernel(L, 1);
    for (int arg = 2; arg <= 3; arg++) {
        if (lua_type(L, arg) == LUA_TNUMBER) {
            gp_matrix *p = lgp_pushmatrix(L, 1, 1);
            p->data[0] = lua_tonumber(L, arg);
            lua_replace(L, arg);
        } else if (lua_type(L, arg) == LUA_TTABLE) {
            lua_newtable(L);
            lua_pushvalue(L, arg);
            lua_rawseti(L, -2, 1);
            lua_replace(L, arg);
        }
        gp_matrix *p = lgp_checkmatrix(L, arg);
        if (p->rows != 1)
            luaL_argerror(L, arg, "expected one point (a number or a list of coordinates)");
    }
    gp_matrix *K = lgp_pushmatrix(L, 1, 1);
    gp_error err;
    lgp_enter_core(L);
    if (gp_kernel_gram(k, lgp_testmatrix(L, 2), lgp_testmatrix(L, 3), K, &err))
        return lgp_raise(L, &err);
    lua_pushnumber(L, K->data[0]);
    return 1;
}

static int k_tostring(lua_State *L)
{
    gp_kernel *k = lgp_checkkernel(L, 1);
    size_t len = gp_kernel_describe(k, NULL, 0);
    luaL_Buffer b;
    char *s = luaL_buffinitsize(L, &b, len + 1);
    gp_kernel_describe(k, s, len + 1);
    luaL_pushresultsize(&b, len);
    return 1;
}

static int k_gc(lua_State *L)
{
    gp_kernel **box = luaL_checkudata(L, 1, LGP_KERNEL);
    gp_kernel_release(*box);
    *box = NULL;
    return 0;
}

static const luaL_Reg methods[] = {
    {"warp", k_warp},   {"stretch", k_stretch}, {"shift", k_shift}, {"select", k_select},
    {"gram", k_gram},   {"diag", k_diag},       {NULL, NULL}};

static const luaL_Reg metamethods[] = {
    {"__add", k_add},   {"__mul", k_mul},           {"__sub", k_sub}, {"__unm", k_unm},
    {"__call", k_call}, {"__tostring", k_tostring}, {"__gc", k_gc},   {NULL, NULL}};

void lgp_open_kernel(lua_State *L)
{
    luaL_newmetatable(L, LGP_KERNEL);
    luaL_setfuncs(L, metamethods, 0);
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
    /* gp.rbf, gp.ou, ...: one constructor per leaf kernel of the core's table */
    const gp_kernel_desc *d;
    for (size_t i = 0; (d = gp_kernel_desc_at(i)) != NULL; i++) {
        lua_pushlightuserdata(L, (void *)(uintptr_t)d);
        lua_pushcclosure(L, l_leaf, 1);
        lua_setfield(L, -2, gp_kernel_desc_name(d));
    }
    lgp_open_func(L);
}
