/* lkernel.c: kernels for Lua. Constructors take an options table
 * (gp.rbf{lengthscale = 1, amplitude = 1}); operators build expressions:
 * k1 + k2, k1 * k2, c * k, a * k (a a Lua function or gp.poly: output warp). */
#include <string.h>

#include "gp_kernel.h"
#include "lfunc.h"
#include "lkernel.h"

#define LGP_KERNEL "gprior.kernel"
#define MAX_DIMS 64

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

/* Read option key as one number or a list of numbers into v[MAX_DIMS];
 * returns the count (def used when absent). */
static size_t opt_numbers(lua_State *L, int idx, const char *fname, const char *key, double def,
                          double v[MAX_DIMS])
{
    v[0] = def;
    if (lua_isnoneornil(L, idx))
        return 1;
    size_t n = 1;
    int t = lua_getfield(L, idx, key);
    if (t == LUA_TNUMBER) {
        v[0] = lua_tonumber(L, -1);
    } else if (t == LUA_TTABLE) {
        lua_Integer len = luaL_len(L, -1);
        if (len < 1 || len > MAX_DIMS)
            luaL_error(L, "%s: option '%s' must list 1..%d numbers", fname, key, MAX_DIMS);
        for (lua_Integer i = 1; i <= len; i++) {
            int ok;
            lua_geti(L, -1, i);
            v[i - 1] = lua_tonumberx(L, -1, &ok);
            if (!ok)
                luaL_error(L, "%s: option '%s' element %I is not a number", fname, key, i);
            lua_pop(L, 1);
        }
        n = (size_t)len;
    } else if (t != LUA_TNIL) {
        luaL_error(L, "%s: option '%s' must be a number or a list of numbers, got %s", fname, key,
                   luaL_typename(L, -1));
    }
    lua_pop(L, 1);
    return n;
}

static void check_opts(lua_State *L, const char *fname, const char *const known[])
{
    if (!lua_isnoneornil(L, 1) && !lua_istable(L, 1))
        luaL_typeerror(L, 1, "table of options");
    lgp_checkoptions(L, 1, fname, known);
}

typedef gp_kernel *(*stationary_ctor)(double, const double *, size_t, gp_error *);

static int stationary(lua_State *L, const char *name, stationary_ctor ctor)
{
    static const char *const known[] = {"amplitude", "lengthscale", NULL};
    check_opts(L, name, known);
    double ls[MAX_DIMS];
    size_t nls = opt_numbers(L, 1, name, "lengthscale", 1.0, ls);
    double a = lgp_optnumber(L, 1, "amplitude", 1.0);
    gp_error err;
    gp_kernel **box = lgp_newkernel(L);
    return push_kernel(L, box, ctor(a, ls, nls, &err), &err);
}

static int l_rbf(lua_State *L) { return stationary(L, "rbf", gp_kernel_rbf); }
static int l_ou(lua_State *L) { return stationary(L, "ou", gp_kernel_ou); }
static int l_exponential(lua_State *L) { return stationary(L, "exponential", gp_kernel_exponential); }
static int l_matern32(lua_State *L) { return stationary(L, "matern32", gp_kernel_matern32); }
static int l_matern52(lua_State *L) { return stationary(L, "matern52", gp_kernel_matern52); }

static int l_rq(lua_State *L)
{
    static const char *const known[] = {"amplitude", "lengthscale", "alpha", NULL};
    check_opts(L, "rq", known);
    double ls[MAX_DIMS];
    size_t nls = opt_numbers(L, 1, "rq", "lengthscale", 1.0, ls);
    double a = lgp_optnumber(L, 1, "amplitude", 1.0), alpha = lgp_optnumber(L, 1, "alpha", 1.0);
    gp_error err;
    gp_kernel **box = lgp_newkernel(L);
    return push_kernel(L, box, gp_kernel_rq(a, ls, nls, alpha, &err), &err);
}

static int l_periodic(lua_State *L)
{
    static const char *const known[] = {"amplitude", "lengthscale", "period", NULL};
    check_opts(L, "periodic", known);
    double a = lgp_optnumber(L, 1, "amplitude", 1.0), l = lgp_optnumber(L, 1, "lengthscale", 1.0);
    double p = lgp_optnumber(L, 1, "period", 1.0);
    gp_error err;
    gp_kernel **box = lgp_newkernel(L);
    return push_kernel(L, box, gp_kernel_periodic(a, l, p, &err), &err);
}

static int l_linear(lua_State *L)
{
    static const char *const known[] = {"variance", "offset", NULL};
    check_opts(L, "linear", known);
    double v = lgp_optnumber(L, 1, "variance", 1.0), c = lgp_optnumber(L, 1, "offset", 0.0);
    gp_error err;
    gp_kernel **box = lgp_newkernel(L);
    return push_kernel(L, box, gp_kernel_linear(v, c, &err), &err);
}

static int l_polynomial(lua_State *L)
{
    static const char *const known[] = {"degree", "variance", "offset", NULL};
    check_opts(L, "polynomial", known);
    lua_Integer deg = lgp_optinteger(L, 1, "degree", 2);
    double v = lgp_optnumber(L, 1, "variance", 1.0), c = lgp_optnumber(L, 1, "offset", 1.0);
    if (deg < 1 || deg > 1000)
        return luaL_error(L, "polynomial: degree must be an integer in 1..1000, got %I", deg);
    gp_error err;
    gp_kernel **box = lgp_newkernel(L);
    return push_kernel(L, box, gp_kernel_polynomial(v, c, (int)deg, &err), &err);
}

