/* lkernel.c: kernels for Lua. One constructor per leaf kernel of the core's
 * descriptor table, taking an options table (gp.rbf{lengthscale = 1,
 * amplitude = 1}); operators build expressions: k1 + k2, k1 * k2, c * k,
 * a * k (a a Lua function or gp.poly: output warp), k ^ p; methods transform
 * the inputs, evaluate, and read or change the free parameters (with their
 * Gram derivatives). */
#include <stdint.h>
#include <string.h>

#include "gp_kernel.h"
#include "lfunc.h"
#include "lkernel.h"

#define ARGS_MAX 16 /* more than any kernel's parameters */

static const lgp_type kernel_type;

void **lgp_newkernel(lua_State *L)
{
    return lgp_newbox(L, &kernel_type);
}

void lgp_pushkernel(lua_State *L, gp_kernel *k)
{
    *lgp_newkernel(L) = gp_kernel_retain(k);
}

gp_kernel *lgp_testkernel(lua_State *L, int arg)
{
    return lgp_testbox(L, arg, &kernel_type);
}

gp_kernel *lgp_checkkernel(lua_State *L, int arg)
{
    return lgp_checkbox(L, arg, &kernel_type);
}

/* ---- leaf constructors: one for each entry of the core's descriptor table ---- */

/* The value of option ps->name of o as a core argument (*num holds a
 * number or a choice's index; a list, matrix or function is pushed and stays
 * on the stack while used). Every check of the values is the core's. */
static gp_kernel_arg option_arg(const lgp_options *o, const gp_param_spec *ps, double *num)
{
    switch (ps->kind) {
    case GP_PARAM_LIST:
    case GP_PARAM_MATRIX: {
        gp_matrix *m = lgp_opt_matrix(o, ps->name);
        return (gp_kernel_arg){ps->name, m->data, m->rows, m->cols, NULL};
    }
    case GP_PARAM_FUNCTION:
        lua_getfield(o->L, o->idx, ps->name);
        if (!lgp_isfunc(o->L, -1) && lua_type(o->L, -1) != LUA_TNUMBER)
            lgp_error(o->L, "%s: bad option '%s' (function, gp.poly or number expected, got %s)",
                      o->fname, ps->name, lgp_typename(o->L, -1));
        return (gp_kernel_arg){ps->name, NULL, 0, 0, lgp_tofunc(o->L, -1, ps->name)};
    case GP_PARAM_CHOICE:
        *num = lgp_opt_choice(o, ps->name, (int)ps->def, ps->choices);
        break;
    default:
        *num = lgp_opt_number(o, ps->name, ps->def); /* an integer's range is the core's check */
    }
    return (gp_kernel_arg){ps->name, num, 1, 1, NULL};
}

/* gp.NAME{param = value, ...}, or gp.NAME(v) for a kernel with a positional
 * parameter (gp.constant(2)). Upvalue 1: the descriptor (light userdata). */
static int l_leaf(lua_State *L)
{
    const gp_kernel_desc *d = lua_touserdata(L, lua_upvalueindex(1));
    const gp_param_spec *ps[ARGS_MAX];
    const char *known[ARGS_MAX + 1];
    const gp_param_spec *positional = NULL;
    size_t np = 0;
    while (np < ARGS_MAX && (ps[np] = gp_kernel_desc_param(d, np)) != NULL) {
        known[np] = ps[np]->name;
        if (ps[np]->flags & GP_PARAM_POSITIONAL)
            positional = ps[np];
        np++;
    }
    known[np] = NULL;
    gp_kernel_arg args[ARGS_MAX];
    double nums[ARGS_MAX];
    size_t na = 0;
    lua_settop(L, 1);
    if (lua_type(L, 1) == LUA_TNUMBER && positional) {
        nums[0] = lua_tonumber(L, 1);
        args[na++] = (gp_kernel_arg){positional->name, &nums[0], 1, 1, NULL};
    } else {
        lgp_options o;
        lgp_options_open(&o, L, 1, gp_kernel_desc_name(d), known);
        luaL_checkstack(L, (int)np + LUA_MINSTACK, "kernel options");
        for (size_t i = 0; i < np; i++)
            if (lgp_opt_has(&o, ps[i]->name)) {
                args[na] = option_arg(&o, ps[i], &nums[na]);
                na++;
            }
    }
    gp_error err;
    void **box = lgp_newkernel(L);
    return lgp_fillbox(L, box, gp_kernel_new(d, args, na, &err), &err);
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
        void **box = lgp_newkernel(L);
        lgp_fillbox(L, box, gp_kernel_constant(lua_tonumber(L, arg), &err), &err);
        lua_replace(L, arg);
        return *box;
    }
    lgp_error(L, "cannot %s a kernel and a %s (kernels combine with kernels and numbers >= 0)", op,
              lgp_typename(L, arg));
    return NULL;
}

static int k_add(lua_State *L)
{
    gp_kernel *a = operand_kernel(L, 1, "add");
    gp_kernel *b = operand_kernel(L, 2, "add");
    gp_error err;
    void **box = lgp_newkernel(L);
    return lgp_fillbox(L, box, gp_kernel_sum(a, b, &err), &err);
}

/* k1 * k2: product; c * k: scaling; a * k with a function: output warp. */
static int k_mul(lua_State *L)
{
    gp_error err;
    int karg = lgp_testkernel(L, 1) ? 1 : 2, other = 3 - karg;
    gp_kernel *k = lgp_checkkernel(L, karg);
    if (lua_type(L, other) == LUA_TNUMBER) {
        double c = lua_tonumber(L, other);
        void **box = lgp_newkernel(L);
        return lgp_fillbox(L, box, gp_kernel_scale(c, k, &err), &err);
    }
    if (lgp_isfunc(L, other)) {
        gp_func *a = lgp_tofunc(L, other, "warp");
        void **box = lgp_newkernel(L);
        return lgp_fillbox(L, box, gp_kernel_warp(k, a, &err), &err);
    }
    gp_kernel *a = operand_kernel(L, 1, "multiply");
    gp_kernel *b = operand_kernel(L, 2, "multiply");
    void **box = lgp_newkernel(L);
    return lgp_fillbox(L, box, gp_kernel_product(a, b, &err), &err);
}

static int k_sub(lua_State *L)
{
    return lgp_error(L, "cannot subtract kernels: k1 - k2 is in general not positive "
                        "semi-definite, so not a kernel");
}

static int k_unm(lua_State *L)
{
    return lgp_error(L, "cannot negate a kernel: -k is not a kernel");
}

/* k:warp(a): a(x) a(x') k(x, x'). */
static int k_warp(lua_State *L)
{
    gp_kernel *k = lgp_checkkernel(L, 1);
    gp_func *a = lgp_tofunc(L, 2, "warp");
    gp_error err;
    void **box = lgp_newkernel(L);
    return lgp_fillbox(L, box, gp_kernel_warp(k, a, &err), &err);
}

typedef gp_kernel *(*transform_ctor)(gp_kernel *, const double *, size_t, gp_error *);