/* gp.nn{Sigma = S, variance = sv^2, offset = sb^2}; S is a (P+1) x (P+1)
 * matrix, a list of its diagonal, or one number for S = s I (P = 1). */
static int l_nn(lua_State *L)
{
    static const char *const known[] = {"Sigma", "variance", "offset", NULL};
    check_opts(L, "nn", known);
    double v = lgp_optnumber(L, 1, "variance", 1.0), c = lgp_optnumber(L, 1, "offset", 0.0);
    int t = lua_isnoneornil(L, 1) ? LUA_TNIL : lua_getfield(L, 1, "Sigma");
    gp_matrix *S;
    if (t == LUA_TNIL || t == LUA_TNUMBER) {
        double s = t == LUA_TNUMBER ? lua_tonumber(L, -1) : 1.0;
        S = lgp_pushmatrix(L, 2, 2);
        GP_AT(S, 0, 0) = GP_AT(S, 1, 1) = s;
    } else {
        gp_matrix *given = lgp_checkmatrix(L, -1);
        if (given->cols == 1) { /* the diagonal */
            S = lgp_pushmatrix(L, given->rows, given->rows);
            for (size_t i = 0; i < given->rows; i++)
                GP_AT(S, i, i) = given->data[i];
        } else {
            S = given;
        }
    }
    if (S->rows != S->cols)
        return luaL_error(L, "nn: Sigma must be square, got %I x %I", (lua_Integer)S->rows,
                          (lua_Integer)S->cols);
    gp_error err;
    gp_kernel **box = lgp_newkernel(L);
    return push_kernel(L, box, gp_kernel_nn(S->data, S->rows, v, c, &err), &err);
}

static int l_brownian(lua_State *L)
{
    static const char *const known[] = {"variance", NULL};
    check_opts(L, "brownian", known);
    gp_error err;
    gp_kernel **box = lgp_newkernel(L);
    return push_kernel(L, box, gp_kernel_brownian(lgp_optnumber(L, 1, "variance", 1.0), &err),
                       &err);
}

static int l_white(lua_State *L)
{
    static const char *const known[] = {"variance", NULL};
    check_opts(L, "white", known);
    gp_error err;
    gp_kernel **box = lgp_newkernel(L);
    return push_kernel(L, box, gp_kernel_white(lgp_optnumber(L, 1, "variance", 1.0), &err), &err);
}

/* gp.constant(c) or gp.constant{value = c}. */
static int l_constant(lua_State *L)
{
    double c;
    if (lua_type(L, 1) == LUA_TNUMBER) {
        c = lua_tonumber(L, 1);
    } else {
        static const char *const known[] = {"value", NULL};
        check_opts(L, "constant", known);
        c = lgp_optnumber(L, 1, "value", 1.0);
    }
    gp_error err;
    gp_kernel **box = lgp_newkernel(L);
    return push_kernel(L, box, gp_kernel_constant(c, &err), &err);
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

static int transform(lua_State *L, const char *name, transform_ctor ctor)
{
    gp_kernel *k = lgp_checkkernel(L, 1);
    double v[MAX_DIMS];
    size_t n;
    lua_settop(L, 2);
    lua_createtable(L, 0, 1);
    lua_pushvalue(L, 2);
    lua_setfield(L, -2, "by");
    n = opt_numbers(L, 3, name, "by", 0.0, v);
    if (lua_isnil(L, 2))
        luaL_argerror(L, 2, "expected a number or a list of numbers");
    gp_error err;
    gp_kernel **box = lgp_newkernel(L);
    return push_kernel(L, box, ctor(k, v, n, &err), &err);
}

/* k:stretch(s): k(s x, s x'); k:shift(c): k(x - c, x' - c). */
static int k_stretch(lua_State *L) { return transform(L, "stretch", gp_kernel_stretch); }
static int k_shift(lua_State *L) { return transform(L, "shift", gp_kernel_shift); }

/* k:select{1, 3}: k on input dimensions 1 and 3 (1-based). */
static int k_select(lua_State *L)
{
    gp_kernel *k = lgp_checkkernel(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_Integer n = luaL_len(L, 2);
    luaL_argcheck(L, n >= 1 && n <= MAX_DIMS, 2, "expected a list of 1-based dimensions");
    size_t dims[MAX_DIMS];
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

static const luaL_Reg constructors[] = {
    {"rbf", l_rbf},           {"ou", l_ou},
    {"exponential", l_exponential}, {"matern32", l_matern32},
    {"matern52", l_matern52}, {"rq", l_rq},
    {"periodic", l_periodic}, {"linear", l_linear},
    {"polynomial", l_polynomial}, {"nn", l_nn},
    {"brownian", l_brownian}, {"white", l_white},
    {"constant", l_constant}, {NULL, NULL}};

void lgp_open_kernel(lua_State *L)
{
    luaL_newmetatable(L, LGP_KERNEL);
    luaL_setfuncs(L, metamethods, 0);
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
    luaL_setfuncs(L, constructors, 0);
    lgp_open_func(L);
}