/* k:stretch(s) and k:shift(c): s and c a number or a list of numbers. */
static int transform(lua_State *L, transform_ctor ctor)
{
    gp_kernel *k = lgp_checkkernel(L, 1);
    gp_matrix *v = lgp_checkmatrix(L, 2);
    if (v->rows != 1 && v->cols != 1)
        return lgp_argerror(L, 2, "a number or a list of numbers expected, got a %zu x %zu matrix",
                            v->rows, v->cols);
    gp_error err;
    void **box = lgp_newkernel(L);
    return lgp_fillbox(L, box, ctor(k, v->data, v->rows * v->cols, &err), &err);
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
    if (n < 1 || (lua_Unsigned)n > SIZE_MAX / sizeof(size_t))
        return lgp_argerror(L, 2, "expected a list of 1-based dimensions, got %lld entries",
                            (long long)n);
    size_t *dims = lua_newuserdatauv(L, (size_t)n * sizeof *dims, 0); /* collected by Lua */
    for (lua_Integer i = 1; i <= n; i++) {
        int ok;
        lua_geti(L, 2, i);
        lua_Integer d = lua_tointegerx(L, -1, &ok);
        if (!ok || d < 1)
            return lgp_argerror(L, 2, "dimension %lld must be an integer >= 1, got %s",
                                (long long)i, luaL_tolstring(L, -1, NULL));
        dims[i - 1] = (size_t)d - 1;
        lua_pop(L, 1);
    }
    gp_error err;
    void **box = lgp_newkernel(L);
    return lgp_fillbox(L, box, gp_kernel_select(k, dims, (size_t)n, &err), &err);
}

/* k:transform(w) or k:transform{w1, w2, ...}: k(w(x), w(x')), each w_i a Lua
 * function of the coordinates or a gp.poly, giving one coordinate of w(x). */
static int k_transform(lua_State *L)
{
    gp_kernel *k = lgp_checkkernel(L, 1);
    lua_settop(L, 2);
    if (lgp_isfunc(L, 2)) { /* one function: a list of one */
        lua_createtable(L, 1, 0);
        lua_pushvalue(L, 2);
        lua_rawseti(L, -2, 1);
        lua_replace(L, 2);
    }
    if (!lua_istable(L, 2))
        return lgp_argerror(L, 2, "a function or a list of functions expected, got %s",
                            lgp_typename(L, 2));
    const lua_Integer n = luaL_len(L, 2);
    if (n < 1 || n > 4096)
        return lgp_argerror(L, 2, "a list of 1 to 4096 functions expected, got %lld values",
                            (long long)n);
    luaL_checkstack(L, (int)n + LUA_MINSTACK, "transform functions");
    gp_func **w = lua_newuserdatauv(L, (size_t)n * sizeof *w, 0); /* collected by Lua */
    for (lua_Integer i = 1; i <= n; i++) {
        lua_geti(L, 2, i);
        if (!lgp_isfunc(L, -1))
            return lgp_argerror(L, 2, "element %lld is a %s, not a function or gp.poly",
                                (long long)i, lgp_typename(L, -1));
        w[i - 1] = lgp_tofunc(L, -1, "transform"); /* its box stays on the stack */
    }
    gp_error err;
    void **box = lgp_newkernel(L);
    return lgp_fillbox(L, box, gp_kernel_transform(k, w, (size_t)n, &err), &err);
}

/* k ^ p: the element-wise power, p a whole number >= 1. */
static int k_pow(lua_State *L)
{
    gp_kernel *k = lgp_testkernel(L, 1);
    if (!k)
        return lgp_error(L, "cannot raise a %s to a kernel power (k ^ p needs a kernel k and a "
                            "whole number p)",
                         lgp_typename(L, 1));
    int ok;
    const lua_Integer p = lua_tointegerx(L, 2, &ok);
    if (!ok || p < 1 || p > 1 << 20)
        return lgp_error(L, "kernel ^ p: p must be a whole number from 1 to 2^20, got %s",
                         luaL_tolstring(L, 2, NULL));
    gp_error err;
    void **box = lgp_newkernel(L);
    return lgp_fillbox(L, box, gp_kernel_power(k, (int)p, &err), &err);
}

/* gp.changepoint(k1, k2 [, {location = 0, steepness = 1, dim = 1}]):
 * s(x) s(x') k1 + (1 - s(x)) (1 - s(x')) k2, s(x) = 1 / (1 + exp(steepness (x_dim - location))). */
static int l_changepoint(lua_State *L)
{
    static const char *const known[] = {"location", "steepness", "dim", NULL};
    gp_kernel *k1 = lgp_checkkernel(L, 1), *k2 = lgp_checkkernel(L, 2);
    lgp_options o;
    lgp_options_open(&o, L, 3, "changepoint", known);
    const double loc = lgp_opt_number(&o, "location", 0.0);
    const double steep = lgp_opt_number(&o, "steepness", 1.0);
    const int dim = lgp_opt_int(&o, "dim", 1);
    if (dim < 1)
        return lgp_error(L, "changepoint: option 'dim' must be >= 1 (input dimensions count from 1), "
                            "got %d",
                         dim);
    gp_error err;
    void **box = lgp_newkernel(L);
    return lgp_fillbox(L, box, gp_kernel_changepoint(k1, k2, loc, steep, (size_t)dim - 1, &err),
                       &err);
}

/* ---- hyperparameters -------------------------------------------------------------- */

/* The free parameters of k, pushed as a new array (n of them). */
static gp_kernel_param *push_params(lua_State *L, const gp_kernel *k, size_t *n)
{
    gp_error err;
    if (gp_kernel_params(k, NULL, 0, n, &err))
        lgp_raise(L, &err);
    gp_kernel_param *ps = lua_newuserdatauv(L, (*n ? *n : 1) * sizeof *ps, 0);
    if (gp_kernel_params(k, ps, *n, n, &err))
        lgp_raise(L, &err);
    return ps;
}

/* k:params() -> {{name =, value =, lo =, hi =, positive =}, ...}: the free
 * parameters, in the order k:grad and k:with take them. */
static int k_params(lua_State *L)
{
    gp_kernel *k = lgp_checkkernel(L, 1);
    size_t n;
    gp_kernel_param *ps = push_params(L, k, &n);
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_createtable(L, 0, 5);
        lua_pushstring(L, ps[i].name);
        lua_setfield(L, -2, "name");
        lua_pushnumber(L, ps[i].value);
        lua_setfield(L, -2, "value");
        lua_pushnumber(L, ps[i].lo);
        lua_setfield(L, -2, "lo");
        lua_pushnumber(L, ps[i].hi);
        lua_setfield(L, -2, "hi");
        lua_pushboolean(L, ps[i].positive);
        lua_setfield(L, -2, "positive");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* The parameter named by the value at idx: its 1-based position or its
 * name; fname names the method in errors. */
static const gp_kernel_param *check_param(lua_State *L, int idx, const gp_kernel_param *ps,
                                          size_t n, const char *fname)
{
    if (lua_type(L, idx) == LUA_TNUMBER) {
        int ok;
        const lua_Integer i = lua_tointegerx(L, idx, &ok);
        if (!ok || i < 1 || (size_t)i > n)
            lgp_error(L, "%s: parameter number must be 1..%zu, got %s", fname, n,
                      luaL_tolstring(L, idx, NULL));
        return &ps[i - 1];
    }
    const char *name = lua_type(L, idx) == LUA_TSTRING ? lua_tostring(L, idx) : NULL;
    for (size_t i = 0; name && i < n; i++)
        if (strcmp(ps[i].name, name) == 0)
            return &ps[i];
    if (!name)
        lgp_error(L, "%s: a parameter is named by a string or its number, got %s", fname,
                  lgp_typename(L, idx));
    lgp_error(L, "%s: the kernel has no free parameter '%s' (k:params() lists them)", fname, name);
    return NULL;
}

/* k:grad(p, X [, Y]): d k(X, Y) / d theta_p, p a name or a position in k:params(). */
static int k_grad(lua_State *L)
{
    gp_kernel *k = lgp_checkkernel(L, 1);
    const gp_matrix *X = lgp_checkpoints(L, 3);
    const gp_matrix *Y = lua_isnoneornil(L, 4) ? NULL : lgp_checkpoints(L, 4);
    size_t n;
    gp_kernel_param *ps = push_params(L, k, &n);
    const gp_kernel_param *p = check_param(L, 2, ps, n, "grad");
    gp_matrix *D = lgp_pushmatrix(L, X->rows, Y ? Y->rows : X->rows);
    gp_error err;
    lua_State *saved = lgp_enter_core(L);
    gp_code rc = gp_kernel_gram_grad(k, p, X, Y, D, &err);
    lgp_leave_core(saved);
    return rc ? lgp_raise(L, &err) : 1;
}

/* k:with{v1, v2, ...} or k:with{name = v, ...}: k with new values of its free
 * parameters (the others keep theirs), checked as the constructors check. */
static int k_with(lua_State *L)
{
    gp_kernel *k = lgp_checkkernel(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    size_t n;
    gp_kernel_param *ps = push_params(L, k, &n);
    double *v = lua_newuserdatauv(L, (n ? n : 1) * sizeof *v, 0);
    for (size_t i = 0; i < n; i++)
        v[i] = ps[i].value;
    lua_pushnil(L);
    while (lua_next(L, 2)) {
        lua_pushvalue(L, -2); /* the key, for check_param at a fixed index */
        const gp_kernel_param *p = check_param(L, lua_gettop(L), ps, n, "with");
        if (lua_type(L, -2) != LUA_TNUMBER)
            return lgp_error(L, "with: the value of %s must be a number, got %s", p->name,
                             luaL_typename(L, -2));
        v[p - ps] = lua_tonumber(L, -2);
        lua_pop(L, 2);
    }
    gp_error err;
    void **box = lgp_newkernel(L);
    return lgp_fillbox(L, box, gp_kernel_with_params(k, v, n, &err), &err);
}

/* ---- evaluation ------------------------------------------------------------------- */

/* out = k(X, Y) (Y NULL: X), or with diag the variances k(x_i, x_i) into
 * out's n values; the core call bracketed for callbacks. */
static int evaluate(lua_State *L, const gp_kernel *k, const gp_matrix *X, const gp_matrix *Y,
                    gp_matrix *out, int diag)
{
    gp_error err;
    lua_State *saved = lgp_enter_core(L);
    gp_code rc = diag ? gp_kernel_diag(k, X, out->data, &err) : gp_kernel_gram(k, X, Y, out, &err);
    lgp_leave_core(saved);
    return rc ? lgp_raise(L, &err) : 1;
}

/* 1 if the value at idx is an options table: a table with a key that is
 * not 1 (a matrix literal {1, 2} or {{1, 2}} always has [1]; {} is an empty
 * matrix, not options). */
static int is_options(lua_State *L, int idx)
{
    if (lua_type(L, idx) != LUA_TTABLE || lua_rawgeti(L, idx, 1) != LUA_TNIL) {
        lua_pop(L, lua_type(L, idx) == LUA_TTABLE ? 1 : 0);
        return 0;
    }
    lua_pop(L, 1);
    lua_pushnil(L);
    if (!lua_next(L, idx))
        return 0;
    lua_pop(L, 2);
    return 1;
}

/* k:gram(X [, Y] [, {out = M}]): the matrix k(X, Y) (Y = X if absent); with
 * out, written into the existing matrix M (n x m, not X or Y), which is
 * returned: no new n x m block, whose pages the first write would fault in.
 * k:diag(X): the vector k(x_i, x_i). */
static int k_gram(lua_State *L)
{
    static const char *const known[] = {"out", NULL};
    const gp_kernel *k = lgp_checkkernel(L, 1);
    const int top = lua_gettop(L), optarg = top >= 3 && is_options(L, top) ? top : 0;
    const gp_matrix *X = lgp_checkpoints(L, 2);
    const gp_matrix *Y = optarg == 3 || lua_isnoneornil(L, 3) ? NULL : lgp_checkpoints(L, 3);
    const size_t m = Y ? Y->rows : X->rows;
    lgp_options o;
    lgp_options_open(&o, L, optarg ? optarg : top + 1, "gram", known);
    if (!lgp_opt_has(&o, "out"))
        return evaluate(L, k, X, Y, lgp_pushmatrix(L, X->rows, m), 0);
    lua_getfield(L, optarg, "out");
    gp_matrix *out = lgp_testmatrix(L, -1);
    if (!out)
        return lgp_error(L, "gram: bad option 'out' (matrix expected, got %s)",
                         luaL_typename(L, -1));
    if (out->rows != X->rows || out->cols != m)
        return lgp_error(L, "gram: option 'out' is %zu x %zu, expected %zu x %zu (the points of "
                         "X by those of %s)", out->rows, out->cols, X->rows, m, Y ? "Y" : "X");
    if (out == X || out == Y)
        return lgp_error(L, "gram: option 'out' must be a matrix other than the input %s",
                         out == X ? "X" : "Y");
    return evaluate(L, k, X, Y, out, 0);
}

static int k_diag(lua_State *L)
{
    const gp_matrix *X = lgp_checkpoints(L, 2);
    return evaluate(L, lgp_checkkernel(L, 1), X, NULL, lgp_pushmatrix(L, X->rows, 1), 1);
}

/* The point at arg as a 1 x d matrix in place: a number (1-D) or a list of
 * coordinates. */
static gp_matrix *check_point(lua_State *L, int arg)
{
    if (lua_type(L, arg) == LUA_TTABLE) { /* {x1, ..., xd}: one row */
        lua_newtable(L);
        lua_pushvalue(L, arg);
        lua_rawseti(L, -2, 1);
        lua_replace(L, arg);
    }
    gp_matrix *p = lgp_checkmatrix(L, arg);
    if (p->rows != 1)
        lgp_argerror(L, arg, "expected one point (a number or a list of coordinates), got %zu rows",
                     p->rows);
    return p;
}

/* k(x, x'): the number k at two points (numbers for 1-D, lists for d-D). */
static int k_call(lua_State *L)
{
    gp_kernel *k = lgp_checkkernel(L, 1);
    gp_matrix *x = check_point(L, 2), *y = check_point(L, 3);
    gp_matrix *K = lgp_pushmatrix(L, 1, 1);
    evaluate(L, k, x, y, K, 0);
    lua_pushnumber(L, K->data[0]);
    return 1;
}

LGP_BOX_ADAPTERS(kernel)

static const luaL_Reg kernel_methods[] = {
    {"warp", k_warp},     {"stretch", k_stretch}, {"shift", k_shift}, {"select", k_select},
    {"transform", k_transform}, {"gram", k_gram}, {"diag", k_diag},   {"params", k_params},
    {"grad", k_grad},     {"with", k_with},       {NULL, NULL}};

static const luaL_Reg kernel_meta[] = {{"__add", k_add}, {"__mul", k_mul},   {"__sub", k_sub},
                                       {"__unm", k_unm}, {"__pow", k_pow},   {"__call", k_call},
                                       {NULL, NULL}};

static const lgp_type kernel_type = {"gprior.kernel", "kernel", release_kernel, describe_kernel,
                                     kernel_methods, kernel_meta};

void lgp_open_kernel(lua_State *L)
{
    lgp_newtype(L, &kernel_type);
    /* gp.rbf, gp.ou, ...: one constructor per leaf kernel of the core's table */
    const gp_kernel_desc *d;
    for (size_t i = 0; (d = gp_kernel_desc_at(i)) != NULL; i++) {
        lua_pushlightuserdata(L, (void *)(uintptr_t)d);
        lua_pushcclosure(L, l_leaf, 1);
        lua_setfield(L, -2, gp_kernel_desc_name(d));
    }
    lua_pushcfunction(L, l_changepoint);
    lua_setfield(L, -2, "changepoint");
    lgp_open_func(L);
    lgp_open_mlp_network(L);
}
